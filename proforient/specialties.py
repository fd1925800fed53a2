"""Specialty resolution: from what a school typed to an ОКСО code and its group (SPEC §3.5, §5.1).

A graduate's specialty is resolved in this order (SPEC §5.1):

1. ``code`` — the given ``specialty_code`` is a code of the classifier (a code typed at the start
   of the name, «15.02.16 Технология машиностроения», counts as given too);
2. ``exact`` — the typed name equals a classifier name after :func:`normalise_name`;
3. ``alias`` — the normalised name is in the district's alias table
   (``parameters/specialty_aliases.csv``);
4. ``fuzzy`` — the best classifier name by :func:`similarity` scores at least ``review``; between
   ``review`` and ``accept`` the match is kept but listed for the analyst (:func:`review_list`);
5. ``unresolved`` — anything else, including a college or university graduate with nothing typed.

``resolved_by`` is ``<NA>`` only where nothing was typed and nothing needs resolving (a graduate
who went to the 10th grade, to work or to the army without a specialty).

The classifier is shipped with the package (``proforient/data/okso.csv`` plus
``okso_additions.csv``) with a crosswalk of revisions (``okso_crosswalk.csv``, old → new code).
Every code resolves to its *canonical* code (the newest revision, following the crosswalk) and the
group (УГС) of that canonical code, so 15.02.08 and 15.02.16 both land in 15.00.00 and match the
same demand entries.

Every function here is pure: frames in, new frames out. Each *distinct* typed name is resolved
once and the result is mapped back, so 300 000 graduates with 5 000 distinct names cost 5 000
resolutions, not 300 000.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from proforient.paths import PACKAGE_DATA_DIR, parameters_dir
from proforient.problems import InputError, Problem
from proforient.rules import Rules, load_rules
from proforient.vocab import ADMITTED_DESTINATIONS

#: How a specialty was resolved, from the most to the least certain (SPEC §5.1).
RESOLVED_BY: tuple[str, ...] = ("code", "exact", "alias", "fuzzy", "unresolved")

#: Classifier levels (column ``level`` of ``okso.csv``).
LEVELS: tuple[str, ...] = (
    "group",
    "spo_worker",
    "spo_specialist",
    "bachelor",
    "master",
    "specialist",
    "other",
)

#: Levels whose names a typed specialty is matched against. Group names (УГС) and the
#: postgraduate codes are left out: a school graduate enters a profession, a specialty or a
#: bachelor/specialist programme, and several group names repeat a programme's name.
NAME_LEVELS: tuple[str, ...] = ("spo_specialist", "spo_worker", "bachelor", "specialist")

#: Level preference by destination. It only breaks ties between classifier entries with the
#: same normalised name (Сестринское дело is 34.02.01 in СПО and 34.03.01 in ВО): a college
#: entrant gets the СПО code, a university entrant the ВО one.
LEVEL_PREFERENCE: dict[str, tuple[str, ...]] = {
    "spo": ("spo_specialist", "spo_worker", "bachelor", "specialist"),
    "vo": ("bachelor", "specialist", "spo_specialist", "spo_worker"),
    "any": ("spo_specialist", "spo_worker", "bachelor", "specialist"),
}

#: Fuzzy scorers; a name's score is the larger of the two (:func:`similarity`).
#: ``ratio`` is the normalised Indel similarity of the whole keys, ``token_sort_ratio`` the same
#: on the words sorted alphabetically. Together they forgive typos («технология
#: машиностроениия» 98, «сестринкое дело» 96.8, «поварр кондитер» 96.6) and word order
#: («кондитер повар» 100); ``ratio`` alone fails on word order, ``token_sort_ratio`` alone on a
#: typo in a first letter that reorders the words («економика и бухгалтерский учет»: 76.7
#: sorted, 96.7 whole). ``WRatio`` and ``token_set_ratio`` were rejected on the same test set:
#: they score a short word contained in a long name as a match — «дело» → «акушерское дело»,
#: «нет» → «медицинская кибернетика», «право» → «правоохранительная деятельность» all 90 with
#: WRatio, «учет» → «экономика и бухгалтерский учет» 100 with token_set_ratio — which would
#: turn garbage into resolved specialties. The cases live in tests/test_specialties.py.
SCORERS = (fuzz.ratio, fuzz.token_sort_ratio)

CODE_PATTERN = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")
_LEADING_CODE = re.compile(r"^\s*(\d{2}\.\d{2}\.\d{2})\.?(?:\s*[-–—:.]\s*|\s+|$)")
_TRAILING_PARENS = re.compile(r"\s*[(\[](?:[^()\[\]]|\([^()]*\)|\[[^\[\]]*\])*[)\]]\s*$")
_BASE_QUALIFIER = re.compile(
    r"[\s,;:.-]*(?:на\s+базе|после)\s+(?:9|11|девят\w*|одиннадцат\w*|основного|среднего)\b.*$"
)
_PUNCTUATION = re.compile(r"[^\w\s]|_")
_SPACES = re.compile(r"\s+")

_DATA_FILES = ("okso.csv", "okso_additions.csv")
_CROSSWALK_FILE = "okso_crosswalk.csv"
ALIASES_FILE = "specialty_aliases.csv"

RESOLUTION_COLUMNS: list[str] = [
    "specialty_code",
    "canonical_code",
    "ugs_code",
    "resolved_by",
    "match_score",
    "candidate_code",
    "candidate_name",
    "needs_review",
    "unknown_code",
]


def similarity(a: str, b: str) -> float:
    """Score (0–100) of two normalised names: the larger of the :data:`SCORERS`."""
    return max(scorer(a, b) for scorer in SCORERS)


def normalise_name(text: object, *, strip_qualifiers: bool = True) -> str:
    """Return the comparison key of a typed specialty name.

    Case-folded, ``ё`` → ``е``, a leading ОКСО code removed, trailing qualifiers removed
    (parenthesised ones such as «(по отраслям)», «(на базе 9 классов)», nested ones such as
    «(ручной и частично механизированной сварки (наплавки))», and a bare «на базе 9 классов»),
    quotes and punctuation turned into spaces, spaces collapsed.

    Parameters
    ----------
    text : object
        A typed name; ``None`` and missing values give ``""``.
    strip_qualifiers : bool, default True
        Whether to drop trailing qualifiers. The classifier indexes each name both ways, so
        «Сварщик ручной и частично механизированной сварки» still finds 15.01.05.

    Returns
    -------
    str
        The key. ``""`` means nothing usable was typed («-», «?»).

    Examples
    --------
    >>> normalise_name("  Повар-кондитер (на базе 9 кл.) ")
    'повар кондитер'
    >>> normalise_name("15.02.16 «Технология машиностроения»")
    'технология машиностроения'
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    s = str(text).replace("\u00a0", " ").casefold().replace("ё", "е")
    s = _LEADING_CODE.sub("", s)
    # A qualifier may follow another: «Сварщик (…(наплавки)) (на базе 9 классов)».
    for _ in range(3 if strip_qualifiers else 0):
        stripped = _BASE_QUALIFIER.sub("", _TRAILING_PARENS.sub("", s))
        if stripped == s or not stripped.strip():
            break
        s = stripped
    s = _PUNCTUATION.sub(" ", s)
    return _SPACES.sub(" ", s).strip()


