"""Graduate alignment with the profile, the ЕГЭ rule and the labour-market demand.

:func:`align_graduates` builds the per-graduate table (``proforient alignment``);
:func:`graduate_indicator_counts` turns it into the numerators and denominators of the three
graduate indicators; :func:`supply_demand`, :func:`profile_flows` and :func:`study_location` are
the district analyses of the graduates report. Each analysis
returns an :class:`Analysis`: the result ``table`` plus a ``sample`` that accounts for every
graduate (who was counted, who was left out and why), so no graduate is dropped silently.

Who is checked for what (in words: docs/indicators.md, «Выпускники»):

- profile and demand — graduates who entered a college or university (destination ``spo`` or
  ``vo``); the others get ``<NA>`` (not applicable). A college/university graduate whose
  specialty cannot be resolved gets ``profile_aligned`` and ``in_demand`` ``False``: they stay in
  the denominators (docs/indicators.md, «Три показателя выпускников») and are listed for the
  analyst (:func:`~proforient.compute.specialties.review_list`);
- the profile check further needs a *checked* profile (``checked: true`` in
  ``parameters/profiles.yaml``; the universal profile and an empty profile are not checked);
- the ЕГЭ check — every grade-11 graduate with a checked profile, whatever the destination (the
  denominator of ``ege_profile_match_share`` is all such graduates). A grade-11 graduate
  with a checked profile and no ЕГЭ subjects recorded gets ``False``: a missing choice cannot be
  shown to match, and the graduate stays in the denominator.

All functions are pure and vectorised: the names are resolved once per distinct typed name, the
ЕГЭ rule once per distinct (profile, subjects) pair, the demand once per distinct (year, code).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from proforient import vocab
from proforient.compute.specialties import RESOLUTION_COLUMNS, resolve_specialties
from proforient.parameters.classifier import Classifier
from proforient.parameters.rules import Rules
from proforient.vocab import ADMITTED_DESTINATIONS, GRADUATE_GRADES, OKSO_CODE, normalise_key

#: Columns of the per-graduate table, in the order of ``proforient alignment``
#: (docs/indicators.md, «Таблица по выпускникам»). A list, so that
#: ``aligned[ALIGNMENT_COLUMNS]`` selects them (pandas reads a tuple as one key).
ALIGNMENT_COLUMNS: list[str] = [
    "year",
    "org_id",
    "graduate_id",
    "grade",
    "profile",
    "destination",
    "specialty_code",
    "resolved_by",
    "match_score",
    "profile_aligned",
    "ege_aligned",
    "in_demand",
    "demand_territory",
    "demand_level",
]

#: Further columns :func:`align_graduates` keeps for the analyses and the review list.
EXTRA_COLUMNS: list[str] = [
    "canonical_code",
    "ugs_code",
    "study_region",
    "specialty_name",
    "candidate_code",
    "candidate_name",
    "needs_review",
    "unknown_code",
    "on_district_list",
    "on_republic_list",
    "demand_covered",
]

#: The graduate indicators computed here (ids of the roadmap; docs/indicators.md,
#: «Три показателя выпускников»).
GRADUATE_INDICATORS: tuple[str, ...] = tuple(vocab.GRADUATE_INDICATORS.codes)
ADMITTED_BY_PROFILE, EGE_PROFILE_MATCH, IN_DEMAND_CHOICE = GRADUATE_INDICATORS
#: Grades whose enrolment makes a school applicable to each graduate indicator.
GRADUATE_INDICATOR_GRADES: dict[str, tuple[int, ...]] = {
    ADMITTED_BY_PROFILE: (9, 11),
    IN_DEMAND_CHOICE: (9, 11),
    EGE_PROFILE_MATCH: (11,),
}

#: Demand territories, most specific first (a district match beats a republic one).
TERRITORIES: tuple[str, ...] = ("district", "republic")
#: Demand levels, most specific first (a code match beats a group match).
DEMAND_LEVELS: tuple[str, ...] = ("code", "group")

#: Where a graduate studies (:func:`study_location`).
STUDY_LOCATIONS: tuple[str, ...] = ("district", "republic", "elsewhere", "unknown")
STUDY_LOCATION_LABELS: dict[str, str] = {
    "district": "в районе",
    "republic": "в республике (вне района)",
    "elsewhere": "за пределами республики",
    "unknown": "неизвестно",
}

#: Free-text ``study_region`` → location, first match wins, after the district's own place
#: names (see :func:`classify_study_region`). Patterns are Python regular expressions applied
#: to the text case-folded with ``ё`` → ``е``. They read what schools write in a republic's
#: district: «район», «в районе», «р-н», «муниципальный» → the district; «республика», «УР»,
#: «регион», «субъект» → the republic; «другой район» → the republic (not this district);
#: «за пределами», «вне республики», «другой регион», «… область», «… край», Москва,
#: Санкт-Петербург → elsewhere. A text with both a district and a republic word («Воткинский
#: район Удмуртской Республики») is the district. Anything else is *unrecognised* and counted as
#: unknown — never guessed — and listed in ``details["unrecognised"]``.
STUDY_REGION_PATTERNS: tuple[tuple[str, str], ...] = (
    ("unknown", r"^(?:не ?известно|нет данных|не указано|нет|-+|\?+)$"),
    (
        "elsewhere",
        r"за пределами|\bвне\b|\bдруг\w* (?:регион|республик|субъект|област|кра[йяе])|\bобласт"
        r"|\bкра[йяе]\b|москв|петербург|\bспб\b",
    ),
    ("republic", r"\b(?:друг|соседн)\w* район"),
    ("district", r"\bрайон|\bр-н\b|\bмуниципальн"),
    ("republic", r"\bреспублик|\bур\b|\bрегион|\bсубъект"),
)

#: Why a graduate is in or out of an analysis (``Analysis.sample``); Russian labels for reports.
SAMPLE_REASONS: dict[str, tuple[bool, str]] = {
    "included": (True, "учтены"),
    "region_unknown": (True, "учтены, место обучения не указано (как «неизвестно»)"),
    "region_unrecognised": (True, "учтены, место обучения не распознано (как «неизвестно»)"),
    "not_admitted": (
        False,
        "не поступали в СПО или вуз (10 класс, работа, армия, другое, неизвестно)",
    ),
    "unresolved": (False, "специальность не распознана"),
    "no_profile": (False, "профиль не указан"),
}

_BOOL = "boolean"


@dataclass(frozen=True)
class Analysis:
    """The result of a district analysis.

    Attributes
    ----------
    table : DataFrame
        The result (tidy).
    sample : DataFrame
        ``year, reason, included, label, graduates``: every graduate of the input in exactly one
        row per year, so ``sample.graduates.sum()`` is the number of input graduates. ``reason``
        is a key of :data:`SAMPLE_REASONS`; ``included`` says whether those graduates are in the
        table; ``label`` is the Russian reason for reports.
    details : dict of DataFrame
        Extra frames some analyses return (documented by each function).
    """

    table: pd.DataFrame
    sample: pd.DataFrame
    details: Mapping[str, pd.DataFrame] = field(default_factory=dict)

    def summary(self) -> str:
        """One line in Russian: the table's size and columns, who was counted, the details.

        >>> Analysis(pd.DataFrame({"year": ["2021-2022"], "graduates": [3]}),
        ...          pd.DataFrame({"included": [True, False], "graduates": [3, 2]})).summary()
        'таблица: 1 строк × 2 столбцов (year, graduates); учтены 3 из 5 выпускников'
        """
        rows, cols = self.table.shape
        names = list(map(str, self.table.columns))
        shown = ", ".join(names[:8]) + (", …" if len(names) > 8 else "")
        text = f"таблица: {rows} строк × {cols} столбцов ({shown})"
        if {"included", "graduates"} <= set(self.sample.columns):
            total = int(self.sample["graduates"].sum())
            counted = int(self.sample.loc[self.sample["included"].astype(bool),
                                          "graduates"].sum())
            text += f"; учтены {counted} из {total} выпускников"
        if self.details:
            text += f"; details: {', '.join(self.details)}"
        return text

    def __repr__(self) -> str:
        return f"<Analysis — {self.summary()}; .table, .sample, .details>"

    def _repr_html_(self) -> str:
        """As a cell's last line in JupyterLab: the summary, then the table."""
        caption = html.escape(f"Analysis — {self.summary()}. Таблица — .table, кто учтён — "
                              f".sample.")
        return f"<p>{caption}</p>{self.table._repr_html_()}"


