"""What a situation report says: its statements, tables, pictures and citations, before rendering.

Why a model between the numbers and the renderers: HTML and Markdown must say the same things with
the same citation numbers; composing once and rendering twice guarantees it. Every statement is
text plus the citation numbers that support it; the renderers only escape and format.

Citation numbers follow one fixed order: the period's events in date order (so the headline's
sources are the range 1..n), then the previous period's events, then relation tellings as the
report uses them. The same store and filters therefore always give the same numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flashpoint import __version__
from flashpoint.export.acled_csv import country_info, summary
from flashpoint.filters import EventFilters, Period, first_day, human_date, last_day, load_events
from flashpoint.report import charts, figures, maps
from flashpoint.report.citations import Citation, Citations
from flashpoint.report.style import Style, load_style
from flashpoint.report.support import fatality_support

# A fused event (``model.FusedEvent``, as ``filters.load_events`` gives them), read by key: a
# Mapping so that the change feed's rows and hand-made events in tests go through the same code.
Event = Mapping[str, Any]


@dataclass(frozen=True)
class Statement:
    """A sentence and the citations that support it (rendered after the sentence)."""

    text: str
    cites: tuple[int, ...] = ()


@dataclass(frozen=True)
class TypeRow:
    event_type: str
    colour: str
    events: int
    fatalities: int
    previous_events: int
    previous_fatalities: int
    cites: tuple[int, ...]


@dataclass(frozen=True)
class ActorRow:
    actor: str
    events: int
    as_actor1: int
    as_actor2: int
    fatalities: int
    cites: tuple[int, ...]


@dataclass(frozen=True)
class PairRow:
    actor1: str
    actor2: str
    events: int
    fatalities: int
    types: str
    cites: tuple[int, ...]


@dataclass(frozen=True)
class RelationRow:
    statement: Statement
    subject: str
    relation: str
    object: str
    tellings: int


@dataclass(frozen=True)
class NotableEvent:
    statement: Statement
    quote: str
    fatalities: int | None
    n_sources: int


@dataclass(frozen=True)
class EventRow:
    date: str
    event_type: str
    colour: str
    statement: Statement
    fatalities: int | None
    n_sources: int


@dataclass(frozen=True)
class Picture:
    name: str          # file stem for Markdown ("map", "timeline")
    png: bytes
    alt: str
    caption: list[Statement]


@dataclass(frozen=True)
class EarlyWarning:
    """The alerts (``flashpoint.alerts``) for the week ending on the period's last day."""

    week: Period
    surges: list[Statement]
    emerging: list[Statement]
    note: list[Statement]       # how the alerts are judged, and what "none" means here


@dataclass
class SitRep:
    title: str
    area: str
    period: Period
    previous: Period
    scope: list[str]                      # plain lines: filters, sources, how to read
    totals: figures.Totals
    previous_totals: figures.Totals
    headline: list[Statement]
    change: list[Statement]
    types: list[TypeRow]
    map: Picture | None
    map_info: maps.MapInfo
    timeline: Picture | None
    timeline_unit: str
    buckets: list[figures.Bucket]
    actors: list[ActorRow]
    actors_note: list[Statement]
    pairs: list[PairRow]
    relations: list[RelationRow]
    deadliest: list[NotableEvent]
    most_reported: list[NotableEvent]
    most_reported_note: list[Statement]
    events: list[EventRow]
    events_omitted: int
    citations: list[Citation]
    method: list[str] = field(default_factory=list)
    early_warning: EarlyWarning | None = None


# ------------------------------------------------------------------------------ wording


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


_RELATION_WORDS = {
    "backed_by": "is backed by",
    "allied_with": "is allied with",
    "member_of": "is part of",
    "designated_by": "is designated a terrorist organisation by",
}


def _relation_phrase(relation: str) -> str:
    return _RELATION_WORDS.get(relation, relation.replace("_", " "))


