"""The sections of the graduates report (``notebooks/graduates.ipynb``, SPEC §5, §10).

Alignment and demand for the district by school, supply against demand per group of
specialties (УГС), flows from study profile to group with chi-square and Cramér's V, where the
graduates study, and the typed specialty names the analyst should review. Every section states
its sample from :attr:`proforient.alignment.Analysis.sample`; every count of graduates goes
through :func:`proforient.privacy.suppress_counts` and no row about one graduate is shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from proforient.compute.alignment import (
    ADMITTED_BY_PROFILE,
    EGE_PROFILE_MATCH,
    IN_DEMAND_CHOICE,
    STUDY_LOCATION_LABELS,
    profile_flows,
    profile_group_association,
    study_location,
    supply_demand,
)
from proforient.compute.specialties import review_list
from proforient.report import charts
from proforient.report.common import funnel_table, indicator_meta, indicator_rows
from proforient.report.html import (
    Html,
    Section,
    figure_html,
    fmt_interval,
    fmt_percent,
    join_words,
    report_header,
    short_name,
    table_html,
)
from proforient.report.privacy import MISSING, escape, format_count, share_visible, suppress_counts

if TYPE_CHECKING:
    from proforient.compute.alignment import Analysis
    from proforient.report.context import ReportContext

__all__ = [
    "alignment_by_school",
    "alignment_table",
    "flows",
    "graduates_overview",
    "header",
    "specialty_review",
    "study_places",
    "supply_and_demand",
]

GRADUATE_INDICATORS: tuple[str, ...] = (ADMITTED_BY_PROFILE, EGE_PROFILE_MATCH, IN_DEMAND_CHOICE)
SHORT_TITLES: dict[str, str] = {
    ADMITTED_BY_PROFILE: "Поступили по профилю",
    EGE_PROFILE_MATCH: "ЕГЭ по профилю (11 класс)",
    IN_DEMAND_CHOICE: "Поступили на востребованные специальности",
}
RESOLVED_LABELS: dict[str, str] = {
    "code": "по коду",
    "exact": "точное совпадение названия",
    "alias": "по таблице синонимов района",
    "fuzzy": "похожее название (нужна проверка)",
    "unresolved": "не распознано",
}
TERRITORY_LABELS: dict[str, str] = {"district": "района", "republic": "республики"}


def header(ctx: ReportContext) -> Html:
    """The report's header block (title, dataset, year, date, version, demo banner)."""
    return report_header(ctx, "Профориентация: выпускники, профиль и востребованность")


def _year(ctx: ReportContext) -> pd.DataFrame:
    a = ctx.aligned
    return a[a["year"] == ctx.year]


def _sample_lines(analysis: Analysis, threshold: int, year: str) -> list[str]:
    sample = analysis.sample
    sample = sample[sample["year"] == year]
    lines = []
    total = int(sample["graduates"].sum())
    lines.append(f"Выпускников {year} года в данных: {format_count(total, threshold)}.")
    for _, r in sample.iterrows():
        label = str(r["label"])
        if not r["included"]:
            label = f"не учтены — {label}"
        elif label == "учтены":
            label = "учтены в анализе"
        lines.append(f"{label[:1].upper() + label[1:]}: "
                     f"{format_count(r['graduates'], threshold)}.")
    return lines


def graduates_overview(ctx: ReportContext) -> Html:
    """How many graduates the report covers (deterministic plain text)."""
    a = _year(ctx)
    by_grade = a["grade"].value_counts()
    schools = a["org_id"].nunique()
    threshold = ctx.rules.suppression_threshold
    lines = [
        f"Выпускники {ctx.year} года: {format_count(len(a), threshold)} "
        f"(9 класс — {format_count(by_grade.get(9, 0), threshold)}, 11 класс — "
        f"{format_count(by_grade.get(11, 0), threshold)}), из {schools} школ.",
        f"Порог малых чисел: {threshold} — меньшие количества выпускников показаны как "
        f"«<{threshold}», доли из них не показываются.",
    ]
    return Html("".join(f"<p>{escape(line)}</p>" for line in lines), "\n".join(lines))


