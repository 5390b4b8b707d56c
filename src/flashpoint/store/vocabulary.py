"""The values a store's fused events hold for a filter: its countries, admin1 regions, types.

Why: a filter that matches nothing ("--country Syira") is most often a typo; the CLI's
``suggest`` module names the nearest value the store really holds, and the values must come from
the store (one query each), since a suggestion that matches nothing would not help.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select, union

from . import schema as s

# Filter name -> the fused_events columns it matches (``type`` matches any of three).
_COLUMNS = {
    "country": ("country",),
    "admin1": ("admin1",),
    "event_type": ("event_type", "sub_event_type", "plover_type"),
}


class VocabularyReads:
    """``Store.known_values``; ``Store`` supplies ``transaction``."""

    transaction: Callable[..., Any]

    def known_values(self, field: str) -> list[str]:
        """The distinct non-empty values of filter ``field`` (country, admin1, event_type)
        among the fused events, sorted."""
        try:
            names = _COLUMNS[field]
        except KeyError:
            raise ValueError(f"no known values for {field!r}; choose one of {', '.join(_COLUMNS)}") from None
        f = s.fused_events.c
        parts = [select(f[name].label("value")).where(f[name].is_not(None), f[name] != "") for name in names]
        stmt = union(*parts) if len(parts) > 1 else parts[0].distinct()
        with self.transaction() as conn:
            return sorted({r.value for r in conn.execute(stmt)})


__all__ = ["VocabularyReads"]
