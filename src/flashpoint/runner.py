"""Stateful runs: read inputs, code what is new, store it; bad inputs are recorded, never fatal.

Why skip known articles before parsing: articles are keyed by content hash, so a re-run over the
same folder costs a hash per article, not a spaCy pass, and leaves the store exactly as it was.

Why one loop for every mode: whether this process, worker processes or a Dask cluster code the
articles (``coding.py``), this process reads and filters them and saves each coded batch in one
transaction. A run killed at any moment therefore leaves every article either stored whole or
absent, and a rerun codes only the absent ones. ``run_paths`` is the one entry point and has one
end, where steps that follow every run belong. The loop itself (skip, code, save, fuse) is
``run_loop.py``'s, shared with the API's ingest; this module adds reading paths, the progress
bar and the summary.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .coding import open_coder
from .fuse import FusionSummary
from .ingest import IngestOptions, read_inputs
from .model import Article, IngestError
from .run_loop import Failed, Skipped, Step, run_loop
from .store import open_store

# Failed inputs printed after a run (or a watch pass); the store keeps every one of them.
SHOWN_FAILURES = 20


@dataclass(slots=True)
class RunSummary:
    read: int = 0
    inserted: int = 0
    replaced: int = 0
    unchanged: int = 0
    failed: int = 0
    events: int = 0
    seconds: float = 0.0
    failures: list[IngestError] = field(default_factory=list)
    fusion: FusionSummary | None = None

    def line(self) -> str:
        rate = self.read / self.seconds if self.seconds else 0.0
        text = (
            f"{self.read} article(s) read: {self.inserted} new, {self.replaced} re-coded, "
            f"{self.unchanged} unchanged, {self.failed} failed; {self.events} event(s) coded "
            f"in {self.seconds:.1f} s ({rate:.1f} articles/s)"
        )
        return text if self.fusion is None else f"{text}\n{self.fusion.line()}"

    def failure_lines(self, shown: int = SHOWN_FAILURES) -> list[str]:
        """One line per failed input (origin: reason), the first ``shown`` of them, then a count."""
        lines = [f"failed: {e.origin}: {e.reason}" for e in self.failures[:shown]]
        if len(self.failures) > shown:
            lines.append(f"... and {len(self.failures) - shown} more failed input(s): "
                         "`flashpoint articles --errors` lists them all")
        return lines


# JSONL inputs larger than this in all are not counted up front: the bar goes without a total
# rather than make a run read a huge file twice before it starts.
COUNT_JSONL_BYTES = 512 * 1024 * 1024


def count_inputs(paths: Sequence[str], *, jsonl_budget: int = COUNT_JSONL_BYTES) -> int | None:
    """How many items ``paths`` will give (a file one, a JSONL file one per non-empty line,
    a folder its article files), counted cheaply, without parsing; None when that cannot be
    known up front: standard input, a URL, or more JSONL than ``jsonl_budget`` bytes.

    Why: a progress bar with a total shows how far a long run has got and when it will end."""
    from .ingest.paths import walk_folder
    from .ingest.readers import ARTICLE_SUFFIXES, JSONL_SUFFIXES

    files: list[Path] = []
    total = 0
    for raw in paths or ["-"]:
        path = Path(raw)
        if raw == "-" or ("://" in raw and not path.exists()):
            return None
        if path.is_dir():
            for found in walk_folder(path, ARTICLE_SUFFIXES):
                if isinstance(found, Path):
                    files.append(found)
                else:
                    total += 1  # an unreadable entry is one recorded failure
        else:
            files.append(path)
    jsonl = [f for f in files if f.suffix.lower() in JSONL_SUFFIXES]
    try:
        if sum(f.stat().st_size for f in jsonl) > jsonl_budget:
            return None
        for f in jsonl:
            total += _nonempty_lines(f)
    except OSError:
        return None  # the run itself reports the file that cannot be read
    return total + len(files) - len(jsonl)


def _nonempty_lines(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for line in fh if line.strip())


class _Progress:
    """A tqdm bar on a terminal: articles/s (its rate), events found and errors so far, and,
    when the number of inputs is known (``total``), how far the run has got and its ETA."""

    def __init__(self, enabled: bool, summary: RunSummary, total: int | None = None) -> None:
        self._summary = summary
        self._bar: Any = None
        if enabled and sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(unit=" articles", file=sys.stderr, dynamic_ncols=True, total=total)

    def tick(self) -> None:
        if self._bar is not None:
            self._bar.set_postfix(events=self._summary.events, errors=self._summary.failed, refresh=False)
            self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _counter(summary: RunSummary, bar: _Progress) -> Callable[[Step], None]:
    """What the run loop reports, counted into the summary and ticked on the bar: one tick per
    input, as each is settled."""

    def on_step(step: Step) -> None:
        if isinstance(step, Failed):
            summary.failed += 1
            summary.failures.append(step.error)
            summary.read += step.article is not None
        elif isinstance(step, Skipped):
            summary.read += 1
            summary.unchanged += 1
        else:
            summary.read += 1
            if step.outcome == "inserted":
                summary.inserted += 1
            elif step.outcome == "replaced":
                summary.replaced += 1
            else:
                summary.unchanged += 1
            summary.events += len(step.result.events)
        bar.tick()

    return on_step


def run_paths(
    paths: Sequence[str],
    *,
    db_url: str | None = None,
    options: IngestOptions | None = None,
    reprocess: bool = False,
    progress: bool = True,
    workers: int = 0,
    dask_local: int = 0,
    scheduler: str | None = None,
    items: Iterable[Article | IngestError] | None = None,
    total: int | None = None,
) -> RunSummary:
    """Code and store every article in ``paths`` (or in ``items``, inputs already read, e.g. feed
    entries), in this process (``workers=0``), in ``workers`` worker processes while this one
    reads and saves, on a local Dask cluster of ``dask_local`` workers, or on the Dask
    ``scheduler`` at tcp://HOST:PORT. ``total``: how many items there are, when known (the
    progress bar's total); read from ``paths`` when ``items`` is not given."""
    summary = RunSummary()
    started = time.perf_counter()
    store = open_store(db_url)
    if total is None and items is None and progress and sys.stderr.isatty():
        total = count_inputs(paths)
    bar = _Progress(progress, summary, total)
    try:
        if items is None:
            items = read_inputs(list(paths), options, stdin=sys.stdin.buffer)  # lazy: read as coded
        # Fusion runs once, at the loop's end, after every mode (single, workers, Dask), over all
        # pending reports: a run killed before that leaves them pending for the next run to fuse.
        summary.fusion = run_loop(
            store, items, on_step=_counter(summary, bar), reprocess=reprocess,
            coder=open_coder(workers=workers, dask_local=dask_local, scheduler=scheduler))
    finally:
        bar.close()
        store.close()
    summary.seconds = time.perf_counter() - started
    return summary
