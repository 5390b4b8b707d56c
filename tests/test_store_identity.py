"""The store's rows, from the same coded reports, stay exactly what they were (issue 23's "done when").

Why a recorded dump: moving SQL between modules, splitting a module or untangling an import must
not change one row the store writes. Comparing two modes of one run (workers or not, SQLite or
PostgreSQL: ``test_scale.py``) cannot catch a change both modes share; only a record of what the
store held before can.

The input is fixed: ``data/store_identity/reports.jsonl`` holds articles as the extractor coded
them (the two seed articles and the FA-KES articles whose events most often fuse with another's,
with their sentence vectors and the first mention of each place; a few of their other mentions,
which fusion does not read, so that the file stays small), so a change to extraction does not
move this test; what it covers is everything after coding: saving, fusion, stories, corrections
(patch, merge, split), a re-coded article rebuilding the events it was in, and the change feed's
tombstones. Every table is dumped without its timestamps; long text is kept as its hash and
floats to 6 decimals (the fusion scores come from float32 dot products, whose last bits may differ
between CPUs).

A change that means to alter what the store holds rewrites the record, and its diff is reviewed:
``.venv/bin/python tests/test_store_identity.py --write``. ``--reports STORE`` rebuilds the input
from a coded store (``flashpoint run examples/seeds.jsonl FA-KES-LINES --db STORE``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, select

from flashpoint.fuse import fuse_pending
from flashpoint.fuse.corrections import correct_event, merge_events, split_event
from flashpoint.model import DocumentResult
from flashpoint.store import Store, open_store
from flashpoint.store.repo import make_engine
from testkit import identity_reports

DATA = Path(__file__).resolve().parent / "data" / "store_identity"
REPORTS = DATA / "reports.jsonl"
DUMP = DATA / "dump.json"
_LONG = 120  # characters: longer text is compared by its hash
_MOST_FUSED = 10  # FA-KES articles kept in the input: those in the most multi-source events
_MENTIONS_KEPT = 3  # actor, time, claim and relation items kept per article (fusion reads none)


def _load_reports() -> list[DocumentResult]:
    return identity_reports(REPORTS)


def _scenario(store: Store, results: list[DocumentResult]) -> None:
    """Save, fuse, correct, re-code one article and fuse again: every write path of the store."""
    assert all(r == "inserted" for r in store.save_results(results, replace=[False] * len(results)))
    fuse_pending(store)
    events = store.fused_events()
    many = [e for e in events if e["n_sources"] > 1]
    assert len(events) > 20 and len(many) >= 4, "the input no longer fuses: rebuild it (--reports)"
    correct_event(store, many[0]["id"], {"fatalities": 7, "actor1": "Unidentified Armed Group (Syria)"},
                  author="test", reason="a corrected figure")
    singles = [e["id"] for e in events if e["n_sources"] == 1]
    merged = merge_events(store, [many[1]["id"], singles[0], singles[1]], author="test", reason="one event")
    split_event(store, merged["id"], [merged["sources"][-1]["event_id"]], author="test", reason="apart")
    split_event(store, many[2]["id"], [many[2]["sources"][0]["event_id"]], author="test", reason="apart")
    # A re-coded article: its last event goes, the fused events it was in are rebuilt.
    recoded = next(r for r in results if len(r.events) > 2 and any(
        e.id in {s["event_id"] for m in many[3:] for s in m["sources"]} for e in r.events))
    recoded.events = recoded.events[:-1]
    assert store.save_result(recoded, replace=True) == "replaced"
    fuse_pending(store)


def _plain(value: Any) -> Any:
    """A value as the record keeps it: JSON text parsed, floats to 6 decimals, long text and
    bytes as their hash."""
    if isinstance(value, bytes):
        return "sha256:" + hashlib.sha256(value).hexdigest()[:16]
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str) and value[:1] in "{[":
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict | list):
            value = json.dumps(_plain(parsed), ensure_ascii=False, sort_keys=True)
    if isinstance(value, str) and len(value) > _LONG:
        return "sha256:" + hashlib.sha256(value.encode()).hexdigest()[:16]
    return value


def dump(url: str) -> dict[str, list[list[Any]]]:
    """Every table's rows, timestamp columns (``*_at``, ``at``) left out, sorted."""
    engine, _ = make_engine(url)
    try:
        md = MetaData()
        md.reflect(engine)
        out = {}
        with engine.connect() as conn:
            for table in md.sorted_tables:
                columns = [c for c in table.columns if not (c.name == "at" or c.name.endswith("_at"))]
                rows = [[c.name for c in columns]] + sorted(
                    ([_plain(v) for v in row] for row in conn.execute(select(*columns))), key=repr)
                out[table.name] = rows
        return out
    finally:
        engine.dispose()


