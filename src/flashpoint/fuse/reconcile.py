"""One fused event from the reports that tell it: which figure, date and place to believe.

ACLED's rules, applied across outlets: the lowest reported fatality figure (the range is kept so
nothing is hidden), the finest date and place precision any source supports, and the type most
sources (weighted by confidence) agree on. Corrections override all of it, field by field.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any, cast

from ..events.ontology import SubEvent, load_ontology
from ..model import FusedEvent, FusedSource
from .features import Report

EDITABLE = (
    "sub_event_type", "plover_type", "actor1", "actor2", "assoc_actor_1", "assoc_actor_2",
    "date", "fatalities", "injured", "location_name", "admin1", "lat", "lon", "modality",
)


@functools.lru_cache(maxsize=1)
def sub_event_codes() -> dict[str, SubEvent]:
    """ACLED sub-event type name -> its ontology entry (names as users and exports write them).

    Here, beside ``apply_overrides`` which writes a corrected sub-type's codes, rather than in
    ``corrections`` (which validates against it): reconcile importing corrections back was a cycle.
    """
    return {sub.sub_event_type: sub for sub in load_ontology().sub_events.values()}


def representative(members: list[Report]) -> Report:
    """The report whose wording stands for the event: finest date, finest place, most sure."""
    return min(
        members,
        key=lambda r: (r.precision, (r.location.get("geo_precision") or 4), -r.confidence,
                       r.event_id),
    )


def _vote(members: list[Report], get: Any) -> Any:
    """The value most members give, weighted by confidence; ties go to the representative order."""
    weights: defaultdict[Any, float] = defaultdict(float)
    order: dict[Any, int] = {}
    for i, r in enumerate(members):
        value = get(r)
        if value is None:
            continue
        weights[value] += 0.5 + r.confidence
        order.setdefault(value, i)
    if not weights:
        return None
    return max(weights, key=lambda v: (weights[v], -order[v]))


def _source(r: Report) -> FusedSource:
    a = r.article
    return {
        "event_id": r.event_id, "article_id": r.article_id, "id": a.get("id"),
        "title": a.get("title"), "source": a.get("source"), "url": a.get("url"),
        "published": a.get("published"), "date": r.event.get("date"),
        "fatalities": r.event.get("fatalities"), "injured": r.event.get("injured"),
        "confidence": r.event.get("confidence"),
        "evidence": r.event.get("evidence", []),
    }


def _stated_first(ordered: list[Report], field: str) -> list[int]:
    """The figures sources state for ``field`` (with evidence), else every figure: a stated figure
    beats a 0 that only means "no figure found" (ACLED's lowest-figure rule is about conflicting
    counts, not about silence)."""
    stated = [r.event[field] for r in ordered if r.event.get(field) is not None and r.quotes(field)]
    return stated or [f for r in ordered if (f := r.event.get(field)) is not None]


def _min_known(values: Sequence[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return min(known) if known else None


def reconcile(fused_id: str, members: list[Report], overrides: dict[str, Any] | None = None,
              story_id: str | None = None) -> FusedEvent:
    """The fused event (``model.FusedEvent``: the public event shape plus provenance) for
    ``members``. Built as a plain dict, key by key in the order the JSON contract has them, and
    typed once complete: the keys come from the representative's stored event first."""
    ordered = sorted(members, key=lambda r: (r.precision, (r.location.get("geo_precision") or 4),
                                             -r.confidence, r.event_id))
    rep = ordered[0]
    event: dict[str, Any] = {k: v for k, v in rep.event.items() if k not in ("id", "article_id")}
    # Type: the sub-type most sources agree on; its ACLED/PLOVER codes come from a report with it.
    sub = _vote(ordered, lambda r: r.sub_event_type)
    if sub is not None and sub != rep.sub_event_type:
        donor = next(r for r in ordered if r.sub_event_type == sub)
        event["acled"] = donor.event.get("acled")
        event["plover"] = donor.event.get("plover")
    # Date: among the reports with the finest precision, the date most of them give.
    finest = min(r.precision for r in ordered)
    dated = [r for r in ordered if r.precision == finest and r.event.get("date")]
    if dated:
        key = _vote(dated, lambda r: (r.event.get("date"), r.event.get("date_start"),
                                      r.event.get("date_end")))
        event["date"], event["date_start"], event["date_end"] = key
        event["time_precision"] = finest
    # Place: the finest place any source gives; among equals, the one most sources name.
    placed = [r for r in ordered if r.location.get("lat") is not None]
    if placed:
        best_precision = min(r.location.get("geo_precision") or 3 for r in placed)
        fine = [r for r in placed if (r.location.get("geo_precision") or 3) == best_precision]
        gid = _vote(fine, lambda r: r.location.get("geonameid") or r.location.get("name"))
        chosen = next(r for r in fine if (r.location.get("geonameid") or r.location.get("name")) == gid)
        event["location"] = dict(chosen.location)
    # Actors: the representative's, filled from the others where it named none.
    for key in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2"):
        if not event.get(key):
            event[key] = _vote(ordered, lambda r, k=key: r.event.get(k))
    for key, inter in (("actor1", "inter1"), ("actor2", "inter2")):
        if event.get(key) and event.get(inter) is None:
            named = next((r for r in ordered if r.event.get(key) == event[key]), None)
            event[inter] = named.event.get(inter) if named else None
    # A figure a source states (with evidence) beats a 0 that only means "no figure found":
    # ACLED's lowest-figure rule is about conflicting counts, not about silence.
    known = _stated_first(ordered, "fatalities")
    event["fatalities"] = min(known) if known else None
    event["fatalities_range"] = [min(known), max(known)] if known else None
    event["injured"] = _min_known(_stated_first(ordered, "injured"))
    modalities = {r.event.get("modality") for r in ordered}
    event["modality"] = "asserted" if "asserted" in modalities else rep.event.get("modality")
    outlets = sorted({r.outlet for r in ordered})
    # Independent outlets corroborate: the chance that all of them are wrong shrinks.
    doubt = 1.0
    for outlet in outlets:
        doubt *= 1.0 - max(r.confidence for r in ordered if r.outlet == outlet)
    event["confidence"] = round(min(0.99, 1.0 - doubt), 3)
    event["id"] = fused_id
    event["n_sources"] = len(ordered)
    event["n_outlets"] = len(outlets)
    event["story_id"] = story_id
    event["evidence"] = [{**ev, "article_id": rep.article_id} for ev in rep.event.get("evidence", [])]
    event["article"] = {"article_id": rep.article_id, **{k: rep.article.get(k) for k in
                        ("id", "title", "source", "published", "url")}}
    event["sources"] = [_source(r) for r in sorted(ordered, key=_by_publication)]
    if overrides:
        apply_overrides(event, overrides)
    event["corrected"] = sorted(overrides) if overrides else []
    return cast(FusedEvent, event)


