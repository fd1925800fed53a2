"""The measure catalogue ``parameters/measures.yaml``: loading, its errors, and that every check
that used to read a list in the code now reads it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from proforient.dataset import check_dataset
from proforient.parameters import load_parameters
from proforient.parameters.measures import load_measures
from proforient.paths import parameters_dir
from proforient.problems import InputError
from tests.conftest import TINY_MEASURES, TINY_ORGANIZATIONS, write_dataset


def _params_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "parameters"
    shutil.copytree(parameters_dir(), folder)
    return folder


def _append(folder: Path, text: str) -> None:
    path = folder / "measures.yaml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_project_catalogue() -> None:
    catalogue = load_measures(parameters_dir())
    assert catalogue["students"].group == "enrolment"
    assert catalogue.bases["career_events_ovz"] == "students_ovz"
    assert catalogue.bases["diagnostics"] == "students"
    assert catalogue.sensitive == {"students_ovz", "career_events_ovz"}
    assert not catalogue["class_hours"].by_grade and catalogue["diagnostics"].by_grade
    assert catalogue.codes[0] == "students"
    assert load_parameters().measures == catalogue


@pytest.mark.parametrize(("entry", "fragment"), [
    ("  Bad-Code:\n    label: x\n    group: events\n", "строчная латиница"),
    ("  new_one:\n    label: x\n    group: money\n", "group «money»"),
    ("  new_one:\n    label: x\n    group: events\n    by: class\n", "by «class»"),
    ("  new_one:\n    group: events\n", "label"),
    ("  new_one:\n    label: x\n    group: participants\n    bounded_by: class_hours\n",
     "не показатель численности"),
    ("  new_one:\n    label: x\n    group: category\n", "список разных значений"),
    ("  new_one:\n    label: x\n    group: events\n    from: 2023\n", "ГГГГ-ГГГГ"),
    ("  new_one:\n    label: x\n    group: events\n    colour: red\n", "неизвестные ключи"),
    ("  new_one:\n    label: x\n    group: events\n    action: провести\n",
     "action — текст, и только у показателей group: flag"),
    ("  new_one:\n    label: x\n    group: participants\n    who: детей\n",
     "who — текст, и только у показателей group: enrolment"),
])
def test_catalogue_errors_name_the_file_and_measure(tmp_path, entry, fragment) -> None:
    folder = _params_copy(tmp_path)
    _append(folder, entry)
    with pytest.raises(InputError) as exc:
        load_parameters(folder)
    assert any(p.file == "measures.yaml" and fragment in p.message for p in exc.value.problems), \
        exc.value.problems


def test_roadmap_with_unknown_measure_names_the_catalogue(tmp_path) -> None:
    folder = _params_copy(tmp_path)
    path = folder / "roadmap-2021-2022.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "numerator: {measure: class_hours}", "numerator: {measure: horizons_course}"),
        encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_parameters(folder)
    (problem,) = exc.value.problems
    assert problem.file == "roadmap-2021-2022.yaml"
    assert "horizons_course" in problem.message and "parameters/measures.yaml" in problem.message


def test_roadmap_grades_on_a_total_measure_is_an_error(tmp_path) -> None:
    folder = _params_copy(tmp_path)
    path = folder / "roadmap-2021-2022.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "numerator: {measure: class_hours}", "numerator: {measure: class_hours, grades: [5, 9]}"),
        encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_parameters(folder)
    assert "by: total" in exc.value.problems[0].message


def test_roadmap_reads_a_measure_outside_its_years(tmp_path) -> None:
    folder = _params_copy(tmp_path)
    text = (folder / "measures.yaml").read_text(encoding="utf-8")
    (folder / "measures.yaml").write_text(text.replace(
        '    label: "классные часы по профориентации"\n',
        '    label: "классные часы по профориентации"\n    to: "2020-2021"\n'), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_parameters(folder)
    assert "не собирается в 2021-2022" in exc.value.problems[0].message


def _dataset_problems(tmp_path, params, measures):
    data = write_dataset(tmp_path / "data", organizations=TINY_ORGANIZATIONS, measures=measures)
    return check_dataset(data, params.rules)


def test_unknown_measure_in_data_names_the_catalogue(tmp_path) -> None:
    params = load_parameters()
    _, problems = _dataset_problems(tmp_path, params,
                                    TINY_MEASURES + "2021-2022,sch-a,first_profession,,5\n")
    (problem,) = [p for p in problems if p.severity == "error"]
    assert problem.line == TINY_MEASURES.count("\n") + 1 and problem.column == "measure"
    assert "parameters/measures.yaml" in problem.message


def test_a_new_measure_is_data_only(tmp_path) -> None:
    """A measure added to the catalogue is checked like the built-in ones: bounded by its
    enrolment, total-only, category values read by name or number."""
    folder = _params_copy(tmp_path)
    _append(folder, """
  horizons_course:
    label: "прошли курс «Россия — мои горизонты»"
    group: participants
    by: grade
    bounded_by: students
  profmin_level:
    label: "уровень профминимума"
    group: category
    by: total
    values: [базовый, основной, продвинутый]
