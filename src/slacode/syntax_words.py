"""What a syntax error says: the words for what the parser expected and what it found
(``expected a duration such as `4h`, found `4 h```), and the hint for the usual slips
(a unit apart from its number, curly quotes, an invisible character, `=` for `==`, a
keyword joined to the next word, a line left dangling after `or`). Used by :mod:`slacode.parse`.
"""
from __future__ import annotations

import re

from slacode.texts import code


_FRIENDLY = {
    "NAME": "a name",
    "QNAME": "a `backquoted` name",
    "STRING": 'a string such as "text"',
    "NUMBER": "a number",
    "NEG_NUMBER": "a number",
    "DURATION": "a duration such as `4h`",
    "TIME": "a time of day such as `09:00`",
    "DATE": "a date such as `2026-12-24`",
    "TIMESTAMP": "a timestamp such as `2026-11-02T10:00:00-03:00`",
    "DAY_NAME": "a day such as `mon` or `mon-fri`",
    "COMPARATOR": "a comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`)",
    "UNIT_WORD": "a unit (`minutes`, `hours`, `days`)",
    "PERIOD": "a period (`day`, `week`, `month`, `quarter`)",
    "STATUS": "a status (`met`, `breached`, `cancelled`, `paused`, `at_risk`, `pending`)",
    "RULE_KIND": "`handoff`, `deadline` or `attempts`",
    "BOUND": "`least` or `most`",
    "ADD_OP": "`+` or `-`",
    "MUL_OP": "`*` or `/`",
    "_NL": "the end of the line",
    "$END": "the end of the file",
    "STATE_KW": "`state`",
    "FINAL": "`final`",
    "ONCE": "`once`",
    "TRUE": "`true`",
    "FALSE": "`false`",
    "NULL": "`null`",
}


# Sets of expected terminals that read better as one phrase.
_PHRASES = [
    ({"AGREEMENT", "CALENDAR", "STATES", "FLOW", "SEGMENT", "RULE_KIND", "TARGET", "QUOTA", "LET", "TEST"},
     "a declaration (`agreement`, `calendar`, `states`, `flow`, `segment`, `handoff`, `deadline`, "
     "`attempts`, `target`, `quota`, `let` or `test`)"),
    ({"OWNER", "START", "STOP", "CANCEL", "RESTART", "BREACH", "PAUSE", "WITHIN", "WARN", "RETARGET", "REQUIRE",
      "COUNT", "AT", "GAP", "FIRST", "ONLY"},
     "a clause (`owner`, `start`, `stop`, `cancel`, `restart`, `breach`, `pause`, `within`, `warn`, `retarget`, "
     "`require`, `count`, `at least`, `at most`, `gap`, `first`, `only`)"),
    ({"TIMEZONE", "HOURS", "HOLIDAYS", "CLOSED", "OPEN", "DAY"},
     "a calendar line (`timezone`, `hours`, `holidays`, `closed`, `open`, `day`)"),
    ({"AS", "LEAD", "AT", "EXPECT"}, "a test line (`as of`, `lead`, `at`, `expect`)"),
    ({"DURATION", "NUMBER", "SAME", "NEXT"},
     "a duration such as `4h` or `30 minutes`, `same working day` or `next working day`"),
    ({"DURATION", "NUMBER"}, "a duration such as `4h` or `30 minutes`"),
    ({"NAME", "QNAME", "STATE_KW"}, "a field name (or `state`)"),
    ({"STRING", "NUMBER", "NEG_NUMBER", "TRUE", "FALSE", "NAME"}, "a value (a string, number, `true`, `false` or a state name)"),
    ({"STRING", "NUMBER", "NEG_NUMBER", "TRUE", "FALSE", "NULL"}, "a value (a string, number, `true`, `false` or `null`)"),
]


def _describe_terminal(name: str, terminals: dict) -> str:
    if name in _FRIENDLY:
        return _FRIENDLY[name]
    term = terminals.get(name)
    if term is not None and term.pattern.type == "str":
        return f"`{term.pattern.value}`"
    return name.lower()


#: the most alternatives an "expected …" lists in full; a longer list names the first
#: ``_LISTED - 1`` and says how many more there are ("… or 7 more")
_LISTED = 12


def describe_expected(expected, terminals: dict) -> str:
    names = set(expected)
    parts: list[str] = []
    for group, phrase in _PHRASES:
        if group <= names:
            names -= group
            parts.append(phrase)
    words = sorted({_describe_terminal(n, terminals) for n in names if n not in ("COMMENT",)},
                   key=lambda w: (not w.startswith("`"), w))
    comparison = _FRIENDLY["COMPARATOR"]
    if comparison in words:             # say it first: a list cut short must not hide `==`
        words.remove(comparison)
        words.insert(0, comparison)
    if "the end of the line" in words:  # say it last: it reads as "or the end of the line"
        words.remove("the end of the line")
        words.append("the end of the line")
    parts.extend(w for w in words if w not in parts)
    if not parts:
        return "something else"
    if len(parts) > _LISTED:             # name the first ones and count the rest (review 27b L7)
        shown = parts[:_LISTED - 1]
        if parts[-1] == "the end of the line":  # kept: most often what was meant
            shown[-1] = parts[-1]
        return ", ".join(shown) + f" or {len(parts) - len(shown)} more"
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " or " + parts[-1]


def describe_token(tok) -> str:
    if tok.type == "$END":
        return "the end of the file"
    if tok.type == "_NL":
        return "the end of the line" if "\n" in tok.value else "`;`"
    text = str(tok.value)
    if len(text) > 40:
        text = text[:37] + "…"
    return f"`{text}`"


#: Words (singular) that a duration's unit may have been meant as.
_UNIT_WORDS = frozenset({"m", "h", "d", "min", "minute", "hr", "hour", "day", "w", "wk", "week", "sec", "second"})

_DURATION_FORMS = ("compact durations are whole numbers each followed by `m`, `h` or `d`, with nothing "
                   "between (`30m`, `4h`, `1h30m`, `2d`); spelled ones use `minutes`, `hours`, `days` "
                   "(`1 hour 30 minutes`)")


def _unit_hint(tok, text: str) -> str:
    """Why a duration's unit was not read, for the usual slips (``4 h``, ``4H``, ``1.5h``)."""
    value = str(tok.value)
    before = _line_before(tok, text)
    number = re.search(r"[\d._]+\s*$", before)
    written = (number.group(0) if number else "") + value
    foreign = _foreign_unit_hint(tok, number, text)         # `4 horas`, `2 días`, `3 zile`
    if foreign is not None:
        return foreign
    if value in ("m", "h", "d") and before.endswith((" ", "\t")):
        return f"write the unit right after the number: `{written.replace(' ', '')}`"
    if re.fullmatch(r"([mhd]\d+)+", value) and number and not before.endswith((" ", "\t")):
        return f"each number in `{written}` needs its unit (`1h30m`, not `1h30`)"   # `4h30`
    if value.lower() in ("m", "h", "d") and value != value.lower():
        return f"units are lowercase: `{written.lower()}`"
    if number and any(c in number.group(0) for c in "._"):
        return "a compact duration's numbers are whole, without `.` or `_`: `1h30m`, `1000m`"
    line = before[before.rfind("\n") + 1:]
    if value in ("m", "h", "d") and re.search(r"\d\s*(minutes?|hours?|days?)\b", line):
        return "write a duration in one form: `1h30m`, or `1 hour 30 minutes`"
    if value.lower() in ("min", "mins", "minute", "minutes", "hr", "hrs", "hour", "hours", "day", "days"):
        unit = value.lower()[0]
        word = {"m": "minutes", "h": "hours", "d": "days"}[unit]
        n = number.group(0).strip() if number else "30"
        return f"write `{n}{unit}` or `{n} {word}`"
    if value.lower() in _BUSINESS_WORDS:          # `within 1 business hour on amer`
        unit = re.match(r"\s*(?:business|working|work|biz)\s+(min|minute|hr|hour|day)s?\b",
                        text[tok.start_pos:] if tok.start_pos is not None else "", re.I)
        n = number.group(0).strip() if number else "1"
        shown = f"{n}{unit.group(1)[0].lower()}" if unit else f"{n}h"
        after = text[tok.end_pos:].split("\n", 1)[0] if tok.end_pos is not None else ""
        calendar = re.search(r"\bon\s+([A-Za-z_]\w*)", after)
        line = _target_line(tok, text)
        if unit and calendar and line is not None:         # the whole line, written the right way
            fixed = re.sub(r"\b\d+\s+(?:business|working|work|biz)\s+(min|minute|hr|hour|day)s?\b", shown,
                           line[0], count=1, flags=re.I)
            hint = (f"working time comes from the calendar named with `on`: write {code(fixed)} (on a calendar, "
                    "`h` and `d` count its working hours and days)")
            if shown == "1d" and f"within {shown}" in fixed:
                hint += (", or " + code(fixed.replace(f"within {shown}", "within next working day", 1))
                         + " for the close of the next working day")
            return hint
        return (f"working time comes from the calendar named with `on`: write `within {shown} on "
                f"{calendar.group(1) if calendar else 'CALENDAR'}` "
                "(on a calendar, `h` and `d` count its working hours and days)")
    if value.lower() in ("w", "wk", "week", "weeks"):
        return "write weeks as days: `7d`, or `5d` on a calendar of working days"
    if value.lower() in ("s", "sec", "secs", "second", "seconds"):
        return "durations count minutes, hours and days: the least is `1m`"
    return _DURATION_FORMS


#: Words written before a unit to mean working time (`1 business hour`).
_BUSINESS_WORDS = frozenset({"business", "working", "work", "biz"})

#: What a character the language has no use for was most likely meant to be.
_CHARACTER_HINTS = (
    ("“”„‟″", 'use plain double quotes "…"'),
    ("–—‒―−", "this is a typographic dash (copied from a document): write a plain `-`"),
    ("‘’`´", "use a plain backquote ` around names"),
    ("-", "names with a dash go in backquotes: `utm-source`"),
    ("'", 'write strings in double quotes: "SP"'),
    ("&|", "join conditions with `and` and `or`"),
    (":", "declare a segment with `=`: `segment hot = score >= 80`; a time of day is HH:MM"),
    ("!", "compare with `!=`, negate with `not`"),
)


#: Characters that look like a space or like nothing (copied from a chat, a web page or a
#: word processor): reported, then read as a space, so their statement is not lost.
INVISIBLE = {"\u00a0": "a no-break space", "\u2007": "a figure space", "\u202f": "a narrow no-break space",
              "\u200b": "a zero-width space", "\u200c": "a zero-width non-joiner",
              "\u200d": "a zero-width joiner", "\u2060": "a word joiner", "\ufeff": "a zero-width no-break space",
              "\u00ad": "a soft hyphen"}


_CHAR_WINDOW = 256  # characters on either side of a character that its hint looks at


