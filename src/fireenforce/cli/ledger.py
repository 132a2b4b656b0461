"""``fireenforce ledger …``: the office's enforcement record (init, record, reinspect, apply, due,
history, show, verify, export, import, backup, render, referral, correct)."""

from __future__ import annotations

import argparse
import sys
from typing import Any, Callable

from fireenforce.cli._io import (
    add_format, add_ruleset, at_least, check_binary_target, dump_json, iso_date, one_case, read_text, write_document,
)
from fireenforce.cli._text import decision_text
from fireenforce.errors import CaseError
from fireenforce.labels import ANSWER_LABELS, DOCUMENT_TITLES, STATUS_LABELS, STEP_LABELS
from fireenforce.model.enums import DOCUMENT_TYPES


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("ledger", help="the enforcement record: record, re-inspect, due, verify",
                            description="The office's enforcement record on a database (SQLite file or PostgreSQL). "
                                        "--db URL or FILE, else $FIREENFORCE_DB, else ~/.local/share/fireenforce/ledger.db.")
    commands = parser.add_subparsers(dest="ledger_command", required=True, metavar="COMMAND")
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument("--db", metavar="URL", help="sqlite:///FILE, postgresql+psycopg://…, or a file path")
    db.add_argument("--wait", type=at_least(0, float), default=30.0, metavar="SECONDS",
                    help="how long to wait for another writer before giving up (default 30)")

    def add(name: str, help: str, run: Callable[[argparse.Namespace], int], *formats: str) -> argparse.ArgumentParser:
        p = commands.add_parser(name, help=help, description=help[0].upper() + help[1:] + ".", parents=[db])
        if formats:
            add_format(p, *formats)
        p.set_defaults(run=run)
        return p

    add("init", "create or upgrade the ledger's schema", _init)
    p = add("record", "decide a case with the subject's ledger history and record it", _record, "text", "json")
    p.add_argument("case", metavar="CASE.json", help="the case (JSON file, or - for stdin); no history of its own")
    p.add_argument("--source", metavar="KEY", help="a unique key of the caller's: recording it again adds nothing")
    p.add_argument("--separate", default="", metavar="REASON",
                   help="record a separate finding although one on this subject and item is open (the reason is recorded)")
    _officer_options(p, "the acting officer(s) (required: the record of the enforcement names them)")
    add_ruleset(p)
    p.add_argument("--offices", metavar="FILE", help="offices.yaml overriding the ruleset's office details")
    p = add("reinspect", "record a re-inspection: close the finding, or record the next step", _reinspect,
            "text", "json")
    p.add_argument("finding", metavar="FINDING")
    p.add_argument("--on", required=True, type=iso_date, metavar="YYYY-MM-DD", help="the re-inspection date")
    result = p.add_mutually_exclusive_group(required=True)
    result.add_argument("--rectified", dest="rectified", action="store_true", help="rectified: close the finding")
    result.add_argument("--not-rectified", dest="rectified", action="store_false", help="not rectified: next step")
    p.add_argument("--note", default="", help="what the re-inspection found")
    _officer_options(p, "the officer(s) re-inspecting (the 检查记录 of the re-inspection names them; a warning without)")
    add_ruleset(p)
    p.add_argument("--offices", metavar="FILE", help="offices.yaml overriding the ruleset's office details")
    p = add("apply", "record the party's application for a re-inspection (复查申请): due within the working days "
                     "the ruleset gives, before the deadline", _apply, "text", "json")
    p.add_argument("finding", metavar="FINDING")
    p.add_argument("--on", required=True, type=iso_date, metavar="YYYY-MM-DD", help="the day the application was received")
    p.add_argument("--note", default="", help="what the party reported (e.g. the correction made)")
    p = add("due", "open findings whose deadline has passed without re-inspection, or whose party applied for one",
            _due, "text", "json")
    p.add_argument("--on", required=True, type=iso_date, metavar="YYYY-MM-DD", help="the day to look from")
    p.add_argument("--office", metavar="NAME", help="only this office's findings")
    p.add_argument("--within", type=at_least(0), default=0, metavar="N", help="also those falling due within N days")
    p = add("history", "a subject's history entries (what decide is given)", _history, "text", "json")
    p.add_argument("subject_id", metavar="SUBJECT_ID", help="统一社会信用代码 or 居民身份证号码")
    p.add_argument("--on", type=iso_date, metavar="YYYY-MM-DD", help="as known on that day (default: everything)")
    p.add_argument("--office", metavar="NAME", help="only this office's actions")
    p = add("show", "one finding with all its events", _show, "text", "json")
    p.add_argument("finding", metavar="FINDING")
    add("verify", "recompute the hash chains, numbers and state; exit 1 at the first broken event",
        _verify, "text", "json")
    add("rebuild", "rewrite the current state and number counters from the events", _rebuild)
    p = add("export", "the whole record as JSON Lines", _export)
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")
    p = add("import", "load an export into a new, empty ledger (and verify it)", _import)
    p.add_argument("file", metavar="FILE", help="JSON Lines from ledger export, or - for stdin")
    p = add("backup", "an online copy of a SQLite ledger to a new file", _backup)
    p.add_argument("target", metavar="FILE")
    p = add("render", "a document issued through the ledger, filled with its number", _render)
    p.add_argument("finding", metavar="FINDING")
    p.add_argument("--document", required=True, choices=DOCUMENT_TYPES, metavar="TYPE",
                   help=f"document type: {', '.join(DOCUMENT_TYPES)}")
    p.add_argument("--action", metavar="ACTION", help="the action that issued it (default: the latest)")
    p.add_argument("--number", metavar="NUMBER",
                   help="the document's number, as reinspect and show print it (e.g. a re-inspection's 检查记录)")
    choice = p.add_mutually_exclusive_group()
    choice.add_argument("--fine", type=int, metavar="N", help="the fine the officer imposes, in yuan")
    choice.add_argument("--formal-warning", action="store_true", help="impose a formal warning (警告)")
    p.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD",
                   help="document date (default: the action's; a general-procedure penalty_decision: after its "
                        "notice's statement period)")
    p.add_argument("--format", choices=("html", "text", "docx", "pdf"), default="html",
                   help="output format (default html; docx and pdf need --out or a redirected stdout)")
    p.add_argument("--out", metavar="FILE", help="write the document to FILE instead of stdout")
    p = add("referral", "the brigade's answer to a referral: accepted or returned", _referral, "text", "json")
    p.add_argument("finding", metavar="FINDING")
    p.add_argument("--on", required=True, type=iso_date, metavar="YYYY-MM-DD")
    answer = p.add_mutually_exclusive_group(required=True)
    answer.add_argument("--accepted", dest="accepted", action="store_true")
    answer.add_argument("--returned", dest="accepted", action="store_false")
    p.add_argument("--result", default="", help="the brigade's result in words")
    p = add("correct", "correct an earlier event by a new event with a reason", _correct, "text", "json")
    p.add_argument("event", metavar="EVENT")
    p.add_argument("--reason", required=True)
    p.add_argument("--set", dest="changes", action="append", required=True, metavar="FIELD=VALUE",
                   help="e.g. deadline=2026-06-01, subject_id=91620000MA… (repeatable)")
    p.add_argument("--merge", action="store_true",
                   help="a subject_id correction may file the finding under an id the ledger knows for another "
                        "name or address (two records of one subject; say why in --reason)")


