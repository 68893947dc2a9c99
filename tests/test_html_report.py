"""The HTML dashboard of `slacode report --html`: self-contained, escaped, true to the
verdicts, and rendered by a real browser (headless Chromium) without console errors."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import slacode
from slacode.report import render_html
from tests.conftest import ROOT, run_slacode

SPEC = ROOT / "specs" / "northwind.sla"
EVENTS = ROOT / "specs" / "events.jsonl"
AS_OF = "2026-11-20T18:00:00-03:00"
SLACODE = shutil.which("slacode")

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
HEADLESS_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars"]


def run(*args, cwd=ROOT):
    """The command in this process (:func:`tests.conftest.run_slacode`)."""
    return run_slacode(args, cwd=cwd)


@pytest.fixture(scope="module")
def example():
    agreement = slacode.load(SPEC)
    result = agreement.evaluate(slacode.read_events(EVENTS).records, as_of=AS_OF)
    return agreement, result


@pytest.fixture(scope="module")
def page(example) -> str:
    agreement, result = example
    return render_html(agreement, result, by="assignee", period="week")


# ------------------------------------------------------------------- self-contained

def test_the_page_needs_no_network(page):
    assert page.startswith("<!DOCTYPE html>")
    for forbidden in ("<script", "<link", "<iframe", "<img", "@import", "url(", "src=", "@font-face"):
        assert forbidden not in page.lower(), forbidden
    # the only URL is the SVG namespace, which is a name, not a download
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert urls <= {"http://www.w3.org/2000/svg"}, urls


def test_charts_are_well_formed_svg(page, example):
    agreement, result = example
    svgs = re.findall(r"<svg\b.*?</svg>", page, flags=re.S)
    assert len(svgs) > 10
    for svg in svgs:
        ET.fromstring(svg)                     # raises on malformed markup
    charts = [s for s in svgs if 'aria-label="compliance per period"' in s]
    groups = {f"{v.rule}.{v.clause}" for v in result.verdicts if v.lead is not None}
    assert len(charts) == len(groups)
    assert sum('aria-label="quota per period"' in s for s in svgs) == len(agreement.plan.quotas)


def test_the_page_tells_the_same_numbers_as_check(page, example):
    proc = run("check", str(SPEC), str(EVENTS), "--as-of", AS_OF, "--format", "json")
    verdicts = json.loads(proc.stdout)["verdicts"]
    per_lead = [v for v in verdicts if v["lead"] is not None]
    met = sum(v["status"] == "met" for v in per_lead)
    breached = sum(v["status"] == "breached" for v in per_lead)
    assert f"every clause: {met / (met + breached):.1%}" in page    # the compliance card, all clauses
    main = [v for v in per_lead if v["clause"] in ("within", "at_least_within")]
    kept = sum(v["status"] == "met" for v in main)
    judged = sum(v["status"] in ("met", "breached") for v in main)
    assert f'<div class="k-value">{kept / judged:.1%}</div>' in page          # and its deadlines
    assert f"{kept:,} of {judged:,} judged deadlines" in page
    assert f">{met:,}<" in page and f">{breached:,}<" in page    # promises kept, breaches
    # every breach reason bar adds up to the breaches
    bars = re.findall(r'<text class="val" x="[^"]+" y="[^"]+">(\d+)</text></g>', page)
    assert sum(map(int, bars)) == breached
    # target chips: one per target period, with check's status
    targets = [v for v in verdicts if v["clause"] == "ratio"]
    chips = re.findall(r'<div class="chip (\w+)"', page)
    assert chips == [v["status"] for v in targets]
    for section in ("Compliance over time", "Breaches by reason", "Targets", "Quotas",
                    "Promises kept: recognition", "Compliance by assignee and week", "Due next"):
        assert f"<h2>{section}</h2>" in page


def test_recognition_shows_points_and_perfect_weeks(page, example):
    from slacode.report import standings

    _, result = example
    board = standings(result)
    top = board[0]
    assert re.search(rf"<b>{re.escape(top.assignee)}</b>.*?<b>{top.points:,}</b>", page, flags=re.S)
    stars = page.count('class="star" title="perfect week')
    assert stars == sum(len(s.perfect_weeks) for s in board) > 0


def test_text_from_events_is_escaped():
    agreement = slacode.loads('''
agreement "a<b>" {
  version "1"
  timezone "UTC"
  teams sales
}
deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 1h
}
''')
    evil = '<img src=x onerror="alert(1)">'
    events = [{"lead": "</td><script>x()</script>", "at": "2026-10-14T10:00:00Z", "type": "assigned", "owner": evil}]
    html = render_html(agreement, agreement.evaluate(events, as_of="2026-10-14T10:10:00Z"), by="assignee")
    assert evil not in html and "<script>" not in html and "a<b>" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


QUOTA_SPEC = '''
agreement "desk" {
  version "1"
  timezone "America/Sao_Paulo"
  teams marketing, sales
}
deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 2h
}
quota assignments {
  owner marketing
  count assigned
  at least 2 per week
}
target fast {
  owner sales
  rule first_touch
  at least 90% met per week
}
'''


def test_a_quota_met_mid_week_shows_as_met(tmp_path):
    agreement = slacode.loads(QUOTA_SPEC)
    events = [{"lead": "a", "at": "2026-10-12T10:00:00-03:00", "type": "assigned", "owner": "ana"},
              {"lead": "b", "at": "2026-10-13T10:00:00-03:00", "type": "assigned", "owner": "bob"}]
    html = render_html(agreement, agreement.evaluate(events, as_of="2026-10-14T12:00:00-03:00"))
    card = html[html.index("<h2>Quotas</h2>"):html.index("<h2>Promises kept")]
    assert ">met</div>" in card and "2 in 2026-W42 so far" in card and "W42 (so far)" in card


def test_an_empty_evaluation_still_renders():
    agreement = slacode.loads(QUOTA_SPEC)
    html = render_html(agreement, agreement.evaluate([], as_of="2026-10-14T12:00:00-03:00"))
    assert "No verdicts yet." in html and "No clock is running." in html
    for svg in re.findall(r"<svg\b.*?</svg>", html, flags=re.S):
        ET.fromstring(svg)


def test_the_footer_leaves_out_a_version_the_agreement_does_not_give():
    agreement = slacode.loads('agreement "nv" { timezone "UTC"; teams sales }\n'
                              "deadline d { owner sales; start on assigned; stop on call; within 1h }\n")
    html = render_html(agreement, agreement.evaluate([], as_of="2026-10-14T12:00:00Z"))
    assert "from agreement nv. Verdicts count" in html and "version ?" not in html


def test_report_command_writes_the_page(tmp_path):
    out = tmp_path / "review.html"
    proc = run("report", str(SPEC), str(EVENTS), "--as-of", AS_OF, "--period", "month", "--html", str(out),
               "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    assert f"wrote {out}" in proc.stderr
    html = out.read_text(encoding="utf-8")
    assert "<h2>Compliance by rule and month</h2>" in html and "</html>" in html
    assert proc.stdout.startswith("rule,period,")          # the chosen format still goes to stdout


# ------------------------------------------------------------------ a real browser

def _browser() -> str | None:
    explicit = os.environ.get("SLACODE_CHROMIUM")
    if explicit:
        return explicit
    return next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)


needs_browser = pytest.mark.skipif(
    _browser() is None,
    reason="no headless Chromium/Chrome found (install Debian's `chromium` package or set SLACODE_CHROMIUM)")


def _chromium(url: str, *extra: str, timeout: int = 120) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        cmd = [_browser(), *HEADLESS_FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
               *extra, url]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def _console_messages(stderr: str) -> list[str]:
    """The page's console output, as Chromium logs it with --enable-logging=stderr."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


