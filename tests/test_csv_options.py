"""CSV exports as they come (an extension): `--csv-delimiter` / ``csv_delimiter`` and
`--column NAME=HEADER` / ``csv_columns``, their errors, and the header hints that suggest them.

The reference for every read with options is the same events written as standard CSV
(commas, the column names of LANGUAGE.md §4): the records must be the same.
"""
from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import slacode
from slacode import parallel
from slacode.cli import main
from slacode.events import EventInputError, read_events
from slacode.events_csv import csv_options, mapping_text
from tests.conftest import ROOT

AS_OF = "2026-12-01T00:00:00Z"
SPEC = """agreement "csv" { version "1"; timezone "UTC"; teams marketing, sales }
deadline first_touch { owner sales; start on assigned; stop on call; within 2h }
"""
STANDARD = ["lead", "at", "type", "id", "state", "owner", "fields.score"]
EXPORT = ["Lead ID", "Created Date", "Activity Type", "Activity ID", "state", "Owner Name", "Lead Score"]
MAPPING = {"lead": "Lead ID", "at": "Created Date", "type": "Activity Type", "id": "Activity ID",
           "owner": "Owner Name", "fields.score": "Lead Score"}
ROWS = [
    ["A", "2026-11-09T10:00:00Z", "state", "a1", "mql", "", "90"],
    ["A", "2026-11-09T11:00:00Z", "assigned", "a2", "", "Smith; Jo", ""],
    ["A", "2026-11-09T12:30:00Z", "call", "a3", "", "", ""],
    ["B", "2026-11-09T11:00:00Z", "assigned", "b1", "", "Lee, Ann", "7"],
    ["B", "2026-11-09T15:00:00Z", "call", "b2", "", "", ""],
    ["C", "2026-11-10T09:00:00Z", "assigned", "", "", 'Dee "DJ" | Ray', ""],
]


def write_csv(path, header, rows, delimiter=","):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def contents(batch):
    """What a batch says, without where it was read from."""
    return [(r.lead, r.at, r.type, r.state, r.fields, r.props, r.id) for r in batch.records]


def codes(batch):
    return [(d.code, d.line, d.column) for d in batch.diagnostics]


@pytest.fixture()
def standard(tmp_path):
    return write_csv(tmp_path / "standard.csv", STANDARD, ROWS)


# ----------------------------------------------------------------------- the delimiter

@pytest.mark.parametrize("written, given", [
    (";", ";"), (";", "semicolon"), ("\t", "\t"), ("\t", "\\t"), ("\t", "tab"), ("\t", "TAB"),
    ("|", "|"), ("|", "pipe"), (",", ","), (",", "comma"), (":", ":"),
])
def test_every_form_of_a_delimiter_reads_the_events_the_standard_file_holds(tmp_path, standard, written, given):
    path = write_csv(tmp_path / "export.csv", STANDARD, ROWS, delimiter=written)
    batch = read_events(path, csv_delimiter=given)
    assert batch.diagnostics == []
    assert contents(batch) == contents(read_events(standard))
    assert batch.records[1].props == {"owner": "Smith; Jo"}


@pytest.mark.parametrize("bad", ["", "ab", "a", "7", '"', " ", "\n", "\r", "semi"])
def test_a_delimiter_that_cannot_be_is_refused_with_the_choices(tmp_path, standard, bad):
    with pytest.raises(ValueError, match="use one character"):
        read_events(standard, csv_delimiter=bad)
    with pytest.raises(TypeError):
        read_events(standard, csv_delimiter=59)


cells = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00"),
                max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(delimiter=st.sampled_from([";", "\t", "|", ":"]), notes=st.lists(cells, min_size=1, max_size=4))
def test_cells_with_the_delimiter_quotes_and_line_breaks_read_as_with_commas(tmp_path, delimiter, notes):
    rows = [[f"L{k}", f"2026-11-09T1{k % 10}:00:00Z", "assigned", note] for k, note in enumerate(notes)]
    ours = write_csv(tmp_path / "ours.csv", ["lead", "at", "type", "note"], rows, delimiter)
    theirs = write_csv(tmp_path / "theirs.csv", ["lead", "at", "type", "note"], rows)
    a, b = read_events(ours, csv_delimiter=delimiter), read_events(theirs)
    assert contents(a) == contents(b)
    assert [(d.code, d.line, d.column, d.message) for d in a.diagnostics] == \
        [(d.code, d.line, d.column, d.message) for d in b.diagnostics]


