"""SLA1xx: text that does not parse."""
from slacode.codes import define

UNEXPECTED_TOKEN = define("SLA101", "unexpected-token", "error", """
    The parser met a word or symbol that cannot stand at this point of a statement.

    ## Why
    Each statement of an agreement has a fixed shape (`within 4h on br_sales for hot`,
    `start on assigned`). When a word is missing, misspelt or out of place the statement
    cannot be understood, and slacode names what it expected instead ("expected a duration
    such as `4h`"). The rest of the file is still checked: slacode skips to the next line and
    reports every independent problem. Comments start with `#` and run to the end of the
    line; a `//` or `/* */` comment is reported here, with a hint saying so.

    ## Avoid
    ```
    deadline first_touch {
      within on br_sales
    }
    ```

    ## Prefer
    ```
    deadline first_touch {
      within 4h on br_sales
    }
    ```
    """)

UNEXPECTED_CHARACTER = define("SLA102", "unexpected-character", "error", """
    A character that cannot begin any word, number or symbol of the language.

    ## Why
    Agreements use letters, digits, `_`, quotes, backquotes and a few symbols
    (`{ } [ ] ( ) , ; = -> == != < <= > >= % - :`). Anything else, often a stray character
    pasted from a document, a smart quote or a `$`, stops the statement from being read.
    Names that need other characters (a CRM field `utm-source`) go in backquotes. Inside
    backquotes, a character that looks like a space or like nothing (a no-break or
    zero-width space, a mark that reorders text) is reported too: it would make the name
    another field than the one it shows.

    A character that looks like a space or like nothing (a no-break space, a zero-width
    space, a soft hyphen, copied from a chat or a web page) is reported once per run and
    then read as a space, so the rest of its statement is still checked; a zero-width one
    inside a word (`own` U+200B `er`) is read as nothing, so the word reads whole (`owner`). Inside
    strings and comments such characters are kept as they are.

    ## Avoid
    A smart quote pasted from a document:
    ```
    segment paid = `utm-source` == “ads”
    ```

    ## Prefer
    ```
    segment paid = `utm-source` == "ads"
    ```
    """)

UNEXPECTED_END = define("SLA103", "unexpected-end", "error", """
    The file ends in the middle of a statement or block.

    ## Why
    Usually a closing `}` is missing, or the file was cut short (a truncated copy or an
    unfinished edit). slacode reports where it stopped and what it was still waiting for.

    ## Avoid
    ```
    deadline first_touch {
      owner sales
    ```

    ## Prefer
    ```
    deadline first_touch {
      owner sales
    }
    ```
    """)

NOT_TEXT = define("SLA104", "not-utf8-text", "error", """
    The file is not UTF-8 text (invalid byte sequences or NUL bytes).

    The message says which: UTF-16 text (a byte-order mark, or every other byte NUL with
    text between; the hint gives the `iconv` command that converts it), a binary file (NULs
    with no text between them: an executable, an image; the hint asks to check that this is
    the agreement), or the first byte that is not UTF-8.

    ## Why
    Agreements are text kept in git. A file in another encoding, or a binary file given by
    mistake, cannot be read reliably; slacode reports the first bad byte and stops reading
    that file, so nothing is guessed.

    ## Avoid
    Saving the agreement as UTF-16 or Latin-1, or passing a spreadsheet instead of the
    `.sla` file.

    ## Prefer
    Save the file as UTF-8 (the default of every modern editor).
    """)

UNTERMINATED_STRING = define("SLA105", "unterminated-string", "error", """
    A string that opens with `"` (or a name that opens with a backquote) is not closed on
    the same line.

    ## Why
    Strings and backquoted names cannot span lines. An unclosed quote would swallow the rest
    of the line, so slacode reports it where it starts.

    ## Avoid
    ```
    segment demo = source == "demo_request
    ```

    ## Prefer
    ```
    segment demo = source == "demo_request"
    ```
    """)

TOO_DEEP = define("SLA106", "nesting-too-deep", "error", """
    Parentheses, `not` or `-` signs are nested deeper than slacode accepts (100 levels in
    one statement), or a predicate is nested more than 200 levels deep once the segments it
    names are read in (segments naming segments in a long chain).

    A `not` or a sign reaches only to the next `and`, `or`, operator or comma, so `not a and
    not b and …` or `x - -1 - -1 …` is one level deep however long it is; a chain of
    segments each naming the next with one `and` adds two levels a segment (about 100
    segments). Long flat lists are never too deep: an `and` or `or` of thousands of parts,
    a sum of thousands of terms, thousands of `let`s each naming the next.

    ## Why
    No agreement written by a person needs that much nesting; such input is generated or
    damaged, and refusing it with its place keeps the checker, the formatter and the
    evaluator fast and safe. While segments are chained too deep, this is the only error
    reported: the other checks read segments in.

    ## Avoid
    `segment x = ((((((((...))))))))` nested hundreds of levels; `let a = - - - - … 5`;
    `segment s0 = s1 and f0 > 1`, `segment s1 = s2 and f1 > 1`, … 300 segments long.

    ## Prefer
    Name parts of a long predicate as segments and combine the segments; give a number one
    sign; let a segment test the fields it needs directly instead of through a long chain.
    """)

