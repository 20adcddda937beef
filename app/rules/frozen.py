"""A read-only, hashable mapping for the mapping-valued settings (dose table, drug classes)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class FrozenMap(Mapping[str, V], Generic[V]):
    """Read-only str-keyed mapping (copyable, picklable and hashable, unlike a mappingproxy)."""

    __slots__ = ("_rows", "get")

    def __init__(self, rows: Mapping[str, V] | None = None) -> None:
        self._rows: dict[str, V] = dict(rows or {})
        self.get = self._rows.get  # type: ignore[assignment]  # C-speed lookups (hot path)

    def __getitem__(self, key: str) -> V:
        return self._rows[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMap):
            return self._rows == other._rows
        return isinstance(other, Mapping) and self._rows == dict(other)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._rows.items(), key=lambda row: row[0])))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._rows!r})"

    def __reduce__(self) -> tuple[type[FrozenMap[V]], tuple[dict[str, V]]]:
        return (type(self), (self._rows,))

    def to_dict(self) -> dict[str, Any]:
        """A plain dict, nested frozen maps included (sorted keys: for hashing and JSON)."""
        return {
            key: value.to_dict() if isinstance(value, FrozenMap) else value
            for key, value in sorted(self._rows.items())
        }


def freeze(value: Any) -> Any:
    """A mapping as a FrozenMap (nested mappings too), a list as a tuple; else the value."""
    if isinstance(value, Mapping):
        return FrozenMap({str(key): freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    return value