# --------------------------------------------------------------------------------------------
# alignment and demand by school


def alignment_table(ctx: ReportContext) -> pd.DataFrame:
    """The three graduate indicators for every school and the district (report year).

    Returns
    -------
    DataFrame
        ``org_id, name, indicator_id, numerator, denominator, value, ci_low, ci_high,
        visible`` (whether the share may be shown: :func:`proforient.privacy.share_visible`);
        the district rows have ``org_id`` ``<NA>`` and name «Район в целом».
    """
    threshold = ctx.rules.suppression_threshold
    orgs = indicator_rows(ctx, "org")
    orgs = orgs[orgs["indicator_id"].isin(GRADUATE_INDICATORS)]
    district = indicator_rows(ctx, "district")
    district = district[district["indicator_id"].isin(GRADUATE_INDICATORS)].assign(
        name="Район в целом")
    cols = ["org_id", "name", "indicator_id", "numerator", "denominator", "value", "ci_low",
            "ci_high"]
    out = pd.concat([orgs[cols], district[cols]], ignore_index=True)
    out["visible"] = [share_visible(d, threshold, n) for n, d in
                      zip(out["numerator"], out["denominator"], strict=True)]
    return out


def alignment_by_school(ctx: ReportContext) -> Section:
    """Profile alignment, ЕГЭ alignment and in-demand choices by school, with suppression."""
    threshold = ctx.rules.suppression_threshold
    data = alignment_table(ctx)
    titles = indicator_meta(ctx).set_index("indicator_id")["title"]
    orgs = data[data["org_id"].notna()]
    schools = list(pd.unique(orgs.sort_values("org_id")["name"]))
    wide = pd.DataFrame({"Школа": schools + ["Район в целом"]})
    for ind in GRADUATE_INDICATORS:
        part = data[data["indicator_id"] == ind].set_index("name")
        values, counts = [], []
        for name in wide["Школа"]:
            if name not in part.index:
                values.append("не относится")
                counts.append("")
                continue
            r = part.loc[name]
            if pd.isna(r["denominator"]) or r["denominator"] == 0:
                values.append(MISSING)
                counts.append("нет выпускников" if r["denominator"] == 0 else "нет данных")
                continue
            values.append(fmt_percent(r["value"]) if r["visible"] else MISSING)
            num = (format_count(r["numerator"], threshold) if r["visible"] or
                   0 < r["numerator"] < threshold else MISSING)
            counts.append(f"{num} из {format_count(r['denominator'], threshold)}")
        wide[f"{SHORT_TITLES[ind]}: доля"] = values
        wide[f"{SHORT_TITLES[ind]}: из скольких"] = counts
    wide["Школа"] = [short_name(n) if n != "Район в целом" else n for n in wide["Школа"]]
    body = [table_html(wide, numeric=[c for c in wide.columns if c != "Школа"],
                       highlight=[False] * len(schools) + [True])]
    plot_rows = orgs.assign(short=orgs["name"].map(short_name))
    with charts.figure(12, 0.34 * len(schools) + 2.0, 1, 3, sharey=True) as (fig, axes):
        for ax, ind in zip(axes, GRADUATE_INDICATORS, strict=True):
            part = plot_rows[plot_rows["indicator_id"] == ind].set_index("short")
            part = part.reindex([short_name(n) for n in schools])
            shown = part.assign(value=part["value"].where(part["visible"].fillna(False)
                                                         .astype(bool)),
                                ci_low=part["ci_low"].where(part["visible"].fillna(False)
                                                           .astype(bool)),
                                ci_high=part["ci_high"].where(part["visible"].fillna(False)
                                                             .astype(bool)))
            dist = data[(data["indicator_id"] == ind) & data["org_id"].isna()]["value"]
            shown["district"] = float(dist.iloc[0]) if len(dist) else np.nan
            charts.interval_plot(shown.reset_index(names="short"), y="short", x="value",
                                 low="ci_low", high="ci_high", refs={"district": "район"},
                                 label="школа", ax=ax)
            ax.set_title(charts.wrap(SHORT_TITLES[ind], 24, 3), fontsize=10)
            ax.get_legend().remove()
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncol=3, frameon=False)
        body.append(figure_html(fig, "Доли выпускников по школам: по профилю, ЕГЭ, "
                                     "востребованные специальности"))
    notes, steps = [], []
    for ind in GRADUATE_INDICATORS:
        table = funnel_table(ctx, ind)
        if table.empty:
            continue
        names = table.assign(short=table["name"].map(short_name))
        below = names[names["position"].str.startswith("ниже")]
        above = names[names["position"].str.startswith("выше")]
        if len(below):
            notes.append(f"«{titles[ind]}»: ниже нижней границы воронки района — "
                         f"{join_words(list(below['short']))}.")
            steps.append(f"Обсудить с {join_words(list(below['short']))}: «{titles[ind]}» — "
                         "консультации по выбору профиля, ЕГЭ и специальности.")
        if len(above):
            notes.append(f"«{titles[ind]}»: выше верхней границы — "
                         f"{join_words(list(above['short']))}.")
    hidden = int((~data["visible"] & data["denominator"].gt(0)).sum())
    if hidden:
        notes.append(f"Доли не показаны в {hidden} клетках таблицы: они выдали бы число "
                     f"выпускников меньше {threshold}.")
    district = data[data["org_id"].isna()].set_index("indicator_id")
    for ind in GRADUATE_INDICATORS:
        if ind in district.index:
            r = district.loc[ind]
            notes.append(f"Район: «{titles[ind]}» — {fmt_percent(r['value'])} "
                         f"(95 % интервал {fmt_interval(r['ci_low'], r['ci_high'])}).")
    a = _year(ctx)
    admitted = a["destination"].isin(["spo", "vo"])
    unresolved = int((admitted & a["specialty_code"].isna()).sum())
    sample = [
        "«По профилю» — поступившие в СПО или вуз с указанным профилем (кроме универсального); "
        "«ЕГЭ» — выпускники 11 класса с таким профилем; «востребованные» — все выпускники 9 и "
        "11 классов (в числителе — поступившие на специальность из списка района или "
        "республики).",
        f"Поступивших с нераспознанной специальностью: {format_count(unresolved, threshold)} — "
        "они в знаменателях, но не в числителях (см. раздел о названиях специальностей).",
        f"Доля не показывается («—»), если выпускников в знаменателе меньше {threshold} или "
        f"если учтённых либо неучтённых меньше {threshold}: иначе по доле можно узнать "
        "конкретного выпускника. «<3» — число от 1 до 2.",
        "На графике школы без показанной доли пропущены; квадрат — район.",
    ]
    if unresolved:
        steps.append("Уточнить нераспознанные специальности (раздел ниже): после исправления "
                     "доли по профилю и востребованности станут точнее.")
    return Section(
        purpose="Соответствие выбора выпускников профилю обучения и спросу на рынке труда — по "
                "каждой школе рядом с районом.",
        sample=sample, body=body, notes=notes, steps=steps,
        data={"alignment": data},
    )


