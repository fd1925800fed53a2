"""Checks of each table that report bad rows with file, line, column and a Russian reason.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from proforient.dataset.model import _LINE
from proforient.parameters.measures import MeasureCatalogue
from proforient.parameters.rules import Rules
from proforient.problems import Problem
from proforient.vocab import (
    ACADEMIC_YEAR_HINT,
    BATCH_RESERVED_NAMES,
    DESTINATIONS,
    GRADES,
    GRADUATE_GRADES,
    KINDS,
    MAX_COUNT,
    MAX_COUNT_TEXT,
    OKSO_CODE,
    ORG_ID_MAX_LENGTH,
    ORG_ID_PUNCTUATION,
    PLAIN_NUMBER,
    PLAIN_NUMBER_HINT,
    SUBJECTS,
    TERRITORIES,
    WINDOWS_RESERVED_NAMES,
    Vocabulary,
    is_academic_year,
)

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
    bad = _per_category(frame["year"], lambda text: not is_academic_year(text)).astype(bool)
    _report(problems, name, frame, bad, "year",
            lambda r: f"учебный год «{r['year']}» {ACADEMIC_YEAR_HINT}")
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
    bad = _empty(frame["org_id"])
    _report(problems, name, frame, bad, "org_id", "пустой код организации")
    if org_ids is not None:
        unknown = ~frame["org_id"].isin(org_ids) & ~bad
        _report(problems, name, frame, unknown, "org_id",
                lambda r: f"организации «{r['org_id']}» нет в organizations.csv")
        bad |= unknown
    return bad


def _report_duplicates(problems, name, frame, key: list[str], column: str, what: str) -> pd.Series:
    number = _key_number(frame, key)
    dup = frame.duplicated(key, keep=False) if number is None else pd.Series(
        pd.Series(number).duplicated(keep=False).to_numpy(), index=frame.index)
    if dup.any():
        first_line = frame[dup].groupby(key, dropna=False)[_LINE].transform("min")
        later = dup & frame.duplicated(key, keep="first")
        lines = first_line.reindex(frame.index)
        _report(problems, name, frame.assign(_first=lines), later, column,
                lambda r: f"{what} повторяется (уже есть в строке {int(r['_first'])}); "
                          "значения не суммируются — оставьте одну строку")
        return later
    return pd.Series(False, index=frame.index)


def _empty(series: pd.Series) -> pd.Series:
    """Rows of a categorical text column that are «» — by the codes: the reader sorts the
    categories, so «» is the first when it is there (comparing with «» hashed every category
    first: 220,000 graduate ids, 0.03 s)."""
    cat = series.array
    first = len(cat.categories) and cat.categories[0] == ""
    return pd.Series(cat.codes == 0 if first else np.zeros(len(cat), dtype=bool),
                     index=series.index)


def _per_category(series: pd.Series, func) -> pd.Series:
    """Apply ``func`` to each distinct value of a categorical column, spread back to rows (the
    result's type is inferred once, from the distinct results, not from every row's)."""
    cat = series.array
    if not len(cat.categories):
        return pd.Series(np.array([], dtype=object), index=series.index)
    mapped = pd.Series([func(v) for v in cat.categories])
    return pd.Series(mapped.array.take(cat.codes), index=series.index)


def _as_text(series: pd.Series, empty_is_missing: bool = False) -> pd.Series:
    """A categorical text column as a ``string`` column (``""`` missing if asked), converted per
    distinct value: converting each of 220,000 rows cost a tenth of a second per column."""
    cat = series.array
    text = pd.array(np.asarray(cat.categories, dtype=object), dtype="string")
    if empty_is_missing:
        text[(text == "").to_numpy(dtype=bool, na_value=False)] = pd.NA
    return pd.Series(text.take(cat.codes, allow_fill=True), index=series.index)


def plain_number(text: str) -> float:
    """The value of a number written plainly (``12``, ``0,5``, ``-3``); NaN for anything else.

    Refused: empty text, an exponent (``1e308``), ``inf``/``nan``, digit groups (``1_000``,
    ``1 000``), digits of other scripts (``１２``) — all of which Python's ``float`` accepts.

    >>> plain_number("0,5"), plain_number("12")
    (0.5, 12.0)
    >>> [plain_number(t) for t in ("1e3", "inf", "1_000", "１２", "")]
    [nan, nan, nan, nan, nan]
    """
    if not PLAIN_NUMBER.fullmatch(text):
        return np.nan
    return float(text.replace(",", "."))


def looks_like_a_number(text: str) -> bool:
    """Whether ``text`` is a number in some other writing (``1e5``, ``inf``, ``１２``)."""
    try:
        float(text.replace(",", "."))
    except ValueError:
        return any(c.isdigit() for c in text)
    return True


def count_problem(text: str) -> str | None:
    """Why ``text`` is not a count the data can hold (Russian), or ``None`` when it is one.

    A count is a plain non-negative number (:func:`plain_number`) not above
    :data:`~proforient.vocab.MAX_COUNT`; whether it must be whole is checked by the caller.
    """
    if text == "":
        return "пустое значение"
    value = plain_number(text)
    if np.isnan(value):
        hint = f": {PLAIN_NUMBER_HINT}" if looks_like_a_number(text) else ""
        return f"значение «{text}» не является числом{hint}"
    if value < 0:
        return f"отрицательное значение {text}"
    if value > MAX_COUNT:
        return (f"значение {text} больше {MAX_COUNT_TEXT}: такого количества не бывает, "
                "проверьте, нет ли лишних цифр")
    return None


def _to_int(series: pd.Series) -> pd.Series:
    numbers = _per_category(series, plain_number).astype(float)
    whole = numbers.where((numbers == np.floor(numbers)) & (numbers.abs() <= MAX_COUNT))
    return whole.astype("Int64")


def _org_id_char_ok(char: str) -> bool:
    return (char in ORG_ID_PUNCTUATION or (char.isascii() and char.isalnum())
            or ("\u0400" <= char <= "\u04ff" and char.isalpha()))


def _visible(char: str) -> str:
    if char == " ":
        return "пробел"
    if char.isprintable() and not unicodedata.combining(char):
        return f"«{char}»"
    return f"U+{ord(char):04X}"


def shown_org_id(org_id: str, limit: int = 40) -> str:
    """An organisation id fit for a message: control characters written as ``U+0007``,
    a long id cut after ``limit`` characters."""
    text = "".join(c if c.isprintable() else f"U+{ord(c):04X}" for c in org_id)
    return text if len(text) <= limit else text[:limit] + "…"


#: An id of Latin letters, digits, «-», «_» and inner dots, not too long: fine unless reserved.
_PLAIN_ORG_ID = re.compile(
    rf"[A-Za-z0-9_-](?:[A-Za-z0-9._-]{{0,{ORG_ID_MAX_LENGTH - 2}}}[A-Za-z0-9_-])?")


def org_id_problem(org_id: str) -> str | None:
    """Why ``org_id`` cannot name files (Russian), or ``None`` when it can.

    An organisation id becomes part of file names (``<org_id>.html`` in the reports, the
    collection workbooks), on Windows and macOS too. It may hold Latin and Cyrillic letters,
    digits 0–9, ``-``, ``_`` and ``.``; it must not start or end with ``.``, be longer than
    :data:`~proforient.vocab.ORG_ID_MAX_LENGTH` characters, be a Windows device name
    (``CON``, ``PRN``, ``AUX``, ``NUL``, ``COM1``–``COM9``, ``LPT1``–``LPT9``, in any case,
    with or without an extension) or one of the report folder's own names
    (:data:`~proforient.vocab.BATCH_RESERVED_NAMES`). Two ids that differ only in letter case
    are checked by :func:`check_organizations` (their files would be one file on Windows and
    macOS). This is the rule every command relies on: ``validate`` refuses such ids, so
    ``report`` and ``template`` never meet them.

    >>> org_id_problem("sch-07") is None, org_id_problem("школа_1.2") is None
    (True, True)
    >>> org_id_problem("../evil")
    'недопустимые символы: «/»; начинается с точки'
    >>> org_id_problem("Con.txt")
    'зарезервированное имя устройства в Windows (CON): файл с таким именем не создать'
    """
    if org_id == "":
        return "пустой код организации"
    device = org_id.split(".", 1)[0].casefold()
    reserved = device in WINDOWS_RESERVED_NAMES or org_id.casefold() in BATCH_RESERVED_NAMES
    if _PLAIN_ORG_ID.fullmatch(org_id) and not reserved:
        return None  # the usual id, told at once (a region has thousands)
    reasons = []
    bad = list(dict.fromkeys(c for c in org_id if not _org_id_char_ok(c)))
    if bad:
        reasons.append("недопустимые символы: " + ", ".join(_visible(c) for c in bad[:5])
                       + (" и другие" if len(bad) > 5 else ""))
    if org_id.startswith("."):
        reasons.append("начинается с точки")
    elif org_id.endswith("."):
        reasons.append("кончается точкой (Windows отбрасывает её в имени файла)")
    if len(org_id) > ORG_ID_MAX_LENGTH:
        reasons.append(f"длиннее {ORG_ID_MAX_LENGTH} символов ({len(org_id)})")
    if device in WINDOWS_RESERVED_NAMES:
        reasons.append(f"зарезервированное имя устройства в Windows ({device.upper()}): файл "
                       "с таким именем не создать")
    if org_id.casefold() in BATCH_RESERVED_NAMES:
        reasons.append("совпадает с именем служебного файла отчётов ("
                       + ", ".join(sorted(BATCH_RESERVED_NAMES)) + ")")
    return "; ".join(reasons) or None


def _check_org_ids(problems, name, frame) -> pd.Series:
    """Organisation ids unusable as file names, and ids that differ only in letter case."""
    reasons = _per_category(frame["org_id"], lambda v: None if v == "" else org_id_problem(v))
    bad = reasons.notna()
    _report(problems, name, frame, bad, "org_id",
            lambda r: f"код организации «{shown_org_id(r['org_id'])}» нельзя сделать именем "
                      f"файла: {reasons[r.name]}. Допустимы латинские и русские буквы, цифры, "
                      f"«-», «_» и «.», не длиннее {ORG_ID_MAX_LENGTH} символов")
    first: dict[str, tuple[str, int]] = {}
    clash = pd.Series(False, index=frame.index)
    for index, org_id, line in zip(frame.index, frame["org_id"], frame[_LINE], strict=True):
        if org_id == "" or bad[index]:
            continue
        key = org_id.casefold()
        seen = first.setdefault(key, (org_id, int(line)))
        if seen[0] != org_id:
            clash[index] = True
            problems.append(Problem(
                name, int(line), "org_id",
                f"код организации «{org_id}» отличается от «{seen[0]}» (строка {seen[1]}) только "
                "регистром букв: в Windows и macOS их файлы совпадут; сделайте коды разными"))
    return bad | clash


def check_organizations(name, frame, problems) -> pd.DataFrame:
    bad_id = frame["org_id"] == ""
    _report(problems, name, frame, bad_id, "org_id", "пустой код организации")
    _report_duplicates(problems, name, frame, ["org_id"], "org_id", "код организации")
    unusable = _check_org_ids(problems, name, frame)
    _report(problems, name, frame, frame["name"] == "", "name",
            "пустое название организации", "warning")
    kind, _ = _check_vocab(problems, name, frame, "kind", KINDS, None, allow_empty=False)
    out = pd.DataFrame({
        "org_id": frame["org_id"], "name": frame["name"], "kind": kind,
        "settlement": frame["settlement"].replace("", pd.NA),
    })
    # an id that cannot name a file is left out, so that nothing downstream (collect) uses it
    out = out[~unusable.to_numpy()]
    return out.drop_duplicates("org_id").reset_index(drop=True).astype("string")


def check_measures(name, frame, org_ids, catalogue: MeasureCatalogue, problems) -> pd.DataFrame:
    """Check the measures table against the catalogue (``parameters/measures.yaml``).

    A category's value may be written as its name or its number in the catalogue's list; it
    comes out as the number (``value``), so that every value of the table is a number.
    """
    bad = _check_year(problems, name, frame)
    bad |= _check_org(problems, name, frame, org_ids)
    unknown = _per_category(frame["measure"], lambda m: m not in catalogue).astype(bool)
    _report(problems, name, frame, unknown, "measure",
            lambda r: catalogue.unknown_message(r["measure"]))
    bad |= unknown
    grade = _to_int(frame["grade"])
    bad_grade = (frame["grade"] != "") & (grade.isna() | ~grade.isin(GRADES)).fillna(True)
    _report(problems, name, frame, bad_grade, "grade",
            lambda r: f"класс «{r['grade']}» должен быть целым числом от 1 до 11 или пустым "
                      "(итог по всем классам)")
    bad |= bad_grade
    total_only = _per_category(frame["measure"], lambda m: m in catalogue
                               and not catalogue[m].by_grade).astype(bool)
    graded_total = total_only & (frame["grade"] != "") & ~bad_grade
    _report(problems, name, frame, graded_total, "grade",
            lambda r: f"показатель «{r['measure']}» собирается итогом по организации (by: total "
                      f"в {catalogue.file}): оставьте класс пустым")
    bad |= graded_total
    category = _in_group(frame["measure"], catalogue, "category")
    value = _per_category(frame["value"], plain_number).astype(float)
    not_count = _per_category(frame["value"], lambda v: count_problem(v) is not None)
    if category.any():
        position = pd.Series(np.nan, index=frame.index)
        rows = frame.loc[category, ["measure", "value"]]
        position[category] = [catalogue[m].category_position(v) or np.nan
                              for m, v in zip(rows["measure"], rows["value"], strict=True)]
        value = value.where(~category, position)
        bad_category = pd.Series(category, index=frame.index) & position.isna()
        _report(problems, name, frame, bad_category, "value",
                lambda r: f"«{r['value']}» не из списка значений показателя «{r['measure']}»: "
                          + ", ".join(catalogue[r["measure"]].values))
        bad |= bad_category
    bad_value = not_count.astype(bool) & ~category
    _report(problems, name, frame, bad_value, "value", lambda r: count_problem(r["value"]))
    bad |= bad_value
    flags = _in_group(frame["measure"], catalogue, "flag")
    bad_flag = flags & ~bad_value & ~((value == 0) | (value == 1))
    _report(problems, name, frame, bad_flag, "value",
            lambda r: f"показатель «{r['measure']}» — флаг, допустимо 0 или 1, "
                      f"а указано {r['value']}")
    bad |= bad_flag
    counts = ~flags & ~category & ~bad_value & (value != np.floor(value))
    _report(problems, name, frame, counts, "value",
            lambda r: f"количество должно быть целым, а указано {r['value']}")
    bad |= counts
    # decided once per (year, measure) pair of categories, then looked up by the rows' codes
    years, codes = frame["year"].cat, frame["measure"].cat
    outside = np.zeros((len(years.categories) + 1, len(codes.categories) + 1), dtype=bool)
    for i, year in enumerate(years.categories):
        for j, measure in enumerate(codes.categories):
            outside[i, j] = _outside_years(catalogue, str(year), str(measure))
    not_collected = pd.Series(outside[years.codes.to_numpy(), codes.codes.to_numpy()],
                              index=frame.index) & ~bad
    _report(problems, name, frame, not_collected, "measure",
            lambda r: f"показатель «{r['measure']}» по каталогу не собирается в {r['year']} году "
                      f"(from/to в {catalogue.file}): проверьте год или каталог",
            "warning")
    keyed = frame.assign(_grade=grade)
    bad |= _report_duplicates(problems, name, keyed, ["year", "org_id", "measure", "_grade"],
                              "measure", "сочетание год + организация + показатель + класс")
    out = pd.DataFrame({
        # keys stay categorical: a region has 200,000 rows and a few hundred distinct keys
        "year": frame["year"],
        "org_id": frame["org_id"],
        "measure": frame["measure"],
        "grade": grade,
        "value": value.astype(float),
        _LINE: frame[_LINE],
    })[~bad.to_numpy()]
    out = out.assign(**{c: _used_only(out[c]) for c in ("year", "org_id", "measure")})
    _check_total_and_grades(name, out, problems)
    _check_participants(name, out, catalogue, problems)
    return out.reset_index(drop=True)


def _used_only(values: pd.Series) -> pd.Series:
    """A categorical column without the categories no row has (those of the bad rows left
    out, «» of the empty ones); as it is when every category is used, without re-encoding
    a region's 800,000 rows."""
    cat = values.array
    if np.bincount(cat.codes[cat.codes >= 0], minlength=len(cat.categories)).all():
        return values
    return values.cat.remove_unused_categories()


