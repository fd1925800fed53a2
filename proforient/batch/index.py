"""The index page of a report folder: the department's landing page (Russian, self-contained).

It says what matters before it lists files: the district's «Главное», its key shares against
the targets, and one row per school with its counts of targets met, not met and without data
and the indicator furthest from its target — a table the reader sorts by clicking a column
(a few lines of inline script: the page opens offline, from a file or an e-mail). The content
comes from :func:`proforient.report.landing.landing`; without it (a batch of custom notebooks)
the page is a plain list of the reports.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import quote

from proforient import __version__
from proforient.batch.jobs import DISTRICT_REPORTS, JobResult
from proforient.report.text import typography

__all__ = ["WORK_README", "render_index"]

_CSS = """
:root{--ink:#1d2733;--muted:#55606e;--line:#d5dbe2;--soft:#f3f5f8;--accent:#1b4f8a}
body{font-family:"DejaVu Sans","Segoe UI",Arial,sans-serif;max-width:64rem;margin:2rem auto;
padding:0 1rem;color:var(--ink);line-height:1.45}
h1{margin-bottom:.2rem;font-size:1.7rem}h2{margin-top:2rem;border-bottom:1px solid var(--line);
padding-bottom:.2rem;font-size:1.3rem}
.meta{color:var(--muted);margin:.2rem 0}
.banner{background:#fff4d6;border:2px solid #e0a800;border-radius:6px;padding:.8rem 1rem;
margin:1rem 0;font-weight:600}
.main{background:#f4f7fb;border:2px solid var(--accent);border-radius:6px;padding:.4rem 1.2rem;
margin:1rem 0}.main h2{border:0;margin-top:.6rem}
ul.reports{list-style:none;padding:0}ul.reports li{margin:.6rem 0}
ul.reports a{font-size:1.1rem;font-weight:600}.hint{color:var(--muted)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;
border-bottom:1px solid #e3e7ec;vertical-align:top}th{background:var(--soft)}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;width:1%}
td[data-sort]{text-align:left}
.nowrap{white-space:nowrap}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th[aria-sort=ascending]::after{content:" ▲"}
table.sortable th[aria-sort=descending]::after{content:" ▼"}
.met{color:#1e7b34;font-weight:600}.not_met{color:#b3261e;font-weight:600}
.fail{color:#b3261e;font-weight:600}.reason{color:var(--muted);font-size:.9rem}
footer{margin-top:2rem;color:var(--muted);font-size:.9rem}
@media print{@page{size:A4;margin:15mm 12mm 16mm;@bottom-right{content:counter(page) " / "
counter(pages);font:8pt "DejaVu Sans",Arial,sans-serif;color:#55606e}}
body{margin:0;max-width:none;font-size:10pt}
.noprint{display:none}a{color:inherit;text-decoration:none}thead{display:table-header-group}
tr,.main{break-inside:avoid}h2{break-after:avoid}}
"""

#: Sorting by a click on a column header, numbers as numbers, Russian words in Russian order.
_SORT = """
document.querySelectorAll("table.sortable th").forEach(function (th, col) {
  th.tabIndex = 0;
  function sort() {
    var table = th.closest("table"), body = table.tBodies[0];
    var numeric = th.classList.contains("n"), now = th.getAttribute("aria-sort");
    // numbers: the largest first (the most targets missed on top); words: А to Я
    var dir = now ? (now === "ascending" ? "descending" : "ascending")
                  : (numeric ? "descending" : "ascending");
    table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir);
    function key(row) {
      var cell = row.cells[col], v = cell.getAttribute("data-sort");
      if (v === null) { v = cell.textContent.trim(); }
      var n = parseFloat(v);
      return isNaN(n) ? v : n;
    }
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a), y = key(b), r;
      if (typeof x === "number" && typeof y === "number") { r = x - y; }
      else { r = String(x).localeCompare(String(y), "ru"); }
      return dir === "ascending" ? r : -r;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  th.addEventListener("click", sort);
  th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(); } });
});
"""


def _date(generated: str) -> str:
    """«2026-12-01 15:51» → «1 декабря 2026 г.» (as the reports write it)."""
    from proforient.report.text import date_ru

    try:
        return date_ru(datetime.strptime(generated[:10], "%Y-%m-%d"))
    except ValueError:
        return generated


def _link(result: JobResult, text: str) -> str:
    if not result.ok or not result.output:
        return "—"
    return f'<a href="{html.escape(quote(result.output))}">{html.escape(text)}</a>'


def _status(result: JobResult) -> str:
    """What the reader is told about a report that is not fresh or not there."""
    if result.ok:
        if result.reused:
            return (f'<br><span class="reason">из предыдущего запуска '
                    f"({html.escape(_date(result.generated))})</span>")
        return ""
    reason = html.escape(result.error or "")
    note = " (предыдущий запуск)" if result.reused else ""
    return (f'<span class="fail">отчёт не сформирован{note}</span><br>'
            f'<span class="reason">{reason}</span>')


def _head(title: str, who: str | None, generated: str, synthetic: bool, version: str
          ) -> list[str]:
    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="ru">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f'<meta name="generator" content="proforient/{e(version)}">',
             f"<title>{e(title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
             "<header>", f"<h1>{e(title)}</h1>",
             f'<p class="meta">{e(who + " · ") if who else ""}отчёты от {e(_date(generated))}'
             "</p>", "</header>"]
    if synthetic:
        parts.append('<p class="banner">Данные синтетические (демонстрационный район): '
                     "все организации, люди и числа вымышлены. Отчёты показывают, как работает "
                     "инструмент, и не годятся для выводов о реальных школах.</p>")
    return parts


def _district_reports(results: Sequence[JobResult]) -> list[str]:
    e = html.escape
    parts = ["<h2>Отчёты района</h2>", '<ul class="reports">']
    by_kind = {r.kind: r for r in results if r.kind != "school"}
    for kind, (title, hint) in DISTRICT_REPORTS.items():
        result = by_kind.get(kind)
        if result is None:
            continue
        if result.ok:
            parts.append(f'<li>{_link(result, title)}{_status(result)}<br>'
                         f'<span class="hint">{e(hint)}</span></li>')
        else:
            parts.append(f"<li>{e(title)}: {_status(result)}</li>")
    return parts + ["</ul>"]


def _landing(landing) -> list[str]:
    e = html.escape
    parts = ['<section class="main"><h2>Главное</h2><ul>']
    parts += [f"<li>{typography(e(s))}</li>" for s in landing.headline]
    parts.append("</ul></section>")
    if len(landing.shares):
        parts += ["<h2>Доли района и цели</h2>", "<table><thead><tr><th>№</th><th>Показатель"
                  '</th><th class="n">Район</th><th>Цель</th><th>Статус</th></tr></thead><tbody>']
        for r in landing.shares.itertuples(index=False):
            parts.append(f'<tr><td>{e(str(r.number))}</td><td>{typography(e(r.title))}</td>'
                         f'<td class="n">{e(r.value)}</td><td class="nowrap">{e(r.target)}</td>'
                         f'<td class="{e(str(r.status_code))} nowrap">{e(r.status)}</td></tr>')
        parts.append("</tbody></table>")
    return parts


def _schools(results: Sequence[JobResult], landing) -> list[str]:
    e = html.escape
    schools = [r for r in results if r.kind == "school"]
    ready = sum(r.ok for r in schools)
    parts = ["<h2>Школы</h2>",
             f'<p class="meta">Отчётов готово: {ready} из {len(schools)}. '
             '<span class="noprint">Нажмите на заголовок столбца, чтобы упорядочить '
             "таблицу.</span></p>"]
    rows = {} if landing is None else {r.org_id: r for r in
                                       landing.schools.itertuples(index=False)}
    parts.append('<table class="sortable"><thead><tr><th>Школа</th>'
                 + ('<th>Тип</th><th class="n">Достигнуто</th>'
                    '<th class="n" aria-sort="descending">Не достигнуто</th>'
                    '<th class="n">Нет данных</th><th class="n">Дальше всего от цели</th>'
                    if rows else "")
                 + "</tr></thead><tbody>")
    if rows:  # the schools furthest behind first
        def behind(result: JobResult) -> tuple:
            r = rows.get(result.name)
            if r is None:
                return (1, 0, 0.0)
            return (0, -r.not_met, -(0.0 if math.isnan(r.weakest_gap) else r.weakest_gap))
        schools = sorted(schools, key=behind)
    for result in schools:
        r = rows.get(result.name)
        name = r.short if r is not None else result.title
        link = _link(result, name) if result.ok else html.escape(name)
        cells = [f'<td data-sort="{e(name)}">{link}{_status(result)}</td>']
        if rows and r is not None:
            gap = -1.0 if math.isnan(r.weakest_gap) else r.weakest_gap
            cells += [f"<td>{e(r.type)}</td>",
                      f'<td class="n">{r.met}</td>', f'<td class="n">{r.not_met}</td>',
                      f'<td class="n">{r.no_data}</td>',
                      f'<td data-sort="{gap:.4f}">{typography(e(r.weakest)) or "—"}</td>']
        elif rows:
            cells += ["<td>—</td>"] + ['<td class="n">—</td>'] * 3 + ["<td>—</td>"]
        parts.append(f'<tr data-org="{e(result.name)}">' + "".join(cells) + "</tr>")
    return parts + ["</tbody></table>"]


def render_index(results: Sequence[JobResult], *, dataset_name: str, year: str, generated: str,
                 synthetic: bool, version: str = __version__, district: str | None = None,
                 landing=None) -> str:
    """The index page (Russian, self-contained); every piece of input text is escaped.

    Parameters
    ----------
    results : sequence of JobResult
        All reports of the folder (district, graduates, schools).
    dataset_name : str
        Kept for the manifest's callers; the page names the district only when ``district``
        is given (a folder name is the analyst's, not the reader's).
    year, generated : str
        The academic year; when the batch ran (``YYYY-MM-DD HH:MM``), shown as a date in words.
    synthetic : bool
        Show the synthetic-data banner.
    version : str
        The package version (in the footer).
    district : str, optional
        The district's name from ``dataset.yaml``.
    landing : proforient.report.landing.Landing, optional
        The headline, the key shares and the schools' rows; without it, a list of reports.
    """
    del dataset_name
    title = f"Профориентация: отчёты за {year.replace('-', '‑')} учебный год"
    parts = _head(title, district, generated, synthetic, version)
    if landing is not None:
        parts += _landing(landing)
    parts += _district_reports(results)
    parts += _schools(results, landing)
    parts += ["<footer>Каждый отчёт проверен перед публикацией: в нём нет сведений, по "
              "которым можно узнать конкретного ученика.</footer>",
              f"<script>{_SORT}</script>", "</body>", "</html>", ""]
    return "\n".join(parts)


WORK_README = """\
Служебная папка для аналитика — НЕ ДЛЯ РАССЫЛКИ.

Здесь исполненные блокноты (.ipynb) запуска proforient report за этот год: с предупреждениями,
выводом stderr и, если отчёт не сформирован, с текстом ошибки. Откройте блокнот в JupyterLab,
чтобы найти причину. Для чтения и рассылки предназначена только папка отчётов этого года
(рядом с папкой НЕ_ДЛЯ_ПУБЛИКАЦИИ): её можно копировать и выкладывать целиком.

specialty-review.csv — все названия специальностей, которые нужно уточнить, в том числе
написанные у одного выпускника (в общий отчёт они не попадают: это мог бы быть текст об
одном человеке).
"""
