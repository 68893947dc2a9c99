#!/usr/bin/env python3
"""Generate ``specs/events.jsonl``: seven weeks of Northwind Analytics' inbound leads.

The history is invented but shaped like a real CRM export: leads arrive through the web
form, webinars, demo requests and partners; marketing routes them to the São Paulo or the
New York desk; reps call and email them, sometimes at bad hours or in bursts; some leads go
on hold, most get a disposition (sql, nurture, disqualified) and the latest ones are still
open when the export was taken. Three lines are broken on purpose (a truncated JSON line,
a timestamp without an offset and an event sent twice with the same id) so that
``slacode check`` can show how it reports bad input and keeps going.

The output is deterministic: a fixed seed, no clock, the standard library only.

    python3 specs/generate_events.py            # (re)write specs/events.jsonl
    python3 specs/generate_events.py --check    # exit 1 if the committed file differs
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

SEED = 20261120
LEADS = 400
FIRST_DAY = date(2026, 10, 5)
LAST_DAY = date(2026, 11, 20)
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
NEW_YORK = ZoneInfo("America/New_York")
# The export was taken on the evening of 20 November (São Paulo); later events do not exist.
EXPORT_AT = datetime(2026, 11, 20, 22, 0, tzinfo=SAO_PAULO)
OUTPUT = Path(__file__).with_name("events.jsonl")


# --------------------------------------------------------------------------- desks

@dataclass(frozen=True)
class Desk:
    """A sales desk's opening hours, close enough to the agreement's calendars."""

    name: str
    tz: ZoneInfo
    opens: time
    closes: time
    closed: frozenset[date]
    special: dict[date, tuple[time, time]] = field(default_factory=dict)

    def interval(self, day: date) -> tuple[datetime, datetime] | None:
        """The open interval of ``day`` in the desk's timezone, if the desk opens."""
        if day in self.special:
            start, end = self.special[day]
        elif day.weekday() >= 5 or day in self.closed:
            return None
        else:
            start, end = self.opens, self.closes
        return (datetime.combine(day, start, self.tz), datetime.combine(day, end, self.tz))

    def add(self, at: datetime, minutes: float) -> datetime:
        """The instant ``minutes`` of open time after ``at`` (``at`` itself when 0)."""
        at = at.astimezone(self.tz)
        remaining = timedelta(minutes=minutes)
        day = at.date()
        for _ in range(400):
            window = self.interval(day)
            if window is not None:
                begin = max(at, window[0])
                if begin < window[1]:
                    available = window[1] - begin
                    if available >= remaining:
                        return begin + remaining
                    remaining -= available
            day += timedelta(days=1)
        raise RuntimeError("no open time within 400 days")

    def is_open(self, at: datetime) -> bool:
        local = at.astimezone(self.tz)
        window = self.interval(local.date())
        return window is not None and window[0] <= local < window[1]


BR_HOLIDAYS = {date(2026, 10, 12), date(2026, 11, 2), date(2026, 11, 15), date(2026, 11, 20)}
US_HOLIDAYS = {date(2026, 10, 12), date(2026, 11, 11), date(2026, 11, 26)}
DESKS = {
    "br": Desk("br", SAO_PAULO, time(8), time(18),
               frozenset(BR_HOLIDAYS | {date(2026, 10, 30)}),
               {date(2026, 11, 14): (time(9), time(13))}),
    "us": Desk("us", NEW_YORK, time(9), time(17), frozenset(US_HOLIDAYS | {date(2026, 11, 27)})),
}
# Marketing operations routes every lead from São Paulo.
ROUTING = DESKS["br"]

# Reps per desk with how fast they usually are (a multiplier of the typical delays).
REPS = {
    "br": [("carla.mendes", 0.6), ("bruno.teixeira", 1.0), ("renata.oliveira", 0.8),
           ("diego.santos", 1.3), ("marina.costa", 1.0), ("felipe.araujo", 2.2)],
    "us": [("jake.morrison", 0.8), ("priya.raman", 1.0), ("tom.becker", 2.0)],
}

# --------------------------------------------------------------------------- people

