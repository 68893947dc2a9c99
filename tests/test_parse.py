"""parse.py: text → tree; every problem a diagnostic with an exact place."""
from __future__ import annotations

import pytest

import slacode

from slacode.parse import parse
from slacode.build import build
from tests.conftest import language_example, needs_shared, shared_agreements


def diags_of(text):
    return [(d.code, d.span.line, d.span.column) for d in parse(text, "t.sla")[1]]


def model_of(text):
    tree, diags = parse(text, "t.sla")
    assert diags == [], diags
    agreement, more = build(tree, "t.sla")
    assert more == []
    return agreement


@needs_shared
def test_language_example_and_shared_agreements_parse():
    assert parse(language_example())[1] == []
    for path in shared_agreements():
        assert parse(path.read_text(), str(path))[1] == [], path


def test_semicolons_and_wrapped_lines_are_one_statement_each():
    one_line = 'agreement "x" { version "1"; timezone "UTC"; teams a, b }'
    wrapped = 'agreement "x" {\n  version "1"\n\n  # comment\n  timezone "UTC"\n  teams a,\n    # between\n    b\n}\n'
    assert model_of(one_line).model_dump() == model_of(wrapped).model_dump()


def test_lines_wrap_after_or_and_equal_arrow():
    text = ("segment s =\n  score >= 80 or\n  source == \"x\" and\n  country in [\"BR\",\n \"AR\"]\n"
            "flow {\n  a ->\n    b, c\n}\n")
    a = model_of(text)
    assert a.segments["s"].predicate.kind == "or"
    assert [t.value for t in a.flow_lines[0].targets] == ["b", "c"]


def test_a_line_wraps_after_with():
    wrapped = model_of('calendar c {\n  holidays "US" with\n    "Good Friday",\n    government\n}\n')
    one_line = model_of('calendar c {\n  holidays "US" with "Good Friday", government\n}\n')
    def picks(agreement):
        return [(p.value, p.category) for p in agreement.calendar_decls["c"].of("holidays")[0].picks]

    assert picks(wrapped) == [("Good Friday", False), ("government", True)] == picks(one_line)


def test_a_line_left_ending_with_with_is_blamed_on_that_line():
    found = parse('calendar c {\n  holidays "US" with\n}\n', "t.sla")[1]
    assert [(d.code, d.span.line) for d in found] == [("SLA101", 3)]


def test_durations_in_both_spellings_are_equal():
    compact = model_of("deadline r {\n within 1h30m\n}").rules[0].clauses[0].duration
    spelled = model_of("deadline r {\n within 1 hour 30 minutes\n}").rules[0].clauses[0].duration
    assert compact.model_dump() == spelled.model_dump() == {"days": 0, "hours": 1, "minutes": 30}
    assert model_of("deadline r {\n within 1d4h\n}").rules[0].clauses[0].duration.days == 1


def test_where_predicate_runs_to_the_end_unless_parenthesised():
    last = model_of('deadline r {\n start on enter mql or assigned where team == "br" or score > 3\n}')
    triggers = last.rules[0].clauses[0].triggers
    assert [t.kind for t in triggers] == ["enter", "event"]
    assert triggers[1].where.kind == "or"
    paren = model_of('deadline r {\n start on assigned where (team == "br") or enter mql\n}')
    triggers = paren.rules[0].clauses[0].triggers
    assert [t.kind for t in triggers] == ["event", "enter"]
    assert triggers[0].where.kind == "compare"


