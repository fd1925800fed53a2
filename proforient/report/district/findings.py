"""What the district report says in words, from its analysis frames only."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping

import pandas as pd

from proforient.report.text import capital, count, join_words, percent, plural, target_text

__all__ = [
    "department_notes",
    "funnel_notes",
    "gap_notes",
    "grid_notes",
    "edge_cases",
    "headline",
    "lagging_text",
    "meet_first_text",
    "preschool_notes",
    "totals_notes",
    "widely_missed",
]

POSITIONS_BELOW = ("far_below", "below")


def _names(ids, short: Mapping[str, str], limit: int = 100) -> str:
    names = [short[i] for i in ids]
    more = f" и ещё {len(names) - limit}" if len(names) > limit else ""
    return join_words(names[:limit]) + more


def lagging_text(ranking: pd.DataFrame, short: Mapping[str, str]) -> str:
    """«Отстают от района сильнее, чем объясняется их размером: …» — the ranking's lagging
    schools in its order (the same words on the index, the district report and its sections)."""
    lag = ranking[ranking["lagging"].map(len) > 0]
    names = []
    for r in lag.itertuples(index=False):
        n = len(r.lagging)
        names.append(short[r.org_id]
                     + (f" ({n} {plural(n, 'доля', 'доли', 'долей')})" if n > 1 else ""))
    return "Отстают от района сильнее, чем объясняется их размером: " + join_words(names) + "."


def meet_first_text(ranking: pd.DataFrame, short: Mapping[str, str]) -> str:
    """«встретиться со школами: …» — the ranking's schools to meet first, in its order, with
    the rule in a few words (one wording wherever it is said)."""
    first = ranking[ranking["first"]]
    return ("встретиться со школами: " + join_words([short[o] for o in first["org_id"]])
            + " (отстают от района сильнее, чем объясняется их размером, или не достигли трети "
              "своих целей)")


def headline(totals: pd.DataFrame, concerns: pd.DataFrame, ranking: pd.DataFrame,
             gaps: pd.DataFrame, short: Mapping[str, str],
             sensitive: Collection[str] = ()) -> list[str]:
    """«Главное» of the district: targets reached (shares of pupils, what every organisation
    must do, the department's own), the widest gaps by name, the indicators half the schools
    miss, the schools that lag (the ranking of :mod:`proforient.report.facts.ranking`), a share
    nobody took part in and a target one pupil away, the missing data, and what to do first."""
    with_target = totals[totals["target"].notna()]
    not_met = with_target[with_target["status"] == "not_met"]
    out = [_targets_sentence(with_target)]
    titles = dict(zip(totals["indicator_id"], totals["title"], strict=True))
    schools = concerns.groupby("indicator_id")
    worst = []
    for r in not_met[not_met["orgs_total"] > 1].itertuples(index=False):
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
    named = {r.indicator_id for _, _, r, _ in worst[:2]}
    wide = widely_missed(concerns)
    wide = wide[~wide["indicator_id"].isin(named)]
    if len(wide):
        out.append("Не достигнуто в половине школ и больше: " + join_words(
            [f"«{titles[r.indicator_id]}» — в {r.not_met} из {r.schools} "
             f"{plural(r.schools, 'школы', 'школ', 'школ')}" for r in wide.itertuples()])
            + " (значение района может быть выше цели за счёт больших школ).")
    if ranking["lagging"].map(len).any():
        out.append(lagging_text(ranking, short))
    zero, near = edge_cases(concerns, sensitive)
    if len(zero):
        out.append("Ни одного участника при цели: " + join_words(
            [f"{short[r.org_id]} — «{titles[r.indicator_id]}» (0 из {count(r.denominator)})"
             for r in zero.itertuples()]) + ".")
    if len(near):
        out.append("До цели не хватает одного ученика (в скобках — номер показателя): "
                   + join_words([f"{short[r.org_id]} (№ {r.number})"
                                 for r in near.itertuples()]) + ".")
    if len(gaps):
        per_org = gaps.groupby("org_id").size().sort_values(ascending=False)
        out.append("Не сдали данные хотя бы по одному показателю: "
                   + join_words([short[o] for o in per_org.index]) + ".")
    steps = []
    if worst:
        steps.append(f"посвятить районный семинар показателю «{worst[0][2].title}»")
    if ranking["first"].any():
        steps.append(meet_first_text(ranking, short))
    if len(gaps) and len(steps) < 2:
        steps.append("запросить недостающие данные (список — в разделе «Полнота данных»)")
    if steps:
        out.append("В первую очередь: " + "; ".join(steps[:2]) + ".")
    return out


def widely_missed(concerns: pd.DataFrame) -> pd.DataFrame:
    """Indicators whose target half the schools it applies to (or more) did not reach, as
    published: ``indicator_id, number, not_met, schools``, the most missed first."""
    part = concerns[concerns["target"].notna() & (concerns["status"] != "not_applicable")]
    if part.empty:  # a year before the first roadmap: no targets
        return pd.DataFrame(columns=["indicator_id", "number", "not_met", "schools"])
    per = part.groupby(["indicator_id", "number"]).agg(
        not_met=("status", lambda s: int((s == "not_met").sum())),
        schools=("status", "size")).reset_index()
    per = per[(per["schools"] > 1) & (2 * per["not_met"] >= per["schools"])]
    return per.sort_values(["not_met", "number"], ascending=[False, True]).reset_index(drop=True)


def edge_cases(concerns: pd.DataFrame, sensitive: Collection[str] = ()
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Targets not reached that a reader should not miss: a share of pupils at 0 (nobody took
    part) and a target one pupil away. Shares of pupils with disabilities and of
    graduates (``sensitive``: :func:`proforient.report.cells.sensitive_indicators`) are left
    out: their counts are not told on the district's pages."""
    rows = concerns[(concerns["status"] == "not_met")
                    & ~concerns["indicator_id"].isin(list(sensitive))]
    zero = rows[(rows["kind"] == "share") & (rows["numerator"] == 0)]
    near = rows[(rows["kind"] == "share") & (rows["gap"] == 1)]
    return zero.reset_index(drop=True), near.reset_index(drop=True)


def _targets_sentence(with_target: pd.DataFrame) -> str:
    """How many targets the district reached: the shares of pupils, what every organisation
    must do (a flag or a count: reached only if every organisation did it), and the
    department's own events (its number against its target, one value)."""
    shares = with_target[with_target["kind"] == "share"]
    own = with_target[pd.Series([department_only(r) for r in with_target.itertuples(index=False)],
                                index=with_target.index, dtype=bool)]
    each = with_target[(with_target["kind"] != "share") & ~with_target.index.isin(own.index)]
    parts = []
    if len(shares):
        met = int((shares["status"] == "met").sum())
        parts.append(f"по долям обучающихся цель достигнута по {met} из {len(shares)} "
                     f"{plural(len(shares), 'показателя', 'показателей', 'показателей')}")
    if len(each):
        met = int((each["status"] == "met").sum())
        missing = each[each["status"] == "not_met"]
        tail = ""
        if len(missing):
            short_by = (missing["orgs_total"] - missing["orgs_met"]).astype(int)
            one = int((short_by == 1).sum())
            tail = (f"; по остальным {len(missing)} не выполнили отдельные организации"
                    + (f" (по {one} — одна организация)" if one else ""))
        parts.append(f"то, что должна сделать каждая организация (ответственный, план, "
                     f"мероприятия), выполнено всеми по {met} из {len(each)}{tail}")
    text = capital("; ".join(parts)) + "." if parts else \
        "У показателей района в дорожной карте нет целей."
    missed = own[own["status"] == "not_met"]
    if len(missed):
        text += " Мероприятия управления образования: " + "; ".join(
            f"«{r.title}» — {count(r.value)} при цели {target_text(r.target, 'count')}"
            for r in missed.itertuples(index=False)) + "."
    return text


def department_only(r) -> bool:
    """Whether a district row is the department's own count (district seminars, contests):
    its value is the department's number, never «0 из 1 выполнили»."""
    return r.kind == "count" and tuple(r.applies_to) == ("department",)


def _district_value(r) -> str:
    if r.kind == "share":
        return percent(r.value)
    if r.kind in ("flag", "category"):  # organisations with the flag / at a targeted level
        return f"{count(r.numerator)} из {count(r.denominator)}"
    if department_only(r):  # the department's own activity: its number
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


def grid_notes(grid: pd.DataFrame, ranking: pd.DataFrame, titles: Mapping[str, str],
               short: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """Notes and steps of the status grid: the most missed indicators, the schools that missed
    a third of their targets, and whom to meet first (the district's one ranking)."""
    notes, steps = [], []
    not_met = grid[grid["status"] == "not_met"]
    if len(not_met):
        per_ind = not_met.groupby("indicator_id").size().sort_values(ascending=False).head(3)
        applicable = grid[grid["status"] != "not_applicable"].groupby("indicator_id").size()
        for ind, n in per_ind.items():
            notes.append(f"«{titles[ind]}»: не достигнуто в {n} из {applicable[ind]} "
                         f"{plural(applicable[ind], 'школы', 'школ', 'школ')}.")
    missed = ranking[ranking["missed_third"]]
    if len(missed):
        notes.append("Не достигли трети своих целей: " + join_words(
            [f"{short[r.org_id]} — {r.not_met} из {r.targets}"
             for r in missed.itertuples(index=False)]) + ".")
    if ranking["first"].any():
        steps.append(capital(meet_first_text(ranking, short)) + ".")
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
            whom = "этой школой" if len(r.far_below) == 1 else "этими школами"
            steps.append(f"«{titles[r.indicator_id]}»: отстают от района сильнее, чем "
                         f"объясняется их размером, — {_names(r.far_below, short)}; разобрать "
                         f"причины вместе с {whom}.")
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
        earlier = part[part.index < year].dropna(subset=["value"])
        if not len(earlier) or math.isnan(now["value"]):
            continue
        before = earlier.iloc[-1]
        if "segment" in part and before["segment"] != now["segment"]:
            # counted otherwise since: not compared with the year before (docs/indicators.md,
            # «Ряды по годам»)
            change = now["break_sentence"][:1].lower() + now["break_sentence"][1:]
            notes.append(f"«{now['title']}»: {change} Годы до и после изменения не "
                         "сравниваются.")
        elif now["value"] < before["value"]:
            notes.append(f"«{now['title']}»: меньше, чем годом раньше "
                         f"({count(before['value'])} → {count(now['value'])}).")
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
