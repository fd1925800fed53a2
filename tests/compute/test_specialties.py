"""Specialty names: normalisation, the classifier, resolution, the review list."""

from __future__ import annotations

import pandas as pd
import pytest
from rapidfuzz import fuzz

import proforient.compute.specialties as sp
from proforient.compute.specialties import (
    resolve_names,
    resolve_specialties,
    review_list,
    similarity,
)
from proforient.parameters.aliases import check_aliases, load_aliases
from proforient.parameters.classifier import Classifier, load_classifier, normalise_name
from proforient.parameters.rules import Profile, Rules
from proforient.paths import parameters_dir
from proforient.problems import InputError

ACCEPT, REVIEW = 90.0, 80.0


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return load_classifier()


@pytest.fixture
def alias_file(tmp_path):
    """A district alias table as Russian Excel writes it: BOM, semicolons."""
    path = tmp_path / "specialty_aliases.csv"
    path.write_text(
        "\ufeffalias;code;comment\n"
        "ТО автомобилей;23.02.07;техобслуживание\n"
        "техмаш;15.02.16;Технология машиностроения\n"
        "медсестра;34.02.01;Сестринское дело\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def aliases(alias_file, classifier):
    return load_aliases(alias_file, classifier)


def make_rules() -> Rules:
    def profile(code, checked=True):
        return Profile(code, code, (), checked, frozenset(), frozenset(), frozenset())

    return Rules(
        profiles={
            "technological": profile("technological"),
            "universal": profile("universal", checked=False),
        },
        fuzzy_accept=ACCEPT,
        fuzzy_review=REVIEW,
    )


def graduates(rows: list[dict]) -> pd.DataFrame:
    """A graduates frame as the loader gives it; unspecified columns are empty."""
    defaults = {
        "year": "2021-2022",
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
    frame = pd.DataFrame([{**defaults, "graduate_id": f"g{i}", **r} for i, r in enumerate(rows)])
    frame["grade"] = frame["grade"].astype("Int64")
    for col in frame.columns.drop("grade"):
        frame[col] = frame[col].astype("str")
    return frame


# --- normalisation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("  ТЕХНОЛОГИЯ   МАШИНОСТРОЕНИЯ ", "технология машиностроения"),
        ("Экономика и бухгалтерский учёт", "экономика и бухгалтерский учет"),
        ("Повар-кондитер", "повар кондитер"),
        ("«Сестринское дело»", "сестринское дело"),
        ('"Лечебное дело".', "лечебное дело"),
        ("Поварское и кондитерское дело (на базе 9 классов)", "поварское и кондитерское дело"),
        ("Сварщик (ручной и частично механизированной сварки (наплавки))", "сварщик"),
        ("Электромонтер (по отраслям) (на базе 11 кл.)", "электромонтер"),
        ("Дошкольное образование на базе 9 кл.", "дошкольное образование"),
        ("15.02.16 Технология машиностроения", "технология машиностроения"),
        ("15.02.16 - Технология машиностроения", "технология машиностроения"),
        ("\u00a0Фармация\u00a0", "фармация"),
        ("-", ""),
        (None, ""),
        (float("nan"), ""),
    ],
)
def test_normalise_name(typed, key):
    assert normalise_name(typed) == key


def test_normalise_name_keeps_qualifier_on_request():
    key = normalise_name("Сварщик (ручной сварки)", strip_qualifiers=False)
    assert key == "сварщик ручной сварки"


def test_qualifier_is_not_the_whole_name():
    assert normalise_name("(по отраслям)") == "по отраслям"


# --- classifier ------------------------------------------------------------------------------


def test_classifier_is_loaded_once(classifier):
    assert load_classifier() is classifier


def test_both_revisions_resolve_to_the_same_group(classifier):
    codes = pd.Series(["15.02.08", "15.02.16"])
    assert classifier.canonical(codes).tolist() == ["15.02.16", "15.02.16"]
    assert classifier.group(codes).tolist() == ["15.00.00", "15.00.00"]
    assert classifier.name(codes).tolist() == ["Технология машиностроения"] * 2


