"""Per-app state: the configuration and one Store, opened lazily and shared by all requests.

Why lazy: a store that cannot be opened (a PostgreSQL server down, a locked file) should make
requests answer 503 with the reason and recover when the database comes back, not stop the
server from starting. Why one Store: its engine pools connections and is thread-safe, and opening
a store runs migrations, which must not happen per request.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from fastapi import Request

from flashpoint.settings import Settings
from flashpoint.store import Store, open_store


@dataclass
class ApiContext:
    db_url: str
    token: str | None
    read_token_required: bool
    settings: Settings
    _store: Store | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def store(self) -> Store:
        """The shared Store; StoreError (answered 503) when it cannot be opened."""
        if self._store is None:
            with self._lock:
                if self._store is None:
                    self._store = open_store(self.db_url)
        return self._store

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None


def get_context(request: Request) -> ApiContext:
    return request.app.state.ctx


def get_store(request: Request) -> Store:
    """FastAPI dependency: the app's Store."""
    return get_context(request).store()
