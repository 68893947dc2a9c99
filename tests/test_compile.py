"""compile.py: predicates compiled to functions, over the values a library caller may pass."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

import slacode
from slacode.notes import LeadNotes

AGREEMENT = """
agreement "n" { timezone "UTC"; teams sales }
segment hot = score >= 80
segment exact = score == 90
segment listed = score in [90, 95]
segment named = tier == "gold"
deadline d {
  owner sales
  start on assigned
  stop on contact_attempt
  within 4h
  within 15m for hot
}
"""


@pytest.fixture(scope="module")
def plan():
    return slacode.loads(AGREEMENT).plan


@pytest.mark.parametrize("score", [90, 90.0, Decimal("90"), Decimal("90.00"), Fraction(180, 2)])
def test_numbers_of_other_types_compare_as_numbers(plan, score):
    # a database driver gives Decimal for a NUMERIC column, numpy its own integers: a score
    # of 90 is hot whatever its Python type, and nothing is reported
    notes = LeadNotes()
    fields = {"score": score}
    assert [plan.segments[s](fields, None, notes) for s in ("hot", "exact", "listed")] == [True, True, True]
    assert not notes
    assert not plan.segments["hot"]({"score": type(score)(79)}, None, notes) and not notes


def test_a_decimal_nan_is_never_in_order_and_a_number_text_is_reported(plan):
    notes = LeadNotes()
    assert not plan.segments["hot"]({"score": Decimal("NaN")}, None, notes) and not notes
    assert not plan.segments["hot"]({"score": "90"}, None, notes) and len(notes) == 1
    assert not plan.segments["named"]({"tier": Decimal("1")}, None, notes) and len(notes) == 2
    assert sorted(map(repr, notes.items.values())) == ["'90'", "Decimal('1')"]      # the value met


def test_a_decimal_score_picks_the_segment_line():
    agreement = slacode.loads(AGREEMENT)
    events = [{"lead": "L", "at": "2026-11-09T10:00:00Z", "type": "assigned", "fields": {"score": Decimal("91.5")}}]
    (verdict,) = agreement.evaluate(events, as_of="2026-11-09T10:20:00Z").verdicts
    assert (verdict.segment, verdict.status, verdict.target_seconds) == ("hot", "breached", 900.0)


def test_a_decimal_is_compared_with_the_agreements_decimal_number():
    # `price <= 19.99` in the agreement is the number 19.99, which Decimal("19.99") is, even
    # though the float's exact binary value is a little less; a signalling NaN is no number
    agreement = slacode.loads('agreement "p" { timezone "UTC"; teams sales }\n'
                              'segment cheap = price <= 19.99 and rate == 0.1 and rate in [0.1, 0.2]\n')
    cheap = agreement.plan.segments["cheap"]
    notes = LeadNotes()
    for price, rate in ((19.99, 0.1), (Decimal("19.99"), Decimal("0.1")), (Fraction(1999, 100), Fraction(1, 10))):
        assert cheap({"price": price, "rate": rate}, None, notes), (price, rate)
    assert not cheap({"price": Decimal("20"), "rate": Decimal("0.1")}, None, notes)
    assert not cheap({"price": Decimal("sNaN"), "rate": Decimal("sNaN")}, None, notes) and not notes
    big = 10**20 + 1                                  # integral values stay exact
    assert slacode.loads(f'agreement "b" {{ timezone "UTC"; teams sales }}\nsegment s = n == {big}\n'
                         ).plan.segments["s"]({"n": Decimal(big)}, None, notes)