# --------------------------------------------------------------------------------------------
# supply and demand


def supply_and_demand(ctx: ReportContext) -> Section:
    """Graduates entering each in-demand group against the vacancies of the demand list."""
    threshold = ctx.rules.suppression_threshold
    analysis = supply_demand(_year(ctx), ctx.dataset.demand, ctx.params.classifier)
    table = analysis.table
    table = table[table["year"] == ctx.year]
    body, notes, steps = [], [], []
    if table.empty:
        return Section(
            purpose="Сколько выпускников поступает на востребованные специальности.",
            sample=_sample_lines(analysis, threshold, ctx.year),
            notes=["Список востребованных специальностей (demand.csv) пуст или не относится к "
                   "этому году."],
            steps=["Добавить в данные список востребованных специальностей района и "
                   "республики."])
    for territory in ("district", "republic"):
        part = table[table["territory"] == territory].reset_index(drop=True)
        if part.empty:
            continue
        shown = pd.DataFrame({
            "УГС": part["ugs_code"] + " " + part["ugs_name"].fillna(""),
            "Вакансий": [str(int(v)) if not pd.isna(v) else "не указано"
                         for v in part["vacancies"]],
            "Поступили в группу": suppress_counts(part["graduates_entered"], threshold),
            "Из них на специальности из списка": suppress_counts(part["graduates_on_list"],
                                                                 threshold),
            "Вакансий минус поступивших": [
                (f"{int(g):+d}".replace("-", "−") if not pd.isna(g) else MISSING)
                if not (0 < n < threshold) else MISSING
                for g, n in zip(part["gap"], part["graduates_on_list"], strict=True)],
        })
        body.append(table_html(shown, caption=f"Список востребованных специальностей "
                                              f"{TERRITORY_LABELS[territory]}",
                               numeric=["Вакансий", "Поступили в группу",
                                        "Из них на специальности из списка",
                                        "Вакансий минус поступивших"]))
        plot = part.assign(
            label=part["ugs_code"].str[:2] + " " + part["ugs_name"].fillna(""),
            hide=(part["graduates_on_list"] > 0) & (part["graduates_on_list"] < threshold),
            hide_text=f"<{threshold}",
            vacancies=part["vacancies"].astype(float),
            on_list=part["graduates_on_list"].astype(float))
        with charts.figure(10, 0.42 * len(plot) + 1.6) as (fig, ax):
            charts.paired_bars(plot, y="label", x=["vacancies", "on_list"],
                               labels=["вакансии", "поступили на специальности из списка"],
                               hidden={"on_list": "hide"}, ax=ax)
            ax.set_xlabel("Человек / вакансий")
            ax.set_title(f"Список {TERRITORY_LABELS[territory]}: вакансии и поступившие")
            body.append(figure_html(fig, f"Вакансии и поступившие, список "
                                         f"{TERRITORY_LABELS[territory]}"))
        gaps = part.dropna(subset=["gap"])
        short = gaps[gaps["gap"] > 0].sort_values("gap", ascending=False).head(3)
        if len(short):
            notes.append(f"Список {TERRITORY_LABELS[territory]}: больше всего вакансий без "
                         "поступивших — " + join_words(
                             [f"{r.ugs_name} (вакансий {int(r.vacancies)}, поступили "
                              f"{format_count(r.graduates_on_list, threshold)})"
                              for r in short.itertuples()]) + ".")
            steps.append("Рассказать выпускникам о специальностях групп: "
                         + join_words([f"«{n}»" for n in short["ugs_name"]])
                         + " (встречи с работодателями, профпробы, целевое обучение).")
        over = gaps[gaps["gap"] < 0].sort_values("gap").head(3)
        if len(over):
            notes.append(f"Список {TERRITORY_LABELS[territory]}: поступивших больше, чем "
                         "вакансий, — " + join_words(
                             [f"{r.ugs_name} ({format_count(r.graduates_on_list, threshold)} "
                              f"при {int(r.vacancies)} вакансиях)" for r in over.itertuples()])
                         + ".")
        no_vac = part[part["vacancies"].isna()]
        if len(no_vac):
            notes.append(f"В списке {TERRITORY_LABELS[territory]} без числа вакансий: "
                         + join_words([f"«{n}»" for n in no_vac["ugs_name"]]) + ".")
    notes.append("Вакансии — это спрос сейчас, а поступившие выйдут на рынок труда через 2–4 "
                 "года: разница показывает направление, а не прогноз.")
    return Section(
        purpose="Спрос и предложение по укрупнённым группам специальностей (УГС): сколько "
                "выпускников поступает на специальности из списков востребованных района и "
                "республики и сколько там вакансий.",
        sample=_sample_lines(analysis, threshold, ctx.year), body=body, notes=notes,
        steps=steps, data={"supply_demand": table},
    )