def _area(filters: EventFilters, events: Sequence[Event]) -> str:
    """"Aleppo (Syria)", "Syria", "the box 36–38°E, 35–37°N", or the countries of the events."""
    countries = Counter(c for e in events if (c := (e.get("location") or {}).get("country")) is not None)
    top_country = countries.most_common(1)[0][0] if countries else None
    # the CLI's --admin1 and --country name one place each; several (a tuple) name no single area
    if filters.admin1 and isinstance(filters.admin1, str):
        admin1 = next(((e.get("location") or {}).get("admin1") for e in events
                       if ((e.get("location") or {}).get("admin1") or "").lower() == filters.admin1.lower()),
                      filters.admin1)
        country = filters.country or top_country
        return f"{admin1} ({country})" if country else str(admin1)
    if filters.country and isinstance(filters.country, str):
        return next((c for c in countries if c.lower() == filters.country.lower()), filters.country)
    if filters.bbox:
        w, s, e, n = filters.bbox
        return f"the area {w:g}° to {e:g}° longitude, {s:g}° to {n:g}° latitude"
    if len(countries) == 1:
        return str(top_country)
    if countries:
        return plural(len(countries), "country", "countries")
    return "all places"


def _period(filters: EventFilters, events: Sequence[Event]) -> Period:
    """The period asked for; open ends are closed by the events' own dates."""
    days = [d for e in events if (d := figures.day_of(e)) is not None]
    start = first_day(filters.since) if filters.since else (min(days) if days else None)
    end = last_day(filters.until) if filters.until else (max(days) if days else None)
    if start is None:
        if end is None:
            raise ValueError("no dated events match; give --since and --until to set the report's period")
        start = end
    elif end is None:
        end = start
    if end < start:  # only --since given, and every event dates from before it
        end = start
    return Period(start, end)


def _scope_lines(filters: EventFilters, period: Period, events: Sequence[Event]) -> list[str]:
    n_articles, n_outlets = figures.outlets(events)
    lines = [f"Period: {period.label()} ({human_date(period.start)} to {human_date(period.end)}, "
             f"{plural(period.days, 'day')})."]
    extra = filters.describe()
    if extra:
        lines.append("Filters: " + "; ".join(extra) + ".")
    lines.append(f"Sources: {plural(n_articles, 'article')} from {plural(n_outlets, 'outlet')}, "
                 "coded and fused by Flashpoint; the numbers in brackets cite them (list at the end).")
    return lines


def _notable(event: Event, cites: Citations, limit: int) -> NotableEvent:
    """An event as the report lists it: its summary, and the words that support it. A fatality
    figure is printed only with the sentence that states it (``support.fatality_support``); a
    figure no source's evidence states is left out of the summary, never printed unsupported."""
    from flashpoint.report.citations import cut, quote_of

    support = fatality_support(event)
    shown = event if support is not None or not figures.fatalities(event) else {**event, "fatalities": None}
    # The words that state the figure, else the representative source's (the fused event's own
    # evidence), else the first source's.
    sources = event.get("sources") or []
    quote = (support.sentence if support is not None else None) or quote_of(event.get("evidence")) \
        or (quote_of(sources[0].get("evidence")) if sources else "")
    return NotableEvent(
        statement=Statement(summary(shown), cites.cite_event(event)),
        quote=cut(quote, limit),
        fatalities=support.figure if support is not None else None,
        n_sources=figures.n_sources(event),
    )


