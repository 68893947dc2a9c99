"""SLA2xx: names and references — undefined, duplicate, unused or misused names."""
from slacode.codes import define

MISSING_AGREEMENT = define("SLA201", "missing-agreement", "error", """
    The file has no `agreement` block.

    ## Why
    The `agreement` block says which agreement this is (its id and version, printed with
    every verdict), the timezone used wherever a rule names no calendar, and the teams that
    may own rules. Without it verdicts cannot be attributed and owners cannot be checked.

    ## Avoid
    ```sla
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h
    }
    ```

    ## Prefer
    ```sla
    agreement "acme-inbound" {
      version "2026.11"
      timezone "America/Sao_Paulo"
      teams sales
    }

    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h
    }
    ```
    """)

DUPLICATE_AGREEMENT = define("SLA202", "duplicate-agreement", "error", """
    The file has more than one `agreement` block.

    ## Why
    A file is one agreement: one id, one version, one timezone. A second block (often left
    over from pasting two files together) makes it unclear which id, timezone and teams
    apply, so slacode refuses it. Keep one block; split different agreements into files.

    ## Avoid
    ```sla
    agreement "acme-inbound" {
      teams marketing, sales
    }

    agreement "acme-outbound" {
      teams sales
    }
    ```

    ## Prefer
    ```sla
    agreement "acme-inbound" {
      teams marketing, sales
    }
    ```
    """)

DUPLICATE_NAME = define("SLA203", "duplicate-name", "error", """
    Two declarations of the same kind share a name (two calendars, segments, states, teams,
    constants or tests called alike, or two rules of any kind with one name).

    ## Why
    Names are how rules, targets, verdicts and reports refer to things. Rules of every kind
    (`handoff`, `deadline`, `attempts`, `target`, `quota`) share one namespace because a
    verdict's `rule` key names them all. With two declarations of one name, every
    reference would be ambiguous.

    ## Avoid
    ```sla
    segment hot = score >= 80
    segment hot = source == "demo_request"
    ```

    ## Prefer
    ```sla
    segment hot = score >= 80 or source == "demo_request"
    ```
    """)

