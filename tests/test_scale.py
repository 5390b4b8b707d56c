"""Runs at scale, as a user starts them: `flashpoint run --workers 2`, `--dask-local 2` (a real
Dask LocalCluster), a run killed with SIGKILL and restarted, and the same run stored in
PostgreSQL. Each must leave exactly the rows a plain single-process run leaves."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from flashpoint.cli import main
from testkit import dump_url

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).with_name("flashpoint"))
N_ARTICLES = 24  # the two seeds and the first 22 FA-KES articles


def fp(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *map(str, args)], capture_output=True, timeout=timeout, text=True)


def _stamp(column: str) -> bool:
    """Timestamps (ingested_at, recorded_at, joined_at ...) say when, not what: left out."""
    return column.endswith("_at")


def dump_sqlite(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table, timestamps left out, sorted: equal dumps mean equal stores."""
    con = sqlite3.connect(db)
    try:
        out = {}
        tables = [r[0] for r in con.execute("select name from sqlite_master where type='table'")]
        for t in sorted(tables):
            cols = [r[1] for r in con.execute(f'pragma table_info("{t}")') if not _stamp(r[1])]
            quoted = ", ".join(f'"{c}"' for c in cols)
            out[t] = sorted(con.execute(f'select {quoted} from "{t}"').fetchall(), key=repr)
        return out
    finally:
        con.close()


