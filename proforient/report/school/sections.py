"""The sections of the per-school report (``notebooks/school.ipynb``, SPEC §10).

Each public function takes the report context and the school's ``org_id`` and returns something
a notebook displays: a :class:`~proforient.display.Section` (purpose, who is counted, tables and
charts, «На что обратить внимание», «Возможные шаги») or an :class:`~proforient.display.Html`.
The ``*_table`` functions return the tidy frames behind them, for analysts in JupyterLab.

Comparisons: the district value is the indicator table's district row (pooled over the
organisations that report); the *similar schools* value is pooled over the other schools of the
school's comparison group (:func:`proforient.report_common.similar_schools`): sum of numerators
over sum of denominators for shares, the share of schools with the flag for flags, the median
for counts.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from proforient.compute.alignment import ADMITTED_BY_PROFILE, EGE_PROFILE_MATCH, IN_DEMAND_CHOICE
from proforient.compute.stats import change_test, pooled_share, trend_table
from proforient.report import charts
from proforient.report.common import (
    funnel_table,
    indicator_meta,
    indicator_rows,
    similar_schools,
)
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
    org_name,
    report_header,
    short_name,
    status_text,
    table_html,
)
from proforient.report.privacy import (
    MISSING,
    escape,
    format_count,
    is_small,
    share_visible,
    suppress_counts,
)
from proforient.vocab import ADMITTED_DESTINATIONS, DESTINATIONS, MEASURES, PARTICIPANT_BASE

if TYPE_CHECKING:
    from proforient.report.context import ReportContext

__all__ = [
    "FUNNEL_INDICATORS",
    "destinations",
    "destinations_table",
    "funnel_place",
    "graduate_alignment",
    "header",
    "participation_by_grade",
    "participation_table",
    "scorecard",
    "scorecard_indicators",
    "scorecard_table",
    "trend",
    "trend_data",
]

#: Share indicators whose funnel plots the school report shows.
FUNNEL_INDICATORS: tuple[str, ...] = (
    "diagnostics_share", "proektoria_share", "bvb_trials_share", "profile_clubs_share",
)
GRADUATE_INDICATORS: tuple[str, ...] = (ADMITTED_BY_PROFILE, EGE_PROFILE_MATCH, IN_DEMAND_CHOICE)


def header(ctx: ReportContext, org_id: str) -> Html:
    """The report's header block (title, school, dataset, year, date, version, demo banner)."""
    return report_header(ctx, "Профориентация: отчёт школы", org_id)


def _grades_text(grades: tuple[int, int] | None) -> str:
    if grades is None:
        return ""
    lo, hi = grades
    return f"{lo} класс" if lo == hi else f"{lo}–{hi} классы"


def _in_grades(grades: pd.Series) -> str:
    """``"в 10 классе"`` or ``"в 6, 7 и 9 классах"``."""
    items = [str(int(g)) for g in grades]
    return f"в {items[0]} классе" if len(items) == 1 else f"в {join_words(items)} классах"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _is_graduate(row: pd.Series) -> bool:
    return row.get("source") == "graduates"


# --------------------------------------------------------------------------------------------
# the scorecard


def _similar_value(kind: str, peers: pd.DataFrame) -> tuple[float, int, float]:
    """(value, peers reporting, pooled denominator) of an indicator over peer schools."""
    if kind == "share":
        rep = peers[peers["numerator"].notna() & peers["denominator"].notna()]
        den = float(rep["denominator"].sum()) if len(rep) else math.nan
        value = pooled_share(rep["numerator"], rep["denominator"]) if len(rep) else math.nan
        return value, len(rep), den
    rep = peers[peers["value"].notna()]
    if rep.empty:
        return math.nan, 0, math.nan
    if kind == "flag":
        return float(rep["value"].mean()), len(rep), float(len(rep))
    return float(rep["value"].median()), len(rep), math.nan


def scorecard_table(ctx: ReportContext, org_id: str, year: str | None = None) -> pd.DataFrame:
    """Every roadmap indicator that applies to the organisation, with its comparisons.

    Parameters
    ----------
    ctx : ReportContext
    org_id : str
    year : str, optional
        Default: the report's year.

    Returns
    -------
    DataFrame
        One row per applicable indicator, in the roadmap's order: the indicator table's columns
        for the school (``numerator, denominator, value, ci_low, ci_high, target, status``)
        plus ``number, title, source``; ``district_value, district_reporting,
        district_total``; ``similar_group`` (e.g. «СОШ»), ``similar_value`` (pooled over the
        *other* schools of the group that report it; the median for counts),
        ``similar_reporting``, ``similar_denominator``.

    Raises
    ------
    ValueError
        When ``org_id`` is not in the dataset.
    """
    org_name(ctx, org_id)  # a clear error for an unknown code
    year = year or ctx.year
    rows = indicator_rows(ctx, "org", year)
    mine = rows[rows["org_id"] == org_id].copy()
    district = indicator_rows(ctx, "district", year).set_index("indicator_id")
    mine["district_value"] = mine["indicator_id"].map(district["value"])
    mine["district_reporting"] = mine["indicator_id"].map(district["orgs_reporting"])
    mine["district_total"] = mine["indicator_id"].map(district["orgs_total"])
    groups = similar_schools(ctx, year).set_index("org_id")["similar_group"]
    group = groups.get(org_id, pd.NA)
    peers_ids = ([] if pd.isna(group)
                 else [o for o, g in groups.items() if o != org_id and g == group])
    peers = rows[rows["org_id"].isin(peers_ids)]
    sim = [_similar_value(kind, peers[peers["indicator_id"] == ind])
           for ind, kind in zip(mine["indicator_id"], mine["kind"], strict=True)]
    mine["similar_group"] = pd.Series([group] * len(mine), index=mine.index, dtype="string")
    mine["similar_value"] = [s[0] for s in sim]
    mine["similar_reporting"] = [s[1] for s in sim]
    mine["similar_denominator"] = [s[2] for s in sim]
    mine["similar_schools"] = len(peers_ids)
    cols = ["number", "indicator_id", "title", "kind", "source", "numerator", "denominator",
            "value", "ci_low", "ci_high", "target", "status", "district_value",
            "district_reporting", "district_total", "similar_group", "similar_schools",
            "similar_value", "similar_reporting", "similar_denominator"]
    return mine[cols].reset_index(drop=True)


