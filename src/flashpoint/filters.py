"""Which fused events a command reads: the filters shared by ``events``, ``export`` and ``report``.

Why one module: the CLI, exports and situation reports must select the same events for the same
options, and must refuse the same bad values with the same one-line message. Parsing lives here
(not in click types) so the API and tests can reuse it without a command line.

``load_events`` is the single accessor every output goes through; it reads ``Store.fused_events``
(one row per real event, with all its sources), never the per-article reports.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import math
import re
from dataclasses import asdict, dataclass, replace
from typing import Any

__all__ = [
    "EventFilters", "Period", "actor_types", "count_events", "load_events", "parse_actor_type",
    "parse_bbox", "parse_bound", "parse_min_sources",
]

_BOUND = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

Bbox = tuple[float, float, float, float]
# One value, or several that an event may match any of (OR within a field, AND across fields).
Values = str | tuple[str, ...]


def parse_bound(value: str) -> str:
    """An inclusive date bound as the store takes it: YYYY, YYYY-MM or YYYY-MM-DD, checked.

    Why partial dates: "--since 2016-10 --until 2016-10" is how people say "October 2016".
    Error messages start with the value, so a caller can put the option's name before them.
    """
    text = value.strip()
    m = _BOUND.match(text)
    try:
        if not m:
            raise ValueError
        year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
        dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{value!r} is not a date like 2019-04-14, 2019-04 or 2019") from None
    return text


def first_day(bound: str) -> dt.date:
    """The first day a bound covers ("2016-10" -> 2016-10-01)."""
    parts = [int(p) for p in bound.split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def last_day(bound: str) -> dt.date:
    """The last day a bound covers ("2016-10" -> 2016-10-31, "2016" -> 2016-12-31)."""
    parts = [int(p) for p in bound.split("-")]
    if len(parts) == 3:
        return dt.date(*parts)
    if len(parts) == 2:
        return dt.date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return dt.date(parts[0], 12, 31)


def parse_bbox(value: str) -> Bbox:
    """"W,S,E,N" in degrees (RFC 7946 order) -> (west, south, east, north), checked."""
    parts = [p.strip() for p in value.split(",")]
    try:
        if len(parts) != 4:
            raise ValueError
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise ValueError(f"{value!r} is not four numbers WEST,SOUTH,EAST,NORTH in degrees") from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise ValueError(f"{value!r} is not four finite numbers")
    if not (-180 <= west <= 180 and -180 <= east <= 180):
        raise ValueError(f"{value!r} has a longitude outside -180..180")
    if not (-90 <= south <= 90 and -90 <= north <= 90):
        raise ValueError(f"{value!r} has a latitude outside -90..90")
    if south > north:
        raise ValueError(f"{value!r} has its south ({south:g}) north of its north ({north:g})")
    return west, south, east, north  # west > east: a box across the antimeridian (RFC 7946, 5.2)


def parse_min_sources(value: str | int) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{value!r} is not a whole number of 1 or more") from None
    if n < 1:
        raise ValueError(f"{value!r} is not a whole number of 1 or more")
    return n


@functools.lru_cache(maxsize=1)
def actor_types() -> dict[int, str]:
    """ACLED's actor types by inter code (1 State forces ... 8 External/Other forces), read from
    the ontology so the filter, the dashboard and the coder name them alike."""
    from .datafiles import read_yaml
    from .settings import DATA_DIR

    return {int(k): str(v) for k, v in read_yaml(DATA_DIR / "ontology.yaml")["acled_actor_types"].items()}


def parse_actor_type(value: str | int) -> int:
    """An ACLED actor type, by inter code ("2") or name ("Rebel group", any case) -> its code."""
    names = actor_types()
    text = str(value).strip()
    if text.isdigit() and int(text) in names:
        return int(text)
    for code, name in names.items():
        if name.lower() == text.lower():
            return code
    choices = ", ".join(f"{code} {name}" for code, name in names.items())
    raise ValueError(f"{value!r} is not an ACLED actor type; use a code or name: {choices}")


@dataclass(frozen=True)
class EventFilters:
    """The options that select events; ``None`` means "any". Field names are the store's.

    ``country``, ``admin1``, ``event_type`` and ``inter`` (ACLED actor type code of either
    actor) take one value or a tuple of several, any of which an event may match.
    """

    since: str | None = None
    until: str | None = None
    country: Values | None = None
    admin1: Values | None = None
    event_type: Values | None = None
    inter: int | tuple[int, ...] | None = None
    actor: str | None = None
    bbox: Bbox | None = None
    min_sources: int | None = None
    story: str | None = None

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None:
                try:
                    parse_bound(value)
                except ValueError as exc:
                    raise ValueError(f"{name} {exc}") from None
        if self.since and self.until and first_day(self.since) > last_day(self.until):
            raise ValueError(f"since ({self.since}) is after until ({self.until})")

    def store_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``Store.fused_events`` / ``count_fused_events``."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    def is_empty(self) -> bool:
        return not self.store_kwargs()

    def with_period(self, since: str | None, until: str | None) -> EventFilters:
        return replace(self, since=since, until=until)

    def describe(self) -> list[str]:
        """The filters other than the period, as "name: value" phrases for a report's scope line."""
        out = []
        inter: tuple[str, ...] | None = None  # the actor types by name
        if self.inter is not None:
            codes = (self.inter,) if isinstance(self.inter, int) else self.inter
            inter = tuple(actor_types().get(c, str(c)) for c in codes)
        for label, value in (("country", self.country), ("admin1", self.admin1), ("type", self.event_type),
                             ("actor type", inter), ("actor", self.actor),
                             ("min. sources", self.min_sources), ("story", self.story)):
            if isinstance(value, tuple):
                value = " or ".join(str(v) for v in value)
            if value is not None:
                out.append(f"{label}: {value}")
        if self.bbox is not None:
            out.append("bbox: " + ",".join(f"{v:g}" for v in self.bbox))
        return out


