"""Loading and validating a dataset directory (SPEC §3).

A dataset is a folder with ``organizations``, ``measures``, ``graduates`` and ``demand`` tables,
each a CSV file (UTF-8 with or without BOM, ``,`` or ``;`` separated) or a Parquet file with the
same stem, and an optional ``dataset.yaml`` (name, ``synthetic: true`` for the demo).

Every problem is collected with its file, line (as an editor shows it: the header is line 1),
column and reason in Russian; errors and warnings are told apart. :func:`load_dataset` raises
:class:`~proforient.problems.InputError` when there are errors, :func:`check_dataset` returns the
problems and the dataset (``None`` when the dataset cannot be used).

The tables come out tidy and canonical:

- ``organizations``: ``org_id, name, kind, settlement``;
- ``measures``: ``year, org_id, measure, grade`` (``Int64``, ``<NA>`` = a total), ``value``
  (float);
- ``graduates``: ``year, org_id, graduate_id, grade`` (``Int64``), ``profile`` (canonical code or
  ``<NA>``), ``ege_subjects`` (canonical codes sorted and joined by ``;`` or ``<NA>``),
  ``destination`` (canonical; empty → ``unknown``), ``institution``, ``specialty_code``,
  ``specialty_name``, ``study_region``;
- ``demand``: ``territory, code, title, year`` (``<NA>`` = every year), ``vacancies``
  (``Int64``), ``source``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from proforient.problems import InputError, Problem, errors_of
from proforient.rules import Rules, load_rules
from proforient.vocab import (
    DESTINATIONS,
    GRADES,
    GRADUATE_GRADES,
    KINDS,
    MEASURES,
    PARTICIPANT_BASE,
    SUBJECTS,
    TERRITORIES,
    Vocabulary,
)

#: Columns of each table: (required, optional).
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "organizations": (("org_id", "name", "kind"), ("settlement",)),
    "measures": (("year", "org_id", "measure", "value"), ("grade",)),
    "graduates": (
        ("year", "org_id", "graduate_id", "grade", "destination"),
        ("profile", "ege_subjects", "institution", "specialty_code", "specialty_name",
         "study_region"),
    ),
    "demand": (("territory", "code"), ("title", "year", "vacancies", "source")),
}
REQUIRED_TABLES = ("organizations", "measures")
OPTIONAL_TABLES = ("graduates", "demand")

YEAR_RE = r"^(\d{4})-(\d{4})$"
CODE_RE = r"^\d{2}\.\d{2}\.\d{2}$"
_LINE = "_line"


@dataclass
class Dataset:
    """A validated dataset: canonical tables plus the warnings found while loading.

    Attributes
    ----------
    path : Path
        The dataset folder.
    organizations, measures, graduates, demand : pandas.DataFrame
        Canonical tables (see the module docstring). ``graduates`` and ``demand`` are empty
        frames with the right columns when the files are absent.
    problems : list of Problem
        Warnings (a loaded dataset has no errors).
    meta : dict
        The contents of ``dataset.yaml`` (``name``, ``synthetic``…), empty when absent.
    """

    path: Path
    organizations: pd.DataFrame
    measures: pd.DataFrame
    graduates: pd.DataFrame
    demand: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    meta: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        """Human name of the dataset (from ``dataset.yaml``, else the folder name)."""
        return str(self.meta.get("name") or self.path.name)

    @property
    def synthetic(self) -> bool:
        """Whether the data are synthetic (the demo): reports then carry a banner."""
        return bool(self.meta.get("synthetic", False))

    @property
    def years(self) -> list[str]:
        """Academic years present in measures or graduates, sorted."""
        years = set(self.measures["year"].dropna().unique())
        years |= set(self.graduates["year"].dropna().unique())
        return sorted(str(y) for y in years)

    @property
    def latest_year(self) -> str | None:
        """The latest academic year in the data, or ``None`` for an empty dataset."""
        return self.years[-1] if self.years else None


# --------------------------------------------------------------------------------------------
# Reading files


def _decode(raw: bytes, name: str, problems: list[Problem]) -> bytes | None:
    """Return the file's bytes as UTF-8 without BOM, or ``None`` when they cannot be read."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        raw.decode("utf-8")
        return raw
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1251")
    except UnicodeDecodeError:
        problems.append(Problem(name, None, None,
                                "файл не в кодировке UTF-8 и не читается; сохраните его как "
                                "«CSV UTF-8 (разделитель — запятая)»"))
        return None
    problems.append(Problem(name, None, None,
                            "файл в кодировке Windows-1251 (старый Excel); прочитан, но лучше "
                            "сохранять как «CSV UTF-8»", "warning"))
    return text.encode("utf-8")


