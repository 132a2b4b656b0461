"""The ruleset's ``vocabulary.yaml``: synonym groups, place words and the clarity rule.

Words are compared after :func:`fold` (Unicode NFKC and case folding), so ``KTV``, ``ktv`` and
full-width ``ＫＴＶ`` are one word.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from fireenforce.errors import Finding, RulesetError
from fireenforce.ruleset.yamlsafe import YamlProblem, dotted, line_of, load_yaml

Word = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
_STRICT = ConfigDict(extra="forbid", frozen=True)


def fold(text: str) -> str:
    """The comparable form of a text: NFKC-normalised and case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


class _Misplaced(ValueError):
    """A validation error that knows where in the file it belongs."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        self.loc = loc
        super().__init__(message)


class PlaceRule(BaseModel):
    """Words in a description that suggest ``field`` has ``value``, on the stated legal basis."""

    model_config = _STRICT
    field: Literal["place.high_rise", "place.crowded"]
    value: bool
    basis: Word
    words: tuple[Word, ...] = Field(min_length=1)


class Clarity(BaseModel):
    """When the best match is clear enough to act on without the officer naming the item."""

    model_config = _STRICT
    min_score: float = Field(gt=0, le=1)
    min_ratio: float = Field(ge=1)


class Vocabulary(BaseModel):
    """Synonym groups (first word canonical), negation words, place rules and the clarity rule."""

    model_config = _STRICT
    synonyms: tuple[tuple[Word, ...], ...] = ()
    negations: tuple[Word, ...] = ()
    places: tuple[PlaceRule, ...] = ()
    clarity: Clarity

    @model_validator(mode="after")
    def _words_unique(self) -> Vocabulary:
        seen: dict[str, int] = {}
        for number, group in enumerate(self.synonyms):
            if len(group) < 2:
                raise _Misplaced(("synonyms", number), "a group needs at least two words")
            for position, word in enumerate(group):
                key = fold(word)
                if key in seen:
                    where = "twice in this group" if seen[key] == number else f"also in synonyms[{seen[key]}]"
                    raise _Misplaced(("synonyms", number, position), f"{word!r} is {where}")
                seen[key] = number
        return self

    def synonym_map(self) -> dict[str, str]:
        """Each folded word -> the folded canonical word of its group."""
        return {fold(word): fold(group[0]) for group in self.synonyms for word in group}


def load_vocabulary(path: Path | str) -> Vocabulary:
    """Read and validate a vocabulary file; raise :class:`RulesetError` naming file, line and field."""
    path = Path(path)
    try:
        data, lines = load_yaml(path)
    except YamlProblem as problem:
        raise RulesetError([problem.finding]) from None
    try:
        return Vocabulary.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        cause = error.get("ctx", {}).get("error")
        loc = cause.loc if isinstance(cause, _Misplaced) else tuple(error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        raise RulesetError([Finding(
            "RS-VOCABULARY", message, file=str(path), line=line_of(lines, loc), field=dotted(loc),
        )]) from None