def _leading_code(text: object) -> str | None:
    if not isinstance(text, str):
        return None
    m = _LEADING_CODE.match(text)
    return m.group(1) if m else None


@dataclass(frozen=True, eq=False)
class Classifier:
    """The ОКСО classifier with its crosswalk of revisions.

    Build it with :func:`load_classifier` (the shipped data, cached) or
    :meth:`Classifier.from_frames`. Treat it as read-only.

    Attributes
    ----------
    table : DataFrame
        One row per code: ``code, name, level, ugs_code, ugs_name, source, note`` as in
        ``okso.csv``, plus ``canonical_code`` (the newest revision of the code, itself when the
        crosswalk has no successor), ``group_code`` (the УГС of the canonical code — the group
        every revision of the specialty resolves to), ``current`` (not replaced by a newer code),
        ``key`` and ``key_full`` (:func:`normalise_name` of ``name`` without and with its
        trailing qualifiers). Indexed by ``code``.
    crosswalk : DataFrame
        ``old_code, new_code, basis, note``: one successor per old code.
    """

    table: pd.DataFrame
    crosswalk: pd.DataFrame
    _choices: dict = field(default_factory=dict, repr=False)

    @classmethod
    def from_frames(cls, table: pd.DataFrame, crosswalk: pd.DataFrame | None = None) -> Classifier:
        """Build a classifier from a code table and an optional crosswalk.

        Parameters
        ----------
        table : DataFrame
            Columns ``code, name, level, ugs_code``; ``ugs_name``, ``source``, ``note`` optional.
            Every ``ugs_code`` needs its own ``NN.00.00`` row.
        crosswalk : DataFrame, optional
            Columns ``old_code, new_code`` (``basis``, ``note`` optional). Both codes must be in
            ``table``; an old code has one successor; chains (a → b → c) are followed.

        Raises
        ------
        ValueError
            When the data break these rules (shipped data: a programming error, kept loud).
        """
        t = table.copy()
        for col in ("ugs_name", "source", "note"):
            if col not in t.columns:
                t[col] = pd.NA
        t = t[["code", "name", "level", "ugs_code", "ugs_name", "source", "note"]].astype("str")
        bad = t.loc[~t["code"].str.fullmatch(r"\d{2}\.\d{2}\.\d{2}"), "code"]
        if len(bad):
            raise ValueError(f"malformed classifier codes: {bad.tolist()[:5]}")
        if t["code"].duplicated().any():
            raise ValueError(f"duplicate codes: {t.loc[t['code'].duplicated(), 'code'].tolist()}")
        missing_groups = set(t["ugs_code"]) - set(t.loc[t["level"] == "group", "code"])
        if missing_groups:
            raise ValueError(f"groups without their own row: {sorted(missing_groups)}")
        cw = (
            pd.DataFrame(columns=["old_code", "new_code", "basis", "note"], dtype="str")
            if crosswalk is None
            else crosswalk.copy()
        )
        for col in ("basis", "note"):
            if col not in cw.columns:
                cw[col] = pd.NA
        cw = cw[["old_code", "new_code", "basis", "note"]].astype("str")
        unknown = sorted((set(cw["old_code"]) | set(cw["new_code"])) - set(t["code"]))
        if unknown:
            raise ValueError(f"crosswalk codes not in the classifier: {unknown}")
        if cw["old_code"].duplicated().any():
            raise ValueError("an old code has two successors in the crosswalk")
        successor = dict(zip(cw["old_code"], cw["new_code"], strict=True))
        canonical = {}
        for code in t["code"]:
            seen = [code]
            while seen[-1] in successor:
                nxt = successor[seen[-1]]
                if nxt in seen:
                    raise ValueError(f"crosswalk cycle through {code}")
                seen.append(nxt)
            canonical[code] = seen[-1]
        t["canonical_code"] = t["code"].map(canonical)
        ugs = dict(zip(t["code"], t["ugs_code"], strict=True))
        t["group_code"] = t["canonical_code"].map(ugs)
        t["current"] = ~t["code"].isin(list(successor))
        t["key"] = [normalise_name(n) for n in t["name"]]
        t["key_full"] = [normalise_name(n, strip_qualifiers=False) for n in t["name"]]
        t = t.set_index("code", drop=False).rename_axis(None)
        return cls(table=t, crosswalk=cw.reset_index(drop=True))

    def __repr__(self) -> str:
        return (
            f"Classifier({len(self.table)} codes, {len(self.crosswalk)} crosswalk pairs old → new)"
        )

    @property
    def codes(self) -> pd.Index:
        """All codes of the classifier (groups included)."""
        return self.table.index

    def __contains__(self, code: object) -> bool:
        return code in self.table.index

    def canonical(self, codes: pd.Series) -> pd.Series:
        """Newest revision of each code; a well-formed code not in the classifier stays itself.

        Parameters
        ----------
        codes : Series of str
            ОКСО codes, ``<NA>`` allowed.

        Returns
        -------
        Series of str
            Same index; ``<NA>`` where the input is missing.
        """
        codes = pd.Series(codes, dtype="str")
        return codes.map(self.table["canonical_code"]).fillna(codes).astype("str")

    def group(self, codes: pd.Series) -> pd.Series:
        """УГС group (``NN.00.00``) of each code's canonical revision.

        A well-formed code that is not in the classifier gets the group its first two digits
        name (the ОКСО code structure), a group code is its own group.
        """
        codes = pd.Series(codes, dtype="str")
        by_structure = codes.where(codes.str.fullmatch(r"\d{2}\.\d{2}\.\d{2}").fillna(False))
        by_structure = by_structure.str.slice(0, 2) + ".00.00"
        return codes.map(self.table["group_code"]).fillna(by_structure).astype("str")

    def name(self, codes: pd.Series) -> pd.Series:
        """Classifier name of each code (``<NA>`` if unknown)."""
        return pd.Series(codes, dtype="str").map(self.table["name"]).astype("str")

    def group_name(self, groups: pd.Series) -> pd.Series:
        """Name of each УГС group code (``<NA>`` if unknown)."""
        return self.name(groups)

    def choices(self, preference: str = "any") -> tuple[dict[str, str], list[str], np.ndarray]:
        """The names a typed name is matched against, for one level preference.

        Parameters
        ----------
        preference : {"spo", "vo", "any"}
            Key of :data:`LEVEL_PREFERENCE`.

        Returns
        -------
        exact : dict
            Normalised name → code.
        keys : list of str
            The distinct normalised names (fuzzy choices), best entry first among equals.
        codes : ndarray of str
            The code of each key.

        Notes
        -----
        Several entries may share a normalised name (15.02.08 and 15.02.16 «Технология
        машиностроения»; 34.02.01 and 34.03.01 «Сестринское дело»). The one kept is, in order:
        of the most preferred level, current (not replaced in the crosswalk), not from the
        2013-era list only, the lowest code.
        """
        if preference not in self._choices:
            order = LEVEL_PREFERENCE[preference]
            t = self.table[self.table["level"].isin(order)]
            # Each entry under its short key first, then under its full key.
            t = pd.concat(
                [t.assign(_full=False), t.assign(key=t["key_full"], _full=True)], ignore_index=True
            )
            t = t[t["key"] != ""]
            ranked = t.assign(
                _level=t["level"].map({lvl: i for i, lvl in enumerate(order)}),
                _old=~t["current"],
                _older_list=t["note"].fillna("").str.startswith("older list"),
            ).sort_values(["_level", "_old", "_older_list", "_full", "code"])
            best = ranked.drop_duplicates("key")
            keys = best["key"].tolist()
            codes = best["code"].to_numpy(dtype=object)
            self._choices[preference] = (dict(zip(keys, codes, strict=True)), keys, codes)
        return self._choices[preference]


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(
        path, dtype="str", keep_default_na=False, na_values=[""], encoding="utf-8-sig"
    )


@functools.cache
def load_classifier() -> Classifier:
    """Return the shipped classifier (read once per process).

    Reads ``proforient/data/okso.csv``, ``okso_additions.csv`` (codes the source list lacks,
    each with its provenance in ``note``) and ``okso_crosswalk.csv``.

    Returns
    -------
    Classifier
    """
    table = pd.concat(
        [_read_csv(PACKAGE_DATA_DIR / f) for f in _DATA_FILES if (PACKAGE_DATA_DIR / f).exists()],
        ignore_index=True,
    )
    crosswalk_path = PACKAGE_DATA_DIR / _CROSSWALK_FILE
    crosswalk = _read_csv(crosswalk_path) if crosswalk_path.exists() else None
    return Classifier.from_frames(table, crosswalk)


def load_aliases(
    path: Path | str | None = None, classifier: Classifier | None = None
) -> pd.DataFrame:
    """Read and check the district's alias table.

    Parameters
    ----------
    path : Path, optional
        A CSV with columns ``alias, code, comment`` (UTF-8, with or without BOM, ``,`` or ``;``);
        defaults to ``parameters/specialty_aliases.csv``.
    classifier : Classifier, optional
        Defaults to :func:`load_classifier`.

    Returns
    -------
    DataFrame
        ``alias, code, comment, key`` where ``key`` is :func:`normalise_name` of ``alias``; one
        row per key.

    Raises
    ------
    InputError
        Naming the file, line and column of each problem: a missing column, an empty alias, a
        code that is not in the classifier, one alias with two different codes.
    """
    path = Path(path) if path is not None else parameters_dir() / ALIASES_FILE
    try:
        with path.open(encoding="utf-8-sig") as fh:
            header = fh.readline()
    except FileNotFoundError:
        raise InputError([Problem(path.name, None, None, "файл не найден")]) from None
    sep = ";" if header.count(";") > header.count(",") else ","
    raw = pd.read_csv(path, dtype="str", keep_default_na=False, sep=sep, encoding="utf-8-sig")
    raw.columns = [str(c).strip().casefold() for c in raw.columns]
    return check_aliases(raw, classifier, file=path.name)


