"""The Verdict object as a Python developer meets it: its repr, its status type, and pydantic
(a FastAPI response_model) taking it, serialising it as to_dict() and describing it with the
published schema."""
from __future__ import annotations

import json
import typing

import jsonschema
import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

import slacode
from slacode.verdict import Status, Verdict
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def verdicts():
    agreement = slacode.load(ROOT / "specs" / "northwind.sla")
    return agreement.evaluate_many([ROOT / "specs" / "events.jsonl"], as_of="2026-11-20T18:00:00-03:00",
                                   jobs=1).verdicts


def test_the_repr_shows_what_is_set_with_instants_as_text():
    v = Verdict("L-1", "first_touch", "within", 1, "breached", started_at=1_795_525_200_000_000,
                due_at=1_795_528_800_500_000, evidence=["e1"])
    assert repr(v) == ("Verdict(lead='L-1', rule='first_touch', clause='within', cycle=1, status='breached', "
                       "started_at=2026-11-24T13:00:00+00:00, due_at=2026-11-24T14:00:00.500000+00:00, evidence=['e1'])")
    bare = Verdict(None, "volume", "count", None, "met")
    assert repr(bare) == "Verdict(lead=None, rule='volume', clause='count', cycle=None, status='met')"


def test_status_is_the_literal_of_the_six_statuses():
    assert set(typing.get_args(Status)) == {"met", "breached", "pending", "at_risk", "paused", "cancelled"}
    assert typing.get_type_hints(Verdict)["status"] == Status


def test_pydantic_serialises_every_verdict_as_to_dict_and_the_schema_accepts_it(verdicts):
    adapter = TypeAdapter(list[Verdict])
    dumped = json.loads(adapter.dump_json(verdicts))
    assert dumped == [v.to_dict() for v in verdicts]
    assert adapter.dump_python(verdicts[:5], mode="json") == [v.to_dict() for v in verdicts[:5]]
    assert any(v.lead is None for v in verdicts)            # targets and quotas too
    schema = adapter.json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(dumped, schema)
    # the schema stands alone (no reference left to resolve) and still refuses a wrong row
    assert "$ref" not in json.dumps(schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{**dumped[0], "status": "at-risk"}], schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{**dumped[0], "extra": 1}], schema)


def test_a_model_takes_verdicts_as_they_are_and_refuses_anything_else(verdicts):
    class Body(BaseModel):
        verdicts: list[Verdict]

    body = Body(verdicts=verdicts[:3])
    assert body.verdicts[0] is verdicts[0]
    assert json.loads(body.model_dump_json())["verdicts"] == [v.to_dict() for v in verdicts[:3]]
    with pytest.raises(ValidationError, match="instance of Verdict"):
        Body(verdicts=[verdicts[0].to_dict()])


def test_a_result_is_serialised_as_its_document_and_its_rows_are_the_verdicts_dicts(verdicts):
    from slacode.evaluate import _MANY_VERDICTS

    agreement = slacode.load(ROOT / "specs" / "northwind.sla")
    result = agreement.evaluate_many([ROOT / "specs" / "events.jsonl"], as_of="2026-11-20T18:00:00-03:00", jobs=1)
    adapter = TypeAdapter(slacode.Result)
    document = json.loads(adapter.dump_json(result))
    assert document == json.loads(json.dumps(result.to_dict()))
    jsonschema.validate(document, adapter.json_schema())
    assert result.verdict_dicts() == document["verdicts"] == [v.to_dict() for v in verdicts]
    # many verdicts: the same rows, with the collector paused and on again after
    import gc

    many = slacode.Result(result.agreement_id, result.version, result.as_of, result.zone,
                          verdicts * (_MANY_VERDICTS // len(verdicts) + 1), [])
    assert gc.isenabled()
    assert many.verdict_dicts() == [v.to_dict() for v in many.verdicts] == many.to_dict()["verdicts"]
    assert gc.isenabled()


def test_a_due_clock_is_serialised_as_to_dict_with_the_published_schema():
    agreement = slacode.load(ROOT / "specs" / "northwind.sla")
    batch = slacode.read_events(ROOT / "specs" / "events.jsonl")
    clocks = agreement.upcoming(batch, as_of="2026-11-20T18:00:00-03:00", overdue=True)
    assert clocks
    adapter = TypeAdapter(list[slacode.Due])
    dumped = json.loads(adapter.dump_json(list(clocks)))
    assert dumped == [json.loads(json.dumps(c.to_dict())) for c in clocks]
    jsonschema.validate(dumped, adapter.json_schema())
