"""proforient.compute.alignment: the per-graduate table, the indicator counts, the analyses.

Inputs are canonical (the loader's aliases for profiles, subjects and destinations are tested
with the loader). Frames are built by hand; expected values are worked out in comments.
"""

from __future__ import annotations

import pandas as pd
import pytest

from proforient.compute.alignment import (
    ALIGNMENT_COLUMNS,
    EXTRA_COLUMNS,
    SAMPLE_REASONS,
    STUDY_LOCATIONS,
    align_graduates,
    classify_study_region,
    graduate_indicator_counts,
    profile_flows,
    study_location,
    supply_demand,
)
from proforient.compute.specialties import review_list
from proforient.parameters.aliases import load_aliases
from proforient.parameters.classifier import load_classifier
from proforient.parameters.rules import Profile, Rules

YEAR = "2021-2022"

# The default rules (docs/data-contract.md, «profiles.yaml»), written out so the tests do not
# depend on the district's YAML.
_GROUPS = {
    "technological": "01 02 03 07 08 09 10 11 12 13 14 15 16 17 20 21 22 23 24 25 26 27 28 29",
    "natural_science": "04 05 06 18 19 30 31 32 33 34 35 36",
    "agrotechnological": "05 06 19 20 35 36",
    "socio_economic": "37 38 39 40 41 42 43",
    "humanities": "39 40 41 42 44 45 46 47 48 49 50 51 52 53 54 55",
    "universal": "",
}
_EGE = {
    "technological": ({"math_profile"}, {"physics", "informatics"}),
    "natural_science": (set(), {"chemistry", "biology"}),
    "agrotechnological": (set(), {"biology", "chemistry", "math_profile"}),
    "socio_economic": (
        {"math_profile"},
        {"social_studies", "geography", "foreign_language", "informatics"},
    ),
    "humanities": (set(), {"history", "social_studies", "literature", "foreign_language"}),
    "universal": (set(), set()),
}


@pytest.fixture(scope="module")
def rules() -> Rules:
    profiles = {
        code: Profile(
            code,
            code,
            (),
            code != "universal",
            frozenset(_GROUPS[code].split()),
            frozenset(_EGE[code][0]),
            frozenset(_EGE[code][1]),
        )
        for code in _GROUPS
    }
    return Rules(profiles=profiles, fuzzy_accept=90.0, fuzzy_review=80.0)


@pytest.fixture(scope="module")
def classifier():
    return load_classifier()


@pytest.fixture
def aliases(tmp_path, classifier):
    path = tmp_path / "specialty_aliases.csv"
    path.write_text("alias,code,comment\nТО автомобилей,23.02.07,\n", encoding="utf-8")
    return load_aliases(path, classifier)


def graduates(rows: list[dict]) -> pd.DataFrame:
    defaults = {
        "year": YEAR,
        "org_id": "sch-01",
        "grade": 9,
        "profile": None,
        "ege_subjects": None,
        "destination": "spo",
        "institution": None,
        "specialty_code": None,
        "specialty_name": None,
        "study_region": None,
    }
    frame = pd.DataFrame(
        [{**defaults, "graduate_id": f"g{i + 1}", **r} for i, r in enumerate(rows)]
    )
    frame["grade"] = frame["grade"].astype("Int64")
    for col in frame.columns.drop("grade"):
        frame[col] = frame[col].astype("str")
    return frame


def demand(rows: list[tuple]) -> pd.DataFrame:
    """Rows of (territory, code, year, vacancies)."""
    frame = pd.DataFrame(rows, columns=["territory", "code", "year", "vacancies"])
    frame["title"] = "—"
    frame["source"] = None
    frame["vacancies"] = frame["vacancies"].astype("Int64")
    for col in ("territory", "code", "year", "title", "source"):
        frame[col] = frame[col].astype("str")
    return frame


def values(series: pd.Series) -> list:
    """The values as a list with every missing value as None (comparable with ==)."""
    return [None if pd.isna(x) else x for x in series]


def align(g, d, rules, classifier, aliases):
    return align_graduates(g, d, rules, classifier, aliases)


NO_DEMAND = demand([])


# --- the per-graduate table ------------------------------------------------------------------