COUNTRIES = [("BR", 58), ("US", 22), ("PT", 7), ("CA", 4), ("MX", 5), ("AR", 4)]
TIMEZONES = {
    "BR": ["America/Sao_Paulo"] * 6 + ["America/Manaus", "America/Recife"],
    "US": ["America/New_York"] * 3 + ["America/Chicago", "America/Los_Angeles", "America/Denver"],
    "PT": ["Europe/Lisbon"],
    "CA": ["America/Toronto", "America/Vancouver"],
    "MX": ["America/Mexico_City"],
    "AR": ["America/Argentina/Buenos_Aires"],
}
SOURCES = [("web_form", 38), ("webinar", 20), ("demo_request", 12), ("ebook", 15),
           ("partner", 9), ("event", 6)]
FIRST_NAMES = {
    "pt": ["Ana", "Beatriz", "Camila", "Daniel", "Eduardo", "Fernanda", "Gabriel", "Helena",
           "Igor", "Juliana", "Lucas", "Mariana", "Otávio", "Paula", "Rafael", "Sofia",
           "Thiago", "Vitória", "João", "Inês", "Rui", "Tomás"],
    "es": ["Alejandro", "Carmen", "Diego", "Lucía", "Martín", "Valentina", "Santiago", "Sofía"],
    "en": ["Emily", "Michael", "Sarah", "David", "Jessica", "Ryan", "Olivia", "Kevin",
           "Megan", "Brian", "Hannah", "Jason"],
}
LAST_NAMES = {
    "pt": ["Silva", "Souza", "Oliveira", "Pereira", "Costa", "Rodrigues", "Almeida", "Nunes",
           "Carvalho", "Ferreira", "Ribeiro", "Gomes", "Martins", "Lopes"],
    "es": ["García", "Fernández", "López", "Martínez", "González", "Romero", "Díaz"],
    "en": ["Smith", "Johnson", "Brown", "Miller", "Davis", "Wilson", "Clark", "Walker",
           "Young", "Hall"],
}
COMPANY_PARTS = {
    "pt": (["Grupo", "Distribuidora", "Indústrias", "Rede", "Construtora", "Laboratório",
            "Cooperativa", "Transportes", "Editora", "Clínica"],
           ["Aurora", "Horizonte", "Ipê", "Paraná", "Atlântico", "Serra Azul", "Boa Vista",
            "Cerrado", "Litoral", "Jequitibá", "Pampa", "Tietê", "Mantiqueira"]),
    "es": (["Grupo", "Distribuidora", "Industrias", "Logística", "Laboratorios"],
           ["del Sur", "Andina", "Pampa", "Río Claro", "Sierra Madre", "Cóndor"]),
    "en": (["Hudson", "Lakeside", "Granite", "Blue Ridge", "Prairie", "Harbor", "Summit",
            "Redwood", "Bayview", "Ironwood"],
           ["Freight", "Health", "Logistics", "Foods", "Retail", "Capital", "Labs",
            "Manufacturing", "Software", "Energy"]),
}
LANGUAGE = {"BR": "pt", "PT": "pt", "MX": "es", "AR": "es", "US": "en", "CA": "en"}
TLD = {"BR": ".com.br", "PT": ".pt", "MX": ".com.mx", "AR": ".com.ar", "US": ".com", "CA": ".ca"}
PHONE_PREFIX = {"BR": "+55", "PT": "+351", "MX": "+52", "AR": "+54", "US": "+1", "CA": "+1"}


def weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    """Pick a value from ``(value, weight)`` pairs."""
    total = sum(weight for _, weight in pairs)
    point = rng.randrange(total)
    for value, weight in pairs:
        if point < weight:
            return value
        point -= weight
    raise AssertionError("unreachable")


def slug(text: str) -> str:
    """A lower-case ASCII domain label for a company name."""
    table = str.maketrans("áàâãäéêíóôõúüçñ", "aaaaaeeiooouucn")
    return "".join(ch for ch in text.lower().translate(table) if ch.isalnum())


