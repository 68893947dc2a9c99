"""SLA5xx: event input: lines of an event file (or library events) that cannot be used.

Every unusable event gives one of these with its file, line and, where known, column; the
event is skipped and the rest of the input is still read. See :mod:`slacode.events`.
"""
from slacode.codes import define

MALFORMED_EVENT = define("SLA501", "malformed-event", "error", """
    A line of an event file is not an event: not a JSON object, or a CSV row that cannot be
    read.

    ## Why
    JSON Lines files hold one JSON object a line; CSV files one row a line with as many cells
    as the header has columns. A line cut short, two objects on one line, a JSON array or a
    row with a missing or extra cell cannot be read as an event, so it is skipped and
    reported with its line (and, for JSON, the column where reading stopped). The rest of the
    file is still used. A CSV row must write its empty cells too: for a row with trailing
    cells left off, the hint names the columns without a cell and the commas that end the
    row; for one with a cell too many, that a cell with a comma goes in double quotes. CSV
    has no comments: a line starting with `#` is a row, and when its cells do not fit the
    header the hint says so (delete the line).

    ## Avoid
    ```
    {"lead": "A", "at": "2026-11-09T16:00:00-03:00", "type": "assigned"
    [{"lead": "B", "at": "2026-11-09T17:00:00-03:00", "type": "assigned"}]
    ```

    ## Prefer
    ```
    {"lead": "A", "at": "2026-11-09T16:00:00-03:00", "type": "assigned"}
    {"lead": "B", "at": "2026-11-09T17:00:00-03:00", "type": "assigned"}
    ```
    """)

MISSING_KEY = define("SLA502", "missing-event-key", "error", """
    An event lacks a key it needs: `lead`, `at` or `type`, or `state` on an event of type
    `state`; or one of them is empty.

    ## Why
    Without the lead there is nobody to judge, without `at` no moment, without `type` nothing
    to match; a `state` event without the state it enters cannot move the lead anywhere.
    Guessing would move clocks silently, so the event is skipped and reported. When the line
    has the key under another name (`Lead`, `lead_id`, `timestamp`, `event_type`, a state
    event's `Status`, `stage` or `lifecycle_stage`: keys are case-sensitive), the diagnostic
    points at that key and says to rename it.

    ## Avoid
    ```
    {"lead": "A", "at": "2026-11-09T16:00:00-03:00", "type": "state"}
    {"at": "2026-11-09T16:00:00-03:00", "type": "assigned"}
    ```

    ## Prefer
    ```
    {"lead": "A", "at": "2026-11-09T16:00:00-03:00", "type": "state", "state": "mql"}
    {"lead": "A", "at": "2026-11-09T16:00:00-03:00", "type": "assigned"}
    ```
    """)

INVALID_TIMESTAMP = define("SLA503", "invalid-timestamp", "error", """
    The event's `at` is not an RFC 3339 timestamp, or names an instant that does not exist
    (`2026-02-30`, `25:00`, seconds `60`).

    ## Why
    Every deadline is computed from `at`. slacode reads `YYYY-MM-DDTHH:MM:SS`, an optional
    fraction of up to 9 digits (kept to the microsecond) and an offset (`Z`, `-03:00`);
    `t` or a space may replace `T` and `z` may replace `Z`. Other forms (epoch numbers,
    `09/11/2026`, a missing seconds part, offsets without a colon) are refused rather than
    guessed, and leap seconds (`:60`) are refused because no clock in the system can hold them.
    When an export writes such a form throughout, name it (an extension):
    `--timestamp-format epoch-ms`, `iso8601`, or a strptime format such as
    `'%m/%d/%Y %I:%M %p'`; a value that none of them reads either is still refused, with a
    hint naming the formats tried.

    ## Avoid
    ```
    {"lead": "A", "at": "2026-11-09 16:00", "type": "assigned"}
    {"lead": "A", "at": 1794250800, "type": "assigned"}
    ```

    ## Prefer
    ```
    {"lead": "A", "at": "2026-11-09T16:00:00-03:00", "type": "assigned"}
    ```
    """)

