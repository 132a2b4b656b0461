"""``audit``: read the actions, re-decide them in batches, check each, compare the groups, and
report (JSON, CSV)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

from fireenforce.auditing.actions import Action, ActionBatch, AuditInputError, from_events, from_parquet, open_archive
from fireenforce.auditing.checks import COLUMNS, DISTRICT, AuditFinding, Disparity, check_action
from fireenforce.auditing.rules import Rule, rules_for
from fireenforce.errors import CaseError
from fireenforce.resources import bundled_family
from fireenforce.ruleset.audit import AUDIT_KINDS
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.ruleset.load import load_directory

if TYPE_CHECKING:
    from fireenforce.ledger import Ledger

BATCH = 65_536  # actions re-decided at a time (bounds memory; the engine's batch unit)
DateLike = dt.date | str


@dataclass
class AuditReport:
    """The audit's result: how many actions were read and re-decided, and the findings."""

    actions: int = 0
    decided: int = 0
    findings: list[AuditFinding] = field(default_factory=list)
    rulesets: dict[str, Ruleset] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        counted = Counter(f.code for f in self.findings)
        return {code: counted.get(code, 0) for code in AUDIT_KINDS}

    def summary(self) -> list[dict[str, Any]]:
        """Findings counted by office, item, step taken and kind."""
        counted = Counter((f.office, f.item, f.step, f.code) for f in self.findings)
        return [{"office": o, "item": i, "step": s, "code": c, "count": n} for (o, i, s, c), n in sorted(counted.items())]

    def json(self) -> dict[str, Any]:
        return {
            "actions": self.actions, "decided": self.decided, "undecidable": self.actions - self.decided,
            "counts": self.counts(), "summary": self.summary(),
            "findings": [f.as_dict() for f in self.findings],
            "rulesets": [{"id": r.id, "version": r.version, "digest": r.digest,
                          "disparity": r.audit.disparity.model_dump(mode="json") if r.audit else None}
                         for r in sorted(self.rulesets.values(), key=lambda r: r.version)],
        }

    def csv(self) -> str:
        """One row per finding, the columns of ``COLUMNS``; lists joined by spaces."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for finding in self.findings:
            row = finding.as_dict()
            writer.writerow([" ".join(row[c]) if isinstance(row[c], list) else "" if row[c] is None else row[c]
                             for c in COLUMNS])
        return out.getvalue()


def audit(source: "str | os.PathLike[str] | Ledger | None" = None, *, db: str | None = None,
          ruleset: str | os.PathLike[str] | None = None, since: DateLike | None = None,
          until: DateLike | None = None, office: str | None = None, workers: int = 1) -> AuditReport:
    """Audit the actions of ``source`` — a ledger export (JSON Lines), a Parquet archive
    (``.parquet``) or a ``Ledger`` — or, without a source, of the ledger database at ``db``
    (default: ``$FIREENFORCE_DB``, else the default ledger file). ``ruleset`` is a family or
    version directory (default: the bundled family); ``since``/``until``/``office`` narrow the
    actions audited (by the action's date, inclusive). ``workers`` > 1 re-decides and checks on
    that many processes (an archive's row groups are read by the processes themselves); the
    report is the same as with one."""
    first, last = _day(since, "since"), _day(until, "until")
    if workers < 1:
        raise CaseError("workers", f"{workers} is not a positive number of processes")
    family = _family(ruleset)
    path = None if ruleset is None else str(ruleset)

    def run(read: Iterable[ActionBatch], archive: Path | None = None) -> AuditReport:
        if workers > 1:
            return _on_workers(archive, read, family, path, workers, first, last, office)
        return audit_actions(read, family, first, last, office)

    if source is None:  # the ledger database: db, else $FIREENFORCE_DB, else the default file
        from fireenforce.ledger import Ledger

        with Ledger(db, create=False) as led:
            return run(_ledger_actions(led, first, last, office))
    if db is not None:
        raise CaseError("db", "give either ACTIONS or a ledger database, not both")
    if not isinstance(source, (str, os.PathLike)):
        return run(_ledger_actions(source, first, last, office))
    archive = Path(source)
    if archive.suffix.lower() == ".parquet" and workers > 1:
        return run((), archive)
    return run(read_actions(archive))


def read_actions(path: Path) -> Iterator[ActionBatch]:
    """The actions of an archive (``.parquet``) or of a ledger export (any other file)."""
    from fireenforce.ledger.transfer import iter_events

    if path.suffix.lower() == ".parquet":
        return from_parquet(path, batch_rows=BATCH)
    try:
        handle = path.open(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AuditInputError(f"{path}: no such file") from None
    except (IsADirectoryError, PermissionError) as exc:
        raise AuditInputError(f"{path}: cannot read ({exc.__class__.__name__})") from None
    return _closing(handle, batches(from_events(iter_events(_json_lines(handle, path), str(path)), str(path))))


def _json_lines(handle: IO[str], path: Path) -> Iterator[str]:
    """The lines of a ledger export; a file whose first line is no JSON object (a CSV, a
    spreadsheet) is named as what it is not."""
    for number, line in enumerate(handle, 1):
        if number == 1 and line.strip() and not line.lstrip().startswith("{"):
            raise AuditInputError(f"{path}:1: not a ledger export (JSON Lines, from fireenforce ledger export); "
                                  "audit reads a ledger export, a Parquet archive (.parquet) or --db")
        yield line


def _closing(handle: IO[str], actions: Iterator[ActionBatch]) -> Iterator[ActionBatch]:
    with handle:
        try:
            yield from actions
        except UnicodeDecodeError:
            raise AuditInputError(f"{handle.name}: not UTF-8 text (a ledger export is JSON Lines)") from None


def batches(actions: Iterable[Action]) -> Iterator[ActionBatch]:
    """Actions in batches of BATCH (the unit the engine decides at a time)."""
    batch: list[Action] = []
    for action in actions:
        batch.append(action)
        if len(batch) == BATCH:
            yield ActionBatch(batch)
            batch = []
    if batch:
        yield ActionBatch(batch)


def _ledger_actions(led: "Ledger", first: dt.date | None, last: dt.date | None,
                    office: str | None) -> Iterator[ActionBatch]:
    from fireenforce.auditing.ledger import audited_events

    return batches(from_events(audited_events(led, first, last, office), led.url))


def audit_actions(read: Iterable[ActionBatch], family: Sequence[Ruleset], first: dt.date | None = None,
                  last: dt.date | None = None, office: str | None = None) -> AuditReport:
    """Re-decide and check the actions read (those inside the dates and office given)."""
    return _report((_part(batch, family, first, last, office) for batch in read), family)


@dataclass
class _Part:
    """What some batches of actions add to the audit, in their order; it crosses processes
    (no rulesets, no pydantic objects: the rulesets by digest)."""

    actions: int = 0
    decided: int = 0
    findings: list[AuditFinding] = field(default_factory=list)
    digests: dict[str, None] = field(default_factory=dict)  # the versions used, in order
    groups: Disparity = field(default_factory=Disparity)

    def add(self, later: "_Part") -> None:
        self.actions += later.actions
        self.decided += later.decided
        self.findings += later.findings
        self.digests.update(later.digests)
        self.groups.merge(later.groups)


def _report(parts: Iterable[_Part], family: Sequence[Ruleset]) -> AuditReport:
    whole = _Part(groups=Disparity(family))
    for part in parts:
        whole.add(part)
    versions = {ruleset.digest: ruleset for ruleset in family}
    report = AuditReport(whole.actions, whole.decided, whole.findings + whole.groups.findings(),
                         {digest: versions[digest] for digest in whole.digests})
    report.findings.sort(key=lambda f: (f.office == DISTRICT, f.office, f.date, f.action, f.code, f.group))
    return report


def _part(batch: ActionBatch, family: Sequence[Ruleset], first: dt.date | None, last: dt.date | None,
          office: str | None) -> _Part:
    """One batch re-decided and checked (its actions inside the dates and office given)."""
    actions, table = batch
    if first or last or office:
        keep = [n for n, a in enumerate(actions) if not ((first and a.date < first) or (last and a.date > last)
                                                         or (office and a.office != office))]
        if len(keep) < len(actions):  # none kept: no table (Arrow cannot take by an empty, untyped list)
            actions, table = [actions[n] for n in keep], table.take(keep) if table is not None and keep else None
    part = _Part(actions=len(actions))
    for action, rule in zip(actions, rules_for(actions, family, table) if actions else ()):
        part.findings += check_action(action, rule)
        if isinstance(rule, Rule):
            part.decided += 1
            part.digests[rule.ruleset.digest] = None
            part.groups.add(action, rule)
    return part


# -- on several processes --------------------------------------------------------------------

_FAMILY: list[Ruleset] = []


def _start(family: list[Ruleset] | str | None) -> None:
    """A worker keeps the family (inherited, or loaded once from its directory)."""
    _FAMILY[:] = family if isinstance(family, list) else _family(family)


def _batch_part(batch: ActionBatch, first: dt.date | None, last: dt.date | None, office: str | None) -> _Part:
    return _part(batch, _FAMILY, first, last, office)


def _archive_part(path: Path, groups: tuple[int, ...], first_row: int, first: dt.date | None, last: dt.date | None,
                  office: str | None) -> _Part:
    """Row groups of an archive, read and audited by a worker."""
    whole = _Part()
    for batch in from_parquet(path, batch_rows=BATCH, row_groups=groups, first_row=first_row):
        whole.add(_part(batch, _FAMILY, first, last, office))
    return whole


def _on_workers(source: Path | None, read: Iterable[ActionBatch], family: list[Ruleset], path: str | None,
                workers: int, first: dt.date | None, last: dt.date | None, office: str | None) -> AuditReport:
    """The audit on ``workers`` processes: an archive's row groups are read by the workers
    themselves; other sources are read here and their batches of actions (plain data) sent."""
    from fireenforce.batch.stream import in_order, row_group_tasks, worker_pool

    calls: Iterable[tuple[Callable[..., _Part], tuple[Any, ...]]]
    if source is not None:
        tasks = row_group_tasks(open_archive(source).metadata, BATCH)
        calls = ((_archive_part, (source, groups, row, first, last, office)) for groups, row in tasks)
    else:
        calls = ((_batch_part, (batch, first, last, office)) for batch in read)
    with worker_pool(workers, _start, family, path) as pool:
        return _report(in_order(pool, calls, workers), family)


def _family(path: str | os.PathLike[str] | None) -> list[Ruleset]:
    loaded = load_directory(path if path is not None else bundled_family())
    return [loaded] if isinstance(loaded, Ruleset) else loaded


def _day(value: DateLike | None, name: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CaseError(name, f"{value!r} is not a date (expected YYYY-MM-DD)") from None