def _in_group(measure: pd.Series, catalogue: MeasureCatalogue, group: str) -> np.ndarray:
    """Rows whose measure the catalogue puts in ``group`` (``category``, ``flag`` …)."""
    return _per_category(measure, lambda m: m in catalogue and catalogue[m].group == group
                         ).to_numpy(dtype=bool)


def _outside_years(catalogue: MeasureCatalogue, year: str, measure: str) -> bool:
    spec = catalogue.get(measure)
    return spec is not None and is_academic_year(year) and not spec.collected_in(year)


def _one_number(*parts: tuple[np.ndarray, int]) -> np.ndarray:
    """One whole number per row from several codes, each ``(codes, how many values they
    take)``, read as the digits of one number: equal rows get equal numbers, and the numbers
    sort as the codes do, first part first. A row keyed by year, organisation and grade is
    then looked up or compared as one integer, not three columns."""
    number = np.zeros(len(parts[0][0]), dtype=np.int64)
    for codes, size in parts:
        number = number * size + np.asarray(codes, dtype=np.int64)
    return number


def _key_number(frame: pd.DataFrame, key: list[str]) -> np.ndarray | None:
    """:func:`_one_number` of the rows' ``key`` columns (categorical by their codes, any other
    by its distinct values, a missing value one of them), or ``None`` when the number could
    outgrow 64 bits. Repeated keys are found among whole numbers in about half the time
    pandas takes over the columns (a region's 820,000 measure rows: 0.07 s, not 0.13 s)."""
    parts, size = [], 1
    for column in key:
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            part = _digits(values)
        else:
            codes, distinct = pd.factorize(values, use_na_sentinel=False)
            part = (codes, len(distinct))
        size *= max(part[1], 1)
        parts.append(part)
    return _one_number(*parts) if size < 2**62 else None


