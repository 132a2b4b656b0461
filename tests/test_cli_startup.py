"""The ``fireenforce`` command loads what the command it runs needs, not what every command needs:
building the parser (every run does) must not import the HTTP service, the ledger's database
layer or the documents (about a second of start-up each run, and the serial part of
``fireenforce decide cases.parquet --workers N``)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("fastapi", "sqlalchemy", "alembic", "cn2an", "jinja2", "fireenforce.service.app", "fireenforce.ledger",
         "fireenforce.documents", "fireenforce.verify.diff", "fireenforce.triage")


def test_building_the_parser_imports_no_command_s_machinery() -> None:
    code = ("import sys; from fireenforce.cli import build_parser; build_parser(); "
            f"print(' '.join(name for name in {HEAVY!r} if name in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == []


def test_the_service_names_still_import_from_the_package() -> None:
    from fireenforce.service import Settings, create_app
    from fireenforce.service.defaults import DEFAULT_MAX_BODY

    assert Settings().max_body == DEFAULT_MAX_BODY
    assert callable(create_app)
