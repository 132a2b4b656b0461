"""Reliability on SQLite and PostgreSQL: 8 writer processes at once, and a writer killed with
SIGKILL in the middle of a batch. Every acknowledged record is there exactly once, numbers are
unique and gap-free, no finding is half-written, and verify passes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from sqlalchemy import func, select

from fireenforce.ledger import Ledger
from fireenforce.ledger.tables import actions, events, findings

WRITER = Path(__file__).with_name("ledger_writer.py")


def writer(url: str, worker: int, count: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(WRITER.parent)}
    return subprocess.Popen([sys.executable, str(WRITER), url, str(worker), str(count)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def assert_whole(url: str, acknowledged: list[str]) -> int:
    with Ledger(url, create=False) as led:
        report = led.verify()
        assert report.ok, report.broken
        with led.engine.connect() as conn:
            stored = conn.execute(select(findings.c.id)).scalars().all()
            assert len(stored) == len(set(stored))
            assert set(acknowledged) <= set(stored)
            without_action = conn.execute(
                select(func.count()).select_from(findings).where(~findings.c.id.in_(select(actions.c.finding)))
            ).scalar_one()
            assert without_action == 0
            series: dict[tuple[str, str, int], list[int]] = defaultdict(list)
            for row in conn.execute(select(events.c.office, events.c.payload).where(events.c.kind == "document")):
                import json

                p = json.loads(row.payload)
                series[(row.office, p["type"], p["year"])].append(p["serial"])
        for numbers in series.values():
            assert sorted(numbers) == list(range(1, len(numbers) + 1))
        return len(stored)


def test_eight_writers_at_once(ledger_url: str) -> None:
    Ledger(ledger_url).close()  # the schema, before the writers start
    procs = [writer(ledger_url, w + 1, 100) for w in range(8)]
    acknowledged = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        acknowledged += out.split()
    assert len(acknowledged) == len(set(acknowledged)) == 800
    assert assert_whole(ledger_url, acknowledged) == 800


def test_a_writer_killed_mid_batch(ledger_url: str) -> None:
    Ledger(ledger_url).close()
    proc = writer(ledger_url, 9, 100_000)
    assert proc.stdout is not None
    acknowledged = [proc.stdout.readline().strip() for _ in range(40)]
    proc.send_signal(signal.SIGKILL)
    rest, _ = proc.communicate(timeout=60)
    acknowledged += rest.split()  # lines printed before the kill (each after its commit)
    assert proc.returncode == -signal.SIGKILL
    assert assert_whole(ledger_url, acknowledged) >= len(acknowledged)
