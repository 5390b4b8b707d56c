"""Throughput of `flashpoint extract` on the FA-KES articles, beside spaCy's own `nlp.pipe`.

Prints articles/s and peak memory (max RSS) for:
  1. spaCy alone: the same model, `nlp.pipe` over the same cleaned texts (the floor we build on);
  2. `flashpoint extract` as a user runs it: the CLI in a fresh process, JSONL in, JSONL out.
and the ratio of the two. Each measurement runs in its own process so peak memory is its own.
Not a timed test: figures depend on the machine; read them, compare them between commits.

With --workers N and/or --dask-local N it compares runs instead, each `flashpoint run` into a
fresh store: in one process, then with 1 and N worker processes and/or on local Dask clusters of
1 and N workers, printing for each articles/s, peak memory of the main process and of every
worker, and its ratio to the single-process run and to the one-worker run of its mode.

Usage: python bench/throughput.py [--limit N] [--input FILE.jsonl] [--workers N] [--dask-local N]
                                  [--repeat K]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INPUT = ROOT / "examples" / "fa-kes" / "fa-kes.jsonl"


def _spacy_child(path: str, model: str) -> None:
    """Runs in a child process: time nlp.pipe over the cleaned texts flashpoint would parse."""
    import spacy

    from flashpoint.ingest import IngestOptions, read_inputs
    from flashpoint.model import Article

    texts = [a.text for a in read_inputs([path], IngestOptions()) if isinstance(a, Article)]
    nlp = spacy.load(model)
    start = time.perf_counter()
    n_tokens = 0
    for doc in nlp.pipe(texts, batch_size=16):
        n_tokens += len(doc)
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"articles": len(texts), "tokens": n_tokens, "seconds": seconds, "peak_mb": peak_kb / 1024}))


def _run_cli(path: str) -> dict:
    exe = Path(sys.executable).with_name("flashpoint")
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.run([str(exe), "extract", "--no-text", path], stdout=out, stderr=subprocess.PIPE, check=False)
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"flashpoint extract failed: {proc.stderr.decode()[-500:]}")
        out.seek(0)
        lines = out.read().decode().splitlines()
    events = sum(len(json.loads(line).get("events", [])) for line in lines)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"articles": len(lines), "events": events, "seconds": seconds, "peak_mb": peak_kb / 1024}


def _startup_seconds() -> float:
    """Process start, imports, model and gazetteer loads: one three-word article end to end."""
    exe = Path(sys.executable).with_name("flashpoint")
    start = time.perf_counter()
    subprocess.run([str(exe), "extract", "--no-text"], input=b'{"id": "x", "text": "Clashes in Mosul."}\n',
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


_SUMMARY = re.compile(r"(\d+) article\(s\) read: (\d+) new.*?(\d+) event\(s\) coded in ([\d.]+) s")


def _run_mode(path: str, extra: list[str]) -> dict:
    """One `flashpoint run` into a fresh store, its process tree's memory sampled."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from proctree import run_sampled

    exe = Path(sys.executable).with_name("flashpoint")
    with tempfile.TemporaryDirectory() as tmp:
        code, wall, err, sampler = run_sampled([str(exe), "run", path, "--db", f"{tmp}/bench.db", "-q", *extra])
    if code != 0:
        raise SystemExit(f"flashpoint run {' '.join(extra)} failed: {err[-800:]}")
    m = _SUMMARY.search(err)
    if m is None:
        raise SystemExit(f"no summary line from flashpoint run: {err[-800:]}")
    main_mb = sampler.peaks_mb("main")
    return {"articles": int(m.group(1)), "new": int(m.group(2)), "events": int(m.group(3)),
            "run_s": float(m.group(4)), "wall_s": wall, "main_mb": main_mb[0] if main_mb else 0.0,
            "workers_mb": sampler.peaks_mb("worker"),
            "cpu_s": sampler.cpu_seconds("main") + sampler.cpu_seconds("worker")}


