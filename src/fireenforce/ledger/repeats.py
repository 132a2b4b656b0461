"""The same conduct recorded twice: while a finding is open, a new record of the same subject and
item at the same office belongs to it (re-inspect it), not to a second finding.

What still opens a new finding: a closed finding (整改销号: new conduct afterwards is a repeat
offence, and the ladder sees the first); a referral the brigade accepted (the case is the
brigade's now); another office's finding (another place, another record). Conduct observed on or
before the day such a finding was closed or accepted is that finding's, not new conduct: a
back-dated record of it is refused like a repeat (:func:`closed_before`). A referral awaiting
the brigade's answer blocks like an open finding; one the brigade returned is open again. An
officer who must open a separate finding anyway (another branch of the same unit, say) gives a
written reason, recorded with the new finding.
"""

from __future__ import annotations

import datetime as dt
from sqlalchemy import Connection, select

from fireenforce.errors import CaseError
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


def closed_before(conn: Connection, key: str, names: tuple[str, ...], item: str, office: str,
                  observed: dt.date) -> tuple[FindingState, dt.date] | None:
    """The office's finding on this subject and item closed (整改销号) or taken over by the brigade
    (referral accepted) on or after ``observed``, with that day: conduct observed by then is that
    finding's (the latest such finding where there are several)."""
    f = findings.c
    rows = conn.execute(
        select(f.id).where(same_subject(key, names), f.item == item, f.office == office,
                           f.status.in_(("closed", "referred"))).order_by(f.opened_on.desc(), f.id.desc())
    ).scalars().all()
    for finding in rows:
        state = replay(finding_events(conn, finding))
        ended = state.closed_on if state.status == "closed" else \
            state.referral.get("answered_on") if state.referral.get("answer") == "accepted" else None
        if ended is not None and observed <= ended:
            return state, ended
    return None


def back_dated(state: FindingState, ended: dt.date, observed: dt.date, subject_name: str) -> CaseError:
    """The one-line refusal of a record observed on or before an earlier finding's end."""
    how = "closed (整改销号)" if state.status == "closed" else "taken over by the brigade (referral accepted)"
    return CaseError("observed_on", f"{observed} is on or before {ended}, when {state.id} ({subject_name}, "
                                    f"{state.item}, opened {state.opened_on}) was {how}: conduct observed by then "
                                    "is that finding's; record conduct observed after it, or give --separate REASON")


def refusal(state: FindingState, day: dt.date, today: dt.date, subject_name: str) -> OpenFinding:
    """The one-line refusal naming the open finding, its deadline (judged by ``today``) and the
    command its state allows instead: the brigade's answer to a referral awaiting one; else a
    re-inspection, on the case's ``day`` where that decides the next step (逾期不改正: after the
    deadline, not before the last action), otherwise on a day after the deadline."""
    head = f"{state.id} ({subject_name}, {state.item}, opened {state.opened_on})"
    separate = "; a separate finding needs --separate REASON"
    if state.status == "referred":
        sent = state.referral.get("sent_on")
        text = (f"{head} is 已移交 (referred) to {state.referral.get('label') or 'the brigade'} on {sent} and awaits "
                f"its answer: record it first (fireenforce ledger referral {state.id} --on DATE --accepted|--returned)")
    else:
        returned = state.referral.get("answer") == "returned"
        opened = f"is open again (the referral was returned on {state.referral.get('answered_on')})" if returned \
            else "is open"
        text = f"{head} {opened}{_next_step(state, day, today)}"
    return OpenFinding(f"open_finding: the same conduct is already on record: {text}{separate}",
                       finding=state.id, deadline=state.deadline, status=state.status)


def _next_step(state: FindingState, day: dt.date, today: dt.date) -> str:
    """What the officer can do with the open finding instead of recording the conduct again."""
    deadline, last = state.deadline, state.last.date

    def reinspect(on: object) -> str:
        return f"fireenforce ledger reinspect {state.id} --on {on} --not-rectified"

    if deadline is None:
        return f": re-inspect it ({reinspect(day if day >= last else 'DATE')}), which decides the next step"
    if today <= deadline:
        return (f" and its deadline {deadline} has not run yet (today is {today}), so the order is not unheeded: "
                f"re-inspect it after {deadline} ({reinspect('DATE')})")
    if day > deadline and day >= last:
        return (f" and its deadline {deadline} has passed, as it had on the case's day {day}: re-inspect it on that "
                f"day ({reinspect(day)}), which decides the next step (逾期不改正)")
    why = f"{day} is before its last action ({last})" if day < last else f"on {day} it was still running"
    return (f" and its deadline {deadline} has passed (today is {today}), but {why}, so a re-inspection on {day} "
            f"would decide nothing: re-inspect it on a day after {deadline} ({reinspect('DATE')}), which decides "
            "the next step (逾期不改正)")
