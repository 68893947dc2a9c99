"""SLA6xx: what happened while judging events against the agreement."""
from slacode.codes import define

UNKNOWN_STATE = define("SLA601", "undeclared-state-in-events", "warning", """
    A `state` event moves a lead into a state that the agreement's `states` block does not
    declare.

    ## Why
    The lifecycle is part of the agreement. An event into an unknown state is usually a CRM
    stage that was renamed or added without updating the agreement. slacode does not guess:
    the event changes neither the lead's state nor any trigger (its `fields` still apply), and
    when the agreement has a `flow` block it counts as evidence against the built-in `flow`
    rule, so the problem is visible in the verdicts too. When the state is the same words as a
    declared one written otherwise (`SQL`), or one letter off it (`mqll`, `sqll`), the message
    asks whether that one was meant. Without a `states` block, see [SLA613](SLA613.md).

    ## Avoid
    An agreement with `states { mql; sal; sql }` and an event
    `{"lead": "L1", "at": "2026-11-02T10:00:00Z", "type": "state", "state": "SQL"}`.

    ## Prefer
    Send the declared name (`"state": "sql"`), or declare the new state and its flow lines.
    """)

NUMBER_STRING_COMPARISON = define("SLA602", "number-string-comparison", "warning", """
    A predicate compared a number with a string while evaluating events (for example
    `score >= 80` where the lead's `score` arrived as the text `"85"`), or a number with a
    value that is no number and no text: a list (`[85]`), an object or a boolean, in an
    ordering (`<`, `>=` …), an `==` or an `in [numbers]`.

    ## Why
    Such a comparison is false by the language's rules (and `!=` is false too), so a
    segment or a `where` silently stops matching. slacode reports it once per place in the
    agreement, pointing at the predicate, and names the first lead (in lead order) that had
    such a value there, the value, and how many leads did. A comparison that is never made
    (one that `and` / `or` does not reach, or the `where` of a trigger no open cycle listens
    to) is not reported.

    ## Avoid
    ```sla
    segment hot = score >= 80
    ```
    with events that carry `"fields": {"score": "85"}` (said "held text"), or
    `"fields": {"score": [85]}` (said "held a list"; "an object", "a boolean" alike).

    ## Prefer
    Send numbers as JSON numbers (`"score": 85`); in CSV leave the cell unquoted; or compare
    with a string when the field really is text (`plan == "80"`).
    """)

UNKNOWN_LEAD_ZONE = define("SLA603", "unknown-lead-timezone", "warning", """
    A lead's `timezone` field is not an IANA time-zone name, or is one of the database's
    legacy zones that are no place's zone (`EST`, `EST5EDT`, `CET`), so `only between … in
    lead timezone` (or a calendar with `timezone lead`, an extension) used the agreement's
    zone instead.

    ## Why
    Quiet hours protect people from calls at night in *their* time zone. A misspelt zone
    (`EST5`, `Brasilia`) cannot be used; the verdict's `timezone` key says which zone was
    used so the fallback is visible. The warning names the zone and the lead (with many
    leads, how many and the first three in lead order), and points at the `only between`
    line (or the calendar's `timezone lead` line) that needed it: once per zone value and
    line in a run, so an export whose 10,000 leads share one bad zone gives one warning. The
    fix is in the leads' data, on the events that set their `timezone` field. The hint names
    the zones of places an abbreviation (`CST`) or a legacy zone usually means: `EST` is a
    legacy zone at one offset all year, while `EST5EDT` and `CET` are legacy *rule* zones,
    which follow daylight saving time but are kept by the database for old systems, not as
    the time of any place.

    ## Avoid
    `"fields": {"timezone": "Brasilia"}`

    ## Prefer
    `"fields": {"timezone": "America/Sao_Paulo"}`
    """)

OWNER_NOT_TEXT = define("SLA604", "owner-not-text", "warning", """
    The `owner` of an `assigned` event is a list, an object or a boolean (from the library,
    also a tuple, a set, bytes or any other object that is neither text nor a number), not
    a rep's id.

    ## Why
    A lead's assignee is the `owner` of its latest `assigned` event (LANGUAGE.md §4): it
    labels verdicts and groups `report --by assignee`. A number is a rep's id written
    without quotes and is read as its text (`1234`; from the library, a `Decimal` or numpy
    number too, as the plain number's text); a list or an object names no single
    rep, and a boolean none at all. Such an owner is used as its JSON text
    (`["ana", "bo"]`), so nothing is lost, and reported, because a report grouped by that
    text is most likely not what was meant. Bytes (a payload decoded from msgpack) are
    used as their UTF-8 text (`b"ana"` as `ana`, not `b'ana'`), and reported too: the
    message names the kind the owner is.

    ## Avoid
    `{"lead": "L1", "at": "2026-11-24T09:00:00Z", "type": "assigned", "owner": ["ana", "bo"]}`

    ## Prefer
    `{"lead": "L1", "at": "2026-11-24T09:00:00Z", "type": "assigned", "owner": "ana"}`
    """)

