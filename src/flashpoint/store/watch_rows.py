"""The ``watch_seen`` table: what ``flashpoint watch`` has already taken in, by item key.

Why a table of its own, outside the versioned schema: it is the watcher's bookkeeping, not data
anyone queries; losing it costs one pass of re-fetching (content hashes still keep articles from
being stored twice). It is created on first use with ``checkfirst``, so it needs no migration and
a store that never watched anything never has it. Which items are keyed how, and when they count
as seen, is ``watch_state.py``'s business; the SQL is here, with the rest of the store's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import Column, MetaData, String, Table, Text, insert, inspect, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from .migrations import WRITE_TRANSACTION, StoreError
from .repo import make_engine
from .schema import NAMING_CONVENTION

metadata = MetaData(naming_convention=NAMING_CONVENTION)

watch_seen = Table(
    "watch_seen",
    metadata,
    Column("key", String(32), primary_key=True),  # stable_id(item): items are unbounded text
    Column("source", Text, nullable=False),  # the feed URL or folder it was first seen in
    Column("item", Text, nullable=False),  # entry link or guid; file path, size and mtime
    Column("seen_at", String(32), nullable=False),
)

_QUERY_CHUNK = 500  # keys per IN (...): well under every backend's parameter limit


class SeenRows:
    """The seen table of one database (``db_url``: a path or URL, as the store takes)."""

    def __init__(self, db_url: str) -> None:
        self._engine, self.url = make_engine(db_url)
        try:
            watch_seen.create(self._engine, checkfirst=True)
        except DBAPIError:
            # Another watcher created it between our check and our CREATE: fine if it is there now.
            if not inspect(self._engine).has_table(watch_seen.name):
                self._engine.dispose()
                raise StoreError(f"cannot create the watch table in {self.url}") from None

    def known(self, keys: Iterable[str]) -> set[str]:
        """The given keys that are stored."""
        ordered = list(keys)
        known: set[str] = set()
        with self._engine.connect() as conn:
            for start in range(0, len(ordered), _QUERY_CHUNK):
                chunk = ordered[start : start + _QUERY_CHUNK]
                known.update(conn.execute(select(watch_seen.c.key).where(watch_seen.c.key.in_(chunk))).scalars())
        return known

    def add(self, rows: Sequence[Mapping[str, str]]) -> None:
        """Insert rows of (key, source, item, seen_at); a key another writer stored meanwhile is
        kept as it is (the rest are inserted one by one)."""
        if not rows:
            return
        writer = self._engine.execution_options(**{WRITE_TRANSACTION: True})
        try:
            with writer.begin() as conn:
                conn.execute(insert(watch_seen), list(rows))
        except IntegrityError:  # a concurrent watcher marked some of them: insert the rest one by one
            for row in rows:
                try:
                    with writer.begin() as conn:
                        conn.execute(insert(watch_seen), [row])
                except IntegrityError:
                    pass

    def close(self) -> None:
        self._engine.dispose()


__all__ = ["SeenRows", "watch_seen"]