@pytest.mark.parametrize("written, triggers", [
    # §6: a predicate that is not wholly in parentheses runs to the end of the clause
    ('call where (duration >= 60) and outcome == "connected"', [("call", 'duration >= 60 and outcome == "connected"')]),
    ("call where (a == 1 or b == 2) and c == 3", [("call", "(a == 1 or b == 2) and c == 3")]),
    ('call where (o == "x") or (o == "y")', [("call", 'o == "x" or o == "y"')]),
    ('call where (d >= 60) or channel == "video" or hot', [("call", 'd >= 60 or channel == "video" or hot')]),
    ("call where (d >= 60) or not (x == 1) and y exists", [("call", "d >= 60 or not (x == 1) and y exists")]),
    ("mail or call where (d >= 60) and x == 1", [("mail", None), ("call", "d >= 60 and x == 1")]),
    # wholly in parentheses, it ends there: what follows `or` is another trigger
    ("call where (d >= 60) or voicemail", [("call", "d >= 60"), ("voicemail", None)]),
    ("call where (d >= 1) or meeting where (e == 2)", [("call", "d >= 1"), ("meeting", "e == 2")]),
])
def test_a_where_that_starts_with_a_parenthesis_may_go_on(written, triggers):
    from slacode.diff import pred_text

    a = model_of(f"segment hot = score >= 80\ndeadline r {{\n stop on {written}\n}}")
    got = a.rules[0].clauses[0].triggers
    assert [(t.type.value, pred_text(t.where) if t.where else None) for t in got] == triggers


@pytest.mark.parametrize("written, column, words", [
    ("call where (d >= 60) or x == 1 or enter sql", 45, "runs to the end of the clause"),
    ("call where (d >= 60) or x == 1 or mail where (y == 2)", 45, "runs to the end of the clause"),
    ("call or x == 1", 19, "needs an event type before it"),
])
def test_what_cannot_follow_a_where_that_went_on_is_an_error_where_it_stands(written, column, words):
    import slacode

    errors = [d for d in slacode.lint(f"deadline r {{\n  stop on {written}\n}}\n") if d.severity == "error"]
    assert [(d.code, d.span.line, d.span.column) for d in errors[:1]] == [("SLA101", 2, column)]
    assert words in errors[0].message and errors[0].hint


@pytest.mark.parametrize("clause", ["cancel on unsubscribed, bounced", "count call, meeting",
                                    "stop on call where (x == 1), meeting"])
def test_triggers_listed_with_commas_get_the_or_hint(clause):
    import slacode

    text = f'agreement "a" {{ timezone "UTC"; teams sales }}\nattempts d {{\n  owner sales\n  start on assigned\n  {clause}\n}}\n'
    (error,) = [d for d in slacode.lint(text) if d.severity == "error"]
    assert error.code == "SLA101" and "`,`" in error.message and "join triggers with `or`" in error.hint
    assert "comparison" not in error.message                    # a first trigger is no predicate


@pytest.mark.parametrize("lines, hint", [
    ("  hours mon-fri 9-17", "write times of day as HH:MM: `09:00-17:00`"),
    ("  hours mon-fri 9:30-17", "write times of day as HH:MM: `09:30-17:00`"),
    ('  hours mon-fri 09:00-17:00\n  holidays "US" "US-NY"',
     'separate the holiday codes with commas: `holidays "US", "US-NY"`')])
def test_calendar_lines_written_as_people_say_them_get_the_form_meant(lines, hint):
    import slacode

    text = f'agreement "a" {{ timezone "UTC"; teams sales }}\ncalendar c {{\n  timezone "UTC"\n{lines}\n}}\n'
    errors = [d for d in slacode.lint(text) if d.severity == "error"]
    assert errors[0].code == "SLA101" and errors[0].hint == hint


_SLIPS_HEAD = ('agreement "a" { timezone "UTC"; teams sales }\ncalendar amer {\n  hours mon-fri 09:00-17:00\n}\n'
               'segment ent = tier == "ent"\nsegment smb = tier == "smb"\n')


