"""A ledger with one token per kind of caller, for the service tests."""

from __future__ import annotations

from fireenforce.ledger import Ledger
from fireenforce.service.tokens import TokenStore
from ledgerkit import OFFICE, OTHER_OFFICE

BRIGADE = "庆阳市西峰区消防救援大队"
CALLERS = {
    "north": (OFFICE["name"], "officer"),
    "south": (OTHER_OFFICE["name"], "officer"),
    "brigade": (BRIGADE, "brigade"),
    "legal": ("西峰区司法局", "legal"),
}


def ledger_with_tokens(url: str, *names: str) -> dict[str, str]:
    """Create the ledger at ``url`` and a token for each named caller (default: all of them)."""
    with Ledger(url) as ledger:
        store = TokenStore(ledger)
        return {name: store.add(*CALLERS[name])[0] for name in names or CALLERS}
