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
    return instance(cls, values, set(values))


def instance(cls: type[M], values: dict[str, Any], fields_set: set[str]) -> M:
    """An instance of ``cls`` whose ``__dict__`` is ``values`` (every field, in the declared order,
    already valid) and whose fields set is ``fields_set`` (the instance's own, or one shared by
    instances that never change it)."""
    obj = cls.__new__(cls)
    _set(obj, "__dict__", values)
    _set(obj, "__pydantic_fields_set__", fields_set)
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


def replaced(model: M, **updates: Any) -> M:
    """``model.model_copy(update=updates)`` for fields of the model, without pydantic's copy
    machinery: the same values but ``updates``, which join the fields set."""
    out = type(model).__new__(type(model))
    _set(out, "__dict__", {**model.__dict__, **updates})
    _set(out, "__pydantic_fields_set__", model.__pydantic_fields_set__ | updates.keys())
    extra, private = model.__pydantic_extra__, model.__pydantic_private__
    _set(out, "__pydantic_extra__", None if extra is None else dict(extra))
    _set(out, "__pydantic_private__", None if private is None else dict(private))
    return out
