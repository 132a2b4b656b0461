"""Schemathesis against the API's own OpenAPI schema, in process, with a ledger and an
officer's token: whatever it sends, the server never answers 5xx, and every answer conforms
to the schema (status, content type, body)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fireenforce.ledger import Ledger
from fireenforce.service import Settings, create_app
from ledgerkit import case as ledger_case
from servicekit import ledger_with_tokens

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


_TMP = tempfile.TemporaryDirectory(prefix="fe-schema-")
_URL = f"sqlite:///{Path(_TMP.name) / 'ledger.db'}"
TOKEN = ledger_with_tokens(_URL, "north")["north"]
with Ledger(_URL) as _ledger:
    _ledger.record(ledger_case(1), officer="王某")  # something to find, re-inspect and list
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(Settings(db=_URL)))


@pytest.fixture(scope="module", autouse=True)
def _cleanup() -> Iterator[None]:
    yield
    _TMP.cleanup()


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS, headers={"Authorization": f"Bearer {TOKEN}"})
