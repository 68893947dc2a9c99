"""SLA3xx: semantics and feasibility — values that cannot mean anything, promises that
cannot be kept, lines that can never apply."""
from slacode.codes import define

EMPTY_INTERVAL = define("SLA301", "empty-interval", "error", """
    A time interval starts and ends at the same time (`09:00-09:00`).

    ## Why
    An interval that ends before it starts runs overnight (`22:00-06:00`), and `00:00-24:00`
    is a whole day, so an interval with equal ends is ambiguous: nothing, or a whole day?
    slacode refuses to guess.

    ## Avoid
    ```sla
    calendar support {
      timezone "UTC"
      hours mon-fri 09:00-09:00
    }
    ```

    ## Prefer
    ```sla
    calendar support {
      timezone "UTC"
      hours mon-fri 00:00-24:00
    }
    ```
    """)

OVERLAPPING_HOURS = define("SLA302", "overlapping-hours", "error", """
    Two intervals of a calendar overlap on the same day (including the after-midnight part
    of an overnight interval, which spills into the next day).

    ## Why
    Several `hours` lines for one day add up, so overlapping intervals would count the same
    minutes twice, or hide a typo (`09:00-18:00` and `13:00-22:00` meant as two shifts
    `09:00-13:00`, `13:00-22:00`). Write each minute once.

    ## Avoid
    ```sla
    calendar support {
      timezone "UTC"
      hours mon-fri 09:00-18:00
      hours fri 22:00-06:00
      hours sat 05:00-12:00
    }
    ```

    ## Prefer
    ```sla
    calendar support {
      timezone "UTC"
      hours mon-fri 09:00-18:00
      hours fri 22:00-06:00
      hours sat 06:00-12:00
    }
    ```
    """)

NO_WORKING_TIME = define("SLA303", "no-working-time", "error", """
    A calendar has no regular working hours.

    ## Why
    Deadlines on a calendar count its working time. A calendar without any `hours` line
    (or whose hours are all empty) never opens, so every deadline on it would lie in the
    infinite future, and its `1d` would be zero. `open` dates only add single days.

    ## Avoid
    ```sla
    calendar br_sales {
      timezone "America/Sao_Paulo"
      holidays "BR"
    }
    ```

    ## Prefer
    ```sla
    calendar br_sales {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
      holidays "BR"
    }
    ```
    """)

CLOSED_AND_OPEN = define("SLA304", "closed-and-open", "warning", """
    A date is both `closed` and `open` in the same calendar: the opening wins.

    ## Why
    `open DATE` gives a date special hours that replace its regular ones, and wins over
    weekends, holidays and `closed` (LANGUAGE.md §3, §13), so the date has the special
    hours. Writing both is usually a mistake (an old `closed` line left behind, or an
    opening meant for another date): decide whether the desk works that day.

    ## Avoid
    ```sla
    calendar br_sales {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
      closed 2026-12-24
      open 2026-12-24 09:00-12:00
    }
    ```

    ## Prefer
    ```sla
    calendar br_sales {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
      open 2026-12-24 09:00-12:00
    }
    ```
    """)

INVALID_DAY_LENGTH = define("SLA305", "invalid-day-length", "error", """
    A calendar's `day` length is zero, longer than 24 hours, or given in days (`day 1d`).

    ## Why
    On a calendar, `Nd` means N times its working-day length. A zero-length day makes every
    `d` target zero; a day longer than a day has no meaning; and `day 1d` defines the day
    by itself (it would be read as 24 hours, nights included).

    ## Avoid
    ```sla
    calendar br_sales {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
      day 0h
    }
    ```

    ## Prefer
    ```sla
    calendar br_sales {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
      day 8h
    }
    ```
    """)

MISPLACED_CLAUSE = define("SLA306", "misplaced-clause", "error", """
    A clause is used in a kind of rule it does not belong to: `require` outside a `handoff`,
    an attempts clause (`count`, `at least`, `at most`, `gap`, `first`, `only`) in a
    `handoff` or `deadline`, or `within` in an `attempts` rule.

    ## Why
    Each kind of rule gives its own verdicts: timed rules a `within` (and, for a handoff,
    `require`) verdict; attempts rules one verdict per attempts clause. A clause in the
    wrong kind of rule would never be judged.

    ## Avoid
    ```sla
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h
      require phone
    }
    ```

    ## Prefer
    ```sla
    handoff mql_to_sales {
      owner marketing
      start on enter mql
      stop on assigned
      within 30m
      require phone
    }
    ```
    """)

MISSING_START = define("SLA307", "missing-start", "error", """
    A rule has no `start on` or `start when` clause.

    ## Why
    Cycles open at a start. Without one the rule never opens a cycle and gives no verdicts.

    ## Avoid
    ```sla
    deadline first_touch {
      owner sales
      stop on contact_attempt
      within 4h
    }
    ```

    ## Prefer
    ```sla
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h
    }
    ```
    """)

MISSING_STOP = define("SLA308", "missing-stop", "error", """
    A `handoff` or `deadline` has no `stop on` (or `stop when`) clause.

    ## Why
    The stop is what fulfils the obligation: a timed rule without one can never be met, so
    every lead would end up breached. (An `attempts` rule may go without: its attempts
    fulfil it, and `cancel on` or `restart on` can close its cycles.)

    ## Avoid
    ```sla
    deadline first_touch {
      owner sales
      start on assigned
      within 4h
    }
    ```

    ## Prefer
    ```sla
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h
    }
    ```
    """)

MISSING_WITHIN = define("SLA309", "missing-within", "error", """
    A `handoff` or `deadline` has no `within` line.

    ## Why
    The `within` line is the promise: how long the owner has. Without one there is no
    deadline and no cycle is tracked.

    ## Avoid
    ```sla
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
    }
    ```

    ## Prefer
    ```sla
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h
    }
    ```
    """)

INCOMPLETE_AGGREGATE = define("SLA310", "incomplete-aggregate", "error", """
    A `target` lacks its `rule` or `at least P% met per PERIOD` line, or a `quota` lacks
    its `count` or its goal line (`at least N per PERIOD`, or `at most`).

    ## Why
    A target measures one rule against a share; a quota counts events against a number.
    Without both parts there is nothing to measure.

    ## Avoid
    ```sla
    quota mql_volume {
      owner marketing
      at least 400 per month
    }
    ```

    ## Prefer
    ```sla
    quota mql_volume {
      owner marketing
      count enter mql
      at least 400 per month
    }
    ```
    """)

PERCENT_OUT_OF_RANGE = define("SLA311", "percent-out-of-range", "error", """
    A percentage (`warn at P%`, a target's `at least P% met`) is outside 0–100%.

    ## Why
    A warning after 120% of the time would come after the deadline; a target of 150% can
    never be met. Shares are between 0% and 100%.

    ## Avoid
    ```sla
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h
      warn at 120%
    }
    ```

    ## Prefer
    ```sla
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h
      warn at 75%
    }
    ```
    """)

INVALID_COUNT = define("SLA312", "invalid-count", "error", """
    A count is not a positive whole number (`at least 2.5 within 1d`, `at least 0 before …`,
    `cycle 0`), an `at most … per day` is fractional (`at most 0 per day`, no attempt at
    all, is allowed), or a quota's amount is negative or fractional (a `let` expression can
    make it so; a count written with a minus sign is a syntax error, SLA101).

    ## Why
    Attempts, events and cycles are counted in whole numbers. A fractional or zero count
    either cannot be reached or promises nothing. Round computed quota amounts with
    `ceil(…)` or `floor(…)`.

    ## Avoid
    ```sla
    attempts follow_up {
      owner sales
      start on assigned
      stop on enter sql
      at least 2.5 within 2d
    }
    ```

    ## Prefer
    ```sla
    attempts follow_up {
      owner sales
      start on assigned
      stop on enter sql
      at least 3 within 2d
    }
    ```
    """)

DIVISION_BY_ZERO = define("SLA313", "division-by-zero", "error", """
    An expression divides by zero.

    ## Why
    A goal computed from constants (`let win_rate = 0`, `deals / win_rate`) has no value
    when a divisor is zero; usually a constant was left at a placeholder value.

    ## Avoid
    ```sla
    let deals = 12
    let win_rate = 0

    quota mql_volume {
      owner marketing
      count enter mql
      at least ceil(deals / win_rate) per month
    }
    ```

    ## Prefer
    ```sla
    let deals = 12
    let win_rate = 0.25

    quota mql_volume {
      owner marketing
      count enter mql
      at least ceil(deals / win_rate) per month
    }
    ```
    """)

CIRCULAR_DEFINITION = define("SLA314", "circular-definition", "error", """
    Constants (`let`) or segments are defined in terms of each other, in a circle.

    ## Why
    `let a = b + 1` with `let b = a * 2` has no value, and `segment x = y` with
    `segment y = x` has no meaning: evaluating either would never end.

    ## Avoid
    ```sla
    segment hot = warm and score >= 90
    segment warm = hot or score >= 60
    ```

    ## Prefer
    ```sla
    segment warm = score >= 60
    segment hot = warm and score >= 90
    ```
    """)

