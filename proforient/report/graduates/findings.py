"""What the graduates report says in words, from its published frames only."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from markupsafe import Markup

from proforient.compute.alignment import GRADUATE_INDICATORS, IN_DEMAND_CHOICE
from proforient.report.graduates.analysis import GraduatesAnalysis
from proforient.report.graduates.publication import Keys
from proforient.report.html import quantity, statement
from proforient.report.publish import Published
from proforient.report.text import count, join_words, percent

__all__ = ["association_words", "by_school_notes", "headline", "promote_where", "shortfalls",
           "shown_below", "supply_notes"]


def _count(pub: Published, key: str) -> Markup:
    if not pub.visible(key):
        return quantity(key, pub.mark(key) or "—")
    return quantity(key, count(pub.values[key]))


def _share(pub: Published, key: str) -> Markup:
    if not pub.visible(key):
        return quantity(key, pub.mark(key) or "—")
    return quantity(key, percent(pub.values[key]))


#: Whom each graduate share of the district counts, after «из N» (the roadmap's denominators).
BASES = {
    "admitted_by_profile_share": "поступивших в колледжи и вузы с профилем, который "
                                 "проверяется",
    "ege_profile_match_share": "выпускников 11 класса с профилем, который проверяется",
    "in_demand_choice_share": "выпускников 9 и 11 классов",
}
#: Where the roadmap's base is not the one a reader expects: say so.
BASE_NOTES = {
    "in_demand_choice_share": " — всех, и ушедших в 10 класс: так считает дорожная карта",
}


def association_words(test: dict) -> str:
    """The test of profile × group of specialties, in a sentence without statistical terms."""
    if test["method"] == "too_few":
        return "Связь профиля и выбранной группы специальностей не проверялась: слишком мало " \
               "данных для проверки."
    if test["p_value"] < 0.05:
        return "Выбор группы специальностей заметно связан с профилем обучения: выпускники " \
               "разных профилей поступают в разные группы чаще, чем при случайном выборе."
    return "Заметной связи между профилем обучения и выбранной группой специальностей нет: " \
           "выпускники разных профилей поступают в одни и те же группы."


def shown_below(a: GraduatesAnalysis, pub: Published, k: Keys) -> pd.DataFrame:
    """The by-school ranking's rows clearly below the district, where the share is shown."""
    low = a.by_school[a.by_school["position"].isin(["far_below", "below"])]
    shown = [a.known(i, o) and pub.visible(k.indicator(i, o)[2]) for i, o in
             zip(low["indicator_id"], low["org_id"], strict=True)]
    return low[np.asarray(shown, dtype=bool)]  # an empty list would select columns


def promote_where(low: pd.DataFrame, short: Mapping[str, str]) -> str:
    """Where to tell graduates about the groups worth promoting: the schools that ``low``
    (:func:`shown_below`, the rows of «Заметно ниже района») puts clearly below the district in
    the share entering in-demand specialties, or every school when none is."""
    orgs = low.loc[low["indicator_id"] == IN_DEMAND_CHOICE, "org_id"]
    if not len(orgs):
        return "во всех школах района"
    return ("прежде всего в школах, где на востребованные специальности поступают заметно "
            "реже, чем по району: " + join_words([short[o] for o in orgs]))


