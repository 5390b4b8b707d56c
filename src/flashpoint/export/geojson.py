"""Events as an RFC 7946 GeoJSON FeatureCollection, for QGIS, Leaflet, kepler.gl and the like.

Why flat properties under the CSV's names: GIS tools show and filter top-level scalar properties;
nested objects end up as unreadable strings in their attribute tables. And an analyst who filters
the CSV on ``event_date`` or joins on ``event_id_cnty`` must find the same names on the map layer,
so each feature's properties are the CSV row, then a few map-only fields.

Why events without coordinates are counted, not silently dropped: a map that shows 40 of 100
events must say so. The count goes in a foreign member (RFC 7946, section 6.1), which GeoJSON
readers ignore and scripts can read.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TextIO

from flashpoint.export.acled_csv import row


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
    """The event as one level of scalar fields: the CSV's columns under the CSV's names
    (``event_date``, ``event_id_cnty``, ``iso``, ``disorder_type`` ...), so one filter or join works
    on both files, then the fields a map reader wants that the CSV has no column for."""
    plover = event.get("plover") or {}
    location = event.get("location") or {}
    article = event.get("article") or {}
    sources = event.get("sources") or ([article] if article else [])
    props = row(event)
    props.update({
        "date_start": event.get("date_start"),
        "date_end": event.get("date_end"),
        "plover_mode": plover.get("mode"),
        "modality": event.get("modality"),
        "geonameid": location.get("geonameid"),
        "article_id": event.get("article_id") or article.get("article_id"),
        "title": article.get("title"),
        "published": article.get("published"),
        "url": article.get("url"),
        "n_outlets": event.get("n_outlets") or len({s.get("source") for s in sources if s.get("source")}),
        "story_id": event.get("story_id"),
    })
    return props


def collection(events: Iterable[Mapping[str, Any]], *, keep_unlocated: bool = False) -> dict[str, Any]:
    """The FeatureCollection as a dict (for the API, which serialises it itself). Events without
    a point on Earth are counted in ``flashpoint.skipped_without_coordinates``, or, with
    ``keep_unlocated``, written with ``"geometry": null`` (RFC 7946, section 3.2)."""
    features = []
    skipped = 0
    for event in events:
        coordinates = _coordinates(event)
        if coordinates is None and not keep_unlocated:
            skipped += 1
            continue
        features.append({
            "type": "Feature",
            "id": event.get("id"),
            "geometry": {"type": "Point", "coordinates": coordinates} if coordinates else None,
            "properties": properties(event),
        })
    return {
        "type": "FeatureCollection",
        "features": features,
        "flashpoint": {"skipped_without_coordinates": skipped},
    }


def write(events: Iterable[Mapping[str, Any]], fp: TextIO, *, keep_unlocated: bool = False,
          skipped: Callable[[int], None] | None = None) -> int:
    """Write the collection as UTF-8 JSON; returns the number of features written. ``skipped``
    is told how many events were left out for want of coordinates (the CLI says so on stderr)."""
    doc = collection(events, keep_unlocated=keep_unlocated)
    json.dump(doc, fp, ensure_ascii=False, indent=2)
    fp.write("\n")
    if skipped is not None:
        skipped(doc["flashpoint"]["skipped_without_coordinates"])
    return len(doc["features"])
