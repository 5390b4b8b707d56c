"""The numbers of a situation report, computed from fused events alone (no rendering here).

Why separate from rendering: every figure a report prints is a value of these functions, so tests
check the numbers against the store once, and the HTML and Markdown renderers cannot disagree.

Conventions (stated in the report's method note):
- an event counts in a period when its date (or date range) overlaps it, as the store filters;
- fatalities are the sum of the events' figures; an event without a figure adds nothing and is
  counted apart, as "no figure reported" (unknown is not zero);
- actors are counted once per event in which they appear (actor 1, actor 2 or associated).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flashpoint.filters import Period
from flashpoint.model import event_day
from flashpoint.report.style import Style

# A fused event (``model.FusedEvent``, as ``filters.load_events`` gives them), read by key: a
# Mapping so that the change feed's rows and hand-made events in tests go through the same code.
Event = Mapping[str, Any]


def event_type(event: Event, style: Style) -> str:
    """ACLED event type, or the bucket for events coded with a PLOVER type only."""
    return (event.get("acled") or {}).get("event_type") or style.other_type


def fatalities(event: Event) -> int | None:
    n = event.get("fatalities")
    return n if isinstance(n, int) and not isinstance(n, bool) else None


# The event's day (or the first day of its range); None when undated or unreadable. The one rule
# the API's charts count by too (``model.event_day``), so a chart and a report agree.
day_of = event_day


def actors_of(event: Event) -> list[str]:
    """Everyone in the event, once each: actor 1, actor 2, associated actors ("; "-separated)."""
    names = [event.get("actor1"), event.get("actor2")]
    for key in ("assoc_actor_1", "assoc_actor_2"):
        names += [p.strip() for p in (event.get(key) or "").split(";")]
    return list(dict.fromkeys(n for n in names if n))


@dataclass(frozen=True)
class Totals:
    """Headline counts for one period."""

    events: int
    fatalities: int
    with_fatalities: int  # events whose figure is > 0
    without_figure: int   # events that report no figure at all
    by_type: dict[str, tuple[int, int]]  # type -> (events, fatalities), in ACLED's order


def totals(events: Sequence[Event], style: Style) -> Totals:
    by_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for e in events:
        row = by_type[event_type(e, style)]
        row[0] += 1
        row[1] += fatalities(e) or 0
    ordered = sorted(by_type, key=lambda t: (style.type_rank(t), t))
    return Totals(
        events=len(events),
        fatalities=sum(fatalities(e) or 0 for e in events),
        with_fatalities=sum(1 for e in events if (fatalities(e) or 0) > 0),
        without_figure=sum(1 for e in events if fatalities(e) is None),
        by_type={t: (by_type[t][0], by_type[t][1]) for t in ordered},
    )


@dataclass(frozen=True)
class Bucket:
    """One bar of the timeline: events (by type) and fatalities from ``start`` to ``end``."""

    start: dt.date
    end: dt.date
    events: int
    fatalities: int
    by_type: dict[str, int]
    event_ids: tuple[str, ...]


def _bucket_start(day: dt.date, unit: str) -> dt.date:
    if unit == "week":
        return day - dt.timedelta(days=day.weekday())  # ISO weeks start on Monday
    if unit == "month":
        return day.replace(day=1)
    return day


def _next(start: dt.date, unit: str) -> dt.date:
    if unit == "week":
        return start + dt.timedelta(days=7)
    if unit == "month":
        y, m = divmod(start.month, 12)
        return dt.date(start.year + y, m + 1, 1)
    return start + dt.timedelta(days=1)


def timeline_unit(period: Period, style: Style) -> str:
    if period.days <= style.limits["daily_timeline_max_days"]:
        return "day"
    return "week" if period.days <= style.limits["weekly_timeline_max_days"] else "month"


def timeline(events: Sequence[Event], period: Period, style: Style) -> list[Bucket]:
    """Every bucket of the period (empty ones too, so gaps show), each event in the bucket of its
    day; an event whose range began before the period is put on the period's first day."""
    unit = timeline_unit(period, style)
    placed: dict[dt.date, list[Event]] = defaultdict(list)
    for e in events:
        day = day_of(e)
        if day is None:
            continue
        day = min(max(day, period.start), period.end)
        placed[_bucket_start(day, unit)].append(e)
    out = []
    start = _bucket_start(period.start, unit)
    while start <= period.end:
        end = min(_next(start, unit) - dt.timedelta(days=1), period.end)
        inside = placed.get(start, [])
        counts = Counter(event_type(e, style) for e in inside)
        out.append(Bucket(
            start=max(start, period.start), end=end, events=len(inside),
            fatalities=sum(fatalities(e) or 0 for e in inside),
            by_type={t: counts[t] for t in sorted(counts, key=lambda t: (style.type_rank(t), t))},
            event_ids=tuple(str(e.get("id")) for e in inside),
        ))
        start = _next(start, unit)
    return out