def _digits(values: pd.Series) -> tuple[np.ndarray, int]:
    """A categorical column as a part of :func:`_one_number` (a missing value is a digit too)."""
    cat = values.array
    return cat.codes.astype(np.int64) + 1, len(cat.categories) + 1


def _check_total_and_grades(name, measures, problems) -> None:
    """A measure given both as a total and by grade for one organisation and year (a warning
    on the total's row; the total is used)."""
    total = measures["grade"].isna().to_numpy()
    if total.all() or not total.any():
        return
    key = _one_number(*(_digits(measures[c]) for c in ("year", "org_id", "measure")))
    both = total & np.isin(key, key[~total])
    for _, row in measures[both].iterrows():
        problems.append(Problem(
            name, int(row[_LINE]), "grade",
            f"«{row['measure']}» у {row['org_id']} за {row['year']} дан и по классам, и итогом; "
            "используется итог", "warning"))


def _check_participants(name, measures, catalogue: MeasureCatalogue, problems) -> None:
    """Participants of one grade above the enrolment of that grade (``bounded_by`` in the
    catalogue; docs/data-contract.md, «measures.csv»).

    ``measures`` has one row per year, organisation, measure and grade (later duplicates are
    dropped before): each participants row is compared with its base's row of the same year,
    organisation and grade, looked up by one number made of the three codes. A region's
    800,000 rows: 0.03 s (a group-by and a pivot of every measure took 0.2 s)."""
    graded = measures[measures["grade"].notna().to_numpy()]
    codes = graded["measure"].cat
    present = [(p, b) for p, b in catalogue.bases.items()
               if p in codes.categories and b in codes.categories]
    if not present:
        return
    key = _one_number(_digits(graded["year"]), _digits(graded["org_id"]),
                      (graded["grade"].to_numpy(np.int64), max(GRADES) + 1))
    measure = codes.codes.to_numpy()
    value = graded["value"].to_numpy(float)
    for part, base in present:
        of_part = measure == codes.categories.get_loc(part)
        of_base = measure == codes.categories.get_loc(base)
        enrolled = pd.Series(value[of_base], index=key[of_base]).reindex(key[of_part])
        over = np.flatnonzero(value[of_part] > enrolled.to_numpy())  # no base row: not over
        if not len(over):
            continue
        rows = graded.iloc[np.flatnonzero(of_part)[over]]
        rows = rows.assign(_base=enrolled.to_numpy()[over], _key=key[of_part][over])
        for _, row in rows.sort_values("_key", kind="stable").iterrows():
            problems.append(Problem(
                name, int(row[_LINE]), "value",
                f"{row['org_id']}, {row['year']}, {int(row['grade'])} класс: «{part}» = "
                f"{row['value']:g} больше, чем «{base}» = {row['_base']:g}"))


