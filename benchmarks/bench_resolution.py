"""Benchmark: specialty-name resolution of 300 000 graduates (issue «Graduate specialty alignment»).

Run with ``python benchmarks/bench_resolution.py [--rows N] [--names N] [--naive-sample N]``.

It builds ``--rows`` graduate rows whose typed specialty names are drawn from about ``--names``
distinct spellings: real classifier names with synthetic variants (case, ``ё``, spaces,
qualifiers such as «(на базе 9 классов)», one or two typos, word swaps), abbreviations from the
alias table, and garbage («не знаю», college names). It then resolves them

- with :func:`proforient.specialties.resolve_specialties` (each distinct name once, vectorised
  fuzzy matching with ``rapidfuzz.process.cdist``), and
- with a naive baseline in the same run: the same steps (normalise, exact, alias, fuzzy with the
  same scorers and choices) row by row, ``rapidfuzz.process.extractOne`` per row. The baseline is
  timed on ``--naive-sample`` rows and extrapolated linearly to all rows (printed as such).

Goal (issue): at least 20× faster than the baseline and under 10 s for 300 000 rows.
"""

from __future__ import annotations

import argparse
import random
import sys
import time

import numpy as np
import pandas as pd
from rapidfuzz import process

from proforient.compute.specialties import SCORERS, resolve_specialties
from proforient.parameters import load_parameters
from proforient.parameters.classifier import NAME_LEVELS, normalise_name

PARAMS = load_parameters()

GARBAGE = [
    "не знаю",
    "колледж",
    "техникум",
    "ВУЗ",
    "поступил",
    "нет данных",
    "-",
    "учится",
    "Ижевский политехнический колледж",
    "Воткинский промышленный техникум",
    "УдГУ",
    "ИжГТУ",
    "медколледж",
    "на бюджет",
    "???",
    "СПО",
    "не поступал",
    "армия",
]
QUALIFIERS = [
    " (на базе 9 классов)",
    " (на базе 11 кл.)",
    " (по отраслям)",
    " на базе 9 кл",
    ";",
    ".",
    " (очно)",
]
RUSSIAN = "абвгдежзийклмнопрстуфхцчшщыьэюя"