def make_profile(rng: random.Random, country: str) -> dict:
    """The fields a lead arrives with (some of them missing, as in real forms)."""
    lang = LANGUAGE[country]
    first, last = rng.choice(FIRST_NAMES[lang]), rng.choice(LAST_NAMES[lang])
    head, tail = COMPANY_PARTS[lang]
    company = f"{rng.choice(head)} {rng.choice(tail)}"
    domain = slug(company) + TLD[country]
    source = weighted(rng, SOURCES)
    if source == "demo_request":
        score = rng.randint(60, 100)
    else:
        score = int(rng.triangular(5, 98, 45))
    employees = rng.choice([3, 8, 15, 25, 40, 60, 120, 250, 400, 800, 1500, 3000, 12000])
    profile = {
        "name": f"{first} {last}",
        "email": f"{slug(first)}.{slug(last)}@{domain}",
        "company": company,
        "country": country,
        "employees": employees,
        "source": source,
        "score": score,
    }
    if rng.random() < 0.68:
        digits = "".join(str(rng.randrange(10)) for _ in range(9))
        profile["phone"] = f"{PHONE_PREFIX[country]} {digits}"
    if rng.random() < 0.05:
        del profile["company"]          # free-mail sign-ups without a company
    if rng.random() < 0.01:
        del profile["email"]
    if rng.random() < 0.55:
        profile["timezone"] = rng.choice(TIMEZONES[country])
    return profile


def is_hot(fields: dict) -> bool:
    """The agreement's ``hot`` segment, for shaping the simulation only."""
    return (fields.get("score", 0) >= 80 or fields.get("source") == "demo_request") \
        and bool(fields.get("phone"))


# --------------------------------------------------------------------------- leads

class Lead:
    """Collects one lead's events while its story is simulated."""

    def __init__(self, lead_id: str, desk: Desk) -> None:
        self.id = lead_id
        self.desk = desk
        self.events: list[tuple[datetime, dict]] = []
        self.fields: dict = {}

    def emit(self, at: datetime, type_: str, *, state: str | None = None,
             fields: dict | None = None, tz: ZoneInfo | None = None, **props) -> None:
        local = at.astimezone(tz or self.desk.tz).replace(microsecond=0)
        event = {"lead": self.id, "at": local.isoformat(), "type": type_}
        if state is not None:
            event["state"] = state
        event.update(props)
        if fields:
            event["fields"] = dict(fields)
            self.fields.update(fields)
        self.events.append((local, event))

    def state(self, at: datetime, state: str, **kwargs) -> None:
        self.emit(at, "state", state=state, **kwargs)


def arrival(rng: random.Random, tz: ZoneInfo) -> datetime:
    """When a lead fills in a form: mostly office hours, sometimes evenings and weekends."""
    days = (LAST_DAY - FIRST_DAY).days + 1
    while True:
        day = FIRST_DAY + timedelta(days=rng.randrange(days))
        if day.weekday() < 5 or rng.random() < 0.3:
            break
    hour = weighted(rng, [(str(h), w) for h, w in enumerate(
        [1, 1, 0, 0, 0, 0, 1, 3, 6, 9, 10, 10, 7, 8, 10, 10, 9, 7, 5, 4, 4, 3, 2, 1])])
    return datetime.combine(day, time(int(hour), rng.randrange(60)), tz)


def off_hours(rng: random.Random, desk: Desk, after: datetime) -> datetime:
    """An evening slot on the same local day (the rep working from home), or the next one."""
    local = after.astimezone(desk.tz)
    slot = datetime.combine(local.date(), time(rng.randint(19, 21), rng.randrange(60)), desk.tz)
    return slot if slot > local else slot + timedelta(days=1)


def attempt_channel(rng: random.Random, fields: dict, first: bool) -> str:
    if not fields.get("phone"):
        return "email"
    return "phone" if rng.random() < (0.9 if first else 0.55) else "email"


