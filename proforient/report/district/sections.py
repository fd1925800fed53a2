"""The sections of the district report (``notebooks/district.ipynb``, SPEC §10).

Each public function takes the report context and returns a
:class:`~proforient.display.Section` or an :class:`~proforient.display.Html`: the schools ×
indicators status grid, a funnel plot per share indicator, the district totals against the
targets with their coverage, preschools and the additional-education centre, the department's
own activities, and data quality.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from proforient.report import charts
from proforient.report.common import funnel_table, indicator_meta, indicator_rows, org_names
from proforient.report.html import (
    Html,
    Section,
    figure_html,
    fmt_count,
    fmt_interval,
    fmt_percent,
    fmt_target,
    fmt_value,
    join_words,
    plural,
    report_header,
    short_name,
    status_text,
    table_html,
)
from proforient.report.privacy import MISSING, escape, format_count
from proforient.vocab import KINDS

if TYPE_CHECKING:
    from proforient.report.context import ReportContext

__all__ = [
    "data_quality",
    "department_activities",
    "district_overview",
    "district_totals",
    "district_totals_table",
    "funnel_plots",
    "header",
    "preschools",
    "status_heatmap",
    "status_matrix",
]

KIND_PLURAL = {
    "school": "общеобразовательных организаций (ОО)",
    "preschool": "дошкольных организаций (ДОУ)",
    "additional": "организаций дополнительного образования",
    "department": "управление образования",
}


def header(ctx: ReportContext) -> Html:
    """The report's header block (title, dataset, year, date, version, demo banner)."""
    return report_header(ctx, "Профориентация: отчёт по району")


def district_overview(ctx: ReportContext) -> Html:
    """Who is in the data: organisations by kind and the years (deterministic plain text)."""
    orgs = ctx.dataset.organizations
    counts = orgs["kind"].value_counts()
    parts = [f"{KIND_PLURAL[k]} — {int(counts.get(k, 0))}" for k in KINDS.codes
             if counts.get(k, 0)]
    lines = [
        f"Организаций в данных: {len(orgs)}; из них {'; '.join(parts)}.",
        f"Учебные годы в данных: {', '.join(ctx.dataset.years)}; отчётный год — {ctx.year}.",
        f"Показателей в дорожной карте: {len(ctx.roadmap.indicators)}.",
    ]
    return Html("".join(f"<p>{escape(line)}</p>" for line in lines), "\n".join(lines))


# --------------------------------------------------------------------------------------------
# status grid


def status_matrix(ctx: ReportContext) -> pd.DataFrame:
    """Statuses of every school for every indicator that applies to schools (report year).

    Returns
    -------
    DataFrame
        Tidy: ``org_id, name, short, number, indicator_id, title, status``. Indicators that do
        not apply to a school (no grades in range) have no row.
    """
    rows = indicator_rows(ctx, "org")
    schools = ctx.dataset.organizations
    school_ids = set(schools.loc[schools["kind"] == "school", "org_id"])
    rows = rows[rows["org_id"].isin(school_ids)]
    out = rows[["org_id", "name", "number", "indicator_id", "title", "status"]].copy()
    zero = (rows["kind"] == "share") & (rows["denominator"] == 0) & (rows["status"] == "no_data")
    out.loc[zero, "status"] = "not_computed"
    out.insert(2, "short", out["name"].map(short_name))
    return out.reset_index(drop=True)