FINAL_STATE_EXIT = define("SLA315", "final-state-exit", "error", """
    A `flow` line leaves a state that is declared `final`.

    ## Why
    `final` marks states a lead does not leave (customer, disqualified); the built-in
    `flow` rule is `met` once a lead reaches one. A transition out of it contradicts the
    declaration: either the state is not final or the transition is not allowed.

    ## Avoid
    ```sla
    states {
      mql
      nurture
      disqualified final
    }

    flow {
      mql -> nurture, disqualified
      nurture -> mql
      disqualified -> nurture
    }
    ```

    ## Prefer
    ```sla
    states {
      mql
      nurture
      disqualified final
    }

    flow {
      mql -> nurture, disqualified
      nurture -> mql, disqualified
    }
    ```
    """)

TEST_WITHOUT_AS_OF = define("SLA316", "test-without-as-of", "error", """
    A `test` block has no `as of` line.

    ## Why
    Verdicts depend on the moment they are judged (a cycle is `pending` until its deadline
    passes). Tests are replayed years later in CI, so each one says when it is judged;
    slacode never uses the clock for it.

    ## Avoid
    ```sla
    test "first touch in time" {
      lead "a"
      at 2026-11-02T10:00:00-03:00 assigned
      expect first_touch pending
    }
    ```

    ## Prefer
    ```sla
    test "first touch in time" {
      as of 2026-11-02T11:00:00-03:00
      lead "a"
      at 2026-11-02T10:00:00-03:00 assigned
      expect first_touch pending
    }
    ```
    """)

STATE_NOT_IN_FLOW = define("SLA317", "state-not-in-flow", "warning", """
    A declared state appears in no `flow` line.

    ## Why
    With a `flow` block, every transition not listed is a breach of the built-in `flow`
    rule. A state in no line can be neither entered nor left legally, except as a lead's
    first state. Usually a line was forgotten.

    ## Avoid
    ```sla
    states {
      mql
      sql
      on_hold
      disqualified final
    }

    flow {
      mql -> sql, disqualified
      sql -> disqualified
    }
    ```

    ## Prefer
    ```sla
    states {
      mql
      sql
      on_hold
      disqualified final
    }

    flow {
      mql -> sql, on_hold, disqualified
      on_hold -> sql, disqualified
      sql -> disqualified
    }
    ```
    """)

DEAD_END_STATE = define("SLA318", "dead-end-state", "warning", """
    A state that is not `final` has no way out in the `flow` block.

    ## Why
    A lead that reaches it can never move on legally, and the `flow` rule stays `pending`
    for it forever. Either mark the state `final` or add its transitions.

    ## Avoid
    ```sla
    states {
      mql
      sql
      disqualified final
    }

    flow {
      mql -> sql, disqualified
    }
    ```

    ## Prefer
    ```sla
    states {
      mql
      sql final
      disqualified final
    }

    flow {
      mql -> sql, disqualified
    }
    ```
    """)

NO_DEFAULT_TARGET = define("SLA319", "no-default-target", "warning", """
    Every `within` (or `at least … within`) line of a rule has `for SEGMENT`; there is no
    default line.

    ## Why
    The target is chosen when a cycle starts: the first `for` line whose segment holds,
    else the line without `for`. A lead in none of the segments gets no cycle at all and is
    silently untracked. Add a default line, unless the segments cover every lead by design
    or leaving the others untracked is the point (a next-reply clock only for leads answered
    before: then suppress the warning on that line with `# slacode: ignore[SLA319]`).
    The same holds for a calendar choice (`calendar desk = apac for in_apac, emea for
    in_emea`, an extension) whose every pick has `for`: a line `on desk` does not track a lead
    in none of them.

    ## Avoid
    ```sla
    segment hot = score >= 80

    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 15m for hot
    }
    ```

    ## Prefer
    ```sla
    segment hot = score >= 80

    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 15m for hot
      within 4h
    }
    ```
    """)

UNREACHABLE_LINE = define("SLA320", "unreachable-line", "warning", """
    A `for SEGMENT` line can never apply: it repeats an earlier line's segment, its segment
    can never hold, or every lead in its segment is also in the segment of an earlier line.
    The same for the picks of a calendar choice (an extension), and a second pick without
    `for`. A line `for A and B` (an extension) is judged on the conjunction: it never applies
    when `A` and `B` can never both hold, or after a line `for A` (or `for B and A`). The same
    for a target's `rule RULE for …` and a quota's `count … for …` or `sum … for …`: when its
    segment (or conjunction) can never hold, the goal never counts a cycle or an event (a
    target with nothing to count, an `at least` quota always breached).

    ## Why
    The `for` lines are tried in order and the first whose segment holds wins. With
    `within 4h for hot` before `within 15m for hot_us` (where `hot_us = hot and …`), a hot
    US lead always matches the first line, so the 15-minute promise is never applied. Put
    the narrower segment first.

    ## Avoid
    ```sla
    segment hot = score >= 80
    segment hot_us = hot and country == "US"

    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 1h for hot
      within 15m for hot_us
      within 4h
    }
    ```

    ## Prefer
    ```sla
    segment hot = score >= 80
    segment hot_us = hot and country == "US"

    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 15m for hot_us
      within 1h for hot
      within 4h
    }
    ```
    """)

ZERO_DURATION = define("SLA321", "zero-duration", "warning", """
    A target, gap or warning share is zero (`within 0m`, `gap at least 0m`, `warn at 0%`), or
    a warning comes as early as the start (`warn 30m before` with `within 15m`, or `warn 10h
    before` with `within same working day on office` on 9-hour days).

    ## Why
    A zero target is due at its start, so every cycle not stopped by the very start event
    is breached; a zero gap allows everything; a warning at 0% (or with at least the whole
    target left) makes every open cycle `at_risk` from its start, so the status no longer
    tells anything. All are usually placeholders or slips.

    A target by the working day (`within same working day on CAL …`, `within next working
    day …`) differs from cycle to cycle; lint compares `warn D before` with the longest
    target the line can give on the calendar's hours: the longest working day for `same
    working day`; for its late form, also the most working time after the cut-off plus
    the next day's hours up to the `by` time or the close; for `next working day`, the
    longest working day plus the next day's hours up to the `by` time or the close; one
    more working day on a calendar with both night shifts and day shifts, where a lead in on
    a night shift's morning can find the `by` time behind it. (A day the clocks go back on is an hour longer than its hours say.) To warn ahead on such a
    line, a share (`warn at 75%`) follows each cycle's own target.

    ## Avoid
    ```sla
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 0m
    }
    ```

    ## Prefer
    ```sla
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h
    }
    ```
    """)

START_IS_STOP = define("SLA322", "start-is-stop", "warning", """
    The same trigger both starts and stops a rule.

    ## Why
    An event is applied as a stop before it is applied as a start, so each occurrence
    closes the open cycle and opens the next one: every cycle measures the time between two
    such events, and the first occurrence only opens. That is rarely what was meant; the
    stop is usually a different event (the first attempt after an assignment, not the next
    assignment). When it is meant, it is a periodic update (Zendesk's, Salesforce's
    recurring milestone): `start on contact_attempt` / `stop on contact_attempt` / `within
    2d` judges every interval between two touches, one verdict each, which `gap at most 2d`
    (one verdict per cycle, breached by the first long silence) does not. Keep it then, with
    `# slacode: ignore[SLA322]`. `restart on` is not the same: the cycle it replaces is
    cancelled, not judged.

    ## Avoid
    ```sla
    deadline first_touch {
      owner sales
      start on assigned
      stop on assigned or contact_attempt
      within 4h
    }
    ```

    ## Prefer
    ```sla
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      restart on assigned
      within 4h
    }
    ```
    """)

IMPOSSIBLE_ATTEMPTS = define("SLA323", "impossible-attempts", "warning", """
    An `at least N within T` promise cannot be kept without breaking another clause of the
    same rule (`at most M per day`, `at most M per cycle`, `gap at least G`), or an
    `at least N per day within T` cannot be kept with `at most M per day` (M < N) or with
    `at most M per cycle` (fewer than N for each day of T), or a `gap at most B` (on
    wall-clock time) is shorter than a `gap at least A` of the same rule.

    ## Why
    N attempts cannot be made when `at most M per cycle` allows fewer (M < N); N attempts
    a day cannot be made when a date allows M < N.
    N attempts at no more than M per local date need ceil(N/M) dates, and N attempts at
    least G apart need (N - 1) × G of time. When the window the deadline allows cannot hold
    that, every lead that is not stopped early breaches one clause or the other. slacode
    warns only when this is certain: on wall-clock time, or on a calendar when `only during`
    keeps the attempts inside its working hours (then each date offers at most its working
    hours).

    ## Avoid
    ```sla
    attempts follow_up {
      owner sales
      start on assigned
      stop on enter sql
      at least 6 within 1d
      at most 2 per day
    }
    ```

    ## Prefer
    ```sla
    attempts follow_up {
      owner sales
      start on assigned
      stop on enter sql
      at least 6 within 3d
      at most 2 per day
    }
    ```
    """)

DAY_WITHOUT_CALENDAR = define("SLA324", "day-without-calendar", "info", """
    A duration in days is used without a calendar, so `1d` means 24 hours.

    ## Why
    On a calendar, `2d` is two working days (18 working hours on `mon-fri 09:00-18:00`).
    Without `on CAL` the clock is wall-clock time and `2d` is 48 hours, weekends and nights
    included. That may be intended; this note makes sure it is.

    ## Avoid
    ```sla
    deadline disposition {
      owner sales
      start on assigned
      stop on enter sql
      within 2d
    }
    ```

    ## Prefer
    ```sla
    calendar br_sales {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
    }

    deadline disposition {
      owner sales
      start on assigned
      stop on enter sql
      within 2d on br_sales
    }
    ```
    """)

