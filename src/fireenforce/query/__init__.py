"""What applies here: catalogue items for an officer's own words.

``query`` ranks items for a description; ``resolve`` picks one when the answer is clear (the
vocabulary's clarity rule) and refuses otherwise; ``infer_place`` reads place facts (高层,
人员密集场所) from the same words. The index is built once per ruleset content (its digest), from the catalogue items and the
version's ``vocabulary.yaml``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import NamedTuple

from fireenforce.errors import CaseError
from fireenforce.ruleset.compiled import Ruleset
from fireenforce.query.index import Index, Match
from fireenforce.model.case import MAX_TEXT
from fireenforce.query.vocabulary import Vocabulary, fold, load_vocabulary

__all__ = ["Match", "PlaceHint", "Vocabulary", "index_for", "infer_place", "load_vocabulary", "query", "resolve"]

VOCABULARY_FILE = "vocabulary.yaml"
_CACHE_SIZE = 8
_indexes: dict[str, Index] = {}
_lock = threading.Lock()


class PlaceHint(NamedTuple):
    """A place fact suggested by a word of the description: ``("place.crowded", True, "网吧")``."""

    field: str
    value: bool
    word: str


def _ruleset(ruleset: Ruleset | None) -> Ruleset:
    if ruleset is not None:
        return ruleset
    from fireenforce.ruleset.load import load_ruleset

    return load_ruleset()


def index_for(ruleset: Ruleset | None = None) -> Index:
    """The search index of a ruleset, built on first use and kept per ruleset digest."""
    ruleset = _ruleset(ruleset)
    with _lock:
        index = _indexes.get(ruleset.digest)
        if index is None:
            vocabulary = load_vocabulary(Path(ruleset.path) / VOCABULARY_FILE)
            index = Index(ruleset.items.values(), vocabulary)
            if len(_indexes) >= _CACHE_SIZE:
                _indexes.pop(next(iter(_indexes)))
            _indexes[ruleset.digest] = index
    return index


def query(text: str, ruleset: Ruleset | None = None, top: int = 5) -> list[Match]:
    """Catalogue items for ``text``, best first, at most ``top``. A text with no searchable
    character (empty, spaces, punctuation) or no word in common with any item gives ``[]``:
    a single shared character (点, 天) is no match."""
    if not isinstance(text, str):
        raise CaseError("text", f"{type(text).__name__} {text!r:.40} given; expected the officer's words as a string")
    if top < 1:
        raise CaseError("top", f"must be at least 1, not {top}")
    if len(text) > MAX_TEXT:
        raise CaseError("text", f"too long: {len(text)} characters; at most {MAX_TEXT}")
    return index_for(ruleset).search(text, top)


def resolve(text: str, ruleset: Ruleset | None = None) -> Match:
    """The one item ``text`` clearly describes, by the vocabulary's clarity rule; otherwise a
    :class:`CaseError` on ``description`` listing the candidates."""
    index = index_for(ruleset)
    clarity = index.vocabulary.clarity
    if not text.strip():
        raise CaseError("description", "empty: describe what was observed, or give item")
    matches = index.search(text, 3)
    if not matches:
        raise CaseError("description", f"no catalogue item matches {text!r} (no word in common with any item): "
                                       "describe the conduct (e.g. 楼道里电动车充电) or give item")
    best = matches[0]
    runner_up = matches[1].score if len(matches) > 1 else 0.0
    if best.score >= clarity.min_score and best.score >= clarity.min_ratio * runner_up:
        return best
    candidates = ", ".join(f"{m.code} {m.name} ({m.score:.2f})" for m in matches)
    if best.score < clarity.min_score:
        raise CaseError("description", f"no catalogue item matches {text!r} clearly; candidates: {candidates}; give item")
    raise CaseError("description", f"ambiguous: candidates {candidates}; give item")


def infer_place(text: str, ruleset: Ruleset | None = None) -> list[PlaceHint]:
    """Place facts suggested by the vocabulary's place words in ``text``, one per field, in
    vocabulary order. A word right after a negation (不是高层) is ignored; a field with words
    for both values is not inferred."""
    vocabulary = index_for(ruleset).vocabulary
    folded = fold(text)
    hints: dict[str, dict[bool, str]] = {}
    for rule in vocabulary.places:
        for word in rule.words:
            if _affirmed(folded, fold(word), vocabulary.negations):
                hints.setdefault(rule.field, {}).setdefault(rule.value, word)
                break
    return [PlaceHint(field, value, word) for field, found in hints.items() if len(found) == 1
            for value, word in found.items()]


def _affirmed(folded: str, word: str, negations: tuple[str, ...]) -> bool:
    """``word`` occurs in ``folded`` at least once not directly after a negation word."""
    start = folded.find(word)
    while start >= 0:
        if not any(folded.endswith(fold(negation), 0, start) for negation in negations):
            return True
        start = folded.find(word, start + 1)
    return False