def character_hint(ch: str, before: str = "", after: str = "") -> str:
    """What to do about a character the language has no use for; ``before`` and ``after``
    are the rest of its line on either side (``owner: sales`` is a setting written with a colon)."""
    # patterns anchored at the end of ``before`` look at its last few hundred characters: on a
    # long word they would otherwise take time growing with the square of its length
    after = after[:_CHAR_WINDOW]
    if ch == ":":
        statement = re.split(r"[{;]", before)[-1].strip()
        after = re.split(r"[;}]", after)[0]
        word = re.search(r"([A-Za-z_][\w-]*)\Z", before[-_CHAR_WINDOW:])
        if word and re.match(r"\w", after) and (re.search(r"[=<>!]|\bwhere\b", statement) or
                                                 re.match(r"segment\b.*=", statement)):
            name = word.group(1) + ":" + re.match(r"[\w:.-]*", after).group(0)
            return f"a name with `:` goes in backquotes: `` `{name}` ``"
        if re.search(r"\bwhere\b|[=<>!]", statement):
            return "compare with `==` (or `!=`, `<`, `>` …); a name with `:` goes in backquotes"
        if re.match(r"segment\b", statement):
            return "declare a segment with `=`: `segment hot = score >= 80`"
        if re.search(r"(?:(?<![\w`])[A-Za-z_][\w-]*|\d{4}-\d{2}-\d{2})\Z", statement[-_CHAR_WINDOW:]):
            rest = without_comment(after).strip()
            shown = f"{statement} {rest}" if rest else statement
            return ("settings and triggers take no colon: write "
                    + (f"`{shown}`" if len(shown) <= 50 else f"`{statement} …`"))
    if ch in INVISIBLE:
        return f"this is {INVISIBLE[ch]}, which looks like a space or nothing: delete it or type a plain space"
    for chars, hint in _CHARACTER_HINTS:
        if ch in chars:
            return hint
    if ch.isalpha():
        # the word as written, in backquotes (plain text shows them once: `região`)
        word = (re.search(r"\w*\Z", before[-_CHAR_WINDOW:]).group(0) + ch
                + re.match(r"\w*", after).group(0)) if re.fullmatch(r"\w", ch) else ""
        shown = f"`{word}`" if 1 < len(word) <= 40 else "`região`"
        return ("declared names are ASCII letters, digits and `_` (`primeiro_contato`); a field with "
                f"other characters goes in backquotes: {shown}")
    return "names with other characters go in backquotes: `my field`"


#: `require email, budget` so far on the line (a condition without `where` comes next)
_REQUIRE_LIST = re.compile(r"(?:^|[{;])\s*require\s+(?:[A-Za-z_]\w*|`[^`\n]+`)(?:\s*,\s*(?:[A-Za-z_]\w*|`[^`\n]+`))*\Z")
#: what begins the test of a condition after a field
_CONDITION_WORDS = frozenset({"==", "!=", "<", "<=", ">", ">=", "contains", "starts", "in", "not", "exists",
                              "missing", "=", "and", "or"})
_A_NAME = re.compile(r"\s*([A-Za-z_]\w*|`[^`\n]+`)")
_NAMES_AND = re.compile(r"(?:[A-Za-z_]\w*|`[^`\n]+`)(?:\s*(?:,|\band\b)\s*(?:[A-Za-z_]\w*|`[^`\n]+`))*")
_A_TEST = re.compile(r"\s*(==|!=|[<>]=?|=|contains\b|starts\b|not\b|in\b|exists\b|missing\b)")


def _require_hint(value: str, line: str, after: str = "") -> str | None:
    """`require email contains "@"`: the condition of a `require` line (an extension)
    comes after `where`; `require email and budget` lists fields with commas; `require
    email or phone` has no "one of". ``line`` is the line before the token, ``after`` the
    rest of the line after it."""
    if value not in _CONDITION_WORDS or not _REQUIRE_LIST.search(line):
        return None
    listed = re.sub(r"\s*,\s*", ", ", re.search(r"require\s+(.*)\Z", line).group(1).strip())
    field = re.search(r"([A-Za-z_]\w*|`[^`\n]+`)\Z", line).group(1)
    if value in ("and", "or"):
        nxt = _A_NAME.match(after)
        name = nxt.group(1) if nxt else "FIELD"
        test = _A_TEST.match(after[nxt.end():]) if nxt else None
        if value == "and":
            if test:                            # `require email and budget > 0`
                return ("list fields with commas, and put a condition after `where`: "
                        + code(f"require {listed}, {name} where {name} {test.group(1)} …"))
            rest = without_comment(after).strip().rstrip(";}").strip()
            if _NAMES_AND.fullmatch(rest):      # `require email and budget and phone`
                name = ", ".join(re.split(r"\s*(?:,|\band\b)\s*", rest))
            return "list fields with commas: " + code(f"require {listed}, {name}")
        either = f"{name} {test.group(1)} …" if test else f"{name} exists"
        return ("`require` has no \"one of\": every field it lists must be present; for either of two, "
                "write " + code(f"require … where {field} exists or {either}"))
    if value == "=":                            # (`==` reaches the parser as two `=`)
        value = "=="
    return ("a condition on required fields comes after `where`: " + code(f"require {listed} where {field} {value} …")
            + " (the fields before `where` must be present; the predicate after it must hold at the stop)")


#: a name followed by what tests it: the left side of a comparison in a predicate
_TESTED_NAME = re.compile(r"(?<![\w`])([A-Za-z_]\w*|`[^`\n]+`)\s*(?:==|!=|<=|>=|<|>|=|in\b|not\s+in\b|"
                          r"contains\b|starts\b|exists\b)")
_PREDICATE_WORDS = frozenset({"and", "or", "not", "in", "true", "false", "null", "exists", "missing", "contains",
                              "starts", "with", "state", "assignee"})


def required_field(predicate: str, text: str = "") -> str | None:
    """The lead field to put in the list of `require where PREDICATE` (a `where` with no
    field before it): the first plain field the predicate tests. None when there is none,
    or when listing one would change what the line says: `state` and segments (declared in
    ``text``) are no fields there (a listed `state` is a field named `state`), and under
    `or`, `not` or `missing` a field the predicate tests may rightly be absent."""
    masked = re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', predicate)
    if re.search(r"\b(or|missing)\b", masked) or re.search(r"\bnot\b(?!\s+in\b)", masked):
        return None
    segments = set(re.findall(r"^[ \t]*segment\s+([A-Za-z_]\w*)", text, re.M))
    for m in _TESTED_NAME.finditer(masked):
        name = m.group(1)
        if name not in _PREDICATE_WORDS and name not in segments:
            return name
    return None


#: words after `warn 30m before` that name what it is before (the deadline, already meant)
_BEFORE_WHAT = frozenset({"breach", "breaching", "deadline", "the", "due", "target", "sla", "expiry", "violation",
                          "expiration", "end"})
#: words after a share saying it is of the time left (`warn at 25% remaining`)
_REMAINING = frozenset({"remaining", "left", "remain"})
_ELAPSED = frozenset({"elapsed", "used", "passed", "gone", "spent", "consumed"})
_SHARE = re.compile(r"\s*([\d.]+)\s*(?:%|percent\b)\s*(\w*)")
_TIME = re.compile(r"\s*(\d+\s*(?:m|h|d|min|mins|minutes?|hours?|hrs?|days?)\b)\s*(\w*)")
_RECURRING = frozenset({"recurring", "recurrence", "recur", "repeat", "repeating", "every", "periodic"})


def _level(p: str) -> str:
    """`75%` for the share elapsed when ``p``% remains."""
    return f"{100 - float(p):g}%"


def _remaining(p: str) -> str:
    """What ``p``% remaining is as a warning level, or why it is none (100% remaining or
    more is the start of the cycle or before it)."""
    if float(p) >= 100:
        return (f"{p}% remaining is at or before the start (every cycle would be at risk from it): write a "
                "level between 0% and 100% (25% remaining is `warn at 75%`)")
    return f"{p}% remaining is {code(f'warn at {_level(p)}')}"


def _migrant_hint(tok, value: str, line: str, rest: str, text: str) -> str | None:
    """Hints for spellings brought from Zendesk, Jira Service Management and Salesforce
    (review 20b #7): `pause when P`, `pause on EVENT`, `warn 30m before breach`, a warning
    as time remaining (`warn at 25% remaining`, `warn when 25% remaining`) and `recurring …`.
    ``line``: the line before the token; ``rest``: the line after it."""
    low = value.lower()
    trigger = re.search(r"\b(start|stop|cancel|restart|breach)\s+on\s+\S.*\Z", line)
    if low == "when" and trigger:               # `stop on lead_updated when status == "x"`
        word = trigger.group(1)
        shown = without_comment(rest).strip()
        shown = shown if shown and len(shown) <= 50 else "…"
        whens = (f"; for a condition on the lead's fields, {code(f'{word} when {shown}')} on a line of its own"
                 if word in ("start", "stop", "cancel", "breach") else "")
        return f"a trigger's condition on the event's own properties is written `where`{whens}"
    if low == "unless" and re.search(r"\b(start|stop|cancel)\s*\Z", line):
        word = re.search(r"\b(start|stop|cancel)\s*\Z", line).group(1)
        shown = without_comment(rest).strip()
        shown = shown if shown and len(shown) <= 50 else "…"
        return f"write {code(f'{word} when not ({shown})')}"
    if re.search(r"\bpause\s*\Z", line):
        after = without_comment(rest).strip()
        if low == "when":
            shown = after if after and len(after) <= 50 else "…"
            return f"`pause` takes `while` and a condition: {code(f'pause while {shown}')}"
        if low in ("on", "until", "after", "between", "from"):
            event = re.match(r"[A-Za-z_]\w*", after)
            named = f" (`{event.group(0)}` is an event)" if event and low != "until" else ""
            return ("`pause` reads a condition on the lead, not an event" + named + ": `pause while state == "
                    "on_hold` for a state, or `pause while FIELD == …` on a lead field that the events set (the "
                    "event that starts the wait sets it, the one that ends it clears it)")
    if re.search(r"\bwarn\s+(?:at\s+)?\S+(?:\s+[A-Za-z]+)?\s+before\s*\Z", line) and low in _BEFORE_WHAT:
        head = re.search(r"\bwarn\s+(?:at\s+)?(\S+(?:\s+[A-Za-z]+)?)\s+before\s*\Z", line).group(1)
        return (f"`warn {head} before` already counts back from the deadline (the breach): end the line there, "
                f"`warn {head} before`")
    bare = re.search(r"\bwarn\s+([\d.]+)\s*\Z", line)
    if bare and value == "%":                   # `warn 25% remaining`, `warn 80%`: no `at`
        p = bare.group(1)
        if re.match(r"\s*(remaining|left|remain)\b", rest, re.IGNORECASE):
            return f"a warning level is written `warn at P%`, P the share of the target elapsed: {_remaining(p)}"
        return f"a warning level is written {code(f'warn at {p}%')} (the share of the target elapsed)"
    share = re.search(r"\bwarn\s+(?:at\s+)?([\d.]+)\s*%\s*\Z", line)
    if share and low in _REMAINING:
        p = share.group(1)
        return (f"a warning level is the share of the target already elapsed, not the time left: {_remaining(p)} "
                "(for a time left, `warn 2h before`)")
    if share and low in _ELAPSED:
        return f"`warn at {share.group(1)}%` is already the share of the target elapsed: drop `{value}`"
    duration = re.search(r"\bwarn\s+at\s+(\S+)\s*\Z", line)
    if duration and low in _REMAINING and re.fullmatch(r"\d+[mhd]\w*", duration.group(1)):
        return f"a time before the deadline is written {code(f'warn {duration.group(1)} before')}"
    if low in ("when", "if", "with", "on") and re.search(r"\bwarn\s*\Z", line):
        m = _SHARE.match(rest)
        if m and m.group(2).lower() in _REMAINING:
            return f"a warning is `warn at P%`, P the share of the target already elapsed: {_remaining(m.group(1))}"
        if m:
            return f"write {code(f'warn at {m.group(1)}%')} (the share of the target elapsed)"
        m = _TIME.match(rest)
        if m:
            return f"a time before the deadline is written {code(f'warn {m.group(1)} before')}"
        return ("write `warn at 75%` (the share of the target elapsed: 25% remaining is `warn at 75%`) or "
                "`warn 30m before` (a time before the deadline)")
    escalation = _escalation_hint(tok, low, rest, text)
    if escalation is not None:
        return escalation
    if low in _RECURRING and tok.type == "NAME" and _starts_statement(text, tok.start_pos):
        return ("slacode has no recurring clock: a rule has one cycle open at a time, and the next start after "
                "it closes opens the next (`restart on …` gives a fresh clock at once); for \"an update at least "
                "every 1d\", write an `attempts` rule with `gap at most 1d` (docs/extensions.md)")
    return None


