"""The index page of a report folder (Russian, self-contained)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from urllib.parse import quote

from proforient import __version__
from proforient.batch.jobs import DISTRICT_REPORTS, JobResult

# --------------------------------------------------------------------------------------------
# Index and manifest

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;max-width:60rem;
margin:2rem auto;padding:0 1rem;color:#1d2733;line-height:1.45}
h1{margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #d5dbe2;padding-bottom:.2rem}
.meta{color:#55606e;margin:.2rem 0}.meta b{color:#1d2733}
.banner{background:#fff4d6;border:2px solid #e0a800;border-radius:6px;padding:.8rem 1rem;
margin:1rem 0;font-weight:600}
ul.reports{list-style:none;padding:0}ul.reports li{margin:.6rem 0}
ul.reports a{font-size:1.1rem;font-weight:600}.hint{color:#55606e}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem .6rem;
border-bottom:1px solid #e3e7ec;vertical-align:top}th{background:#f3f5f8}
.ok{color:#1e7b34;font-weight:600}.fail{color:#b3261e;font-weight:600}
.reason{color:#55606e;font-size:.9rem}code{font-size:.9rem}
footer{margin-top:2rem;color:#55606e;font-size:.9rem}
"""


def _link(result: JobResult, text: str) -> str:
    if not result.ok or not result.output:
        return "—"
    return f'<a href="{html.escape(quote(result.output))}">{html.escape(text)}</a>'


def _status(result: JobResult) -> str:
    if result.ok:
        note = (f' <span class="reason">(из предыдущего запуска, {html.escape(result.generated)})'
                "</span>" if result.reused else "")
        return f'<span class="ok">готов</span>{note}'
    reason = html.escape(result.error or "")
    note = " (предыдущий запуск)" if result.reused else ""
    return f'<span class="fail">ошибка{note}</span><br><span class="reason">{reason}</span>'


def render_index(results: Sequence[JobResult], *, dataset_name: str, year: str, generated: str,
                 synthetic: bool, version: str = __version__) -> str:
    """The index page (Russian, self-contained); every piece of input text is escaped.

    Parameters
    ----------
    results : sequence of JobResult
        All reports of the folder (district, graduates, schools).
    dataset_name, year, generated : str
        Shown in the header.
    synthetic : bool
        Show the synthetic-data banner.
    version : str
        The package version shown in the header.
    """
    e = html.escape
    parts = [
        "<!DOCTYPE html>", '<html lang="ru">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Отчёты по профориентации — {e(dataset_name)}, {e(year)}</title>",
        f"<style>{_CSS}</style>", "</head>", "<body>", "<header>",
        "<h1>Отчёты по профориентации</h1>",
        f'<p class="meta">Набор данных: <b>{e(dataset_name)}</b></p>',
        f'<p class="meta">Учебный год: <b>{e(year)}</b> · Сформировано: <b>{e(generated)}</b>'
        f" · proforient {e(version)}</p>",
        "</header>",
    ]
    if synthetic:
        parts.append('<p class="banner">Данные синтетические (демонстрационный район): '
                     "все организации, люди и числа вымышлены. Отчёты показывают, как работает "
                     "инструмент, и не годятся для выводов о реальных школах.</p>")
    parts += ["<h2>Район</h2>", '<ul class="reports">']
    by_kind = {r.kind: r for r in results if r.kind != "school"}
    for kind, (title, hint) in DISTRICT_REPORTS.items():
        result = by_kind.get(kind)
        if result is None:
            continue
        if result.ok:
            parts.append(f'<li>{_link(result, title)}<br><span class="hint">{e(hint)}</span></li>')
        else:
            parts.append(f"<li>{e(title)}: {_status(result)}</li>")
    parts.append("</ul>")
    schools = [r for r in results if r.kind == "school"]
    ready = sum(r.ok for r in schools)
    parts += [f"<h2>Школы</h2><p class=\"meta\">Отчётов готово: {ready} из {len(schools)}</p>",
              "<table>", "<thead><tr><th>Школа</th><th>Код</th><th>Отчёт</th><th>Статус</th>"
              "</tr></thead>", "<tbody>"]
    for result in schools:
        parts.append(f"<tr><td>{e(result.title)}</td><td><code>{e(result.name)}</code></td>"
                     f"<td>{_link(result, 'открыть')}</td><td>{_status(result)}</td></tr>")
    parts += ["</tbody></table>",
              "<footer>Каждый отчёт проверен перед публикацией: в нём нет кодов выпускников. "
              "Сформировано командой <code>proforient report</code>.</footer>",
              "</body>", "</html>", ""]
    return "\n".join(parts)


WORK_README = """\
Служебная папка для аналитика — НЕ ДЛЯ РАССЫЛКИ.

Здесь исполненные блокноты (.ipynb) этого запуска proforient report: с предупреждениями,
выводом stderr и, если отчёт не сформирован, с текстом ошибки. Откройте блокнот в JupyterLab,
чтобы найти причину. Для чтения и рассылки предназначены только HTML-файлы уровнем выше
и index.html.

specialty-review.csv — все названия специальностей, которые нужно уточнить, в том числе
написанные у одного выпускника (в общий отчёт они не попадают: это мог бы быть текст об
одном человеке).
"""