@dataclass
class ActorActivity:
    actor: str
    events: int = 0
    as_actor1: int = 0
    as_actor2: int = 0
    fatalities: int = 0
    event_ids: list[str] = field(default_factory=list)


def active_actors(events: Iterable[Event], limit: int | None = None) -> list[ActorActivity]:
    """Actors by the number of events they appear in (then by name), with their role counts and
    the fatalities of those events."""
    table: dict[str, ActorActivity] = {}
    for e in events:
        for name in actors_of(e):
            a = table.setdefault(name, ActorActivity(name))
            a.events += 1
            a.as_actor1 += e.get("actor1") == name
            a.as_actor2 += e.get("actor2") == name
            a.fatalities += fatalities(e) or 0
            a.event_ids.append(str(e.get("id")))
    ranked = sorted(table.values(), key=lambda a: (-a.events, a.actor))
    return ranked[:limit] if limit is not None else ranked


@dataclass
class ActorPair:
    actor1: str
    actor2: str
    events: int = 0
    fatalities: int = 0
    types: Counter = field(default_factory=Counter)
    event_ids: list[str] = field(default_factory=list)


def actor_pairs(events: Iterable[Event], style: Style, limit: int | None = None) -> list[ActorPair]:
    """Who acted against (or with) whom: actor 1 -> actor 2 pairs by number of events."""
    pairs: dict[tuple[str, str], ActorPair] = {}
    for e in events:
        a1, a2 = e.get("actor1"), e.get("actor2")
        if not a1 or not a2 or a1 == a2:
            continue
        p = pairs.setdefault((a1, a2), ActorPair(a1, a2))
        p.events += 1
        p.fatalities += fatalities(e) or 0
        p.types[event_type(e, style)] += 1
        p.event_ids.append(str(e.get("id")))
    ranked = sorted(pairs.values(), key=lambda p: (-p.events, -p.fatalities, p.actor1, p.actor2))
    return ranked[:limit] if limit is not None else ranked


@dataclass
class RelationSummary:
    subject: str
    relation: str
    object: str
    tellings: list[Mapping[str, Any]] = field(default_factory=list)  # store.relations() rows


def relations_among(relations: Iterable[Mapping[str, Any]], actors: set[str],
                    limit: int | None = None) -> list[RelationSummary]:
    """Relations read from text whose two ends are both among ``actors``, merged over tellings,
    most often told first. ``alias_of`` is a name, not a relation between two actors: left out."""
    merged: dict[tuple[str, str, str], RelationSummary] = {}
    for r in relations:
        if r["relation"] == "alias_of" or r["subject"] == r["object"]:
            continue
        if r["subject"] not in actors or r["object"] not in actors:
            continue
        key = (r["subject"], r["relation"], r["object"])
        merged.setdefault(key, RelationSummary(*key)).tellings.append(r)
    ranked = sorted(merged.values(), key=lambda s: (-len(s.tellings), s.subject, s.relation, s.object))
    return ranked[:limit] if limit is not None else ranked


def deadliest(events: Iterable[Event], limit: int) -> list[Event]:
    """Events with the most fatalities (> 0), then the earliest, then by id."""
    dead = [e for e in events if (fatalities(e) or 0) > 0]
    dead.sort(key=lambda e: (-(fatalities(e) or 0), e.get("date") or "9999", str(e.get("id"))))
    return dead[:limit]


def n_sources(event: Event) -> int:
    return int(event.get("n_sources") or len(event.get("sources") or ()) or 1)


def most_reported(events: Iterable[Event], limit: int) -> list[Event]:
    """Events told by two sources or more, the most sources first."""
    many = [e for e in events if n_sources(e) >= 2]
    many.sort(key=lambda e: (-n_sources(e), e.get("date") or "9999", str(e.get("id"))))
    return many[:limit]


def outlets(events: Iterable[Event]) -> tuple[int, int]:
    """(articles, outlets) behind the events: distinct source articles and outlet names."""
    articles: set[str] = set()
    names: set[str] = set()
    for e in events:
        for s in e.get("sources") or ([e["article"]] if e.get("article") else []):
            if s.get("article_id"):
                articles.add(s["article_id"])
            if s.get("source"):
                names.add(s["source"])
    return len(articles), len(names)


def change(now: int, before: int) -> str:
    """"+3 (+25%)", "−2 (−40%)", "+4 (new)", "no change": signed, with the relative change."""
    d = now - before
    if d == 0:
        return "no change"
    sign = "+" if d > 0 else "−"
    if before == 0:
        return f"{sign}{abs(d)}"
    return f"{sign}{abs(d)} ({sign}{round(abs(d) * 100 / before)}%)"
