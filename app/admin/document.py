"""The clinic settings as a JSON document and back, generically from the dataclass fields.

A field a stored document lacks takes the value of the base settings (the defaults), so a new
setting is one line in ``ClinicSettings`` (with its default) plus its form field. Nested
dataclasses (``rules.Settings``, or a tuple of contacts) are read the same way.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

from app.rules.settings import VERSION_FIELD

T = TypeVar("T")

# Row-level numbers, not part of the document: the version is the row's key.
NOT_IN_DOCUMENT = frozenset({"version", VERSION_FIELD})


def to_document(value: Any) -> Any:
    """Plain JSON values: dataclasses as objects, tuples as lists, mappings as objects."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_document(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name not in NOT_IN_DOCUMENT
        }
    if isinstance(value, Mapping):
        return {str(key): to_document(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [to_document(item) for item in value]
    return value


def from_document(cls: type[T], document: Mapping[str, Any], base: T | None = None) -> T:
    """An instance of ``cls`` from ``document``; missing fields come from ``base`` or defaults.

    Unknown keys are ignored (a setting removed since). Values are checked by the classes
    themselves (``rules.Settings`` refuses a value out of range).
    """
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name in NOT_IN_DOCUMENT or f.name not in document:
            continue
        inner_base = getattr(base, f.name) if base is not None else None
        values[f.name] = _load(hints[f.name], document[f.name], inner_base)
    if base is not None:
        return dataclasses.replace(base, **values)  # type: ignore[type-var]
    return cls(**values)


def _load(kind: Any, raw: Any, base: Any) -> Any:
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        if not isinstance(raw, Mapping):
            raise ValueError(f"expected an object for {kind.__name__}, got {raw!r}")
        return from_document(kind, raw, base)
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        if raw is None and type(None) in args:
            return None
        kinds = [a for a in args if a is not type(None)]
        return _load(kinds[0], raw, base) if len(kinds) == 1 else raw
    if origin is tuple:
        item = args[0] if args else Any
        return tuple(_load(item, entry, None) for entry in raw)
    if origin is list:
        return [_load(args[0] if args else Any, entry, None) for entry in raw]
    if origin in (dict, Mapping) or kind in (dict, Mapping):
        return dict(raw)
    return raw
