"""Triage on the ledger: signals and the place register stored in its database, the day's records
gathered from it, and the outcomes recorded back (consultations, and findings through
``Ledger.record``), once per day, trigger and group."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Collection, Iterable, Sequence

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Connection, String, or_, select, type_coerce

from fireenforce.documents.offices import load_offices
from fireenforce.errors import CaseError
from fireenforce.ledger import FineRequired, Ledger, OpenFinding
from fireenforce.ledger.chain import recorded_cases
from fireenforce.ledger.database import translate_errors, writing
from fireenforce.ledger.events import now
from fireenforce.ledger.subjects import mask_id, normalise_id
from fireenforce.ledger.tables import actions, events, findings
from fireenforce.model.case import Subject
from fireenforce.model.enums import OfficeLevel
from fireenforce.resources import bundled_family
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.load import load_ruleset
from fireenforce.ruleset.triggers import TriggerSpec, Triggers
from fireenforce.triage.engine import evaluate
from fireenforce.triage.records import Outcome, Record, cited
from fireenforce.triage.signals import Signal, SignalError
from fireenforce.triage.tables import outcomes, places, signals

SYSTEM_OFFICER = "风险研判（系统）"


class PlaceEntry(BaseModel):
    """One line of the place register: a building or a crowded place, its office and its keeper."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    place: str = Field(min_length=1, max_length=200)
    office: str = Field(min_length=1, max_length=200)
    level: OfficeLevel
    compound: str | None = None
    high_rise: bool = False
    crowded: bool = False
    manager: Subject


def parse_places(text: str, source: str = "<places>", offices: Collection[str] | None = None) -> list[PlaceEntry]:
    """The register from JSON Lines; the first bad line raises SignalError with its number.
    ``offices``: the office names documents can be issued for (:func:`office_names`); an entry
    of another office is refused on ``office`` (its findings could name no office)."""
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            entries.append(PlaceEntry.model_validate_json(line))
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"])
            message = "unknown field (a typo?)" if err["type"] == "extra_forbidden" else err["msg"]
            raise SignalError(source, number, field, message) from None
        if offices is not None and entries[-1].office not in offices:
            raise SignalError(source, number, "office", f"{entries[-1].office!r} is not an office of offices.yaml "
                                                        f"(known: {'、'.join(sorted(offices)) or 'none'})")
        if entries[-1].manager.id:
            try:  # triage records findings for the manager: an id the ledger refuses must not wait for that day
                normalise_id(entries[-1].manager.id, "manager.id")
            except CaseError as exc:
                raise SignalError(source, number, exc.field, exc.message) from None
    return entries


def office_names(led: Ledger) -> set[str]:
    """The offices named in the ``offices.yaml`` of every version the ledger decides with, and
    in the ledger's own offices file."""
    root = led.ruleset_path or bundled_family()
    files = [*root.glob("offices.yaml"), *root.glob("*/offices.yaml"), *([led.offices_path] if led.offices_path else [])]
    return {name for path in files for name in load_offices(path).offices}


def store_places(led: Ledger, entries: Iterable[PlaceEntry]) -> int:
    """Add or replace register entries; returns how many were written."""
    count = 0
    with translate_errors(led.url), writing(led.engine) as conn:
        for entry in entries:
            conn.execute(places.delete().where(places.c.place == entry.place))
            conn.execute(places.insert().values(place=entry.place, office=entry.office,
                                                payload=entry.model_dump_json()))
            count += 1
    return count


def store_signals(led: Ledger, received: Sequence[Signal]) -> tuple[int, int]:
    """Store events once each (by content id); returns (new, already stored)."""
    stamp = now()
    with translate_errors(led.url), writing(led.engine) as conn:
        known = _existing_ids(conn, [s.id for s in received])
        fresh: dict[str, dict[str, Any]] = {}
        for s in received:
            if s.id not in known and s.id not in fresh:
                fresh[s.id] = {"id": s.id, "day": s.day, "at": s.at, "source": s.source, "device": s.device,
                               "place": s.place, "kind": s.kind, "item": s.item, "description": s.description,
                               "received_at": stamp}
        if fresh:
            conn.execute(signals.insert(), list(fresh.values()))
    return len(fresh), len(received) - len(fresh)


