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


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    """``W,S,E,N`` in degrees, checked as the CLI checks it (west > east: across 180°)."""
    if value is None:
        return None
    try:
        return filters.parse_bbox(value)
    except ValueError as exc:
        raise ValueError(f"bbox: {exc}") from None


def event_filters(
    since: str | None = Query(None, pattern=DATE_PATTERN, description="Events on or after this date (YYYY, YYYY-MM or YYYY-MM-DD)."),
    until: str | None = Query(None, pattern=DATE_PATTERN, description="Events on or before this date."),
    country: str | None = Query(None, max_length=_TEXT_MAX, description="Country name, any case."),
    admin1: str | None = Query(None, max_length=_TEXT_MAX, description="First-level region, any case."),
    type: str | None = Query(None, max_length=_TEXT_MAX, description="ACLED event type or sub-event type, or PLOVER type, any case."),  # noqa: A002 - the public name
    actor: str | None = Query(None, max_length=_TEXT_MAX, description="Part of an actor's name (actor1, actor2 or associated)."),
    bbox: str | None = Query(None, max_length=_TEXT_MAX, description="west,south,east,north in degrees (west > east: a box across 180°)."),
    min_sources: int | None = Query(None, ge=1, le=1_000_000, description="Only events told by at least this many reports."),
    story: str | None = Query(None, max_length=_TEXT_MAX, description="Only events of this story id."),
) -> EventFilters:
    """FastAPI dependency: the event filters of a request, or ValueError (answered 400)."""
    since, until = check_date("since", since), check_date("until", until)
    return EventFilters(
        since=since,
        until=until,
        country=check_text("country", country),
        admin1=check_text("admin1", admin1),
        event_type=check_text("type", type),
        actor=check_text("actor", actor),
        bbox=parse_bbox(bbox),
        min_sources=min_sources,
        story=check_text("story", story),
    )
