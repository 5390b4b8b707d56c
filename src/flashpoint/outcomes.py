"""What a coder is given and gives back: batches of articles in, each article's result or the
reason it failed out.

Why a module of its own, below every coder: the pipeline (which makes ``CodingFailure``), the
worker code, the process pool and the Dask driver all speak these types, and ``coding.open_coder``
picks among the coders; with the types inside ``coding.py`` each coder imported the module that
imports it. Here they import nothing of Flashpoint but the model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
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


__all__ = ["BATCH_SIZE", "BatchCoder", "CodingError", "CodingFailure", "Outcome", "batched", "failed",
           "outcomes"]