def test_crosswalk_across_groups_uses_the_new_group(classifier):
    # Повар, кондитер moved from УГС 19 (19.01.17) to УГС 43 (43.01.09).
    assert classifier.group(pd.Series(["19.01.17"])).tolist() == ["43.00.00"]


def test_crosswalk_chains_are_followed(classifier):
    assert classifier.canonical(pd.Series(["15.02.01"])).tolist() == ["15.02.17"]


def test_unknown_code_keeps_itself_and_its_structural_group(classifier):
    codes = pd.Series(["08.01.26", None, "15.00.00"], dtype="str")
    assert classifier.canonical(codes).tolist()[0] == "08.01.26"
    groups = classifier.group(codes)
    assert groups[0] == "08.00.00" and pd.isna(groups[1]) and groups[2] == "15.00.00"


def test_additions_are_in_the_classifier(classifier):
    for code in ("15.01.32", "15.02.12", "15.02.15"):
        assert code in classifier
        assert classifier.table.loc[code, "note"]  # provenance recorded


def test_shipped_data_is_consistent(classifier):
    t = classifier.table
    assert t["code"].is_unique
    assert set(classifier.crosswalk["old_code"]) <= set(t["code"])
    assert set(classifier.crosswalk["new_code"]) <= set(t["code"])
    assert not t["current"][classifier.crosswalk["old_code"]].any()


def _tiny_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["15.00.00", "15.02.08", "15.02.16"],
            "name": ["Машиностроение", "Технология машиностроения", "Технология машиностроения"],
            "level": ["group", "spo_specialist", "spo_specialist"],
            "ugs_code": ["15.00.00"] * 3,
        }
    )


def test_from_frames_builds_a_small_classifier():
    c = Classifier.from_frames(
        _tiny_table(), pd.DataFrame({"old_code": ["15.02.08"], "new_code": ["15.02.16"]})
    )
    assert c.canonical(pd.Series(["15.02.08"])).tolist() == ["15.02.16"]
    exact, keys, codes = c.choices("spo")
    assert exact == {"технология машиностроения": "15.02.16"}  # the current revision wins


@pytest.mark.parametrize(
    "crosswalk",
    [
        pd.DataFrame({"old_code": ["15.02.08"], "new_code": ["99.02.99"]}),
        pd.DataFrame({"old_code": ["15.02.08", "15.02.16"], "new_code": ["15.02.16", "15.02.08"]}),
        pd.DataFrame({"old_code": ["15.02.08", "15.02.08"], "new_code": ["15.02.16", "15.00.00"]}),
    ],
    ids=["unknown code", "cycle", "two successors"],
)
def test_from_frames_rejects_a_broken_crosswalk(crosswalk):
    with pytest.raises(ValueError):
        Classifier.from_frames(_tiny_table(), crosswalk)


# --- aliases ---------------------------------------------------------------------------------


def test_load_aliases_reads_semicolons_and_bom(aliases):
    assert aliases["key"].tolist() == ["то автомобилей", "техмаш", "медсестра"]
    assert aliases["code"].tolist() == ["23.02.07", "15.02.16", "34.02.01"]