def _escalation_hint(tok, low: str, rest: str, text: str) -> str | None:
    """`escalate to sales_manager`, `escalate`, `on breach escalate …` inside a rule (how
    Zendesk and Jira Service Management write it, review 27b L3): an escalation is a rule of
    its own that starts on this rule's breach (docs/extensions.md, "Escalation on a breach")."""
    if not _starts_statement(text, tok.start_pos):
        return None
    if low in ("escalate", "escalates", "escalation"):
        team = re.match(r"\s*to\s+([A-Za-z_]\w*)", rest)
    elif low in ("on", "when", "if") and re.match(r"\s*breach(ed)?\b.*\bescalat", rest, re.IGNORECASE):
        team = re.search(r"\bescalat\w*\s+to\s+([A-Za-z_]\w*)", rest)
    else:
        return None
    found = _enclosing_declaration(text, tok.start_pos)
    if found is None or found[0] not in ("handoff", "deadline", "attempts"):
        return None
    rule = found[1]
    owner = team.group(1) if team else "TEAM"
    return (f"a rule has no `escalate` clause: an escalation is a rule of its own that starts when this one "
            f"breaches, `deadline escalate_{rule} {{ owner {owner}; start on breach of {rule}; "
            "stop on EVENT; within 1h }` (docs/extensions.md, \"Escalation on a breach\")")


def _enclosing_declaration(text: str, pos: int | None) -> tuple[str, str] | None:
    """``(keyword, name)`` of the declaration whose line is the nearest above ``pos`` (as
    :func:`_enclosing_block` finds it), or None."""
    end = len(text) if pos is None else pos
    while end >= 0:
        start = text.rfind("\n", 0, end) + 1
        m = _DECLARATION.match(text, start, end)
        if m is not None:
            name = re.compile(r"\s+([A-Za-z_]\w*)").match(text, m.end(), end)
            return m.group(1), name.group(1) if name else "RULE"
        end = start - 1
    return None