def _counts_text(row: pd.Series, threshold: int) -> str:
    if row["kind"] != "share":
        return ""
    num, den = row["numerator"], row["denominator"]
    if pd.isna(num) or pd.isna(den):
        return MISSING
    if _is_graduate(row):
        shown = (format_count(num, threshold) if share_visible(den, threshold, num)
                 or is_small(num, threshold) else MISSING)
        return f"{shown} из {format_count(den, threshold)}"
    return f"{fmt_count(num)} из {fmt_count(den)}"


def _value_cell(row: pd.Series, threshold: int) -> tuple[str, str]:
    """(value, interval) as shown, with the privacy rule for graduate shares."""
    if _is_graduate(row) and not share_visible(row["denominator"], threshold,
                                               row["numerator"]):
        return MISSING, MISSING
    return fmt_value(row["value"], row["kind"]), fmt_interval(row["ci_low"], row["ci_high"])


def _ref_cell(value: float, kind: str, den: float, graduate: bool, threshold: int,
              scope: str) -> str:
    if graduate and kind == "share" and not share_visible(den, threshold):
        return MISSING
    if kind == "count" and scope == "similar" and not pd.isna(value):
        return f"медиана {fmt_count(value)}"
    if kind == "count" and scope == "district" and not pd.isna(value):
        return f"{fmt_count(value)} (всего)"
    return fmt_value(value, kind, scope="district")


def scorecard_indicators(ctx: ReportContext, org_id: str) -> Html:
    """The list of indicators in the school's scorecard, as plain deterministic text."""
    card = scorecard_table(ctx, org_id)
    name = org_name(ctx, org_id)
    lines = [f"Показателей дорожной карты для организации {org_id}: {len(card)}"]
    lines += [f"{int(r.number)}. {r.title}" for r in card.itertuples()]
    markup = (f"<p>{escape(lines[0])} ({escape(short_name(name))}).</p><ol>"
              + "".join(f'<li value="{int(r.number)}">{escape(r.title)}</li>'
                        for r in card.itertuples()) + "</ol>")
    return Html(markup, "\n".join(lines))


def _needed(row: pd.Series) -> int | None:
    """How many more pupils (shares) or events (counts) reach the target."""
    if pd.isna(row["target"]) or pd.isna(row["numerator"]):
        return None
    if row["kind"] == "share" and not pd.isna(row["denominator"]):
        return max(int(math.ceil(row["target"] * row["denominator"] - 1e-9 - row["numerator"])),
                   0)
    if row["kind"] == "count":
        return max(int(math.ceil(row["target"] - row["numerator"])), 0)
    return None


def _missing_inputs(ctx: ReportContext, ind_id: str, row: pd.Series) -> str:
    ind = ctx.roadmap.indicator(ind_id)
    if ind.source == "graduates":
        return "сведения о выпускниках (таблица выпускников)"
    parts = []
    for side, value in (("numerator", row["numerator"]), ("denominator", row["denominator"])):
        operand = getattr(ind, side)
        if operand is None or not pd.isna(value):
            continue
        label = MEASURES[operand.measure].label if operand.measure in MEASURES else operand.measure
        grades = _grades_text(operand.grades)
        parts.append(f"«{label}»" + (f" ({grades})" if grades else ""))
    if not parts and ind.kind == "share" and row["denominator"] == 0:
        return "знаменатель равен нулю — показатель для школы не рассчитывается"
    return join_words(parts) or "исходные данные"


