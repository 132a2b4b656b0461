"""``fireenforce schema``: JSON Schemas of the ruleset files, the Case and the Decision, for editors."""

from __future__ import annotations

import argparse
import json

from pydantic import BaseModel

from fireenforce.model import Case, Decision
from fireenforce.ruleset import schema as rs
from fireenforce.ruleset.assessment import AssessmentSpec
from fireenforce.ruleset.audit import AuditSpec
from fireenforce.ruleset.triggers import TriggersSpec

SCHEMAS: dict[str, type[BaseModel]] = {
    "ruleset": rs.Manifest,
    "instrument": rs.InstrumentSpec,
    "item": rs.ItemSpec,
    "ladder": rs.LadderSpec,
    "step-table": rs.TableSpec,
    "discretion": rs.DiscretionSpec,
    "procedure": rs.ProcedureSpec,
    "limitation": rs.LimitationSpec,
    "delegation": rs.DelegationSpec,
    "triggers": TriggersSpec,
    "assessment": AssessmentSpec,
    "audit": AuditSpec,
    "case": Case,
    "decision": Decision,
}


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("schema", help="print JSON Schemas of the ruleset format, the case and the decision")
    parser.add_argument("kind", nargs="?", choices=sorted(SCHEMAS), help="one schema (default: all, by name)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.kind:
        out = SCHEMAS[args.kind].model_json_schema(by_alias=True)
    else:
        out = {name: model.model_json_schema(by_alias=True) for name, model in SCHEMAS.items()}
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0