TYPE_NAMED_LIKE_STATE = define("SLA325", "event-type-is-a-state", "warning", """
    A trigger names an event type that is also a declared state (`start on mql`): it fires
    on events whose `type` is `mql`, not when a lead enters the state `mql`.

    ## Why
    A lead enters a state through a `state` event (`{"type": "state", "state": "mql"}`), which
    `enter mql` matches. A bare name in a trigger is an event type, so `start on mql` waits
    for events of type `mql`, which CRMs rarely send: the rule would never start, and
    nothing else would say so. Most often `enter` was forgotten.

    ## Avoid
    ```sla
    states {
      mql
      sal
    }

    handoff routing {
      owner marketing
      start on mql
      stop on assigned
      within 30m
    }
    ```

    ## Prefer
    ```sla
    states {
      mql
      sal
    }

    handoff routing {
      owner marketing
      start on enter mql
      stop on assigned
      within 30m
    }
    ```
    """)

WHERE_READS_LEAD_FIELD = define("SLA326", "where-reads-lead-field", "info", """
    A `where` (of a trigger, or `first where` of an attempts rule) names a lead field of this
    agreement (used in a segment, `start when`, `pause while` or `require`, or set in a
    test): in `where`, names are the event's own properties, so it reads the event's property
    of that name, not the lead's field. The same for the property a quota adds up
    (`sum PROP of …`, an extension): it is the event's own.

    ## Why
    `start on assigned where score >= 80` reads the `score` property of the `assigned`
    event, which CRMs seldom send: the lead's `score` field is not looked at, so the trigger
    never fires and nothing says why. Lead fields are judged by segments, in `for` lines and
    targets, and by `start when` and `pause while`. It is information, not a warning: some
    CRMs do send the same value both ways (a `team` field on the lead and a `team` property
    on its `assigned` event), and then the `where` is right. It is left out when a test
    gives an event a property of that name.

    ## Avoid
    ```sla
    agreement "a" {
      teams sales
    }

    segment hot = score >= 80

    deadline hot_touch {
      owner sales
      start on assigned where score >= 80
      stop on contact_attempt
      within 15m for hot
      within 4h
    }
    ```

    ## Prefer
    ```sla
    agreement "a" {
      teams sales
    }

    segment hot = score >= 80

    deadline hot_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 15m for hot
    }
    ```
    """)

NUMBER_AS_TEXT_ORDER = define("SLA327", "number-as-text-order", "warning", """
    An order comparison (`<`, `<=`, `>`, `>=`) with a number written in quotes: `score >=
    "80"` compares text, letter by letter, so `"9"` is after `"80"` and `"100"` before it.

    ## Why
    Text is ordered like words in a dictionary. A score or an amount the CRM sends as a
    number is never equal to, or ordered against, a text (such comparisons are false and
    reported while evaluating), and one it sends as text is ordered letter by letter. Either
    way `score >= "80"` does not mean "at least 80". Write the number without quotes.

    ## Avoid
    ```sla
    agreement "a" {
      teams sales
    }

    segment hot = score >= "80"
    ```

    ## Prefer
    ```sla
    agreement "a" {
      teams sales
    }

    segment hot = score >= 80
    ```
    """)

TEST_EVENT_MISREAD = define("SLA328", "test-event-misread", "warning", """
    A test's event line cannot give the event it seems to (the test fails, saying so): `with` sets one of the event's
    own keys (`lead`, `at`, `type`, `fields`), the `lead` line names an empty lead, a bare
    `state` event names no state, one line sets the same key twice, or `events from` names
    no file or has a block line that cannot be used (a delimiter that cannot be one, a
    column named twice or a header read twice, `delimiter` or `column` for a file whose name
    is not `.csv`).

    ## Why
    `with` gives an event its properties (`channel`, `outcome`, `owner` …); the lead, the
    instant and the type come from the test's `lead` line and the event line itself, and
    lead fields from `set`. `with at = "…"` would move the event and `with type = "…"`
    change what it is, so the test would not judge the event it shows. A key given twice
    keeps only one of its values. An `events from` block reads the file as the command
    line's CSV options do: a JSON Lines file has no cells to separate, and a column is read
    from one header under one name.

    ## Avoid
    ```sla
    test "called late" {
      as of 2026-11-02T12:00:00-03:00
      lead "a"
      at 2026-11-02T10:00:00-03:00 assigned with at = "2026-11-02T11:30:00-03:00"
      at 2026-11-02T11:00:00-03:00 contact_attempt set score = 90, score = 10
    }
    ```

    ## Prefer
    ```sla
    test "called late" {
      as of 2026-11-02T12:00:00-03:00
      lead "a"
      at 2026-11-02T11:30:00-03:00 assigned
      at 2026-11-02T11:00:00-03:00 contact_attempt set score = 90
    }
    ```
    """)

TEST_EVENT_AFTER_AS_OF = define("SLA329", "test-event-after-as-of", "warning", """
    A test's event is later than the test's `as of`, so it is not evaluated (§4: events
    after `as_of` are left out).

    ## Why
    The verdicts of a test are judged as of its `as of`: an event after it cannot count,
    and the test would pass or fail as if the line were not there. It is usually a typo in
    the date or the `as of` line.

    ## Avoid
    ```sla
    test "called the next day" {
      as of 2026-11-02T12:00:00-03:00
      lead "a"
      at 2026-11-02T10:00:00-03:00 assigned
      at 2026-11-03T09:30:00-03:00 contact_attempt
    }
    ```

    ## Prefer
    ```sla
    test "called the next day" {
      as of 2026-11-03T12:00:00-03:00
      lead "a"
      at 2026-11-02T10:00:00-03:00 assigned
      at 2026-11-03T09:30:00-03:00 contact_attempt
    }
    ```
    """)

EXPECT_NEVER_MATCHES = define("SLA330", "expectation-never-matches", "warning", """
    An `expect` line names a verdict that cannot exist: a `period` for a rule judged per
    lead and cycle (a `deadline`, `handoff`, `attempts` or `flow`), a `cycle` for a target
    or quota (judged per period) or for `flow` (one verdict per lead), a period that is not
    one of the rule's (`"2026-13"`, a day for a weekly target), a `due` for a clause without
    a deadline (only `within`, `at least … within`, `at least … per day within` and `gap at
    most` have one), an `assignee` for a goal without `by assignee`, a `group` for anything but
    a goal with `by FIELD`, no clause for an `attempts` rule without `at least … within` (the
    clause such an `expect` names), a cycle after the first of a rule that starts once and
    has no `restart on` (it opens one cycle per lead), or a status a target or quota never
    has: `paused` and `cancelled`, and `at_risk` but for a quota with `warn behind pace` and
    an `at least` goal.

    ## Why
    Lead rules give one verdict per lead, clause and cycle; targets and quotas one per
    period, labelled `2026-11-24` (day), `2026-W48` (week), `2026-11` (month) or `2026-Q4`
    (quarter). An expectation that can match no verdict always fails, whatever the
    agreement does.

    ## Avoid
    ```sla
    quota volume {
      owner sales
      count assigned
      at least 1 per week
    }

    test "volume" {
      as of 2026-11-24T12:00:00-03:00
      lead "a"
      at 2026-11-24T09:00:00-03:00 assigned
      expect volume period "2026-11-24" cycle 1 met
    }
    ```

    ## Prefer
    ```sla
    quota volume {
      owner sales
      count assigned
      at least 1 per week
    }

    test "volume" {
      as of 2026-11-24T12:00:00-03:00
      lead "a"
      at 2026-11-24T09:00:00-03:00 assigned
      expect volume period "2026-W48" met
    }
    ```
    """)

STATE_COMPARED_WRONGLY = define("SLA331", "state-compared-wrongly", "warning", """
    `state` is compared with an order (`state > mql`) or with a number or boolean
    (`state == 3`): states are names without an order, so the first compares the names
    letter by letter, and the second is never true (`!=`: always true).

    ## Why
    A lead's `state` is the name of its latest state (§9): it is compared with state names,
    `state == on_hold`, `state in [mql, sal]`. `state > mql` does not mean "later in the
    funnel than `mql`": `sal` happens to come after `mql` in the alphabet, `disqualified`
    does not. To say "past `mql`", list the states.

    ## Avoid
    ```sla
    agreement "a" {
      teams sales
    }

    states {
      mql
      sal
      won final
    }

    segment advanced = state > mql
    ```

    ## Prefer
    ```sla
    agreement "a" {
      teams sales
    }

    states {
      mql
      sal
      won final
    }

    segment advanced = state in [sal, won]
    ```
    """)

TEST_WITHOUT_EXPECT = define("SLA332", "test-without-expectation", "warning", """
    A `test` block has no `expect` line, so it passes whatever the agreement does.

    ## Why
    A test checks verdicts: without an expectation there is nothing to compare, and the
    block reports a pass that proves nothing. It is usually unfinished.

    ## Avoid
    ```sla
    test "first touch in time" {
      as of 2026-11-02T11:00:00-03:00
      lead "a"
      at 2026-11-02T10:00:00-03:00 assigned
    }
    ```

    ## Prefer
    ```sla
    test "first touch in time" {
      as of 2026-11-02T11:00:00-03:00
      lead "a"
      at 2026-11-02T10:00:00-03:00 assigned
      expect first_touch pending
    }
    ```
    """)

