"""Nothing lost when one article is huge or unparseable, and nothing fused twice when two writers
fuse at once (issue 20, items 1, 3 and 4's stale errors). Each test runs the real thing a user runs:
the CLI in a subprocess, ``run_paths``, real SQLite files and PostgreSQL schemas."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from testkit import dump_url, without_root_file_access

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).with_name("flashpoint"))
FUSION_TABLES = ("fused_events", "fusion_members", "stories")


def fp(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *map(str, args)], capture_output=True, timeout=timeout, text=True)


def _lines(n: int) -> list[str]:
    """The two seeds and the first FA-KES articles: ``n`` JSONL lines."""
    lines = (ROOT / "examples" / "seeds.jsonl").read_text(encoding="utf-8").splitlines()
    with open(ROOT / "examples" / "fa-kes" / "fa-kes.jsonl", encoding="utf-8") as fh:
        lines += [next(fh).rstrip("\n") for _ in range(n - len(lines))]
    return lines


# ------------------------------------------------------------------------- item 1: long articles


def test_an_article_longer_than_spacys_limit_is_coded_and_nothing_around_it_is_lost(tmp_path: Path) -> None:
    """Over 1,000,000 characters (spaCy's E088), within the 5 MB article limit: the article is
    parsed in pieces and coded whole, with offsets into its own text, and the inputs before and
    after it are stored as usual."""
    good = tmp_path / "good.jsonl"
    good.write_text("\n".join(_lines(3)[:2]) + "\n", encoding="utf-8")
    later = tmp_path / "later.jsonl"
    later.write_text(_lines(3)[2] + "\n", encoding="utf-8")
    filler = ("Lorem" + "x" * 44 + " ") * 21_000
    text = ("Violence in Iraq\n\nGunmen killed two soldiers in Kirkuk on Monday.\n\n" + filler
            + "\n\nA car bomb killed five civilians in Basra on Tuesday.\n")
    assert len(text) > 1_000_000
    big = tmp_path / "big.jsonl"
    big.write_text(json.dumps({"id": "big", "published": "2024-03-06", "text": text}) + "\n", encoding="utf-8")
    db = tmp_path / "long.db"

    proc = fp("run", good, big, later, "--db", db, "-q")
    assert proc.returncode == 0, proc.stderr
    assert "4 article(s) read: 4 new, 0 re-coded, 0 unchanged, 0 failed" in proc.stderr, proc.stderr

    from flashpoint.store import open_store

    with open_store(str(db)) as store:
        [article] = [a for a in store.articles() if a["id"] == "big"]
        result = store.result(article["article_id"])
    assert result is not None and len(result.article.text) > 1_000_000
    text = result.article.text  # the cleaned text, which every offset points into
    places = {e.location.name for e in result.events if e.location is not None}
    assert {"Kirkuk", "Basra"} <= places
    for event in result.events:  # every quote is the text at its offsets, also a million characters in
        for ev in event.evidence:
            assert text[ev.start:ev.end] == ev.text
    again = fp("run", good, big, later, "--db", db, "-q")
    assert "0 new, 0 re-coded, 4 unchanged, 0 failed" in again.stderr, again.stderr


def test_an_article_spacy_cannot_parse_costs_only_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A parse that fails (whatever the reason) is retried article by article: the rest of the
    batch is stored, the culprit is recorded with its reason, and a later run retries it, after
    which its error is no longer listed."""
    from flashpoint import pipeline
    from flashpoint.runner import run_paths
    from flashpoint.store import open_store

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text("Gunmen killed two soldiers in Kirkuk on Monday.\n", encoding="utf-8")
    (inbox / "b.txt").write_text("Unparseable: protesters rallied in Basra on Friday.\n", encoding="utf-8")
    (inbox / "c.txt").write_text("A roadside bomb killed a policeman in Mosul on Sunday.\n", encoding="utf-8")
    real = pipeline.get_nlp()

    class Refusing:
        """spaCy as it is, except that it refuses any text that says "Unparseable"."""

        max_length = real.max_length

        def __call__(self, text: str) -> Any:
            if "Unparseable" in text:
                raise ValueError("[E000] the parser gave up")
            return real(text)

        def pipe(self, texts: Any, **kwargs: Any) -> Any:
            texts = list(texts)
            if any("Unparseable" in t for t in texts):
                raise ValueError("[E000] the parser gave up")
            return real.pipe(texts, **kwargs)

    db = f"sqlite:///{tmp_path / 'parse.db'}"
    monkeypatch.setattr(pipeline, "get_nlp", lambda: Refusing())
    first = run_paths([str(inbox)], db_url=db, progress=False)
    assert (first.inserted, first.failed) == (2, 1)
    with open_store(db) as store:
        [error] = store.errors()
        assert error["origin"].endswith("b.txt") and "cannot parse: ValueError: [E000]" in error["reason"]
        assert store.counts()["articles"] == 2

    monkeypatch.setattr(pipeline, "get_nlp", lambda: real)
    second = run_paths([str(inbox)], db_url=db, progress=False)
    assert (second.inserted, second.unchanged, second.failed) == (1, 2, 0)
    with open_store(db) as store:
        assert store.errors() == []


# ------------------------------------------------------------------------- item 3: two writers


_FUSE = ("import sys; from flashpoint.store import open_store; from flashpoint.fuse import fuse_pending; "
         "store = open_store(sys.argv[1]); print(fuse_pending(store).line()); store.close()")


def test_two_writers_fusing_at_once_fuse_every_report_once(db_url: str, tmp_path: Path) -> None:
    """Two processes fuse the same pending reports at the same moment (two runs ending together,
    or an API ingest during a run): both succeed, and the store holds exactly what one fusion
    makes. Before the fusion lock both inserted the same members and the second died with an
    IntegrityError."""
    from flashpoint.runner import run_paths
    from flashpoint.store import open_store

    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(_lines(16)) + "\n", encoding="utf-8")
    run_paths([str(corpus)], db_url=db_url, progress=False)
    reference = dump_url(db_url, FUSION_TABLES)
    assert reference["fusion_members"]
    with open_store(db_url) as store, store.transaction(write=True) as conn:
        conn.exec_driver_sql("UPDATE fused_events SET story_id = NULL")
        for table in ("stories", "fusion_members", "fused_events"):
            conn.exec_driver_sql(f"DELETE FROM {table}")

    procs = [subprocess.Popen([sys.executable, "-c", _FUSE, db_url], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert "fusion:" in out
    assert dump_url(db_url, FUSION_TABLES) == reference


def test_two_runs_into_one_store_at_once_leave_every_report_fused(db_url: str, tmp_path: Path) -> None:
    """Two `flashpoint run`s started together over overlapping inputs: both finish without an
    error, each article is stored once, and every report is in exactly one fused event."""
    from flashpoint.store import open_store

    lines = _lines(20)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("\n".join(lines[:14]) + "\n", encoding="utf-8")
    second.write_text("\n".join(lines[6:]) + "\n", encoding="utf-8")
    with open_store(db_url):
        pass  # created before, so that neither run races the other to create the tables
    runs = [subprocess.Popen([EXE, "run", str(path), "--db", db_url, "-q"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True) for path in (first, second)]
    for run in runs:
        _, err = run.communicate(timeout=600)
        assert run.returncode == 0, err
        assert "0 failed" in err and "Error" not in err, err
    with open_store(db_url) as store, store.transaction() as conn:
        articles = conn.exec_driver_sql("SELECT count(*) FROM articles").scalar()
        events = set(conn.exec_driver_sql("SELECT id FROM events").scalars())
        members = list(conn.exec_driver_sql("SELECT event_id FROM fusion_members").scalars())
    assert articles == 20
    assert sorted(members) == sorted(events), "a report left unfused, or fused twice"


def test_an_api_ingest_during_a_run_leaves_every_report_fused(db_url: str, tmp_path: Path) -> None:
    """A run fusing while the API ingests into the same store: every stored report ends up in
    exactly one fused event, and the API answers 200, never 500."""
    from fastapi.testclient import TestClient

    from flashpoint.api import create_app
    from flashpoint.store import open_store

    token = "reliability-token-1"
    corpus = tmp_path / "corpus.jsonl"
    lines = _lines(24)
    corpus.write_text("\n".join(lines[2:]) + "\n", encoding="utf-8")
    with open_store(db_url):
        pass
    run = subprocess.Popen([EXE, "run", str(corpus), "--db", db_url, "-q"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
    answers: list[int] = []

    def ingest() -> None:
        with TestClient(create_app(db_url, token=token)) as client:
            for line in lines[:2]:
                r = client.post("/api/articles", json={"articles": [json.loads(line)]},
                                headers={"Authorization": f"Bearer {token}"})
                answers.append(r.status_code)
                time.sleep(0.5)

    worker = threading.Thread(target=ingest)
    worker.start()
    worker.join(timeout=300)
    _, err = run.communicate(timeout=600)
    assert run.returncode == 0, err
    assert answers == [200, 200]
    with open_store(db_url) as store, store.transaction() as conn:
        events = set(conn.exec_driver_sql("SELECT id FROM events").scalars())
        members = list(conn.exec_driver_sql("SELECT event_id FROM fusion_members").scalars())
    assert len(events) > 10
    assert sorted(members) == sorted(events), "a report left unfused, or fused twice"


# ------------------------------------------------------------------------- item 15: read-only store


def test_a_read_only_store_can_be_read_and_refuses_writes_in_one_line(tmp_path: Path) -> None:
    """A store the user may read but not write (a shared copy, a read-only mount) answers every
    read; a write is refused with one line, no traceback. Before, even `events` failed ("attempt
    to write a readonly database": a WAL store needs its -shm file)."""
    import os

    folder = tmp_path / "shared"
    folder.mkdir()
    db = folder / "store.db"
    seeds = ROOT / "examples" / "seeds.jsonl"
    assert fp("run", seeds, "--db", db, "-q").returncode == 0
    listed = fp("events", "--db", db).stdout
    assert "Mosul" in listed
    for path in folder.iterdir():
        path.chmod(0o444)
    folder.chmod(0o555)
    preexec = without_root_file_access if os.geteuid() == 0 else None

    def as_reader(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=300, preexec_fn=preexec)

    try:
        events = as_reader("events", "--db", str(db))
        assert events.returncode == 0, events.stderr
        assert events.stdout == listed
        assert as_reader("articles", "--db", str(db)).returncode == 0
        write = as_reader("run", str(ROOT / "examples" / "fa-kes" / "fa-kes.jsonl"), "--db", str(db), "-q")
        assert write.returncode != 0 and "Traceback" not in write.stderr
        assert "readonly" in write.stderr or "read-only" in write.stderr, write.stderr
    finally:
        folder.chmod(0o755)
        for path in folder.iterdir():
            path.chmod(0o644)
