"""Reading fused events, stories and the corrections trail: what users see as "events".

A mixin of ``Store`` so that the CLI, the API, exports and reports all ask the same methods with
the same filters; kept apart from ``repo.py``, which is about saving what one article says.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Integer, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from flashpoint.places.admin_names import spellings as admin_spellings

from . import schema as s
from .checks import LIKE_ESCAPE, check_count as _check_count, check_date as _check_date, like_pattern


class _JsonInt(FunctionElement):
    """An integer member of a JSON text column: ``_JsonInt(column, "inter1")``.

    Why a construct of our own: the stored JSON is Text (see schema.py), and SQLAlchemy's JSON
    type would CAST it AS JSON, which SQLite turns into a number (0); each backend gets its own
    spelling below.
    """

    type = Integer()
    inherit_cache = True
    name = "json_int"


@compiles(_JsonInt)
def _json_int_sqlite(element: _JsonInt, compiler: Any, **kw: Any) -> str:
    column, key = list(element.clauses)
    return f"CAST(json_extract({compiler.process(column, **kw)}, '$.' || {compiler.process(key, **kw)}) AS INTEGER)"


@compiles(_JsonInt, "postgresql")
def _json_int_postgresql(element: _JsonInt, compiler: Any, **kw: Any) -> str:
    column, key = list(element.clauses)
    return f"CAST(CAST({compiler.process(column, **kw)} AS JSON) ->> {compiler.process(key, **kw)} AS INTEGER)"


def _values(value: str | Sequence[str] | None) -> list[str]:
    """A filter's values: one string, or several (a list or tuple) that any may match; [] for none."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def common_conditions(c: Any, *, since: str | None, until: str | None,
                      country: str | Sequence[str] | None,
                      event_type: str | Sequence[str] | None) -> list[ColumnElement[bool]]:
    """The filters reports (``events``) and fused events share, over either table's columns.

    ``since``/``until`` are inclusive ISO dates (day, month or year) matching events whose date
    or date range overlaps them; ``country`` and ``event_type`` (ACLED type, sub-type or PLOVER
    type) ignore case. Either may be several values: an event matches any of them (OR within a
    field, AND across fields), as an analyst choosing "Syria and Iraq" means.
    """
    _check_date("since", since)
    _check_date("until", until)
    first_day = func.coalesce(c.date_start, c.date)
    last_day = func.coalesce(c.date_end, c.date)
    conditions: list[ColumnElement[bool]] = []
    if since is not None:
        conditions.append(last_day >= since)
    if until is not None:
        # Compare only as many characters as given: "2019-04-30" is within until="2019-04".
        conditions.append(func.substr(first_day, 1, len(until)) <= until)
    if country is not None:
        conditions.append(func.lower(c.country).in_([v.lower() for v in _values(country)]))
    if event_type is not None:
        wanted = [v.lower() for v in _values(event_type)]
        conditions.append(or_(func.lower(c.event_type).in_(wanted),
                              func.lower(c.sub_event_type).in_(wanted),
                              func.lower(c.plover_type).in_(wanted)))
    return conditions