TRIGGER_NEVER_TAKES_EFFECT = define("SLA333", "trigger-never-takes-effect", "warning", """
    A `breach`, `cancel` or `restart` trigger never takes effect: every event it matches
    also matches a trigger applied before it.

    ## Why
    An event is applied as a `stop`, then a `breach` (`breach on`, an extension), then a
    `cancel`, then a `restart` (LANGUAGE.md §6): the first that matches closes the cycle,
    and the later ones find nothing open. A `cancel on call where outcome ==
    "wrong_number"` next to a `stop on call` is never used: every such call is a `call`, so
    it stops the cycle first, and wrong numbers count as kept promises. Likewise a `cancel
    on enter disqualified` beside a `breach on enter disqualified` cancels nothing (the
    breach comes first), and a `breach on` that a `stop on` covers breaches nothing. The
    same holds for the conditions (extensions): a `breach when` or `cancel when` whose
    condition holds only when a `stop when` (or, for `cancel when`, a `breach when`) holds
    too never closes a cycle itself.

    ## Avoid
    ```sla
    deadline first_touch {
      owner sales
      start on assigned
      stop on call
      cancel on call where outcome == "wrong_number"
      within 4h
    }
    ```

    ## Prefer
    ```sla
    deadline first_touch {
      owner sales
      start on assigned
      stop on call where outcome != "wrong_number"
      cancel on call where outcome == "wrong_number"
      within 4h
    }
    ```
    """)

SETTING_WITHOUT_EFFECT = define("SLA334", "setting-without-effect", "warning", """
    A setting that cannot change any verdict where it stands.

    ## Why
    Three settings only act through something else in their rule:

    - `warn at` and `pause while` in an `attempts` rule concern its `at least … within`
      deadline (LANGUAGE.md §7): they move it and make open cycles `at_risk` (a pause also
      lengthens the days of `at least N per day within D`, an extension). The other clauses
      (`at most N per day`, `gap`, `first`, `only during`, `only between`, `at least N
      before`) have no deadline, so without those lines the setting changes nothing.
    - `Nth attempt of RULE` (an extension) is an event another rule can start, stop, cancel
      or restart on; in a `count` line, in `at least N before`, in a quota or in RULE's own
      lines it matches nothing.
    - `retarget when segment changes` (an extension) chooses an open cycle's target line
      again when the lead's fields change; a rule with one `within` (`at least … within`)
      line has nothing to choose between (unless that line is on a calendar choice of two
      calendars or more, which picks again, or on a calendar in the lead's zone, `timezone
      lead`, whose deadline moves when the lead's `timezone` field changes).

    A reader who trusts the setting is misled: remove it, or add what it acts on.

    ## Avoid
    ```sla
    attempts cadence {
      owner sales
      start on assigned
      stop on enter sql
      warn at 80%
      at most 3 per day
    }

    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h
      retarget when segment changes
    }
    ```

    ## Prefer
    ```sla
    attempts cadence {
      owner sales
      start on assigned
      stop on enter sql
      warn at 80%
      at least 6 within 10d
      at most 3 per day
    }

    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 1h for hot
      within 4h
      retarget when segment changes
    }
    ```
    """)

ATTEMPTS_WITHOUT_CLAUSES = define("SLA335", "attempts-without-clauses", "warning", """
    An `attempts` rule has no clause to judge, so it gives no verdicts.

    ## Why
    Each verdict of an `attempts` rule comes from one of its clauses: `at least … within`,
    `at least … before`, `at most … per day`, `gap at least`, `first where`, `only during`,
    `only between` (LANGUAGE.md §7). A rule with cycles but none of these is checked by
    nobody: every lead looks compliant because nothing is reported about it. A rule that
    another rule's `start on`, `stop on`, `cancel on` or `restart on` names in `Nth attempt
    of` is a counter, and is left alone.

    ## Avoid
    ```sla
    attempts cadence {
      owner sales
      start on assigned
      stop on enter sql
    }
    ```

    ## Prefer
    ```sla
    attempts cadence {
      owner sales
      start on assigned
      stop on enter sql
      at least 6 within 10d
    }
    ```
    """)

CONSTANT_PAUSE = define("SLA336", "constant-pause", "warning", """
    A `pause while` predicate always holds, or never does.

    ## Why
    The clock does not run while the pause predicate holds (LANGUAGE.md §6). One that always
    holds (`pause while true`, or a segment that is `true`) stops every clock for good: no
    deadline ever passes, so no cycle is breached for lateness or at risk, and open ones stay
    `paused` (clauses without a deadline, such as `require` or `gap`, are judged as before). One that never holds
    (`false`, `score > 5 and score < 3`) pauses nothing. Either way the line does not say
    what it seems to.

    ## Avoid
    ```sla
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      pause while true
      within 4h
    }
    ```

    ## Prefer
    ```sla
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      pause while on_hold == true
      within 4h
    }
    ```
    """)

TEST_VALUE_TYPE = define("SLA337", "test-value-type", "warning", """
    A test gives a field or a property a value of the other type than the agreement compares
    it with: `set score = "90"` where a segment says `score >= 80`, or `with zip = 1310`
    where a `where` says `zip == "01310"`.

    ## Why
    A number never equals a string, nor is ordered against one (LANGUAGE.md §9): with the
    value in quotes, `score >= 80` is false for the test's lead, and the test judges a lead
    the agreement never meant. CRMs send what they send; a test should send the same, so
    the value is most likely mistyped. (The evaluation then warns with SLA602 as well.)

    ## Avoid
    ```sla
    agreement "tests" { version "1"; timezone "UTC"; teams sales }
    segment hot = score >= 80
    deadline first_touch {
      owner sales
      start on assigned
      stop on call
      within 1h for hot
      within 4h
    }
    test "a hot lead" {
      as of 2026-11-24T18:00:00Z
      at 2026-11-24T09:00:00Z assigned set score = "90"
      at 2026-11-24T09:30:00Z call
      expect first_touch met
    }
    ```

    ## Prefer
    ```sla
    agreement "tests" { version "1"; timezone "UTC"; teams sales }
    segment hot = score >= 80
    deadline first_touch {
      owner sales
      start on assigned
      stop on call
      within 1h for hot
      within 4h
    }
    test "a hot lead" {
      as of 2026-11-24T18:00:00Z
      at 2026-11-24T09:00:00Z assigned set score = 90
      at 2026-11-24T09:30:00Z call
      expect first_touch met
    }
    ```
    """)


ASSIGNEE_AS_FIELD = define("SLA338", "assignee-as-field", "warning", """
    A segment, `start when` or `pause while` tests `assignee` (or `assigned_to`), which there
    is the lead field of that name, not the rep the lead is assigned to.

    ## Why
    Those predicates read the lead's **fields** (LANGUAGE.md §9): what events set with
    `fields`. The rep is the `owner` property of the latest `assigned` event (§4), which
    verdicts report as `assignee` but which is no field: unless your events also set a field
    `assignee`, `assignee == "ana"` is false for every lead, and the segment, start or pause
    silently never applies. To act on the rep, test the `assigned` event's own property in a
    trigger (`start on assigned where owner == "ana"`); to keep a field of that name, write
    it in backquotes, which says it is meant.

    ## Avoid
    ```sla
    agreement "reps" { version "1"; timezone "UTC"; teams sales }
    segment anas_leads = assignee == "ana"
    deadline first_touch {
      owner sales
      start on assigned
      stop on call
      within 1h for anas_leads
      within 4h
    }
    ```

    ## Prefer
    ```sla
    agreement "reps" { version "1"; timezone "UTC"; teams sales }
    segment anas_leads = `assignee` == "ana"
    deadline first_touch {
      owner sales
      start on assigned
      stop on call
      within 1h for anas_leads
      within 4h
    }
    ```
    """)

MISSPELT_EVENT_TYPE = define("SLA339", "misspelt-trigger-type", "warning", """
    An event type in a trigger or a test event is nearly, but not exactly, a type that the
    language reads (`state`, `assigned`; `contact_attempt` when an `attempts` rule counts it
    by default) or that another line of the agreement names: the same words written
    otherwise (`Contact_Attempt`), or one letter off (`asigned`, `contact_atempt`). A type
    named only once and one letter off `contact_attempt`, the default attempt type, is
    reported even without an `attempts` rule (`stop on contact_atempt`). It also
    reports `start on once`, a start on events of type `once`, where `start once on …` (an
    extension: one cycle per lead) was most likely meant.

    It also reports a type in backquotes (an extension) that is the text of a trigger of its
    own, `` start on `breach of first_touch` ``: it matches input events of that type, never
    the rule's breach, warning or Nth attempt.

    ## Why
    Event types are matched exactly. A rule that starts on `asigned` never starts (no CRM
    sends that type), and a rule that stops on `contact_atempt` never stops: every lead is
    breached, and nothing else says why. A test event with the misspelt type passes the
    misspelling on to the test, which then fails for a reason that is hard to see. When two
    lines name close types, the one named less often is reported.

    ## Avoid
    ```sla
    agreement "typo" { version "1"; timezone "UTC"; teams sales }
    deadline first_touch {
      owner sales
      start on asigned
      stop on contact_attempt
      within 4h
    }
    ```

    ## Prefer
    ```sla
    agreement "typo" { version "1"; timezone "UTC"; teams sales }
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h
    }
    ```
    If the two types really are different events, keep both and silence the line with
    `# slacode: ignore[SLA339]`.
    """)