# --------------------------------------------------------------------------------------------
# flows profile → group


def _strength(v: float) -> str:
    if pd.isna(v):
        return "не рассчитана"
    if v < 0.1:
        return "очень слабая"
    if v < 0.2:
        return "слабая"
    if v < 0.4:
        return "умеренная"
    return "сильная"


def flows(ctx: ReportContext) -> Section:
    """Flows from study profile to the group entered, with chi-square and Cramér's V."""
    threshold = ctx.rules.suppression_threshold
    year_rows = _year(ctx)
    analysis = profile_flows(year_rows, ctx.params.classifier)
    table = analysis.table
    labels = {code: p.label for code, p in ctx.rules.profiles.items()}
    body, notes, steps = [], [], []
    if table.empty:
        return Section(purpose="Куда поступают выпускники разных профилей.",
                       sample=_sample_lines(analysis, threshold, ctx.year),
                       notes=["Нет поступивших с распознанной специальностью."])
    data = table.assign(
        profile_label=table["profile"].map(labels).fillna("без профиля"),
        group=table["ugs_code"].str[:2] + " " + table["ugs_name"].fillna(""))
    profiles_order = [labels[c] for c in ctx.rules.profiles if labels[c] in
                      set(data["profile_label"])]
    if (data["profile_label"] == "без профиля").any():
        profiles_order.append("без профиля")
    groups_order = sorted(pd.unique(data["group"]))
    with charts.figure(0.9 * len(profiles_order) + 5.5, 0.36 * len(groups_order) + 1.8) as (
            fig, ax):
        charts.count_heatmap(data, x="profile_label", y="group", value="graduates",
                             threshold=threshold, x_order=profiles_order, y_order=groups_order,
                             ax=ax)
        ax.set_xticks(ax.get_xticks(), profiles_order, rotation=30, ha="left",
                      rotation_mode="anchor")
        ax.set_yticks(ax.get_yticks(), [charts.wrap(g, 45, 2) for g in groups_order])
        ax.set_xlabel("")
        ax.set_ylabel("")
        body.append(figure_html(fig, "Поступившие: профиль обучения × группа специальностей"))
    assoc = profile_group_association(ctx.aligned[ctx.aligned["year"] <= ctx.year])
    stats = assoc.table
    shown = pd.DataFrame({
        "Год": stats["year"],
        "Выпускников в таблице": suppress_counts(stats["graduates"], threshold),
        "Профилей × групп": [f"{p} × {g}" for p, g in zip(stats["profiles"], stats["groups"],
                                                        strict=True)],
        "χ²": [f"{v:.1f}".replace(".", ",") if not pd.isna(v) else MISSING
               for v in stats["chi2"]],
        "Степеней свободы": [str(v) if not pd.isna(v) else MISSING for v in stats["dof"]],
        "p": [_p_text(v) for v in stats["p_value"]],
        "V Крамера": [f"{v:.2f}".replace(".", ",") if not pd.isna(v) else MISSING
                      for v in stats["cramers_v"]],
        "Связь": [_strength(v) for v in stats["cramers_v"]],
        "Клеток с ожидаемым < 5": [fmt_percent(v, 0) for v in stats["expected_below_5"]],
    })
    body.append(table_html(shown, caption="Связь профиля и группы специальностей: хи-квадрат "
                                          "и V Крамера",
                           numeric=["Выпускников в таблице", "χ²", "Степеней свободы", "p",
                                    "V Крамера", "Клеток с ожидаемым < 5"]))
    current = stats[stats["year"] == ctx.year]
    if len(current):
        c = current.iloc[0]
        v = (f"{c.cramers_v:.2f}".replace(".", ",") if not pd.isna(c.cramers_v)
             else MISSING)
        notes.append(f"Связь профиля с выбранной группой в {ctx.year}: V Крамера {v} — "
                     f"{_strength(c.cramers_v)} ({_p_sentence(c.p_value)}).")
        if not pd.isna(c.expected_below_5) and c.expected_below_5 > 0.2:
            notes.append(f"В {fmt_percent(c.expected_below_5, 0)} клеток ожидаемое число меньше "
                         "5: p-значение хи-квадрат приблизительное; малые группы объединены в "
                         "«прочие».")
    off = data[data["by_profile"].eq(False)].sort_values("graduates", ascending=False)
    off = off[off["graduates"] >= threshold].head(3)
    if len(off):
        notes.append("Самые частые поступления не по профилю: " + join_words(
            [f"{r.profile_label} → {r.ugs_name} ({r.graduates})" for r in off.itertuples()])
            + ".")
        steps.append("Проверить, соответствует ли набор профилей школ тому, куда выпускники "
                     "реально поступают: возможно, нужен новый профиль или другие курсы по "
                     "выбору.")
    sample = _sample_lines(analysis, threshold, ctx.year)
    sample.append(f"Клетка с числом от 1 до {threshold - 1} показана как «<{threshold}» и не "
                  "закрашена. Для хи-квадрат группы, куда поступили меньше 5 выпускников за "
                  "год, объединены в «прочие»; выпускники без профиля не участвуют.")
    return Section(
        purpose="Куда поступают выпускники разных профилей: таблица профиль × группа "
                "специальностей (УГС) и сила связи между ними.",
        sample=sample, body=body, notes=notes, steps=steps,
        data={"flows": table, "association": stats},
    )