NO_OFFSET = define("SLA504", "timestamp-without-offset", "error", """
    The event's `at` has no offset (`Z` or `±HH:MM`) and no default time zone was given.

    ## Why
    `2026-11-09T16:00:00` is a different instant in São Paulo and in New York; reading it in
    some zone by default would shift every clock of the event by hours without a word. Give
    the offset in the data, or name the zone the whole input was written in: `--tz ZONE` on
    the command line, `default_tz=` in the library.

    ## Avoid
    ```
    {"lead": "A", "at": "2026-11-09T16:00:00", "type": "assigned"}
    ```

    ## Prefer
    ```
    {"lead": "A", "at": "2026-11-09T16:00:00-03:00", "type": "assigned"}
    ```
    or `slacode check acme.sla events.jsonl --tz America/Sao_Paulo`.
    """)

DUPLICATE_ID = define("SLA505", "duplicate-event-id", "warning", """
    A second event has the `id` of an earlier, different event; it is ignored.

    ## Why
    Ids make event exports safe to re-send: when the same event arrives twice (an overlapping
    export, a retried webhook), only the first counts, judged across all input files in the
    order they are given. An exact repeat (same id, same content) is its own warning,
    [SLA517](SLA517.md); an event whose id an event with another time, type, lead, state,
    fields or properties had first is a clash of two events under one id: it is reported
    with the place of the first one, so that it can be found and fixed. (When the first
    event cannot be read again to compare, from a stream that cannot seek or a one-pass
    iterator given to the library, every repeated id is reported with this code.)

    ## Avoid
    ```
    {"id": "e1", "lead": "A", "at": "2026-11-09T16:00:00-03:00", "type": "assigned"}
    {"id": "e1", "lead": "A", "at": "2026-11-10T10:30:00-03:00", "type": "contact_attempt"}
    ```

    ## Prefer
    ```
    {"id": "e1", "lead": "A", "at": "2026-11-09T16:00:00-03:00", "type": "assigned"}
    {"id": "e2", "lead": "A", "at": "2026-11-10T10:30:00-03:00", "type": "contact_attempt"}
    ```
    """)

AFTER_AS_OF = define("SLA506", "events-after-as-of", "info", """
    Some events of a file are later than `as_of`; they are not evaluated.

    ## Why
    Verdicts are judged as of one instant. Events after it have not happened yet from that
    point of view, so they are left out, and counted once per file (with the first such line)
    so nothing disappears unnoticed. An event exactly at `as_of` is evaluated.

    ## Avoid
    Passing an `--as-of` earlier than the export when you meant to judge all of it.

    ## Prefer
    Leave `--as-of` out (it defaults to now) or set it to the end of the period you report on.
    """)

INVALID_VALUE = define("SLA507", "invalid-event-value", "error", """
    A key of the event has a value of the wrong kind: `lead`, `type` or `state` not a
    string, `id` neither a string nor an integer, `fields` not an object, or (an event given
    to the library as a dict) a key of the event or of `fields` that is not text. The event
    is left out; the other events are read.

    ## Why
    Lead ids, event types and states are names; `fields` maps lead field names to values.
    A number where a lead id belongs (`"lead": 123`) is refused rather than converted, since
    `123` and `"0123"` would become the same lead; an integer `id` is accepted and read as
    its decimal text. The keys of `fields` are field names, so a dict built from a table
    with numbered columns (`{"fields": {0: 90}}`) is refused too, as `slacode.Event` refuses it;
    so is a key of the event itself that is not text (`{…, 5: "x"}`, `{…, b"channel": "web"}`,
    what a payload decoded from msgpack, YAML or a form may hold): properties are names too.

    ## Avoid
    ```
    {"lead": 123, "at": "2026-11-09T16:00:00-03:00", "type": "update", "fields": ["score", 90]}
    ```

    ## Prefer
    ```
    {"lead": "123", "at": "2026-11-09T16:00:00-03:00", "type": "update", "fields": {"score": 90}}
    ```
    """)

INVALID_UTF8 = define("SLA508", "invalid-utf8-event", "error", """
    A line of an event file is not valid UTF-8; it is skipped.

    ## Why
    Event files are UTF-8 text. A line with bytes of another encoding (Latin-1 accents from an
    old export, a binary fragment) cannot be read without guessing, which could change a lead
    id or a field value. The line is reported with the column of the first bad byte and the
    rest of the file is read.

    ## Avoid
    Exporting events as Latin-1 or Windows-1252.

    ## Prefer
    Export as UTF-8 (convert with `iconv -f latin1 -t utf-8 events.csv > events-utf8.csv`).
    """)

