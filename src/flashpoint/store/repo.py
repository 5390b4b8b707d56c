"""The Store: the only place in Flashpoint with side effects, over SQLite (default) or PostgreSQL.

Why idempotent by content hash: re-running a batch must not duplicate or even touch what is
already stored, so a rerun is cheap and two runs over the same input leave identical rows. An
article is rewritten only when the caller asks (``replace=True``), e.g. after the extractor changed.

Why one transaction per article: a crash mid-batch leaves every article either fully stored or
absent, never an article without its events.

Why errors become ``StoreError`` with one line: the CLI and the API print the message as is; a
SQLAlchemy traceback tells a user nothing about the bad URL or the locked file they can fix.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import (
    URL,
    Connection,
    Engine,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    text as sql_text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    IntegrityError,
    NoSuchModuleError,
)

from flashpoint.model import Article, DocumentResult, Event, IngestError, stable_id
from flashpoint.settings import Settings
from flashpoint.store import schema as s
from flashpoint.store.changes import ChangeReads
from flashpoint.store.checks import check_count as _check_count
from flashpoint.store.fused_columns import FusedColumns
from flashpoint.store.fused_reads import FusedReads, common_conditions
from flashpoint.store.fusion_rows import FusionTables
from flashpoint.store.migrations import (
    WRITE_TRANSACTION,
    StoreError,
    current_version,
    migrate,
)
from flashpoint.store.search import ArticleSearch
from flashpoint.store.vocabulary import VocabularyReads

try:
    import fcntl
except ImportError:  # not POSIX: SQLite stores go without the cross-process fusion lock
    fcntl = None  # type: ignore[assignment]

__all__ = ["Store", "StoreError", "make_engine", "open_existing_store", "open_store"]

_SQLITE_BUSY_TIMEOUT_S = 30
# Module SQLAlchemy failed to import -> what to pip install (SQLAlchemy 2.1 defaults
# postgresql:// to psycopg 3, 2.0 to psycopg2).
_DRIVER_PACKAGES = {"psycopg": "'psycopg[binary]'", "psycopg2": "psycopg2-binary"}
_PASSWORD = re.compile(r"(://[^:/@]*:)[^@]*@")


def _one_line(exc: BaseException) -> str:
    """The driver's own message, first line only (SQLAlchemy appends SQL and a docs link)."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return text[0] if text else type(orig).__name__


def _hide_password(raw: str) -> str:
    return _PASSWORD.sub(r"\1***@", raw)


def _parse_url(raw: str) -> URL:
    """A SQLAlchemy URL; a bare path (no ``scheme://``) means a SQLite file."""
    raw = raw.strip()
    if not raw:
        raise StoreError(
            "empty database URL; give a file path or a URL like sqlite:///flashpoint.db"
        )
    if "://" not in raw:
        return URL.create("sqlite", database=str(Path(raw).expanduser()))
    try:
        return make_url(raw)
    except ArgumentError:
        raise StoreError(
            f"not a database URL: {_hide_password(raw)} "
            "(expected a file path, sqlite:///FILE or postgresql://USER@HOST/DB)"
        ) from None


def _is_sqlite_file(url: URL) -> bool:
    db = url.database or ""
    return (
        url.get_backend_name() == "sqlite"
        and bool(db)
        and db != ":memory:"
        and not db.startswith("file:")
        and url.query.get("mode") != "memory"
    )


