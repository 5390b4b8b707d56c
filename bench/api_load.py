"""Load on the read endpoints of `flashpoint serve`: requests/s and p50/p99 latency per endpoint.

Starts a real server (uvicorn, `flashpoint serve`) on a free loopback port over a store built from
the examples (built once, with `flashpoint run`, when the --db file does not exist), then lets a
pool of client threads (httpx, keep-alive) drive a fixed mix of read requests for --seconds:
the event list with and without filters, event detail, stats, the actor graph, places and search.
Client and server share the machine, so the figures are a floor for a dedicated server; compare
them between commits on the same machine, not across machines.

Usage: python bench/api_load.py [--db FILE] [--seconds 30] [--clients 8] [--fakes N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).with_name("flashpoint"))
SEEDS = ROOT / "examples" / "seeds.jsonl"
FAKES = ROOT / "examples" / "fa-kes" / "fa-kes.jsonl"
SEARCH_WORDS = ["Aleppo", "chemical", "Islamic State", "airstrike", "Damascus", "ceasefire", "Mosul",
                "killed", "rebels", "Hashed Al"]


def build_store(db: Path, fakes: int) -> None:
    """The seeds plus the first ``fakes`` FA-KES articles, coded and fused by `flashpoint run`."""
    lines = FAKES.read_text(encoding="utf-8").splitlines()[:fakes]
    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / "examples.jsonl"
        sample.write_text(SEEDS.read_text(encoding="utf-8") + "\n".join(lines) + "\n", encoding="utf-8")
        print(f"building {db} from {2 + len(lines)} example articles (once) ...", file=sys.stderr)
        subprocess.run([EXE, "run", str(sample), "--db", str(db), "-q"], check=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([EXE, "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port),
                             "--log-level", "warning"], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"flashpoint serve exited with {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/events?limit=1", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("flashpoint serve did not answer within 60 s")


def request_mix(base: str) -> list[tuple[str, str]]:
    """(endpoint name, path) pairs drawn from what the store holds, so filters select something."""
    page = httpx.get(f"{base}/api/events", params={"limit": 1000}, timeout=60).json()
    events = page["events"]
    if not events:
        raise SystemExit("the store holds no events")
    ids = [e["id"] for e in events]
    countries = sorted({(e["location"] or {}).get("country") for e in events} - {None})
    types = sorted({(e["acled"] or {}).get("event_type") for e in events} - {None})
    years = sorted({e["date"][:4] for e in events if e["date"]})
    rnd = random.Random(7)
    mix: list[tuple[str, str]] = []
    for _ in range(200):
        year = rnd.choice(years)
        mix += [
            ("events", "/api/events?limit=50"),
            ("events_filtered", rnd.choice([
                f"/api/events?country={rnd.choice(countries)}&limit=50",
                f"/api/events?type={rnd.choice(types)}&since={year}&limit=50",
                f"/api/events?since={year}-01&until={year}-06&sort=date",
                "/api/events?bbox=35,32,43,38&min_sources=1&limit=100",
            ])),
            ("event", f"/api/events/{rnd.choice(ids)}"),
            ("stats", f"/api/stats?by={rnd.choice(['day', 'week', 'month', 'type', 'country'])}"),
            ("graph", "/api/graph"),
            ("places", rnd.choice(["/api/places", f"/api/places?since={year}"])),
            ("search", f"/api/search?q={rnd.choice(SEARCH_WORDS)}&limit=20"),
        ]
    rnd.shuffle(mix)
    return mix


def drive(base: str, mix: list[tuple[str, str]], clients: int, seconds: float) -> dict[str, list[float]]:
    """Each client walks the mix from its own offset until the deadline; latencies per endpoint."""
    results: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(offset: int) -> None:
        local: dict[str, list[float]] = defaultdict(list)
        bad: dict[str, int] = defaultdict(int)
        with httpx.Client(base_url=base, timeout=60) as http:
            i = offset
            while time.perf_counter() < deadline:
                name, path = mix[i % len(mix)]
                i += 1
                t0 = time.perf_counter()
                r = http.get(path)
                dt = time.perf_counter() - t0
                if r.status_code != 200:
                    bad[name] += 1
                local[name].append(dt)
        with lock:
            for k, v in local.items():
                results[k] += v
            for k, v in bad.items():
                errors[k] += v

    threads = [threading.Thread(target=client, args=(n * len(mix) // clients,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results["_errors"] = [float(sum(errors.values()))]
    return results


def pct(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "flashpoint-api-load.db",
                    help="SQLite store to serve; built from the examples if missing.")
    ap.add_argument("--fakes", type=int, default=804, help="FA-KES articles in a newly built store (default: all).")
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--clients", type=int, default=8, help="Concurrent client threads.")
    args = ap.parse_args()
    if not args.db.exists():
        build_store(args.db, args.fakes)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(args.db, port)
    try:
        mix = request_mix(base)
        for _, path in mix[:20]:  # warm caches (the actor dictionary, SQLite pages)
            httpx.get(base + path, timeout=60)
        n_events = httpx.get(f"{base}/api/events?limit=1").json()["total"]
        started = time.perf_counter()
        results = drive(base, mix, args.clients, args.seconds)
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    n_errors = int(results.pop("_errors")[0])
    every = [v for vs in results.values() for v in vs]
    print(f"flashpoint serve on loopback: {n_events} fused events, {args.clients} clients, "
          f"{elapsed:.1f} s, {os.cpu_count()} CPUs shared by server and clients")
    print(f"{'endpoint':18} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    report: dict[str, dict[str, float]] = {}
    for name in sorted(results) + ["overall"]:
        values = every if name == "overall" else results[name]
        row = {"requests": len(values), "rps": len(values) / elapsed,
               "p50_ms": pct(values, 50) * 1000, "p99_ms": pct(values, 99) * 1000}
        report[name] = row
        print(f"{name:18} {row['requests']:8d} {row['rps']:8.1f} {row['p50_ms']:8.1f} {row['p99_ms']:8.1f}")
    print(f"non-200 answers: {n_errors}")
    print(json.dumps({"events": n_events, "clients": args.clients, "seconds": elapsed,
                      "errors": n_errors, "endpoints": report}))


if __name__ == "__main__":
    main()