UNREAD_EVENT_TYPE = define("SLA605", "misspelt-event-type", "warning", """
    Events of a type that nothing in the agreement reads, and that looks like a type it
    does read: the same words written otherwise (`Contact Attempt`, `contact-attempt`), or
    one letter off (`contact_atempt`, `asigned`).

    ## Why
    Events of types the agreement does not name are normal (a CRM logs page views and
    notes that no promise is about) and are passed over without a word. But a type that
    is *nearly* one the agreement reads is most likely that event misspelt by an export or
    an integration: the call was made, yet no clock stops and the lead is breached. slacode
    reports it once per type, at the first lead's (in lead order) first such event, with
    the type it probably means and how many leads have one. Types are compared exactly, so
    nothing is guessed: the events still count for nothing.

    The same warning names an input event whose type is the very text of a virtual event the
    agreement reads, `breach of first_touch clause within`, `warning of first_touch clause
    within` or `2nd attempt of follow_up` (extensions): only the rules' own verdicts, cycles
    and attempts make those, so such an input event is an ordinary one that nothing reads.

    ## Avoid
    An agreement with `stop on contact_attempt` and an event
    `{"lead": "L1", "at": "2026-11-02T10:00:00Z", "type": "Contact Attempt"}`.

    ## Prefer
    Fix the type where the events are made (`"type": "contact_attempt"`); if it really is
    another kind of event, leave the warning out with `slacode check --ignore SLA605`.
    """)

ASSIGNED_WITHOUT_OWNER = define("SLA606", "assigned-without-owner", "warning", """
    An `assigned` event names no rep, though it seems meant to: its `owner` is the empty
    text, or missing while another property (`assignee`, `rep`, `owner_id` …) or a lead
    field `owner` holds a value. The lead is unassigned from then on (with an empty `owner`,
    its verdicts show the assignee as `""`; goals `by assignee` and reports count it as
    nobody's). (An `assigned` event
    with a `null` owner, or no `owner` and nothing of the kind, unassigns on purpose and is
    not reported.)

    ## Why
    A lead's assignee is the `owner` property of its latest `assigned` event (LANGUAGE.md
    §4): it labels verdicts, groups `report --by assignee` and ranks the reps. An export
    that writes the rep under another key (`assignee`, `rep`, `owner_id`), or as a lead
    field (`"fields": {"owner": …}`), leaves every lead in `(unassigned)` without a word.
    slacode reports it once per kind of mistake, at the first lead's (in lead order) first
    such event, with the key it found instead and how many leads have one.

    ## Avoid
    `{"lead": "L1", "at": "2026-11-24T09:00:00Z", "type": "assigned", "assignee": "ana"}`

    ## Prefer
    `{"lead": "L1", "at": "2026-11-24T09:00:00Z", "type": "assigned", "owner": "ana"}`
    """)

STOP_BEFORE_START = define("SLA607", "stop-before-start", "warning", """
    An event that would stop a rule's clock comes at the same instant as the event that
    starts it, but before it in the input, so it counted for nothing.

    ## Why
    Events of one instant are taken in the order of the input (LANGUAGE.md §4). A call
    logged in the same second as the assignment, but on the line above it, is read before
    the clock exists: the clock then starts and waits for another call, and the lead may
    be breached for a call that was made. CRMs that write whole seconds make this common.
    slacode judges by the rule, and says so once per rule, at the first lead's (in lead
    order) event, with how many leads had one. When the start is a breach (`start on breach
    of RULE`, an extension), no order of the input changes it: a breach comes after every
    event of its instant (docs/extensions.md, "Escalation on a breach"), and the warning
    says so.

    ## Avoid
    ```
    {"lead": "L1", "at": "2026-11-24T09:00:00Z", "type": "contact_attempt"}
    {"lead": "L1", "at": "2026-11-24T09:00:00Z", "type": "assigned", "owner": "ana"}
    ```

    ## Prefer
    The start first, or times with milliseconds that tell the order:
    ```
    {"lead": "L1", "at": "2026-11-24T09:00:00.000Z", "type": "assigned", "owner": "ana"}
    {"lead": "L1", "at": "2026-11-24T09:00:00.400Z", "type": "contact_attempt"}
    ```
    """)

