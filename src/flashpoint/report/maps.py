"""The report's static map: events as points coloured by type over Natural Earth borders.

Why a static PNG drawn with matplotlib: a situation report is forwarded, printed and archived; a
picture inside the file works offline and forever, unlike a web map that fetches tiles. The
extent follows the events (with a margin and a minimum span, so one town still shows its
surroundings); the projection is plate carrée with the aspect corrected for the latitude, which
is faithful enough at the scale of a province or a country.

Events at the same place and of the same type are drawn as one point sized by their number, so
twenty reports geocoded to a city centre do not hide each other.
"""

from __future__ import annotations

import io
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flashpoint.report.basemap import ATTRIBUTION, load_basemap
from flashpoint.report.figures import event_type
from flashpoint.report.style import Style

FIG_W, FIG_H, DPI = 9.6, 6.4, 100
MAP_BOX = (0.065, 0.08, 0.64, 0.88)  # left, bottom, width, height of the map in the figure
PNG_METADATA = {"Software": None}   # no version string: the same data gives the same bytes


@dataclass(frozen=True)
class MapInfo:
    """What the map shows, for its caption (and the test that checks the caption)."""

    mapped: int           # events drawn
    unmapped: int         # events without coordinates
    places: int           # distinct points
    extent: tuple[float, float, float, float]  # west, south, east, north
    labelled: tuple[tuple[str, int], ...]       # place names written on the map, with counts


def point_of(event: Mapping[str, Any]) -> tuple[float, float] | None:
    loc = event.get("location") or {}
    lat, lon = loc.get("lat"), loc.get("lon")
    if not isinstance(lat, (int, float)) or not isinstance(lon, (int, float)):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return float(lon), float(lat)


def _extent(points: Sequence[tuple[float, float]], style: Style) -> tuple[float, float, float, float]:
    """Events' bounds with a margin, at least the minimum span, shaped like the map's box."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    pad = style.map["pad_fraction"]
    min_span = style.map["min_span_degrees"]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    w = max((max(xs) - min(xs)) * (1 + 2 * pad), min_span)
    h = max((max(ys) - min(ys)) * (1 + 2 * pad), min_span)
    k = math.cos(math.radians(max(min(cy, 80.0), -80.0)))  # east-west degrees shrink with latitude
    box_ratio = (MAP_BOX[2] * FIG_W) / (MAP_BOX[3] * FIG_H)
    if w * k / h < box_ratio:
        w = h * box_ratio / k
    else:
        h = w * k / box_ratio
    west, east = cx - w / 2, cx + w / 2
    south, north = max(cy - h / 2, -89.0), min(cy + h / 2, 89.0)
    return max(west, -180.0), south, min(east, 180.0), north


def _nice_km(span_km: float) -> int:
    """A round scale-bar length near a fifth of the map's width."""
    target = span_km / 5
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if step >= target:
            return step
    return 5000


def _country_labels(basemap: Any, extent: tuple[float, float, float, float]) -> list[tuple[str, tuple[float, float]]]:
    """Where to write each country's name: the middle of the part of it the map shows.

    A grid over the map is tested against each country's outline; a country covering enough of
    the grid is named at the grid point nearest the centre of its covered points (a point inside
    it, unlike the centroid of a crescent-shaped country).
    """
    from matplotlib.path import Path as MplPath

    west, south, east, north = extent
    n = 24
    xs = [west + (east - west) * (i + 0.5) / n for i in range(n)]
    ys = [south + (north - south) * (j + 0.5) / n for j in range(n)]
    grid = [(x, y) for y in ys[2:-2] for x in xs[2:-2]]  # keep names off the frame
    out = []
    for country in basemap.countries:
        x0, y0, x1, y1 = country.bbox()
        if x1 < west or x0 > east or y1 < south or y0 > north:
            continue
        inside = [False] * len(grid)
        for poly in country.polygons:
            flags = MplPath(poly[0]).contains_points(grid)
            inside = [a or bool(b) for a, b in zip(inside, flags, strict=True)]
        points = [p for p, hit in zip(grid, inside, strict=True) if hit]
        if len(points) < 12:  # a sliver at the edge: its name would not fit
            continue
        mx = sum(x for x, _ in points) / len(points)
        my = sum(y for _, y in points) / len(points)
        best = min(points, key=lambda p: ((p[0] - mx) ** 2 + (p[1] - my) ** 2, p))
        out.append((country.name, best))
    return out