@needs_browser
def test_console_detection_works(tmp_path):
    """The check below can fail: a page that logs an error is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><p>x</p><script>console.error("boom"); nope();</script>')
    proc = _chromium(bad.as_uri(), "--dump-dom")
    messages = _console_messages(proc.stderr)
    assert any("boom" in m for m in messages) and any("nope" in m for m in messages), proc.stderr[-2000:]


@needs_browser
def test_the_example_page_renders_in_chromium_without_console_errors(tmp_path, capsys):
    page = tmp_path / "northwind-review.html"
    proc = run("report", str(SPEC), str(EVENTS), "--as-of", AS_OF, "--by", "assignee", "--html", str(page))
    assert proc.returncode == 0, proc.stderr

    dom = _chromium(page.as_uri(), "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<h2>Compliance over time</h2>" in dom.stdout and "</svg>" in dom.stdout
    assert _console_messages(dom.stderr) == []

    shot = tmp_path / "northwind-review.png"
    proc = _chromium(page.as_uri(), f"--screenshot={shot}", "--window-size=1280,2000")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert _console_messages(proc.stderr) == []
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 2000)
    assert len(data) > 50_000, "the screenshot is suspiciously small (a blank page?)"
    with capsys.disabled():
        print(f"\nscreenshot of the example report: {shot}\npage: {page}")
    _keep(shot)


def _keep(shot: Path) -> None:
    """Also copy the screenshot where CI can collect it, if asked (SLACODE_ARTIFACTS)."""
    target = os.environ.get("SLACODE_ARTIFACTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(target) / shot.name)


def test_the_page_lists_late_open_clocks_first():
    """review 9-f: `due --overdue` listed 23 late clocks the page never showed."""
    import re

    import slacode
    from slacode.report.html import render_html

    root = Path(__file__).resolve().parents[1]
    agreement = slacode.load(root / "specs" / "northwind.sla")
    result = agreement.evaluate_many([root / "specs" / "events.jsonl"], as_of="2026-11-20T18:00:00-03:00", jobs=1)
    page = render_html(agreement, result)
    late = sum(v.overdue for v in result.verdicts)
    assert late and re.search(rf"{late} late · \d+ at risk", page)
    assert f"{late} clocks past the deadline and still open" in page[page.index("<h2>Due next"):]


def _due_rows(page: str, kind: str) -> list[list[str]]:
    """The cells (text) of each row of the "Due next" card's table ``due`` or ``due late``."""
    card = page[page.index("<h2>Due next</h2>"):]
    m = re.search(rf'<table class="{kind}">.*?<tbody>(.*?)</tbody>', card, flags=re.S)
    if m is None:
        return []
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", m.group(1), flags=re.S)]


