"""What the school report says in words — built from the published frames only.

Every number in a sentence is read from the same frame cell as the table beside it and wrapped
with its key (:func:`proforient.report.html.quantity`), so «не хватает 11 чел.» in «Главное», in
the scorecard and in the participation section is one number. A count of graduates or of pupils
with disabilities is said only when the publication rules let it be seen.
"""

from __future__ import annotations

import math

from markupsafe import Markup

from proforient.parameters.measures import MeasureCatalogue
from proforient.parameters.roadmap import Indicator, Roadmap
from proforient.report import cells
from proforient.report.facts import DistrictFacts
from proforient.report.facts.scorecard import MISSING_INPUT
from proforient.report.graduates.findings import BASES
from proforient.report.html import escape, plain_text, quantity, statement
from proforient.report.publish import HIDDEN_MARK, MISSING, Published
from proforient.report.school.analysis import SchoolAnalysis, has_target, priorities
from proforient.report.school.publication import reporting_peers
from proforient.report.text import (
    NBSP,
    count,
    join_words,
    of_organisations,
    percent,
    plural,
    target_text,
    value_text,
)

__all__ = ["Cards", "grades_text", "headline", "scorecard_notes"]


def grades_text(grades: tuple[int, int] | None) -> str:
    """``(5, 11) → "5–11 классы"``, ``(10, 10) → "10 класс"``."""
    if grades is None:
        return ""
    lo, hi = grades
    return f"{lo} класс" if lo == hi else f"{lo}–{hi} классы"