def test_columns_dtypes_and_purity(rules, classifier, aliases):
    g = graduates([{"specialty_code": "15.02.16", "profile": "technological"}])
    d = demand([("district", "15.02.16", None, 3)])
    g_before, d_before = g.copy(), d.copy()
    a = align(g, d, rules, classifier, aliases)
    pd.testing.assert_frame_equal(g, g_before)
    pd.testing.assert_frame_equal(d, d_before)
    assert a.columns.tolist() == [*ALIGNMENT_COLUMNS, *EXTRA_COLUMNS]
    for col in ("profile_aligned", "ege_aligned", "in_demand"):
        assert a[col].dtype == "boolean"
    assert a["match_score"].dtype == "Float64"
    assert a.index.equals(g.index)


@pytest.mark.parametrize(
    ("graduate_code", "demand_code"),
    [
        ("15.02.08", "15.02.16"),
        ("15.02.16", "15.02.08"),
        ("15.02.08", "15.02.08"),
        ("15.02.16", "15.02.16"),
    ],
)
def test_either_revision_matches_either_side(
    rules, classifier, aliases, graduate_code, demand_code
):
    g = graduates([{"specialty_code": graduate_code, "profile": "technological"}])
    a = align(g, demand([("republic", demand_code, None, None)]), rules, classifier, aliases)
    row = a.iloc[0]
    assert row["in_demand"] and row["demand_level"] == "code"
    assert row["demand_territory"] == "republic"
    assert row["ugs_code"] == "15.00.00" and row["canonical_code"] == "15.02.16"
    assert row["specialty_code"] == graduate_code  # the given code is kept as given
    assert row["profile_aligned"]


def test_group_entry_matches_every_specialty_of_the_group(rules, classifier, aliases):
    g = graduates([{"specialty_code": "34.02.01"}, {"specialty_code": "31.02.01"}])
    a = align(g, demand([("district", "34.00.00", None, None)]), rules, classifier, aliases)
    assert a["in_demand"].tolist() == [True, False]
    assert a.loc[0, "demand_level"] == "group" and pd.isna(a.loc[1, "demand_level"])


def test_code_match_beats_group_match(rules, classifier, aliases):
    # A code match wins even from the republic over a district group entry
    # (docs/indicators.md, «Востребованность»).
    d = demand([("district", "15.00.00", None, None), ("republic", "15.02.16", None, None)])
    a = align(graduates([{"specialty_code": "15.02.08"}]), d, rules, classifier, aliases)
    assert (a.loc[0, "demand_level"], a.loc[0, "demand_territory"]) == ("code", "republic")


def test_district_beats_republic(rules, classifier, aliases):
    d = demand(
        [
            ("republic", "15.02.16", None, None),
            ("district", "15.02.08", None, None),
            ("republic", "15.00.00", None, None),
            ("district", "15.00.00", None, None),
        ]
    )
    a = align(graduates([{"specialty_code": "15.02.16"}]), d, rules, classifier, aliases)
    assert (a.loc[0, "demand_level"], a.loc[0, "demand_territory"]) == ("code", "district")
    d = demand([("republic", "15.00.00", None, None), ("district", "15.00.00", None, None)])
    a = align(graduates([{"specialty_code": "15.02.16"}]), d, rules, classifier, aliases)
    assert (a.loc[0, "demand_level"], a.loc[0, "demand_territory"]) == ("group", "district")


def test_demand_year_filter(rules, classifier, aliases):
    g = graduates(
        [
            {"specialty_code": "34.02.01", "year": "2020-2021"},
            {"specialty_code": "34.02.01", "year": "2021-2022"},
            {"specialty_code": "15.02.16", "year": "2020-2021"},
        ]
    )
    d = demand(
        [
            ("district", "34.02.01", "2021-2022", None),  # this year only
            ("republic", "15.02.16", None, None),
        ]
    )  # every year
    a = align(g, d, rules, classifier, aliases)
    assert a["in_demand"].tolist() == [False, True, True]


def test_profile_alignment(rules, classifier, aliases):
    g = graduates(
        [
            {"profile": "technological", "specialty_code": "15.02.16"},  # 15 in technological
            {"profile": "technological", "specialty_code": "34.02.01"},  # 34 is not
            {"profile": "natural_science", "specialty_code": "34.02.01"},
            {"profile": "universal", "specialty_code": "34.02.01"},  # not checked
            {"profile": None, "specialty_code": "34.02.01"},  # no profile
            {"profile": "socio_economic", "specialty_code": "19.01.17"},  # old code → group 43
            {"profile": "technological", "specialty_name": "колледж"},  # unresolved
        ]
    )
    a = align(g, NO_DEMAND, rules, classifier, aliases)
    assert values(a["profile_aligned"]) == [True, False, True, None, None, True, False]


