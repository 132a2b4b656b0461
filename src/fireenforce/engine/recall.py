"""The fast path of ``decide``: whole decisions recalled by the case's raw inputs.

``decide`` is pure: the same case (every field, with its exact type) under the same ruleset
gives the same Decision. So the reference engine (``decide_reference``) decides a case once,
and a later call with an equal case copies that decision (a new ``Decision`` whose fields are the
same immutable objects) instead of deciding again. Dates are part of the key, so everything that
depends on them (the law in force, limitation, deadlines, the ruleset version) is recalled with
the rest; only the case digest of a ``Case`` instance is read from the instance itself.

Keys are built without validation: a ``Case``'s through its models' ``__dict__``, a dict's as
its exact encoding (``True`` and ``1`` are equal in Python, but not in the encoding). A key is
only ever stored after the reference engine succeeded on its case, so a key that is found
belongs to a valid case equal to this one, and the memo itself is the validator of canonical
input; anything else (JSON text, ``Case`` subclasses, dicts holding dates or objects, any case
not seen before) goes to the reference engine, which keeps its exact errors.

Each ruleset keeps its own memo (``Ruleset.decisions``; decisions under the bundled family, with
no ruleset given, share one): bounded, keeping what was used lately, and safe to share between
threads (``Memo``).
"""

from __future__ import annotations

import gc
import marshal
from operator import itemgetter
from typing import Any, Callable, Hashable, get_args, get_origin

from pydantic import BaseModel

from fireenforce.model.canonical import case_json, part_json
from fireenforce.model.case import Case, Facts, HistoryEntry, Office, Place, ResponsiblePerson, Subject, keep_digest
from fireenforce.model.decision import Decision
from fireenforce.ruleset.compiled import DECISIONS_KEPT, Memo, Ruleset

Reference = Callable[[Any, "Ruleset | None"], Decision]

_BUNDLED: Memo[dict[str, Any]] = Memo(DECISIONS_KEPT)  # decisions under the bundled family (no ruleset given)
_ALL_FIELDS = set(Decision.model_fields)  # a decision's fields set: the reference engine sets every field
_set = object.__setattr__
_new = Decision.__new__


def decide(case: Any, ruleset: Ruleset | None, reference: Reference) -> Decision:
    """``reference(case, ruleset)``'s decision, recalled when an equal case was decided before. The
    memo keeps a decision's field values (a copy of its own: the caller's object shares nothing
    mutable with the memo); a recalled decision gets a copy of them and the one fields set that
    every recalled decision shares (a frozen model never changes it)."""
    memo: Memo[dict[str, Any]] = _BUNDLED if ruleset is None else ruleset.decisions
    kind = type(case)
    try:
        if kind is Case:
            key: Hashable | None = case_key(case)
        elif kind is dict:
            key = dict_key(case)
        else:
            key = None
        found = memo.get(key) if key is not None else None
    except (TypeError, KeyError, AttributeError):  # an unvalidated model (model_construct) with odd values
        key = found = None
    if found is None:
        validated = parsed(case) if kind is dict else None
        decision = reference(case if validated is None else validated, ruleset)
        if key is not None:
            memo.put(key, decision.__dict__.copy())
        return decision
    values = found.copy()
    if kind is Case:
        values["case_digest"] = case.digest
    out = _new(Decision)  # fast.instance, inlined: this is the whole of a recalled decision's work
    _set(out, "__dict__", values)
    _set(out, "__pydantic_fields_set__", _ALL_FIELDS)
    _set(out, "__pydantic_extra__", None)
    _set(out, "__pydantic_private__", None)
    return out


_CASE = object()  # the first element of a Case's key (a dict's key is bytes)
_marshal = marshal.dumps


def case_key(case: Case) -> tuple[Any, ...]:
    """Everything of a ``Case`` instance that reaches the engine, read through ``__dict__``: the
    value of every field, a part (subject, place, ...) or a history entry as its own field values,
    whatever fields the models have; the local facts with their types (``1`` and ``True`` are equal keys otherwise); and which subject and place facts were told
    (an untold ``high_rise`` may be inferred, a told one may not: the engine reads those). The
    digest is not part of it. Which fields hold parts is read once from the model (``_PART_AT``)."""
    d = case.__dict__
    key = [_CASE, *_FIELD_VALUES(d)]
    for at in _PART_AT:
        part = key[at]
        if part is not None:
            key[at] = tuple(part.__dict__.values())
    for at in _ENTRIES_AT:
        key[at] = tuple([tuple(entry.__dict__.values()) for entry in key[at]])
    told = d["place"].__pydantic_fields_set__
    extra = d["facts"].__pydantic_extra__
    key.append(("operating" in d["subject"].__pydantic_fields_set__, "high_rise" in told, "crowded" in told,
                tuple([(k, type(v), v) for k, v in extra.items()]) if extra else None))
    return tuple(key)