def test_places_and_hints_follow_the_delimiter(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("lead;at;type;note\nA;not a time;t;x\nB;2026-11-09T10:00:00Z;t\nC;2026-11-09T10:00:00Z;t;z;;\n")
    batch = read_events(path, csv_delimiter=";")
    assert codes(batch) == [("SLA503", 2, 3), ("SLA501", 3, 1), ("SLA501", 4, 1)]
    short, long = batch.diagnostics[1].hint, batch.diagnostics[2].hint
    assert "end the row with 1 semicolon" in short and "`;;`" in short
    assert "a cell with a semicolon in it goes in double quotes" in long
    assert "remove the 2 trailing semicolons" in long


def test_a_header_ending_with_the_delimiter_says_so(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("lead|at|type|\nA|2026-11-09T10:00:00Z|t|\n")
    (d,) = read_events(path, csv_delimiter="|").diagnostics
    assert d.code == "SLA509" and d.column == 14 and "ends with a pipe" in d.hint


# ------------------------------------------------------------------------- the columns

def test_mapped_columns_read_as_the_standard_ones(tmp_path, standard):
    path = write_csv(tmp_path / "export.csv", EXPORT, ROWS, delimiter=";")
    for columns in (MAPPING, list(MAPPING.items()), [f"{k}={v}" for k, v in MAPPING.items()]):
        batch = read_events(path, csv_delimiter=";", csv_columns=columns)
        assert batch.diagnostics == []
        assert contents(batch) == contents(read_events(standard))
    assert batch.records[0].fields == {"score": 90}
    assert batch.records[3].props == {"owner": "Lee, Ann"}


def test_a_mapping_may_move_a_column_of_that_name_out_of_the_way(tmp_path):
    """`type` in a CRM export is often the record's type; the activity's is another column."""
    path = tmp_path / "e.csv"
    path.write_text("lead,at,type,Activity Type\nA,2026-11-09T10:00:00Z,Lead,call\n")
    (record,) = read_events(path, csv_columns={"type": "Activity Type", "record_type": "type"}).records
    assert record.type == "call" and record.props == {"record_type": "Lead"}
    with pytest.raises(EventInputError) as info:
        read_events(path, csv_columns={"type": "Activity Type"})
    message = str(info.value)
    assert message.startswith(f"{path}: the column mapping type=\"Activity Type\" reads the column 'Activity Type'")
    assert "has a column 'type' of its own" in message and "--column type_2=type" in message


def test_a_mapped_header_the_file_lacks_is_the_header_error_naming_the_mapping(tmp_path, standard):
    path = write_csv(tmp_path / "export.csv", EXPORT, ROWS)
    columns = dict(MAPPING, lead="Lead Id")
    batch = read_events(path, csv_columns=columns)
    (d,) = batch.diagnostics
    assert batch.records == [] and (d.code, d.line) == ("SLA509", 1)
    assert "missing column 'Lead Id' (of the column mapping lead=\"Lead Id\")" in d.message
    assert "missing column 'lead'" not in d.message          # said once, as the mapping's
    assert "the header has 'Lead ID': write lead=\"Lead ID\"" in d.hint
    # a property's header too: a mapping that reads nothing is not passed over
    (d,) = read_events(path, csv_columns=dict(MAPPING, channel="Channel")).diagnostics
    assert "missing column 'Channel' (of the column mapping channel=Channel)" in d.message
    assert "names no column of the file; its columns: 'Lead ID', 'Created Date'" in d.hint
    # a file that has the column under its own name reads it: the mapping is for the files that
    # name it otherwise (one run reads the exports of several CRMs, review 21c)
    batch = read_events(standard, csv_columns={"lead": "Lead ID"})
    assert batch.records and not batch.diagnostics


@pytest.mark.parametrize("columns, words", [
    (["lead=Lead ID", "lead=Contact"], 'lead is mapped twice (lead="Lead ID" and lead=Contact)'),
    ([("lead", "Lead ID"), ("owner", "Lead ID")], "the header 'Lead ID' is mapped twice"),
    (["lead"], "write NAME=HEADER"),
    (["=Lead ID"], "with both parts"),
    (["lead= "], "with both parts"),
    (["fields.=Score"], "'fields.' names no field"),
])
def test_mappings_that_cannot_be_are_refused(standard, columns, words):
    with pytest.raises(ValueError) as info:
        read_events(standard, csv_columns=columns)
    assert words in str(info.value)


def test_mapping_kinds_that_are_not_mappings_are_type_errors(standard):
    for columns in ("lead=Lead ID", [("lead",)], [("lead", 5)]):
        with pytest.raises(TypeError):
            read_events(standard, csv_columns=columns)


def test_mapping_text_quotes_for_a_shell():
    assert mapping_text("lead", "Lead_ID") == "lead=Lead_ID"
    assert mapping_text("at", "Created Date") == 'at="Created Date"'
    assert mapping_text("x", 'a "b" $c') == 'x="a \\"b\\" \\$c"'
    assert csv_options() is None and csv_options(None, []) is None
    assert csv_options(",").delimiter == ","


def test_a_repeated_event_is_compared_with_its_first_copy_read_with_the_options(tmp_path):
    """The first copy of a repeated id is read again from the file (SLA517 or SLA505)."""
    rows = [ROWS[1], ROWS[2], ROWS[1], [*ROWS[2][:6], "5"]]
    path = write_csv(tmp_path / "export.csv", EXPORT, rows, delimiter=";")
    batch = read_events(path, csv_delimiter=";", csv_columns=MAPPING)
    assert [d.code for d in batch.diagnostics] == ["SLA517", "SLA505"]
    assert "repeats the one at line 2 exactly" in batch.diagnostics[0].message


# ---------------------------------------------------------------------- header hints

@pytest.mark.parametrize("header, delimiter, words", [
    ("Lead ID;Created Date;Activity Type", None,
     "the file seems separated by ';'; read it with --csv-delimiter ';' --column lead=\"Lead ID\" "
     "--column at=\"Created Date\" --column type=\"Activity Type\" (or export it with commas)"),
    ("Lead;At;Type", None, "separated by ';'; read it with --csv-delimiter ';' --column lead=Lead --column at=At "
                           "--column type=Type (or export"),
    ("Lead\tAt\tType", None, "separated by a tab; read it with --csv-delimiter tab"),
    ("Lead|At|Type", None, "--csv-delimiter '|'"),
    ("Lead,At,Type", ";", "separated by ','; leave out --csv-delimiter (a comma is the default)"),
    ("Lead ID,Created Date,Activity Type", None,
     "rename the columns `Lead ID` to `lead`, `Created Date` to `at`, `Activity Type` to `type`, or read them "
     "as written with --column lead=\"Lead ID\" --column at=\"Created Date\" --column type=\"Activity Type\""),
    ("Lead,At,Type", None, "column names are case-sensitive: write lead, at and type in lower case, or read the "
                           "columns as they are with --column lead=Lead --column at=At --column type=Type"),
    ("laed,at,type", None, "rename the column `laed` to `lead`, or read it as written with --column lead=laed"),
    ("leadId,eventTime,type", None, "--column lead=leadId --column at=eventTime"),
    # the ids and the reps of an export, mapped too when one header fits (review 21c)
    ("Event ID;Lead ID;Created Date;Event Type;Owner;Channel", None,
     "--csv-delimiter ';' --column lead=\"Lead ID\" --column at=\"Created Date\" --column type=\"Event Type\" "
     "--column id=\"Event ID\" --column owner=Owner (or export"),
    ("Event ID,Lead ID,Created Date,Event Type,Lead Owner", None,
     "(slacode reads the lead, the time and the type of an event from `lead`, `at` and `type`); and read the "
     "events' ids (a repeated event is then found) and the reps with --column id=\"Event ID\" "
     "--column owner=\"Lead Owner\""),
    ("Lead ID,Created Date,Event Type,id,owner", None, "--column type=\"Event Type\" (slacode reads"),
])
def test_header_hints_suggest_the_options(tmp_path, header, delimiter, words):
    path = tmp_path / "e.csv"
    path.write_text(f"{header}\nA,2026-11-09T10:00:00Z,x\n")
    (d,) = read_events(path, csv_delimiter=delimiter).diagnostics
    assert d.code == "SLA509" and words in d.hint


def test_no_suggestion_where_two_headers_fit_as_well(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("Lead ID,Created Date,Modified Date,type\nA,2026-11-09T10:00:00Z,,x\n")
    (d,) = read_events(path).diagnostics
    assert "--column lead=\"Lead ID\"" in d.hint and "at=" not in d.hint
    assert "missing columns 'lead', 'at'" in d.message


def test_hints_do_not_import_difflib_until_a_header_is_unusable(tmp_path):
    from tests.conftest import run_fresh

    path = tmp_path / "e.csv"
    path.write_text("lead;at;type\nA;2026-11-09T10:00:00Z;x\n")
    out = run_fresh(f"""
        import sys
        from slacode.events import read_events
        batch = read_events({str(path)!r}, csv_delimiter=";", csv_columns={{"lead": "lead"}})
        assert len(batch.records) == 1 and not batch.diagnostics
        print("difflib" in sys.modules)
    """)
    assert out.strip() == "False"


# ---------------------------------------------------------------- sources and formats

def test_options_leave_json_lines_as_they_are(tmp_path):
    path = tmp_path / "e.jsonl"
    path.write_text(json.dumps({"lead": "A", "at": "2026-11-09T10:00:00Z", "type": "x", "Lead ID": "q"}) + "\n")
    plain = read_events(path)
    assert contents(read_events(path, csv_delimiter=";", csv_columns={"lead": "Lead ID"})) == contents(plain)


def test_standard_input_is_csv_with_options(monkeypatch):
    data = "Lead ID;at;type\nA;2026-11-09T10:00:00Z;x\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data.encode())))
    (record,) = read_events("-", csv_delimiter=";", csv_columns={"lead": "Lead ID"}).records
    assert record.lead == "A"
    stream = io.BytesIO(data.encode())
    (record,) = read_events(stream, csv_delimiter=";", csv_columns={"lead": "Lead ID"}).records
    assert record.lead == "A"


# ------------------------------------------------------------------- the command line

def write_spec(tmp_path):
    spec = tmp_path / "a.sla"
    spec.write_text(SPEC)
    return spec


OPTIONS = ["--csv-delimiter", ";"] + [a for k, v in MAPPING.items() for a in ("--column", f"{k}={v}")]


def _check(capsys, *args):
    code = main(["check", *map(str, args), "--as-of", AS_OF, "--format", "json"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _verdicts(out):
    data = json.loads(out)
    return data["verdicts"], [(d["code"], d["line"]) for d in data["diagnostics"]]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_check_with_options_gives_the_verdicts_of_the_standard_file(tmp_path, capsys, monkeypatch, standard, jobs):
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    spec = write_spec(tmp_path)
    export = write_csv(tmp_path / "export.csv", EXPORT, ROWS, delimiter=";")
    code, out, err = _check(capsys, spec, standard, "--jobs", jobs)
    assert code == 0, err
    expected = _verdicts(out)
    code, out, err = _check(capsys, spec, export, "--jobs", jobs, *OPTIONS)
    assert code == 0, err
    assert _verdicts(out) == expected
    assert [v["status"] for v in expected[0]] == ["met", "breached", "breached"]


def test_check_with_options_mixes_csv_and_json_lines(tmp_path, capsys, standard):
    spec = write_spec(tmp_path)
    export = write_csv(tmp_path / "export.csv", EXPORT, ROWS[:3], delimiter=";")
    more = tmp_path / "more.jsonl"
    more.write_text(json.dumps({"lead": "Z", "at": "2026-11-09T10:00:00Z", "type": "assigned"}) + "\n")
    code, out, err = _check(capsys, spec, export, more, *OPTIONS)
    assert code == 0, err
    assert [v["lead"] for v in json.loads(out)["verdicts"]] == ["A", "Z"]


def test_the_command_line_refuses_options_that_cannot_be(tmp_path, capsys, standard):
    spec = write_spec(tmp_path)
    for args, words in ((["--csv-delimiter", "ab"], "--csv-delimiter ab: use one character"),
                        (["--column", "lead"], "--column lead: write NAME=HEADER"),
                        (["--column", "lead=A", "--column", "lead=B"], "--column: lead is mapped twice"),
                        (["--column", "lead=type"], "has a column 'lead' of its own")):
        code, out, err = _check(capsys, spec, standard, *args)
        assert code == 2 and words in err and out == ""
        assert "Traceback" not in err and "internal error" not in err


def test_the_header_hint_on_the_command_line(tmp_path, capsys):
    spec = write_spec(tmp_path)
    export = write_csv(tmp_path / "export.csv", EXPORT, ROWS, delimiter=";")
    code = main(["check", str(spec), str(export), "--as-of", AS_OF])
    err = capsys.readouterr().out
    assert code == 0
    assert "SLA509" in err and "--csv-delimiter ';' --column lead=\"Lead ID\"" in err


def test_every_command_that_reads_events_takes_the_options(tmp_path, capsys, standard):
    spec = write_spec(tmp_path)
    export = write_csv(tmp_path / "export.csv", EXPORT, ROWS, delimiter=";")
    common = ["--as-of", AS_OF, *OPTIONS]
    for argv, standard_argv in (
        (["explain", spec, export, "--lead", "B", *common], ["explain", spec, standard, "--lead", "B", "--as-of", AS_OF]),
        (["report", spec, export, "--format", "json", *common], ["report", spec, standard, "--format", "json",
                                                                 "--as-of", AS_OF]),
        (["due", spec, export, "--format", "json", *common], ["due", spec, standard, "--format", "json",
                                                              "--as-of", AS_OF]),
        (["diff", spec, spec, "--events", export, "--format", "json", *common],
         ["diff", spec, spec, "--events", standard, "--format", "json", "--as-of", AS_OF]),
    ):
        code = main([str(a) for a in argv])
        got = capsys.readouterr()
        assert code == 0, got.err
        code = main([str(a) for a in standard_argv])
        want = capsys.readouterr()
        assert got.out.replace(str(export), "FILE") == want.out.replace(str(standard), "FILE")
        assert got.out.strip()
    # explain's lead suggestion reads the events again, with the options
    code = main(["explain", str(spec), str(export), "--lead", "b", *common])
    assert code == 2 and "did you mean 'B'" in capsys.readouterr().err


def test_diff_without_events_says_the_options_do_nothing(tmp_path, capsys):
    spec = write_spec(tmp_path)
    assert main(["diff", str(spec), str(spec), "--csv-delimiter", ";"]) == 0
    assert "--csv-delimiter and --column have no effect without --events" in capsys.readouterr().err


def test_help_of_check_names_the_options():
    from click.testing import CliRunner

    from slacode.cli import cli

    out = CliRunner().invoke(cli, ["check", "--help"]).output
    assert "--csv-delimiter CHAR" in out and "--column NAME=HEADER" in out


# ------------------------------------------------------------------------ the library

def test_evaluate_many_reads_csv_files_with_the_options(tmp_path, standard, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    agreement = slacode.loads(SPEC)
    export = write_csv(tmp_path / "export.csv", EXPORT, ROWS, delimiter=";")
    want = agreement.evaluate_many([standard], as_of=AS_OF, jobs=2)
    got = agreement.evaluate_many([export], as_of=AS_OF, jobs=2, csv_delimiter=";", csv_columns=MAPPING)
    assert [v.to_dict() for v in got.verdicts] == [v.to_dict() for v in want.verdicts]
    with pytest.raises(ValueError):
        agreement.evaluate_many([export], as_of=AS_OF, csv_delimiter="ab")


def test_the_bundled_events_read_the_same_through_an_export(tmp_path):
    """specs/events.jsonl's readable events, as standard CSV and as a `;` export with other names."""
    rows, header = [], ["lead", "at", "type", "id", "state"]
    for text in (ROOT / "specs" / "events.jsonl").read_text(encoding="utf-8").splitlines():
        try:
            event = json.loads(text)
        except ValueError:
            continue
        if not isinstance(event, dict):
            continue
        flat = {k: v for k, v in event.items() if k != "fields"}
        flat.update({f"fields.{k}": v for k, v in (event.get("fields") or {}).items()})
        for key in flat:
            if key not in header:
                header.append(key)
        rows.append(flat)
    cells = [["" if r.get(k) is None else str(r[k]) for k in header] for r in rows]
    standard = write_csv(tmp_path / "standard.csv", header, cells)
    renamed = {k: f"{k.replace('.', ' ').title()} (CRM)" for k in header}
    export = write_csv(tmp_path / "export.csv", [renamed[k] for k in header], cells, delimiter=";")
    a = read_events(standard)
    b = read_events(export, csv_delimiter=";", csv_columns={k: v for k, v in renamed.items()})
    assert len(a.records) > 2000
    assert contents(a) == contents(b)
    assert [(d.code, d.line, d.message) for d in a.diagnostics] == [(d.code, d.line, d.message) for d in b.diagnostics]


def test_a_short_row_names_the_mapped_columns_that_cannot_be_empty(tmp_path):
    # "Lead ID" is read as `lead`: a row without its date and type is broken, not short of empty cells
    header = ["Activity Type", "Created Date", "Lead ID", "Owner Name"]
    path = tmp_path / "e.csv"
    path.write_text(",".join(f'"{h}"' if " " in h else h for h in header) + "\ncall\n", encoding="utf-8")
    batch = read_events([str(path)], csv_columns={k: v for k, v in MAPPING.items() if v in header})
    (d,) = batch.diagnostics
    assert d.code == "SLA501"
    assert ("`Created Date` (read as `at`), `Lead ID` (read as `lead`) cannot be empty: the line was probably "
            "broken in two") in d.hint
    assert "commas" not in d.hint


def test_an_owner_column_under_an_exports_header_is_reported_with_its_mapping(tmp_path):
    """review 21c: `Lead Owner` left unmapped leaves every lead unassigned; SLA606 says how to read it."""
    import subprocess
    import sys

    path = tmp_path / "e.csv"
    path.write_text("id,lead,at,type,Lead Owner\ne1,L-1,2026-11-24T09:00:00Z,assigned,ana\n")
    spec = tmp_path / "a.sla"
    spec.write_text('agreement "x" { timezone "UTC"; teams sales }\n'
                    'deadline d { owner sales; start on assigned; stop on call; within 4h }\n')
    done = subprocess.run([sys.executable, "-m", "slacode", "check", str(spec), str(path), "--as-of",
                           "2026-11-24T10:00:00Z", "--fail-on", "input"], capture_output=True, text=True)
    assert done.returncode == 1
    said = done.stdout + done.stderr
    assert "SLA606" in said and 'or read the column as it is with --column owner="Lead Owner"' in said



@pytest.mark.parametrize("header, row, given, sep", [
    ("lead;at;type", "A;2026-11-09T10:00:00Z;x", None, "';'"),
    ("lead\tat\ttype", "A\t2026-11-09T10:00:00Z\tx", None, "a tab"),
    ("lead|at|type", "A|2026-11-09T10:00:00Z|x", None, "'|'"),
    ("Lead ID;Created Date;Type", "A;2026-11-09T10:00:00Z;x", None, "';'"),      # with the mappings below
])
def test_a_header_of_one_cell_split_by_another_separator_is_read_with_it(tmp_path, header, row, given, sep):
    """review 21c: each file of a run is read with its own separator (SLA519 says which), so a
    `;` export and a `,` export are read together; the mappings apply where their header is."""
    path = tmp_path / "e.csv"
    path.write_text(f"{header}\n{row}\n")
    columns = {"lead": "Lead ID", "at": "Created Date", "type": "Type"} if "Lead ID" in header else None
    batch = read_events(path, csv_delimiter=given, csv_columns=columns)
    assert [(r.lead, r.type) for r in batch.records] == [("A", "x")]
    [d] = batch.diagnostics
    assert (d.code, d.severity, d.line) == ("SLA519", "info", 1)
    assert d.message.startswith(f"the header's cells are separated by {sep}")


def test_two_crms_exports_in_one_run(tmp_path):
    semi = tmp_path / "sf.csv"
    semi.write_text("Event ID;Lead ID;Created Date;Event Type\ne1;L-1;2026-11-09T10:00:00Z;assigned\n")
    comma = tmp_path / "hs.csv"
    comma.write_text("id,lead,at,type\nh1,L-2,2026-11-09T10:00:00Z,assigned\n")
    columns = {"id": "Event ID", "lead": "Lead ID", "at": "Created Date", "type": "Event Type"}
    batch = read_events([semi, comma], csv_columns=columns)      # no delimiter named: each file's own
    assert [(r.lead, r.id) for r in batch.records] == [("L-1", "e1"), ("L-2", "h1")]
    assert [d.code for d in batch.diagnostics] == ["SLA519"]
    named = read_events([semi, comma], csv_delimiter=";", csv_columns=columns)   # named: it wins, in every file
    assert [(r.lead, r.id) for r in named.records] == [("L-1", "e1")]
    (d,) = named.diagnostics
    assert (d.code, d.file) == ("SLA509", str(comma))
    assert d.hint.startswith("the header is one column: the file seems separated by ','; leave out --csv-delimiter")


@pytest.mark.parametrize("text, given, hint", [
    ("lead\tat\ttype\nA\t2026-11-09T10:00:00Z\tx\n", ";", "the file seems separated by a tab; read it with --csv-delimiter tab"),
    ("lead;at;type\nA;2026-11-09T10:00:00Z;x\n", ",", "read it with --csv-delimiter ';'"),  # (the comma named: no export)
    ("lead|at|type\nA|2026-11-09T10:00:00Z|x\n", ";", "read it with --csv-delimiter '|'"),
    ("lead,at,type\nA,2026-11-09T10:00:00Z,x\n", "tab", "leave out --csv-delimiter (a comma is the default)"),
    ('"lead";"at";"type"\n"A";"2026-11-09T10:00:00Z";"x"\n', ",", "read it with --csv-delimiter ';'"),
])
def test_a_delimiter_named_wins_over_the_one_a_header_seems_written_with(tmp_path, text, given, hint):
    """fuzz 23: `--csv-delimiter ,` given was overridden by the separator the header seemed to
    have (SLA519 said so). A delimiter named is the one every CSV file is read with; a header it
    cannot read is SLA509, whose hint names the separator that reads it; left out, it is found."""
    path = tmp_path / "e.csv"
    path.write_text(text)
    batch = read_events(path, csv_delimiter=given)
    assert batch.records == []
    (d,) = batch.diagnostics
    assert d.code == "SLA509" and d.hint.endswith(hint)
    assert "export it with commas" not in d.hint and "'\\t'" not in d.hint      # review 23b F8
    if not d.message.startswith("the header cannot be read"):
        assert "the delimiter given" in d.message and "splits it into lead, at and type" in d.message
    found = read_events(path)                                   # not named: read, with the note
    assert [(r.lead, r.type) for r in found.records] == [("A", "x")]
    assert [x.code for x in found.diagnostics] == ([] if "," in text else ["SLA519"])   # (a comma: the default)


def test_a_named_delimiter_reaches_the_cli_as_named(tmp_path):
    """`--column` alone names no delimiter: the separator is still looked for; `--csv-delimiter ,`
    names one (the CLI passes the options to the reader as given)."""
    from slacode.cli import cli_csv_options, csv_arguments

    assert csv_arguments(cli_csv_options(None, ("lead=Lead ID",)))["csv_delimiter"] is None
    assert csv_arguments(cli_csv_options(",", ()))["csv_delimiter"] == ","


@pytest.mark.parametrize("header, given, column, sep", [
    ("lead;at;type,x", None, "`lead;at;type`", ";"),         # a `;` export with a comma in a column's name
    ("lead,at,type;x", ";", "`lead,at,type`", ","),
    ("Lead ID;At;Kind,net", None, "`Lead ID;At;Kind`", ";"),
])
def test_a_column_holding_another_separator_that_splits_the_header_cleanly_is_hinted(
        tmp_path, header, given, column, sep):
    """fuzz 23: a header of several columns, one of whose names holds a separator that splits the
    whole line into more named columns, hints at that separator (it gave a rename of the column)."""
    path = tmp_path / "e.csv"
    path.write_text(f"{header}\nA;2026-11-09T10:00:00Z;x\n")
    (d,) = read_events(path, csv_delimiter=given).diagnostics
    assert d.code == "SLA509"
    assert d.hint.startswith(f"the column {column} holds {sep!r}: the file seems separated by {sep!r}")
    assert ("leave out --csv-delimiter" if sep == "," else f"--csv-delimiter {sep!r}") in d.hint


@pytest.mark.parametrize("header", ["a;b,c", "x,a;b", "Lead ID,Created;Date,Kind"])
def test_a_column_holding_a_separator_that_splits_no_better_gets_no_such_hint(tmp_path, header):
    """`a;b,c` is two columns either way: no separator is the likelier one, so none is proposed."""
    path = tmp_path / "e.csv"
    path.write_text(f"{header}\n1,2,3\n")
    (d,) = read_events(path).diagnostics
    assert d.code == "SLA509" and "--csv-delimiter" not in (d.hint or "")


@pytest.mark.parametrize("header, given, columns, missing", [
    ("lead,at,notes;x;y;z", None, (), "missing column 'type'"),          # review 23b F3
    ("lead,at,notes;x;y;z", ",", (), "missing column 'type'"),
    ("lead;at;notes,x,y,z", ";", (), "missing column 'type'"),
    ("Lead ID,When,notes;x;y;z", None, (("lead", "Lead ID"), ("at", "When")), "missing column 'type'"),
])
def test_a_header_whose_separator_gives_lead_and_at_is_not_read_with_another(tmp_path, header, given, columns, missing):
    """review 23b F3: a comma file lacking `type` whose last column's name holds three `;` was said
    to lack `lead` and `at` too, with a hint to read it with `;`. The separator that gives `lead`
    and `at` is the file's: only the columns it really lacks are missing, and no other is hinted."""
    path = tmp_path / "e.csv"
    sep = given or ","
    path.write_text(f"{header}\nA{sep}2026-11-09T10:00:00Z{sep}hi\n")
    (d,) = read_events(path, csv_delimiter=given, csv_columns=dict(columns) or None).diagnostics
    assert d.code == "SLA509"
    assert d.message == f"unusable CSV header: {missing}; no event of the file is read"
    assert "--csv-delimiter" not in (d.hint or "") and "separated by" not in (d.hint or "")


@pytest.mark.parametrize("text", [
    "lead;at;type;Amount, net\nA;2026-11-09T10:00:00Z;x;5\n",          # a comma inside a column's name
    '"lead";"at";"type"\n"A";"2026-11-09T10:00:00Z";"x"\n',             # every header cell quoted
])
def test_the_separator_is_found_whatever_the_comma_reading_gave(tmp_path, text):
    """review 21e: the header read with commas is two cells, or cannot be read at all."""
    path = tmp_path / "e.csv"
    path.write_text(text)
    batch = read_events(path)
    assert [(r.lead, r.type) for r in batch.records] == [("A", "x")]
    assert [d.code for d in batch.diagnostics] == ["SLA519"]


def test_a_mapping_that_makes_room_applies_only_where_its_pair_does(tmp_path):
    """review 21e: `--column type="Activity Type" --column record_type=type` (the docs' advice for
    a file with both) leaves a plain `lead,at,type` file of the same run as it is."""
    plain = tmp_path / "plain.csv"
    plain.write_text("lead,at,type\nA,2026-11-09T10:00:00Z,x\n")
    both = tmp_path / "both.csv"
    both.write_text("lead,at,Activity Type,type\nB,2026-11-09T10:00:00Z,y,old\n")
    batch = read_events([plain, both], csv_columns=[("type", "Activity Type"), ("record_type", "type")])
    assert [(r.lead, r.type, r.props) for r in batch.records] == [("A", "x", {}), ("B", "y", {"record_type": "old"})]
    assert not batch.diagnostics


@pytest.mark.parametrize("header, columns, message", [
    # the mapped header is there once the line is split by `;`: at and type are what is missing
    ("Lead ID;Created Date;Activity Type", {"lead": "Lead ID"}, "missing columns 'at', 'type'; no event"),
    # lead and type are there split by `;`; the mapping's header is what is missing
    ("lead;when;type", {"at": "Created Date"},
     "missing column 'Created Date' (of the column mapping at=\"Created Date\"); no event"),
    ("Lead ID;Created Date;Activity Type", None, "missing columns 'lead', 'at', 'type'; no event"),
])
def test_a_one_column_header_lists_what_the_separator_the_hint_gives_lacks(tmp_path, header, columns, message):
    """review 21e (F12): not the columns the split has, read as missing from the one cell."""
    path = tmp_path / "e.csv"
    path.write_text(f"{header}\nA;2026-11-09T10:00:00Z;x\n")
    (d,) = read_events(path, csv_columns=columns).diagnostics
    assert d.code == "SLA509" and d.message == f"unusable CSV header: {message} of the file is read"
    assert "--csv-delimiter ';'" in d.hint


@pytest.mark.parametrize("lines, delimiter, hint", [
    ('"lead;at;type"\nA;2026-11-09T10:00:00Z;x\n', None, "read it with --csv-delimiter ';'"),
    ('"lead\tat\ttype"\nA\t2026-11-09T10:00:00Z\tx\n', None, "read it with --csv-delimiter tab"),
    ('"lead|at|type"\nA|2026-11-09T10:00:00Z|x\n', None, "read it with --csv-delimiter '|'"),
    ('"lead;at;type"\nA;2026-11-09T10:00:00Z;x\n', ";", ""),
    ('"lead,at,type"\n"A,2026-11-09T10:00:00Z,x"\n', None, ""),
    ('"lead,at,type"\nA,2026-11-09T10:00:00Z,x\n', ";", "leave out --csv-delimiter (a comma is the default)"),
])
def test_a_header_line_quoted_whole_gets_advice_that_works(tmp_path, lines, delimiter, hint):
    """review 21e (F11): `"lead;at;type"` is one cell whatever the separator; the hint says to take
    the quotes away (and which separator then reads it), and doing so reads the file."""
    path = tmp_path / "e.csv"
    path.write_text(lines)
    (d,) = read_events(path, csv_delimiter=delimiter).diagnostics
    assert d.code == "SLA509"
    assert "the whole line is quoted, so it is one column" in d.message and "missing" not in d.message
    assert d.hint.startswith("remove the quotes around the header line")
    assert d.hint.endswith(f", then {hint}" if hint else ")")
    fixed = path.with_name("fixed.csv")                            # the advice followed
    fixed.write_text("".join(line.strip('"') + "\n" for line in lines.splitlines()))
    sep = {"--csv-delimiter ';'": ";", "--csv-delimiter tab": "\t", "--csv-delimiter '|'": "|"}.get(
        hint.removeprefix("read it with "), delimiter if not hint else None)
    batch = read_events(fixed, csv_delimiter=sep)
    assert [(r.lead, r.type) for r in batch.records] == [("A", "x")] and not batch.diagnostics


def test_a_header_two_separators_read_says_the_other_fits_too(tmp_path):
    """review 21e (F4): `;` is taken (the first of `;`, tab, `|`, `,`), and the note says `|` fit too."""
    path = tmp_path / "e.csv"
    path.write_text("lead;at;type;x|lead|at|type\nP;2026-11-09T16:00:00Z;x;1|Q|2026-11-09T16:00:00Z|y\n")
    batch = read_events(path)
    (d,) = batch.diagnostics
    assert d.code == "SLA519" and d.message == (
        "the header's cells are separated by ';': the file is read with ';' between its cells ('|' splits it into "
        "lead, at and type as well)")
    assert [r.lead for r in batch.records] == ["P"]
    path.write_text("lead;at;type\nA;2026-11-09T16:00:00Z;x\n")                  # one fits: no more said
    (d,) = read_events(path).diagnostics
    assert d.message == "the header's cells are separated by ';': the file is read with ';' between its cells"


def test_csv_options_that_apply_to_no_file_are_said(tmp_path, capsys):
    """fuzz 22: `--column` given while every event file is JSON Lines changed nothing, unsaid."""
    spec, events, table = tmp_path / "a.sla", tmp_path / "e.jsonl", tmp_path / "e.csv"
    spec.write_text('agreement "x" { timezone "UTC"; teams sales }\n'
                    "deadline d {\n  owner sales\n  start on assigned\n  stop on call\n  within 4h\n}\n")
    events.write_text('{"lead": "A", "at": "2026-11-20T10:00:00Z", "type": "assigned"}\n')
    table.write_text("Lead ID,at,type\nB,2026-11-20T10:00:00Z,assigned\n")
    args = ["check", str(spec), "--as-of", "2026-11-20T12:00:00Z", "--format", "jsonl"]
    assert main([*args, str(events), "--column", "lead=Lead ID"]) == 0
    assert ("--column applies to CSV files only, and every event file here is JSON Lines: it changed nothing"
            in capsys.readouterr().err)
    main([*args, str(events), "--csv-delimiter", ";", "--column", "lead=Lead ID"])
    assert "--csv-delimiter and --column apply to CSV files only" in capsys.readouterr().err
    main([*args, str(events), str(table), "--column", "lead=Lead ID"])          # one CSV file: no note
    out = capsys.readouterr()
    assert "note:" not in out.err and '"lead":"B"' in out.out
    main([*args, str(events), "--column", "lead=Lead ID", "--input-format", "jsonl"])
    assert "changed nothing" in capsys.readouterr().err
    # every command that reads events says it (review 22d: explain and diff --events did not)
    for other in (["explain", str(spec), str(events), "--lead", "A"], ["diff", str(spec), str(spec), "--events",
                                                                          str(events)]):
        main([*other, "--as-of", "2026-11-20T12:00:00Z", "--csv-delimiter", ","])
        assert "--csv-delimiter applies to CSV files only" in capsys.readouterr().err, other
