"""What the district report says in words, from its analysis frames only."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from proforient.report.text import capital, count, join_words, percent, plural, target_text

__all__ = [
    "department_notes",
    "funnel_notes",
    "gap_notes",
    "grid_notes",
    "headline",
    "preschool_notes",
    "totals_notes",
]

POSITIONS_BELOW = ("far_below", "below")


def _names(ids, short: Mapping[str, str], limit: int = 100) -> str:
    names = [short[i] for i in ids]
    more = f" и ещё {len(names) - limit}" if len(names) > limit else ""
    return join_words(names[:limit]) + more


def headline(totals: pd.DataFrame, grid: pd.DataFrame, funnels: pd.DataFrame,
             gaps: pd.DataFrame, short: Mapping[str, str]) -> list[str]:
    """«Главное» of the district: targets reached (shares of pupils apart from what every
    organisation must do), the widest gaps by name, the schools that lag beyond chance, the
    missing data, and what to do first."""
    with_target = totals[totals["target"].notna()]
    not_met = with_target[with_target["status"] == "not_met"]
    out = [_targets_sentence(with_target)]
    schools = grid.groupby("indicator_id")
    worst = []
    for r in not_met.itertuples(index=False):
        part = schools.get_group(r.indicator_id) if r.indicator_id in schools.groups else None
        failing = int((part["status"] == "not_met").sum()) if part is not None else 0
        hidden = int((part["status"] == "hidden").sum()) if part is not None else 0
        worst.append((failing, r.number, r, hidden))
    worst.sort(key=lambda x: (-x[0], x[1]))
    for failing, _, r, hidden in worst[:2]:
        who = ""
        if failing:
            who = (f" (не достигли {failing} из {int(r.orgs_total)} "
                   f"{plural(int(r.orgs_total), 'организации', 'организаций', 'организаций')}"
                   + (f"; у {hidden} значение скрыто" if hidden else "") + ")")
        out.append(f"Не достигнуто: «{r.title}» — {_district_value(r)} при цели "
                   f"{target_text(r.target, r.kind, scope='district')}{who}.")
    lagging = []
    for r in funnels.itertuples(index=False):
        lagging += list(r.far_below)
    if lagging:
        counts = pd.Series(lagging).value_counts()
        names = [f"{short[o]}" + (f" ({n} {plural(n, 'показатель', 'показателя', 'показателей')})"
                                  if n > 1 else "") for o, n in counts.items()]
        out.append("Отстают от района сильнее, чем объясняется их размером: "
                   + join_words(names) + ".")
    if len(gaps):
        per_org = gaps.groupby("org_id").size().sort_values(ascending=False)
        out.append("Не сдали данные хотя бы по одному показателю: "
                   + join_words([short[o] for o in per_org.index]) + ".")
    steps = []
    if worst:
        steps.append(f"посвятить районный семинар показателю «{worst[0][2].title}»")
    if lagging:
        steps.append("разобрать отставание со школами: "
                     + join_words([short[o] for o in dict.fromkeys(lagging)]))
    if len(gaps):
        steps.append("запросить недостающие данные (список — в разделе «Полнота данных»)")
    if steps:
        out.append("В первую очередь: " + "; ".join(steps[:2]) + ".")
    return out[:6]


def _targets_sentence(with_target: pd.DataFrame) -> str:
    """How many targets the district reached: the shares of pupils, and what every
    organisation must do (a flag or a count: reached only if every organisation did it)."""
    shares = with_target[with_target["kind"] == "share"]
    each = with_target[with_target["kind"] != "share"]
    parts = []
    if len(shares):
        met = int((shares["status"] == "met").sum())
        parts.append(f"по долям обучающихся цель достигнута по {met} из {len(shares)} "
                     f"{plural(len(shares), 'показателя', 'показателей', 'показателей')}")
    if len(each):
        met = int((each["status"] == "met").sum())
        missing = each[each["status"] == "not_met"]
        short_by = (missing["orgs_total"] - missing["orgs_met"]).astype(int)
        tail = ""
        if len(missing):
            few = int((short_by <= 2).sum())
            tail = (f"; по остальным {len(missing)} не выполнили отдельные организации"
                    + (f" (по {few} — одна или две)" if few else ""))
        parts.append(f"то, что должна сделать каждая организация (ответственный, план, "
                     f"мероприятия), выполнено всеми по {met} из {len(each)}{tail}")
    return capital("; ".join(parts)) + "." if parts else \
        "У показателей района в дорожной карте нет целей."


def _district_value(r) -> str:
    if r.kind == "share":
        return percent(r.value)
    if r.kind == "flag":
        return f"{count(r.numerator)} из {count(r.denominator)}"
    if r.orgs_total == 1:  # the department's own activity: its number
        return count(r.value)
    return f"выполнили {count(r.orgs_met)} из {count(r.orgs_total)}"


def totals_notes(totals: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Notes and steps of the district totals: what the table does not say at a glance."""
    notes, steps = [], []
    silent = totals[totals["orgs_reporting"] == 0]
    if len(silent):
        notes.append("Нет данных ни от одной организации: "
                     + join_words([f"№ {n}" for n in silent["number"]]) + ".")
    partial = totals[(totals["orgs_reporting"] > 0)
                     & (totals["orgs_reporting"] < totals["orgs_total"])]
    for r in partial.itertuples(index=False):
        notes.append(f"«{r.title}»: данные сдали {r.orgs_reporting} из {r.orgs_total} "
                     f"{plural(int(r.orgs_total), 'организации', 'организаций', 'организаций')}"
                     " — значение района по неполным данным.")
    not_met = totals[totals["status"] == "not_met"]
    if len(not_met):
        steps.append("Разобрать недостигнутые цели с ответственными за профориентацию в "
                     "школах (раздел «Школы по всем показателям» показывает, где именно).")
    return notes, steps