def hint_for(tok, expected: str, accepts: set, text: str = "") -> str | None:
    value = str(tok.value)
    if value == "/" and tok.start_pos is not None and text.startswith(("//", "/*"), tok.start_pos):
        return "comments start with `#` and run to the end of the line: `# …` (there are no `//` or `/* */` comments)"
    # a trigger after `TYPE where P or` (on this line or one `or` wrapped into it): read as
    # part of P, which runs to the end of the clause (said before "line N ends with `or`":
    # that `or` was meant)
    after_where = _trigger_after_where(tok, value, text)
    if after_where is not None:
        return after_where
    wrapped = _wrapped_from(tok, text)
    if wrapped is not None:
        return wrapped
    if value in ("or", "and") and tok.start_pos is not None and \
            not text[text.rfind("\n", 0, tok.start_pos) + 1:tok.start_pos].strip():
        return (f"a line continues only after `{value}`, not before it: move the `{value}` to the end "
                "of the line above")
    if "a unit" in expected and tok.type not in ("$END", "_NL") and \
            ("PERCENT" not in accepts or value.lower().rstrip("s") in _UNIT_WORDS) and \
            not (value == "%" and tok.start_pos is not None and re.search(     # `warn 25%`: see below
                r"\bwarn\s+[\d.]+\s*\Z", text[text.rfind("\n", 0, tok.start_pos) + 1:tok.start_pos])):
        return _unit_hint(tok, text)        # (after `warn at 80`, `percent` is a `%` spelled out)
    if "a timestamp" in expected and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) and tok.end_pos is not None:
        after = re.match(r"[ \t]+(\d{2}:\d{2}(:\d{2}(\.\d+)?)?)(\S*)", text[tok.end_pos:])
        if after:                               # `2026-11-02 10:00:00Z`: a space for the `T`
            clock = after.group(1) if after.group(2) else after.group(1) + ":00"
            return f"write the date and time joined by `T`, with an offset: `{value}T{clock}{after.group(4) or '±HH:MM'}`"
    # what comes before the token: its statement's last lines are enough, and the patterns
    # below anchored at its end would otherwise scan the whole file for every error
    before = text[max(0, tok.start_pos - _WINDOW):tok.start_pos].rstrip() if tok.start_pos is not None else ""
    rest = text[tok.end_pos:text.find("\n", tok.end_pos) % (len(text) + 1)] if tok.end_pos is not None else ""
    require = _require_hint(value, before[before.rfind("\n") + 1:], rest)
    if require is not None:
        return require
    quota_hint = _quota_line_hint(tok, value, expected, before[before.rfind("\n") + 1:], text)
    if quota_hint is not None:
        return quota_hint
    migrant = _migrant_hint(tok, value, before[before.rfind("\n") + 1:], rest, text)
    if migrant is not None:
        return migrant
    spoken = _pt_es_ro_hint(tok, value, expected, before[before.rfind("\n") + 1:], text)
    if spoken is not None:
        return spoken
    virtual = re.search(r"\b(breach|warning|success)\s+of\s+[A-Za-z_]\w*(\s+clause\s+[A-Za-z_]\w*)?\Z", before)
    if value == "where" and virtual:
        word = virtual.group(1)
        return (f"a {word} has no properties to test: `{word} of RULE` takes no `where` (name the clause "
                f"with `{word} of RULE clause KEY`)")
    breach = _breach_hint(value, before, text[tok.start_pos:tok.start_pos + 80] if tok.start_pos is not None else "")
    if breach is not None:
        return breach
    working = _working_day_hint(tok, value, before[before.rfind("\n") + 1:], text)
    if working is not None:
        return working
    extension = _extension_slip(tok, value, before, text)
    if extension is not None:
        return extension
    line = before[before.rfind("\n") + 1:]
    if re.search(r"\bor\s+`[^`\n]+`\Z", line) and re.search(r"\bwhere\b", line) and \
            (tok.type in ("$END", "_NL") or value in ("or", "}")):
        # `stop on `Email Sent` where channel == "email" or `Call Logged``: a field of the predicate
        return ("a `where` predicate runs to the end of the clause, so a backquoted name after its `or` is a "
                "field there: put this trigger before the one with `where`, or the predicate in parentheses: "
                "`` `Email Sent` where (channel == \"email\") or `Call Logged` ``")
    if re.search(r"\b(enter|leave)\Z", before) and "where" in before[before.rfind("\n") + 1:]:
        return ("a `where` predicate runs to the end of the clause: put this trigger before the one "
                "with `where`, or the predicate in parentheses: `call where (a == 1) or enter mql`")
    if value == "," and "`or`" in expected and re.search(
            r"\b(start on|stop on|cancel on|restart on|breach on|count|before|sum\s+(?:[A-Za-z_]\w*|`[^`\n]*`)\s+of)\b",
            before[before.rfind("\n") + 1:]):
        return "join triggers with `or` (`a or b`, not `a, b`); commas only list the states after `enter` or `leave`"
    if value == "for" and re.match(r"\s*count\b", before[before.rfind("\n") + 1:]) and \
            _enclosing_block(text, tok.start_pos) == "attempts":
        return ("`count … for SEGMENT` belongs to a quota; an attempts rule picks a segment per line: "
                "`at least 6 within 10d for hot`, or counts with `where`")
    if value in _RULE_ONLY_WORDS and _starts_statement(text, tok.start_pos):
        block = _enclosing_block(text, tok.start_pos)
        if block == "quota" and value == "warn":
            return ("a quota has no warnings, and its periods are never `at_risk` (`pending` until decided); "
                    "`warn` is a clause of a `handoff`, `deadline` or `attempts` rule")
        if block in ("target", "quota", "calendar", "agreement"):
            kind = "the agreement block" if block == "agreement" else f"a `{block}`"
            return (f"`{value}` begins a clause of {_RULES_OF.get(value, _ALL_RULES)}, not of "
                    f"{kind}: move it into the rule it is about")
    if value == "by" and _starts_statement(text, tok.start_pos):
        block = _enclosing_block(text, tok.start_pos)
        if block in ("handoff", "deadline", "attempts"):
            article = "an" if block[0] in "aeiou" else "a"
            return (f"`by` groups a `target` or `quota` (`by assignee`, `by region`), not {article} `{block}` "
                    "rule, whose verdicts are per lead and cycle: declare a target with `rule NAME` and "
                    "`by …` to judge this rule per group")
    if value == "once" or re.search(r"\bstart\s+on\s+once\Z", before):        # `once` out of place
        line_start = before[before.rfind("\n") + 1:]
        if value == "once" or line_start.strip().startswith("start"):
            return "`once` comes right after `start`: `start once on assigned`, `start once when score >= 80`"
    if value == "met" and "`%`" in expected:
        return _share_met_hint(tok, before[before.rfind("\n") + 1:], text)
    line_before = before[before.rfind("\n") + 1:]
    if tok.type == "NUMBER" and re.search(r"\d[mhd]\Z", line_before):
        return "write a duration in one form: `1h30m`, or `1 hour 30 minutes`"
    if tok.type == "DURATION" and re.search(r"\d[mhd]\Z", line_before):
        joined = re.search(r"\d+[mhd]\Z", line_before).group(0) + str(tok.value)
        return f"write the parts of a duration together: `{joined}`"
    if tok.type == "NAME" and "a duration" in expected and re.fullmatch(r"\d+\s*\w+", value or ""):
        return "write durations as `30m`, `4h`, `2d` or `30 minutes`"
    if "a duration" in expected and value.startswith("-") and "PERCENT" in accepts | _after_warn(tok, text):
        return "a warning is a share of the target from 0 to 100% (`warn at 75%`) or a time before it (`warn 30m before`)"
    if "a duration" in expected and value.startswith("-"):
        return "a duration is never negative: `4h`"
    if tok.type == "NEG_NUMBER" and "a number" in expected:
        return "a count is never negative: write 0 or more (`at most 0 per day` allows no attempt)"
    if "a duration" in expected and value.lower() in _NUMBER_WORDS:
        n = _NUMBER_WORDS[value.lower()]
        after = text[tok.end_pos:] if tok.end_pos is not None else ""
        unit = re.match(r"\s*(min|minute|hr|hour|day|week|wk)s?\b", after)
        if unit is None:
            return f"write the number in digits, with a unit: `{n}h`, `{n}d` or `{n} hours`"
        word = {"min": "minute", "hr": "hour", "wk": "week"}.get(unit.group(1), unit.group(1))
        if word == "week":
            return f"write weeks as days, in digits: `{7 * n}d`"
        return f"write the number in digits: `{n}{word[0]}` or `{n} {word}{'s' if n != 1 else ''}`"
    if value == "and" and re.search(r"\d\s*(minutes?|hours?|days?|[mhd])\s*\Z", line_before) and \
            re.search(r"\bwithin\b|\bgap\b|\bday\b", line_before):
        return "write the parts of a duration one after the other, without `and`: `1 hour 30 minutes` or `1h30m`"
    if tok.type == "_NL" and "LBRACE" in accepts:
        return "open the block on the same line: put `{` at the end of this line"
    share = "PERCENT" in accepts and accepts <= {"PERCENT", "UNIT_WORD"}     # `warn at 80`: `%` or a unit
    if share and re.fullmatch(r"[eE][+-]?\d*", value) and not line_before.endswith((" ", "\t")):
        return "a percentage is a plain number: `75%`, `12.5%`"
    if share:
        number = re.search(r"(\d+(?:\.\d+)?)\s*\Z", line_before)
        if number and re.search(r"\bwarn\s+at\s+[\d.]+\s*%\s*,[\d.%,\s]*\Z", line_before) and \
                value.lower().rstrip("s") in ("m", "h", "d", "min", "minute", "hr", "hour", "day"):
            return ("the levels listed after `warn at` are shares (`warn at 50%, 80%`); a time before the "
                    f"deadline goes on a line of its own: `warn {number.group(1)}{value.lower()[0]} before`")
        if number and float(number.group(1)) < 1:       # `warn at 0.8`: a fraction, not 0.8%
            return f"write the share as a percentage: `{float(number.group(1)) * 100:g}%`"
        return f"write percentages with `%`: `{number.group(1) if number else 75}%`"
    if tok.type == "NAME" and "a day such as" in expected:
        return _foreign_day_hint(tok, text) or _day_hint(value)
    if value == "-" and "COMPARATOR" in accepts:
        return "names with a dash go in backquotes: `utm-source`"
    if tok.type == "EQUAL" and "COMPARATOR" in accepts:
        following = text[tok.end_pos:tok.end_pos + 1] if tok.end_pos is not None else ""
        if following in ("<", ">"):
            return f"write `{following}=` (`=` comes second)"
        return "compare with `==`"
    if tok.type == "STRING" and "a name" in expected:
        return f"names are written without quotes: `{value[1:-1]}`" if re.fullmatch(r'"[A-Za-z_]\w*"', value) \
            else None
    if tok.type in ("NUMBER", "DURATION", "DATE") and "a string" in expected and "a name" not in expected:
        rest = re.match(r"[^{};#\s]*", text[tok.start_pos:]).group(0) if tok.start_pos is not None else value
        return f'write it in double quotes: "{rest or value}"'                 # `version 2026.11`
    if tok.type == "NUMBER" and "a time of day" in expected and tok.end_pos is not None and \
            re.match(r"\s*[ap]\.?m\b", text[tok.end_pos:], re.I):
        one = _fixed_intervals(tok, line_before, text)
        if one is not None:                         # `9am-5pm`: that range, on a 24-hour clock
            return f"write times of day on a 24-hour clock: `{one[3]}`, not `{one[2]}`"
        return "write times of day on a 24-hour clock: `09:00-18:00`, not `9am-6pm`"
    if tok.type in ("NUMBER", "NEG_NUMBER") and "a time of day" in expected and tok.start_pos is not None:
        hours = re.match(r"(\d{1,2})(?:[:.h](\d{2}))?\s*-\s*(\d{1,2})(?:[:.h](\d{2}))?\b", text[tok.start_pos:])
        if hours and int(hours.group(1)) < 25 and int(hours.group(3)) < 25:      # `9-17`: whole hours
            h1, m1, h2, m2 = hours.groups()
            return f"write times of day as HH:MM: `{int(h1):02d}:{m1 or '00'}-{int(h2):02d}:{m2 or '00'}`"
        start = re.search(r"(\d{1,2}):(\d{2})\s*-\s*\Z", line_before)
        if start and tok.type == "NUMBER" and re.fullmatch(r"\d{1,2}", value) and int(value) < 25:
            return f"write times of day as HH:MM: `{int(start.group(1)):02d}:{start.group(2)}-{int(value):02d}:00`"
    if "a time of day" in expected:
        intervals = _fixed_intervals(tok, line_before, text)
        if intervals is not None:
            return f"write {code(intervals[0])}: {intervals[1]}"
    if tok.type == "STRING" and "`,`" in expected and re.search(r'\bholidays\s+"[^"\n]*"(\s*,\s*"[^"\n]*")*\s*\Z',
                                                                 line_before):
        return f'separate the holiday codes with commas: `{line_before.strip()}, {value}`'
    if tok.type == "NAME" and "`with`" in expected and re.search(r'\bholidays\s+"[^"\n]*"(\s*,\s*"[^"\n]*")*\s*\Z',
                                                               line_before):      # `holidays "BR" optional`
        return f'a holiday category follows `with`: `{line_before.strip()} with {value}`'
    if tok.type == "STRING" and "`,`" in expected and re.search(r'\bholidays\s+"[^"\n]*".*\bwith\b', line_before):
        return f'separate the categories and holiday names with commas: `{line_before.strip()}, {value}`'
    if value == "on" and re.search(r"\b(within|at least|at most)\b.*\bfor\s+[A-Za-z_]\w*\s*\Z", line_before):
        head, segment = re.match(r"(.*?)\s+for\s+([A-Za-z_]\w*)\s*\Z", line_before.strip()).groups()
        calendar = re.match(r"on\s+([A-Za-z_]\w*)", text[tok.start_pos:]) if tok.start_pos is not None else None
        return (f"`on CALENDAR` comes before `for SEGMENT`: `{head} on {calendar.group(1) if calendar else '…'} "
                f"for {segment}`")
    if tok.type == "_NL" and "a unit" in expected and re.search(r"\d\s*\Z", line_before):
        number = re.search(r"(\d+)\s*\Z", line_before).group(1)
        return f"add a unit to the number: `{number}m`, `{number}h` or `{number}d`"
    if value == "-" and tok.type != "_NL" and "`{`" in expected and \
            re.search(r"\b(handoff|deadline|attempts|target|quota|calendar)\s+[A-Za-z_]\w*\Z", line_before.rstrip()):
        name = re.search(r"([A-Za-z_]\w*)\Z", line_before.rstrip()).group(1)
        after = re.match(r"-([A-Za-z_][\w-]*)", text[tok.start_pos:]) if tok.start_pos is not None else None
        joined = f"{name}_{after.group(1).replace('-', '_')}" if after else f"{name}_…"
        return f"names are letters, digits and `_`: `{joined}`"
    if "end of the line" in expected and re.search(r"\bfor\s+[A-Za-z_]\w*\s*\Z", line_before):
        segment = re.search(r"\bfor\s+([A-Za-z_]\w*)\s*\Z", line_before).group(1)
        if value in ("or", "and"):              # `within 4h for ent or smb`
            other = re.match(r"\s*([A-Za-z_]\w*)", text[tok.end_pos:]) if tok.end_pos is not None else None
            joined = f"{segment}_{value}_{other.group(1)}" if other else f"{segment}_{value}_…"
            return (f"`for` names segments that must all hold, joined with `and`; for leads in either, declare "
                    f"one that joins them, `segment {joined} = {segment} {value} "
                    f"{other.group(1) if other else '…'}`, and write `for {joined}`")
        if value == ",":                        # `within 4h for hot, emea`: the extension `for A and B`
            other = re.match(r"\s*([A-Za-z_]\w*)", text[tok.end_pos:]) if tok.end_pos is not None else None
            return (f"join the segments with `and` for leads in all of them: `for {segment} and "
                    f"{other.group(1) if other else '…'}`")
        if tok.type in ("EQUAL", "COMPARATOR") or value in ("==", "!=", "in", "<", ">", "<=", ">="):
            rest = re.match(r"[^\n;}#]*", text[tok.start_pos:]).group(0).strip() if tok.start_pos is not None else ""
            return (f"`for` takes a segment's name: declare `segment NAME = {segment} {rest}` and write "
                    "`for NAME`")
    if value == "for" and "end of the line" in expected and _enclosing_block(text, tok.start_pos) == "target" \
            and re.search(r"\bper\s+\w+\s*\Z", line_before):
        rules = re.findall(r"\brule\s+([A-Za-z_]\w*)", text[text.rfind("{", 0, tok.start_pos):tok.start_pos])
        segment = re.match(r"for\s+([A-Za-z_]\w*)", text[tok.start_pos:])
        return (f"a target's segment goes on its `rule` line: `rule {rules[-1] if rules else 'RULE'} for "
                f"{segment.group(1) if segment else 'SEGMENT'}`")
    if value.lower() in _BUSINESS_WORDS and "`day`" in expected:
        return ("write `per day` (days are counted in the rule's time zone); `only during CALENDAR` "
                "keeps attempts to working time")
    if tok.type == "NAME" and "`set`" in expected and re.search(r"\bat\s+\S+\s+state\s*\Z", line_before):
        return f"a state event is written with `enter` in a test: `at … enter {value}`"
    if tok.type == "NUMBER" and re.search(r"\bset\b.*=\s*-?\d+,\Z", line_before):
        return "write numbers without a thousands separator: `1000` (a decimal takes `.`: `2.5`)"
    if "end of the line" in expected and value in _CLAUSE_WORDS and line_before.strip():
        return f"one clause per line: start `{value}` on a line of its own (or separate the two with `;`)"
    if tok.type == "NAME" and "a string" in expected and "a name" not in expected:
        if re.search(r"\bexpect\b.*\b(period|assignee|group)\s*\Z", line_before):
            rest = value                        # one word: the expectation goes on after it
        else:
            rest = re.match(r"[^{};#\n]*", text[tok.start_pos:]).group(0).strip() if tok.start_pos is not None else value
        return f'write it in double quotes: "{rest or value}"'
    statement = re.split(r"[{;]", line_before)[-1].strip()
    if tok.type == "EQUAL" and "a string" in expected and re.fullmatch(r"[a-z_]+", statement):
        return f'settings take no `=`: write `{statement} "…"`'
    unclosed = re.search(r'"([^"\n]*)"\s*\Z', line_before)
    whole_line = text[text.rfind("\n", 0, tok.start_pos or 0) + 1:].split("\n", 1)[0]
    if unclosed and re.search(r"[{};]|\s(version|timezone|teams|owner)\b", unclosed.group(1)) and \
            len(re.findall(r'(?<!\\)"', whole_line)) % 2:
        col = len(line_before) - len(unclosed.group(0)) + 1
        return (f"the text opened with `\"` at column {col} runs on to the next `\"`: is a closing `\"` "
                "missing?")
    if tok.type == "NAME" and "COMPARATOR" in accepts and value.lower() in _WORD_COMPARISONS:
        return f"compare with {_WORD_COMPARISONS[value.lower()]}"
    return _keyword_hint(value, expected, text) if tok.type == "NAME" else None


