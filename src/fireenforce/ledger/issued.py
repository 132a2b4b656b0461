"""What the ledger knows about an action that its documents must state: the deadline it
recorded and the re-inspection (复查) the action followed."""

from __future__ import annotations

from fireenforce.documents.context import Reinspected
from fireenforce.ledger.events import Event
from fireenforce.ledger.state import ActionState, FindingState

# The documents that order a correction; a reminder's oral order is noted in the inspection record.
ORDERING = ("rectification_order", "summary_penalty_decision", "penalty_decision")


def reinspected(evs: list[Event], state: FindingState, action: ActionState) -> Reinspected | None:
    """The last re-inspection of the order before ``action``, when ``action`` followed one: the
    earlier order's date, recorded deadline and numbered documents, the day and the result."""
    index = state.actions.index(action)
    if index == 0 or state.actions[index - 1].step == "referral":
        return None
    order = state.actions[index - 1]
    seen = [e for e in evs if e.kind == "reinspection" and e.payload["action"] == order.id and e.seq < action.seq]
    if not seen:
        return None
    last = seen[-1]
    note = last.payload.get("note", "")
    for ev in evs:  # a corrected note is the note
        if ev.kind == "correction" and ev.payload["target"] == last.id and "note" in ev.payload["changes"]:
            note = ev.payload["changes"]["note"]
    docs = [d for d in order.documents if d["type"] in ORDERING] or \
        [d for d in order.documents if d["type"] == "inspection_record"]
    return Reinspected(on=last.at, ordered_on=order.date, deadline=order.deadline, step=order.step,
                       orders=tuple((d["type"], d["number"]) for d in docs), rectified=last.payload["rectified"],
                       note=str(note))