@dataclass(frozen=True)
class Period:
    """An inclusive span of days; reports compare it with the span just before it."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def is_whole_months(self) -> bool:
        return self.start.day == 1 and self.end.day == calendar.monthrange(self.end.year, self.end.month)[1]

    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def previous(self) -> Period:
        """The period of the same length just before this one.

        Why calendar months when the period is whole months: "October against September" is what
        an analyst means by the previous month; 31 days back would start on 31 August.
        """
        if self.is_whole_months():
            n = self.months()
            y, m = divmod(self.start.year * 12 + self.start.month - 1 - n, 12)
            start = dt.date(y, m + 1, 1)
            return Period(start, self.start - dt.timedelta(days=1))
        end = self.start - dt.timedelta(days=1)
        return Period(end - dt.timedelta(days=self.days - 1), end)

    def label(self) -> str:
        """"October 2016", "September–October 2016", "1–14 October 2016", "30 September – 2 October 2016"."""
        s, e = self.start, self.end
        if self.is_whole_months():
            if (s.year, s.month) == (e.year, e.month):
                return f"{calendar.month_name[s.month]} {s.year}"
            if s.year == e.year:
                if s.month == 1 and e.month == 12:
                    return str(s.year)
                return f"{calendar.month_name[s.month]}–{calendar.month_name[e.month]} {s.year}"
            return f"{calendar.month_name[s.month]} {s.year} – {calendar.month_name[e.month]} {e.year}"
        if s == e:
            return human_date(s)
        if (s.year, s.month) == (e.year, e.month):
            return f"{s.day}–{e.day} {calendar.month_name[s.month]} {s.year}"
        if s.year == e.year:
            return f"{s.day} {calendar.month_name[s.month]} – {human_date(e)}"
        return f"{human_date(s)} – {human_date(e)}"


def human_date(day: dt.date) -> str:
    """"14 April 2019": unambiguous in every locale, unlike 4/14/2019."""
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def load_events(store: Any, filters: EventFilters, *, limit: int | None = None,
                newest_first: bool = False) -> list[dict[str, Any]]:
    """The fused events (each of ``model.FusedEvent``'s shape) that pass ``filters``, by date
    (undated last) then id. Typed as the store returns them, plain dicts: the CLI hands these and
    the change feed's rows (tombstones included, no FusedEvent) to the same writers.

    Raises ValueError (one line) for a value the store refuses.
    """
    return store.fused_events(limit=limit, newest_first=newest_first, **filters.store_kwargs())


def count_events(store: Any, filters: EventFilters) -> int:
    """How many fused events pass ``filters``, counted by the database."""
    return store.count_fused_events(**filters.store_kwargs())

