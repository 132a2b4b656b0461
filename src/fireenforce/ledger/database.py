"""Opening a ledger database: the URL, engine settings per backend, schema upgrades, and the
translation of driver errors into one-line typed errors."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from urllib.parse import unquote
from typing import Any, Iterator

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.pool import StaticPool

from fireenforce.ledger.errors import (
    LedgerError, LedgerLocked, LedgerReadOnly, LedgerSchemaError, LedgerUnavailable,
)

ENV_VAR = "FIREENFORCE_DB"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT = 30.0  # seconds a writer waits for another before giving up


def default_path() -> Path:
    """``$XDG_DATA_HOME/fireenforce/ledger.db`` (``~/.local/share/fireenforce/ledger.db``)."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "fireenforce" / "ledger.db"


def resolve_url(db: str | os.PathLike[str] | None = None) -> str:
    """``db`` (a URL or a file path), else ``$FIREENFORCE_DB``, else the default file."""
    given = os.fspath(db) if db is not None else os.environ.get(ENV_VAR) or None
    if given is None:
        return f"sqlite:///{default_path()}"
    return given if "://" in given else f"sqlite:///{Path(given).resolve()}"


def display_url(url: str) -> str:
    """The URL without its password, for messages, readable (no percent-encoding)."""
    try:
        return unquote(make_url(url).render_as_string(hide_password=True))
    except ArgumentError:
        return url


def new_sqlite_file(url: str) -> Path | None:
    """The SQLite file ``url`` names when it does not exist yet (what opening it would create)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:") or parsed.query.get("uri") == "true":
        return None
    path = Path(database)
    return None if path.exists() else path


def remove_sqlite_file(path: Path) -> None:
    """Remove a SQLite file this process created, with its WAL and shared-memory files."""
    for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        name.unlink(missing_ok=True)


def is_sqlite(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "sqlite"


def open_engine(url: str, *, create: bool, busy_timeout: float = BUSY_TIMEOUT) -> Engine:
    """An engine for ``url``; a missing SQLite file is created only with ``create``."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise LedgerUnavailable(f"--db: {url!r} is not a database URL or file path") from None
    backend = parsed.get_backend_name()
    try:
        if backend == "sqlite":
            database = parsed.database or ":memory:"
            if parsed.query.get("uri") == "true":  # sqlite:///file:PATH?mode=ro&uri=true
                database = database.removeprefix("file:")
            return _sqlite_engine(url, database, create, busy_timeout)
        if backend == "postgresql":
            if parsed.get_driver_name() != "psycopg":
                url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
            options = f"-c lock_timeout={int(busy_timeout * 1000)}"
            return create_engine(url, connect_args={"options": options}, pool_recycle=3600)
    except NoSuchModuleError:
        pass
    raise LedgerUnavailable(f"--db: {display_url(url)}: unsupported database (use sqlite:/// or postgresql+psycopg://)")


def _sqlite_engine(url: str, database: str, create: bool, busy_timeout: float) -> Engine:
    memory = database == ":memory:"
    if not memory:
        path = Path(database)
        if not path.exists():
            if not create:
                raise LedgerUnavailable(f"{path}: no ledger there (create it with: fireenforce ledger init --db {path})")
            if not path.parent.is_dir():
                raise LedgerUnavailable(f"{path}: directory {path.parent} does not exist")
    engine = create_engine(
        url, connect_args={"timeout": busy_timeout, "check_same_thread": False},
        **({"poolclass": StaticPool} if memory else {}),
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi: Any, _record: Any) -> None:
        dbapi.isolation_level = None  # transactions are begun below, as SQLAlchemy asks
        cursor = dbapi.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        if not memory and cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            with contextlib.suppress(Exception):  # a read-only file keeps its mode; reads still work
                cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")  # a commit is on disk when it returns
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # Writers take the write lock at BEGIN, so they queue on busy_timeout instead of failing
        # to upgrade a read lock; readers never block under WAL.
        immediate = conn.get_execution_options().get("ledger_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def schema_revisions() -> tuple[str, set[str]]:
    """The head revision this fireenforce knows, and every revision it knows."""
    script = ScriptDirectory(str(MIGRATIONS))
    return script.get_current_head() or "", {rev.revision for rev in script.walk_revisions()}


def prepare_schema(engine: Engine, url: str, *, create: bool) -> None:
    """Create or upgrade the schema; refuse a newer one, or (without ``create``) a bare database."""
    head, known = schema_revisions()
    with translate_errors(url), engine.connect() as probe:
        current = MigrationContext.configure(probe).get_current_revision()
        probe.rollback()
    _check_revision(url, current, head, known, create)
    if current == head:
        return
    with translate_errors(url), writing(engine) as conn:
        if not is_sqlite(conn):
            conn.execute(text("SELECT pg_advisory_xact_lock(4711003)"))  # one migrator at a time
        current = MigrationContext.configure(conn).get_current_revision()
        _check_revision(url, current, head, known, create)
        if current != head:
            command.upgrade(_alembic_config(conn), "head")


def _check_revision(url: str, current: str | None, head: str, known: set[str], create: bool) -> None:
    if current is not None and current not in known:
        raise LedgerSchemaError(
            f"{display_url(url)}: schema revision {current} is newer than this fireenforce knows "
            f"(up to {head}); upgrade fireenforce"
        )
    if current is None and not create:
        raise LedgerUnavailable(f"{display_url(url)}: not a fireenforce ledger (create it with: fireenforce ledger init)")


@contextlib.contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction (SQLite: BEGIN IMMEDIATE), committed on success."""
    with engine.connect() as conn:
        conn = conn.execution_options(ledger_write=True)
        with conn.begin():
            yield conn


@contextlib.contextmanager
def translate_errors(url: str) -> Iterator[None]:
    """Driver errors about the database itself become typed one-line ledger errors."""
    try:
        yield
    except DBAPIError as exc:
        raise _translated(url, exc) from None


def _translated(url: str, exc: DBAPIError) -> Exception:
    where = display_url(url)
    message = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
    lowered = message.lower()
    if "readonly" in lowered or "read-only" in lowered or "read only" in lowered:
        return LedgerReadOnly(f"{where}: the database is read-only ({message})")
    if "locked" in lowered or "busy" in lowered or "lock timeout" in lowered:
        return LedgerLocked(f"{where}: the ledger stayed locked by another writer for too long ({message})")
    if "unique" in lowered or "duplicate key" in lowered:
        return LedgerError(f"{where}: a concurrent write recorded the same key first; try again ({message})")
    if "no such table" in lowered or ("relation" in lowered and "does not exist" in lowered):
        return LedgerUnavailable(f"{where}: not a fireenforce ledger ({message})")
    if exc.connection_invalidated or "connect" in lowered or "unable to open" in lowered or "not a database" in lowered:
        return LedgerUnavailable(f"{where}: cannot open the database ({message})")
    return exc
