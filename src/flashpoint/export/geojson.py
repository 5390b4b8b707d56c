"""Events as an RFC 7946 GeoJSON FeatureCollection, for QGIS, Leaflet, kepler.gl and the like.

Why flat properties: GIS tools show and filter top-level scalar properties; nested objects end up
as unreadable strings in their attribute tables. So the ACLED and PLOVER codings, the location and
the article are spread into plain fields, and the evidence becomes one joined string.

Why events without coordinates are counted, not silently dropped: a map that shows 40 of 100
events must say so. The count goes in a foreign member (RFC 7946, section 6.1), which GeoJSON
readers ignore and scripts can read.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from flashpoint.export.acled_csv import SOURCE_SEPARATOR, summary

EVIDENCE_SEPARATOR = " | "


def _coordinates(event: Mapping[str, Any]) -> list[float] | None:
    """[lon, lat] (RFC 7946 order), or None when missing or not a point on Earth."""
    location = event.get("location") or {}
    lat, lon = location.get("lat"), location.get("lon")
    if not isinstance(lat, (int, float)) or not isinstance(lon, (int, float)):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return [float(lon), float(lat)]


def properties(event: Mapping[str, Any]) -> dict[str, Any]:
    """The event as one level of scalar fields (names as the store's event columns); a fused
    event's outlets are joined into ``source``, its article is the representative source's."""
    acled = event.get("acled") or {}
    plover = event.get("plover") or {}
    location = event.get("location") or {}
    article = event.get("article") or {}
    sources = event.get("sources") or ([article] if article else [])
    return {
        "id": event.get("id"),
        "article_id": event.get("article_id") or article.get("article_id"),
        "event_type": acled.get("event_type"),
        "sub_event_type": acled.get("sub_event_type"),
        "interaction": acled.get("interaction"),
        "plover_type": plover.get("type"),
        "plover_mode": plover.get("mode"),
        "actor1": event.get("actor1"),
        "actor2": event.get("actor2"),
        "assoc_actor_1": event.get("assoc_actor_1"),
        "assoc_actor_2": event.get("assoc_actor_2"),
        "inter1": event.get("inter1"),
        "inter2": event.get("inter2"),
        "date": event.get("date"),
        "date_start": event.get("date_start"),
        "date_end": event.get("date_end"),
        "time_precision": event.get("time_precision"),
        "location": location.get("name"),
        "admin1": location.get("admin1"),
        "country": location.get("country"),
        "geonameid": location.get("geonameid"),
        "geo_precision": location.get("geo_precision"),
        "fatalities": event.get("fatalities"),
        "injured": event.get("injured"),
        "modality": event.get("modality"),
        "confidence": event.get("confidence"),
        "evidence": EVIDENCE_SEPARATOR.join(
            ev["text"] for ev in event.get("evidence") or [] if ev.get("text")
        ),
        "title": article.get("title"),
        "source": SOURCE_SEPARATOR.join(dict.fromkeys(s["source"] for s in sources if s.get("source"))),
        "published": article.get("published"),
        "url": article.get("url"),
        "n_sources": event.get("n_sources") or len(sources),
        "n_outlets": event.get("n_outlets") or len({s.get("source") for s in sources if s.get("source")}),
        "source_urls": EVIDENCE_SEPARATOR.join(dict.fromkeys(s["url"] for s in sources if s.get("url"))),
        "story_id": event.get("story_id"),
        "notes": summary(event),
    }


def collection(events: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The FeatureCollection as a dict (for the API, which serialises it itself)."""
    features = []
    skipped = 0
    for event in events:
        coordinates = _coordinates(event)
        if coordinates is None:
            skipped += 1
            continue
        features.append({
            "type": "Feature",
            "id": event.get("id"),
            "geometry": {"type": "Point", "coordinates": coordinates},
            "properties": properties(event),
        })
    return {
        "type": "FeatureCollection",
        "features": features,
        "flashpoint": {"skipped_without_coordinates": skipped},
    }


def write(events: Iterable[Mapping[str, Any]], fp: TextIO) -> int:
    """Write the collection as UTF-8 JSON; returns the number of features written."""
    doc = collection(events)
    json.dump(doc, fp, ensure_ascii=False, indent=2)
    fp.write("\n")
    return len(doc["features"])