@pytest.mark.parametrize("body, hint", [
    ("deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 1 business hour on amer\n}\n",
     "working time comes from the calendar named with `on`: write `within 1h on amer` (on a calendar, `h` and "
     "`d` count its working hours and days)"),
    ("deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 2 working days on amer\n}\n",
     "working time comes from the calendar named with `on`: write `within 2d on amer` (on a calendar, `h` and "
     "`d` count its working hours and days)"),
    ("deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 4h on amer for ent or smb\n}\n",
     "`for` names segments that must all hold, joined with `and`; for leads in either, declare one that joins "
     "them, `segment ent_or_smb = ent or smb`, and write `for ent_or_smb`"),
    ("deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 4h on amer for ent, smb\n}\n",
     "join the segments with `and` for leads in all of them: `for ent and smb`"),
    ('deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 4h for region == "APAC"\n}\n',
     '`for` takes a segment\'s name: declare `segment NAME = region == "APAC"` and write `for NAME`'),
    ("deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 4h\n  warn at 50%, 30m before\n}\n",
     "the levels listed after `warn at` are shares (`warn at 50%, 80%`); a time before the deadline goes on a "
     "line of its own: `warn 30m before`"),
    ("attempts f {\n  owner sales\n  start on a\n  stop on b\n  at most 2 per business day\n}\n",
     "write `per day` (days are counted in the rule's time zone); `only during CALENDAR` keeps attempts to "
     "working time"),
    ("deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 4h\n}\n"
     "target t {\n  owner sales\n  rule d\n  at least 95% met per month for ent\n}\n",
     "a target's segment goes on its `rule` line: `rule d for ent`"),
    ("deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 4h\n}\n"
     'test "t" {\n  as of 2026-11-24T18:00:00Z\n  at 2026-11-24T09:00:00Z state mql\n  expect d met\n}\n',
     "a state event is written with `enter` in a test: `at … enter mql`"),
    ("deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 4h\n}\n"
     'test "t" {\n  as of 2026-11-24T18:00:00Z\n  at 2026-11-24T09:00:00Z a set employees = 1,000\n'
     "  expect d met\n}\n",
     "write numbers without a thousands separator: `1000` (a decimal takes `.`: `2.5`)"),
])
def test_slips_of_people_used_to_other_sla_tools_get_the_form_meant(body, hint):
    """What a Zendesk, Jira or Salesforce user writes first (review 14-b)."""
    import slacode

    errors = [d for d in slacode.lint(_SLIPS_HEAD + body) if d.severity == "error"]
    assert errors and errors[0].code == "SLA101" and errors[0].hint == hint, errors


def test_a_calendar_after_a_segment_is_told_the_order_of_the_two():
    import slacode

    text = ('agreement "a" { timezone "UTC"; teams sales }\ncalendar c {\n  timezone "UTC"\n'
            "  hours mon-fri 09:00-17:00\n}\nsegment hot = score > 5\n"
            "deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 4h for hot on c\n  within 8h on c\n}\n")
    (error,) = [d for d in slacode.lint(text) if d.severity == "error"]
    assert error.hint == "`on CALENDAR` comes before `for SEGMENT`: `within 4h on c for hot`"


def test_keywords_are_names_where_a_name_is_expected():
    a = model_of("states {\n lead\n open\n closed final\n}\nflow {\n lead -> open, closed\n}")
    assert [s.name.value for s in a.state_decls] == ["lead", "open", "closed"]
    assert a.state_decls[2].final


def test_backquoted_fields_and_state_keyword():
    a = model_of('segment s = `utm-source` == "ads" and `state` == "SP" and state in [mql, sal]')
    items = a.segments["s"].predicate.items
    assert items[0].field.quoted and items[0].field.name == "utm-source"
    assert items[1].field.quoted and not items[1].field.is_state
    assert items[2].field.is_state and [v.value for v in items[2].values] == ["mql", "sal"]


def test_string_escapes():
    a = model_of(r'segment s = name == "say \"hi\" \\ bye"')
    assert a.segments["s"].predicate.value.value == 'say "hi" \\ bye'


def test_test_block():
    a = model_of('test "t" {\n as of 2026-11-10T12:00:00-03:00\n lead "B"\n'
                 ' at 2026-11-09T15:00:00-03:00 update set score = 90, x = null\n'
                 ' at 2026-11-09T17:50:00-03:00 assigned with owner = "rep-2"\n'
                 ' at 2026-11-10T10:00:00Z enter sql\n'
                 ' expect first_touch.within cycle 2 breached due 2026-11-10T09:20:00-03:00\n'
                 ' expect flow met\n}')
    items = a.tests[0].items
    assert [i.kind for i in items] == ["as_of", "lead", "event", "event", "event", "expect", "expect"]
    assert items[4].state.value == "sql" and items[4].type.value == "state"
    assert items[2].sets[1].value.kind == "null"
    assert items[5].cycle == 2 and items[5].clause.value == "within" and items[5].due is not None


def test_positions_are_exact():
    assert diags_of("deadline r {\n  within on c\n}") == [("SLA101", 2, 10)]