def _p_text(p: float) -> str:
    if pd.isna(p):
        return MISSING
    return "< 0,001" if p < 0.001 else f"{p:.3f}".replace(".", ",")


def _p_sentence(p: float) -> str:
    text = _p_text(p)
    if text == MISSING:
        return "p не рассчитано"
    return f"p {text}" if text.startswith("<") else f"p = {text}"


# --------------------------------------------------------------------------------------------
# where they study


def study_places(ctx: ReportContext) -> Section:
    """Where the graduates who entered a college or university study, by year."""
    threshold = ctx.rules.suppression_threshold
    analysis = study_location(ctx.aligned[ctx.aligned["year"] <= ctx.year],
                              ctx.rules.study_region_places)
    table = analysis.table
    years = sorted(table["year"].unique())
    wide = pd.DataFrame({"Где учатся": list(STUDY_LOCATION_LABELS.values())})
    for y in years:
        part = table[table["year"] == y].set_index("location").reindex(
            list(STUDY_LOCATION_LABELS))
        counts = suppress_counts(part["graduates"], threshold, complementary=True)
        total = int(part["graduates"].sum())
        wide[f"{y}: чел."] = counts.to_numpy()
        wide[f"{y}: доля"] = [fmt_percent(s) if not (c.startswith("<") or c == MISSING)
                              and share_visible(total, threshold) else MISSING
                              for s, c in zip(part["share"], counts, strict=True)]
    body = [table_html(wide, numeric=[c for c in wide.columns if c != "Где учатся"])]
    plot = table.assign(label=table["label"])
    with charts.figure(9, 3.8) as (fig, ax):
        charts.share_bars(plot, y="label", x="share", hue="year", ax=ax)
        ax.set_xlabel("Доля поступивших в СПО и вузы")
        body.append(figure_html(fig, "Где учатся поступившие, по годам"))
    notes, steps = [], []
    current = table[table["year"] == ctx.year].set_index("location")
    if len(current):
        notes.append(f"{ctx.year}: учатся в районе — {fmt_percent(current.at['district', 'share'])}"
                     f", в республике вне района — {fmt_percent(current.at['republic', 'share'])}"
                     f", за пределами республики — "
                     f"{fmt_percent(current.at['elsewhere', 'share'])}.")
        unknown = current.at["unknown", "share"]
        if not pd.isna(unknown) and unknown > 0.05:
            notes.append(f"Место обучения не известно у {fmt_percent(unknown)} поступивших.")
            steps.append("Попросить школы заполнить столбец «study_region» (где учится "
                         "выпускник) для всех поступивших.")
    if len(years) >= 2:
        prev = table[table["year"] == years[-2]].set_index("location")
        if len(current) and len(prev):
            diff = current.at["district", "share"] - prev.at["district", "share"]
            if not pd.isna(diff) and abs(diff) >= 0.05:
                notes.append(f"Доля учащихся в районе {'выросла' if diff > 0 else 'снизилась'} "
                             f"с {fmt_percent(prev.at['district', 'share'])} до "
                             f"{fmt_percent(current.at['district', 'share'])}.")
    unrec = analysis.details.get("unrecognised", pd.DataFrame())
    if len(unrec):
        notes.append(f"Не распознано мест обучения (записаны как «не известно»): "
                     f"{len(unrec)} вариантов написания.")
        body.append(table_html(pd.DataFrame({
            "Как записано": unrec["study_region"],
            "Выпускников": suppress_counts(unrec["graduates"], threshold)}),
            caption="Нераспознанные места обучения", numeric=["Выпускников"]))
    return Section(
        purpose="Где учатся выпускники, поступившие в СПО и вузы: в районе, в республике или "
                "за её пределами.",
        sample=_sample_lines(analysis, threshold, ctx.year), body=body, notes=notes,
        steps=steps, data={"study_location": table},
    )