def status_heatmap(ctx: ReportContext) -> Section:
    """Every school × every school indicator: a status grid readable in black and white."""
    data = status_matrix(ctx)
    if data.empty:
        return Section(purpose="Статусы показателей по школам.",
                       notes=["В данных нет школ с показателями за этот год."])
    meta = indicator_meta(ctx)
    numbers = [n for n in meta["number"] if n in set(data["number"])]
    names = list(pd.unique(data.sort_values("org_id")["short"]))
    body = []
    with charts.figure(max(8.0, 0.42 * len(numbers) + 3.2), 0.36 * len(names) + 1.9) as (
            fig, ax):
        charts.status_heatmap(data, x="number", y="short", x_order=numbers, y_order=names,
                              ax=ax)
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.set_title("№ мероприятия дорожной карты", fontsize=9, fontweight="normal")
        body.append(figure_html(fig, "Статусы показателей: школы × показатели"))
    legend = meta[meta["number"].isin(numbers)][["number", "title"]].rename(
        columns={"number": "№", "title": "Показатель"})
    body.append(table_html(legend, caption="Номера показателей", numeric=["№"]))
    notes, steps = [], []
    counts = data.pivot_table(index="indicator_id", columns="status", values="org_id",
                              aggfunc="count", fill_value=0)
    titles = meta.set_index("indicator_id")["title"]
    applicable = data.groupby("indicator_id").size()
    if "not_met" in counts:
        worst = counts["not_met"].sort_values(ascending=False)
        worst = worst[worst > 0].head(3)
        for ind, n in worst.items():
            notes.append(f"«{titles[ind]}»: не достигнуто в {n} из {applicable[ind]} "
                         f"{plural(applicable[ind], 'школы', 'школ', 'школ')}.")
        if len(worst):
            steps.append("Посвятить районный семинар показателям, где больше всего школ не "
                         "достигли цели: " + join_words([f"«{titles[i]}»" for i in worst.index])
                         + ".")
    per_school = data[data["status"] == "not_met"].groupby("short").size().sort_values(
        ascending=False)
    if len(per_school):
        top = per_school[per_school >= max(3, int(per_school.iloc[0]) - 1)].head(4)
        if len(top):
            notes.append("Больше всего недостигнутых целей: " + join_words(
                [f"{name} — {n}" for name, n in top.items()]) + ".")
            steps.append("Провести индивидуальные встречи со школами, где не достигнуто "
                         "больше всего целей: " + join_words(list(top.index)) + ".")
    no_data = data[data["status"] == "no_data"]
    if len(no_data):
        by_school = no_data.groupby("short").size().sort_values(ascending=False)
        notes.append(f"Клеток «нет данных»: {len(no_data)} у {len(by_school)} "
                     f"{plural(len(by_school), 'школы', 'школ', 'школ')} — " + join_words(
                         [f"{s} ({n})" for s, n in by_school.head(6).items()]) +
                     (f" и ещё {len(by_school) - 6}" if len(by_school) > 6 else "") + ".")
        steps.append("Запросить у этих школ недостающие данные (список — в разделе «Качество "
                     "данных»).")
    return Section(
        purpose="Сводка по всем школам: статус каждого показателя дорожной карты. Строка — "
                "школа, столбец — номер мероприятия; значок читается и без цвета.",
        sample=[f"Школ: {len(names)}; показателей, относящихся к школам: {len(numbers)}.",
                "Пустая клетка — показатель к школе не относится (например, у начальной школы "
                "нет 5–11 классов); «?» — школа не представила данные (пропуск не считается "
                "нулём); «–» — знаменатель равен нулю (например, нет выпускников 11 класса с "
                "профилем), показатель не рассчитывается."],
        body=body, notes=notes, steps=steps,
        calm="Все школы достигли всех целей и представили все данные.",
        data={"statuses": data},
    )


# --------------------------------------------------------------------------------------------
# funnel plots


def _share_indicators(ctx: ReportContext) -> list[str]:
    meta = indicator_meta(ctx)
    return [i for i, kind, applies in zip(meta["indicator_id"], meta["kind"], meta["applies_to"],
                                          strict=True)
            if kind == "share" and "school" in applies]