TOO_LARGE = define("SLA107", "file-too-large", "error", """
    The file is larger than slacode reads as an agreement (16 MiB).

    ## Why
    An agreement of thousands of rules is a few hundred kilobytes. A file this large is
    almost certainly not an agreement (an event export passed in the wrong position, for
    example), and reading it would only produce noise.

    ## Avoid
    `slacode lint events.jsonl`, a month's export of 40 MB given where the agreement goes.

    ## Prefer
    `slacode lint agreement.sla`; pass event files to `slacode check` after the agreement.
    """)

BAD_LITERAL = define("SLA108", "invalid-literal", "error", """
    A number, date, time, timestamp or duration is written in a form the language does not
    accept, or names a value that does not exist (`2026-02-30`, `25:00`, `9:5`).

    ## Why
    Dates are `YYYY-MM-DD`, times of day `HH:MM` (24 h; `24:00` only as the end of an
    interval, so not as the `by` time or the cut-off of a target by the working day: the
    end of a working day is its close, which the line says without a time), timestamps
    RFC 3339 with an offset, durations `30m`, `4h`, `1h30m`, `2d`.
    A value that only looks right would silently move a deadline.

    ## Avoid
    ```
    hours mon-fri 09:00-25:00
    closed 2026-02-30
    ```

    ## Prefer
    ```
    hours mon-fri 09:00-18:00
    closed 2026-02-27
    ```
    """)

UNKNOWN_ESCAPE = define("SLA109", "unknown-escape", "warning", """
    A backslash in a string is followed by something other than `"` or `\\`, the two
    escapes the language has: `"\\n"` is a backslash and an `n`, not a line break.

    ## Why
    Strings hold values compared with what the CRM sends (`source == "demo\\request"`). Only
    `\\"` and `\\\\` are escapes (§2); any other backslash is kept as it is, so a `\\n` or
    `\\t` written for a line break or a tab compares with a backslash and a letter, and
    never matches.

    ## Avoid
    ```
    segment web = source == "web\\form"
    ```

    ## Prefer
    ```
    segment web = source == "web\\\\form"
    ```
    """)

DURATION_PARTS = define("SLA110", "duration-parts", "warning", """
    A compact duration repeats a unit or gives its units out of order (`4h4h`, `30m1h`):
    its parts are added up, which is rarely what was meant.

    ## Why
    A duration is written largest unit first, each unit once: `1d4h30m`. `4h4h` is read
    as 8 hours and `30m1h` as 1 hour 30 minutes, but both are more likely a typo (`4h`,
    `1h30m`) than a sum, and a deadline off by hours is hard to notice in review.

    ## Avoid
    ```
    within 4h4h
    ```

    ## Prefer
    ```
    within 8h
    ```
    """)

INVALID_SUPPRESSION = define("SLA111", "invalid-suppression", "warning", """
    A suppression comment cannot do what it says: it names a code or name that does not
    exist, names an error (errors cannot be suppressed), or is not written as slacode reads
    it.

    ## Why
    `# slacode: ignore[CODE, …]` at the end of a line (or on its own line, for the next
    statement), `# slacode: ignore-file[CODE, …]` for the whole file and ruff's
    `# noqa: CODE, …` hide the warnings and information they name. A misspelt code hides
    nothing, and silently so: the warning it was meant for still fails `lint --strict`,
    or a later, real warning of the code it does name goes unseen. Errors are never
    suppressed, because an agreement with errors cannot be evaluated: fix them instead.

    ## Avoid
    ```sla
    agreement "fx" { timezone "UTC"; teams sales }
    segment hot = score >= 80  # slacode: ignore[unused-segmnet]
    ```

    ## Prefer
    ```sla
    agreement "fx" { timezone "UTC"; teams sales }
    segment hot = score >= 80  # slacode: ignore[unused-segment]
    ```
    """)

UNUSED_SUPPRESSION = define("SLA112", "unused-suppression", "warning", """
    A suppression comment suppresses nothing: no diagnostic of the code it names starts on
    its line (or in the file, for `ignore-file`).

    ## Why
    A suppression outlives the warning it was written for: once the segment is used or
    the calendar removed, the comment stays and would hide the next, unrelated warning of
    that code on the line. Removing stale suppressions keeps each one meaningful, as
    ruff's `RUF100` does for `# noqa`. Unused suppressions are not reported in a file with
    errors, whose checks may not all have run. A comment that names this code as well
    (`# slacode: ignore[SLA217, unused-suppression]`) is not reported when it suppresses
    nothing; `# slacode: ignore-file[unused-suppression]` stops the report for the file.

    ## Avoid
    ```sla
    agreement "fx" { timezone "UTC"; teams sales }
    segment hot = score >= 80
    deadline first_touch {  # slacode: ignore[unused-segment]
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h for hot
    }
    ```

    ## Prefer
    ```sla
    agreement "fx" { timezone "UTC"; teams sales }
    segment hot = score >= 80
    deadline first_touch {
      owner sales
      start on assigned
      stop on contact_attempt
      within 4h for hot
    }
    ```
    """)

TOO_MANY_ERRORS = define("SLA113", "too-many-syntax-errors", "error", """
    slacode stopped reading the file after 10,000 syntax errors; the rest was not checked.

    ## Why
    Each syntax error is reported and the parser goes on with the next statement, so one
    run shows every independent problem. A file with this many errors is almost never an
    agreement being edited (a file of another kind, or a generated one gone wrong), and
    listing every line of it would only bury the first problems. The diagnostic says where
    reading stopped, so nothing is left out silently.

    ## Avoid
    `slacode lint export.csv`, or an agreement written by a generator with a systematic slip.

    ## Prefer
    Fix the first errors (usually one slip repeated) and run `slacode lint` again.
    """)
