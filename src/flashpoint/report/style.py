"""Presentation choices for situation reports, read from ``data/report.yaml`` (event types' order and
colours from ``data/ontology.yaml``, the dashboard's palette too).

Why a data file: colours, row limits and the map's look are editorial decisions reviewers change
without reading code; keeping them out of the renderers also keeps HTML, Markdown, the map and
the charts in agreement (one colour per event type everywhere).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from flashpoint.datafiles import read_yaml
from flashpoint.event_types import load_event_types
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
    types = load_event_types()
    return Style(
        type_order=tuple(t.name for t in types.types) + (types.other.name,),
        colours=types.colours(),
        other_type=types.other.name,
        limits={k: int(v) for k, v in raw["limits"].items()},
        map=dict(raw["map"]),
    )
