"""``fireenforce token`` and ``fireenforce serve`` as an administrator uses them."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from fireenforce.cli import main
from fireenforce.ledger import Ledger
from fireenforce.service.tokens import TokenStore


@pytest.fixture()
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    Ledger(url).close()
    return url


def test_token_add_prints_the_token_alone_and_keeps_only_its_hash(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "add", "--db", db, "--office", "北街街道消防安全办公室", "--role", "officer"]) == 0
    out = capsys.readouterr()
    token = out.out.strip()
    assert out.out.count("\n") == 1 and token.startswith("fe_") and len(token) > 40
    assert "street" in out.err
    db_bytes = Path(db.removeprefix("sqlite:///")).read_bytes()
    assert token.encode() not in db_bytes
    with Ledger(db) as ledger:
        assert TokenStore(ledger).authenticate(token).office == "北街街道消防安全办公室"


def test_token_list_and_revoke(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["token", "add", "--db", db, "--office", "西峰区司法局", "--role", "legal"])
    token = capsys.readouterr().out.strip()
    assert main(["token", "list", "--db", db, "--format", "json"]) == 0
    [info] = json.loads(capsys.readouterr().out)
    assert info["role"] == "legal" and info["level"] is None and info["revoked_at"] is None and token not in str(info)
    assert main(["token", "revoke", "--db", db, info["id"]]) == 0
    assert "revoked" in capsys.readouterr().out
    assert main(["token", "list", "--db", db]) == 0 and "revoked 20" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "message"), [
    (["--office", "西峰区司法局", "--role", "officer"], "cannot tell the level of '西峰区司法局'"),
    (["--office", " ", "--role", "officer"], "office: name the office"),
    # a street office deciding with the brigade's powers (user trial of issue 13)
    (["--office", "北街街道消防安全办公室", "--role", "officer", "--level", "brigade"],
     "level: 'brigade' does not fit '北街街道消防安全办公室': its name says street"),
    (["--office", "董志镇消防安全办公室", "--role", "officer", "--level", "township"], "its name says town"),
    (["--office", "庆阳市西峰区消防救援大队", "--role", "brigade", "--level", "street"],
     "a brigade token acts for the brigade"),
])
def test_token_add_refuses_what_it_cannot_place(db: str, capsys: pytest.CaptureFixture[str], args: list[str],
                                                message: str) -> None:
    assert main(["token", "add", "--db", db, *args]) == 2
    assert message in capsys.readouterr().err


def test_token_commands_need_an_existing_ledger(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "list", "--db", str(tmp_path / "none.db")]) == 2
    assert "ledger init" in capsys.readouterr().err
    assert main(["token", "revoke", "--db", str(tmp_path / "none.db"), "T-1"]) == 2


def test_serve_answers_on_the_port_it_is_given(db: str) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "fireenforce", "serve", "--db", db, "--port", str(port),
                               "--log-level", "warning"], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health", timeout=2) as answer:
                    assert json.load(answer)["status"] == "ok"
                    break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "serve did not start"
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
            assert "消防执法助手" in page.read().decode()
    finally:
        server.terminate()
        server.wait(10)


def test_serve_refuses_a_missing_ledger(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "fireenforce", "serve", "--db", str(tmp_path / "none.db")],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and "ledger init" in run.stderr