def funnel_plots(ctx: ReportContext) -> Section:
    """A funnel plot per school share indicator; schools outside the limits named."""
    meta = indicator_meta(ctx).set_index("indicator_id")
    body, notes, steps, summary = [], [], [], []
    tables = {}
    hidden_total = 0
    for ind in _share_indicators(ctx):
        table = funnel_table(ctx, ind)
        tables[ind] = table
        title = meta.at[ind, "title"]
        hidden_total += table.attrs["hidden"]
        if table.empty:
            summary.append({"№": int(meta.at[ind, "number"]), "Показатель": title,
                            "Район": fmt_percent(table.attrs["p0"]), "Школ на графике": "0",
                            "Ниже границ": MISSING, "Выше границ": MISSING})
            continue
        data = table.assign(label=table["name"].map(short_name))
        with charts.figure(10, 5.2) as (fig, ax):
            charts.funnel_plot(data, p0=table.attrs["p0"], label="label",
                               target=table.attrs["target"], ax=ax)
            ax.set_title(charts.wrap(title, 90, 2))
            body.append(figure_html(fig, f"Воронка: {title}"))
        below = data[data["position"].str.startswith("ниже")]
        above = data[data["position"].str.startswith("выше")]

        def names(frame: pd.DataFrame) -> str:
            return "; ".join(
                f"{n} ({fmt_percent(s)}" + (", за границей 99,8 %)" if "99,8" in p else ")")
                for n, s, p in zip(frame["label"], frame["share"], frame["position"],
                                   strict=True)) or "нет"

        summary.append({"№": int(meta.at[ind, "number"]), "Показатель": title,
                        "Район": fmt_percent(table.attrs["p0"]),
                        "Школ на графике": str(len(table)),
                        "Ниже границ": names(below), "Выше границ": names(above)})
        far_below = below[below["position"] == "ниже 99,8 %"]
        if len(below):
            notes.append(f"«{title}»: ниже нижней границы — {names(below)}.")
        if len(far_below):
            steps.append(f"«{title}»: разобрать с {join_words(list(far_below['label']), ' и ')} "
                         "причины отставания (ниже границы 99,8 % — это почти наверняка не "
                         "случайность).")
        if len(above):
            steps.append(f"«{title}»: попросить {join_words(list(above['label']), ' и ')} "
                         "рассказать о своём опыте.")
    table = pd.DataFrame(summary, columns=["№", "Показатель", "Район", "Школ на графике",
                                           "Ниже границ", "Выше границ"])
    body.insert(0, table_html(table, numeric=["№", "Район", "Школ на графике"]))
    threshold = ctx.rules.suppression_threshold
    sample = [
        "На каждой воронке — школы, указавшие числитель и знаменатель показателя (знаменатель "
        "больше нуля). Горизонталь — знаменатель (сколько человек учитывается), вертикаль — "
        "доля.",
        "Сплошная линия — доля района (сумма числителей / сумма знаменателей); пунктир — "
        "границы 95 %, точки — 99,8 % (точные биномиальные границы). Внутри границ отличие от "
        "района объяснимо случайностью; у малых школ границы шире.",
        "Подписаны школы за границами 95 %; в таблице они перечислены с долей, а «за границей "
        "99,8 %» отмечены те, чьё отличие от района почти наверняка не случайно.",
    ]
    if hidden_total:
        sample.append(f"Показатели выпускников: школы, где доля выдала бы число выпускников "
                      f"меньше {threshold}, на воронки не нанесены (всего таких точек: "
                      f"{hidden_total}).")
    return Section(
        purpose="Сравнение школ с учётом их размера: какие школы отличаются от района больше, "
                "чем можно объяснить случайностью.",
        sample=sample, body=body, notes=notes, steps=steps,
        calm="Все школы внутри границ 95 % по всем показателям: отличия объяснимы "
             "случайностью.",
        data={"funnels": pd.concat(tables.values(), keys=tables.keys(), names=["indicator_id"])
              if tables else pd.DataFrame()},
    )


# --------------------------------------------------------------------------------------------
# district totals


def district_totals_table(ctx: ReportContext) -> pd.DataFrame:
    """The district rows of the report year with titles and the organisations without data.

    Returns
    -------
    DataFrame
        The indicator table's district rows plus ``number, title, applies_to,
        missing_orgs`` (names of applicable organisations without data, list).
    """
    district = indicator_rows(ctx, "district")
    orgs = indicator_rows(ctx, "org")
    meta = indicator_meta(ctx).set_index("indicator_id")
    missing = (orgs[orgs["status"] == "no_data"].groupby("indicator_id")["name"]
               .agg(lambda s: [short_name(n) for n in s]))
    out = district.copy()
    out["applies_to"] = out["indicator_id"].map(meta["applies_to"])
    out["missing_orgs"] = [missing.get(i, []) for i in out["indicator_id"]]
    return out


def _coverage(row: pd.Series) -> str:
    total = row["orgs_total"]
    if pd.isna(total):
        return MISSING
    total = int(total)
    kinds = row["applies_to"] or ()
    if len(kinds) == 1 and kinds[0] == "school":
        noun = plural(total, "школы", "школ", "школ")
    else:
        noun = plural(total, "организации", "организаций", "организаций")
    return f"{int(row['orgs_reporting'])} из {total} {noun}"