def _officer_options(p: argparse.ArgumentParser, officer: str) -> None:
    p.add_argument("--officer", default="", metavar="NAME", help=officer)
    p.add_argument("--step", choices=("reminder", "warning", "penalty", "referral"),
                   help="depart from the suggested step (needs --reason)")
    p.add_argument("--reason", default="", help="the written reason for a departure")
    p.add_argument("--fine", type=int, metavar="N", help="the fine a penalty imposes, in yuan (within the legal range; "
                                                         "required when the step is a penalty with a fine)")
    p.add_argument("--formal-warning", action="store_true",
                   help="the penalty imposes a formal warning (警告) instead of a fine, where the law offers one")


def _open(args: argparse.Namespace, *, create: bool = False) -> Any:
    from fireenforce.ledger import Ledger

    return Ledger(args.db, create=create, ruleset=getattr(args, "ruleset", None),
                  offices=getattr(args, "offices", None), busy_timeout=args.wait)


def _emit(args: argparse.Namespace, data: Any, text: str) -> None:
    print(dump_json(data) if args.format == "json" else text)


def _init(args: argparse.Namespace) -> int:
    with _open(args, create=True) as led:
        print(f"ledger ready: {_display(led.url)}")
    return 0


def _record(args: argparse.Namespace) -> int:
    case = one_case(read_text(args.case), "ledger record")
    with _open(args) as led:
        rec = led.record(case, officer=args.officer, step=args.step, reason=args.reason, fine=args.fine,
                         formal_warning=args.formal_warning, source=args.source, separate=args.separate)
    for warning in rec.warnings:
        print(f"fireenforce: warning: {warning}", file=sys.stderr)
    _emit(args, rec.model_dump(mode="json"), record_text(rec))
    return 0