def _enable_wal(cursor: Any) -> None:
    """Switch the file to WAL, retrying while another connection holds the lock.

    Why a loop: changing the journal mode needs an exclusive lock, and SQLite answers "database is
    locked" at once, without consulting the busy timeout, when several processes open a brand-new
    file together. The mode is persistent, so only the first opener of a file ever waits here.
    """
    deadline = time.monotonic() + _SQLITE_BUSY_TIMEOUT_S
    delay = 0.01
    if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
        return  # already (the mode is kept in the file): asking again would write, and fail on a read-only store
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def _configure_sqlite(engine: Engine, *, read_only: bool = False) -> None:
    """WAL, foreign keys and SQLAlchemy-controlled BEGIN on every new SQLite connection.

    WAL lets readers (the dashboard) run while a batch writes. ``isolation_level = None`` plus
    our own BEGIN is SQLAlchemy's documented recipe for real transactions on Python < 3.12:
    without it the sqlite3 module would commit DDL on its own and migrations would not be atomic.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            if read_only:
                return
            _enable_wal(cursor)
            # With WAL, NORMAL cannot corrupt the file; a power cut may drop the last commits,
            # which a rerun restores (saves are idempotent).
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(WRITE_TRANSACTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _installed_pg_driver(url: URL) -> URL:
    """A bare ``postgresql://`` URL uses whichever PostgreSQL driver is installed.

    Why: SQLAlchemy 2.1 maps it to psycopg 3 and 2.0 to psycopg2, while Flashpoint pins
    psycopg2-binary; a team's URL should work as written, not only as ``postgresql+psycopg2://``.
    An explicit driver (``postgresql+psycopg://``) is left as the user wrote it.
    """
    if url.drivername != "postgresql":
        return url
    for module in ("psycopg", "psycopg2"):
        if importlib.util.find_spec(module) is not None:
            return url.set(drivername=f"postgresql+{module}")
    return url


def make_engine(raw_url: str) -> tuple[Engine, str]:
    """An engine for ``raw_url`` and the URL to show users (password hidden).

    Raises StoreError for a URL that cannot work: unknown backend, missing driver, a SQLite
    file whose directory cannot be created.
    """
    url = _parse_url(raw_url)
    shown = url.render_as_string(hide_password=True)
    if _is_sqlite_file(url):
        parent = Path(url.database or "").parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create directory {parent} for {shown}: {exc.strerror or exc}"
            ) from None
    read_only = _is_sqlite_file(url) and _read_only_file(Path(url.database or ""))
    if read_only:
        url = _read_only_url(url)
    kwargs: dict[str, Any] = {}
    if url.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"timeout": _SQLITE_BUSY_TIMEOUT_S}
    url = _installed_pg_driver(url)
    try:
        engine = create_engine(url, **kwargs)
    except NoSuchModuleError:
        raise StoreError(
            f"unsupported database type {url.drivername!r} in {shown} "
            "(use a file path, sqlite:///FILE or postgresql://USER@HOST/DB)"
        ) from None
    except ImportError as exc:
        package = _DRIVER_PACKAGES.get(exc.name or "", exc.name or "the driver")
        raise StoreError(
            f"the database driver for {shown} is not installed ({exc}); pip install {package}"
        ) from None
    except ArgumentError as exc:
        raise StoreError(f"bad database URL {shown}: {_one_line(exc)}") from None
    if url.get_backend_name() == "sqlite":
        _configure_sqlite(engine, read_only=read_only)
    return engine, shown


def _read_only_file(path: Path) -> bool:
    """An existing SQLite file this process may read but not write (nor create its WAL files
    beside): a store shared read-only, a backup, a file on a read-only mount."""
    return path.is_file() and (not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK))


def _read_only_url(url: URL) -> URL:
    """The URL that opens a read-only SQLite file for reading.

    Why ``immutable``: a store in WAL mode needs its ``-shm`` file, which a reader that may not
    write cannot create, so even ``mode=ro`` fails ("attempt to write a readonly database").
    Immutable tells SQLite that nobody changes the file while it is open, which holds for a file
    no one here may write; a writer with more rights changing it meanwhile is the one case it
    does not cover (a reader then sees the file as it was)."""
    path = quote(str(Path(url.database or "").resolve()))
    return url.set(database=f"file:{path}", query={"mode": "ro", "immutable": "1", "uri": "true"})


def open_store(url: str | None = None) -> Store:
    """Open the store at ``url`` (default ``Settings().db_url``), creating or upgrading it."""
    engine, shown = make_engine(Settings().db_url if url is None else url)
    try:
        migrate(engine)
    except StoreError as exc:
        engine.dispose()
        raise StoreError(f"cannot open {shown}: {exc}") from None
    except DBAPIError as exc:
        engine.dispose()
        raise StoreError(f"cannot open {shown}: {_one_line(exc)}") from None
    return Store(engine, shown)


def open_existing_store(url: str | None = None) -> Store:
    """Open a store that must already exist, for commands that only read.

    Why: ``open_store`` creates a missing SQLite file, right for ``run`` but wrong for ``events``
    typed in the wrong folder, which would leave an empty ``flashpoint.db`` behind and print
    nothing. A missing file (or its missing folder) is a StoreError here and nothing is created;
    a server URL (PostgreSQL) names a database that exists or fails to connect, and opens as usual.
    """
    raw = Settings().db_url if url is None else url
    parsed = _parse_url(raw)
    if _is_sqlite_file(parsed) and not Path(parsed.database or "").exists():
        raise StoreError(f"no store at {parsed.database}; `flashpoint run` creates one "
                         "(or give --db / $FLASHPOINT_DB)")
    return open_store(raw)


def _utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _dumps(obj: Any) -> str:
    """Compact JSON with the producer's key order: the same record gives the same bytes."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------- rows from a DocumentResult


def _article_row(result: DocumentResult, record: dict[str, Any], ingested_at: str,
                 updated_at: str) -> dict[str, Any]:
    a = result.article
    meta = a.to_dict()
    del meta["text"]
    return {
        "id": a.id,
        "doc_id": a.doc_id,
        "title": a.title,
        "source": a.source,
        "url": a.url,
        "published": a.published,
        "origin": a.origin,
        "text": a.text,
        "body_start": a.body_start,
        "extractor_version": result.extractor_version,
        "article_json": _dumps(meta),
        "result_json": _dumps(record),
        "ingested_at": ingested_at,
        "updated_at": updated_at,
    }


def _event_row(e: Event, d: dict[str, Any], article_id: str, position: int) -> dict[str, Any]:
    """``d``: the event's JSON form, as the result's own record holds it (left unchanged)."""
    if d["article_id"] is None:
        d = {**d, "article_id": article_id}
    elif d["article_id"] != article_id:
        raise StoreError(
            f"event {e.id} names article {d['article_id']} but was saved with article {article_id}"
        )
    loc, acled, plover = e.location, e.acled, e.plover
    return {
        "id": e.id,
        "article_id": article_id,
        "position": position,
        "date": e.date,
        "date_start": e.date_start,
        "date_end": e.date_end,
        "time_precision": e.time_precision,
        "event_type": acled.event_type if acled else None,
        "sub_event_type": acled.sub_event_type if acled else None,
        "interaction": acled.interaction if acled else None,
        "plover_type": plover.type if plover else None,
        "plover_mode": plover.mode if plover else None,
        "actor1": e.actor1,
        "actor2": e.actor2,
        "assoc_actor_1": e.assoc_actor_1,
        "assoc_actor_2": e.assoc_actor_2,
        "inter1": e.inter1,
        "inter2": e.inter2,
        "location": loc.name if loc else None,
        "admin1": loc.admin1 if loc else None,
        "country": loc.country if loc else None,
        "geonameid": loc.geonameid if loc else None,
        "lat": loc.lat if loc else None,
        "lon": loc.lon if loc else None,
        "geo_precision": loc.geo_precision if loc else None,
        "fatalities": e.fatalities,
        "injured": e.injured,
        "modality": e.modality,
        "confidence": d["confidence"],
        "event_json": _dumps(d),
    }


def _child_rows(result: DocumentResult, record: dict[str, Any]) -> dict[Any, list[dict[str, Any]]]:
    """Rows for the per-article tables: key columns to query by, the full record as payload.
    ``record``: the result's JSON form, whose lists hold each item already serialised."""
    aid = result.article.id

    def rows(items: Sequence[dict[str, Any]], keys: Sequence[str]) -> list[dict[str, Any]]:
        out = []
        for i, payload in enumerate(items):
            row = {"article_id": aid, "position": i, "payload": _dumps(payload)}
            row.update({k: payload.get(k) for k in keys})
            out.append(row)
        return out

    relation_rows = rows(record["relations"], ("subject", "relation", "object"))
    return {
        s.actor_mentions: rows(
            record["actors"], ("start", "end", "text", "actor", "actor_type", "country", "inter")
        ),
        s.place_mentions: rows(
            record["places"],
            ("start", "end", "text", "geonameid", "name", "admin1", "country", "lat", "lon"),
        ),
        s.time_mentions: rows(
            record["times"], ("start", "end", "text", "value", "precision", "anchor")
        ),
        s.claims: rows(record["claims"], ("speaker", "speaker_actor", "start", "end", "text")),
        s.relations: relation_rows,
    }


def _result_rows(result: DocumentResult, now: str) -> dict[Any, list[dict[str, Any]]]:
    """Every row one result adds, by table, in an order foreign keys accept (the article first).
    Built before a transaction opens; the article's ``ingested_at`` is ``now`` until the save
    finds an older coding to keep the date of."""
    aid = result.article.id
    for kind, value in (("article", aid), *(("event", e.id) for e in result.events)):
        if not value or len(value) > s.ID_LENGTH:
            raise StoreError(f"{kind} id {value!r} must be 1 to {s.ID_LENGTH} characters")
    record = result.to_dict(include_text=False)  # serialised once: the rows reuse its parts
    event_ids = {e.id for e in result.events}
    return {
        s.articles: [_article_row(result, record, now, now)],
        s.events: [_event_row(e, d, aid, i)
                   for i, (e, d) in enumerate(zip(result.events, record["events"], strict=True))],
        s.evidence: [
            {"event_id": e.id, "position": j, "field": ev.field, "start": ev.start,
             "end": ev.end, "text": ev.text}
            for e in result.events
            for j, ev in enumerate(e.evidence)
        ],
        s.event_vectors: [{"event_id": eid, "vector": blob}
                          for eid, blob in result.vectors.items() if eid in event_ids],
        **_child_rows(result, record),
    }


# ---------------------------------------------------------------- the store


class Store(FusedReads, ChangeReads, VocabularyReads, FusedColumns, ArticleSearch, FusionTables):
    """One database. Methods return plain dicts shaped like the JSON contract, ready for output.

    Every SQL statement of Flashpoint is in this package: this module saves and reads articles
    and reports, and each mixin holds one concern's queries (fused events, the change feed,
    filter vocabularies, aggregate columns, search, the fusion tables), so the rest of the code
    asks the store by name and never writes SQL."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.url = url
        self._engine = engine
        self._writer = engine.execution_options(**{WRITE_TRANSACTION: True})

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    @contextmanager
    def _tx(self, *, write: bool = False) -> Iterator[Connection]:
        """A transaction; database failures other than constraint violations become StoreError."""
        try:
            with (self._writer if write else self._engine).begin() as conn:
                yield conn
        except (IntegrityError, StoreError):
            raise
        except DBAPIError as exc:
            raise StoreError(f"database error on {self.url}: {_one_line(exc)}") from None

    def transaction(self, *, write: bool = False) -> Any:
        """A transaction (a SQLAlchemy connection) for the store's own mixins, and for tests that
        look at rows directly; other packages use the store's methods (fusion: ``fusion_rows``)."""
        return self._tx(write=write)

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        """Hold the store-wide lock ``name`` for the block: one holder at a time, across processes
        and machines; a holder that dies (even by kill -9) releases it.

        Why: fusion reads the pending reports and writes their fused events in separate, chunked
        transactions (so that a long fusion holds no write lock for minutes and resumes where it
        stopped), and two writers fusing at once (two runs, or an API ingest during a run) placed
        the same reports twice. Fusion and corrections take this lock; a second writer waits, then
        fuses what is still pending. PostgreSQL: a session-level advisory lock on a connection
        of its own. SQLite: an advisory lock (``flock``) on a file beside the database, since
        SQLite has no named locks and its own write lock would also shut out the holder's other
        connections. An in-memory database has one process, which needs no lock.
        """
        if self._engine.dialect.name == "postgresql":
            key = int.from_bytes(hashlib.sha256(f"flashpoint {name} {self.url}".encode()).digest()[:8],
                                 "big", signed=True)
            with self._engine.connect() as conn:
                conn.execute(sql_text("SELECT pg_advisory_lock(:k)"), {"k": key})
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute(sql_text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    conn.commit()
            return
        database = self._engine.url.database
        if fcntl is None or not _is_sqlite_file(self._engine.url) or not database:
            yield
            return
        path = Path(f"{database}-{name}.lock")
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except OSError as exc:
            raise StoreError(f"cannot take the {name} lock of {self.url} ({path}): "
                             f"{exc.strerror or exc}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    # -- writing

    def save_result(self, result: DocumentResult, *, replace: bool = False) -> str:
        """Store one article's result: "inserted", "unchanged" (already there) or "replaced"."""
        aid = result.article.id
        rows = _result_rows(result, _utc_now())
        try:
            with self._tx(write=True) as conn:
                first_saved = conn.execute(
                    select(s.articles.c.ingested_at).where(s.articles.c.id == aid)
                ).scalar()
                return self._write(conn, rows, first_saved, replace)
        except IntegrityError as exc:
            if not replace and self.has_article(aid):
                return "unchanged"  # another writer stored the same article a moment ago
            raise self._explain_conflict(result, exc) from None

    def save_results(self, results: Sequence[DocumentResult], *,
                     replace: Sequence[bool]) -> list[str | StoreError]:
        """Store several articles' results (``replace``: one flag per result, as in
        ``save_result``) in one transaction; per result, what ``save_result`` returns, or the
        ``StoreError`` it raises (that result is not stored, the others are).

        Why together: a transaction and a handful of statements per article were most of what a
        run's saving process spent, and with N workers that process shares the cores with them.
        All of them or none are stored, so a run killed meanwhile still leaves every article
        whole or absent. On a conflict each is saved on its own, so one bad result costs only
        itself. A database that fails as a whole (unreachable, read-only) still raises.
        """
        if len(replace) != len(results):
            raise ValueError("save_results needs one replace flag per result")
        aids = [r.article.id for r in results]
        if len(results) < 2 or len(set(aids)) < len(aids):
            return self._save_each(results, replace)
        now = _utc_now()
        try:
            prepared = [_result_rows(r, now) for r in results]
        except StoreError:  # a malformed id: find which, save the rest
            return self._save_each(results, replace)
        try:
            with self._tx(write=True) as conn:
                stored = dict(conn.execute(
                    select(s.articles.c.id, s.articles.c.ingested_at).where(s.articles.c.id.in_(aids))
                ).all())
                tables: dict[Any, list[dict[str, Any]]] = {}
                saved = [self._write(conn, rows, stored.get(aid), flag, into=tables)
                         for rows, aid, flag in zip(prepared, aids, replace, strict=True)]
                for table, rows in tables.items():
                    if rows:
                        conn.execute(insert(table), rows)
            return list(saved)
        except IntegrityError:
            return self._save_each(results, replace)

    def _save_each(self, results: Sequence[DocumentResult],
                   replace: Sequence[bool]) -> list[str | StoreError]:
        """One transaction per result: the fallback that isolates the result a batch failed on."""
        out: list[str | StoreError] = []
        for result, flag in zip(results, replace, strict=True):
            try:
                out.append(self.save_result(result, replace=flag))
            except StoreError as exc:
                out.append(exc)
        return out

    def _write(self, conn: Connection, rows: dict[Any, list[dict[str, Any]]], first_saved: str | None,
               replace: bool, *, into: dict[Any, list[dict[str, Any]]] | None = None) -> str:
        """One result's part of a save: clear its older coding when it is to be replaced, then
        insert its rows now, or (``into``) add them to the rows a group inserts together. An error
        recorded earlier for the same input (a worker that died, a failed parse) is stale once its
        article is stored, and goes, so ``articles --errors`` lists only what is still missing."""
        article = rows[s.articles][0]
        conn.execute(delete(s.ingest_errors).where(
            s.ingest_errors.c.origin == (article["origin"] or article["id"])))
        if first_saved is not None and not replace:
            return "unchanged"
        if first_saved is not None:
            self._delete_article(conn, rows[s.articles][0]["id"])
            rows[s.articles][0]["ingested_at"] = first_saved  # a re-coding keeps its first date
        for table, table_rows in rows.items():
            if into is not None:
                into.setdefault(table, []).extend(table_rows)
            elif table_rows:
                conn.execute(insert(table), table_rows)
        return "replaced" if first_saved is not None else "inserted"

    @staticmethod
    def _delete_article(conn: Connection, article_id: str) -> None:
        """Children first, explicitly: no reliance on the backend honouring ON DELETE CASCADE."""
        event_ids = select(s.events.c.id).where(s.events.c.article_id == article_id)
        conn.execute(delete(s.evidence).where(s.evidence.c.event_id.in_(event_ids)))
        # Fused events that lose a report here are recomputed by the next fusion pass, which
        # finds them by their stale source count.
        for table in s.EVENT_CHILDREN:
            conn.execute(delete(table).where(table.c.event_id.in_(event_ids)))
        conn.execute(delete(s.events).where(s.events.c.article_id == article_id))
        for table in s.ARTICLE_CHILDREN:
            conn.execute(delete(table).where(table.c.article_id == article_id))
        conn.execute(delete(s.articles).where(s.articles.c.id == article_id))

    def _explain_conflict(self, result: DocumentResult, exc: IntegrityError) -> StoreError:
        aid = result.article.id
        ids = [e.id for e in result.events]
        seen: set[str] = set()
        for event_id in ids:
            if event_id in seen:
                return StoreError(f"article {aid}: event id {event_id} occurs twice in its result")
            seen.add(event_id)
        if ids:
            with self._tx() as conn:
                clash = conn.execute(
                    select(s.events.c.id, s.events.c.article_id)
                    .where(s.events.c.id.in_(ids), s.events.c.article_id != aid)
                    .order_by(s.events.c.id)
                ).first()
            if clash is not None:
                return StoreError(
                    f"article {aid}: event id {clash.id} is already stored for article "
                    f"{clash.article_id}; event ids must be unique"
                )
        return StoreError(f"cannot save article {aid}: {_one_line(exc)}")

    def record_error(self, error: IngestError) -> None:
        """Remember an input that could not be read; the same (origin, reason) is kept once."""
        key = stable_id(error.origin, error.reason, length=32)
        try:
            with self._tx(write=True) as conn:
                exists = conn.execute(
                    select(s.ingest_errors.c.key).where(s.ingest_errors.c.key == key)
                ).first()
                if exists is None:
                    conn.execute(
                        insert(s.ingest_errors).values(
                            key=key, origin=error.origin, reason=error.reason,
                            recorded_at=_utc_now(),
                        )
                    )
        except IntegrityError:
            pass  # recorded by a concurrent writer: exactly the outcome wanted

    # -- reading articles

    def has_article(self, article_id: str) -> bool:
        with self._tx() as conn:
            return conn.execute(
                select(s.articles.c.id).where(s.articles.c.id == article_id)
            ).first() is not None

    def article_extractor_version(self, article_id: str) -> str | None:
        """None both for an unknown article and for one saved without a version."""
        return self.article_state(article_id)[1]

    def article_state(self, article_id: str) -> tuple[bool, str | None]:
        """(stored at all, extractor version it was coded by): one query where a run over a
        million articles would otherwise ask twice per article."""
        with self._tx() as conn:
            row = conn.execute(
                select(s.articles.c.extractor_version).where(s.articles.c.id == article_id)
            ).first()
        return (False, None) if row is None else (True, row[0])

    def _n_events(self) -> Any:
        return (
            select(func.count())
            .where(s.events.c.article_id == s.articles.c.id)
            .scalar_subquery()
            .label("n_events")
        )

    def articles(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Article metadata and event counts, without text; by publication date, then id."""
        _check_count("limit", limit)
        a = s.articles.c
        stmt = (
            select(a.id, a.doc_id, a.title, a.published, a.source, a.url, a.origin,
                   a.extractor_version, a.ingested_at, a.updated_at, self._n_events())
            .order_by(a.published.is_(None), a.published, a.id)
            .limit(limit)
        )
        with self._tx() as conn:
            rows = conn.execute(stmt).all()
        return [
            {"article_id": r.id, "id": r.doc_id, "title": r.title, "published": r.published,
             "source": r.source, "url": r.url, "origin": r.origin,
             "extractor_version": r.extractor_version, "ingested_at": r.ingested_at,
             "updated_at": r.updated_at, "n_events": r.n_events}
            for r in rows
        ]

    def article(self, article_id: str) -> dict[str, Any] | None:
        """``Article.to_dict()`` (text included) plus version, timestamps and event count."""
        a = s.articles.c
        with self._tx() as conn:
            r = conn.execute(
                select(a.article_json, a.text, a.extractor_version, a.ingested_at,
                       a.updated_at, self._n_events())
                .where(a.id == article_id)
            ).first()
        if r is None:
            return None
        d = json.loads(r.article_json)
        d["text"] = r.text
        d.update(extractor_version=r.extractor_version, ingested_at=r.ingested_at,
                 updated_at=r.updated_at, n_events=r.n_events)
        return d

    def result(self, article_id: str) -> DocumentResult | None:
        """The DocumentResult as it was saved (the extractor's output, before any later edits)."""
        a = s.articles.c
        with self._tx() as conn:
            r = conn.execute(
                select(a.article_json, a.text, a.result_json).where(a.id == article_id)
            ).first()
        if r is None:
            return None
        article = Article.from_dict({**json.loads(r.article_json), "text": r.text})
        return DocumentResult.from_dict(json.loads(r.result_json), article)

    # -- reading events

    def _event_query(self) -> Any:
        a = s.articles.c
        return select(
            s.events.c.event_json, a.id, a.doc_id, a.title, a.source, a.published, a.url
        ).join(s.articles, s.events.c.article_id == a.id)

    @staticmethod
    def _event_dict(r: Any) -> dict[str, Any]:
        d = json.loads(r.event_json)
        d["article"] = {"article_id": r.id, "id": r.doc_id, "title": r.title,
                        "source": r.source, "published": r.published, "url": r.url}
        return d

    def events(
        self,
        *,
        limit: int | None = None,
        offset: int = 0,
        since: str | None = None,
        until: str | None = None,
        country: str | None = None,
        event_type: str | None = None,
        newest_first: bool = False,
    ) -> list[dict[str, Any]]:
        """Events with their article, by date (undated last) then id, so pages are stable;
        ``newest_first`` reverses the date order (undated still last).

        ``since``/``until`` are inclusive ISO dates (day, month or year) and select events whose
        date or date range overlaps them. ``country`` matches the location's country and
        ``event_type`` the ACLED event type, ACLED sub-event type or PLOVER type; both ignore case.
        """
        _check_count("limit", limit)
        _check_count("offset", offset)
        e = s.events.c
        conditions = common_conditions(e, since=since, until=until, country=country,
                                       event_type=event_type)
        sort_day = func.coalesce(e.date, e.date_start)
        stmt = (
            self._event_query()
            .where(*conditions)
            .order_by(sort_day.is_(None), sort_day.desc() if newest_first else sort_day, e.id)
            .limit(limit)
            .offset(offset or None)
        )
        with self._tx() as conn:
            return [self._event_dict(r) for r in conn.execute(stmt)]

    def event(self, event_id: str) -> dict[str, Any] | None:
        with self._tx() as conn:
            r = conn.execute(self._event_query().where(s.events.c.id == event_id)).first()
        return None if r is None else self._event_dict(r)

    # -- actors and their relations

    def actors(self, *, limit: int | None = None, min_mentions: int = 1) -> list[dict[str, Any]]:
        """Actors mentioned in stored articles with mention and article counts, most mentioned first."""
        _check_count("limit", limit)
        m = s.actor_mentions.c
        mentions = func.count().label("mentions")
        stmt = (
            select(m.actor, func.max(m.actor_type).label("actor_type"), func.max(m.country).label("country"),
                   func.max(m.inter).label("inter"), mentions,
                   func.count(func.distinct(m.article_id)).label("articles"))
            .where(m.actor.is_not(None))
            .group_by(m.actor)
            .having(func.count() >= min_mentions)
            .order_by(mentions.desc(), m.actor)
            .limit(limit)
        )
        with self._tx() as conn:
            return [dict(r._mapping) for r in conn.execute(stmt)]

    def relations(self) -> list[dict[str, Any]]:
        """Every stored relation telling, with its article: the graph merges them."""
        r = s.relations.c
        stmt = select(r.article_id, r.subject, r.relation, r.object, r.payload).order_by(
            r.subject, r.relation, r.object, r.article_id, r.position)
        with self._tx() as conn:
            rows = conn.execute(stmt).all()
        out = []
        for row in rows:
            payload = json.loads(row.payload)
            out.append({"article_id": row.article_id, "subject": row.subject, "relation": row.relation,
                        "object": row.object, "evidence": payload.get("evidence")})
        return out

    # -- the rest

    def errors(self) -> list[dict[str, Any]]:
        """Recorded bad inputs, oldest first."""
        t = s.ingest_errors.c
        with self._tx() as conn:
            rows = conn.execute(
                select(t.origin, t.reason, t.recorded_at)
                .order_by(t.recorded_at, t.origin, t.reason)
            ).all()
        return [
            {"origin": r.origin, "reason": r.reason, "recorded_at": r.recorded_at} for r in rows
        ]

    def counts(self) -> dict[str, int]:
        with self._tx() as conn:
            return {
                name: int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)
                for name, table in (("articles", s.articles), ("events", s.events),
                                    ("fused_events", s.fused_events), ("stories", s.stories),
                                    ("errors", s.ingest_errors))
            }

    def schema_version(self) -> int:
        with self._tx() as conn:
            return current_version(conn)

    def close(self) -> None:
        """Release pooled connections (and SQLite's file handles; the WAL is checkpointed)."""
        self._engine.dispose()
