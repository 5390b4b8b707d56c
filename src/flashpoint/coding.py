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

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from .model import Article, DocumentResult, IngestError

# Articles per task: the same as ``extract_articles``' nlp.pipe batch, so each task is one parse
# batch. Small enough that two workers finish together on a few hundred articles.
BATCH_SIZE = 16


class CodingError(RuntimeError):
    """A coder that cannot start (bad scheduler address, no cluster); ``str()`` is one line."""


@dataclass(frozen=True, slots=True)
class CodingFailure:
    """An article that could not be coded at all (its worker died): nothing is saved for it, and
    the reason is kept in the store's errors so the user sees which inputs a rerun will retry."""

    article: Article
    reason: str

    @property
    def error(self) -> IngestError:
        return IngestError(self.article.origin or self.article.id, self.reason)


Outcome = DocumentResult | CodingFailure


class BatchCoder(Protocol):
    """Codes batches of articles somewhere; yields, per batch, each article's result (or why it
    failed), so that the caller can save a batch's results together."""

    def code(self, batches: Iterable[list[Article]]) -> Iterator[list[Outcome]]:
        """A batch's outcomes as soon as they are ready, batches in any order; consumes
        ``batches`` lazily so that only a few batches are in flight and memory stays flat however
        long the input."""
        ...

    def close(self, *, abort: bool = False) -> None:
        """Stop workers and release resources; ``abort`` (the run failed or was interrupted):
        do not wait for batches in flight, their results would not be saved anyway."""
        ...


class InProcessCoder:
    """This process codes, one batch after another: the default, and the reference for the rest."""

    def code(self, batches: Iterable[list[Article]]) -> Iterator[list[Outcome]]:
        from .pipeline import code_articles

        for batch in batches:
            yield list(code_articles(batch, batch_size=BATCH_SIZE))

    def close(self, *, abort: bool = False) -> None:
        pass


def failed(batch: list[Article], exc: BaseException) -> list[CodingFailure]:
    """Every article of a batch whose task failed as a whole, with the reason in one line."""
    reason = (f"coding failed: {type(exc).__name__}: {exc}".splitlines() or ["coding failed"])[0]
    return [CodingFailure(a, reason) for a in batch]


def outcomes(batch: list[Article], result: Callable[[], list[Outcome]]) -> list[Outcome]:
    """A finished task's results, or, when the task failed as a whole, every article of its
    batch as a failure: a dead worker or a failed task costs its batch, never the run."""
    try:
        return list(result())
    except Exception as exc:  # noqa: BLE001 - see above
        return list(failed(batch, exc))


def batched(articles: Iterable[Article], size: int = BATCH_SIZE) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


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