def check_aliases(
    aliases: pd.DataFrame, classifier: Classifier | None = None, *, file: str = ALIASES_FILE
) -> pd.DataFrame:
    """Check an alias table given as a frame (see :func:`load_aliases`) and add its ``key``.

    Line numbers in problems assume row 0 is line 2 of the file (header = line 1).
    """
    classifier = classifier or load_classifier()
    missing = [c for c in ("alias", "code") if c not in aliases.columns]
    if missing:
        raise InputError([Problem(file, 1, c, "нет обязательного столбца") for c in missing])
    a = aliases.reset_index(drop=True)
    comment = a["comment"] if "comment" in a.columns else pd.Series("", index=a.index)
    a = pd.DataFrame(
        {
            "alias": a["alias"].astype("str").str.strip(),
            "code": a["code"].astype("str").str.strip(),
            "comment": comment.astype("str").fillna(""),
        }
    )
    a["key"] = [normalise_name(x) for x in a["alias"]]
    problems: list[Problem] = []
    for i, row in enumerate(a.itertuples(index=False), start=2):
        if not row.key:
            problems.append(Problem(file, i, "alias", "пустое название"))
        if not isinstance(row.code, str) or row.code not in classifier:
            problems.append(
                Problem(file, i, "code", f"код «{row.code}» не найден в классификаторе ОКСО")
            )
    dup = a[a["key"] != ""].groupby("key")["code"].nunique()
    for key in dup[dup > 1].index:
        lines = [str(i + 2) for i in a.index[a["key"] == key]]
        problems.append(
            Problem(
                file,
                int(lines[0]),
                "alias",
                f"название «{key}» указано с разными кодами (строки {', '.join(lines)})",
            )
        )
    if problems:
        raise InputError(problems)
    return a[a["key"] != ""].drop_duplicates("key").reset_index(drop=True)


