"""Throughput of `flashpoint extract` on the FA-KES articles, beside spaCy's own `nlp.pipe`.

Prints articles/s and peak memory (max RSS) for:
  1. spaCy alone: the same model, `nlp.pipe` over the same cleaned texts (the floor we build on);
  2. `flashpoint extract` as a user runs it: the CLI in a fresh process, JSONL in, JSONL out.
and the ratio of the two. Each measurement runs in its own process so peak memory is its own.
Not a timed test: figures depend on the machine; read them, compare them between commits.

Usage: python bench/throughput.py [--limit N] [--input FILE.jsonl]
"""

from __future__ import annotations

import argparse
import json
import os
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
    from flashpoint.ingest import IngestOptions, read_inputs
    from flashpoint.model import Article
    import spacy

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", default=str(DEFAULT_INPUT))
    parser.add_argument("--limit", type=int, default=0, help="Only the first N articles (0: all).")
    parser.add_argument("--spacy-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    from flashpoint.settings import get_settings

    model = get_settings().spacy_model
    if args.spacy_child:
        _spacy_child(args.input, model)
        return
    path = args.input
    if args.limit:
        tmp = tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8")
        with open(args.input, encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if i >= args.limit:
                    break
                tmp.write(line)
        tmp.close()
        path = tmp.name

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
        "startup_s": round(startup, 2), "spacy_peak_mb": round(base["peak_mb"]), "flashpoint_peak_mb": round(fp["peak_mb"]),
        "events": fp["events"],
    }))


if __name__ == "__main__":
    main()
