"""A case naming an office offices.yaml knows must give that office's level: the level decides
what the office holds, so a contradicting one is refused on ``office.level`` (exit 2, HTTP 422)
in decide, the ledger and the service, never silently obeyed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient

import fireenforce as fe
from fireenforce.batch import decide_table
from fireenforce.cli import main as cli_main
from fireenforce.errors import CaseError
from fireenforce.ledger import Ledger
from fireenforce.service import create_app

ROOT = Path(__file__).resolve().parents[1]
NORTH = "北街街道消防安全办公室"
CASE = {"item": "HR-CONTROL-ROOM", "subject": {"kind": "unit", "operating": True, "name": "某某物业公司",
                                               "id": "91621002MA71K3QX2K", "address": "西峰区北大街1号"},
        "place": {"name": "某小区5号楼（高层住宅）", "high_rise": True}, "observed_on": "2026-05-03",
        "office": {"level": "street", "name": NORTH}, "facts": {"narrative": "消防控制室无人值班"},
        "history": [{"date": "2026-04-12", "item": "HR-CONTROL-ROOM", "step": "warning"}]}
MESSAGE = f"'township' contradicts offices.yaml, where {NORTH} is a 'street' office"


def _at(level: str, name: str = NORTH, history: bool = True) -> dict[str, Any]:
    case = {**CASE, "office": {"level": level, "name": name}}
    return case if history else {k: v for k, v in case.items() if k != "history"}


def test_decide_refuses_a_level_the_office_does_not_have() -> None:
    assert fe.decide(CASE).step == "penalty"
    for level in ("township", "town"):
        with pytest.raises(CaseError) as info:
            fe.decide(_at(level))
        assert info.value.field == "office.level" and "\n" not in str(info.value)
    with pytest.raises(CaseError, match=MESSAGE):
        fe.decide(_at("township"))
    assert fe.decide(_at("township", "")).step  # an unnamed office: its level is all there is


def test_the_cli_and_the_service_refuse_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(_at("township"), ensure_ascii=False), encoding="utf-8")
    assert cli_main(["decide", str(path)]) == 2
    assert capsys.readouterr().err.strip() == f"fireenforce: error: office.level: {MESSAGE}"
    answer = TestClient(create_app()).post("/v1/decide", json=_at("township"))
    assert answer.status_code == 422 and answer.json()["error"]["field"] == "office.level"


def test_the_ledger_refuses_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "office.db"
    with Ledger(f"sqlite:///{db}") as led:
        with pytest.raises(CaseError, match=MESSAGE):
            led.record(_at("township", history=False), officer="王某")
    path = tmp_path / "case.json"
    path.write_text(json.dumps(_at("town", history=False), ensure_ascii=False), encoding="utf-8")
    assert cli_main(["ledger", "record", str(path), "--db", str(db), "--officer", "王某"]) == 2
    assert "office.level: 'town' contradicts offices.yaml" in capsys.readouterr().err


def test_the_batch_kernel_gives_the_same_error_row() -> None:
    cases = [CASE, _at("township")]
    out = decide_table(pa.Table.from_struct_array(pa.array(cases))).to_pylist()
    assert out[0]["step"] == "penalty" and out[1]["step"] is None
    assert "office.level" in json.dumps(out[1], ensure_ascii=False)


def test_the_officers_page_says_it_in_chinese() -> None:
    from fireenforce.service.wording import in_chinese

    assert in_chinese("office.level", MESSAGE) == f"执法单位层级：与{NORTH}登记的层级不符，请核对"


def test_an_office_offices_yaml_does_not_list_is_decided_with_a_doubt(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """decide keeps accepting a name offices.yaml lacks (the contract's inputs stay valid), decided
    by its level, but says so (DOUBT-OFFICE-UNKNOWN, ruleset data); render refuses the name. A
    known office, an unnamed one, and a penalty under 委托 (its own doubt says it) carry no such doubt."""
    from fireenforce.documents import render

    plain = {k: v for k, v in _at("street").items() if k != "history"}
    typo = {**plain, "office": {"level": "street", "name": "北街街道消防安全办工室"}}
    known, unknown = fe.decide(plain), fe.decide(typo)
    assert unknown.step == known.step and unknown.penalty == known.penalty
    codes = [d.code for d in unknown.doubts]
    assert codes.count("DOUBT-OFFICE-UNKNOWN") == 1 and "DOUBT-OFFICE-UNKNOWN" not in [d.code for d in known.doubts]
    text = next(d.text for d in unknown.doubts if d.code == "DOUBT-OFFICE-UNKNOWN")
    assert text.startswith("案件写明的办公室名称不在规则集登记的办公室（offices.yaml）之中")
    assert "DOUBT-OFFICE-UNKNOWN" not in [d.code for d in fe.decide(_at("street", "", history=False)).doubts]
    penalised = fe.decide({**CASE, "office": typo["office"]})
    assert penalised.step == "penalty"
    assert [d.code for d in penalised.doubts if "OFFICE" in d.code] == ["DOUBT-ENTRUSTMENT-UNNAMED-OFFICE"]
    with pytest.raises(CaseError, match="^office.name: unknown office"):
        render(typo, unknown, unknown.documents[0], format="text")
    path = tmp_path / "case.json"
    path.write_text(json.dumps(typo, ensure_ascii=False), encoding="utf-8")
    assert cli_main(["decide", str(path)]) == 0
    assert "[DOUBT-OFFICE-UNKNOWN]" in capsys.readouterr().out