ATTEMPT_BEFORE_START = define("SLA608", "attempt-before-start", "warning", """
    An event that an `attempts` rule counts comes at the same instant as the event that
    starts the rule's cycle, but before it in the input, so it was not counted.

    ## Why
    A cycle's attempts are the counted events from its start event through its closing
    event (LANGUAGE.md §7), and events of one instant are taken in the order of the input
    (§4). A call logged in the same second as the assignment, but on the line above it, is
    read before the cycle exists: the cycle then misses its first attempt, and `first`,
    `at least N within` or the spacing of attempts may be judged without it. CRMs that
    write whole seconds make this common. slacode judges by the rule, and says so once per
    rule, at the first lead's (in lead order) event, with how many leads had one. When the
    start is a breach (`start on breach of RULE`, an extension) or a warning (`start on
    warning of RULE`), no order of the input changes it: a breach or a warning comes after
    every event of its instant (docs/extensions.md, "Escalation on a breach"), and the
    warning says so.

    ## Avoid
    ```
    {"lead": "L1", "at": "2026-11-24T09:00:00Z", "type": "contact_attempt"}
    {"lead": "L1", "at": "2026-11-24T09:00:00Z", "type": "assigned", "owner": "ana"}
    ```

    ## Prefer
    The start first, or times with milliseconds that tell the order:
    ```
    {"lead": "L1", "at": "2026-11-24T09:00:00.000Z", "type": "assigned", "owner": "ana"}
    {"lead": "L1", "at": "2026-11-24T09:00:00.400Z", "type": "contact_attempt"}
    ```
    """)

BOOLEAN_TEXT_COMPARISON = define("SLA609", "boolean-text-comparison", "warning", """
    A predicate compared a boolean with its spelling as text while evaluating events (for
    example `pause while on_hold == true` where the lead's `on_hold` arrived as the text
    `"true"`, as every CSV cell does).

    ## Why
    Booleans equal neither numbers nor strings (LANGUAGE.md §9), so `on_hold == true` is
    false for the text `"true"` and the clock never pauses: nothing fails, the rule just
    stops doing what it says. CSV cannot carry a boolean (a cell is a number or text), and
    many exports write checkboxes as `TRUE`/`FALSE`. slacode reports it once per place in
    the agreement, pointing at the predicate, and names the first lead (in lead order) that
    had such a value there, the value, and how many leads did. The comparison keeps its
    meaning: the warning only says why it did not match.

    ## Avoid
    ```sla
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      pause while on_hold == true
      within 4h
    }
    ```
    with a CSV export whose `on_hold` column holds `true` or `TRUE`.

    ## Prefer
    Compare with the text the export writes, or send JSON booleans (JSON Lines):
    ```sla
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      pause while on_hold in ["true", "TRUE"]
      within 4h
    }
    ```
    """)

LONG_AGGREGATE_SPAN = define("SLA610", "long-aggregate-span", "warning", """
    The earliest event of the input is more than 20 years before `as_of`, so the targets and
    quotas report every period since: often thousands of `breached` periods that nobody
    meant to judge.

    ## Why
    A quota reports every period from the one holding the earliest input event to the one
    holding `as_of`, and a target from its rule's earliest cycle (LANGUAGE.md §8): an empty
    month is a real shortfall. One event with a placeholder date (`1900-01-01`, a CRM's
    "no date") or a typo in the year, or an `as_of` far in the future, turns that into
    decades of periods. slacode says so once, naming the lead and the line of the earliest
    event and how many periods the longest goal reports. Past 100,000 periods for one goal,
    that goal gives no verdicts and [SLA611](SLA611.md) says so instead.

    ## Avoid
    ```
    {"lead": "L7", "at": "1900-01-01T00:00:00Z", "type": "state", "state": "mql"}
    ```

    ## Prefer
    The event's real date, or leave out events whose date is unknown.
    """)

TOO_MANY_PERIODS = define("SLA611", "too-many-periods", "error", """
    A target or quota would report more than 100,000 periods, from its first event (a
    target: its rule's first cycle) to `as_of`: it gives no verdicts this run.

    ## Why
    A goal reports every period from the one holding its first event to the one holding
    `as_of` (LANGUAGE.md §8). A placeholder date in the data (`1001-01-01`), a typo in a
    year, or an `as_of` centuries ahead (`--as-of 2999-01-01`) would make that hundreds of
    thousands of periods: days of output and more memory than a machine has, none of it
    meant. Past 100,000 periods for one goal (274 years of days), slacode leaves that goal
    out and says so with its first date and `as_of`, one of which is wrong; the other goals
    and every lead's verdicts are still reported, so one bad date does not cost the whole
    run. It is an error: `check --fail-on input` fails on it. Below that many periods,
    [SLA610](SLA610.md) warns about a span of more than 20 years.

    ## Avoid
    ```
    {"lead": "L7", "at": "1001-01-01T00:00:00Z", "type": "meeting_booked"}
    ```
    with a goal per day or per working day, or `--as-of 2999-01-01`.

    ## Prefer
    The event's real date (or leave out events whose date is unknown), and the instant you
    mean as `--as-of` (left out, it is now).
    """)

