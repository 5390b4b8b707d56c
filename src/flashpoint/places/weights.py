"""The geoparser's weights and thresholds, read from ``data/geoparse.yaml``.

Why a file: they are knowledge about how news names places, chosen on the tune half of a gold set, and
``flashpoint eval places --tune`` searches them; a change is a data change with its figures beside it,
not an edit of the resolver. Every key must be present and no other may be (a typo is an error, not a
silent default).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from ..datafiles import read_yaml
from ..settings import DATA_DIR

WEIGHTS_FILE = "geoparse.yaml"
SECTIONS = ("score", "colocation", "context", "abroad", "finding")


@dataclass(frozen=True, slots=True)
class GeoWeights:
    """One attribute per key of the data file's sections (the names are unique across sections)."""

    focus_share: float
    focus_named: float
    focus_regional: float
    focus_full_at: float
    within: float
    population: float
    prominence_admin1: float
    prominence_fame: float
    capital: float
    country: float
    admin1: float
    town_and_area: float
    admin_focus: float
    alternate_vs_own_name: float
    spot: float
    match_alias: float
    match_name: float
    match_alternate: float
    match_variant: float
    match_fuzzy: float
    cue_admin_match: float
    cue_admin_other: float
    cue_town_match: float
    cue_town_other: float
    sentence_admin: float
    homonym_small: float
    homonym_large: float
    homonym_large_from: float
    near_km: float
    near_weight: float
    near_cap: float
    modifier_mention: float
    demonym_mention: float
    region_mention: float
    area_in_name: float
    hints_cap: float
    hamlet: float
    neighbour_hamlet: float
    foreign_town: float
    famous: float
    local_town: float
    local_focus: float
    local_km: float
    in_name_town: float
    in_name_focus: float
    named_town: float
    scan_town: float

    def match(self, how: str) -> float:
        """The score of a spelling match (alias, name, alternate, variant, fuzzy)."""
        return float(getattr(self, f"match_{how}", 0.0))

    @classmethod
    def from_mapping(cls, raw: dict[str, Any], where: str = WEIGHTS_FILE) -> GeoWeights:
        flat: dict[str, float] = {}
        for section in SECTIONS:
            values = raw.get(section)
            if not isinstance(values, dict):
                raise ValueError(f"{where}: section {section!r} is missing or not a mapping")
            for key, value in values.items():
                if key in flat:
                    raise ValueError(f"{where}: {key!r} appears in two sections")
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise ValueError(f"{where}: {section}.{key} must be a number, not {value!r}")
                flat[key] = float(value)
        names = {f.name for f in fields(cls)}
        unknown, missing = sorted(set(flat) - names), sorted(names - set(flat))
        if unknown or missing:
            raise ValueError(f"{where}: unknown keys {unknown}, missing keys {missing}")
        return cls(**flat)

    def to_sections(self) -> dict[str, dict[str, float]]:
        """The weights grouped as the data file groups them (for printing a tuned set)."""
        raw = read_yaml(DATA_DIR / WEIGHTS_FILE) or {}
        return {s: {k: getattr(self, k) for k in (raw.get(s) or {})} for s in SECTIONS}


def load_weights(path: Path | None = None) -> GeoWeights:
    """The weights in ``data/geoparse.yaml`` (or another file of the same shape)."""
    path = path or DATA_DIR / WEIGHTS_FILE
    return GeoWeights.from_mapping(read_yaml(path) or {}, path.name)
