"""Provisions: the verbatim, dated texts of every cited article, paragraph and item."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from fireenforce.model.decision import LegalBasis
from fireenforce.model.enums import LegalRole
from fireenforce.ruleset.schema import InstrumentSpec


@dataclass(frozen=True, slots=True)
class ProvisionVersion:
    cite: str
    instrument: str
    title: str
    article: int
    paragraph: int | None
    item: int | None
    text: str
    valid_from: dt.date
    valid_to: dt.date | None
    single_paragraph: bool = False  # the article has one paragraph (款): cited without 第一款

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


ITEM_LINE = re.compile(r"^（[一二三四五六七八九十]+）")


def paragraph_count(article_text: str) -> int:
    """The paragraphs (款) of an article's whole text: its lines, items (（一）（二）…) not counted."""
    return sum(1 for line in article_text.split("\n") if line.strip() and not ITEM_LINE.match(line))


def parse_cite(cite: str) -> tuple[str, int, int | None, int | None]:
    """``fire-law:60:1:3`` -> ("fire-law", 60, 1, 3). Raises ValueError if malformed."""
    parts = cite.split(":")
    if not 2 <= len(parts) <= 4 or not all(p.isdigit() and int(p) > 0 for p in parts[1:]):
        raise ValueError(f"malformed citation {cite!r} (expected instrument:article[:paragraph[:item]])")
    numbers = [int(p) for p in parts[1:]] + [None, None]
    return parts[0], numbers[0], numbers[1], numbers[2]  # type: ignore[return-value]


class Provisions:
    """All provision versions of a ruleset, with cached LegalBasis objects.

    Whether an article has a single paragraph (cited 第X条第（Y）项, never 第X条第一款) comes from
    its whole text (key ``A``, copied verbatim from the statute) in force when the cited text is;
    without that text the paragraph number is kept."""

    def __init__(self, instruments: dict[str, InstrumentSpec]) -> None:
        self.instruments = instruments
        self._versions: dict[str, tuple[ProvisionVersion, ...]] = {}
        self._basis: dict[tuple[str, LegalRole, dt.date], LegalBasis] = {}
        for spec in instruments.values():
            for ref, texts in spec.provisions.items():
                cite = f"{spec.id}:{ref}"
                _, article, paragraph, item = parse_cite(cite)
                lead = spec.provisions.get(f"{article}:{paragraph}") if item is not None else None
                whole = spec.provisions.get(str(article)) if paragraph is not None else None
                versions = []
                for entry in sorted(texts, key=lambda t: t.from_):
                    text = entry.text
                    if lead:
                        head = next((t for t in lead if t.covers(entry.from_)), None)
                        if head is not None:
                            text = f"{head.text}\n{entry.text}"
                    article_text = next((t.text for t in whole or () if t.covers(entry.from_)), None)
                    single = article_text is not None and paragraph_count(article_text) == 1
                    versions.append(ProvisionVersion(
                        cite, spec.id, spec.title, article, paragraph, item, text, entry.from_, entry.to, single))
                self._versions[cite] = tuple(versions)

    def __contains__(self, cite: str) -> bool:
        return cite in self._versions

    def all_cites(self) -> tuple[str, ...]:
        return tuple(self._versions)

    def versions(self, cite: str) -> tuple[ProvisionVersion, ...]:
        return self._versions.get(cite, ())

    def at(self, cite: str, day: dt.date) -> ProvisionVersion | None:
        for version in self._versions.get(cite, ()):
            if version.in_force(day):
                return version
        return None

    def in_force_from(self, cite: str, start: dt.date, end: dt.date | None = None) -> bool:
        """True when some version covers every day of [start, end) (end None: open)."""
        day = start
        for version in self._versions.get(cite, ()):
            if version.valid_from <= day and (version.valid_to is None or version.valid_to > day):
                if version.valid_to is None or (end is not None and version.valid_to >= end):
                    return True
                day = version.valid_to
        return False

    def change_dates(self, cites: list[str]) -> set[dt.date]:
        dates: set[dt.date] = set()
        for cite in cites:
            for version in self._versions.get(cite, ()):
                dates.add(version.valid_from)
                if version.valid_to:
                    dates.add(version.valid_to)
        return dates

    def basis(self, cite: str, role: LegalRole, day: dt.date) -> LegalBasis | None:
        """The LegalBasis for ``cite`` in force on ``day`` (shared, immutable), or None."""
        version = self.at(cite, day)
        if version is None:
            return None
        key = (cite, role, version.valid_from)
        found = self._basis.get(key)
        if found is None:
            found = LegalBasis.model_construct(
                instrument=version.instrument, title=version.title, article=version.article,
                paragraph=version.paragraph, item=version.item, role=role, text=version.text,
                cite=cite, valid_from=version.valid_from, valid_to=version.valid_to,
                single_paragraph=version.single_paragraph,
            )
            self._basis[key] = found
        return found