def district_totals(ctx: ReportContext) -> Section:
    """District values against the roadmap's targets, with coverage."""
    table = district_totals_table(ctx)
    shown = pd.DataFrame({
        "№": table["number"].astype(int),
        "Показатель": table["title"],
        "Значение": [fmt_value(v, k, scope="district") for v, k in
                     zip(table["value"], table["kind"], strict=True)],
        "95 % интервал": [fmt_interval(lo, hi) for lo, hi in
                          zip(table["ci_low"], table["ci_high"], strict=True)],
        "Цель": [fmt_target(t, k, scope="district") for t, k in
                 zip(table["target"], table["kind"], strict=True)],
        "Статус": table["status"].map(status_text),
        "Данные представили": [_coverage(r) for _, r in table.iterrows()],
    })
    body = [table_html(shown, numeric=["№", "Значение", "95 % интервал", "Данные представили"],
                       nowrap=["Цель", "Статус"])]
    plot = table[table["kind"].isin(["share", "flag"])].copy()
    plot["label"] = [f"{n}. {t}" for n, t in zip(plot["number"], plot["title"], strict=True)]
    if len(plot):
        with charts.figure(10.5, 0.55 * len(plot) + 1.6) as (fig, ax):
            charts.interval_plot(plot, y="label", x="value", low="ci_low", high="ci_high",
                                 target="target", label="район", ax=ax)
            ax.set_xlabel("Доля (для флагов — доля организаций)")
            body.append(figure_html(fig, "Доли по району с 95 % интервалом и целями"))
    notes, steps = [], []
    not_met = table[table["status"] == "not_met"]
    for _, r in not_met.iterrows():
        notes.append(f"Не достигнуто: «{r['title']}» — "
                     f"{fmt_value(r['value'], r['kind'], scope='district')} при цели "
                     f"{fmt_target(r['target'], r['kind'], scope='district')}.")
    incomplete = table[table["orgs_reporting"] < table["orgs_total"]]
    for _, r in incomplete.iterrows():
        names = r["missing_orgs"]
        notes.append(f"«{r['title']}»: данные представили {_coverage(r)} — значение района "
                     "рассчитано по неполным данным.")
        if names:
            steps.append(f"Запросить данные для показателя «{r['title']}» у: "
                         f"{join_words(names[:8])}"
                         + (f" и ещё {len(names) - 8}" if len(names) > 8 else "") + ".")
    flags = not_met[not_met["kind"] == "flag"]
    for _, r in flags.iterrows():
        orgs = indicator_rows(ctx, "org")
        no = orgs[(orgs["indicator_id"] == r["indicator_id"]) & (orgs["value"] == 0)]
        if len(no):
            steps.append(f"«{r['title']}»: добиться выполнения; пока «нет» — "
                         f"{join_words([short_name(n) for n in no['name']])}.")
    for _, r in not_met[not_met["kind"] == "share"].iterrows():
        need = int(np.ceil(r["target"] * r["denominator"] - 1e-9 - r["numerator"]))
        steps.append(f"«{r['title']}»: до цели по району не хватает {need} чел.; в первую "
                     "очередь — школы ниже нижней границы воронки.")
    for _, r in not_met[not_met["kind"] == "count"].iterrows():
        need = int(np.ceil(r["target"] - r["numerator"]))
        steps.append(f"«{r['title']}»: провести ещё {need} до конца года.")
    return Section(
        purpose="Итоги района по каждому показателю дорожной карты: значение, 95 % интервал, "
                "цель, статус и сколько организаций представили данные.",
        sample=["Доли — общая доля по организациям, представившим и числитель, и знаменатель "
                "(не среднее школ); флаги — доля организаций с «да» среди представивших; "
                "количества — сумма по району.",
                "«Данные представили» — сколько организаций, к которым относится показатель, "
                "дали данные: 100 % по одной школе из двенадцати так и будет видно."],
        body=body, notes=notes, steps=steps,
        calm="Все цели района достигнуты, данные представили все организации.",
        data={"totals": table},
    )


# --------------------------------------------------------------------------------------------
# preschools and the additional-education centre