def _share_met_hint(tok, line: str, text: str) -> str:
    """`at least 90 met per week`, `at least 0.9 met per week`: the share as the percentage
    meant (a fraction below 1 as its hundredfold), on the line as written."""
    goal = re.search(r"\bat\s+(least|most)\s+(\d+(?:\.\d+)?)\s*\Z", line)
    if goal is None:
        return "write the share as a percentage: `at least 95% met per week`"
    number = float(goal.group(2))
    share = number * 100 if 0 < number < 1 else number
    if share > 100:
        return (f"write the share of cycles met as a percentage from 0% to 100%, such as `at {goal.group(1)} 95% met "
                "per week`")
    rest = re.match(r"[^;{}#\n]*", text[tok.start_pos:]).group(0).strip() if tok.start_pos is not None else "met"
    return f"write the share as a percentage: `at {goal.group(1)} {share:g}% {rest}`"


def sum_without_property(tok, expected: str, text: str) -> tuple[str, str] | None:
    """``(message, hint)`` for `sum of deal` and `sum of amount of deal`: the property to add
    up is missing (the parser took `of` for its name)."""
    if "`of`" not in expected or tok.start_pos is None:
        return None
    line = text[text.rfind("\n", 0, tok.start_pos) + 1:tok.start_pos]
    if not re.fullmatch(r"\s*sum\s+of\s*", line):
        return None
    rest = re.match(r"[^\n;}#]*", text[tok.start_pos:]).group(0).strip()
    named = re.fullmatch(r"([A-Za-z_]\w*)\s+of\s+(.+)", rest)      # `sum of amount of deal`
    written = f"sum {named.group(1)} of {named.group(2)}" if named else f"sum amount of {rest or 'TRIGGER'}"
    return ("`sum` needs the name of the property to add up before `of`: `sum PROP of TRIGGER`",
            f"write `{written}`")


def _quota_line_hint(tok, value: str, expected: str, line_before: str, text: str) -> str | None:
    """Hints for likely mistakes in a quota's `sum PROP of …`, goal and `warn` lines."""
    if ("`behind`" in expected or "`pace`" in expected) and re.search(r"(?:\A|[;{])\s*warn(\s+behind)?\s*\Z",
                                                                      line_before):    # (one-line quotas too)
        return ("in a quota, `warn` is `warn behind pace` (wall-clock time) or `warn behind pace on CAL` (CAL's "
                "working time): a running period is at risk while the amount so far is below the goal times the "
                "share of the period gone; `warn at P%` and `warn D before` are a rule's deadline warnings")
    summing = re.fullmatch(r"\s*sum\s+([A-Za-z_]\w*|`[^`\n]*`)\s*", line_before)
    if summing and "`of`" in expected:
        prop = summing.group(1)
        if value == "-":                        # `sum demo-hours of …`
            after = re.match(r"-[\w-]*", text[tok.start_pos:]) if tok.start_pos is not None else None
            return f"names with a dash go in backquotes: sum `{prop}{after.group(0) if after else '-…'}` of …"
        if value == ".":                        # `sum fields.amount of …`, `sum amount.usd of …`
            return ("`sum` adds up a top-level property of each matching event, beside `type` (`sum amount of "
                    "deal`): a lead's `fields` and nested values cannot be added up; send the amount as a "
                    "number of its own (`\"amount_usd\": 1500`)")
    goal = re.search(r"\bat\s+(least|most)\s+.+\bper\s+(day|week|month|quarter|year)\s*\Z", line_before)
    working = value.lower() in _BUSINESS_WORDS and re.search(r"\bat\s+(least|most)\s+.+\bper\s*\Z", line_before)
    if (value == "on" and goal or working) and _enclosing_block(text, tok.start_pos) in ("quota", "target"):
        return _working_goal_hint(tok, value, goal.group(2) if goal else None, text)
    if value == "%" and re.search(r"\bat\s+(least|most)\s+[\d_.]+\s*\Z", line_before) and \
            _enclosing_block(text, tok.start_pos) == "quota":
        return ("a quota's goal is an amount per period (`at least 20 per day`): a share of cycles met is "
                "the goal of a `target` (`rule RULE` and `at least 95% met per week`)")
    return None


def _working_goal_hint(tok, value: str, period: str | None, text: str) -> str:
    """The hint for a goal's `per day on CAL`, `per week on CAL` or `per business day`: only
    `per working day on CAL` (extension) takes a calendar, and its periods are the calendar's
    working dates."""
    after = re.match(r"[^\n;}#]*", text[tok.start_pos:]).group(0) if tok.start_pos is not None else ""
    named = re.search(r"\bon\s+([A-Za-z_]\w*)", after)
    calendars = re.findall(r"(?m)^[ \t]*calendar[ \t]+([A-Za-z_]\w*)[ \t]*\{", text)
    cal = named.group(1) if named else (calendars[0] if calendars else "CALENDAR")
    fix = f"`per working day on {cal}`"
    if period is None or period == "day":           # `per day on office`, `per business day`
        return (f"for the working dates of a calendar (weekends, holidays and closed dates left out) write {fix}; "
                "`per day` is every calendar date of the agreement's time zone and takes no calendar")
    return (f"only `per working day` takes a calendar ({fix}); `per {period}` is a {period} of the agreement's "
            f"time zone: end the line at `per {period}`")


def _stands_alone(rest: str, text: str) -> bool:
    """Whether what follows a keyword joined to it (`sales` of `ownersales`) reads as a word
    of its own: a duration or number, or a word the text uses elsewhere (a declared name, a
    keyword). `igin` of `origin` is none of those: that was no keyword with a space missing."""
    if re.fullmatch(r"(\d+[mhd])+|\d+", rest):
        return True
    if len(rest) < 2:                       # `met a` for `meta`: a letter is no word of its own
        return False
    code = re.sub(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*', " ", text)    # not in strings or comments
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(rest)}(?![A-Za-z0-9_])", code) is not None


_DANGLING = re.compile(r"(?:\b(or|and|with)|(,)|(->)|(?<![=!<>])(=))[ \t]*(?:#[^\n\"]*)?\Z")


def _trigger_after_where(tok, value: str, text: str) -> str | None:
    """The hint for a trigger written after `TYPE where P or` — `enter STATE`, `leave STATE`,
    `breach of RULE` or `warning of RULE` — which the predicate, running to the end of the clause (LANGUAGE.md
    §6), read as a name of its own (an error at the state, or at `of`)."""
    if tok.start_pos is None or tok.type in ("$END", "_NL"):
        return None
    clause, masked = _clause_before(text, tok.start_pos)
    virtual = re.search(r"\b(breach|warning|success)\Z", masked) if value == "of" else None
    if virtual is not None:
        written = re.match(r"of\s+([A-Za-z_]\w*)(\s+clause\s+[A-Za-z_]\w*)?", text[tok.start_pos:tok.start_pos + 200])
        word = virtual.group(1)
        trigger = f"{word} of {written.group(1)}{written.group(2) or ''}" if written else f"{word} of RULE"
        what = f"`{trigger}`"
    elif re.search(r"\b(enter|leave)\Z", masked):
        trigger, what = "enter mql", "this trigger"
    else:
        return None
    begins = None
    for begins in _TRIGGERS_BEGIN.finditer(masked):
        pass
    if begins is None:
        return None
    where = _WHERE_OR.search(masked, begins.end())
    if where is None:
        return None
    if trigger == "enter mql":
        example = "call where (a == 1) or enter mql"
    else:
        pred = " ".join(clause[where.start(2):where.end(2)].split())
        example = f"{clause[where.start(1):where.end(1)]} where ({pred if len(pred) <= 40 else '…'}) or {trigger}"
    return (f"a `where` predicate runs to the end of the clause: put {what} before the one with `where`, "
            f"or the predicate in parentheses: `{example}`")


#: What a clause's triggers follow: `start on` … `restart on`, an attempts rule's `count`
#: and `at least N before`, a quota's `count` and `sum PROP of` (in masked text: a
#: backquoted name is `_`s).
_TRIGGERS_BEGIN = re.compile(r"\b(?:(?:start|stop|cancel|restart|breach)\s+on|count|before|sum\s+\w+\s+of)\s")
#: `TYPE where P or ` and the trigger's first word, at the end of a clause (masked).
_WHERE_OR = re.compile(r"(?<![\w])(\w+)\s+where\s+(.*?)\s+or\s+(?:enter|leave|breach|warning)\Z", re.S)
_QUOTED = re.compile(r'"(?:[^"\\\n]|\\.)*"|`[^`\n]*`')


def _clause_before(text: str, pos: int) -> tuple[str, str]:
    """The clause the text before ``pos`` ends in, as far as a hint needs it: its line,
    with the lines that ran into it (those ending with `or`, `and`, `,` …, comments out),
    from after the last `;` or `{`; and the same text masked (strings and backquoted names
    as `_`s, so that no `;`, `{` or keyword inside them counts)."""
    end = pos
    start = text.rfind("\n", 0, end) + 1
    lines = [text[start:end]]
    while start > 0 and len(lines) < 20:                # the lines that carried on into it
        above = text.rfind("\n", 0, start - 1) + 1
        line = without_comment(text[above:start - 1])
        if not _DANGLING.search(line):
            break
        lines.insert(0, line)
        start = above
    joined = " ".join(lines)
    masked = _QUOTED.sub(lambda q: "_" * len(q.group(0)), joined)
    cut = max(masked.rfind(";"), masked.rfind("{")) + 1
    return joined[cut:].rstrip(), masked[cut:].rstrip()


_WORKING_LINE = re.compile(r"\bwithin\s+(same|next)\s+working\s+day\b")


def _clock_time(m: re.Match, minute: str | None = None) -> str | None:
    """``by 3pm``, ``after 12:30 pm``, ``by 12``, ``by 15.00``, ``by 15h``: the time on a
    24-hour clock, as HH:MM (``minute``: where the pattern keeps the minutes elsewhere)."""
    hour, half = int(m.group(2)), (m.group(4) or "").lower() if minute is None else ""
    minute = int((m.group(3) if minute is None else minute) or 0)
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return f"{m.group(1)} {hour:02d}:{minute:02d}"


#: Why `by midnight` is dropped: the end of a working day is its close, said without `by`
#: (docs/extensions.md; SLA108 says the same of `by 24:00`).
_BY_MIDNIGHT = ("the end of a working day is its close, which the line says without `by` (midnight on a desk "
                "that closes at 24:00): `24:00` only ends an interval, and `by 00:00` is the midnight that starts "
                "the day (on a night shift, the one during the shift)")


#: Near-miss spellings of a target by the working day: (pattern, replacement, why). The
#: hint applies them all to the line, once one of them covers the token the parser stopped at.
_ON_BEFORE_CUT_OFF = "`on CAL` comes right after `same working day`, before the comma of the cut-off"