class Cards:
    """The scorecard rows of one school as the page shows them: each value read once.

    Parameters
    ----------
    analysis : SchoolAnalysis
    published : Published
        What the school report may show.
    roadmap : Roadmap
        For who is counted in each share.
    facts : DistrictFacts, optional
        Who the peers are (without it, no peer share of a sensitive indicator is shown).
    shared : Published, optional
        What the graduates report shows.
    measures : MeasureCatalogue, optional
        The measure catalogue (the labels of missing inputs).
    """

    def __init__(self, analysis: SchoolAnalysis, published: Published, roadmap: Roadmap,
                 facts: DistrictFacts | None = None, shared: Published | None = None,
                 measures: MeasureCatalogue | None = None):
        self.a = analysis
        self.measures = measures if measures is not None else MeasureCatalogue()
        self.pub = published
        self.roadmap = roadmap
        self.threshold = published.threshold
        #: the scorecard as it may be told: the status of a share that is hidden is
        #: ``"hidden"`` — «не достигнуто» of one or two pupils with disabilities would say
        #: that they did not take part
        #: indicators with an input nobody gave («нет данных», never a count to publish)
        self._no_input = set(analysis.card.loc[analysis.card["reason"].isin(MISSING_INPUT),
                                               "indicator_id"])
        self.card = analysis.card.copy()
        for i, r in self.card.iterrows():
            # «без цели» of a hidden share would still say that the school has someone to
            # count; «не относится» says «nobody»: not of a zero the publication hides as «×»
            ind = r["indicator_id"]
            if (r["status"] in ("met", "not_met", "monitored") and self.hidden(ind)) or (
                    r["status"] == "not_applicable" and self._zero_hidden(ind)):
                self.card.at[i, "status"] = "hidden"
        self.rows = {r.indicator_id: r for r in self.card.itertuples(index=False)}
        #: the graduates report's decision (the counts of the peers it shows)
        self.shared = shared
        #: the peers pooled in each sensitive share
        self.peers_of = {ind: reporting_peers(facts, analysis, ind)
                         for ind in self.rows if self.sensitive(ind)} if facts else {}
        #: the schools' column «Район: все школы» of a flag or a count: schools only (not the
        #: department, not the preschools), those the indicator applies to
        self.schools_met: dict[str, tuple[int, int]] = {}
        if facts is not None:
            school_ids = set(facts.orgs.loc[facts.orgs["kind"] == "school", "org_id"])
            card = facts.scorecard[facts.scorecard["org_id"].isin(school_ids)
                                   & (facts.scorecard["status"] != "not_applicable")]
            for ind, part in card.groupby("indicator_id"):
                self.schools_met[ind] = (int((part["status"] == "met").sum()), len(part))

    # -- keys ---------------------------------------------------------------------------------

    def key(self, ind: str, what: str, scope: str | None = None) -> str:
        """The keys of a share's numerator, denominator and the share itself (cells.py)."""
        return f"q|{scope or self.a.org_id}|{ind}|{what}"

    def sensitive(self, ind: str) -> bool:
        return ind in self.a.sensitive

    def _keys(self, ind: str, year: str | None = None) -> tuple[str, str, str]:
        num, den = cells.indicator(ind, self.a.org_id, year or self.a.year)
        return num, den, cells.share(num, den)

    # -- the school's own numbers ---------------------------------------------------------------

    def _zero_hidden(self, ind: str) -> bool:
        """Whether a sensitive indicator's denominator (zero: it does not apply) is hidden."""
        if not self.sensitive(ind):
            return False
        return self.pub.hides(self._keys(ind)[1])

    def unknown(self, ind: str) -> bool:
        """Whether an input of the indicator was never given («нет данных»)."""
        return ind in self._no_input

    def hidden(self, ind: str) -> bool:
        """Whether the school's value of a sensitive share may not be shown."""
        if not self.sensitive(ind) or self.unknown(ind):
            return False
        share = self._keys(ind)[2]
        return share not in self.pub or not self.pub.visible(share)

    def applies(self, ind: str) -> bool:
        """Whether the indicator applies to the school: not when it has nobody to count
        (status ``not_applicable``, decided once by the indicator engine)."""
        return self.rows[ind].status != "not_applicable"

    def rests(self, ind: str) -> list[str]:
        """The counts of people a word about a sensitive indicator rests on: its numerator and
        denominator (only the denominator where the indicator does not apply — nobody to
        count); none for other indicators."""
        if not self.sensitive(ind):
            return []
        num, den, _ = self._keys(ind)
        return [den] if not self.applies(ind) else [num, den]

    def registered(self, ind: str, text: str | Markup, needs: str = "said") -> Markup:
        """``text`` registered with the counts it rests on when the indicator counts sensitive
        people (:func:`~proforient.report.html.statement`); as it is otherwise."""
        keys = self.rests(ind)
        return statement(keys, text, needs) if keys else Markup(escape(text))

    def base(self, ind: str) -> str:
        """Whom a share counts, in the genitive plural: «обучающихся 6–11 классов»,
        «поступивших в колледжи и вузы с профилем, который проверяется»."""
        return base_words(self.roadmap, self.measures, ind, self.who(ind))

    def value(self, ind: str) -> Markup:
        """The school's value as shown (a mark when hidden)."""
        r = self.rows[ind]
        if not self.applies(ind):
            return self.registered(ind, MISSING)
        if self.sensitive(ind) and self.unknown(ind):
            return Markup(MISSING)
        if self.sensitive(ind):
            share = self._keys(ind)[2]
            if share not in self.pub:  # a zero hidden with the others (status «hidden»)
                return statement([], HIDDEN_MARK, "protection")
            if not self.pub.visible(share):
                return quantity(share, self.pub.mark(share) or MISSING)
            return quantity(share, percent(r.value))
        return quantity(self.key(ind, "value"), value_text(r.value, r.kind,
                                                           labels=self.labels(ind)))

    def labels(self, ind: str) -> tuple[str, ...]:
        """The words of a ``category`` indicator's levels, lowest first (``()`` otherwise)."""
        if self.rows[ind].kind != "category":
            return ()
        operand = self.roadmap.indicator(ind).numerator
        spec = None if operand is None else self.measures.get(operand.measure)
        return tuple(spec.values) if spec is not None else ()

    def target(self, ind: str) -> str:
        """The school's target as words: «не менее 80 %», «основной или продвинутый»."""
        r = self.rows[ind]
        values = self.roadmap.indicator(ind).target_values if r.kind == "category" else ()
        return target_text(r.target, r.kind, values=values)

    def count_cell(self, key: str) -> Markup:
        """A published count of people: the number, or its mark."""
        if not self.pub.visible(key):
            return quantity(key, self.pub.mark(key) or MISSING)
        return quantity(key, count(self.pub.values[key]))

    def of_how_many(self, ind: str) -> Markup:
        """«a из b» of a share ("" for flags and counts)."""
        r = self.rows[ind]
        if r.kind != "share":
            return Markup("")
        if not self.applies(ind):
            return self.registered(ind, f"нет {self.base(ind)}")
        if self.sensitive(ind) and self.unknown(ind):
            return Markup(MISSING)
        if self.sensitive(ind):
            num, den, _ = self._keys(ind)
            if num not in self.pub:  # a zero hidden with the others (status «hidden»)
                return Markup("{} из {}").format(statement([], HIDDEN_MARK, "protection"),
                                                self.count_cell(den))
            return Markup("{} из {}").format(self.count_cell(num), self.count_cell(den))
        if math.isnan(r.numerator) or math.isnan(r.denominator):
            return Markup(MISSING)
        return Markup("{} из {}").format(quantity(self.key(ind, "numerator"), count(r.numerator)),
                                        quantity(self.key(ind, "denominator"),
                                                 count(r.denominator)))

    def status(self, ind: str) -> str:
        """The status, hidden with the value it is judged on."""
        r = self.rows[ind]
        if r.status == "hidden":
            return statement([], "× скрыто", "protection")
        from proforient.report.text import status_text

        if not self.sensitive(ind) or r.status == "no_data":
            return status_text(r.status)
        if r.status == "monitored":  # it applies: the school has people it counts
            return statement(self.rests(ind)[-1:], status_text(r.status), "said")
        if r.status == "not_applicable":
            return self.registered(ind, status_text(r.status))
        # reached or not: judged on the share, which is visible (else the status is hidden)
        return statement([self._keys(ind)[2]], status_text(r.status))

    def gap(self, ind: str) -> Markup | None:
        """«11 чел.» / «1» still needed to reach the target, or ``None`` when there is nothing
        to say (no target, reached, no data, or a hidden share)."""
        r = self.rows[ind]
        if math.isnan(r.gap) or r.gap <= 0 or self.hidden(ind):
            return None
        if r.kind == "share":
            if self.sensitive(ind) and not all(self.pub.visible(k) for k in self._keys(ind)[:2]):
                return None  # it would tell the hidden counts
            return quantity(self.key(ind, "gap"), f"{count(r.gap)}{NBSP}чел.")
        word = plural(int(r.gap), "мероприятия", "мероприятий", "мероприятий")
        return quantity(self.key(ind, "gap"), f"{count(r.gap)}{NBSP}{word}")

    # -- comparisons --------------------------------------------------------------------------

    def district(self, ind: str) -> Markup:
        """The district's value, in the words of its kind."""
        r = self.rows[ind]
        scope = "district"
        if r.kind == "share":
            if self.sensitive(ind):
                return self._comparison(ind, "district")
            return quantity(self.key(ind, "value", scope), percent(r.district_value))
        if r.kind in ("flag", "count") and not math.isnan(r.target) and ind in self.schools_met:
            met, total = self.schools_met[ind]
            return quantity(self.key(ind, "schools_met", "schools"),
                            f"{met} из {total} {plural(total, 'школы', 'школ', 'школ')} "
                            "выполнили")
        if r.kind in ("flag", "category"):  # with the flag / at a targeted level
            if r.kind == "category" and math.isnan(r.district_denominator):
                return Markup(MISSING)  # no target levels, or no school chose a level
            return quantity(self.key(ind, "orgs", scope),
                            of_organisations(r.district_numerator, r.district_denominator))
        if not math.isnan(r.target):
            return quantity(self.key(ind, "orgs_met", scope),
                            of_organisations(r.district_met, r.district_total) + " выполнили")
        return quantity(self.key(ind, "value", scope), f"всего {count(r.district_value)}")

    def peers(self, ind: str) -> Markup:
        """The peer group's value, in the words of its kind."""
        r = self.rows[ind]
        scope = f"peers:{self.a.org_id}"
        if not r.peer_reporting:
            return Markup(MISSING)
        if r.kind == "share":
            if self.sensitive(ind):
                return self._comparison(ind, "peers")
            return quantity(self.key(ind, "value", scope), percent(r.peer_value))
        if r.kind == "flag":
            yes = round(r.peer_value * r.peer_reporting)
            return quantity(self.key(ind, "orgs", scope), f"{yes} из {r.peer_reporting}")
        if r.kind == "category":  # the peers' middle level, in words
            labels = self.labels(ind)
            low, high = math.floor(r.peer_value), math.ceil(r.peer_value)
            if labels and low >= 1 and high <= len(labels):
                words = (labels[low - 1] if low == high
                         else f"{labels[low - 1]}–{labels[high - 1]}")
                return quantity(self.key(ind, "value", scope), f"обычно {words}")
        return quantity(self.key(ind, "value", scope), f"обычно {median_text(r.peer_value)}")

    def peers_shown(self, ind: str) -> bool:
        """Whether the page shows the peers' value of an indicator (not «—»)."""
        return str(self.peers(ind)) != MISSING

    def _comparison(self, ind: str, scope: str) -> Markup:
        """The district's or the peers' share of a sensitive indicator, as published.

        The district's is decided with the report's cells. The peers' pools other schools'
        small counts: it is shown only when the graduates report shows every one of them (it
        then says nothing new); of pupils with disabilities, never.
        """
        year = self.a.year
        if scope == "district":
            key = cells.share(*cells.indicator(ind, None, year))
            if key not in self.pub or not self.pub.visible(key):
                return Markup(MISSING)
            return quantity(key, percent(self.pub.values[key]))
        peers = self.peers_of.get(ind, [])
        if not peers or self.shared is None:
            return Markup(MISSING)
        for org in peers:
            num, den = cells.indicator(ind, org, year)
            if not (num in self.shared and den in self.shared and self.shared.visible(num)
                    and self.shared.visible(den)):
                return Markup(MISSING)
        num = sum(self.shared.values[cells.indicator(ind, o, year)[0]] for o in peers)
        den = sum(self.shared.values[cells.indicator(ind, o, year)[1]] for o in peers)
        if den == 0:  # none of the peers has anyone to count
            return Markup(MISSING)
        value = num / den
        return quantity(cells.share(*cells.indicator(ind, tuple(peers), year)), percent(value))

    # -- words ----------------------------------------------------------------------------------

    def who(self, ind: str) -> str:
        """Who a share counts: «обучающихся 6–11 классов» (the grades the school has),
        «обучающихся с ОВЗ» — the words of its denominator's measure in the catalogue."""
        indicator = self.roadmap.indicator(ind)
        if indicator.source == "graduates" or indicator.numerator is None:
            return "выпускников"
        words = enrolment_words(self.measures, indicator)
        grades = indicator.numerator.grades
        if grades is None:
            return words
        lo, hi = grades
        mine = [int(g) for g in (self.a.org.get("grades") or ())]
        if mine:  # the school's own grades: an ООШ has no 10–11 класс
            lo, hi = max(lo, min(mine)), min(hi, max(mine))
        return f"{words} {lo} класса" if lo == hi else f"{words} {lo}–{hi} классов"

    def step(self, ind: str) -> Markup | None:
        """What to do about an indicator below its target or without data."""
        r = self.rows[ind]
        title = escape(f"«{r.title}»")
        if r.status == "not_met":
            gap = self.gap(ind)
            if r.kind == "share" and gap is not None:
                return Markup("{}: охватить ещё {} ({}), чтобы выйти на цель.").format(
                    title, gap, self.who(ind))
            if r.kind == "count" and gap is not None:
                return Markup("{}: до цели не хватает {}.").format(title, gap)
            if r.kind == "flag":
                indicator = self.roadmap.indicator(ind)
                measure = (self.measures.get(indicator.numerator.measure)
                           if indicator.numerator else None)
                action = (measure.action if measure else None) or "выполнить"
                return Markup("{}: {} и сообщить в управление образования.").format(
                    title, action)
            return Markup("{}: разобрать, почему цель не достигнута.").format(title)
        if r.status == "no_data":
            return Markup("{}: сдать данные в управление образования — {}.").format(
                title, missing_inputs(self.roadmap, ind, r, self.measures))
        return None