def test_every_independent_problem_is_reported():
    text = ("deadline a {\n  within on c\n  owner\n}\n\nsegment s = x ==\n\n"
            "calendar c {\n  hours mon-fri 09:00-18:00\n  closed 2026-12-24,\n}\n")
    assert diags_of(text) == [("SLA101", 2, 10), ("SLA101", 3, 8), ("SLA101", 6, 17), ("SLA101", 11, 1)]


def test_a_keyword_is_a_whole_word_never_the_start_of_a_longer_one():
    # §2: `order_won` is one name. Lark's lexer, where a name cannot stand, took the keyword
    # `or` from its start: `stop on sent order_won` was read as `sent or der_won`.
    glued = ("segment web = score > 50 origin == \"web\"\n"
             "deadline d {\n  owner sales\n  start on assigned\n  stop on sent order_won\n  within 4h\n}\n")
    assert diags_of(glued) == [("SLA101", 1, 26), ("SLA101", 5, 16)]
    found = {d.span.line: d for d in parse(glued, "t.sla")[1]}
    assert "found `origin`" in found[1].message and "found `order_won`" in found[5].message
    assert found[1].hint is None and found[5].hint is None     # `or igin` is no missing space
    # the same keywords, as whole words, read as before
    model_of("segment web = score > 50 or origin == \"web\"\n"
             "deadline d {\n  owner sales\n  start on assigned\n  stop on sent or order_won\n  within 4h\n}\n")


@pytest.mark.parametrize("line, hint", [("ownersales", "`owner sales`"), ("starton assigned", "`start on`"),
                                        ("within1h", "`within 1h`"), ("within 2h forhot", "`for hot`")])
def test_a_keyword_joined_to_the_next_word_is_an_error_that_says_so(line, hint):
    text = ("segment hot = score > 50\n"
            f"deadline d {{\n  owner sales\n  start on assigned\n  stop on call\n  {line}\n  within 4h\n}}\n")
    (d,) = parse(text, "t.sla")[1]
    assert (d.code, d.span.line) == ("SLA101", 6)
    assert d.hint == f"did you mean {hint}? (a keyword is a word of its own)"


def test_unexpected_character_and_unterminated_string():
    assert diags_of("segment s = a == $") == [("SLA102", 1, 18)]
    assert diags_of('segment s = a == "open\n') == [("SLA105", 1, 18)]


def test_truncated_file_says_where_it_ended():
    d = parse("deadline r {\n  owner sales\n", "t.sla")[1]
    assert [(x.code, x.span.line, x.span.column) for x in d] == [("SLA103", 2, 14)]
    assert "`}`" in d[0].message


def test_stray_closing_brace_is_one_error():
    assert diags_of("}") == [("SLA101", 1, 1)]
    (d,) = parse("}", "t.sla")[1]
    assert d.hint.startswith("no block is open here: remove this `}`")


def test_a_stray_closing_brace_names_the_block_closed_before_it():
    text = ("states {\n  new\n  mql\n}\n\nflow {\n  new -> mql\n}  # done\n\n}\n"
            "segment hot = score > 50\n")
    (d,) = parse(text, "t.sla")[1]
    assert (d.code, d.span.line, d.span.column) == ("SLA101", 10, 1)
    assert "the `flow` block (line 6) was already closed on line 8" in d.hint
    # a header's text is kept (its comment left out); the block closed last is the one named
    text = ('test "t" { # x\n  as of 2026-01-01T00:00:00Z\n}\n\n\n}\n')
    (d,) = parse(text, "t.sla")[1]
    assert d.span.line == 6 and 'the `test "t"` block (line 1) was already closed on line 3' in d.hint


def test_a_file_ending_inside_blocks_names_where_they_opened():
    (d,) = parse("calendar desk {\n  hours mon-fri 09:00-17:00\n", "t.sla")[1]
    assert d.code == "SLA103" and "inside the `calendar desk` block opened on line 1" in d.message
    assert d.hint == "add the closing `}` of the block opened on line 1"
    (d,) = parse('segment s = a exists\ntest "t" {\n  as of 2026-01-01T00:00:00Z', "t.sla")[1]
    assert 'inside the `test "t"` block opened on line 2' in d.message and "line 2" in d.hint


