"""The monthly report as data: the contract's JSON (offices and district) with the issue's extra
measures and the twelve-month trend, and the same numbers as CSV rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from typing import Any

from fireenforce.errors import CaseError
from fireenforce.ledger import Ledger
from fireenforce.ledger.database import translate_errors
from fireenforce.reports.measures import (
    DISTRICT, Measured, Month, Tally, families_of, first_record, measure, offices_in, steps_of,
)
from fireenforce.triage.records import cited
from fireenforce.ruleset.assessment import AssessmentSpec
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.triage.store import ruleset_in_force


def scope_json(name: str, tally: Tally, to_date: Tally | None, policy: AssessmentSpec) -> dict[str, Any]:
    """One office's (or the district's) numbers: the contract's keys first, then the details."""
    median = tally.median_days()
    return {
        "office": name,
        "findings": tally.findings,
        "closed": tally.closed,
        "overdue": tally.overdue,
        "steps": steps_of(tally),
        "fines": tally.fines,
        "referrals": tally.referrals,
        "consultations": tally.consultations,
        "departures": len(tally.departures),
        "median_days_to_close": median,
        "by_family": families_of(tally, policy),
        "orders": tally.orders,
        "reinspected_on_time": tally.on_time,
        "reinspected_late": tally.late,
        "fines_unrecorded": tally.fines_unrecorded,
        "referrals_accepted": tally.accepted,
        "referrals_returned": tally.returned,
        "device_findings": tally.device_findings,
        "departure_reasons": sorted(tally.departures, key=lambda d: (d["finding"] or "")),
        "campaigns": _campaigns(tally, to_date, policy),
    }


def _campaigns(tally: Tally, to_date: Tally | None, policy: AssessmentSpec) -> dict[str, Any]:
    out = {}
    for key, spec in policy.campaigns.items():
        def progress(t: Tally) -> dict[str, Any]:
            return {"steps": {step: t.campaigns[key].get(step, 0) for step in spec.steps},
                    "quantity": round(t.quantities.get(key, 0), 1)}

        entry = {"label": spec.label, "month": progress(tally),
                 "to_date": progress(to_date) if to_date is not None else None}
        if spec.quantity is not None:
            entry["unit"] = spec.quantity.unit
            entry["quantity_label"] = spec.quantity.label
        out[key] = entry
    return out


def report_json(measured: Measured, month: Month, policy: AssessmentSpec, ruleset: Ruleset,
                office: str | None = None, first: dt.date | None = None) -> dict[str, Any]:
    """The report; ``first`` is the day of the scope's first ledger record (months before it have none)."""
    names = offices_in(measured, month) if office is None else [office]
    district_to_date = Tally()
    for tally in measured.campaigns_to_date.values():
        district_to_date.add(tally)
    trend_scope = office
    trend = []
    for m in measured.months:
        tally = measured.district(m) if trend_scope is None else measured.tallies.get((str(m), trend_scope), Tally())
        trend.append({"month": str(m), "findings": tally.findings, "closed": tally.closed, "overdue": tally.overdue,
                      "reinspected_on_time": tally.on_time, "reinspected_late": tally.late,
                      "consultations": tally.consultations, "median_days_to_close": tally.median_days()})
    return {
        "month": str(month),
        "jurisdiction": ruleset.manifest.jurisdiction,
        "offices": [scope_json(name, measured.tallies.get((str(month), name), Tally()),
                               measured.campaigns_to_date.get(name, Tally()), policy) for name in names],
        "district": scope_json(DISTRICT, measured.district(month), district_to_date, policy),
        "trend": {"scope": trend_scope or DISTRICT, "months": trend,
                  "first_record": first.isoformat() if first is not None else None},
        "closure_days": {"scope": trend_scope or DISTRICT, "days": sorted(
            (measured.district(month) if office is None else measured.tallies.get((str(month), office), Tally()))
            .close_days)},
        "policy": {"reinspection_working_days": policy.reinspection.working_days,
                   "reinspection_basis": list(policy.reinspection.basis),
                   "reinspection_citations": cited(ruleset, policy.reinspection.basis, month.last),
                   "families": dict(policy.families)},
        "ruleset": ruleset.ref.model_dump(mode="json"),
    }