COPIED_EVENT = define("SLA620", "copied-event", "warning", """
    An event without an `id` is a copy of an earlier event of the same lead and instant
    (the same type, state, properties and fields, values compared exactly, as repeated ids
    are: `true` is not `1`), or one of the two has an `id` and the other none: both were
    evaluated, as two events.

    ## Why
    Events without an `id` cannot be told apart from a copy, so slacode evaluates every
    line it is given (LANGUAGE.md §4; events with an `id` are kept once, the first,
    SLA517). Copies come from exports read together whose date ranges overlap (Monday's
    file and the week's file), or from a webhook retried without an id. Each copy of an
    attempt is counted again: `at most 3 per day` is then breached by calls made once, and
    `at least N within` met too early. slacode says so once, at the first lead's (in lead
    order) copy, naming the event it copies and how many leads have one. Two real events
    can look the same (two calls logged in the same minute by a CRM that writes minutes,
    with nothing else to tell them apart): then nothing is wrong, and this warning can be
    left out with `--ignore SLA620`.

    A webhook log (events with the CRM's ids) read together with the CRM's export of the
    same events (no id column) is the other case: an event without an `id` that has the
    content of an event with one is most likely that event, but only an `id` makes two
    events one (LANGUAGE.md §4, §13), so both are evaluated, and it is said once per run in
    the same way, whichever source comes first. `--fail-on input` fails on it. The pairs
    are one to one: an event with an id stands for one copy without, and a third copy (two
    overlapping exports and the log) is a copy of the first kind.

    ## Avoid
    Reading overlapping exports of events that have no id:
    ```
    $ slacode check desk.sla monday.csv week.csv
    ```
    or a webhook log and an export of the same days, one with ids and one without:
    ```
    $ slacode check desk.sla webhook.jsonl export.csv
    ```

    ## Prefer
    Events with the CRM's own activity id (`--column id="Activity ID"` reads it from a
    CSV column of another name), so that a copy is kept once (SLA517); or exports that do
    not overlap, or one source of the two. When an event without an `id` and one with an
    id are two real events, leave the warning out with `--ignore SLA620`.
    """)

OFF_WORKING_DAYS = define("SLA619", "counted-on-no-working-day", "info", """
    A goal set `per working day on CAL` (extension) left out events (a target: cycles)
    that fell on dates that are not working dates of the calendar: a weekend, a holiday,
    a `closed` date.

    ## Why
    The periods of such a goal are the calendar's working dates only (docs/extensions.md,
    "Goals per working day"). An event on a Saturday belongs to no period, so no verdict
    counts it; slacode says so once per target or quota, with how many it left out and the
    first of them (its lead, the place of the event or the cycle, and its local date), so
    that nothing is dropped silently. Calls made on a Saturday may be worth counting: then
    the goal is not per working day.

    ## Avoid
    A goal per working day over a team that also works weekends, expecting the weekend's
    calls to count.

    ## Prefer
    `per day` when every date counts (weekends are then periods of their own, judged
    against the same goal), or open the date in the calendar (`open 2026-11-14
    09:00-13:00`) when it is a working date after all. The hint writes that line for the
    first date left out, with the hours of its weekday (a holiday, a `closed` date), else
    those of the calendar's longest day: set them to the hours really worked.
    """)

SUM_VALUE_NOT_A_NUMBER = define("SLA615", "sum-value-not-a-number", "warning", """
    An event that a `sum PROP of …` quota matched has no number in PROP (the property is
    missing or null, or holds text, a boolean, a list, an object or a number that is not
    finite): the quota did not add it. Also: an amount in JSON Lines that is a whole number
    beyond 64 bits, which JSON Lines readers read as a float (added, its last digits lost).

    ## Why
    A quota that adds up an amount (extension: `sum amount of opportunity_created`) reads a
    number from each matching event. An event without one adds nothing, and a sum that is
    quietly short is worse than no sum: R$ 50,000 of pipeline sent as the text `"50.000"`
    or left empty would vanish from the quarter. slacode adds what it can, says how many
    events it did not add in the reason of each period's verdict, and gives this warning
    once per quota, property and kind of value, naming the first lead (in lead order), the
    place of its event and how many leads had such an event. Text is not read as a number,
    as in comparisons (LANGUAGE.md §9): `"1500"` and `"1.500,00"` are texts; the hint for
    an amount with a decimal comma gives the number it means (`1500.50` for `"1500,50"`,
    `50000.00` for `"50.000,00"`; `"1,500"` reads two ways and gets none). A CSV cell
    that is a whole JSON number is a number already (§13), unless no float holds it
    (`1e999`: kept as text, and named as such). An amount sent only in `fields` is not the
    event's own property: the message says so. A JSON Lines integer at or past 2^64 (or
    below -2^63) is read as a float, its digits past the 17th lost: it is added, and
    reported, with its file and line (CSV reads integers of any size exactly).

    ## Avoid
    ```
    {"lead": "L7", "at": "2026-11-03T10:00:00Z", "type": "opportunity_created", "amount": "50.000"}
    {"lead": "L8", "at": "2026-11-03T11:00:00Z", "type": "opportunity_created"}
    ```

    ## Prefer
    The amount as a JSON number (without quotes or thousands separators) on every event the
    quota adds up:
    ```
    {"lead": "L7", "at": "2026-11-03T10:00:00Z", "type": "opportunity_created", "amount": 50000}
    ```
    """)