def scorecard(ctx: ReportContext, org_id: str) -> Section:
    """The roadmap scorecard of a school: value, interval, target, status and comparisons.

    Returns
    -------
    Section
        A table (one row per applicable indicator) and notes generated from the statuses: the
        indicators not met with how far they are from the target, the indicators without data
        and what to report, the indicators clearly below similar schools.
    """
    threshold = ctx.rules.suppression_threshold
    card = scorecard_table(ctx, org_id)
    meta = indicator_meta(ctx)
    group = card["similar_group"].iloc[0] if len(card) else pd.NA
    n_peers = int(card["similar_schools"].iloc[0]) if len(card) else 0
    similar_header = (f"Похожие школы ({group})" if not pd.isna(group) and n_peers
                      else "Похожие школы")
    shown = []
    for _, r in card.iterrows():
        value, interval = _value_cell(r, threshold)
        grad = _is_graduate(r)
        shown.append({
            "№": int(r["number"]),
            "Показатель": r["title"],
            "Значение": value,
            "95 % интервал": interval,
            "Из скольких": _counts_text(r, threshold),
            "Цель": fmt_target(r["target"], r["kind"]),  # a school's flag: «да»
            "Статус": status_text(r["status"]),
            "Район": _ref_cell(r["district_value"], r["kind"], math.inf, grad, threshold,
                               "district"),
            similar_header: _ref_cell(r["similar_value"], r["kind"], r["similar_denominator"],
                                      grad, threshold, "similar"),
        })
    table = pd.DataFrame(shown, columns=["№", "Показатель", "Значение", "95 % интервал",
                                         "Из скольких", "Цель", "Статус", "Район",
                                         similar_header])
    not_applicable = meta[~meta["indicator_id"].isin(card["indicator_id"])]
    sample = [
        f"Показатели дорожной карты, относящиеся к этой организации: {len(card)} из "
        f"{len(meta)}. Не показаны {len(not_applicable)} — они относятся к другим организациям "
        "(ДОУ, управлению образования) или к классам, которых в школе нет.",
        "«Район» — по всем организациям, представившим данные: для долей — общая доля (сумма "
        "числителей / сумма знаменателей), не среднее школ; для количеств — сумма по району.",
        _similar_text(group, n_peers),
        "95 % интервал показывает, насколько доля может отличаться из-за малого числа "
        "обучающихся (интервал Уилсона).",
        f"Доли выпускников из менее чем {threshold} человек не показываются («—»), число "
        f"выпускников меньше {threshold} показано как «<{threshold}».",
    ]
    notes, steps = [], []
    not_met = card[card["status"] == "not_met"]
    for _, r in not_met.iterrows():
        need = _needed(r)
        value = _value_cell(r, threshold)[0]
        target = fmt_target(r["target"], r["kind"])
        if r["kind"] == "share":
            notes.append(f"Не достигнуто: «{r['title']}» — {value} при цели {target}.")
            ind = ctx.roadmap.indicator(r["indicator_id"])
            who = (MEASURES[ind.numerator.measure].label if ind.numerator is not None
                   else "выпускников")
            grades = _grades_text(ind.numerator.grades) if ind.numerator is not None else ""
            if need:
                steps.append(f"«{r['title']}»: до цели не хватает {need} чел. ({who}"
                             f"{', ' + grades if grades else ''}). Запланируйте, в каких "
                             "классах и когда их охватить.")
        elif r["kind"] == "flag":
            notes.append(f"Не выполнено: «{r['title']}» — в школе «нет».")
            ind = ctx.roadmap.indicator(r["indicator_id"])
            steps.append(f"Выполнить и сообщить в управление образования: "
                         f"{MEASURES[ind.numerator.measure].label}.")
        else:
            notes.append(f"Не достигнуто: «{r['title']}» — {fmt_count(r['value'])} при цели "
                         f"{target}.")
            if need:
                steps.append(f"«{r['title']}»: провести ещё {need}.")
    no_data = card[card["status"] == "no_data"]
    for _, r in no_data.iterrows():
        what = _missing_inputs(ctx, r["indicator_id"], r)
        if what.startswith("знаменатель равен нулю"):
            notes.append(f"«{r['title']}»: {what}.")
            continue
        notes.append(f"Нет данных: «{r['title']}».")
        steps.append(f"Представить в управление образования: {what} — иначе показатель "
                     "«{0}» остаётся без значения (пропуск не считается нулём).".format(
                         r["title"]))
    # clearly below similar schools: Fisher's exact test, school against the pooled peers
    rows = indicator_rows(ctx, "org")
    rows = rows[rows["org_id"].isin(_peer_ids(ctx, org_id)) & rows["numerator"].notna()
                & rows["denominator"].notna()]
    for _, r in card[(card["kind"] == "share") & card["value"].notna()].iterrows():
        if _is_graduate(r) or pd.isna(r["similar_value"]) or r["value"] >= r["similar_value"]:
            continue
        peers = rows[rows["indicator_id"] == r["indicator_id"]]
        test = change_test(peers["numerator"].sum(), peers["denominator"].sum(),
                           r["numerator"], r["denominator"])
        if test["significant"]:
            notes.append(f"«{r['title']}»: {fmt_percent(r['value'])} — заметно ниже, чем в "
                         f"похожих школах ({fmt_percent(r['similar_value'])}; точный тест "
                         f"Фишера, {_p(test['p_value'])}).")
    met = int((card["status"] == "met").sum())
    with_target = int(card["target"].notna().sum())
    no_data_with_target = int(((card["status"] == "no_data") & card["target"].notna()).sum())
    if with_target:
        notes.insert(0, f"Показатели с целевым значением: {with_target}; достигнуто — {met}, "
                        f"не достигнуто — {len(not_met)}, нет данных — {no_data_with_target}.")
    if not steps and with_target and met == with_target:
        steps.append("Все цели дорожной карты достигнуты: сохраните работу на этом уровне и "
                     "поделитесь опытом на районном семинаре.")
    if card.empty:
        notes.append("Ни один показатель дорожной карты к этой организации не относится.")
    return Section(
        purpose="Выполнение дорожной карты школой: значение каждого показателя, его 95 % "
                "интервал, цель и статус — рядом с районом и похожими школами.",
        sample=sample,
        body=[table_html(table, numeric=["№", "Значение", "95 % интервал", "Из скольких",
                                         "Район", similar_header],
                         nowrap=["Цель", "Статус"])] if len(card) else [],
        notes=notes, steps=steps, data={"scorecard": card},
    )


def _similar_text(group: object, n_peers: int) -> str:
    if pd.isna(group):
        return "Группа похожих школ не определена: школа не указала численность обучающихся."
    if n_peers == 0:
        return (f"Других школ в группе «{group}» в районе нет — сравнение с похожими школами "
                "невозможно («—»).")
    return (f"«Похожие школы» — другие школы группы «{group}» (их {n_peers}): общая доля по "
            "тем из них, кто представил данные; для количеств — медиана по школам. Группа — "
            "тип школы (СОШ, ООШ, НОШ), если таких школ в районе не меньше трёх, иначе — "
            "школы того же размера.")


def _peer_ids(ctx: ReportContext, org_id: str) -> list[str]:
    groups = similar_schools(ctx).set_index("org_id")["similar_group"]
    group = groups.get(org_id, pd.NA)
    if pd.isna(group):
        return []
    return [o for o, g in groups.items() if o != org_id and g == group]


def _p_value(p: float) -> str:
    """A p-value for a table: ``"0,024"`` or ``"< 0,001"``."""
    if pd.isna(p):
        return MISSING
    return "< 0,001" if p < 0.001 else f"{p:.3f}".replace(".", ",")


def _p(p: float) -> str:
    """A p-value for a sentence: ``"p = 0,024"`` or ``"p < 0,001"``."""
    text = _p_value(p)
    return text if text == MISSING else ("p " + text if text.startswith("<") else "p = " + text)


# --------------------------------------------------------------------------------------------
# participation by grade


