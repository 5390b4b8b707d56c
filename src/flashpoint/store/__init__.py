"""The store: SQLite by default, PostgreSQL by URL, behind one small API (see ``repo.Store``).

Callers import from here, never from the submodules, so the split between schema, migrations and
repository stays free to change.
"""

from flashpoint.store.migrations import LATEST_VERSION, StoreError, migrate
from flashpoint.store.repo import Store, open_existing_store, open_store

__all__ = ["LATEST_VERSION", "Store", "StoreError", "migrate", "open_existing_store", "open_store"]