def test_nul_and_deep_nesting_are_refused():
    # a stray NUL is said and read as a space, so the rest is still checked; many make a binary file
    assert diags_of("a\x00") == [("SLA104", 1, 2), ("SLA101", 1, 1)]
    assert diags_of("segment s = a exists\nsegment t = b\x00 exists\n") == [("SLA104", 2, 14)]
    assert diags_of("x" + "\x00y" * 20) == [("SLA104", 1, 2)]
    assert [c for c, *_ in diags_of("segment s = " + "(" * 200 + "a" + ")" * 200)] == ["SLA106"]
    assert [c for c, *_ in diags_of("segment s = " + "not " * 200 + "a")] == ["SLA106"]


def test_long_flat_chains_do_not_recurse():
    a = model_of("let x = " + " + ".join(["1"] * 5000))
    expr = a.constants["x"].expr
    assert expr.kind == "chain" and len(expr.rest) == 4999 and expr.first.kind == "number"
    assert model_of("let x = 1 + 2").constants["x"].expr.kind == "binary"
    assert model_of("segment s = " + " or ".join(f"f{i} exists" for i in range(5000))).segments["s"]


def test_expected_words_for_a_duration():
    d = parse("deadline r {\n  within on c\n}")[1][0]
    assert "a duration such as `4h`" in d.message and "found `on`" in d.message


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", ";;;"])
def test_empty_inputs_parse(text):
    assert parse(text)[1] == []


def test_a_block_left_open_is_one_error_and_the_next_declaration_parses():
    text = ('agreement "x" {\n  version "1"\n  teams sales\n\n'
            "deadline r {\n  owner sales\n  start on a\n  stop on b\n  within 1h\n}\n")
    d = parse(text, "t.sla")[1]
    assert [(x.code, x.span.line, x.span.column) for x in d] == [("SLA101", 5, 1)]
    assert "the block opened on line 1 is not closed" in d[0].message and "`}`" in d[0].hint
    tree = parse(text, "t.sla", partial=True)[0]
    agreement, _ = build(tree, "t.sla")
    assert [decl.kind for decl in agreement.declarations] == ["agreement", "rule"]
    assert agreement.rules[0].name.value == "r" and len(agreement.rules[0].clauses) == 4


def test_a_header_without_its_brace_is_one_error_and_its_block_parses():
    text = ("deadline r\n  owner sales\n  start on a\n  stop on b\n  within 1h\n}\n"
            "segment hot = score >= 80\n")
    assert diags_of(text) == [("SLA101", 1, 11)]
    agreement, _ = build(parse(text, "t.sla", partial=True)[0], "t.sla")
    assert [decl.kind for decl in agreement.declarations] == ["rule", "segment"]
    assert len(agreement.rules[0].clauses) == 4


def test_lines_ended_by_a_lone_carriage_return_are_lines():
    # a classic Mac OS file: without this, everything after the first `#` was one comment
    from slacode.api import analyse
    from slacode.parse import decode

    text = ('agreement "s" { version "1"; timezone "UTC"; teams sales }\r# the promise\r'
            "deadline d {\r  owner sales\r  start on a\r  stop on b\r  within 1h\r}\r")
    for given in (decode(text.encode())[0], text):
        agreement, diags = analyse(given)
        assert [r.name.value for r in agreement.rules] == ["d"] and diags == []
    broken = text.replace("within 1h", "within on")
    assert [(d.code, d.span.line, d.span.column) for d in analyse(broken)[1]] == [("SLA101", 7, 10)]


def test_an_invisible_character_is_reported_and_read_as_a_space():
    # a no-break space or a zero-width space pasted from a chat: one error each run, and the
    # statement it is in is still read (its block is not skipped)
    text = ("agreement \"a\" {\n  timezone \"UTC\"\n  teams sales\n}\n"
            "segment hot = score >=\u00a0\u00a080\n\u200bdeadline d {\n  owner sales\n  start on a\n"
            "  stop on b\n  within 4h for hot\n}\n")
    tree, diags = parse(text, "t.sla", partial=True)
    assert [(d.code, d.span.line, d.span.column) for d in diags] == [("SLA102", 5, 23), ("SLA102", 6, 1)]
    assert "no-break space" in diags[0].hint and "(2 of them)" in diags[0].message
    assert "zero-width space" in diags[1].hint
    from slacode.build import build as build_tree

    agreement, _ = build_tree(tree, "t.sla")
    assert [r.name.value for r in agreement.rules] == ["d"] and agreement.segments


