"""Stateful runs: read inputs, code what is new, store it; bad inputs are recorded, never fatal.

Why skip known articles before parsing: articles are keyed by content hash, so a re-run over the
same folder costs a hash per article, not a spaCy pass, and leaves the store exactly as it was.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from .ingest import IngestOptions, read_inputs
from .model import Article, IngestError
from .pipeline import EXTRACTOR_VERSION, extract_articles
from .store import open_store

_BATCH = 32


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

    def line(self) -> str:
        rate = self.read / self.seconds if self.seconds else 0.0
        return (
            f"{self.read} article(s) read: {self.inserted} new, {self.replaced} re-coded, "
            f"{self.unchanged} unchanged, {self.failed} failed; {self.events} event(s) coded "
            f"in {self.seconds:.1f} s ({rate:.1f} articles/s)"
        )


def _chunks(items: Iterator[Article | IngestError], size: int) -> Iterator[list[Article | IngestError]]:
    chunk: list[Article | IngestError] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_paths(
    paths: Sequence[str],
    *,
    db_url: str | None = None,
    options: IngestOptions | None = None,
    reprocess: bool = False,
    progress: bool = True,
) -> RunSummary:
    summary = RunSummary()
    started = time.perf_counter()
    store = open_store(db_url)
    bar = None
    if progress and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(unit=" articles", file=sys.stderr)
    try:
        for chunk in _chunks(read_inputs(list(paths), options, stdin=sys.stdin.buffer), _BATCH):
            todo: list[Article] = []
            seen: set[str] = set()
            for item in chunk:
                if isinstance(item, IngestError):
                    summary.failed += 1
                    summary.failures.append(item)
                    store.record_error(item)
                    continue
                summary.read += 1
                if item.id in seen:
                    summary.unchanged += 1  # the same text twice in one batch
                    continue
                seen.add(item.id)
                known = store.has_article(item.id)
                if known and not reprocess and store.article_extractor_version(item.id) == EXTRACTOR_VERSION:
                    summary.unchanged += 1
                    continue
                todo.append(item)
            for result in extract_articles(todo):
                known = store.has_article(result.article.id)
                outcome = store.save_result(result, replace=known)
                if outcome == "inserted":
                    summary.inserted += 1
                elif outcome == "replaced":
                    summary.replaced += 1
                else:
                    summary.unchanged += 1
                summary.events += len(result.events)
            if bar is not None:
                bar.update(len(chunk))
    finally:
        if bar is not None:
            bar.close()
        store.close()
    summary.seconds = time.perf_counter() - started
    return summary
