"""The `flashpoint` command as a user runs it: a real process, a real SQLite file, real exit codes."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).with_name("flashpoint"))
SEEDS = ROOT / "examples" / "seeds.jsonl"


def fp(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *args], input=stdin, capture_output=True, cwd=cwd, timeout=300)


def _dump(db: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(db)
    try:
        tables = [r[0] for r in con.execute("select name from sqlite_master where type='table' order by name")]
        out = {}
        for t in tables:
            cols = [r[1] for r in con.execute(f"pragma table_info({t})")]
            keep = [c for c in cols if c not in {"recorded_at"}]
            out[t] = sorted(con.execute(f"select {', '.join(keep)} from {t}").fetchall(), key=repr)
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds plus every kind of bad input, in one directory."""
    d = tmp_path_factory.mktemp("batch")
    (d / "seeds.jsonl").write_bytes(SEEDS.read_bytes())
    (d / "empty.txt").write_text("")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (d / "latin1.txt").write_bytes("Caf\xe9 bombing in Id\xe9lib killed two civilians.".encode("latin-1"))
    (d / "broken.jsonl").write_text('{"id": "ok-1", "text": "Gunmen killed two soldiers in Kirkuk on Monday."}\n'
                                    '{"id": broken\n')
    with (d / "huge.txt").open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # a 50 MB file (sparse)
    (d / "hostile.html").write_text("<html><body>" + "<div>" * 5000 + "<script>alert(1)</script>"
                                    "<p>Protesters rallied in Baghdad on Friday against corruption.</p>"
                                    + "</div>" * 5000
                                    + "</body></html>")
    return d


@pytest.fixture(scope="module")
def ran(batch_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    db = tmp_path_factory.mktemp("db") / "store.db"
    proc = fp("run", str(batch_dir), "--db", str(db), "-q")
    return db, proc


def test_run_codes_good_articles_and_records_bad_ones(ran: tuple[Path, subprocess.CompletedProcess]) -> None:
    db, proc = ran
    assert proc.returncode == 3, proc.stderr.decode()  # stored what it could; some inputs failed
    summary = proc.stderr.decode()
    assert "failed" in summary
    errors = json.loads(fp("articles", "--errors", "--format", "json", "--db", str(db)).stdout)
    reasons = {Path(e["origin"].split(":")[0]).name: e["reason"] for e in errors}
    assert "empty" in reasons["empty.txt"].lower()
    assert "binary" in reasons["binary.txt"].lower()
    assert "utf-8" in reasons["latin1.txt"].lower()
    assert "limit" in reasons["huge.txt"].lower()
    assert "json" in reasons["broken.jsonl"].lower()
    arts = json.loads(fp("articles", "--format", "json", "--db", str(db)).stdout)
    ids = {a["id"] for a in arts}
    assert {"000_1d81f38c2b56ac4f", "003_90859dd07eb196b6", "ok-1"} <= ids
    assert any("Protesters rallied" in (a.get("title") or "") or a["origin"].endswith("hostile.html") for a in arts)


def test_run_twice_leaves_the_same_rows(ran: tuple[Path, subprocess.CompletedProcess], batch_dir: Path) -> None:
    db, _ = ran
    before = _dump(db)
    again = fp("run", str(batch_dir), "--db", str(db), "-q")
    assert again.returncode == 3  # the bad inputs fail again
    assert "0 new" in again.stderr.decode()
    assert _dump(db) == before


def test_events_formats(ran: tuple[Path, subprocess.CompletedProcess]) -> None:
    db, _ = ran
    table = fp("events", "--db", str(db))
    assert table.returncode == 0
    assert "Armed clash" in table.stdout.decode() and "Mosul" in table.stdout.decode()
    rows = list(csv.DictReader(io.StringIO(fp("events", "--db", str(db), "--format", "csv").stdout.decode())))
    assert rows and list(rows[0])[:3] == ["event_id_cnty", "event_date", "year"]
    assert any(r["sub_event_type"] == "Attack" and r["location"] == "Karbala" for r in rows)
    events = json.loads(fp("events", "--db", str(db), "--format", "json").stdout)
    assert all(e["evidence"] for e in events)
    gj = json.loads(fp("events", "--db", str(db), "--format", "geojson").stdout)
    assert gj["type"] == "FeatureCollection" and gj["features"]
    lon, lat = gj["features"][0]["geometry"]["coordinates"]
    assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_extract_is_stateless_jsonl_in_order(tmp_path: Path) -> None:
    lines = SEEDS.read_bytes() + b'{"id": "x", "text": ""}\nnot json\n'
    proc = fp("extract", stdin=lines, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [o["id"] for o in out[:2]] == ["000_1d81f38c2b56ac4f", "003_90859dd07eb196b6"]
    assert len(out) == 4 and out[2]["errors"] and out[3]["errors"]
    subs = {e["acled"]["sub_event_type"] for o in out[:2] for e in o["events"] if e["acled"]}
    assert {"Armed clash", "Attack", "Abduction/forced disappearance"} <= subs
    assert not list(tmp_path.iterdir()), "extract must not write a store"


def test_extract_text_file_with_flags(tmp_path: Path) -> None:
    f = tmp_path / "story.txt"
    f.write_text("Clashes in Mosul\n\nClashes erupted between Iraqi police and gunmen in Mosul on Sunday.\n")
    proc = fp("extract", str(f), "--published", "2019-04-15", "--source", "Test Wire")
    assert proc.returncode == 0, proc.stderr.decode()
    out = json.loads(proc.stdout)
    assert out["title"] == "Clashes in Mosul" and out["published"] == "2019-04-15" and out["source"] == "Test Wire"
    assert any(e["date"] == "2019-04-14" for e in out["events"])


@pytest.mark.parametrize("args, needle", [
    (["events", "--db", "/proc/forbidden/x.db"], "error"),
    (["run", "/no/such/path", "--db", "IGNORED"], None),
    (["extract", "--published", "yesterday"], "YYYY-MM-DD"),
    (["events", "--format", "xml"], "xml"),
    (["extract", "--encoding", "klingon"], "encoding"),
])
def test_user_errors_are_one_line(args: list[str], needle: str | None, tmp_path: Path) -> None:
    if args[-1] == "IGNORED":
        args = args[:-1] + [str(tmp_path / "s.db")]
    proc = fp(*args, stdin=b"")
    err = proc.stderr.decode()
    assert "Traceback" not in err
    if args[0] == "run":
        # a missing path is one bad input: recorded and reported, the run itself completes
        assert "1 failed" in err
        return
    assert proc.returncode != 0
    assert needle.lower() in err.lower()
    assert len([line for line in err.strip().splitlines() if line.strip()]) <= 3
