"""Early warning over fused events: this week against the weeks before, per country and admin1,
surges, and actors seen for the first time.

Pure functions over fused events as ``Store.fused_events`` returns them (``compute``), and one
loader that asks the store (``load_alerts``), so the CLI, the API, reports and ``watch`` give the
same figures for the same store, date and settings.

Conventions (docs/ALERTS.md says why):
- a week is the ``week_days`` days ending on ``as_of`` (inclusive); baseline week k ends
  7*k days earlier. ``as_of`` defaults to the store's latest weekly-dated event, not today, so an
  archive store gives its own last week;
- an event counts in a week on its ``date`` (else ``date_start``) when that date is precise to a
  few days (``time_precision`` <= 2, range <= 7 days); coarser events have no week;
- a baseline average divides by the baseline weeks the store covers (from its first dated event),
  so a store with ten weeks of history is not averaged over 52;
- "first seen" looks at every dated event in the store, whatever the filters select.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flashpoint.alerts.config import AlertConfig, load_config
from flashpoint.filters import EventFilters

Event = Mapping[str, Any]
Area = tuple[str, str | None]  # (country, admin1); admin1 None: the whole country

MEASURES = ("events", "fatalities")


# ------------------------------------------------------------------------------ dates


def _day(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def parse_as_of(value: str | dt.date) -> dt.date:
    """A YYYY-MM-DD date from the year 1000 on (ValueError, one line, otherwise): the baseline
    reaches a year back, and date arithmetic near year 1 would overflow."""
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"as_of {value!r} is not a date like 2019-04-14") from None
    if day.year < 1000:
        raise ValueError(f"as_of {day.isoformat()} is too early: give a date from the year 1000 on")
    return day


def week_day(event: Event, config: AlertConfig) -> dt.date | None:
    """The day an event counts on in weekly figures: its ``date``, else ``date_start``; None when
    undated or dated more coarsely than a week (a month, a range longer than ``max_range_days``)."""
    day = _day(event.get("date")) or _day(event.get("date_start"))
    if day is None:
        return None
    precision = event.get("time_precision")
    if isinstance(precision, int) and precision > config.max_time_precision:
        return None
    start, end = _day(event.get("date_start")), _day(event.get("date_end"))
    if start is not None and end is not None and (end - start).days + 1 > config.max_range_days:
        return None
    return day


def seen_day(event: Event) -> dt.date | None:
    """The earliest day an event may have happened (any precision): when its actors were seen."""
    days = [d for d in (_day(event.get("date_start")), _day(event.get("date"))) if d is not None]
    return min(days) if days else None


def latest_week_day(events: Iterable[Event], config: AlertConfig) -> dt.date | None:
    days = [d for e in events if (d := week_day(e, config)) is not None]
    return max(days) if days else None


@dataclass(frozen=True)
class Week:
    start: dt.date
    end: dt.date

    def to_dict(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def week_ending(day: dt.date, config: AlertConfig) -> Week:
    return Week(day - dt.timedelta(days=config.week_days - 1), day)


# ------------------------------------------------------------------------------ events


def actors_of(event: Event) -> list[str]:
    """Everyone in the event, once each: actor 1, actor 2, associated actors ("; "-separated)."""
    names = [event.get("actor1"), event.get("actor2")]
    for key in ("assoc_actor_1", "assoc_actor_2"):
        names += [p.strip() for p in (event.get(key) or "").split(";")]
    return list(dict.fromkeys(n for n in names if n))


def _place(event: Event) -> tuple[str | None, str | None]:
    loc = event.get("location") or {}
    return loc.get("country") or None, loc.get("admin1") or None


def _fatalities(event: Event) -> int:
    n = event.get("fatalities")
    return n if isinstance(n, int) and not isinstance(n, bool) and n > 0 else 0


# ------------------------------------------------------------------------------ figures


def _ratio(part: float, whole: int) -> float | None:
    return None if whole == 0 else part / whole


@dataclass(frozen=True)
class Figures:
    """One measure in one area: this week and the two baselines, with what they were computed
    from (totals and the number of weeks divided by), so anyone can redo the arithmetic."""

    this_week: int
    total_4w: int
    weeks_4w: int
    total_52w: int
    weeks_52w: int

    @property
    def avg_4w(self) -> float | None:
        return _ratio(self.total_4w, self.weeks_4w)

    @property
    def avg_52w(self) -> float | None:
        return _ratio(self.total_52w, self.weeks_52w)

    @staticmethod
    def _change(now: int, avg: float | None) -> float | None:
        """(this week - average) / average: 1.5 means +150%; None with no (or a zero) baseline."""
        return None if not avg else (now - avg) / avg

    @property
    def change_4w(self) -> float | None:
        return self._change(self.this_week, self.avg_4w)

    @property
    def change_52w(self) -> float | None:
        return self._change(self.this_week, self.avg_52w)

    def to_dict(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        return {"this_week": self.this_week, "avg_4w": r(self.avg_4w), "avg_52w": r(self.avg_52w),
                "change_4w": r(self.change_4w), "change_52w": r(self.change_52w),
                "total_4w": self.total_4w, "weeks_4w": self.weeks_4w,
                "total_52w": self.total_52w, "weeks_52w": self.weeks_52w}


@dataclass(frozen=True)
class AreaFigures:
    country: str
    admin1: str | None
    events: Figures
    fatalities: Figures
    event_ids: tuple[str, ...]  # this week's events

    def measure(self, name: str) -> Figures:
        return self.events if name == "events" else self.fatalities

    def to_dict(self) -> dict[str, Any]:
        return {"country": self.country, "admin1": self.admin1, "events": self.events.to_dict(),
                "fatalities": self.fatalities.to_dict(), "event_ids": list(self.event_ids)}


@dataclass(frozen=True)
class Surge:
    """``kind`` "surge": this week >= (1 + threshold) x the 4-week weekly average; "new_violence":
    the 4 weeks before had none. Either way this week reached ``minimum``."""

    kind: str
    country: str
    admin1: str | None
    measure: str
    figures: Figures
    threshold: float
    minimum: int
    event_ids: tuple[str, ...]

    def key(self) -> str:
        return f"{self.kind}|{self.measure}|{self.country}|{self.admin1 or ''}"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "country": self.country, "admin1": self.admin1, "measure": self.measure,
                **self.figures.to_dict(), "threshold": self.threshold, "minimum": self.minimum,
                "event_ids": list(self.event_ids)}


@dataclass(frozen=True)
class EmergingActor:
    """``scope`` "new": first seen in the store this week; "new_in_admin1": seen before, but
    elsewhere (``first_seen_anywhere``), and in this admin1 first this week."""

    actor: str
    country: str | None
    admin1: str | None
    first_seen: dt.date
    first_seen_anywhere: dt.date
    scope: str
    event_ids: tuple[str, ...]

    def key(self) -> str:
        return f"{self.scope}|{self.actor}|{self.country or ''}|{self.admin1 or ''}"

    def to_dict(self) -> dict[str, Any]:
        return {"actor": self.actor, "country": self.country, "admin1": self.admin1,
                "first_seen": self.first_seen.isoformat(),
                "first_seen_anywhere": self.first_seen_anywhere.isoformat(),
                "scope": self.scope, "event_ids": list(self.event_ids)}


@dataclass
class Alerts:
    as_of: dt.date
    week: Week
    config: AlertConfig
    history_weeks: int               # whole weeks of dated events in the store before this week
    surges: list[Surge]
    emerging_actors: list[EmergingActor]
    areas: list[AreaFigures]
    events: dict[str, Event] = field(default_factory=dict, repr=False)  # this week's, by id

    def to_dict(self) -> dict[str, Any]:
        c = self.config
        return {
            "as_of": self.as_of.isoformat(),
            "week": self.week.to_dict(),
            "baseline": {"short_weeks": c.short_weeks, "long_weeks": c.long_weeks,
                         "history_weeks": self.history_weeks},
            "settings": {"threshold": c.threshold, "min_events": c.min_events,
                         "min_fatalities": c.min_fatalities, "version": c.version},
            "surges": [s.to_dict() for s in self.surges],
            "emerging_actors": [a.to_dict() for a in self.emerging_actors],
            "areas": [a.to_dict() for a in self.areas],
        }


# ------------------------------------------------------------------------------ computing


def compute(history: Sequence[Event], as_of: dt.date, config: AlertConfig | None = None, *,
            selected: Collection[str] | None = None, country_level: bool = True) -> Alerts:
    """Alerts for the week ending ``as_of``.

    ``history``: the store's fused events (all of them up to ``as_of``: "first seen" and the
    store's coverage are judged on them). ``selected``: the ids the user's filters keep (None:
    all); only they are counted and only they raise alerts. ``country_level`` False leaves out
    the whole-country rows (a filter on one admin1 makes them that admin1 again).
    """
    config = config or load_config()
    as_of = parse_as_of(as_of)
    days = config.week_days
    week = week_ending(as_of, config)
    # An event counted in a week was seen on its week day; a coarser one from its earliest day.
    seen = [(e, d) for e in history if (d := week_day(e, config) or seen_day(e)) is not None and d <= as_of]
    history_start = min((d for _, d in seen), default=None)
    history_weeks = 0 if history_start is None or history_start >= week.start else \
        -(-(week.start - history_start).days // days)
    weeks_4w, weeks_52w = min(config.short_weeks, history_weeks), min(config.long_weeks, history_weeks)

    # -- per area and week: events and fatalities
    n_weeks = config.long_weeks + 1
    counts: dict[Area, list[list[int]]] = defaultdict(lambda: [[0] * n_weeks, [0] * n_weeks])
    this_week: dict[Area, list[Event]] = defaultdict(list)
    week_events: list[Event] = []
    for e in history:
        if selected is not None and e.get("id") not in selected:
            continue
        day = week_day(e, config)
        if day is None or day > as_of:
            continue
        k = (as_of - day).days // days
        if k >= n_weeks:
            continue
        if k == 0:
            week_events.append(e)
        country, admin1 = _place(e)
        if country is None:
            continue
        for area in [*([(country, None)] if country_level else []), *([(country, admin1)] if admin1 else [])]:
            counts[area][0][k] += 1
            counts[area][1][k] += _fatalities(e)
            if k == 0:
                this_week[area].append(e)

    def figures(series: list[int]) -> Figures:
        return Figures(series[0], sum(series[1: weeks_4w + 1]), weeks_4w,
                       sum(series[1: weeks_52w + 1]), weeks_52w)

    areas = []
    for (country, admin1), (ev, fat) in counts.items():
        f_ev, f_fat = figures(ev), figures(fat)
        if f_ev.this_week or f_ev.total_4w:
            ids = tuple(sorted(str(e["id"]) for e in this_week[(country, admin1)]))
            areas.append(AreaFigures(country, admin1, f_ev, f_fat, ids))
    areas.sort(key=lambda a: (-a.events.this_week, -a.fatalities.this_week, a.country, a.admin1 or ""))

    surges = []
    if weeks_4w:
        for a in areas:
            for measure in MEASURES:
                f = a.measure(measure)
                minimum = config.minimum(measure)
                if f.this_week < minimum:
                    continue
                if f.total_4w == 0:
                    kind = "new_violence"
                elif f.this_week * f.weeks_4w >= (1 + config.threshold) * f.total_4w:
                    kind = "surge"  # compared on totals: no rounding of the average decides
                else:
                    continue
                ids = a.event_ids if measure == "events" else tuple(sorted(
                    str(e["id"]) for e in this_week[(a.country, a.admin1)] if _fatalities(e)))
                surges.append(Surge(kind, a.country, a.admin1, measure, f, config.threshold, minimum, ids))
    surges.sort(key=lambda s: (MEASURES.index(s.measure), s.admin1 is None, -s.figures.this_week,
                               s.country, s.admin1 or ""))

    emerging = _emerging(seen, week_events, week, config) if history_weeks >= config.min_history_weeks else []
    return Alerts(as_of, week, config, history_weeks, surges, emerging, areas,
                  {str(e["id"]): e for e in week_events})


def _emerging(seen: Sequence[tuple[Event, dt.date]], week_events: Sequence[Event], week: Week,
              config: AlertConfig) -> list[EmergingActor]:
    first_any: dict[str, dt.date] = {}
    first_in: dict[tuple[str, str | None, str | None], dt.date] = {}
    for e, day in seen:
        place = _place(e)
        for actor in actors_of(e):
            if day < first_any.get(actor, dt.date.max):
                first_any[actor] = day
            if day < first_in.get((actor, *place), dt.date.max):
                first_in[(actor, *place)] = day
    found: dict[tuple[str, str, str | None, str | None], list[str]] = defaultdict(list)
    for e in week_events:
        country, admin1 = _place(e)
        for actor in actors_of(e):
            if config.is_generic(actor):
                continue
            if first_any[actor] >= week.start:
                found[(actor, "new", country, admin1)].append(str(e["id"]))
            elif admin1 is not None and first_in[(actor, country, admin1)] >= week.start:
                found[(actor, "new_in_admin1", country, admin1)].append(str(e["id"]))
    out = [EmergingActor(actor, country, admin1, first_in[(actor, country, admin1)], first_any[actor], scope,
                         tuple(sorted(set(ids))))
           for (actor, scope, country, admin1), ids in found.items()]
    out.sort(key=lambda a: (a.scope != "new", a.first_seen, a.actor.lower(), a.country or "", a.admin1 or ""))
    return out


# ------------------------------------------------------------------------------ from a store


def load_alerts(store: Any, filters: EventFilters | None = None, *, as_of: str | dt.date | None = None,
                config: AlertConfig | None = None) -> Alerts:
    """Alerts over ``store``'s fused events, for the week ending ``as_of`` (default: the latest
    weekly-dated event in the store). ``filters`` (no period: the weeks are the period) select the
    events counted; ValueError (one line) for a bad value or a store with no dated event."""
    config = config or load_config()
    filters = filters or EventFilters()
    if filters.since is not None or filters.until is not None:
        raise ValueError("alerts compare the weeks ending on the as-of date: give as_of, not since/until")
    day = parse_as_of(as_of) if as_of is not None else None
    history = store.fused_events(until=day.isoformat()) if day is not None else store.fused_events()
    if day is None:
        day = latest_week_day(history, config)
        if day is None:
            raise ValueError("no event in the store is dated to the day or week: nothing to compare; "
                             "give an as-of date")
    selected = None
    if not filters.is_empty():
        start = day - dt.timedelta(days=config.week_days * (config.long_weeks + 1) - 1)
        selected = {str(e["id"]) for e in store.fused_events(
            **filters.with_period(start.isoformat(), day.isoformat()).store_kwargs())}
    return compute(history, day, config, selected=selected, country_level=filters.admin1 is None)


__all__ = ["Alerts", "AreaFigures", "EmergingActor", "Figures", "Surge", "Week", "compute", "latest_week_day",
           "load_alerts", "parse_as_of", "week_day"]