""")
    params = load_parameters(folder)
    dataset, problems = _dataset_problems(tmp_path, params, TINY_MEASURES + (
        "2021-2022,sch-a,horizons_course,6,7\n"      # 7 of 6 pupils of grade 6
        "2021-2022,sch-a,horizons_course,5,3\n"
        "2021-2022,sch-a,profmin_level,,Основной\n"
        "2021-2022,sch-b,profmin_level,,3\n"
        "2021-2022,sch-c,profmin_level,,высший\n"
        "2021-2022,nosh,profmin_level,4,базовый\n"))
    first = TINY_MEASURES.count("\n") + 1
    errors = {(p.line, p.column): p.message for p in problems if p.severity == "error"}
    assert set(errors) == {(first, "value"), (first + 4, "value"), (first + 5, "grade")}
    assert "«horizons_course» = 7 больше, чем «students» = 6" in errors[(first, "value")]
    assert "базовый, основной, продвинутый" in errors[(first + 4, "value")]
    assert "by: total" in errors[(first + 5, "grade")]
    levels = dataset.measures[dataset.measures["measure"] == "profmin_level"]
    assert dict(zip(levels["org_id"], levels["value"], strict=True)) == {"sch-a": 2.0,
                                                                          "sch-b": 3.0}


def test_sensitive_indicators_come_from_the_catalogue(tmp_path) -> None:
    """An indicator is sensitive when it counts graduates or reads a measure marked
    ``sensitive`` — the catalogue decides, not a list in the report code."""
    from proforient.report.cells import sensitive_indicators

    params = load_parameters()
    graduates = {"admitted_by_profile_share", "ege_profile_match_share",
                 "in_demand_choice_share"}
    assert sensitive_indicators(params.roadmaps.by_year.values(), params.measures) == \
        graduates | {"ovz_events_share"}
    folder = _params_copy(tmp_path)
    text = (folder / "measures.yaml").read_text(encoding="utf-8")
    marked = text.replace('    label: "участвовали в профориентационных конкурсах"\n',
                          '    label: "участвовали в профориентационных конкурсах"\n'
                          '    sensitive: true\n')
    (folder / "measures.yaml").write_text(marked, encoding="utf-8")
    params = load_parameters(folder)
    assert sensitive_indicators(params.roadmaps.by_year.values(), params.measures) == \
        graduates | {"ovz_events_share", "contest_participation_share"}


def test_reports_take_whom_a_share_counts_and_what_to_do_from_the_catalogue(tmp_path) -> None:
    from proforient.report.school.findings import base_words

    folder = _params_copy(tmp_path)
    path = folder / "measures.yaml"
    text = path.read_text(encoding="utf-8")
    assert 'who: "обучающихся с ОВЗ"' in text
    path.write_text(text.replace('who: "обучающихся с ОВЗ"', 'who: "детей с ОВЗ и инвалидностью"')
                    .replace('action: "утвердить план профориентационной работы"',
                             'action: "принять план на педсовете"'), encoding="utf-8")
    project, edited = load_parameters(), load_parameters(folder)
    roadmap = project.roadmap("2021-2022")
    ovz = next(i.id for i in roadmap.indicators
               if i.denominator is not None and i.denominator.measure == "students_ovz")
    assert base_words(roadmap, project.measures, ovz) == "обучающихся с ОВЗ"
    assert base_words(roadmap, edited.measures, ovz) == "детей с ОВЗ и инвалидностью"
    assert edited.measures["plan_approved"].action == "принять план на педсовете"
    assert project.measures["plan_approved"].action == "утвердить план профориентационной работы"