def test_load_aliases_reports_file_line_and_column(tmp_path, classifier):
    path = tmp_path / "specialty_aliases.csv"
    path.write_text(
        "alias,code,comment\n"
        "техмаш,15.02.16,\n"
        "ТЕХМАШ,15.02.08,другой код\n"
        "что-то,99.99.99,\n"
        ",15.02.16,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        load_aliases(path, classifier)
    text = str(err.value)
    assert "specialty_aliases.csv, строка 4, столбец «code»" in text  # unknown code
    assert "строка 5, столбец «alias»: ошибка: пустое название" in text
    assert "«техмаш» указано с разными кодами (строки 2, 3)" in text


def test_check_aliases_requires_columns(classifier):
    with pytest.raises(InputError, match="нет обязательного столбца"):
        check_aliases(pd.DataFrame({"alias": ["x"]}), classifier)


def test_shipped_aliases_are_valid_and_not_shadowed(classifier):
    shipped = load_aliases(
        parameters_dir() / "specialty_aliases.csv", classifier
    )  # raises on unknown codes or conflicts
    assert len(shipped) >= 20
    for preference in ("spo", "vo", "any"):
        exact, _, _ = classifier.choices(preference)
        # An alias equal to a classifier name would never be used (exact comes first).
        assert not set(shipped["key"]) & set(exact)


# --- resolve_names ---------------------------------------------------------------------------


def test_exact_ignores_case_yo_spaces_and_qualifiers(classifier, aliases):
    names = pd.Series(
        [
            "ТЕХНОЛОГИЯ  МАШИНОСТРОЕНИЯ",
            "Экономика и бухгалтерский учёт",
            "Повар-кондитер (на базе 9 классов)",
        ],
        index=[10, 11, 12],
    )
    r = resolve_names(names, classifier, aliases, preference="spo", accept=ACCEPT, review=REVIEW)
    assert r.index.tolist() == [10, 11, 12]
    assert r["resolved_by"].tolist() == ["exact"] * 3
    # Both revisions carry the name: the current one is chosen.
    assert r["specialty_code"].tolist() == ["15.02.16", "38.02.01", "43.01.09"]
    assert r["match_score"].tolist() == [100.0] * 3
    assert not r["needs_review"].any()


def test_alias_table_resolves_abbreviations(classifier, aliases):
    r = resolve_names(
        pd.Series(["ТО  автомобилей", "Техмаш", "медсестра."]),
        classifier,
        aliases,
        accept=ACCEPT,
        review=REVIEW,
    )
    assert r["resolved_by"].tolist() == ["alias"] * 3
    assert r["specialty_code"].tolist() == ["23.02.07", "15.02.16", "34.02.01"]


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("технология машиностроениия", "15.02.16"),
        ("сестринкое дело", "34.02.01"),
        ("поварр, кондитер", "43.01.09"),
        ("кондитер повар", "43.01.09"),  # word order
        ("економика и бухгалтерский учет", "38.02.01"),  # е for э reorders sorted words
        ("преподавание в начальных клссах", "44.02.02"),
        ("сварщик ручной и частично механизированной сварки", "15.01.05"),  # qualifier unbracketed
    ],
)
def test_realistic_typos_are_accepted(classifier, aliases, typed, code):
    r = resolve_names(
        pd.Series([typed]), classifier, aliases, accept=ACCEPT, review=REVIEW, preference="spo"
    )
    assert r.loc[0, "resolved_by"] == "fuzzy"
    assert r.loc[0, "specialty_code"] == code
    assert r.loc[0, "match_score"] >= ACCEPT
    assert not r.loc[0, "needs_review"]


@pytest.mark.parametrize(
    "typed",
    [
        "колледж",
        "не знаю",
        "техникум",
        "ВУЗ",
        "нет",
        "нет данных",
        "дело",
        "учет",
        "работа",
        "армия",
        "механик",
        "информатика",
        "право",
        "Ижевский политехнический колледж",
        "Воткинский промышленный техникум",
        "УдГУ",
        "не поступал",
    ],
)
def test_unrelated_names_are_rejected(classifier, aliases, typed):
    r = resolve_names(pd.Series([typed]), classifier, aliases, accept=ACCEPT, review=REVIEW)
    assert r.loc[0, "resolved_by"] == "unresolved"
    assert pd.isna(r.loc[0, "specialty_code"])
    assert r.loc[0, "match_score"] < REVIEW
    assert pd.notna(r.loc[0, "candidate_code"])  # the closest name is shown to the analyst
    assert r.loc[0, "needs_review"]