def test_ege_alignment(rules, classifier, aliases):
    g = graduates(
        [
            {
                "grade": 11,
                "profile": "technological",
                "ege_subjects": "math_profile;physics;russian",
            },
            {"grade": 11, "profile": "technological", "ege_subjects": "math_base;physics;russian"},
            {
                "grade": 11,
                "profile": "humanities",
                "ege_subjects": "russian, history",
                "destination": "army",
            },  # checked whatever destination
            {
                "grade": 11,
                "profile": "natural_science",
                "ege_subjects": None,
                "destination": "work",
            },  # nothing recorded → False
            {"grade": 11, "profile": "universal", "ege_subjects": "math_profile;physics"},
            {"grade": 11, "profile": None, "ege_subjects": "math_profile;physics"},
            {"grade": 9, "profile": "technological", "ege_subjects": None},
        ]
    )
    a = align(g, NO_DEMAND, rules, classifier, aliases)
    assert values(a["ege_aligned"]) == [True, False, True, False, None, None, None]


@pytest.mark.parametrize("destination", ["school", "work", "army", "other", "unknown"])
def test_not_admitted_graduates_are_not_applicable(rules, classifier, aliases, destination):
    g = graduates(
        [{"destination": destination, "profile": "technological", "specialty_code": "15.02.16"}]
    )
    a = align(g, demand([("district", "15.02.16", None, None)]), rules, classifier, aliases)
    row = a.iloc[0]
    assert pd.isna(row["profile_aligned"]) and pd.isna(row["in_demand"])
    assert pd.isna(row["demand_territory"]) and pd.isna(row["demand_level"])


def test_unresolved_admitted_graduate_stays_in_the_denominators(rules, classifier, aliases):
    g = graduates(
        [
            {"profile": "technological", "specialty_name": "не знаю"},
            {"profile": "technological", "destination": "vo"},
        ]
    )
    a = align(g, demand([("district", "15.00.00", None, None)]), rules, classifier, aliases)
    assert a["resolved_by"].tolist() == ["unresolved", "unresolved"]
    assert a["profile_aligned"].tolist() == [False, False]
    assert a["in_demand"].tolist() == [False, False]
    assert review_list(a)["graduates"].sum() == 2


def test_empty_input(rules, classifier, aliases):
    a = align(graduates([{}]).iloc[0:0], NO_DEMAND, rules, classifier, aliases)
    assert a.empty and a.columns.tolist() == [*ALIGNMENT_COLUMNS, *EXTRA_COLUMNS]
    counts = graduate_indicator_counts(a, rules)
    assert counts.empty


# --- the three indicators on a hand-made school ----------------------------------------------

# sch-01, 2021-2022, eight graduates; demand list below (SCHOOL_DEMAND).
#
#   g  grade profile          ЕГЭ                          destination, specialty
#   1  11    technological    math_profile;physics;russian spo, code 15.02.08
#   2  11    technological    russian;math_base;social     vo, «Экономика» → 38.03.01 (exact)
#   3  11    socio_economic   math_profile;social;russian  army
#   4  11    universal        russian;math_base            vo, «сестринкое дело» → 34.03.01
#   5   9    natural_science  —                            spo, «колледж» → unresolved
#   6   9    technological    —                            spo, «ТО автомобилей» → 23.02.07 (alias)
#   7   9    —                —                            school
#   8  11    natural_science  —                            work
#
#   g  profile_aligned   ege_aligned            in_demand
#   1  True (15)         True                   True  (15.02.16, district, code)
#   2  False (38)        False (no math_prof.)  False (38.03.01 is listed for 2020-2021 only)
#   3  NA (army)         True                   NA
#   4  NA (universal)    NA (universal)         True  (34.00.00, republic, group)
#   5  False (unres.)    NA (grade 9)           False (unresolved)
#   6  True (23)         NA (grade 9)           True  (23.02.03 ↔ 23.02.07, republic, code)
#   7  NA                NA                     NA
#   8  NA (work)         False (nothing chosen) NA
#
# admitted_by_profile_share: den = spo/vo with a checked profile = g1 g2 g5 g6 = 4 (g4 is
#   universal); num = g1 g6 = 2.
# ege_profile_match_share: den = grade 11 with a checked profile = g1 g2 g3 g8 = 4;
#   num = g1 g3 = 2.
# in_demand_choice_share: den = all graduates of grades 9 and 11 = 8; num = g1 g4 g6 = 3.
#
# sch-02 has two graduates, neither admitted nor with a checked profile: 0/0, 0/0, 0/2.

