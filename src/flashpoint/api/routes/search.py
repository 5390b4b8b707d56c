"""Full-text search over article titles and text."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from flashpoint.api.context import get_store
from flashpoint.api.params import check_text
from flashpoint.api.routes._responses import READ
from flashpoint.api.schemas import SearchOut
from flashpoint.api.search import search_articles
from flashpoint.store import Store

router = APIRouter(prefix="/api", tags=["search"])


@router.get("/search", response_model=SearchOut, responses=READ)
def search(
    q: str = Query(..., min_length=2, max_length=200, description="Words to find, any case; % and _ match literally."),
    limit: int = Query(20, ge=1, le=100),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Articles whose title or text contains ``q``, newest first, each with a snippet."""
    words = check_text("q", q) or ""
    if len(words) < 2:
        raise ValueError("q must have at least 2 characters besides spaces")
    return {"q": words, "results": search_articles(store, words, limit)}