@pytest.mark.parametrize(
    ("typed", "candidate"),
    [
        ("сестринское", "Сестринское дело"),  # truncated, right
        ("фармацея", "Фармация"),  # typo in a short word, right
        ("строительство и эксплуатация зданий", "Строительство и эксплуатация зданий и сооружений"),
        ("экология", "Кинология"),  # lookalike, wrong
        ("технология", "Теология"),  # lookalike, wrong
    ],
)
def test_review_band_holds_both_shortenings_and_lookalikes(classifier, aliases, typed, candidate):
    # Why 80–90 is a review band rather than accept or reject: right and wrong matches mix.
    r = resolve_names(pd.Series([typed]), classifier, aliases, accept=ACCEPT, review=REVIEW)
    assert r.loc[0, "resolved_by"] == "fuzzy"
    assert REVIEW <= r.loc[0, "match_score"] < ACCEPT
    assert r.loc[0, "candidate_name"] == candidate
    assert r.loc[0, "needs_review"]


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("дело", "акушерское дело"),
        ("нет", "медицинская кибернетика"),
        ("право", "правоохранительная деятельность"),
    ],
)
def test_scorer_does_not_reward_containment(short, long):
    # The reason WRatio was not chosen: a word inside a long name scores 90 there.
    assert fuzz.WRatio(short, long) >= ACCEPT
    assert similarity(short, long) < REVIEW


def test_token_set_ratio_would_accept_a_subset():
    assert fuzz.token_set_ratio("учет", "экономика и бухгалтерский учет") == 100
    assert similarity("учет", "экономика и бухгалтерский учет") < REVIEW


def test_level_preference_breaks_ties(classifier, aliases):
    names = pd.Series(["Сестринское дело"])
    spo = resolve_names(names, classifier, aliases, preference="spo", accept=ACCEPT, review=REVIEW)
    vo = resolve_names(names, classifier, aliases, preference="vo", accept=ACCEPT, review=REVIEW)
    assert spo.loc[0, "specialty_code"] == "34.02.01"
    assert vo.loc[0, "specialty_code"] == "34.03.01"


def test_nothing_typed_is_na(classifier, aliases):
    r = resolve_names(
        pd.Series([None, "", " - "], dtype="str"), classifier, aliases, accept=ACCEPT, review=REVIEW
    )
    assert r["resolved_by"].isna().all()
    assert r["specialty_code"].isna().all()
    assert not r["needs_review"].any()


def test_code_typed_in_the_name_is_a_code(classifier, aliases):
    names = pd.Series(["15.02.08 Технология машиностроения", "99.99.99 Сестринское дело"])
    r = resolve_names(names, classifier, aliases, preference="spo", accept=ACCEPT, review=REVIEW)
    assert r["resolved_by"].tolist() == ["code", "exact"]
    assert r["specialty_code"].tolist() == ["15.02.08", "34.02.01"]


def test_each_distinct_name_is_matched_once(classifier, aliases, monkeypatch):
    calls = []
    real = sp._fuzzy_best

    def counting(queries, keys, chunk=2048):
        calls.append(list(queries))
        return real(queries, keys, chunk)

    monkeypatch.setattr(sp, "_fuzzy_best", counting)
    names = pd.Series(
        ["сестринкое дело", "Сестринкое  дело", "СЕСТРИНКОЕ ДЕЛО"] * 1000 + ["колледж"] * 500
    )
    r = resolve_names(names, classifier, aliases, accept=ACCEPT, review=REVIEW)
    assert calls == [["сестринкое дело", "колледж"]]
    assert (r["specialty_code"].iloc[:3000] == "34.02.01").all()


def test_review_above_accept_is_an_error(classifier, aliases):
    with pytest.raises(ValueError):
        resolve_names(pd.Series(["x"]), classifier, aliases, accept=80, review=90)


# --- resolve_specialties ---------------------------------------------------------------------