#: Whom each graduate share counts (its denominator), in the genitive plural.
GRADUATE_BASES = BASES


def enrolment_words(measures: MeasureCatalogue, indicator: Indicator) -> str:
    """Whom a share of pupils counts, in the genitive plural, from its denominator's measure
    (``who`` in the catalogue): «обучающихся», «обучающихся с ОВЗ»."""
    den = indicator.denominator or indicator.numerator
    measure = measures.get(den.measure) if den is not None and den.measure else None
    return (measure.who if measure is not None else None) or "обучающихся"


def base_words(roadmap: Roadmap, measures: MeasureCatalogue, ind: str,
               who: str | None = None) -> str:
    """Whom a share counts (its denominator) in the genitive plural — the words «из N …» and
    «нет …» use: «обучающихся с ОВЗ», «выпускников 11 класса с профилем, который
    проверяется». ``who`` overrides the words of a share of pupils (the school's grades)."""
    if ind in GRADUATE_BASES:
        return GRADUATE_BASES[ind]
    return who or enrolment_words(measures, roadmap.indicator(ind))


def median_text(value: float) -> str:
    """The median of counts as a reader says it: «3», or «2–3» when it falls between two
    counts (an even number of schools) — never «0,5» meetings.

    >>> median_text(3.0), median_text(0.5), median_text(2.5)
    ('3', '0–1', '2–3')
    """
    if math.isnan(value):
        return MISSING
    if value == int(value):
        return count(value)
    return f"{math.floor(value)}–{math.ceil(value)}"