SCHOOL = [
    {
        "grade": 11,
        "profile": "technological",
        "ege_subjects": "math_profile;physics;russian",
        "specialty_code": "15.02.08",
    },
    {
        "grade": 11,
        "profile": "technological",
        "ege_subjects": "russian;math_base;social_studies",
        "destination": "vo",
        "specialty_name": "Экономика",
    },
    {
        "grade": 11,
        "profile": "socio_economic",
        "ege_subjects": "math_profile;social_studies;russian",
        "destination": "army",
    },
    {
        "grade": 11,
        "profile": "universal",
        "ege_subjects": "russian;math_base",
        "destination": "vo",
        "specialty_name": "сестринкое дело",
    },
    {"grade": 9, "profile": "natural_science", "specialty_name": "колледж"},
    {"grade": 9, "profile": "technological", "specialty_name": "ТО автомобилей"},
    {"grade": 9, "destination": "school"},
    {"grade": 11, "profile": "natural_science", "destination": "work"},
    {"org_id": "sch-02", "grade": 9, "profile": "universal", "destination": "school"},
    {"org_id": "sch-02", "grade": 11, "profile": "universal", "destination": "work"},
]
SCHOOL_DEMAND = [
    ("district", "15.02.16", None, 4),
    ("republic", "34.00.00", YEAR, None),
    ("republic", "23.02.03", None, 10),
    ("district", "38.03.01", "2020-2021", 2),
]


@pytest.fixture
def school(rules, classifier, aliases):
    return align(graduates(SCHOOL), demand(SCHOOL_DEMAND), rules, classifier, aliases)


def test_school_per_graduate(school):
    a = school.iloc[:8]
    assert values(a["resolved_by"]) == [
        "code",
        "exact",
        None,
        "fuzzy",
        "unresolved",
        "alias",
        None,
        None,
    ]
    assert values(a["profile_aligned"]) == [True, False, None, None, False, True, None, None]
    assert values(a["ege_aligned"]) == [True, False, True, None, None, None, None, False]
    assert values(a["in_demand"]) == [True, False, None, True, False, True, None, None]
    assert values(a["demand_territory"])[:6] == [
        "district",
        None,
        None,
        "republic",
        None,
        "republic",
    ]
    assert values(a["demand_level"])[:6] == ["code", None, None, "group", None, "code"]


def test_school_indicator_counts(school, rules):
    counts = graduate_indicator_counts(school, rules)
    expected = pd.DataFrame(
        {
            "year": [YEAR] * 6,
            "org_id": ["sch-01"] * 3 + ["sch-02"] * 3,
            "indicator_id": [
                "admitted_by_profile_share",
                "ege_profile_match_share",
                "in_demand_choice_share",
            ]
            * 2,
            "numerator": [2, 2, 3, 0, 0, 0],
            "denominator": [4, 4, 8, 0, 0, 2],
        }
    ).astype({"year": "str", "org_id": "str", "indicator_id": "str", "numerator": "Int64"})
    pd.testing.assert_frame_equal(counts, expected)


def test_no_demand_list_is_no_data_not_zero(rules, classifier, aliases):
    # three college entrants of 2021-2022, one on the 2020-2021 list only: the list does not
    # cover 2021-2022, so whether they chose an in-demand specialty is unknown, not "no"
    g = graduates([{"specialty_code": "15.02.16"}, {"specialty_code": "34.02.01"},
                   {"destination": "school"}])
    for d in (NO_DEMAND, demand([("district", "15.02.16", "2020-2021", None)])):
        a = align(g, d, rules, classifier, aliases)
        assert values(a["in_demand"]) == [None, None, None]
        counts = graduate_indicator_counts(a, rules).set_index("indicator_id")
        assert pd.isna(counts.at["in_demand_choice_share", "numerator"])
        assert counts.at["in_demand_choice_share", "denominator"] == 3
    # an entry for the year (or for every year) covers it: then "not on the list" is a real 0
    for year in (YEAR, None):
        a = align(g, demand([("district", "01.02.03", year, None)]), rules, classifier, aliases)
        assert values(a["in_demand"]) == [False, False, None]
        counts = graduate_indicator_counts(a, rules).set_index("indicator_id")
        assert counts.at["in_demand_choice_share", "numerator"] == 0


