"""Who a finding is about: the subject's key, its check-digit-verified id, and masking for display.

A subject with an id (统一社会信用代码 for units, 居民身份证号码 for people) is keyed by it; a
subject without one by its normalised name and address, which is a weak match (two shops of the
same name at one address are one subject; a typo makes two).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from fireenforce.errors import CaseError
from fireenforce.model.case import Subject

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_FORM = re.compile(f"[{_USCC_CHARS}]{{18}}")
_RID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RID_CHECK = "10X98765432"
_RID_FORM = re.compile(r"\d{17}[\dX]")


@dataclass(frozen=True, slots=True)
class SubjectKey:
    """``key`` is what the ledger indexes; ``weak`` says it rests on name and address only."""

    key: str
    weak: bool


def uscc_check(body: str) -> str:
    """The check character of a 统一社会信用代码 (GB 32100-2015) from its first 17 characters."""
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body, _USCC_WEIGHTS))
    return _USCC_CHARS[(31 - total % 31) % 31]


def resident_id_check(body: str) -> str:
    """The check character of a 居民身份证号码 (GB 11643-1999, ISO 7064 MOD 11-2)."""
    return _RID_CHECK[sum(int(c) * w for c, w in zip(body, _RID_WEIGHTS)) % 11]


def normalise_id(raw: str, field: str = "subject.id") -> str:
    """The id in canonical form, or a CaseError naming ``field`` (form or check digit wrong)."""
    text = unicodedata.normalize("NFKC", raw).strip().upper()
    if len(text) != 18:
        raise CaseError(field, f"{mask_id(text)} is not an 18-character 统一社会信用代码 or 居民身份证号码")
    if _RID_FORM.fullmatch(text) and resident_id_check(text[:17]) == text[17]:
        return text
    if _USCC_FORM.fullmatch(text) and uscc_check(text[:17]) == text[17]:
        return text
    raise CaseError(field, f"{mask_id(text)}: check digit does not match (neither a valid 统一社会信用代码 "
                           "nor a valid 居民身份证号码)")


def normalise_text(text: str) -> str:
    """Name or address for matching: NFKC, case-folded, without spaces or punctuation."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in folded if unicodedata.category(c)[0] not in "PZC")


def name_key(name: str, address: str) -> str | None:
    """The weak key of a name and address (``na:…``), the same whether or not the subject has an
    id; None without a name."""
    folded = normalise_text(name)
    return f"na:{folded}|{normalise_text(address)}" if folded else None


def subject_key(subject: Subject) -> SubjectKey:
    """The ledger key of a case's subject (CaseError for a bad id or a subject with no name)."""
    if subject.id.strip():
        return SubjectKey(f"id:{normalise_id(subject.id)}", weak=False)
    key = name_key(subject.name, subject.address)
    if key is None:
        raise CaseError("subject.name", "a subject without an id needs a name (and an address) to be found again")
    return SubjectKey(key, weak=True)


def key_for_lookup(subject: str | Subject) -> str:
    """The key for ``history``: an id string, or a Subject (matched as when it was recorded)."""
    if isinstance(subject, Subject):
        return subject_key(subject).key
    return f"id:{normalise_id(subject, 'subject_id')}"


def mask_id(value: str) -> str:
    """An id for lists, reports and logs: the first six and last four characters."""
    if len(value) <= 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def masked_key(key: str) -> str:
    """The display id of a subject key: the masked id, or empty for a name-and-address subject."""
    return mask_id(key[3:]) if key.startswith("id:") else ""