def _default_aliases(aliases: pd.DataFrame | None, classifier: Classifier) -> pd.DataFrame:
    if aliases is None:
        return load_aliases(classifier=classifier)
    if "key" not in aliases.columns:
        return check_aliases(aliases, classifier)
    return aliases


def _fuzzy_best(
    queries: list[str], keys: list[str], chunk: int = 2048
) -> tuple[np.ndarray, np.ndarray]:
    """Index and score of the best choice for each query (first of equals wins)."""
    best_idx = np.zeros(len(queries), dtype=np.int64)
    best_score = np.zeros(len(queries), dtype=np.float64)
    for start in range(0, len(queries), chunk):
        part = queries[start : start + chunk]
        scores = process.cdist(part, keys, scorer=SCORERS[0], dtype=np.float32, workers=-1)
        for scorer in SCORERS[1:]:
            np.maximum(
                scores,
                process.cdist(part, keys, scorer=scorer, dtype=np.float32, workers=-1),
                out=scores,
            )
        idx = scores.argmax(axis=1)
        best_idx[start : start + chunk] = idx
        best_score[start : start + chunk] = scores[np.arange(len(idx)), idx]
    return best_idx, best_score


def resolve_names(
    names: pd.Series,
    classifier: Classifier | None = None,
    aliases: pd.DataFrame | None = None,
    *,
    accept: float = 90.0,
    review: float = 80.0,
    preference: str = "any",
) -> pd.DataFrame:
    """Resolve typed specialty names to classifier codes, each distinct name once.

    Parameters
    ----------
    names : Series of str
        Typed names; missing values allowed.
    classifier : Classifier, optional
        Defaults to :func:`load_classifier`.
    aliases : DataFrame, optional
        The alias table (:func:`load_aliases`); defaults to the shipped
        ``parameters/specialty_aliases.csv``.
    accept, review : float
        Fuzzy thresholds (0–100): a best score ``>= accept`` is accepted, ``>= review`` is
        accepted but flagged ``needs_review``, below ``review`` the name is unresolved.
    preference : {"any", "spo", "vo"}
        Which level wins when several classifier entries share a name (:data:`LEVEL_PREFERENCE`).

    Returns
    -------
    DataFrame
        Indexed like ``names``, columns:

        - ``specialty_name`` — the input;
        - ``specialty_code`` — the resolved code, ``<NA>`` if unresolved;
        - ``resolved_by`` — ``code`` (a classifier code typed at the start of the name),
          ``exact``, ``alias``, ``fuzzy``, ``unresolved``; ``<NA>`` where nothing usable was
          typed;
        - ``match_score`` (Float64) — 100 for code/exact/alias, the fuzzy score otherwise (for an
          unresolved name, the score of its best candidate);
        - ``candidate_code``, ``candidate_name`` — the best fuzzy candidate (for names that went
          to fuzzy matching), so the analyst sees what was close;
        - ``needs_review`` (boolean) — unresolved, or fuzzy below ``accept``.
    """
    if review > accept:
        raise ValueError("review threshold must not exceed accept threshold")
    classifier = classifier or load_classifier()
    aliases = _default_aliases(aliases, classifier)
    names = pd.Series(names)
    # Work on distinct raw strings, then on distinct keys (many spellings share one key).
    raw_idx, raw_uniques = pd.factorize(names.astype("object"), use_na_sentinel=True)
    raw_list = list(raw_uniques)
    key_list = [normalise_name(x) for x in raw_list]
    lead = [_leading_code(x) for x in raw_list]
    key_idx, key_uniques = pd.factorize(pd.Series(key_list, dtype="object"))
    keys = list(key_uniques)

    exact_map, choice_keys, choice_codes = classifier.choices(preference)
    alias_map = dict(zip(aliases["key"], aliases["code"], strict=True))
    n = len(keys)
    code = np.full(n, None, dtype=object)
    by = np.full(n, None, dtype=object)
    score = np.full(n, np.nan)
    cand = np.full(n, None, dtype=object)
    to_fuzzy = []
    for i, k in enumerate(keys):
        if not k:
            continue
        if k in exact_map:
            code[i], by[i], score[i] = exact_map[k], "exact", 100.0
        elif k in alias_map:
            code[i], by[i], score[i] = alias_map[k], "alias", 100.0
        else:
            to_fuzzy.append(i)
    if to_fuzzy and choice_keys:
        idx, best = _fuzzy_best([keys[i] for i in to_fuzzy], choice_keys)
        rows = np.asarray(to_fuzzy)
        found = choice_codes[idx]
        cand[rows] = found
        score[rows] = np.round(best, 1)
        ok = best >= review
        code[rows[ok]] = found[ok]
        by[rows] = np.where(ok, "fuzzy", "unresolved")
    elif to_fuzzy:
        by[np.asarray(to_fuzzy)] = "unresolved"

    # Back to distinct raw strings: a leading classifier code wins over the name.
    per_raw = pd.DataFrame(
        {
            "specialty_code": code[key_idx],
            "resolved_by": by[key_idx],
            "match_score": score[key_idx],
            "candidate_code": cand[key_idx],
        }
    )
    lead_s = pd.Series(lead, dtype="object")
    lead_ok = lead_s.isin(classifier.codes)
    per_raw.loc[lead_ok, ["specialty_code", "resolved_by", "match_score", "candidate_code"]] = (
        pd.DataFrame(
            {
                "specialty_code": lead_s[lead_ok],
                "resolved_by": "code",
                "match_score": 100.0,
                "candidate_code": None,
            }
        )
    )
    taken = per_raw.reindex(raw_idx).set_axis(names.index)  # -1 → all NA
    out = pd.DataFrame(
        {
            "specialty_name": names,
            "specialty_code": taken["specialty_code"].astype("str"),
            "resolved_by": taken["resolved_by"].astype("str"),
            "match_score": taken["match_score"].astype("Float64"),
            "candidate_code": taken["candidate_code"].astype("str"),
        },
        index=names.index,
    )
    out["candidate_name"] = classifier.name(out["candidate_code"])
    out["needs_review"] = (
        (
            (out["resolved_by"] == "unresolved")
            | ((out["resolved_by"] == "fuzzy") & (out["match_score"] < accept))
        )
        .fillna(False)
        .astype("boolean")
    )
    return out


