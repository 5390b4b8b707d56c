"""``flashpoint run --workers N``: code articles in N worker processes on this machine.

Why processes: coding is CPU-bound Python (spaCy, the geoparser, the classifier's numpy), which a
thread pool would serialise on the GIL. Why ``spawn``: the parent holds a database connection,
a progress-bar thread and maybe a loaded model; a forked child would inherit them half-copied.
Each worker loads spaCy and every model once, in its initializer, then codes batch after batch
(the task and the preparation are ``workers.py``'s, shared with Dask); the parent keeps reading,
hashing, skipping known articles and saving results, as in a single-process run.

This module's top level imports nothing heavy: a spawned worker imports it to find its
initializer, and the thread limits must be set before numpy or onnxruntime load.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

from .outcomes import CodingFailure, Outcome, outcomes
from .workers import code_batch, one_core, warm_up

if TYPE_CHECKING:
    from .model import Article


def _exit_with_parent(parent_pid: int) -> None:
    """A worker whose parent was killed (SIGKILL leaves no chance to clean up) exits by itself
    instead of coding on for nobody."""

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="flashpoint-parent-watch", daemon=True).start()


def init_worker(parent_pid: int) -> None:
    """Pool initializer: one core, orphan protection, models loaded once. Ctrl-C reaches the whole
    process group; only the parent acts on it (stops submitting, saves nothing half-done)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    one_core()
    _exit_with_parent(parent_pid)
    warm_up()


def _died(future: Future) -> bool:
    """Whether a finished task failed because its worker process died (the pool is broken)."""
    return not future.cancelled() and isinstance(future.exception(), BrokenProcessPool)


class PoolCoder:
    """Batches go to a process pool; at most ``2 * workers`` are in flight, so a run over
    millions of articles holds a few batches in memory, never the input."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._depth = 2 * workers
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=init_worker,
            initargs=(os.getpid(),),
        )

    def _submit(self, batch: list[Article]) -> Future:
        try:
            return self._pool.submit(code_batch, batch)
        except BrokenProcessPool:  # a worker died since the last batch finished
            self._restart()
            return self._pool.submit(code_batch, batch)

    def code(self, batches: Iterable[list[Article]]) -> Iterator[list[Outcome]]:
        pending: dict[Future, list[Article]] = {}
        for batch in batches:
            pending[self._submit(batch)] = batch
            while len(pending) >= self._depth:
                yield from self._collect(pending)
        while pending:
            yield from self._collect(pending)

    def _collect(self, pending: dict[Future, list[Article]]) -> Iterator[list[Outcome]]:
        """The batches that finished; when a worker has died, every batch that was in flight
        (the pool fails them all) is coded again, alone, by a fresh pool (``_recover``)."""
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        orphaned = [pending.pop(f) for f in done if _died(f)]
        for future in done:
            if future in pending:
                yield outcomes(pending.pop(future), future.result)
        if orphaned:
            wait(pending)  # the rest of the pool's batches: finished, or failed with it
            for future in list(pending):
                if _died(future):
                    orphaned.append(pending.pop(future))
                else:
                    yield outcomes(pending.pop(future), future.result)
            yield from self._recover(orphaned)

    def _recover(self, orphaned: list[list[Article]]) -> Iterator[list[Outcome]]:
        """Code the batches a dead worker took down with it, one at a time on a fresh pool.

        Why alone: a worker killed from outside (out of memory, an operator) takes every batch in
        flight with it, 2N batches of which at most N were its own; coded alone, each innocent
        batch comes back exactly as it would have (same batch, same results), and a batch that
        kills its worker again is split into single articles, each coded alone, so that only an
        article that kills a worker by itself is recorded as failed (and retried by the next run).
        """
        queue = deque(orphaned)
        self._restart()
        while queue:
            batch = queue.popleft()
            future = self._pool.submit(code_batch, batch)
            wait([future])
            if not _died(future):
                yield outcomes(batch, future.result)
                continue
            self._restart()
            if len(batch) > 1:
                queue.extendleft([a] for a in reversed(batch))
            else:
                yield [CodingFailure(batch[0], "coding failed: the worker process coding this article "
                                               "died (twice, the second time coding it alone)")]

    def _restart(self) -> None:
        """A fresh pool in place of a broken one (a worker died)."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._start()

    def close(self, *, abort: bool = False) -> None:
        """Tell the workers to exit, without waiting for them: a worker takes a few tenths of a
        second to free its models, time in which this process can already fuse the run's events.
        The pool's own thread joins them, at the latest when this process exits. On abort the
        workers finish their batch and exit (or exit with us, see ``_exit_with_parent``)."""
        del abort  # the same either way: nothing left to wait for
        self._pool.shutdown(wait=False, cancel_futures=True)
