"""The exported JSON Schemas (docs/schemas) are the models' own, and examples validate against them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import fireenforce as fe
from fireenforce.cli.schema import SCHEMAS
from fireenforce.model import Case, Decision

DOCS = Path(__file__).resolve().parents[1] / "docs" / "schemas"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ebike-highrise.json"


@pytest.mark.parametrize(("name", "model"), [("case", Case), ("decision", Decision)])
def test_exported_schema_is_current(name: str, model: type) -> None:
    exported = json.loads((DOCS / f"{name}.json").read_text(encoding="utf-8"))
    assert exported == model.model_json_schema(by_alias=True), (
        f"docs/schemas/{name}.json is stale: run `fireenforce schema {name} > docs/schemas/{name}.json`")


def test_example_case_and_its_decision_validate_against_the_schemas() -> None:
    case = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    jsonschema.validate(case, json.loads((DOCS / "case.json").read_text(encoding="utf-8")))
    decision = fe.decide(case).model_dump(mode="json")
    jsonschema.validate(decision, json.loads((DOCS / "decision.json").read_text(encoding="utf-8")))


@pytest.mark.parametrize(("day", "valid"), [
    ("2026-05-03", True), ("1900-01-01", True), ("2999-12-31", True),
    ("1899-12-31", False), ("3000-01-01", False), ("9999-12-31", False), ("2026-13-01", False), ("2026-5-3", False),
])
def test_the_case_schema_bounds_dates_like_the_model(day: str, valid: bool) -> None:
    """The exported schema refuses the dates the model refuses (outside 1900–2999, not ISO)."""
    schema = json.loads((DOCS / "case.json").read_text(encoding="utf-8"))
    checker = jsonschema.Draft202012Validator(schema)
    case = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    for field in ("observed_on", "decided_on"):
        assert checker.is_valid({**case, field: day}) is valid, (field, day)
    history = {**case, "history": [{"date": day, "item": "EV-BLOCK", "step": "reminder"}]}
    assert checker.is_valid(history) is valid


def _undescribed(schema: dict) -> list[str]:
    """Properties (of the schema and its $defs) without a description."""
    out = []
    for owner, node in [("", schema), *schema.get("$defs", {}).items()]:
        if not node.get("description"):
            out.append(owner or "(top)")
        out += [f"{owner}.{name}" for name, prop in node.get("properties", {}).items() if not prop.get("description")]
    return out


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_every_field_is_described(kind: str) -> None:
    """Integrators and legal staff read the schema (`fireenforce schema KIND`), not the source:
    every object and field says what it means."""
    assert _undescribed(SCHEMAS[kind].model_json_schema(by_alias=True)) == []


def test_closed_vocabularies_are_enums_and_history_fields_are_described() -> None:
    decision = json.loads((DOCS / "decision.json").read_text(encoding="utf-8"))["$defs"]
    penalty = decision["Penalty"]["properties"]
    assert penalty["choice"]["enum"] == ["one", "all"]
    assert penalty["precondition"]["anyOf"][0]["enum"] == ["refusal", "overdue", "notice"]
    assert decision["Reinspection"]["required"] == ["step", "ordered_on", "deadline", "due"]
    entry = json.loads((DOCS / "case.json").read_text(encoding="utf-8"))["$defs"]["HistoryEntry"]["properties"]
    assert entry["issued_by"]["enum"] == ["office", "fire_rescue"]
    for field in ("deadline", "reinspected_on", "issued_by", "rectified"):
        assert entry[field]["description"], field


def test_a_decision_with_a_referral_and_a_reinspection_validates_against_the_schema() -> None:
    schema = json.loads((DOCS / "decision.json").read_text(encoding="utf-8"))
    base = {"subject": {"kind": "unit"}, "office": {"level": "street"}, "observed_on": "2025-03-10"}
    referral = fe.decide({**base, "item": "EV-BLOCK", "facts": {"crime_suspected": True}})
    running = fe.decide({**base, "item": "EV-BLOCK",
                         "history": [{"date": "2025-03-08", "item": "EV-BLOCK", "step": "warning"}]})
    assert (referral.referral_to, referral.referral_label) == ("judicial", "司法机关")
    assert running.reinspection is not None and running.reinspection.due.isoformat() == "2025-03-12"
    for decision in (referral, running):
        jsonschema.validate(decision.model_dump(mode="json"), schema)