def resolve_specialties(
    graduates: pd.DataFrame,
    classifier: Classifier | None = None,
    aliases: pd.DataFrame | None = None,
    rules: Rules | None = None,
) -> pd.DataFrame:
    """Resolve every graduate's specialty (SPEC §5.1).

    Parameters
    ----------
    graduates : DataFrame
        The loader's graduates frame; uses ``destination``, ``specialty_code``,
        ``specialty_name``.
    classifier : Classifier, optional
        Defaults to :func:`load_classifier`.
    aliases : DataFrame, optional
        Defaults to the shipped alias table (:func:`load_aliases`).
    rules : proforient.rules.Rules, optional
        Gives the fuzzy thresholds ``fuzzy_accept`` and ``fuzzy_review``; defaults to
        :func:`proforient.rules.load_rules`.

    Returns
    -------
    DataFrame
        A new frame: the input columns, with ``specialty_code`` replaced by the resolved code,
        plus (:data:`RESOLUTION_COLUMNS`):

        - ``canonical_code`` — the newest revision of ``specialty_code`` (crosswalk);
        - ``ugs_code`` — the group of the canonical code;
        - ``resolved_by`` — ``code`` when the given code is in the classifier (score 100), else
          the name's resolution (:func:`resolve_names`). A college/university (spo/vo) graduate
          with nothing typed is ``unresolved``; anyone else with nothing typed is ``<NA>``;
        - ``match_score``, ``candidate_code``, ``candidate_name`` — as in :func:`resolve_names`;
        - ``needs_review`` (boolean) — as in :func:`resolve_names`, for spo/vo graduates only
          (plus those with nothing resolvable typed); others never need review because their
          specialty counts nowhere;
        - ``unknown_code`` — a given code that is not in the classifier (the name was used
          instead), so the analyst can see it.

    Notes
    -----
    The level preference for names follows the destination: СПО codes first for ``spo``,
    ВО codes first for ``vo``.
    """
    classifier = classifier or load_classifier()
    aliases = _default_aliases(aliases, classifier)
    rules = rules or load_rules()
    g = graduates.copy()
    given = g["specialty_code"].astype("str").str.strip()
    valid = given.isin(classifier.codes)
    dest = g["destination"].astype("str")
    admitted = dest.isin(ADMITTED_DESTINATIONS).fillna(False)
    preference = dest.map({"spo": "spo", "vo": "vo"}).fillna("any")

    # Fill plain arrays by position and build the columns once (arrow-backed setitem is slow).
    n = len(g)
    out = {
        "specialty_code": np.full(n, None, dtype=object),
        "resolved_by": np.full(n, None, dtype=object),
        "match_score": np.full(n, np.nan),
        "candidate_code": np.full(n, None, dtype=object),
        "candidate_name": np.full(n, None, dtype=object),
        "needs_review": np.zeros(n, dtype=bool),
    }
    by_name = (~valid & g["specialty_name"].notna()).to_numpy(dtype=bool)
    pref_arr = preference.to_numpy(dtype=object)
    for pref in ("spo", "vo", "any"):
        pos = np.flatnonzero(by_name & (pref_arr == pref))
        if len(pos):
            part = resolve_names(
                g["specialty_name"].iloc[pos],
                classifier,
                aliases,
                accept=rules.fuzzy_accept,
                review=rules.fuzzy_review,
                preference=pref,
            )
            for col, arr in out.items():
                values = part[col]
                arr[pos] = (
                    values.to_numpy(dtype=float, na_value=np.nan)
                    if col == "match_score"
                    else values.to_numpy(dtype=bool, na_value=False)
                    if col == "needs_review"
                    else values.to_numpy(dtype=object, na_value=None)
                )
    valid_pos = valid.to_numpy(dtype=bool)
    out["specialty_code"][valid_pos] = given.to_numpy(dtype=object)[valid_pos]
    out["resolved_by"][valid_pos] = "code"
    out["match_score"][valid_pos] = 100.0
    nothing = pd.isna(out["resolved_by"]) & admitted.to_numpy(dtype=bool)
    out["resolved_by"][nothing] = "unresolved"
    # Only a college/university entrant's specialty counts anywhere (SPEC §5), so only theirs
    # is sent for review: «10 класс» typed for a pupil who stayed at school is not a problem.
    out["needs_review"] = (out["needs_review"] | nothing) & admitted.to_numpy(dtype=bool)

    code = pd.Series(out["specialty_code"], index=g.index, dtype="str")
    g["specialty_code"] = code
    g["canonical_code"] = classifier.canonical(code)
    g["ugs_code"] = classifier.group(code)
    g["resolved_by"] = pd.Series(out["resolved_by"], index=g.index, dtype="str")
    g["match_score"] = pd.Series(out["match_score"], index=g.index).astype("Float64")
    g["candidate_code"] = pd.Series(out["candidate_code"], index=g.index, dtype="str")
    g["candidate_name"] = pd.Series(out["candidate_name"], index=g.index, dtype="str")
    g["needs_review"] = pd.Series(out["needs_review"], index=g.index).astype("boolean")
    g["unknown_code"] = given.where(given.notna() & ~valid)
    return g


