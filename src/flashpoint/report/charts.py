"""The report's timeline chart: events per day (or week, or month) by type, and fatalities.

Why stacked bars plus a line on a second axis: the count of events and the count of dead move
differently (one massacre, many skirmishes), and an analyst needs both on one time axis. The bars
use the map's colours for event types, so the two pictures read together.

Bars are placed by bucket index with our own date labels (not matplotlib's date locators) so the
picture depends only on the data: no locale, no time zone, no "today".
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from flashpoint.report.figures import Bucket
from flashpoint.report.style import Style

FIG_W, FIG_H, DPI = 9.6, 3.6, 100
PNG_METADATA = {"Software": None}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _label(bucket: Bucket, unit: str) -> str:
    d = bucket.start
    if unit == "month":
        return f"{_MONTHS[d.month - 1]} {d.year}"
    return f"{d.day} {_MONTHS[d.month - 1]}"


def draw_timeline(buckets: Sequence[Bucket], unit: str, style: Style) -> bytes | None:
    """The chart as PNG bytes; None when there is nothing dated to draw."""
    if not buckets or not any(b.events for b in buckets):
        return None
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(FIG_W, FIG_H), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.065, 0.25, 0.86, 0.70))
    xs = list(range(len(buckets)))
    types = sorted({t for b in buckets for t in b.by_type}, key=lambda t: (style.type_rank(t), t))
    bottom = [0] * len(buckets)
    for t in types:
        heights = [b.by_type.get(t, 0) for b in buckets]
        ax.bar(xs, heights, bottom=bottom, width=0.8, color=style.colour(t), label=t, zorder=3)
        bottom = [a + h for a, h in zip(bottom, heights, strict=True)]
    ax.set_ylabel(f"events per {unit}", fontsize=9)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="y", color="#e5e5e5", zorder=0)
    ax.set_xlim(-0.6, len(buckets) - 0.4)
    ax.set_ylim(0, max(bottom) * 1.15 + 0.5)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

    ax2 = ax.twinx()
    deaths = [b.fatalities for b in buckets]
    ax2.plot(xs, deaths, color="#222222", linewidth=1.4, marker="o", markersize=3, label="fatalities", zorder=4)
    ax2.set_ylabel(f"fatalities per {unit}", fontsize=9)
    ax2.set_ylim(0, max(deaths) * 1.15 + 1)
    ax2.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax2.spines["top"].set_visible(False)

    step = max(1, round(len(buckets) / 12))
    ticks = xs[::step]
    ax.set_xticks(ticks, [_label(buckets[i], unit) for i in ticks], fontsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax2.tick_params(axis="y", labelsize=8)

    handles, labels = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    fig.legend(handles + h2, labels + l2, loc="lower center", bbox_to_anchor=(0.5, 0.0), frameon=False,
               fontsize=8.5, ncol=min(len(labels) + 1, 6), columnspacing=1.4, handlelength=1.6)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata=PNG_METADATA)
    return buf.getvalue()