_WORKING_FIXES: tuple[tuple[re.Pattern, object, str], ...] = (
    (re.compile(r"\bthe\s+(?=(?:same|next)\s+(?:working\s+day|business[\s-]*day|work[\s-]*day|day)\b)", re.I),
     "", "`same working day` and `next working day` take no `the`"),
    (re.compile(r"\b(same|next)\s+(?:business[\s-]*day|work[\s-]*day|day)\b", re.I),
     lambda m: f"{m.group(1).lower()} working day",
     "the words are `working day` (the calendar named with `on` says which days are working days)"),
    (re.compile(r"\bafter\s+(?:12\s+)?midnight\b", re.I), "after 00:00",
     "times of day are written HH:MM on a 24-hour clock, midnight as `00:00`"),
    (re.compile(r"\s*\bby\s+(?:(?:12\s+)?midnight\b|24(?:\.00|h(?:00)?)?(?![\w:.]))", re.I), "", _BY_MIDNIGHT),
    (re.compile(r"\b(by|after)\s+(?:noon|midday)\b", re.I), lambda m: f"{m.group(1)} 12:00",
     "times of day are written HH:MM on a 24-hour clock"),
    (re.compile(r"\b(by|after)\s+(\d{1,2})(?:[:.](\d\d))?\s*([ap])\.?m\b\.?", re.I),
     lambda m: _clock_time(m) or m.group(0), "times of day are written HH:MM on a 24-hour clock"),
    (re.compile(r"\b(by|after)\s+(\d{1,2})()()(?![\w:.])"), lambda m: _clock_time(m) or m.group(0),
     "times of day are written HH:MM on a 24-hour clock"),
    (re.compile(r"\b(by|after)\s+(\d{1,2})(?:\.(\d\d)|h(\d\d)?)()(?![\w:.])", re.I),
     lambda m: _clock_time(m, minute=m.group(3) or m.group(4)) or m.group(0),
     "times of day are written HH:MM, with a colon"),
    (re.compile(r"\s+(for\s+[A-Za-z_]\w*)\s*(,\s*after\b.*)\Z"), lambda m: f"{m.group(2)} {m.group(1)}",
     "`for SEGMENT` comes last, after the cut-off part"),
    (re.compile(r"\b(next\s+working\s+day)(\s+on\s+[A-Za-z_]\w*)\s+(by\s+\S+)"),
     lambda m: f"{m.group(1)} {m.group(3)}{m.group(2)}", "`by` comes before `on`"),
    # `on CAL` at the end of the line or inside the cut-off: it belongs to `same working day`
    (re.compile(r"\b(same\s+working\s+day)(\s*,\s*after\s+\S+(?:\s+by\s+\S+)?\s+next\s+working\s+day"
                r"(?:\s+by\s+\S+)?)(\s+on\s+[A-Za-z_]\w*)"),
     lambda m: f"{m.group(1)}{m.group(3)}{m.group(2)}", _ON_BEFORE_CUT_OFF),
    (re.compile(r"\b(same\s+working\s+day)(\s*,\s*after\s+\S+)(\s+on\s+[A-Za-z_]\w*)(?=\s+(?:by\s+\S+\s+)?next\b)"),
     lambda m: f"{m.group(1)}{m.group(3)}{m.group(2)}", _ON_BEFORE_CUT_OFF),
)


_HHMM = r"(?:[01]\d|2[0-3]):[0-5]\d"
#: A target by the working day as the grammar reads it (docs/extensions.md), for the hint's
#: line: shown only when it is right.
_A_WORKING_LINE = re.compile(
    rf"(?:at\s+least\s+\d+\s+)?within\s+(?:same\s+working\s+day(?:\s+on\s+[A-Za-z_]\w*)?"
    rf"(?:\s*,\s*after\s+{_HHMM}\s+(?:by\s+{_HHMM}\s+next\s+working\s+day|next\s+working\s+day(?:\s+by\s+{_HHMM})?))?"
    rf"|next\s+working\s+day(?:\s+by\s+{_HHMM})?(?:\s+on\s+[A-Za-z_]\w*)?)(?:\s+for\s+[A-Za-z_]\w*)?")


def _replaced(m: re.Match, replacement) -> str:
    return replacement if isinstance(replacement, str) else replacement(m)


def _target_line(tok, text: str) -> tuple[str, int] | None:
    """The target line the token is in (from `within` or `at least N within` to the end of
    its statement, with the lines that ran into it) and the token's offset in it."""
    if tok.start_pos is None or not text:
        return None
    clause = _clause_before(text, tok.start_pos)[0].strip()
    head = re.search(r"(?:\bat\s+least\s+\d+\s+)?\bwithin\b", clause)
    if head is None:
        return None
    rest = re.match(r"[^;{}#\n]*", text[tok.start_pos:]).group(0).rstrip()
    if tok.type in ("_NL", "$END", "RBRACE"):
        rest = ""
    prefix = clause[head.start():]
    prefix += " " if prefix and rest and tok.start_pos > 0 and text[tok.start_pos - 1] in " \t\n" else ""
    return prefix + rest, len(prefix)


def _fixed_target_line(tok, text: str) -> str | None:
    """The hint for a target by the working day written with a near-miss spelling
    (`business day`, `workday`, `the next working day`, `by noon`, `by 12`, `for hot,
    after 15:00 …`): the line written the right way, when one of the fixes covers the
    token the parser stopped at."""
    found = _target_line(tok, text)
    if found is None:
        return None
    line, at = found
    if not any(m.start() <= at < m.end() and _replaced(m, replacement) != m.group(0)
               for pattern, replacement, _ in _WORKING_FIXES for m in pattern.finditer(line)):
        return None
    fixed, why = line, []
    for pattern, replacement, reason in _WORKING_FIXES:
        new = pattern.sub(replacement, fixed)
        if new != fixed:
            fixed = new
            if reason not in why:
                why.append(reason)
    if fixed == line or not why or not _A_WORKING_LINE.fullmatch(fixed):
        return None                         # (another mistake too: no line to show)
    return f"write {code(fixed)}: " + "; ".join(why)


def _extension_slip(tok, value: str, before: str, text: str) -> str | None:
    """Hints for an extension's line written another way: `due at` an instant rather than a
    field, a quota's `warn behind pace` in a rule, `for A and` left without its second
    segment at the end of a statement (review 30)."""
    if tok.type == "STRING" and re.search(r"\bdue\s+at\Z", before):
        return ("`due at` names the lead field that holds each lead's deadline (`due at follow_up_at`, "
                "sent as an RFC 3339 instant in the lead's `fields`); a fixed instant is no deadline per lead")
    if value == "behind" and re.search(r"(?:\A|[;{\n])\s*warn\s*\Z", before) and \
            _enclosing_block(text, tok.start_pos) in ("handoff", "deadline", "attempts"):
        return ("`warn behind pace` is a quota's warning; a rule warns a share or a time before its deadline: "
                "`warn at 75%` or `warn 30m before`")
    dangling = re.search(r"\bfor\s+(?:[A-Za-z_]\w*\s+and\s+)*[A-Za-z_]\w*\s+and\s*;\s*[A-Za-z_]\w*\Z", before)
    if dangling is not None:
        return ("a line continues after `and`, so `;` does not end it here: the next clause was read as a "
                "segment's name; name the second segment (`for hot and emea`) or remove the `and`")
    return None


def _working_day_hint(tok, value: str, line: str, text: str = "") -> str | None:
    """Hints for a target by the working day (extension) written otherwise: `same day`, a
    cut-off without its comma or without what applies after it, `by` after `on CAL`,
    near-miss spellings (:func:`_fixed_target_line`), a `by` on `same working day`."""
    if value == "day" and re.search(r"\bwithin\s+(same|next)\Z", line):
        return "write `same working day` or `next working day`"
    fixed = _fixed_target_line(tok, text)
    if fixed is not None:
        return fixed
    same_by = _target_line(tok, text) if value == "by" and \
        re.search(r"\bwithin\s+same\s+working\s+day(\s+on\s+[A-Za-z_]\w*)?\Z", line) else None
    if same_by is not None:
        written = same_by[0]
        close = re.sub(r"\s+by\s+\S+", "", written, count=1)
        promised = re.sub(r"\bsame\s+working\s+day\b", "next working day", written, count=1)
        for pattern, replacement, _ in _WORKING_FIXES:
            promised = pattern.sub(replacement, promised)
        return (f"`same working day` is due at the close of the day and takes no `by`: write {code(close)}, "
                f"or {code(promised)} for a time on the next working day")
    if not _WORKING_LINE.search(line):
        return None
    if value == "after":
        return ("a cut-off follows a comma: `within same working day on CAL, after 15:00 next working day`")
    if value == "on" and re.search(r"\bwithin\s+next\s+working\s+day\s*,\s*after\s+\S+\Z", line):
        return ("a cut-off splits the arrival day of `same working day` (`next working day` is due the next "
                "working day whenever the clock starts), and `on CAL` comes before its comma: "
                "`within same working day on CAL, after 15:00 next working day`")
    if value == "by" and re.search(r"\bnext\s+working\s+day\s+on\s+[A-Za-z_]\w*\Z", line):
        return "`by` comes before `on`: `within next working day by 12:00 on CAL`"
    if value == "before" and line.endswith(","):
        return "a cut-off is written `after HH:MM`: `, after 15:00 next working day`"
    if tok.type in ("_NL", "$END", "RBRACE") and re.search(r",\s*after\s+\d\d?:\d\d\Z", line):
        return ("say what a clock that starts after the cut-off gets: `, after 15:00 next working day` or `, after "
                "15:00 by 12:00 next working day`")
    return None


#: A time of day as people write it: `9`, `9:30`, `9.30`, `9h30`, `9h`, `9am`, `9:30 pm`,
#: `noon`, `midday`, `midnight`.
_LOOSE_TIME = r"(?:\d{1,2}(?:[:.h]\d\d|h)?(?:\s*[ap]\.?m\b\.?)?|noon\b|midday\b|midnight\b)"
#: An interval of them, `A-B` (a time range of `hours`, `open` or `only between`).
_LOOSE_INTERVAL = re.compile(rf"(?<![\w:.-])({_LOOSE_TIME})\s*-\s*({_LOOSE_TIME})(?![\w:.])", re.I)


def _loose_time(written: str, end: bool) -> str | None:
    """``written`` (one side of a :data:`_LOOSE_INTERVAL`) as HH:MM on a 24-hour clock, or
    None when it is no time of day: midnight is `00:00` at the start of an interval and
    `24:00` at its end (`12am` too, at the end: `21:00-24:00` for `9pm-12am`)."""
    w = re.sub(r"[\s.]+(?=[ap]|m\b)|\.(?=$)", "", written.strip().lower())
    if w in ("noon", "midday"):
        return "12:00"
    if w == "midnight":
        return "24:00" if end else "00:00"
    m = re.fullmatch(r"(\d{1,2})(?:[:.h](\d\d)|h)?(?:([ap])\.?m\.?)?", w)
    if m is None:
        return None
    hour, minute, half = int(m.group(1)), int(m.group(2) or 0), m.group(3)
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
        if end and hour == 0 and minute == 0:
            hour = 24
    if minute > 59 or hour > 24 or (hour == 24 and (minute or not end)):
        return None
    return f"{hour:02d}:{minute:02d}"


