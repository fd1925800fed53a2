"""The ОКСО classifier with its crosswalk of revisions, and the key of a specialty's name.

The classifier ships with the package (``proforient/data/okso.csv``, ``okso_additions.csv`` and
``okso_crosswalk.csv``, old → new code; their provenance is in ``proforient/data/*.md``). Every
code resolves to its *canonical* code (the newest revision, following the crosswalk) and to the
group (УГС) of that canonical code, so 15.02.08 and 15.02.16 both land in 15.00.00.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from proforient.paths import PACKAGE_DATA_DIR

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

_LEADING_CODE = re.compile(r"^\s*(\d{2}\.\d{2}\.\d{2})\.?(?:\s*[-–—:.]\s*|\s+|$)")
_TRAILING_PARENS = re.compile(r"\s*[(\[](?:[^()\[\]]|\([^()]*\)|\[[^\[\]]*\])*[)\]]\s*$")
_BASE_QUALIFIER = re.compile(
    r"[\s,;:.-]*(?:на\s+базе|после)\s+(?:9|11|девят\w*|одиннадцат\w*|основного|среднего)\b.*$"
)
_PUNCTUATION = re.compile(r"[^\w\s]|_")
_SPACES = re.compile(r"\s+")

_DATA_FILES = ("okso.csv", "okso_additions.csv")
_CROSSWALK_FILE = "okso_crosswalk.csv"


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


def leading_code(text: object) -> str | None:
    """The ОКСО code typed at the start of a name («15.02.16 Технология…» → ``15.02.16``)."""
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
        return _per_code(codes, lambda c: c.map(self.table["canonical_code"]).fillna(c))

    def group(self, codes: pd.Series) -> pd.Series:
        """УГС group (``NN.00.00``) of each code's canonical revision.

        A well-formed code that is not in the classifier gets the group its first two digits
        name (the ОКСО code structure), a group code is its own group.
        """
        def group(codes: pd.Series) -> pd.Series:
            by_structure = codes.where(
                codes.str.fullmatch(r"\d{2}\.\d{2}\.\d{2}").fillna(False)).str.slice(0, 2)
            return codes.map(self.table["group_code"]).fillna(by_structure + ".00.00")

        return _per_code(codes, group)

    def name(self, codes: pd.Series) -> pd.Series:
        """Classifier name of each code (``<NA>`` if unknown)."""
        return _per_code(codes, lambda c: c.map(self.table["name"]))

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


def _per_code(codes: pd.Series, lookup: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``lookup`` (Series of codes → Series of text) applied to each distinct code once and
    spread back to the rows; a missing code stays missing. A year of a region's graduates is
    74,000 rows and a few hundred codes."""
    codes = pd.Series(codes, dtype="str")
    where, distinct = pd.factorize(codes)  # a missing code: -1
    found = lookup(pd.Series(distinct, dtype="str")).astype("str")
    return pd.Series(found.array.take(where, allow_fill=True), index=codes.index, dtype="str")


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