def _typo(rng: random.Random, s: str) -> str:
    if len(s) < 4:
        return s
    i = rng.randrange(1, len(s) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return s[:i] + s[i + 1 :]
    if kind == 1:
        return s[:i] + rng.choice(RUSSIAN) + s[i:]
    if kind == 2:
        return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    return s[:i] + rng.choice(RUSSIAN) + s[i + 1 :]


def _variant(rng: random.Random, name: str) -> str:
    s = name
    r = rng.random()
    if r < 0.25:
        s = s.upper() if rng.random() < 0.3 else s.lower()
    elif r < 0.35:
        s = s.replace("е", "ё", 1)
    if rng.random() < 0.25:
        s = s + rng.choice(QUALIFIERS)
    if rng.random() < 0.45:
        s = _typo(rng, s)
        if rng.random() < 0.3:
            s = _typo(rng, s)
    if rng.random() < 0.1:
        words = s.split()
        if len(words) > 1:
            i = rng.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
            s = " ".join(words)
    if rng.random() < 0.2:
        s = "  " + s.replace(" ", "  ") + " "
    return s


def build_graduates(rows: int, names: int, seed: int = 20220601) -> pd.DataFrame:
    """Synthetic graduates frame with ``rows`` rows and about ``names`` distinct typed names."""
    rng = random.Random(seed)
    classifier = PARAMS.classifier
    t = classifier.table
    real = t.loc[t["level"].isin(NAME_LEVELS), "name"].drop_duplicates().tolist()
    aliases = PARAMS.aliases["alias"].tolist()
    pool: set[str] = set(real[: max(1, names // 5)])
    pool.update(aliases)
    pool.update(GARBAGE)
    while len(pool) < names:
        r = rng.random()
        if r < 0.05:
            pool.add(rng.choice(GARBAGE) + rng.choice(["", " ", ".", "!"]) + str(rng.randrange(9)))
        elif r < 0.1:
            pool.add(_typo(rng, rng.choice(aliases)))
        else:
            pool.add(_variant(rng, rng.choice(real)))
    spellings = sorted(pool)
    # Zipf-like frequencies: a few names are very common, most are rare.
    weights = 1.0 / np.arange(1, len(spellings) + 1) ** 0.8
    order = np.random.default_rng(seed).permutation(len(spellings))
    drawn = np.random.default_rng(seed + 1).choice(
        len(spellings), size=rows, p=weights / weights.sum()
    )
    typed = np.asarray(spellings, dtype=object)[order][drawn]
    gen = np.random.default_rng(seed + 2)
    destination = gen.choice(["spo", "vo", "school", "work"], size=rows, p=[0.5, 0.3, 0.15, 0.05])
    has_code = gen.random(rows) < 0.2
    codes = np.where(has_code, gen.choice(t["code"].to_numpy(), size=rows), None)
    return pd.DataFrame(
        {
            "year": "2021-2022",
            "org_id": pd.Series(gen.integers(1, 21, size=rows)).map("sch-{:02d}".format),
            "graduate_id": [f"g{i:06d}" for i in range(rows)],
            "grade": pd.array(gen.choice([9, 11], size=rows), dtype="Int64"),
            "profile": pd.array([None] * rows, dtype="str"),
            "ege_subjects": pd.array([None] * rows, dtype="str"),
            "destination": pd.array(destination, dtype="str"),
            "institution": pd.array([None] * rows, dtype="str"),
            "specialty_code": pd.array(codes, dtype="str"),
            "specialty_name": pd.array(typed, dtype="str"),
            "study_region": pd.array([None] * rows, dtype="str"),
        }
    )


def naive_resolve(graduates: pd.DataFrame, accept: float, review: float) -> list[tuple]:
    """The baseline: the same resolution steps, one row at a time."""
    classifier = PARAMS.classifier
    exact, keys, codes = classifier.choices("any")
    alias_map = dict(zip(*PARAMS.aliases[["key", "code"]].T.to_numpy(), strict=True))
    valid = set(classifier.codes)
    out = []
    for code, name in zip(graduates["specialty_code"], graduates["specialty_name"], strict=True):
        if isinstance(code, str) and code in valid:
            out.append((code, "code", 100.0))
            continue
        key = normalise_name(name)
        if not key:
            out.append((None, None, None))
        elif key in exact:
            out.append((exact[key], "exact", 100.0))
        elif key in alias_map:
            out.append((alias_map[key], "alias", 100.0))
        else:
            best = max(
                (process.extractOne(key, keys, scorer=s) for s in SCORERS), key=lambda m: m[1]
            )
            found = codes[best[2]]
            out.append(
                (
                    found if best[1] >= review else None,
                    "fuzzy" if best[1] >= review else "unresolved",
                    best[1],
                )
            )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--names", type=int, default=5_000)
    parser.add_argument("--naive-sample", type=int, default=3_000)
    args = parser.parse_args(argv)

    rules = PARAMS.rules  # the classifier was read once above, like in a session
    graduates = build_graduates(args.rows, args.names)
    distinct = graduates["specialty_name"].nunique()
    print(f"rows: {len(graduates):,}; distinct typed names: {distinct:,}")

    start = time.perf_counter()
    resolved = resolve_specialties(graduates, PARAMS.classifier, PARAMS.aliases, rules)
    fast = time.perf_counter() - start
    counts = resolved["resolved_by"].value_counts(dropna=False)
    print("resolved_by:", ", ".join(f"{k}={v:,}" for k, v in counts.items()))

    sample = graduates.sample(n=min(args.naive_sample, len(graduates)), random_state=1)
    start = time.perf_counter()
    naive_resolve(sample, rules.fuzzy_accept, rules.fuzzy_review)
    naive_sample = time.perf_counter() - start
    naive = naive_sample * len(graduates) / len(sample)

    print(f"resolve_specialties (distinct names, cdist): {fast:8.2f} s")
    print(
        f"naive per-row extractOne: {naive_sample:.2f} s on {len(sample):,} rows, "
        f"EXTRAPOLATED linearly to {len(graduates):,} rows: {naive:8.1f} s"
    )
    print(f"speed-up: {naive / fast:.0f}x (goal >= 20x); under 10 s: {fast < 10}")
    return 0 if fast < 10 and naive / fast >= 20 else 1


if __name__ == "__main__":
    sys.exit(main())
