"""SLA4xx: style — naming and completeness habits."""
from slacode.codes import define

NOT_SNAKE_CASE = define("SLA401", "not-snake-case", "warning", """
    A declared name (rule, target, quota, state, segment, calendar, team or constant) is not
    snake_case.

    A state declared in backquotes (an extension, `` `Working - Contacted` ``,
    `` `Qualified` ``) is the CRM's own name and is not reported.

    ## Why
    Names appear in verdicts, reports, CSV columns and URLs, and are typed in `expect`
    lines and queries. One convention — lower case words joined by `_` — keeps them easy to
    type and to match: `firstTouch`, `First_Touch` and `first_touch` are three different
    names.

    ## Avoid
    ```sla
    deadline firstTouch {
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

MISSING_OWNER = define("SLA402", "missing-owner", "warning", """
    A rule, target or quota has no `owner`.

    ## Why
    Every promise has a team that answers for it; reports group verdicts by owner, and a
    breach without an owner is nobody's problem.

    ## Avoid
    ```sla
    deadline first_touch {
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

UNUSABLE_NAME = define("SLA403", "unusable-name", "warning", """
    A segment or state is named with a word that has its own meaning in a predicate
    (`state`, `true`, `false`, `null`, `not`), so it can never be referred to there.

    ## Why
    In a predicate `state` is the lead's lifecycle state, `true`, `false` and `null` are
    values and `not` negates: a segment called `state` cannot be used in another segment,
    and a state called `true` cannot be compared (`state == true` compares with a boolean).
    Pick another name.

    ## Avoid
    ```sla
    segment true = score >= 80
    ```

    ## Prefer
    ```sla
    segment qualified = score >= 80
    ```
    """)
