"""One subject under several keys: a finding refiled by a ``subject_id`` correction (a mistyped id,
or a record made without an id linked to it), and what either id says about it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, ColumnElement, and_, or_, select

from fireenforce.errors import CaseError
from fireenforce.ledger.chain import finding_events
from fireenforce.ledger.errors import SubjectMerge
from fireenforce.ledger.models import SubjectLink
from fireenforce.ledger.state import replay
from fireenforce.ledger.subjects import mask_id, masked_key
from fireenforce.ledger.tables import findings


def same_subject(key: str, names: tuple[str, ...]) -> ColumnElement[bool]:
    """The findings of a subject, as history joins them (``state.joins``): an id's own and the
    no-id findings under its ``names``; for a name and address, every finding under it."""
    f = findings.c
    if not key.startswith("id:"):
        return f.name_key == key
    if not names:
        return f.subject == key
    return or_(f.subject == key, and_(f.name_key.in_(names), f.subject.startswith("na:")))


def refiling(conn: Connection, finding: str, new_id: str, merge: bool) -> dict[str, Any]:
    """Check a correction filing ``finding`` under ``new_id``; the correction's extra payload
    (the key it leaves, and ``merge`` where two subjects become one)."""
    state = replay(finding_events(conn, finding))
    key = f"id:{new_id}"
    if state.subject == key:
        raise CaseError("changes.subject_id", f"{finding} is filed under {mask_id(new_id)} already: nothing to correct")
    f = findings.c
    others = conn.execute(select(f.id, f.subject_name, f.name_key).where(f.subject == key, f.id != finding)
                          .order_by(f.opened_on, f.id)).all()
    strangers = [r for r in others if r.name_key != state.name_key]
    if strangers and not merge:
        names = "、".join(dict.fromkeys(r.subject_name for r in strangers))
        ids = ", ".join(r.id for r in strangers[:3]) + (" …" if len(strangers) > 3 else "")
        raise SubjectMerge(
            f"subject_merge: changes.subject_id: {mask_id(new_id)} is the id of {names} ({ids}) in the ledger, "
            f"not of {state.subject_name} as recorded on {finding}: filing it there merges two subjects' histories; "
            "if they are one subject, correct with --merge and say why in --reason")
    if merge and not strangers:
        raise CaseError("merge", f"{mask_id(new_id)} is not the id of another subject in the ledger: nothing to merge")
    return {"from": state.subject, **({"merge": True} if merge else {})}


def subject_links(conn: Connection, key: str) -> list[SubjectLink]:
    """Findings recorded under ``key`` and refiled under another id, or refiled under it."""
    f = findings.c
    rows = conn.execute(select(f.id, f.recorded_subject, f.subject).where(
        or_(f.recorded_subject == key, f.subject == key), f.recorded_subject != f.subject).order_by(f.opened_on, f.id)
    ).all()
    links = []
    for row in rows:
        for ev in finding_events(conn, row.id):
            if ev.kind == "correction" and "subject_id" in ev.payload["changes"]:
                links.append(SubjectLink(
                    finding=row.id, event=ev.id, on=ev.at, reason=ev.payload["reason"],
                    merge=bool(ev.payload.get("merge")), before=_shown(ev.payload.get("from", "")),
                    after=mask_id(ev.payload["changes"]["subject_id"])))
    return links


def _shown(key: str) -> str:
    return masked_key(key) if key.startswith("id:") else "（无证件号，按名称和地址）"