def check_graduates(name, frame, org_ids, rules: Rules, problems) -> pd.DataFrame:
    bad = _check_year(problems, name, frame)
    bad |= _check_org(problems, name, frame, org_ids)
    no_id = _empty(frame["graduate_id"])
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
    bad_code = _per_category(code, lambda c: c != "" and not OKSO_CODE.fullmatch(c)).astype(bool)
    _report(problems, name, frame, bad_code, "specialty_code",
            lambda r: f"код специальности «{r['specialty_code']}» должен быть вида NN.NN.NN "
                      "(например, 15.02.16)")
    bad |= bad_code
    out = pd.DataFrame({col: _as_text(frame[col]) for col in ("year", "org_id", "graduate_id")})
    out["grade"] = grade
    out["profile"] = profile
    out["ege_subjects"] = subjects
    out["destination"] = destination
    for col in ("institution", "specialty_code", "specialty_name", "study_region"):
        out[col] = _as_text(frame[col], empty_is_missing=True)
    out[_LINE] = frame[_LINE]
    return out[~bad.to_numpy()].reset_index(drop=True)


def check_graduates_within_enrolment(name, graduates, measures, problems) -> None:
    """Graduates of grade 9 or 11 of a school and year above its enrolment of that grade.

    ``graduates`` and ``measures`` are the checked tables (with their lines); the enrolment is
    the by-grade ``students`` row (a total says nothing about grade 9 or 11; no row, no
    check). The error is put on the first graduate row beyond the enrolment, column ``grade``.
    One error per school, year and grade, in the order the groups first appear in the file.
    Vectorised: a region has some 12,000 such groups, each found by one number made of the
    measures' codes of its year and school and its grade.
    """
    students = measures[((measures["measure"] == "students")
                         & measures["grade"].isin(GRADUATE_GRADES)).to_numpy()]
    keyed = graduates[graduates["grade"].isin(GRADUATE_GRADES).to_numpy(dtype=bool)]
    if students.empty or keyed.empty:
        return
    years, orgs = students["year"].cat.categories, students["org_id"].cat.categories

    def number(year, org, grade) -> np.ndarray:
        return _one_number((year, len(years)), (org, len(orgs)),
                           (grade, max(GRADUATE_GRADES) + 1))

    base = pd.Series(
        pd.to_numeric(students["value"], errors="coerce").to_numpy(dtype=float),
        index=number(students["year"].cat.codes.to_numpy(), students["org_id"].cat.codes.to_numpy(),
                     students["grade"].to_numpy(np.int64)))
    base = base[~base.index.duplicated(keep="last")].dropna()
    year = years.get_indexer(keyed["year"])
    org = orgs.get_indexer(keyed["org_id"])
    known = (year >= 0) & (org >= 0)  # a year or school without enrolment rows: no check
    rows = keyed[known]
    group, numbers = pd.factorize(number(year[known], org[known],
                                         rows["grade"].to_numpy(np.int64)))  # first appearance
    count = np.bincount(group)
    enrolled = base.reindex(numbers).to_numpy()
    over = np.flatnonzero(count > enrolled)  # no enrolment row: NaN, not over
    if not len(over):
        return
    lines = rows[_LINE].to_numpy(dtype="int64")
    order = np.lexsort((lines, group))  # each group's rows in the file's order
    starts = np.concatenate([[0], np.cumsum(count)[:-1]])
    for g in over:
        first_extra = order[starts[g] + int(np.floor(enrolled[g]))]
        row = rows.iloc[first_extra]
        grade = int(row["grade"])
        problems.append(Problem(
            name, int(lines[first_extra]), "grade",
            f"{row['org_id']}, {row['year']}: выпускников {grade} класса — {count[g]}, а "
            f"показатель «students» за {grade} класс — {enrolled[g]:g}: выпускников не может "
            "быть больше, чем обучающихся; лишние — с этой строки"))


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


def check_demand(name, frame, problems) -> pd.DataFrame:
    territory, bad = _check_vocab(problems, name, frame, "territory", TERRITORIES, None,
                                  allow_empty=False)
    bad_code = _per_category(frame["code"], lambda c: not OKSO_CODE.fullmatch(c)).astype(bool)
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
            lambda r: f"число вакансий «{r['vacancies']}» должно быть целым неотрицательным "
                      f"числом не больше {MAX_COUNT_TEXT}, записанным цифрами")
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