MISSPELT_LEAD_FIELD = define("SLA616", "misspelt-lead-field", "warning", """
    The agreement reads a lead field that a lead never had, while the lead had a field of
    nearly that name: `employes` read by a segment, `employees` set by the events.

    ## Why
    `slacode lint` cannot know which fields your CRM sends, so a misspelt field name in
    the agreement passes it, and every comparison with the field is then false (§9): the
    lead silently gets the wrong line of a deadline, or every handoff is breached for a
    field that no event sets. `slacode check` sees the events: when a lead had a field that
    nothing reads and that is one letter off a field the agreement reads (a letter added, left
    out or changed, or two neighbours swapped, both names of four letters or more), or the
    same words written otherwise (`Employees`, `employee-count`), or has the read name's words
    among more (`lead_score`, `Lead Score` for `score`), and the lead never had the
    field that is read, one of the two names is most likely misspelt. Not when a lead of the
    input had both names (`phone` and `mobile_phone`, `employees` and `employees_range`):
    they are then two fields, and a lead without the one that is read simply lacks it (what
    `require` is there to catch). The read name's words among more also count only when no
    lead of the input had the read field: `lead_score` beside leads with a `score` is a field
    of its own. It is reported once per pair of
    names, at the place the agreement first reads the field, naming the first lead (in lead
    order) and how many leads are alike; a run of the whole input weighs every lead, so
    `explain` of one lead does not say the words-among-more kind. A field that no lead had at all, without such a
    near name, is a note instead ([SLA614](SLA614.md)). Names are compared exactly, so nothing is guessed:
    the verdicts are those of the names as written.

    ## Avoid
    `segment enterprise = employes >= 1000` with events that set
    `"fields": {"employees": 5000}`.

    ## Prefer
    Write the name the events use (`segment enterprise = employees >= 1000`), or fix the
    field where the events are made. If they really are two fields, leave the warning out
    with `slacode check --ignore SLA616`.
    """)


WHERE_PROPERTY_MISPLACED = define("SLA617", "where-property-misplaced", "warning", """
    A `where` of a trigger, a `count`, a `first` or a `seen TYPE where` fact (extension)
    reads an event property that events of that type did not have, while their lead had a field of that name (set by the event or
    an earlier one), or they had a property of nearly that name, and most events it judged in
    those leads lacked it too: the `where` was surely meant to read that, and did not match
    them.

    ## Why
    A `where` reads the event's **own properties**, the keys beside `type` (LANGUAGE.md §4,
    §9), not the lead's `fields`. `stop on lead_updated where status == "Accepted"` with
    events `{"type": "lead_updated", "fields": {"status": "Accepted"}}` reads a property
    `status` that the event does not have: every comparison with a missing property is
    false (`!=` included), so nothing stops and every cycle is breached, while `lint` has
    nothing to say (it cannot know what the events carry). The same happens when the
    agreement and the events spell the property differently (`chanel`, `channel`).
    `slacode check` sees the events: it reports each such `where` read once per run, at the
    place of the agreement, with how many events lacked the property and the first of them
    (for a `first where`, the cycles' first attempts: the events it judges). When most of
    the events the `where` judged in the leads with such an event *did* carry the property
    (two attempts with `"channel": "phone"`, one logged from an app without it, on a lead
    whose acquisition `channel` is a field), the `where` reads what it should, and the few
    without it are [SLA618](SLA618.md), a note, with how many others had it; as many with
    it as without is still this warning.

    ## Avoid
    `stop on lead_updated where status == "Accepted"` when the events set
    `"fields": {"status": "Accepted"}`.

    ## Prefer
    For a condition on the lead's fields, a clause that reads them: `stop when P`, `cancel
    when P` and `start when P`, and a segment (`within 4h for accepted`). Otherwise send
    the value as a property of the event (`{"type": "lead_updated", "status": "Accepted"}`),
    or correct the name. If the events will carry the property later, leave the warning out
    with `slacode check --ignore SLA617`.
    """)


