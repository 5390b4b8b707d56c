"""Helpers several test files share: a real uvicorn server on 127.0.0.1, a copy of a SQLite store
(its WAL files included), a dump of a store's rows for comparing stores, a child process in
which root obeys file modes, the fixed coded reports of the store identity test, and a store
coded from the seeds and the first FA-KES articles."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, select

IDENTITY_REPORTS = Path(__file__).resolve().parent / "data" / "store_identity" / "reports.jsonl"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def seeds_and_fakes_store(directory: Path, n_fakes: int) -> tuple[Path, Any]:
    """The store ``flashpoint run`` makes of the two seeds plus the first ``n_fakes`` FA-KES
    articles, in ``directory``; returns (the SQLite file, the run's summary)."""
    from flashpoint.runner import run_paths

    sample = directory / "sample.jsonl"
    fakes = (EXAMPLES / "fa-kes" / "fa-kes.jsonl").read_text(encoding="utf-8").splitlines()[:n_fakes]
    sample.write_text((EXAMPLES / "seeds.jsonl").read_text(encoding="utf-8") + "\n".join(fakes) + "\n",
                      encoding="utf-8")
    db = directory / "store.db"
    return db, run_paths([str(sample)], db_url=str(db), progress=False)


def identity_reports(path: Path = IDENTITY_REPORTS) -> list[Any]:
    """Articles as the extractor coded them, with their sentence vectors (``DocumentResult``s):
    the fixed input of the store identity and contract tests, so no spaCy is needed."""
    import base64
    import json

    from flashpoint.model import Article, DocumentResult

    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        result = DocumentResult.from_dict(d["result"], Article.from_dict(d["article"]))
        result.vectors = {k: base64.b64decode(v) for k, v in d["vectors"].items()}
        out.append(result)
    return out


@contextmanager
def live_server(app: Any) -> Iterator[int]:
    """``app`` served by uvicorn in a thread, on a free port of 127.0.0.1; yields the port."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield port
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        sock.close()


def copy_store(db: Path, dest: Path) -> Path:
    """A copy of the SQLite store ``db`` at ``dest``, with its -wal and -shm files."""
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(db) + suffix)
        if src.exists():
            shutil.copyfile(src, Path(str(dest) + suffix))
    return dest


def dump_url(url: str, tables: tuple[str, ...] | None = None) -> dict[str, list[tuple]]:
    """Every row of ``tables`` (default: all), timestamps (``*_at``) left out, sorted: equal dumps
    mean equal stores. Any backend, through SQLAlchemy reflection."""
    from flashpoint.store.repo import make_engine

    engine, _ = make_engine(url)
    try:
        md = MetaData()
        md.reflect(engine, only=list(tables) if tables is not None else None)
        with engine.connect() as conn:
            return {
                t.name: sorted((tuple(r) for r in conn.execute(
                    select(*[c for c in t.columns if not c.name.endswith("_at")]))), key=repr)
                for t in md.sorted_tables
            }
    finally:
        engine.dispose()


def without_root_file_access() -> None:
    """In a child process, before exec: drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the
    bounding set, so that root obeys file modes as any user does (a chmod 000 file is then
    unreadable, a 0444 one not writable)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "cannot drop a capability")