def headline(a: GraduatesAnalysis, pub: Published, titles: Mapping[str, str],
             short: Mapping[str, str]) -> list[Markup | str]:
    """«Главное» of the graduates report."""
    k = Keys(a)
    overview = k.overview()
    out: list[Markup | str] = [Markup(
        "Выпускников 9 и 11 классов: {}; поступили в колледжи и вузы: {}.").format(
        _count(pub, overview["all"]), _count(pub, overview["admitted"]))]
    parts = []
    for ind in GRADUATE_INDICATORS:
        if not a.known(ind, None):
            parts.append(Markup("«{}» — нет данных").format(titles[ind]))
            continue
        _, den, share = k.indicator(ind, None)
        parts.append(Markup("«{}» — {} (из {} {}{})").format(
            titles[ind], _share(pub, share), _count(pub, den), BASES[ind], BASE_NOTES.get(ind, "")))
    out.append(Markup("По району: ") + Markup("; ").join(parts) + Markup("."))
    low = shown_below(a, pub, k)
    if len(low):
        worst = low.groupby("org_id").size().sort_values(ascending=False)
        out.append("Заметно ниже района хотя бы по одной доле: "
                   + join_words([short[o] for o in worst.index[:5]])
                   + (f" и ещё {len(worst) - 5}" if len(worst) > 5 else "") + ".")
    supply = a.supply.table
    supply = supply[supply["year"] == a.year]
    gaps = shortfalls(supply, pub, k)
    # which group comes first rests on every list's entrants (a hidden one is not ranked)
    ranked = ranked_keys(supply, k)
    if len(gaps):
        top = gaps.iloc[0]
        territory = "района" if top["territory"] == "district" else "республики"
        out.append(statement(ranked, Markup(
            "Больше всего вакансий, на которые не пришли выпускники района, — "
            "«{}» (список {}: вакансий {}, поступили {}).").format(
            top["ugs_name"], territory, count(top["vacancies"]),
            _count(pub, k.on_list(top["territory"], top["ugs_code"]))), "shown"))
        territory_of_step = territory
    unresolved = k.unresolved()
    if unresolved in pub and pub.visible(unresolved) and pub.values[unresolved] > 0:
        out.append(Markup("Специальность не распознана у {} поступивших: они считаются "
                          "поступившими не по профилю и не на востребованные специальности, "
                          "пока названия не уточнят (раздел «Названия специальностей, которые "
                          "нужно уточнить»).").format(_count(pub, unresolved)))
    steps = []
    if len(low):
        steps.append("обсудить с этими школами выбор профиля, ЕГЭ и специальности")
    if len(gaps):
        steps.append(statement(ranked, f"рассказать выпускникам о специальностях группы "
                                       f"«{gaps.iloc[0]['ugs_name']}», которых ждут по списку "
                                       f"{territory_of_step}, {promote_where(low, short)} "
                                       "(встречи с работодателями, профпробы, целевое обучение)",
                               "shown"))
    if steps:
        out.append(Markup("В первую очередь: ") + Markup("; ").join(steps) + Markup("."))
    return out[:6]


def ranked_keys(supply: pd.DataFrame, k: Keys) -> list[str]:
    """The entrants on each list of ``supply``: what ranking its groups by their gaps rests on
    (a group whose entrants are hidden is left out of the ranking, so every sentence naming
    the first groups rests on all of them)."""
    return [k.on_list(t, g) for t, g in zip(supply["territory"], supply["ugs_code"],
                                            strict=True)]


def shortfalls(supply: pd.DataFrame, pub: Published, k: Keys,
               lists: pd.DataFrame | None = None) -> pd.DataFrame:
    """Groups worth promoting: more vacancies than entrants on a list, the widest gap first.

    One rule for «Главное» and the section: a group the district's own list says is already
    oversupplied (more entrants than its vacancies) is never promoted for the republic's
    vacancies — the district's list speaks for the district. Only where the page shows the
    entrants (a ranking by a hidden count would tell something of it)."""
    shown = [pub.visible(k.on_list(t, g)) for t, g in
             zip(supply["territory"], supply["ugs_code"], strict=True)]
    rows = supply[np.asarray(shown, dtype=bool) & supply["gap"].notna()]
    lists = supply if lists is None else lists  # every list of the year
    district = lists[(lists["territory"] == "district") & lists["gap"].notna()]
    oversupplied = set(district.loc[district["gap"] < 0, "ugs_code"])
    rows = rows[~rows["ugs_code"].isin(oversupplied)]
    return rows[rows["gap"] > 0].sort_values(["gap", "ugs_code"], ascending=[False, True])