def _fixed_intervals(tok, line_before: str, text: str) -> tuple[str, str, str, str] | None:
    """``(line, why, range, fixed range)``: the time ranges of the line the token is in (`hours mon-fri 9.00-18.00`,
    `hours mon-fri 09:00-midnight`, `open 2026-12-24 9am-1pm`) written as HH:MM, from the
    first range to the end of the line, when one of them covers the token and all of them
    read as times of day; None otherwise."""
    if tok.start_pos is None or tok.type in ("_NL", "$END"):
        return None
    rest = re.match(r"[^;{}#\n]*", text[tok.start_pos:]).group(0).rstrip()
    line = line_before + (" " if line_before and text[tok.start_pos - 1:tok.start_pos] in (" ", "\t") else "") + rest
    at = len(line) - len(rest)
    head = re.search(r"(?:^|[;{])\s*((?:hours|open|only\s+between)\b[^;{]*)\Z", line)
    if head is None:
        return None
    stmt, at = head.group(1), at - head.start(1)
    ranges = list(_LOOSE_INTERVAL.finditer(stmt))
    covering = [r for r in ranges if r.start() <= at < r.end()]
    if not covering:
        return None
    fixed, last, mine = [], 0, ""
    for r in ranges:
        start, end = _loose_time(r.group(1), False), _loose_time(r.group(2), True)
        if start is None or end is None:
            return None
        fixed += [stmt[last:r.start()], f"{start}-{end}"]
        last = r.end()
        mine = f"{start}-{end}" if r is covering[0] else mine
    fixed.append(stmt[last:])
    written = "".join(fixed)
    if written == stmt:
        return None
    why = "times of day are written HH:MM on a 24-hour clock"
    if re.search(r"midnight|12\s*\.?a", stmt, re.I):
        why += "; midnight starts a day as `00:00` and ends one as `24:00`"
    return written, why, covering[0].group(0), mine


def _breach_hint(value: str, before: str, after: str) -> str | None:
    """Hints for `breach of RULE [clause KEY]` and `warning of RULE [clause KEY]`
    (extensions) written otherwise: after `when` or `while` (a condition), as `RULE.CLAUSE`
    (how `expect` and outputs write it), or with `clause` and no key. ``after``: the text
    from the token on."""
    word = re.search(r"\b(when|while)\s+(breach|warning|success)\Z", before)
    if value == "of" and word:
        return (f"`{word.group(2)} of RULE` is a trigger, not a condition: write it after `start on` (or `stop on`, "
                "`cancel on`, `restart on`); `when` and `while` test the lead's fields and state")
    rule = re.search(r"\b(breach|warning|success)\s+of\s+([A-Za-z_]\w*)\Z", before)
    if value == "." and rule:
        key = re.match(r"\.\s*([A-Za-z_]\w*)", after)
        key = key.group(1) if key else "KEY"
        return (f"name the clause with `clause`: `{rule.group(1)} of {rule.group(2)} clause {key}` (`RULE.CLAUSE` "
                "is how `expect` lines and outputs write it)")
    rule = re.search(r"\b(breach|warning|success)\s+of\s+([A-Za-z_]\w*)\s+clause\Z", before)
    if rule and not re.match(r"[A-Za-z_`]", value):
        word = rule.group(1)
        if word in ("warning", "success"):
            plural = "warnings" if word == "warning" else "a success"
            return (f"`clause` names one of `{rule.group(2)}`'s clauses with {plural}: `{word} of {rule.group(2)} "
                    "clause within` (`at_least_within` in an `attempts` rule), or leave `clause` out for its main "
                    "clause")
        return (f"`clause` names one of `{rule.group(2)}`'s clauses: `breach of {rule.group(2)} clause within` "
                "(a clause's key: `within`, `gap`, `first` …), or leave `clause` out for its main clause")
    return None


def without_comment(line: str) -> str:
    """``line`` without its `#` comment (a `#` inside a string is no comment)."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"' and (i == 0 or line[i - 1] != "\\"):
            quoted = not quoted
        elif ch == "#" and not quoted:
            return line[:i].rstrip()
    return line


def _wrapped_from(tok, text: str) -> str | None:
    """``line 6 ends with `or` …`` when the error is on a line that the line above carried
    on into, by ending with `or`, `and`, `,`, `=`, `->` or `with` (lines wrap after those): the
    mistake is often that word, left at the end of the line above."""
    if tok.start_pos is None or not getattr(tok, "line", None) or tok.line < 2 or tok.type in ("_NL", "$END"):
        return None             # (a line that ended too soon is no line that ran on too far)
    n = tok.line - 1                            # the nearest line above with something on it
    end = text.rfind("\n", 0, tok.start_pos)   # (read backwards: not the whole file per error)
    while n >= 1:
        start = text.rfind("\n", 0, end) + 1
        above = text[start:end]
        if above.strip():
            break
        n, end = n - 1, start - 1
    if n < 1:
        return None
    m = _DANGLING.search(without_comment(above.rstrip("\r")))
    if m is None:
        return None
    word = next(g for g in m.groups() if g)
    return (f"line {n} ends with `{word}`, so this line was read as its continuation: remove the `{word}` "
            f"or finish line {n}")


#: Words that begin a clause of a rule, target, quota or calendar.
_CLAUSE_WORDS = frozenset(("owner", "start", "stop", "cancel", "restart", "breach", "pause", "within", "warn",
                           "retarget", "recur", "require", "count", "sum", "gap", "first", "only", "rule", "hours", "holidays",
                           "closed", "timezone", "version", "teams"))

#: Words that begin a clause only a rule has (`owner`, `count` and `at least` begin lines
#: of targets and quotas as well).
_RULE_ONLY_WORDS = frozenset(("start", "stop", "cancel", "restart", "breach", "pause", "within", "warn", "retarget",
                              "require", "gap", "first", "only", "due", "recur"))
_ALL_RULES = "a `handoff`, `deadline` or `attempts` rule"
#: the rules a clause word of _RULE_ONLY_WORDS belongs to, where not all three (LANGUAGE.md §6, §7;
#: `breach on` / `breach when` are SLA306 in an attempts rule)
_RULES_OF = {"breach": "a `handoff` or `deadline` rule", "recur": "a `handoff` or `deadline` rule", "within": "a `handoff` or `deadline` rule",
             "due": "a `handoff` or `deadline` rule",
             "require": "a `handoff` rule", "gap": "an `attempts` rule", "first": "an `attempts` rule",
             "only": "an `attempts` rule"}


_WINDOW = 4096      # characters before a token that its hint looks at

_DECLARATION = re.compile(r"[ \t]*(agreement|calendar|states|flow|segment|handoff|deadline|attempts|target|quota|"
                          r"let|test)\b")


def _after_warn(tok, text: str) -> set:
    """{"PERCENT"} when the token follows `warn at` (where a share or a duration may come)."""
    return {"PERCENT"} if re.search(r"\bwarn\s+at\s*\Z", _line_before(tok, text)) else set()


def _line_before(tok, text: str) -> str:
    """The text of the token's line before it."""
    if tok.start_pos is None:
        return ""
    return text[text.rfind("\n", 0, tok.start_pos) + 1:tok.start_pos]


def _starts_statement(text: str, pos: int | None) -> bool:
    """Whether the token at ``pos`` begins a statement: nothing but blanks before it on its
    line, or a `;` or `{` (a line break and a block's start, §2)."""
    if pos is None:
        return False
    before = text[text.rfind("\n", 0, pos) + 1:pos].rstrip()
    return not before or before.endswith((";", "{"))


def _enclosing_block(text: str, pos: int | None) -> str | None:
    """The keyword of the declaration that the text before ``pos`` ends inside (`attempts`,
    `quota` …): the nearest line above that begins one (read backwards, line by line)."""
    end = len(text) if pos is None else pos
    while end >= 0:
        start = text.rfind("\n", 0, end) + 1
        m = _DECLARATION.match(text, start, end)
        if m is not None:
            return m.group(1)
        end = start - 1
    return None


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30}

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _day_hint(word: str) -> str | None:
    """`monday` → `mon`, `fry` → `fri`, `Mon` → `mon`: days are three lowercase letters."""
    import difflib

    low = word.lower()
    if low in ("weekend", "weekends", "wkd", "wknd"):
        return "write the days of the weekend: `sat-sun`"
    if low in ("weekday", "weekdays", "workday", "workdays", "businessdays", "wkdays"):
        return "write the working days: `mon-fri`"
    if low[:3] in _DAYS and (low == low[:3] or low.startswith(("monday", "tuesday", "wednesday", "thursday",
                                                              "friday", "saturday", "sunday", "tues", "thur"))):
        return f"days are written with their first three letters, lowercase: `{low[:3]}` (`mon-fri`)"
    # a slip keeps the first letter (`fry`, `thr`); a word that changes it is most often a
    # day of another language (`jue`, Thursday in Spanish, is no `tue`): no guess then
    close = [d for d in difflib.get_close_matches(low, _DAYS, n=1, cutoff=0.66) if d[0] == low[:1]]
    return f"did you mean `{close[0]}`? (days: `mon` `tue` `wed` `thu` `fri` `sat` `sun`)" if close else \
        "days are `mon` `tue` `wed` `thu` `fri` `sat` `sun`, or `daily`; a range is `mon-fri`"


_WORD_COMPARISONS = {"is": "`==` (`!=` for not equal)", "equals": "`==`", "eq": "`==`", "ne": "`!=`",
                     "isnt": "`!=`", "lt": "`<`", "gt": "`>`", "le": "`<=`", "ge": "`>=`", "like": "`contains`"}


def _keyword_hint(word: str, expected: str, text: str = "") -> str | None:
    """``did you mean `deadline`?`` for a misspelt keyword (`dealine`, `stpo`, `witihn`):
    the expected words that are close to the one written; ``did you mean `owner sales`?``
    for an expected keyword joined to a word that makes sense after it."""
    import difflib

    words = [w for w in re.findall(r"`([a-z_]+)`", expected) if w != word]
    for w in sorted(words, key=len, reverse=True):
        rest = word[len(w):]
        if word.startswith(w) and rest and _stands_alone(rest, text):
            return f"did you mean `{w} {rest}`? (a keyword is a word of its own)"
    close = difflib.get_close_matches(word.lower(), words, n=2, cutoff=0.7)
    if not close:
        return None
    return "did you mean " + " or ".join(f"`{w}`" for w in close) + "?"


# ------------------------------------------- words and dates written in Portuguese, Spanish, Romanian

def _whole_word(tok, text: str) -> str:
    """The word the token begins, letters of any script (the lexer's names are ASCII, so
    `días` reaches the parser as `d`)."""
    if tok.start_pos is None or not text:
        return str(tok.value)
    m = re.match(r"[^\W\d_]+", text[tok.start_pos:])
    return m.group(0) if m else str(tok.value)


