"""Query parameters shared by the event routes, parsed and checked before the store sees them.

Why ``flashpoint.filters`` does the parsing: the CLI, exports, reports and the API must refuse the
same bad values with the same message. The store's own checks stay as the last line.
"""

from __future__ import annotations

import re

from fastapi import Query

from flashpoint import filters
from flashpoint.filters import EventFilters

DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
MAX_OFFSET = 1_000_000_000
_TEXT_MAX = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def check_text(name: str, value: str | None) -> str | None:
    """Strip; refuse control characters (PostgreSQL rejects NUL, and none belongs in a name)."""
    if value is None:
        return None
    if _CONTROL.search(value):
        raise ValueError(f"{name} must not contain control characters")
    value = value.strip()
    return value or None


def check_date(name: str, value: str | None) -> str | None:
    """A real YYYY, YYYY-MM or YYYY-MM-DD date, checked as the CLI checks it."""
    if value is None:
        return None
    try:
        return filters.parse_bound(value)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None


MAX_VALUES = 50  # values one multi-value filter takes (country=Syria&country=Iraq...)


def check_texts(name: str, values: list[str] | None) -> str | tuple[str, ...] | None:
    """A filter given once or several times (``country=Syria&country=Iraq``): each value checked
    as ``check_text`` and at most _TEXT_MAX long; duplicates and blanks dropped. One value stays a
    string, so a single-value request reads exactly as before; several become a tuple (any may match)."""
    if not values:
        return None
    if len(values) > MAX_VALUES:
        raise ValueError(f"{name}: at most {MAX_VALUES} values, not {len(values)}")
    out: list[str] = []
    for raw in values:
        if len(raw) > _TEXT_MAX:
            raise ValueError(f"{name}: a value is longer than {_TEXT_MAX} characters")
        value = check_text(name, raw)
        if value is not None and value.lower() not in {v.lower() for v in out}:
            out.append(value)
    if not out:
        return None
    return out[0] if len(out) == 1 else tuple(out)


def check_actor_types(values: list[str] | None) -> int | tuple[int, ...] | None:
    """ACLED actor types by code or name (``actor_type=2&actor_type=State forces``) -> inter codes."""
    texts = check_texts("actor_type", values)
    if texts is None:
        return None
    try:
        codes = sorted({filters.parse_actor_type(v) for v in ((texts,) if isinstance(texts, str) else texts)})
    except ValueError as exc:
        raise ValueError(f"actor_type: {exc}") from None
    return codes[0] if len(codes) == 1 else tuple(codes)


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    """``W,S,E,N`` in degrees, checked as the CLI checks it (west > east: across 180°)."""
    if value is None:
        return None
    try:
        return filters.parse_bbox(value)
    except ValueError as exc:
        raise ValueError(f"bbox: {exc}") from None


def event_filters(
    since: str | None = Query(None, pattern=DATE_PATTERN,
                              description="Events on or after this date (YYYY, YYYY-MM or YYYY-MM-DD)."),
    until: str | None = Query(None, pattern=DATE_PATTERN, description="Events on or before this date."),
    country: list[str] | None = Query(None, description="Country name, any case; repeat for several (any matches)."),
    admin1: list[str] | None = Query(
        None, description="First-level region, any case, ACLED's or GeoNames' spelling; repeat for several."),
    type: list[str] | None = Query(  # noqa: A002 - the public name
        None, description="ACLED event type or sub-event type, or PLOVER type, any case; repeat for several."),
    actor_type: list[str] | None = Query(
        None, description="ACLED actor type of either actor, by inter code (1-8) or name ('Rebel group'); "
                          "repeat for several."),
    actor: str | None = Query(None, max_length=_TEXT_MAX,
                              description="Part of an actor's name (actor1, actor2 or associated)."),
    bbox: str | None = Query(None, max_length=_TEXT_MAX,
                             description="west,south,east,north in degrees (west > east: a box across 180°)."),
    min_sources: int | None = Query(None, ge=1, le=1_000_000,
                                    description="Only events told by at least this many reports."),
    story: str | None = Query(None, max_length=_TEXT_MAX, description="Only events of this story id."),
) -> EventFilters:
    """FastAPI dependency: the event filters of a request, or ValueError (answered 400)."""
    since, until = check_date("since", since), check_date("until", until)
    return EventFilters(
        since=since,
        until=until,
        country=check_texts("country", country),
        admin1=check_texts("admin1", admin1),
        event_type=check_texts("type", type),
        inter=check_actor_types(actor_type),
        actor=check_text("actor", actor),
        bbox=parse_bbox(bbox),
        min_sources=min_sources,
        story=check_text("story", story),
    )


def changed_since_param(
    changed_since: str | None = Query(
        None, max_length=40,
        description="Only what changed at or after this time (2024-05-01 or 2024-05-01T12:00:00Z; UTC unless it "
                    "says): new, updated and removed events, each with its change and timestamp."),
) -> str | None:
    """FastAPI dependency: ``changed_since`` as the store compares it, or ValueError (answered 400)."""
    from flashpoint.store.changes import parse_changed_since

    if changed_since is None:
        return None
    try:
        return parse_changed_since(changed_since)
    except ValueError as exc:
        raise ValueError(f"changed_since: {exc}") from None
