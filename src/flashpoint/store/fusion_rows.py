"""The fusion tables as fusion reads and writes them: reports, members, fused events, constraints,
corrections, stories, vectors.

Why here and not in ``fuse/``: the store is the one place SQL is written (SQLAlchemy Core, the
same on SQLite and PostgreSQL), so that a schema change, a backend quirk or a slow query is found
and fixed in one package; ``fuse/`` keeps the algorithms (which report joins which event, what a
fused event says) and asks for rows by name.

Why a ``FusionRows`` object over one transaction, not one Store method per statement with its own
transaction: fusion decides between reads and writes (place a chunk, rebuild, merge), and a
correction must read, audit, write and rebuild atomically. ``Store.fusion_rows()`` opens the
transaction; every method of the object runs inside it. Rows come back as SQLAlchemy rows (named
tuples with attribute access) or plain values; nothing here knows a ``Report`` or a fused-event
dict, so the store never imports ``fuse``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from . import schema as s
from .changes import clear_removed, record_removed

_CHUNK = 500  # ids per IN (...): well under every backend's parameter limit


def _chunks(items: Sequence[str], size: int = _CHUNK) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _report_query() -> Any:
    """A report (a row of ``events``) with its article's metadata and its sentence vector."""
    e, a, v = s.events.c, s.articles.c, s.event_vectors.c
    return (
        select(e.id, e.article_id, e.event_json, a.doc_id, a.title, a.source, a.published, a.url,
               v.vector)
        .join(s.articles, e.article_id == a.id)
        .outerjoin(s.event_vectors, v.event_id == e.id)
    )