def _existing_ids(conn: Connection, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        found.update(conn.execute(select(signals.c.id).where(signals.c.id.in_(chunk))).scalars())
    return found


# -- gathering the day's records ------------------------------------------------------------------

def _horizon(triggers: Triggers, source: str, day: dt.date) -> dt.date | None:
    """The earliest day a clause of ``source`` can look at (None: no limit)."""
    starts = [t.within.start(day) if t.within else None for t in triggers.triggers
              if any(c.source == source for c in t.all)]
    if not starts:
        return day + dt.timedelta(days=1)  # nothing reads this source
    return None if None in starts else min(s for s in starts if s is not None)


def _register(conn: Connection) -> dict[str, PlaceEntry]:
    return {row.place: PlaceEntry.model_validate_json(row.payload) for row in conn.execute(select(places))}


def gather(conn: Connection, triggers: Triggers, day: dt.date) -> tuple[list[Record], dict[str, PlaceEntry]]:
    """Signals, findings and referrals the triggers can count on ``day``, and the place register."""
    register = _register(conn)
    records: list[Record] = []
    start = _horizon(triggers, "signal", day)
    # the day as stored text on SQLite (parsed once per distinct day below), a date on PostgreSQL
    query = select(signals.c.id, type_coerce(signals.c.day, String), signals.c.kind, signals.c.source,
                   signals.c.device, signals.c.place, signals.c.item).where(signals.c.day <= day)
    if start is not None:
        query = query.where(signals.c.day >= start)
    days: dict[Any, dt.date] = {}
    for sid, stored_day, kind, source, device, place, item in conn.execute(query):
        attrs: dict[str, str | bool] = {"kind": kind, "source": source, "device": device, "place": place}
        if item:
            attrs["item"] = item
        entry = register.get(place)
        if entry is not None:
            attrs["office"] = entry.office
        when = days.get(stored_day)
        if when is None:
            when = days[stored_day] = stored_day if isinstance(stored_day, dt.date) else dt.date.fromisoformat(stored_day)
        records.append(Record(sid, "signal", when, attrs))
    records += _finding_records(conn, triggers, day, register)
    return records, register


def _finding_records(conn: Connection, triggers: Triggers, day: dt.date,
                     register: dict[str, PlaceEntry]) -> list[Record]:
    start = _horizon(triggers, "finding", day)
    referral_start = _horizon(triggers, "referral", day)
    query = select(findings).where(findings.c.opened_on <= day)
    if start is not None:
        still_open = or_(findings.c.closed_on.is_(None), findings.c.closed_on > day)
        query = query.where(or_(findings.c.opened_on >= start, still_open))
    rows = {row.id: row for row in conn.execute(query)}
    referral_query = select(actions).where(actions.c.step == "referral", actions.c.date <= day)
    if referral_start is not None:
        referral_query = referral_query.where(actions.c.date >= referral_start)
    referrals = list(conn.execute(referral_query))
    cases = recorded_cases(conn, set(rows) | {r.finding for r in referrals})
    out = []
    for row in rows.values():
        attrs = _case_attrs(cases.get(row.id, {}), register)
        attrs.update({"item": row.item, "family": row.item.split("-", 1)[0], "subject": row.subject,
                      "office": row.office, "open": row.closed_on is None or row.closed_on > day})
        out.append(Record(row.id, "finding", row.opened_on, attrs))
    for ref in referrals:
        attrs = _case_attrs(cases.get(ref.finding, {}), register)
        attrs = {k: v for k, v in attrs.items() if k in ("place", "compound")}
        attrs.update({"item": ref.item, "family": ref.item.split("-", 1)[0], "subject": ref.subject,
                      "office": ref.office})
        out.append(Record(ref.id, "referral", ref.date, attrs))
    return out


def _case_attrs(case: dict[str, Any], register: dict[str, PlaceEntry]) -> dict[str, str | bool]:
    place = case.get("place", {})
    facts = case.get("facts", {})
    name = place.get("name", "")
    entry = register.get(name)
    attrs: dict[str, str | bool] = {"crowded": bool(place.get("crowded")), "high_rise": bool(place.get("high_rise")),
                                    "serious": bool(facts.get("serious"))}
    if name:
        attrs["place"] = name
    compound = facts.get("compound") or (entry.compound if entry else None)
    if isinstance(compound, str) and compound:
        attrs["compound"] = compound
    if isinstance(facts.get("campaign"), str):
        attrs["campaign"] = facts["campaign"]
    return attrs


def ruleset_in_force(path: str | Path | None, day: dt.date, field: str) -> Ruleset:
    """The version of ``path`` in force on ``day``; none in force is a CaseError naming ``field``
    (the argument the user gave: the triage day, the report month, the seed's first day)."""
    try:
        return load_ruleset(path, on=day)
    except CaseError as exc:
        if exc.field != "decided_on":
            raise
        raise CaseError(field, exc.message) from None


# -- running and recording ------------------------------------------------------------------------

def run_triage(led: Ledger, day: dt.date, ruleset: Ruleset | None = None) -> list[dict[str, Any]]:
    """Evaluate the day, record what is new, and return every outcome of the day as triage JSON
    (recorded ones included: running twice adds nothing and returns the same)."""
    ruleset = ruleset or ruleset_in_force(led.ruleset_path, day, "on")
    by_id = {t.id: t for t in ruleset.triggers.triggers}
    with translate_errors(led.url), led.engine.connect() as conn:
        records, register = gather(conn, ruleset.triggers, day)
        earlier = _earlier_outcomes(conn, ruleset.triggers, day)
    latest = {r.id: r for r in records}
    for outcome in evaluate(ruleset.triggers, records, day):
        trigger = by_id[outcome.trigger]
        done = earlier.get((outcome.trigger, outcome.place), ())
        start = trigger.within.start(day) if trigger.within else day
        if any(start <= on < day for on, _ in done):
            continue  # already raised for this group inside the trigger's window
        today = [finding for on, finding in done if on == day]
        if today and (today[0] is not None or outcome.kind == "consultation" or outcome.place not in register):
            continue  # recorded by an earlier run
        _record(led, trigger, outcome, latest, register, cited(ruleset, trigger.basis, day))
    return recorded(led, day)


def _earlier_outcomes(conn: Connection, triggers: Triggers, day: dt.date) -> dict[tuple[str, str], list[tuple[dt.date, str | None]]]:
    """The outcomes recorded inside the longest trigger window up to ``day`` (for re-runs and quiet periods)."""
    starts = [t.within.start(day) for t in triggers.triggers if t.within is not None]
    query = select(outcomes.c.trigger, outcomes.c.group, outcomes.c.on, outcomes.c.finding).where(
        outcomes.c.on >= min([day, *starts]), outcomes.c.on <= day)
    found: dict[tuple[str, str], list[tuple[dt.date, str | None]]] = {}
    for trigger, group, on, finding in conn.execute(query):
        found.setdefault((trigger, group), []).append((on, finding))
    return found


def recorded(led: Ledger, day: dt.date) -> list[dict[str, Any]]:
    """The outcomes recorded for ``day`` (triage JSON), in trigger order then group."""
    with translate_errors(led.url), led.engine.connect() as conn:
        rows = conn.execute(select(outcomes).where(outcomes.c.on == day)
                            .order_by(outcomes.c.trigger, outcomes.c.group)).all()
    return [{**json.loads(r.payload), "finding": r.finding} for r in rows]


def _office(outcome: Outcome, latest: dict[str, Record], register: dict[str, PlaceEntry]) -> str | None:
    if outcome.per == "place" and outcome.place in register:
        return register[outcome.place].office
    dated = sorted((latest[e].day, str(latest[e].attrs.get("office", ""))) for e in outcome.events if e in latest)
    offices = [office for _, office in dated if office]
    return offices[-1] if offices else None


def _display(outcome: Outcome) -> str:
    """Subjects are shown with their id masked, as everywhere outside the ledger."""
    if outcome.per == "subject" and outcome.place.startswith("id:"):
        return mask_id(outcome.place[3:])
    return outcome.place


def _record(led: Ledger, trigger: TriggerSpec, outcome: Outcome, latest: dict[str, Record],
            register: dict[str, PlaceEntry], citations: list[str]) -> None:
    """Claim the (day, trigger, group) row first, so that neither a second run nor a concurrent one
    records anything twice; then record the finding under a source key, which the ledger records
    once, so a run interrupted in between completes the row when run again."""
    office = _office(outcome, latest, register)
    data = {**outcome.to_json(), "place": _display(outcome), "office": office, "citations": citations}
    entry = register.get(outcome.place) if outcome.kind == "finding" else None
    if outcome.kind == "finding" and entry is None:
        data["note"] = "该场所不在场所登记中，无法确定管理人，未生成隐患记录（fireenforce signals places 登记后重新研判）"
    key = (outcomes.c.on == outcome.on) & (outcomes.c.trigger == outcome.trigger) & (outcomes.c.group == outcome.place)
    with translate_errors(led.url), writing(led.engine) as conn:
        existing = conn.execute(select(outcomes.c.finding).where(key)).first()
        if existing is None:
            conn.execute(outcomes.insert().values(
                on=outcome.on, trigger=outcome.trigger, group=outcome.place, kind=outcome.kind, office=office,
                finding=None, payload=json.dumps(data, ensure_ascii=False), recorded_at=now()))
        elif existing.finding is not None:
            return
    if entry is not None:
        source = f"triage:{outcome.on.isoformat()}:{outcome.trigger}:{outcome.place}"
        try:
            finding = led.record(_device_case(trigger, outcome, entry), officer=SYSTEM_OFFICER, source=source).finding
        except FineRequired as need:  # only an officer sets a penalty's amount: the outcome waits for one
            data["note"] = (f"研判结果应予行政处罚（{need.message}），罚款金额须由执法人员核实后确定："
                            "请到场检查后用 fireenforce ledger record --fine 记录")
            finding = None
        except CaseError as exc:
            raise CaseError(f"place register {entry.place!r}: {exc.field}", exc.message) from None
        except OpenFinding as repeat:  # the same conduct is on record, still open: the outcome belongs to it
            finding = repeat.finding
            data["note"] = f"同一当事人同一事项已有未结隐患记录{finding}，本次研判结果归入该记录，到期复查"
        with translate_errors(led.url), writing(led.engine) as conn:  # the payload of an earlier run may say "unregistered"
            conn.execute(outcomes.update().where(key).values(
                finding=finding, office=office, payload=json.dumps(data, ensure_ascii=False)))


def _device_case(trigger: TriggerSpec, outcome: Outcome, entry: PlaceEntry) -> dict[str, Any]:
    """The case a device trigger records: the place's manager, the trigger's item, the events."""
    return {
        "item": outcome.item,
        "subject": entry.manager.model_dump(),
        "place": {"name": entry.place, "address": entry.manager.address, "high_rise": entry.high_rise,
                  "crowded": entry.crowded},
        "office": {"level": entry.level, "name": entry.office},
        "observed_on": outcome.on.isoformat(),
        "facts": {"narrative": f"{trigger.text}（{len(outcome.events)}条设备记录）", "trigger": trigger.id,
                  "trigger_events": " ".join(outcome.events),
                  **({"compound": entry.compound} if entry.compound else {})},
    }
