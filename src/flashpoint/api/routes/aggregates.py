"""Aggregates for the map and the charts: events per place, per day/week/month/area/type."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query

from flashpoint.api import aggregate, projection
from flashpoint.api.context import get_store
from flashpoint.api.params import EventFilters, event_filters
from flashpoint.api.routes._responses import READ
from flashpoint.api.schemas import PlacesOut, StatsOut
from flashpoint.store import Store

router = APIRouter(prefix="/api", tags=["aggregates"])

StatsBy = Literal["day", "week", "month", "admin1", "country", "type", "sub_event_type"]


@router.get("/places", response_model=PlacesOut, responses=READ)
def places(filters: EventFilters = Depends(event_filters), store: Store = Depends(get_store)) -> dict[str, Any]:
    """Located places with the number of (filtered) events and their fatalities, most events first."""
    events = projection.slim_events(store, filters.store_kwargs())
    return {"places": aggregate.places(events, lambda ids: projection.geonameids(store, ids))}


@router.get("/stats", response_model=StatsOut, responses=READ)
def stats(
    by: StatsBy = Query("day", description="day, week (ISO, 2019-W15), month, admin1, country, type (ACLED event "
                                           "type) or sub_event_type."),
    filters: EventFilters = Depends(event_filters),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Events and fatalities per key. Time keys ascend and leave undated events out; other keys
    come most events first, unknown (null) last."""
    return {"by": by, "rows": aggregate.stats(projection.slim_events(store, filters.store_kwargs()), by)}