CSV_HEADER = define("SLA509", "csv-header", "error", """
    The header of a CSV event file is unusable: a required column (`lead`, `at`, `type`) is
    missing, a column name is empty or repeated, `fields.` names no field, or a column
    mapping (`--column NAME=HEADER`) names a header the file does not have. No event of the
    file is read.

    ## Why
    Every row is read through the header: without it slacode cannot know which cell is the
    lead, the time or the type, and a repeated name would make one cell hide another. Other
    columns become event properties, `fields.X` columns update lead field `X`. A header that
    is one column usually means the cells are separated by another character (`;` in
    spreadsheet exports where the comma is the decimal mark); the hint then gives the
    `--csv-delimiter` to read it with, and `--column` mappings for headers that most likely
    mean `lead`, `at` or `type` (`Lead ID`, `Created Date`, `Activity Type`), and the message
    names the columns the header lacks split so. A header line quoted whole
    (`"lead;at;type"`) is one column whatever the separator: the hint says to remove the
    quotes first.

    ## Avoid
    ```
    lead,when,type
    A,2026-11-09T16:00:00-03:00,assigned
    ```

    ## Prefer
    ```
    lead,at,type,owner,fields.score
    A,2026-11-09T16:00:00-03:00,assigned,rep-1,90
    ```
    or read the export as it is: `--column at=when` (`--csv-delimiter ';'` for cells
    separated by `;`).
    """)

SHIFTED_LOCAL_TIME = define("SLA510", "ambiguous-local-time", "warning", """
    A timestamp without an offset, read in the default zone (`--tz`, `default_tz=`), names a
    local time that a daylight saving change repeats or skips there; the event is read with
    the earlier offset and evaluated.

    ## Why
    When the clocks go back, a local time such as `01:30` happens twice, an hour apart; when
    they go forward, a time such as `02:30` never happens. The text alone cannot say which
    instant was meant. slacode reads a repeated time as its first occurrence and a skipped
    time with the offset in effect before the change (`02:30` becomes `03:30` of the new
    offset), and says so for each such event, since the instant may be an hour off.

    ## Avoid
    With `--tz America/New_York` (clocks went back at 02:00 that night, so 01:30 came twice):
    ```
    lead,at,type
    L1,2026-11-01T01:30:00,contact_attempt
    ```

    ## Prefer
    Export timestamps with their offset:
    ```
    lead,at,type
    L1,2026-11-01T01:30:00-05:00,contact_attempt
    ```
    """)

REPEATED_KEY = define("SLA511", "repeated-event-key", "warning", """
    A JSON event names the same key twice in one object; the last value is used.

    ## Why
    JSON leaves the meaning of a repeated key open, and readers differ: most keep the last
    value, some the first, some refuse the line. slacode keeps the last one, as most tools
    do, and says so for every repeated key (with its column), since the value that was
    dropped may be the one that was meant: two `lead` keys mean two different leads.

    ## Avoid
    ```
    {"lead": "A", "at": "2026-11-09T16:00:00-03:00", "type": "assigned", "owner": "rep-1", "owner": "rep-2"}
    ```

    ## Prefer
    ```
    {"lead": "A", "at": "2026-11-09T16:00:00-03:00", "type": "assigned", "owner": "rep-2"}
    ```
    """)

CSV_QUOTE_SPANS_ROWS = define("SLA512", "csv-quote-spans-rows", "warning", """
    A quoted CSV cell runs over several lines, and those lines read like events of their
    own: a closing quote is probably missing.

    ## Why
    A cell in quotes may hold line breaks (a note over several lines), so a quote that is
    opened and never closed takes the lines after it into that cell, up to the next quote.
    When those lines have every column of the header and a timestamp in `at`, they were most
    likely events, now read as text of one cell. The row is still read as written (it is
    valid CSV), and this warning names the lines that may be lost. A row that the stray quote
    leaves broken is an error (SLA501) instead, and the lines it took are read again as rows.

    ## Avoid
    ```
    lead,at,type,note
    A,2026-11-24T09:00:00-03:00,assigned,"Acme, Inc
    B,2026-11-24T09:05:00-03:00,assigned,called"
    ```

    ## Prefer
    ```
    lead,at,type,note
    A,2026-11-24T09:00:00-03:00,assigned,"Acme, Inc"
    B,2026-11-24T09:05:00-03:00,assigned,called
    ```
    """)