def preschools(ctx: ReportContext) -> Section:
    """Preschools and additional-education organisations: early career guidance."""
    orgs = ctx.dataset.organizations
    ids = orgs.loc[orgs["kind"].isin(["preschool", "additional"]), "org_id"]
    rows = indicator_rows(ctx, "org")
    rows = rows[rows["org_id"].isin(ids)]
    clubs = rows[rows["indicator_id"] == "preschool_clubs_share"].set_index("org_id")
    plans = rows[rows["indicator_id"] == "early_plan_approved"].set_index("org_id")
    kinds = orgs.set_index("org_id")["kind"]
    names = org_names(ctx)
    table_rows = []
    for org in ids:
        c = clubs.loc[org] if org in clubs.index else None
        p = plans.loc[org] if org in plans.index else None
        table_rows.append({
            "org_id": org, "name": names[org], "kind": kinds[org],
            "children": c["denominator"] if c is not None else np.nan,
            "in_clubs": c["numerator"] if c is not None else np.nan,
            "share": c["value"] if c is not None else np.nan,
            "ci_low": c["ci_low"] if c is not None else np.nan,
            "ci_high": c["ci_high"] if c is not None else np.nan,
            "clubs_status": c["status"] if c is not None else pd.NA,
            "plan": p["value"] if p is not None else np.nan,
            "plan_status": p["status"] if p is not None else pd.NA,
            "plan_applies": p is not None,
        })
    data = pd.DataFrame(table_rows)
    if data.empty:
        return Section(purpose="Ранняя профориентация в ДОУ и доп. образовании.",
                       notes=["В данных нет дошкольных организаций и организаций "
                              "дополнительного образования."])
    district = indicator_rows(ctx, "district").set_index("indicator_id")
    shown = pd.DataFrame({
        "Организация": data["name"],
        "Вид": data["kind"].map({"preschool": "ДОУ", "additional": "доп. образование"}),
        "Детей 5–7 лет": data["children"].map(fmt_count),
        "В кружках и секциях": data["in_clubs"].map(fmt_count),
        "Доля": data["share"].map(fmt_percent),
        "95 % интервал": [fmt_interval(a, b) for a, b in zip(data["ci_low"], data["ci_high"],
                                                             strict=True)],
        "План ранней профориентации": [
            ("да" if v == 1 else "нет") if not pd.isna(v) else
            ("нет данных" if applies else "не требуется")
            for v, applies in zip(data["plan"], data["plan_applies"], strict=True)],
    })
    body = [table_html(shown, numeric=["Детей 5–7 лет", "В кружках и секциях", "Доля",
                                       "95 % интервал"])]
    plot = data.dropna(subset=["share"]).assign(label=lambda d: d["name"].map(short_name))
    p0 = district.at["preschool_clubs_share", "value"] if "preschool_clubs_share" in \
        district.index else np.nan
    if len(plot):
        plot = plot.sort_values("share", ascending=False).assign(district=p0)
        with charts.figure(10, 0.38 * len(plot) + 1.8) as (fig, ax):
            charts.interval_plot(plot, y="label", x="share",
                                 low="ci_low", high="ci_high", refs={"district": "район"},
                                 label="организация", ax=ax)
            ax.set_xlabel("Доля детей 5–7 лет в кружках и секциях профориентационной "
                          "направленности")
            body.append(figure_html(fig, "Доля детей 5–7 лет в кружках: организации и район"))
    notes, steps = [], []
    no_clubs = data[data["clubs_status"] == "no_data"]
    if len(no_clubs):
        notes.append("Нет данных о детях 5–7 лет в кружках: "
                     + join_words([short_name(n) for n in no_clubs["name"]]) + ".")
        steps.append("Запросить у этих организаций численность детей 5–7 лет и число "
                     "занимающихся в кружках.")
    no_plan = data[(data["plan"] == 0)]
    if len(no_plan):
        notes.append("Нет плана ранней профориентации: "
                     + join_words([short_name(n) for n in no_plan["name"]]) + ".")
        steps.append("Помочь этим ДОУ утвердить план ранней профориентации (образец — план "
                     "ДОУ, где он уже есть).")
    plan_missing = data[data["plan_applies"] & data["plan"].isna()]
    if len(plan_missing):
        notes.append("Не сообщили о плане ранней профориентации: "
                     + join_words([short_name(n) for n in plan_missing["name"]]) + ".")
    if len(plot) >= 3:
        low = plot.nsmallest(1, "share").iloc[0]
        high = plot.nlargest(1, "share").iloc[0]
        notes.append(f"Разброс охвата кружками: от {fmt_percent(low['share'])} "
                     f"({low['label']}) до {fmt_percent(high['share'])} ({high['label']}); "
                     f"по району — {fmt_percent(p0)}.")
    return Section(
        purpose="Ранняя профориентация: планы ДОУ и охват детей 5–7 лет кружками и секциями "
                "профориентационной направленности — в ДОУ и в организации дополнительного "
                "образования.",
        sample=[f"Организаций: {len(data)} (ДОУ — {int((data['kind'] == 'preschool').sum())}, "
                f"доп. образование — {int((data['kind'] == 'additional').sum())}). План ранней "
                "профориентации требуется только от ДОУ.",
                "Доля по району — общая доля по организациям, указавшим оба числа."],
        body=body, notes=notes, steps=steps,
        calm="Все ДОУ утвердили план ранней профориентации и представили данные.",
        data={"preschools": data},
    )


