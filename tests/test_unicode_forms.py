"""Names and texts in either Unicode form (review 24s BUG-2).

`ã` can be written as one code point (composed, NFC, what keyboards type) or as `a` and a
combining tilde (decomposed, NFD, what some exports and file systems write). slacode reads
both as the same name or text: the agreement's are composed when it is read, and an event's
field names, property names, event type, state and text values match in either form. An
ASCII agreement compiles exactly the predicates it did before.
"""
from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

import slacode
from slacode import compile as C


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


AGREEMENT = '''agreement "formas" {
  version "1"
  timezone "America/Sao_Paulo"
  teams marketing, sales
}

states {
  novo
  `Qualificação`
  perdido final
}

segment paulista = `região` == "São Paulo" or canal in ["ligação", "reunião"]

handoff passagem {
  owner marketing
  start on enter `Qualificação`
  stop on `atribuído`
  require `região`, `avaliação`
  within 15m for paulista
  within 4h
}

deadline retorno {
  owner sales
  start on `atribuído`
  stop on tentativa where canal contains "ligação"
  within 1h
}

quota valor {
  owner sales
  sum `valor_líquido` of venda
  at least 100 per month
}
'''


def events(form) -> list[dict]:
    """Two leads' histories with every non-ASCII name and text passed through ``form``."""
    def lead(name: str, city: str) -> list[dict]:
        return [
            {"lead": name, "at": "2026-11-10T10:00:00-03:00", "type": "state", "state": form("Qualificação"),
             "fields": {form("região"): form(city), form("avaliação"): form("ótima")}},
            {"lead": name, "at": "2026-11-10T10:10:00-03:00", "type": form("atribuído"), "owner": "ana"},
            {"lead": name, "at": "2026-11-10T10:40:00-03:00", "type": "tentativa", "canal": form("ligação direta")},
            {"lead": name, "at": "2026-11-10T11:00:00-03:00", "type": "venda", form("valor_líquido"): 60},
        ]
    return lead("A", "São Paulo") + lead("B", "Brasília")


def verdicts(agreement, evs) -> list[tuple]:
    result = agreement.evaluate(evs, as_of="2026-11-30T12:00:00-03:00")
    return [(v.lead, v.rule, v.clause, v.cycle, v.status, v.due_at, v.value) for v in result.verdicts]


def test_decomposed_events_are_read_as_the_composed_agreement_means_them():
    agreement = slacode.loads(AGREEMENT)
    composed = verdicts(agreement, events(lambda s: s))
    assert verdicts(agreement, events(nfd)) == composed
    got = {(lead, rule, clause): status for lead, rule, clause, _, status, _, _ in composed}
    # A is paulista (15m target), B is not (4h): both handed off at 10:10
    assert got[("A", "passagem", "within")] == "met" and got[("A", "passagem", "require")] == "met"
    assert got[("A", "retorno", "within")] == "met"
    assert got[(None, "valor", "sum")] == "met"       # 60 + 60 of at least 100
    result = agreement.evaluate(events(nfd), as_of="2026-11-30T12:00:00-03:00")
    assert not [d for d in result.diagnostics if d.code in ("SLA601", "SLA605", "SLA616", "SLA617")]


def test_a_decomposed_agreement_means_what_the_composed_one_does():
    composed = slacode.loads(AGREEMENT)
    decomposed = slacode.loads(nfd(AGREEMENT))
    assert not [d for d in decomposed.diagnostics if d.severity == "error"]
    for form in (lambda s: s, nfd):
        assert verdicts(decomposed, events(form)) == verdicts(composed, events(form))


def test_a_segment_misses_when_the_text_differs_in_more_than_its_form():
    agreement = slacode.loads(AGREEMENT)
    lead_a = [e for e in events(nfd) if e["lead"] == "A"]
    lead_a[0] = {**lead_a[0], "fields": {"região": "Sao Paulo", "avaliação": "ótima"}}     # no tilde at all
    got = {(v.rule, v.clause): v for v in agreement.evaluate(lead_a, as_of="2026-11-30T12:00:00-03:00").verdicts}
    assert got[("passagem", "within")].target_seconds == 4 * 3600


def test_an_ascii_predicate_is_compiled_as_before():
    agreement = slacode.loads(AGREEMENT.replace("`região`", "regiao").replace("São Paulo", "Sao Paulo")
                              .replace('["ligação", "reunião"]', '["call"]'))
    decls = {d.name.value: d for d in agreement.declarations if getattr(d, "name", None) is not None}
    pred = decls["paulista"].predicate
    fns = [C.compile_pred(p, {}) for p in pred.items]
    assert [f.__name__ for f in fns] == ["compare_eq", "member"]
    accented = slacode.loads(AGREEMENT)
    decls = {d.name.value: d for d in accented.declarations if getattr(d, "name", None) is not None}
    assert [C.compile_pred(p, {}).__name__ for p in decls["paulista"].predicate.items] == ["either_form"] * 2


words = st.text(alphabet="aãeéçõ", min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(city=words, value=words)
def test_either_form_of_the_value_gives_the_same_answer(city, value):
    agreement = slacode.loads(AGREEMENT.replace("São Paulo", city))
    lead = [{"lead": "L", "at": "2026-11-10T10:00:00-03:00", "type": "state", "state": "Qualificação",
             "fields": {"região": value, "avaliação": "x"}},
            {"lead": "L", "at": "2026-11-10T10:20:00-03:00", "type": "atribuído", "owner": "ana"}]
    decomposed = [{**lead[0], "fields": {"região": nfd(value), "avaliação": "x"}}, lead[1]]
    first = verdicts(agreement, lead)
    assert verdicts(agreement, decomposed) == first
    within = next(v for v in first if v[1] == "passagem" and v[2] == "within")
    same = unicodedata.normalize("NFC", value) == unicodedata.normalize("NFC", city)
    assert within[4] == ("breached" if same else "met")     # 20 minutes: late only for the 15m target
