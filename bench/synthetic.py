"""A synthetic corpus of short articles made of FA-KES sentences, run through `flashpoint run`.

Why: to show that a long run keeps its memory flat. The corpus is generated deterministically
(a seeded RNG over the sentences of examples/fa-kes) and streamed line by line to a temporary
JSONL file, so neither this script nor Flashpoint ever holds it; Flashpoint reads it as it
would read any large JSONL. While the run goes, the resident memory of its main process and of
every worker is sampled and printed at checkpoints (every tenth of the articles stored), then
time, articles/s and each process's peak.

Usage: python bench/synthetic.py [--n 100000] [--workers N | --dask-local N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from proctree import TreeSampler, run_sampled  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FAKES = ROOT / "examples" / "fa-kes" / "fa-kes.jsonl"
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
SEED = 9


def sentences() -> list[str]:
    """Every FA-KES sentence of 40 to 300 characters, in file order (the pool is ~1 MB)."""
    pool: list[str] = []
    with open(FAKES, encoding="utf-8") as fh:
        for line in fh:
            for s in _SENTENCE.split(json.loads(line)["text"]):
                s = " ".join(s.split())
                if 40 <= len(s) <= 300:
                    pool.append(s)
    return pool


def articles(n: int, pool: list[str]) -> Iterator[dict]:
    """``n`` short articles: a headline and 3 to 6 sentences (one paragraph each), with a date."""
    rng = random.Random(SEED)
    start = dt.date(2015, 1, 1)
    for i in range(n):
        body = rng.sample(pool, rng.randint(3, 6))
        title = body[0][:90].rsplit(" ", 1)[0] if len(body[0]) > 90 else body[0]
        yield {"id": f"syn-{i:06d}", "title": title, "text": "\n\n".join(body),
               "published": (start + dt.timedelta(days=i % 1500)).isoformat(), "source": "Synthetic Wire"}


def write_corpus(path: Path, n: int) -> int:
    pool = sentences()
    size = 0
    with open(path, "w", encoding="utf-8") as fh:
        for article in articles(n, pool):
            line = json.dumps(article, ensure_ascii=False) + "\n"
            fh.write(line)
            size += len(line.encode("utf-8"))
    return size


def stored(db: Path) -> int:
    try:
        con = sqlite3.connect(db, timeout=5)
        try:
            return int(con.execute("select count(*) from articles").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="Articles to generate and run (default 100000).")
    parser.add_argument("--workers", type=int, default=1, metavar="N")
    parser.add_argument("--dask-local", type=int, default=0, metavar="N")
    parser.add_argument("--keep", metavar="DIR", help="Keep the corpus and the store in DIR.")
    args = parser.parse_args()

    tmp = None if args.keep else tempfile.TemporaryDirectory()
    folder = Path(args.keep or tmp.name)  # type: ignore[union-attr]
    folder.mkdir(parents=True, exist_ok=True)
    corpus, db = folder / "synthetic.jsonl", folder / "synthetic.db"
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        p.unlink(missing_ok=True)
    t0 = time.perf_counter()
    size = write_corpus(corpus, args.n)
    print(f"corpus: {args.n} articles, {size / 1e6:.1f} MB, written in {time.perf_counter() - t0:.1f} s "
          f"(streamed; {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f})")

    mode = ["--workers", str(args.workers)] if args.workers > 1 else []
    if args.dask_local:
        mode = ["--dask-local", str(args.dask_local)]
    exe = str(Path(sys.executable).with_name("flashpoint"))
    step = max(1, args.n // 10)
    next_mark = [step]
    print(f"{'elapsed s':>10}{'stored':>9}{'articles/s':>12}  RSS MB (main; workers)")

    def checkpoint(elapsed: float, sampler: TreeSampler) -> None:
        done = stored(db)
        if done < next_mark[0]:
            return
        while next_mark[0] <= done:
            next_mark[0] += step
        rss = sampler.current_mb()
        workers = ", ".join(f"{mb:.0f}" for mb in sorted(rss.get("worker", []), reverse=True)) or "-"
        main_mb = sum(rss.get("main", [0.0]))
        print(f"{elapsed:10.0f}{done:9d}{done / elapsed:12.2f}  {main_mb:.0f}; {workers}", flush=True)

    code, wall, err, sampler = run_sampled([exe, "run", str(corpus), "--db", str(db), "-q", *mode],
                                           on_tick=checkpoint, tick=1.0)
    if code != 0:
        raise SystemExit(f"flashpoint run failed: {err[-800:]}")
    done = stored(db)
    main_peak = sampler.peaks_mb("main")
    worker_peaks = sampler.peaks_mb("worker")
    print(err.strip())
    print(f"total: {done} articles stored in {wall:.0f} s ({done / wall:.2f} articles/s, start-up included); "
          f"peak RSS main {main_peak[0] if main_peak else 0:.0f} MB"
          + (f", workers {', '.join(f'{mb:.0f}' for mb in worker_peaks)} MB" if worker_peaks else ""))
    if args.n < 100_000:
        print(f"extrapolated to 100,000 articles at this rate: {wall * 100_000 / args.n / 3600:.1f} h")
    print(json.dumps({"n": args.n, "stored": done, "wall_s": round(wall, 1), "articles_per_s": round(done / wall, 3),
                      "main_peak_mb": round(main_peak[0]) if main_peak else None,
                      "worker_peak_mb": [round(mb) for mb in worker_peaks]}))
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