def missing_inputs(roadmap: Roadmap, ind: str, row, measures: MeasureCatalogue) -> str:
    """What the school did not report, in words («число участников профпроб (6–11 классы)»)."""
    indicator = roadmap.indicator(ind)
    if indicator.source == "graduates":
        return "сведения о выпускниках"
    parts = []
    for side, value in (("numerator", row.numerator), ("denominator", row.denominator)):
        operand = getattr(indicator, side)
        if operand is None or not (value is None or (isinstance(value, float)
                                                     and math.isnan(value))):
            continue
        label = measures.label(operand.measure)
        grades = grades_text(operand.grades)
        parts.append(f"«{label}»" + (f" ({grades})" if grades else ""))
    return join_words(parts) or "исходные данные"


def ranking_sentence(cards: Cards, rank) -> Markup | None:
    """Why the department meets the school first (its row of the district's one ranking,
    :mod:`proforient.report.facts.ranking`), or ``None`` when it is not among them."""
    if rank is None or not rank["first"]:
        return None
    why = []
    if len(rank["lagging"]):
        which = [Markup("«{}» ({} при доле района {})").format(
            cards.rows[i].title, cards.value(i), cards.district(i)) for i in rank["lagging"]]
        why.append(Markup("отстаёт от района сильнее, чем объясняется её размером, по ")
                   + (which[0] if len(which) == 1 else
                      Markup(", ").join(which[:-1]) + Markup(" и ") + which[-1]))
    if rank["missed_third"]:
        why.append(Markup("не достигла трети своих целей ({} из {})").format(
            int(rank["not_met"]), int(rank["targets"])))
    return Markup("Школа — среди тех, с кем управление образования встречается в первую "
                  "очередь: ") + Markup("; ").join(why) + Markup(".")


