"""The CLI as an analyst monitoring a conflict uses it (issue 22): ids to reach `explain`, counts,
a pager on a terminal, every written file named, hints for filters that match nothing, no store
created by a command that only reads, failed inputs visible in the exit code, a progress bar
with a total, and `run -` ending at the first Ctrl-D. Real processes (and pseudo-terminals where
a terminal is the point), real SQLite stores."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).with_name("flashpoint"))
SEEDS = ROOT / "examples" / "seeds.jsonl"

# Two short reports written for these tests: a Syrian air strike in Aleppo and a clash near Hama.
SYRIA = [
    {"id": "syr-1", "published": "2016-10-12", "source": "Test Wire", "title": "Air strikes hit eastern Aleppo",
     "text": "Air strikes hit eastern Aleppo\n\nGovernment air strikes killed twelve civilians in the Bustan "
             "al-Qasr district of Aleppo, Syria, on Tuesday, a monitoring group said. Rescue workers pulled "
             "survivors from the rubble of two buildings."},
    {"id": "syr-2", "published": "2016-10-20", "source": "Other Wire", "title": "Rebels shell Hama",
     "text": "Rebels shell Hama\n\nRebel fighters clashed with Syrian army troops near Hama, Syria, on "
             "Wednesday, killing four soldiers, the army said."},
]
STORY = "Gunmen killed two soldiers in Kirkuk on Monday, police said.\n"


def fp(*args: str, stdin: bytes | None = None, cwd: Path | None = None,
       env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *args], input=stdin, capture_output=True, cwd=cwd, timeout=300,
                          env={**os.environ, **(env or {})})


def in_pty(args: list[str], *, env: dict[str, str] | None = None, typed: list[bytes] = (),
           timeout: float = 120) -> tuple[int | None, str]:
    """Run the command on a pseudo-terminal (stdin, stdout and stderr a terminal), type ``typed``
    one piece at a time, and return (exit status or None if it did not exit in time, output)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: becomes the command
        os.environ.update(env or {})
        try:
            os.execv(EXE, [EXE, *args])
        finally:
            os._exit(127)
    # A new pseudo-terminal is 0 x 0; give it a size, as a real terminal has (tqdm draws to fit it).
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    out = b""
    time.sleep(0.3)
    for piece in typed:
        os.write(fd, piece)
        time.sleep(0.3)
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        if select.select([fd], [], [], 0.2)[0]:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            out += chunk
        done, code = os.waitpid(pid, os.WNOHANG)
        if done:
            status = os.waitstatus_to_exitcode(code)
            while select.select([fd], [], [], 0.2)[0]:  # what is left in the terminal
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
            break
    if status is None:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    os.close(fd)
    return status, out.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("monitor")
    syria = d / "syria.jsonl"
    syria.write_text("".join(json.dumps(a) + "\n" for a in SYRIA), encoding="utf-8")
    db = d / "monitor.db"
    proc = fp("run", str(SEEDS), str(syria), "--db", str(db), "-q")
    assert proc.returncode == 0, proc.stderr.decode()
    return db


def _fused(db: Path) -> list[dict]:
    proc = fp("events", "--db", str(db), "--format", "json")
    assert proc.returncode == 0, proc.stderr.decode()
    return json.loads(proc.stdout)


# ------------------------------------------------------------------------ the event table


def test_events_table_shows_ids_that_explain_takes_and_a_count(store: Path) -> None:
    events = _fused(store)
    proc = fp("events", "--db", str(store))
    assert proc.returncode == 0, proc.stderr.decode()
    lines = proc.stdout.decode().splitlines()
    assert lines[0].split()[:2] == ["id", "date"]
    shown = [line.split()[0] for line in lines[2:]]
    assert sorted(shown) == sorted(e["id"] for e in events)
    assert proc.stderr.decode().strip() == f"{len(events)} events"
    explained = fp("explain", shown[0], "--db", str(store))
    assert explained.returncode == 0 and explained.stdout.decode().startswith(f"Event {shown[0]}:")
    some = fp("events", "--db", str(store), "--limit", "2")
    assert len(some.stdout.decode().splitlines()) == 2 + 2
    assert f"showing 2 of {len(events)} events; --limit 0 shows all" in some.stderr.decode()


