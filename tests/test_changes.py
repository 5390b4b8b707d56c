"""The change feed (issue 22): each fused event carries the time its content last changed, and
`export --changed-since` / the API's `changed_since` list what is new, updated or removed since
a time. On SQLite, and on PostgreSQL when FLASHPOINT_TEST_PG_URL is set (the store tests)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from flashpoint.api import create_app
from flashpoint.fuse.corrections import correct_event, merge_events
from flashpoint.runner import run_paths
from flashpoint.store import open_store
from flashpoint.store.changes import parse_changed_since

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).with_name("flashpoint"))
SEEDS = ROOT / "examples" / "seeds.jsonl"
LATER = {"id": "later-1", "published": "2016-10-20", "source": "Other Wire", "title": "Rebels shell Hama",
         "text": "Rebels shell Hama\n\nRebel fighters clashed with Syrian army troops near Hama, Syria, on "
                 "Wednesday, killing four soldiers, the army said."}


def _now() -> str:
    """A moment strictly after every change so far (timestamps are to the second)."""
    time.sleep(1.1)
    moment = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    time.sleep(1.1)
    return moment


def _feed(db: str, since: str, *extra: str) -> list[dict]:
    proc = subprocess.run([EXE, "export", "--db", db, "--format", "jsonl", "--changed-since", since, *extra],
                          capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    return [json.loads(line) for line in proc.stdout.decode().splitlines()]


def test_parse_changed_since_reads_dates_times_and_offsets() -> None:
    assert parse_changed_since("2024-05-01") == "2024-05-01T00:00:00Z"
    assert parse_changed_since("2024-05-01T12:30") == "2024-05-01T12:30:00Z"
    assert parse_changed_since("2024-05-01T14:30:05+02:00") == "2024-05-01T12:30:05Z"
    assert parse_changed_since("2024-05-01T12:30:05Z") == "2024-05-01T12:30:05Z"
    with pytest.raises(ValueError, match="is not a time like"):
        parse_changed_since("yesterday")


def test_change_feed_new_unchanged_updated_removed(db_url: str, tmp_path: Path) -> None:
    start = "2000-01-01"
    summary = run_paths([str(SEEDS)], db_url=db_url, progress=False)
    assert summary.failed == 0
    with open_store(db_url) as store:
        first = store.fused_events()
    assert first and all(e["timestamp"] for e in first)
    feed = _feed(db_url, start)
    assert sorted(e["id"] for e in feed) == sorted(e["id"] for e in first)
    assert {e["change"] for e in feed} == {"new"}

    # A rerun and a re-fusion that rebuilds every event from the same reports change nothing.
    after_first = _now()
    run_paths([str(SEEDS)], db_url=db_url, progress=False, reprocess=True)
    assert _feed(db_url, after_first) == []
    with open_store(db_url) as store:
        assert [e["timestamp"] for e in store.fused_events()] == [e["timestamp"] for e in first]

    # A new article adds its events (a shelling and a clash): only they are listed, as new.
    later = tmp_path / "later.jsonl"
    later.write_text(json.dumps(LATER) + "\n", encoding="utf-8")
    run_paths([str(later)], db_url=db_url, progress=False)
    feed = _feed(db_url, after_first)
    assert feed and {e["change"] for e in feed} == {"new"}
    assert {e["location"]["country"] for e in feed} == {"Syria"} and all(e["timestamp"] >= after_first for e in feed)

    # A correction updates one event; a merge updates the survivor and removes the other.
    a, b, c = sorted(e["id"] for e in first)[:3]
    before_edits = _now()
    with open_store(db_url) as store:
        correct_event(store, a, {"fatalities": 9}, author="test")
        merge_events(store, [b, c], author="test", reason="same clash")
    feed = {e["id"]: e for e in _feed(db_url, before_edits)}
    assert feed[a]["change"] == "updated" and feed[a]["fatalities"] == 9
    assert feed[b]["change"] == "updated" and feed[b]["n_sources"] >= 2
    assert feed[c] == {"id": c, "change": "removed", "timestamp": feed[c]["timestamp"], "replaced_by": b}
    assert set(feed) == {a, b, c}
    # Filters narrow new and updated events; a removal is always listed (it has no fields left).
    narrowed = _feed(db_url, before_edits, "--country", "Nowhere")
    assert narrowed == [feed[c]]
    with open_store(db_url) as store:
        assert store.count_changed_fused_events(before_edits) == 3
        assert store.count_changed_fused_events(_now()) == 0


def test_api_events_changed_since(tmp_path: Path) -> None:
    db = str(tmp_path / "api.db")
    run_paths([str(SEEDS)], db_url=db, progress=False)
    with open_store(db) as store:
        ids = sorted(e["id"] for e in store.fused_events())
    before = _now()
    with open_store(db) as store:
        merge_events(store, ids[:2], author="test")
    with TestClient(create_app(db)) as client:
        page = client.get("/api/events", params={"changed_since": before}).json()
        assert page["total"] == 2
        kinds = {e["id"]: e["change"] for e in page["events"]}
        assert kinds == {ids[0]: "updated", ids[1]: "removed"}
        everything = client.get("/api/events", params={"changed_since": "2000-01-01", "limit": 1000}).json()
        assert everything["total"] == len(ids) and {e["change"] for e in everything["events"]} >= {"new", "removed"}
        assert all(e["timestamp"] for e in client.get("/api/events").json()["events"])
        bad = client.get("/api/events", params={"changed_since": "last week"})
        assert bad.status_code == 400 and "changed_since" in bad.json()["detail"]