def test_no_demand_list_is_no_data_even_where_nobody_was_admitted(rules, classifier, aliases):
    # two graduates went on to grade 10: with a list "0 of 2" is a fact; without one it is not
    # known, and the district's value must not be pooled from such schools alone
    g = graduates([{"destination": "school"}, {"destination": "school"}])
    counts = graduate_indicator_counts(align(g, NO_DEMAND, rules, classifier, aliases), rules)
    row = counts.set_index("indicator_id").loc["in_demand_choice_share"]
    assert pd.isna(row["numerator"]) and row["denominator"] == 2
    listed = demand([("district", "01.02.03", YEAR, None)])
    counts = graduate_indicator_counts(align(g, listed, rules, classifier, aliases), rules)
    assert counts.set_index("indicator_id").at["in_demand_choice_share", "numerator"] == 0


def test_counts_are_per_year(rules, classifier, aliases):
    g = graduates(
        [
            {"year": "2020-2021", "specialty_code": "15.02.16"},
            {"year": "2021-2022", "specialty_code": "15.02.16"},
            {"year": "2021-2022", "destination": "school"},
        ]
    )
    a = align(g, demand([("district", "15.02.16", None, None)]), rules, classifier, aliases)
    counts = graduate_indicator_counts(a, rules)
    demand_rows = counts[counts["indicator_id"] == "in_demand_choice_share"]
    assert demand_rows[["year", "numerator", "denominator"]].values.tolist() == [
        ["2020-2021", 1, 1],
        ["2021-2022", 1, 2],
    ]


# --- analyses --------------------------------------------------------------------------------


def _sample_accounts_for_everyone(result, aligned):
    per_year = result.sample.groupby("year")["graduates"].sum()
    assert per_year.to_dict() == aligned["year"].value_counts().to_dict()
    assert set(result.sample["reason"]) <= set(SAMPLE_REASONS)


def test_supply_demand(school, classifier):
    result = supply_demand(school, demand(SCHOOL_DEMAND), classifier)
    t = result.table
    # The 2020-2021 entry (38.03.01) is not shown for 2021-2022.
    assert t[["territory", "ugs_code"]].values.tolist() == [
        ["district", "15.00.00"],
        ["republic", "23.00.00"],
        ["republic", "34.00.00"],
    ]
    assert values(t["vacancies"]) == [4, 10, None]
    assert t["entries_without_vacancies"].tolist() == [0, 0, 1]
    assert t["graduates_entered"].tolist() == [1, 1, 1]  # g1 → 15, g6 → 23, g4 → 34
    assert t["graduates_on_list"].tolist() == [1, 1, 1]
    assert values(t["gap"]) == [3, 9, None]
    assert t["ugs_name"].tolist()[0] == "Машиностроение"
    _sample_accounts_for_everyone(result, school)
    s = result.sample.set_index(["year", "reason"])["graduates"]
    # Counted: g1 g2 g4 g6 (admitted, resolved); g5 unresolved; the rest not admitted.
    assert s[(YEAR, "included")] == 4 and s[(YEAR, "unresolved")] == 1
    assert s[(YEAR, "not_admitted")] == 5


def test_supply_demand_counts_each_territory_separately(rules, classifier, aliases):
    g = graduates([{"specialty_code": "15.02.16"}, {"specialty_code": "15.02.19"}])
    d = demand([("district", "15.02.16", None, 5), ("republic", "15.00.00", None, 7)])
    t = supply_demand(align(g, d, rules, classifier, aliases), d, classifier).table
    rows = t.set_index("territory")
    assert rows.loc["district", "graduates_entered"] == 2
    assert rows.loc["district", "graduates_on_list"] == 1  # only 15.02.16 is on its list
    assert rows.loc["republic", "graduates_on_list"] == 2  # the whole group


def test_profile_flows(school, classifier):
    result = profile_flows(school, classifier)
    t = result.table
    # Counted g1 (tech → 15), g2 (tech → 38), g4 (universal → 34), g6 (tech → 23).
    assert t[["profile", "ugs_code", "graduates"]].values.tolist() == [
        ["technological", "15.00.00", 1],
        ["technological", "23.00.00", 1],
        ["technological", "38.00.00", 1],
        ["universal", "34.00.00", 1],
    ]
    assert t["share"].round(4).tolist() == [0.3333, 0.3333, 0.3333, 1.0]
    assert values(t["by_profile"]) == [True, True, False, None]
    _sample_accounts_for_everyone(result, school)


