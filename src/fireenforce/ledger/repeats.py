"""The same conduct recorded twice: while a finding is open, a new record of the same subject and
item at the same office belongs to it (re-inspect it), not to a second finding.

What still opens a new finding: a closed finding (整改销号: new conduct afterwards is a repeat
offence, and the ladder sees the first); a referral the brigade accepted (the case is the
brigade's now); another office's finding (another place, another record). A referral awaiting
the brigade's answer blocks like an open finding; one the brigade returned is open again. An
officer who must open a separate finding anyway (another branch of the same unit, say) gives a
written reason, recorded with the new finding.
"""

from __future__ import annotations

import datetime as dt
from sqlalchemy import Connection, select

from fireenforce.ledger.chain import finding_events
from fireenforce.ledger.errors import OpenFinding
from fireenforce.ledger.links import same_subject
from fireenforce.ledger.state import FindingState, replay
from fireenforce.ledger.tables import findings


def open_finding(conn: Connection, key: str, names: tuple[str, ...], item: str, office: str) -> FindingState | None:
    """The office's finding on this subject (joined as history joins it) and item that a new
    record would repeat: open, or referred and not yet answered; the earliest where there are several."""
    f = findings.c
    rows = conn.execute(
        select(f.id).where(same_subject(key, names), f.item == item, f.office == office,
                           f.status.in_(("open", "referred"))).order_by(f.opened_on, f.id)
    ).scalars().all()
    for finding in rows:
        state = replay(finding_events(conn, finding))
        if state.status == "open" or not state.referral.get("answer"):
            return state
    return None


def refusal(state: FindingState, day: dt.date, subject_name: str) -> OpenFinding:
    """The one-line refusal naming the open finding, its deadline and what to do instead."""
    head = f"{state.id} ({subject_name}, {state.item}, opened {state.opened_on})"
    separate = "; a separate finding needs --separate REASON"
    if state.status == "referred":
        sent = state.referral.get("sent_on")
        text = (f"{head} is 已移交 (referred) to {state.referral.get('label') or 'the brigade'} on {sent} and awaits "
                f"its answer: record it first (fireenforce ledger referral {state.id} --on DATE --accepted|--returned)")
    elif state.deadline is None:
        text = f"{head} is open: re-inspect it (fireenforce ledger reinspect {state.id} --on {day} --not-rectified)"
    elif day > state.deadline:
        text = (f"{head} is open and its deadline {state.deadline} has passed: re-inspect it "
                f"(fireenforce ledger reinspect {state.id} --on {day} --not-rectified)")
    else:
        text = (f"{head} is open and its deadline {state.deadline} has not run yet, so the order is not "
                f"unheeded: re-inspect it after {state.deadline} "
                f"(fireenforce ledger reinspect {state.id} --on DATE --not-rectified)")
    return OpenFinding(f"open_finding: the same conduct is already on record: {text}{separate}",
                       finding=state.id, deadline=state.deadline, status=state.status)
