"""Assign reports to fused events, one report at a time, in memory.

Why greedy and incremental rather than a global clustering: a desk adds articles every hour and
an event's id must not change when its fortieth source arrives. Each new report joins the best
existing fused event or founds one; the order is (date, event id), so a batch gives the same
result however it was partitioned or in what order workers finished.

Why complete-link for blocks but averaged scores: one report that blocks (three days apart, 200 km
away) proves the candidate is another event however similar its other reports are; otherwise the
best pair and the average pair are blended so a single lookalike cannot chain two events.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..model import stable_id
from .features import FusionConfig, PairScore, Report, haversine_km, score_pair

# Reports whose date range is longer than this ("in 2015") are indexed per country and period of
# _LONG_BUCKET_DAYS, not per day: few index entries each, yet only events of nearby months are
# candidates (indexing them once per country made every year-long event of a country a
# candidate for every report there, crowding the real ones out of the nearest MAX_CANDIDATES).
_MAX_INDEXED_DAYS = 62
_LONG_BUCKET_DAYS = 64
_WINDOW = 2  # days either side a candidate fused event may lie (the exact-date limit)
# At most this many candidate fused events are scored per report, the nearest first: a busy
# front has hundreds of events a day in one country, and scoring each against every member
# would make fusion quadratic. The same event lies among the nearest in all our data.
MAX_CANDIDATES = 48


def fused_id_for(founder_event_id: str) -> str:
    """A fused event's id comes from the report that founded it: stable across runs."""
    return stable_id("fused", founder_event_id)


@dataclass(slots=True)
class Cluster:
    id: str
    members: list[Report] = field(default_factory=list)
    # The latest start and the earliest end among dated members: a report whose range lies
    # further than the date feature ever allows from either is blocked by that member.
    latest_start: int | None = None
    earliest_end: int | None = None

    def add(self, report: Report) -> None:
        self.members.append(report)
        if report.day_start is not None:
            end = report.day_end or report.day_start
            start = report.day_start
            self.latest_start = start if self.latest_start is None else max(self.latest_start, start)
            self.earliest_end = end if self.earliest_end is None else min(self.earliest_end, end)

    def out_of_reach(self, start: int, end: int, max_gap: int) -> bool:
        return ((self.latest_start is not None and self.latest_start - end > max_gap)
                or (self.earliest_end is not None and start - self.earliest_end > max_gap))

    @property
    def articles(self) -> set[str]:
        return {m.article_id for m in self.members}


@dataclass(frozen=True, slots=True)
class Assignment:
    event_id: str
    fused_id: str
    founded: bool
    score: float | None
    reasons: dict[str, Any]


@dataclass(slots=True)
class Constraints:
    """Pairs fixed by corrections: ``must`` keep two reports together, ``cannot`` apart."""

    must: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    cannot: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, a: str, b: str, kind: str) -> None:
        table = self.must if kind == "must" else self.cannot
        table[a].add(b)
        table[b].add(a)


