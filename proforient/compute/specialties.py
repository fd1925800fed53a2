"""Specialty resolution: from what a school typed to an ОКСО code and its group.

A graduate's specialty is resolved in this order (docs/indicators.md, «Распознавание
специальности»):

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
same demand entries (docs/data-contract.md, «Классификатор ОКСО»).

Every function here is pure: frames in, new frames out. Each *distinct* typed name is resolved
once and the result is mapped back, so 300 000 graduates with 5 000 distinct names cost 5 000
resolutions, not 300 000.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from proforient.parameters.classifier import Classifier, leading_code, normalise_name
from proforient.parameters.rules import Rules
from proforient.vocab import ADMITTED_DESTINATIONS

#: How a specialty was resolved, from the most to the least certain (docs/indicators.md,
#: «Распознавание специальности»).
RESOLVED_BY: tuple[str, ...] = ("code", "exact", "alias", "fuzzy", "unresolved")

#: typo in a first letter that reorders the words («економика и бухгалтерский учет»: 76.7
#: sorted, 96.7 whole). ``WRatio`` and ``token_set_ratio`` were rejected on the same test set:
#: they score a short word contained in a long name as a match — «дело» → «акушерское дело»,
#: «нет» → «медицинская кибернетика», «право» → «правоохранительная деятельность» all 90 with
#: WRatio, «учет» → «экономика и бухгалтерский учет» 100 with token_set_ratio — which would
#: turn garbage into resolved specialties. The cases live in tests/compute/test_specialties.py.
SCORERS = (fuzz.ratio, fuzz.token_sort_ratio)


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
    classifier: Classifier,
    aliases: pd.DataFrame,
    *,
    accept: float,
    review: float,
    preference: str = "any",
) -> pd.DataFrame:
    """Resolve typed specialty names to classifier codes, each distinct name once.

    Parameters
    ----------
    names : Series of str
        Typed names; missing values allowed.
    classifier : Classifier
        The ОКСО classifier (:func:`proforient.parameters.classifier.load_classifier`).
    aliases : DataFrame
        The district's alias table (:func:`proforient.parameters.aliases.load_aliases`).
    accept, review : float
        Fuzzy thresholds (0–100; ``fuzzy_accept`` and ``fuzzy_review`` of the district's rules):
        a best score ``>= accept`` is accepted, ``>= review`` is accepted but flagged
        ``needs_review``, below ``review`` the name is unresolved.
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
    names = pd.Series(names)
    # Work on distinct raw strings, then on distinct keys (many spellings share one key).
    raw_idx, raw_uniques = pd.factorize(names.astype("object"), use_na_sentinel=True)
    raw_list = list(raw_uniques)
    key_list = [normalise_name(x) for x in raw_list]
    lead = [leading_code(x) for x in raw_list]
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
    classifier: Classifier,
    aliases: pd.DataFrame,
    rules: Rules,
) -> pd.DataFrame:
    """Resolve every graduate's specialty (docs/indicators.md, «Распознавание специальности»).

    Parameters
    ----------
    graduates : DataFrame
        The loader's graduates frame; uses ``destination``, ``specialty_code``,
        ``specialty_name``.
    classifier : Classifier
        The ОКСО classifier.
    aliases : DataFrame
        The district's alias table (checked, with its ``key`` column).
    rules : Rules
        Gives the fuzzy thresholds ``fuzzy_accept`` and ``fuzzy_review``.

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
    g = graduates.copy()
    given = g["specialty_code"].astype("str").str.strip()
    valid = given.isin(classifier.codes)
    dest = g["destination"].astype("str")
    admitted = dest.isin(ADMITTED_DESTINATIONS).fillna(False)
    kind = dest.to_numpy(dtype=object, na_value="")
    pref_arr = np.where(np.isin(kind, ["spo", "vo"]), kind, "any")  # СПО or ВО codes first

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
    # Only a college/university entrant's specialty counts anywhere (docs/indicators.md,
    # «Выпускники»), so only theirs is sent for review: «10 класс» typed for a pupil who
    # stayed at school is not a problem.
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

