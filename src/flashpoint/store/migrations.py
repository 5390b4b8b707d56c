"""Versioned schema migrations: any database, however old, is brought to the code's schema on open.

Why versioned from day one: users keep their SQLite files and team databases across releases; a
schema that can only be created, never upgraded, would force them to re-ingest everything.

How it works: ``schema_version`` holds one row per applied step. ``migrate`` reads the highest
version, refuses a database newer than the code (an older Flashpoint must not write rows it does
not understand), and applies the missing steps in order inside ONE transaction, so a failure leaves
the database as it was (SQLite and PostgreSQL both have transactional DDL).

Why each step defines its own tables instead of using ``schema.py``: a step must do exactly what it
did when it was written. If version 1 created tables from the *current* schema, a fresh database
would already have version 2's columns and step 2 would fail. To change the schema: edit
``schema.py`` and append ``Migration(2, "...", _v2_...)`` whose function does Core DDL on ``conn``
(``conn.execute(text(...))`` is acceptable only for SQL both backends accept).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError

from flashpoint.store.schema import NAMING_CONVENTION, schema_version

# Execution option asking for a write transaction up front. On SQLite the engine's BEGIN listener
# (repo.make_engine) turns it into BEGIN IMMEDIATE, so concurrent writers queue on the busy timeout
# instead of failing when a read lock cannot be upgraded; other backends ignore it.
WRITE_TRANSACTION = "flashpoint_write"


class StoreError(RuntimeError):
    """A store problem the user can act on; ``str()`` is one line fit to print as is.

    Defined here, in the lowest layer that raises it, so ``repo`` can import ``migrations``
    without a cycle; everyone else imports it from ``flashpoint.store``.
    """


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Connection], None]


def _v1_initial(conn: Connection) -> None:
    """Version 1: articles, events with their evidence, per-article mentions, ingest errors."""
    md = MetaData(naming_convention=NAMING_CONVENTION)
    id_ = String(64)
    ts = String(32)
    Table(
        "articles", md,
        Column("id", id_, primary_key=True),
        Column("doc_id", Text),
        Column("title", Text),
        Column("source", Text),
        Column("url", Text),
        Column("published", Text),
        Column("origin", Text),
        Column("text", Text, nullable=False),
        Column("body_start", Integer, nullable=False),
        Column("extractor_version", Text),
        Column("article_json", Text, nullable=False),
        Column("result_json", Text, nullable=False),
        Column("ingested_at", ts, nullable=False),
        Column("updated_at", ts, nullable=False),
        Index(None, "published"),
    )
    Table(
        "events", md,
        Column("id", id_, primary_key=True),
        Column("article_id", id_, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        Column("position", Integer, nullable=False),
        Column("date", Text),
        Column("date_start", Text),
        Column("date_end", Text),
        Column("time_precision", Integer),
        Column("event_type", Text),
        Column("sub_event_type", Text),
        Column("interaction", Integer),
        Column("plover_type", Text),
        Column("plover_mode", Text),
        Column("actor1", Text),
        Column("actor2", Text),
        Column("assoc_actor_1", Text),
        Column("assoc_actor_2", Text),
        Column("inter1", Integer),
        Column("inter2", Integer),
        Column("location", Text),
        Column("admin1", Text),
        Column("country", Text),
        Column("geonameid", Integer),
        Column("lat", Float),
        Column("lon", Float),
        Column("geo_precision", Integer),
        Column("fatalities", Integer),
        Column("injured", Integer),
        Column("modality", Text),
        Column("confidence", Float),
        Column("event_json", Text, nullable=False),
        Index(None, "article_id"),
        Index(None, "date"),
        Index(None, "country"),
        Index(None, "event_type"),
    )
    Table(
        "evidence", md,
        Column("event_id", id_, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
        Column("position", Integer, primary_key=True, autoincrement=False),
        Column("field", Text, nullable=False),
        Column("start", Integer, nullable=False),
        Column("end", Integer, nullable=False),
        Column("text", Text, nullable=False),
        Index(None, "field"),
    )

    def child(name: str, *columns: Column | Index) -> None:
        Table(
            name, md,
            Column("article_id", id_, ForeignKey("articles.id", ondelete="CASCADE"),
                   primary_key=True),
            Column("position", Integer, primary_key=True, autoincrement=False),
            *columns,
            Column("payload", Text, nullable=False),
        )

    child(
        "actor_mentions",
        Column("start", Integer), Column("end", Integer), Column("text", Text),
        Column("actor", Text), Column("actor_type", Text), Column("country", Text),
        Column("inter", Integer),
        Index(None, "actor"),
    )
    child(
        "place_mentions",
        Column("start", Integer), Column("end", Integer), Column("text", Text),
        Column("geonameid", Integer), Column("name", Text), Column("admin1", Text),
        Column("country", Text), Column("lat", Float), Column("lon", Float),
        Index(None, "geonameid"),
    )
    child(
        "time_mentions",
        Column("start", Integer), Column("end", Integer), Column("text", Text),
        Column("value", Text), Column("precision", Integer), Column("anchor", Text),
    )
    child(
        "claims",
        Column("speaker", Text), Column("speaker_actor", Text),
        Column("start", Integer), Column("end", Integer), Column("text", Text),
    )
    child(
        "relations",
        Column("subject", Text), Column("relation", Text), Column("object", Text),
    )
    Table(
        "ingest_errors", md,
        Column("key", String(32), primary_key=True),
        Column("origin", Text, nullable=False),
        Column("reason", Text, nullable=False),
        Column("recorded_at", ts, nullable=False),
    )
    md.create_all(conn)


def _v2_fusion(conn: Connection) -> None:
    """Version 2: fused events (one per real-world event), their member reports, fusion
    constraints from corrections, stories, the corrections audit trail, report embeddings."""
    md = MetaData(naming_convention=NAMING_CONVENTION)
    id_ = String(64)
    ts = String(32)
    # Referenced only so the foreign keys below resolve; create_all skips existing tables.
    Table("events", md, Column("id", id_, primary_key=True))
    tables = [
        Table(
            "fused_events", md,
            Column("id", id_, primary_key=True),
            *(Column(name, Text) for name in ("date", "date_start", "date_end")),
            Column("time_precision", Integer),
            *(Column(name, Text) for name in (
                "event_type", "sub_event_type", "plover_type", "actor1", "actor2",
                "assoc_actor_1", "assoc_actor_2", "location", "admin1", "country")),
            Column("lat", Float),
            Column("lon", Float),
            Column("geo_precision", Integer),
            Column("fatalities", Integer),
            Column("fatalities_max", Integer),
            Column("injured", Integer),
            Column("n_sources", Integer, nullable=False),
            Column("n_outlets", Integer, nullable=False),
            Column("confidence", Float),
            Column("story_id", id_),
            Column("overrides", Text),
            Column("event_json", Text, nullable=False),
            Column("updated_at", ts, nullable=False),
            Index(None, "date"),
            Index(None, "country"),
            Index(None, "event_type"),
            Index(None, "story_id"),
        ),
        Table(
            "fusion_members", md,
            Column("event_id", id_, ForeignKey("events.id", ondelete="CASCADE"),
                   primary_key=True),
            Column("fused_id", id_, nullable=False),
            Column("score", Float),
            Column("reasons", Text),
            Column("joined_at", ts, nullable=False),
            Index(None, "fused_id"),
        ),
        Table(
            "fusion_constraints", md,
            Column("a", id_, primary_key=True),
            Column("b", id_, primary_key=True),
            Column("kind", String(8), primary_key=True),
            Column("author", Text),
            Column("reason", Text),
            Column("created_at", ts, nullable=False),
        ),
        Table(
            "stories", md,
            Column("id", id_, primary_key=True),
            Column("title", Text, nullable=False),
            Column("first_date", Text),
            Column("last_date", Text),
            Column("n_events", Integer, nullable=False),
            Column("n_articles", Integer, nullable=False),
            Column("payload", Text, nullable=False),
            Index(None, "first_date"),
        ),
        Table(
            "corrections", md,
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("at", ts, nullable=False),
            Column("author", Text, nullable=False),
            Column("action", String(16), nullable=False),
            Column("target", id_, nullable=False),
            Column("field", Text),
            Column("old_value", Text),
            Column("new_value", Text),
            Column("reason", Text),
            Index(None, "target"),
        ),
        Table(
            "event_vectors", md,
            Column("event_id", id_, ForeignKey("events.id", ondelete="CASCADE"),
                   primary_key=True),
            Column("vector", LargeBinary, nullable=False),
        ),
    ]
    md.create_all(conn, tables=tables)


def _v3_change_feed(conn: Connection) -> None:
    """Version 3: the change feed. ``fused_events.created_at`` (when the event first appeared; an
    existing row takes its ``updated_at``, the best that is known), an index on ``updated_at``,
    and ``removed_events``, one tombstone per fused event deleted by a merge or a re-fusion."""
    md = MetaData(naming_convention=NAMING_CONVENTION)
    id_ = String(64)
    ts = String(32)
    # Plain DDL both backends accept (Core has no ADD COLUMN construct).
    conn.execute(text("ALTER TABLE fused_events ADD COLUMN created_at VARCHAR(32)"))
    conn.execute(text("UPDATE fused_events SET created_at = updated_at"))
    fused = Table("fused_events", md, Column("id", id_, primary_key=True), Column("updated_at", ts))
    Index("ix_fused_events_updated_at", fused.c.updated_at).create(conn)
    removed = Table(
        "removed_events", md,
        Column("id", id_, primary_key=True),
        Column("removed_at", ts, nullable=False),
        Column("replaced_by", id_),
        Index(None, "removed_at"),
    )
    md.create_all(conn, tables=[removed])


# Append only. Never edit or reorder a released step: databases in the field already ran it.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema: articles, events, evidence, mentions, claims, relations, "
                 "ingest errors", _v1_initial),
    Migration(2, "fusion: fused events, members, constraints, stories, corrections, report "
                 "vectors", _v2_fusion),
    Migration(3, "change feed: fused_events.created_at, removed_events tombstones", _v3_change_feed),
)

LATEST_VERSION = MIGRATIONS[-1].version

# The tables version 1 creates, to recognise a database that holds someone else's tables.
_V1_TABLES = frozenset({
    "articles", "events", "evidence", "actor_mentions", "place_mentions", "time_mentions",
    "claims", "relations", "ingest_errors",
})


def _check_steps(steps: tuple[Migration, ...]) -> None:
    """Versions must run 1, 2, 3 ... so that 'the highest applied version' says what exists."""
    expected = list(range(1, len(steps) + 1))
    if [m.version for m in steps] != expected:
        got = [m.version for m in steps]
        raise AssertionError(f"migration versions must be {expected}, got {got}")


_check_steps(MIGRATIONS)


def _utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def current_version(conn: Connection) -> int:
    """The highest applied step; 0 for an empty database."""
    if not inspect(conn).has_table(schema_version.name):
        return 0
    return int(conn.execute(select(func.max(schema_version.c.version))).scalar() or 0)


def _refuse_newer(current: int, latest: int) -> None:
    if current > latest:
        raise StoreError(
            f"the database schema is version {current}, newer than this Flashpoint understands "
            f"(version {latest}); upgrade Flashpoint to use this database"
        )


def _upgrade(conn: Connection, steps: tuple[Migration, ...]) -> int:
    latest = steps[-1].version
    current = current_version(conn)
    _refuse_newer(current, latest)
    if current == 0:
        foreign = sorted(_V1_TABLES & set(inspect(conn).get_table_names()))
        if foreign:
            raise StoreError(
                f"the database already has tables ({', '.join(foreign)}) but no Flashpoint "
                f"schema_version; it is not a Flashpoint store"
            )
        schema_version.create(conn, checkfirst=True)
    for step in steps:
        if step.version <= current:
            continue
        step.apply(conn)
        conn.execute(
            insert(schema_version).values(
                version=step.version, description=step.description, applied_at=_utc_now()
            )
        )
    return latest


def migrate(engine: Engine, steps: tuple[Migration, ...] = MIGRATIONS) -> int:
    """Bring the database to the latest version and return it; a no-op when already there.

    ``steps`` is a parameter so tests can exercise an upgrade from version 1 to a made-up version 2.
    On SQLite the engine should come from ``repo.make_engine``, whose BEGIN makes the DDL
    transactional (the sqlite3 module's legacy mode would commit each CREATE on its own).
    """
    _check_steps(steps)
    latest = steps[-1].version
    # Look first without a write lock: reopening a current database writes nothing and works on
    # a read-only file; only an actual upgrade takes the lock (and checks again under it).
    with engine.begin() as conn:
        current = current_version(conn)
    _refuse_newer(current, latest)
    if current == latest:
        return latest
    try:
        with engine.execution_options(**{WRITE_TRANSACTION: True}).begin() as conn:
            return _upgrade(conn, steps)
    except DBAPIError:
        # Two processes opening a fresh database at once: one wins, the other's CREATE fails.
        # If the winner left the database current, there is nothing left to do.
        with engine.connect() as conn:
            if current_version(conn) == latest:
                return latest
        raise
