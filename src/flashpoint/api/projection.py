"""Fused events as the aggregates need them: the indexed columns only, not the JSON record.

Why: places, stats and the actor graph read every matching event. Decoding each full record
(all sources with their evidence, ~3.6 kB of JSON) cost ~0.15 ms per event, 90% of the time of
those endpoints; the columns of ``fused_events`` hold every field they use, already reconciled
and corrected, so reading only them makes the aggregates about ten times faster.

The store reads the columns with its own filters (``Store.fused_event_columns``), so the
aggregates and the event list select exactly the same events; this module shapes them like the
full record, which is what ``aggregate`` reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flashpoint.store import Store


def slim_events(store: Store, filters: dict[str, Any]) -> list[dict[str, Any]]:
    """Matching fused events shaped like the full record, with only the fields aggregates use
    (location without ``geonameid``: see ``geonameids``)."""
    out = []
    for r in store.fused_event_columns(**filters):
        located = any(r[k] is not None for k in ("location", "admin1", "country", "lat"))
        out.append({
            "id": r["id"], "date": r["date"], "date_start": r["date_start"], "date_end": r["date_end"],
            "acled": {"event_type": r["event_type"], "sub_event_type": r["sub_event_type"]}
            if r["event_type"] else None,
            "plover": {"type": r["plover_type"]} if r["plover_type"] else None,
            "actor1": r["actor1"], "actor2": r["actor2"], "fatalities": r["fatalities"],
            "location": {"name": r["location"], "admin1": r["admin1"], "country": r["country"],
                         "lat": r["lat"], "lon": r["lon"]} if located else None,
        })
    return out


def geonameids(store: Store, fused_ids: Iterable[str]) -> dict[str, int | None]:
    """The GeoNames id of each given event's place (one record read per place, not per event)."""
    return store.fused_geonameids(fused_ids)


def source_articles(store: Store, fused_ids: Iterable[str]) -> dict[str, list[str]]:
    """fused id -> the ids of the articles its reports come from, sorted."""
    return store.fused_source_articles(fused_ids)
