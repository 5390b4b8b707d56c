"""Outlet names and ACLED's ``source_scale``, from ``data/outlets.yaml``.

Why data: which outlet is a wire service and which a national paper is knowledge an analyst can
check and extend without reading code. Why the scale depends on the event's country: ACLED's
scale says how close the source is to the event (a Syrian agency on Syria is national; an
Egyptian paper on Syria is not), so it is computed per event, not stored per article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flashpoint.datafiles import read_yaml

OUTLETS = Path(__file__).resolve().parent.parent / "data" / "outlets.yaml"
REACHES = ("international", "regional", "national", "subnational", "other")


@dataclass(frozen=True, slots=True)
class Outlet:
    name: str
    country: str  # ISO 3166-1 alpha-2
    reach: str


def _key(value: str) -> str:
    value = value.casefold().strip()
    value = re.sub(r"^https?://", "", value)
    value = re.sub(r"^www\.", "", value).split("/")[0]
    return re.sub(r"[^a-z0-9.]+", " ", value).strip()


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, Outlet], dict[str, dict[str, str]], tuple[str, ...]]:
    data = read_yaml(OUTLETS) or {}
    by_key: dict[str, Outlet] = {}
    for entry in data.get("outlets") or ():
        if entry.get("reach") not in REACHES:
            raise ValueError(f"{OUTLETS.name}: {entry.get('name')}: reach must be one of {', '.join(REACHES)}")
        outlet = Outlet(entry["name"], str(entry["country"]).upper(), entry["reach"])
        for key in (entry["name"], *(entry.get("keys") or ())):
            by_key[_key(str(key))] = outlet
    scale = {reach: dict(data["scale"][reach]) for reach in REACHES}
    return by_key, scale, tuple(data["order"])


def outlet(source: str | None) -> Outlet | None:
    """The known outlet a recorded source value names, or None."""
    return _table()[0].get(_key(source)) if source else None


def display_name(source: str) -> str:
    """The outlet's name as an analyst reads it ("alalam" -> "Al-Alam"); unknown ones unchanged."""
    known = outlet(source)
    return known.name if known else source


def source_scale(sources: Iterable[str], event_iso2: str | None) -> str:
    """ACLED's ``source_scale`` for an event told by ``sources``: one scale, or several joined
    with "-" in ACLED's order; empty when no source is a known outlet (unknown, not guessed)."""
    _, scale, order = _table()
    found = set()
    for source in sources:
        known = outlet(source)
        if known is None:
            continue
        home = bool(event_iso2) and known.country == (event_iso2 or "").upper()
        found.add(scale[known.reach]["home" if home else "abroad"])
    return "-".join(s for s in order if s in found)
