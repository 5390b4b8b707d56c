"""The store: idempotent saves, replace, queries, errors, migrations and one-line failures."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Integer, MetaData, create_mock_engine, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.schema import Column, Table

from flashpoint.model import (
    AcledCoding,
    ActorMention,
    Article,
    Claim,
    DocumentResult,
    Event,
    Evidence,
    IngestError,
    Location,
    PlaceMention,
    PloverCoding,
    Relation,
    Span,
    TimeMention,
)
from flashpoint.store import LATEST_VERSION, Store, StoreError, open_store, schema
from flashpoint.store.migrations import MIGRATIONS, Migration, migrate
from flashpoint.store.repo import make_engine

MOSUL_TEXT = (
    "Clashes in Mosul as Iran-backed militias battle security forces\n"
    "Clashes erupted between the Iraqi federal police and Iran-backed militias in Mosul on Sunday, "
    "wounding two policemen. Protests against poor public services had taken place in Mosul. "
    "Last week, Washington designated Iran's Islamic Revolutionary Guard Corps a terrorist group."
)


def _find(article: Article, phrase: str) -> tuple[int, int]:
    start = article.text.index(phrase)
    return start, start + len(phrase)


def _evidence(article: Article, field: str, phrase: str) -> Evidence:
    start, end = _find(article, phrase)
    return Evidence(field, start, end, article.text[start:end])


def make_result(text_: str = MOSUL_TEXT, *, version: str = "test-1", n_events: int = 3,
                published: str | None = "2019-04-15") -> DocumentResult:
    """The Mosul seed article, coded by hand: a located clash, an unlocated protest, a sanction."""
    article = Article(
        id=Article.content_id(text_), text=text_, doc_id="seed-000",
        title="Clashes in Mosul as Iran-backed militias battle security forces",
        published=published, source="The National", url="https://example.org/mosul",
        origin="seeds/000.txt", body_start=text_.index("\n") + 1,
        removed=["REUTERS/Khalid al-Mousily"],
        metadata_evidence={"title": Span(0, text_.index("\n"), text_[: text_.index("\n")])},
    )
    aid = article.id
    mosul = Location("Mosul", "Nineveh", "Iraq", 99072, 36.335, 43.119, 2, "western Mosul")
    events = [
        Event(
            id=f"{aid}-e1", acled=AcledCoding("Battles", "Armed clash", 13),
            plover=PloverCoding("ASSAULT"), actor1="Police Forces of Iraq",
            actor2="Popular Mobilization Forces", inter1=1, inter2=3, date="2019-04-14",
            time_precision=1, location=mosul, fatalities=0, injured=2, confidence=0.91234,
            evidence=[_evidence(article, "trigger", "Clashes erupted"),
                      _evidence(article, "injured", "wounding two policemen")],
        ),
        Event(
            id=f"{aid}-e2", acled=AcledCoding("Protests", "Peaceful protest", 60),
            plover=PloverCoding("PROTEST"), actor1="Protesters (Iraq)", inter1=6,
            location=Location("Mosul", None, "Iraq", None, None, None, 3),
            modality="historical", confidence=0.5,
            evidence=[_evidence(article, "trigger", "Protests")],
        ),
        Event(
            id=f"{aid}-e3", acled=None, plover=PloverCoding("SANCTION", "designate"),
            actor1="Government of the United States",
            actor2="Islamic Revolutionary Guard Corps", date_start="2019-04-08",
            date_end="2019-04-14", time_precision=2, confidence=0.8, article_id=aid,
            evidence=[_evidence(article, "trigger", "designated")],
        ),
    ][:n_events]
    police = _find(article, "Iraqi federal police")
    place = _find(article, "Mosul")
    when = _find(article, "Sunday")
    said = _find(article, "Washington designated")
    return DocumentResult(
        article=article,
        events=events,
        actors=[ActorMention(*police, "Iraqi federal police", "Police Forces of Iraq",
                             "State forces", "Iraq", 1)],
        places=[PlaceMention(*place, "Mosul", 99072, "Mosul", "Nineveh", "Iraq", 36.335,
                             43.119, "P", "IQ")],
        times=[TimeMention(*when, "Sunday", "2019-04-14", 1, "published")],
        claims=[Claim("Washington", said[0], said[0] + 10, *said, "Washington designated")],
        relations=[Relation("Popular Mobilization Forces", "backed_by", "Government of Iran",
                            _evidence(article, "relation", "Iran-backed militias"))],
        errors=["no date found for event 2"],
        extractor_version=version,
    )


def dump(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: two equal dumps mean byte-identical contents."""
    with store._engine.connect() as conn:
        return {
            t.name: sorted(tuple(r) for r in conn.execute(t.select()))
            for t in schema.metadata.sorted_tables
        }