START_ONCE_MIXED = define("SLA340", "start-once-mixed", "error", """
    A rule has several `start on` lines and only some of them say `once`.

    ## Why
    `start once` (an extension) is a property of the rule, not of one trigger: the rule
    opens one cycle per lead, whatever starts it. When one `start on` line says `once` and
    another does not, the agreement does not say whether a later start of the second kind
    opens a new cycle.

    ## Avoid
    ```sla
    agreement "mixed" { version "1"; timezone "UTC"; teams sales }
    deadline first_touch {
      owner sales
      start once on assigned
      start on enter mql
      stop on contact_attempt
      within 4h
    }
    ```

    ## Prefer
    ```sla
    agreement "mixed" { version "1"; timezone "UTC"; teams sales }
    deadline first_touch {
      owner sales
      start once on assigned
      start once on enter mql
      stop on contact_attempt
      within 4h
    }
    ```
    or `start on assigned or enter mql` on one line, with or without `once`.
    """)

GROUP_BY_SEVERAL = define("SLA341", "group-by-several-keys", "error", """
    A target or quota says `by` with more than one key (`by region, assignee`).

    ## Why
    `by assignee` makes a goal one per rep and `by FIELD` (an extension) one per value of a
    lead field. A goal is grouped by one key: slacode does not cross two keys into one
    verdict per pair (each pair would hold a handful of cycles, too few to judge a share,
    and every period would list the product of both keys' values). Rather than guess which
    key was meant, it refuses the line.

    ## Avoid
    ```sla
    agreement "regions" { version "1"; timezone "UTC"; teams sales }
    quota calls {
      owner sales
      count contact_attempt
      by region, assignee
      at least 40 per day
    }
    ```

    ## Prefer
    One goal per key, each with one `by`:
    ```sla
    agreement "regions" { version "1"; timezone "UTC"; teams sales }
    quota calls_per_region {
      owner sales
      count contact_attempt
      by region
      at least 40 per day
    }
    quota calls_per_rep {
      owner sales
      count contact_attempt
      by assignee
      at least 40 per day
    }
    ```
    or a goal `for` a segment of one region, grouped by rep. When the events carry a field
    that combines both (`region_rep`), `by region_rep` groups by it.
    """)

GROUP_BY_STATE = define("SLA342", "group-by-state-keyword", "error", """
    A target or quota says `by state`: the word `state` is the lead's lifecycle state, which
    a goal cannot be grouped by.

    ## Why
    `by FIELD` (an extension) groups a goal by a lead **field**. Elsewhere in the language
    the bare word `state` is the lifecycle state (`state == on_hold`), and a CRM field of
    that name is written in backquotes (LANGUAGE.md §2). `by state` could mean either: a goal
    per lifecycle state (which slacode does not do: a cycle or event is counted once, at
    one moment, while the state moves) or a goal per value of a field called `state` (a
    Brazilian state, say). Rather than guess, slacode refuses the line.

    ## Avoid
    ```sla
    agreement "states" { version "1"; timezone "UTC"; teams sales }
    quota calls_per_state {
      owner sales
      count contact_attempt
      by state
      at least 40 per day
    }
    ```

    ## Prefer
    The field, in backquotes:
    ```sla
    agreement "states" { version "1"; timezone "UTC"; teams sales }
    quota calls_per_state {
      owner sales
      count contact_attempt
      by `state`
      at least 40 per day
    }
    ```
    or, for the lifecycle, one goal per state with a `count enter STATE` line each.
    """)


GROUP_BY_NOT_A_FIELD = define("SLA343", "group-by-not-a-lead-field", "warning", """
    A target or quota says `by NAME` where `NAME` is a segment of the agreement, or `owner`:
    `by` groups by a lead **field** of that name, which is likely not what was meant.

    ## Why
    `by FIELD` (an extension) makes one goal per value of a lead field. A segment is not a
    field: `by hot` with a segment `hot` groups by a field called `hot`, which no event
    sets, so every lead lands in the one group `(no hot)`. `owner` is the property of an
    `assigned` event that names the rep, not a lead field: the goal per rep is `by
    assignee`. Write the name in backquotes when a lead field really has that name.

    ## Avoid
    ```sla
    agreement "seg" { version "1"; timezone "UTC"; teams sales }
    segment hot = score >= 80
    deadline first_touch { owner sales; start on assigned; stop on contact_attempt; within 1h }
    target hot_touch {
      owner sales
      rule first_touch
      by hot
      at least 90% met per week
    }
    ```

    ## Prefer
    The segment's leads alone, on the `rule` line:
    ```sla
    agreement "seg" { version "1"; timezone "UTC"; teams sales }
    segment hot = score >= 80
    deadline first_touch { owner sales; start on assigned; stop on contact_attempt; within 1h }
    target hot_touch {
      owner sales
      rule first_touch for hot
      at least 90% met per week
    }
    ```
    """)


DUPLICATE_WARN_LEVEL = define("SLA344", "duplicate-warn-level", "warning", """
    A rule gives the same warning level twice (`warn at 80%` on two lines, or `warn at 80%,
    80%`, or `warn 30m before` twice).

    ## Why
    A rule may have several warning levels (an extension): each is a moment at which an open
    cycle has used that share of its target, or has that little time left. Two equal levels
    are one moment: the second adds nothing to the verdict's `warnings` or to `slacode due`,
    and is likely a typo for another level.

    ## Avoid
    ```sla
    agreement "levels" { version "1"; timezone "UTC"; teams sales }
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h
      warn at 50%, 50%
    }
    ```

    ## Prefer
    ```sla
    agreement "levels" { version "1"; timezone "UTC"; teams sales }
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h
      warn at 50%, 80%
    }
    ```
    """)


BREACH_LOOP = define("SLA345", "breach-loop", "error", """
    A `breach of RULE` (or `warning of RULE`, `success of RULE`) trigger makes a rule wait
    for its own breach (or warning, or success): the rule names its own breach, warning or
    success, or the rules it names wait, through their own `breach of`, `warning of`,
    `success of` or `Nth attempt of` triggers, for it.

    ## Why
    `breach of RULE` (an extension) is the instant a cycle of RULE breached: it is known
    only once RULE's verdicts are; `warning of RULE` is the instant a cycle reached its
    warning, known only once RULE's cycles are, and `success of RULE` the instant a cycle
    was met, known only once RULE's verdicts are. A rule started, stopped, cancelled or
    restarted by its own breach (or warning), or counting it (`count`, `at least N before`),
    directly or through other rules (`a` on the breach of `b`, `b` on the warning of `a`; or
    `b` on the `2nd attempt of a` where `a` counts the breach of `b`), would change the very
    cycles that give the breach: there is no one answer. A rule waits for another when it
    names its breach or warning in any trigger list, or its `Nth attempt of` in its start,
    stop, cancel or restart. The message says what of its own the rule waits for (its
    breach, its warning, its `2nd attempt`) and through which rules; the hint, what to
    write instead: act on it in a rule of its own, one the first does not wait for (below).

    One case is no loop: an `attempts` rule's `at least N before` may name the rule's own
    warning (`at least 1 before warning of follow_up` in `follow_up`: an attempt before the
    warning), or the breach of one of its own clauses that is no `at least N before`. That
    trigger decides the `at least N before` verdict alone, and neither the warning nor
    those clauses' breaches depend on it (they come from the start, the target line, the
    attempts, the pauses and the close). The breach of its own `at least N before` stays a
    loop, as does its own warning or breach in its `count`, start, stop, cancel or restart.

    ## Avoid
    ```sla
    agreement "loop" { version "1"; timezone "UTC"; teams sales }
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      restart on breach of first_touch
      within 4h
    }
    ```

    ## Prefer
    ```sla
    agreement "loop" { version "1"; timezone "UTC"; teams sales, sales_mgmt }
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h
    }
    deadline manager_reassign {
      owner sales_mgmt
      start on breach of first_touch
      stop on assigned
      within 1h
    }
    ```
    """)


WARNING_OF_CLAUSE_WITHOUT_WARNING = define("SLA346", "warning-of-clause-without-warning", "error", """
    A `warning of RULE clause KEY` trigger names a clause that has no warning: only a rule's
    target lines (`within`, or `at least … within` in an `attempts` rule) warn.

    ## Why
    `warning of RULE` (an extension) is the instant a cycle of RULE reached its warning:
    the `warn` lines (`warn at 80%`, `warn 30m before`) are a share of the target of its
    `within` (or `at least … within`) line, or a time before that deadline. The other
    clauses (`require`, `gap`, `first`, `at most … per day` …) have no target to warn
    before: they are kept or broken, and `breach of RULE clause KEY` is the moment one is
    broken. The hint offers `warning of RULE` only when RULE has a `warn` line (without one
    it never warns, SLA347): else it says to add one.

    ## Avoid
    ```sla
    agreement "warn" { version "1"; timezone "UTC"; teams sales, sales_mgmt }
    attempts follow_up {
      owner sales
      start on assigned
      stop on won
      at least 3 within 2d
      gap at least 2h
      warn at 80%
    }
    deadline coach {
      owner sales_mgmt
      start on warning of follow_up clause gap
      stop on coached
      within 1h
    }
    ```

    ## Prefer
    ```sla
    agreement "warn" { version "1"; timezone "UTC"; teams sales, sales_mgmt }
    attempts follow_up {
      owner sales
      start on assigned
      stop on won
      at least 3 within 2d
      gap at least 2h
      warn at 80%
    }
    deadline coach {
      owner sales_mgmt
      start on warning of follow_up
      stop on coached
      within 1h
    }
    ```
    """)