def _early_warning(store: Any, filters: EventFilters, period: Period, cites: Citations) -> EarlyWarning:
    """Surges and emerging actors for the week ending on ``period.end``, worded, each citing the
    events behind it. The figures are ``flashpoint alerts``' own (called, not recomputed), so a
    report and the alerts never disagree."""
    from flashpoint.alerts import load_alerts
    from flashpoint.alerts.text import avg, percent

    found = load_alerts(store, filters.with_period(None, None), as_of=period.end)
    week = Period(found.week.start, found.week.end)
    c = found.config

    def place(country: str | None, admin1: str | None) -> str:
        return f"{admin1} ({country})" if admin1 and country else (admin1 or country or "an unknown place")

    surges = []
    for s in found.surges:
        f = s.figures
        what = plural(f.this_week, "event") if s.measure == "events" else \
            plural(f.this_week, "reported fatality", "reported fatalities")
        if s.kind == "new_violence":
            text = (f"New violence in {place(s.country, s.admin1)}: {what} in the week {week.label()}, "
                    f"none in the {f.weeks_4w} weeks before ({f.total_52w:,} in the {f.weeks_52w} weeks before).")
        else:
            text = (f"Surge in {place(s.country, s.admin1)}: {what} in the week {week.label()}, against "
                    f"{avg(f.avg_4w)} a week over the {f.weeks_4w} weeks before ({percent(f.change_4w)}) and "
                    f"{avg(f.avg_52w)} a week over the {f.weeks_52w} weeks before ({percent(f.change_52w)}).")
        surges.append(Statement(text, cites.cite_events(found.events[i] for i in s.event_ids)))
    emerging = []
    for a in found.emerging_actors:
        if a.scope == "new":
            text = f"New actor: {a.actor}, first seen on {human_date(a.first_seen)} in {place(a.country, a.admin1)}."
        else:
            text = (f"New in {place(a.country, a.admin1)}: {a.actor}, first seen there on {human_date(a.first_seen)} "
                    f"(elsewhere since {human_date(a.first_seen_anywhere)}).")
        emerging.append(Statement(text, cites.cite_events(found.events[i] for i in a.event_ids)))
    note = [Statement(
        f"The week {week.label()} (the period's last {plural(c.week_days, 'day')}) against the "
        f"{c.short_weeks} and {c.long_weeks} weeks before, per country and first-level region. A surge is "
        f"at least {plural(c.min_events, 'event')} (or {c.min_fatalities} fatalities) in the week and "
        f"{percent(c.threshold)} or more on the {c.short_weeks}-week weekly average; an emerging actor "
        "is one first seen in the store, or in that region, in the week. Events dated only to a month "
        "or a longer range are not counted (flashpoint alerts gives every figure).")]
    if not surges:
        note.append(Statement("No surge in the week."))
    if not emerging:
        note.append(Statement("No emerging actor in the week." if found.history_weeks >= c.min_history_weeks else
                              f"Emerging actors not judged: the store holds fewer than {c.min_history_weeks} "
                              "weeks of history before the week."))
    return EarlyWarning(week, surges, emerging, note)


# ------------------------------------------------------------------------------ the report