def participation_table(ctx: ReportContext, org_id: str, year: str | None = None
                        ) -> pd.DataFrame:
    """Participants per grade against pupils per grade, for the school and the district.

    Returns
    -------
    DataFrame
        ``measure, label, grade, participants, students, share, district_participants,
        district_students, district_share, target, in_range`` — one row per participants
        measure (of pupils, by grade) and grade the school reports both for. ``target`` and
        ``in_range`` come from the roadmap indicator that counts this measure (``in_range``:
        the grade is in that indicator's grades).
    """
    year = year or ctx.year
    m = ctx.dataset.measures
    m = m[(m["year"] == year) & m["grade"].notna()]
    measures = [k for k, base in PARTICIPANT_BASE.items() if base == "students"]
    students = m[m["measure"] == "students"][["org_id", "grade", "value"]].rename(
        columns={"value": "students"})
    parts = m[m["measure"].isin(measures)][["org_id", "measure", "grade", "value"]].rename(
        columns={"value": "participants"})
    both = parts.merge(students, on=["org_id", "grade"], how="inner")
    both = both[both["students"] > 0]
    district = (both.groupby(["measure", "grade"])[["participants", "students"]].sum()
                .rename(columns=lambda c: f"district_{c}").reset_index())
    mine = both[both["org_id"] == org_id].drop(columns="org_id")
    out = mine.merge(district, on=["measure", "grade"], how="left")
    out["share"] = out["participants"] / out["students"]
    out["district_share"] = out["district_participants"] / out["district_students"]
    targets, ranges = {}, {}
    for ind in ctx.roadmap.indicators:
        if (ind.kind == "share" and ind.numerator is not None and ind.denominator is not None
                and ind.denominator.measure == "students"):
            targets.setdefault(ind.numerator.measure, ind.target)
            ranges.setdefault(ind.numerator.measure, ind.numerator.grades or (1, 11))
    out["target"] = out["measure"].map(targets).astype(float)
    out["in_range"] = [ranges.get(ms, (1, 11))[0] <= g <= ranges.get(ms, (1, 11))[1]
                       for ms, g in zip(out["measure"], out["grade"], strict=True)]
    out["label"] = out["measure"].map(lambda c: MEASURES[c].label)
    out["grade"] = out["grade"].astype(int)
    order = {k: i for i, k in enumerate(measures)}
    out = out.sort_values(["measure", "grade"], key=lambda s: s.map(order) if s.name ==
                          "measure" else s).reset_index(drop=True)
    return out[["measure", "label", "grade", "participants", "students", "share",
                "district_participants", "district_students", "district_share", "target",
                "in_range"]]


def participation_by_grade(ctx: ReportContext, org_id: str) -> Section:
    """Participation in career-guidance activities by grade, the school beside the district."""
    table = participation_table(ctx, org_id)
    m = ctx.dataset.measures
    mine = m[(m["year"] == ctx.year) & (m["org_id"] == org_id)]
    measures = [k for k, base in PARTICIPANT_BASE.items() if base == "students"]
    totals_only = sorted({r for r in mine.loc[mine["grade"].isna(), "measure"]
                          if r in measures})
    reported = list(pd.unique(table["measure"]))
    sample = [
        "Доля = участники данного класса / обучающиеся этого класса; участник учитывается "
        "один раз, сколько бы мероприятий он ни посетил.",
        "Учтены классы, по которым школа указала и участников, и число обучающихся; «район» — "
        "общая доля по всем школам, указавшим оба числа для этого класса.",
    ]
    if totals_only:
        sample.append("Указаны только итогом по школе, без разбивки по классам (на графике "
                      "нет): " + join_words([f"«{MEASURES[c].label}»" for c in totals_only])
                      + ".")
    notes, steps, body = [], [], []
    if table.empty:
        notes.append("Школа не указала участников по классам ни по одному мероприятию.")
        steps.append("Заполнить численность обучающихся и участников по классам в форме сбора "
                     "данных.")
        return Section(purpose="Охват профориентационными мероприятиями по классам.",
                       sample=sample, notes=notes, steps=steps, data={"participation": table})
    ncols = 3 if len(reported) > 4 else 2
    nrows = math.ceil(len(reported) / ncols)
    with charts.figure(11, 3.0 * nrows + 0.6, nrows, ncols, sharey=True) as (fig, axes):
        flat = np.atleast_1d(axes).ravel()
        for ax, measure in zip(flat, reported, strict=False):
            part = table[table["measure"] == measure]
            charts.grade_bars(part, target=part["target"].iloc[0], ax=ax)
            ax.set_title(charts.wrap(_capital(MEASURES[measure].label), 38, 2), fontsize=10)
            ax.set_ylabel("")
        for ax in flat[len(reported):]:
            ax.set_visible(False)
        handles, labels = flat[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncol=3, frameon=False)
        body.append(figure_html(fig, "Доля участников по классам: школа и район"))
    for measure in reported:
        part = table[(table["measure"] == measure) & table["in_range"]]
        label = _capital(MEASURES[measure].label)
        over = table[(table["measure"] == measure) & (table["participants"] > table["students"])]
        if len(over):
            notes.append(f"{label}: участников больше, чем обучающихся (классы: "
                         f"{', '.join(str(g) for g in over['grade'])}) — ошибка в данных.")
            steps.append(f"Проверить и исправить по классам число участников: "
                         f"{MEASURES[measure].label}.")
        target = part["target"].iloc[0] if len(part) else math.nan
        if pd.isna(target):
            continue
        below = part[part["share"] < target - 1e-9]
        if len(below):
            worst = below.sort_values("share").head(3)
            detail = "; ".join(f"{int(r.grade)} класс — {fmt_percent(r.share)} "
                               f"({fmt_count(r.participants)} из {fmt_count(r.students)})"
                               for r in worst.itertuples())
            notes.append(f"{label}: ниже цели {fmt_percent(target, 0)} "
                         f"{_in_grades(below['grade'])}. Меньше всего: {detail}.")
            need = int(sum(max(math.ceil(target * r.students - 1e-9 - r.participants), 0)
                           for r in below.itertuples()))
            steps.append(f"{label} — чтобы достичь цели в каждом классе, нужно ещё {need} "
                         f"чел. {_in_grades(below['grade'])}.")
    return Section(
        purpose="Охват обучающихся профориентационными мероприятиями по классам: в каких "
                "классах школа отстаёт от района и от цели дорожной карты.",
        sample=sample, body=body, notes=notes, steps=steps,
        calm="Во всех классах охват не ниже целей дорожной карты.",
        data={"participation": table},
    )


