"""Stories: fused events linked into one unfolding story (a siege, a campaign, a crisis)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query

from flashpoint.api.context import get_store
from flashpoint.api.params import MAX_OFFSET
from flashpoint.api.routes._responses import READ, READ_ONE
from flashpoint.api.schemas import StoriesOut, StoryDetailOut
from flashpoint.store import Store

router = APIRouter(prefix="/api", tags=["stories"])


@router.get("/stories", response_model=StoriesOut, responses=READ)
def list_stories(
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Stories, one page at a time."""
    return {"limit": limit, "offset": offset, "stories": store.stories(limit=limit, offset=offset)}


@router.get("/stories/{story_id}", response_model=StoryDetailOut, responses=READ_ONE)
def get_story(
    story_id: str = Path(..., min_length=1, max_length=200), store: Store = Depends(get_store)
) -> dict[str, Any]:
    """One story with its event ids in date order."""
    story = store.story(story_id)
    if story is None:
        raise HTTPException(404, f"no story with id {story_id!r}")
    return story