# --------------------------------------------------------------------------------------------
# department activities


def department_activities(ctx: ReportContext) -> Section:
    """The department's own activities (seminars, contests, media) over the years."""
    meta = indicator_meta(ctx)
    dept_ids = [i for i, applies in zip(meta["indicator_id"], meta["applies_to"], strict=True)
                if "department" in applies]
    orgs = ctx.dataset.organizations
    dept = list(orgs.loc[orgs["kind"] == "department", "org_id"])
    rows = indicator_rows(ctx, "org", years=[y for y in ctx.dataset.years if y <= ctx.year])
    rows = rows[rows["org_id"].isin(dept) & rows["indicator_id"].isin(dept_ids)]
    years = sorted(rows["year"].unique())
    notes, steps = [], []
    if rows.empty:
        return Section(purpose="Мероприятия управления образования.",
                       notes=["Управление образования не представило данных о своих "
                              "мероприятиях."],
                       steps=["Внести в данные районные семинары, конкурсы и публикации "
                              "управления образования."])
    wide = []
    for ind in dept_ids:
        part = rows[rows["indicator_id"] == ind].set_index("year")
        if part.empty:
            continue
        row = {"№": int(part["number"].iloc[0]), "Мероприятие": part["title"].iloc[0]}
        for y in years:
            row[y] = fmt_count(part["value"].get(y, np.nan))
        current = part.loc[ctx.year] if ctx.year in part.index else None
        row["Цель"] = fmt_target(part["target"].iloc[0], "count")
        row["Статус"] = status_text(current["status"]) if current is not None else MISSING
        wide.append(row)
        if current is not None and current["status"] == "not_met":
            need = int(np.ceil(current["target"] - current["value"]))
            notes.append(f"«{current['title']}»: {fmt_count(current['value'])} при цели "
                         f"{fmt_target(current['target'], 'count')}.")
            steps.append(f"Запланировать ещё {need}: «{current['title']}».")
        if current is not None and current["status"] == "no_data":
            notes.append(f"«{current['title']}»: нет данных за {ctx.year}.")
            steps.append(f"Внести в данные: «{current['title']}».")
        if len(part) >= 2 and current is not None and not pd.isna(current["value"]):
            prev = part["value"].iloc[-2] if part.index[-1] == ctx.year else np.nan
            if not pd.isna(prev) and current["value"] < prev:
                notes.append(f"«{current['title']}»: меньше, чем годом раньше "
                             f"({fmt_count(prev)} → {fmt_count(current['value'])}).")
    table = pd.DataFrame(wide)
    body = [table_html(table, numeric=["№", *years])]
    contests = indicator_rows(ctx, "district")
    contests = contests[contests["indicator_id"] == "contest_participation_share"]
    if len(contests):
        c = contests.iloc[0]
        text = ("Участие обучающихся в профориентационных конкурсах по району: "
                f"{fmt_percent(c['value'])} (цель {fmt_target(c['target'], 'share')}).")
        body.append(Html(f"<p>{escape(text)}</p>", text))
    return Section(
        purpose="Что сделало само управление образования: районные семинары и совещания, "
                "районные конкурсы, публикации в СМИ и соцсетях — по годам.",
        sample=["Показатели управления образования (количества за учебный год); цель "
                "сравнивается с суммой за год."],
        body=body, notes=notes, steps=steps,
        calm="Все мероприятия управления образования проведены в нужном количестве.",
        data={"department": rows},
    )


# --------------------------------------------------------------------------------------------
# data quality