def simulate(rng: random.Random, number: int) -> Lead:
    """Play one lead's story from arrival to (perhaps) a disposition."""
    country = weighted(rng, COUNTRIES)
    desk = DESKS["us" if country in ("US", "CA") else "br"]
    lead = Lead(f"nw-{number:04d}", desk)
    profile = make_profile(rng, country)
    arrived = arrival(rng, desk.tz)

    # Top of the funnel: content downloads enter as `lead`, the rest straight as `mql`.
    if profile["source"] in ("ebook", "webinar") and rng.random() < 0.6:
        lead.state(arrived, "lead", fields=profile)
        fate = rng.random()
        later = arrived + timedelta(hours=rng.uniform(6, 120))
        if fate < 0.12:
            lead.state(later, "disqualified")
            return lead
        if fate < 0.25:
            return lead                                   # still a lead at export time
        bump = {"score": min(100, profile["score"] + rng.randint(15, 40))}
        lead.emit(later, "update", fields=bump)
        mql_at = later + timedelta(minutes=rng.randint(1, 30))
        lead.state(mql_at, "mql")
    else:
        mql_at = arrived
        lead.state(mql_at, "mql", fields=profile)
    return work_mql(rng, lead, mql_at, cycle=1)


def work_mql(rng: random.Random, lead: Lead, mql_at: datetime, cycle: int) -> Lead:
    """From an MQL to routing, attempts and a disposition."""
    desk = lead.desk
    if rng.random() < 0.04:                               # spam caught by marketing ops
        lead.state(mql_at + timedelta(minutes=rng.randint(20, 300)), "disqualified")
        return lead

    # Enrichment sometimes fills a gap before routing (and once in a while breaks a phone).
    hot = is_hot(lead.fields)
    routing_minutes = rng.uniform(3, 28) if hot else rng.uniform(10, 110)
    if rng.random() < 0.08:
        routing_minutes *= rng.uniform(1.5, 4)            # the routing queue got stuck
    routed = ROUTING.add(mql_at, routing_minutes)
    if "company" not in lead.fields and rng.random() < 0.5:
        lead.emit(routed - timedelta(minutes=2), "update",
                  fields={"company": "Autônomo" if lead.fields["country"] == "BR" else "Self-employed"})
    if rng.random() < 0.06:
        lead.emit(mql_at + timedelta(minutes=rng.randint(1, 60)), "update",
                  fields={"employees": rng.choice([50, 200, 900, 2500])})
    if lead.fields.get("phone") and rng.random() < 0.015:
        lead.emit(mql_at + timedelta(minutes=rng.randint(1, 60)), "update", fields={"phone": None})

    rep, speed = rng.choice(REPS[desk.name])
    lead.emit(routed, "assigned", owner=rep, desk=desk.name, tz=ROUTING.tz)
    hot = is_hot(lead.fields)

    # Sometimes the rep is on vacation and the lead moves to a colleague.
    reassign_at = None
    if rng.random() < 0.09:
        reassign_at = desk.add(routed, rng.uniform(30, 900))
        others = [r for r in REPS[desk.name] if r[0] != rep]
        new_rep, new_speed = rng.choice(others)

    # Contact attempts: a first touch, then a cadence until a conversation or giving up.
    if hot:
        first_delay = rng.uniform(1, 11) * min(speed, 1.3)
        if rng.random() < 0.1:
            first_delay = rng.uniform(15, 120)            # the rep was in a meeting
    else:
        first_delay = rng.uniform(10, 200) * speed
    at = desk.add(routed, first_delay)
    planned = rng.choice([2, 3, 4, 5, 6, 6, 6, 7, 7, 8])
    connected_at = None
    for index in range(planned):
        if reassign_at is not None and at >= reassign_at:
            lead.emit(reassign_at, "assigned", owner=new_rep, desk=desk.name, tz=ROUTING.tz)
            rep, speed, reassign_at = new_rep, new_speed, None
        if index > 0 and rng.random() < 0.04:
            at = off_hours(rng, desk, at)                 # an evening call from home
        channel = attempt_channel(rng, lead.fields, first=index == 0)
        if channel == "phone":
            outcome = weighted(rng, [("connected", 22), ("no_answer", 45), ("voicemail", 28),
                                     ("wrong_number", 5)])
        else:
            outcome = weighted(rng, [("replied", 12), ("sent", 84), ("bounced", 4)])
        lead.emit(at, "contact_attempt", channel=channel, outcome=outcome, rep=rep)
        if outcome in ("connected", "replied"):
            connected_at = at
            break
        if rng.random() < 0.05:                           # a burst: a call, then an email
            at = at + timedelta(minutes=rng.randint(3, 40))
        else:
            at = desk.add(at, rng.uniform(150, 900) * speed)
    if reassign_at is not None and reassign_at <= at:
        lead.emit(reassign_at, "assigned", owner=new_rep, desk=desk.name, tz=ROUTING.tz)

    if connected_at is None:
        gave_up = desk.add(at, rng.uniform(60, 1200) * speed)
        if rng.random() < 0.12:
            lead.state(gave_up, "disqualified")
        else:
            lead.state(gave_up, "nurture")
            if cycle == 1 and rng.random() < 0.08:        # the nurture stream revives it
                back = gave_up + timedelta(days=rng.uniform(4, 12))
                lead.emit(back - timedelta(minutes=1), "update",
                          fields={"score": min(100, lead.fields.get("score", 40) + 25)})
                lead.state(back, "mql")
                return work_mql(rng, lead, back, cycle=2)
        return lead

    # A conversation: accepted, maybe on hold for a while, then a disposition.
    if rng.random() < 0.02:                               # skipping `sal`: a flow breach
        lead.state(desk.add(connected_at, rng.uniform(10, 60)), "sql")
        return lead
    accepted = desk.add(connected_at, rng.uniform(5, 90))
    lead.state(accepted, "sal")
    current = accepted
    if rng.random() < 0.16:
        hold = desk.add(current, rng.uniform(30, 480))
        lead.state(hold, "on_hold")
        current = desk.add(hold, rng.uniform(480, 6000))
        if rng.random() < 0.85:
            lead.state(current, "sal")
        else:
            lead.state(current, "nurture")
            return lead
    if rng.random() < 0.07:
        return lead                                       # forgotten in sal: no disposition
    decided = desk.add(current, rng.uniform(30, 1300) * speed)
    outcome = weighted(rng, [("sql", 50), ("nurture", 28), ("disqualified", 22)])
    lead.state(decided, outcome)
    if outcome == "sql" and rng.random() < 0.35:
        opened = desk.add(decided, rng.uniform(240, 2400))
        lead.state(opened, "opportunity")
        if rng.random() < 0.2:
            lead.state(desk.add(opened, rng.uniform(2400, 6000)), "customer")
    return lead