def headline(cards: Cards, analysis: SchoolAnalysis, rank=None) -> list[Markup]:
    """«Главное»: three to seven plain sentences — the state (every indicator with a target
    accounted for), whether the department meets the school first (the district's ranking),
    the biggest gaps by name, a strength, and the first things to do. No statistical terms."""
    card = cards.card
    ranked = priorities(card)
    with_target = ranked
    met = int((with_target["status"] == "met").sum())
    not_met = with_target[with_target["status"] == "not_met"]
    no_data = with_target[with_target["status"] == "no_data"]
    hidden = int((with_target["status"] == "hidden").sum())
    outside = card[card["status"] == "not_applicable"]
    watched = int((~has_target(card) & (card["status"] != "not_applicable")).sum())
    with_target = with_target[with_target["status"] != "not_applicable"]
    out: list[Markup] = []
    total = len(with_target)
    if total:
        words = [f"достигнута по {met} из {total}"]
        if len(not_met):
            words.append(f"не достигнута по {len(not_met)}")
        if len(no_data):
            words.append(f"нет данных по {len(no_data)}")
        if hidden:
            words.append(f"по {hidden} значение скрыто — учеников слишком мало, чтобы его "
                         "показывать")
        noun = plural(total, "показателю", "показателям", "показателям")
        tail = (f" Ещё {watched} {plural(watched, 'показатель', 'показателя', 'показателей')} "
                "без цели — только для наблюдения." if watched else "")
        text = f"Цели дорожной карты по {total} {noun} школы: " + join_words(words, ", ") \
            + "." + tail
        # the counts of indicators rest on which of them apply (whether the school has anyone
        # they count; each «не относится» is said, and checked, on its own) and which are hidden
        dens = [cards.rests(i)[-1] for i in card["indicator_id"] if cards.sensitive(i)]
        out.append(statement(dens, text, "shown") if dens else Markup(escape(text)))
    else:
        out.append(Markup("У школы нет показателей дорожной карты с целью за этот год."))
    if len(outside):
        out.append(Markup("; ").join(
            cards.registered(r.indicator_id, f"«{r.title}» к школе не относится: нет "
                                             f"{cards.base(r.indicator_id)}")
            for r in outside.itertuples(index=False)) + Markup("."))
    first = ranking_sentence(cards, rank)
    if first is not None:
        out.append(first)
    for i, r in enumerate(not_met.head(2).itertuples(index=False)):
        lead = "Дальше всего от цели" if i == 0 else "Также не достигнута цель"
        gap = cards.gap(r.indicator_id)
        value = cards.value(r.indicator_id)
        tail = Markup(" — не хватает {}").format(gap) if gap is not None else Markup("")
        if r.kind == "flag":  # «нет при цели да» reads as nonsense
            out.append(Markup("{}: «{}» — «нет», а нужно «да».").format(lead, r.title))
            continue
        out.append(_sentence(Markup("{}: «{}» — {} при цели {}{}").format(
            lead, r.title, value, cards.target(r.indicator_id), tail)))
    if len(not_met) > 2:
        out.append(Markup(escape("Ещё не достигнуто: " + join_words(
            [f"«{t}»" for t in not_met["title"].iloc[2:]]) + ".")))
    if len(no_data):
        titles = join_words([f"«{t}»" for t in no_data["title"].head(3)])
        more = f" и ещё {len(no_data) - 3}" if len(no_data) > 3 else ""
        out.append(Markup(escape(f"Нет данных: {titles}{more} — пропуск не засчитывается ни "
                                 "как выполнение, ни как ноль.")))
    strong = _strength(cards, analysis)
    if strong is not None and len(out) < 6:
        out.append(strong)
    steps = [cards.step(i) for i in list(not_met["indicator_id"]) + list(no_data["indicator_id"])]
    steps = [s for s in steps if s is not None][:2]
    out = out[:6]  # at most seven sentences, the last one what to do
    if steps:
        out.append(Markup("В первую очередь: ") + Markup(" ").join(steps))
    elif total and met == total:
        out.append(Markup("Все цели достигнуты: стоит сохранить работу на этом уровне и "
                          "поделиться опытом на районном семинаре."))
    return out


