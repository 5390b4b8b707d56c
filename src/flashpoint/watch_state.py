"""What ``flashpoint watch`` has already taken in: feed entries (by link or guid) and folder files
(by path, size and modification time), kept in the store's database.

Why a table of its own, outside the versioned schema: it is the watcher's bookkeeping, not data
anyone queries; losing it costs one pass of re-fetching (content hashes still keep articles from
being stored twice). It is created on first use with ``checkfirst``, so it needs no migration and
a store that never watched anything never has it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timezone

from sqlalchemy import Column, MetaData, String, Table, Text, insert, inspect, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from flashpoint.ingest.clean import replace_surrogates
from flashpoint.model import stable_id
from flashpoint.settings import Settings
from flashpoint.store import StoreError
from flashpoint.store.migrations import WRITE_TRANSACTION
from flashpoint.store.repo import make_engine
from flashpoint.store.schema import NAMING_CONVENTION

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


def item_key(item: str) -> str:
    return stable_id(item, length=32)


class SeenItems:
    """The seen-set over one database; ``unseen`` and ``mark`` are all a watcher needs."""

    def __init__(self, db_url: str | None = None) -> None:
        self._engine, self.url = make_engine(Settings().db_url if db_url is None else db_url)
        try:
            watch_seen.create(self._engine, checkfirst=True)
        except DBAPIError:
            # Another watcher created it between our check and our CREATE: fine if it is there now.
            if not inspect(self._engine).has_table(watch_seen.name):
                self._engine.dispose()
                raise StoreError(f"cannot create the watch table in {self.url}") from None

    def unseen(self, items: Sequence[str]) -> set[str]:
        """The items never marked (in any source)."""
        keys = {item_key(i): i for i in items}
        known: set[str] = set()
        ordered = list(keys)
        with self._engine.connect() as conn:
            for start in range(0, len(ordered), _QUERY_CHUNK):
                chunk = ordered[start : start + _QUERY_CHUNK]
                known.update(conn.execute(select(watch_seen.c.key).where(watch_seen.c.key.in_(chunk))).scalars())
        return {item for key, item in keys.items() if key not in known}

    def mark(self, source: str, items: Iterable[str]) -> None:
        """Remember items as taken in; marking one twice (or by two watchers at once) is harmless."""
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        new = self.unseen(list(dict.fromkeys(items)))
        # The key hashes the item as it is; the text kept for people must be encodable (a file
        # name that is not UTF-8 has lone surrogates).
        rows = [{"key": item_key(i), "source": replace_surrogates(source), "item": replace_surrogates(i),
                 "seen_at": now} for i in sorted(new)]
        if not rows:
            return
        writer = self._engine.execution_options(**{WRITE_TRANSACTION: True})
        try:
            with writer.begin() as conn:
                conn.execute(insert(watch_seen), rows)
        except IntegrityError:  # a concurrent watcher marked some of them: insert the rest one by one
            for row in rows:
                try:
                    with writer.begin() as conn:
                        conn.execute(insert(watch_seen), [row])
                except IntegrityError:
                    pass

    def close(self) -> None:
        self._engine.dispose()