# --------------------------------------------------------------------------------------------
# graduates' destinations


def destinations_table(ctx: ReportContext, org_id: str, year: str | None = None
                       ) -> pd.DataFrame:
    """Where the school's graduates went, by grade, with the district's shares.

    Returns
    -------
    DataFrame
        ``grade, destination, label, graduates, total, share, district_graduates,
        district_total, district_share`` for every destination of the vocabulary and every
        grade the school has graduates in (zeros included). Unsuppressed counts: apply
        :func:`proforient.privacy.suppress_counts` before showing them.
    """
    year = year or ctx.year
    g = ctx.dataset.graduates
    g = g[g["year"] == year]
    counts = g.groupby(["org_id", "grade", "destination"]).size().rename("graduates")
    district = counts.groupby(["grade", "destination"]).sum()
    grades = sorted(int(x) for x in g.loc[g["org_id"] == org_id, "grade"].dropna().unique())
    rows = []
    for grade in grades:
        dtotal = int(district.loc[grade].sum()) if grade in district.index.get_level_values(0) \
            else 0
        mine = counts.loc[org_id, grade] if (org_id, grade) in counts.index.droplevel(2) \
            else pd.Series(dtype=int)
        total = int(mine.sum())
        for code in DESTINATIONS.codes:
            n = int(mine.get(code, 0))
            dn = int(district.get((grade, code), 0))
            rows.append({"grade": grade, "destination": code, "label": DESTINATIONS.label(code),
                         "graduates": n, "total": total, "share": n / total if total else np.nan,
                         "district_graduates": dn, "district_total": dtotal,
                         "district_share": dn / dtotal if dtotal else np.nan})
    return pd.DataFrame(rows, columns=["grade", "destination", "label", "graduates", "total",
                                       "share", "district_graduates", "district_total",
                                       "district_share"])


def destinations(ctx: ReportContext, org_id: str) -> Section:
    """Graduates' destinations by grade (counts with small-number suppression) beside the
    district."""
    threshold = ctx.rules.suppression_threshold
    table = destinations_table(ctx, org_id)
    notes, steps, body = [], [], []
    sample = [
        "Все выпускники 9 и 11 классов этого года из таблицы выпускников; каждый учтён ровно "
        "один раз по тому, куда он ушёл.",
        f"Число выпускников меньше {threshold} показано как «<{threshold}»; если в столбце "
        "скрыто одно такое число, скрыто и ещё одно («—»), чтобы его нельзя было вычислить "
        "по итогу. Доля скрытого числа тоже не показывается.",
    ]
    if table.empty:
        notes.append("В таблице выпускников нет выпускников этой школы за этот год.")
        steps.append("Если в школе были выпускники 9 или 11 класса — внести их в таблицу "
                     "выпускников.")
        return Section(purpose="Куда ушли выпускники школы.", sample=sample, notes=notes,
                       steps=steps, data={"destinations": table})
    wide = pd.DataFrame({"Куда ушли": DESTINATIONS.labels.values()})
    for grade, part in table.groupby("grade"):
        part = part.set_index("destination").reindex(DESTINATIONS.codes)
        shown = suppress_counts(part["graduates"], threshold, complementary=True)
        share = [fmt_percent(s) if (c not in (MISSING,) and not c.startswith("<")
                                    and share_visible(t, threshold)) else MISSING
                 for s, c, t in zip(part["share"], shown, part["total"], strict=True)]
        wide[f"{grade} кл.: чел."] = shown.to_numpy()
        wide[f"{grade} кл.: доля"] = share
        wide[f"{grade} кл.: район"] = [fmt_percent(s) for s in part["district_share"]]
    totals = {"Куда ушли": "Всего"}
    for grade, part in table.groupby("grade"):
        totals[f"{grade} кл.: чел."] = format_count(part["total"].iloc[0], threshold)
        totals[f"{grade} кл.: доля"] = "100 %"
        totals[f"{grade} кл.: район"] = f"100 % ({fmt_count(part['district_total'].iloc[0])})"
    wide = pd.concat([wide, pd.DataFrame([totals])], ignore_index=True)
    body.append(table_html(wide, numeric=[c for c in wide.columns if c != "Куда ушли"],
                           highlight=[False] * (len(wide) - 1) + [True]))
    for grade, part in table.groupby("grade"):
        part = part.set_index("destination")
        total = int(part["total"].iloc[0])
        unknown = int(part.at["unknown", "graduates"])
        if unknown:
            notes.append(f"{grade} класс: не известно, куда ушли — "
                         f"{format_count(unknown, threshold)} из "
                         f"{format_count(total, threshold)}.")
            steps.append(f"Уточнить через классных руководителей, куда ушли выпускники "
                         f"{grade} класса с пометкой «не известно», и исправить таблицу.")
        key = ["spo", "vo"] if grade == 11 else ["spo"]
        n = int(part.loc[key, "graduates"].sum())
        dn = int(part.loc[key, "district_graduates"].sum())
        dt = int(part["district_total"].iloc[0])
        if total < threshold:
            continue
        test = change_test(dn - n, dt - total, n, total)
        what = "в СПО и вузы" if grade == 11 else "в СПО (колледжи, техникумы)"
        if test["significant"]:
            direction = "выше" if test["difference"] > 0 else "ниже"
            notes.append(f"{grade} класс: доля поступивших {what} — {fmt_percent(n / total)}, "
                         f"заметно {direction}, чем в остальных школах района "
                         f"({fmt_percent(test['share_a'])}; точный тест Фишера, "
                         f"{_p(test['p_value'])}).")
            if direction == "ниже":
                steps.append(f"Обсудить с выпускниками {grade} класса и их родителями "
                             "возможности профессионального образования (дни открытых дверей "
                             "колледжей, профпробы).")
    return Section(
        purpose="Куда ушли выпускники школы (9 и 11 классы) — рядом с долями по району.",
        sample=sample, body=body, notes=notes, steps=steps,
        calm="Распределение выпускников по направлениям не отличается заметно от остальных "
             "школ района, и для всех известно, куда они ушли.",
        data={"destinations": table},
    )