# --------------------------------------------------------------------------- output

def dumps(event: dict) -> str:
    return json.dumps(event, ensure_ascii=False, separators=(", ", ": "))


def build() -> str:
    """The whole file as text."""
    rng = random.Random(SEED)
    collected: list[tuple[datetime, int, dict]] = []
    order = 0
    for number in range(1, LEADS + 1):
        for at, event in simulate(rng, number).events:
            if at <= EXPORT_AT:
                collected.append((at, order, event))
                order += 1
    collected.sort(key=lambda item: (item[0], item[1]))

    lines: list[str] = []
    for serial, (_, _, event) in enumerate(collected, start=1):
        lines.append(dumps({"id": f"ev-{serial:06d}", **event}))
    return "\n".join(break_on_purpose(lines)) + "\n"


def break_on_purpose(lines: list[str]) -> list[str]:
    """Three bad lines, as real exports have them; `slacode check` reports and goes on.

    - a webhook retry: an event sent twice with the same id (the second copy is ignored);
    - a row from a manual spreadsheet import whose timestamp has no offset;
    - a line cut short when the export job was interrupted.
    """
    out = list(lines)
    # The duplicate: the 120th event again, 3 lines later.
    out.insert(123, out[119])
    # The naive timestamp: the first `update` event after line 600 loses its offset.
    for index in range(600, len(out)):
        event = json.loads(out[index])
        if event["type"] == "update":
            event["at"] = event["at"][:19]
            out[index] = dumps(event)
            break
    # The truncated line: a copy of line 1500 cut in the middle, before line 1501.
    broken = out[1499]
    out.insert(1500, broken[: len(broken) // 2])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if the committed file differs")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write")
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        current = args.output.read_bytes() if args.output.exists() else b""
        if current != text.encode("utf-8"):
            print(f"{args.output} is out of date: run python3 specs/generate_events.py",
                  file=sys.stderr)
            return 1
        return 0
    args.output.write_bytes(text.encode("utf-8"))
    print(f"wrote {args.output} ({text.count(chr(10))} lines)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