def _reinspect(args: argparse.Namespace) -> int:
    from fireenforce.ledger import Closure

    with _open(args) as led:
        before = led.show(args.finding).last_action
        out = led.reinspect(args.finding, on=args.on, rectified=args.rectified, officer=args.officer,
                            step=args.step, reason=args.reason, note=args.note, fine=args.fine,
                            formal_warning=args.formal_warning)
    for warning in out.warnings:
        print(f"fireenforce: warning: {warning}", file=sys.stderr)
    if isinstance(out, Closure):
        text = f"{out.finding} 复查已整改，{out.closed_on} 销号"
    elif out.action == before:  # within the deadline: nothing decided
        text = f"{out.finding} 复查未整改，整改期限（{out.deadline}）未届满：不作新的处置，期满后再复查"
    else:
        text = record_text(out)
    _emit(args, out.model_dump(mode="json"), "\n".join([text, *reinspection_lines(out.finding, out.reinspection)]))
    return 0


def _apply(args: argparse.Namespace) -> int:
    from fireenforce.documents.numerals import number  # cn2an loads on use only (every command imports this module)

    with _open(args) as led:
        view = led.apply_for_reinspection(args.finding, on=args.on, note=args.note)
        found, doubts = led.reinspection_windows(view.finding)
    basis = "本地政策，policy/ladder.yaml oral_reinspection" if doubts else "消防监督检查规定第二十条第二款"
    lines = [f"{view.finding} 已记录复查申请（{view.applied_on}）"]
    for window in sorted(found, key=lambda w: w.opened_by != "application"):  # the application's first
        start = "收到复查申请之日" if window.opened_by == "application" else f"整改期限（{window.start}）届满"
        days = f"{number(window.days)}个工作日，{basis}"
        if window.last is None:
            lines.append(f"{start}起的复查期限（{days}）的最后一日落在工作日日历未收录的年份，须按当年节假日安排核定")
        elif view.applied_on is not None and window.lapsed(view.applied_on):
            lines.append(f"{start}起的复查期限（{days}）已于 {window.last} 届满（已过）")
        else:
            lines.append(f"{start}起应于 {window.last} 前复查（{days}）")
    lines += [f"存疑（{d.code}）：{d.text}" for d in doubts]
    _emit(args, view.model_dump(mode="json"), "\n".join(lines))
    return 0


def reinspection_lines(finding: str, seen: Any) -> list[str]:
    """The re-inspection's record for the officer: its number, how to print it, and the doubts."""
    if seen is None:
        return []
    lines = [f"复查记录：{DOCUMENT_TITLES[d.type]} {d.number}（打印：fireenforce ledger render {finding} "
             f"--document {d.type} --number {d.number}）" for d in seen.documents]
    return lines + [f"存疑（{d.code}）：{d.text}" for d in seen.doubts]


def _due(args: argparse.Namespace) -> int:
    with _open(args) as led:
        _known_office(led, args.office)
        rows = led.due(on=args.on, office=args.office, within_days=args.within)
    lines = [f"{d.finding}  {d.deadline}{'（逾期）' if d.overdue else ''}"
             f"{f'（{d.applied_on} 申请复查）' if d.applied_on else ''}"
             f"{f'  复查至 {d.reinspect_by}' if d.reinspect_by else ''}  {d.item}  {STEP_LABELS[d.last_step]}  "
             f"{d.subject.name} {d.subject.id}{'（弱匹配）' if d.subject.weak else ''}  地点：{d.place.label()}  {d.office}"
             for d in rows]
    _emit(args, [d.model_dump(mode="json") for d in rows], "\n".join(lines) or f"{args.on}：无到期待复查的发现")
    return 0


def _known_office(led: Any, office: str | None) -> None:
    """Refuse an office name the ledger has no record of: a typo would list nothing."""
    if office is not None and office not in (names := led.offices()):
        raise CaseError("--office", f"{office!r}: no office of that name in the ledger "
                                    f"(offices: {'、'.join(names) or 'none yet'})")


