"""Pairwise evidence that two reports tell the same real-world event.

Why features and a weighted mean rather than a rule ("same actors, same day, same place", as
ACLED coders merge): outlets disagree on every one of those in honest ways (a day off when one
counts from its own publication date, "Idlib" against "a village near Idlib", "gunmen" against the
group's name), so no single field may decide, but some disagreements rule a merge out entirely
(three days apart to the day, two countries, an air strike against a protest). Those are blocks;
everything else is weighed. The knobs live in ``data/fusion.yaml``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from ..datafiles import read_yaml
from ..distance import haversine_km
from ..settings import DATA_DIR


@dataclass(frozen=True)
class FusionConfig:
    """``data/fusion.yaml`` as read; ``with_*`` give variants for tuning without touching it."""

    raw: dict[str, Any]
    affinity: dict[frozenset[str], float] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        pairs = {frozenset((a, b)): float(v) for a, b, v in self.raw["type"]["affinity"]}
        object.__setattr__(self, "affinity", pairs)

    @property
    def threshold(self) -> float:
        return float(self.raw["threshold"])

    def weight(self, name: str) -> float:
        return float(self.raw["weights"][name])

    def section(self, name: str) -> dict[str, Any]:
        return self.raw[name]

    def with_threshold(self, threshold: float) -> FusionConfig:
        return FusionConfig({**self.raw, "threshold": threshold})

    def with_weights(self, **weights: float) -> FusionConfig:
        return FusionConfig({**self.raw, "weights": {**self.raw["weights"], **weights}})


@functools.lru_cache(maxsize=1)
def load_config() -> FusionConfig:
    return FusionConfig(read_yaml(DATA_DIR / "fusion.yaml"))


@dataclass(slots=True)
class Report:
    """One article's telling of an event, with what fusion compares (from ``events.event_json``)."""

    event_id: str
    article_id: str
    outlet: str
    event: dict[str, Any]
    article: dict[str, Any]
    vector: np.ndarray | None = None
    # GeoNames ids of every place the report's article names: when an outlet places the event
    # only in "Somalia", the town its article also names is what another outlet calls the place.
    article_places: frozenset[int] = frozenset()
    day_start: int | None = field(init=False)
    day_end: int | None = field(init=False)

    def __post_init__(self) -> None:
        self.day_start, self.day_end = _day_range(self.event)

    @property
    def sub_event_type(self) -> str | None:
        acled = self.event.get("acled") or {}
        return acled.get("sub_event_type")

    @property
    def event_type(self) -> str | None:
        acled = self.event.get("acled") or {}
        return acled.get("event_type")

    @property
    def plover_type(self) -> str | None:
        plover = self.event.get("plover") or {}
        return plover.get("type")

    @property
    def precision(self) -> int:
        return int(self.event.get("time_precision") or 3)

    @property
    def location(self) -> dict[str, Any]:
        return self.event.get("location") or {}

    @property
    def country(self) -> str | None:
        return self.location.get("country")

    @property
    def actors(self) -> frozenset[str]:
        keys = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")
        return frozenset(a for k in keys if (a := self.event.get(k)))

    @property
    def confidence(self) -> float:
        return float(self.event.get("confidence") or 0.0)

    def quotes(self, field_name: str) -> bool:
        """Whether the article's own words are evidence for ``field_name`` (a toll it states,
        "no one was hurt" included): coding writes 0 where it found no figure, and that 0 is
        not one."""
        return any(ev.get("field") == field_name for ev in self.event.get("evidence") or ())


def day_number(value: str | None) -> int | None:
    """An ISO date (or datetime) as a day ordinal; None for partial or bad dates."""
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return None


def _day_range(event: dict[str, Any]) -> tuple[int | None, int | None]:
    start = day_number(event.get("date_start")) or day_number(event.get("date"))
    end = day_number(event.get("date_end")) or day_number(event.get("date")) or start
    if start is None:
        return None, None
    return start, max(start, end or start)


# A feature is a score in [0, 1], or BLOCK (the pair can never be one event), or None (unknown).
BLOCK = -1.0


def day_gap(a: Report, b: Report) -> int | None:
    """Days between two reports' date ranges (0 when they overlap); None if either is undated."""
    if a.day_start is None or b.day_start is None:
        return None
    return max(0, max(a.day_start, b.day_start) - min(a.day_end or 0, b.day_end or 0))


def date_feature(a: Report, b: Report, cfg: FusionConfig) -> float:
    c = cfg.section("date")
    gap = day_gap(a, b)
    if gap is None:
        return float(c["undated"])
    if a.precision == 1 and b.precision == 1:
        return float(c["exact"].get(gap, BLOCK))
    if gap == 0:
        return float(c["vague_overlap"] if _vaguely_dated(a, b) else c["coarse_overlap"])
    return float(c["coarse_near"]) if gap <= 1 else BLOCK


def _vaguely_dated(a: Report, b: Report) -> bool:
    """One of the two is dated only to a month or coarser (ACLED time precision 3)."""
    return (a.day_start is not None and a.precision >= 3) or (b.day_start is not None and b.precision >= 3)


def _coarse(loc: dict[str, Any]) -> bool:
    """A place named only as a country or province: its point is a centroid, not the event."""
    name = loc.get("name")
    return (loc.get("geo_precision") or 3) >= 3 or name in (loc.get("country"), loc.get("admin1"))


