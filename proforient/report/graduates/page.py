"""The graduates report's page: one method per section."""

from __future__ import annotations

import numpy as np
import pandas as pd
from markupsafe import Markup

from proforient.compute.alignment import GRADUATE_INDICATORS, STUDY_LOCATION_LABELS
from proforient.report import cells, charts, publication
from proforient.report.context import ReportContext
from proforient.report.graduates import findings
from proforient.report.graduates.analysis import OTHER_GROUPS, analyse
from proforient.report.graduates.publication import Keys
from proforient.report.html import Column, Html, Section, figure, statement, table
from proforient.report.page import Report, appendix, for_whom, header, summary
from proforient.report.publish import MISSING, mark_explained, mark_legend
from proforient.report.text import count, p_value_text, plural, year_label

__all__ = ["GraduatesReport"]

TITLES = {
    "schools": "Выпускники по школам",
    "supply": "Спрос и предложение по группам специальностей",
    "flows": "Профиль обучения и выбранная группа специальностей",
    "places": "Где учатся поступившие",
    "review": "Названия специальностей, которые нужно уточнить",
}
SECTIONS = tuple(TITLES)
RESOLVED_WORDS = {"code": "по коду", "exact": "по названию", "alias": "по таблице синонимов",
                  "fuzzy": "по похожему названию", "unresolved": "не распознано"}
#: Short headers of the profiles (the note under the table spells them out).
PROFILE_SHORT = {"technological": "техн.", "natural_science": "ест.-науч.",
                 "agrotechnological": "агротех.", "socio_economic": "соц.-эк.",
                 "humanities": "гум.", "universal": "унив.", "na": "без профиля"}
#: A candidate specialty is shown for review only from this similarity (of 100) up.
NEAREST_SHOWN = 70

SHORT_TITLES = {
    "admitted_by_profile_share": "Поступили по профилю",
    "ege_profile_match_share": "ЕГЭ по профилю (11 класс)",
    "in_demand_choice_share": "На востребованные специальности",
}


#: Years in the study-places chart (the table has every year).
CHART_YEARS = 4