def _holds(annotation: Any) -> tuple[bool, bool]:
    """Whether a field of this annotation holds a model (or None), and whether a tuple of models."""
    args = [a for a in get_args(annotation) if a is not type(None) and a is not Ellipsis]
    model = [a for a in (annotation, *args) if isinstance(a, type) and issubclass(a, BaseModel)]
    return bool(model) and get_origin(annotation) is not tuple, bool(model) and get_origin(annotation) is tuple


_FIELD_VALUES = itemgetter(*Case.model_fields)  # a case's field values in their declared order (KeyError: one missing)
_HOLDS = [_holds(field.annotation) for field in Case.model_fields.values()]
_PART_AT = tuple(at for at, (part, _) in enumerate(_HOLDS, 1) if part)  # positions in the key (after its tag)
_ENTRIES_AT = tuple(at for at, (_, entries) in enumerate(_HOLDS, 1) if entries)


_FORMAT = 4  # marshal's current format: half the work of format 2 on a case (ASCII strings written as they are)


def dict_key(data: dict[Any, Any]) -> bytes | None:
    """A case given as a dict, as it was given: its ``marshal`` encoding. Every value is written
    with its exact type and ``marshal.loads`` gives back an equal dict with equal types and key
    order, so equal bytes mean an equal dict. (Format 4 writes an object met again as a reference,
    and flags objects that may be shared by their reference count: the same dict can then give
    other bytes when its values are shared differently, which only costs a memo miss.) None for
    values marshal cannot encode (dates, objects)."""
    try:
        return _marshal(data, _FORMAT)
    except ValueError:
        return None


PARTS_KEPT = 16_384  # validated parts (subjects, places, facts, history entries ...) kept at most, with their JSON: about 25 MB
_PARTS: Memo[tuple[BaseModel, bytes]] = Memo(PARTS_KEPT)
_PART_MODELS: tuple[tuple[str, type[BaseModel]], ...] = (
    ("subject", Subject), ("place", Place), ("office", Office), ("facts", Facts), ("responsible_person", ResponsiblePerson),
)


_validate_case = Case.__pydantic_validator__.validate_python  # Case.model_validate without its Python wrapper


def parsed(data: dict[Any, Any]) -> Case | None:
    """``Case.model_validate(data)``, with the parts of the case (subject, place, office, facts,
    responsible person, each history entry) that were validated before taken from a memo keyed by
    their exact encoding (as ``dict_key``), so that a new case validates only what is new in it:
    its own dates and item, and its new parts (each validated alone, then kept with its JSON).
    The case's digest is computed from its parts' kept JSON (``model.canonical``).

    A part is the same model instance in every case that gives it (the models are frozen; a copy
    the engine makes is its own). None when anything is not a canonical JSON object (a part that
    is not a dict, a history that is not a list, dates as objects) or does not validate: the caller
    then validates the whole case, which gives pydantic's exact error."""
    values = dict(data)
    texts: dict[str, bytes] = {}
    history_texts: list[bytes] = []
    try:
        for name, model in _PART_MODELS:
            part = values.get(name)
            if part is None:
                continue
            if type(part) is not dict:
                return None
            values[name], texts[name] = _part(name, model, part)
        history = values.get("history")
        if history:
            if type(history) is not list:
                return None
            entries = []
            for entry in history:
                if type(entry) is not dict:
                    return None
                instance, text = _part("history", HistoryEntry, entry)
                entries.append(instance)
                history_texts.append(text)
            values["history"] = entries
        case = _validate_case(values)
        keep_digest(case, case_json(case, texts, history_texts))
        return case
    except ValueError:  # pydantic's ValidationError, or a value marshal cannot encode
        return None


def _part(name: str, model: type[BaseModel], data: dict[Any, Any]) -> tuple[BaseModel, bytes]:
    """The part ``data`` of field ``name`` validated with its JSON, from the parts memo or kept there."""
    key = (name, _marshal(data, _FORMAT))
    found = _PARTS.get(key)
    if found is None:
        instance = model.__pydantic_validator__.validate_python(data)  # model_validate without its wrapper
        found = (instance, part_json(instance))
        _PARTS.put(key, found)
    return found


def freeze_collector() -> None:
    """Opt-in, once after start-up (rulesets loaded, long-lived data read): collect garbage, then
    move every object alive now into the collector's permanent generation (``gc.freeze``).

    Later collections then no longer traverse the rulesets' hundreds of thousands of objects each
    time decisions pile up (a service, a batch that keeps its results). Frozen objects are never
    collected, so call it only where what is alive now lives as long as the process; never in a
    loop. ``gc.unfreeze()`` undoes it. The library never calls it by itself."""
    gc.collect()
    gc.freeze()
