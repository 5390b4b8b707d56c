"""Fused events: the list (filters, pages, sort), one event with its sources, and why it was fused."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response

from flashpoint.api.audit import decode_corrections
from flashpoint.api.context import get_store
from flashpoint.api.encoding import json_response
from flashpoint.api.params import MAX_OFFSET, EventFilters, changed_since_param, event_filters
from flashpoint.api.routes._responses import READ, READ_ONE
from flashpoint.api.schemas import EventOut, EventPageOut, ExplainOut
from flashpoint.store import Store

router = APIRouter(prefix="/api", tags=["events"])

EventId = Path(..., min_length=1, max_length=200, description="A fused event id.")


@router.get("/events", response_model=EventPageOut, responses=READ)
def list_events(
    filters: EventFilters = Depends(event_filters),
    limit: int = Query(100, ge=1, le=1000, description="Events per page."),
    offset: int = Query(0, ge=0, le=MAX_OFFSET, description="Events to skip."),
    sort: Literal["date", "-date"] = Query("-date", description="date: oldest first; -date: newest first. "
                                                                "Undated events come last."),
    changed_since: str | None = Depends(changed_since_param),
    store: Store = Depends(get_store),
) -> Response:
    """Fused events matching the filters, one page at a time, with the total count. With
    ``changed_since``: what changed since then, oldest change first, each event with its
    ``change`` (new, updated) and ``timestamp``, and removed events as ``{id, change, timestamp,
    replaced_by}`` whatever the filters (``sort`` does not apply)."""
    kwargs = filters.store_kwargs()
    if changed_since is not None:
        events = store.changed_fused_events(changed_since, limit=limit, offset=offset, **kwargs)
        total = store.count_changed_fused_events(changed_since, **kwargs)
    else:
        events = store.fused_events(limit=limit, offset=offset, newest_first=sort == "-date", **kwargs)
        total = store.count_fused_events(**kwargs)
    return json_response({"total": total, "limit": limit, "offset": offset, "events": events})


# Download formats: text writers of the export registry (flashpoint.export.FORMATS), by media type.
DOWNLOADS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "geojson": ("application/geo+json", "geojson"),
    "json": ("application/json", "json"),
    "jsonl": ("application/x-ndjson", "jsonl"),
}


@router.get("/events/download", responses=READ,
            response_class=Response)
def download_events(
    filters: EventFilters = Depends(event_filters),
    format: Literal["csv", "geojson", "json", "jsonl"] = Query(  # noqa: A002 - the public name
        "csv", description="csv (ACLED columns), geojson, json or jsonl."),
    sort: Literal["date", "-date"] = Query("-date", description="date: oldest first; -date: newest first."),
    store: Store = Depends(get_store),
) -> Response:
    """Every event matching the filters as a file (not one page): the dashboard's "download this
    view". The same writers as ``flashpoint export``, so a download and an export agree."""
    import io

    from flashpoint import export

    events = store.fused_events(newest_first=sort == "-date", **filters.store_kwargs())
    buf = io.StringIO()
    n = export.write(format, events, buf)
    media_type, suffix = DOWNLOADS[format]
    return Response(buf.getvalue(), media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="flashpoint-events.{suffix}"',
        "X-Total-Count": str(n),
    })


@router.get("/events/{event_id}", response_model=EventOut, responses=READ_ONE)
def get_event(event_id: str = EventId, store: Store = Depends(get_store)) -> dict[str, Any]:
    """One fused event with every source report and the evidence of each."""
    event = store.fused_event(event_id)
    if event is None:
        raise HTTPException(404, f"no event with id {event_id!r}")
    return event


@router.get("/events/{event_id}/explain", response_model=ExplainOut, responses=READ_ONE)
def explain_event(event_id: str = EventId, store: Store = Depends(get_store)) -> dict[str, Any]:
    """Why these reports were fused: pair scores and features, constraints, corrections."""
    from flashpoint.fuse.corrections import explain

    info = explain(store, event_id)
    return {**info, "corrections": decode_corrections(info.get("corrections", []))}