def test_due_next_shows_what_comes_due_soonest_and_the_late_ones_apart(example):
    """review 22c-3: the card was filled with the oldest backlog (15 disposition clocks 6–38
    days late), so none of the 40 clocks coming due was shown."""
    from slacode.report.due import due_list

    agreement, result = example
    page = render_html(agreement, result, by="assignee", period="week")
    dues = due_list([v for v in result.verdicts if v.lead is not None], result.as_of, overdue=True)
    coming = [d for d in dues if d.next != "overdue"]
    late = [d for d in dues if d.next == "overdue"]
    assert len(coming) > 15 and len(late) > 10
    rows = _due_rows(page, "due")
    assert [r[3] for r in rows] == [d.lead for d in coming[:15]]       # soonest first, none of them late
    assert all(r[1] != "overdue" for r in rows)
    late_rows = _due_rows(page, "due late")
    newest = sorted(late, key=lambda d: d.due_at, reverse=True)[:10]
    assert [r[2] for r in late_rows] == [d.lead for d in newest]       # the most recently late first
    assert [r[1] for r in late_rows][:1] == ["5h 02m"]                 # late by, without a minus
    assert f"… and {len(late) - 10} more overdue, the oldest due" in page
    assert f"(15 of {len(coming)}; slacode due lists them all)" in page
    assert "table.due td{white-space:nowrap}" in page                  # "-38d 6h" on one line


def test_due_next_with_only_late_clocks_says_none_comes_due():
    agreement = slacode.loads(QUOTA_SPEC)
    events = [{"lead": "a", "at": "2026-10-12T10:00:00-03:00", "type": "assigned", "owner": "ana"}]
    page = render_html(agreement, agreement.evaluate(events, as_of="2026-10-14T12:00:00-03:00"))
    assert "No clock comes due: every open clock is late." in page
    assert [r[2] for r in _due_rows(page, "due late")] == ["a"]
    assert "more overdue" not in page


def test_unsettled_periods_are_drawn_pale_and_dashed_and_say_why():
    """review 22c-1: a week that had ended with 189 open clocks was a solid 100% bar."""
    from tests.test_report import MIXED, _mixed_events

    agreement = slacode.loads(MIXED)
    events = [e for e in _mixed_events() if not (e["lead"] == "a2" and e["type"] == "won")]
    page = render_html(agreement, agreement.evaluate(events, as_of="2026-10-14T12:00:00Z"), by="assignee")
    bars = re.findall(r"<g><title>([^<]*)</title><rect ([^>]*)/></g>", page)
    by_tip = {tip.split(":")[0] + "|" + ("cadence" if "1 undecided" in tip else "x"): (tip, attrs)
              for tip, attrs in bars}
    tip, attrs = by_tip["2026-W41|cadence"]
    assert "not settled: the week has ended, but 1 verdict is still undecided" in tip
    assert "stroke-dasharray" in attrs and 'fill-opacity="0.4"' in attrs
    settled = [(t, a) for t, a in bars if t.startswith("2026-W41") and "undecided" not in t]
    assert settled and all("stroke-dasharray" not in a and 'fill-opacity="1"' in a for _, a in settled)
    # the heat map frames the cells not settled, and counts the undecided verdicts, not "open"
    heat = page[page.index('<table class="heat">'):]
    heat = heat[:heat.index("</table>")]
    assert ">undecided</th>" in heat and ">open</th>" not in heat and " open," not in heat
    ana = heat[heat.index(">ana<"):heat.index(">bob<")]
    assert ana.count('class="num unsettled"') == 1 and "not settled" in ana     # W41: a2's cadence runs on
    bob = heat[heat.index(">bob<"):]
    bob = bob[:bob.index("</tr>")]
    assert "unsettled" not in bob and "2026-W41: 2 met" in bob                  # every clock of bob's decided


