"""What every report page has: the header, the «Главное» box and the «Как считалось» appendix."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from proforient.report.context import ReportContext
from proforient.report.html import CSS, Html, Section, bullets, escape
from proforient.report.text import capital, date_ru

__all__ = ["SYNTHETIC_NOTE", "Report", "appendix", "header", "summary"]

#: The banner of a report built from the synthetic demo data.
SYNTHETIC_NOTE = ("Данные синтетические (демонстрационный район): все названия организаций и "
                  "все числа вымышлены; выводы отчёта не относятся ни к одной реальной школе.")


class Report:
    """A report page: its sections, each a method returning :class:`Html`, in ``SECTIONS``
    order. A notebook calls them one per cell; :meth:`page` gives them all at once (for a quick
    look in a console, the tests and the benchmark)."""

    #: The methods giving the sections, in the order of the page.
    SECTIONS: tuple[str, ...] = ()

    def sections(self) -> list[Html]:
        """Every section, in order (a section that does not apply is empty)."""
        return [getattr(self, name)() for name in self.SECTIONS]

    def page(self) -> Html:
        """The whole page as one fragment."""
        parts = self.sections()
        return Html("".join(p.html for p in parts), "\n\n".join(p.text for p in parts if p))


def for_whom(ctx: ReportContext, who: str) -> str:
    """«<District>: <who>» when the dataset names its district, else «<Who>»."""
    district = ctx.dataset.district
    return f"{district}: {who}" if district else who[:1].upper() + who[1:]


def css_string(text: str) -> str:
    """``text`` as a CSS string literal that cannot end the string or the ``<style>``.

    >>> css_string('Школа "№ 1" <b>')
    '"Школа \\\\22 № 1\\\\22  \\\\3C b\\\\3E "'
    """
    out = []
    for ch in str(text):
        if ch.isalnum() or ch in " .,:;·—–-()«»№":
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):X} ")
    return '"' + "".join(out) + '"'


def running_header(title: str) -> str:
    """The title at the top of every printed page and the page number at its foot."""
    return ('<style class="pf-running">@media print{@page{@top-left{content:'
            + css_string(title) + ';font:8pt "DejaVu Sans",Arial,sans-serif;color:#55606e}'
            '@bottom-right{content:counter(page) " / " counter(pages);'
            'font:8pt "DejaVu Sans",Arial,sans-serif;color:#55606e}}}</style>')


def header(ctx: ReportContext, title: str, subtitle: str) -> Html:
    """The top of a report: its title, whose it is, the year and date; a banner for demo data.

    The stylesheet comes first (in JupyterLab it styles the notebook; a rendered page carries
    it in its head and drops this copy).
    """
    parts = [f'<style class="pf-style">{CSS}</style>', running_header(f"{title} · {ctx.year}"),
             f"<header><h1>{escape(title)}</h1>",
             f'<p class="pf-meta">{escape(subtitle)}</p>',
             f'<p class="pf-meta">Учебный год {escape(ctx.year)} · '
             f"отчёт от {escape(date_ru(ctx.generated))}</p>"]
    if ctx.dataset.synthetic:
        parts.append(f'<div class="pf-banner">⚠ {escape(SYNTHETIC_NOTE)}</div>')
    parts.append("</header>")
    text = "\n".join([title, subtitle, f"Учебный год {ctx.year}"]
                     + ([f"Внимание: {SYNTHETIC_NOTE}"] if ctx.dataset.synthetic else []))
    return Html("".join(parts), text)


def summary(sentences: Sequence[str | Markup]) -> Html:
    """«Главное»: a few plain sentences at the top of a report."""
    return Html('<div class="pf-main" id="main"><h2>Главное</h2>'
                + str(bullets(sentences)) + "</div>")


def roadmap_words(roadmap, first_year: str) -> str:
    """Which roadmap a year is read against, in words.

    >>> from proforient.parameters.roadmap import Roadmap
    >>> words = roadmap_words(Roadmap("2019-2020", "", (), targets_from=None), "2021-2022")
    >>> words.startswith("год раньше первой дорожной карты (2021-2022)"), "без целей" in words
    (True, True)
    """
    if roadmap.targets_from is None:
        return (f"год раньше первой дорожной карты ({first_year}): показатели посчитаны так же, "
                "как в ней, но без целей")
    return f"дорожная карта {roadmap.targets_from} года"


def appendix(number: int | None, items: Sequence[str | Markup],
             tables: Sequence[Markup] = (), ctx: ReportContext | None = None) -> Html:
    """«Как считалось»: how the numbers were computed, in plain sentences, and what was left
    out and why."""
    body = [bullets(items), *tables]
    if ctx is not None:
        body.append(Markup('<p class="pf-note">{}</p>').format(
            capital(roadmap_words(ctx.roadmap, ctx.params.roadmaps.first.year)) + "; "
            + (f"данные: {ctx.dataset.district}; " if ctx.dataset.district else "")
            + f"отчёт сформирован {date_ru(ctx.generated)}"))
    section = Section("appendix", "Как считалось", body=list(body), number=number)
    return section.render()