# --------------------------------------------------------------------------------------------
# The per-graduate table


def _checked_profiles(rules: Rules) -> set[str]:
    return {code for code, p in rules.profiles.items() if p.checked}


def _split_subjects(text: object) -> frozenset[str]:
    if not isinstance(text, str):
        return frozenset()
    return frozenset(s.strip() for s in re.split(r"[;,]", text) if s.strip())


def _prepare_demand(demand: pd.DataFrame, classifier: Classifier) -> pd.DataFrame:
    """Demand rows with ``level``, ``canonical_code`` (code rows) and ``ugs_code``."""
    d = demand.copy()
    code = d["code"].astype("str").str.strip()
    bad = code[~code.str.fullmatch(OKSO_CODE.pattern).fillna(False)]
    if len(bad):
        raise ValueError(f"demand codes must be NN.NN.NN: {sorted(bad.dropna().unique())[:5]}")
    territory = d["territory"].astype("str")
    unknown = set(territory.dropna().unique()) - set(TERRITORIES)
    if unknown or territory.isna().any():
        raise ValueError(f"demand territory must be one of {TERRITORIES}: {sorted(unknown)}")
    is_group = code.str.endswith(".00.00")
    missing = pd.Series(pd.NA, index=d.index, dtype="str")
    year = d["year"].astype("str") if "year" in d else missing
    vacancies = d.get("vacancies", pd.Series(pd.NA, index=d.index, dtype="Int64"))
    level = pd.Series(np.where(is_group, "group", "code"), index=d.index, dtype="str")
    level_rank = level.map({lvl: i for i, lvl in enumerate(DEMAND_LEVELS)})
    territory_rank = territory.map({t: i for i, t in enumerate(TERRITORIES)})
    return pd.DataFrame(
        {
            "territory": territory,
            "demand_year": year,
            "level": level,
            "canonical_code": classifier.canonical(code).where(~is_group),
            "ugs_code": classifier.group(code).where(~is_group, code),
            "vacancies": vacancies.astype("Int64"),
            # Code over group first, then district over republic (docs/indicators.md,
            # «Востребованность»).
            "rank": level_rank * len(TERRITORIES) + territory_rank,
        },
        index=d.index,
    )