def test_the_median_columns_name_their_one_clause():
    """review 22c-2: the leaderboard's "median response" mixed every rule's deadlines."""
    from tests.test_report import MIXED, _mixed_events

    agreement = slacode.loads(MIXED)
    result = agreement.evaluate(_mixed_events(), as_of="2026-10-14T12:00:00Z")
    page = render_html(agreement, result, by="assignee")
    board = page[page.index('<table class="board">'):]
    assert 'median response<br><span class="so-far">first_touch.within</span>' in board
    ana = board[board.index("<b>ana</b>"):]
    assert "15m" in ana[:ana.index("</tr>")]                       # 10 and 20 minutes, not 10h 10m
    assert "working time to respond to first_touch.within alone" in page
    by_rule = render_html(agreement, result, by="rule")
    heat = by_rule[by_rule.index('<table class="heat">'):]
    total = heat[heat.index('<tr class="total">'):]
    assert 'title="several clauses: see each row">—</td>' in total[:total.index("</tr>")]


def test_period_labels_are_spaced_so_that_they_do_not_overlap():
    """review 9-f: over a long range, labels of several years ran into each other."""
    from slacode.report.html import _label_step

    for label, n in (("W45", 12), ("2025-W45", 60), ("2025-11-02", 365), ("Nov", 3)):
        step = _label_step([label] * n, n, 500)
        assert 500 / n * step >= len(label) * 6.5, (label, n, step)      # the room between two shown labels
        fit = int(500 // max(34, len(label) * 6.5 + 8))
        assert -(-n // step) >= min(n, fit) - 1                                # and no fewer labels than fit


def test_per_rep_goals_get_a_block_per_rep():
    import slacode
    from slacode.report.html import render_html
    from tests.test_aggregate import PER_REP, PER_REP_EVENTS

    agreement = slacode.loads(PER_REP)
    result = agreement.evaluate(PER_REP_EVENTS, as_of="2026-11-09T12:00:00-03:00")
    page = render_html(agreement, result)
    assert page.count('<b>ft_rep</b> <span class="k-sub">· ') == 2               # ana, bruno
    assert re.findall(r'card-title">dials <span class="k-sub">· ([^<]+)<', page) == ["ana", "bruno", "(unassigned)"]


def test_the_page_says_at_its_top_how_many_input_problems_it_leaves_out():
    agreement = slacode.loads('agreement "x" { timezone "UTC"; teams sales }\n'
                              "deadline d {\n  owner sales\n  start on assigned\n  stop on call_made\n  within 4h\n}\n")
    events = [{"lead": "A", "at": "2026-11-20T10:00:00Z", "type": "assigned", "owner": "ana"},
              {"lead": "A", "at": "2026-11-20T10:10:00Z", "type": "call_mad"}]
    page = render_html(agreement, agreement.evaluate(events, as_of="2026-11-20T12:00:00Z"))
    assert '<div class="notice" role="note">1 input problem was reported' in page
    assert page.index('class="notice"') < page.index("</header>")
    clean = agreement.evaluate(events[:1], as_of="2026-11-20T12:00:00Z")
    assert 'class="notice"' not in render_html(agreement, clean)


def test_the_report_command_says_the_events_problems_on_the_page(tmp_path):
    out = tmp_path / "r.html"
    proc = run("report", str(SPEC), str(EVENTS), "--as-of", AS_OF, "--html", str(out))
    assert proc.returncode == 0, proc.stderr
    assert re.search(r'<div class="notice" role="note">\d+ input problems were reported', out.read_text())