def stored(db: Path) -> int:
    """Articles stored so far, read while a run writes (WAL lets readers in); 0 before the
    run has created its tables."""
    try:
        con = sqlite3.connect(db, timeout=5)
        try:
            return int(con.execute("select count(*) from articles").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return 0


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "articles.jsonl"
    lines = (ROOT / "examples" / "seeds.jsonl").read_text(encoding="utf-8").splitlines()
    with open(ROOT / "examples" / "fa-kes" / "fa-kes.jsonl", encoding="utf-8") as fh:
        lines += [next(fh).rstrip("\n") for _ in range(N_ARTICLES - len(lines))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def single(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple]]:
    """The reference: a plain single-process run over the corpus."""
    db = tmp_path_factory.mktemp("single") / "single.db"
    proc = fp("run", corpus, "--db", db, "-q")
    assert proc.returncode == 0, proc.stderr
    assert f"{N_ARTICLES} article(s) read: {N_ARTICLES} new" in proc.stderr
    rows = dump_sqlite(db)
    assert len(rows["articles"]) == N_ARTICLES and rows["events"]
    return rows


@pytest.mark.parametrize("mode", [["--workers", "2"], ["--dask-local", "2"]], ids=["workers", "dask-local"])
def test_parallel_runs_store_exactly_what_a_single_process_stores(
        mode: list[str], corpus: Path, single: dict[str, list[tuple]], tmp_path: Path) -> None:
    db = tmp_path / "parallel.db"
    proc = fp("run", corpus, "--db", db, "-q", *mode)
    assert proc.returncode == 0, proc.stderr
    assert f"{N_ARTICLES} article(s) read: {N_ARTICLES} new, 0 re-coded, 0 unchanged, 0 failed" in proc.stderr
    rows = dump_sqlite(db)
    for table in single:
        assert rows[table] == single[table], f"{table} differs from the single-process run"
    assert set(rows) == set(single)
    again = fp("run", corpus, "--db", db, "-q", *mode)  # idempotent in the same mode
    assert f"0 new, 0 re-coded, {N_ARTICLES} unchanged" in again.stderr, again.stderr
    assert dump_sqlite(db) == rows


def _group_gone(pgid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("mode", [[], ["--workers", "2"]], ids=["single", "workers"])
def test_a_killed_run_resumes_where_it_stopped(mode: list[str], corpus: Path,
                                               single: dict[str, list[tuple]], tmp_path: Path) -> None:
    db = tmp_path / "killed.db"
    log = tmp_path / "killed.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen([EXE, "run", str(corpus), "--db", str(db), "-q", *mode],
                                stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while stored(db) == 0:
            assert proc.poll() is None, f"the run ended before it could be killed: {log.read_text()}"
            assert time.monotonic() < deadline, "no article stored in time"
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        # Its worker processes notice and exit by themselves: nothing keeps coding for nobody.
        assert _group_gone(proc.pid, within=15), "worker processes outlived the killed run"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    done = stored(db)
    assert 0 < done < N_ARTICLES, f"{done} stored when killed; the kill came too late to prove anything"

    again = fp("run", corpus, "--db", db, "-q", *mode)
    assert again.returncode == 0, again.stderr
    expected = (f"{N_ARTICLES} article(s) read: {N_ARTICLES - done} new, 0 re-coded, {done} unchanged, "
                f"0 failed")
    assert expected in again.stderr
    rows = dump_sqlite(db)
    for table in single:  # nothing lost, nothing twice: the rows of an uninterrupted run
        assert rows[table] == single[table], f"{table} differs from an uninterrupted run"


def test_scale_options_are_checked_in_one_line(corpus: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("flashpoint.dask_runner._CONNECT_TIMEOUT_S", 1)  # nothing listens: no need to wait 20 s
    db = str(tmp_path / "x.db")
    for args, needle in (
        (["--workers", "2", "--dask-local", "2"], "choose one of"),
        (["--workers", "0"], "--workers"),
        (["--scheduler", "localhost:8786"], "not a Dask scheduler address"),
        (["--scheduler", "tcp://127.0.0.1:1"], "cannot reach the Dask scheduler"),
    ):
        result = CliRunner().invoke(main, ["run", str(corpus), "--db", db, "-q", *args])
        assert result.exit_code != 0, args
        assert needle in result.output, (args, result.output)
        assert "Traceback" not in result.output
    assert stored(Path(db)) == 0


def test_a_run_stored_in_postgresql_has_the_rows_sqlite_has(pg_url: str, tmp_path: Path) -> None:
    """The same run into SQLite and into PostgreSQL: the same rows in every table, fusion
    included (the store tests prove each operation on both; this proves a whole run)."""
    seeds = str(ROOT / "examples" / "seeds.jsonl")
    reference = tmp_path / "reference.db"
    runner = CliRunner()
    for url in (str(reference), pg_url):
        result = runner.invoke(main, ["run", seeds, "--db", url, "-q"])
        assert result.exit_code == 0, result.output
        assert "2 new" in result.output
    theirs, ours = dump_url(pg_url), dump_sqlite(reference)
    assert set(theirs) == set(ours)
    for table, rows in ours.items():
        assert theirs[table] == rows, table


def test_a_result_the_store_refuses_is_recorded_and_the_run_goes_on(tmp_path: Path, monkeypatch) -> None:
    """One article whose result cannot be stored costs only itself: it is recorded with its
    reason, the rest of its batch is stored, and the next run codes it again."""
    from flashpoint import pipeline
    from flashpoint.runner import run_paths
    from flashpoint.store import open_store

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text("Gunmen killed two soldiers in Kirkuk on Monday.\n", encoding="utf-8")
    (inbox / "b.txt").write_text("Protesters rallied in Basra on Friday against power cuts.\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'runs.db'}"
    real = pipeline.code_articles

    def one_malformed(articles, **kwargs):
        for result in real(articles, **kwargs):
            if result.article.origin.endswith("a.txt"):
                result.events[0].id = "x" * 65  # longer than any store accepts
            yield result

    monkeypatch.setattr(pipeline, "code_articles", one_malformed)
    first = run_paths([str(inbox)], db_url=db, progress=False)
    assert (first.inserted, first.failed) == (1, 1)
    with open_store(db) as store:
        assert store.counts()["articles"] == 1
        [error] = store.errors()
        assert error["origin"].endswith("a.txt") and "cannot store" in error["reason"]

    monkeypatch.setattr(pipeline, "code_articles", real)
    second = run_paths([str(inbox)], db_url=db, progress=False)
    assert (second.inserted, second.unchanged, second.failed) == (1, 1, 0)
    with open_store(db) as store:  # stored now: its error is stale and gone
        assert store.errors() == []


def test_the_local_dask_cluster_drops_only_the_trim_threshold_from_the_worker_environment() -> None:
    """Dask's MALLOC_TRIM_THRESHOLD_ costs a coding worker 10% of its CPU; the other variables a
    user or Dask sets for workers (thread limits) must reach them unchanged."""
    import dask

    from flashpoint.dask_runner import _local_config

    mine = {"MALLOC_TRIM_THRESHOLD_": 65536, "OMP_NUM_THREADS": 1, "MY_SETTING": "kept"}
    with dask.config.set({"distributed.nanny.pre-spawn-environ": mine}):
        config = _local_config()
    assert config["distributed.nanny.pre-spawn-environ"] == {"OMP_NUM_THREADS": 1, "MY_SETTING": "kept"}
    assert config["distributed.worker.profile.enabled"] is False


def _workers_of(pid: int) -> list[Any]:
    """The coding worker processes a run has spawned (not multiprocessing's resource tracker)."""
    import psutil

    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    out = []
    for child in children:
        try:
            cmd = " ".join(child.cmdline())
        except psutil.Error:
            continue
        if "spawn_main" in cmd and "resource_tracker" not in cmd:
            out.append(child)
    return out


def test_a_worker_killed_mid_run_loses_nothing(corpus: Path, single: dict[str, list[tuple]],
                                              tmp_path: Path) -> None:
    """One of two workers killed (SIGKILL, as the out-of-memory killer does) while batches are in
    flight: every batch it took down is coded again by a fresh pool, the run reports no failure,
    and the store equals an uninterrupted run's, row for row."""
    db = tmp_path / "worker-killed.db"
    proc = subprocess.Popen([EXE, "run", str(corpus), "--db", str(db), "-q", "--workers", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while len(_workers_of(proc.pid)) < 2:
            assert proc.poll() is None and time.monotonic() < deadline, "no workers started"
            time.sleep(0.05)
        time.sleep(3)  # loading its models or coding its first batch: either way, batches wait on it
        assert stored(db) == 0, "the batches finished before the kill; it would prove nothing"
        _workers_of(proc.pid)[0].kill()
        _, err = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, err
    assert f"{N_ARTICLES} article(s) read: {N_ARTICLES} new, 0 re-coded, 0 unchanged, 0 failed" in err, err
    rows = dump_sqlite(db)
    for table in single:
        assert rows[table] == single[table], f"{table} differs from an uninterrupted run"
