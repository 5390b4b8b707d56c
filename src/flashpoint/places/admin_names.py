"""ACLED's spellings of first-level regions beside the gazetteer's (``data/acled_admin1.yaml``).

Why a crosswalk and not a re-spelled gazetteer: the store keeps the GeoNames name the geocoder
resolved (stable, tied to a GeoNames id); an ACLED user types and loads ACLED's names. So the
ACLED CSV export writes ``acled_admin1`` and every admin1 filter matches ``spellings``: "Rural
Damascus", "Rif Dimashq" and "Rif-dimashq" select the same events.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from flashpoint.datafiles import read_yaml

CROSSWALK = Path(__file__).resolve().parent.parent / "data" / "acled_admin1.yaml"


def _fold(name: str) -> str:
    return " ".join(name.replace("\u2019", "'").casefold().replace("-", " ").split())


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[tuple[str, str], str], dict[str, frozenset[str]]]:
    """((ISO2, folded GeoNames name) -> ACLED name, folded spelling -> every spelling of it)."""
    data: dict[str, dict[str, Any]] = read_yaml(CROSSWALK) or {}
    acled: dict[tuple[str, str], str] = {}
    groups: dict[str, set[str]] = {}
    for iso2, regions in data.items():
        for geonames, entry in (regions or {}).items():
            if isinstance(entry, str):
                entry = {"acled": entry}
            if not isinstance(entry, dict) or not isinstance(entry.get("acled"), str):
                raise ValueError(f"{CROSSWALK.name}: {iso2}/{geonames}: want a name or {{acled: NAME}}")
            acled[(str(iso2).upper(), _fold(str(geonames)))] = entry["acled"]
            names = {str(geonames), entry["acled"], *map(str, entry.get("aliases") or ())}
            for name in names:
                groups.setdefault(_fold(name), set()).update(names)
    return acled, {key: frozenset(names) for key, names in groups.items()}


def acled_admin1(admin1: str | None, iso2: str | None) -> str | None:
    """ACLED's name for the gazetteer's ``admin1`` of country ``iso2``; the name itself when the
    crosswalk has no row for it (ACLED and GeoNames agree on most names)."""
    if not admin1:
        return admin1
    return _tables()[0].get(((iso2 or "").upper(), _fold(admin1)), admin1)


def spellings(name: str) -> list[str]:
    """Every spelling, lower-cased, that names the same region as ``name`` (itself included), for
    a case-insensitive ``IN`` over the stored admin1 column."""
    folded = _fold(name)
    names = _tables()[1].get(folded, frozenset())
    return sorted({name.lower(), *(n.lower() for n in names)})