def by_school_notes(a: GraduatesAnalysis, pub: Published, k: Keys, titles: Mapping[str, str],
                    short: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """The schools clearly below or above the district in each graduate share (only where the
    share is shown)."""
    notes, steps = [], []
    for ind in GRADUATE_INDICATORS:
        for positions, words in ((("below", "far_below"), "заметно ниже района"),
                                 (("above", "far_above"), "заметно выше района")):
            part = a.by_school[(a.by_school["indicator_id"] == ind)
                               & a.by_school["position"].isin(positions)]
            names = [short[o] for o in part["org_id"]
                     if a.known(ind, o) and pub.visible(k.indicator(ind, o)[2])]
            if not names:
                continue
            notes.append(f"«{titles[ind]}»: {words} — " + join_words(names) + ".")
            if positions[0] == "below":
                steps.append(f"«{titles[ind]}»: обсудить со школами консультации по выбору "
                             "профиля, ЕГЭ и специальности.")
    return notes, steps


def supply_notes(part: pd.DataFrame, territory: str, pub: Published, k: Keys,
                 lists: pd.DataFrame | None = None, where: str = "") -> tuple[list, list]:
    """Notes and steps of one territory's supply and demand (``lists``: every list of the
    year, for :func:`shortfalls`' rule; ``where``: in which schools to promote, from
    :func:`promote_where`)."""
    notes, steps = [], []
    name = "района" if territory == "district" else "республики"
    gaps = part.dropna(subset=["gap"])
    short = shortfalls(part, pub, k, lists).head(3)
    ranked = ranked_keys(part, k)
    if len(short):
        notes.append(statement(ranked, f"Список {name}: больше всего вакансий, на которые не "
                                       "пришли выпускники района, — " + join_words(
            [f"«{r.ugs_name}» (вакансий на {count(r.gap)} больше, чем поступивших)"
             for r in short.itertuples()]) + ".", "shown"))
        steps.append(statement(ranked, "Рассказать выпускникам о специальностях "  # the same
                               + ("групп: " if len(short) > 1 else "группы ")  # rule as
                               + join_words([f"«{n}»" for n in short["ugs_name"]])  # «Главное»
                               + (f", {where}" if where else "")
                               + " (встречи с работодателями, профпробы, целевое обучение).",
                               "shown"))
    if lists is not None and territory != "district":
        both = set(shortfalls(part, pub, k).loc[:, "ugs_code"]) - set(short["ugs_code"]) \
            - set(shortfalls(part, pub, k, lists)["ugs_code"])
        held = part[part["ugs_code"].isin(both)].sort_values("ugs_code")
        if len(held):
            notes.append(statement(ranked, f"Вакансий в списке {name} больше, чем поступивших, "
                                           "но по списку района поступивших уже больше, чем "
                                           "вакансий, — эти группы не предлагаются: "
                                   + join_words([f"«{n}»" for n in held["ugs_name"]]) + ".",
                                   "shown"))
    over = gaps[(gaps["gap"] < 0)].sort_values("gap").head(3)
    visible = [r for r in over.itertuples() if pub.visible(k.on_list(territory, r.ugs_code))]
    if visible:  # which groups are named rests on which entrants are shown
        notes.append(statement(ranked, Markup("Список {}: поступивших больше, чем вакансий, — "
                                              "{}.").format(
            name, Markup(", ").join(Markup("«{}» ({} при {} вакансиях)").format(
                r.ugs_name, _count(pub, k.on_list(territory, r.ugs_code)), count(r.vacancies))
                for r in visible)), "shown"))
    no_vac = part[part["vacancies"].isna()]
    if len(no_vac):
        notes.append(f"В списке {name} без числа вакансий: "
                     + join_words([f"«{n}»" for n in no_vac["ugs_name"]]) + ".")
    return notes, steps
