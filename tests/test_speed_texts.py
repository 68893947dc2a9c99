"""The verdict stage's fast paths give what the plain paths give.

Instants are written from per-hour texts (slacode.instants), calendars answer deadlines and
working time through shortcuts that skip the general path, and each clause is judged by a
function chosen once per plan. Each test runs the shortcut and the plain code on the same
inputs (hypothesis picks them) and requires the same answer.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings, strategies as st

from slacode import instants

# Zones with whole-hour offsets (the per-hour texts), half-hour ones and odd histories (the
# exact path), and transitions inside or at the edge of a UTC hour.
ZONES = [ZoneInfo(z) for z in ("UTC", "America/Sao_Paulo", "America/New_York", "Asia/Kolkata",
                               "Australia/Lord_Howe", "America/St_Johns", "Europe/Lisbon",
                               "Africa/Monrovia", "Pacific/Chatham", "Asia/Kathmandu")]
INSTANTS = st.one_of(
    st.integers(-100_000_000_000_000, 4_000_000_000_000_000),
    st.integers(-100_000_000_000, 4_000_000_000_000).map(lambda ms: ms * 1000),     # whole milliseconds
    st.integers(-100_000_000, 4_000_000_000).map(lambda s: s * 1_000_000),          # whole seconds
    st.integers(-2_000_000, 66_000_000).map(lambda m: m * 60_000_000),               # whole minutes
)


def _datetime(us: int, zone) -> datetime:
    """The instant as it is written: in ``zone``, but an offset with seconds (local mean time,
    Monrovia's -00:44:30 until 1972) truncated to whole minutes, the local time moved with it
    (RFC 3339 offsets have none: docs/time.md)."""
    seconds, micro = divmod(us, 1_000_000)
    t = datetime.fromtimestamp(seconds, zone)
    t = t.replace(microsecond=micro) if micro else t
    offset = int(t.utcoffset().total_seconds())
    if offset % 60:
        t = t.astimezone(timezone(timedelta(minutes=int(offset / 60))))
    return t


@settings(max_examples=500, deadline=None)
@given(INSTANTS, st.sampled_from(ZONES))
def test_iso_from_hour_texts_equals_isoformat(us, zone):
    expected = _datetime(us, zone).isoformat()
    assert instants.iso(us, zone) == expected
    assert instants.iso(us, zone) == expected               # again, from the hour's texts
    assert instants._iso((us, zone)) == expected


@settings(max_examples=500, deadline=None)
@given(INSTANTS, st.sampled_from(ZONES))
def test_when_from_hour_texts_equals_the_exact_text(us, zone):
    exact = instants._when((us, zone))
    assert instants.when(us, zone) == exact
    assert instants.when(us, zone) == exact
    assert exact == _when_reference(us, zone)


def _when_reference(us: int, zone) -> str:
    """``when`` from datetime: seconds when not zero, the fraction without trailing zeros."""
    t = _datetime(us, zone)
    text = t.strftime("%Y-%m-%d %H:%M")
    if t.second or t.microsecond:
        text += f":{t.second:02d}"
    if t.microsecond:
        text += "." + f"{t.microsecond:06d}".rstrip("0")
    offset = t.isoformat()[len(t.replace(tzinfo=None).isoformat()):]
    return text + " " + offset


def test_every_minute_around_transitions():
    # New York's DST changes fall on a whole UTC hour; Lord Howe's half-hour one does not,
    # and its offsets are not whole hours: both must write what datetime writes.
    for name, day in (("America/New_York", "2026-03-08"), ("America/New_York", "2026-11-01"),
                      ("Australia/Lord_Howe", "2026-04-05"), ("Europe/Lisbon", "2026-10-25")):
        zone = ZoneInfo(name)
        start = int(datetime.fromisoformat(day + "T00:00:00+00:00").timestamp()) - 86_400
        for minute in range(0, 3 * 24 * 60, 5):
            us = (start + minute * 60) * 1_000_000
            assert instants.iso(us, zone) == _datetime(us, zone).isoformat()
            assert instants.when(us, zone) == _when_reference(us, zone)
    assert instants.iso(0, timezone.utc) == "1970-01-01T00:00:00+00:00"
    assert instants.when(0, timezone.utc) == "1970-01-01 00:00 +00:00"


def _span_reference(us: int, days: bool = True) -> str:
    """Durations in words the plain way: the parts that are not zero, seconds only under a day."""
    sign = "-" if us < 0 else ""
    total = abs(us) // 1_000_000
    d, rem = divmod(total, 86_400) if days else (0, total)
    h, rem = divmod(rem, 3600)
    m, s = divmod(rem, 60)
    parts = [f"{d}d"] if d else []
    parts += [f"{h}h"] if h else []
    parts += [f"{m}m"] if m else []
    parts += [f"{s}s"] if s and not d else []
    if not parts and us:                    # under a second
        parts = [f"{abs(us) // 1000}ms" if abs(us) >= 1000 else f"{abs(us)}µs"]
    return sign + (" ".join(parts) or "0m")


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.integers(-10 ** 13, 10 ** 13), st.integers(-10 ** 6, 10 ** 6).map(lambda s: s * 1_000_000),
                 st.integers(-2_000_000, 2_000_000),
                 st.integers(-20_000, 20_000).map(lambda m: m * 60_000_000)), st.booleans())
def test_span_text_equals_the_plain_rule(us, days):
    from slacode.texts import span_text as _span_text

    assert _span_text(us, days) == _span_reference(us, days)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([1_790_000_000_000_000, 1_790_000_000_000_000 + 1, 0, None]),
                          st.sampled_from(ZONES + [None])), max_size=8))
def test_verdict_starts_written_one_after_another_are_each_their_own(starts):
    """to_dict keeps the last start's text: a start in another zone, or another start, is
    written afresh."""
    from slacode.verdict import UTC, Verdict

    for us, zone in starts:
        v = Verdict("L", "r", "within", 1, "met", started_at=us, zone=zone)
        expected = None if us is None else _datetime(us, zone or UTC).isoformat()
        assert v.to_dict()["started_at"] == expected


def test_a_delay_under_a_second_is_not_written_as_nothing():
    from slacode.texts import span_text as _span_text

    assert [_span_text(us) for us in (0, 1, 999, 1000, 1500, 999_999, 1_000_000)] == \
        ["0m", "1µs", "999µs", "1ms", "1ms", "999ms", "1s"]