# --------------------------------------------------------------------------------------------
# profile and ЕГЭ alignment, in-demand choices


def graduate_alignment(ctx: ReportContext, org_id: str) -> Section:
    """The three graduate indicators of the school beside the district and similar schools."""
    threshold = ctx.rules.suppression_threshold
    card = scorecard_table(ctx, org_id)
    card = card[card["indicator_id"].isin(GRADUATE_INDICATORS)].reset_index(drop=True)
    a = ctx.aligned
    a = a[(a["year"] == ctx.year) & (a["org_id"] == org_id)]
    checked = {c for c, p in ctx.rules.profiles.items() if p.checked}
    admitted = a["destination"].isin(ADMITTED_DESTINATIONS).fillna(False).astype(bool)
    has_profile = a["profile"].isin(checked).fillna(False).astype(bool)
    unresolved = admitted & a["specialty_code"].isna()
    grade11 = (a["grade"] == 11).fillna(False).astype(bool)
    no_ege = grade11 & has_profile & a["ege_aligned"].notna() & \
        ~a["ege_aligned"].fillna(False).astype(bool) & _no_subjects(ctx, a)
    fc = lambda n: format_count(int(n), threshold)  # noqa: E731
    sample = [
        f"Выпускников 9 и 11 классов: {fc(len(a))} — знаменатель доли поступивших на "
        "востребованные специальности.",
        f"Поступили в СПО или вуз: {fc(admitted.sum())}; из них с профилем, который "
        f"проверяется (указан и не универсальный): {fc((admitted & has_profile).sum())} — "
        "знаменатель доли поступивших по профилю.",
        f"Выпускников 11 класса с проверяемым профилем: {fc((grade11 & has_profile).sum())} — "
        "знаменатель доли выбравших ЕГЭ по профилю.",
        f"Специальность не распознана: {fc(unresolved.sum())} — такие выпускники остаются в "
        "знаменателях и не входят в числители.",
        f"Доли из менее чем {threshold} выпускников не показываются, числа меньше {threshold} "
        f"показаны как «<{threshold}».",
    ]
    rows = []
    for _, r in card.iterrows():
        visible = share_visible(r["denominator"], threshold, r["numerator"])
        sim_visible = share_visible(r["similar_denominator"], threshold)
        rows.append({
            "title": r["title"],
            "value": r["value"] if visible else np.nan,
            "ci_low": r["ci_low"] if visible else np.nan,
            "ci_high": r["ci_high"] if visible else np.nan,
            "district": r["district_value"],
            "similar": r["similar_value"] if sim_visible else np.nan,
        })
    plot = pd.DataFrame(rows, columns=["title", "value", "ci_low", "ci_high", "district",
                                       "similar"])
    funnels = {ind: funnel_table(ctx, ind) for ind in card["indicator_id"]}
    positions = {ind: (f.loc[f["org_id"] == org_id, "position"].iloc[0]
                       if len(f) and (f["org_id"] == org_id).any() else MISSING)
                 for ind, f in funnels.items()}
    if card.empty:
        return Section(
            purpose="Совпадает ли выбор выпускников с профилем обучения и востребован ли он.",
            sample=sample,
            notes=["Показатели выпускников к этой организации не относятся: в ней нет 9 и 11 "
                   "классов."],
            data={"graduate_indicators": card})
    group = card["similar_group"].iloc[0]
    similar_header = (f"Похожие школы ({group})" if not pd.isna(group)
                      and int(card["similar_schools"].iloc[0]) else "Похожие школы")
    shown = pd.DataFrame({
        "Показатель": card["title"],
        "Школа": [_value_cell(r, threshold)[0] for _, r in card.iterrows()],
        "95 % интервал": [_value_cell(r, threshold)[1] for _, r in card.iterrows()],
        "Из скольких": [_counts_text(r, threshold) for _, r in card.iterrows()],
        "Район": [fmt_percent(v) for v in card["district_value"]],
        similar_header: [fmt_percent(v) if not pd.isna(v) else MISSING
                         for v in plot["similar"]],
        "Положение в воронке района": [positions[i] for i in card["indicator_id"]],
    })
    body = [table_html(shown, numeric=["Школа", "95 % интервал", "Из скольких", "Район",
                                       similar_header])]
    if plot["value"].notna().any():
        with charts.figure(10, 1.2 * len(plot) + 1.4) as (fig, ax):
            charts.interval_plot(plot, y="title", x="value", low="ci_low", high="ci_high",
                                 refs={"district": "район", "similar": "похожие школы"},
                                 label="школа", ax=ax)
            ax.set_xlabel("Доля выпускников")
            body.append(figure_html(fig, "Доли выпускников по профилю, ЕГЭ и востребованным "
                                         "специальностям: школа, район, похожие школы"))
    notes, steps = [], []
    for _, r in card.iterrows():
        pos = positions[r["indicator_id"]]
        if pos.startswith("ниже"):
            notes.append(f"«{r['title']}»: {_value_cell(r, threshold)[0]} — ниже, чем можно "
                         f"объяснить случайностью при районной доле "
                         f"{fmt_percent(r['district_value'])} (за границей {pos[5:]} воронки).")
        elif pos.startswith("выше"):
            notes.append(f"«{r['title']}»: {_value_cell(r, threshold)[0]} — заметно выше "
                         f"района ({fmt_percent(r['district_value'])}).")
        if r["denominator"] > 0 and not share_visible(r["denominator"], threshold,
                                                      r["numerator"]):
            notes.append(f"«{r['title']}»: доля не показывается — она выдала бы число "
                         f"выпускников меньше {threshold}.")
    if unresolved.any():
        notes.append(f"Специальность не распознана у {fc(unresolved.sum())} "
                     "поступивших: это занижает доли по профилю и востребованности.")
        steps.append("Уточнить названия или коды специальностей этих выпускников (список "
                     "названий — в отчёте о выпускниках района) и исправить таблицу выпускников "
                     "или добавить строку в parameters/specialty_aliases.csv.")
    if no_ege.any():
        notes.append(f"У {fc(no_ege.sum())} выпускников 11 класса с профилем не указаны "
                     "предметы ЕГЭ — они считаются выбравшими ЕГЭ не по профилю.")
        steps.append("Дополнить в таблице выпускников предметы ЕГЭ выпускников 11 класса.")
    ins = a[a["in_demand"].fillna(False).astype(bool)]
    if len(ins):
        by = ins["demand_territory"].value_counts()
        notes.append("Поступили на востребованные специальности: по списку района — "
                     f"{fc(by.get('district', 0))}, по списку республики — "
                     f"{fc(by.get('republic', 0))}.")
    low = [r["title"] for _, r in card.iterrows()
           if positions[r["indicator_id"]].startswith("ниже")]
    if low:
        steps.append("Обсудить на педсовете: " + join_words([f"«{t}»" for t in low]) +
                     " — выбор профиля в 10 классе, консультации по выбору ЕГЭ и специальности, "
                     "знакомство со списком востребованных специальностей района.")
    return Section(
        purpose="Совпадает ли выбор выпускников с профилем обучения и востребован ли он: "
                "поступление по профилю, выбор ЕГЭ по профилю, поступление на востребованные "
                "специальности.",
        sample=sample, body=body, notes=notes, steps=steps,
        calm="Доли школы не выходят за границы, объяснимые случайностью, и все специальности "
             "распознаны.",
        data={"graduate_indicators": card},
    )