def review_list(resolved: pd.DataFrame) -> pd.DataFrame:
    """Names the analyst should look at, grouped so that one alias line fixes them all.

    Parameters
    ----------
    resolved : DataFrame
        Output of :func:`resolve_specialties` (or of
        :func:`proforient.alignment.align_graduates`, which keeps the same columns).

    Returns
    -------
    DataFrame
        One row per normalised typed name among graduates with ``needs_review`` —
        college/university (spo/vo) graduates whose name is unresolved or matched by fuzzy
        matching below the accept threshold, or who have no specialty at all
        (``specialty_name`` ``<NA>``). Columns ``specialty_name`` (the most frequent
        spelling), ``graduates``, ``resolved_by``, ``match_score``, ``candidate_code``,
        ``candidate_name`` (of the least resolved case when the name was resolved differently
        for college and university entrants), ``unknown_codes`` (given codes missing from the
        classifier, ``", "``-joined, or ``<NA>``), sorted by ``graduates`` descending, then
        name. Empty when nothing needs review.
    """
    cols = [
        "specialty_name",
        "graduates",
        "resolved_by",
        "match_score",
        "candidate_code",
        "candidate_name",
        "unknown_codes",
    ]
    r = resolved.loc[resolved["needs_review"].fillna(False).astype(bool)]
    if r.empty:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in cols}).astype(
            {"graduates": "int64", "match_score": "Float64"}
        )
    names = r["specialty_name"].astype("str")
    uniq = names.dropna().unique()
    key_of = dict(zip(uniq, (normalise_name(x) for x in uniq), strict=True))
    work = pd.DataFrame(
        {
            "key": names.map(key_of).fillna(""),
            "specialty_name": names,
            "resolved_by": r["resolved_by"],
            "match_score": r["match_score"],
            "candidate_code": r["candidate_code"],
            "candidate_name": r["candidate_name"],
            "unknown_code": r.get("unknown_code", pd.NA),
        }
    )
    # One line per typed name even when its candidate differs by destination (СПО or ВО
    # preference): the line shows the least resolved case, with its best candidate.
    work["_rank"] = work["resolved_by"].map({"unresolved": 0, "fuzzy": 1}).fillna(0)
    best = (
        work.sort_values(["_rank", "match_score"], ascending=[True, False], na_position="last")
        .drop_duplicates("key")
        .set_index("key")[["resolved_by", "match_score", "candidate_code", "candidate_name"]]
    )
    counts = work.groupby("key").agg(
        graduates=("specialty_name", "size"),
        unknown_codes=("unknown_code", lambda s: ", ".join(sorted(s.dropna().unique())) or pd.NA),
    )
    spelling = (
        work.groupby(["key", "specialty_name"], dropna=False)
        .size()
        .rename("n")
        .reset_index()
        .sort_values(["n", "specialty_name"], ascending=[False, True])
        .drop_duplicates("key")
        .set_index("key")["specialty_name"]
    )
    out = counts.join(best).join(spelling).reset_index()
    out = out.sort_values(
        ["graduates", "specialty_name"], ascending=[False, True], na_position="last"
    )
    out = out[cols].reset_index(drop=True)
    return out.astype(
        {
            "specialty_name": "str",
            "resolved_by": "str",
            "candidate_code": "str",
            "candidate_name": "str",
            "unknown_codes": "str",
            "graduates": "int64",
            "match_score": "Float64",
        }
    )