class Assigner:
    def __init__(self, config: FusionConfig, constraints: Constraints | None = None) -> None:
        self.config = config
        self.constraints = constraints or Constraints()
        self.clusters: dict[str, Cluster] = {}
        self.of_event: dict[str, str] = {}
        self._by_day: dict[tuple[str | None, int], set[str]] = defaultdict(set)
        self._long: dict[tuple[str | None, int], set[str]] = defaultdict(set)
        # The most days apart two dated reports may be and still fuse (data/fusion.yaml: the
        # exact-date table; coarse dates allow less).
        self._max_gap = max(int(k) for k in config.section("date")["exact"])

    # -- the index

    def _index(self, cluster_id: str, report: Report) -> None:
        if report.day_start is None:
            return  # undated reports found their own fused event and draw no one in
        start, end = report.day_start, report.day_end or report.day_start
        if end - start > _MAX_INDEXED_DAYS:
            for bucket in range(start // _LONG_BUCKET_DAYS, end // _LONG_BUCKET_DAYS + 1):
                self._long[(report.country, bucket)].add(cluster_id)
            return
        for day in range(start, end + 1):
            self._by_day[(report.country, day)].add(cluster_id)

    def add_member(self, cluster_id: str, report: Report) -> None:
        cluster = self.clusters.get(cluster_id)
        if cluster is None:
            cluster = self.clusters[cluster_id] = Cluster(cluster_id)
        cluster.add(report)
        self.of_event[report.event_id] = cluster_id
        self._index(cluster_id, report)

    def nearest(self, report: Report, cluster_ids: list[str]) -> list[str]:
        """The ``MAX_CANDIDATES`` fused events closest to ``report``: same place first, then
        by distance to their founding report, unplaced ones last; ties by id."""
        if len(cluster_ids) <= MAX_CANDIDATES:
            return cluster_ids
        loc = report.location
        gid, lat, lon = loc.get("geonameid"), loc.get("lat"), loc.get("lon")

        def distance(cid: str) -> tuple[float, str]:
            first = self.clusters[cid].members[0].location
            if gid and first.get("geonameid") == gid:
                return (-1.0, cid)
            if lat is None or lon is None or first.get("lat") is None:
                return (1e9, cid)
            return (haversine_km(lat, lon, first["lat"], first["lon"]), cid)

        return sorted(sorted(cluster_ids, key=distance)[:MAX_CANDIDATES])

    def candidates(self, report: Report) -> list[str]:
        if report.day_start is None:
            return []
        found: set[str] = set()
        countries: set[str | None] = {report.country} if report.country else set()
        countries.add(None)  # reports whose place is unknown may still be the same event
        if report.country is None:
            countries |= {c for c, _ in self._by_day} | {c for c, _ in self._long}
        start, end = report.day_start, report.day_end or report.day_start
        days = range(start - _WINDOW, start + min(end - start, _MAX_INDEXED_DAYS) + _WINDOW + 1)
        buckets = range((start - _WINDOW) // _LONG_BUCKET_DAYS, (end + _WINDOW) // _LONG_BUCKET_DAYS + 1)
        for country in countries:
            for day in days:
                found |= self._by_day.get((country, day), set())
            for bucket in buckets:
                found |= self._long.get((country, bucket), set())
        # Events a member of which is surely too far in time would only take places among the
        # nearest MAX_CANDIDATES from events that can match (a year-long report indexes its event
        # across the whole year, though its day-dated members pin it down).
        return sorted(cid for cid in found if not self.clusters[cid].out_of_reach(start, end, self._max_gap))

    # -- scoring

    def score(self, report: Report, cluster: Cluster) -> tuple[float, list[tuple[str, PairScore]]]:
        """Linkage score of ``report`` against every member; 0.0 when any member blocks."""
        pairs = [(m.event_id, score_pair(report, m, self.config)) for m in cluster.members]
        if any(p.blocked_by for _, p in pairs):
            return 0.0, pairs
        scores = [p.score for _, p in pairs]
        link = self.config.raw["linkage"]
        value = link["best"] * max(scores) + link["mean"] * sum(scores) / len(scores)
        return value, pairs

    def assign(self, report: Report) -> Assignment:
        """Join the best fused event that clears the threshold, or found a new one."""
        must = self.constraints.must.get(report.event_id, set())
        cannot = self.constraints.cannot.get(report.event_id, set())
        for partner in sorted(must):
            if partner in self.of_event:
                cid = self.of_event[partner]
                self.add_member(cid, report)
                return Assignment(report.event_id, cid, False, 1.0,
                                  {"rule": "kept together by a correction", "partner": partner})
        best: tuple[float, str, list[tuple[str, PairScore]]] | None = None
        for cid in self.nearest(report, self.candidates(report)):
            cluster = self.clusters[cid]
            if report.article_id in cluster.articles:
                continue  # the coder already decided one article's events are distinct
            if any(m.event_id in cannot for m in cluster.members):
                continue
            value, pairs = self.score(report, cluster)
            if value >= self.config.threshold and (best is None or value > best[0]):
                best = (value, cid, pairs)
        if best is None:
            cid = fused_id_for(report.event_id)
            while cid in self.clusters:  # a split-off event already took this id
                cid = stable_id("fused", cid)
            self.add_member(cid, report)
            return Assignment(report.event_id, cid, True, None, {"rule": "founded"})
        value, cid, pairs = best
        self.add_member(cid, report)
        reasons = {"rule": "scored", "threshold": self.config.threshold,
                   "pairs": {eid: p.to_dict() for eid, p in pairs}}
        return Assignment(report.event_id, cid, False, round(value, 4), reasons)


def sort_key(report: Report) -> tuple[int, int, str]:
    """Dated reports first, by day; then by id: the order that makes results reproducible."""
    return (report.day_start is None, report.day_start or 0, report.event_id)