def test_a_zero_width_character_inside_a_word_is_reported_and_read_as_nothing():
    # pasted from a web page: `first<ZWSP>_touch` looks like `first_touch` and reads so (one
    # error where it is); inside a string or a comment it is left alone
    zw, zwnj = "\u200b", "\u200c"
    text = (f"agreement \"a{zw}b\" {{\n  timezone \"UTC\"\n  teams sales\n}}\n"
            f"deadline first{zw}_touch {{  # a{zw}b\n  own{zw}{zwnj}er sales\n  start on a{zw}\n"
            f"  stop on b\n  within 4h\n}}\n")
    tree, diags = parse(text, "t.sla", partial=True)
    assert [(d.code, d.span.line, d.span.column, d.span.end_column) for d in diags] == [
        ("SLA102", 5, 15, 16), ("SLA102", 6, 6, 7), ("SLA102", 6, 7, 8), ("SLA102", 7, 13, 14)]
    assert diags[0].hint.endswith("delete it (the word is read as `first_touch`)")
    assert "read as `owner`" in diags[1].hint
    assert "looks like a space or nothing" in diags[3].hint          # after the word: a space
    from slacode.build import build as build_tree

    agreement, _ = build_tree(tree, "t.sla")
    assert [r.name.value for r in agreement.rules] == ["first_touch"]
    assert agreement.id == f"a{zw}b" and agreement.rules[0].owner.value == "sales"


def test_a_line_goes_on_inside_parentheses():
    text = ("agreement \"a\" {\n  timezone \"UTC\"\n  teams sales\n}\n"
            "segment s = (score > 1\n  and x == 2) or (\n  y == 3)\n"
            "deadline d {\n  owner sales\n  start on a where (p == 1 or\n    q == 2)\n  stop on b\n  within 4h for s\n}\n")
    model_of(text)
    # a `(` left open: the next declaration is read as a statement of its own
    broken = ("agreement \"a\" {\n  timezone \"UTC\"\n  teams sales\n}\n"
              "segment s = (score > 1 and x == 2\n"
              "deadline d {\n  owner salez\n  start on a\n  stop on b\n  within 4h for s\n}\n")
    first = parse(broken, "t.sla")[1][0]
    assert (first.code, first.span.line, first.span.column) == ("SLA101", 5, 13)
    assert first.message == "this `(` is not closed (line 6 begins another statement)"
    from slacode.api import lint

    assert [(d.code, d.line) for d in lint(broken) if d.severity == "error"] == [("SLA101", 5), ("SLA206", 7)]
    # a line that goes on with an operand is a missing `and` / `or`: said so where it fails
    d = parse(text.replace("  and x == 2) or (", "  x == 2) or ("), "t.sla")[1][0]
    assert (d.span.line, d.hint) == (6, "the `(` on line 5 is still open, so this line goes on its statement: "
                                        "close the `(` with `)`, or join the lines with `and` / `or`")


def test_a_number_without_its_unit_in_a_duration_says_so():
    text = "deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 4h30\n}\n"
    (d,) = parse(text, "t.sla")[1]
    assert d.hint == "each number in `4h30` needs its unit (`1h30m`, not `1h30`)"


def test_a_test_timestamp_with_a_space_says_to_join_it_with_t():
    text = 'test "x" {\n  as of 2026-11-02 12:00:00Z\n  at 2026-11-02 10:00 a\n}\n'
    found = parse(text, "t.sla")[1]
    assert [d.hint for d in found] == [
        "write the date and time joined by `T`, with an offset: `2026-11-02T12:00:00Z`",
        "write the date and time joined by `T`, with an offset: `2026-11-02T10:00:00±HH:MM`"]


