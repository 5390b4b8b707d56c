"""Fusion against the store: new reports join fused events, touched fused events are rebuilt.

Why only *pending* reports (those in no fused event yet): that makes a rerun a no-op, keeps an
incremental run proportional to what is new, and leaves every existing fused event's id alone.
Fused events that lost a report (its article was re-coded) are found by their stale source count
and rebuilt from what remains; the re-coded reports come back as pending and are placed afresh on
their new evidence, which is how a contradicted merge comes apart.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from ..model import FusedEvent
from ..store.changes import keep_timestamps
from ..store.fusion_rows import FusionRows
from .cluster import Assigner, Assignment, Constraints, sort_key
from .features import FusionConfig, Report, day_number, load_config
from .reconcile import outlet_of, reconcile, row_of
from .stories import rebuild_stories

_WINDOW_DAYS = 3


@dataclass(slots=True)
class FusionSummary:
    pending: int = 0
    joined: int = 0
    founded: int = 0
    rebuilt: int = 0
    removed: int = 0
    stories: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        stories = "1 story" if self.stories == 1 else f"{self.stories} stories"
        return (f"fusion: {self.pending} new report(s): {self.joined} joined an existing event, "
                f"{self.founded} new event(s); {self.rebuilt} event(s) rebuilt, {self.removed} "
                f"removed; {stories} in {self.seconds:.1f} s")


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def reports_from_rows(rows: Iterable[Any]) -> list[Report]:
    out = []
    for r in rows:
        article = {"id": r.doc_id, "title": r.title, "source": r.source,
                   "published": r.published, "url": r.url}
        vector = None if r.vector is None else np.frombuffer(r.vector, dtype=np.float16).astype(np.float32)
        out.append(Report(r.id, r.article_id, outlet_of(article, r.article_id),
                          json.loads(r.event_json), article, vector))
    return out


def attach_article_places(rows: FusionRows, reports: list[Report]) -> None:
    """Give each report the GeoNames ids its article names (see ``Report.article_places``)."""
    places = rows.article_places(r.article_id for r in reports)
    for r in reports:
        r.article_places = frozenset(places.get(r.article_id, ()))


def load_constraints(rows: FusionRows) -> Constraints:
    c = Constraints()
    for row in rows.constraints():
        c.add(row.a, row.b, row.kind)
    return c


def members_of(rows: FusionRows, fused_ids: Iterable[str]) -> dict[str, list[Report]]:
    """Reports of each fused event, in a stable order."""
    ids = sorted(set(fused_ids))
    out: dict[str, list[Report]] = {fid: [] for fid in ids}
    found = rows.member_reports(ids)
    for row, report in zip(found, reports_from_rows(found), strict=True):
        out[row.fused_id].append(report)
    return out


def _event_text(event: dict[str, Any]) -> str:
    sentence = next((ev["text"] for ev in event.get("evidence", []) if ev["field"] == "sentence"), None)
    if sentence is not None:
        return sentence.strip()
    return " ".join(ev["text"].strip() for ev in event.get("evidence", []))


def ensure_vectors(reports: list[Report]) -> dict[str, bytes]:
    """Embed the reports that came without a vector (classifier off, an older store)."""
    missing = [r for r in reports if r.vector is None]
    if not missing:
        return {}
    from ..events.classifier import get_embedder

    matrix = get_embedder().embed_cached([_event_text(r.event) for r in missing])
    new = {}
    for r, row in zip(missing, matrix, strict=True):
        r.vector = row.astype(np.float16).astype(np.float32)
        new[r.event_id] = row.astype(np.float16).tobytes()
    return new


def _iso(day: int) -> str:
    return date.fromordinal(day).isoformat()


# Pending reports are placed this many at a time, in (date, id) order, each chunk in its own
# transaction: memory holds one chunk and the fused events near its dates, not the whole backlog,
# and a fusion killed midway resumes where it stopped (placed reports are no longer pending).
CHUNK_REPORTS = 5000


def _pending_order(rows: FusionRows) -> list[str]:
    """Ids of the reports in no fused event, in the order ``sort_key`` places them."""
    keyed = []
    for r in rows.pending_reports():
        day = day_number(r.date_start) or day_number(r.date)
        keyed.append((day is None, day or 0, r.id))
    return [k[2] for k in sorted(keyed)]


def fuse_pending(store: Any, config: FusionConfig | None = None, *,
                 chunk_size: int = CHUNK_REPORTS) -> FusionSummary:
    """Fuse every report not yet in a fused event; rebuild fused events that changed.

    Chunks give the same fused events as one pass: a report is only ever scored against fused
    events within a few days of its own date, and each chunk loads every fused event (placed
    in an earlier chunk or run) whose dates reach that close to its own."""
    with store.exclusive("fusion"):  # one fusing writer at a time (see ``Store.exclusive``)
        return _fuse_pending(store, config, chunk_size)


def _fuse_pending(store: Any, config: FusionConfig | None, chunk_size: int) -> FusionSummary:
    started = time.perf_counter()
    config = config or load_config()
    summary = FusionSummary()
    founded: set[str] = set()
    with store.fusion_rows() as rows:
        order = _pending_order(rows)
        stale = rows.stale_fused_ids()
    if not order and not stale:
        summary.seconds = time.perf_counter() - started
        return summary
    for i in range(0, max(len(order), 1), max(1, chunk_size)):
        _fuse_chunk(store, config, order[i : i + chunk_size], stale if i == 0 else [], summary, founded)
    summary.stories = rebuild_stories(store, config)
    summary.seconds = time.perf_counter() - started
    return summary


def _fuse_chunk(store: Any, config: FusionConfig, ids: list[str], stale: list[str],
                summary: FusionSummary, founded: set[str]) -> None:
    """Place one chunk of pending reports (and rebuild ``stale`` fused events), in one transaction."""
    with store.fusion_rows() as tx:
        pending = reports_from_rows(tx.reports(ids))
        days = [r.day_start for r in pending if r.day_start is not None]
        ends = [r.day_end or r.day_start for r in pending if r.day_start is not None]
        nearby: list[str] = []
        if days:
            nearby = tx.fused_ids_between(_iso(min(days) - _WINDOW_DAYS), _iso(max(ends) + _WINDOW_DAYS))
        existing = members_of(tx, set(nearby) | set(stale))
        constraints = load_constraints(tx)
        attach_article_places(tx, pending + [r for ms in existing.values() for r in ms])
        fused_rows = tx.fused_rows(existing)
    summary.pending += len(pending)
    assigner = Assigner(config, constraints)
    for fid in sorted(existing):
        for report in sorted(existing[fid], key=sort_key):
            assigner.add_member(fid, report)
    pending.sort(key=sort_key)
    new_vectors = ensure_vectors(pending + [r for ms in existing.values() for r in ms])
    assignments: list[Assignment] = []
    for report in pending:
        a = assigner.assign(report)
        assignments.append(a)
        if a.founded:
            summary.founded += 1
            founded.add(a.fused_id)
        elif a.fused_id in existing and a.fused_id not in founded:
            summary.joined += 1
    touched = sorted({a.fused_id for a in assignments} | set(stale))
    now = utc_now()
    with store.fusion_rows(write=True) as tx:
        tx.add_vectors(new_vectors)
        tx.add_members([
            {"event_id": a.event_id, "fused_id": a.fused_id, "score": a.score,
             "reasons": json.dumps(a.reasons, sort_keys=True), "joined_at": now}
            for a in assignments
        ])
        tx.delete_fused([fid for fid in touched if fid in fused_rows])
        rows = []
        removed: dict[str, str | None] = {}
        for fid in touched:
            cluster = assigner.clusters.get(fid)
            previous = fused_rows.get(fid)
            if cluster is None or not cluster.members:
                summary.removed += 1
                if previous is not None:
                    removed[fid] = None
                continue
            if previous is not None:
                summary.rebuilt += 1
            overrides = json.loads(previous.overrides) if previous is not None and previous.overrides else None
            # A rebuild that reproduces the event keeps its timestamp: the change feed lists
            # only events whose content changed.
            rows.append(keep_timestamps(fused_row(reconcile(fid, cluster.members, overrides), overrides, now),
                                        previous))
        if rows:
            tx.insert_fused(rows)
            tx.clear_removed([r["id"] for r in rows if fused_rows.get(r["id"]) is None])
        tx.record_removed(removed, now)


def fused_row(event: FusedEvent, overrides: dict[str, Any] | None, now: str,
              story_id: str | None = None) -> dict[str, Any]:
    """The ``fused_events`` row of one fused event; ``story_id`` lives in its column only
    (stories are rebuilt often)."""
    stored = {k: v for k, v in event.items() if k != "story_id"}
    return {**row_of(event), "story_id": story_id,
            "overrides": json.dumps(overrides, sort_keys=True) if overrides else None,
            "event_json": json.dumps(stored, ensure_ascii=False, sort_keys=True), "updated_at": now,
            "created_at": now}


def write_fused(rows: FusionRows, event: FusedEvent, overrides: dict[str, Any] | None,
                now: str, story_id: str | None = None, previous: Any | None = None) -> None:
    """Insert one fused event (``previous``: the row it replaces, whose timestamps it may keep)."""
    rows.insert_fused([keep_timestamps(fused_row(event, overrides, now, story_id), previous)])
    if previous is None:
        rows.clear_removed([event["id"]])


def rebuild(rows: FusionRows, fused_id: str, now: str) -> FusedEvent | None:
    """Recompute one fused event from its current members (after a correction); None if empty,
    and then the event is gone and leaves a tombstone for the change feed."""
    previous = rows.fused_row(fused_id)
    members = members_of(rows, [fused_id])[fused_id]
    rows.delete_fused([fused_id])
    if not members:
        if previous is not None:
            rows.record_removed({fused_id: None}, now)
        return None
    overrides = json.loads(previous.overrides) if previous is not None and previous.overrides else None
    event = reconcile(fused_id, members, overrides)
    write_fused(rows, event, overrides, now, previous.story_id if previous is not None else None, previous)
    return event


__all__ = ["FusionSummary", "fuse_pending", "members_of", "rebuild", "write_fused"]
