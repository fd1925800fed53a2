"""Disclosure control (proforient.report.publish) on tables small enough to work out by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy.optimize import linprog

from proforient.report.publish import (
    Count,
    Disclosure,
    Published,
    Share,
    count_key,
    parse_key,
    share_visible,
)


def people(rows: list[tuple]) -> pd.DataFrame:
    """Microdata of (grade, destination, n)."""
    return pd.DataFrame(rows, columns=["grade", "dest", "n"]).astype({"grade": str})


def key(**where) -> str:
    return count_key("g", **where)


def column(grade: int, dests: list[str]) -> list[Count]:
    return [Count(key(grade=grade), total=True), *[Count(key(grade=grade, dest=d)) for d in dests]]


DESTS = ["spo", "school", "work", "other", "unknown"]


def test_keys_are_definitions():
    k = count_key("g", org_id="sch-01", destination=("vo", "spo"), grade=9)
    assert k == "g|destination=spo,vo|grade=9|org_id=sch-01"
    domain, where = parse_key(k)
    assert domain == "g" and where["destination"] == frozenset({"spo", "vo"})
    assert parse_key(count_key("g", name="a,b|c=d"))[1]["name"] == frozenset({"a,b|c=d"})


def test_one_small_count_and_its_total_need_a_complement():
    # spo 10, school 6, work 2, other 0, unknown 0; total 18 visible: work = 18 - 16 would be
    # recovered, so the smallest other part that shares the column is hidden too (school 6)
    rules = Disclosure({"g": people([(9, "spo", 10), (9, "school", 6), (9, "work", 2)])}, 3)
    rules.add_all(column(9, DESTS))
    pub = rules.protect()
    assert pub.hidden[key(grade=9, dest="work")] == "primary"
    assert pub.hidden[key(grade=9, dest="school")] == "secondary"
    assert pub.visible(key(grade=9)) and pub.visible(key(grade=9, dest="spo"))
    assert pub.visible(key(grade=9, dest="other"))  # a zero describes nobody
    # both printed «×» (a «<3» would say «1 or 2»); the audit knows the small one as 1 or 2
    assert pub.mark(key(grade=9, dest="work")) == "×" and pub.small(key(grade=9, dest="work"))
    assert pub.mark(key(grade=9, dest="school")) == "×"
    assert not pub.small(key(grade=9, dest="school"))


def test_two_small_counts_that_add_up_to_the_rest_are_protected():
    # The case of sch-01, grade 11, in the old reports: 28 + 21 + 0 + 8 + 3 = 60 of 64, so the
    # two «<3» had to be 2 and 2. Now a third cell is hidden: 4 = other + unknown + work? No —
    # work (8) is hidden and then other + unknown + work = 12 with work >= 0: many solutions.
    rows = [(11, "spo", 28), (11, "vo", 21), (11, "work", 8), (11, "army", 3),
            (11, "other", 2), (11, "unknown", 2)]
    rules = Disclosure({"g": people(rows)}, 3)
    rules.add_all(column(11, ["spo", "vo", "school", "work", "army", "other", "unknown"]))
    pub = rules.protect()
    hidden = {k for k, r in pub.hidden.items()}
    assert {key(grade=11, dest="other"), key(grade=11, dest="unknown")} <= hidden
    assert key(grade=11, dest="army") in hidden  # the smallest part that is not small (3)
    assert pub.visible(key(grade=11))  # the total stays visible


def test_a_share_that_gives_the_count_away_is_hidden_with_it():
    rules = Disclosure({"g": people([(9, "spo", 1), (9, "school", 5)])}, 3)
    total, spo = key(grade=9), key(grade=9, dest="spo")
    rules.add_all([Count(total, total=True), Count(spo), Share("spo%", spo, total)])
    pub = rules.protect()
    assert not pub.visible(spo) and not pub.visible("spo%")


def test_nothing_is_said_about_part_of_a_group_too_small_to_count():
    # 2 pupils with disabilities, none took part: «0 из <3» would say so
    micro = pd.DataFrame({"took_part": ["0"], "n": [2]})
    rules = Disclosure({"o": micro}, 3)
    num, den = count_key("o", took_part="1"), count_key("o")
    rules.add_all([Count(num), Count(den), Share("share", num, den)])
    pub = rules.protect()
    assert pub.hidden == {den: "primary", num: "secondary", "share": "secondary"}
    assert pub.values[num] == 0  # the value is kept for the page's own logic, not shown


def test_two_small_parts_of_a_small_total_are_withdrawn_when_optional():
    # 1 + 1 = 2: three «<3» cells where the parts add up to the total pin every one of them;
    # hiding more cannot help, so the optional breakdown is left out of the page
    micro = pd.DataFrame({"territory": ["district", "republic"], "n": [1, 1]})
    rules = Disclosure({"g": micro}, 3)
    total = count_key("g")
    parts = [count_key("g", territory=t) for t in ("district", "republic")]
    rules.add_all([Count(total), *[Count(p, optional=True) for p in parts]])
    pub = rules.protect()
    assert pub.hidden[total] == "primary"
    assert any(p in pub.withdrawn for p in parts)
    assert all(not pub.shown(p) or not pub.visible(p) for p in parts)


def test_a_district_row_cannot_give_away_a_school():
    # three schools and the district total; school c has 1: hiding it alone, the district row
    # minus a and b would recover it, so another school's count is hidden too
    micro = pd.DataFrame({"org": ["a", "b", "c"], "n": [10, 7, 1]})
    rules = Disclosure({"g": micro}, 3)
    rules.add_all([Count(count_key("g"), total=True),
                   *[Count(count_key("g", org=o)) for o in "abc"]])
    pub = rules.protect()
    assert pub.hidden[count_key("g", org="c")] == "primary"
    assert pub.hidden[count_key("g", org="b")] == "secondary"  # the smallest other school
    assert pub.visible(count_key("g"))


def test_an_undeclared_cell_cannot_be_published():
    rules = Disclosure({"g": people([(9, "spo", 5)])}, 3)
    rules.add(Count(key(grade=9)))
    pub = rules.protect()
    with pytest.raises(KeyError, match="undeclared"):
        pub.visible(key(grade=9, dest="spo"))


@pytest.mark.parametrize(("count", "visible"), [(1, False), (5, False), (3, True), (0, True),
                                                (6, True)])
def test_share_shown_alone(count, visible):
    assert share_visible(count, 6, 3) is visible
    assert share_visible(count, 2, 3) is False  # too few in the denominator


@pytest.mark.parametrize(("count", "of", "visible"), [(0, 3, False), (3, 3, False), (0, 5, False),
                                                      (5, 5, False), (0, 6, True), (6, 6, True),
                                                      (3, 6, True)])
def test_none_or_all_of_a_few_is_not_shown_alone(count, of, visible):
    # «0,0 % of 3 pupils with disabilities took part» says it of each of the three
    assert share_visible(count, of, 3) is visible


def test_small_parts_of_a_small_total_are_shown_as_unknown_not_small():
    # three graduates, one per school; grade 9: schools a and x (1 + 1), grade 11: school b.
    # Shown as «<3» (1 or 2 each), a + x = grade 9 ∈ [1, 2] gives a = x = 1; with the district's
    # 3 visible, b = 3 - 2 = 1 too. Hiding the 3 is not enough (a + x is still a «<3»); the
    # small total of grade 9 has to say nothing of its value: «×».
    micro = pd.DataFrame({"org": ["a", "x", "b"], "grade": ["9", "9", "11"], "n": [1, 1, 1]})
    rules = Disclosure({"g": micro}, 3)
    rules.add(Count(key(), total=True))
    for grade in ("9", "11"):
        rules.add(Count(key(grade=grade), total=True))
    for org, grade in (("a", "9"), ("x", "9"), ("b", "11")):
        rules.add(Count(key(org=org, grade=grade)))
    pub = rules.protect()
    assert all(not pub.visible(k) for k in pub.values if k != key())
    masked = [k for k, reason in pub.hidden.items() if reason == "secondary"]
    assert masked and all(pub.values[k] > 0 for k in masked)  # small counts shown as «×»
    # what the reader sees, over the three people (a, x, b), admits two values of each
    rows = {key(): [1, 1, 1], key(grade="9"): [1, 1, 0], key(grade="11"): [0, 0, 1],
            key(org="a", grade="9"): [1, 0, 0], key(org="x", grade="9"): [0, 1, 0],
            key(org="b", grade="11"): [0, 0, 1]}
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for k, row in rows.items():
        if pub.visible(k):
            a_eq.append(row)
            b_eq.append(pub.values[k])
        elif pub.small(k):  # a reader who knows more than the «×»: 1 or 2
            a_ub += [row, [-v for v in row]]
            b_ub += [2, -1]
    for k in list(rows)[3:]:
        ranges = [sign * linprog([sign * v for v in rows[k]], A_eq=a_eq or None,
                                 b_eq=b_eq or None, A_ub=a_ub or None, b_ub=b_ub or None).fun
                  for sign in (1, -1)]
        assert ranges[1] - ranges[0] >= 1, k


def test_the_keys_count_what_the_indicator_table_counts(demo_ctx):
    # the report's definitions of the graduate and ОВЗ indicators (report/cells.py, counted
    # over report/people.py) give the indicator table's numerators and denominators, for
    # every school of the demo
    from proforient.report import cells
    from proforient.report.publish import Disclosure

    facts, year = demo_ctx.facts, demo_ctx.year
    rules = Disclosure({"g": facts.graduates, "o": facts.ovz}, 3)
    table = demo_ctx.indicators
    rows = table[(table["year"] == year) & (table["scope"] == "org")
                 & table["indicator_id"].isin(list(facts.sensitive)) & table["numerator"].notna()]
    assert len(rows) > 40
    for r in rows.itertuples(index=False):
        num, den = cells.indicator(r.indicator_id, r.org_id, year)
        counted = [int(facts_n[mask].sum()) for facts_n, mask in
                   (_counted(rules, num), _counted(rules, den))]
        assert counted == [r.numerator, r.denominator], (r.org_id, r.indicator_id)


def _counted(rules, key):
    domain, mask = rules._mask(key)
    return rules.microdata[domain]["n"].to_numpy(), mask


def test_a_table_nothing_can_protect_is_withheld_not_a_crash():
    # Another report already shows grade 9: 5 graduates, 3 of them to college (fixed, visible).
    # This report's own cell «school = 2» is then 5 - 3 whatever it hides: there is no complement
    # to choose. The decision used to raise «nothing protects»; now the table is withheld, the
    # cell is withdrawn from the page and the decision goes on for the rest.
    g = people([(9, "spo", 3), (9, "school", 2), (11, "spo", 4), (11, "work", 5)])
    d = Disclosure({"g": g}, 3)
    d.fixed = {key(grade=9): "visible", key(grade=9, dest="spo"): "visible"}
    d.add_all([Count(key(grade=9, dest="school")), *column(11, ["spo", "work"])])
    p = d.protect()
    assert key(grade=9, dest="school") in p.withheld
    assert not p.shown(key(grade=9, dest="school"))
    assert p.withholds([key(grade=9, dest="spo"), key(grade=9, dest="school")])
    # grade 11 is untouched: 4 and 5 of 9, nothing small
    assert all(p.visible(k) for k in (key(grade=11), key(grade=11, dest="spo"),
                                      key(grade=11, dest="work")))



def test_a_table_withheld_before_is_withheld_again():
    # The case above decided, then decided again with its own ledger. The first decision
    # printed a sentence instead of grade 9's table and took «school = 2» off the page; the
    # second finds it taken off already, so nothing is exposed — and printed the table again,
    # «×» and all, beside the sentence of the first (the ledger did not say it was withheld).
    from proforient.report.ledger import entries

    school, spo = key(grade=9, dest="school"), key(grade=9, dest="spo")

    def decide(ledger):
        d = Disclosure({"g": people([(9, "spo", 3), (9, "school", 2), (11, "spo", 4),
                                     (11, "work", 5)])}, 3)
        d.fixed = {key(grade=9): "visible", spo: "visible"}
        d.add_all([Count(school), *column(11, ["spo", "work"])])
        d.add_ledger(ledger)
        return d.protect()

    first = decide({})
    ledger = entries([first])
    assert ledger[school] == "withdrawn+withheld"
    again = decide(ledger)
    assert again.withholds([spo, school]) and not again.shown(school)
    assert "прежних отчётах" in again.withheld[school]
    assert {k: again.mark(k) for k in again.values if again.shown(k)} == \
        {k: first.mark(k) for k in first.values if first.shown(k)}


def test_what_an_earlier_batch_printed_is_printed_again():
    # The column of the first case (spo 10, school 6, work 2 of 18): decided afresh, work reads
    # «<3» and school «×». An earlier batch printed work as «×» and school as 6 (its ledger):
    # work stays «×» though it is small (a «<3» would add what that «×» kept back), and school
    # stays 6 — the reader has it from the earlier page, hiding it would protect nothing. Then
    # 18 − 10 − 6 − 0 − 0 would give work's 2 back: spo is hidden instead.
    work, school, spo = key(grade=9, dest="work"), key(grade=9, dest="school"), \
        key(grade=9, dest="spo")
    rules = Disclosure({"g": people([(9, "spo", 10), (9, "school", 6), (9, "work", 2)])}, 3)
    rules.add_all(column(9, DESTS))
    rules.add_ledger({work: "hidden", school: "visible"})
    pub = rules.protect()
    assert pub.mark(work) == "×" and pub.visible(school)
    assert pub.hidden == {work: "secondary", spo: "secondary"}
    # a count an earlier batch took off its page is taken off again
    again = Disclosure({"g": people([(9, "spo", 10), (9, "school", 6), (9, "work", 2)])}, 3)
    again.add_all([Count(key(grade=9), total=True), Count(spo, optional=True)])
    again.add_ledger({spo: "withdrawn"})
    assert again.protect().withdrawn == {spo}


def test_steps_that_cannot_free_a_cell_together_are_not_tried_one_by_one(monkeypatch):
    # The table of the case above: nothing near «school = 2» of grade 9 is left to hide, so the
    # audit tries the report's other counts (grade 11: 4, 5 and their total 9). Hiding a cell
    # only takes from what the reader knows: since all three hidden together still leave
    # 5 − 3 = 2, none of them alone can help, and the audit asks that once instead of three
    # times. The decision is the one above.
    from proforient.report import publish

    trials = []
    single = publish._Model.single

    def recorded(self, key, state):
        trials.append(sorted(k for k in state.hidden if "grade=11" in k))
        return single(self, key, state)

    monkeypatch.setattr(publish._Model, "single", recorded)
    g = people([(9, "spo", 3), (9, "school", 2), (11, "spo", 4), (11, "work", 5)])
    d = Disclosure({"g": g}, 3)
    d.fixed = {key(grade=9): "visible", key(grade=9, dest="spo"): "visible"}
    d.add_all([Count(key(grade=9, dest="school")), *column(11, ["spo", "work"])])
    p = d.protect()
    grade_11 = sorted([key(grade=11), key(grade=11, dest="spo"), key(grade=11, dest="work")])
    assert [t for t in trials if t] == [grade_11]  # one trial, all three hidden together
    assert key(grade=9, dest="school") in p.withheld
    assert all(p.visible(k) for k in grade_11)


def _school(org: str, dests: dict[str, int]) -> list[Count | Share]:
    """A school's table (its total and a cell per destination) and the district's army share
    printed beside it."""
    army, total = count_key("g", dest="army"), count_key("g")
    return [Count(count_key("g", org=org), total=True),
            *[Count(count_key("g", org=org, dest=d)) for d in dests],
            Share(f"share:{army}/{total}", army, total, with_counts=False, complement=False)]


def test_a_later_page_cannot_pin_an_earlier_pages_hidden_cell():
    # School a (army 1, other 5 of 6) is decided first: its army is «<3», its other «×». School
    # b (army 4, other 6 of 10) comes next. The district's army share beside both tables is
    # 5 / 16 = 31,3 %; with the totals 6 + 10 visible, army a + army b ∈ 16 × [0,3125; 0,3135]
    # = [5; 5,016], so army a = 5 − 4 = 1 if b shows its 4. Nothing on a's page can prevent
    # it: b's audit must look at a's hidden cell, and hide its own army (then a's 1 or 2 leaves
    # b's army 3 or 4) — and b's other with it, or 10 − 6 gives the 4 back.
    micro = pd.DataFrame({"org": ["a", "a", "b", "b"], "dest": ["army", "other"] * 2,
                          "n": [1, 5, 4, 6]})
    first = Disclosure({"g": micro}, 3)
    first.add_all(_school("a", {"army": 1, "other": 5}))
    a = first.protect()
    assert a.hidden == {count_key("g", org="a", dest="army"): "primary",
                        count_key("g", org="a", dest="other"): "secondary"}
    second = Disclosure({"g": micro}, 3)
    second.add_published(a)
    second.add_all(_school("b", {"army": 4, "other": 6}))
    b = second.protect()
    assert b.hidden == {count_key("g", org="b", dest="army"): "secondary",
                        count_key("g", org="b", dest="other"): "secondary"}
    assert b.visible(count_key("g", org="b"))


def test_a_count_never_printed_is_not_known_to_be_small():
    # 2 of 4 pupils took part: «<3 из 4». The 2 who did not are declared (so that nothing gives
    # them away) but never printed: the reader knows only 4 − (1 or 2) = 2 or 3 of them, so
    # nothing more is hidden. Were the 2 shown as «<3» too, 1 or 2 + 1 or 2 = 4 would pin both:
    # one of them would have to read «×».
    micro = pd.DataFrame({"took": ["1", "0"], "n": [2, 2]})
    rules = Disclosure({"o": micro}, 3)
    rules.add_all([Count(count_key("o"), total=True), Count(count_key("o", took="1")),
                   Count(count_key("o", took="0"), printed=False)])
    pub = rules.protect()
    assert pub.hidden == {count_key("o", took="1"): "primary",
                          count_key("o", took="0"): "primary"}
    printed = Disclosure({"o": micro}, 3)
    printed.add_all([Count(count_key("o"), total=True), Count(count_key("o", took="1")),
                     Count(count_key("o", took="0"))])
    assert "secondary" in printed.protect().hidden.values()


def test_a_cell_pinned_by_other_reports_names_what_they_could_hide():
    # School a has 2 graduates of grade 11 («<3») and 7 of grade 9; school b 10 and 20. Other
    # reports already show a's 9 graduates, b's grades and the district's (12 and 27): a's
    # grade 11 is 12 − 10 = 2 and its grade 9 is 27 − 20 = 7 whatever this page hides. The
    # table is withheld, and the decision names what another report could hide instead:
    # the same cell of school b first, then the cells that count a's people (a school's
    # before the district's).
    micro = pd.DataFrame({"org_id": ["a", "a", "b", "b"], "grade": ["11", "9", "11", "9"],
                          "n": [2, 7, 10, 20]})
    d = Disclosure({"g": micro}, 3)
    d.fixed = {k: "visible" for k in (count_key("g", org_id="a"), count_key("g", grade="11"),
                                      count_key("g", grade="9"),
                                      count_key("g", grade="11", org_id="b"),
                                      count_key("g", grade="9", org_id="b"))}
    d.add_all([Count(count_key("g", grade="11", org_id="a")),
               Count(count_key("g", grade="9", org_id="a"))])
    p = d.protect()
    target = count_key("g", grade="11", org_id="a")
    assert target in p.withheld and not p.shown(target)
    assert p.pinned_elsewhere[target] == [count_key("g", grade="11", org_id="b"),
                                          count_key("g", org_id="a"), count_key("g", grade="11")]


def test_a_later_round_decides_again_only_from_the_first_changed_page(tmp_path, monkeypatch):
    """Rounds of the publication keep the pages whose inputs did not change, and the last
    round stops once it cannot stand: the decisions are those of deciding every page every
    round, with fewer decisions."""
    from proforient.report import publication
    from proforient.report.context import build_context
    from tests.generated import write_generated_district

    folder = write_generated_district(tmp_path / "gen", seed=20)
    calls: list[str] = []
    decide = publication._decide_school
    monkeypatch.setattr(publication, "_decide_school",
                        lambda ctx, org_id, **kw: calls.append(org_id) or decide(ctx, org_id,
                                                                                  **kw))

    told: list[tuple[int, int, int]] = []

    def decisions() -> dict:
        ctx = publication.prepare(build_context(folder, "2020-2021"),
                                  on_page=lambda *progress: told.append(progress))
        return {name: (pub.hidden, pub.withdrawn, pub.withheld, pub.pinned_elsewhere)
                for name, pub in ctx.publications.items()}

    kept = decisions()
    kept_calls, calls[:] = list(calls), []
    # the progress told: every report of a round (the graduates report and 15 schools), kept
    # or decided again, and the third round up to r-03, where it stops
    assert told == [(1, i, 16) for i in range(1, 17)] + [(2, i, 16) for i in range(1, 17)] \
        + [(3, i, 16) for i in range(1, 5)]
    monkeypatch.setattr(publication, "_same_inputs", lambda before, forced: False)
    assert decisions() == kept
    # this year takes three rounds, and the first stands: it leaves one cell pinned by other
    # pages (r-11's), the second two (r-05's too), and the third has three by r-03, where it
    # stops — it can no longer stand. Nothing kept, the 15 schools are decided in each of the
    # first two rounds and r-01 to r-03 in the third; kept, the second round starts from r-05
    # and the third from r-02 (the first pages they force a cell of)
    assert len(calls) == 33 and calls[30:] == ["r-01", "r-02", "r-03"]
    assert kept_calls[15:26] == [f"r-{i:02d}" for i in range(5, 16)]
    assert kept_calls[26:] == ["r-02", "r-03"]
    assert kept["school:r-11"][3] and not any(
        decision[3] for name, decision in kept.items() if name != "school:r-11")


def test_a_complement_the_others_make_needless_is_shown_again():
    # rows a, b, c × columns x, y, z, with every total shown:
    #        x  y  z | all
    #   a    1  4  5 |  10
    #   b    3  4  6 |  13
    #   c    5  5  5 |  15
    #  all   9 13 16 |  38
    # a·x = 1 is «<3», and every cell is hidden: protected, but most of them for nothing. Tried
    # the largest first: b·z (6) goes — every row and column still has two «×» on a cycle
    # through a·x; a·z (5) stays — shown, it would leave c·z alone in column z, given by the
    # total; c·x (5) goes; c·y and c·z (5) stay (each the last but one of row c or column z);
    # a·y (4) goes; b·y, b·x stay. Left: the cycle a·x → b·x → b·y → c·y → c·z → a·z, along
    # which one person can move (a·x 2, b·x 2, b·y 5, c·y 4, c·z 6, a·z 4) keeping every total.
    from proforient.report import publish

    table = {("a", "x"): 1, ("a", "y"): 4, ("a", "z"): 5, ("b", "x"): 3, ("b", "y"): 4,
             ("b", "z"): 6, ("c", "x"): 5, ("c", "y"): 5, ("c", "z"): 5}
    micro = pd.DataFrame([(r, c, n) for (r, c), n in table.items()], columns=["r", "c", "n"])
    d = Disclosure({"g": micro}, 3)
    d.add_all([Count(key(r=r, c=c)) for r, c in table])
    d.add_all([Count(key(r=r), total=True) for r in "abc"])
    d.add_all([Count(key(c=c), total=True) for c in "xyz"])
    d.add(Count(key(), total=True))
    model = publish._Model(d)
    state = publish._State(hidden={key(r=r, c=c): "secondary" for r, c in table}
                           | {key(r="a", c="x"): "primary"})
    assert not model.exposed(state)
    d._prune(state, model)
    assert state.hidden == {key(r="a", c="x"): "primary"} | {
        key(r=r, c=c): "secondary"
        for r, c in (("b", "x"), ("b", "y"), ("c", "y"), ("c", "z"), ("a", "z"))}
    assert not model.exposed(state)


def test_the_graduates_report_shows_the_schools_a_needless_walk_hid(tmp_path):
    # seed 20's 2020-2021: one count of 2 in the profile × specialty table (the «универсальный»
    # profile in group 38.00.00) could not be protected in its own table, and the complements
    # hidden for it one by one ended in every school's row of the by-school table: Заозёрная
    # СОШ (r-01) read «× из ×» for its 19 entrants checked for profile (3 of them by profile),
    # its 12 of grade 11 (3 chose ЕГЭ by profile) and its 45 graduates (12 in demand)
    from proforient.compute.alignment import (
        ADMITTED_BY_PROFILE,
        EGE_PROFILE_MATCH,
        IN_DEMAND_CHOICE,
    )
    from proforient.report import cells
    from proforient.report.context import build_context
    from proforient.report.publication import graduates
    from tests.generated import write_generated_district

    folder = write_generated_district(tmp_path / "gen", seed=20)
    published = graduates(build_context(folder, "2020-2021"))
    for indicator, (num, den) in {ADMITTED_BY_PROFILE: (3, 19), EGE_PROFILE_MATCH: (3, 12),
                                  IN_DEMAND_CHOICE: (12, 45)}.items():
        keys = cells.graduate_indicator(indicator, "r-01", "2020-2021")
        assert [published.values[k] for k in keys] == [num, den]
        assert all(published.visible(k) for k in keys), indicator


def test_a_fix_that_hides_the_districts_shares_waits_for_the_others(tmp_path):
    # seed 20's 2021-2022: the first round finds army leavers of grade 11 pinned by what the
    # graduates report shows — r-01's (2) and r-05's (1): the district's 134 graduates less its
    # 102 of grade 9 and its 31 of grade 11 with a checked profile leave 1 unchecked. For r-01 the
    # rounds hide that 31; for r-05 the only fix its audit names is the district's 32 of grade 11,
    # and hiding it (and the 102 that must then go too) hid every district share of both grades,
    # the «район» column of every school's destinations table. The 31 alone frees both.
    from proforient.report import cells
    from proforient.report.context import build_context
    from proforient.report.publication import graduates, school
    from tests.generated import write_generated_district

    year = "2021-2022"
    ctx = build_context(write_generated_district(tmp_path / "gen", seed=20), year)
    published = graduates(ctx)
    checked = f"g|checked=1|grade=11|year={year}"
    assert published.values[checked] == 31 and published.hides(checked)
    for grade, total in ((9, 102), (11, 32)):
        key = f"g|grade={grade}|year={year}"
        assert published.values[key] == total and published.visible(key)
    for code in ("spo", "vo", "admitted", "army", "work", "unknown"):
        assert published.visible(cells.district_destination(year, 11, code)[2]), code
    for org, n in (("r-01", 2), ("r-05", 1)):
        army = f"g|destination=army|grade=11|org_id={org}|year={year}"
        page = school(ctx, org)
        assert page.values[army] == n and page.small(army) and army not in page.withdrawn


@pytest.mark.parametrize("seed", range(12))
def test_the_audit_finds_what_each_cells_own_programs_find(seed):
    # exposed() reads every program's solution as a witness for the cells still to be solved;
    # its verdicts must be those of each hidden cell's own minimum and maximum, solved here
    # with scipy's linprog over the cells of a random 4 × 4 table with every total shown
    import numpy as np

    from proforient.report import publish

    rng = np.random.default_rng(seed)
    rows, cols = "abcd", "wxyz"
    table = {(r, c): int(rng.integers(0, 7)) for r in rows for c in cols}
    micro = pd.DataFrame([(r, c, n) for (r, c), n in table.items()], columns=["r", "c", "n"])
    d = Disclosure({"g": micro}, 3)
    d.add_all([Count(key(r=r, c=c)) for r, c in table])
    d.add_all([Count(key(r=r), total=True) for r in rows])
    d.add_all([Count(key(c=c), total=True) for c in cols])
    model = publish._Model(d)
    hidden = {cell: "primary" if 0 < table[cell] < 3 else "secondary"
              for cell in table if 0 < table[cell] < 3 or rng.random() < 0.3}
    state = publish._State(hidden={key(r=r, c=c): why for (r, c), why in hidden.items()})

    cells = list(table)
    a_eq = [[1 if cell[0] == r else 0 for cell in cells] for r in rows]
    a_eq += [[1 if cell[1] == c else 0 for cell in cells] for c in cols]
    b_eq = [sum(table[cell] for cell in cells if cell[0] == r) for r in rows]
    b_eq += [sum(table[cell] for cell in cells if cell[1] == c) for c in cols]
    bounds = [(1, 2) if hidden.get(cell) == "primary" else (0, None) if cell in hidden
              else (table[cell], table[cell]) for cell in cells]

    def single(cell: tuple[str, str]) -> bool:
        objective = [1 if other == cell else 0 for other in cells]
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds).fun
        high = -linprog([-v for v in objective], A_eq=a_eq, b_eq=b_eq, bounds=bounds).fun
        return high < table[cell] + 1 - 1e-6 and low > table[cell] - 1 + 1e-6

    expected = {key(r=r, c=c) for (r, c) in hidden if table[r, c] > 0 and single((r, c))}
    assert set(model.exposed(state)) == expected


def test_the_audit_bounds_each_cell_as_the_reader_knows_it():
    """What the attacker's program knows of each cell, state by state: a count shown is its
    value, a «<3» 1 or 2, a «×» anything from 0, a withdrawn count nothing, an unprinted one
    (declared only to be protected) anything from 0; a share shown lies within its rounding
    (numerator − (share ± 0.05 %) × denominator on either side of 0), a hidden one nowhere."""
    from proforient.report import publish

    micro = people([(9, "spo", 1), (9, "school", 4), (9, "work", 2)])
    d = Disclosure({"g": micro}, 3)
    # another page shows the share of spo («14,3 %»): hidden here, it is still known
    d.add_published(Published(3, items={"f": Share("f", key(grade=9, dest="spo"), key(grade=9))},
                              values={"f": 1 / 7}))
    d.add_all(column(9, ["spo", "school"]))
    d.add(Count(key(grade=9, dest="work"), printed=False))
    d.add(Share("s", key(grade=9, dest="school"), key(grade=9)))
    model = publish._Model(d)
    f_upper, f_lower = model.share_rows["f"]
    spo, school, work, total = (model.count_row[k] for k in (
        key(grade=9, dest="spo"), key(grade=9, dest="school"), key(grade=9, dest="work"),
        key(grade=9)))
    upper, lower = model.share_rows["s"]
    inf = float("inf")

    state = publish._State(hidden={key(grade=9, dest="spo"): "primary",
                                   key(grade=9, dest="work"): "primary"})
    low, high = model._bounds(state)
    assert (low[spo], high[spo]) == (1, 2)  # «<3»
    assert (low[work], high[work]) == (0, inf)  # never printed: not even «<3»
    assert (low[school], high[school]) == (4, 4) and (low[total], high[total]) == (7, 7)
    assert (low[upper], high[upper]) == (-inf, 0) and (low[lower], high[lower]) == (0, inf)

    state = publish._State(hidden={key(grade=9, dest="spo"): "secondary"},
                           withdrawn={key(grade=9, dest="school")}, shares_hidden={"s"})
    low, high = model._bounds(state)
    assert (low[spo], high[spo]) == (0, inf)  # «×»
    assert (low[school], high[school]) == (-inf, inf)  # taken off the page
    assert (low[upper], high[upper]) == (-inf, inf) and (low[lower], high[lower]) == (-inf, inf)
    state.shares_hidden.add("f")
    low, high = model._bounds(state)
    assert (high[f_upper], low[f_lower]) == (0, 0)


class _GivesUp:
    """A HiGHS instance that reports «Unknown» (it gave up) for its first ``times`` programs."""

    def __init__(self, real, times: int) -> None:
        self.real, self.times, self.cleared = real, times, 0

    def __getattr__(self, name):
        return getattr(self.real, name)

    def getModelStatus(self):  # noqa: N802 (HiGHS's name)
        import highspy

        if self.times:
            self.times -= 1
            return highspy.HighsModelStatus.kUnknown
        return self.real.getModelStatus()

    def clearSolver(self):  # noqa: N802
        self.cleared += 1
        return self.real.clearSolver()


def test_a_program_highs_gives_up_on_is_solved_again_from_scratch():
    """HiGHS can end a warm-started program with status «Unknown» (numerical trouble with the
    basis carried over from earlier programs: CI met it once, deciding the demo's three latest
    years). The audit solves it again from scratch — then by dual simplex — and reads the true
    optimum; only a program that fails every way stops the audit, never a guess."""
    import numpy as np

    from proforient.report import publish

    # x0 + x1 = 5 and x0 ≤ 3: x1 lies between 2 and 5
    program = publish._Program(np.array([[1.0, 1.0], [1.0, 0.0]]))
    program.set_bounds(np.array([5.0, -np.inf]), np.array([5.0, 3.0]))
    real = program.highs
    program.highs = once = _GivesUp(real, 1)
    assert program.optimum(np.array([0.0, 1.0]), maximise=True) == pytest.approx(5.0)
    assert once.cleared == 1
    program.highs = twice = _GivesUp(real, 2)
    assert program.optimum(np.array([0.0, 1.0]), maximise=False) == pytest.approx(2.0)
    assert twice.cleared == 2 and _strategy(real) == publish.PRIMAL_SIMPLEX
    program.highs = _GivesUp(real, 3)
    with pytest.raises(RuntimeError, match="disclosure audit failed"):
        program.optimum(np.array([0.0, 1.0]), maximise=True)
    assert _strategy(real) == publish.PRIMAL_SIMPLEX  # the dual simplex was for that program


def _strategy(highs) -> int:
    """HiGHS's simplex strategy (highspy returns the value, or the status and the value)."""
    value = highs.getOptionValue("simplex_strategy")
    return value[1] if isinstance(value, tuple) else value
