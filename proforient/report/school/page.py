"""The school report's page: one method per section, each reading the analysis and the
publication decision and composing tables, charts and the findings' sentences.

A notebook cell calls one method; a section that does not apply to the school returns nothing
(and the appendix says why).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from markupsafe import Markup

from proforient.compute.series import Break
from proforient.report import cells, charts, publication
from proforient.report.context import ReportContext
from proforient.report.facts.ranking import RULE
from proforient.report.html import Column, Html, Section, figure, quantity, statement, table
from proforient.report.page import Report, appendix, header, summary
from proforient.report.publish import MISSING, mark_explained, mark_legend
from proforient.report.school import findings
from proforient.report.school.analysis import (
    SECTIONS,
    SchoolAnalysis,
    analyse,
)
from proforient.report.school.publication import summary_keys
from proforient.report.text import (
    NBSP,
    capital,
    count,
    join_words,
    percent,
    percent_points,
    year_label,
)
from proforient.vocab import DESTINATIONS

__all__ = ["SchoolReport"]

#: Section titles.
TITLES = {
    "scorecard": "Дорожная карта: показатели школы",
    "participation": "Охват по классам",
    "destinations": "Куда ушли выпускники",
    "graduates": "Выбор выпускников: профиль, ЕГЭ, востребованные специальности",
    "place": "Место школы среди школ района",
    "trend": "Как менялись показатели",
}

#: What each type of school is, for the header.
SCHOOL_TYPE_WORDS = {
    "СОШ": "средняя школа (1–11 классы)",
    "ООШ": "основная школа (1–9 классы)",
    "НОШ": "начальная школа (1–4 классы)",
}

POSITION_WORDS = {
    "far_below": "намного ниже района",
    "below": "ниже района",
    "inside": "в пределах обычного разброса вокруг района",
    "above": "выше района",
    "far_above": "намного выше района",
}


class SchoolReport(Report):
    """The report of one school.

    Parameters
    ----------
    ctx : ReportContext
        The batch's context (its facts and publication decisions are read, not recomputed).
    org_id : str
        The school.

    Raises
    ------
    proforient.report.school.analysis.NotASchool
        For a code that is not a school's (a preschool, the centre, the department).
    """

    SECTIONS = ("header", "summary", "scorecard", "participation", "destinations", "graduates",
                "place", "trend", "appendix")

    def __init__(self, ctx: ReportContext, org_id: str) -> None:
        self.ctx = ctx
        self.a: SchoolAnalysis = analyse(ctx.facts, org_id)
        self.pub = publication.school(ctx, org_id)
        self.cards = findings.Cards(self.a, self.pub, ctx.roadmap, ctx.facts,
                                    publication.graduates(ctx), ctx.params.measures)
        shown = [s for s in SECTIONS if self.a.applies(s)]
        self.numbers = {s: i for i, s in enumerate(shown, start=1)}
        self.numbers["appendix"] = len(shown) + 1
        self.org = self.a.org
        from proforient.report.district.analysis import school_ranking

        concerns, ranking = school_ranking(ctx)
        #: this school's row of the district's one ranking (whom the department meets first)
        self.rank = ranking[ranking["org_id"] == org_id].iloc[0] \
            if (ranking["org_id"] == org_id).any() else None

    @property
    def name(self) -> str:
        return str(self.org["name"])

    def _section(self, key: str, title: str | None = None, **kwargs) -> Section:
        return Section(key, title or TITLES[key], number=self.numbers.get(key),
                       first=self.numbers.get(key) == 1, **kwargs)

    # ------------------------------------------------------------------------------------------

    def header(self) -> Html:
        """Title, school, year, date; the synthetic-data banner for the demo."""
        kind = SCHOOL_TYPE_WORDS.get(str(self.org["school_type"]), "школа")
        return header(self.ctx, self.name, f"Профориентация: отчёт школы · {kind}")

    def summary(self) -> Html:
        """«Главное»: the state of the school in a few sentences."""
        return summary(findings.headline(self.cards, self.a, self.rank))

    # -- 1. the scorecard ------------------------------------------------------------------

    def scorecard(self) -> Html:
        """Every roadmap indicator of the school: value, target, status, the district, peers."""
        if not self.a.applies("scorecard"):
            return Html()
        c = self.cards
        rows = []
        for r in self.a.card.itertuples(index=False):
            ind = r.indicator_id
            gap = c.gap(ind)
            status = c.status(ind)
            counts = c.of_how_many(ind)
            value = (Markup("{}<br><small>{}</small>").format(c.value(ind), counts) if counts
                     else c.value(ind))
            if gap is not None:
                status = Markup("{}<br><small>не хватает {}</small>").format(status, gap)
            css = "st-no_data" if c.hidden(ind) else f"st-{r.status}"
            rows.append([str(r.number), r.title, value, c.target(ind),
                         (status, css), c.district(ind), c.peers(ind)])
        columns = [Column("№", numeric=True), Column("Показатель", wide=True),
                   Column("Школа", numeric=True),
                   Column("Цель", nowrap=True), Column("Статус", nowrap=True),
                   Column("Район: все школы", numeric=True), Column(self._peer_header(),
                                                                    numeric=True)]
        notes, steps = findings.scorecard_notes(c, self.a)
        body = [table(columns, rows, long=True),
                Markup('<p class="pf-note">{}</p>').format(
                    "«Район» — все организации района, к которым относится показатель: для "
                    "долей — общая доля по всем, кто сдал данные; для показателей «да/нет» и "
                    "количеств с целью — сколько школ выполнили (из тех, к которым показатель "
                    "относится). " + mark_legend(self.pub.threshold, "человек", "; так не "
                                                "раскрываются сведения о конкретных учениках"))]
        return self._section(
            "scorecard", lead="Выполнение дорожной карты: значение каждого показателя школы, "
                              "цель и статус — рядом с районом и похожими школами.",
            body=body, notes=notes, steps=steps,
            calm="Все показатели с целью достигнуты, данные сданы.").render()

    def _peer_header(self) -> str:
        group, basis = self.org["peer_group"], self.org["peer_basis"]
        peers = len(self.org["peers"])
        if pd.isna(basis) or not peers:
            return "Похожие школы"
        what = group if basis == "type" else f"{group} обучающихся"
        return f"Похожие школы: {what} ({peers})"

    # -- 2. participation by grade -------------------------------------------------------------

    def participation(self) -> Html:
        """Participants of every grade against its pupils, beside the district."""
        if not self.a.applies("participation"):
            return Html()
        table_ = self.a.participation
        measures = list(pd.unique(table_["measure"]))
        ncols = 3  # a row of three panels to a figure: a printed page breaks between rows
        width = charts.fitted_width(3.3, ncols)
        titles = [charts.title_wrap(capital(self.ctx.params.measures.label(m)), width)
                  for m in measures]
        body = []
        for first in range(0, len(measures), ncols):
            row = measures[first:first + ncols]
            room = charts.text_height(titles[first:first + ncols]) + 0.2  # the titles' lines
            with charts.figure(width, 1.7, 1, ncols, sharey=False, top=room,
                               bottom=0.75) as (fig, axes):
                for ax, measure, title in zip(axes, row, titles[first:], strict=False):
                    part = table_[table_["measure"] == measure]
                    charts.grade_bars(ax, part["grade"], part["share"],
                                      part["district_share"], part["target"].iloc[0])
                    ax.set_title(title)
                for ax in axes[len(row):]:
                    ax.set_visible(False)
                charts.legend_below(fig, charts.handles(("школа", charts.BAR),
                                                        ("район", charts.DISTRICT),
                                                        ("цель", charts.TARGET)))
                last = first + ncols >= len(measures)
                body.append(figure(
                    fig, "Доля участников по классам: школа и район",
                    caption="По горизонтали — класс, по вертикали — доля обучающихся класса, "
                            "участвовавших в мероприятии." if last else None))
        notes, steps = [], []
        for measure in measures:
            part = table_[(table_["measure"] == measure) & table_["in_range"]]
            target = part["target"].iloc[0] if len(part) else math.nan
            if math.isnan(target):
                continue
            below = part[part["share"] < target - 1e-9]
            if below.empty:
                continue
            sizeable = below[below["students"] >= 5]  # a class of one is not the story
            worst = (sizeable if len(sizeable) else below).sort_values("share").iloc[0]
            grades = [str(g) for g in below["grade"]]
            where = (f"в {grades[0]} классе" if len(grades) == 1
                     else f"в {join_words(grades)} классах")
            notes.append(f"{capital(self.ctx.params.measures.label(measure))}: ниже цели "
                         f"{percent(target, 0)} {where}; меньше всего — {worst['grade']} "
                         f"класс: {percent(worst['share'])} ({count(worst['participants'])} из "
                         f"{count(worst['students'])}).")
        return self._section(
            "participation",
            lead="Сколько обучающихся каждого класса участвовали в мероприятиях — школа рядом "
                 "с районом и целью дорожной карты.",
            body=body, notes=notes, steps=steps,
            calm="Во всех классах охват не ниже целей дорожной карты.").render()

    # -- 3. destinations -----------------------------------------------------------------------

    def destinations(self) -> Html:
        """Where the graduates of grades 9 and 11 went, beside the district."""
        if not self.a.applies("destinations"):
            return Html()
        org, year = self.a.org_id, self.a.year
        grades = sorted(self.a.destinations["grade"].unique())
        columns = ["Куда ушли"]
        for g in grades:
            columns += [Column(f"{g} кл.: чел.", numeric=True),
                        Column(f"{g} кл.: доля", numeric=True),
                        Column(f"{g} кл.: район", numeric=True)]
        rows = [[DESTINATIONS.label(code), *[c for g in grades
                                             for c in self._destination_cells(g, code)]]
                for code in DESTINATIONS.codes]
        if 9 in grades:  # after grade 9 nobody enters a university: the row does not apply
            at = 1 + 3 * grades.index(9)
            row = rows[list(DESTINATIONS.codes).index("vo")]
            row[at:at + 3] = ["не относится", "", ""]
        rows.append(["Всего", *[c for g in grades for c in (
            self.cards.count_cell(cells.destination(org, year, g, None)),
            "100" + NBSP + "%", "100" + NBSP + "%")]])
        body = [table(columns, rows, highlight=[False] * (len(rows) - 1) + [True])]
        if self.pub.withholds(cells.destination(org, year, g, c)
                              for g in grades for c in (*DESTINATIONS.codes, None)):
            body = [Markup('<p class="pf-withheld">{}</p>').format(statement(
                [], "Таблица не публикуется: выпускников так мало, что по ней можно было бы "
                    "узнать о конкретных людях.", "protection"))]
        notes, steps = self._destination_notes(grades)
        return self._section(
            "destinations",
            lead=f"Куда ушли выпускники {join_words([str(g) for g in grades])} "
                 f"{'класса' if len(grades) == 1 else 'классов'} этого года — рядом с долями "
                 "по району.",
            body=body, notes=notes, steps=steps,
            calm=self._calm("Выпускники распределились по направлениям примерно как в районе, "
                            "и про всех известно, куда они ушли.",
                            [cells.destination(org, year, g, c) for g in grades
                             for c in DESTINATIONS.codes
                             if not (g == 9 and c == "vo")])).render()

    def _destination_cells(self, grade: int, code: str) -> list:
        """The school's count and share of a destination, and the district's share."""
        key = cells.destination(self.a.org_id, self.a.year, grade, code)
        share = cells.share(key, cells.destination(self.a.org_id, self.a.year, grade, None))
        shown = quantity(share, percent(self.pub.values[share]) if self.pub.visible(share)
                         else self.pub.mark(share) or MISSING)
        return [self.cards.count_cell(key), shown, self._district_share(grade, code)]

    def _district_share(self, grade: int, code: str) -> Markup:
        """The district's share of a destination (or ``"admitted"``) as decided with the page."""
        key = cells.district_destination(self.a.year, grade, code)[2]
        if not self.pub.visible(key):
            return quantity(key, self.pub.mark(key) or MISSING)
        return quantity(key, percent(self.pub.values[key]))

    def _destination_notes(self, grades: list[int]) -> tuple[list, list[str]]:
        """Graduates whose destination is not known; grades that enter colleges and
        universities clearly more or less often than the district's."""
        notes, steps = [], []
        for g in grades:
            unknown = cells.destination(self.a.org_id, self.a.year, g, "unknown")
            # a «×» says nothing of its value: «неизвестно — × чел.» would say «some»
            if self.pub.values[unknown] > 0 and self.pub.visible(unknown):
                notes.append(statement([unknown], Markup(
                    "{} класс: неизвестно, куда ушли, — {} чел.").format(
                    g, self.cards.count_cell(unknown)), "said"))
                steps.append(statement([unknown], "Уточнить через классных руководителей, куда "
                                                  f"ушли выпускники {g} класса с пометкой "
                                                  "«неизвестно».", "said"))
        for r in self.a.admitted.itertuples(index=False):
            counted = [cells.destination(self.a.org_id, self.a.year, r.grade, c)
                       for c in (("spo",) if r.grade == 9 else ("spo", "vo"))]
            if r.direction == "none" or not all(self.pub.visible(k) for k in counted):
                continue  # a direction of hidden counts would tell something of them
            where = "в колледжи и вузы" if r.grade == 11 else "в колледжи и техникумы"
            word = "больше" if r.direction == "higher" else "меньше"
            # the district's share as in the table: grade 9 — its «СПО» row, grade 11 — «СПО»
            # and «высшее образование» together (all schools of the district, this one too)
            what = "spo" if r.grade == 9 else "admitted"
            if not self.pub.visible(cells.district_destination(self.a.year, r.grade, what)[2]):
                continue
            rests = [*counted, cells.destination(self.a.org_id, self.a.year, r.grade, None)]
            notes.append(statement(rests, Markup(
                "{} класс: {} поступили заметно {}, чем по району ({}).").format(
                r.grade, where, word, self._district_share(r.grade, what))))
            if r.direction == "lower":
                steps.append(statement(rests, f"Обсудить с выпускниками {r.grade} класса и их "
                                              "родителями возможности профессионального "
                                              "образования: дни открытых дверей колледжей, "
                                              "профпробы."))
        return notes, steps

    # -- 4. graduates: profile, ЕГЭ, demand ------------------------------------------------------

    def graduates(self) -> Html:
        """The three graduate indicators beside the district and the peers."""
        if not self.a.applies("graduates"):
            return Html()
        from proforient.compute.alignment import EGE_PROFILE_MATCH, GRADUATE_INDICATORS

        c = self.cards
        inds = [i for i in GRADUATE_INDICATORS if i in c.rows]
        # the peers' shares pool other schools' small counts and are often withheld: a column
        # of «—» only, it is left out
        peers = any(c.peers_shown(i) for i in inds)
        rows = [[c.rows[i].title, c.value(i), c.of_how_many(i), c.district(i),
                 *([c.peers(i)] if peers else [])] for i in inds]
        body = [table([Column("Показатель", wide=True), Column("Школа", numeric=True),
                       Column("Из скольких", numeric=True),
                       Column("Район: все школы", numeric=True),
                       *([Column(self._peer_header(), numeric=True)] if peers else [])], rows)]
        keys = summary_keys(self.a)
        body.append(self._graduates_counted(keys))
        notes, steps = self._graduates_notes(keys, inds)
        ege = EGE_PROFILE_MATCH in inds
        return self._section(
            "graduates", title=None if ege else "Выбор выпускников: профиль и востребованные "
                                                "специальности",
            lead="Совпадает ли выбор выпускников с профилем обучения и нужен ли он району: "
                 "поступление по профилю, " + ("ЕГЭ по профилю, " if ege else "")
                 + "востребованные специальности.",
            body=body, notes=notes, steps=steps,
            calm=self._calm("Доли школы не отличаются заметно от района, все специальности "
                            "распознаны.", list(keys.values()))).render()

    def _graduates_counted(self, keys: dict[str, str]) -> Markup:
        """«Кто учтён»: the graduates and entrants behind the three shares."""
        lines = []
        for name, text in (("graduates", "Выпускников 9 и 11 классов: {}."),
                           ("admitted", "Поступили в колледжи и вузы: {}."),
                           ("admitted_checked", "Поступивших в колледжи и вузы с профилем, "
                                                "который проверяется (указан и не "
                                                "универсальный): {}."),
                           ("grade11_checked", "Выпускников 11 класса с таким профилем: {}.")):
            if name in keys and self.pub.shown(keys[name]):
                lines.append(Markup(text).format(self.cards.count_cell(keys[name])))
        return Markup('<p class="pf-note">{}</p>').format(Markup(" ").join(lines))

    def _said(self, key: str) -> bool:
        """Whether a sentence may say that the count is not zero: only of a visible count (a
        «×» says nothing of its value, a small count's too)."""
        return self.pub.visible(key) and self.pub.values[key] > 0

    def _graduates_notes(self, keys: dict[str, str], inds: list[str]) -> tuple[list, list]:
        """Unresolved specialties, missing ЕГЭ subjects, in-demand entrants by list, and the
        shares clearly below the district."""
        c = self.cards
        notes, steps = [], []
        for name, text, step in (
                ("unresolved", "Специальность не распознана у {} поступивших — это занижает "
                               "доли «по профилю» и «востребованные».",
                 "Уточнить у школы названия или коды специальностей поступивших (список — у "
                 "аналитика управления образования)."),
                ("no_ege", "У {} выпускников 11 класса с профилем не указаны предметы ЕГЭ — они "
                           "считаются выбравшими ЕГЭ не по профилю.",
                 "Дополнить сведения о предметах ЕГЭ выпускников 11 класса.")):
            if name in keys and self._said(keys[name]):
                notes.append(statement([keys[name]], Markup(text).format(
                    c.count_cell(keys[name])), "said"))
                steps.append(statement([keys[name]], step, "said"))
        admitted = keys["admitted"]
        if ("in_demand_choice_share" in inds and self.pub.visible(admitted)
                and self.pub.values[admitted] == 0 and c.applies("in_demand_choice_share")
                and not c.hidden("in_demand_choice_share")):
            notes.append(statement([admitted], "Никто из выпускников не поступил в колледжи и "
                                               "вузы: доля «на востребованные специальности» "
                                               "считается, как в дорожной карте, от всех "
                                               "выпускников 9 и 11 классов (и ушедших в 10 "
                                               "класс), поэтому 0 %."))
        district, republic = keys["in_demand_district"], keys["in_demand_republic"]
        if self.pub.visible(district) and self.pub.visible(republic) and (
                self._said(district) or self._said(republic)):
            notes.append(statement([district, republic], Markup(
                "Поступили на востребованные специальности: по списку района — {}, по списку "
                "республики — {}.").format(c.count_cell(district), c.count_cell(republic)),
                "said"))
        for i in inds:
            position = self._position(i)
            if position in ("below", "far_below"):
                notes.append(c.registered(i, Markup("«{}»: {} — {}.").format(
                    c.rows[i].title, c.value(i), POSITION_WORDS[position]), "visible"))
                steps.append(c.registered(i, f"«{c.rows[i].title}»: обсудить на педсовете выбор "
                                             "профиля, предметов ЕГЭ и специальности с будущими "
                                             "выпускниками.", "visible"))
        return notes, steps

    def _calm(self, text: str, keys: list[str]) -> Markup:
        """What a section says when nothing stands out — and that part of it is hidden, if it
        is (a calm word about numbers the reader cannot see would be a claim about them)."""
        keys = [k for k in keys if k in self.pub]
        hidden = [k for k in keys if not self.pub.visible(k)]
        if hidden and len(hidden) == len(keys):  # no open number to speak of
            return statement([], "Выпускников немного: их числа скрыты, чтобы не раскрыть "
                                 "сведения о конкретных выпускниках.", "protection")
        if hidden:
            return statement([], "Выпускников немного: часть чисел скрыта, чтобы не раскрыть "
                                 "сведения о конкретных выпускниках; по открытым числам "
                                 "заметных отличий от района нет.", "protection")
        return statement(keys, text) if keys else Markup.escape(text)

    def _position(self, ind: str) -> str | None:
        """The school's funnel position of a share, when its value may be shown."""
        if self.cards.hidden(ind):
            return None
        f = self.ctx.facts.funnels
        mine = f[(f["indicator_id"] == ind) & (f["org_id"] == self.a.org_id)]
        return str(mine["position"].iloc[0]) if len(mine) else None

    # -- 5. place among the schools ------------------------------------------------------------

    def place(self) -> Html:
        """The school's place in the district's funnel plots of the main shares of pupils."""
        if not self.a.applies("place"):
            return Html()
        f = self.a.funnels
        inds = [i for i in self.a.card["indicator_id"] if i in set(f["indicator_id"])]
        rows, notes, steps = [], [], []
        for ind in inds:
            part = f[f["indicator_id"] == ind]
            me = (part["org_id"] == self.a.org_id).to_numpy()
            title = self.cards.rows[ind].title
            mine = part[me]
            position = str(mine["position"].iloc[0]) if len(mine) else None
            rows.append([title, self.cards.value(ind) if position else MISSING,
                         self.cards.district(ind),
                         self.cards.registered(ind, POSITION_WORDS.get(position, "нет данных"),
                                               "visible" if position else "shown")])
            said = len(notes)
            if position == "far_below":  # the district's ranking: one rule everywhere
                notes.append(f"«{title}»: школа отстаёт от района сильнее, чем объясняется "
                             "её размером.")
                steps.append(f"«{title}»: разобрать причины отставания и взять опыт школ, "
                             "которые выше районной линии.")
            elif position == "below":
                notes.append(f"«{title}»: школа ниже района, за границей обычного разброса, "
                             "но не за его пределом — это ещё может быть случайностью.")
                steps.append(f"«{title}»: проверить в следующем году, не ниже ли школа "
                             "снова.")
            elif position == "far_above":  # the same limit as «отстаёт», mirrored
                notes.append(f"«{title}»: школа выше района сильнее, чем объясняется её "
                             "размером, — это почти наверняка не случайность.")
                steps.append(f"«{title}»: рассказать о своём опыте на районном семинаре.")
            elif position == "above":
                notes.append(f"«{title}»: школа выше района, за границей обычного "
                             "разброса, но не за его пределом.")
                steps.append(f"«{title}»: рассказать о своём опыте на районном семинаре.")
            if len(notes) > said:  # a position rests on the school's counts
                notes[-1] = self.cards.registered(ind, notes[-1], "visible")
                steps[-1] = self.cards.registered(ind, steps[-1], "visible")
        body = [table([Column("Показатель", wide=True), Column("Школа", numeric=True),
                       Column("Район: все школы", numeric=True), "Положение"], rows),
                *self._place_charts(inds)]
        return self._section(
            "place",
            lead="Как школа выглядит рядом с другими школами района с учётом своего размера: "
                 "маленькую школу не называют отстающей из-за случайных колебаний.",
            body=body, notes=notes, steps=steps,
            calm="По всем этим показателям школа в пределах обычных колебаний вокруг "
                 "района.").render()

    def _place_charts(self, inds: list[str]) -> list[Markup]:
        """The funnel plots, two side by side: a figure per pair, so that a printed page
        breaks between pairs rather than leaving the whole grid for the next page."""
        f, limits = self.a.funnels, self.ctx.facts.funnel_limits
        width = charts.fitted_width(4.6, 2, left=0.65, wgap=0.55)
        out = []
        for first in range(0, len(inds), 2):
            pair = inds[first:first + 2]
            titles = [charts.title_wrap(self.cards.rows[i].title, width) for i in pair]
            with charts.figure(width, 2.2, 1, 2, top=charts.text_height(titles) + 0.2,
                               bottom=0.95, left=0.65, wgap=0.55) as (fig, axes):
                for ax, ind, title in zip(axes, pair, titles, strict=False):
                    part = f[f["indicator_id"] == ind]
                    me = (part["org_id"] == self.a.org_id).to_numpy()
                    charts.funnel_plot(ax, part["denominator"], part["share"],
                                       p0=float(part["p0"].iloc[0]),
                                       limits=limits[limits["indicator_id"] == ind],
                                       target=float(part["target"].iloc[0]), highlight=me,
                                       labels=["эта школа" if m else "" for m in me])
                    ax.set_title(title)
                    ax.set_xlabel("Сколько обучающихся учтено")
                for ax in axes[len(pair):]:
                    ax.set_visible(False)
                charts.legend_below(fig, charts.funnel_handles(with_school=True), ncol=3)
                last = first + 2 >= len(inds)
                out.append(figure(
                    fig, f"Положение школы «{self.org['short']}» среди школ района",
                    caption="Каждая точка — школа: по горизонтали — сколько обучающихся "
                            "учтено, по вертикали — доля. Пунктир — границы, в которых доля "
                            "школы может оказаться просто по случайности; у маленьких школ "
                            "они шире." if last else None))
        return out

    # -- 6. trend --------------------------------------------------------------------------------

    def trend(self) -> Html:
        """The school's shares over the years and which changes are beyond chance."""
        if not self.a.applies("trend"):
            return Html()
        t = self.a.trends
        years = self.a.years
        titles = {i: self.cards.rows[i].title for i in t["indicator_id"].unique()
                  if i in self.cards.rows}
        columns = [Column("Показатель", wide=True),
                   *[Column(year_label(y), numeric=True) for y in years],
                   Column("За год", numeric=True), Column("Изменение", nowrap=True)]
        rows, notes, steps, plotted = [], [], [], []
        for ind in [i for i in self.a.card["indicator_id"] if i in titles]:
            part = t[t["indicator_id"] == ind].set_index("year")
            shown = {y: self._trend_value(ind, y, part) for y in years}
            last = part.loc[self.a.year] if self.a.year in part.index else None
            # a year after a change of definition is not compared with the year before it
            # (trends leaves prev_year empty there): the table says why instead
            broken = last is not None and pd.notna(last["break_year"])
            visible = last is not None and not broken and \
                shown.get(self.a.year) not in (None, MISSING) and \
                shown.get(last["prev_year"]) not in (None, MISSING)
            # the change of the values as shown (rounded), so that 85,5 → 89,2 reads +3,7
            rests = self._trend_rests(ind, (last["prev_year"], self.a.year), part) \
                if visible else []
            change = self._trend_said(rests, percent_points(
                round(last["value"], 3) - round(last["prev_value"], 3))) if visible else MISSING
            word = "считается по-другому" if broken else MISSING
            for _, b in self._trend_breaks(part, years):
                notes.append(f"«{titles[ind]}»: {b.sentence[0].lower() + b.sentence[1:]} "
                             "Годы до и после изменения не сравниваются.")
            if visible and not math.isnan(last["change"]):
                word = ("заметный рост" if last["significant"] and last["change"] > 0 else
                        "заметное снижение" if last["significant"] else "в пределах колебаний")
                word = self._trend_said(rests, word)
                if last["significant"]:
                    direction = "выросла" if last["change"] > 0 else "снизилась"
                    notes.append(self._trend_said(rests, Markup(
                        "«{}» заметно {} за год: {} → {}.").format(
                        titles[ind], direction, shown[last["prev_year"]], shown[self.a.year])))
                    if last["change"] < 0:
                        steps.append(self._trend_said(
                            rests, f"«{titles[ind]}»: выяснить причину снижения (смена "
                                   "ответственного, другой учёт участников, меньше "
                                   "мероприятий) и вернуть охват."))
            rows.append([titles[ind], *[shown[y] for y in years], change, word])
            if sum(v not in (None, MISSING) for v in shown.values()) >= 2:
                plotted.append(ind)
        body = [table(columns, rows, long=True)]
        if plotted:
            body += self._trend_chart(plotted, titles)
        return self._section(
            "trend", lead="Как менялись доли школы по годам и какие изменения больше обычных "
                          "колебаний.",
            body=body, notes=notes, steps=steps,
            calm="За последний год доли изменились в пределах обычных колебаний.").render()

    def _trend_chart(self, plotted: list[str], titles: dict[str, str]) -> list[Markup]:
        """The school's and the district's shares over the years, a panel per indicator,
        three side by side, a row to a figure: a printed page breaks between rows. The legend
        is under the first row, where the reader meets the lines."""
        t, years = self.a.trends, self.a.years
        ncols = per_figure = 3  # three panels fill a printed page at the text's own size
        width = charts.fitted_width(2.35, ncols, left=0.55, wgap=0.5)
        titles = {i: charts.title_wrap(titles[i], width, size=8.5, max_lines=5)
                  for i in plotted}
        out = []
        for first in range(0, len(plotted), per_figure):
            chunk = plotted[first:first + per_figure]
            nrows = math.ceil(len(chunk) / ncols)
            room = charts.text_height([titles[i] for i in chunk], size=8.5) + 0.15
            upright = charts.UPRIGHT_ROOM if charts.upright_years(years) else 0.0
            with charts.figure(width, 1.45, nrows, ncols, top=room, left=0.55,
                               bottom=(0.35 if first else 0.65) + upright,  # legend: first
                               hgap=room + 0.3 + upright, wgap=0.5) as (fig, axes):
                flat = np.atleast_1d(axes).ravel()
                for ax, ind in zip(flat, chunk, strict=False):
                    part = t[t["indicator_id"] == ind].set_index("year").reindex(years)
                    breaks = [(years.index(y), "новый расчёт")
                              for y, _ in self._trend_breaks(part, years)]
                    charts.trend_lines(ax, [y[2:4] + "/" + y[7:] for y in years],
                                       [self._trend_number(ind, y, part) for y in years],
                                       [self._trend_district(ind, y, part) for y in years],
                                       breaks=breaks)
                    ax.set_title(titles[ind], fontsize=8.5)
                for ax in flat[len(chunk):]:
                    ax.set_visible(False)
                if not first:
                    charts.legend_below(fig, charts.handles(("школа", charts.SCHOOL),
                                                            ("район", charts.DISTRICT)))
                out.append(figure(fig, "Доли школы и района по годам"))
        return out

    @staticmethod
    def _trend_breaks(part: pd.DataFrame, years: list[str]) -> list[tuple[str, Break]]:
        """The changes of definition within the shown years of one series (``part`` indexed
        by year), each with the first year computed the new way."""
        marked = part[part["break_year"].notna() & part.index.isin(years)]
        return [(str(y), Break(str(r["break_year"]), "", str(r["year_indicator_id"]),
                               "" if pd.isna(r["break_change"]) else str(r["break_change"])))
                for y, r in marked.iterrows()]

    def _trend_district(self, ind: str, year: str, part: pd.DataFrame) -> float:
        """The district's share of a year, as the page may show it."""
        value = float(part.at[year, "district_value"]) if year in part.index else math.nan
        if year in part.index and pd.notna(part.at[year, "year_indicator_id"]):
            ind = str(part.at[year, "year_indicator_id"])  # published under the year's own id
        if not self.cards.sensitive(ind) or math.isnan(value):
            return value
        key = cells.share(*cells.indicator(ind, None, year))
        return self.pub.number(key)

    def _trend_value(self, ind: str, year: str, part: pd.DataFrame) -> str | Markup:
        number = self._trend_number(ind, year, part)
        if math.isnan(number):
            return MISSING
        rests = self._trend_rests(ind, (year,), part)
        return quantity(rests[0], percent(number)) if rests else percent(number)

    def _trend_rests(self, ind: str, years: tuple[str, ...], part: pd.DataFrame) -> list[str]:
        """The share keys a trend cell or word of a sensitive indicator rests on (none for
        the others): each year's share under that year's own indicator id."""
        out = []
        for year in years:
            own = str(part.at[year, "year_indicator_id"])
            if ind in self.cards.rows and self.cards.sensitive(own):
                out.append(self.cards._keys(own, year)[2])
        return out

    @staticmethod
    def _trend_said(rests: list[str], text: str | Markup) -> str | Markup:
        return statement(rests, text) if rests else text

    def _trend_number(self, ind: str, year: str, part: pd.DataFrame) -> float:
        if year not in part.index or pd.isna(part.at[year, "value"]):
            return math.nan
        # an earlier year of a series continued under another id is published under its own
        own = str(part.at[year, "year_indicator_id"])
        if ind in self.cards.rows and self.cards.sensitive(own):
            num, den, share = self.cards._keys(own, year)
            if year == self.a.year:
                return float(part.at[year, "value"]) if not self.cards.hidden(ind) else math.nan
            return float(part.at[year, "value"]) if self.pub.visible(share) else math.nan
        return float(part.at[year, "value"])

    # -- appendix --------------------------------------------------------------------------------

    def appendix(self) -> Html:
        """«Как считалось»: definitions, precision, tests and what was left out, in words."""
        t = self.pub.threshold
        group, basis = self.org["peer_group"], self.org["peer_basis"]
        if pd.isna(basis):
            peers = "Похожие школы не определены: школа не указала численность обучающихся."
        elif basis == "type":
            peers = (f"«Похожие школы» — другие школы района того же типа ({group}); их "
                     f"{len(self.org['peers'])}.")
        else:
            peers = (f"«Похожие школы» — другие школы района того же размера ({group} "
                     f"обучающихся), любого типа: школ типа «{self.org['school_type']}» в районе "
                     f"меньше трёх; их {len(self.org['peers'])}.")
        items = [
            "Доля — число участников, делённое на число обучающихся тех же классов; каждый "
            "учитывается один раз, сколько бы мероприятий он ни посетил.",
            "«Район: все школы» — все организации района, к которым относится показатель: "
            "общая доля по всем, кто сдал данные (сумма участников, делённая на сумму "
            "обучающихся), а не среднее по школам. Для показателей «да/нет» и количеств с "
            "целью — сколько школ выполнили цель из школ, к которым показатель относится.",
            "«Не относится» — в школе нет тех, кого считает показатель (например, "
            "обучающихся с ОВЗ или выпускников 11 класса с профилем, который проверяется); "
            "«нет данных» — школа не сдала число.",
            RULE,
            peers + " Для долей — общая доля этих школ; для количеств — «обычно»: у половины "
            "похожих школ больше, у половины меньше (медиана).",
            "Пропуск в данных никогда не считается нулём: такой показатель — «нет данных».",
            "«п. п.» — процентные пункты: на сколько изменилась доля (с 20 % до 25 % — на "
            "5 п. п.).",
            "«Заметно ниже похожих школ» и «заметное изменение» — разница, которую трудно "
            "объяснить случайностью при таком числе учеников (точный тест Фишера, вероятность "
            "случайного совпадения меньше 5 %).",
            "Графики «Место школы среди школ района» — «воронки»: линии показывают, насколько "
            "доля школы такого размера может отличаться от районной просто по случайности "
            "(в 95 и 99,8 случаях из 100).",
            mark_explained(t, "выпускников и учеников с ОВЗ", "итогам и соседним клеткам"),
        ]
        left = [s for s in SECTIONS if not self.a.applies(s)]
        for s in left:
            items.append(f"Раздел «{TITLES[s]}» не показан: "
                         f"{findings.left_out_text(self.a.left_out[s])}.")
        tables = [self._precision_table()]
        return appendix(self.numbers["appendix"], items, [x for x in tables if x], self.ctx)

    def _precision_table(self) -> Markup:
        """How precise each share of the school is (the 95 % Wilson interval, in words)."""
        rows = []
        for r in self.a.card[self.a.card["kind"] == "share"].itertuples(index=False):
            if self.cards.hidden(r.indicator_id) or math.isnan(r.ci_low):
                continue
            ind = r.indicator_id  # a row is there when the share is shown: it rests on its counts
            rows.append([self.cards.registered(ind, r.title, "visible"), self.cards.value(ind),
                         self.cards.registered(
                             ind, f"от {percent(r.ci_low)} до {percent(r.ci_high)}", "visible")])
        if not rows:
            return Markup("")
        return table([Column("Показатель", wide=True), Column("Доля школы", numeric=True),
                      Column("Скорее всего лежит в пределах", nowrap=True)], rows,
                     caption="Насколько точны доли школы (при другом наборе учеников того же "
                             "размера доля могла бы оказаться в этих пределах — 95 % "
                             "доверительный интервал)", long=True)
