"""Every YAML file (parameters/*.yaml, dataset.yaml) is read with limits: size, no anchors or
aliases (a 600-byte alias bomb grows into gigabytes), nesting depth. The refusal is Russian and
names the file; ``validate`` is the gate (issue 20, item 1)."""

from __future__ import annotations

import shutil

import pytest

from proforient.cli import main
from proforient.dataset import check_dataset, load_dataset
from proforient.parameters import files, load_parameters
from proforient.paths import parameters_dir
from proforient.problems import InputError
from tests.conftest import RULES, TINY_MEASURES, TINY_ORGANIZATIONS, write_dataset

#: A small alias bomb: harmless at this size, a few more levels and it takes gigabytes.
BOMB = ('a: &a ["x", "x", "x"]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\n'
        'd: [*c, *c, *c]\n')
DEEP = "a: " + "[" * 200 + "]" * 200 + "\n"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def params(tmp_path, monkeypatch):
    folder = tmp_path / "parameters"
    shutil.copytree(parameters_dir(), folder)
    monkeypatch.setenv("PROFORIENT_PARAMETERS", str(folder))
    return folder


@pytest.fixture
def tiny(tmp_path):
    return write_dataset(tmp_path / "d", organizations=TINY_ORGANIZATIONS,
                         measures=TINY_MEASURES)


def _append(path, text):
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@pytest.mark.parametrize("name", ["settings.yaml", "profiles.yaml", "roadmap-2021-2022.yaml"])
@pytest.mark.parametrize(("extra", "reason"), [
    (BOMB, "ссылки YAML («&имя» и «*имя») не допускаются"),
    ("zz_anchor: &one 1\n", "ссылки YAML («&имя» и «*имя») не допускаются"),
    (DEEP, "вложенность глубже 32 уровней"),
])
def test_parameters_with_aliases_or_deep_nesting_are_refused(params, tiny, capsys, name, extra,
                                                             reason):
    _append(params / name, extra)
    with pytest.raises(InputError) as caught:
        load_parameters(params)
    (problem,) = caught.value.problems
    assert problem.file == name and problem.message.startswith(reason)
    assert problem.line is not None and problem.line > 1
    code, out, err = run(capsys, "validate", tiny)
    assert code == 1 and f"{name}, строка {problem.line}: ошибка: {reason}" in err
    assert "Traceback" not in err and "Error" not in err


def test_an_oversized_settings_file_is_refused_unread(params, tiny, capsys, monkeypatch):
    monkeypatch.setattr(files, "MAX_YAML_BYTES", 4096)
    _append(params / "settings.yaml", "# " + "я" * 4000 + "\n")
    code, out, err = run(capsys, "validate", tiny)
    assert code == 1
    assert "settings.yaml: ошибка: файл больше 4 КБ: проверьте, тот ли это файл" in err
    assert "Traceback" not in err


def test_the_default_size_limit_is_one_megabyte(params, tiny, capsys):
    _append(params / "settings.yaml", ("# " + "x" * 1000 + "\n") * 1100)
    code, out, err = run(capsys, "validate", tiny)
    assert code == 1 and "settings.yaml: ошибка: файл больше 1 МБ" in err


def test_a_quoted_star_or_ampersand_is_a_plain_value(params):
    _append(params / "settings.yaml", 'zz_note: "*важно* & нужно"\n')
    load_parameters(params)


@pytest.mark.parametrize(("content", "reason"), [
    (BOMB, "ссылки YAML («&имя» и «*имя») не допускаются"),
    ("name: " + "[" * 200 + "]" * 200 + "\n", "вложенность глубже 32 уровней"),
])
def test_dataset_yaml_is_read_the_same_way_by_validate_and_report(tiny, capsys, content, reason):
    (tiny / "dataset.yaml").write_text(content, encoding="utf-8")
    dataset, problems = check_dataset(tiny, RULES)
    (problem,) = [p for p in problems if p.file == "dataset.yaml"]
    assert problem.severity == "warning" and problem.message.startswith(reason)
    assert problem.message.endswith("файл не используется")
    assert dataset.meta == {}
    assert load_dataset(tiny, RULES).meta == {}  # what report reads: the file is not used
    code, out, err = run(capsys, "validate", tiny)
    assert code == 0 and f"dataset.yaml, строка {problem.line}: предупреждение: {reason}" in err


# -- libyaml reads, the careful loader words ------------------------------------------------


@pytest.mark.parametrize("path", sorted(parameters_dir().glob("*.yaml")), ids=lambda p: p.name)
def test_libyaml_reads_every_parameter_file_as_the_careful_loader_does(path):
    text = path.read_text(encoding="utf-8-sig")
    loader = files._LimitedLoader(text)
    try:
        careful = loader.get_single_data()
    finally:
        loader.dispose()
    assert files._fast_load(text) == (True, careful)


@pytest.mark.parametrize("text", [
    BOMB, "zz_anchor: &one 1\n", DEEP,
    "a: " + "[" * 32 + "]" * 32 + "\n",  # the innermost of 32 lists at depth 32
    "a: b: c\n", "a: 2021-02-30\n", "---\na: 1\n---\nb: 2\n",
])
def test_libyaml_leaves_every_refusal_and_error_to_the_careful_loader(text):
    assert files._fast_load(text) == (False, None)
    loader = files._LimitedLoader(text)
    try:
        with pytest.raises(Exception):  # noqa: B017 — a refusal, a YAML error or a bad date
            loader.get_single_data()
    finally:
        loader.dispose()


def test_nesting_just_under_the_limit_is_read_by_both():
    text = "a: " + "[" * 30 + "1" + "]" * 30 + "\n"  # the scalar 1 at depth 31
    read, data = files._fast_load(text)
    loader = files._LimitedLoader(text)
    try:
        assert read and data == loader.get_single_data()
    finally:
        loader.dispose()
    inner = data["a"]
    for _ in range(29):
        inner = inner[0]
    assert inner == [1]