def place_feature(a: Report, b: Report, cfg: FusionConfig) -> float:
    c = cfg.section("place")
    la, lb = a.location, b.location
    coarse = _coarse(la) or _coarse(lb)
    if la.get("country") and lb.get("country") and la["country"] != lb["country"]:
        # Outlets disagree on the country only when one of them names a country, not a town
        # ("a Russian strike" placed in Russia); two towns in two countries are two events.
        return float(c["other_country"]) if coarse else BLOCK
    if la.get("lat") is None or lb.get("lat") is None:
        return float(c["missing"])
    both_coarse = _coarse(la) and _coarse(lb)
    if not both_coarse and la.get("geonameid") and la.get("geonameid") == lb.get("geonameid"):
        return float(c["same_place"])
    if not both_coarse and la.get("name") and str(la["name"]).casefold() == str(lb.get("name") or "").casefold():
        return float(c["same_name"])
    if (_coarse(la) and lb.get("geonameid") in a.article_places) or (
            _coarse(lb) and la.get("geonameid") in b.article_places):
        return float(c["named_in_article"])
    km = haversine_km(la["lat"], la["lon"], lb["lat"], lb["lon"])
    for limit, score in c["km"] if not both_coarse else ():
        if km <= limit:
            return float(score)
    if coarse and la.get("admin1") and la.get("admin1") == lb.get("admin1"):
        return float(c["coarse_same_admin1"])
    if coarse:
        return float(c["coarse_same_country"])
    return BLOCK


def type_feature(a: Report, b: Report, cfg: FusionConfig) -> float:
    """Types never block: two codings of one event disagree too often (an IED "defused" after it
    hurt a patrol, a clash that was a suicide attack); they only weigh."""
    c = cfg.section("type")
    sa, sb = a.sub_event_type, b.sub_event_type
    if sa and sb:
        if sa == sb:
            return float(c["same_sub_event"])
        affinity = cfg.affinity.get(frozenset((sa, sb)))
        if affinity is not None:
            return affinity
        return float(c["same_event_type"] if a.event_type == b.event_type else c["other"])
    if a.plover_type and a.plover_type == b.plover_type:
        return float(c["same_plover_only"])
    return float(c["other"])


def actor_feature(a: Report, b: Report, cfg: FusionConfig) -> float:
    c = cfg.section("actors")
    xa, xb = a.actors, b.actors
    if not xa or not xb:
        return float(c["unknown"])
    shared = len(xa & xb) / min(len(xa), len(xb))
    return max(float(c["disjoint"]), shared)


def stated_fatalities(report: Report) -> int | None:
    """The report's death toll when its article states one; else None. Coding writes 0 for an
    event whose article gives no figure (ACLED's convention), and two such zeros agree on
    nothing: read as agreement they joined reports of different attacks, and 0 against 84 read
    as disagreement kept apart two tellings of one."""
    value = report.event.get("fatalities")
    if value is None:
        return None
    if int(value) > 0 or report.quotes("fatalities"):
        return int(value)
    return None


def casualty_feature(a: Report, b: Report, cfg: FusionConfig) -> float:
    fa, fb = stated_fatalities(a), stated_fatalities(b)
    if fa is None or fb is None:
        return float(cfg.section("casualties")["unknown"])
    lo, hi = sorted((int(fa), int(fb)))
    return (lo + 1) / (hi + 1)


def text_feature(a: Report, b: Report, cfg: FusionConfig) -> float | None:
    if a.vector is None or b.vector is None:
        return None
    c = cfg.section("text")
    cos = float(np.dot(a.vector, b.vector))
    return min(1.0, max(0.0, (cos - c["low"]) / (c["high"] - c["low"])))


FEATURES = {
    "type": type_feature,
    "date": date_feature,
    "place": place_feature,
    "actors": actor_feature,
    "casualties": casualty_feature,
    "text": text_feature,
}


@dataclass(frozen=True, slots=True)
class PairScore:
    score: float  # weighted mean in [0, 1]; 0.0 when blocked
    features: dict[str, float | None]
    blocked_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"score": round(self.score, 4), "blocked_by": self.blocked_by,
                "features": {k: None if v is None else round(v, 4) for k, v in self.features.items()}}


def score_pair(a: Report, b: Report, cfg: FusionConfig) -> PairScore:
    """The evidence that ``a`` and ``b`` are one event; cheap blocks are checked first."""
    values: dict[str, float | None] = {}
    for name in ("type", "date", "place"):  # blocks first: most pairs stop here
        v = FEATURES[name](a, b, cfg)
        values[name] = v
        if v == BLOCK:
            return PairScore(0.0, values, blocked_by=name)
    c = cfg.section("type")
    if values["type"] == c["other"] and values["place"] is not None and values["place"] < c["other_needs_place"]:
        # Unrelated types are one event only when both reports name the same place: two
        # outlets placing "an explosion" and "clashes" merely in Syria on one day are two events.
        return PairScore(0.0, values, blocked_by="type")
    for name in ("actors", "casualties", "text"):
        values[name] = FEATURES[name](a, b, cfg)
    vague = cfg.section("vague")
    text = values["text"]
    if values["place"] < vague["place_below"] and (text is None or text < vague["text_below"]):
        # Neither a shared place nor shared wording: "Syria, October" fits a hundred events.
        return PairScore(0.0, values, blocked_by="vague")
    if _vaguely_dated(a, b) and not (
            values["place"] >= vague["dated_place"]
            and ((text is not None and text >= vague["dated_text"]) or values["actors"] >= vague["dated_actors"])):
        # A month or a year overlaps many events: only the same town told in the same words (or
        # by the same actors) makes two such reports one
        return PairScore(0.0, values, blocked_by="vague date")
    total = weight = 0.0
    for name, v in values.items():
        if v is None:
            continue
        w = cfg.weight(name)
        total += w * v
        weight += w
    return PairScore(total / weight if weight else 0.0, values)