WHERE_PROPERTY_SOMETIMES_MISSING = define("SLA618", "where-property-missing", "info", """
    Events of a type that a `where` reads (of a trigger, a `count`, a `first` or a `seen
    TYPE where` fact) lacked the property it reads (and neither set a
    lead field of that name nor had a property of nearly that name, [SLA617](SLA617.md),
    or most events it judged in those leads had the property):
    for them every comparison on that property is false, `!=` and `not in` included.

    ## Why
    A missing property makes every comparison false (LANGUAGE.md §9), so
    `count contact_attempt where outcome != "connected"` leaves out the calls whose
    `outcome` was never sent, which a reader of the rule takes for "not connected". The
    attempts then vanish from the verdict without a trace. `slacode check` reports it once
    per run and `where` read, with how many events lacked the property and the first of
    them (only events that lack it are counted, so that a run whose events all have it
    pays nothing for the check). A `first where` judges each cycle's first attempt only, so
    for it only those are counted ("first attempts"), not later attempts nor events of a
    counted type that are no attempt. `slacode explain` says so under each event left out. It is information, not a
    warning: leaving such events out is often what was meant (a dialler that logs no
    outcome for a call that never rang).

    ## Avoid
    `count contact_attempt where outcome != "connected"` when some calls carry no
    `outcome` and should count.

    ## Prefer
    Say what a missing property means: `count contact_attempt where not (outcome ==
    "connected")` counts the calls without an `outcome`; `outcome exists and outcome !=
    "connected"` says they do not count. A `where` that reads the property with `exists` or
    `missing`, or under a `not`, says so already and is not reported. Otherwise leave the
    note out with `slacode check --ignore SLA618`.
    """)



DUE_FIELD_UNUSABLE = define("SLA621", "due-field-unusable", "warning", """
    A `due at FIELD` line's lead field held a value that names no instant (not text, no
    offset, not an RFC 3339 timestamp) when a cycle started: the line did not apply, and the
    next line was tried.

    ## Why
    `due at callback_at` (extension, docs/extensions.md) takes a cycle's deadline from a
    lead field, read at the cycle's start. A CRM that writes the booked time without its
    offset (`"2026-11-10T15:00:00"`), as a date alone, or as a number (epoch seconds) gives
    no instant that slacode can trust, so the line does not apply to that lead, as a `for
    SEGMENT` line whose segment does not hold: the next line is tried (`within 4h on br`),
    and with none the cycle is not tracked. A missing field is what the fallback lines are
    for and is not reported; any other value is, once per run, rule and field, naming the
    first lead (in lead order), the value it had and how many leads had such a value.

    ## Avoid
    ```
    {"lead": "L7", "at": "2026-11-10T12:00:00Z", "type": "callback_requested", "fields": {"callback_at": "2026-11-10T15:00:00"}}
    ```

    ## Prefer
    The instant with its offset (or `Z`), as RFC 3339 writes it:
    ```
    {"lead": "L7", "at": "2026-11-10T12:00:00Z", "type": "callback_requested", "fields": {"callback_at": "2026-11-10T15:00:00-03:00"}}
    ```
    """)

DEFAULT_CALENDAR_OTHER_ZONE = define("SLA622", "default-calendar-other-zone", "info", """
    A calendar choice gave its default calendar (the pick without `for`) to a lead whose
    `timezone` field names a zone none of the choice's calendars is in.

    ## Why
    `calendar desk = apac for in_apac, emea for in_emea, amer` (extension) gives a lead in a
    zone nobody listed the default, `amer`, without a word: a lead in `Europe/Lisbon` is then
    held to New York's hours. That may be meant (a desk covers the leads of every other
    zone), but often a zone was forgotten. Reported once per rule and zone in a run, naming
    the first lead (in lead order) and how many leads were served so. A link is the zone it
    links to (a lead in `US/Eastern` is in a calendar's `America/New_York`, and leads in
    `Europe/Belfast` and `Europe/London` are one finding, naming both names), and a choice
    with a `timezone lead` pick is never reported (that calendar is in every zone).

    ## Avoid
    ```sla
    calendar amer {
      timezone "America/New_York"
      hours mon-fri 09:00-18:00
    }

    calendar desk = amer
    ```
    with a lead whose `timezone` is `Europe/Lisbon`.

    ## Prefer
    A calendar for that zone and a segment that picks it, or one calendar in each lead's own
    zone:
    ```sla
    calendar lead_day {
      timezone lead
      hours mon-fri 09:00-18:00
    }
    ```
    """)