def build(url: str) -> dict[str, list[list[Any]]]:
    with open_store(url) as store:
        _scenario(store, _load_reports())
    return dump(url)


def test_the_store_holds_the_same_rows_for_the_same_reports(db_url: str) -> None:
    """On SQLite and on PostgreSQL: the same record for both."""
    ours = build(db_url)
    recorded = json.loads(DUMP.read_text(encoding="utf-8"))
    assert sorted(ours) == sorted(recorded), "tables differ"
    for table, rows in recorded.items():
        now = json.loads(json.dumps(ours[table]))  # tuples and lists compare as JSON has them
        missing = [r for r in rows if r not in now]
        extra = [r for r in now if r not in rows]
        assert now == rows, (f"{table}: {len(missing)} recorded row(s) missing, {len(extra)} new; "
                             f"columns {rows[0]}\nfirst missing {missing[:1]}\nfirst new {extra[:1]}")


def _write_reports(store_path: str) -> None:
    """The input: the seeds plus the FA-KES articles in the most multi-source fused events."""
    with open_store(store_path) as store:
        counts: dict[str, int] = {}
        for event in store.fused_events():
            if event["n_sources"] > 1:
                for source in event["sources"]:
                    counts[source["article_id"]] = counts.get(source["article_id"], 0) + 1
        seeds = [a["article_id"] for a in store.articles() if (a["origin"] or "").startswith("examples/seeds")]
        chosen = seeds + sorted(set(counts) - set(seeds), key=lambda a: (-counts[a], a))[:_MOST_FUSED]
        lines = []
        for aid in sorted(chosen):
            result = store.result(aid)
            assert result is not None
            with store.transaction() as conn:
                from flashpoint.store import schema as s

                vectors = dict(conn.execute(select(s.event_vectors.c.event_id, s.event_vectors.c.vector).where(
                    s.event_vectors.c.event_id.in_([e.id for e in result.events]))).all())
            record = result.to_dict(include_text=False)
            for key in ("actors", "times", "claims", "relations"):
                record[key] = record[key][:_MENTIONS_KEPT]
            places: dict[int, dict[str, Any]] = {}  # fusion reads which places an article names
            for place in record["places"]:
                if place.get("geonameid") is not None:
                    places.setdefault(place["geonameid"], place)
            record["places"] = list(places.values())
            lines.append(json.dumps({"article": result.article.to_dict(), "result": record,
                                     "vectors": {k: base64.b64encode(v).decode() for k, v in sorted(vectors.items())}},
                                    ensure_ascii=False, sort_keys=True))
    DATA.mkdir(parents=True, exist_ok=True)
    REPORTS.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    import tempfile

    if sys.argv[1:2] == ["--reports"]:
        _write_reports(sys.argv[2])
    if "--write" in sys.argv or sys.argv[1:2] == ["--reports"]:
        with tempfile.TemporaryDirectory() as tmp:
            tables = build(str(Path(tmp) / "identity.db"))
        # One row a line, so that a change shows as the rows it changed.
        DUMP.write_text("{\n" + ",\n".join(
            json.dumps(name, ensure_ascii=False) + ": [\n"
            + ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
            + "\n]" for name, rows in tables.items()) + "\n}\n", encoding="utf-8")