DOTTED_FIELD_KEY = define("SLA513", "dotted-field-key", "warning", """
    A JSON event (or an event dict given to the library) has a key written `fields.NAME`:
    it is read as a property of the event, not as an update of the lead's field `NAME`.

    ## Why
    In CSV a column `fields.score` updates the lead's field `score` (a header has no
    nesting). In JSON the lead's fields are an object, `"fields": {"score": 95}`; a key
    `"fields.score"` is one more property of the event, with a dot in its name, and no
    segment sees it. Flattened payloads (`pandas.json_normalize`, many integration tools)
    write exactly such keys. The event is used as written, and this warning says why
    `score` did not change.

    ## Avoid
    ```
    {"lead": "A", "at": "2026-11-09T16:00:00-03:00", "type": "update", "fields.score": 95}
    ```

    ## Prefer
    ```
    {"lead": "A", "at": "2026-11-09T16:00:00-03:00", "type": "update", "fields": {"score": 95}}
    ```
    """)

JSON_ARRAY_FILE = define("SLA514", "json-array-file", "error", """
    A JSON Lines input holds one JSON array (it starts with `[`), as many APIs and CRM
    exports write, or one JSON object (written over many lines, or on one) with the events
    in an array under a key (an API response: `{"results": [...], "paging": …}`), or
    event objects written indented one after another (as `json.dumps(event, indent=2)`
    writes each, no array around them), instead of one event object a line. A line that
    is such an object, among event lines or on standard input, is reported at that line.

    ## Why
    slacode streams events line by line, so that a history of millions of events never
    has to fit in memory. An array is one document: read line by line, every line of it
    would be a broken event. slacode reports the file once, at its first line, reads none
    of its events, and goes on with the other inputs.

    ## Avoid
    ```
    [
      {"lead": "A", "at": "2026-11-09T16:00:00-03:00", "type": "assigned", "owner": "ana"},
      {"lead": "A", "at": "2026-11-10T10:30:00-03:00", "type": "contact_attempt"}
    ]
    ```

    ## Prefer
    ```
    {"lead": "A", "at": "2026-11-09T16:00:00-03:00", "type": "assigned", "owner": "ana"}
    {"lead": "A", "at": "2026-11-10T10:30:00-03:00", "type": "contact_attempt"}
    ```
    (`jq -c '.[]' export.json > events.jsonl` converts one into the other;
    `jq -c '.results[]'` takes the events out of an API response, the hint names its key;
    indented objects one after another, not in an array, convert with `jq -c . FILE`:
    `.[]` would print each object's values instead.)
    """)

EMPTY_EVENTS_FILE = define("SLA515", "empty-events-file", "warning", """
    An events input holds nothing: no byte, or only blank lines (a CSV file: a header and
    no rows).

    ## Why
    An export that failed half-way, or a path that points at yesterday's truncated file,
    gives an empty input; the evaluation then has nothing to judge and every verdict is
    missing, not breached, so a CI gate on breaches would pass. slacode says so, once per
    input, so that `--fail-on input` can stop the run.

    ## Avoid
    An empty `events.jsonl` from a failed export.

    ## Prefer
    Check the export; leave an input out rather than pass an empty one.
    """)

SPACED_CSV_CELL = define("SLA516", "spaced-csv-cell", "warning", """
    Cells of a CSV file's `lead`, `type`, `id` or `state` column have spaces before or
    after their text (`L-2 `, ` assigned`).

    ## Why
    Those cells are names, matched exactly: ` assigned` is not the type `assigned` (no rule
    starts), `L-2 ` is another lead than `L-2` (its events are split between two leads). A
    spreadsheet or a hand edit adds such spaces without anyone seeing them. slacode uses
    the cells as written, as it must, and reports each column once per file, with how
    many cells and where the first is.

    ## Avoid
    ```
    lead,at,type
    L-2 ,2026-11-09T16:00:00-03:00, assigned
    ```

    ## Prefer
    ```
    lead,at,type
    L-2,2026-11-09T16:00:00-03:00,assigned
    ```
    """)

