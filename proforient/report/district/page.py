"""The district report's page: one method per section."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from markupsafe import Markup

from proforient.report import cells, charts
from proforient.report.context import ReportContext
from proforient.report.district import analysis, findings
from proforient.report.facts.ranking import RULE
from proforient.report.html import Column, Html, Section, figure, quantity, statement, table
from proforient.report.page import Report, appendix, for_whom, header, summary
from proforient.report.publish import HIDDEN_MARK
from proforient.report.text import (
    STATUS_SYMBOLS,
    count,
    of_organisations,
    percent,
    status_text,
    target_text,
    value_text,
    year_label,
)

__all__ = ["DistrictReport"]

TITLES = {
    "totals": "Итоги района",
    "grid": "Школы по всем показателям",
    "funnels": "Сравнение школ с учётом их размера",
    "preschools": "Детские сады и центр дополнительного образования",
    "department": "Мероприятия управления образования",
    "gaps": "Полнота данных",
}
SECTIONS = tuple(TITLES)

GRID_CLASSES = {"met": "met", "not_met": "not_met", "no_data": "no_data",
                "monitored": "monitored", "not_applicable": "not_applicable", "hidden": "hidden"}
GRID_SYMBOLS = {**STATUS_SYMBOLS, "hidden": "×"}


class DistrictReport(Report):
    """The district's report.

    Parameters
    ----------
    ctx : ReportContext
        The batch's context.
    """

    SECTIONS = ("header", "summary", "district_totals", "status_grid", "funnel_plots",
                "preschools", "department_activities", "data_gaps", "appendix")

    def __init__(self, ctx: ReportContext) -> None:
        self.ctx = ctx
        self.facts = ctx.facts
        self.totals = analysis.district_rows(ctx)
        self.grid = analysis.published_grid(ctx)
        self.concerns, self.ranking = analysis.school_ranking(ctx, self.grid)
        self.funnels = analysis.funnel_summary(self.facts)
        self.pre = analysis.preschools(self.facts, ctx.roadmap)
        self.dept = analysis.department(ctx)
        self.gaps = analysis.gaps(self.facts)
        self.short = dict(zip(self.facts.orgs["org_id"], self.facts.orgs["short"], strict=True))
        self.titles = dict(zip(self.totals["indicator_id"], self.totals["title"], strict=True))
        self.left_out = {}
        if self.pre.empty:
            self.left_out["preschools"] = "в данных нет детских садов и организаций "\
                                          "дополнительного образования"
        if self.dept.empty:
            self.left_out["department"] = "управление образования не сдало данные о своих "\
                                          "мероприятиях"
        if self.funnels.empty:
            self.left_out["funnels"] = "ни по одной доле школ нет данных"
        shown = [s for s in SECTIONS if s not in self.left_out]
        self.numbers = {s: i for i, s in enumerate(shown, start=1)}
        self.numbers["appendix"] = len(shown) + 1

    def _section(self, key: str, **kwargs) -> Section:
        return Section(key, TITLES[key], number=self.numbers.get(key),
                       first=self.numbers.get(key) == 1, **kwargs)

    # ------------------------------------------------------------------------------------------

    def header(self) -> Html:
        """Title, year, date; the synthetic-data banner for the demo."""
        return header(self.ctx, "Профориентация: отчёт по району",
                      for_whom(self.ctx, "все школы, детские сады и управление образования"))

    def headline(self) -> list[str]:
        """The sentences of «Главное» (the batch's landing page repeats them)."""
        return findings.headline(self.totals, self.concerns, self.ranking, self.gaps,
                                 self.short, self.ctx.facts.sensitive)

    def summary(self) -> Html:
        """«Главное»."""
        return summary(self.headline())

    def district_totals(self) -> Html:
        """The district's value of every indicator against its target, with who reported."""
        rows = []
        for r in self.totals.itertuples(index=False):
            rows.append([str(r.number), r.title, self._value(r),
                         target_text(r.target, r.kind, scope="district"),
                         (status_text(r.status), f"st-{r.status}"),
                         self._reporting(r)])
        body = [table([Column("№", numeric=True), Column("Показатель", wide=True),
                       Column("Район", numeric=True), Column("Цель", nowrap=True),
                       Column("Статус", nowrap=True), Column("Сдали данные", numeric=True)],
                      rows, long=True)]
        plot = self.totals[self.totals["kind"] == "share"]
        if len(plot):
            labels = [charts.wrap(f"{r.number}. {r.title}", 48, 2) for r in plot.itertuples()]
            with charts.figure(4.8, 0.42 * len(plot), left=charts.label_width(labels) + 0.1,
                               bottom=0.75, top=0.15) as (fig, ax):
                charts.interval_plot(ax, labels, plot["value"].to_numpy(float),
                                     target=plot["target"].to_numpy(float), label="район")
                charts.legend_below(fig, charts.handles(("район", {**charts.SCHOOL,
                                                                    "linestyle": "none"}),
                                                        ("цель", {**charts.TARGET,
                                                                  "linestyle": "none",
                                                                  "marker": "|"})))
                body.append(figure(fig, "Доли района и цели дорожной карты"))
        notes, steps = findings.totals_notes(self.totals)
        return self._section(
            "totals", lead="Значение района по каждому показателю дорожной карты рядом с "
                           "целью, и сколько организаций сдали данные.",
            body=body, notes=notes, steps=steps,
            calm="Все цели района достигнуты, данные сдали все.").render()

    def _reporting(self, r) -> str | Markup:
        """«N из M» organisations that reported: for an indicator of sensitive people, M
        counts the schools that have any — registered with each school's count, and not said
        where a school's zero is hidden as «×» (M would tell it)."""
        text = f"{r.orgs_reporting} из {r.orgs_total}"
        if r.indicator_id not in self.facts.sensitive:
            return text
        g = self.grid
        dens = {o: cells.indicator(r.indicator_id, o, self.ctx.year)[1]
                for o in g.loc[g["indicator_id"] == r.indicator_id, "org_id"]}
        if any(self._hidden_at(org, den) for org, den in dens.items()):
            return statement([], HIDDEN_MARK, "protection")
        return statement(list(dens.values()), text, "shown")

    def _hidden_at(self, org: str, key: str) -> bool:
        """Whether the school's report hides the count (its decision, shared by every page)."""
        from proforient.report.publication import school

        return school(self.ctx, org).hides(key)

    def _grid_cell(self, org: str, ind: str, status: str) -> Markup | str:
        """A school's status symbol; for an indicator of sensitive people registered with the
        counts it rests on (whether the school has any; the share a status is judged on)."""
        symbol = GRID_SYMBOLS[status]
        if ind not in self.facts.sensitive or status == "no_data":
            return symbol
        if status == "hidden":
            return statement([], symbol, "protection")
        num, den = cells.indicator(ind, org, self.ctx.year)
        if self._hidden_at(org, den):  # a zero hidden as «×»
            return statement([], GRID_SYMBOLS["hidden"], "protection")
        if status in ("met", "not_met"):
            return statement([cells.share(num, den)], symbol)
        return statement([den], symbol, "said")

    def _value(self, r) -> Markup:
        key = f"q|district|{r.indicator_id}|"
        if r.kind == "share":
            return quantity(key + "value", percent(r.value))
        if r.kind in ("flag", "category"):  # with the flag / at a targeted level
            return quantity(key + "orgs", of_organisations(r.numerator, r.denominator))
        if findings.department_only(r):  # the department's own number, one value everywhere
            return quantity(key + "value", count(r.value))
        if not math.isnan(r.target):
            return quantity(key + "orgs_met",
                            of_organisations(r.orgs_met, r.orgs_total) + " выполнили")
        return quantity(key + "value", f"всего {count(r.value)}")

    def status_grid(self) -> Html:
        """Every school × every indicator: a status with a symbol, readable without colour."""
        grid = self.grid
        numbers = sorted(grid["number"].unique())
        schools = list(dict.fromkeys(grid["org_id"]))
        lookup = {(o, n): s for o, n, s in zip(grid["org_id"], grid["number"], grid["status"],
                                               strict=True)}
        ids = dict(zip(grid["number"], grid["indicator_id"], strict=False))
        rows = []
        for org in schools:
            row = [(self.short[org], "name")]
            for n in numbers:
                status = lookup.get((org, n))
                status = status or "not_applicable"  # no row: the grades do not apply
                row.append((self._grid_cell(org, ids[n], status), GRID_CLASSES[status]))
            rows.append(row)
        columns = ["Школа", *[Column(str(n)) for n in numbers]]
        legend = ", ".join(f"{GRID_SYMBOLS[s]} — {w}" for s, w in (
            ("met", "достигнуто"), ("not_met", "не достигнуто"), ("no_data", "нет данных"),
            ("monitored", "без цели"),
            ("not_applicable", "не относится: в школе нет тех, кого считает показатель "
                               "(у начальной школы нет 5–11 классов, в школе нет обучающихся с "
                               "ОВЗ или выпускников с профилем, который проверяется)"),
            ("hidden", "скрыто, чтобы не раскрыть сведения об учениках с ОВЗ")))
        key = table([Column("№", numeric=True), "Показатель"],
                    [[str(r.number), r.title] for r in self.totals.itertuples()
                     if r.number in set(numbers)], caption="Номера показателей", long=True)
        body = [table(columns, rows, css="pf grid",
                      # the matrix is read across rows and down columns: on paper it stays on
                      # one page (it may break only when it has more rows than an A4 page holds)
                      long=len(rows) > 40),
                Markup('<p class="pf-note">{}.</p>').format(legend), key]
        notes, steps = findings.grid_notes(self.grid, self.ranking, self.titles, self.short)
        return self._section(
            "grid", lead="Статус каждого показателя дорожной карты в каждой школе: строка — "
                         "школа, столбец — номер показателя.",
            body=body, notes=notes, steps=steps,
            calm="Все школы достигли всех целей и сдали все данные.").render()

    def funnel_plots(self) -> Html:
        """Funnel plots of the shares of pupils: which schools differ from the district more
        than their size explains."""
        if "funnels" in self.left_out:
            return Html()
        f = self.facts.funnels
        limits = self.facts.funnel_limits
        inds = list(self.funnels["indicator_id"])
        rows = []
        for r in self.funnels.itertuples(index=False):
            below = list(r.far_below) + list(r.below)
            above = list(r.far_above) + list(r.above)
            rows.append([self.titles[r.indicator_id],
                         quantity(f"q|district|{r.indicator_id}|value", percent(r.p0)),
                         str(r.schools),
                         ", ".join(self.short[o] + ("*" if o in r.far_below else "")
                                   for o in below) or "нет",
                         ", ".join(self.short[o] + ("*" if o in r.far_above else "")
                                   for o in above) or "нет"])
        body = [table([Column("Показатель", wide=True), Column("Район", numeric=True),
                       Column("Школ с данными", numeric=True), "Заметно ниже района",
                       "Заметно выше района"], rows),
                Markup('<p class="pf-note">* — отличие так велико, что почти наверняка не '
                       "случайно.</p>")]
        # two panels side by side, a figure per pair: a printed page breaks between pairs
        width = charts.fitted_width(4.6, 2, left=0.65, wgap=0.55)
        for first in range(0, len(inds), 2):
            pair = inds[first:first + 2]
            titles = [charts.title_wrap(self.titles[i], width) for i in pair]
            with charts.figure(width, 2.5, 1, 2, top=charts.text_height(titles) + 0.2,
                               bottom=0.95, left=0.65, wgap=0.55) as (fig, axes):
                for ax, ind, title in zip(axes, pair, titles, strict=False):
                    part = f[f["indicator_id"] == ind]
                    outside = part["position"].isin(["far_below", "far_above", "below",
                                                     "above"])
                    labels = [charts.wrap(self.short[o], 22, 2) if out else ""
                              for o, out in zip(part["org_id"], outside, strict=True)]
                    charts.funnel_plot(ax, part["denominator"], part["share"],
                                       p0=float(part["p0"].iloc[0]),
                                       limits=limits[limits["indicator_id"] == ind],
                                       target=float(part["target"].iloc[0]), labels=labels)
                    ax.set_title(title)
                    ax.set_xlabel("Сколько обучающихся учтено")
                for ax in axes[len(pair):]:
                    ax.set_visible(False)
                charts.legend_below(fig, charts.funnel_handles(with_school=False), ncol=3)
                last = first + 2 >= len(inds)
                body.append(figure(
                    fig, "Воронки: доли школ с учётом их размера",
                    caption="Каждая точка — школа. Пунктир — обычный разброс: в этих пределах "
                            "доля школы такого размера может оказаться просто случайно; "
                            "точечная линия — предел разброса. Подписаны школы, вышедшие за "
                            "пределы." if last else None))
        notes, steps = findings.funnel_notes(self.funnels, self.titles, self.short)
        return self._section(
            "funnels", lead="Какие школы отличаются от района больше, чем можно объяснить их "
                            "размером: у маленькой школы доля колеблется сильнее, поэтому "
                            "границы для неё шире.",
            body=body, notes=notes, steps=steps,
            calm="Все школы внутри границ: отличия объяснимы случайностью.").render()

    def preschools(self) -> Html:
        """Children 5–7 in clubs and the early-guidance plan of every preschool."""
        if "preschools" in self.left_out:
            return Html()
        data = self.pre
        kind_word = {"preschool": "детский сад", "additional": "доп. образование"}
        rows = []
        for r in data.itertuples(index=False):
            plan = ("да" if r.plan == 1 else "нет") if not pd.isna(r.plan) else (
                "нет данных" if r.plan_applies else "не требуется")
            rows.append([r.name, kind_word.get(r.kind, r.kind), count(r.children),
                         count(r.in_clubs), percent(r.share), plan])
        body = [table(["Организация", "Вид", Column("Детей 5–7 лет", numeric=True),
                       Column("В кружках", numeric=True), Column("Доля", numeric=True),
                       "План ранней профориентации"], rows, long=True)]
        district = self.totals.set_index("indicator_id")
        share_id, _flag_id = analysis.preschool_indicators(self.ctx.roadmap)
        p0 = float(district.at[share_id, "value"]) if share_id in district.index else math.nan
        plot = data.dropna(subset=["share"]).sort_values("share", ascending=False)
        if len(plot):
            labels = [charts.wrap(s, 40, 1) for s in plot["short"]]
            with charts.figure(4.6, 0.3 * len(plot) + 0.2, left=charts.label_width(labels),
                               bottom=0.75, top=0.15) as (fig, ax):
                charts.interval_plot(ax, labels, plot["share"], low=plot["ci_low"],
                                     high=plot["ci_high"],
                                     refs=[("район", [p0] * len(plot), charts.DISTRICT)],
                                     label="организация")
                charts.legend_below(fig, charts.handles(
                    ("организация", {**charts.SCHOOL, "linestyle": "none"}),
                    ("район", {**charts.DISTRICT, "linestyle": "none"})))
                body.append(figure(fig, "Доля детей 5–7 лет в кружках по организациям",
                                   caption="Точка — доля организации; полоса — пределы, в "
                                           "которых она могла бы оказаться при другом наборе "
                                           "детей того же числа."))
        notes, steps = findings.preschool_notes(data, p0)
        n_pre = int((data["kind"] == "preschool").sum())
        return self._section(
            "preschools", lead=f"Ранняя профориентация: планы детских садов ({n_pre}) и охват "
                               "детей 5–7 лет кружками профориентационной направленности.",
            body=body, notes=notes, steps=steps,
            calm="Все детские сады утвердили план и сдали данные.").render()

    def department_activities(self) -> Html:
        """What the department itself did, year by year."""
        if "department" in self.left_out:
            return Html()
        data = self.dept
        years = sorted(data["year"].unique())
        rows = []
        for _, part in data.groupby("indicator_id", sort=False):
            part = part.set_index("year")
            current = part.loc[self.ctx.year] if self.ctx.year in part.index else None
            rows.append([str(part["number"].iloc[0]), part["title"].iloc[0],
                         *[value_text(part["value"].get(y, np.nan), "count") for y in years],
                         target_text(current["target"] if current is not None else np.nan,
                                     "count"),
                         status_text(current["status"]) if current is not None else "—"])
        body = [table([Column("№", numeric=True), Column("Мероприятие", wide=True),
                       *[Column(year_label(y), numeric=True) for y in years],
                       Column("Цель", nowrap=True), Column("Статус", nowrap=True)], rows)]
        notes, steps = findings.department_notes(data, self.ctx.year)
        return self._section(
            "department", lead="Что сделало само управление образования: районные семинары, "
                               "конкурсы, публикации — по годам.",
            body=body, notes=notes, steps=steps,
            calm="Все мероприятия управления проведены в нужном количестве.").render()

    def data_gaps(self) -> Html:
        """Which organisations did not report which indicators."""
        gaps = self.gaps
        rows = []
        for (number, title), part in gaps.groupby(["number", "title"], sort=True):
            names = list(part["short"])
            rows.append([str(number), title, str(len(names)),
                         ", ".join(names[:12]) + (f" и ещё {len(names) - 12}"
                                                  if len(names) > 12 else "")])
        body = [table([Column("№", numeric=True), Column("Показатель", wide=True),
                       Column("Без данных", numeric=True), "Кто не сдал"], rows, long=True)
                ] if rows else []
        notes, steps = findings.gap_notes(gaps)
        return self._section(
            "gaps", lead="У каких организаций нет данных по каким показателям. Пропуск не "
                         "считается нулём: такие показатели — «нет данных».",
            body=body, notes=notes, steps=steps).render()

    def appendix(self) -> Html:
        """«Как считалось»."""
        t = self.ctx.rules.suppression_threshold
        items = [
            "Доли района — общая доля по всем организациям, сдавшим оба числа (сумма "
            "участников, делённая на сумму обучающихся), а не среднее по школам.",
            "Флаги («да/нет») — сколько организаций ответили «да» из сдавших данные.",
            "Количества (классные часы, собрания…) — цель «не менее N» относится к каждой "
            "организации: район выполнил её, только если выполнили все.",
            "Значения района — это перепись всех сдавших данные, а не выборка: погрешности у "
            "них нет; неполнота видна в столбце «Сдали данные».",
            "Воронки: для каждой школы рассчитаны границы, в которых её доля может оказаться "
            "при районной доле просто по случайности (точные биномиальные границы, в 95 и 99,8 "
            "случаях из 100). Школа за внешней границей отличается от района почти наверняка "
            "не случайно.",
            "Сведения о выпускниках и учениках с ОВЗ по школам — в отчётах школ и в отчёте о "
            f"выпускниках; числа меньше {t} там скрыты. Здесь статус школы по доле учеников с "
            "ОВЗ скрыт там, где он раскрыл бы такие числа.",
            "Пропуск в данных никогда не считается нулём.",
            RULE,
        ]
        for key, why in self.left_out.items():
            items.append(f"Раздел «{TITLES[key]}» не показан: {why}.")
        return appendix(self.numbers["appendix"], items, ctx=self.ctx)