def _sentence(text: Markup) -> Markup:
    """End a sentence with one full stop (a number such as «11 чел.» may already end it)."""
    return text if plain_text(text).endswith(".") else text + Markup(".")


def _strength(cards: Cards, analysis: SchoolAnalysis) -> Markup | None:
    """The share where the school is clearly above the district (above its funnel's limits)."""
    mine = analysis.funnels[(analysis.funnels["org_id"] == analysis.org_id)
                            & analysis.funnels["position"].isin(["above", "far_above"])]
    if mine.empty:
        return None
    mine = mine[[not (cards.sensitive(i) and cards.hidden(i)) for i in mine["indicator_id"]]]
    if mine.empty:
        return None
    best = mine.assign(diff=mine["share"] - mine["p0"]).sort_values("diff").iloc[-1]
    r = cards.rows[best["indicator_id"]]
    return cards.registered(r.indicator_id, Markup(
        "Сильная сторона: «{}» — {}, заметно выше района ({}).").format(
        r.title, cards.value(r.indicator_id), cards.district(r.indicator_id)), "visible")


def scorecard_notes(cards: Cards, analysis: SchoolAnalysis) -> tuple[list, list]:
    """«На что обратить внимание» and «Что можно сделать» of the scorecard."""
    notes: list[Markup | str] = []
    steps: list[Markup | str] = []
    card = cards.card
    for r in card[card["status"] == "not_met"].itertuples(index=False):
        if r.kind == "flag":
            notes.append(Markup("Не достигнуто: «{}» — «нет», а нужно «да».").format(r.title))
        else:
            notes.append(Markup("Не достигнуто: «{}» — {} при цели {}.").format(
                r.title, cards.value(r.indicator_id), cards.target(r.indicator_id)))
        step = cards.step(r.indicator_id)
        if step is not None:
            steps.append(step)
    for r in card[card["status"] == "not_applicable"].itertuples(index=False):
        notes.append(cards.registered(r.indicator_id, f"«{r.title}»: не относится к школе — "
                                                      f"нет {cards.base(r.indicator_id)}."))
    for r in card[(card["status"] == "no_data")].itertuples(index=False):
        notes.append(f"Нет данных: «{r.title}».")
        step = cards.step(r.indicator_id)
        if step is not None:
            steps.append(step)
    for r in card[card["below_peers"].fillna(False).astype(bool)].itertuples(index=False):
        if cards.sensitive(r.indicator_id) and (cards.hidden(r.indicator_id)
                                                or not cards.peers_shown(r.indicator_id)):
            continue  # a verdict on hidden counts can be recomputed back into them
        notes.append(cards.registered(r.indicator_id, Markup(
            "«{}»: {} — заметно ниже, чем в похожих школах ({}).").format(
            r.title, cards.value(r.indicator_id), cards.peers(r.indicator_id)), "visible"))
    return notes, steps


def left_out_text(code: str) -> str:
    """Why a section is not in the report, for the appendix."""
    return {
        "no_indicators": "ни один показатель дорожной карты к школе не относится",
        "no_grades": "школа не указала участников мероприятий по классам",
        "no_graduate_grades": "в школе нет 9 и 11 классов — выпускников нет",
        "no_graduates": "в данных нет выпускников школы за этот год",
        "no_funnel_data": "у школы нет данных по долям, которые сравниваются на графиках района",
        "one_year": "в данных один учебный год — сравнивать не с чем",
    }.get(code, code)

