"""Presentation choices for situation reports, read from ``data/report.yaml``.

Why a data file: colours, row limits and the map's look are editorial decisions reviewers change
without reading code; keeping them out of the renderers also keeps HTML, Markdown, the map and
the charts in agreement (one colour per event type everywhere).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from flashpoint.datafiles import read_yaml
from flashpoint.settings import DATA_DIR


@dataclass(frozen=True)
class Style:
    type_order: tuple[str, ...]
    colours: dict[str, str]
    other_type: str
    limits: dict[str, int]
    map: dict[str, Any]

    def colour(self, event_type: str) -> str:
        return self.colours.get(event_type, self.colours[self.other_type])

    def type_rank(self, event_type: str) -> int:
        """ACLED's order, the PLOVER-only bucket last."""
        return self.type_order.index(event_type) if event_type in self.type_order else len(self.type_order)


@lru_cache(maxsize=1)
def load_style() -> Style:
    raw = read_yaml(DATA_DIR / "report.yaml")
    types = raw["event_types"]
    other = raw["other_type"]
    return Style(
        type_order=tuple(t["name"] for t in types) + (other["name"],),
        colours={t["name"]: t["colour"] for t in [*types, other]},
        other_type=other["name"],
        limits={k: int(v) for k, v in raw["limits"].items()},
        map=dict(raw["map"]),
    )
