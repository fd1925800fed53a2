"""Tests of proforient/demo.py: determinism and the structure of the written files.

The checks read the written files back and recompute what they assert; no figure is copied from
a generated file.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest

from proforient.demo import DEFAULT_SEED, YEARS, generate_demo
from proforient.parameters.rules import load_rules
from proforient.paths import PACKAGE_DATA_DIR, parameters_dir
from proforient.vocab import DESTINATIONS, KINDS, SUBJECTS, TERRITORIES

FILES = ("organizations.csv", "measures.csv", "graduates.csv", "demand.csv", "dataset.yaml")


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    generate_demo(out)
    return out


@pytest.fixture(scope="module")
def measures(demo_dir: Path) -> pd.DataFrame:
    """measures.csv with every value a number: a category's word (or number) as its position."""
    frame = pd.read_csv(demo_dir / "measures.csv", dtype={"grade": "Int64", "value": str})
    catalogue = load_rules(parameters_dir()).measures
    frame["value"] = [catalogue[m].category_position(v) if catalogue[m].group == "category"
                      else int(v) for m, v in zip(frame["measure"], frame["value"], strict=True)]
    assert frame["value"].notna().all()  # every category value is on the catalogue's list
    frame["value"] = frame["value"].astype("int64")
    return frame


@pytest.fixture(scope="module")
def graduates(demo_dir: Path) -> pd.DataFrame:
    return pd.read_csv(demo_dir / "graduates.csv", sep=";", encoding="utf-8-sig", dtype=str,
                       keep_default_na=False)


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    first = generate_demo(tmp_path / "a", seed=DEFAULT_SEED)
    second = generate_demo(tmp_path / "b", seed=DEFAULT_SEED)
    assert first == second
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_other_seed_changes_numbers_not_structure(tmp_path: Path, demo_dir: Path) -> None:
    generate_demo(tmp_path, seed=7)
    assert (tmp_path / "measures.csv").read_bytes() != (demo_dir / "measures.csv").read_bytes()
    for name in ("organizations.csv", "demand.csv"):
        assert (tmp_path / name).read_bytes() == (demo_dir / name).read_bytes()


def test_returned_counts_are_the_data_rows(tmp_path: Path) -> None:
    counts = generate_demo(tmp_path)
    assert set(counts) == {"organizations.csv", "measures.csv", "graduates.csv", "demand.csv"}
    for name, n in counts.items():
        lines = (tmp_path / name).read_text(encoding="utf-8-sig").count("\n")
        assert n > 0
        assert lines >= n + 1  # header; quoted fields never hold line breaks here
        sep = ";" if name == "graduates.csv" else ","
        assert len(pd.read_csv(tmp_path / name, sep=sep, encoding="utf-8-sig")) == n


def test_file_encodings_and_separators(demo_dir: Path) -> None:
    grads = (demo_dir / "graduates.csv").read_bytes()
    assert grads.startswith(b"\xef\xbb\xbf")
    assert grads.split(b"\n", 1)[0].count(b";") == 10
    for name in FILES:
        raw = (demo_dir / name).read_bytes()
        assert b"\r" not in raw, name
        if name != "graduates.csv":
            assert not raw.startswith(b"\xef\xbb\xbf"), name


def test_dataset_yaml(demo_dir: Path) -> None:
    yaml = pytest.importorskip("yaml")
    meta = yaml.safe_load((demo_dir / "dataset.yaml").read_text(encoding="utf-8"))
    assert meta["synthetic"] is True
    assert "синтетич" in meta["name"].lower()
    assert meta["seed"] == DEFAULT_SEED
    assert meta["years"] == list(YEARS)


def test_organizations_kinds_normalise(demo_dir: Path) -> None:
    orgs = pd.read_csv(demo_dir / "organizations.csv", dtype=str)
    assert orgs["org_id"].is_unique
    kinds = orgs["kind"].map(KINDS.normalise)
    assert kinds.notna().all()
    counts = kinds.value_counts()
    assert counts["school"] >= 15 and counts["preschool"] >= 10
    assert counts["additional"] == 1 and counts["department"] == 1
    # Russian aliases and canonical codes are both used.
    assert (orgs["kind"] != kinds).any() and (orgs["kind"] == kinds).any()


