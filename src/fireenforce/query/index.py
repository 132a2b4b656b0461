"""A BM25 index over character unigrams and bigrams, after synonym normalisation.

Chosen by measurement over ``tests/data/query_eval.yaml`` (see ``docs/query.md``): Chinese has
no spaces and officers' phrasing varies, so overlapping character n-grams match words a
segmenter would split differently, and the vocabulary's synonym groups map colloquial words
(电瓶车, 电驴) onto the catalogue's (电动车) before n-grams are taken.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from fireenforce.query.vocabulary import Vocabulary, fold
from fireenforce.ruleset.items import CompiledItem

# BM25 saturation and length normalisation (the usual defaults).
K1 = 1.2
B = 0.75
# An item that shares no word with the text must share at least this many distinct characters
# with it to count as a match (修车铺…床…睡人 does; 有点问题 and 今天天气不错, two each, do not).
MIN_CHARACTERS = 3


@dataclass(frozen=True, slots=True)
class Match:
    """One catalogue item for a description.

    ``score`` is in 0..1: the share of the description's indexed information (BM25 weight of its
    character n-grams) that this item's text covers. ``matched`` holds the description's own
    words that matched (as typed, after :func:`fold`), in order; it is empty when only single
    characters matched (at least MIN_CHARACTERS of them: a weak match).
    """

    code: str
    name: str
    score: float
    matched: tuple[str, ...]


class Normaliser:
    """Folds text and rewrites every synonym to its group's canonical word (longest match first),
    remembering which span of the original text each output character came from."""

    def __init__(self, synonyms: dict[str, str]) -> None:
        self._synonyms = synonyms
        self._longest = max(map(len, synonyms), default=0)

    def __call__(self, folded: str) -> tuple[str, list[tuple[int, int]]]:
        """``folded`` (see :func:`fold`) with synonyms rewritten, and each output character's
        (start, end) in ``folded``."""
        out: list[str] = []
        spans: list[tuple[int, int]] = []
        i = 0
        while i < len(folded):
            for length in range(min(self._longest, len(folded) - i), 1, -1):
                canonical = self._synonyms.get(folded[i:i + length])
                if canonical is not None:
                    out.append(canonical)
                    spans.extend([(i, i + length)] * len(canonical))
                    i += length
                    break
            else:
                out.append(self._synonyms.get(folded[i], folded[i]))
                spans.append((i, i + 1))
                i += 1
        return "".join(out), spans


def tokens(text: str) -> list[tuple[str, int, int]]:
    """(token, start, end): each ASCII letter/digit run whole; in other runs of letters, every
    character and every pair of adjacent characters. Punctuation and spaces separate runs."""
    found: list[tuple[str, int, int]] = []
    start = 0
    while start < len(text):
        char = text[start]
        if not char.isalnum():
            start += 1
            continue
        ascii_run = char.isascii()
        end = start
        while end < len(text) and text[end].isalnum() and text[end].isascii() == ascii_run:
            end += 1
        if ascii_run:
            found.append((text[start:end], start, end))
        else:
            for i in range(start, end):
                found.append((text[i], i, i + 1))
                if i + 1 < end:
                    found.append((text[i:i + 2], i, i + 2))
        start = end
    return found


class Index:
    """Built once per ruleset; :meth:`search` is a dictionary look-up per query token."""

    def __init__(self, items: Iterable[CompiledItem], vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.normalise = Normaliser(vocabulary.synonym_map())
        self.names: dict[str, str] = {}
        frequencies: dict[str, Counter[str]] = {}
        for item in items:
            # One document per item: its name, conduct, aliases and keywords, equally weighted.
            texts = (item.name, item.conduct, *item.aliases, *item.keywords)
            frequencies[item.code] = Counter(
                token for text in texts for token, _, _ in tokens(self.normalise(fold(text))[0]))
            self.names[item.code] = item.name
        lengths = {code: sum(counts.values()) for code, counts in frequencies.items()}
        total = len(frequencies)
        average = sum(lengths.values()) / total if total else 1.0
        document_frequency = Counter(token for counts in frequencies.values() for token in counts)
        self.idf = {token: math.log(1 + (total - n + 0.5) / (n + 0.5)) for token, n in document_frequency.items()}
        # token -> {code: BM25 weight}: the whole scoring cost moves to build time.
        self.postings: dict[str, dict[str, float]] = {}
        for code, counts in frequencies.items():
            norm = K1 * (1 - B + B * lengths[code] / average)
            for token, tf in counts.items():
                self.postings.setdefault(token, {})[code] = self.idf[token] * tf * (K1 + 1) / (tf + norm)

    def search(self, text: str, top: int) -> list[Match]:
        """Items ranked by score (ties by code). An item sharing with the text neither a word (two
        characters in a row) nor MIN_CHARACTERS single characters is left out: 有点问题 shares
        only 有 and 点 with an item about 点火, which means nothing."""
        folded = fold(text)
        normalised, spans = self.normalise(folded)
        found = [t for t in tokens(normalised) if t[0] in self.idf]
        if not found:
            return []
        ceiling = sum(self.idf[token] * (K1 + 1) for token, _, _ in found)
        scores: dict[str, float] = {}
        for token, _, _ in found:
            for code, weight in self.postings[token].items():
                scores[code] = scores.get(code, 0.0) + weight
        out: list[Match] = []
        for code, score in sorted(scores.items(), key=lambda pair: (-pair[1], pair[0])):
            matched = self._matched(code, folded, found, spans)
            if matched or self._characters(code, found) >= MIN_CHARACTERS:
                out.append(Match(code, self.names[code], round(score / ceiling, 4), matched))
                if len(out) == top:
                    break
        return out

    def _characters(self, code: str, found: list[tuple[str, int, int]]) -> int:
        """How many distinct single characters of the text this item's text holds."""
        return len({token for token, start, end in found if end - start == 1 and code in self.postings[token]})

    def _matched(self, code: str, folded: str, found: list[tuple[str, int, int]],
                 spans: list[tuple[int, int]]) -> tuple[str, ...]:
        """The description's words (folded) behind the longest runs of this item's multi-character
        tokens."""
        runs: list[list[int]] = []
        for token, start, end in found:
            if end - start < 2 or code not in self.postings[token]:
                continue
            if runs and start < runs[-1][1]:
                runs[-1][1] = max(runs[-1][1], end)
            else:
                runs.append([start, end])
        words = (folded[spans[start][0]:spans[end - 1][1]] for start, end in runs)
        return tuple(dict.fromkeys(words))