def test_resolve_specialties(classifier, aliases):
    g = graduates(
        [
            {"specialty_code": "15.02.08", "specialty_name": "колледж"},  # valid code wins
            {"specialty_code": "08.01.26", "specialty_name": "Сестринское дело"},  # unknown code
            {"specialty_name": "техмаш"},  # alias
            {},  # spo, nothing typed
            {"destination": "school"},  # nothing needed
            {"destination": "work", "specialty_name": "сестринкое дело"},  # typed anyway
            {"destination": "vo", "specialty_name": "Сестринское дело"},  # ВО code preferred
        ]
    )
    before = g.copy()
    r = resolve_specialties(g, classifier, aliases, make_rules())
    pd.testing.assert_frame_equal(g, before)  # input untouched
    assert r["specialty_code"].tolist()[:3] == ["15.02.08", "34.02.01", "15.02.16"]
    assert r["canonical_code"].tolist()[:3] == ["15.02.16", "34.02.01", "15.02.16"]
    assert r["ugs_code"].tolist()[:3] == ["15.00.00", "34.00.00", "15.00.00"]
    assert r["resolved_by"].tolist()[:4] == ["code", "exact", "alias", "unresolved"]
    assert pd.isna(r.loc[4, "resolved_by"])
    assert r.loc[5, "resolved_by"] == "fuzzy"
    assert r.loc[6, "specialty_code"] == "34.03.01"
    assert r["match_score"].tolist()[:3] == [100.0, 100.0, 100.0]
    assert pd.isna(r.loc[3, "match_score"])
    assert r["unknown_code"].tolist()[1] == "08.01.26"
    assert r["needs_review"].tolist() == [False, False, False, True, False, False, False]
    assert list(r.columns[: len(g.columns)]) == list(g.columns)
    assert set(sp.RESOLUTION_COLUMNS) <= set(r.columns)


def test_unknown_code_without_a_name_is_unresolved(classifier, aliases):
    r = resolve_specialties(
        graduates([{"specialty_code": "99.99.99"}]), classifier, aliases, make_rules()
    )
    assert r.loc[0, "resolved_by"] == "unresolved"
    assert r.loc[0, "unknown_code"] == "99.99.99"


def test_thresholds_come_from_rules(classifier, aliases):
    strict = Rules(profiles=make_rules().profiles, fuzzy_accept=99.0, fuzzy_review=97.0)
    r = resolve_specialties(
        graduates([{"specialty_name": "сестринкое дело"}]), classifier, aliases, strict
    )
    assert r.loc[0, "resolved_by"] == "unresolved"  # 96.8 < 97


# --- review_list -----------------------------------------------------------------------------


def test_review_list_groups_by_typed_name(classifier, aliases):
    g = graduates(
        [
            {"specialty_name": "колледж"},
            {"specialty_name": "Колледж "},
            {"specialty_name": "колледж"},
            {"specialty_name": "фармацея"},  # fuzzy 87.5: low confidence
            {"specialty_name": "сестринкое дело"},  # fuzzy 96.8: accepted, not listed
            {"specialty_name": "Сестринское дело"},  # exact, not listed
            {},  # spo with nothing typed
            {"destination": "school", "specialty_name": "не знаю"},  # counts nowhere
            {"specialty_code": "08.01.26"},
            {"specialty_name": "не знаю"},
            {"destination": "vo", "specialty_name": "Не знаю"},  # another candidate (ВО)
        ]
    )
    rl = review_list(resolve_specialties(g, classifier, aliases, make_rules()))
    assert rl.columns.tolist() == [
        "specialty_name",
        "graduates",
        "resolved_by",
        "match_score",
        "candidate_code",
        "candidate_name",
        "unknown_codes",
    ]
    first = rl.iloc[0]
    assert (first["specialty_name"], first["graduates"], first["resolved_by"]) == (
        "колледж",
        3,
        "unresolved",
    )
    assert rl["graduates"].tolist() == [3, 2, 2, 1]
    assert (rl["specialty_name"] == "колледж").sum() == 1
    dunno = rl[rl["specialty_name"].str.casefold() == "не знаю"]
    assert len(dunno) == 1 and dunno["graduates"].item() == 2  # school graduate not counted
    nothing = rl[rl["specialty_name"].isna()].iloc[0]
    assert nothing["graduates"] == 2 and nothing["unknown_codes"] == "08.01.26"
    pharmacy = rl[rl["specialty_name"] == "фармацея"].iloc[0]
    assert pharmacy["resolved_by"] == "fuzzy" and pharmacy["candidate_name"] == "Фармация"


def test_review_list_empty(classifier, aliases):
    rl = review_list(
        resolve_specialties(
            graduates([{"specialty_code": "15.02.16"}]), classifier, aliases, make_rules()
        )
    )
    assert rl.empty and "specialty_name" in rl.columns