def test_measures_cover_years_and_catalogue(demo_dir: Path, measures: pd.DataFrame) -> None:
    orgs = set(pd.read_csv(demo_dir / "organizations.csv", dtype=str)["org_id"])
    assert sorted(measures["year"].unique()) == list(YEARS)
    catalogue = load_rules(parameters_dir()).measures
    # every measure the catalogue collects in the demo's years, and nothing else
    assert set(measures["measure"]) == {m for m in catalogue
                                        if any(catalogue[m].collected_in(y) for y in YEARS)}
    assert set(measures["org_id"]) <= orgs
    assert not measures.duplicated(["year", "org_id", "measure", "grade"]).any()
    assert (measures["value"] >= 0).all()
    assert measures["grade"].dropna().between(1, 11).all()
    flags = measures[measures["measure"].map(lambda m: catalogue[m].group == "flag")]
    assert set(flags["value"]) == {0, 1}


def test_participants_never_exceed_enrolment(measures: pd.DataFrame) -> None:
    for participants, base in load_rules(parameters_dir()).measures.bases.items():
        part = measures[measures["measure"] == participants]
        enrol = measures[measures["measure"] == base]
        by_grade = part[part["grade"].notna()].merge(
            enrol, on=["year", "org_id", "grade"], how="left", suffixes=("", "_base"))
        assert by_grade["value_base"].notna().all(), participants
        assert (by_grade["value"] <= by_grade["value_base"]).all(), participants
        totals = part[part["grade"].isna()].merge(
            enrol.groupby(["year", "org_id"], as_index=False)["value"].sum(),
            on=["year", "org_id"], how="left", suffixes=("", "_base"))
        assert (totals["value"] <= totals["value_base"]).all(), participants


def test_planted_measure_gaps(measures: pd.DataFrame) -> None:
    latest = measures[measures["year"] == "2021-2022"]  # the first roadmap's planted problems

    def has(org: str, measure: str) -> bool:
        return bool(((latest["org_id"] == org) & (latest["measure"] == measure)).any())

    assert has("sch-06", "students") and not has("sch-06", "diagnostics")
    assert has("sch-08", "students") and not has("sch-08", "bvb_trials")
    assert has("dou-05", "children_5_7") and not has("dou-05", "profile_clubs_5_7")
    no_ovz = measures[(measures["org_id"] == "sch-11") & (measures["measure"] == "students_ovz")]
    assert (no_ovz["value"] == 0).all() and len(no_ovz) == len(YEARS)
    total = latest[(latest["org_id"] == "sch-05") & (latest["measure"] == "proektoria")]
    assert len(total) == 1 and total["grade"].isna().all()
    seminars = measures[measures["measure"] == "district_seminars"]["value"]
    assert (seminars < 2).any() and (seminars >= 2).any()


def test_federal_model_measures_in_later_years(demo_dir: Path, measures: pd.DataFrame) -> None:
    def has(year: str, org: str, measure: str) -> bool:
        return bool(((measures["year"] == year) & (measures["org_id"] == org)
                     & (measures["measure"] == measure)).any())

    for measure in ("profmin_level", "hours_reached", "horizons_course", "bvb_diagnostics"):
        assert not has("2022-2023", "sch-01", measure) and has("2023-2024", "sch-01", measure)
    assert not has("2024-2025", "sch-01", "enterprise_visits")
    assert has("2025-2026", "sch-01", "enterprise_visits")
    assert has("2022-2023", "sch-01", "diagnostics") and not has("2023-2024", "sch-01",
                                                                  "diagnostics")
    assert not has("2023-2024", "sch-20", "profmin_level")  # the НОШ has no grades 6–11
    # planted in 2025-2026
    assert has("2025-2026", "sch-07", "students") and not has("2025-2026", "sch-07",
                                                              "horizons_course")
    assert not has("2025-2026", "sch-09", "profmin_level")
    written = pd.read_csv(demo_dir / "measures.csv", dtype=str)
    levels = written[written["measure"] == "profmin_level"]["value"]
    assert {"базовый", "основной", "продвинутый"} <= set(levels) and levels.str.isdigit().any()


#: sha256 of measures.csv and graduates.csv as written before the later years were added
#: (years 2019-2020 … 2021-2022, the default seed).
FIRST_YEARS_SHA256 = {
    "measures.csv": "0da89b23809936d58bde6f08c49a596f078f541bf018ca8768a55adc54eabcb8",
    "graduates.csv": "7aeef17863082a2309c3e424ea52dbc662ddf53ce1c713bbfccca25bd7dbc6e6",
}