def data_quality(ctx: ReportContext) -> Section:
    """Missing inputs per indicator and the validation warnings, summarised.

    Warnings about the graduates table are summarised by column and count only: their
    messages may quote a graduate's row, which a shared report never shows.
    """
    threshold = ctx.rules.suppression_threshold
    orgs = indicator_rows(ctx, "org")
    meta = indicator_meta(ctx)
    per_indicator = []
    for ind, title, number in zip(meta["indicator_id"], meta["title"], meta["number"],
                                  strict=True):
        part = orgs[orgs["indicator_id"] == ind]
        missing = part[part["status"] == "no_data"]
        zero_den = missing[(missing["kind"] == "share") & (missing["denominator"] == 0)]
        missing = missing.drop(zero_den.index)
        if len(missing) or len(zero_den):
            names = [short_name(n) for n in missing["name"]]
            per_indicator.append({
                "№": int(number), "Показатель": title,
                "Нет данных": f"{len(missing)} из {len(part)}",
                "Организации без данных": join_words(names[:10]) +
                (f" и ещё {len(names) - 10}" if len(names) > 10 else ""),
                "Знаменатель 0 (не рассчитывается)": join_words(
                    [short_name(n) for n in zero_den["name"]]),
                "_missing": len(missing),
            })
    body, notes, steps = [], [], []
    if per_indicator:
        frame = pd.DataFrame(per_indicator)
        body.append(table_html(frame.drop(columns="_missing"), caption="Пропуски по показателям",
                               numeric=["№", "Нет данных"]))
        gaps = orgs[(orgs["status"] == "no_data")
                    & ~((orgs["kind"] == "share") & (orgs["denominator"] == 0))]
        if len(gaps):
            notes.append(f"Организаций хотя бы с одним пропуском: {gaps['org_id'].nunique()}; "
                         f"всего пропусков: {len(gaps)}.")
        steps.append("Разослать организациям их списки пропусков (шаблон для заполнения — "
                     "команда «proforient template») и собрать исправленные таблицы.")
    problems = ctx.dataset.problems
    if problems:
        grouped: Counter[tuple[str, str, str]] = Counter()
        lines: dict[tuple[str, str, str], list[int]] = {}
        for p in problems:
            graduate = p.file.startswith("graduates")
            message = "(текст не показывается: он может содержать данные выпускника)" \
                if graduate else p.message
            key = (p.file, p.column or MISSING, message)
            grouped[key] += 1
            if p.line is not None and not graduate:
                lines.setdefault(key, []).append(p.line)
        rows = [{"Файл": f, "Столбец": c, "Предупреждение": m, "Сколько": str(n),
                 "Строки": ", ".join(str(x) for x in sorted(lines.get((f, c, m), []))[:10]) +
                 (" …" if len(lines.get((f, c, m), [])) > 10 else "")}
                for (f, c, m), n in grouped.most_common()]
        body.append(table_html(pd.DataFrame(rows), caption="Предупреждения проверки данных",
                               numeric=["Сколько"]))
        notes.append(f"Проверка данных выдала предупреждений: {len(problems)} (ошибок нет — "
                     "иначе отчёт не был бы построен).")
        steps.append("Полный список с номерами строк — команда «proforient validate» для папки "
                     "с данными.")
    else:
        notes.append("Проверка данных не выдала ни одного предупреждения.")
    a = ctx.aligned
    a = a[a["year"] == ctx.year]
    review = int(a["needs_review"].fillna(False).astype(bool).sum())
    if review:
        notes.append(f"Выпускников, чья специальность не распознана или распознана неуверенно: "
                     f"{format_count(review, threshold)} (список названий — в отчёте о "
                     "выпускниках).")
        steps.append("Исправить названия специальностей в таблице выпускников или дополнить "
                     "parameters/specialty_aliases.csv.")
    return Section(
        purpose="Насколько полны и чисты данные: у каких организаций нет данных по каким "
                "показателям, что нашла проверка файлов.",
        sample=["«Нет данных» — организация не представила числитель или знаменатель "
                "(пропуск не считается нулём). «Знаменатель 0» — показатель не рассчитывается "
                "(например, в школе нет обучающихся с ОВЗ); это не пропуск.",
                "Предупреждения о таблице выпускников показаны только числом — без текста и "
                "номеров строк."],
        body=body, notes=notes, steps=steps,
        data={"missing": pd.DataFrame(per_indicator).drop(columns="_missing", errors="ignore")},
    )