def _no_subjects(ctx: ReportContext, aligned: pd.DataFrame) -> pd.Series:
    g = ctx.dataset.graduates
    subjects = g.loc[aligned.index.intersection(g.index), "ege_subjects"]
    return subjects.reindex(aligned.index).isna()


# --------------------------------------------------------------------------------------------
# the funnel plots


def funnel_place(ctx: ReportContext, org_id: str,
                 indicators: tuple[str, ...] = FUNNEL_INDICATORS) -> Section:
    """The school's place in the district's funnel plots of a few key share indicators."""
    name = short_name(org_name(ctx, org_id))
    meta = indicator_meta(ctx).set_index("indicator_id")
    mine_rows = indicator_rows(ctx, "org")
    applicable = set(mine_rows.loc[mine_rows["org_id"] == org_id, "indicator_id"])
    skipped = [i for i in indicators if i in meta.index and i not in applicable]
    indicators = tuple(i for i in indicators if i in meta.index and i in applicable)
    notes, steps, rows = [], [], []
    if skipped:
        notes.append("К школе не относятся (нет нужных классов): "
                     + join_words([f"«{meta.at[i, 'title']}»" for i in skipped]) + ".")
    if not indicators:
        return Section(purpose="Место школы среди школ района на «воронках» показателей.",
                       notes=notes, data={})
    with charts.figure(11, 4.3 * math.ceil(len(indicators) / 2) + 0.5,
                       math.ceil(len(indicators) / 2), 2) as (fig, axes):
        flat = np.atleast_1d(axes).ravel()
        for ax, ind in zip(flat, indicators, strict=False):
            table = funnel_table(ctx, ind)
            title = meta.at[ind, "title"]
            data = table.assign(label=table["name"].map(short_name),
                                me=table["org_id"] == org_id)
            if table.empty:
                ax.set_visible(False)
                continue
            charts.funnel_plot(data, p0=table.attrs["p0"], label="label", highlight="me",
                               target=table.attrs["target"], label_outside=False, ax=ax)
            ax.set_title(charts.wrap(title, 50, 2), fontsize=10)
            ax.get_legend().remove()
            mine = table[table["org_id"] == org_id]
            pos = mine["position"].iloc[0] if len(mine) else "нет данных"
            rows.append({"Показатель": title,
                         "Школа": fmt_percent(mine["share"].iloc[0]) if len(mine) else MISSING,
                         "Район": fmt_percent(table.attrs["p0"]),
                         "Положение": pos})
            if pos.startswith("ниже"):
                notes.append(f"«{title}»: школа ниже нижней границы {pos[5:]} — отставание от "
                             "района больше, чем объясняется размером школы.")
                steps.append(f"«{title}»: разобрать причины отставания и взять опыт школ, "
                             "лежащих выше районной линии.")
            elif pos.startswith("выше"):
                notes.append(f"«{title}»: школа выше верхней границы {pos[5:]} — результат "
                             "лучше района не случайно.")
                steps.append(f"«{title}»: рассказать о своём опыте на районном семинаре.")
            elif pos == "нет данных":
                notes.append(f"«{title}»: у школы нет данных — её нет на графике.")
        for ax in flat[len(indicators):]:
            ax.set_visible(False)
        first = next((a for a in flat if a.get_visible()), None)
        body = []
        if first is not None:
            handles, labels = first.get_legend_handles_labels()
            fig.legend(handles, labels, loc="outside lower center", ncol=6, frameon=False)
            body.append(figure_html(fig, f"Воронки района; {name} выделена чёрным квадратом"))
    body.insert(0, table_html(pd.DataFrame(rows, columns=["Показатель", "Школа", "Район",
                                                          "Положение"]),
                              numeric=["Школа", "Район"]))
    return Section(
        purpose="Место школы среди школ района. На «воронке» каждая школа — точка: по "
                "горизонтали — сколько обучающихся учтено, по вертикали — доля. Линии — "
                "границы, внутри которых доля может оказаться случайно при районной доле; у "
                "малых школ они шире, поэтому малую школу не считают отстающей из-за "
                "случайности.",
        sample=["Все школы, указавшие числитель и знаменатель показателя; школа этого отчёта — "
                "чёрный квадрат с подписью, остальные школы — кружки (их названия — в отчёте "
                "по району).",
                "Границы 95 % (пунктир) и 99,8 % (точки) — точные биномиальные границы вокруг "
                "районной доли."],
        body=body, notes=notes, steps=steps,
        calm="По всем показанным показателям школа внутри границ: её отличия от района "
             "объяснимы случайностью.",
        data={"positions": pd.DataFrame(rows)},
    )