#: Units of a duration in Portuguese, Spanish and Romanian -> the English unit.
_FOREIGN_UNITS = {
    "minuto": "minute", "minutos": "minute", "minut": "minute",
    "hora": "hour", "horas": "hour", "ora": "hour", "oră": "hour", "ore": "hour",
    "dia": "day", "dias": "day", "día": "day", "días": "day", "zi": "day", "zile": "day",
    "semana": "week", "semanas": "week", "săptămână": "week", "săptămâni": "week", "saptamana": "week",
    "saptamani": "week",
    "segundo": "second", "segundos": "second", "secundă": "second", "secunda": "second", "secunde": "second",
}

#: Words after a unit that make it working time (`2 dias úteis`, `2 días hábiles`, `2 zile lucrătoare`).
_FOREIGN_WORKING = frozenset({"úteis", "uteis", "útil", "util", "hábiles", "habiles", "hábil", "habil",
                              "laborables", "laborable", "lucrătoare", "lucratoare", "lucrătoare"})

#: Periods of a goal (after `per`) in Portuguese, Spanish and Romanian -> the English
#: period (None: a year, which no goal has).
_FOREIGN_PERIODS = {
    "dia": "day", "día": "day", "zi": "day", "semana": "week", "săptămână": "week", "saptamana": "week",
    "mes": "month", "mês": "month", "lună": "month", "luna": "month", "trimestre": "quarter",
    "trimestru": "quarter", "ciclo": "cycle", "ciclu": "cycle", "ano": None, "año": None, "an": None,
    "year": None, "yr": None, "annum": None,
}

#: `per` written in Portuguese or Spanish (`por`) or Romanian (`pe`).
_FOREIGN_PER = frozenset({"por", "pe"})

#: Days of the week in Portuguese, Spanish and Romanian (abbreviated and whole) -> the
#: English abbreviation. None of them means one day in one language and another in
#: another (`mar` is Tuesday in Spanish and Romanian alike; Portuguese writes it `ter`).
_FOREIGN_DAYS = {
    # Portuguese
    "seg": "mon", "segunda": "mon", "ter": "tue", "terça": "tue", "terca": "tue", "qua": "wed", "quarta": "wed",
    "qui": "thu", "quinta": "thu", "sex": "fri", "sexta": "fri", "sab": "sat", "sáb": "sat", "sábado": "sat",
    "sabado": "sat", "dom": "sun", "domingo": "sun",
    # Spanish
    "lun": "mon", "lunes": "mon", "mar": "tue", "martes": "tue", "mie": "wed", "mié": "wed", "miércoles": "wed",
    "miercoles": "wed", "jue": "thu", "jueves": "thu", "vie": "fri", "viernes": "fri",
    # Romanian
    "luni": "mon", "marți": "tue", "marţi": "tue", "marti": "tue", "miercuri": "wed", "joi": "thu", "vin": "fri",
    "vineri": "fri", "sam": "sat", "sâm": "sat", "sâmbătă": "sat", "sambata": "sat", "dum": "sun",
    "duminică": "sun", "duminica": "sun",
}

_DAY_WORDS = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
              "sat": "Saturday", "sun": "Sunday"}

#: Words for `holidays` in Portuguese, Spanish and Romanian.
_FOREIGN_KEYWORDS = {"feriados": "holidays", "feriado": "holidays", "festivos": "holidays", "festivo": "holidays",
                     "sărbători": "holidays", "sarbatori": "holidays", "sărbătorile": "holidays"}


def _foreign_unit_hint(tok, number, text: str) -> str | None:
    """`4 horas`, `2 días`, `3 zile`, `2 semanas`: the unit in English, written the way
    the language reads it (``number``: the match of the number before the token)."""
    word = _whole_word(tok, text)
    unit = _FOREIGN_UNITS.get(word.lower())
    if unit is None:
        return None
    n = number.group(0).strip() if number else "1"
    if unit == "week":
        try:
            days = int(n)
        except ValueError:
            days = 1
        return (f"`{word}` are weeks, and durations count days: write `{7 * days}d`, or `{5 * days}d` on a calendar "
                "of working days")
    if unit == "second":
        return f"`{word}` are seconds: durations count minutes, hours and days, the least is `1m`"
    after = text[tok.start_pos + len(word):].split("\n", 1)[0] if tok.start_pos is not None else ""
    working = re.match(r"\s+([^\W\d_]+)", after)
    if working and working.group(1).lower() in _FOREIGN_WORKING:
        calendar = re.search(r"\bon\s+([A-Za-z_]\w*)", after)
        return (f"working time comes from the calendar named with `on`: write `within {n}{unit[0]} on "
                f"{calendar.group(1) if calendar else 'CALENDAR'}` (on a calendar, `h` and `d` count its working "
                "hours and days)")
    spelled = unit if n == "1" else unit + "s"
    return f"`{word}` is `{spelled}`: write `{n}{unit[0]}` or `{n} {spelled}`"


def _period_hint(word: str, expected: str) -> str | None:
    """The hint for a period written in Portuguese, Spanish or Romanian (`mes`, `semana`,
    `lună`), or as a year, where a goal's period was expected."""
    low = word.lower()
    if low not in _FOREIGN_PERIODS:
        return None
    period = _FOREIGN_PERIODS[low]
    if period is None:
        year = "" if low in ("year", "yr", "annum") else f"`{word}` is a year, and "
        return (f"{year}a goal's period is a `day`, `week`, `month` or `quarter`, none of them a year: write the goal "
                "`per quarter` or `per month`")
    if f"`{period}`" not in expected and not (period != "cycle" and "a period" in expected):
        return None
    return f"`{word}` is `{period}`: write `per {period}`"


def _date_hint(tok, text: str) -> str | None:
    """`closed 24/12/2026` (day first), `12/24/2026` (month first), `2026/12/24`: the date as
    YYYY-MM-DD when only one reading is a date, both readings when both are."""
    import datetime as dt

    if tok.start_pos is None:
        return None
    rest = text[tok.start_pos:]
    m = re.match(r"(\d{4})([/.])(\d{1,2})\2(\d{1,2})(?!\d)", rest)
    if m:
        readings = [(int(m.group(1)), int(m.group(3)), int(m.group(4)))]
    else:
        m = re.match(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?!\d)", rest)
        if m is None:
            return None
        a, b, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
        readings = list(dict.fromkeys([(year, b, a), (year, a, b)]))      # day first, then month first
    valid = []
    for y, month, day in readings:
        try:
            valid.append(dt.date(y, month, day).isoformat())
        except ValueError:
            pass
    written = m.group(0)
    if len(valid) == 1:
        return f"dates are written year first, YYYY-MM-DD: `{valid[0]}` for `{written}`"
    if len(valid) == 2:
        return (f"`{written}` is `{valid[0]}` read day first, or `{valid[1]}` read month first: write the one meant "
                "as YYYY-MM-DD")
    return None


def _days_written(spec: str) -> str | None:
    """``lun-vie`` as ``mon-fri``: a day set with its Portuguese, Spanish and Romanian day
    names in English; None when a word of it is no day of any of them."""
    spec = re.sub(r"-feira\b", "", spec, flags=re.I)
    out = []
    for part in re.split(r"([\s,-]+)", spec):
        low = part.lower()
        if not part or re.fullmatch(r"[\s,-]+", part):
            out.append(re.sub(r"\s*,\s*", ", ", part.strip()) if "," in part else part.strip())
        elif low in _DAYS or low == "daily":
            out.append(low)
        elif low in _FOREIGN_DAYS:
            out.append(_FOREIGN_DAYS[low])
        else:
            return None
    return "".join(out)


def _foreign_day_hint(tok, text: str) -> str | None:
    """`hours lun-vie …`, `hours seg-sex …`, `hours mon-vie …`: the days in English (the
    whole day set of the line when every day of it reads, else the one day)."""
    word = _whole_word(tok, text)
    if word.lower() not in _FOREIGN_DAYS:
        return None
    spec = word
    if tok.start_pos is not None:
        line_start = text.rfind("\n", 0, tok.start_pos) + 1
        stmt = re.search(r"\bhours\s+([^\d;{}#\n]*)", text[line_start:text.find("\n", tok.start_pos) % (len(text) + 1)])
        if stmt and line_start + stmt.start(1) <= tok.start_pos < line_start + stmt.end(1):
            spec = stmt.group(1).strip()
    english = _days_written(spec) if spec != word else None
    if english is None or english == spec:
        spec, english = word, _FOREIGN_DAYS[word.lower()]
    days = re.fullmatch(r"([a-z]{3})(?:-([a-z]{3}))?", english)
    said = ""
    if days and days.group(2):
        said = f" ({_DAY_WORDS[days.group(1)]} to {_DAY_WORDS[days.group(2)]})"
    elif days and days.group(1) in _DAY_WORDS:
        said = f" ({_DAY_WORDS[days.group(1)]})"
    return f"days are written in English: `{english}`{said}, not `{spec}`"


def _pt_es_ro_hint(tok, value: str, expected: str, line: str, text: str) -> str | None:
    """Hints for the words and dates that Portuguese, Spanish and Romanian speakers write
    (review 24 UX-3): a goal's period (`per mes`), `por` for `per`, a day-first date
    (`closed 24/12/2026`) and `feriados` for `holidays`. Units (`4 horas`) are in
    :func:`_unit_hint`, days (`lun-vie`) in :func:`_day_hint`. ``line``: the line before
    the token."""
    if "a date such as" in expected and tok.type in ("NUMBER", "NEG_NUMBER", "DURATION"):
        return _date_hint(tok, text)
    word = _whole_word(tok, text) if tok.type == "NAME" else value
    if tok.type == "NAME" and ("a period" in expected or "`cycle`" in expected) and re.search(r"\bper\s*\Z", line):
        after = text[tok.start_pos + len(word):].split("\n", 1)[0] if tok.start_pos is not None else ""
        working = re.match(r"\s+([^\W\d_]+)", after)
        if _FOREIGN_PERIODS.get(word.lower()) == "day" and working and working.group(1).lower() in _FOREIGN_WORKING:
            return _working_goal_hint(tok, value, None, text)         # `per dia útil`
        return _period_hint(word, expected)
    if tok.type == "NAME" and value.lower() in _FOREIGN_PER and "`per`" in expected:
        nxt = re.match(r"\s+([^\W\d_]+)", text[tok.end_pos:]) if tok.end_pos is not None else None
        following = nxt.group(1) if nxt else ""
        period = _FOREIGN_PERIODS.get(following.lower(), following.lower() if following.lower() in
                                      ("day", "week", "month", "quarter", "cycle") else "")
        if period:
            return f"write `per {period}`, not `{value} {following}`"
        return f"`{value}` is `per`: write `per day`, `per week`, `per month` or `per quarter`"
    if tok.type == "NAME" and word.lower() in _FOREIGN_KEYWORDS and \
            f"`{_FOREIGN_KEYWORDS[word.lower()]}`" in expected:
        keyword = _FOREIGN_KEYWORDS[word.lower()]
        rest = re.match(r"[^;{}#\n]*", text[tok.start_pos + len(word):]).group(0).strip() \
            if tok.start_pos is not None else ""
        return f"`{word}` is `{keyword}`: write `{keyword} {rest}`" if rest else f"`{word}` is `{keyword}`"
    return None