# --------------------------------------------------------------------------------------------
# the review list


def specialty_review(ctx: ReportContext) -> Section:
    """Typed specialty names that are unresolved or matched with low confidence."""
    threshold = ctx.rules.suppression_threshold
    review = review_list(_year(ctx))
    notes, steps, body = [], [], []
    sample = [
        "Поступившие в СПО или вуз, у которых специальность не распознана, распознана по "
        "похожему названию с невысокой оценкой или не указана вовсе; одинаковые после "
        "нормализации названия объединены — одна строка таблицы синонимов исправит их все.",
        f"Названия — свободный текст, который ввели школы; числа выпускников меньше "
        f"{threshold} показаны как «<{threshold}».",
    ]
    if review.empty:
        notes.append("Все специальности распознаны уверенно — проверять нечего.")
        return Section(purpose="Названия специальностей, которые нужно проверить.",
                       sample=sample, notes=notes, data={"review": review})
    shown = pd.DataFrame({
        "Как написано": review["specialty_name"].fillna("(название не указано)"),
        "Выпускников": suppress_counts(review["graduates"], threshold),
        "Как распознано": review["resolved_by"].map(RESOLVED_LABELS).fillna(MISSING),
        "Сходство": [f"{v:.0f}" if not pd.isna(v) else MISSING for v in review["match_score"]],
        "Ближайшая специальность": [
            f"{c} {n}" if not pd.isna(c) else MISSING
            for c, n in zip(review["candidate_code"], review["candidate_name"], strict=True)],
        "Неизвестные коды": review["unknown_codes"].fillna(""),
    })
    body.append(table_html(shown, numeric=["Выпускников", "Сходство"]))
    total = int(review["graduates"].sum())
    unresolved = review[review["resolved_by"] == "unresolved"]
    fuzzy = review[review["resolved_by"] == "fuzzy"]
    empty = review[review["specialty_name"].isna()]
    notes.append(f"Названий на проверку: {len(review)}; выпускников за ними: "
                 f"{format_count(total, threshold)}.")
    if len(unresolved):
        notes.append(f"Не распознано названий: {len(unresolved)} — эти выпускники учтены в "
                     "знаменателях, но не в числителях показателей.")
    if len(fuzzy):
        notes.append(f"Распознано по похожему названию, но неуверенно: {len(fuzzy)} — "
                     "проверьте, верна ли «ближайшая специальность».")
    if len(empty):
        missing = format_count(empty["graduates"].sum(), threshold)
        notes.append(f"Специальность не указана у поступивших: {missing}.")
        steps.append("Попросить школы указать специальность (код ОКСО или название) для всех "
                     "поступивших в СПО и вузы.")
    if len(unresolved) or len(fuzzy):
        typed = pd.concat([fuzzy, unresolved])["specialty_name"].dropna()
        example = f" (например, «{typed.iloc[0]}» → её код)" if len(typed) else ""
        steps.append("Для каждого названия, у которого ближайшая специальность верна, добавить "
                     "строку в parameters/specialty_aliases.csv (столбцы alias, code, "
                     f"comment){example}.")
        steps.append("Названия, которые не являются специальностью («колледж», «не знаю»), "
                     "исправить в таблице выпускников вместе со школой.")
    return Section(
        purpose="Названия специальностей, которые программа не распознала или распознала "
                "неуверенно: что исправить, чтобы показатели выпускников были точными.",
        sample=sample, body=body, notes=notes, steps=steps, data={"review": review},
    )