def grid_notes(grid: pd.DataFrame, titles: Mapping[str, str], short: Mapping[str, str]
               ) -> tuple[list[str], list[str]]:
    """Notes and steps of the status grid."""
    notes, steps = [], []
    not_met = grid[grid["status"] == "not_met"]
    if len(not_met):
        per_ind = not_met.groupby("indicator_id").size().sort_values(ascending=False).head(3)
        applicable = grid[grid["status"] != "not_applicable"].groupby("indicator_id").size()
        for ind, n in per_ind.items():
            notes.append(f"«{titles[ind]}»: не достигнуто в {n} из {applicable[ind]} "
                         f"{plural(applicable[ind], 'школы', 'школ', 'школ')}.")
        per_school = not_met.groupby("org_id").size().sort_values(ascending=False)
        top = per_school[per_school >= max(3, int(per_school.iloc[0]) - 1)].head(4)
        if len(top):
            notes.append("Больше всего недостигнутых целей: " + join_words(
                [f"{short[o]} — {n}" for o, n in top.items()]) + ".")
            steps.append("Встретиться со школами, где не достигнуто больше всего целей: "
                         + join_words([short[o] for o in top.index]) + ".")
    no_data = grid[grid["status"] == "no_data"]
    if len(no_data):
        per_school = no_data.groupby("org_id").size().sort_values(ascending=False)
        notes.append(f"Нет данных: {len(no_data)} "
                     f"{plural(len(no_data), 'показатель', 'показателя', 'показателей')} у "
                     f"{len(per_school)} {plural(len(per_school), 'школы', 'школ', 'школ')}.")
    return notes, steps