@pytest.mark.parametrize(
    ("text", "location"),
    [
        ("район", "district"),
        ("В районе", "district"),
        ("Воткинский р-н", "district"),
        ("Воткинский район Удмуртской Республики", "district"),
        ("муниципальный округ", "district"),
        ("республика", "republic"),
        ("УР", "republic"),
        ("Удмуртская Республика", "republic"),
        ("в регионе", "republic"),
        ("другой район республики", "republic"),
        ("за пределами республики", "elsewhere"),
        ("другой регион", "elsewhere"),
        ("Пермский край", "elsewhere"),
        ("Кировская область", "elsewhere"),
        ("г. Москва", "elsewhere"),
        ("Санкт-Петербург", "elsewhere"),
        ("не известно", "unknown"),
        ("", "unknown"),
        (None, "unknown"),
        ("-", "unknown"),
        ("Ижевск", "unrecognised"),
        ("Казань", "unrecognised"),
    ],
)
def test_classify_study_region(text, location):
    got = classify_study_region(pd.Series([text], dtype="str"))
    assert got.tolist() == [location]


def test_classify_study_region_with_places():
    places = {"district": ["Воткинск"], "republic": ["ижевск", "удмурт"], "elsewhere": ["казань"]}
    got = classify_study_region(pd.Series(["г. Воткинск", "Ижевск", "Казань", "район"]), places)
    assert got.tolist() == ["district", "republic", "elsewhere", "district"]
    with pytest.raises(ValueError):
        classify_study_region(pd.Series(["x"]), {"moon": ["x"]})


def test_study_location(rules, classifier, aliases):
    g = graduates(
        [
            {"study_region": "район"},
            {"study_region": "Воткинский район"},
            {"study_region": "УР", "destination": "vo"},
            {"study_region": "Москва"},
            {"study_region": None},
            {"study_region": "Ижевск"},
            {"study_region": "район", "destination": "school"},  # not studying: left out
        ]
    )
    a = align(g, NO_DEMAND, rules, classifier, aliases)
    result = study_location(a)
    t = result.table.set_index("location")
    assert t.index.tolist() == list(STUDY_LOCATIONS)
    assert t["graduates"].tolist() == [2, 1, 1, 2]  # Ижевск → unknown (unrecognised)
    assert t["share"].tolist() == pytest.approx([2 / 6, 1 / 6, 1 / 6, 2 / 6])
    assert result.details["unrecognised"].values.tolist() == [["Ижевск", 1]]
    s = result.sample.set_index("reason")["graduates"]
    assert s.to_dict() == {
        "included": 4,
        "region_unknown": 1,
        "region_unrecognised": 1,
        "not_admitted": 1,
    }
    _sample_accounts_for_everyone(result, a)
    with_places = study_location(a, places={"republic": ["ижевск"]}).table
    assert with_places.set_index("location")["graduates"].tolist() == [2, 2, 1, 1]


def test_any_index_is_kept(rules, classifier, aliases):
    g = graduates(
        [
            {"specialty_code": "15.02.16", "profile": "technological"},
            {"destination": "school"},
            {
                "grade": 11,
                "profile": "technological",
                "ege_subjects": "math_profile;physics",
                "specialty_name": "сестринкое дело",
            },
        ]
    ).set_axis([10, 3, 7])
    a = align(g, demand([("district", "34.00.00", None, None)]), rules, classifier, aliases)
    assert a.index.tolist() == [10, 3, 7]
    assert values(a["graduate_id"]) == ["g1", "g2", "g3"]
    assert values(a["profile_aligned"]) == [True, None, False]
    assert values(a["ege_aligned"]) == [None, None, True]
    assert values(a["in_demand"]) == [False, None, True]


def test_pd_na_strings_give_the_same_result(rules, classifier, aliases, school):
    # The loader may hand over "string" columns (pd.NA) instead of the default "str" (NaN).
    g = graduates(SCHOOL)
    g = g.astype({c: "string" for c in g.columns if c != "grade"})
    d = demand(SCHOOL_DEMAND).astype({"territory": "string", "code": "string", "year": "string"})
    a = align(g, d, rules, classifier, aliases)
    for col in ("resolved_by", "profile_aligned", "ege_aligned", "in_demand", "demand_level"):
        assert values(a[col]) == values(school[col])
    pd.testing.assert_frame_equal(
        graduate_indicator_counts(a, rules), graduate_indicator_counts(school, rules)
    )
