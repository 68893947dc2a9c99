"""Review 29b (a revenue-operations engineer's production week): a batch read without a
default zone given one only at evaluation, `Status` for the `state` key, the input notes of
a run that is not the whole input."""
from __future__ import annotations

import pytest

import slacode
from slacode.events import read_events

SPEC = '''
agreement "r29" { version "1"; timezone "America/New_York"; teams marketing, sales }
segment hot = score >= 80
handoff routing {
  owner marketing
  start on enter mql
  stop on assigned
  within 1h for hot
  within 4h
}
'''


@pytest.fixture(scope="module")
def agreement():
    return slacode.loads(SPEC)


def _write(tmp_path, *lines):
    path = tmp_path / "e.jsonl"
    path.write_text("".join(line + "\n" for line in lines))
    return path


def test_a_batch_read_without_a_zone_is_refused_with_one_at_evaluation(agreement, tmp_path):
    path = _write(tmp_path, '{"lead": "A", "at": "2026-12-01T09:00:00", "type": "state", "state": "mql"}',
                  '{"lead": "A", "at": "2026-12-01T09:30:00-05:00", "type": "assigned", "owner": "ana"}')
    batch = read_events(path)
    assert [d.code for d in batch.diagnostics] == ["SLA504"]
    for call in (lambda: agreement.evaluate(batch, as_of="2026-12-01T18:00:00-05:00", default_tz="America/New_York"),
                 lambda: agreement.evaluate_many(batch, as_of="2026-12-01T18:00:00-05:00",
                                                 default_tz="America/New_York")):
        with pytest.raises(ValueError, match=r"read by read_events without it: 1 timestamp without an offset .*"
                                             r"pass default_tz to read_events"):
            call()
    # without a zone now, the batch is evaluated as before: the event is reported and left out
    plain = agreement.evaluate(batch, as_of="2026-12-01T18:00:00-05:00")
    assert [d.code for d in plain.diagnostics] == ["SLA504", "SLA614", "SLA626"] and not plain.verdicts
    # read with the zone, the batch needs none at evaluation and takes one as well
    zoned = read_events(path, default_tz="America/New_York")
    for tz in (None, "America/New_York"):
        result = agreement.evaluate(zoned, as_of="2026-12-01T18:00:00-05:00", default_tz=tz)
        assert [(v.rule, v.status) for v in result.verdicts] == [("routing", "met")]


def test_a_batch_without_naive_timestamps_takes_a_zone_at_evaluation(agreement, tmp_path):
    path = _write(tmp_path, '{"lead": "A", "at": "2026-12-01T09:00:00-05:00", "type": "state", "state": "mql"}')
    result = agreement.evaluate(read_events(path), as_of="2026-12-01T18:00:00", default_tz="America/New_York")
    assert [(v.rule, v.status) for v in result.verdicts] == [("routing", "breached")]


def test_a_call_for_one_lead_says_nothing_about_the_whole_input(agreement):
    events = [{"lead": "A", "at": "2026-12-01T09:00:00-05:00", "type": "state", "state": "mql"}]
    as_of = "2026-12-01T18:00:00-05:00"
    whole = agreement.evaluate(events, as_of=as_of)
    assert [d.code for d in whole.diagnostics] == ["SLA614"]        # `score`: no lead had it
    service = agreement.evaluate(events, as_of=as_of, aggregates=False)
    assert service.diagnostics == [] and service.verdicts == whole.verdicts
    # what is about this lead's own events is still said with aggregates=False
    typo = [*events, {"lead": "A", "at": "2026-12-01T09:10:00-05:00", "type": "update", "fields": {"scor": 90}}]
    assert [d.code for d in agreement.evaluate(typo, as_of=as_of, aggregates=False).diagnostics] == ["SLA616"]


@pytest.mark.parametrize("key", ["Status", "status", "stage", "lifecycle_stage", "Lead Status"])
def test_a_state_under_a_crm_name_is_pointed_at(tmp_path, key):
    line = '{"lead": "A", "at": "2026-12-01T09:00:00-05:00", "type": "state", "%s": "mql"}' % key
    [d] = read_events(_write(tmp_path, line)).diagnostics
    assert (d.code, d.column) == ("SLA502", line.index(f'"{key}"') + 1)
    assert f"rename `{key}` to `state`" in d.hint


def test_a_state_key_that_is_there_is_not_renamed(tmp_path):
    # `"state"` as the type's text is no `state` key; a null state is the key, given no value
    line = '{"lead": "A", "at": "2026-12-01T09:00:00-05:00", "type": "state", "state": null, "status": "x"}'
    [d] = read_events(_write(tmp_path, line)).diagnostics
    assert d.code == "SLA502" and "rename" not in (d.hint or "")


def test_the_regional_table_holds_for_the_installed_holidays_package():
    """Every country SLA397 names really is one whose every region keeps a day more than the
    nationwide list (in the years the table was written from); GB is one, US is none."""
    import holidays

    from slacode.holiday_days import REGIONAL_HOLIDAYS

    years = range(2024, 2029)
    assert "GB" in REGIONAL_HOLIDAYS and "US" not in REGIONAL_HOLIDAYS and "BR" not in REGIONAL_HOLIDAYS
    for code in ("GB", "DE", "CA"):
        nationwide = set(holidays.country_holidays(code, years=years))
        for sub in REGIONAL_HOLIDAYS[code]:
            assert set(holidays.country_holidays(code, subdiv=sub, years=years)) - nationwide, (code, sub)


