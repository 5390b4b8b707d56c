"""What ``flashpoint watch`` has already taken in: feed entries (by link or guid) and folder files
(by path, size and modification time), kept in the store's database.

Items are remembered by a hash of their text (``item_key``: items are unbounded text), in a table
of the watcher's own outside the versioned schema (``store/watch_rows.py``, which holds its SQL
and says why it needs no migration). This module decides what counts as seen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from flashpoint.ingest.clean import replace_surrogates
from flashpoint.model import stable_id
from flashpoint.settings import Settings
from flashpoint.store.watch_rows import SeenRows, watch_seen

__all__ = ["SeenItems", "item_key", "watch_seen"]


def item_key(item: str) -> str:
    return stable_id(item, length=32)


class SeenItems:
    """The seen-set over one database; ``unseen`` and ``mark`` are all a watcher needs."""

    def __init__(self, db_url: str | None = None) -> None:
        self._rows = SeenRows(Settings().db_url if db_url is None else db_url)
        self.url = self._rows.url

    def unseen(self, items: Sequence[str]) -> set[str]:
        """The items never marked (in any source)."""
        keys = {item_key(i): i for i in items}
        known = self._rows.known(keys)
        return {item for key, item in keys.items() if key not in known}

    def mark(self, source: str, items: Iterable[str]) -> None:
        """Remember items as taken in; marking one twice (or by two watchers at once) is harmless."""
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        new = self.unseen(list(dict.fromkeys(items)))
        # The key hashes the item as it is; the text kept for people must be encodable (a file
        # name that is not UTF-8 has lone surrogates).
        self._rows.add([{"key": item_key(i), "source": replace_surrogates(source), "item": replace_surrogates(i),
                         "seen_at": now} for i in sorted(new)])

    def close(self) -> None:
        self._rows.close()
