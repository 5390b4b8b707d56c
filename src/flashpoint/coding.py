"""Where articles are coded: in this process, in worker processes, or on a Dask cluster.

Why one small interface for all three: ``runner.run_paths`` reads, filters and saves the same way
whatever does the coding, so a run has one loop and one end (where steps that must follow every
run, such as fusing events across articles, belong). A coder only turns batches of new articles
into results; it never touches the store, so results are written by one process, a batch per
transaction, exactly as in a single-process run.

Why batches are formed here, after filtering, for every mode: spaCy parses a batch together, and
giving every mode the same batches keeps their results identical row for row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from .model import Article
from .outcomes import (
    BATCH_SIZE,
    BatchCoder,
    CodingError,
    CodingFailure,
    Outcome,
    batched,
    failed,
    outcomes,
)
from .workers import code_batch

# The types every coder speaks live in ``outcomes.py`` (below the coders, which import them);
# they are named here too, for the callers that pick a coder and read what it returns.
__all__ = ["BATCH_SIZE", "BatchCoder", "CodingError", "CodingFailure", "InProcessCoder", "Outcome",
           "batched", "failed", "open_coder", "outcomes"]


class InProcessCoder:
    """This process codes, one batch after another: the default, and the reference for the rest."""

    def code(self, batches: Iterable[list[Article]]) -> Iterator[list[Outcome]]:
        for batch in batches:
            yield code_batch(batch)

    def close(self, *, abort: bool = False) -> None:
        pass


@contextmanager
def open_coder(*, workers: int = 0, dask_local: int = 0, scheduler: str | None = None) -> Iterator[BatchCoder]:
    """The coder the options ask for: this process (``workers=0``), a pool of ``workers``
    processes, a local Dask cluster of ``dask_local`` workers, or the Dask ``scheduler``."""
    if sum((workers > 0, dask_local > 0, scheduler is not None)) > 1:
        raise CodingError("choose one of --workers, --dask-local and --scheduler")
    if workers < 0 or dask_local < 0:
        raise CodingError("--workers and --dask-local must be at least 1")
    coder: BatchCoder
    if dask_local or scheduler:
        from .dask_runner import DaskCoder

        coder = DaskCoder(n_workers=dask_local, address=scheduler)
    elif workers:
        from .parallel import PoolCoder

        coder = PoolCoder(workers)
    else:
        coder = InProcessCoder()
    try:
        yield coder
    except BaseException:
        coder.close(abort=True)
        raise
    coder.close()