READ_TYPE_NEVER_SEEN = define("SLA612", "read-type-never-seen", "warning", """
    The agreement reads an event type that no event of the input has, while the input has
    events of another type the agreement reads that is nearly it: `stop on disposition` in
    one rule, `stop on dispositioned` in another, and only `dispositioned` events.

    ## Why
    A type the events do not have yet is normal (no complaint has come in), and is passed
    over. But two types read by one agreement that are the same word written two ways
    (one letter off, the same words joined otherwise, or one with an ending: `-s`, `-es`,
    `-d`, `-ed`, `-ing`) are most likely one event misspelt in one of the rules: the rule
    that names the type no event has never stops, and the lead is breached although the
    work was done. A rule named like an event type (`deadline disposition`) makes the slip
    easy. It is said once per type, at the trigger that first names it, with the type the
    input has and how many leads have one; only by a run of the whole input (`check`,
    `report`, not `explain` of one lead). An unread type one letter off a read one is
    [SLA605](SLA605.md) instead.

    ## Avoid
    An agreement with `stop on disposition` in one rule and `stop on dispositioned` in
    another, and events `{"lead": "L1", "at": "2026-11-25T09:00:00-03:00", "type": "dispositioned"}`.

    ## Prefer
    One spelling in both rules (`stop on dispositioned`). If the two really are different
    events, leave the warning out with `slacode check --ignore SLA612`.
    """)


UNNAMED_STATE = define("SLA613", "misspelt-state-in-events", "warning", """
    A `state` event enters a state that nothing in an agreement without a `states` block
    names, and that is one letter off (or the same in another case) a state it does name:
    `MQL` or `mqll` where the agreement has `start on enter mql`.

    ## Why
    Without a `states` block every state is known (§11): a lead may enter states that no
    rule is about, and those pass without a word. But a state *nearly* one the agreement
    names (in an `enter` or `leave` trigger, a `flow` line, or a comparison with `state`) is
    most likely that state misspelt by an export: no `enter mql` starts on it, and the lead
    silently gets no verdict at all. It is said once per state, at the first lead's (in lead
    order) first such event, with the state it probably means, where the agreement names
    it, and how many leads have one. States are still matched exactly: nothing is guessed.
    One letter off counts only for a state of four letters or more: `sal`, `pql`, `mql` and
    `sql` are distinct stages of a funnel, not one another misspelt (another case, `SQL`,
    counts at any length). Nor is a state one letter off a named one reported when a lead
    of the input (the same one or another) enters the named state too: the events then
    spell it right, and the other state is one of its own (a lead that enters `sal` and
    then `sql`). Another case of it (`MQL` beside `mql`) is still reported.
    With a `states` block, an undeclared state is [SLA601](SLA601.md), which asks the same.

    ## Avoid
    An agreement with `start on enter mql` and no `states` block, and an event
    `{"lead": "K-5", "at": "2026-11-24T10:00:00-03:00", "type": "state", "state": "mqll"}`.

    ## Prefer
    Fix the state where the events are made (`"state": "mql"`); if it really is another
    state, leave the warning out with `slacode check --ignore SLA613`, or declare the
    states in a `states` block.
    """)


FIELD_NEVER_SET = define("SLA614", "lead-field-never-set", "info", """
    The agreement reads a lead field that no lead of the input ever had, and no lead had a
    field of nearly that name either: `segment hot = score >= 80` with events that set no
    `score`.

    ## Why
    A comparison with a field a lead does not have is false (§9), so the lead silently gets
    the slow line of a deadline, or no segment. A field that *some* leads lack is normal;
    one that *none* has is most likely sent under another name, left in a CSV column that is
    not mapped (`Lead Score` is then a property of the events, not a lead field), or not
    exported at all. A run of the whole input (`check`, `report`) says it once per field, at
    the place that first reads it, naming up to five fields the leads did have. A field of
    nearly that name (one letter off, the same words written otherwise, or the read name's
    words among more: `lead_score`, `Lead Score`) is [SLA616](SLA616.md), a warning, instead.
    A field read only by a segment nothing uses ([SLA217](SLA217.md)) decides no verdict and
    is left out of both. It is a note (`info`), so `--fail-on input` does not count it.

    ## Avoid
    `segment hot = score >= 80` with events whose `fields` never hold `score`, or a CSV
    file whose `Lead Score` column is not mapped to `fields.score`.

    ## Prefer
    Send the field in the events' `fields` (`"fields": {"score": 95}`; in CSV, a column
    `fields.score`, or `--column fields.score="Lead Score"`). If the field is really not sent
    yet, leave the note out with `slacode check --ignore SLA614`.
    """)


