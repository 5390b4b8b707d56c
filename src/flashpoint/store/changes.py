"""The change feed: when each fused event last changed, and which ones went away.

Why a feed at all: a user who mirrors Flashpoint's events (a spreadsheet, a team database, a
monitor polling the API) wants "what changed since I last looked" rather than everything again,
as ACLED's API gives its users with ``timestamp`` and its deleted-events list. Three kinds of
change: ``new`` (first appeared after the time), ``updated`` (its content changed after it) and
``removed`` (a merge absorbed it, or re-coding emptied it; see the ``removed_events`` table).

Why timestamps are kept when content is unchanged: a fusion pass deletes and re-inserts every
fused event it touches; without the comparison here every rebuild would look like an edit and the
feed would fill with events nobody changed. ``updated_at`` moves only when the stored event
(``event_json``) or its corrections (``overrides``) differ.

The fuse package writes through ``record_removed``, ``clear_removed`` and ``keep_timestamps``;
``FusedReads.changed_fused_events`` reads. All SQL here is Core, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, literal, select, union_all

from . import schema as s

CHANGE_KINDS = ("new", "updated", "removed")


def parse_changed_since(value: str) -> str:
    """A moment as the store compares it ("2024-05-01T12:00:00Z", UTC, to the second).

    Accepts a date ("2024-05-01": its midnight UTC), a date and time with or without seconds, and
    an offset or "Z" ("2024-05-01T14:00+02:00"); a time without an offset is UTC. Raises
    ValueError with one line naming the forms accepted.
    """
    text = value.strip()
    try:
        if len(text) == 10:
            moment = dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), dt.UTC)
        else:
            moment = dt.datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{value!r} is not a time like 2024-05-01, 2024-05-01T12:00 or "
                         "2024-05-01T12:00:00Z") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def keep_timestamps(row: dict[str, Any], previous: Any | None) -> dict[str, Any]:
    """``row`` (a new ``fused_events`` row) with the timestamps of ``previous`` (the row it
    replaces, with ``event_json``, ``overrides``, ``updated_at`` and ``created_at``) carried over:
    ``created_at`` always, ``updated_at`` when the content is the same."""
    if previous is None:
        return row
    row["created_at"] = previous.created_at or previous.updated_at
    if previous.event_json == row["event_json"] and (previous.overrides or None) == (row["overrides"] or None):
        row["updated_at"] = previous.updated_at
    return row


def record_removed(conn: Connection, removed: Mapping[str, str | None], now: str) -> None:
    """Tombstones for fused events just deleted: id -> the event that absorbed it (or None)."""
    ids = sorted(removed)
    if not ids:
        return
    clear_removed(conn, ids)
    conn.execute(insert(s.removed_events), [
        {"id": fid, "removed_at": now, "replaced_by": removed[fid]} for fid in ids])


def clear_removed(conn: Connection, ids: Iterable[str]) -> None:
    """Forget the tombstones of ids that exist again (a re-founded event keeps its id)."""
    ids = sorted(set(ids))
    for i in range(0, len(ids), 500):
        conn.execute(delete(s.removed_events).where(s.removed_events.c.id.in_(ids[i : i + 500])))


class ChangeReads:
    """The feed as ``Store`` methods (a mixin beside ``FusedReads``, whose filters and event
    dicts it shares)."""

    transaction: Callable[..., Any]
    _fused_conditions: Callable[..., list[Any]]
    _fused_dict: Callable[[Any], dict[str, Any]]

    def _changes(self, changed_since: str, filters: dict[str, Any]) -> Any:
        """(id, timestamp, kind) of every change at or after ``changed_since``: events that pass
        the filters, new or updated, and every tombstone (a removed event has no fields left to
        filter on, and a mirror must drop it whatever it selected). Inclusive, so a client that
        asks again from the last timestamp it saw never misses a change made in that second."""
        since = parse_changed_since(changed_since)
        f, r = s.fused_events.c, s.removed_events.c
        kind = func.coalesce(f.created_at, f.updated_at) >= since
        live = select(f.id.label("id"), f.updated_at.label("ts"),
                      literal("updated").label("kind"), kind.label("is_new")).where(
            f.updated_at >= since, *self._fused_conditions(**filters))
        gone = select(r.id.label("id"), r.removed_at.label("ts"), literal("removed").label("kind"),
                      literal(False).label("is_new")).where(
            r.removed_at >= since, ~select(f.id).where(f.id == r.id).exists())
        return union_all(live, gone).subquery("changes")

    def changed_fused_events(self, changed_since: str, *, limit: int | None = None, offset: int = 0,
                             **filters: Any) -> list[dict[str, Any]]:
        """What changed at or after ``changed_since`` (ISO date or time, UTC unless it says),
        oldest change first: each new or updated event as ``fused_events`` gives it, with
        ``change`` "new" or "updated", and each removed one as ``{"id", "change": "removed",
        "timestamp", "replaced_by"}``. ValueError for a time that cannot be read."""
        for name, value in (("limit", limit), ("offset", offset)):
            if value is not None and value < 0:
                raise ValueError(f"{name} must not be negative, got {value}")
        changes = self._changes(changed_since, filters)
        f, r = s.fused_events.c, s.removed_events.c
        stmt = (
            select(changes.c.id, changes.c.ts, changes.c.kind, changes.c.is_new,
                   f.event_json, f.story_id, f.updated_at, r.replaced_by)
            .select_from(
                changes.outerjoin(s.fused_events, and_(changes.c.kind == "updated", f.id == changes.c.id))
                .outerjoin(s.removed_events, and_(changes.c.kind == "removed", r.id == changes.c.id)))
            .order_by(changes.c.ts, changes.c.id, changes.c.kind)
            .limit(limit)
            .offset(offset or None)
        )
        out = []
        with self.transaction() as conn:
            for row in conn.execute(stmt):
                if row.kind == "removed":
                    out.append({"id": row.id, "change": "removed", "timestamp": row.ts,
                                "replaced_by": row.replaced_by})
                else:
                    d = self._fused_dict(row)
                    d["change"] = "new" if row.is_new else "updated"
                    out.append(d)
        return out

    def count_changed_fused_events(self, changed_since: str, **filters: Any) -> int:
        changes = self._changes(changed_since, filters)
        with self.transaction() as conn:
            return int(conn.execute(select(func.count()).select_from(changes)).scalar() or 0)


__all__ = ["CHANGE_KINDS", "ChangeReads", "clear_removed", "keep_timestamps", "parse_changed_since", "record_removed"]