REPEATED_EVENT = define("SLA517", "repeated-event", "warning", """
    An event repeats an earlier one exactly (same id, same content); the copy is ignored.

    ## Why
    Overlapping exports (yesterday's file and today's share a day) and retried webhooks
    send the same event again. Its id says it is the same event and its content agrees, so
    it counts once, as §13 wants, and nothing in the data is wrong; it is still said on its
    line, as every event that is not used is (§4). When overlapping inputs are expected,
    `--ignore SLA517` leaves these out and keeps the clashes of two different events under
    one id ([SLA505](SLA505.md)), which are mistakes. Events compare by what slacode reads
    from them (lead, instant, type, state, fields and properties), not by their text: the
    same event written with its keys in another order, or its time with another offset, is
    the same event.

    ## Avoid
    ```
    {"id": "e1", "lead": "A", "at": "2026-11-09T16:00:00-03:00", "type": "assigned"}
    {"id": "e1", "lead": "A", "at": "2026-11-09T16:00:00-03:00", "type": "assigned"}
    ```

    ## Prefer
    ```
    {"id": "e1", "lead": "A", "at": "2026-11-09T16:00:00-03:00", "type": "assigned"}
    ```
    (or `--ignore SLA517` for exports that overlap on purpose)
    """)

FILE_NOT_READ = define("SLA518", "file-not-read", "warning", """
    A file in a folder of event files is not read: its name is not an event file's (or it is
    compressed in a format slacode does not read: `.bz2`, `.xz`, `.zst`, `.zip`), it is a
    link to a folder, it is not a regular file (a named pipe), or it is a link to a file
    that is not there.

    ## Why
    A folder given as events stands for its event files: `.jsonl`, `.ndjson`, `.json` and
    `.csv`, each also `.gz` (hidden files and folders are left out). A day's export saved as
    `leads.tsv` or `export.csv.txt` beside them would otherwise be missed without a word,
    and that day's leads would seem to have done nothing. Each such file is named once, so
    that `--fail-on input` fails the run until it is renamed or moved out. Links to folders
    inside the folder are not followed (one could lead back up, or to files named already),
    and a named pipe would be waited on forever; each is named too, and either is read when
    named on its own. A link to a file that is not there (a day's export moved or deleted,
    or a loop of links) is named with where it points, and the run goes on with the other
    files. A file compressed with bzip2, xz, zstd or zip is named with the command that
    decompresses it: renamed instead, its compressed bytes would be read as broken lines.

    ## Avoid
    ```
    exports/2026-11-23.jsonl
    exports/2026-11-24.tsv
    ```

    ## Prefer
    ```
    exports/2026-11-23.jsonl
    exports/2026-11-24.csv
    ```
    """)

CSV_DELIMITER_FOUND = define("SLA519", "csv-delimiter-found", "info", """
    No delimiter was named, a CSV file's header has none of the columns slacode reads with
    commas, and another usual separator (`;`, a tab, `|`) splits it into them, so the file
    is read with that separator.

    ## Why
    Spreadsheets in many countries export CSV with `;` between the cells, and a run often
    reads exports of several CRMs at once: one written with `;`, one with commas. Such a
    header cannot be read as it is (it has no `lead`, `at` and `type`), so when another
    separator gives those columns (after any `--column` mappings), that is how the file is
    written: each such file is read with its own separator, and this note says so once per
    file. When two separators give those columns, the first of `;`, a tab, `|` and `,` is
    taken and the note names the other (check that the rows read as meant). Give
    `--csv-delimiter` to say it when every file is written so (the note then goes), or leave
    the note out with `--ignore SLA519`. A delimiter named is never overridden: every CSV
    file of the run is read with it, and one whose header it cannot read is
    [SLA509](SLA509.md), whose hint names the separator that would read it. To read exports
    with different separators in one run, name none.

    ## Avoid
    ```
    lead;at;type
    A;2026-11-09T16:00:00-03:00;assigned
    ```
    read as `slacode check desk.sla leads.csv`

    ## Prefer
    ```
    lead;at;type
    A;2026-11-09T16:00:00-03:00;assigned
    ```
    read as `slacode check desk.sla leads.csv --csv-delimiter ';'`
    """)