LEAD_ZONE_FIELD_ELSEWHERE = define("SLA625", "lead-zone-field-elsewhere", "warning", """
    The agreement reads a lead's time zone (`only between … in lead timezone`, a `timezone
    lead` calendar), no lead of the input had the field `timezone` it reads it from, and
    leads had a field whose name says it holds the zone: `hs_timezone`, `time_zone`,
    `timeZone`, `Time Zone`, `lead_timezone`, `tz`.

    ## Why
    The lead's zone is its lead field `timezone` (docs/events.md; LANGUAGE.md §7), an IANA
    name. A lead without it gets the agreement's zone, silently, since most inputs give only
    some leads a zone. When *no* lead has it while the leads carry the zone under another
    name (HubSpot's `hs_timezone`, an export's `time_zone`), every quiet-hours window and
    every `timezone lead` calendar is read in the agreement's zone: a call at 23:00 in Tokyo
    passes as 14:00 in UTC. A run of the whole input (`check`, `report`) says it once, at the
    first place that reads the zone, naming the field most leads had, its first lead and
    value, and how to send it. `zone` alone is not taken for one (it names a sales territory
    as often), and the field must hold text.

    ## Avoid
    `only between 08:00-21:00 in lead timezone` with events whose fields hold
    `"hs_timezone": "Asia/Tokyo"` and no `timezone`.

    ## Prefer
    Send the zone as the lead field `timezone` (`"fields": {"timezone": "Asia/Tokyo"}`; in a
    CSV file, a column `fields.timezone`, or `--column fields.timezone=HEADER`). If the
    other field is really something else, leave the warning out with
    `slacode check --ignore SLA625`.
    """)

EVENT_TYPES_UNMATCHED = define("SLA626", "event-types-unmatched", "warning", """
    The input had usable events, but none of a type that anything in the agreement starts on.

    ## Why
    A CRM export names its activities in its own words (`Status Change`, `Owner Change`,
    `Call`). Read as they are, every row is a valid event of a type the agreement does not
    read, so nothing starts: `check` prints `0 verdicts` and exits 0, which a CI job takes for
    a clean run. A run of event files, the whole input (`check`, `report`, `evaluate_many` of
    files; not `explain` of one lead, nor `Agreement.evaluate` of a service's events in
    memory) says it once, at the agreement's first start, when no event has a type a start
    can match: a
    rule's `start on` (a `start when` can start on any event, so an agreement with one is
    never said to), the `flow` block and `enter`/`leave` triggers (`state` events, which
    count only when the agreement reads states so), a quota's `count`. The message names the
    types the agreement starts on and the input's most common types with their event
    counts; when rows of another type carry a `state` value (a `state` key or column, read
    as a plain property of that event), it says which type and suggests reading it as
    `state`. It is an input problem: `--fail-on input` fails on it.

    A type map that names a type no event had is [SLA522](SLA522.md).

    ## Avoid
    An agreement that starts on `enter mql` and `assigned`, and a CSV export whose `Activity`
    column says `Status Change` and `Owner Change`, read with
    `--column type=Activity --column state=Status` alone.

    ## Prefer
    Read the CRM's types as the agreement's: `--type-map state="Status Change" --type-map
    assigned="Owner Change"` (`type_map=` in Python; docs/events.md, Event types of another
    system), or name the CRM's types in the agreement in backquotes (`` start on `Owner
    Change` ``; docs/extensions.md, Names in backquotes). If the events are yet to come (a
    new export, an agreement ahead of its data), leave the warning out with
    `slacode check --ignore SLA626`.
    """)

FAR_EVENT = define("SLA627", "far-event", "warning", """
    A lead's earliest event is more than 20 years before `as_of`: most often a mistyped year
    (`1026` for `2026`); the event is still evaluated as written.

    ## Why
    A valid timestamp is an event (LANGUAGE.md §4), so a CRM typo in a year opens a cycle
    ten centuries ago: its verdict is `breached`, by a thousand years of working time, and
    that working time is counted over every year since (each year's calendar is worked out
    for it). It is said once per lead, at its earliest event, by a service's
    `Agreement.evaluate(…, aggregates=False)`, by `explain`, and by `check` and `report` of
    an agreement without targets or quotas. A whole run of an agreement with targets or
    quotas says it once instead, as [SLA610](SLA610.md) (their periods run from such an
    event) or [SLA611](SLA611.md) (too many periods), naming the earliest event of the run.

    ## Avoid
    ```
    {"lead": "L7", "at": "1026-11-18T10:30:00-03:00", "type": "assigned", "owner": "ana"}
    ```
    evaluated as of 2026.

    ## Prefer
    The event's real date (`2026-11-18T10:30:00-03:00`), or leave out events whose date is
    unknown (a placeholder such as `1900-01-01`).
    """)
