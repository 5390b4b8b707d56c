"""Memory of a process and its descendants (pool or Dask workers), sampled from /proc (Linux).

Why /proc and not getrusage: RUSAGE_CHILDREN reports only the largest child that has exited, and
only once it has; a run's workers are grandchildren under Dask. VmHWM is each process's own peak
RSS, kept by the kernel, so sampling every few tenths of a second misses nothing but the last
moments of a process, and VmRSS at each sample shows whether memory stays flat.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


def _status_kb(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` so far (fields 14 and 15 of /proc/PID/stat)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK
    except (OSError, IndexError, ValueError):
        return 0.0


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        for child in children.get(pid, []):
            out.append(child)
            todo.append(child)
    return out


def role(pid: int, root: int) -> str:
    """"main" (the run), "worker" (a spawned coding process), or "helper" (resource tracker)."""
    if pid == root:
        return "main"
    cmd = _cmdline(pid)
    if "resource_tracker" in cmd or "forkserver" in cmd:
        return "helper"
    return "worker" if "spawn_main" in cmd else "helper"


@dataclass
class TreeSampler:
    """Samples the tree under ``root`` every ``every`` seconds in a thread, until ``stop()``."""

    root: int
    every: float = 0.25
    peak_kb: dict[int, int] = field(default_factory=dict)  # pid -> VmHWM
    roles: dict[int, str] = field(default_factory=dict)
    current_kb: dict[int, int] = field(default_factory=dict)  # pid -> VmRSS at the last sample
    cpu_s: dict[int, float] = field(default_factory=dict)  # pid -> CPU seconds at the last sample

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.every)

    def sample(self) -> None:
        pids = [self.root, *descendants(self.root)]
        now: dict[int, int] = {}
        for pid in pids:
            hwm = _status_kb(pid, "VmHWM")
            if not hwm:
                continue
            now[pid] = _status_kb(pid, "VmRSS")
            cpu = _cpu_seconds(pid)
            with self._lock:
                self.cpu_s[pid] = max(self.cpu_s.get(pid, 0.0), cpu)
                self.peak_kb[pid] = max(self.peak_kb.get(pid, 0), hwm)
                if pid not in self.roles:
                    self.roles[pid] = role(pid, self.root)
        with self._lock:
            self.current_kb = now

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def peaks_mb(self, kind: str) -> list[float]:
        with self._lock:
            return sorted((kb / 1024 for pid, kb in self.peak_kb.items() if self.roles.get(pid) == kind),
                          reverse=True)

    def cpu_seconds(self, kind: str) -> float:
        """CPU time of every process of a kind, as last sampled (a process's last moments are
        missed, as with memory)."""
        with self._lock:
            return sum(s for pid, s in self.cpu_s.items() if self.roles.get(pid) == kind)

    def current_mb(self) -> dict[str, list[float]]:
        with self._lock:
            out: dict[str, list[float]] = {}
            for pid, kb in self.current_kb.items():
                out.setdefault(self.roles.get(pid, "helper"), []).append(kb / 1024)
            return out


def run_sampled(cmd: list[str], *, env: dict[str, str] | None = None,
                on_tick: Callable[[float, TreeSampler], None] | None = None,
                tick: float = 1.0) -> tuple[int, float, str, TreeSampler]:
    """Run ``cmd`` with its tree sampled; ``on_tick(elapsed, sampler)`` every ``tick`` seconds.
    Returns (exit code, wall seconds, stderr, sampler)."""
    import subprocess
    import tempfile

    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        sampler = TreeSampler(proc.pid)
        next_tick = start + tick
        while proc.poll() is None:
            time.sleep(0.05)
            if on_tick is not None and time.perf_counter() >= next_tick:
                next_tick += tick
                on_tick(time.perf_counter() - start, sampler)
        seconds = time.perf_counter() - start
        sampler.stop()
        err.seek(0)
        return proc.returncode, seconds, err.read().decode(errors="replace"), sampler