def _history(args: argparse.Namespace) -> int:
    from fireenforce.ledger.subjects import mask_id

    with _open(args) as led:
        _known_office(led, args.office)
        entries = led.history_rows(args.subject_id, on=args.on, office=args.office)
        links = led.subject_links(args.subject_id)
        moved = {new: led.history_rows(new, on=args.on, office=args.office) for new in led.moved(args.subject_id)}
    lines = [f"更正：{k.finding} 的证件号由 {k.before} 更正为 {k.after}（{k.event}，{k.on}{'，合并当事人' if k.merge else ''}；"
             f"理由：{k.reason}）" for k in links]
    lines += _entry_lines(entries) or ["该证件号下已无记录：其记录已更正到其他证件号（见上）" if moved else "无记录"]
    for new, rows in moved.items():
        lines += [f"更正后的证件号 {mask_id(new)} 的历史："] + (_entry_lines(rows) or ["无记录"])
        if args.format == "json":
            print(f"fireenforce: note: findings recorded under this id were refiled under {mask_id(new)} by a "
                  "correction: ask for the history of that id", file=sys.stderr)
    _emit(args, [h.model_dump(mode="json") for h in entries], "\n".join(lines))
    return 0


def _entry_lines(entries: Any) -> list[str]:
    return [f"{h.date}  {h.item}  {STEP_LABELS[h.step]}  {_result(h)}  {h.finding}  {h.subject_name}"
            + ("（弱匹配：按名称和地址并入）" if h.weak else "") for h in entries]


def _result(entry: Any) -> str:
    """What the re-inspection of one history entry found, in words."""
    if entry.rectified:
        return f"复查已整改（{entry.reinspected_on}）"
    if entry.reinspected_on is not None:
        early = entry.deadline is not None and entry.reinspected_on <= entry.deadline
        return f"复查未整改（{entry.reinspected_on}{'，整改期限未届满' if early else ''}）"
    return f"尚未复查（整改期限 {entry.deadline}）" if entry.deadline else "无整改期限"


def _show(args: argparse.Namespace) -> int:
    with _open(args) as led:
        view = led.show(args.finding)
    head = [f"{view.finding}  {view.item}  {STATUS_LABELS[view.status]}{_answer(view)}  {view.office}",
            f"当事人：{view.subject.name} {view.subject.id}{'（弱匹配：按名称和地址）' if view.subject.weak else ''}",
            f"最近处置：{STEP_LABELS[view.last_step]}" + (f"；整改期限 {view.deadline}" if view.deadline else "")]
    events = [f"  {e.at}  {e.kind}  {e.id}" + _event_note(e) for e in view.events]
    _emit(args, view.model_dump(mode="json"), "\n".join(head + ["事件："] + events))
    return 0


def _answer(view: Any) -> str:
    """The brigade's answer to a finding still referred (已接收 on a date), or nothing."""
    if view.status != "referred":
        return ""
    answers = [e for e in view.events if e.kind == "referral_accepted"]
    return f"（{ANSWER_LABELS['accepted']} {answers[-1].at}）" if answers else "（待接收）"


def _event_note(event: Any) -> str:
    """What ``show`` prints after an event: a document's type and number (and the re-inspection it
    records), a re-inspection's result."""
    p = event.payload
    if event.kind == "document":
        return f"  {DOCUMENT_TITLES[p['type']]} {p['number']}" + ("（复查记录）" if "reinspection" in p else "")
    if event.kind == "reinspection":
        return "  已改正" if p["rectified"] else "  未改正"
    return ""


def _verify(args: argparse.Namespace) -> int:
    with _open(args) as led:
        report = led.verify()
    if report.ok:
        text = f"ledger intact: {report.events} events in {report.offices} office chain(s)"
    else:
        b = report.broken
        assert b is not None
        where = f"event {b.event} (#{b.office_seq} of {b.office})" if b.event else f"office {b.office or '-'}"
        text = f"ledger broken at {where}: {b.reason}"
    _emit(args, report.model_dump(mode="json"), text)
    return 0 if report.ok else 1


def _rebuild(args: argparse.Namespace) -> int:
    with _open(args) as led:
        count = led.rebuild()
    print(f"state rebuilt from the events: {count} findings")
    return 0


