"""What the ledger knows about an action and a re-inspection (复查) that its documents must
state: the number series it counts in, the earlier order (its date, recorded deadline and
numbered documents), the day, the result and the note."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Callable

from fireenforce.documents.context import PENALTY_DOCUMENTS, Reinspected, Returned, in_agency_name
from fireenforce.documents.offices import Office
from fireenforce.ledger.events import Event
from fireenforce.ledger.state import ActionState, FindingState

# The documents that order a correction; a reminder's oral order is noted in the inspection record.
ORDERING = ("rectification_order", "summary_penalty_decision", "penalty_decision")


def number_series(office: Office, doc_type: str) -> str:
    """The counter a document's number is drawn from: its type, except for a penalty numbered
    with the office's own code by an office that also numbers penalties in the entrusting
    agency's name (``entrusted_code``): after a switch from 委托 to 赋权 (or back) the two series
    are printed differently, so each counts on its own and stays gap-free. Stored with the
    document (``series``) when it is not the type, for ``verify`` and ``rebuild``."""
    if doc_type in PENALTY_DOCUMENTS and office.entrusted_code and not in_agency_name(office, doc_type):  # type: ignore[arg-type]
        return f"{doc_type}@{office.code}"
    return doc_type


def series_of(payload: dict[str, object]) -> str:
    """The number series of a stored document event (older events: their type)."""
    return str(payload.get("series") or payload["type"])


OrderDay = Callable[[ActionState], dt.date]  # the date of the document that gave an action's order


def reinspected(evs: list[Event], state: FindingState, action: ActionState, dated: OrderDay) -> Reinspected | None:
    """The last re-inspection of the order before ``action``, when ``action`` followed one (its
    inspection record then states that 复查); ``dated`` gives the date of the order's document."""
    index = state.actions.index(action)
    if index == 0:
        return None
    prior = state.actions[index - 1]  # a referral the brigade returned: the order before it was checked
    seen = [e for e in evs if e.kind == "reinspection" and e.payload["action"] == prior.id and e.seq < action.seq]
    return _stated(evs, order_of(state, seen[-1]), seen[-1], dated) if seen else None


def recorded(evs: list[Event], state: FindingState, event: str, dated: OrderDay) -> Reinspected:
    """The re-inspection ``event`` as its own inspection record states it (no new step decided):
    of the last order before it (a referral the brigade returned is no order to correct)."""
    seen = next(e for e in evs if e.id == event)
    return replace(_stated(evs, order_of(state, seen), seen, dated), standalone=True)


def order_of(state: FindingState, seen: Event) -> ActionState:
    """The action whose order the re-inspection ``seen`` checked: the last before it that is not
    a referral (a referral the brigade returned is no order to correct), else that action."""
    index = next(i for i, a in enumerate(state.actions) if a.id == seen.payload["action"])
    return next((a for a in reversed(state.actions[:index + 1]) if a.step != "referral"), state.actions[index])


def _stated(evs: list[Event], order: ActionState, seen: Event, dated: OrderDay) -> Reinspected:
    note = seen.payload.get("note", "")
    for ev in evs:  # a corrected note is the note
        if ev.kind == "correction" and ev.payload["target"] == seen.id and "note" in ev.payload["changes"]:
            note = ev.payload["changes"]["note"]
    docs = [d for d in order.documents if d["type"] in ORDERING] or \
        [d for d in order.documents if d["type"] == "inspection_record"]
    back = _returned(evs, order, seen)
    return Reinspected(on=seen.at, ordered_on=dated(order), deadline=order.deadline, step=order.step,
                       orders=tuple((d["type"], d["number"]) for d in docs), rectified=seen.payload["rectified"],
                       note=str(note), applied_on=_applied(evs, seen), returned_on=back.at if back else None,
                       due=dt.date.fromisoformat(back.payload["deadline"]) if back else None)


def _returned(evs: list[Event], order: ActionState, seen: Event) -> Event | None:
    """The last return (退回) of a referral between the ``order`` and the re-inspection ``seen``:
    the finding is due again by the deadline it set, the one the re-inspection checks."""
    back = [e for e in evs if order.seq < e.seq < seen.seq and e.kind == "referral_returned"
            and e.payload.get("deadline")]
    return back[-1] if back else None


def _applied(evs: list[Event], seen: Event) -> dt.date | None:
    """The day of the party's application for re-inspection (复查申请) that ``seen`` answered: one
    recorded after the last action or re-inspection before it."""
    applied = None
    for ev in evs:
        if ev.seq >= seen.seq:
            break
        if ev.kind == "application":
            applied = ev.at
        elif ev.kind in ("action", "reinspection"):
            applied = None
    return applied


def returned_referrals(evs: list[Event], state: FindingState, action: ActionState) -> tuple[Returned, ...]:
    """The referrals of the finding before ``action`` that the receiving organ returned, each with
    the day it was sent, the day it came back and the reason given."""
    steps = {a.id: a for a in state.actions}
    found: list[Returned] = []
    referred: ActionState | None = None
    for ev in evs:
        if ev.seq >= action.seq:
            break
        if ev.kind == "action" and steps.get(ev.payload["action"]) is not None:
            referred = steps[ev.payload["action"]] if steps[ev.payload["action"]].step == "referral" else None
        elif ev.kind == "referral_returned" and referred is not None:
            found.append(Returned(referred.date, ev.at, str(ev.payload.get("result", ""))))
    return tuple(found)
