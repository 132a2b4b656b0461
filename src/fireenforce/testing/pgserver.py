"""A throwaway PostgreSQL server for tests and benchmarks: initdb in a temporary directory, a
free port on 127.0.0.1, run as the ``postgres`` system user when we are root (PostgreSQL
refuses root). Needs the server binaries (Debian: ``apt-get install postgresql``).

    server = start()
    url = server.create_database()   # postgresql+psycopg://postgres@127.0.0.1:PORT/fe_…
    ...
    server.stop()
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Server:
    bindir: Path
    root: Path
    port: int
    prefix: list[str]

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def create_database(self) -> str:
        """A fresh, empty database; its URL."""
        import psycopg

        name = f"fe_{secrets.token_hex(6)}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def stop(self) -> None:
        subprocess.run([*self.prefix, str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate",
                        "stop"], capture_output=True, check=False)
        shutil.rmtree(self.root, ignore_errors=True)


def find_bindir() -> Path:
    """The newest installed PostgreSQL's bin directory (``make test`` installs it when missing)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise RuntimeError("PostgreSQL is not installed (make test installs it: apt-get install postgresql)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(*, durable: bool = False) -> Server:
    """Start a server; ``durable`` keeps fsync on (benchmarks), tests run without it."""
    bindir = find_bindir()
    root = Path(tempfile.mkdtemp(prefix="fe-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data, log = root / "data", root / "server.log"
    subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                    "--locale=C", "--no-sync"], check=True, capture_output=True)
    for _attempt in range(5):  # the free port may be taken between choosing and binding it
        port = free_port()
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=60"
        options += "" if durable else " -c fsync=off -c synchronous_commit=off"
        done = subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log),
                               "-w", "-t", "60", "start"], capture_output=True, text=True)
        if done.returncode == 0:
            return Server(bindir, root, port, prefix)
    shutil.rmtree(root, ignore_errors=True)
    raise RuntimeError(f"PostgreSQL did not start: {done.stderr.strip() or done.stdout.strip()}")
