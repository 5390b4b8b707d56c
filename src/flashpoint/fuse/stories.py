"""Stories: threads of fused events that belong together (a siege, a protest wave, a feud).

Why single-link over a strict neighbourhood: a story grows day by day (a clash, the air strikes
that follow, the funerals), so each event need only be near *some* event of the thread. Near means
close in time and place, AND either an actor in common or the same kind of event told in similar
words (MiniLM cosine of the events' sentences), so two unrelated bombings in one city stay apart.
Only threads of two or more events are stories; an isolated event has none.

Ids come from the smallest fused-event id in the thread, so re-running gives the same stories.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from ..model import stable_id
from ..store.fusion_rows import FusionRows
from .features import FusionConfig, haversine_km

_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


@dataclass(slots=True)
class _Item:
    id: str
    day: int | None
    lat: float | None
    lon: float | None
    country: str | None
    admin1: str | None
    location: str | None
    event_type: str | None
    actors: frozenset[str]
    all_actors: list[str]
    articles: set[str] = field(default_factory=set)
    vector: np.ndarray | None = None
    date: str | None = None


class _Union:
    def __init__(self, ids: list[str]) -> None:
        self.parent = {i: i for i in ids}

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _load(rows: FusionRows, generic: tuple[str, ...]) -> list[_Item]:
    items: dict[str, _Item] = {}
    for r in rows.story_candidates():
        day_text = r.date or r.date_start
        day = date.fromisoformat(day_text[:10]).toordinal() if day_text and len(day_text) >= 10 else None
        names = [a for a in (r.actor1, r.actor2, r.assoc_actor_1, r.assoc_actor_2) if a]
        named = frozenset(a for a in names if not a.startswith(generic))
        items[r.id] = _Item(r.id, day, r.lat, r.lon, r.country, r.admin1, r.location,
                            r.event_type, named, names, date=day_text)
    sums: dict[str, np.ndarray] = {}
    for r in rows.member_vectors():
        item = items.get(r.fused_id)
        if item is None:
            continue
        item.articles.add(r.article_id)
        if r.vector is not None:
            vec = np.frombuffer(r.vector, dtype=np.float16).astype(np.float32)
            sums[r.fused_id] = sums[r.fused_id] + vec if r.fused_id in sums else vec
    for fid, total in sums.items():
        norm = float(np.linalg.norm(total))
        items[fid].vector = total / norm if norm else None
    return list(items.values())


def _related(a: _Item, b: _Item, cfg: dict[str, Any]) -> bool:
    if a.country != b.country:
        return False
    if a.lat is not None and b.lat is not None:
        if haversine_km(a.lat, a.lon or 0.0, b.lat, b.lon or 0.0) > cfg["max_km"]:
            return False
    elif not (a.admin1 and a.admin1 == b.admin1):
        return False
    if a.actors & b.actors:
        return True
    if a.event_type and a.event_type == b.event_type and a.vector is not None and b.vector is not None:
        return float(np.dot(a.vector, b.vector)) >= cfg["min_text"]
    return False


def _date_label(days: list[int]) -> str:
    first, last = date.fromordinal(min(days)), date.fromordinal(max(days))
    if first == last:
        return f"{first.day} {_MONTHS[first.month - 1]} {first.year}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}-{last.day} {_MONTHS[first.month - 1]} {first.year}"
    if first.year == last.year:
        return f"{first.day} {_MONTHS[first.month - 1]} - {last.day} {_MONTHS[last.month - 1]} {first.year}"
    return f"{_MONTHS[first.month - 1]} {first.year} - {_MONTHS[last.month - 1]} {last.year}"


def title_of(members: list[_Item], cfg: dict[str, Any]) -> str:
    """"Fighting in Mosul (Nineveh), 14-16 Apr 2019: Popular Mobilization Forces, Police ...":
    every part is counted from the events, nothing is written that they do not say."""
    types = Counter(m.event_type for m in members if m.event_type)
    label = cfg["labels"].get(types.most_common(1)[0][0], "Events") if types else "Events"
    places = Counter((m.location, m.admin1) for m in members if m.location)
    where = ""
    if places:
        (loc, admin1), _ = max(places.items(), key=lambda kv: (kv[1], kv[0][0] or ""))
        where = f" in {loc}" + (f" ({admin1})" if admin1 and admin1 != loc else "")
    days = [m.day for m in members if m.day is not None]
    when = f", {_date_label(days)}" if days else ""
    actors = Counter(a for m in members for a in m.actors)
    who = ", ".join(a for a, _ in sorted(actors.items(), key=lambda kv: (-kv[1], kv[0]))[:2])
    return f"{label}{where}{when}" + (f": {who}" if who else "")


def rebuild_stories(store: Any, config: FusionConfig) -> int:
    """Recompute every story from the fused events; returns how many there are."""
    cfg = config.section("stories")
    generic = tuple(cfg["generic_actor_prefixes"])
    with store.fusion_rows() as rows:
        items = _load(rows, generic)
    union = _Union([i.id for i in items])
    dated = sorted((i for i in items if i.day is not None), key=lambda i: (i.day, i.id))
    by_country: dict[str | None, list[_Item]] = defaultdict(list)
    for item in dated:
        by_country[item.country].append(item)
    for group in by_country.values():
        start = 0
        for j, b in enumerate(group):
            while group[start].day is not None and b.day - group[start].day > cfg["max_days"]:  # type: ignore[operator]
                start += 1
            for a in group[start:j]:
                if _related(a, b, cfg):
                    union.join(a.id, b.id)
    threads: dict[str, list[_Item]] = defaultdict(list)
    for item in items:
        threads[union.find(item.id)].append(item)
    stories: list[dict[str, Any]] = []
    for members in threads.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda m: (m.day is None, m.day or 0, m.id))
        ids = [m.id for m in members]
        dates = [m.date for m in members if m.date]
        actors = Counter(a for m in members for a in m.all_actors)
        payload = {
            "countries": sorted({m.country for m in members if m.country}),
            "actors": [a for a, _ in sorted(actors.items(), key=lambda kv: (-kv[1], kv[0]))[:5]],
            "event_ids": ids,
        }
        stories.append({
            "id": stable_id("story", min(ids)), "title": title_of(members, cfg),
            "first_date": min(dates) if dates else None, "last_date": max(dates) if dates else None,
            "n_events": len(members), "n_articles": len(set().union(*(m.articles for m in members))),
            "payload": json.dumps(payload, ensure_ascii=False, sort_keys=True),
        })
    with store.fusion_rows(write=True) as rows:
        rows.replace_stories(stories, {story["id"]: json.loads(story["payload"])["event_ids"]
                                       for story in stories})
    return len(stories)