# --------------------------------------------------------------------------------------------
# trend over the years


def trend_data(ctx: ReportContext, org_id: str) -> pd.DataFrame:
    """The school's share indicators over every year, with Fisher's exact test of each change.

    Returns
    -------
    DataFrame
        The indicator rows of the school (``year, indicator_id, number, title, source,
        numerator, denominator, value``) with ``prev_year, prev_value, change, p_value,
        significant`` from :func:`proforient.stats.trend_table`, and ``district_value``.
    """
    rows = indicator_rows(ctx, "org", years=ctx.dataset.years)
    rows = rows[(rows["org_id"] == org_id) & (rows["kind"] == "share")
                & (rows["year"] <= ctx.year)]
    cols = ["year", "indicator_id", "number", "title", "source", "numerator", "denominator",
            "value"]
    if rows.empty:
        return pd.DataFrame(columns=[*cols, "prev_year", "prev_value", "change", "p_value",
                                     "significant", "district_value"])
    # an overflowing share is an error upstream; here it would only break the test
    rows = rows[~(rows["numerator"] > rows["denominator"])]
    out = trend_table(rows[cols].reset_index(drop=True), group_cols="indicator_id")
    district = indicator_rows(ctx, "district", years=ctx.dataset.years)
    out = out.merge(district[["year", "indicator_id", "value"]].rename(
        columns={"value": "district_value"}), on=["year", "indicator_id"], how="left")
    return out.sort_values(["number", "year"]).reset_index(drop=True)


def trend(ctx: ReportContext, org_id: str) -> Section:
    """The school's share indicators over the years, with the significance of each change."""
    threshold = ctx.rules.suppression_threshold
    data = trend_data(ctx, org_id)
    years = sorted(data["year"].unique()) if len(data) else []
    notes, steps, body = [], [], []
    hidden = data["source"].eq("graduates") & ~pd.Series(
        [share_visible(d, threshold, n) for n, d in zip(data["numerator"], data["denominator"],
                                                        strict=True)],
        index=data.index, dtype=bool)
    data = data.assign(shown_value=data["value"].where(~hidden))
    sample = [
        f"Доли школы по учебным годам: {join_words(years)}; флаги и количества не показаны — "
        "для них нет долей.",
        "Изменение — разница с предыдущим годом; «значимо» — точный тест Фишера, p < 0,05: "
        "изменение вряд ли случайно при таком числе обучающихся.",
        f"Доли выпускников из менее чем {threshold} человек не показываются.",
    ]
    if len(years) < 2:
        notes.append("В данных один учебный год — сравнивать не с чем.")
        return Section(purpose="Динамика показателей школы по годам.", sample=sample,
                       notes=notes, data={"trend": data})
    wide_rows = []
    for ind, part in data.groupby("indicator_id", sort=False):
        part = part.set_index("year")
        row = {"№": int(part["number"].iloc[0]), "Показатель": part["title"].iloc[0]}
        for y in years:
            row[y] = fmt_percent(part["shown_value"].get(y, np.nan))
        last = part.loc[years[-1]] if years[-1] in part.index else None
        ok = last is not None and not pd.isna(last["shown_value"]) and not pd.isna(
            last["prev_value"]) and not bool(hidden[(data["indicator_id"] == ind)
                                                    & (data["year"] == last["prev_year"])].any())
        row["Изменение за год"] = (f"{last['change'] * 100:+.1f} п. п.".replace(".", ",")
                                   .replace("-", "−") if ok else MISSING)
        row["p (тест Фишера)"] = _p_value(last["p_value"]) if ok else MISSING
        row["Значимо"] = ("да ▲" if last["change"] > 0 else "да ▼") if ok and bool(
            last["significant"]) else ("нет" if ok else MISSING)
        wide_rows.append(row)
        if ok and bool(last["significant"]):
            direction = "выросла" if last["change"] > 0 else "снизилась"
            notes.append(f"«{row['Показатель']}» значимо {direction} за год: "
                         f"{fmt_percent(last['prev_value'])} → "
                         f"{fmt_percent(last['shown_value'])} ({_p(last['p_value'])}).")
            if last["change"] < 0:
                steps.append(f"«{row['Показатель']}»: выяснить причину снижения (смена "
                             "ответственного, другой учёт участников, меньше мероприятий) и "
                             "вернуть охват.")
    wide = pd.DataFrame(wide_rows)
    body.append(table_html(wide, numeric=["№", *years, "Изменение за год",
                                          "p (тест Фишера)", "Значимо"]))
    plotted = [ind for ind, part in data.groupby("indicator_id", sort=False)
               if part["shown_value"].notna().sum() >= 2]
    if plotted:
        ncols = 3
        nrows = math.ceil(len(plotted) / ncols)
        with charts.figure(11, 2.6 * nrows + 0.6, nrows, ncols, sharey=True) as (fig, axes):
            flat = np.atleast_1d(axes).ravel()
            for ax, ind in zip(flat, plotted, strict=False):
                part = data[data["indicator_id"] == ind]
                long = pd.concat([
                    part.assign(series="школа", v=part["shown_value"]),
                    part.assign(series="район", v=part["district_value"]),
                ])
                charts.trend_lines(long, x="year", y="v", hue="series", ax=ax)
                ax.set_title(charts.wrap(part["title"].iloc[0], 40, 3), fontsize=9)
                ax.tick_params(axis="x", labelsize=8)
            for ax in flat[len(plotted):]:
                ax.set_visible(False)
            fig.legend(handles=charts.legend_handles(["школа", "район"]),
                       loc="outside lower center", ncol=2, frameon=False)
            body.append(figure_html(fig, "Доли школы и района по годам"))
    return Section(
        purpose="Как менялись показатели школы по годам и какие изменения значимы, а не "
                "случайны.",
        sample=sample, body=body, notes=notes, steps=steps,
        calm="Значимых изменений за последний год нет: колебания объяснимы случайностью.",
        data={"trend": data},
    )