def test_first_years_unchanged_by_later_years(demo_dir: Path) -> None:
    """The rows of 2019-2020 … 2021-2022 are byte for byte the ones drawn before the later years
    existed, so the tests pinned to 2021-2022 numbers keep their numbers."""
    for name, expected in FIRST_YEARS_SHA256.items():
        raw = (demo_dir / name).read_bytes()
        lines = raw.splitlines(keepends=True)
        first = [lines[0]] + [line for line in lines[1:] if line[:9] < b"2022-2023"]
        assert hashlib.sha256(b"".join(first)).hexdigest() == expected, name


def test_graduates_match_enrolment(measures: pd.DataFrame, graduates: pd.DataFrame) -> None:
    assert sorted(graduates["year"].unique()) == list(YEARS)
    assert set(graduates["grade"]) == {"9", "11"}
    assert not graduates.duplicated(["year", "org_id", "graduate_id"]).any()
    assert graduates["graduate_id"].str.fullmatch(r"g-[0-9a-f]{6}").all()
    counted = graduates.groupby(["year", "org_id", "grade"]).size()
    students = measures[(measures["measure"] == "students") & measures["grade"].isin([9, 11])]
    students = students[students["value"] > 0]
    expected = students.set_index(
        ["year", "org_id", students["grade"].astype(str).rename("grade")])["value"]
    pd.testing.assert_series_equal(counted.sort_index(), expected.sort_index(),
                                   check_names=False)


def test_graduate_vocabularies_normalise(graduates: pd.DataFrame) -> None:
    profiles = load_rules(parameters_dir()).profile_vocabulary
    given = graduates["profile"] != ""
    assert graduates.loc[given, "profile"].map(profiles.normalise).notna().all()
    destinations = graduates["destination"].map(lambda v: DESTINATIONS.normalise(v) if v else "")
    assert destinations.notna().all()
    assert {"spo", "vo", "school"} <= set(destinations)
    assert (graduates["destination"] != destinations).any()  # aliases are used
    tokens = [t for s in graduates["ege_subjects"] for t in re.split(r"[;,]", s) if t.strip()]
    assert tokens and all(SUBJECTS.normalise(t) is not None for t in tokens)
    assert (graduates.loc[graduates["grade"] == "9", "ege_subjects"] == "").all()


def test_specialty_codes_exist_in_classifier(graduates: pd.DataFrame, demo_dir: Path) -> None:
    okso = set(pd.read_csv(PACKAGE_DATA_DIR / "okso.csv", dtype=str)["code"])
    codes = set(graduates["specialty_code"]) - {""}
    assert codes and codes <= okso
    assert {"15.02.08", "15.02.16"} <= codes
    demand = pd.read_csv(demo_dir / "demand.csv", dtype=str, keep_default_na=False)
    assert set(demand["code"]) <= okso


def test_specialty_given_in_every_form(graduates: pd.DataFrame) -> None:
    code, name = graduates["specialty_code"] != "", graduates["specialty_name"] != ""
    admitted = graduates["destination"].map(DESTINATIONS.normalise).isin(["spo", "vo"])
    assert (admitted & code & name).any()
    assert (admitted & ~code & name).any()
    assert (admitted & ~code & ~name).any()
    typed = set(graduates.loc[~code, "specialty_name"])
    assert {"технология машиностроениия", "свАрщик", "не знаю", "???"} <= typed


def test_demand_list(demo_dir: Path, graduates: pd.DataFrame) -> None:
    demand = pd.read_csv(demo_dir / "demand.csv", dtype=str, keep_default_na=False)
    territory = demand["territory"].map(TERRITORIES.normalise)
    assert set(territory) == {"district", "republic"}
    assert demand["code"].str.endswith(".00.00").any()
    both = set(demand.loc[territory == "district", "code"]) & set(
        demand.loc[territory == "republic", "code"])
    assert both
    assert not demand.assign(territory=territory).duplicated(["territory", "code", "year"]).any()
    assert "15.02.16" in set(demand["code"]) and "15.02.08" not in set(demand["code"])
    assert set(demand["code"]) - set(graduates["specialty_code"])  # demand nobody met
