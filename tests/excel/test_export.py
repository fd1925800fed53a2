"""Writing result tables: the CSV written by pyarrow is byte for byte the one pandas writes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from proforient.excel import export


def _awkward() -> pd.DataFrame:
    """Every kind of column the indicator and alignment tables have, with the values whose
    formatting differs between writers: whole floats, tiny and huge ones, −0, inf, missing."""
    floats = [1.0, 0.0, -0.0, 83.33333333333333, 1e-05, 1.5e-07, 1e15, 2.5e16, 0.1 + 0.2,
              float("inf"), np.nan, 100.0]
    n = len(floats)
    return pd.DataFrame({
        "year": ["2021-2022"] * n,
        "org_id": pd.array(["sch-01", None, "r-02", "'=1+1", "", "школа № 5", "ё", "a b",
                            " x ", "10\u00a0класс", "'@a", "z"], dtype="string"),
        "value": floats,
        "numerator": pd.array([1, None, 3, 0, 5, 6, 7, 8, 9, 10, 11, -12], dtype="Int64"),
        "rows": np.arange(n, dtype=np.int64),
        "note": np.array(["a", None, "b", np.nan, "c", "d", "e", "f", "g", "h", "i", "j"],
                         dtype=object),
        "flag": pd.array(["true", "false"] * (n // 2), dtype="str"),
    })


def test_the_fast_csv_is_what_pandas_writes(tmp_path):
    frame = _awkward()
    fast = export._csv_bytes(frame)
    assert fast is not None  # this table goes through pyarrow
    assert fast == frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    lines = fast.decode("utf-8").splitlines()
    assert lines[0] == "year,org_id,value,numerator,rows,note,flag"
    # hand-read: whole floats keep «.0», missing values are empty fields
    assert lines[1] == "2021-2022,sch-01,1.0,1,0,a,true"
    assert lines[2] == "2021-2022,,0.0,,1,,false"
    assert lines[5].split(",")[2] == "1e-05"


def test_repeated_numbers_are_formatted_as_pandas_formats_each():
    """Each distinct number is formatted once and spread to its rows: 0.0 and −0.0, missing
    values and every awkward float repeated and shuffled still read as pandas writes them."""
    frame = pd.concat([_awkward()] * 3, ignore_index=True)
    frame = frame.sample(frac=1, random_state=7).reset_index(drop=True)
    fast = export._csv_bytes(frame)
    assert fast == frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    zeros = [line.split(",")[2] for line in fast.decode("utf-8").splitlines()[1:]
             if line.split(",")[2] in ("0.0", "-0.0")]
    assert sorted(zeros) == ["-0.0"] * 3 + ["0.0"] * 3


@pytest.mark.parametrize("column", ["note", "org_id"])
@pytest.mark.parametrize("text", ["a,b", 'ТГУ "Томск"', "две\nстроки", "cr\r"])
def test_a_field_that_needs_quotes_is_written_by_pandas(tmp_path, text, column):
    frame = _awkward()
    frame.loc[3, column] = text
    assert export._csv_bytes(frame) is None
    path = export.write_table(frame, tmp_path / "t.csv")
    assert path.read_bytes() == export.neutralise_formulas(frame).to_csv(
        index=False, lineterminator="\n").encode("utf-8")
    if "\r" not in text:  # (pandas quotes no lone «\r» with «\n» lines: as before)
        assert pd.read_csv(path, keep_default_na=False)[column][3] == text


def test_other_kinds_of_columns_are_written_by_pandas():
    for column in (pd.Series([1.5, None], dtype="Float64"),
                   pd.Series(pd.to_datetime(["2021-09-01", "2022-05-31"])),
                   pd.Series(["a", "b"], dtype="category"), pd.Series([1, "a"], dtype=object)):
        assert export._csv_bytes(pd.DataFrame({"a": ["x", "y"], "b": column})) is None
