"""Triage names the office that handles a finding (never 本办 for an office nobody named), and
the place register refuses an office that offices.yaml does not know (its documents could not
be headed or numbered)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fireenforce.cli import main
from fireenforce.ledger.subjects import uscc_check

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PLACE = "西峰区阳光小区3号楼"


def _uscc(body: str = "91621002MA7XK3") -> str:
    body = body.ljust(17, "0")
    return body + uscc_check(body)


def _register(tmp_path: Path, office: str) -> Path:
    places = tmp_path / "places.jsonl"
    places.write_text(json.dumps({
        "place": PLACE, "office": office, "level": "street", "compound": "阳光小区", "high_rise": True,
        "crowded": False, "manager": {"kind": "unit", "operating": True, "name": "阳光物业公司", "id": _uscc(),
                                      "address": "西峰区北街"}}, ensure_ascii=False), encoding="utf-8")
    return places


def test_a_place_of_an_office_offices_yaml_does_not_know_is_one_line_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "l.db")
    assert main(["ledger", "init", "--db", db]) == 0
    capsys.readouterr()
    assert main(["signals", "places", str(_register(tmp_path, "西北街街道消防安全办公室")), "--db", db]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "places.jsonl:1: office: " in err
    assert "'西北街街道消防安全办公室' is not an office of offices.yaml" in err and "北街街道消防安全办公室" in err


def test_triage_names_the_office_of_a_finding_and_says_when_none_is_known(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "l.db")
    assert main(["signals", "ingest", str(EXAMPLES / "signals.jsonl"), "--db", db]) == 0
    assert main(["triage", "--on", "2026-05-10", "--db", db]) == 0
    unregistered = capsys.readouterr().out
    assert "本办" not in unregistered and "办理单位未定：场所未登记" in unregistered
    assert main(["signals", "places", str(_register(tmp_path, "北街街道消防安全办公室")), "--db", db]) == 0
    assert main(["triage", "--on", "2026-05-10", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "本办" not in out and "（北街街道消防安全办公室；依据" in out
    assert main(["triage", "--on", "2026-05-10", "--signals", str(EXAMPLES / "signals.jsonl")]) == 0
    assert "办理单位未定：试运行不查场所登记" in capsys.readouterr().out