def _by_publication(r: Report) -> tuple[bool, str, str]:
    published = r.article.get("published")
    return (published is None, published or "", r.event_id)


def apply_overrides(event: MutableMapping[str, Any], overrides: Mapping[str, Any]) -> None:
    """Write corrected values into the event being built (validated by ``corrections``
    beforehand). A mutable mapping, not a ``FusedEvent``: the field names arrive as data."""
    for key, value in overrides.items():
        if key == "sub_event_type":
            sub = sub_event_codes().get(value)
            event["acled"] = None if sub is None else {
                "event_type": sub.event_type, "sub_event_type": sub.sub_event_type,
                "interaction": (event.get("acled") or {}).get("interaction")}
        elif key == "plover_type":
            event["plover"] = None if value is None else {
                "type": value, "mode": (event.get("plover") or {}).get("mode")}
        elif key == "date":
            event.update(date=value, date_start=value, date_end=value,
                         time_precision=1 if value else None)
        elif key in ("location_name", "admin1", "lat", "lon"):
            location = dict(event.get("location") or {})
            location["name" if key == "location_name" else key] = value
            if key in ("lat", "lon"):
                location["geonameid"] = None
            event["location"] = location
        elif key == "fatalities":
            event["fatalities"] = value
            event["fatalities_range"] = None if value is None else [value, value]
        else:
            event[key] = value


def row_of(event: FusedEvent) -> dict[str, Any]:
    """The indexed columns of ``fused_events`` for a fused event."""
    acled: Mapping[str, Any] = event.get("acled") or {}
    plover: Mapping[str, Any] = event.get("plover") or {}
    loc: Mapping[str, Any] = event.get("location") or {}
    rng = event.get("fatalities_range")
    return {
        "id": event["id"], "date": event.get("date"), "date_start": event.get("date_start"),
        "date_end": event.get("date_end"), "time_precision": event.get("time_precision"),
        "event_type": acled.get("event_type"), "sub_event_type": acled.get("sub_event_type"),
        "plover_type": plover.get("type"), "actor1": event.get("actor1"),
        "actor2": event.get("actor2"), "assoc_actor_1": event.get("assoc_actor_1"),
        "assoc_actor_2": event.get("assoc_actor_2"), "location": loc.get("name"),
        "admin1": loc.get("admin1"), "country": loc.get("country"), "lat": loc.get("lat"),
        "lon": loc.get("lon"), "geo_precision": loc.get("geo_precision"),
        "fatalities": event.get("fatalities"), "fatalities_max": rng[1] if rng else None,
        "injured": event.get("injured"), "n_sources": event["n_sources"],
        "n_outlets": event["n_outlets"], "confidence": event.get("confidence"),
        "story_id": event.get("story_id"),
    }


def outlet_of(article: dict[str, Any], article_id: str) -> str:
    """Distinct outlets corroborate; an article without a named outlet counts as its own."""
    source = (article.get("source") or "").strip().lower()
    return source or f"article:{article_id}"