WARNING_NEVER_FIRES = define("SLA347", "warning-never-fires", "warning", """
    A `warning of RULE` trigger names a rule that has no `warn` line: its cycles never
    reach a warning, so the trigger never happens.

    ## Why
    `warning of RULE` (an extension) is the instant a cycle of RULE reached its earliest
    warning level (`warn at 80%`, `warn 30m before`): the instant its verdicts' `warn_at`
    names. Without a `warn` line RULE has no such instant, and the rule waiting for it never
    starts (or never stops, or never counts anything).

    ## Avoid
    ```sla
    agreement "warn" { version "1"; timezone "UTC"; teams sales, sales_mgmt }
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h
    }
    deadline heads_up {
      owner sales_mgmt
      start on warning of first_touch
      stop on contact_attempt
      within 30m
    }
    ```

    ## Prefer
    ```sla
    agreement "warn" { version "1"; timezone "UTC"; teams sales, sales_mgmt }
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h
      warn at 75%
    }
    deadline heads_up {
      owner sales_mgmt
      start on warning of first_touch
      stop on contact_attempt
      within 30m
    }
    ```
    """)


GOAL_TOO_LARGE = define("SLA348", "goal-too-large", "error", """
    A quota's goal, worked out from `let` constants, is a number of more digits than
    slacode writes in a verdict (4,300, the most Python turns into text).

    ## Why
    A verdict's `threshold` is the goal, written with every digit, and its reason says
    it. A number that long is no amount of events or money any promise means: it comes from
    constants multiplied by each other by mistake. (A number written in the agreement is at
    most 999,999,999,999,999, SLA108; only an expression can be larger.)

    ## Avoid
    ```sla
    agreement "huge" { version "1"; timezone "UTC"; teams marketing }
    let a = 999_999_999_999_999
    let b = a * a * a * a * a
    let c = b * b * b * b * b
    let d = c * c * c * c * c
    let e = d * d * d
    quota mql_volume {
      owner marketing
      count enter mql
      at least e per month
    }
    ```

    ## Prefer
    ```sla
    agreement "huge" { version "1"; timezone "UTC"; teams marketing }
    let per_rep = 40
    let reps = 10
    quota mql_volume {
      owner marketing
      count enter mql
      at least per_rep * reps per month
    }
    ```
    """)


REPEATED_HOLIDAY_PICK = define("SLA349", "repeated-holiday-pick", "warning", """
    The same category or holiday name is given twice after one `holidays … with`
    (`with "Carnival", "carnival"`, `with optional, optional`).

    ## Why
    Names are matched ignoring case, so a name written twice closes its days once: the
    second mention adds nothing. It is usually a line edited in two places, or a name
    meant for something else (`"Carnival", "Ash Wednesday"` with the second one pasted
    over). `slacode fmt` keeps both, as written.

    ## Avoid
    ```sla
    agreement "x" { version "1"; timezone "America/Sao_Paulo"; teams sales }
    calendar office {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
      holidays "BR" with "Carnival", "carnival"
    }
    ```

    ## Prefer
    ```sla
    agreement "x" { version "1"; timezone "America/Sao_Paulo"; teams sales }
    calendar office {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
      holidays "BR" with "Carnival", "Ash Wednesday"
    }
    ```
    """)

CONSTANT_REQUIRE_CONDITION = define("SLA350", "constant-require-condition", "warning", """
    A condition of `require … where` always holds, or the conditions never can.

    ## Why
    `require FIELD, … where PREDICATE` (an extension) judges a handoff by its fields at the
    stop: the `require` verdict is `met` only when every listed field is present and every
    condition holds. Conditions that can never all hold (`budget > 5 and budget < 3`, a
    segment that is `false`, two `require` lines that contradict each other, or a condition
    against the fields the lines list, such as `require budget where budget missing` or
    `budget == ""`: a listed field is present and not empty) breach every handoff, however
    good its lead. A condition that always holds (`true`, `score > 3 or true`, `score exists
    or score missing`, `score > 3 or not (score > 3)`), or holds whenever the listed fields
    are present (`require email where email exists`), checks nothing. Either way the line
    does not say what it seems to. (The check proves what it reports; it does not find
    every such condition: `score > 3 or score <= 3` is not reported, rightly, since it is
    false for a text or a missing score, but neither is `score in [1] or score not in [1]`
    with `score` listed.)

    ## Avoid
    ```sla
    agreement "req" { version "1"; timezone "UTC"; teams marketing }
    handoff mql_to_sales {
      owner marketing
      start on enter mql
      stop on assigned
      within 30m
      require budget where budget > 5000 and budget < 500
    }
    ```

    ## Prefer
    ```sla
    agreement "req" { version "1"; timezone "UTC"; teams marketing }
    handoff mql_to_sales {
      owner marketing
      start on enter mql
      stop on assigned
      within 30m
      require budget where budget >= 500
    }
    ```
    """)


REQUIRE_NOT_A_FIELD = define("SLA351", "require-lists-state-or-segment", "warning", """
    A `require` list names `state` or a segment of the agreement: in the list, that name is
    a lead **field** of that name, which every handoff must carry.

    ## Why
    `require FIELD, …` lists lead fields that must be present and non-empty at the stop.
    In the list, `state` is not the lifecycle state and a segment's name is not its
    predicate: both are read as the names of lead fields. Events rarely set a field called
    `state` (the lifecycle moves with `state` events) or one named after a segment, so
    every handoff is then breached "without `state`". The lifecycle state and segments are
    checked in the condition after `where` (`require email where state == sal`, `require
    email where enterprise or budget > 0`), whose names mean what they mean everywhere else.
    A lead field that really has that name is written in backquotes (`` require `state` ``).

    ## Avoid
    ```sla
    agreement "req" { version "1"; timezone "UTC"; teams sales }
    states { mql; sal; nurture }
    handoff decision {
      owner sales
      start on enter mql
      stop on enter sal, nurture
      within 1d
      require state where state != nurture or rejection_reason exists
    }
    ```

    ## Prefer
    Fields every handoff must carry in the list, the rest in the condition:
    ```sla
    agreement "req" { version "1"; timezone "UTC"; teams sales }
    states { mql; sal; nurture }
    handoff decision {
      owner sales
      start on enter mql
      stop on enter sal, nurture
      within 1d
      require email where state != nurture or rejection_reason exists
    }
    ```
    or a handoff of its own for the case that needs the field (`stop on enter nurture`,
    `require rejection_reason`).
    """)


CONSTANT_WHEN = define("SLA352", "constant-stop-when", "warning", """
    A `stop when`, `breach when` or `cancel when` (extensions) closes every cycle the moment
    it opens, or never closes one: its predicate always holds, never holds, or holds
    whenever the rule's `start when` fires.

    ## Why
    `stop when P` stops an open cycle at the first event after which P holds, and a cycle
    opened while P holds is stopped at once (`met`, no time counted). A P that always holds
    (`stop when true`, `x exists or x missing`) or that the start itself makes true (`start
    when score >= 80` with `stop when score >= 50`) makes every cycle a `met` of zero
    minutes: the rule measures nothing, and its met cycles lift targets and medians. A P
    that never holds closes nothing: the line is dead. (`cancel when` likewise, with
    `cancelled` cycles, and `breach when` with `breached` ones.)

    ## Avoid
    ```sla
    agreement "w" { version "1"; timezone "UTC"; teams sales }
    deadline hot_call {
      owner sales
      start when score >= 80
      stop when score >= 50
      within 1h
    }
    ```

    ## Prefer
    A condition the start does not already make true, such as the field the rep's work
    sets:
    ```sla
    agreement "w" { version "1"; timezone "UTC"; teams sales }
    deadline hot_call {
      owner sales
      start when score >= 80
      stop when called == true
      within 1h
    }
    ```
    """)


SUM_OF_BREACH = define("SLA360", "sum-of-breach", "error", """
    A quota's `sum PROP of …` line adds up a `breach of RULE` (or `warning of RULE`)
    trigger: a breach has no properties, nor has a warning, so it can never add anything.

    ## Why
    `breach of RULE` (an extension) is the instant a cycle of RULE breached, not an event
    someone sent (`warning of RULE`, the instant it reached its warning, neither): it carries
    no `amount` or any other property, and it takes no `where`. A sum of breaches would be
    0 in every period (an `at least` goal always breached) and every breach would be
    reported as an event without the property (SLA615).

    ## Avoid
    ```sla
    agreement "sum" { version "1"; timezone "UTC"; teams sales }
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h
    }
    quota lost {
      owner sales
      sum amount of breach of first_touch
      at most 1000 per day
    }
    ```

    ## Prefer
    Count the breaches, or add up the amount of the events people send:
    ```sla
    agreement "sum" { version "1"; timezone "UTC"; teams sales }
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h
    }
    quota lost {
      owner sales
      count breach of first_touch
      at most 3 per day
    }
    ```
    """)