def draw_map(events: Sequence[Mapping[str, Any]], style: Style,
             focus_iso: str | None = None) -> tuple[bytes | None, MapInfo]:
    """The map as PNG bytes (None when no event has coordinates) and what it shows."""
    import matplotlib.patheffects as pe
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection, PatchCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Polygon

    located = [(e, p) for e in events if (p := point_of(e)) is not None]
    if not located:
        return None, MapInfo(0, len(events), 0, (0.0, 0.0, 0.0, 0.0), ())
    west, south, east, north = _extent([p for _, p in located], style)
    lat0 = (south + north) / 2

    fig = Figure(figsize=(FIG_W, FIG_H), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes(MAP_BOX)
    ax.set_facecolor(style.map["sea"])
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(1 / math.cos(math.radians(lat0)), adjustable="datalim")

    basemap = load_basemap()
    patches: list[Polygon] = []
    focus_patches: list[Polygon] = []
    for country in basemap.countries:
        x0, y0, x1, y1 = country.bbox()
        if x1 < west or x0 > east or y1 < south or y0 > north:
            continue
        for poly in country.polygons:
            target = focus_patches if focus_iso and country.iso_numeric == focus_iso.zfill(3) else patches
            target.append(Polygon(poly[0], closed=True))
    ax.add_collection(PatchCollection(patches, facecolor=style.map["land"], edgecolor="none", zorder=1))
    ax.add_collection(PatchCollection(focus_patches, facecolor=style.map["focus_land"], edgecolor="none", zorder=1))
    segments = [arc for arc in basemap.arcs
                if any(west - 1 <= x <= east + 1 and south - 1 <= y <= north + 1
                       for x, y in arc[:: max(1, len(arc) // 20)] + arc[-1:])]
    ax.add_collection(LineCollection(segments, colors=style.map["border"], linewidths=0.8, zorder=2))

    for name, (x, y) in _country_labels(basemap, (west, south, east, north)):
        ax.text(x, y, name.upper(), fontsize=9, color="#8a8272", ha="center", va="center",
                fontstyle="italic", zorder=3)

    # Events: one point per (place, type), area growing with the number of events.
    groups: Counter[tuple[float, float, str]] = Counter()
    for e, (x, y) in located:
        groups[(round(x, 5), round(y, 5), event_type(e, style))] += 1
    order = sorted(groups.items(), key=lambda kv: (-kv[1], style.type_rank(kv[0][2]), kv[0]))
    for (x, y, etype), n in order:
        ax.scatter([x], [y], s=28 + 34 * math.sqrt(n), color=style.colour(etype), edgecolors="white",
                   linewidths=0.9, alpha=0.9, zorder=5)

    # The busiest places by name.
    by_place: dict[tuple[str, float, float], int] = defaultdict(int)
    for e, (x, y) in located:
        loc = e.get("location") or {}
        name = loc.get("name") or ""
        if name and loc.get("geo_precision") == 3 and name != loc.get("country"):
            name += " region"  # a province's centre, not the town of the same name
        by_place[(name, round(x, 5), round(y, 5))] += 1
    busiest = sorted(by_place.items(), key=lambda kv: (-kv[1], kv[0]))[: style.limits["map_labels"]]
    halo = [pe.withStroke(linewidth=3, foreground="white")]
    for (name, x, y), n in busiest:
        if name:
            ax.annotate(f"{name} ({n})", (x, y), xytext=(7, 5), textcoords="offset points", fontsize=8.5,
                        color="#222222", zorder=6, path_effects=halo)

    # Degrees on the axes, a scale bar, the attribution.
    ax.tick_params(labelsize=7.5, colors="#555555", length=2)
    ax.xaxis.set_major_formatter(lambda v, _: f"{abs(v):g}°{'E' if v >= 0 else 'W'}")
    ax.yaxis.set_major_formatter(lambda v, _: f"{abs(v):g}°{'N' if v >= 0 else 'S'}")
    for side in ax.spines.values():
        side.set_color("#999999")
    km_per_degree = 111.32 * math.cos(math.radians(lat0))
    bar_km = _nice_km((east - west) * km_per_degree)
    bar_deg = bar_km / km_per_degree
    bx, by = west + (east - west) * 0.04, south + (north - south) * 0.05
    ax.plot([bx, bx + bar_deg], [by, by], color="#333333", linewidth=2.5, solid_capstyle="butt", zorder=7)
    ax.text(bx + bar_deg / 2, by + (north - south) * 0.015, f"{bar_km} km", ha="center", va="bottom",
            fontsize=8, color="#333333", zorder=7, path_effects=halo)
    fig.text(MAP_BOX[0] + MAP_BOX[2], 0.015, ATTRIBUTION, ha="right", va="bottom", fontsize=7, color="#777777")

    # Legend: the types present (in ACLED's order), then what point sizes mean.
    present = sorted({t for (_, _, t) in groups}, key=lambda t: (style.type_rank(t), t))
    per_type = Counter(event_type(e, style) for e, _ in located)
    handles = [Line2D([], [], marker="o", linestyle="", markersize=8, markerfacecolor=style.colour(t),
                      markeredgecolor="white", label=f"{t} ({per_type[t]})") for t in present]
    biggest = max(groups.values())
    for n in sorted({1, biggest}):
        handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor="#555555",
                              markersize=math.sqrt(28 + 34 * math.sqrt(n)),
                              label=f"{n} event{'s' if n != 1 else ''} at one place"))
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.725, 0.96), frameon=False, fontsize=8.5,
               title="Event type (events)", title_fontsize=9, alignment="left", labelspacing=0.9,
               borderpad=0.2)

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata=PNG_METADATA)
    info = MapInfo(
        mapped=len(located), unmapped=len(events) - len(located),
        places=len({(x, y) for (x, y, _) in groups}),
        extent=(round(west, 4), round(south, 4), round(east, 4), round(north, 4)),
        labelled=tuple((name, n) for (name, _, _), n in busiest if name),
    )
    return buf.getvalue(), info
