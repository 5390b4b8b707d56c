"""Fused events as the aggregates read them: the indexed columns only, not the JSON record.

Why a read of its own: places, stats and the actor graph (``api/projection.py``) read every
matching event; decoding each full record (all sources with their evidence, ~3.6 kB of JSON) was
90% of their time, and the columns of ``fused_events`` hold every field they use, already
reconciled and corrected. The filters are ``FusedReads._fused_conditions``, so the aggregates and
the event list select exactly the same events.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy import select

from . import schema as s

_CHUNK = 500  # ids per IN (...): well under every backend's parameter limit


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


class FusedColumns:
    """Column reads of ``fused_events`` for aggregates; ``Store`` supplies ``transaction`` and
    ``_fused_conditions``."""

    transaction: Callable[..., Any]
    _fused_conditions: Callable[..., list[Any]]

    def fused_event_columns(self, **filters: Any) -> list[dict[str, Any]]:
        """The matching fused events (filters as in ``fused_events``), by id, each a dict of the
        columns id, date, date_start, date_end, event_type, sub_event_type, plover_type, actor1,
        actor2, location, admin1, country, lat, lon, fatalities."""
        f = s.fused_events.c
        stmt = select(f.id, f.date, f.date_start, f.date_end, f.event_type, f.sub_event_type,
                      f.plover_type, f.actor1, f.actor2, f.location, f.admin1, f.country, f.lat, f.lon,
                      f.fatalities).where(*self._fused_conditions(**filters)).order_by(f.id)
        with self.transaction() as conn:
            return [dict(r._mapping) for r in conn.execute(stmt)]

    def fused_geonameids(self, fused_ids: Iterable[str]) -> dict[str, int | None]:
        """fused id -> the GeoNames id of its place (None when it has none); unknown ids left out.
        The id lives only in the record, so each given event's record is read: ask for one
        event per place, not for every event."""
        f = s.fused_events.c
        out: dict[str, int | None] = {}
        with self.transaction() as conn:
            for chunk in _chunks(sorted(set(fused_ids))):
                for r in conn.execute(select(f.id, f.event_json).where(f.id.in_(chunk))):
                    out[r.id] = (json.loads(r.event_json).get("location") or {}).get("geonameid")
        return out

    def fused_source_articles(self, fused_ids: Iterable[str]) -> dict[str, list[str]]:
        """fused id -> the ids of the articles its reports come from, sorted (events with no
        report left out)."""
        m, e = s.fusion_members.c, s.events.c
        out: dict[str, set[str]] = defaultdict(set)
        with self.transaction() as conn:
            for chunk in _chunks(sorted(set(fused_ids))):
                stmt = select(m.fused_id, e.article_id).join(s.events, e.id == m.event_id).where(m.fused_id.in_(chunk))
                for r in conn.execute(stmt):
                    out[r.fused_id].add(r.article_id)
        return {k: sorted(v) for k, v in out.items()}


__all__ = ["FusedColumns"]
