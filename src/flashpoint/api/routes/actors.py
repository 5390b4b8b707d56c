"""Actors with mention counts, and the actor graph (the same graph as ``flashpoint export``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Response

from flashpoint.api import projection
from flashpoint.api.context import get_store
from flashpoint.api.encoding import json_response
from flashpoint.api.params import EventFilters, event_filters
from flashpoint.api.routes._responses import READ
from flashpoint.api.schemas import ActorsOut, GraphOut
from flashpoint.store import Store

router = APIRouter(prefix="/api", tags=["actors"])


@router.get("/actors", response_model=ActorsOut, responses=READ)
def list_actors(
    limit: int = Query(100, ge=1, le=10_000, description="At most this many actors, most mentioned first."),
    min_mentions: int = Query(1, ge=1, le=1_000_000),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Actors found in the stored articles, with mention and article counts."""
    return {"actors": store.actors(limit=limit, min_mentions=min_mentions)}


def graph_view(graph: dict[str, Any]) -> dict[str, Any]:
    """``export.graph.build``'s graph (changed in place) in the shape a network view draws:
    ``label`` for ``name``, ``weight`` for ``count`` (at least 1: a dictionary link has none)."""
    for n in graph["nodes"]:
        n["label"] = n.pop("name")
    for e in graph["edges"]:
        e["weight"] = max(1, int(e.pop("count", 0) or 0))
    return {"nodes": graph["nodes"], "edges": graph["edges"]}


def _event_edge_articles(events: list[dict[str, Any]],
                         articles: dict[str, list[str]]) -> dict[tuple[str, str, str], set[str]]:
    """(actor1, relation, actor2) -> every article telling an event between them (all sources)."""
    out: dict[tuple[str, str, str], set[str]] = {}
    for ev in events:
        a1, a2 = ev.get("actor1"), ev.get("actor2")
        if a1 and a2 and a1 != a2:
            kind = (ev.get("acled") or {}).get("event_type") or (ev.get("plover") or {}).get("type") or "event"
            out.setdefault((a1, f"event:{kind}", a2), set()).update(articles.get(ev["id"], []))
    return out


@router.get("/graph", response_model=GraphOut, responses=READ)
def actor_graph(filters: EventFilters = Depends(event_filters), store: Store = Depends(get_store)) -> Response:
    """Actors as nodes; relations read from text, dictionary links and events (filtered) as edges.
    An event edge lists the articles of every source of its events."""
    from flashpoint.actors.dictionary import load_dictionary
    from flashpoint.export import graph

    events = projection.slim_events(store, filters.store_kwargs())
    articles = projection.source_articles(store, (e["id"] for e in events if e["actor1"] and e["actor2"]))
    g = graph.build(store.actors(), store.relations(), events, load_dictionary())
    tellings = _event_edge_articles(events, articles)
    for edge in g["edges"]:
        if edge["kind"] == "event":
            edge["articles"] = sorted(tellings.get((edge["source"], edge["relation"], edge["target"]), ()))
    return json_response(graph_view(g))