def _export(args: argparse.Namespace) -> int:
    with _open(args) as led:
        if args.out:
            with open(args.out, "w", encoding="utf-8") as out:
                count = led.export(out)
            print(f"{count} events written to {args.out}", file=sys.stderr)
        else:
            led.export(sys.stdout)
    return 0


def _import(args: argparse.Namespace) -> int:
    from fireenforce.ledger.database import new_sqlite_file, remove_sqlite_file, resolve_url

    lines = read_text(args.file).splitlines()
    created = new_sqlite_file(resolve_url(args.db))
    try:
        with _open(args, create=True) as led:
            count = led.import_(lines, source=args.file)
    except BaseException:
        if created is not None:  # a refused import leaves no empty ledger behind
            remove_sqlite_file(created)
        raise
    print(f"{count} events imported and verified")
    return 0


def _backup(args: argparse.Namespace) -> int:
    with _open(args) as led:
        led.backup(args.target)
    print(f"backup written to {args.target}")
    return 0


def _render(args: argparse.Namespace) -> int:
    check_binary_target(args.format, args.out)
    with _open(args) as led:
        document = led.render(args.finding, args.document, action=args.action, number=args.number,
                              format=args.format, fine=args.fine, formal_warning=args.formal_warning, date=args.date)
    write_document(document, args.out)
    return 0


def _referral(args: argparse.Namespace) -> int:
    with _open(args) as led:
        view = led.referral_answer(args.finding, on=args.on, accepted=args.accepted, result=args.result)
    _emit(args, view.model_dump(mode="json"), f"{view.finding} {STATUS_LABELS[view.status]}")
    return 0


def _correct(args: argparse.Namespace) -> int:
    changes = {}
    for item in args.changes:
        name, sep, value = item.partition("=")
        if not sep:
            raise CaseError("--set", f"{item!r} is not FIELD=VALUE")
        changes[name.strip()] = value.strip()
    with _open(args) as led:
        event = led.correct(args.event, reason=args.reason, changes=changes, merge=args.merge)
    _emit(args, {"event": event}, f"更正已记录：{event}")
    return 0


def record_text(rec: Any) -> str:
    """A recorded action for the officer: the decision, then what the ledger did."""
    lines = [decision_text(_as_recorded(rec)), "", f"记录：{rec.finding}（处置 {rec.action}）{STATUS_LABELS[rec.status]}"]
    if rec.fine is not None:
        lines.append(f"罚款：{rec.fine}元")
    if rec.formal_warning:
        lines.append("处罚：警告")
    if rec.departure:
        lines.append(f"偏离建议：建议{STEP_LABELS[rec.departure.suggested]}，实际{STEP_LABELS[rec.departure.chosen]}；"
                     f"理由：{rec.departure.reason}")
    lines += [f"文书：{DOCUMENT_TITLES[d.type]} {d.number}" for d in rec.documents]
    if rec.deadline:
        lines.append(f"整改期限：{rec.deadline}")
    lines += [f"存疑（{d.code}）：{d.text}" for d in rec.doubts]
    if rec.subject.weak:
        lines.append("注意：当事人无证件号码，按名称和地址匹配历史记录（弱匹配）")
    if rec.weak_matches:
        lines.append(f"注意：历史记录含按名称和地址匹配的记录（弱匹配）：{'、'.join(rec.weak_matches)}；"
                     "如为同一当事人，可用 ledger correct 为其补录证件号")
    return "\n".join(lines)


def _as_recorded(rec: Any) -> Any:
    """The decision as the ledger recorded its action: one correction deadline, the recorded one
    (a general-procedure penalty's runs from its decision's date, after the notice's periods,
    not from the notice's date as decide counts it), and the hearing right of the penalty recorded
    (not of the suggested range's top), with the reason that says so."""
    from fireenforce.documents.hearing import as_imposed

    decision = rec.decision
    if rec.hearing_right is not None:
        decision = as_imposed(decision, rec.hearing_right, rec.hearing_reason)
    if rec.deadline is None or not decision.rectification.required or decision.rectification.deadline == rec.deadline:
        return decision
    moved = decision.rectification.model_copy(update={"deadline": rec.deadline})
    return decision.model_copy(update={"rectification": moved})


def _display(url: str) -> str:
    from fireenforce.ledger.database import display_url

    return display_url(url)