class FusionRows:
    """Reads and writes of the fusion tables inside one transaction (see the module docstring)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    # -- reports and members

    def pending_reports(self) -> Sequence[Any]:
        """(id, date_start, date) of every report in no fused event yet, in no particular order."""
        e, m = s.events.c, s.fusion_members.c
        return self._conn.execute(
            select(e.id, e.date_start, e.date).outerjoin(s.fusion_members, m.event_id == e.id)
            .where(m.event_id.is_(None))
        ).all()

    def reports(self, event_ids: Sequence[str]) -> list[Any]:
        """Reports by id, with their article (doc_id, title, source, published, url) and vector
        (float16 bytes or None); asked in chunks of the given order."""
        e = s.events.c
        return [r for chunk in _chunks(event_ids)
                for r in self._conn.execute(_report_query().where(e.id.in_(chunk))).all()]

    def member_reports(self, fused_ids: Iterable[str]) -> list[Any]:
        """The reports of the given fused events, as ``reports`` gives them plus ``fused_id``,
        ordered by fused event then report id."""
        ids = sorted(set(fused_ids))
        m = s.fusion_members.c
        out: list[Any] = []
        for chunk in _chunks(ids):
            out += self._conn.execute(
                _report_query().add_columns(m.fused_id)
                .join(s.fusion_members, m.event_id == s.events.c.id)
                .where(m.fused_id.in_(chunk))
                .order_by(m.fused_id, s.events.c.id)
            ).all()
        return out

    def member_joins(self, fused_id: str) -> dict[str, Any]:
        """report id -> how it joined ``fused_id`` (event_id, score, reasons, joined_at)."""
        m = s.fusion_members.c
        return {r.event_id: r for r in self._conn.execute(
            select(m.event_id, m.score, m.reasons, m.joined_at).where(m.fused_id == fused_id))}

    def add_members(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Place reports: rows of (event_id, fused_id, score, reasons, joined_at)."""
        if rows:
            self._conn.execute(insert(s.fusion_members), list(rows))

    def move_members(self, from_fused_id: str, to_fused_id: str, *, score: float | None,
                     reasons: str) -> None:
        """Every report of ``from_fused_id`` becomes a report of ``to_fused_id`` (a merge)."""
        m = s.fusion_members.c
        self._conn.execute(update(s.fusion_members).where(m.fused_id == from_fused_id).values(
            fused_id=to_fused_id, score=score, reasons=reasons))

    def move_reports(self, event_ids: Sequence[str], to_fused_id: str, *, score: float | None,
                     reasons: str) -> None:
        """The given reports become reports of ``to_fused_id`` (a split)."""
        m = s.fusion_members.c
        self._conn.execute(update(s.fusion_members).where(m.event_id.in_(list(event_ids))).values(
            fused_id=to_fused_id, score=score, reasons=reasons))

    def article_places(self, article_ids: Iterable[str]) -> dict[str, set[int]]:
        """article id -> the GeoNames ids of the places it names (articles naming none left out)."""
        ids = sorted(set(article_ids))
        places: dict[str, set[int]] = {}
        p = s.place_mentions.c
        for chunk in _chunks(ids):
            for row in self._conn.execute(select(p.article_id, p.geonameid)
                                          .where(p.article_id.in_(chunk), p.geonameid.is_not(None))):
                places.setdefault(row.article_id, set()).add(row.geonameid)
        return places

    def add_vectors(self, vectors: Mapping[str, bytes]) -> None:
        """Store sentence vectors (report id -> float16 bytes) that are not stored yet."""
        if not vectors:
            return
        known = set(self._conn.execute(select(s.event_vectors.c.event_id).where(
            s.event_vectors.c.event_id.in_(list(vectors)))).scalars())
        rows = [{"event_id": k, "vector": v} for k, v in vectors.items() if k not in known]
        if rows:
            self._conn.execute(insert(s.event_vectors), rows)

    # -- fused events

    def stale_fused_ids(self) -> list[str]:
        """Fused events whose source count no longer matches their members (a report was
        re-coded away), by id."""
        f, m = s.fused_events.c, s.fusion_members.c
        count = select(func.count()).where(m.fused_id == f.id).scalar_subquery()
        return list(self._conn.execute(select(f.id).where(f.n_sources != count).order_by(f.id)).scalars())

    def fused_ids_between(self, first_day: str, last_day: str) -> list[str]:
        """Fused events whose date or date range reaches into ``first_day``..``last_day`` (ISO)."""
        f = s.fused_events.c
        return list(self._conn.execute(
            select(f.id).where(and_(func.coalesce(f.date_start, f.date) <= last_day,
                                    func.coalesce(f.date_end, f.date) >= first_day))
        ).scalars())

    def fused_rows(self, fused_ids: Iterable[str]) -> dict[str, Any]:
        """id -> (id, overrides, event_json, updated_at, created_at) of the given fused events
        that exist."""
        f = s.fused_events.c
        return {
            r.id: r for chunk in _chunks(sorted(fused_ids))
            for r in self._conn.execute(select(f.id, f.overrides, f.event_json, f.updated_at, f.created_at)
                                        .where(f.id.in_(chunk)))
        }

    def fused_row(self, fused_id: str) -> Any | None:
        """(id, overrides, story_id, event_json, updated_at, created_at) of one fused event, or
        None."""
        f = s.fused_events.c
        return self._conn.execute(select(f.id, f.overrides, f.story_id, f.event_json, f.updated_at,
                                         f.created_at).where(f.id == fused_id)).first()

    def fused_exists(self, fused_id: str) -> bool:
        return self._conn.execute(
            select(s.fused_events.c.id).where(s.fused_events.c.id == fused_id)).first() is not None

    def delete_fused(self, fused_ids: Sequence[str]) -> None:
        f = s.fused_events.c
        for chunk in _chunks(list(fused_ids)):
            self._conn.execute(delete(s.fused_events).where(f.id.in_(chunk)))

    def insert_fused(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert ``fused_events`` rows in one executemany (per-row inserts cost more in
        SQLAlchemy than the fusion itself)."""
        if rows:
            self._conn.execute(insert(s.fused_events), list(rows))

    def set_overrides(self, fused_id: str, overrides: str) -> None:
        """Replace a fused event's corrected fields (JSON text)."""
        self._conn.execute(update(s.fused_events).where(s.fused_events.c.id == fused_id)
                           .values(overrides=overrides))

    def record_removed(self, removed: Mapping[str, str | None], now: str) -> None:
        """Tombstones for the change feed (see ``changes.record_removed``)."""
        record_removed(self._conn, removed, now)

    def clear_removed(self, fused_ids: Iterable[str]) -> None:
        """Forget tombstones of ids that exist again (see ``changes.clear_removed``)."""
        clear_removed(self._conn, fused_ids)

    # -- constraints and the corrections trail

    def constraints(self) -> Sequence[Any]:
        """Every must/cannot constraint: rows of (a, b, kind)."""
        c = s.fusion_constraints.c
        return self._conn.execute(select(c.a, c.b, c.kind)).all()

    def constraints_of(self, event_ids: Sequence[str]) -> list[dict[str, Any]]:
        """The constraints that name any of the given reports, every column, by (a, b)."""
        c = s.fusion_constraints.c
        ids = list(event_ids)
        return [dict(r._mapping) for r in self._conn.execute(
            select(s.fusion_constraints).where(c.a.in_(ids) | c.b.in_(ids)).order_by(c.a, c.b))]

    def has_constraint(self, a: str, b: str, kind: str) -> bool:
        c = s.fusion_constraints.c
        return self._conn.execute(select(c.a).where(c.a == a, c.b == b, c.kind == kind)).first() is not None

    def delete_constraint(self, a: str, b: str, kind: str) -> None:
        c = s.fusion_constraints.c
        self._conn.execute(delete(s.fusion_constraints).where(c.a == a, c.b == b, c.kind == kind))

    def add_constraint(self, a: str, b: str, kind: str, *, author: str, reason: str | None,
                       created_at: str) -> None:
        self._conn.execute(insert(s.fusion_constraints).values(
            a=a, b=b, kind=kind, author=author, reason=reason, created_at=created_at))

    def add_correction(self, *, at: str, author: str, action: str, target: str, field: str | None,
                       old_value: str | None, new_value: str | None, reason: str | None) -> None:
        """One audit row of the corrections trail."""
        self._conn.execute(insert(s.corrections).values(
            at=at, author=author, action=action, target=target, field=field,
            old_value=old_value, new_value=new_value, reason=reason))

    # -- stories

    def story_candidates(self) -> Sequence[Any]:
        """Every fused event with what threading reads (id, date, date_start, lat, lon, country,
        admin1, location, event_type, actor1, actor2, assoc_actor_1, assoc_actor_2), by id."""
        f = s.fused_events.c
        return self._conn.execute(select(f.id, f.date, f.date_start, f.lat, f.lon, f.country, f.admin1,
                                         f.location, f.event_type, f.actor1, f.actor2, f.assoc_actor_1,
                                         f.assoc_actor_2).order_by(f.id)).all()

    def member_vectors(self) -> Sequence[Any]:
        """(fused_id, article_id, vector) of every report in a fused event (vector may be None)."""
        m, v = s.fusion_members.c, s.event_vectors.c
        return self._conn.execute(select(m.fused_id, s.events.c.article_id, v.vector)
                                  .join(s.events, s.events.c.id == m.event_id)
                                  .outerjoin(s.event_vectors, v.event_id == m.event_id)).all()

    def replace_stories(self, stories: Sequence[Mapping[str, Any]],
                        event_ids: Mapping[str, Sequence[str]]) -> None:
        """Every story anew: ``stories`` are ``stories`` rows, ``event_ids`` each story's fused
        events (which get its id; every other fused event gets none)."""
        f = s.fused_events.c
        self._conn.execute(delete(s.stories))
        self._conn.execute(update(s.fused_events).where(f.story_id.is_not(None)).values(story_id=None))
        if stories:
            self._conn.execute(insert(s.stories), list(stories))
        for story in stories:
            for chunk in _chunks(list(event_ids[story["id"]])):
                self._conn.execute(update(s.fused_events).where(f.id.in_(chunk)).values(story_id=story["id"]))


class FusionTables:
    """``Store.fusion_rows``: a mixin; ``Store`` supplies ``transaction``."""

    transaction: Callable[..., Any]

    @contextmanager
    def fusion_rows(self, *, write: bool = False) -> Iterator[FusionRows]:
        """A transaction over the fusion tables (``write``: one that writes, which SQLite starts
        with the write lock so that it cannot fail half-way on a lock upgrade)."""
        with self.transaction(write=write) as conn:
            yield FusionRows(conn)


__all__ = ["FusionRows", "FusionTables"]