class GraduatesReport(Report):
    """The graduates report of the district."""

    SECTIONS = ("header", "summary", "by_school", "supply_demand", "flows", "study_places",
                "specialty_review", "appendix")

    def __init__(self, ctx: ReportContext) -> None:
        self.ctx = ctx
        self.a = analyse(ctx)
        self.pub = publication.graduates(ctx)
        self.k = Keys(self.a)
        self.threshold = self.pub.threshold
        facts = ctx.facts
        self.short = dict(zip(facts.orgs["org_id"], facts.orgs["short"], strict=True))
        self.titles = {a.indicator.id: a.indicator.title for a in ctx.roadmap.activities}
        self.left_out = {}
        if self.a.by_school.empty:
            self.left_out["schools"] = "в данных нет выпускников этого года"
        supply = self.a.supply.table
        if supply[supply["year"] == self.a.year].empty:
            self.left_out["supply"] = ("списка востребованных специальностей за этот год нет в "
                                       "данных")
        if self.a.flows.table.empty:
            self.left_out["flows"] = "нет поступивших с распознанной специальностью"
        if self.a.location.table.empty:
            self.left_out["places"] = "нет поступивших в колледжи и вузы"
        shown = [s for s in SECTIONS if s not in self.left_out]
        self.numbers = {s: i for i, s in enumerate(shown, start=1)}
        self.numbers["appendix"] = len(shown) + 1

    def _section(self, key: str, **kwargs) -> Section:
        return Section(key, TITLES[key], number=self.numbers.get(key),
                       first=self.numbers.get(key) == 1, **kwargs)

    def _count(self, key: str) -> Markup:
        return findings._count(self.pub, key)

    def _share(self, key: str) -> Markup:
        return findings._share(self.pub, key)

    # ------------------------------------------------------------------------------------------

    def header(self) -> Html:
        """Title, year, date; the synthetic-data banner for the demo."""
        return header(self.ctx, "Профориентация: выпускники, профиль и востребованность",
                      for_whom(self.ctx, "выпускники 9 и 11 классов всех школ"))

    def summary(self) -> Html:
        """«Главное»."""
        return summary(findings.headline(self.a, self.pub, self.titles, self.short))

    def by_school(self) -> Html:
        """The three graduate indicators of every school beside the district."""
        if "schools" in self.left_out:
            return Html()
        orgs = list(self.a.schools["org_id"])
        rows = [[self.short[org] if org else "Район в целом",
                 *[self._indicator_cell(ind, org) for ind in GRADUATE_INDICATORS]]
                for org in [*orgs, None]]
        columns = ["Школа", *[Column(SHORT_TITLES[i], numeric=True) for i in GRADUATE_INDICATORS]]
        body = [table(columns, rows, highlight=[False] * len(orgs) + [True], long=True),
                Markup('<p class="pf-note">{}</p>').format(
                    "«a из b» — сколько выпускников из скольких. " + mark_legend(
                        self.threshold, "выпускников", " (по соседним клеткам и строке района)")),
                self._by_school_chart(orgs)]
        notes, steps = findings.by_school_notes(self.a, self.pub, self.k, self.titles,
                                                self.short)
        return self._section(
            "schools", lead="Поступили ли выпускники по профилю, выбрали ли ЕГЭ по профилю и "
                            "поступили ли на востребованные специальности — по каждой школе "
                            "рядом с районом.",
            body=body, notes=notes, steps=steps,
            calm="Ни одна школа заметно не отличается от района — ни в меньшую, ни в большую "
                 "сторону.").render()

    def _indicator_cell(self, ind: str, org: str | None) -> Markup | str:
        """A school's (``None``: the district's) share with «a из b», or why there is none."""
        if org is not None and not ((self.a.by_school["org_id"] == org)
                                    & (self.a.by_school["indicator_id"] == ind)).any():
            return statement([self.k.indicator(ind, org)[1]], "не относится", "said")
        if not self.a.known(ind, org):
            return "нет данных"
        num, den, share = self.k.indicator(ind, org)
        # nobody to count: the indicator does not apply (unless the zero is hidden as «×»)
        if self.pub.values[den] == 0 and self.pub.visible(den):
            from proforient.report.school.findings import GRADUATE_BASES

            return statement([den], Markup("не относится<br><small>нет {}</small>").format(
                GRADUATE_BASES[ind]), "said")
        return Markup("{}<br><small>{} из {}</small>").format(
            self._share(share), self._count(num), self._count(den))

    def _shown_share(self, ind: str, org: str | None) -> float:
        """A share as the page may show it (NaN where hidden or unknown)."""
        return self.pub.number(self.k.indicator(ind, org)[2])

    def _by_school_chart(self, orgs: list[str]) -> Markup:
        """Every school's three shares beside the district's, one panel per indicator."""
        labels = [charts.wrap(self.short[o], 26, 1) for o in orgs]
        left = charts.label_width(labels)
        width = charts.fitted_width(2.6, 3, left=left, wgap=0.3)
        titles = [charts.title_wrap(SHORT_TITLES[ind], width) for ind in GRADUATE_INDICATORS]
        with charts.figure(width, 0.22 * len(orgs) + 0.2, 1, 3, sharey=True, left=left,
                           bottom=0.75, top=charts.text_height(titles) + 0.2,
                           wgap=0.3) as (fig, axes):
            for ax, ind, title in zip(axes, GRADUATE_INDICATORS, titles, strict=True):
                district = self._shown_share(ind, None)
                charts.interval_plot(ax, labels, [self._shown_share(ind, o) for o in orgs],
                                     refs=[("район", [district] * len(orgs), charts.DISTRICT)],
                                     label="школа")
                ax.set_title(title)
            charts.legend_below(fig, charts.handles(
                ("школа", {**charts.SCHOOL, "linestyle": "none"}),
                ("район", {**charts.DISTRICT, "linestyle": "none"})))
            return figure(fig, "Доли выпускников по школам и по району",
                          caption="Школы, у которых доля скрыта, на графике без точки.")

    def supply_demand(self) -> Html:
        """Entrants of every in-demand group against its vacancies, by list."""
        if "supply" in self.left_out:
            return Html()
        table_ = self.a.supply.table
        table_ = table_[table_["year"] == self.a.year]
        body, notes, steps = [], [], []
        where = findings.promote_where(findings.shown_below(self.a, self.pub, self.k),
                                       self.short)
        for territory, name in (("district", "района"), ("republic", "республики")):
            part = table_[table_["territory"] == territory].reset_index(drop=True)
            if part.empty:
                continue
            rows, marks, on_values = [], [], []
            for r in part.itertuples(index=False):
                on = self.k.on_list(territory, r.ugs_code)
                visible = self.pub.visible(on)
                # vacancies less entrants: a number about the entrants, shown with them
                gap = MISSING if pd.isna(r.gap) or not visible else \
                    statement([on], f"{int(r.gap):+d}".replace("-", "−"))
                rows.append([f"{r.ugs_code} {r.ugs_name}",
                             count(r.vacancies) if not pd.isna(r.vacancies) else "не указано",
                             self._count(self.k.entered(r.ugs_code)), self._count(on), gap])
                on_values.append(float(self.pub.values[on]) if visible else np.nan)
                marks.append("" if visible else self.pub.mark(on))
            body.append(table(["Группа специальностей (УГС)", Column("Вакансий", numeric=True),
                               Column("Поступили в группу", numeric=True),
                               Column("Из них на специальности из списка", numeric=True),
                               Column("Вакансий больше (+) или меньше (−)", numeric=True)],
                              rows, caption=f"Список востребованных специальностей {name}"))
            labels = [charts.wrap(f"{c[:2]} {n}", 38, 2) for c, n in
                      zip(part["ugs_code"], part["ugs_name"], strict=True)]
            with charts.figure(4.2, 0.42 * len(part) + 0.2, left=charts.label_width(labels),
                               bottom=0.7, top=0.4) as (fig, ax):
                charts.paired_bars(ax, labels, [("вакансии", part["vacancies"].to_numpy(float)),
                                                ("поступили на специальности из списка",
                                                 on_values)],
                                   marks=[["не указано" if pd.isna(v) else ""
                                           for v in part["vacancies"]], marks])
                ax.set_title(f"Список {name}: вакансии и поступившие")
                ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.07), ncol=2)
                body.append(figure(fig, f"Вакансии и поступившие, список {name}"))
            n, s = findings.supply_notes(part, territory, self.pub, self.k, table_, where)
            notes += n
            steps += s
        notes.append("Вакансии — спрос сейчас, а поступившие выйдут на рынок труда через 2–4 года: "
                     "разница показывает направление, а не прогноз.")
        return self._section(
            "supply", lead="Сколько выпускников поступили на специальности из списков "
                           "востребованных района и республики и сколько там вакансий.",
            body=body, notes=notes, steps=steps).render()

    def flows(self) -> Html:
        """Profile of study × group of specialties entered."""
        if "flows" in self.left_out:
            return Html()
        labels = {code: p.label for code, p in self.ctx.rules.profiles.items()}
        labels["na"] = "без профиля"
        flows = self.a.flows.table
        profiles = [p for p in [*self.ctx.rules.profiles, "na"]
                    if p in set(flows["profile"].fillna("na"))]
        groups = [*self.a.groups, *([OTHER_GROUPS] if self.k.others else [])]
        names = dict(zip(flows["ugs_code"], flows["ugs_name"], strict=False))
        columns = ["Группа специальностей",
                   *[Column(PROFILE_SHORT.get(p, labels[p]), numeric=True) for p in profiles],
                   Column("Всего", numeric=True)]
        rows = []
        for g in groups:
            # a group has its own row when at least 5 entered it (a «×» total of a row is then
            # known to be 5 or more — never a small count): the row labels its total
            title = statement([self.k.entered(g)], "другие группы" if g == OTHER_GROUPS
                              else f"{g[:2]} {names.get(g, '')}", "shown")
            rows.append([title, *[self._count(self.k.entered(g, p)) for p in profiles],
                         self._count(self.k.entered(g))])
        rows.append(["Всего", *[self._count(self.k.entered(profile=p)) for p in profiles],
                     self._count(self.k.entered())])
        body = [table(columns, rows, highlight=[False] * len(groups) + [True], long=True,
                      caption="Поступившие с распознанной специальностью: группа "
                              "специальностей и профиль обучения")]
        body.append(Markup('<p class="pf-note">{}</p>').format(
            "Профили: " + "; ".join(f"{PROFILE_SHORT[p]} — {labels[p]}" for p in profiles
                                     if PROFILE_SHORT.get(p, labels[p]) != labels[p]) + "."))
        notes: list = [self._association(findings.association_words(self.a.association))]
        off = flows[flows["by_profile"].eq(False)].sort_values("graduates", ascending=False)
        shown, shown_keys = [], []
        for r in off.itertuples(index=False):
            key = self.k.entered(r.ugs_code if r.ugs_code in self.a.groups else OTHER_GROUPS,
                                 r.profile if isinstance(r.profile, str) else "na")
            if r.ugs_code in self.a.groups and self.pub.visible(key) and \
                    r.graduates >= self.threshold:
                shown.append(Markup("{} → «{}» ({})").format(labels.get(r.profile, r.profile),
                                                              r.ugs_name, self._count(key)))
                shown_keys.append(key)
            if len(shown) == 3:
                break
        steps = []
        if shown:
            notes.append(statement(shown_keys, Markup(
                "Чаще всего поступают не по профилю: ") + Markup("; ").join(shown)
                + Markup(".")))
            steps.append("Проверить, соответствуют ли профили школ тому, куда выпускники "
                         "поступают на самом деле: возможно, нужен другой профиль или курсы по "
                         "выбору.")
        return self._section(
            "flows", lead="Куда поступают выпускники разных профилей: совпадает ли выбранная "
                          "группа специальностей с профилем обучения.",
            body=body, notes=notes, steps=steps).render()

    def _association_keys(self) -> list[str]:
        """The cells of the profile × group table the association test is computed on."""
        flows = self.a.flows.table
        profiles = set(flows["profile"].fillna("na"))
        groups = [*self.a.groups, *([OTHER_GROUPS] if self.k.others else [])]
        return [self.k.entered(g, p) for g in groups for p in sorted(profiles)]

    def _association(self, words: str, hidden_words: str | None = None) -> Markup:
        """A sentence on the association test, registered with the table's cells; when a cell
        is hidden, a word that the test is not shown (its result would tell the hidden cells)."""
        keys = self._association_keys()
        if self.a.association["method"] == "too_few":
            return statement(keys, words, "shown")
        if all(k in self.pub and self.pub.visible(k) for k in keys):
            return statement(keys, words)
        return statement([], hidden_words or "Связь профиля и группы специальностей здесь не "
                                             "проверяется: часть чисел таблицы скрыта, а "
                                             "результат проверки рассказал бы о них.",
                         "protection")

    def study_places(self) -> Html:
        """Where the entrants study: the district, the republic, elsewhere — by year."""
        if "places" in self.left_out:
            return Html()
        t = self.a.location.table
        years = sorted(t["year"].unique())
        columns = ["Учебный год"]  # a row per year: the table keeps its width as years come
        for label in STUDY_LOCATION_LABELS.values():
            columns += [Column(f"{label}: чел.", numeric=True),
                        Column(f"{label}: доля", numeric=True)]
        columns.append(Column("Всего поступивших", numeric=True))
        rows = []
        for y in years:
            row = [year_label(y)]
            for loc in STUDY_LOCATION_LABELS:
                key = self.k.location(y, loc)
                row += [self._count(key), self._share(cells.share(key, self.k.location(y, None)))]
            rows.append([*row, self._count(self.k.location(y, None))])
        body = [table(columns, rows)]
        body.append(self._places_chart(years[-CHART_YEARS:]))
        notes, steps = [], []
        now = t[t["year"] == self.a.year].set_index("location")
        unknown = cells.share(self.k.location(self.a.year, "unknown"),
                            self.k.location(self.a.year, None))
        if self.pub.visible(unknown) and self.pub.values[unknown] > 0.05:
            notes.append(Markup("Место обучения неизвестно у {} поступивших.").format(
                self._share(unknown)))
            steps.append("Попросить школы указывать, где учится каждый поступивший.")
        if len(years) >= 2 and len(now):
            key_now = cells.share(self.k.location(self.a.year, "district"),
                                self.k.location(self.a.year, None))
            key_before = cells.share(self.k.location(years[-2], "district"),
                                   self.k.location(years[-2], None))
            if self.pub.visible(key_now) and self.pub.visible(key_before):
                diff = self.pub.values[key_now] - self.pub.values[key_before]
                if abs(diff) >= 0.05:
                    notes.append(Markup("Доля учащихся в районе {}: {} → {}.").format(
                        "выросла" if diff > 0 else "снизилась", self._share(key_before),
                        self._share(key_now)))
        return self._section(
            "places", lead="Где учатся выпускники, поступившие в колледжи и вузы: в районе, в "
                           "республике или за её пределами.",
            body=body, notes=notes, steps=steps,
            calm="Доли почти не меняются от года к году.").render()

    def _places_chart(self, years: list[str]) -> Markup:
        """The shares of every place of study, one bar per year (at most :data:`CHART_YEARS`:
        each its own colour and hatch, which the chart's styles run out of after six)."""
        series = []
        for y in years:
            series.append((y, [self.pub.number(cells.share(self.k.location(y, loc),
                                                           self.k.location(y, None)))
                               for loc in STUDY_LOCATION_LABELS]))
        labels = list(STUDY_LOCATION_LABELS.values())
        legend_rows = -(-len(years) // 4)
        # the legend below the axes, never over the bars of the last years
        with charts.figure(4.5, 0.3 + 0.09 * len(years) * len(labels),
                           left=charts.label_width(labels), bottom=0.5 + 0.2 * legend_rows,
                           top=0.15) as (fig, ax):
            charts.share_bars(ax, labels, series)
            ax.legend(loc="lower center", bbox_to_anchor=(0.5, 0.01), ncol=4,
                      bbox_transform=fig.transFigure)
            return figure(fig, f"Где учатся поступившие, {year_label(years[0])} — "
                               f"{year_label(years[-1])}")

    def specialty_review(self) -> Html:
        """Typed names the analyst should look at — only those typed by enough graduates."""
        review = self.a.review
        shown = review[review["graduates"] >= self.threshold]
        hidden = review[review["graduates"] < self.threshold]
        rows = []
        for r in shown.itertuples(index=False):
            typed = r.specialty_name if isinstance(r.specialty_name, str) else \
                "(специальность не указана)"
            # a weak guess («колледж» → «Киноведение») misleads more than it helps
            sure = isinstance(r.candidate_code, str) and not pd.isna(r.match_score) \
                and float(r.match_score) >= NEAREST_SHOWN
            nearest = f"{r.candidate_code} {r.candidate_name}" if sure else MISSING
            rows.append([typed, self._count(self.k.review(r.specialty_name)),
                         RESOLVED_WORDS.get(r.resolved_by, r.resolved_by), nearest])
        body = [table(["Как написано", Column("Выпускников", numeric=True), "Как распознано",
                       "Ближайшая специальность"], rows)] if rows else []
        notes = []
        if len(hidden):
            noun = plural(len(hidden), "название", "названия", "названий")
            notes.append(f"Ещё {len(hidden)} {noun}, каждое у менее чем {self.threshold} "
                         "выпускников, здесь не "
                         "показаны: это мог бы быть текст об одном человеке. Полный список — у "
                         "аналитика управления образования.")
        if review.empty:
            notes.append("Все специальности распознаны уверенно.")
        steps = ["Уточнить со школами названия, которые не являются специальностью («колледж», "
                 "«не знаю»), и указать специальность по документам о поступлении."] \
            if len(review) else []
        return self._section(
            "review", lead="Названия специальностей, которые программа не распознала или "
                           "распознала неуверенно: пока их не уточнят, доли «по профилю» и "
                           "«востребованные» занижены.",
            body=body, notes=notes, steps=steps).render()

    def appendix(self) -> Html:
        """«Как считалось»."""
        t = self.threshold
        test = self.a.association
        method = {
            "chi2": f"критерий хи-квадрат (p = {p_value_text(test['p_value'])} — вероятность "
                    "увидеть такую связь случайно; сила связи — V "
                    f"Крамера {test['cramers_v']:.2f})".replace(".", ","),
            "monte_carlo": "перестановочный тест: профиль и группу перемешивают случайно "
                           f"{2000} раз и смотрят, как часто связь получается не слабее "
                           f"наблюдаемой (p = {p_value_text(test['p_value'])}); хи-квадрат "
                           "здесь неприменим — в большинстве клеток слишком мало выпускников",
            "too_few": "проверка не проводилась: слишком мало выпускников",
        }[test["method"]]
        method = self._association(method, "проверка не показывается: часть чисел таблицы "
                                           "скрыта, а её результат рассказал бы о них")
        items = [
            "«По профилю» — поступившие в колледжи и вузы, у которых профиль указан и не "
            "универсальный, и группа специальности (УГС) входит в группы профиля.",
            "«ЕГЭ по профилю» — выпускники 11 класса с таким профилем, выбравшие предметы ЕГЭ, "
            "соответствующие профилю.",
            "«Востребованные специальности» — доля всех выпускников 9 и 11 классов, поступивших "
            "на специальность из списка района или республики. Если список не охватывает год, "
            "показатель — «нет данных», а не ноль.",
            "Специальность распознаётся по коду ОКСО (общероссийского классификатора "
            "специальностей по образованию), по точному названию, по таблице синонимов района "
            "или по похожему названию; нераспознанные остаются в знаменателях. УГС — "
            "укрупнённая группа специальностей ОКСО, например 15.00.00 «Машиностроение».",
            "Группы специальностей, куда поступили меньше 5 выпускников, объединены в «другие "
            "группы».",
            Markup("Связь профиля и группы: {}.").format(method),
            "«Заметно ниже (выше) района» — доля школы ниже (выше), чем можно объяснить её "
            "размером: у маленькой школы доля колеблется сильнее.",
            mark_explained(t, "выпускников", "итогам, строке района и соседним клеткам")
            + " Названия специальностей, написанные меньше чем у "
            f"{t} выпускников, не показываются вовсе.",
        ]
        for key, why in self.left_out.items():
            items.append(f"Раздел «{TITLES[key]}» не показан: {why}.")
        return appendix(self.numbers["appendix"], items, ctx=self.ctx)