def funnel_notes(summary: pd.DataFrame, titles: Mapping[str, str], short: Mapping[str, str]
                 ) -> tuple[list[str], list[str]]:
    """Notes and steps of the funnel plots."""
    notes, steps = [], []
    for r in summary.itertuples(index=False):
        below = list(r.far_below) + list(r.below)
        if below:
            notes.append(f"«{titles[r.indicator_id]}»: ниже границ — {_names(below, short)}.")
        if r.far_below:
            steps.append(f"«{titles[r.indicator_id]}»: разобрать причины отставания вместе со "
                         f"школами: {_names(r.far_below, short)} — это почти наверняка не "
                         "случайность.")
        above = list(r.far_above) + list(r.above)
        if above:
            steps.append(f"«{titles[r.indicator_id]}»: попросить рассказать о своём опыте "
                         f"на семинаре — {_names(above, short, 3)}.")
    return notes, steps


def preschool_notes(data: pd.DataFrame, district_share: float) -> tuple[list[str], list[str]]:
    """Notes and steps of the preschools section."""
    notes, steps = [], []
    no_clubs = data[data["clubs_status"] == "no_data"]
    if len(no_clubs):
        notes.append("Нет данных о детях 5–7 лет в кружках: "
                     + join_words(list(no_clubs["short"])) + ".")
        whom = "у этой организации" if len(no_clubs) == 1 else "у этих организаций"
        steps.append(f"Запросить {whom} численность детей 5–7 лет и число "
                     "занимающихся в кружках.")
    no_plan = data[data["plan"] == 0]
    if len(no_plan):
        notes.append("Нет плана ранней профориентации: " + join_words(list(no_plan["short"]))
                     + ".")
        whom = "этому детскому саду" if len(no_plan) == 1 else "этим детским садам"
        steps.append(f"Помочь {whom} утвердить план ранней профориентации (образец "
                     "— план сада, где он уже есть).")
    silent = data[data["plan_applies"] & data["plan"].isna()]
    if len(silent):
        notes.append("Не сообщили о плане ранней профориентации: "
                     + join_words(list(silent["short"])) + ".")
    known = data.dropna(subset=["share"])
    if len(known) >= 3:
        low, high = known.nsmallest(1, "share").iloc[0], known.nlargest(1, "share").iloc[0]
        notes.append(f"Охват кружками — от {percent(low['share'])} ({low['short']}) до "
                     f"{percent(high['share'])} ({high['short']}); по району — "
                     f"{percent(district_share)}.")
    return notes, steps


def department_notes(data: pd.DataFrame, year: str) -> tuple[list[str], list[str]]:
    """Notes and steps of the department's own activities."""
    notes, steps = [], []
    for _, part in data.groupby("indicator_id", sort=False):
        part = part.set_index("year")
        if year not in part.index:
            continue
        now = part.loc[year]
        if now["status"] == "not_met":
            need = int(math.ceil(now["target"] - now["value"]))
            notes.append(f"«{now['title']}»: {count(now['value'])} при цели "
                         f"{target_text(now['target'], 'count')}.")
            steps.append(f"Запланировать ещё {need}: «{now['title']}».")
        elif now["status"] == "no_data":
            notes.append(f"«{now['title']}»: нет данных за {year}.")
        earlier = part[part.index < year]["value"].dropna()
        if len(earlier) and not math.isnan(now["value"]) and now["value"] < earlier.iloc[-1]:
            notes.append(f"«{now['title']}»: меньше, чем годом раньше "
                         f"({count(earlier.iloc[-1])} → {count(now['value'])}).")
    return notes, steps


def gap_notes(gaps: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Notes and steps of the data completeness section."""
    if gaps.empty:
        return ["Все организации сдали данные по всем своим показателям."], []
    per_org = gaps.groupby("short").size().sort_values(ascending=False)
    notes = [f"Пропусков: {len(gaps)} у {len(per_org)} "
             f"{plural(len(per_org), 'организации', 'организаций', 'организаций')}: "
             f"{join_words([f'{n} — {k}' for n, k in per_org.items()])}."]
    steps = ["Разослать организациям их списки пропусков и собрать недостающие сведения."]
    return notes, steps