def test_expected_lists_name_only_what_can_come_next():
    # LALR merges states: the table after `09:00-12:00` also lists `in` (from `only between
    # … in lead timezone`) and after `require name` an `=`, which fail once reduced
    text = ("calendar c {\n  hours mon-fri 09:00-12:00 13:00-18:00\n}\n"
            "handoff h {\n  owner sales\n  start on a\n  stop on b\n  within 1h\n  require name email\n}\n")
    messages = [d.message for d in parse(text, "t.sla")[1]]
    assert messages == ["expected `,`, `}` or the end of the line, found `13:00`",
                        "expected `,`, `where`, `}` or the end of the line, found `email`"]


def test_classic_mac_files_end_every_line_with_their_carriage_returns():
    from slacode.api import analyse

    head = 'agreement "x" {\r  timezone "UTC"\r}\r'
    # a string ending in an escaped backslash, then more lines
    agreement, diags = analyse(head + 'segment a = source == "C:\\\\"\rsegment b = score > 1\r')
    assert [d.code for d in diags] == ["SLA224", "SLA217", "SLA217"]      # (no rule)
    # a string left open ends with its line: the lines after it are still read
    diags = analyse(head + 'segment a = source == "oops\rsegment c = score >> 1\r')[1]
    assert [(d.code, d.span.line) for d in diags if d.severity == "error"] == [("SLA105", 4), ("SLA101", 5)]


def test_a_line_that_closes_the_open_parenthesis_goes_on_with_it():
    text = 'segment x = (score > 1\n  owner == "bob")\nsegment y = score > 1\n'
    (d,) = parse(text, "t.sla")[1]
    assert (d.span.line, d.span.column) == (2, 3) and "still open" in d.hint


def test_a_zero_width_character_inside_a_time_or_timestamp_is_read_as_nothing():
    # the invisible character moves past the whole number, time or timestamp, not into it
    zw = "\u200b"
    text = ("agreement \"a\" {\n  timezone \"UTC\"\n  teams sales\n}\n"
            f"calendar office {{\n  timezone \"UTC\"\n  hours mon-fri 0{zw}9:00-18:00\n}}\n"
            "deadline d {\n  owner sales\n  start on a\n  stop on b\n"
            f"  within 4h on office\n  warn at 8{zw}0%\n}}\n"
            f"test \"t\" {{\n  as of 202{zw}6-11-16T12:00:00Z\n}}\n")
    tree, diags = parse(text, "t.sla", partial=True)
    assert [(d.code, d.span.line, d.span.column) for d in diags] == [
        ("SLA102", 7, 18), ("SLA102", 14, 12), ("SLA102", 17, 12)]
    assert "read as `09:00-18:00`" in diags[0].hint and "read as `80%`" in diags[1].hint
    from slacode.build import build as build_tree

    agreement, _ = build_tree(tree, "t.sla")
    assert agreement.rules[0].of("warn")[0].percent == 80


def test_zero_width_characters_at_two_places_in_a_word_are_two_errors():
    zw = "\u200b"
    text = ("agreement \"a\" {\n  timezone \"UTC\"\n  teams sales\n}\n"
            f"deadline fi{zw}rst{zw}_touch {{\n  owner sales\n  start on a\n  stop on b\n  within 4h\n}}\n")
    tree, diags = parse(text, "t.sla", partial=True)
    assert [(d.span.column, d.span.end_column, d.message) for d in diags] == [
        (12, 13, "unexpected character `U+200B`"), (16, 17, "unexpected character `U+200B`")]
    assert all("read as `first_touch`" in d.hint for d in diags)


def test_crlf_lines_give_the_columns_of_lf_lines():
    body = 'agreement "x" {\n  timezone "UTC"\n  teams sales\n}\ndeadline d {\n  owner sales\n  start on\n  within 1h\n}\n'
    for text in (body, 'agreement "x {\n  timezone "UTC"\n}\n'):
        lf = [(d.code, d.span.line, d.span.column, d.span.end_line, d.span.end_column) for d in slacode.lint(text)]
        crlf = [(d.code, d.span.line, d.span.column, d.span.end_line, d.span.end_column)
                for d in slacode.lint(text.replace("\n", "\r\n"))]
        assert lf == crlf and lf


