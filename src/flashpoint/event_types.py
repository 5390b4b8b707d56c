"""ACLED event types as one table: order, disorder type and colour, from ``data/ontology.yaml``.

Why one table: the report, the ACLED export and the dashboard each need a type's disorder type or
colour, and when each kept its own copy they drifted (the report and the dashboard drew the same
type in different colours). The dashboard's build (``web/build.mjs``) reads the same entries.
Why its own module rather than ``events.ontology``: the report and the export must not import the
coding stage to learn a colour.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from .datafiles import read_yaml
from .settings import DATA_DIR


@dataclass(frozen=True, slots=True)
class EventType:
    name: str
    disorder_type: str | None  # None for the PLOVER-only bucket, which ACLED does not have
    colour: str


@dataclass(frozen=True, slots=True)
class EventTypes:
    types: tuple[EventType, ...]  # ACLED's order
    other: EventType  # events coded only with a PLOVER type
    disorder_by_sub_event: dict[str, str]

    def disorder_type(self, event_type: str | None, sub_event_type: str | None) -> str:
        """ACLED's disorder type of an event; "" when its type is none of ACLED's."""
        by_sub_event = self.disorder_by_sub_event.get(sub_event_type or "")
        if by_sub_event:
            return by_sub_event
        return next((t.disorder_type or "" for t in self.types if t.name == event_type), "")

    def colours(self) -> dict[str, str]:
        """Colour by type name, the PLOVER-only bucket included."""
        return {t.name: t.colour for t in (*self.types, self.other)}


@functools.lru_cache(maxsize=2)
def load_event_types(data_dir: Path = DATA_DIR) -> EventTypes:
    raw = read_yaml(data_dir / "ontology.yaml")
    types = tuple(EventType(t["name"], t["disorder_type"], t["colour"]) for t in raw["acled_event_types"])
    named = {s["event_type"] for s in raw["acled_sub_events"].values()}
    if named - {t.name for t in types}:
        raise ValueError(f"ontology.yaml: acled_event_types lacks {', '.join(sorted(named - {t.name for t in types}))}")
    other = raw["other_event_type"]
    return EventTypes(
        types=types,
        other=EventType(other["name"], None, other["colour"]),
        disorder_by_sub_event=dict(raw.get("disorder_type_by_sub_event") or {}),
    )
