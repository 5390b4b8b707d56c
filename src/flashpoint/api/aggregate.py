"""Aggregates over fused events: per place (the map) and per day/week/month/area/type (charts).

Why in Python over event dicts rather than GROUP BY in SQL: the same functions serve full fused
events and the slim rows of ``projection`` (which reads the store's columns with the store's
filters), week keys and "unknown" rows need no dialect-specific SQL, and a store of tens of
thousands of events aggregates in a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flashpoint.model import event_day

STATS_KEYS = ("day", "week", "month", "admin1", "country", "type", "sub_event_type")
TIME_KEYS = frozenset({"day", "week", "month"})


def _fatalities(event: Mapping[str, Any]) -> int:
    value = event.get("fatalities")
    return value if isinstance(value, int) and value > 0 else 0


def places(events: Iterable[Mapping[str, Any]],
           geonameids: Callable[[list[str]], Mapping[str, int | None]] | None = None) -> list[dict[str, Any]]:
    """One row per located place, most events first (then name), with event and death counts.

    ``geonameids`` maps event ids to GeoNames ids for events whose location lacks one (the slim
    rows of ``projection``); it is asked once, for one event per place.
    """
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    first: dict[tuple[Any, ...], str] = {}
    for e in events:
        loc = e.get("location")
        if not loc or loc.get("lat") is None or loc.get("lon") is None:
            continue
        key = (loc.get("name"), loc.get("admin1"), loc.get("country"), loc.get("lat"), loc.get("lon"))
        row = rows.get(key)
        if row is None:
            row = rows[key] = {
                "name": loc.get("name"), "admin1": loc.get("admin1"), "country": loc.get("country"),
                "geonameid": loc.get("geonameid"), "lat": loc.get("lat"), "lon": loc.get("lon"),
                "events": 0, "fatalities": 0,
            }
            first[key] = e["id"]
        row["events"] += 1
        row["fatalities"] += _fatalities(e)
    if geonameids is not None:
        found = geonameids([first[k] for k, r in rows.items() if r["geonameid"] is None])
        for key, row in rows.items():
            if row["geonameid"] is None:
                row["geonameid"] = found.get(first[key])
    return sorted(rows.values(), key=lambda r: (-r["events"], r["name"] or "", r["country"] or ""))


def _week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


_KEYS: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    # The day an event counts on is the situation report's too (``model.event_day``).
    "day": lambda e: d.isoformat() if (d := event_day(e)) else None,
    "week": lambda e: _week(d) if (d := event_day(e)) else None,
    "month": lambda e: d.isoformat()[:7] if (d := event_day(e)) else None,
    "admin1": lambda e: (e.get("location") or {}).get("admin1"),
    "country": lambda e: (e.get("location") or {}).get("country"),
    "type": lambda e: (e.get("acled") or {}).get("event_type") or (e.get("plover") or {}).get("type"),
    "sub_event_type": lambda e: (e.get("acled") or {}).get("sub_event_type"),
}


def stats(events: Iterable[Mapping[str, Any]], by: str) -> list[dict[str, Any]]:
    """Events and fatalities per key. Time keys: ascending, undated events left out (a timeline
    has no place for them). Other keys: most events first, unknown (null) last."""
    if by not in _KEYS:
        raise ValueError(f"by must be one of {', '.join(STATS_KEYS)}, got {by!r}")
    key_of = _KEYS[by]
    rows: dict[str | None, dict[str, Any]] = {}
    for e in events:
        key = key_of(e)
        if key is None and by in TIME_KEYS:
            continue
        row = rows.setdefault(key, {"key": key, "events": 0, "fatalities": 0})
        row["events"] += 1
        row["fatalities"] += _fatalities(e)
    if by in TIME_KEYS:
        return sorted(rows.values(), key=lambda r: r["key"])
    return sorted(rows.values(), key=lambda r: (r["key"] is None, -r["events"], r["key"] or ""))