@pytest.mark.parametrize("line, column, message", [
    ("  at least 1{z} within 2h", 12, "`100000000000…0000` (401 characters) is too large for a count, a share or a "
                                      "goal (at most 999,999,999,999,999)"),
    ("  at least 2 within 1{z}m", 21, "`100000000000…000m` (402 characters) is too long for a duration"),
    ("  at least 2 within 1{z} hours", 21, "`100000000000…0000` (401 characters) is too large for a duration (at "
                                           "most 999,999,999,999,999)"),
    ("  first where score >= 9{n}", 24, "`999999999999…9999` (4,301 characters) has more digits than any number "
                                        "slacode reads"),
])
def test_a_number_too_large_is_one_diagnostic_at_the_literal_not_a_crash(line, column, message):
    """review 14-a: integers past a float's range crashed lint, check and load (OverflowError),
    and past 4,300 digits every command (ValueError)."""
    import slacode

    body = line.format(z="0" * 400, n="9" * 4300)
    text = ('agreement "a" { timezone "UTC"; teams sales }\nattempts f {\n  owner sales\n  start on assigned\n'
            f"  stop on call\n{body}\n}}\n")
    errors = [(d.code, d.line, d.column, d.message) for d in slacode.lint(text) if d.severity == "error"]
    assert errors == [("SLA108", 6, column, message)]


def test_a_long_number_compared_in_a_predicate_is_read_as_it_is():
    import slacode

    text = ('agreement "a" { timezone "UTC"; teams sales }\nsegment big = account == 12345678901234567890123\n'
            "deadline d { owner sales; start on assigned; stop on call; within 1h for big; within 2h }\n")
    agreement = slacode.loads(text)
    (v,) = agreement.evaluate([{"lead": "L", "at": "2026-11-02T09:00:00Z", "type": "assigned",
                                "fields": {"account": 12345678901234567890123}}], as_of="2026-11-02T09:30:00Z").verdicts
    assert v.segment == "big"


def test_recovery_after_a_syntax_error_does_not_copy_every_declaration_again(monkeypatch):
    """review 14-a: after an error every statement boundary deep-copied the trees of all the
    declarations before it (one typo in 2,000 segments: 40 s). Counted in trees copied, not
    timed: doubling the file must not quadruple them."""
    import lark

    import slacode

    copied = [0]
    original = lark.Tree.__deepcopy__

    def counting(self, memo):
        copied[0] += 1
        return original(self, memo)

    monkeypatch.setattr(lark.Tree, "__deepcopy__", counting)

    def trees_copied(n: int) -> int:
        copied[0] = 0
        text = ('agreement "a" { timezone "UTC"; teams sales }\nsegment broken = score >=\n'
                + "".join(f"segment s{i} = score >= {i} and source == \"web\"\n" for i in range(n)))
        assert [d.code for d in slacode.lint(text) if d.severity == "error"] == ["SLA101"]
        return copied[0]

    small, large = trees_copied(100), trees_copied(200)
    assert large < 2.5 * small, (small, large)


def test_a_colon_after_a_very_long_word_gets_its_hint():
    """review 14-a: the colon's hint searched the text before it with patterns anchored at
    its end, in time growing with the square of a long word (32,000 letters: 9 s)."""
    import slacode

    text = 'agreement "a" { timezone "UTC"; teams sales }\nsegment hot = ' + "x" * 20_000 + " :>= 80\n"
    (error,) = [d for d in slacode.lint(text) if d.severity == "error"]
    assert error.code == "SLA102" and error.column == 20_016
    assert error.hint == "compare with `==` (or `!=`, `<`, `>` …); a name with `:` goes in backquotes"


def test_threads_that_parse_first_at_once_share_one_parser(monkeypatch):
    """review 15-a: with no parser cached yet, threads that parsed at once each built a parser,
    whose states Lark numbers differently from the one the lexer was made from: errors that
    were not there. The parser is now made once, by one thread."""
    import threading
    import time

    from slacode import parse as P

    made = []
    real = P._make_parser()

    def slow():
        made.append(1)
        time.sleep(0.05)                    # every thread is waiting by now
        return real

    monkeypatch.setattr(P, "_PARSER", None)
    monkeypatch.setattr(P, "_make_parser", slow)
    start, got = threading.Barrier(6), []

    def first_parse():
        start.wait()
        got.append(P.parser())

    threads = [threading.Thread(target=first_parse) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 1 and len(got) == 6 and all(g is real for g in got)