def _best_demand(keys: pd.DataFrame, demand: pd.DataFrame) -> pd.DataFrame:
    """Most specific demand match of each (year, canonical_code, ugs_code) key.

    Returns the keys that match, with ``demand_territory`` and ``demand_level``.
    """
    key_cols = ["year", "canonical_code", "ugs_code"]
    parts = []
    for level, on in (("code", "canonical_code"), ("group", "ugs_code")):
        entries = demand.loc[
            demand["level"] == level, [on, "demand_year", "territory", "level", "rank"]
        ]
        m = keys.merge(entries, on=on, how="inner")
        m = m[m["demand_year"].isna() | (m["demand_year"] == m["year"])]
        parts.append(m)
    matches = pd.concat(parts, ignore_index=True)
    if matches.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype="str") for c in [*key_cols, "demand_territory", "demand_level"]}
        )
    best = matches.sort_values("rank", kind="stable").drop_duplicates(key_cols)
    return best.rename(columns={"territory": "demand_territory", "level": "demand_level"})[
        [*key_cols, "demand_territory", "demand_level"]
    ]


def _distinct_rows(frame: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """The distinct rows of ``frame`` (in order of first appearance, index 0…) and, for each
    row, the position of its own among them."""
    where = frame.groupby(list(frame.columns), sort=False, dropna=False).ngroup().to_numpy()
    first = np.unique(where, return_index=True)[1]  # each group's first row, by group number
    return where, frame.iloc[first].reset_index(drop=True)


def _per_key(keys: pd.DataFrame, found: pd.DataFrame, column: str) -> np.ndarray:
    """``found[column]`` of each row of ``keys`` (``found`` holds some of the keys, once each);
    missing where a key was not found."""
    cols = list(keys.columns)
    return keys.merge(found, on=cols, how="left")[column].to_numpy(dtype=object,
                                                                      na_value=None)


def demand_covers(demand: pd.DataFrame, years: pd.Series) -> pd.Series:
    """Whether the demand list covers each year: it has an entry for that year, or an entry
    without a year (valid for every year). An empty list (no ``demand.csv``) covers none."""
    listed = demand["year"] if "year" in demand else pd.Series(dtype="str")
    years = pd.Series(years).astype("str")
    if len(demand) and listed.isna().any():
        return pd.Series(True, index=years.index)
    return years.isin(set(listed.dropna().astype(str))).fillna(False).astype(bool)


def align_graduates(
    graduates: pd.DataFrame,
    demand: pd.DataFrame,
    rules: Rules,
    classifier: Classifier,
    aliases: pd.DataFrame,
) -> pd.DataFrame:
    """Build the per-graduate alignment table (docs/indicators.md, «Выпускники»).

    Parameters
    ----------
    graduates : DataFrame
        The loader's graduates frame (``year, org_id, graduate_id, grade, profile,
        ege_subjects, destination, institution, specialty_code, specialty_name,
        study_region``), canonical codes only.
    demand : DataFrame
        The demand list (``territory, code, year, vacancies`` …); ``year`` empty = every year.
    rules : Rules
        Profiles (groups, ЕГЭ rules, ``checked``) and the fuzzy thresholds.
    classifier : Classifier
        The ОКСО classifier.
    aliases : DataFrame
        The district's alias table.

    Returns
    -------
    DataFrame
        One row per graduate, same index as ``graduates``, columns :data:`ALIGNMENT_COLUMNS`
        then :data:`EXTRA_COLUMNS`:

        - ``specialty_code`` (resolved), ``resolved_by``, ``match_score`` — see
          :func:`~proforient.compute.specialties.resolve_specialties`;
        - ``profile_aligned`` (boolean) — the specialty's group (of its current revision) is
          one of the profile's groups; ``<NA>`` unless destination is spo/vo and the profile is
          checked; ``False`` when the specialty is unresolved;
        - ``ege_aligned`` (boolean) — the ЕГЭ subjects satisfy the profile's rule; ``<NA>``
          unless grade 11 with a checked profile (any destination); ``False`` with no subjects;
        - ``in_demand`` (boolean) — the specialty, or its group where the list names a group,
          is on the demand list for the graduate's year (a demand entry without a year counts
          for every year); either classifier revision on either side matches. ``<NA>`` unless
          destination is spo/vo, and ``<NA>`` (unknown) for a year the demand list does not
          cover (:func:`demand_covers`); ``False`` when unresolved;
        - ``demand_territory`` (``district``/``republic``), ``demand_level`` (``code``/``group``)
          — of the most specific match: a code match over a group match, then the district
          over the republic; ``<NA>`` when not in demand;
        - ``canonical_code``, ``ugs_code`` — the current revision and its group;
        - ``study_region``, ``specialty_name`` as given; ``candidate_code``, ``candidate_name``,
          ``needs_review``, ``unknown_code`` for
          :func:`~proforient.compute.specialties.review_list`;
        - ``on_district_list``, ``on_republic_list`` (boolean) — whether that territory's list
          on its own names the specialty (or its group); like ``in_demand`` for who gets a
          value;
        - ``demand_covered`` (bool) — the demand list covers the graduate's year.
    """
    res = resolve_specialties(graduates, classifier, aliases, rules)
    admitted = res["destination"].isin(ADMITTED_DESTINATIONS).fillna(False).astype(bool)
    checked = res["profile"].isin(_checked_profiles(rules)).fillna(False).astype(bool)
    resolved = res["specialty_code"].notna()
    grade11 = (res["grade"] == 11).fillna(False).astype(bool)

    # Profile: the group's two digits among the profile's groups.
    ugs2 = res["ugs_code"].str.slice(0, 2)
    in_groups = pd.Series(False, index=res.index)
    for code, profile in rules.profiles.items():
        in_groups |= ((res["profile"] == code) & ugs2.isin(profile.ugs_groups)).fillna(False)
    profile_aligned = pd.Series(pd.NA, index=res.index, dtype=_BOOL)
    applies = admitted & checked
    profile_aligned[applies] = (in_groups & resolved)[applies]

    # ЕГЭ: once per distinct (profile, subjects) among the graduates it applies to.
    ege_aligned = pd.Series(pd.NA, index=res.index, dtype=_BOOL)
    ege_rows = grade11 & checked
    if ege_rows.any():
        # "" for no subjects: merging on missing keys is not something to rely on.
        pairs = res.loc[ege_rows, ["profile", "ege_subjects"]].astype("object").fillna("")
        distinct = pairs.drop_duplicates()
        distinct["_ok"] = [
            rules.profiles[p].ege_matches(_split_subjects(s))
            for p, s in zip(distinct["profile"], distinct["ege_subjects"], strict=True)
        ]
        ok = pairs.merge(distinct, on=["profile", "ege_subjects"], how="left")["_ok"]
        ege_aligned[ege_rows] = ok.to_numpy(dtype=bool)

    # Demand: once per distinct (year, canonical code, group); the best match over both lists,
    # and whether each list on its own names the specialty.
    in_demand = pd.Series(pd.NA, index=res.index, dtype=_BOOL)
    territory = pd.Series(pd.NA, index=res.index, dtype="str")
    level = pd.Series(pd.NA, index=res.index, dtype="str")
    on_list = {terr: pd.Series(pd.NA, index=res.index, dtype=_BOOL) for terr in TERRITORIES}
    covered = demand_covers(demand, res["year"]).to_numpy(dtype=bool)
    if admitted.any():
        dem = _prepare_demand(demand, classifier)
        cols = ["year", "canonical_code", "ugs_code"]
        rows = admitted & resolved
        # each row's key among the distinct keys: the matches are found once per key
        where, keys = _distinct_rows(res.loc[rows, cols].astype("str"))
        best = _best_demand(keys, dem)
        territory[rows] = _per_key(keys, best, "demand_territory")[where]
        level[rows] = _per_key(keys, best, "demand_level")[where]
        in_demand[admitted] = territory[admitted].notna()
        for terr in TERRITORIES:
            hit = _per_key(keys, _best_demand(keys, dem[dem["territory"] == terr]),
                           "demand_territory")
            on_list[terr][admitted] = False
            on_list[terr][rows] = pd.notna(hit[where])
        # A year the demand list does not cover (no entry for it, none for every year) is
        # unknown, not "nobody chose an in-demand specialty": missing data is never zero.
        for series in (in_demand, *on_list.values()):
            series[~covered] = pd.NA

    out = res.assign(
        profile_aligned=profile_aligned,
        ege_aligned=ege_aligned,
        in_demand=in_demand,
        demand_territory=territory,
        demand_level=level,
        on_district_list=on_list["district"],
        on_republic_list=on_list["republic"],
        demand_covered=covered,
    )
    for col in ("study_region", "specialty_name"):
        if col not in out:
            out[col] = pd.Series(pd.NA, index=out.index, dtype="str")
    return out[[*ALIGNMENT_COLUMNS, *EXTRA_COLUMNS]]


# --------------------------------------------------------------------------------------------
# Indicator counts


def graduate_indicator_counts(aligned: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Numerators and denominators of the three graduate indicators, per school and year.

    Parameters
    ----------
    aligned : DataFrame
        Output of :func:`align_graduates`.
    rules : Rules
        Which profiles are checked.

    Returns
    -------
    DataFrame
        ``year, org_id, indicator_id, numerator`` (Int64), ``denominator`` (int64), one row per
        indicator for every (year, org_id) that has graduates, sorted. Denominators may be 0
        (the engine reports ``no_data``); the in-demand numerator is missing for a year the
        demand list does not cover (``no_data`` too, never 0):

        - ``admitted_by_profile_share`` — num: spo/vo graduates with a checked profile and
          ``profile_aligned``; den: spo/vo graduates with a checked profile (unresolved
          specialties included);
        - ``ege_profile_match_share`` — num: grade-11 graduates with a checked profile and
          ``ege_aligned``; den: grade-11 graduates with a checked profile;
        - ``in_demand_choice_share`` — num: spo/vo graduates with ``in_demand``; den: all
          graduates of grades 9 and 11.
    """
    admitted = aligned["destination"].isin(ADMITTED_DESTINATIONS).fillna(False).astype(bool)
    checked = aligned["profile"].isin(_checked_profiles(rules)).fillna(False).astype(bool)
    grade = aligned["grade"]
    grade11 = (grade == 11).fillna(False).astype(bool)
    in_grades = grade.isin(GRADUATE_GRADES).fillna(False).astype(bool)
    parts = {
        ADMITTED_BY_PROFILE: (
            admitted & checked & aligned["profile_aligned"].fillna(False).astype(bool),
            admitted & checked,
        ),
        EGE_PROFILE_MATCH: (
            grade11 & checked & aligned["ege_aligned"].fillna(False).astype(bool),
            grade11 & checked,
        ),
        IN_DEMAND_CHOICE: (
            admitted & aligned["in_demand"].fillna(False).astype(bool),
            in_grades,
        ),
    }
    # in_demand is unknown in a year the demand list does not cover: the numerator is then
    # missing (no_data), never 0 — also for a school none of whose graduates was admitted,
    # so that the district's value is not pooled from such schools alone
    unknown = {IN_DEMAND_CHOICE: in_grades & ~aligned["demand_covered"].astype(bool)}
    keys = aligned[["year", "org_id"]].astype("str")
    frames = []
    for indicator, (numerator, denominator) in parts.items():
        sums = (
            keys.assign(
                numerator=numerator.astype("int64"), denominator=denominator.astype("int64"),
                _unknown=unknown.get(indicator, pd.Series(False, index=keys.index)).astype(int),
            )
            .groupby(["year", "org_id"], sort=True)
            .sum()
            .reset_index()
        )
        sums["numerator"] = sums["numerator"].astype("Int64").mask(sums["_unknown"] > 0)
        frames.append(sums.drop(columns="_unknown").assign(indicator_id=indicator))
    out = pd.concat(frames, ignore_index=True)
    out["_order"] = out["indicator_id"].map({k: i for i, k in enumerate(GRADUATE_INDICATORS)})
    out = out.sort_values(["year", "org_id", "_order"]).reset_index(drop=True)
    return out[["year", "org_id", "indicator_id", "numerator", "denominator"]].astype(
        {
            "year": "str",
            "org_id": "str",
            "indicator_id": "str",
            "numerator": "Int64",
            "denominator": "int64",
        }
    )


# --------------------------------------------------------------------------------------------
# District analyses


def _sample(aligned: pd.DataFrame, reason: pd.Series) -> pd.DataFrame:
    counts = (
        pd.DataFrame({"year": aligned["year"], "reason": reason})
        .groupby(["year", "reason"], dropna=False)
        .size()
        .rename("graduates")
        .reset_index()
    )
    counts["included"] = counts["reason"].map({r: v[0] for r, v in SAMPLE_REASONS.items()})
    counts["label"] = counts["reason"].map({r: v[1] for r, v in SAMPLE_REASONS.items()})
    counts["_order"] = counts["reason"].map({r: i for i, r in enumerate(SAMPLE_REASONS)})
    counts = counts.sort_values(["year", "_order"]).reset_index(drop=True)
    return counts[["year", "reason", "included", "label", "graduates"]].astype(
        {"year": "str", "reason": "str", "included": "bool", "label": "str", "graduates": "int64"}
    )


def _admitted_resolved_reason(aligned: pd.DataFrame) -> pd.Series:
    admitted = aligned["destination"].isin(ADMITTED_DESTINATIONS).fillna(False).astype(bool)
    resolved = aligned["specialty_code"].notna()
    return pd.Series(
        np.select([~admitted, ~resolved], ["not_admitted", "unresolved"], "included"),
        index=aligned.index,
    )


def supply_demand(
    aligned: pd.DataFrame,
    demand: pd.DataFrame,
    classifier: Classifier,
) -> Analysis:
    """Graduates entering each in-demand group (УГС) against the vacancies, by territory.

    Parameters
    ----------
    aligned : DataFrame
        Output of :func:`align_graduates` (any number of years).
    demand : DataFrame
        The demand list.
    classifier : Classifier
        The ОКСО classifier (codes and group names).

    Returns
    -------
    Analysis
        ``table``: one row per (year of ``aligned``, territory, group) that the demand list
        names for that year (a code entry counts in its group), columns ``year, territory,
        ugs_code, ugs_name, demand_entries`` (entries of the list), ``vacancies`` (Int64, sum
        over entries that give them, ``<NA>`` if none does), ``entries_without_vacancies``,
        ``graduates_entered`` (spo/vo graduates of the year whose specialty is in the group),
        ``graduates_on_list`` (those whose specialty is on *this territory's* list: the code
        itself, or the whole group), ``gap`` (``vacancies - graduates_on_list``, Int64).
        ``sample``: counted are spo/vo graduates with a resolved specialty; left out are those
        who did not enter a college or university and those whose specialty is unresolved.

    Notes
    -----
    Demand entries for a year that is not in ``aligned`` are not shown. Vacancies are openings
    now, graduates enter study for 2–4 years: the gap is a direction, not a forecast.
    """
    dem = _prepare_demand(demand, classifier)
    reason = _admitted_resolved_reason(aligned)
    sample = _sample(aligned, reason)
    counted = aligned.loc[reason == "included", ["year", "canonical_code", "ugs_code"]].astype(
        "str"
    )
    years = pd.DataFrame({"year": sorted(aligned["year"].dropna().unique())}, dtype="str")
    per_year = years.merge(dem, how="cross")
    per_year = per_year[
        per_year["demand_year"].isna() | (per_year["demand_year"] == per_year["year"])
    ]
    keys = ["year", "territory", "ugs_code"]
    table = (
        per_year.groupby(keys, sort=False)
        .agg(
            demand_entries=("level", "size"),
            vacancies=("vacancies", lambda s: s.sum(min_count=1)),
            entries_without_vacancies=("vacancies", lambda s: int(s.isna().sum())),
        )
        .reset_index()
    )
    entered = counted.groupby(["year", "ugs_code"]).size().rename("graduates_entered")
    table = table.merge(entered.reset_index(), on=["year", "ugs_code"], how="left")
    on_list_parts = []
    for terr in TERRITORIES:
        flag = aligned.loc[reason == "included", f"on_{terr}_list"].fillna(False).astype(bool)
        on_list_parts.append(
            counted[flag.to_numpy()].groupby(["year", "ugs_code"]).size()
            .rename("graduates_on_list").reset_index().assign(territory=terr))
    on_list = pd.concat(on_list_parts, ignore_index=True)
    table = table.merge(on_list, on=keys, how="left")
    for col in ("graduates_entered", "graduates_on_list"):
        table[col] = table[col].fillna(0).astype("int64")
    table["vacancies"] = table["vacancies"].astype("Int64")
    table["entries_without_vacancies"] = table["entries_without_vacancies"].astype("int64")
    table["gap"] = (table["vacancies"] - table["graduates_on_list"]).astype("Int64")
    table["ugs_name"] = classifier.group_name(table["ugs_code"])
    table["_t"] = table["territory"].map({t: i for i, t in enumerate(TERRITORIES)})
    table = table.sort_values(["year", "_t", "ugs_code"]).reset_index(drop=True)
    cols = [
        "year",
        "territory",
        "ugs_code",
        "ugs_name",
        "demand_entries",
        "vacancies",
        "entries_without_vacancies",
        "graduates_entered",
        "graduates_on_list",
        "gap",
    ]
    table = table[cols].astype(
        {"year": "str", "territory": "str", "ugs_code": "str", "demand_entries": "int64"}
    )
    return Analysis(table=table, sample=sample)


def profile_flows(aligned: pd.DataFrame, classifier: Classifier) -> Analysis:
    """Flows from study profile to the group (УГС) entered.

    Parameters
    ----------
    aligned : DataFrame
        Output of :func:`align_graduates`.
    classifier : Classifier
        For the group names.

    Returns
    -------
    Analysis
        ``table``: ``year, profile, ugs_code, ugs_name, graduates, share`` (of the profile's
        counted graduates that year), ``by_profile`` (boolean: the group is one of the profile's
        groups; ``<NA>`` for an unchecked or empty profile). A graduate without a profile is
        counted under ``profile`` ``<NA>``. ``sample``: counted are spo/vo graduates with a
        resolved specialty; left out are those who did not enter a college or university and
        those whose specialty is unresolved.
    """
    reason = _admitted_resolved_reason(aligned)
    sample = _sample(aligned, reason)
    rows = aligned.loc[reason == "included"]
    table = (
        rows.groupby(["year", "profile", "ugs_code"], dropna=False, sort=True)
        .agg(graduates=("ugs_code", "size"), by_profile=("profile_aligned", "first"))
        .reset_index()
    )
    totals = table.groupby(["year", "profile"], dropna=False)["graduates"].transform("sum")
    table["share"] = table["graduates"] / totals
    table["ugs_name"] = classifier.group_name(table["ugs_code"])
    table = table[["year", "profile", "ugs_code", "ugs_name", "graduates", "share", "by_profile"]]
    return Analysis(
        table=table.astype(
            {
                "year": "str",
                "profile": "str",
                "ugs_code": "str",
                "graduates": "int64",
                "share": "float64",
                "by_profile": _BOOL,
            }
        ),
        sample=sample,
    )


def classify_study_region(
    regions: pd.Series,
    places: Mapping[str, Sequence[str]] | None = None,
) -> pd.Series:
    """Map free-text ``study_region`` to a location.

    Parameters
    ----------
    regions : Series of str
        As typed; missing values allowed.
    places : mapping, optional
        The district's own place names (word stems, case-insensitive), checked before the
        generic words of :data:`STUDY_REGION_PATTERNS`, e.g.
        ``{"district": ["воткинск"], "republic": ["удмурт", "ижевск", "сарапул"],
        "elsewhere": ["татарстан", "пермь"]}``. Keys are ``district``, ``republic``,
        ``elsewhere``.

    Returns
    -------
    Series of str
        Same index: ``district``, ``republic``, ``elsewhere``, ``unknown`` (nothing typed, or
        «не известно»), or ``unrecognised`` (text that matches nothing).
    """
    rules: list[tuple[str, re.Pattern[str]]] = []
    for location, stems in (places or {}).items():
        if location not in ("district", "republic", "elsewhere"):
            raise ValueError(f"unknown study location {location!r}")
        stems = [normalise_key(s) for s in stems if str(s).strip()]
        if stems:
            rules.append((location, re.compile("|".join(re.escape(s) for s in stems))))
    unknown_rule = [(loc, re.compile(p)) for loc, p in STUDY_REGION_PATTERNS if loc == "unknown"]
    generic = [(loc, re.compile(p)) for loc, p in STUDY_REGION_PATTERNS if loc != "unknown"]
    ordered = [*unknown_rule, *rules, *generic]

    def classify(text: str) -> str:
        key = normalise_key(text)
        if not key:
            return "unknown"
        for location, pattern in ordered:
            if pattern.search(key):
                return location
        return "unrecognised"

    regions = pd.Series(regions)
    codes, uniques = pd.factorize(regions.astype("object"), use_na_sentinel=True)
    mapped = np.array([classify(u) for u in uniques] + ["unknown"], dtype=object)
    return pd.Series(mapped[codes], index=regions.index, dtype="str")


def study_location(
    aligned: pd.DataFrame,
    places: Mapping[str, Sequence[str]] | None = None,
) -> Analysis:
    """Where the graduates who entered a college or university study.

    Parameters
    ----------
    aligned : DataFrame
        Output of :func:`align_graduates` (uses ``destination`` and ``study_region``).
    places : mapping, optional
        The district's place names, see :func:`classify_study_region`.

    Returns
    -------
    Analysis
        ``table``: ``year, location, label, graduates, share`` for every location of
        :data:`STUDY_LOCATIONS` (zeros included); shares are of all spo/vo graduates of the
        year, unknown included, so they add up to 1. ``sample``: counted are all spo/vo
        graduates (whether or not the specialty is resolved); within them ``region_unknown``
        (nothing typed) and ``region_unrecognised`` (text that matches no rule) are counted as
        ``unknown``; left out are graduates who did not enter a college or university.
        ``details["unrecognised"]``: ``study_region, graduates`` — the unrecognised texts, to
        add to ``places``.
    """
    admitted = aligned["destination"].isin(ADMITTED_DESTINATIONS).fillna(False).astype(bool)
    raw = classify_study_region(aligned["study_region"], places)
    empty = aligned["study_region"].isna() | (raw == "unknown")
    reason = pd.Series(
        np.select(
            [~admitted, raw == "unrecognised", empty],
            ["not_admitted", "region_unrecognised", "region_unknown"],
            "included",
        ),
        index=aligned.index,
    )
    location = raw.replace("unrecognised", "unknown")
    rows = admitted
    years = sorted(aligned["year"].dropna().unique())
    grid = pd.MultiIndex.from_product([years, STUDY_LOCATIONS], names=["year", "location"])
    counts = (
        pd.DataFrame({"year": aligned.loc[rows, "year"], "location": location[rows]})
        .groupby(["year", "location"])
        .size()
        .reindex(grid, fill_value=0)
        .rename("graduates")
        .reset_index()
    )
    totals = counts.groupby("year")["graduates"].transform("sum")
    counts["share"] = (counts["graduates"] / totals.where(totals > 0)).astype("float64")
    counts["label"] = counts["location"].map(STUDY_LOCATION_LABELS)
    table = counts[["year", "location", "label", "graduates", "share"]].astype(
        {"year": "str", "location": "str", "label": "str", "graduates": "int64"}
    )
    unrec = (
        aligned.loc[rows & (raw == "unrecognised"), "study_region"]
        .value_counts()
        .rename("graduates")
        .rename_axis("study_region")
        .reset_index()
    )
    return Analysis(
        table=table,
        sample=_sample(aligned, reason),
        details={"unrecognised": unrec.astype({"study_region": "str", "graduates": "int64"})},
    )


__all__ = [
    "ADMITTED_BY_PROFILE",
    "ALIGNMENT_COLUMNS",
    "Analysis",
    "DEMAND_LEVELS",
    "EGE_PROFILE_MATCH",
    "EXTRA_COLUMNS",
    "GRADUATE_INDICATORS",
    "GRADUATE_INDICATOR_GRADES",
    "IN_DEMAND_CHOICE",
    "RESOLUTION_COLUMNS",
    "SAMPLE_REASONS",
    "STUDY_LOCATIONS",
    "STUDY_REGION_PATTERNS",
    "TERRITORIES",
    "align_graduates",
    "classify_study_region",
    "demand_covers",
    "graduate_indicator_counts",
    "profile_flows",
    "study_location",
    "supply_demand",
]