def build(store: Any, filters: EventFilters, *, title: str | None = None, style: Style | None = None) -> SitRep:
    """Compose the situation report for ``filters`` from ``store``'s fused events."""
    style = style or load_style()
    limits = style.limits
    probe = load_events(store, filters)
    period = _period(filters, probe)
    since, until = period.start.isoformat(), period.end.isoformat()
    events = probe if (filters.since, filters.until) == (since, until) else load_events(
        store, filters.with_period(since, until))
    previous = period.previous()
    before = load_events(store, filters.with_period(previous.start.isoformat(), previous.end.isoformat()))
    area = _area(filters, events or before)

    cites = Citations(limits["quote_chars"])
    all_now = cites.cite_events(events)        # 1..n, in date order
    all_before = cites.cite_events(before)
    now, prev = figures.totals(events, style), figures.totals(before, style)

    # -- headline and change
    headline: list[Statement] = []
    if now.events:
        text = (f"{plural(now.events, 'event')} {'was' if now.events == 1 else 'were'} recorded in {area} "
                f"in {period.label()}, with {plural(now.fatalities, 'reported fatality', 'reported fatalities')}.")
        headline.append(Statement(text, all_now))
        dead = [e for e in events if (figures.fatalities(e) or 0) > 0]
        if dead:
            headline.append(Statement(
                f"{plural(len(dead), 'event')} caused deaths; "
                f"{plural(now.without_figure, 'event')} reported no casualty figure.",
                cites.cite_events(dead)))
        elif now.without_figure:
            headline.append(Statement(f"{plural(now.without_figure, 'event')} reported no casualty figure.",
                                      cites.cite_events(e for e in events if figures.fatalities(e) is None)))
        if now.by_type:
            top_type, (top_n, _) = max(now.by_type.items(), key=lambda kv: (kv[1][0], -style.type_rank(kv[0])))
            headline.append(Statement(
                f"The most frequent type was {top_type} ({plural(top_n, 'event')}).",
                cites.cite_events(e for e in events if figures.event_type(e, style) == top_type)))
    else:
        headline.append(Statement(f"No events were recorded in {area} in {period.label()}."))

    change: list[Statement] = []
    if prev.events:
        change.append(Statement(
            f"In the previous period ({previous.label()}) {plural(prev.events, 'event')} "
            f"{'was' if prev.events == 1 else 'were'} recorded, with "
            f"{plural(prev.fatalities, 'reported fatality', 'reported fatalities')}.", all_before))
    else:
        change.append(Statement(f"No events were recorded in the previous period ({previous.label()})."))
    change.append(Statement(
        f"Change: events {figures.change(now.events, prev.events)}, "
        f"fatalities {figures.change(now.fatalities, prev.fatalities)}.",
        tuple(sorted(set(all_now) | set(all_before)))))

    types = []
    for t in sorted(set(now.by_type) | set(prev.by_type), key=lambda t: (style.type_rank(t), t)):
        n, f = now.by_type.get(t, (0, 0))
        pn, pf = prev.by_type.get(t, (0, 0))
        ids = cites.cite_events(e for e in [*events, *before] if figures.event_type(e, style) == t)
        types.append(TypeRow(t, style.colour(t), n, f, pn, pf, ids))

    # -- pictures
    focus_iso = None
    countries = Counter((e.get("location") or {}).get("country") for e in events if e.get("location"))
    countries.pop(None, None)
    if countries:
        focus_iso = country_info(countries.most_common(1)[0][0])[0] or None
    map_png, map_info = maps.draw_map(events, style, focus_iso)
    map_pic = None
    if map_png is not None:
        caption = [Statement(
            f"{plural(map_info.mapped, 'event')} at {plural(map_info.places, 'place')}, coloured by type; "
            f"a larger point stands for more events at one place.",
            cites.cite_events(e for e in events if maps.point_of(e) is not None))]
        if map_info.unmapped:
            caption.append(Statement(
                f"{plural(map_info.unmapped, 'event')} without coordinates "
                f"{'is' if map_info.unmapped == 1 else 'are'} not shown.",
                cites.cite_events(e for e in events if maps.point_of(e) is None)))
        map_pic = Picture("map", map_png, f"Map of {map_info.mapped} events in {area}, {period.label()}", caption)

    unit = figures.timeline_unit(period, style)
    buckets = figures.timeline(events, period, style)
    timeline_png = charts.draw_timeline(buckets, unit, style)
    timeline_pic = None
    if timeline_png is not None:
        by_id = {str(e.get("id")): e for e in events}
        busiest = max(buckets, key=lambda b: (b.events, -b.start.toordinal()))
        deadliest_b = max(buckets, key=lambda b: (b.fatalities, -b.start.toordinal()))

        def span(b: figures.Bucket) -> str:
            return human_date(b.start) if unit == "day" else f"the {unit} of {human_date(b.start)}"

        tied = [b for b in buckets if b.events == busiest.events]
        if len(tied) == 1:
            text = f"The busiest {unit} was {span(busiest)}, with {plural(busiest.events, 'event')}."
        else:  # a tie: name them all (the first few), never pick one silently
            shown = [span(b) for b in tied[:4]] + ([f"{len(tied) - 4} more"] if len(tied) > 4 else [])
            text = (f"The busiest {unit}s, with {plural(busiest.events, 'event')} each, were "
                    f"{', '.join(shown[:-1])} and {shown[-1]}.")
        caption = [Statement(text, cites.cite_events(by_id[i] for b in tied[:4] for i in b.event_ids))]
        if deadliest_b.fatalities:
            caption.append(Statement(
                f"The deadliest {unit} was {span(deadliest_b)}, with "
                f"{plural(deadliest_b.fatalities, 'reported fatality', 'reported fatalities')}.",
                cites.cite_events(by_id[i] for i in deadliest_b.event_ids)))
        undated = sum(1 for e in events if figures.day_of(e) is None)
        if undated:
            caption.append(Statement(f"{plural(undated, 'undated event')} not shown.",
                                     cites.cite_events(e for e in events if figures.day_of(e) is None)))
        timeline_pic = Picture("timeline", timeline_png,
                               f"Events and fatalities per {unit}, {period.label()}", caption)

    # -- actors
    by_id = {str(e.get("id")): e for e in events}
    active = figures.active_actors(events)
    actor_rows = [ActorRow(a.actor, a.events, a.as_actor1, a.as_actor2, a.fatalities,
                           cites.cite_events(by_id[i] for i in a.event_ids))
                  for a in active[: limits["top_actors"]]]
    actors_note = []
    if len(active) > limits["top_actors"]:
        actors_note.append(Statement(f"{plural(len(active), 'actor')} took part in these events; "
                                     f"the {limits['top_actors']} most active are listed."))
    pair_rows = [PairRow(p.actor1, p.actor2, p.events, p.fatalities,
                         ", ".join(f"{t} {n}" for t, n in sorted(p.types.items(),
                                                                 key=lambda kv: (style.type_rank(kv[0]), kv[0]))),
                         cites.cite_events(by_id[i] for i in p.event_ids))
                 for p in figures.actor_pairs(events, style, limits["actor_pairs"])]
    relation_rows = []
    articles: dict[str, Mapping[str, Any]] = {}
    for rel in figures.relations_among(store.relations(), {a.actor for a in active}, limits["relations"]):
        numbers = []
        for telling in rel.tellings:
            aid = telling["article_id"]
            if aid not in articles:
                articles[aid] = store.article(aid) or {"article_id": aid}
            art = articles[aid]
            quote = (telling.get("evidence") or {}).get("text") or ""
            numbers.append(cites.cite_telling(
                {"article_id": aid, "title": art.get("title"), "source": art.get("source"),
                 "published": art.get("published"), "url": art.get("url")}, quote))
        relation_rows.append(RelationRow(
            Statement(f"{rel.subject} {_relation_phrase(rel.relation)} {rel.object}"
                      f" ({plural(len(rel.tellings), 'telling')}).", tuple(sorted(set(numbers)))),
            rel.subject, rel.relation, rel.object, len(rel.tellings)))

    # -- notable events
    # Ranked by figures their own evidence states: a misread or unsupported toll is no "deadliest"
    supported = [e for e in events if fatality_support(e) is not None]
    deadliest = [_notable(e, cites, limits["quote_chars"]) for e in figures.deadliest(supported, limits["notable"])]
    most = [_notable(e, cites, limits["quote_chars"]) for e in figures.most_reported(events, limits["notable"])]
    most_note = [] if most or not events else [
        Statement("No event in this period was reported by more than one source.")]

    early_warning = _early_warning(store, filters, period, cites)

    # -- every event
    event_rows = []
    for e in events[: limits["events_table"]]:
        t = figures.event_type(e, style)
        event_rows.append(EventRow(
            date=e.get("date") or "/".join(p for p in (e.get("date_start"), e.get("date_end")) if p) or "undated",
            event_type=t, colour=style.colour(t), statement=Statement(summary(e), cites.cite_event(e)),
            fatalities=figures.fatalities(e), n_sources=figures.n_sources(e)))

    method = [
        "Events are Flashpoint's fused events: one row per real event, however many articles told it; "
        "each is coded with ACLED's event types and dated and geocoded from its articles.",
        "An event counts in a period when its date or date range overlaps the period. Fatalities are "
        "the sum of the events' figures (each event's most conservative figure across its sources); an "
        "event without a figure adds nothing and is counted as reporting none.",
        "Actors are counted once per event in which they appear, as actor 1, actor 2 or associated actor. "
        "Relations are read from the articles' text, for pairs of actors active in this period.",
        f"Generated by Flashpoint {__version__} from the data alone: the same store and options give the same report.",
    ]
    return SitRep(
        title=title or f"Situation report: {area}, {period.label()}",
        area=area, period=period, previous=previous,
        scope=_scope_lines(filters, period, events),
        totals=now, previous_totals=prev, headline=headline, change=change, types=types,
        map=map_pic, map_info=map_info, timeline=timeline_pic, timeline_unit=unit, buckets=buckets,
        actors=actor_rows, actors_note=actors_note, pairs=pair_rows, relations=relation_rows,
        deadliest=deadliest, most_reported=most, most_reported_note=most_note,
        events=event_rows, events_omitted=max(0, len(events) - limits["events_table"]),
        citations=cites.all(), method=method, early_warning=early_warning,
    )


__all__ = ["SitRep", "Statement", "build"]