class FusedReads:
    """Methods over ``fused_events``/``stories``/``corrections``; ``Store`` supplies
    ``transaction``."""

    transaction: Callable[..., Any]

    def _fused_conditions(
        self,
        *,
        since: str | None = None,
        until: str | None = None,
        country: str | Sequence[str] | None = None,
        admin1: str | Sequence[str] | None = None,
        event_type: str | Sequence[str] | None = None,
        inter: int | Sequence[int] | None = None,
        actor: str | None = None,
        bbox: Sequence[float] | None = None,
        min_sources: int | None = None,
        story: str | None = None,
    ) -> list[ColumnElement[bool]]:
        f = s.fused_events.c
        conditions = common_conditions(f, since=since, until=until, country=country,
                                       event_type=event_type)
        if admin1 is not None:
            # ACLED's spelling, the gazetteer's and common aliases select the same region; each
            # of several regions brings its own spellings.
            names = sorted({n for value in _values(admin1) for n in admin_spellings(value)})
            conditions.append(func.lower(f.admin1).in_(names))
        if inter is not None:
            # ACLED actor type (inter code) of either side; the codes live in the event record
            # (fused_events has no column for them), read through the dialect's JSON operators.
            codes = [inter] if isinstance(inter, int) else list(inter)
            if not codes or not all(isinstance(v, int) and 1 <= v <= 8 for v in codes):
                raise ValueError(f"inter must be ACLED actor type codes 1 to 8, not {inter!r}")
            conditions.append(or_(_JsonInt(f.event_json, "inter1").in_(codes),
                                  _JsonInt(f.event_json, "inter2").in_(codes)))
        if actor is not None:
            if not actor.strip():
                raise ValueError("actor must not be empty")
            pattern = like_pattern(actor.lower())
            conditions.append(or_(*(func.lower(c).like(pattern, escape=LIKE_ESCAPE) for c in
                                    (f.actor1, f.actor2, f.assoc_actor_1, f.assoc_actor_2))))
        if bbox is not None:
            west, south, east, north = _check_bbox(bbox)
            conditions += [f.lat >= south, f.lat <= north]
            if west <= east:
                conditions += [f.lon >= west, f.lon <= east]
            else:  # a box across the antimeridian
                conditions.append(or_(f.lon >= west, f.lon <= east))
        if min_sources is not None:
            if min_sources < 1:
                raise ValueError(f"min_sources must be 1 or more, not {min_sources}")
            conditions.append(f.n_sources >= min_sources)
        if story is not None:
            conditions.append(f.story_id == story)
        return conditions

    @staticmethod
    def _fused_dict(row: Any) -> dict[str, Any]:
        d = json.loads(row.event_json)
        d["story_id"] = row.story_id
        d["timestamp"] = row.updated_at  # when its content last changed (see store/changes.py)
        return d

    def fused_events(
        self,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
        **filters: Any,
    ) -> list[dict[str, Any]]:
        """Fused events by date (undated last), then id; filters as in ``_fused_conditions``."""
        _check_count("limit", limit)
        _check_count("offset", offset)
        f = s.fused_events.c
        sort_day = func.coalesce(f.date, f.date_start)
        stmt = (
            select(f.event_json, f.story_id, f.updated_at)
            .where(*self._fused_conditions(**filters))
            .order_by(sort_day.is_(None), sort_day.desc() if newest_first else sort_day, f.id)
            .limit(limit)
            .offset(offset or None)
        )
        with self.transaction() as conn:
            return [self._fused_dict(r) for r in conn.execute(stmt)]

    def count_fused_events(self, **filters: Any) -> int:
        stmt = select(func.count()).select_from(s.fused_events).where(
            *self._fused_conditions(**filters))
        with self.transaction() as conn:
            return int(conn.execute(stmt).scalar() or 0)

    def fused_event(self, fused_id: str) -> dict[str, Any] | None:
        f = s.fused_events.c
        with self.transaction() as conn:
            row = conn.execute(select(f.event_json, f.story_id, f.updated_at).where(f.id == fused_id)).first()
        return None if row is None else self._fused_dict(row)

    def fused_id_of(self, event_id: str) -> str | None:
        """The fused event a report (a row of ``events``) belongs to."""
        m = s.fusion_members.c
        with self.transaction() as conn:
            return conn.execute(select(m.fused_id).where(m.event_id == event_id)).scalar()

    # -- stories

    @staticmethod
    def _story_dict(row: Any) -> dict[str, Any]:
        payload = json.loads(row.payload)
        return {"id": row.id, "title": row.title, "first_date": row.first_date,
                "last_date": row.last_date, "n_events": row.n_events,
                "n_articles": row.n_articles, **payload}

    def stories(self, *, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        """Stories, largest first, then newest."""
        _check_count("limit", limit)
        _check_count("offset", offset)
        t = s.stories.c
        stmt = (select(s.stories).order_by(t.n_events.desc(), t.last_date.desc(), t.id)
                .limit(limit).offset(offset or None))
        with self.transaction() as conn:
            return [self._story_dict(r) for r in conn.execute(stmt)]

    def story(self, story_id: str) -> dict[str, Any] | None:
        with self.transaction() as conn:
            row = conn.execute(select(s.stories).where(s.stories.c.id == story_id)).first()
        if row is None:
            return None
        d = self._story_dict(row)
        d["events"] = d["event_ids"]
        return d

    # -- corrections

    def corrections(self, target: str | None = None) -> list[dict[str, Any]]:
        """The audit trail of corrections, oldest first."""
        c = s.corrections.c
        stmt = select(s.corrections).order_by(c.id)
        if target is not None:
            stmt = stmt.where(c.target == target)
        with self.transaction() as conn:
            return [dict(r._mapping) for r in conn.execute(stmt)]


def _check_bbox(bbox: Sequence[float]) -> tuple[float, float, float, float]:
    if len(bbox) != 4:
        raise ValueError("bbox must be four numbers: west,south,east,north")
    west, south, east, north = (float(v) for v in bbox)
    if not (-180 <= west <= 180 and -180 <= east <= 180):
        raise ValueError("bbox longitudes must lie between -180 and 180")
    if not (-90 <= south <= north <= 90):
        raise ValueError("bbox latitudes must lie between -90 and 90, south <= north")
    return west, south, east, north