def compare_modes(path: str, label: str, workers: int, dask_local: int, repeat: int = 1) -> None:
    """Single process, then each parallel mode with one worker and with N: the ratio to the one
    worker run of the same mode is the scaling; the ratio to the single process what a user gains.

    With ``repeat`` > 1 the modes run in turn that many times and each mode's median run (by wall
    time) is shown: on a shared machine one run of a mode can be seconds off, and taking turns
    spreads a slow spell over every mode instead of one."""
    modes: list[tuple[str, str | None, list[str]]] = [("single process", None, [])]
    for flag, n in (("--workers", workers), ("--dask-local", dask_local)):
        if n:
            modes.append((f"{flag} 1", None, [flag, "1"]))
            if n > 1:
                modes.append((f"{flag} {n}", f"{flag} 1", [flag, str(n)]))
    load = os.getloadavg()[0]
    runs: dict[str, list[dict]] = {name: [] for name, _, _ in modes}
    for _ in range(repeat):
        for name, _, extra in modes:
            runs[name].append(_run_mode(path, extra))
    results = {name: _median_run(rs) for name, rs in runs.items()}
    base = results["single process"]
    print(f"input: {label} ({base['articles']} articles), {os.cpu_count()} CPU(s), "
          f"load average before: {load:.1f}, after: {os.getloadavg()[0]:.1f}"
          + (f"; median of {repeat} runs per mode" if repeat > 1 else ""))
    print(f"{'':18}{'articles/s':>11}{'wall s':>8}{'run s':>8}{'vs single':>10}{'vs 1 worker':>12}"
          f"{'CPU s':>8}{'main MB':>9}  peak MB per worker")
    out = {}
    for name, one, _ in modes:
        r = results[name]
        rate = r["articles"] / r["wall_s"]
        ratio = base["wall_s"] / r["wall_s"]
        scaling = results[one]["wall_s"] / r["wall_s"] if one else None
        workers_mb = ", ".join(f"{mb:.0f}" for mb in r["workers_mb"]) or "-"
        shown = f"{scaling:12.2f}" if scaling else f"{'':12}"
        print(f"{name:18}{rate:11.2f}{r['wall_s']:8.1f}{r['run_s']:8.1f}{ratio:10.2f}{shown}{r['cpu_s']:8.0f}"
              f"{r['main_mb']:9.0f}  {workers_mb}")
        out[name] = {"articles_per_s": round(rate, 3), "wall_s": round(r["wall_s"], 2), "run_s": r["run_s"],
                     "ratio_to_single": round(ratio, 3),
                     "ratio_to_one_worker": round(scaling, 3) if scaling else None,
                     "cpu_s": round(r["cpu_s"], 1), "main_peak_mb": round(r["main_mb"]),
                     "worker_peak_mb": [round(mb) for mb in r["workers_mb"]], "events": r["events"]}
    print("(rates and ratios over the wall time of each whole command, start-up included; 'run s' is the "
          "run's own time from its summary line; 'CPU s' the CPU time of all its processes)")
    if repeat > 1:
        for name, rs in runs.items():
            out[name]["wall_s_runs"] = [round(r["wall_s"], 2) for r in rs]
            walls = ", ".join(f"{r['wall_s']:.1f}" for r in rs)
            print(f"{name:18}wall s of each run: {walls}")
    print(json.dumps(out))


def _median_run(runs: list[dict]) -> dict:
    """The run whose wall time is the median (the lower middle one for an even count)."""
    ordered = sorted(runs, key=lambda r: r["wall_s"])
    return ordered[(len(ordered) - 1) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", default=str(DEFAULT_INPUT))
    parser.add_argument("--limit", type=int, default=0, help="Only the first N articles (0: all).")
    parser.add_argument("--workers", type=int, default=0, metavar="N",
                        help="Compare `flashpoint run --workers N` with a single-process run.")
    parser.add_argument("--dask-local", type=int, default=0, metavar="N",
                        help="Compare `flashpoint run --dask-local N` with a single-process run.")
    parser.add_argument("--repeat", type=int, default=1, metavar="K",
                        help="With --workers/--dask-local: run the modes in turn K times, show medians.")
    parser.add_argument("--spacy-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    from flashpoint.settings import get_settings

    model = get_settings().spacy_model
    if args.spacy_child:
        _spacy_child(args.input, model)
        return
    path = args.input
    if args.limit:
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as tmp, \
                open(args.input, encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if i >= args.limit:
                    break
                tmp.write(line)
        path = tmp.name

    if args.workers or args.dask_local:
        try:
            compare_modes(path, args.input, args.workers, args.dask_local, max(1, args.repeat))
        finally:
            if args.limit:
                os.unlink(path)
        return

    child = subprocess.run([sys.executable, __file__, "--spacy-child", "--input", path],
                           capture_output=True, text=True, check=True)
    base = json.loads(child.stdout.strip().splitlines()[-1])
    startup = _startup_seconds()
    fp = _run_cli(path)
    if args.limit:
        os.unlink(path)

    base_rate = base["articles"] / base["seconds"]
    fp_rate = fp["articles"] / fp["seconds"]
    fp_rate_warm = fp["articles"] / max(fp["seconds"] - startup, 1e-9)
    print(f"input: {args.input} ({fp['articles']} articles, {base['tokens']} tokens), model {model}, "
          f"{os.cpu_count()} CPU(s)")
    print(f"{'':28}{'articles/s':>12}{'seconds':>10}{'peak MB':>10}")
    print(f"{'spaCy nlp.pipe':28}{base_rate:12.1f}{base['seconds']:10.1f}{base['peak_mb']:10.0f}")
    print(f"{'flashpoint extract (CLI)':28}{fp_rate:12.1f}{fp['seconds']:10.1f}{fp['peak_mb']:10.0f}")
    print(f"{'  less start-up':28}{fp_rate_warm:12.1f}{fp['seconds'] - startup:10.1f}")
    print(f"ratio flashpoint/spaCy: {fp_rate / base_rate:.2f} (with start-up {startup:.1f} s), "
          f"{fp_rate_warm / base_rate:.2f} without; {fp['events']} events coded")
    print(json.dumps({
        "articles": fp["articles"], "spacy_articles_per_s": round(base_rate, 2),
        "flashpoint_articles_per_s": round(fp_rate, 2), "flashpoint_articles_per_s_warm": round(fp_rate_warm, 2),
        "ratio": round(fp_rate / base_rate, 3), "ratio_warm": round(fp_rate_warm / base_rate, 3),
        "startup_s": round(startup, 2), "spacy_peak_mb": round(base["peak_mb"]),
        "flashpoint_peak_mb": round(fp["peak_mb"]),
        "events": fp["events"],
    }))


if __name__ == "__main__":
    main()
