"""Requests per second and latency of the HTTP API under 50 concurrent clients.

Starts ``fireenforce serve`` (one uvicorn process) on a free port of 127.0.0.1 with a new
SQLite ledger in a temporary directory, then keeps 50 keep-alive clients busy for a fixed
time per endpoint and reports requests/s, p50 and p99 latency and the number of errors (any
answer but the expected status). ``POST /v1/decide`` gets the generated cases (of 2,000) the engine accepts;
``POST /v1/findings`` records a new subject's case each time, with an officer's token.
With ``--pg`` the ledger is a throwaway PostgreSQL server instead (``fireenforce.testing.pgserver``,
fsync on), which has no single-writer lock: concurrent records really run side by side.
``--offices N`` spreads the 50 clients over N offices (one token each): an office's records form
one hash chain, written one at a time, so N offices can write side by side.
Run: ``.venv/bin/python benchmarks/bench_service.py [SECONDS] [--pg] [--offices N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import httpx2 as httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_decide import generate  # noqa: E402  (a sibling script)

import fireenforce as fe  # noqa: E402
from fireenforce.ledger import Ledger  # noqa: E402
from fireenforce.ledger.subjects import uscc_check  # noqa: E402
from fireenforce.service.tokens import TokenStore  # noqa: E402
from fireenforce.testing import pgserver  # noqa: E402

CLIENTS = 50
OFFICES = (("北街街道消防安全办公室", "street"), ("南街街道消防安全办公室", "street"), ("董志镇消防安全办公室", "town"),
           ("什社乡消防安全办公室", "township"))  # the bundled offices.yaml numbers their documents


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, extra: list[str]) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "fireenforce", "serve", "--port", str(port), "--log-level", "warning", *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/health").status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit(f"the server did not start: {server.stderr.read().decode() if server.stderr else ''}")


class Connection:
    """One keep-alive HTTP/1.1 connection speaking just enough HTTP for this load: a full
    client library (httpx) spends as much CPU per request as the server does, and would
    measure itself on a 2-core machine."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def post(self, request: bytes) -> tuple[int, bytes]:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = next(int(line[15:]) for line in head.lower().split(b"\r\n") if line.startswith(b"content-length:"))
        return status, await self.reader.readexactly(length)


def post_request(port: int, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Content-Type: application/json",
             f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def load(port: int, requests: Callable[[int], bytes], seconds: float, expect: int) -> Result:
    result = Result()
    stop = time.monotonic() + seconds

    async def worker(number: int) -> None:
        connection = Connection(*await asyncio.open_connection("127.0.0.1", port))
        sent = 0
        while time.monotonic() < stop:
            request = requests(number * 1_000_000 + sent)
            sent += 1
            began = time.perf_counter()
            try:
                status, body = await connection.post(request)
            except (OSError, asyncio.IncompleteReadError) as exc:
                result.errors.append(type(exc).__name__)
                connection = Connection(*await asyncio.open_connection("127.0.0.1", port))
                continue
            result.latencies.append(time.perf_counter() - began)
            if status != expect:
                result.errors.append(f"{status}: {body[:200].decode(errors='replace')}")
        connection.writer.close()

    await asyncio.gather(*(worker(n) for n in range(CLIENTS)))
    return result


def report(name: str, result: Result, seconds: float) -> None:
    lat = sorted(result.latencies)
    p50 = statistics.median(lat) * 1000
    p99 = lat[int(len(lat) * 0.99) - 1] * 1000
    print(f"{name:<22} {len(lat) / seconds:8.0f} req/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   "
          f"errors {len(result.errors)} of {len(lat)}")
    for error in sorted(set(result.errors))[:5]:
        print(f"    {error}")


def finding_body(n: int, office: tuple[str, str]) -> bytes:
    """A case about a new subject (a valid 统一社会信用代码 per n), for the office of the token."""
    body = f"91620000MA{n:08d}"[:17]
    case = {"item": "EV-BLOCK", "subject": {"kind": "unit", "operating": True, "name": f"某某超市{n}号店",
                                            "id": body + uscc_check(body)},
            "place": {"name": "某某超市", "crowded": True}, "office": {"level": office[1], "name": office[0]},
            "observed_on": "2026-05-03", "facts": {"narrative": "安全出口上锁"}}
    return json.dumps({"case": case, "officer": "王某"}, ensure_ascii=False).encode()


def run(port: int, url: str, kind: str, seconds: float, decide: list[bytes], offices: int) -> None:
    """Serve the ledger at ``url`` and load decide, then findings, with 50 clients spread over
    ``offices`` offices."""
    with Ledger(url) as ledger:
        store = TokenStore(ledger)
        auth = [(office, {"Authorization": f"Bearer {store.add(office[0], 'officer')[0]}"}) for office in OFFICES[:offices]]

    def finding(i: int) -> bytes:
        office, headers = auth[(i // 1_000_000) % len(auth)]  # each client writes for one office
        return post_request(port, "/v1/findings", finding_body(i, office), headers)

    server = start_server(port, ["--db", url])
    try:
        asyncio.run(load(port, lambda i: decide[i % len(decide)], 2, 200))  # warm up
        print(f"{CLIENTS} concurrent clients, {seconds:.0f} s per endpoint, one uvicorn process, "
              f"{os.cpu_count()} cores, {kind} ledger, {len(auth)} office(s) recording")
        report("POST /v1/decide", asyncio.run(load(port, lambda i: decide[i % len(decide)], seconds, 200)), seconds)
        findings = asyncio.run(load(port, finding, seconds, 201))
        report("POST /v1/findings", findings, seconds)
    finally:
        server.terminate()
        server.wait(10)


def decidable(cases: list[fe.Case]) -> list[fe.Case]:
    """The cases the engine decides: the shared generator also makes some it refuses (a completed
    act's end date), and every answer of the load must be a 200."""
    kept = []
    for case in cases:
        try:
            fe.decide(case)
        except fe.CaseError:
            continue
        kept.append(case)
    return kept


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seconds", nargs="?", type=float, default=10.0)
    parser.add_argument("--pg", action="store_true", help="a throwaway PostgreSQL ledger instead of SQLite")
    parser.add_argument("--offices", type=int, choices=range(1, len(OFFICES) + 1), default=1)
    args = parser.parse_args()
    seconds = args.seconds
    port = free_port()
    decide = [post_request(port, "/v1/decide", json.dumps(c.model_dump(mode="json", exclude_defaults=True)).encode(), {})
              for c in decidable(generate(fe.load_ruleset(), 2000))]
    if args.pg:
        pg = pgserver.start(durable=True)
        try:
            run(port, pg.create_database(), "PostgreSQL", seconds, decide, args.offices)
        finally:
            pg.stop()
        return 0
    with tempfile.TemporaryDirectory(prefix="fe-bench-") as tmp:
        run(port, f"sqlite:///{Path(tmp) / 'ledger.db'}", "SQLite", seconds, decide, args.offices)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
