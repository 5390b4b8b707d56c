"""The one run loop: skip what is stored, code the rest, save each batch, then fuse.

Why one loop for ``flashpoint run``, ``flashpoint watch`` (through ``runner.run_paths``) and the
API's ``POST /api/articles``: they used to skip, code, save and fuse with different store calls
(the API asked ``has_article`` at save time and saved one article per transaction; the run asked
``article_state`` at read time and saved a batch per transaction), so the same article could be
stored differently depending on the door it came in by. Here the store is asked the same way for
each, and each caller keeps only its outer behaviour (a progress bar and a summary, an HTTP
answer per article) by watching the ``Step`` this loop reports for every input.

Why a run is safe to kill at any moment: each coded batch is saved in one transaction, and fusion
runs last, over every pending report, so a killed run leaves articles whole or absent and their
reports pending for the next run to fuse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass

from .coding import CodingFailure, Outcome, batched, open_coder
from .fuse import FusionSummary, fuse_pending
from .model import EXTRACTOR_VERSION, Article, DocumentResult, IngestError
from .outcomes import BatchCoder
from .store import Store, StoreError


@dataclass(frozen=True, slots=True)
class Failed:
    """An input that was not stored, with why (recorded in the store's errors). ``article`` is
    None for an input that never became an article (unreadable, empty, malformed)."""

    error: IngestError
    article: Article | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    """An article not coded: the store holds it by the current extractor, or (``repeated``) the
    same text came earlier in this run and is being coded or was just saved."""

    article: Article
    repeated: bool = False


@dataclass(frozen=True, slots=True)
class Saved:
    """A coded article and what saving did: "inserted", "replaced", or "unchanged" (another
    writer stored the same text meanwhile, and its copy stands)."""

    result: DocumentResult
    outcome: str


Step = Failed | Skipped | Saved


def run_loop(store: Store, items: Iterable[Article | IngestError], *,
             on_step: Callable[[Step], None], reprocess: bool = False,
             coder: AbstractContextManager[BatchCoder] | None = None) -> FusionSummary:
    """Code and store ``items``, reporting one ``Step`` per input (in the order each is settled,
    not the input order), then fuse every pending report.

    ``coder``: what ``coding.open_coder`` returns (worker processes, a Dask cluster); this process
    by default. ``reprocess``: code articles the store already holds by the current extractor."""
    in_flight: dict[str, bool] = {}
    with coder or open_coder() as batch_coder:
        todo = _to_code(items, store, on_step, in_flight, reprocess)
        for outcomes in batch_coder.code(batched(todo)):
            _save(outcomes, store, on_step, in_flight)
    # After the coder is closed (its workers gone), and after every mode alike; always, even
    # when nothing was new: reports a writer left unfused (one that died, or lost a race) are
    # fused by the next.
    return fuse_pending(store)


def _fail(store: Store, on_step: Callable[[Step], None], error: IngestError,
          article: Article | None = None) -> None:
    store.record_error(error)
    on_step(Failed(error, article))


def _to_code(items: Iterable[Article | IngestError], store: Store, on_step: Callable[[Step], None],
             in_flight: dict[str, bool], reprocess: bool) -> Iterator[Article]:
    """The articles that need coding; bad inputs are recorded and known articles reported as they
    stream past. ``in_flight`` maps articles handed to the coder and not yet saved to whether the
    store held them (an older coding, to replace), so the same text twice in a run is coded once
    even when its first copy is still in a worker."""
    for item in items:
        if isinstance(item, IngestError):
            _fail(store, on_step, item)
            continue
        if item.id in in_flight:
            on_step(Skipped(item, repeated=True))
            continue
        stored, version = store.article_state(item.id)
        if reprocess or version != EXTRACTOR_VERSION:
            in_flight[item.id] = stored
            yield item
            continue
        on_step(Skipped(item))


def _save(batch: list[Outcome], store: Store, on_step: Callable[[Step], None],
          in_flight: dict[str, bool]) -> None:
    """One coded batch: failures recorded, results saved together. An article the store held
    when the loop read it (``in_flight``) is replaced; one that another writer stored meanwhile
    is left as that writer saved it."""
    results: list[DocumentResult] = []
    for outcome in batch:
        if isinstance(outcome, CodingFailure):
            in_flight.pop(outcome.article.id, None)
            _fail(store, on_step, outcome.error, outcome.article)
        else:
            results.append(outcome)
    known = [in_flight.pop(r.article.id, False) for r in results]
    for result, saved in zip(results, store.save_results(results, replace=known), strict=True):
        if isinstance(saved, StoreError):  # this result only: the rest of the batch is stored
            _fail(store, on_step, IngestError(result.article.origin or result.article.id,
                                              f"cannot store: {saved}"), result.article)
        else:
            on_step(Saved(result, saved))


__all__ = ["Failed", "Saved", "Skipped", "Step", "run_loop"]
