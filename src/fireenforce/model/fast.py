"""Building output models on the hot path without re-validation.

``construct`` is what ``BaseModel.model_construct`` does for a model whose every field is given,
without its per-field default handling (about ten times faster). Only the engine uses it, with
values it computed itself; tests check its results validate and round-trip.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)
_set = object.__setattr__


def construct(cls: type[M], **values: Any) -> M:
    """An instance of ``cls`` holding ``values`` (all of its fields, already valid)."""
    obj = cls.__new__(cls)
    _set(obj, "__dict__", values)
    _set(obj, "__pydantic_fields_set__", set(values))
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj
