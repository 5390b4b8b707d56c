"""Shared fixtures: the seed articles and their gold (shipped in the repository, so tests that need
them never skip); the store backends (SQLite always, PostgreSQL where FLASHPOINT_TEST_PG_URL names a
server)."""

import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS_JSONL = ROOT / "examples" / "seeds.jsonl"
SEEDS_GOLD = ROOT / "tests" / "data" / "seeds.gold.json"


@pytest.fixture(scope="session")
def seeds_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed articles as the team's share lays them out (``seeds/ID.txt`` beside
    ``gold/seeds.gold.json``), written from the repository's own copies.

    Why written, not read from ``../shared``: the acceptance tests must run (and fail) from a
    clone alone, under CI too; the texts in ``examples/seeds.jsonl`` are the share's files byte
    for byte, and the gold is vendored in ``tests/data/``."""
    base = tmp_path_factory.mktemp("shared")
    folder = base / "seeds"
    folder.mkdir()
    for line in SEEDS_JSONL.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        (folder / f"{item['id']}.txt").write_bytes(item["text"].encode("utf-8"))
    (base / "gold").mkdir()
    shutil.copyfile(SEEDS_GOLD, base / "gold" / "seeds.gold.json")
    return folder


# ------------------------------------------------------------------ store backends
#
# Store tests run on SQLite and on PostgreSQL. The PostgreSQL server comes from
# FLASHPOINT_TEST_PG_URL (a role that may create schemas in its database); each test gets a schema
# of its own, created for it and dropped after. Locally, without the variable, the PostgreSQL variants are
# skipped; in CI (CI set) a missing or unreachable server fails them: parity must be proven there.

PG_URL_ENV = "FLASHPOINT_TEST_PG_URL"
BACKENDS = ("sqlite", "postgresql")


def _pg_unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the PostgreSQL store tests", pytrace=False)
    pytest.skip(reason)


class _PgSchemas:
    """Creates uniquely named schemas on the test server and drops them all at teardown.

    Why schemas and not databases: CREATE DATABASE copies a template (about a second each on
    PostgreSQL 15); a schema is created in milliseconds and isolates as well, since Flashpoint
    names its tables unqualified and the URL's ``search_path`` puts the schema first.
    """

    def __init__(self, raw_url: str) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url
        from sqlalchemy.pool import NullPool

        from flashpoint.store.repo import _installed_pg_driver

        self.url = _installed_pg_driver(make_url(raw_url))
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.created: list[str] = []

    def new(self) -> str:
        from sqlalchemy.exc import DBAPIError

        name = f"fp_test_{uuid.uuid4().hex[:16]}"
        try:
            with self.admin.connect() as conn:
                conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')
        except DBAPIError as exc:
            shown = self.url.render_as_string(hide_password=True)
            message = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            pytest.fail(f"PostgreSQL at {shown} ({PG_URL_ENV}) is unusable: {message}", pytrace=False)
        self.created.append(name)
        url = self.url.update_query_dict({"options": f"-csearch_path={name}"})
        return url.render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as conn:
            for name in self.created:
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        self.admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def new_db_url(db_backend: str, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """A factory of empty databases on the test's backend: a SQLite file, or a fresh schema of
    the PostgreSQL test database (dropped after the test)."""
    if db_backend == "sqlite":
        count = iter(range(1_000_000))
        yield lambda: str(tmp_path / f"fp-{next(count)}.db")
        return
    yield from _pg_schemas()


def _pg_schemas() -> Iterator[Callable[[], str]]:
    raw = os.environ.get(PG_URL_ENV)
    if not raw:
        _pg_unavailable(f"{PG_URL_ENV} is not set")
    pg = _PgSchemas(raw)
    try:
        yield pg.new
    finally:
        pg.drop_all()


@pytest.fixture
def db_url(new_db_url: Callable[[], str]) -> str:
    """One empty database on the test's backend."""
    return new_db_url()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """One empty PostgreSQL database (schema), for tests that compare it with SQLite."""
    for new in _pg_schemas():
        yield new()