SUM_OF_RESERVED_KEY = define("SLA361", "sum-of-reserved-key", "error", """
    A quota's `sum PROP of …` line adds up `lead`, `at`, `type`, `id` or `fields`: keys that
    every event uses for itself (LANGUAGE.md §4), never a property to add up.

    ## Why
    `sum` adds up a property of each matching event, beside `type`. The keys `lead`, `at`,
    `type`, `id` and `fields` are read by slacode for the event itself (whose lead, when,
    what, which event, the lead's fields): none of them is a property, so the quota would
    add nothing and report every event as having no such property (SLA615).

    ## Avoid
    ```sla
    agreement "sum" { version "1"; timezone "UTC"; teams sales }
    quota deals {
      owner sales
      sum id of deal
      at least 10 per day
    }
    ```

    ## Prefer
    Count the events, or add up a property of their own:
    ```sla
    agreement "sum" { version "1"; timezone "UTC"; teams sales }
    quota deals {
      owner sales
      sum amount of deal
      at least 10000 per day
    }
    ```
    """)


CUTOFF_OUTSIDE_HOURS = define("SLA370", "cutoff-outside-hours", "warning", """
    The cut-off of a target by the working day (`after 15:00`) lies outside the calendar's
    hours, so it splits no working day.

    ## Why
    `within same working day on office, after 15:00 next working day` gives a lead that
    arrives on a working day at or after 15:00 (or after its close) until the close of the
    next working day. A cut-off at or after the desk's last close (`after 19:00` on
    `09:00-18:00`) does nothing the close does not: only leads in after the close are late,
    as with any cut-off. One at or before its opening (`after 08:00`) makes every lead that
    arrives in working hours late: the line says `next working day` in a roundabout way
    for them, while a lead in before the opening is still due that day. Both are usually a
    slip of the time or of the calendar. The check looks at the calendar's weekly hours
    (every calendar of a calendar choice, each one reported that has the problem).

    ## Avoid
    ```sla
    calendar office {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
    }
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within same working day on office, after 19:00 next working day
    }
    ```

    ## Prefer
    ```sla
    calendar office {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
    }
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within same working day on office, after 15:00 next working day
    }
    ```
    """)


BY_OUTSIDE_HOURS = define("SLA371", "by-outside-hours", "warning", """
    The `by HH:MM` time of a target by the working day is outside the calendar's hours on
    some working days: the deadline is still that time, outside working time.

    ## Why
    `by 12:00 next working day` is due at the instant the next working day's local clock
    shows 12:00. That is the promise, even when the desk is closed then: `by 19:00` on
    `09:00-18:00` is due at 19:00, so a lead has the whole of that day's working time and
    an hour more in which nobody works; `by 08:00` is due at 08:00, before the opening, so
    the lead has none of that day's working time, only what was left of the day it
    arrived. On a calendar with night shifts and day shifts (`hours mon-fri 22:00-06:00`,
    `hours sat 10:00-14:00`) an early time can even be past when the lead arrives: Friday's
    shift runs to Saturday 06:00, so a lead in at Saturday 04:30 has Saturday 04:00 behind
    it; the deadline is then the `by` time of the next working day whose `by` is after the
    arrival (Monday's shift, Tuesday 04:00), and the message says so. Either may be
    intended, but it is rarely what the time suggests to a reader
    who thinks of the desk's hours. Each kind is reported once per calendar (both when a
    time is before one day's opening and after another's close). The check looks at the
    calendar's weekly hours (every calendar of a calendar choice, each one reported that
    has the problem); a time in a break
    between two intervals (a lunch break) is not reported: the deadline is that time, and
    a call in the break is on time.

    ## Avoid
    ```sla
    calendar office {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
    }
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within next working day by 08:00 on office
    }
    ```

    ## Prefer
    ```sla
    calendar office {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
    }
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within next working day by 10:00 on office
    }
    ```
    """)


CUTOFF_ON_NEXT_DAY = define("SLA372", "cutoff-on-next-working-day", "error", """
    A cut-off (`, after 15:00 …`) follows `next working day`, where it has no meaning.

    ## Why
    A cut-off splits the leads of a working day in two: those in before it are due that
    same working day, the later ones the next. A line that already gives every lead until
    the next working day has nothing to split: `within next working day on office, after
    15:00 next working day` would say the same thing twice, or hide a slip for `same`.

    ## Avoid
    ```sla
    calendar office {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
    }
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within next working day on office, after 15:00 by 12:00 next working day
    }
    ```

    ## Prefer
    ```sla
    calendar office {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
    }
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within same working day on office, after 15:00 by 12:00 next working day
    }
    ```
    """)


WORKING_DAY_WITHOUT_CALENDAR = define("SLA373", "working-day-without-calendar", "info", """
    A target by the working day (`within same working day`) names no calendar, so every
    day counts, from midnight to midnight in the agreement's timezone.

    ## Why
    Without `on CAL` there are no working hours: slacode reads every date of the
    agreement's timezone as a working day open 00:00-24:00. `same working day` is then
    "by midnight", `next working day` "by the next midnight", weekends and nights included.
    That may be intended; this note makes sure it is.

    ## Avoid
    ```sla
    agreement "x" { version "1"; timezone "America/Sao_Paulo"; teams sales }
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within same working day
    }
    ```

    ## Prefer
    ```sla
    agreement "x" { version "1"; timezone "America/Sao_Paulo"; teams sales }
    calendar office {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
    }
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within same working day on office
    }
    ```
    """)

WORKING_PERIOD_WITHOUT_CALENDAR = define("SLA374", "working-period-without-calendar", "error", """
    A target's or quota's goal is set `per working day` without naming the calendar whose
    working dates are its periods.

    ## Why
    `per working day on CAL` (extension) judges the goal on each working date of the
    calendar `CAL`: the dates its `hours`, `holidays`, `closed` and `open` lines give working
    time, from midnight to midnight in the calendar's timezone. Without `on CAL` there are
    no working dates to speak of (an agreement may have several calendars, or none):
    slacode does not guess one. A goal on every calendar date, weekends included, is
    `per day`.

    ## Avoid
    ```sla
    agreement "x" { version "1"; timezone "America/Sao_Paulo"; teams sales }
    calendar office {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
    }
    quota calls {
      owner sales
      count call_logged
      at least 50 per working day
    }
    ```

    ## Prefer
    ```sla
    agreement "x" { version "1"; timezone "America/Sao_Paulo"; teams sales }
    calendar office {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
    }
    quota calls {
      owner sales
      count call_logged
      at least 50 per working day on office
    }
    ```
    """)

MORNING_OVERNIGHT = define("SLA380", "overnight-from-the-morning", "warning", """
    A time interval that starts in the morning and ends at an earlier time of day, so that
    it runs overnight for more than twelve hours (`8:00-5:00`, 21 hours).

    ## Why
    Times of day are on the 24-hour clock, and an interval whose end comes before its start
    runs overnight (`22:00-06:00`, a night shift). A working day written with the 12-hour
    habit, `8:00-5:00` for eight to five, is therefore read as 21 hours from 08:00 to 05:00
    the next morning: every deadline on the calendar moves, and so does a `1d` measured by
    the day's length. A shift that starts in the morning and runs past midnight is rare
    enough to be worth a second look.

    ## Avoid
    ```sla
    calendar desk {
      timezone "America/Chicago"
      hours mon-fri 8:00-5:00
    }
    ```

    ## Prefer
    ```sla
    calendar desk {
      timezone "America/Chicago"
      hours mon-fri 08:00-17:00
    }
    ```
    If the shift really runs overnight from the morning, leave the warning out with a
    `# slacode: ignore SLA380` comment on the line.
    """)

PACE_WITH_AT_MOST = define("SLA390", "pace-with-at-most", "error", """
    A quota whose goal is `at most N per PERIOD` has a `warn behind pace` line.

    ## Why
    `warn behind pace` (extension) makes a running period `at_risk` while the amount so far
    is below the goal times the share of the period gone: a promise to reach *at least* N
    falls behind when too little has been counted by now. An `at most` quota is the other
    way round: it is at risk when it is about to be exceeded, when much has been counted
    early, and an amount below its pace is what it asks for. The line would mark every
    quiet period at risk, so slacode refuses it rather than read it backwards.

    ## Avoid
    ```sla
    agreement "x" { version "1"; timezone "America/Sao_Paulo"; teams sales }
    quota calls {
      owner sales
      count call_logged
      at most 2_000 per month
      warn behind pace
    }
    ```

    ## Prefer
    ```sla
    agreement "x" { version "1"; timezone "America/Sao_Paulo"; teams sales }
    quota calls {
      owner sales
      count call_logged
      at most 2_000 per month
    }
    ```
    """)

PACE_ON_A_DAY = define("SLA391", "pace-on-a-day", "error", """
    A quota whose goal is per day (`per day`, or `per working day on CAL`) has a
    `warn behind pace` line.

    ## Why
    A pace compares the amount so far with the share of the period gone, so that a month
    that is behind in its second week can be flagged while there is time to act. A day is
    too short for that to say anything: its events come in bursts (a morning of calls, an
    afternoon of demos), so the day would read `at_risk` for most of its hours whatever its
    end, and by the time a daily report is read the day is over and judged `met` or
    `breached` anyway. Set the pace on a longer goal (a week, a month, a quarter), beside
    the daily one if both matter.

    ## Avoid
    ```sla
    agreement "x" { version "1"; timezone "America/Sao_Paulo"; teams sales }
    calendar office {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
    }
    quota calls {
      owner sales
      count call_logged
      at least 50 per working day on office
      warn behind pace on office
    }
    ```

    ## Prefer
    ```sla
    agreement "x" { version "1"; timezone "America/Sao_Paulo"; teams sales }
    calendar office {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
    }
    quota calls {
      owner sales
      count call_logged
      at least 50 per working day on office
    }
    quota weekly_calls {
      owner sales
      count call_logged
      at least 250 per week
      warn behind pace on office
    }
    ```
    """)