def test_a_london_desk_on_the_nationwide_days_is_told_and_its_clock_runs_on_easter_monday():
    spec = '''
agreement "uk" { version "1"; timezone "Europe/London"; teams sales }
calendar london {
  hours mon-fri 09:00-17:00
  holidays "%s"
}
deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 2h on london
}
'''
    events = [{"lead": "A", "at": "2026-04-06T09:00:00+01:00", "type": "assigned"}]    # Easter Monday
    nationwide = slacode.loads(spec % "GB")
    assert [d.code for d in nationwide.diagnostics] == ["SLA397"]
    england = slacode.loads(spec % "GB-ENG")
    assert not england.diagnostics
    due = {name: a.evaluate(events, as_of="2026-04-08T00:00:00+01:00").verdicts[0].to_dict()["due_at"]
           for name, a in (("GB", nationwide), ("GB-ENG", england))}
    assert due == {"GB": "2026-04-06T11:00:00+01:00", "GB-ENG": "2026-04-07T11:00:00+01:00"}


def test_the_compliance_table_from_python_is_the_one_report_prints():
    import subprocess
    import sys

    from slacode.report import compliance
    from tests.conftest import ROOT

    spec, events, as_of = ROOT / "specs" / "northwind.sla", ROOT / "specs" / "events.jsonl", "2026-11-20T18:00:00-03:00"
    agreement = slacode.load(spec)
    result = agreement.evaluate_many([events], as_of=as_of, jobs=1)
    table = compliance(result, by="owner", period="week", plan=agreement)
    assert table.rows() == compliance(result, by="owner", period="week", plan=agreement.plan).rows()
    for fmt, text in (("table", table.to_text()), ("csv", table.to_csv())):
        printed = subprocess.run([sys.executable, "-m", "slacode", "report", str(spec), str(events), "--as-of", as_of,
                                  "--by", "owner", "--format", fmt, "--jobs", "1"],
                                 capture_output=True, text=True, env={"NO_COLOR": "1", "PATH": ""}, cwd=ROOT)
        assert printed.stdout.startswith(text), (fmt, printed.stderr)


def test_the_failing_test_shown_in_getting_started_is_what_slacode_test_prints(tmp_path):
    """getting-started.md shows `slacode test` failing (its text block, up to the `…`): the
    output begins with exactly those lines (a note that no lead of a test had a field the
    agreement reads, SLA614, is left out of a failing test's notes)."""
    import re
    import subprocess
    import sys

    from tests.conftest import ROOT

    page = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
    files: dict = {}
    for kind, name, body in re.findall(r"<!-- (file|append): (\S+) -->\n```\w*\n(.*?)```", page, re.S):
        files[name] = (files.get(name, "") if kind == "append" else "") + body
    wrong = "expect first_touch.within met due 2026-11-24T10:30:00-03:00"
    (tmp_path / "acme.sla").write_text(files["acme.sla"].replace(wrong.replace("10:30", "10:35"), wrong),
                                       encoding="utf-8")
    shown = re.search(r"```text\n(FAIL a hot lead.*?)```", page, re.S).group(1).splitlines()
    shown = shown[:shown.index("      …")]
    done = subprocess.run([sys.executable, "-m", "slacode", "test", "acme.sla"], capture_output=True, text=True,
                          cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout.splitlines()[:len(shown)] == shown


HEADER = 'agreement "fx" { version "1"; timezone "UTC"; teams sales }\n'
#: the syntax codes' "Avoid" fragments, and how a whole agreement holds each (at ``@``)
SYNTAX_AVOID = {
    "SLA101": HEADER + "@",
    "SLA102": HEADER + "@",
    "SLA103": HEADER + "@",
    "SLA105": HEADER + "@",
    "SLA108": HEADER + 'calendar c {\n  timezone "UTC"\n@}\n',
    "SLA109": HEADER + "@",
    "SLA110": HEADER + "deadline d {\n  owner sales\n  start on a\n  stop on b\n@}\n",
}


@pytest.mark.parametrize("code", sorted(SYNTAX_AVOID))
def test_a_syntax_codes_avoid_example_gives_that_code(code):
    """The rule page's "Avoid" fragment, inside an agreement, is reported with its own code
    (SLA102's showed a `-` in a bare name, which is SLA101)."""
    import re

    from tests.conftest import ROOT

    page = (ROOT / "docs" / "rules" / f"{code}.md").read_text(encoding="utf-8")
    avoid = re.search(r"## Avoid\n.*?```\w*\n(.*?)```", page, re.S).group(1)
    found = {d.code for d in slacode.lint(SYNTAX_AVOID[code].replace("@", avoid))}
    assert code in found, (code, avoid, found)


def test_the_keywords_page_lists_every_word_of_the_grammar():
    import re

    from tests.conftest import ROOT

    grammar = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "grammar").glob("*.lark"))
    words = set(re.findall(r'"([a-z_]+)"i?', grammar))
    page = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    section = page[page.index("## Keywords"):]
    listed = set(re.findall(r"`([a-z_]+)`", section[:section.index("the status names")]))
    assert words - listed == set()


@pytest.mark.parametrize(("option", "words"), [((), "the default delimiter"),
                                               (("--csv-delimiter", ","), "the delimiter given")])
def test_a_quoted_header_says_which_delimiter_read_it(tmp_path, option, words):
    import subprocess
    import sys

    from tests.conftest import ROOT

    path = tmp_path / "q.csv"
    path.write_text('"lead;at;type"\nA;2026-12-01T09:00:00Z;x\n')
    done = subprocess.run([sys.executable, "-m", "slacode", "check", str(ROOT / "specs" / "northwind.sla"), str(path),
                           "--as-of", "2026-12-02T00:00:00Z", *option], capture_output=True, text=True)
    assert f"read with ',', {words}, it is 1 column" in done.stdout + done.stderr
