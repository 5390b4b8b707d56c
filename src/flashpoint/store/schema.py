"""The schema the code reads and writes today, as SQLAlchemy Core tables.

Why Core and not the ORM: the rows mirror the JSON contract one to one, and Core keeps the SQL
visible and the same on SQLite and PostgreSQL. Only portable types are used (String, Text, Integer,
Float); JSON payloads are Text so neither backend's JSON dialect leaks into the schema.

Why this module does not create tables: ``migrations.py`` does, one frozen step per version, so an
old database can be brought forward. When the schema changes, change it here AND append a
migration step; ``tests/test_store.py`` checks that a migrated database matches these tables.

Why every table keeps a JSON payload next to its key columns: the columns are there to filter and
index; the payload keeps every field of the record, so a field added to ``model.py`` later is not
lost before a migration gives it a column.

Timestamps are ISO 8601 UTC strings (``2024-05-01T12:00:00Z``): identical text on both backends,
and they sort correctly as strings.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

# Explicit constraint names, so that a later migration can ALTER or DROP them by name on
# PostgreSQL (SQLite would otherwise leave them unnamed and each backend would differ).
# Migration steps use it too, so changing it would change what old steps create: never edit it.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Only IDs and our own timestamps have a length. PostgreSQL enforces VARCHAR lengths and SQLite
# does not, so any free text is Text to behave the same on both; IDs are checked before saving.
ID_LENGTH = 64  # content hashes and stable IDs are 16-32 hex characters; room to spare
ID = String(ID_LENGTH)
TIMESTAMP = String(32)

metadata = MetaData(naming_convention=NAMING_CONVENTION)

# The migration bookkeeping: one row per applied step. Its shape must never change, because it is
# read before anything else to decide which steps to run.
schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", Text, nullable=False),
    Column("applied_at", TIMESTAMP, nullable=False),
)

articles = Table(
    "articles",
    metadata,
    Column("id", ID, primary_key=True),  # Article.id: the content hash
    Column("doc_id", Text),  # the caller's own identifier
    Column("title", Text),
    Column("source", Text),
    Column("url", Text),
    Column("published", Text),
    Column("origin", Text),
    Column("text", Text, nullable=False),
    Column("body_start", Integer, nullable=False),
    Column("extractor_version", Text),
    Column("article_json", Text, nullable=False),  # Article.to_dict() without the text
    Column("result_json", Text, nullable=False),  # DocumentResult.to_dict(include_text=False)
    Column("ingested_at", TIMESTAMP, nullable=False),  # first saved; kept on replace
    Column("updated_at", TIMESTAMP, nullable=False),  # last inserted or replaced
    Index(None, "published"),
)

events = Table(
    "events",
    metadata,
    Column("id", ID, primary_key=True),
    Column("article_id", ID, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),  # order within the article's result
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
    Column("event_json", Text, nullable=False),  # Event.to_dict(), the source of truth
    Index(None, "article_id"),
    Index(None, "date"),
    Index(None, "country"),
    Index(None, "event_type"),
)

evidence = Table(
    "evidence",
    metadata,
    Column(
        "event_id",
        ID,
        ForeignKey("events.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("field", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Index(None, "field"),
)


def _article_child(name: str, *columns: Column[Any] | Index) -> Table:
    """A per-article list (mentions, claims, relations) keyed by (article_id, position): its columns and indexes."""
    return Table(
        name,
        metadata,
        Column(
            "article_id",
            ID,
            ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("position", Integer, primary_key=True, autoincrement=False),
        *columns,
        Column("payload", Text, nullable=False),
    )


actor_mentions = _article_child(
    "actor_mentions",
    Column("start", Integer),
    Column("end", Integer),
    Column("text", Text),
    Column("actor", Text),
    Column("actor_type", Text),
    Column("country", Text),
    Column("inter", Integer),
    Index(None, "actor"),
)

place_mentions = _article_child(
    "place_mentions",
    Column("start", Integer),
    Column("end", Integer),
    Column("text", Text),
    Column("geonameid", Integer),
    Column("name", Text),
    Column("admin1", Text),
    Column("country", Text),
    Column("lat", Float),
    Column("lon", Float),
    Index(None, "geonameid"),
)

time_mentions = _article_child(
    "time_mentions",
    Column("start", Integer),
    Column("end", Integer),
    Column("text", Text),
    Column("value", Text),
    Column("precision", Integer),
    Column("anchor", Text),
)

claims = _article_child(
    "claims",
    Column("speaker", Text),
    Column("speaker_actor", Text),
    Column("start", Integer),
    Column("end", Integer),
    Column("text", Text),
)

relations = _article_child(
    "relations",
    Column("subject", Text),
    Column("relation", Text),
    Column("object", Text),
)

ingest_errors = Table(
    "ingest_errors",
    metadata,
    # stable_id(origin, reason): the same bad input reported twice is one row, and a hash key
    # avoids a unique index over unbounded Text (PostgreSQL caps btree entries at ~2.7 kB).
    Column("key", String(32), primary_key=True),
    Column("origin", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("recorded_at", TIMESTAMP, nullable=False),
)

# Children before parents: the order to delete an article's rows in.
ARTICLE_CHILDREN = (actor_mentions, place_mentions, time_mentions, claims, relations)

# -- Version 2: fusion. A fused event is one real-world event; each row of ``events`` is one
# article's report of it. Reports join a fused event through ``fusion_members``.

fused_events = Table(
    "fused_events",
    metadata,
    Column("id", ID, primary_key=True),
    Column("date", Text),
    Column("date_start", Text),
    Column("date_end", Text),
    Column("time_precision", Integer),
    Column("event_type", Text),
    Column("sub_event_type", Text),
    Column("plover_type", Text),
    Column("actor1", Text),
    Column("actor2", Text),
    Column("assoc_actor_1", Text),
    Column("assoc_actor_2", Text),
    Column("location", Text),
    Column("admin1", Text),
    Column("country", Text),
    Column("lat", Float),
    Column("lon", Float),
    Column("geo_precision", Integer),
    Column("fatalities", Integer),
    Column("fatalities_max", Integer),
    Column("injured", Integer),
    Column("n_sources", Integer, nullable=False),
    Column("n_outlets", Integer, nullable=False),
    Column("confidence", Float),
    Column("story_id", ID),
    # Field values fixed by a correction: reconciliation never overwrites them.
    Column("overrides", Text),
    Column("event_json", Text, nullable=False),
    # When the event's content last changed (a rebuild that reproduces it keeps the old value),
    # and when it first appeared (version 3; NULL never written since): the change feed.
    Column("updated_at", TIMESTAMP, nullable=False),
    Column("created_at", TIMESTAMP),
    Index(None, "date"),
    Index(None, "country"),
    Index(None, "event_type"),
    Index(None, "story_id"),
    Index(None, "updated_at"),
)

fusion_members = Table(
    "fusion_members",
    metadata,
    Column("event_id", ID, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("fused_id", ID, nullable=False),
    # The score that joined this report to the fused event and its feature breakdown (JSON), so
    # ``flashpoint explain`` can say why; NULL for the report that founded the fused event.
    Column("score", Float),
    Column("reasons", Text),
    Column("joined_at", TIMESTAMP, nullable=False),
    Index(None, "fused_id"),
)

# Corrections that fusion must respect on every later run: "must" keeps two reports together,
# "cannot" keeps them apart. ``a`` < ``b`` (report event ids), so a pair is stored once.
fusion_constraints = Table(
    "fusion_constraints",
    metadata,
    Column("a", ID, primary_key=True),
    Column("b", ID, primary_key=True),
    Column("kind", String(8), primary_key=True),
    Column("author", Text),
    Column("reason", Text),
    Column("created_at", TIMESTAMP, nullable=False),
)

stories = Table(
    "stories",
    metadata,
    Column("id", ID, primary_key=True),
    Column("title", Text, nullable=False),
    Column("first_date", Text),
    Column("last_date", Text),
    Column("n_events", Integer, nullable=False),
    Column("n_articles", Integer, nullable=False),
    Column("payload", Text, nullable=False),
    Index(None, "first_date"),
)

corrections = Table(
    "corrections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", TIMESTAMP, nullable=False),
    Column("author", Text, nullable=False),
    Column("action", String(16), nullable=False),
    Column("target", ID, nullable=False),
    Column("field", Text),
    Column("old_value", Text),
    Column("new_value", Text),
    Column("reason", Text),
    Index(None, "target"),
)

# MiniLM embeddings of each report's evidence sentence (float16 bytes), computed once.
event_vectors = Table(
    "event_vectors",
    metadata,
    Column("event_id", ID, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("vector", LargeBinary, nullable=False),
)

# -- Version 3: the change feed. A fused event deleted by a merge, or emptied by re-coding, leaves
# a tombstone here so ``export --changed-since`` and the API can report it as removed.
removed_events = Table(
    "removed_events",
    metadata,
    Column("id", ID, primary_key=True),
    Column("removed_at", TIMESTAMP, nullable=False),
    Column("replaced_by", ID),  # the event that absorbed it (a merge), when there is one
    Index(None, "removed_at"),
)

# Rows that hang off a report (``events``) and go when the report goes.
EVENT_CHILDREN = (fusion_members, event_vectors)
