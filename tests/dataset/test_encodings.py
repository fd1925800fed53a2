"""Encodings told honestly (issue 20, item 4): a UTF-16 CSV (Excel's «Юникод-текст», with or
without a BOM) is read; a file with NUL bytes that is not UTF-16 is refused by name, and no NUL
byte reaches the terminal."""

from __future__ import annotations

import pytest

from proforient.cli import main
from proforient.dataset import check_dataset
from proforient.problems import errors_of
from tests.conftest import RULES, TINY_MEASURES, TINY_ORGANIZATIONS, write_dataset


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def folder(tmp_path):
    return write_dataset(tmp_path / "d", organizations=TINY_ORGANIZATIONS,
                         measures=TINY_MEASURES)


@pytest.mark.parametrize(("bom", "encoding", "sep"), [
    (b"\xff\xfe", "utf-16-le", "\t"),  # Excel «Юникод-текст»: BOM and tabs
    (b"\xff\xfe", "utf-16-le", ","),
    (b"\xfe\xff", "utf-16-be", ";"),
    (b"", "utf-16-le", "\t"),  # no BOM: told by the NUL bytes of the Latin header
    (b"", "utf-16-be", ","),
])
def test_utf16_tables_are_read(folder, capsys, bom, encoding, sep):
    expected, _ = check_dataset(folder, RULES)
    text = TINY_ORGANIZATIONS.replace(",", sep)
    (folder / "organizations.csv").write_bytes(bom + text.replace("\n", "\r\n").encode(encoding))
    dataset, problems = check_dataset(folder, RULES)
    assert errors_of(problems) == []
    (warning,) = [p for p in problems if p.file == "organizations.csv"]
    assert warning.severity == "warning" and "UTF-16" in warning.message
    assert list(dataset.organizations["name"]) == list(expected.organizations["name"])
    assert "МБДОУ Детский сад «Солнышко»" in set(dataset.organizations["name"])
    code, out, err = run(capsys, "validate", folder)
    assert code == 0 and "organizations.csv: предупреждение: файл в кодировке UTF-16" in err


@pytest.mark.parametrize("content", [
    b"org_id,name\x00\x01\x02\x00kind\x00,settlement\nsch-a\x00,x,school,\n",
    b"\x00" * 64,
    b"\xff\xfe" + "org_id,name".encode("utf-32-le"),  # UTF-32: a BOM like UTF-16's, NULs inside
])
def test_nul_bytes_are_refused_by_name_and_never_printed(folder, capsys, content):
    (folder / "organizations.csv").write_bytes(content)
    _, problems = check_dataset(folder, RULES)
    (problem,) = [p for p in problems if p.file == "organizations.csv"]
    assert problem.severity == "error" and problem.line is None
    assert problem.message.startswith("в файле нулевые байты: это не текстовый файл CSV")
    code, out, err = run(capsys, "validate", folder)
    assert code == 1 and "organizations.csv: ошибка: в файле нулевые байты" in err
    assert "\x00" not in out + err and "Traceback" not in err
    assert "нет обязательного столбца" not in err


def test_control_characters_of_a_value_are_shown_not_sent(tmp_path, capsys):
    """A NUL or an escape sequence inside a Parquet value reaches the message as U+0000."""
    import pandas as pd

    folder = write_dataset(tmp_path / "d", measures=TINY_MEASURES)
    orgs = pd.read_csv(__import__("io").StringIO(TINY_ORGANIZATIONS), dtype=str).fillna("")
    orgs.loc[len(orgs)] = ["bad\x00\x1b[2J", "Школа", "school", ""]
    orgs.loc[len(orgs)] = ["sch-z", "Школа", "зоопарк\x00\x07", ""]
    orgs.to_parquet(folder / "organizations.parquet")
    code, out, err = run(capsys, "validate", folder)
    assert code == 1
    assert "\x00" not in err + out and "\x1b" not in err + out and "\x07" not in err + out
    assert "U+0000" in err