DAMAGED_COMPRESSED = define("SLA520", "damaged-compressed-file", "error", """
    A gzip-compressed event file stops short of its end, or its compressed data is damaged
    or followed by bytes that are not gzip data: the lines before that point were read,
    the rest of the file could not be.

    ## Why
    A nightly export downloaded or copied while it was still being written, a disk that
    filled up, two files joined with `cat` after one was compressed: the file decompresses
    up to a point and then fails. slacode reads what it can, says at which line the rest
    was lost, and goes on with the other files, so that one broken file neither stops the
    run nor loses events without a word. The verdicts of the leads whose events were in
    the lost part are judged without them. Data that came whole but fails its checksum is
    read, and the error says some of its lines may be damaged (those that no longer read
    as events are reported one by one).

    ## Avoid
    A `.jsonl.gz` that `gzip -t` refuses (`unexpected end of file`, `trailing garbage`).

    ## Prefer
    The export downloaded or copied again, whole; `gzip -t events.jsonl.gz` prints nothing
    for a whole file.
    """)


RESERVED_KEY_SLIP = define("SLA521", "misspelt-reserved-key", "warning", """
    An event that is read has a key that is a reserved key misspelt, while it lacks that
    key: `field`, `feilds` or `Fields` for `fields`, `ID` or `Id` for `id`.

    ## Why
    Every key of an event but `lead`, `at`, `type`, `state`, `id` and `fields` is a property
    of the event (docs/events.md). A key one letter off `fields` is therefore read as a
    property, and the lead fields it holds are never set: a segment reading `score` is false
    for the lead, which silently gets the slow line of a deadline. A key `ID` is a property
    too, and the event has no id, so a repeat of it is not recognised. The event is still
    read as written (nothing is guessed); the warning names the line, the column of the key
    and the reserved key it most likely means. A key is compared with `fields` (six letters)
    by one edit (a letter added, left out or changed, or two neighbours swapped) or by case,
    with `id` by case only, and only when its value has the reserved key's shape: a
    misspelt `fields` holds an object, a misspelt `id` a string or an integer. A key `field`
    holding a string (a CRM field-history export's `"field": "Status"`, which a `where`
    reads) is a property and is not reported. A missing `lead`, `at`, `type` or `state` refuses the event
    instead ([SLA502](SLA502.md)), whose message then asks the same question (`typ`, `stat`).
    The same is said of the columns of a CSV header (`field.score`, `Fields.score`, `ID`).

    ## Avoid
    ```
    {"lead": "K-1", "at": "2026-11-24T10:00:00-03:00", "type": "state", "state": "mql", "field": {"score": 95}}
    ```

    ## Prefer
    ```
    {"lead": "K-1", "at": "2026-11-24T10:00:00-03:00", "type": "state", "state": "mql", "fields": {"score": 95}}
    ```
    If the key really is a property of the event, leave the warning out with `--ignore SLA521`.
    """)


TYPE_MAP_UNSEEN = define("SLA522", "type-map-type-unseen", "warning", """
    A type map (`--type-map OURS=THEIRS`, `type_map=` in Python) names a type THEIRS that no
    event of the input had: the mapping changed nothing.

    ## Why
    A type map is written for an export, and exports change: a CRM renames `Call` to
    `Call Logged`, a new export has no `Owner Change` rows, a mapping is written with the
    wrong case or spacing (types are matched exactly). Then the events the mapping was for
    are read under their own type, which the agreement does not read, and nothing says so
    unless the run does. A read of the whole input (`check`, `report`, `read_events`,
    `evaluate_many` of files) says each such mapping once, at the end, without a place in a
    file (the mapping is an option): the message names the mapping, the hint the same type
    written otherwise (case, spaces, `_`, `-`) when the input has one, else the input's most
    common types with their counts. It is an input problem: `--fail-on input` fails on it.
    Events in memory read through a map (`Agreement.evaluate(…, type_map=…)`) are a whole
    input when the aggregates are asked for (the default) and in `evaluate_many`: not a
    service's call for one lead, `aggregates=False`, where a type yet to come is no news, nor
    events among which are records of `read_events` (the read that made them says it).

    ## Avoid
    ```
    slacode check leads.sla export.csv --type-map contact_attempt=call
    ```
    where the export's `type` column says `Call`.

    ## Prefer
    ```
    slacode check leads.sla export.csv --type-map contact_attempt=Call
    ```
    If the mapping is for events yet to come, leave it out until they do, or leave the warning
    out with `--ignore SLA522`.
    """)