@pytest.fixture
def store(db_url: str) -> Store:
    """An empty store on each backend: SQLite, and PostgreSQL where the tests have one (conftest)."""
    st = open_store(db_url)
    yield st
    st.close()


# ------------------------------------------------------------------------ saving


def test_save_then_save_again_changes_nothing(store: Store) -> None:
    result = make_result()
    assert store.save_result(result) == "inserted"
    before = dump(store)
    assert store.save_result(make_result()) == "unchanged"
    assert dump(store) == before
    assert store.counts() == {"articles": 1, "events": 3, "fused_events": 0, "stories": 0, "errors": 0}
    assert len(before["evidence"]) == 4
    for table in ("actor_mentions", "place_mentions", "time_mentions", "claims", "relations"):
        assert len(before[table]) == 1, table


STAMPS = {"ingested_at", "updated_at", "applied_at", "recorded_at"}


def rows_without_timestamps(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, without the columns that only say when."""
    with store._engine.connect() as conn:
        return {
            t.name: sorted(
                tuple(v for k, v in r._mapping.items() if k not in STAMPS)
                for r in conn.execute(t.select())
            )
            for t in schema.metadata.sorted_tables
        }


def test_same_input_gives_same_rows_in_two_databases(new_db_url: Callable[[], str]) -> None:
    def saved(url: str) -> dict[str, list[tuple]]:
        with open_store(url) as st:
            st.save_result(make_result())
            st.record_error(IngestError("bad.html", "empty after cleaning"))
            return rows_without_timestamps(st)

    assert saved(new_db_url()) == saved(new_db_url())


def test_replace_rewrites_the_article_atomically(store: Store) -> None:
    aid = make_result().article.id
    store.save_result(make_result())
    first = store.article(aid)
    assert store.article_extractor_version(aid) == "test-1"

    assert store.save_result(make_result(version="test-2", n_events=1), replace=True) == "replaced"
    assert store.article_extractor_version(aid) == "test-2"
    assert [e["id"] for e in store.events()] == [f"{aid}-e1"]
    rows = dump(store)
    assert {r[0] for r in rows["evidence"]} == {f"{aid}-e1"}  # the dropped events' evidence went too
    assert store.article(aid)["ingested_at"] == first["ingested_at"]  # first seen is kept


def test_replace_of_a_new_article_inserts(store: Store) -> None:
    assert store.save_result(make_result(), replace=True) == "inserted"


def test_event_saved_under_another_article_is_refused(store: Store) -> None:
    result = make_result()
    result.events[0].article_id = "someone-else"
    with pytest.raises(StoreError, match="names article someone-else"):
        store.save_result(result)
    assert store.counts()["articles"] == 0


def test_event_id_already_owned_by_another_article(store: Store) -> None:
    store.save_result(make_result())
    other = make_result(MOSUL_TEXT + " Updated.")
    other.events[0].id = make_result().events[0].id  # same id, different article
    other.events[0].article_id = None
    with pytest.raises(StoreError) as info:
        store.save_result(other)
    assert "already stored for article" in str(info.value)
    assert "\n" not in str(info.value)
    # nothing half-saved
    assert store.counts() == {"articles": 1, "events": 3, "fused_events": 0, "stories": 0, "errors": 0}


def test_duplicate_event_ids_in_one_result(store: Store) -> None:
    result = make_result()
    result.events[1].id = result.events[0].id
    with pytest.raises(StoreError, match="occurs twice"):
        store.save_result(result)
    assert store.counts()["articles"] == 0


def test_overlong_ids_are_refused_on_every_backend(store: Store) -> None:
    result = make_result()
    result.events[0].id = "x" * 65
    with pytest.raises(StoreError, match="must be 1 to 64 characters"):
        store.save_result(result)


def test_a_batch_saved_together_stores_what_saving_each_alone_stores(
        new_db_url: Callable[[], str]) -> None:
    texts = [MOSUL_TEXT, MOSUL_TEXT + " Updated.", MOSUL_TEXT + " Corrected."]

    def saved(together: bool) -> tuple[list, dict]:
        with open_store(new_db_url()) as st:
            st.save_result(make_result(texts[1]))
            st.save_result(make_result(texts[2]))
            batch = [make_result(texts[0]), make_result(texts[1], version="test-2", n_events=1),
                     make_result(texts[2], version="test-2")]
            flags = [False, True, False]  # new; an older coding to replace; stored meanwhile
            if together:
                out = st.save_results(batch, replace=flags)
            else:
                out = [st.save_result(r, replace=f) for r, f in zip(batch, flags, strict=True)]
            return out, rows_without_timestamps(st)

    alone, together = saved(False), saved(True)
    assert together[0] == alone[0] == ["inserted", "replaced", "unchanged"]
    assert together[1] == alone[1]


def test_a_bad_result_in_a_batch_costs_only_itself(store: Store) -> None:
    store.save_result(make_result())
    good = make_result(MOSUL_TEXT + " Updated.")
    bad = make_result(MOSUL_TEXT + " Corrected.")
    bad.events[0].id = make_result().events[0].id  # an id the first article owns
    bad.events[0].article_id = None
    last = make_result(MOSUL_TEXT + " Again.")
    out = store.save_results([good, bad, last], replace=[False] * 3)  # the database refuses it
    assert out[0] == out[2] == "inserted"
    assert isinstance(out[1], StoreError) and "already stored for article" in str(out[1])

    worse = make_result(MOSUL_TEXT + " Retracted.")
    worse.events[0].id = "x" * 65  # refused before any SQL
    out = store.save_results([worse, make_result(MOSUL_TEXT + " Once more.")], replace=[False, False])
    assert isinstance(out[0], StoreError) and "must be 1 to 64 characters" in str(out[0])
    assert out[1] == "inserted"
    assert store.counts()["articles"] == 4
    assert not store.has_article(bad.article.id) and not store.has_article(worse.article.id)


# ------------------------------------------------------------------------ reading


def test_events_are_the_contract_plus_article(store: Store) -> None:
    result = make_result()
    store.save_result(result)
    got = {e["id"]: e for e in store.events()}
    for ev in result.events:
        stored = dict(got[ev.id])
        article = stored.pop("article")
        expected = ev.to_dict()
        expected["article_id"] = result.article.id
        assert stored == expected
        assert list(stored) == list(expected)  # contract key order is kept
        assert article == {
            "article_id": result.article.id, "id": "seed-000",
            "title": result.article.title, "source": "The National",
            "published": "2019-04-15", "url": "https://example.org/mosul",
        }
    assert store.event(result.events[0].id) == got[result.events[0].id]
    assert store.event("nope") is None


def test_events_order_by_date_nulls_last_then_id(store: Store) -> None:
    store.save_result(make_result())
    aid = make_result().article.id
    # e3 has only a date range (sorted by its start), e2 has no date at all
    assert [e["id"] for e in store.events()] == [f"{aid}-e3", f"{aid}-e1", f"{aid}-e2"]


def test_event_filters(store: Store) -> None:
    store.save_result(make_result())
    syria_text = "Shelling hit Idlib on Monday."
    syria_article = Article(id=Article.content_id(syria_text), text=syria_text, source="SANA",
                            published="2019-05-02")
    store.save_result(DocumentResult(
        article=syria_article,
        events=[Event(id="syria-1", acled=AcledCoding("Explosions/Remote violence",
                                                      "Shelling/artillery/missile attack"),
                      plover=None, date="2019-05-01",
                      location=Location("Idlib", "Idlib", "Syria", None, 35.93, 36.63, 1),
                      fatalities=3)],
    ))
    aid = make_result().article.id

    def ids(**kw: object) -> list[str]:
        return [e["id"] for e in store.events(**kw)]

    assert ids(country="syria") == ["syria-1"]
    assert ids(country="Iraq") == [f"{aid}-e1", f"{aid}-e2"]
    assert ids(event_type="battles") == [f"{aid}-e1"]
    assert ids(event_type="Shelling/artillery/missile attack") == ["syria-1"]
    assert ids(event_type="SANCTION") == [f"{aid}-e3"]
    assert ids(since="2019-05-01") == ["syria-1"]
    assert ids(since="2019-04-10", until="2019-04-14") == [f"{aid}-e3", f"{aid}-e1"]  # range overlaps
    assert ids(until="2019-04") == [f"{aid}-e3", f"{aid}-e1"]  # a month includes its last day
    assert ids(since="2019") == [f"{aid}-e3", f"{aid}-e1", "syria-1"]
    assert ids(limit=2) == [f"{aid}-e3", f"{aid}-e1"]
    assert ids(limit=2, offset=2) == ["syria-1", f"{aid}-e2"]
    assert ids(limit=0) == []
    with pytest.raises(ValueError, match="since must be an ISO date"):
        store.events(since="last week")
    with pytest.raises(ValueError, match="offset"):
        store.events(offset=-1)


def test_articles_article_and_result(store: Store) -> None:
    result = make_result()
    store.save_result(result)
    listed = store.articles()
    assert len(listed) == 1
    assert listed[0]["article_id"] == result.article.id
    assert listed[0]["n_events"] == 3
    assert "text" not in listed[0]
    assert store.articles(limit=0) == []

    full = store.article(result.article.id)
    assert full["text"] == MOSUL_TEXT
    assert full["removed"] == ["REUTERS/Khalid al-Mousily"]
    assert full["n_events"] == 3
    assert full["extractor_version"] == "test-1"
    assert store.article("missing") is None
    assert store.has_article(result.article.id) and not store.has_article("missing")
    assert store.article_extractor_version("missing") is None

    back = store.result(result.article.id)
    assert back is not None
    assert back.article.to_dict() == result.article.to_dict()
    assert back.to_dict() == result.to_dict()
    assert back.events[2].to_dict() == result.events[2].to_dict()


def test_errors_are_recorded_once(store: Store) -> None:
    store.record_error(IngestError("feeds/a.xml", "not a feed"))
    store.record_error(IngestError("feeds/a.xml", "not a feed"))
    store.record_error(IngestError("feeds/a.xml", "empty"))
    errors = store.errors()
    assert len(errors) == 2
    assert {(e["origin"], e["reason"]) for e in errors} == {
        ("feeds/a.xml", "not a feed"), ("feeds/a.xml", "empty")
    }
    assert all(e["recorded_at"].endswith("Z") for e in errors)
    assert store.counts()["errors"] == 2


# ------------------------------------------------------------------------ opening and migrations


def test_fresh_database_is_at_latest_version_and_reopening_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "fp.db"  # parent directories are created
    with open_store(str(path)) as st:
        assert st.schema_version() == LATEST_VERSION
        assert st.url == f"sqlite:///{path}"
        before = dump(st)
        with st._engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert len(before["schema_version"]) == LATEST_VERSION
    with open_store(f"sqlite:///{path}") as st:
        assert st.schema_version() == LATEST_VERSION
        assert dump(st) == before


def test_reopening_is_a_no_op_on_every_backend(db_url: str) -> None:
    with open_store(db_url) as st:
        assert st.schema_version() == LATEST_VERSION
        st.save_result(make_result())
        before = dump(st)
    with open_store(db_url) as st:
        assert st.schema_version() == LATEST_VERSION
        assert dump(st) == before


def _type_name(type_: object, dialect: object) -> str:
    """The column type as the backend names it; PostgreSQL's FLOAT is its DOUBLE PRECISION (float8),
    and it reflects the one as the other."""
    name = type_.compile(dialect)
    return "DOUBLE PRECISION" if dialect.name == "postgresql" and name == "FLOAT" else name


def test_migrated_database_matches_schema_module(store: Store) -> None:
    """Guards the rule: change schema.py and append a migration, together."""
    insp = inspect(store._engine)
    dialect = store._engine.dialect
    assert set(insp.get_table_names()) == set(schema.metadata.tables)
    for table in schema.metadata.sorted_tables:
        reflected = insp.get_columns(table.name)
        assert [c["name"] for c in reflected] == [c.name for c in table.columns], table.name
        for col, ref in zip(table.columns, reflected, strict=True):
            assert _type_name(ref["type"], dialect) == _type_name(col.type, dialect), (table.name, col.name)
            assert ref["nullable"] == col.nullable, (table.name, col.name)
        pk = insp.get_pk_constraint(table.name)["constrained_columns"]
        assert pk == [c.name for c in table.primary_key.columns], table.name
        assert {i["name"] for i in insp.get_indexes(table.name)} == {i.name for i in table.indexes}
        assert sorted((fk["referred_table"], tuple(fk["constrained_columns"]))
                      for fk in insp.get_foreign_keys(table.name)) == sorted(
            (fk.column.table.name, (fk.parent.name,)) for fk in table.foreign_keys)


def test_migrations_compile_for_postgresql() -> None:
    """No PostgreSQL here; at least every step's DDL must compile for it and cover schema.py."""
    created: list[str] = []

    def record(ddl, *_args, **_kw) -> None:
        created.append(str(ddl.compile(dialect=engine.dialect)))

    engine = create_mock_engine("postgresql://", record)
    for step in MIGRATIONS:
        step.apply(engine)
    tables = {sql.split("(")[0].split()[-1] for sql in created if "CREATE TABLE" in sql}
    assert tables == set(schema.metadata.tables) - {"schema_version"}
    assert any('"end" INTEGER' in sql for sql in created)  # reserved word quoted


def test_database_newer_than_the_code_is_refused(db_url: str) -> None:
    open_store(db_url).close()
    engine, _ = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(schema.schema_version.insert().values(
                version=LATEST_VERSION + 1, description="from the future", applied_at="2099-01-01T00:00:00Z"))
    finally:
        engine.dispose()
    with pytest.raises(StoreError) as info:
        open_store(db_url)
    message = str(info.value)
    assert f"version {LATEST_VERSION + 1}" in message and "upgrade Flashpoint" in message
    assert "\n" not in message


def test_an_older_database_is_upgraded_and_a_failed_step_rolls_back(db_url: str) -> None:
    with open_store(db_url) as st:
        st.save_result(make_result())

    def add_notes(conn) -> None:
        Table("notes", MetaData(), Column("id", Integer, primary_key=True)).create(conn)

    def broken(conn) -> None:
        Table("half_done", MetaData(), Column("id", Integer, primary_key=True)).create(conn)
        conn.execute(text("SELECT no_such_function()"))

    engine, _ = make_engine(db_url)
    try:
        with pytest.raises(DBAPIError):
            migrate(engine, (*MIGRATIONS, Migration(LATEST_VERSION + 1, "broken", broken)))
        assert "half_done" not in inspect(engine).get_table_names()  # DDL rolled back too
        assert migrate(engine, (*MIGRATIONS, Migration(LATEST_VERSION + 1, "notes", add_notes))) \
            == LATEST_VERSION + 1
        assert "notes" in inspect(engine).get_table_names()
        # a second run is a no-op
        assert migrate(engine, (*MIGRATIONS, Migration(LATEST_VERSION + 1, "notes", add_notes))) \
            == LATEST_VERSION + 1
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM events")).scalar() == 3
    finally:
        engine.dispose()


def test_migration_versions_must_be_consecutive(db_url: str) -> None:
    engine, _ = make_engine(db_url)
    try:
        with pytest.raises(AssertionError, match="migration versions"):
            migrate(engine, (*MIGRATIONS, Migration(LATEST_VERSION + 2, "gap", lambda c: None)))
    finally:
        engine.dispose()


def test_a_database_with_foreign_tables_is_refused(db_url: str) -> None:
    engine, _ = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE events (x INTEGER)"))
    finally:
        engine.dispose()
    with pytest.raises(StoreError, match="not a Flashpoint store"):
        open_store(db_url)


@pytest.mark.parametrize(
    "url, expected",
    [
        ("nosuchdb://host/db", "unsupported database type"),
        pytest.param("postgresql+psycopg://user:s3cret@localhost/fp", "driver",
                     marks=pytest.mark.skipif(importlib.util.find_spec("psycopg") is not None,
                                              reason="psycopg 3 is installed")),
        ("postgresql://user:s3cret@127.0.0.1:1/fp", "cannot open"),  # nothing listens on port 1
        ("", "empty database URL"),
        ("sqlite:////", "cannot open"),
    ],
)
def test_bad_urls_give_one_line(url: str, expected: str) -> None:
    with pytest.raises(StoreError) as info:
        open_store(url)
    message = str(info.value)
    assert expected in message
    assert "\n" not in message
    assert "s3cret" not in message


def test_unusable_paths_give_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_text("hello, this is not SQLite " * 100)
    for target, expected in (
        (blocker / "sub" / "fp.db", "cannot create directory"),
        (tmp_path, "cannot open"),  # a directory
        (not_a_db, "cannot open"),
    ):
        with pytest.raises(StoreError) as info:
            open_store(str(target))
        assert expected in str(info.value), target
        assert "\n" not in str(info.value)


def test_default_url_comes_from_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASHPOINT_DB", str(tmp_path / "from-env.db"))
    with open_store() as st:
        assert st.url == f"sqlite:///{tmp_path / 'from-env.db'}"
    assert (tmp_path / "from-env.db").exists()


def test_concurrent_writers_on_a_fresh_database(db_url: str) -> None:
    """Several stores opening (migrating) and filling one new database at once: each article
    lands once, on SQLite (one file) and PostgreSQL alike."""
    from concurrent.futures import ThreadPoolExecutor

    path = db_url
    texts = [MOSUL_TEXT + f" Update {i}." for i in range(8)]

    def worker(_: int) -> list[str]:
        with open_store(path) as st:
            return [st.save_result(make_result(t)) for t in texts]

    with ThreadPoolExecutor(4) as pool:
        outcomes = [o for batch in pool.map(worker, range(4)) for o in batch]
    assert outcomes.count("inserted") == len(texts)
    assert outcomes.count("unchanged") == 3 * len(texts)
    with open_store(path) as st:
        assert st.counts() == {"articles": 8, "events": 24, "fused_events": 0, "stories": 0, "errors": 0}
