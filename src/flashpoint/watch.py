"""``flashpoint watch FEED_URL|DIR...``: poll RSS/Atom feeds and folders, code only what is new.

Why new by two keys: an entry's link (or guid) or a file's path, size and modification time says
whether it was taken in before, without fetching or reading it again (``watch_state.py``); the
content hash then keeps the same article reached by two links from being stored twice.

Why each pass goes through ``runner.run_paths``: the watcher is one more way to feed the run loop,
so a watched article is read, coded, stored (and fused) exactly as ``flashpoint run`` would.

Errors: a source that fails (unreachable feed, not a feed, missing folder) is retried after an
exponentially growing, capped delay and never holds up the others; a page that cannot be fetched
is recorded in the store's errors. Pages refused for good (a private address, a 404) are marked
seen; a timeout or a 503 is not, so the next pass tries again. A folder is walked as
``flashpoint run DIR`` walks it (``ingest/paths.py``): a symlink leading out of it is recorded,
once per link and target, and not read.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from .ingest import IngestOptions, make_article
from .ingest.feeds import FeedError, FeedItem, parse_feed
from .ingest.fetch import FetchError, fetch
from .ingest.paths import walk_folder
from .ingest.readers import ARTICLE_SUFFIXES, BadInput, read_fetched
from .model import Article, IngestError
from .runner import RunSummary, run_paths
from .store import StoreError
from .watch_state import SeenItems

MAX_BACKOFF_S = 3600.0
# A file modified more recently than this may still be being written; the next pass takes it.
SETTLE_S = 2.0


class WatchError(ValueError):
    """A source argument that is neither a feed URL nor a folder; one line."""


@dataclass(slots=True)
class Source:
    spec: str
    kind: str  # "feed" or "folder"
    failures: int = 0
    due: float = 0.0  # time.monotonic() of its next poll

    def failed(self, now: float, interval: float, cap: float) -> float:
        """Back off: the delay doubles with each failure in a row, up to ``cap``."""
        self.failures += 1
        delay = min(interval * 2 ** self.failures, max(cap, interval))
        self.due = now + delay
        return delay

    def succeeded(self, now: float, interval: float) -> None:
        self.failures = 0
        self.due = now + interval


def make_sources(specs: Iterable[str]) -> list[Source]:
    sources = []
    for spec in specs:
        if spec.startswith(("http://", "https://")):
            sources.append(Source(spec, "feed"))
        elif Path(spec).is_dir():
            sources.append(Source(spec, "folder"))
        else:
            raise WatchError(f"{spec}: not a feed URL (http:// or https://) or a folder")
    return sources


@dataclass(slots=True)
class PassResult:
    summary: RunSummary | None  # None when nothing was new
    failed_sources: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)


class Watcher:
    """Polls its sources; ``run_pass`` does one pass over the sources that are due."""

    def __init__(self, specs: Iterable[str], *, db_url: str | None = None,
                 options: IngestOptions | None = None, interval: float = 300.0,
                 max_backoff: float = MAX_BACKOFF_S, settle: float = SETTLE_S,
                 echo: Callable[[str], None] = print,
                 after_store: Callable[[PassResult], None] | None = None) -> None:
        self.sources = make_sources(specs)
        self.after_store = after_store  # e.g. the alerts feed (`watch --alerts`), after a pass that stored something
        self.db_url = db_url
        self.options = options or IngestOptions()
        self.interval = interval
        self.max_backoff = max_backoff
        self.settle = settle
        self.echo = echo

    # -- one pass

    def run_pass(self) -> PassResult:
        now = time.monotonic()
        result = PassResult(summary=None)
        seen = SeenItems(self.db_url)
        try:
            marks: list[tuple[str, str]] = []
            streams: list[Iterable[Article | IngestError]] = []
            paths: list[str] = []
            for source in [s for s in self.sources if s.due <= now]:
                try:
                    if source.kind == "feed":
                        if (entries := self._feed_items(source, seen, marks)) is not None:
                            streams.append(entries)
                    else:
                        found, refused = self._new_files(source, seen, marks)
                        paths += found
                        if refused:
                            streams.append(refused)
                except (FetchError, FeedError, OSError) as exc:
                    reason = getattr(exc, "reason", None) or str(exc) or type(exc).__name__
                    delay = source.failed(time.monotonic(), self.interval, self.max_backoff)
                    result.failed_sources.append((source.spec, reason))
                    streams.append([IngestError(source.spec, reason)])
                    self.echo(f"watch: {source.spec}: {reason}; next try in {delay:.0f} s")
                else:
                    source.succeeded(time.monotonic(), self.interval)
            if paths or streams:
                from .ingest import read_inputs

                files = read_inputs(paths, self.options, warn=self._warn) if paths else iter(())
                result.summary = run_paths([], db_url=self.db_url, items=chain(files, *streams),
                                           progress=False)
            # Only now, with every article stored: a pass killed midway is simply done again.
            by_source: dict[str, list[str]] = {}
            for source_spec, item in marks:
                by_source.setdefault(source_spec, []).append(item)
            for source_spec, items in by_source.items():
                seen.mark(source_spec, items)
        finally:
            seen.close()
        return result

    def _warn(self, line: str) -> None:
        self.echo(f"watch: warning: {line}")

    def _feed_items(self, source: Source, seen: SeenItems,
                    marks: list[tuple[str, str]]) -> Iterator[Article | IngestError] | None:
        """Fetches and parses the feed now (so its failure is the source's); returns the new
        entries' articles lazily, each page fetched as the run loop asks for it (None: none new)."""
        got = fetch(source.spec, max_bytes=self.options.max_bytes)
        feed = parse_feed(got.body, got.url)
        new = seen.unseen([item.key for item in feed.items])
        todo = list({item.key: item for item in feed.items if item.key in new}.values())
        return self._entries(source, feed.title, todo, marks) if todo else None

    def _entries(self, source: Source, feed_title: str | None, items: list[FeedItem],
                 marks: list[tuple[str, str]]) -> Iterator[Article | IngestError]:
        for item in items:
            if item.link:
                try:
                    got = fetch(item.link, max_bytes=self.options.max_bytes)
                except FetchError as err:
                    yield IngestError(item.link, err.reason)
                    if not err.retry:
                        marks.append((source.spec, item.key))
                    continue
                yield from read_fetched(got, item.link, self.options, title=item.title,
                                        published=item.published, source=feed_title)
            elif item.content:
                origin = f"{source.spec}#{item.key}"
                try:
                    yield make_article(item.content, title=item.title, published=item.published,
                                       source=feed_title, origin=origin, is_html=True, options=self.options)
                except BadInput as err:
                    yield err.to_error(origin)
            marks.append((source.spec, item.key))

    def _new_files(self, source: Source, seen: SeenItems,
                   marks: list[tuple[str, str]]) -> tuple[list[str], list[IngestError]]:
        """Article files (those ``flashpoint run DIR`` reads) not taken in at their current size
        and modification time, and not modified in the last ``settle`` seconds; and the entries
        refused (a symlink out of the folder, a broken one) not told of before."""
        root = Path(source.spec)
        if not root.is_dir():
            raise NotADirectoryError(f"cannot read: {root} is not a folder (any more)")
        stamps: dict[str, str] = {}
        refused: dict[str, IngestError] = {}
        cutoff = time.time() - self.settle
        for found in walk_folder(root, ARTICLE_SUFFIXES):
            if isinstance(found, IngestError):
                stamp = f"{found.origin}\x1f{found.reason}\x1f{os.path.realpath(found.origin)}"
                refused[stamp] = found
                continue
            try:
                info = found.stat()
            except OSError:
                continue  # gone since listed; read_inputs would only record the same
            if info.st_mtime > cutoff:
                continue
            stamps[f"{found.resolve()}\x1f{info.st_size}\x1f{info.st_mtime_ns}"] = str(found)
        new = seen.unseen([*stamps, *refused])
        marks.extend((source.spec, stamp) for stamp in [*stamps, *refused] if stamp in new)
        return ([path for stamp, path in stamps.items() if stamp in new],
                [error for stamp, error in refused.items() if stamp in new])

    # -- the loop

    def run(self, *, once: bool = False) -> PassResult:
        """Pass after pass until interrupted (or one pass with ``once``); returns the last pass.

        A store that cannot be reached ends ``once``; a long-running watcher reports it and tries
        again after an interval (the pass is redone whole: nothing was marked seen)."""
        while True:
            try:
                result = self.run_pass()
            except StoreError as exc:
                if once:
                    raise
                self.echo(f"watch: {exc}; next try in {self.interval:.0f} s")
                time.sleep(self.interval)
                continue
            if result.summary is not None:
                self.echo(f"watch: {result.summary.line()}")
                for line in result.summary.failure_lines():
                    self.echo(f"watch: {line}")
                if self.after_store is not None and (result.summary.inserted or result.summary.replaced):
                    self.after_store(result)
            if once:
                return result
            wait = min(s.due for s in self.sources) - time.monotonic()
            if wait > 0:
                time.sleep(wait)
