"""One mixed hostile batch through every door a user has: `run`, `extract`, `watch --once` and the
API's upload. Good articles sit between seeded random damage (broken JSON, wrong types, lone
surrogates, NULs, control bytes, deep nesting, binary files, UTF-16, an over-limit line, a named
pipe, a symlink out of the folder, a symlink loop, duplicates); every door must store or emit every
good article exactly once, name the bad inputs, and never print a traceback (issue 20)."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

EXE = str(Path(sys.executable).with_name("flashpoint"))
TOKEN = "hostile-batch-token"
MAX_BYTES = 20_000

GOOD = [
    ("g01", "Gunmen killed two soldiers at a checkpoint in Kirkuk on Monday."),
    ("g02", "A car bomb exploded near a market in Basra on Tuesday, killing five civilians."),
    ("g03", "Protesters rallied in Baghdad on Friday against power cuts."),
    ("g04", "An airstrike hit a village near Idlib on Sunday, killing three people."),
    ("g05", "Militants abducted a local official in Mosul on Wednesday."),
    ("g06", "Police fired tear gas at demonstrators in Nasiriyah on Thursday."),
    ("g07", "Rebels shelled a government position outside Aleppo on Saturday."),
    ("g08", "A roadside bomb wounded four soldiers near Tikrit on Monday."),
]


def _hostile_lines(rng: random.Random) -> list[bytes]:
    """Damaged JSONL lines, some fixed kinds and some random bytes, all seeded."""
    lines = [
        b"{broken",
        b"[1, 2, 3]",
        b'"just a string"',
        b"null",
        b'{"id": "no-text"}',
        b'{"id": "empty", "text": "   "}',
        b'{"id": "number", "text": 12345}',
        b'{"id": "list", "text": ["a", "b"]}',
        b'{"id": "nul", "text": "\\u0000\\u0001\\u0002 binary"}',
        b'{"id": "bad-published", "text": "x", "published": {"y": 1}}',
        b"[" * 5000 + b"]" * 5000,
        b'{"id": "huge", "text": "' + b"Clashes in Mosul. " * 2000 + b'"}',
        b'{"id": "big-number", "text": "Shelling in Homs.", "published": 1e999}',
        b"\xff\xfe\xfd not utf-8 at all",
        b'{"text": "\\ud800 lone surrogate \\udfff in a story about nothing"}',
    ]
    for _ in range(12):
        lines.append(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200))).replace(b"\n", b" "))
    return lines


def _good_line(doc_id: str, text: str) -> bytes:
    return json.dumps({"id": doc_id, "title": f"Story {doc_id}", "published": "2024-03-04",
                       "source": "Hostile Wire", "text": text}).encode()


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    """A folder: two JSONL files of good lines among damaged ones, a good text file, a good
    duplicate, and files and links no reader should take."""
    rng = random.Random(20)
    folder = tmp_path / "inbox"
    folder.mkdir()
    hostile = _hostile_lines(rng)
    for name, goods in (("a.jsonl", GOOD[:4]), ("b.jsonl", GOOD[4:7])):
        lines = hostile[:] + [_good_line(i, t) for i, t in goods]
        rng.shuffle(lines)
        (folder / name).write_bytes(b"\n".join(lines) + b"\n")
    (folder / "c.txt").write_text(f"Story g08\n\n{GOOD[7][1]}\n", encoding="utf-8")
    (folder / "again.jsonl").write_bytes(_good_line(*GOOD[0]) + b"\n")  # the same article twice
    (folder / "blob.txt").write_bytes(bytes(range(256)) * 16)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "utf16.txt").write_bytes("Story u16\n\nNothing happened today.".encode("utf-16"))
    secret = tmp_path / "secret.txt"
    secret.write_text("A private note that must never be stored.", encoding="utf-8")
    (folder / "innocent.txt").symlink_to(secret)
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    os.mkfifo(folder / "pipe.txt")  # a named pipe posing as an article
    return folder


def _stored(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return sorted(r[0] for r in con.execute("select text from articles"))
    finally:
        con.close()


def _expected_texts(stored: list[str]) -> None:
    """Every good article exactly once; nothing from outside the folder."""
    for _, text in GOOD:
        assert sum(text in s for s in stored) == 1, f"not stored exactly once: {text}"
    assert not any("private note" in s for s in stored)


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "FLASHPOINT_MAX_ARTICLE_BYTES": str(MAX_BYTES)}
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=600, env=env)


def test_every_door_stores_each_good_article_once(batch: Path, tmp_path: Path) -> None:
    # run
    db = tmp_path / "run.db"
    proc = _run("run", str(batch), "--db", str(db), "-q")
    assert proc.returncode == 3, proc.stderr  # good articles stored, some inputs failed (README: exit codes)
    assert "Traceback" not in proc.stderr
    stored = _stored(db)
    _expected_texts(stored)
    reasons = _run("articles", "--errors", "--db", str(db)).stdout
    for reason in ("symlink leads outside the folder", "symlink loop", "malformed JSON", "binary",
                   "empty", "pipe"):
        assert reason in reasons, reason
    again = _run("run", str(batch), "--db", str(db), "-q")  # a rerun adds nothing
    assert _stored(db) == stored and "0 new, 0 re-coded" in again.stderr

    # extract: one JSON line per input item, each good article once, bad ones with their reason
    files = sorted(p for p in batch.iterdir() if p.suffix in {".jsonl", ".txt"} and p.is_file()
                   and not p.is_symlink())
    out = _run("extract", *map(str, files), "--no-text")
    assert "Traceback" not in out.stderr
    results = [json.loads(line) for line in out.stdout.splitlines()]
    coded = Counter(r["id"] for r in results if r.get("article_id"))
    expected = {"g01": 2, **{i: 1 for i, _ in GOOD[1:7]}, "c": 1, "utf16": 1}  # stateless: g01 is in two files
    assert {k: coded[k] for k in expected} == expected
    # Damaged but codable, once per JSONL file: an unreadable date costs the date, a lone
    # surrogate becomes U+FFFD (the line has no id: its id is its hash)
    extra = {k: v for k, v in coded.items() if k not in expected}
    assert "big-number" in extra and len(extra) == 2 and set(extra.values()) == {2}
    assert sum(1 for r in results if r["id"] is None and r["errors"]) >= 2 * len(_hostile_lines(random.Random(20))) - 5

    # watch --once: the same articles as run
    wdb = tmp_path / "watch.db"
    watched = _run("watch", "--once", str(batch), "--db", str(wdb))
    assert "Traceback" not in watched.stderr, watched.stderr
    assert _stored(wdb) == stored, watched.stderr

    # the API's upload: the same files, the same articles
    from fastapi.testclient import TestClient

    from flashpoint.api import create_app

    adb = tmp_path / "api.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FLASHPOINT_MAX_ARTICLE_BYTES", str(MAX_BYTES))
        app = create_app(str(adb), token=TOKEN)
    with TestClient(app) as client:
        uploads = [("file", (p.name, p.read_bytes(), "application/octet-stream")) for p in files]
        r = client.post("/api/articles", headers={"Authorization": f"Bearer {TOKEN}"}, files=uploads)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["errors"]
    assert _stored(adb) == stored, [e for e in body["errors"] if "jsonl" in e["origin"]][:8]
