"""The district's rules read from parameters/: profiles, ЕГЭ rules, settings."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from proforient.compute.alignment import classify_study_region
from proforient.parameters.rules import load_rules
from proforient.paths import parameters_dir
from proforient.problems import InputError


@pytest.fixture
def params(tmp_path):
    folder = tmp_path / "parameters"
    shutil.copytree(parameters_dir(), folder)
    return folder


def test_default_profiles_follow_the_spec():
    rules = load_rules(parameters_dir())
    assert set(rules.profiles) == {"technological", "natural_science", "agrotechnological",
                                   "socio_economic", "humanities", "universal"}
    tech = rules.profiles["technological"]
    assert tech.ege_matches(frozenset({"math_profile", "physics"}))
    assert not tech.ege_matches(frozenset({"math_profile"}))  # needs physics or informatics
    assert not tech.ege_matches(frozenset({"math_base", "physics"}))
    assert not rules.profiles["universal"].checked
    assert rules.profile_vocabulary.normalise(" Социально-экономический ") == "socio_economic"
    assert rules.suppression_threshold == 3


def test_a_new_profile_is_a_new_entry(params):
    text = (params / "profiles.yaml").read_text(encoding="utf-8")
    text += ("  pedagogical:\n    label: психолого-педагогический\n    aliases: [пед. класс]\n"
             "    checked: true\n    ugs_groups: [\"44\"]\n"
             "    ege_rule: {all_of: [russian], any_of: [social_studies, biology]}\n")
    (params / "profiles.yaml").write_text(text, encoding="utf-8")
    rules = load_rules(params)
    assert rules.profile_vocabulary.normalise("Пед. класс") == "pedagogical"
    assert rules.profiles["pedagogical"].ugs_groups == frozenset({"44"})


def test_bad_rules_are_named(params):
    text = (params / "profiles.yaml").read_text(encoding="utf-8")
    (params / "profiles.yaml").write_text(text.replace("any_of: [chemistry, biology]",
                                                       "any_of: [chemistry, astrology]"),
                                          encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_rules(params)
    assert "astrology" in str(info.value) and "natural_science" in str(info.value)


def test_study_region_places_are_a_setting(params):
    text = (params / "settings.yaml").read_text(encoding="utf-8")
    text = text.replace("  district: []", "  district: [воткинск]").replace(
        "  republic: []", "  republic: [ижевск]")
    (params / "settings.yaml").write_text(text, encoding="utf-8")
    places = load_rules(params).study_region_places
    regions = pd.Series(["г. Воткинск", "Ижевск", "Казань", "район"])
    assert list(classify_study_region(regions, places)) == ["district", "republic",
                                                            "unrecognised", "district"]
    assert list(classify_study_region(regions)) == ["unrecognised", "unrecognised",
                                                    "unrecognised", "district"]
