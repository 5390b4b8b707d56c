"""Corrections by people: change fields of an event, merge events, split one; each is audited.

Why the fusion module does the work: a correction must survive re-fusion and leave an audit row;
both are fusion's rules, so the API only checks the token, names the author and passes it on.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from flashpoint.api.audit import decode_corrections
from flashpoint.api.auth import require_write
from flashpoint.api.context import get_store
from flashpoint.api.routes._responses import READ, WRITE
from flashpoint.api.routes.events import EventId
from flashpoint.api.schemas import CorrectionsOut, EventOut, MergeIn, PatchIn, SplitIn
from flashpoint.store import Store

read_router = APIRouter(prefix="/api", tags=["corrections"])
write_router = APIRouter(prefix="/api", tags=["corrections"])


@read_router.get("/corrections", response_model=CorrectionsOut, responses=READ)
def list_corrections(
    target: str | None = Query(None, min_length=1, max_length=200, description="Only corrections of this event id."),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """The audit trail: who changed what, when and why, oldest first."""
    return {"corrections": decode_corrections(store.corrections(target=target))}


@write_router.patch("/events/{event_id}", response_model=EventOut, responses=WRITE)
def patch_event(body: PatchIn, event_id: str = EventId, author: str = Depends(require_write),
                store: Store = Depends(get_store)) -> dict[str, Any]:
    """Change fields of a fused event (token); returns the corrected event."""
    from flashpoint.fuse.corrections import correct_event

    return correct_event(store, event_id, body.changes.given(), author=author, reason=body.reason)


@write_router.post("/events/merge", response_model=EventOut, responses=WRITE)
def merge_events(body: MergeIn, author: str = Depends(require_write),
                 store: Store = Depends(get_store)) -> dict[str, Any]:
    """Merge fused events into the first one (token); returns the surviving event."""
    from flashpoint.fuse.corrections import merge_events as merge

    return merge(store, body.ids, author=author, reason=body.reason)


@write_router.post("/events/{event_id}/split", response_model=EventOut, responses=WRITE)
def split_event(body: SplitIn, event_id: str = EventId, author: str = Depends(require_write),
                store: Store = Depends(get_store)) -> dict[str, Any]:
    """Move the given source reports out of an event into a new one (token); returns the new event."""
    from flashpoint.fuse.corrections import split_event as split

    return split(store, event_id, body.source_event_ids, author=author, reason=body.reason)