def monthly_report(led: Ledger, month: str, office: str | None = None) -> dict[str, Any]:
    """The report JSON for ``month`` (YYYY-MM), for every office or one, with the district."""
    try:
        parsed = Month.parse(month)
    except ValueError as exc:
        raise CaseError("month", str(exc)) from None
    ruleset = ruleset_in_force(led.ruleset_path, parsed.last, "month")
    policy = ruleset.assessment
    with translate_errors(led.url), led.engine.connect() as conn:
        measured = measure(conn, parsed, policy, ruleset.calendar)
        first = first_record(conn, office, parsed.last)
    if office is not None and office not in measured.offices:
        known = "、".join(sorted(measured.offices - {DISTRICT})) or "none"
        raise CaseError("office", f"{office!r} has no records in the twelve months to {parsed} (offices: {known})")
    report = report_json(measured, parsed, policy, ruleset, office, first)
    report["audit"] = audit_section(led, parsed, [scope["office"] for scope in report["offices"]], office)
    return report


def audit_section(led: Ledger, month: Month, offices: list[str], office: str | None) -> dict[str, Any]:
    """The audit of the month's actions (fireenforce audit): counts by office and kind, and the findings."""
    from fireenforce.auditing import audit
    from fireenforce.labels import AUDIT_LABELS

    audited = audit(led, ruleset=led.ruleset_path, since=month.first, until=month.last, office=office)
    by_office: dict[str, Counter[str]] = {name: Counter() for name in offices}
    for finding in audited.findings:
        if finding.office != DISTRICT:  # an across-offices comparison belongs to the district only
            by_office.setdefault(finding.office, Counter())[finding.code] += 1
    kinds = list(AUDIT_LABELS)
    return {
        "actions": audited.actions, "decided": audited.decided, "counts": audited.counts(),
        "offices": [{"office": name, "counts": {code: counts[code] for code in kinds}}
                    for name, counts in by_office.items()],
        "labels": dict(AUDIT_LABELS),
        "findings": [f.as_dict() for f in audited.findings],
    }


CSV_COLUMNS = ("month", "office", "measure", "key", "value")


def report_csv(report: dict[str, Any]) -> str:
    """Every number of the report as a row: month, office, measure, key, value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in csv_rows(report):
        writer.writerow(row)
    return out.getvalue()


def csv_rows(report: dict[str, Any]) -> list[tuple[str, str, str, str, Any]]:
    month = report["month"]
    rows: list[tuple[str, str, str, str, Any]] = []
    for scope in [*report["offices"], report["district"]]:
        name = scope["office"]
        for measure_name, value in scope.items():
            if measure_name in ("office", "departure_reasons"):
                continue
            if measure_name == "campaigns":
                for key, campaign in value.items():
                    for period in ("month", "to_date"):
                        if campaign[period] is None:
                            continue
                        for step, n in campaign[period]["steps"].items():
                            rows.append((month, name, f"campaign.{key}.{period}", step, n))
                        rows.append((month, name, f"campaign.{key}.{period}", "quantity", campaign[period]["quantity"]))
            elif isinstance(value, dict):
                rows += [(month, name, measure_name, key, n) for key, n in value.items()]
            else:
                rows.append((month, name, measure_name, "", "" if value is None else value))
        for departure in scope["departure_reasons"]:
            rows.append((month, name, "departure", f"{departure['suggested']}->{departure['chosen']}",
                         departure["reason"]))
    audit = report.get("audit")
    if audit is not None:
        for scope in audit["offices"]:
            rows += [(month, scope["office"], "audit", code, n) for code, n in scope["counts"].items()]
        rows += [(month, DISTRICT, "audit", code, n) for code, n in audit["counts"].items()]
    closures = report["closure_days"]
    for days, count in sorted(Counter(closures["days"]).items()):  # the distribution behind the median
        rows.append((month, closures["scope"], "closure_days", str(days), count))
    for entry in report["trend"]["months"]:
        for key, value in entry.items():
            if key != "month":
                rows.append((entry["month"], report["trend"]["scope"], f"trend.{key}", "",
                             "" if value is None else value))
    return rows