def test_events_table_pages_on_a_terminal_and_never_into_a_pipe(store: Path, tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    pager = tmp_path / "pager.py"
    pager.write_text("import sys\nopen(sys.argv[1], 'w').write(sys.stdin.read())\n", encoding="utf-8")
    env = {"PAGER": f"{sys.executable} {pager} {paged}", "LINES": "6", "COLUMNS": "200"}
    status, out = in_pty(["events", "--db", str(store)], env=env)
    assert status == 0, out
    lines = [line for line in paged.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert lines[0].split()[:2] == ["id", "date"] and len(lines) == 2 + len(_fused(store))
    paged.unlink()
    status, out = in_pty(["events", "--db", str(store), "--limit", "2"], env=env)  # fits the screen
    assert status == 0 and not paged.exists() and "showing 2 of" in out
    piped = fp("events", "--db", str(store), env=env)
    assert piped.returncode == 0 and not paged.exists() and piped.stdout.decode().startswith("id ")
    status, out = in_pty(["events", "--db", str(store), "-o", str(tmp_path / "t.txt")], env=env)
    assert status == 0 and not paged.exists() and (tmp_path / "t.txt").read_text().startswith("id ")


def test_commands_that_write_a_file_say_what_they_wrote(store: Path, tmp_path: Path) -> None:
    n = len(_fused(store))
    for args, line in [
        (["events", "--format", "csv", "-o", str(tmp_path / "e.csv")],
         f"wrote {n} events to {tmp_path / 'e.csv'} (csv)"),
        (["export", "--format", "jsonl", "-o", str(tmp_path / "x.jsonl")],
         f"wrote {n} events to {tmp_path / 'x.jsonl'} (jsonl)"),
        (["export", "--format", "parquet", "-o", str(tmp_path / "x.parquet")],
         f"wrote {n} events to {tmp_path / 'x.parquet'} (parquet)"),
        (["export", "--format", "graphml", "-o", str(tmp_path / "g.graphml")], "wrote the actor graph ("),
        (["report", "--format", "html", "--country", "Syria", "-o", str(tmp_path / "r.html")],
         f"wrote the report to {tmp_path / 'r.html'} (html)"),
    ]:
        proc = fp(*args, "--db", str(store))
        assert proc.returncode == 0, proc.stderr.decode()
        assert line in proc.stderr.decode(), (args, proc.stderr.decode())
    extracted = fp("extract", "-o", str(tmp_path / "r.jsonl"), stdin=STORY.encode())
    assert extracted.returncode == 0, extracted.stderr.decode()
    assert f"wrote 1 result to {tmp_path / 'r.jsonl'} (jsonl)" in extracted.stderr.decode()
    assert len((tmp_path / "r.jsonl").read_text().splitlines()) == 1


@pytest.mark.parametrize("args, hint", [
    (["--country", "Syira"], "no country 'Syira' in this store; did you mean --country 'Syria'?"),
    (["--type", "Air strike"], "no event type 'Air strike' in this store; did you mean --type 'Air/drone strike'?"),
    (["--admin1", "Alepo"], "no admin1 region 'Alepo' in this store; did you mean --admin1 'Aleppo'?"),
    (["--country", "Syria", "--type", "Protests"], "no event type 'Protests' in this store; it has "),
    (["--country", "Syria", "--admin1", "Nineveh"],
     "each value is in the store, but no event matches all the filters together"),
])
def test_a_filter_that_matches_nothing_names_the_nearest_value(store: Path, args: list[str], hint: str) -> None:
    proc = fp("events", "--db", str(store), *args)
    assert proc.returncode == 0, proc.stderr.decode()
    assert "(no events)" in proc.stdout.decode()
    assert f"flashpoint: hint: {hint}" in proc.stderr.decode(), proc.stderr.decode()
    exported = fp("export", "--db", str(store), "--format", "csv", *args)
    assert exported.returncode == 0 and f"hint: {hint}" in exported.stderr.decode()


def test_acled_spellings_of_a_region_are_not_taken_for_typos(store: Path) -> None:
    """Halab is ACLED's/the crosswalk's name of Aleppo (places.admin_names): it matches, no hint."""
    from flashpoint.places.admin_names import spellings

    other = next((s for s in spellings("Aleppo") if s != "aleppo"), None)
    if other is None:
        pytest.fail("the crosswalk has no other spelling of Aleppo")
    proc = fp("events", "--db", str(store), "--admin1", other)
    assert "(no events)" not in proc.stdout.decode() and "hint" not in proc.stderr.decode()


@pytest.mark.parametrize("command", [
    ["events"], ["export", "--format", "csv"], ["report"], ["actors"], ["articles"],
    ["articles", "--errors"], ["explain", "0123456789abcdef"],
])
def test_read_only_commands_never_create_a_store(tmp_path: Path, command: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if k != "FLASHPOINT_DB"}
    proc = subprocess.run([EXE, *command], capture_output=True, cwd=tmp_path, env=env, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.decode().strip() == (
        "Error: no store at flashpoint.db; `flashpoint run` creates one (or give --db / $FLASHPOINT_DB)")
    assert list(tmp_path.iterdir()) == []
    elsewhere = fp(*command, "--db", str(tmp_path / "no" / "such.db"))
    assert elsewhere.returncode == 1 and "no store at" in elsewhere.stderr.decode()
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------ run: failures, progress, stdin


def test_run_exits_3_when_some_inputs_failed_and_1_when_none_could_be_read(store: Path, tmp_path: Path) -> None:
    bad = tmp_path / "binary.txt"
    bad.write_bytes(bytes(range(256)) * 8)
    some = fp("run", str(SEEDS), str(bad), "--db", str(store), "-q")
    err = some.stderr.decode()
    assert some.returncode == 3, err
    assert f"flashpoint: failed: {bad}: binary" in err and "1 input failed (exit code 3)" in err
    none = fp("run", str(bad), "--db", str(store), "-q")
    assert none.returncode == 1 and "no input could be read" in none.stderr.decode()
    refused = fp("run", "http://10.0.0.7/story.html", "--db", str(store), "-q",
                 env={"FLASHPOINT_ALLOW_PRIVATE_URLS": "0"})
    assert refused.returncode == 1
    assert "failed: http://10.0.0.7/story.html: refused: 10.0.0.7 is a private address" in refused.stderr.decode()
    ok = fp("run", str(SEEDS), "--db", str(store), "-q")
    assert ok.returncode == 0, ok.stderr.decode()


def test_watch_once_on_a_binary_file_prints_why_and_exits_3(store: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "scan.txt").write_bytes(b"\x00\x01\x02" * 500)
    proc = fp("watch", str(inbox), "--once", "--db", str(store))
    err = proc.stderr.decode()
    assert proc.returncode == 3, err
    assert f"failed: {inbox / 'scan.txt'}: binary" in err


def test_run_progress_bar_has_a_total_when_inputs_can_be_counted(store: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "seeds.jsonl").write_bytes(SEEDS.read_bytes())  # two articles, both stored already
    (folder / "empty.txt").write_text("")
    status, out = in_pty(["run", str(folder), "--db", str(store)], env={"COLUMNS": "120"})
    assert status == 3, out
    assert "3/3" in out and "100%" in out, out  # a total (2 JSONL lines + 1 file), so a percentage
    status, out = in_pty(["run", "-", "--db", str(store)], env={"COLUMNS": "120"}, typed=[STORY.encode(), b"\x04"])
    assert status == 0, out
    assert "1 article(s) read" in out and "%|" not in out  # standard input: no total to show


def test_run_stdin_from_a_pipe(store: Path) -> None:
    proc = fp("run", "-", "--db", str(store), "-q", stdin=STORY.encode())
    assert proc.returncode == 0, proc.stderr.decode()
    assert "1 article(s) read" in proc.stderr.decode()


def test_run_stdin_on_a_terminal_ends_at_the_first_ctrl_d(store: Path) -> None:
    story = "Militants attacked a checkpoint in Tikrit on Sunday, killing three policemen.\n"
    status, out = in_pty(["run", "-", "--db", str(store), "-q"], typed=[story.encode(), b"\x04"], timeout=90)
    assert status == 0, f"still waiting for input after one Ctrl-D: {out!r}"
    assert "1 article(s) read" in out
