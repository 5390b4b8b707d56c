"""Country boundaries for report maps, decoded from the bundled Natural Earth TopoJSON.

Why TopoJSON decoded here rather than a GIS library: the file ships inside the package (nothing is
downloaded at run time) and decoding it is forty lines; GDAL, cartopy or geopandas would add
heavy native dependencies for one static map. Shared borders are arcs stored once, so drawing the
arcs (not each country's outline) draws every border exactly once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from flashpoint.settings import DATA_DIR

TOPOLOGY = DATA_DIR / "naturalearth" / "countries-50m.json"
ATTRIBUTION = "Boundaries: Natural Earth (public domain)"

Ring = list[tuple[float, float]]  # (lon, lat) points, closed


@dataclass(frozen=True)
class Country:
    iso_numeric: str | None
    name: str
    polygons: tuple[tuple[Ring, ...], ...]  # each polygon: exterior ring, then holes

    def bbox(self) -> tuple[float, float, float, float]:
        xs = [x for poly in self.polygons for x, _ in poly[0]]
        ys = [y for poly in self.polygons for _, y in poly[0]]
        return min(xs), min(ys), max(xs), max(ys)


@dataclass(frozen=True)
class Basemap:
    countries: tuple[Country, ...]
    arcs: tuple[Ring, ...]  # every border and coastline, once


def decode_arcs(topology: dict) -> list[Ring]:
    """Delta-decoded, dequantized arcs (TopoJSON spec, section 2.1.2 and 2.2)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(indices: list[int], arcs: list[Ring]) -> Ring:
    """Arcs joined end to end; ~i is arc i reversed; each arc's first point repeats the last."""
    points: Ring = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points


@lru_cache(maxsize=1)
def load_basemap() -> Basemap:
    topology = json.loads(TOPOLOGY.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    countries = []
    for geom in topology["objects"]["countries"]["geometries"]:
        if geom.get("type") == "Polygon":
            polys = [geom["arcs"]]
        elif geom.get("type") == "MultiPolygon":
            polys = geom["arcs"]
        else:
            continue
        countries.append(Country(
            iso_numeric=geom.get("id"),
            name=(geom.get("properties") or {}).get("name", ""),
            polygons=tuple(tuple(_ring(r, arcs) for r in poly) for poly in polys),
        ))
    return Basemap(countries=tuple(countries), arcs=tuple(arcs))