UNKNOWN_HOLIDAY_CATEGORY = define("SLA392", "unknown-holiday-category", "error", """
    A word after `holidays "CC" with` is not a category of days off that the `holidays`
    package has for that country (`with bank` for `"BR"`, `with Optional`), or is one of
    its categories that names no days off: `half_day` and `workday`.

    ## Why
    `holidays "CC"` closes the country's public holidays; `with CATEGORY` (extension) adds
    another category of the `holidays` package, such as Brazil's `optional` (Carnival, Ash
    Wednesday, Corpus Christi, Public Servant's Day, Christmas Eve, New Year's Eve). Each
    country has its own categories (`bank`, `government`, `optional`, `school` …): a
    category the country lacks would close nothing, silently. Two categories are refused
    because closing their days would invent a meaning the package does not give them:
    `half_day` does not say which half is off (write `open DATE HH:MM-HH:MM` with the hours
    the desk keeps), and `workday` lists days that are worked.

    ## Avoid
    ```sla
    agreement "x" { version "1"; timezone "America/Sao_Paulo"; teams sales }
    calendar office {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
      holidays "BR" with bank
    }
    ```

    ## Prefer
    ```sla
    agreement "x" { version "1"; timezone "America/Sao_Paulo"; teams sales }
    calendar office {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
      holidays "BR" with optional
    }
    ```
    """)

UNKNOWN_HOLIDAY_NAME = define("SLA393", "unknown-holiday-name", "error", """
    A holiday name after `holidays "CC" with` is not the name of any holiday of that
    country, in any year from 2000 to 2060, in a category of days off.

    ## Why
    `holidays "BR" with "Carnival", "Ash Wednesday"` (extension) adds only the days of
    those names to the public holidays, from any of the country's categories of days off.
    Names are matched as the `holidays` package spells them in English, ignoring case (a
    name also matches its observed or estimated day: `"Boxing Day"` matches `Boxing Day
    (observed)`). A name the package does not know — misspelt, in another language
    (`"Carnaval"`), or a holiday of another country — would close nothing, silently; the
    hint lists the closest names, or the English name of a name written in the country's
    own language.

    ## Avoid
    ```sla
    agreement "x" { version "1"; timezone "America/Sao_Paulo"; teams sales }
    calendar office {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
      holidays "BR" with "Carnaval"
    }
    ```

    ## Prefer
    ```sla
    agreement "x" { version "1"; timezone "America/Sao_Paulo"; teams sales }
    calendar office {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
      holidays "BR" with "Carnival"
    }
    ```
    """)

HOLIDAYS_NOT_OF_ZONE = define("SLA394", "holidays-not-of-timezone", "info", """
    None of a calendar's `holidays` codes is the country of its timezone: a calendar in
    `America/New_York` that closes on Brazil's holidays.

    ## Why
    A calendar's hours are read in its timezone and its holidays come from its `holidays`
    codes; when they name different countries, one of them was usually copied from another
    calendar and not changed. A desk in one country may well keep another country's
    holidays (a team in New York that serves Brazil), so this is only information: keep
    the line if it is meant. The country of a zone is the one the tz database's
    `zone1970.tab` and `zone.tab` give it; a zone they share among several countries
    (`Europe/Zurich`, `America/Puerto_Rico`), a zone of no country (`UTC`) and a machine
    without those tables give no such information. A subdivision (`"US-NY"`) counts as its
    country, and a three-letter code the holidays package accepts (`"BRA"`) as the
    two-letter one (`"BR"`). A calendar with a code SLA216 refuses gets no SLA394 until
    that code is fixed.

    ## Avoid
    ```sla
    agreement "x" { version "1"; timezone "America/New_York"; teams sales }
    calendar us_desk {
      timezone "America/New_York"
      hours mon-fri 09:00-17:00
      holidays "BR"
    }
    ```

    ## Prefer
    ```sla
    agreement "x" { version "1"; timezone "America/New_York"; teams sales }
    calendar us_desk {
      timezone "America/New_York"
      hours mon-fri 09:00-17:00
      holidays "US"
    }
    ```
    """)

HOLIDAYS_OF_NO_REGION = define("SLA397", "holidays-of-no-region", "info", """
    A calendar keeps a country's nationwide holidays (`holidays "GB"`) where every region
    of that country keeps more: England, Wales and Northern Ireland close on Easter Monday
    and on the summer bank holiday, which `"GB"` leaves out.

    ## Why
    `holidays "CC"` closes the days the `holidays` package lists for the whole country. In
    most countries those are the days everyone is off, and a region adds a few of its own
    (`"US"` is the federal holidays). In some (the United Kingdom, Germany, Spain,
    Switzerland, Canada, Australia and a few more) *every* region keeps days the nationwide
    list lacks, so a calendar of the whole country is the calendar of no office in it: its
    clocks run on days the desk is closed, and leads assigned on Easter Monday in London are
    breached by Tuesday noon. The note names the regions (as the package names them, up to
    eight); nothing is changed. It is not given when the calendar also names a region of
    that country. The countries are those where, over 2024–2028, each region the package
    knows had at least one public holiday the nationwide list did not.

    ## Avoid
    ```sla
    agreement "x" { version "1"; timezone "Europe/London"; teams sales }
    calendar london {
      timezone "Europe/London"
      hours mon-fri 09:00-17:30
      holidays "GB"
    }
    ```

    ## Prefer
    ```sla
    agreement "x" { version "1"; timezone "Europe/London"; teams sales }
    calendar london {
      timezone "Europe/London"
      hours mon-fri 09:00-17:30
      holidays "GB-ENG"
    }
    ```
    """)

FACT_IN_FIRST_WHERE = define("SLA395", "fact-in-first-where", "error", """
    `seen …` or `awaiting …` in a `first where`, which judges the first attempt's own
    properties once the cycle is judged, not as of the attempt.

    ## Why
    `seen TYPE` and `awaiting A since B` (extension) say what the lead's events had done *at
    an event*: in a segment, `start when`, `pause while`, a trigger's `where` or `require …
    where`, they are judged there. A `first where` is judged when the verdict is made, on the
    properties the first attempt carried: the lead's facts as of that attempt are not kept,
    so the condition would read them as of the end of the events, which is not what it
    says. It is refused; judge the fact where it happens instead (a `count … where`, or
    `stop when` / `cancel when`).

    ## Avoid
    ```sla
    agreement "x" { version "1"; timezone "UTC"; teams sales }
    attempts follow_up {
      owner sales
      start on assigned
      stop on reply
      first where not seen reply
      at least 2 within 4h
    }
    ```

    ## Prefer
    ```sla
    agreement "x" { version "1"; timezone "UTC"; teams sales }
    attempts follow_up {
      owner sales
      start on assigned
      stop on reply
      count contact_attempt where not seen reply
      at least 2 within 4h
    }
    ```
    """)


SUCCESS_OF_CLAUSE_WITHOUT_SUCCESS = define("SLA396", "success-of-clause-without-success", "error", """
    A `success of RULE clause KEY` trigger names a clause that has no moment of success:
    only a rule's target lines (`within`, or `at least … within` in an `attempts` rule) are
    met at an instant.

    ## Why
    `success of RULE` (an extension) is the instant a cycle of RULE was met: the stop at or
    before its deadline, or, in an `attempts` rule, the attempt that made its `at least N
    within` by the deadline. The other clauses (`require`, `gap`, `first`, `at most … per
    day` …) are kept or broken, but being kept is no event: a `gap` is kept at every
    instant until it is broken. `breach of RULE clause KEY` is the moment one is broken.

    ## Avoid
    ```sla
    agreement "met" { version "1"; timezone "UTC"; teams sales }
    handoff to_sales {
      owner sales
      start on enter mql
      stop on assigned
      within 8h
      require phone
    }
    deadline welcome {
      owner sales
      start on success of to_sales clause require
      stop on contact_attempt
      within 1d
    }
    ```

    ## Prefer
    ```sla
    agreement "met" { version "1"; timezone "UTC"; teams sales }
    handoff to_sales {
      owner sales
      start on enter mql
      stop on assigned
      within 8h
      require phone
    }
    deadline welcome {
      owner sales
      start on success of to_sales
      stop on contact_attempt
      within 1d
    }
    ```
    """)

REDUNDANT_SEGMENT_IN_FOR = define("SLA353", "redundant-segment-in-for", "warning", """
    A segment of a `for A and B` part adds nothing: every lead in another of the named
    segments is in it already (`for hot_us and hot`, where `hot_us = hot and …`).

    ## Why
    `for A and B` (an extension) applies a line when every named segment holds. When `A`
    implies `B`, the line applies exactly when `A` holds: `B` only makes the line look
    narrower than it is, and a reader (or a later edit of `A`) may take it for a real
    condition. Name the narrower segment alone, or the other segment you meant.

    ## Avoid
    ```sla
    agreement "grid" { version "1"; timezone "UTC"; teams sales }
    segment hot = score >= 80
    segment hot_us = hot and country == "US"
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 15m for hot_us and hot
      within 4h
    }
    ```

    ## Prefer
    ```sla
    agreement "grid" { version "1"; timezone "UTC"; teams sales }
    segment hot = score >= 80
    segment hot_us = hot and country == "US"
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 15m for hot_us
      within 4h
    }
    ```
    """)