RESERVED_NAME = define("SLA204", "reserved-name", "error", """
    A rule, target or quota is called `flow`, the name of the built-in flow rule.

    ## Why
    When the agreement has a `flow` block, slacode reports the lifecycle checks as the rule
    `flow` (clause `transition`). A rule of your own with that name would mix its verdicts
    with the built-in ones in every report and test.

    ## Avoid
    ```sla
    deadline flow {
      owner sales
      start on assigned
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

DUPLICATE_CLAUSE = define("SLA205", "duplicate-clause", "error", """
    A clause that may appear once is given twice (two `owner` lines, two `within` lines
    without `for`, both `start on` and `start when`, two `timezone` lines, two goals in one
    quota …). Several `warn` lines are allowed: each is a warning level (the same level twice
    is [SLA344](SLA344.md)). A quota has one goal: a monthly and a weekly number are two
    quotas. A calendar's holidays of one code are written once when a `with` adds to them
    (`holidays "BR"` and `holidays "BR" with optional`: write `holidays "BR" with optional`).

    ## Why
    Only one owner answers for a rule, and one default target applies to leads in no
    segment. When two are written, one of them would be silently
    ignored; slacode asks you to say which one you mean.

    ## Avoid
    ```sla
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h
      within 2h
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

UNDEFINED_TEAM = define("SLA206", "undefined-team", "error", """
    A rule's `owner` is not one of the teams named in the `agreement` block.

    ## Why
    Every rule has an owner, the team that answers for its breaches, and reports group
    verdicts by owner. An owner that is not a declared team is usually a typo (`slaes`)
    and would create a team nobody reads.

    ## Avoid
    ```sla
    agreement "acme" {
      teams marketing, sales
    }

    deadline first_touch {
      owner slaes
      start on assigned
      stop on contact_attempt
      within 4h
    }
    ```

    ## Prefer
    ```sla
    agreement "acme" {
      teams marketing, sales
    }

    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h
    }
    ```
    """)

UNDEFINED_STATE = define("SLA207", "undefined-state", "error", """
    A state name (in `flow`, `enter`/`leave`, `state ==`/`state in`, or a test's `enter`) is
    not declared in the `states` block.

    ## Why
    Once an agreement lists its states, a name outside the list can never occur: events
    into undeclared states are reported and ignored. A trigger on such a state never fires
    and a rule quietly tracks nothing. (Without a `states` block every state is accepted.)

    ## Avoid
    ```sla
    states {
      mql
      sql
      disqualified final
    }

    deadline disposition {
      owner sales
      start on enter mql
      stop on enter sql, disqalified
      within 2d
    }
    ```

    ## Prefer
    ```sla
    states {
      mql
      sql
      disqualified final
    }

    deadline disposition {
      owner sales
      start on enter mql
      stop on enter sql, disqualified
      within 2d
    }
    ```
    """)

UNDEFINED_CALENDAR = define("SLA208", "undefined-calendar", "error", """
    A rule names a calendar (`on CAL`, `only during CAL`) that is not declared.

    ## Why
    The calendar decides what counts as working time, so a deadline on an unknown calendar
    has no meaning. Declare it with `calendar NAME { … }` or fix the spelling. A calendar
    choice (`calendar desk = apac for in_apac, amer`, an extension) is picked per cycle, so
    it may stand only in `within` and `at least … within` lines, and picks among calendars,
    not other choices: elsewhere it is this error too. So is a calendar with `timezone lead`
    (an extension: read in each lead's own zone) where one calendar serves every lead
    (`only during`, `at most … per day on`, `per working day on`, `warn behind pace on`).

    ## Avoid
    ```sla
    calendar br_sales {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
    }

    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h on br_sale
    }
    ```

    ## Prefer
    ```sla
    calendar br_sales {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
    }

    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h on br_sales
    }
    ```
    """)

UNDEFINED_SEGMENT = define("SLA209", "undefined-segment", "error", """
    A `for SEGMENT` line, a target or a predicate names a segment that is not declared.

    ## Why
    Segments are named predicates (`segment hot = score >= 80`). A bare name inside a
    predicate stands for a segment, so `phone` alone is not a test of the field `phone`:
    write `phone exists` for that. An undeclared segment would make its line never apply.

    ## Avoid
    ```sla
    segment hot = score >= 80

    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h
      within 15m for hto
    }
    ```

    ## Prefer
    ```sla
    segment hot = score >= 80

    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h
      within 15m for hot
    }
    ```
    """)

UNDEFINED_RULE = define("SLA210", "undefined-rule", "error", """
    A target or a test's `expect` names a rule that does not exist (or one that cannot be
    measured, such as a quota in a target).

    ## Why
    A target measures the share of `met` cycles of one `handoff`, `deadline` or `attempts`
    rule (or of the built-in `flow` rule); an expectation checks a verdict of a rule,
    target or quota. A misspelt name would measure nothing.

    ## Avoid
    ```sla
    target hot_first_touch {
      owner sales
      rule frist_touch
      at least 95% met per week
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

    target hot_first_touch {
      owner sales
      rule first_touch
      at least 95% met per week
    }
    ```
    """)

UNDEFINED_CLAUSE = define("SLA211", "undefined-clause", "error", """
    A target's `clause KEY` or a test's `expect RULE.KEY` names a clause the rule does not
    have.

    ## Why
    Verdicts are given per clause, under keys: `within` and `require` for timed rules;
    `at_least_within`, `at_least_before`, `at_most_per_day`, `gap`, `first`, `only_during`
    and `only_between` for attempts (a second clause of a kind is `gap_2`, …); `transition`
    for `flow`; `ratio` for targets and `count` for quotas. A key the rule does not have
    never gets a verdict.

    ## Avoid
    ```sla
    attempts follow_up {
      owner sales
      start on assigned
      stop on enter sql
      at least 6 within 10d
    }

    target cadence {
      owner sales
      rule follow_up clause at_least
      at least 85% met per month
    }
    ```

    ## Prefer
    ```sla
    attempts follow_up {
      owner sales
      start on assigned
      stop on enter sql
      at least 6 within 10d
    }

    target cadence {
      owner sales
      rule follow_up clause at_least_within
      at least 85% met per month
    }
    ```
    """)

UNDEFINED_CONSTANT = define("SLA212", "undefined-constant", "error", """
    An expression uses a name that no `let` declares.

    ## Why
    Goals can be computed from named constants (`let monthly_mqls = 180`,
    `at least monthly_mqls per month`). A name without a `let` has no value, so the goal
    cannot be computed.

    ## Avoid
    ```sla
    let mqls_per_month = 180

    quota mql_volume {
      owner marketing
      count enter mql
      at least mql_per_month per month
    }
    ```

    ## Prefer
    ```sla
    let mqls_per_month = 180

    quota mql_volume {
      owner marketing
      count enter mql
      at least mqls_per_month per month
    }
    ```
    """)

UNKNOWN_FUNCTION = define("SLA213", "unknown-function", "error", """
    An expression calls a function that does not exist, or with the wrong number of
    arguments.

    ## Why
    Expressions know five functions: `ceil(x)`, `floor(x)` and `round(x)` (halves away
    from zero) of one number, and `min(a, b, …)` and `max(a, b, …)` of one or more.

    ## Avoid
    ```sla
    let deals = 12

    quota mql_volume {
      owner marketing
      count enter mql
      at least roundup(deals / 0.2) per month
    }
    ```

    ## Prefer
    ```sla
    let deals = 12

    quota mql_volume {
      owner marketing
      count enter mql
      at least ceil(deals / 0.2) per month
    }
    ```
    """)

UNQUOTED_VALUE = define("SLA214", "unquoted-value", "error", """
    A field is compared with a bare name; text values are written in double quotes.

    ## Why
    Only the lifecycle `state` is compared with bare names (`state == on_hold`), because
    those are declared state names. Any other field holds data: `source == demo_request`
    is almost certainly meant as the text `"demo_request"`, and slacode does not guess.
    One bare name has a meaning of its own (an extension): `assignee`, the lead's rep, in
    `FIELD == assignee` or `FIELD != assignee` inside a `where` (of a trigger, a `count` or
    `first`); elsewhere, in a list or with `<`, `>` it is this error too.

    ## Avoid
    ```sla
    segment demo = source == demo_request
    ```

    ## Prefer
    ```sla
    segment demo = source == "demo_request"
    ```
    """)

UNKNOWN_TIMEZONE = define("SLA215", "unknown-timezone", "error", """
    A `timezone` is not an IANA timezone name.

    ## Why
    Working hours, local dates (`per day`) and periods (`per week`) are read in a timezone.
    Names come from the IANA database (`America/Sao_Paulo`, `Europe/Lisbon`, `UTC`);
    abbreviations such as `BRT` or `EST` are ambiguous and not accepted: an abbreviation is
    one offset all year, while a place's zone follows its daylight saving time. For a common
    abbreviation the hint names the zones it usually means (`CST`: `America/Chicago`, …).

    ## Avoid
    ```sla
    calendar br_sales {
      timezone "America/Sao_Paolo"
      hours mon-fri 09:00-18:00
    }
    ```

    ## Prefer
    ```sla
    calendar br_sales {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
    }
    ```
    """)

UNKNOWN_HOLIDAYS = define("SLA216", "unknown-holidays", "error", """
    A `holidays` code is not a country (or country-subdivision) that the `holidays` package
    knows.

    ## Why
    Public holidays come from the `holidays` package: a country code such as `"BR"` or a
    country and subdivision such as `"BR-SP"` or `"US-CA"`. An unknown code would leave
    every holiday a working day.

    A language tag is no holiday code: `"es-AR"` (Spanish as written in Argentina) names
    Argentina last, and upper-cased it would be `"ES-AR"`, Aragón in Spain, whose holidays
    are not Argentina's. The message names the country of a language tag (`"AR"`), and an
    all-lower-case code that reads both ways (`"es-ar"`) gets both readings. One string that
    holds several codes (`"BR-SP,BR-RJ"`) is told to be split into strings of their own.

    ## Avoid
    ```sla
    calendar br_sales {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
      holidays "Brazil"
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

UNUSED_SEGMENT = define("SLA217", "unused-segment", "warning", """
    A segment is declared but no rule, target or other segment uses it.

    ## Why
    An unused segment is usually a leftover of an edit, or a sign that a `for` line
    meant to use it names something else. Remove it or use it.

    ## Avoid
    ```sla
    segment hot = score >= 80
    segment enterprise = employees >= 1000

    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h
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
      within 4h
      within 15m for hot
    }
    ```
    """)

UNUSED_CALENDAR = define("SLA218", "unused-calendar", "warning", """
    A calendar is declared but no rule uses it.

    ## Why
    Calendars only matter through `on CAL` and `only during CAL`. An unused one often
    means a rule forgot its `on CAL`, so its clock runs on wall-clock time (24-hour days,
    weekends included).

    ## Avoid
    ```sla
    calendar br_sales {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
    }

    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h
    }
    ```

    ## Prefer
    ```sla
    calendar br_sales {
      timezone "America/Sao_Paulo"
      hours mon-fri 09:00-18:00
    }

    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h on br_sales
    }
    ```
    """)

STATE_NAMED_LIKE_EVENT = define("SLA219", "state-named-like-an-event", "warning", """
    A name in an `enter` or `leave` list is an event type the agreement uses elsewhere (or
    `contact_attempt` / `assigned`), not a declared state.

    ## Why
    After `enter`, a comma goes on listing states: `start on enter working, contact_attempt`
    starts the clock when the lead enters `working` or a state called `contact_attempt`, and
    the event `contact_attempt` starts nothing. Triggers of different kinds are joined with
    `or`. (With a `states` block the name is reported as undeclared, SLA207, with the same
    advice.)

    ## Avoid
    ```sla
    deadline keep_in_touch {
      owner sales
      start on enter working, contact_attempt
      stop on contact_attempt
      within 2d
    }
    ```

    ## Prefer
    ```sla
    deadline keep_in_touch {
      owner sales
      start on enter working or contact_attempt
      stop on contact_attempt
      within 2d
    }
    ```
    """)

RECUR_WITH_START_ONCE = define("SLA222", "recur-with-start-once", "error", """
    A rule has both `recur` and `start once`: it would open one cycle per lead and then
    one after every stop.

    ## Why
    `start once` (an extension) says the lead gets one cycle of the rule, whatever starts
    come later; `recur` (an extension) opens the next cycle after each stop, for as long as
    its `while` holds. Both at once cannot both hold: the rule would not say whether a lead
    is measured once or again and again.

    ## Avoid
    ```sla
    deadline touch_every_2d {
      owner sales
      start once on enter working
      stop on contact_attempt
      recur while state == working
      within 2d
    }
    ```

    ## Prefer
    ```sla
    deadline touch_every_2d {
      owner sales
      start on enter working
      stop on contact_attempt
      recur while state == working
      within 2d
    }
    ```
    """)

AWAITING_ITSELF = define("SLA220", "awaiting-itself", "error", """
    `awaiting A since B` names the same event type twice: an event of it would both begin the
    wait and end it.

    ## Why
    `awaiting A since B` (extension) holds from each `B` event up to the next `A` event, which
    sees it false. With `A` and `B` the same type, every such event would start the span it
    ends: the condition could never be told true from false, so it is refused.

    ## Avoid
    ```sla
    segment waiting = awaiting reply since reply
    ```

    ## Prefer
    ```sla
    segment waiting = awaiting inbound_message since meeting_proposed
    ```
    """)

FACT_OF_UNKNOWN_TYPE = define("SLA221", "fact-of-unknown-type", "warning", """
    `seen TYPE` or `awaiting A since B` names an event type that no trigger of the agreement
    names and that is none of the types the language defines (`state`, `assigned`,
    `contact_attempt`, `update`), but is close to one of those (`replied` beside `reply`).

    ## Why
    `seen` and `awaiting` (extension) read the lead's events by their type. A type nothing
    else in the agreement names, spelt almost like one that is named, is most likely a
    misspelling (`seen replied` for `reply`): the condition would then never hold (`seen`) or
    never end (`awaiting`), silently. A type only these conditions read and unlike any other
    (`awaiting inbound_message since meeting_proposed`) is ordinary and gets no warning.

    ## Avoid
    ```sla
    agreement "x" {
      timezone "UTC"
      teams sales
    }

    segment answered = seen replied

    deadline next_reply {
      owner sales
      start on inbound_message
      stop on reply
      within 2h for answered
      within 4h
    }
    ```

    ## Prefer
    ```sla
    agreement "x" {
      timezone "UTC"
      teams sales
    }

    segment answered = seen reply

    deadline next_reply {
      owner sales
      start on inbound_message
      stop on reply
      within 2h for answered
      within 4h
    }
    ```
    """)

SEGMENT_REPEATED_IN_FOR = define("SLA223", "segment-repeated-in-for", "warning", """
    A `for A and B` part names one segment twice (`for hot and hot`).

    ## Why
    `for A and B` (an extension) applies a line when every named segment holds; naming one
    twice changes nothing, so it is most likely a slip for another segment (`for hot and
    emea`). Write each segment once.

    ## Avoid
    ```sla
    agreement "grid" { version "1"; timezone "UTC"; teams sales }
    segment hot = score >= 80
    segment emea = region == "EMEA"
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 15m for hot and hot
      within 1h for emea
      within 4h
    }
    ```

    ## Prefer
    ```sla
    agreement "grid" { version "1"; timezone "UTC"; teams sales }
    segment hot = score >= 80
    segment emea = region == "EMEA"
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 15m for hot and emea
      within 1h for emea
      within 4h
    }
    ```
    """)


NO_PROMISE = define("SLA224", "agreement-without-rules", "warning", """
    The agreement makes no promise: it has no rule (`deadline`, `handoff`, `attempts`), no
    `target`, no `quota` and no `flow` block, so it gives no verdict for any input.

    ## Why
    A file that declares its agreement, calendars and segments but no rule is usually one cut
    short: an interrupted copy, a merge that lost its second half, a rule deleted by mistake.
    It loads, evaluates every input to nothing and passes every gate, so a service that
    reloads its agreement at run time would serve empty answers. Said at the `agreement`
    block, once; its `calendar`s and `segment`s are then also unused (SLA217, SLA218).

    ## Avoid
    ```sla
    agreement "acme-inbound" {
      version "2026.11"
      timezone "America/Sao_Paulo"
      teams sales
    }
    ```

    ## Prefer
    ```sla
    agreement "acme-inbound" {
      version "2026.11"
      timezone "America/Sao_Paulo"
      teams sales
    }

    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h
    }
    ```
    A file that only holds calendars to try them (`slacode calendar`) may leave the warning
    out with `# slacode: ignore[SLA224]` on its `agreement` line.
    """)