def _as_categories(values: pd.Series) -> pd.Categorical:
    """Text column → categorical of trimmed strings, so that every later check looks at each
    distinct value once instead of once per row (a region has 200,000 measure rows and a few
    hundred distinct values)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, uniques = values.cat.codes.to_numpy(), values.cat.categories.to_numpy(dtype=object)
        if (codes < 0).any():  # missing values (Parquet) become their own category
            uniques = np.append(uniques, None)
            codes = np.where(codes < 0, len(uniques) - 1, codes)
    else:
        codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=False)
    stripped = [("" if v is None or v != v else str(v).replace("\u00a0", " ").strip())
                for v in uniques]
    inner, categories = pd.factorize(np.array(stripped, dtype=object), sort=True)
    return pd.Categorical.from_codes(inner[codes], categories=categories)


def _read_csv(path: Path, problems: list[Problem]) -> pd.DataFrame | None:
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(name, None, None, f"файл не читается: {exc.strerror}"))
        return None
    data = _decode(raw, name, problems)
    if data is None:
        return None
    if not data.strip():
        problems.append(Problem(name, None, None, "файл пуст"))
        return None
    header = data.split(b"\n", 1)[0]
    sep = ";" if header.count(b";") > header.count(b",") else ","
    try:
        # categorical columns parse as fast as pandas' own type inference and let every check
        # run once per distinct value
        frame = pd.read_csv(io.BytesIO(data), sep=sep, dtype="category", keep_default_na=False,
                            skip_blank_lines=False, encoding="utf-8")
    except (pd.errors.ParserError, ValueError) as exc:
        line = re.search(r"line (\d+)", str(exc))
        problems.append(Problem(name, int(line.group(1)) if line else None, None,
                                "строка не разбирается: неверное число столбцов или кавычки"))
        return None
    frame.columns = [str(c).strip().lstrip("\ufeff").strip() for c in frame.columns]
    frame[_LINE] = np.arange(len(frame)) + 2  # header is line 1
    return frame


def _read_parquet(path: Path, problems: list[Problem]) -> pd.DataFrame | None:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for a broken file
        problems.append(Problem(path.name, None, None,
                                f"файл Parquet не читается ({type(exc).__name__})"))
        return None
    out = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        values = frame[col]
        if pd.api.types.is_float_dtype(values):
            # 5.0 → "5": Parquet written from pandas turns nullable ints into floats
            as_text = values.map(lambda v: "" if pd.isna(v) else f"{v:g}")
        else:
            as_text = values.astype(object).where(values.notna(), "").astype(str)
        out[str(col).strip()] = as_text
    out = out.reset_index(drop=True)
    out[_LINE] = np.arange(len(out)) + 1  # no header row in Parquet
    return out


def _read_table(folder: Path, stem: str, required: bool,
                problems: list[Problem]) -> tuple[str, pd.DataFrame | None]:
    csv, parquet = folder / f"{stem}.csv", folder / f"{stem}.parquet"
    if csv.exists() and parquet.exists():
        problems.append(Problem(csv.name, None, None,
                                f"есть и {csv.name}, и {parquet.name}; используется {csv.name}",
                                "warning"))
    if csv.exists():
        name, frame = csv.name, _read_csv(csv, problems)
    elif parquet.exists():
        name, frame = parquet.name, _read_parquet(parquet, problems)
    else:
        if required:
            problems.append(Problem(csv.name, None, None,
                                    f"файл не найден в папке {folder} (ожидался {csv.name} "
                                    f"или {parquet.name})"))
        else:
            problems.append(Problem(csv.name, None, None, "файла нет: таблица считается пустой",
                                    "warning"))
        return csv.name, None
    if frame is None:
        return name, None
    required_cols, optional_cols = COLUMNS[stem]
    missing = [c for c in required_cols if c not in frame.columns]
    for col in missing:
        problems.append(Problem(name, 1, col, "нет обязательного столбца"))
    unknown = [c for c in frame.columns if c not in (*required_cols, *optional_cols, _LINE)]
    for col in unknown:
        problems.append(Problem(name, 1, col, "неизвестный столбец, не используется", "warning"))
    if missing:
        return name, None
    for col in optional_cols:
        if col not in frame.columns:
            frame[col] = ""
    frame = frame[[*required_cols, *optional_cols, _LINE]]
    # strip spaces and drop fully empty lines (keeping the line numbers of the others)
    text_cols = [*required_cols, *optional_cols]
    frame = frame.assign(**{c: _as_categories(frame[c]) for c in text_cols})
    frame = frame[(frame[text_cols] != "").any(axis=1).to_numpy()].reset_index(drop=True)
    if frame.empty and required:
        problems.append(Problem(name, None, None, "в файле нет ни одной строки данных"))
        return name, None
    return name, frame


# --------------------------------------------------------------------------------------------
# Checks that report bad rows


def _report(problems: list[Problem], name: str, frame: pd.DataFrame, mask: pd.Series,
            column: str | None, message, severity: str = "error") -> None:
    """Add one problem per row of ``frame`` where ``mask`` holds.

    ``message`` is a string or a function of the row (a Series) returning a string.
    """
    if not mask.any():
        return
    for _, row in frame.loc[mask.to_numpy()].iterrows():
        text = message(row) if callable(message) else message
        problems.append(Problem(name, int(row[_LINE]), column, text, severity))


def _check_year(problems, name, frame) -> pd.Series:
    def wrong(text: str) -> bool:
        match = re.fullmatch(YEAR_RE, text)
        return match is None or int(match.group(2)) != int(match.group(1)) + 1

    bad = _per_category(frame["year"], wrong).astype(bool)
    _report(problems, name, frame, bad, "year",
            lambda r: f"учебный год «{r['year']}» должен быть вида ГГГГ-ГГГГ, второй год на "
                      "единицу больше первого (например, 2021-2022)")
    return bad


def _check_vocab(problems, name, frame, column, vocab: Vocabulary, empty: str | None,
                 allow_empty: bool) -> tuple[pd.Series, pd.Series]:
    """Normalise ``column`` through ``vocab``; return (canonical values, bad mask)."""
    distinct = frame[column].unique()
    mapping = {v: vocab.normalise(v) for v in distinct if v != ""}
    canonical = _per_category(frame[column], lambda v: empty if v == "" else mapping[v])
    bad = canonical.isna() & (frame[column] != "")
    if not allow_empty:
        bad |= frame[column] == ""
    allowed = ", ".join(vocab.codes)
    _report(problems, name, frame, bad, column,
            lambda r: (f"пустое значение; допустимо: {allowed}" if r[column] == "" else
                       f"неизвестное значение «{r[column]}» ({vocab.name}); допустимо: "
                       f"{allowed} или их русские названия"))
    return canonical.astype("string"), bad


def _check_org(problems, name, frame, org_ids: set[str] | None) -> pd.Series:
    bad = frame["org_id"] == ""
    _report(problems, name, frame, bad, "org_id", "пустой код организации")
    if org_ids is not None:
        unknown = ~frame["org_id"].isin(org_ids) & ~bad
        _report(problems, name, frame, unknown, "org_id",
                lambda r: f"организации «{r['org_id']}» нет в organizations.csv")
        bad |= unknown
    return bad


def _report_duplicates(problems, name, frame, key: list[str], column: str, what: str) -> pd.Series:
    dup = frame.duplicated(key, keep=False)
    if dup.any():
        first_line = frame[dup].groupby(key, dropna=False)[_LINE].transform("min")
        later = dup & frame.duplicated(key, keep="first")
        lines = first_line.reindex(frame.index)
        _report(problems, name, frame.assign(_first=lines), later, column,
                lambda r: f"{what} повторяется (уже есть в строке {int(r['_first'])}); "
                          "значения не суммируются — оставьте одну строку")
        return later
    return pd.Series(False, index=frame.index)


def _per_category(series: pd.Series, func) -> pd.Series:
    """Apply ``func`` to each distinct value of a categorical column, spread back to rows."""
    cat = series.array
    mapped = np.array([func(v) for v in cat.categories], dtype=object)
    out = mapped[cat.codes] if len(mapped) else np.array([], dtype=object)
    return pd.Series(out, index=series.index)


def _number(text: str) -> float:
    try:
        return float(text.replace(",", ".")) if text != "" else np.nan
    except ValueError:
        return np.nan


def _to_int(series: pd.Series) -> pd.Series:
    numbers = _per_category(series, _number).astype(float)
    whole = numbers.where(numbers == np.floor(numbers))
    return whole.astype("Int64")


def _check_organizations(name, frame, problems) -> pd.DataFrame:
    bad_id = frame["org_id"] == ""
    _report(problems, name, frame, bad_id, "org_id", "пустой код организации")
    _report_duplicates(problems, name, frame, ["org_id"], "org_id", "код организации")
    _report(problems, name, frame, frame["name"] == "", "name",
            "пустое название организации", "warning")
    kind, _ = _check_vocab(problems, name, frame, "kind", KINDS, None, allow_empty=False)
    out = pd.DataFrame({
        "org_id": frame["org_id"], "name": frame["name"], "kind": kind,
        "settlement": frame["settlement"].replace("", pd.NA),
    })
    return out.drop_duplicates("org_id").reset_index(drop=True).astype("string")


def _check_measures(name, frame, org_ids, problems) -> pd.DataFrame:
    bad = _check_year(problems, name, frame)
    bad |= _check_org(problems, name, frame, org_ids)
    unknown = ~frame["measure"].isin(MEASURES)
    _report(problems, name, frame, unknown, "measure",
            lambda r: f"неизвестный показатель «{r['measure']}»; допустимые названия — в "
                      "каталоге показателей (README, раздел «Формат данных»)")
    bad |= unknown
    grade = _to_int(frame["grade"])
    bad_grade = (frame["grade"] != "") & (grade.isna() | ~grade.isin(GRADES)).fillna(True)
    _report(problems, name, frame, bad_grade, "grade",
            lambda r: f"класс «{r['grade']}» должен быть целым числом от 1 до 11 или пустым "
                      "(итог по всем классам)")
    bad |= bad_grade
    value = _per_category(frame["value"], _number).astype(float)
    bad_value = value.isna() | (value < 0)
    _report(problems, name, frame, bad_value, "value",
            lambda r: ("пустое значение" if r["value"] == "" else
                       f"значение «{r['value']}» не является числом"
                       if np.isnan(_number(r["value"])) else
                       f"отрицательное значение {r['value']}"))
    bad |= bad_value
    flags = _per_category(frame["measure"],
                          lambda m: m in MEASURES and MEASURES[m].group == "flag").astype(bool)
    bad_flag = flags & ~bad_value & ~value.isin([0, 1])
    _report(problems, name, frame, bad_flag, "value",
            lambda r: f"показатель «{r['measure']}» — флаг, допустимо 0 или 1, "
                      f"а указано {r['value']}")
    bad |= bad_flag
    counts = ~flags & ~bad_value & (value != np.floor(value))
    _report(problems, name, frame, counts, "value",
            lambda r: f"количество должно быть целым, а указано {r['value']}")
    bad |= counts
    keyed = frame.assign(_grade=grade)
    bad |= _report_duplicates(problems, name, keyed, ["year", "org_id", "measure", "_grade"],
                              "measure", "сочетание год + организация + показатель + класс")
    out = pd.DataFrame({
        # keys stay categorical: a region has 200,000 rows and a few hundred distinct keys
        "year": frame["year"].cat.remove_unused_categories(),
        "org_id": frame["org_id"],
        "measure": frame["measure"],
        "grade": grade,
        "value": value.astype(float),
        _LINE: frame[_LINE],
    })[~bad.to_numpy()]
    out = out.assign(**{c: out[c].cat.remove_unused_categories()
                        for c in ("year", "org_id", "measure")})
    _check_total_and_grades(name, out, problems)
    _check_participants(name, out, problems)
    return out.reset_index(drop=True)


def _check_total_and_grades(name, measures, problems) -> None:
    has_total = measures["grade"].isna()
    key = ["year", "org_id", "measure"]
    both = measures[has_total].merge(measures[~has_total][key].drop_duplicates(), on=key)
    for _, row in both.iterrows():
        problems.append(Problem(
            name, int(row[_LINE]), "grade",
            f"«{row['measure']}» у {row['org_id']} за {row['year']} дан и по классам, и итогом; "
            "используется итог", "warning"))


def _check_participants(name, measures, problems) -> None:
    """Participants of one grade above the enrolment of that grade (SPEC §3.2)."""
    by_grade = measures[measures["grade"].notna().to_numpy()]
    wide = (by_grade.groupby(["year", "org_id", "grade", "measure"], observed=True)["value"]
            .sum().unstack("measure"))
    for part, base in PARTICIPANT_BASE.items():
        if part not in wide.columns or base not in wide.columns:
            continue
        over = wide.index[(wide[part] > wide[base]).to_numpy()]
        for year, org_id, grade in over:
            rows = by_grade[(by_grade["year"] == year) & (by_grade["org_id"] == org_id)
                            & (by_grade["grade"] == grade) & (by_grade["measure"] == part)]
            problems.append(Problem(
                name, int(rows[_LINE].iloc[0]), "value",
                f"{org_id}, {year}, {int(grade)} класс: «{part}» = "
                f"{wide.at[(year, org_id, grade), part]:g} больше, чем «{base}» = "
                f"{wide.at[(year, org_id, grade), base]:g}"))


def _check_graduates(name, frame, org_ids, rules: Rules, problems) -> pd.DataFrame:
    bad = _check_year(problems, name, frame)
    bad |= _check_org(problems, name, frame, org_ids)
    no_id = frame["graduate_id"] == ""
    _report(problems, name, frame, no_id, "graduate_id", "пустой код выпускника")
    bad |= no_id
    bad |= _report_duplicates(problems, name, frame, ["year", "org_id", "graduate_id"],
                              "graduate_id", "код выпускника в этой школе и этом году")
    grade = _to_int(frame["grade"])
    bad_grade = ~grade.isin(GRADUATE_GRADES).fillna(False).astype(bool)
    _report(problems, name, frame, bad_grade, "grade",
            lambda r: f"класс выпуска «{r['grade']}»: допустимо 9 или 11")
    bad |= bad_grade
    profile, bad_profile = _check_vocab(problems, name, frame, "profile",
                                        rules.profile_vocabulary, None, allow_empty=True)
    destination, bad_dest = _check_vocab(problems, name, frame, "destination", DESTINATIONS,
                                         "unknown", allow_empty=True)
    bad |= bad_profile | bad_dest
    subjects, bad_subjects = _parse_subjects(name, frame, problems)
    bad |= bad_subjects
    _report(problems, name, frame, (grade == 9).fillna(False) & subjects.notna(), "ege_subjects",
            "у выпускника 9 класса указаны предметы ЕГЭ; они не учитываются", "warning")
    code = frame["specialty_code"]
    bad_code = _per_category(code, lambda c: c != "" and not re.fullmatch(CODE_RE, c)).astype(bool)
    _report(problems, name, frame, bad_code, "specialty_code",
            lambda r: f"код специальности «{r['specialty_code']}» должен быть вида NN.NN.NN "
                      "(например, 15.02.16)")
    bad |= bad_code
    out = pd.DataFrame({
        "year": frame["year"], "org_id": frame["org_id"], "graduate_id": frame["graduate_id"],
    }).astype("string")
    out["grade"] = grade
    out["profile"] = profile
    out["ege_subjects"] = subjects
    out["destination"] = destination
    for col in ("institution", "specialty_code", "specialty_name", "study_region"):
        out[col] = frame[col].replace("", pd.NA).astype("string")
    return out[~bad.to_numpy()].reset_index(drop=True)


def _parse_subjects(name, frame, problems) -> tuple[pd.Series, pd.Series]:
    """Split ЕГЭ subjects on ``;``/``,`` and normalise each through the vocabulary."""
    cache: dict[str, tuple[str | None, list[str]]] = {}
    for text in frame["ege_subjects"].unique():
        items = [s for s in re.split(r"[;,]", text) if s.strip()]
        codes = [SUBJECTS.normalise(s) for s in items]
        unknown = [s.strip() for s, c in zip(items, codes, strict=True) if c is None]
        joined = ";".join(sorted({c for c in codes if c})) or None
        cache[text] = (joined, unknown)
    parsed = _per_category(frame["ege_subjects"], lambda t: cache[t][0]).astype("string")
    bad = _per_category(frame["ege_subjects"], lambda t: bool(cache[t][1])).astype(bool)
    _report(problems, name, frame, bad, "ege_subjects",
            lambda r: "неизвестный предмет ЕГЭ: "
                      + ", ".join(f"«{s}»" for s in cache[r["ege_subjects"]][1]))
    return parsed, bad


def _check_demand(name, frame, problems) -> pd.DataFrame:
    territory, bad = _check_vocab(problems, name, frame, "territory", TERRITORIES, None,
                                  allow_empty=False)
    bad_code = _per_category(frame["code"], lambda c: not re.fullmatch(CODE_RE, c)).astype(bool)
    _report(problems, name, frame, bad_code, "code",
            lambda r: f"код «{r['code']}» должен быть вида NN.NN.NN или NN.00.00 (группа)")
    bad |= bad_code
    has_year = frame["year"] != ""
    bad_year = has_year & _check_year([], name, frame)
    _report(problems, name, frame, bad_year, "year",
            lambda r: f"учебный год «{r['year']}» должен быть вида ГГГГ-ГГГГ или пустым")
    bad |= bad_year
    vacancies = _to_int(frame["vacancies"])
    bad_vac = (frame["vacancies"] != "") & (vacancies.isna() | (vacancies < 0)).fillna(True)
    _report(problems, name, frame, bad_vac, "vacancies",
            lambda r: f"число вакансий «{r['vacancies']}» должно быть целым неотрицательным")
    bad |= bad_vac
    keyed = frame.assign(territory=territory)
    _report_duplicates([], name, keyed, ["territory", "code", "year"], "code", "")
    dup = keyed.duplicated(["territory", "code", "year"], keep="first")
    _report(problems, name, frame, dup, "code",
            lambda r: f"код {r['code']} повторяется в списке этой территории", "warning")
    out = pd.DataFrame({
        "territory": territory,
        "code": frame["code"].astype("string"),
        "title": frame["title"].replace("", pd.NA).astype("string"),
        "year": frame["year"].replace("", pd.NA).astype("string"),
        "vacancies": vacancies,
        "source": frame["source"].replace("", pd.NA).astype("string"),
    })
    return out[~bad.to_numpy()].reset_index(drop=True)


def _empty(stem: str) -> pd.DataFrame:
    required, optional = COLUMNS[stem]
    frame = pd.DataFrame({c: pd.Series(dtype="string") for c in (*required, *optional)})
    if "grade" in frame:
        frame["grade"] = frame["grade"].astype("Int64")
    if "vacancies" in frame:
        frame["vacancies"] = frame["vacancies"].astype("Int64")
    if "value" in frame:
        frame["value"] = frame["value"].astype(float)
    return frame


def _read_meta(folder: Path, problems: list[Problem]) -> dict:
    path = folder / "dataset.yaml"
    if not path.exists():
        return {}
    try:
        meta = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError):
        problems.append(Problem(path.name, None, None, "файл не читается, не используется",
                                "warning"))
        return {}
    return meta if isinstance(meta, dict) else {}


def check_dataset(path: str | Path, rules: Rules | None = None
                  ) -> tuple[Dataset | None, list[Problem]]:
    """Read and validate a dataset folder, collecting every problem.

    Parameters
    ----------
    path : str or Path
        The dataset folder.
    rules : Rules, optional
        The district's rules (profiles for the aliases); read from ``parameters/`` if omitted.

    Returns
    -------
    dataset : Dataset or None
        The canonical tables with the bad rows left out; ``None`` when a required table cannot
        be read at all.
    problems : list of Problem
        Errors and warnings, in the order of the files and lines.
    """
    folder = Path(path)
    problems: list[Problem] = []
    if not folder.is_dir():
        return None, [Problem(str(folder), None, None, "папка с данными не найдена")]
    rules = rules or load_rules()
    meta = _read_meta(folder, problems)
    tables: dict[str, pd.DataFrame | None] = {}
    names: dict[str, str] = {}
    for stem in (*REQUIRED_TABLES, *OPTIONAL_TABLES):
        names[stem], tables[stem] = _read_table(folder, stem, stem in REQUIRED_TABLES, problems)

    org_ids = None
    if tables["organizations"] is not None:
        tables["organizations"] = _check_organizations(names["organizations"],
                                                       tables["organizations"], problems)
        org_ids = set(tables["organizations"]["org_id"].dropna())
    if tables["measures"] is not None:
        tables["measures"] = _check_measures(names["measures"], tables["measures"], org_ids,
                                             problems)
    if tables["graduates"] is not None:
        tables["graduates"] = _check_graduates(names["graduates"], tables["graduates"], org_ids,
                                               rules, problems)
    if tables["demand"] is not None:
        tables["demand"] = _check_demand(names["demand"], tables["demand"], problems)
    if tables["organizations"] is None or tables["measures"] is None:
        return None, problems
    dataset = Dataset(
        path=folder,
        organizations=tables["organizations"],
        measures=tables["measures"].drop(columns=_LINE),
        graduates=tables["graduates"] if tables["graduates"] is not None else _empty("graduates"),
        demand=tables["demand"] if tables["demand"] is not None else _empty("demand"),
        problems=[p for p in problems if p.severity == "warning"],
        meta=meta,
    )
    return dataset, problems


def load_dataset(path: str | Path, rules: Rules | None = None) -> Dataset:
    """Load a dataset folder, refusing it when it has errors.

    Parameters
    ----------
    path : str or Path
        The dataset folder.
    rules : Rules, optional
        The district's rules; read from ``parameters/`` if omitted.

    Returns
    -------
    Dataset
        With its warnings in ``problems``.

    Raises
    ------
    InputError
        Listing every error (and warning) found.
    """
    dataset, problems = check_dataset(path, rules)
    if dataset is None or errors_of(problems):
        raise InputError(problems)
    return dataset
