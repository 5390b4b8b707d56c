"""The ``flashpoint`` command: a thin layer over the library (as datasette's CLI is).

Each command validates its options, hands the work to the library, and turns a user mistake into
one clear line on stderr with a non-zero exit, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any, TextIO

import click

from . import __version__
from .ingest import IngestOptions, read_inputs
from .model import Article, IngestError
from .settings import ModelNotInstalled, SettingsError, get_settings

EVENT_FORMATS = ("table", "csv", "json", "jsonl", "geojson")
GRAPH_FORMATS = ("graphml", "graph-json")
EXPORT_FORMATS = ("csv", "json", "jsonl", "geojson", "graphml", "parquet", "graph-json")
REPORT_FORMATS = ("html", "md")
CHANGE_FORMATS = ("json", "jsonl")  # a removed event has an id and a time, no columns for csv

# Exit codes (README "Exit codes"): 0 all went well; 1 nothing could be done (no input could be
# read, no store); 2 a usage error (a bad option value); 3 `run`/`watch --once` stored what it
# could but some inputs failed, each printed with its reason.
EXIT_INPUTS_FAILED = 3


class IsoDate(click.ParamType):
    """A YYYY-MM-DD date; anything else is one clear line for the user."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            self.fail(f"{value!r} is not a date in YYYY-MM-DD form", param, ctx)


class Encoding(click.ParamType):
    name = "ENCODING"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        import codecs

        try:
            return codecs.lookup(str(value)).name
        except LookupError:
            self.fail(f"unknown text encoding {value!r}", param, ctx)


def _fail(message: str) -> None:
    raise click.ClickException(message)


class _BadValue(click.ClickException):
    """A bad option value: one line on stderr ("Error: ...") and exit code 2, as usage errors."""

    exit_code = 2


class _Parsed(click.ParamType):
    """An option value read by a library parser; its ValueError becomes one line, exit code 2."""

    def __init__(self, parse: Callable[[str], Any], metavar: str) -> None:
        self._parse = parse
        self.name = metavar

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return self._parse(value)
        except ValueError as exc:
            option = param.opts[0] if param is not None and param.opts else ""
            raise _BadValue(f"{option} {exc}".strip()) from None


@contextmanager
def _user_errors() -> Iterator[None]:
    """Library errors a user can act on become one line; programming errors still show a trace."""
    from .coding import CodingError
    from .store import StoreError

    try:
        yield
    except (StoreError, ModelNotInstalled, CodingError) as exc:
        _fail(str(exc))
    except BrokenPipeError:  # `flashpoint events | head`
        sys.stderr.close()
        sys.exit(0)


def _warn(line: str) -> None:
    """A warning about input that was kept, not as given (a bad date, an id given twice)."""
    click.echo(f"flashpoint: warning: {line}", err=True)


def _wrote(what: str, path: str, fmt: str) -> None:
    """Say on stderr what a command wrote to a file: a silent write looks like nothing happened."""
    click.echo(f"wrote {what} to {path} ({fmt})", err=True)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _open_reader(db_url: str | None) -> Any:
    """The store for a command that only reads: a missing one is an error, never created."""
    from .store import open_existing_store

    return open_existing_store(db_url)


def _no_match_hints(store: Any, filters: Any) -> list[str]:
    """For "(no events)": why, e.g. a filter names a value the store does not hold (its nearest)."""
    from .suggest import hints

    lines = hints(store, filters) if not filters.is_empty() else [
        "the store holds no events yet; `flashpoint run FILES` codes some"]
    return [f"flashpoint: hint: {line}" for line in lines]


def _ingest_options(published: str | None, source: str | None, encoding: str) -> IngestOptions:
    return IngestOptions(
        published=published, source=source, encoding=encoding,
        max_bytes=get_settings().max_article_bytes,
    )


def _open_output(path: str | None) -> TextIO:
    if path is None or path == "-":
        return sys.stdout
    try:
        return open(path, "w", encoding="utf-8", newline="")
    except OSError as exc:
        _fail(f"cannot write {path}: {exc.strerror}")
    raise AssertionError  # unreachable; keeps type checkers calm


def _input_options(f: Callable) -> Callable:
    f = click.option("--encoding", type=Encoding(), default="utf-8", show_default=True,
                     help="Text encoding of text/HTML/JSONL inputs.")(f)
    f = click.option("--source", help="Outlet name, for articles that do not state one.")(f)
    f = click.option("--published", type=IsoDate(),
                     help="Publication date (YYYY-MM-DD), for articles that do not state one.")(f)
    return f


def _db_option(f: Callable) -> Callable:
    return click.option("--db", "db_url", metavar="URL",
                        help="Store URL or SQLite file (default: $FLASHPOINT_DB or sqlite:///flashpoint.db).")(f)


_FILTER_KEYS = ("since", "until", "country", "admin1", "event_type", "actor", "bbox", "min_sources")


def _event_filters(f: Callable) -> Callable:
    """The event filters as options, handed to the command as one ``filters: EventFilters``."""
    import functools

    from .filters import EventFilters, parse_bbox, parse_bound, parse_min_sources

    @functools.wraps(f)
    def command(*args: Any, **kwargs: Any) -> Any:
        values = {key: kwargs.pop(key) for key in _FILTER_KEYS}
        try:
            kwargs["filters"] = EventFilters(**values)
        except ValueError as exc:
            raise _BadValue(str(exc)) from None
        return f(*args, **kwargs)

    command = click.option("--min-sources", type=_Parsed(parse_min_sources, "N"),
                           help="Only events told by at least N sources.")(command)
    command = click.option("--bbox", type=_Parsed(parse_bbox, "W,S,E,N"),
                           help="Only events inside this box (degrees: west,south,east,north).")(command)
    command = click.option("--actor", help="Only events with an actor whose name contains this.")(command)
    command = click.option("--type", "event_type",
                           help="Only this ACLED event type or sub-type, or PLOVER type.")(command)
    command = click.option("--admin1",
                           help="Only events in this first-level region (province, governorate, state).")(command)
    command = click.option("--country", help="Only events in this country.")(command)
    command = click.option("--until", type=_Parsed(parse_bound, "DATE"),
                           help="Events on or before this date (YYYY-MM-DD, YYYY-MM or YYYY).")(command)
    command = click.option("--since", type=_Parsed(parse_bound, "DATE"),
                           help="Events on or after this date (YYYY-MM-DD, YYYY-MM or YYYY).")(command)
    return command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="flashpoint")
def main() -> None:
    """Flashpoint: news about armed conflict in; coded, dated, geocoded, sourced events out."""
    try:  # every setting checked once, up front: a bad one is one line and exit 2, never a traceback
        get_settings()
    except SettingsError as exc:
        raise _BadValue(str(exc)) from None


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True, readable=False))
@_input_options
@click.option("--no-text", is_flag=True, help="Leave the cleaned article text out of each result.")
@click.option("-o", "--output", metavar="FILE", help="Write JSONL here instead of stdout.")
def extract(paths: tuple[str, ...], published: str | None, source: str | None, encoding: str,
            no_text: bool, output: str | None) -> None:
    """Code articles statelessly: JSONL (or text/HTML files, directories) in, one JSON result per
    article out, in input order. With no PATHS, reads standard input."""
    from .pipeline import code_articles

    options = _ingest_options(published, source, encoding)
    out = _open_output(output)
    n_ok = n_bad = 0
    with _user_errors():
        items = read_inputs(list(paths), options, stdin=sys.stdin.buffer, warn=_warn)
        for item in _results_in_order(items, code_articles):
            if isinstance(item, IngestError):
                n_bad += 1
                obj = {"id": None, "origin": item.origin, "events": [], "actors": [], "places": [],
                       "times": [], "claims": [], "relations": [], "errors": [item.reason]}
            else:
                n_ok += 1
                obj = item.to_dict(include_text=not no_text)
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        out.flush()
    if out is not sys.stdout:
        out.close()
        _wrote(_plural(n_ok + n_bad, "result"), str(output), "jsonl")
    if n_bad:
        click.echo(f"flashpoint: {n_bad} input(s) could not be read; see their \"errors\"", err=True)


def _results_in_order(items: Iterator[Article | IngestError], code_articles: Callable) -> Iterator[Any]:
    """Batch good articles through nlp.pipe while keeping bad items in their input position; an
    article that cannot be coded at all comes out as the error that says why."""
    from .coding import CodingFailure

    pending: list[Article | IngestError] = []

    def flush() -> Iterator[Any]:
        articles = [p for p in pending if isinstance(p, Article)]
        results = iter(code_articles(articles))
        for p in pending:
            if isinstance(p, IngestError):
                yield p
                continue
            result = next(results)
            yield result.error if isinstance(result, CodingFailure) else result
        pending.clear()

    for item in items:
        pending.append(item)
        if len(pending) >= 32:
            yield from flush()
    yield from flush()


def _scale_options(f: Callable) -> Callable:
    f = click.option("--scheduler", metavar="tcp://HOST:PORT",
                     help="Code on this Dask cluster (its workers need Flashpoint installed).")(f)
    f = click.option("--dask-local", type=click.IntRange(min=1), default=None, metavar="N",
                     help="Code on a local Dask cluster of N worker processes.")(f)
    f = click.option("--workers", type=click.IntRange(min=1), default=None, metavar="N",
                     help="Code in N worker processes (models load once per worker) while this one "
                          "reads and saves; without it, this process does everything.")(f)
    return f


def _check_scale(workers: int | None, dask_local: int | None, scheduler: str | None) -> None:
    if sum((workers is not None, dask_local is not None, scheduler is not None)) > 1:
        _fail("choose one of --workers, --dask-local and --scheduler")
    if scheduler is not None and not scheduler.startswith(("tcp://", "tls://", "inproc://", "ws://", "wss://")):
        _fail(f"--scheduler {scheduler!r} is not a Dask scheduler address (tcp://HOST:PORT)")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True, readable=False))
@_db_option
@_input_options
@click.option("--reprocess", is_flag=True, help="Re-code articles already in the store.")
@_scale_options
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
def run(paths: tuple[str, ...], db_url: str | None, published: str | None, source: str | None,
        encoding: str, reprocess: bool, workers: int | None, dask_local: int | None, scheduler: str | None,
        quiet: bool) -> None:
    """Ingest, code and store articles (files, directories, JSONL, http(s) URLs, '-' for stdin).

    An input that cannot be read is recorded with its reason and printed; the others are coded.
    Exit code 3 when some inputs failed, 1 when none could be read."""
    from .runner import count_inputs, run_paths

    _check_scale(workers, dask_local, scheduler)
    options = _ingest_options(published, source, encoding)
    with _user_errors():
        summary = run_paths(
            list(paths), db_url=db_url, options=options,
            items=read_inputs(list(paths), options, stdin=sys.stdin.buffer, warn=_warn),
            reprocess=reprocess, progress=not quiet, workers=workers or 0, dask_local=dask_local or 0,
            scheduler=scheduler,
            total=count_inputs(list(paths)) if not quiet and sys.stderr.isatty() else None,
        )
    click.echo(summary.line(), err=True)
    for line in summary.failure_lines():
        click.echo(f"flashpoint: {line}", err=True)
    _exit_for_failures(summary)


def _exit_for_failures(summary: Any) -> None:
    """Scripts and cron must see failed inputs: exit 1 when none could be read, 3 when some."""
    if not summary.failed:
        return
    if summary.read == 0:
        _fail(f"no input could be read ({_plural(summary.failed, 'failure')}, reasons above)")
    click.echo(f"flashpoint: {_plural(summary.failed, 'input')} failed (exit code {EXIT_INPUTS_FAILED})",
               err=True)
    sys.exit(EXIT_INPUTS_FAILED)


@main.command()
@click.argument("sources", nargs=-1, required=True, metavar="FEED_URL|DIR...")
@_db_option
@_input_options
@click.option("--interval", type=click.FloatRange(min=0.5), default=300.0, show_default=True, metavar="S",
              help="Seconds between polls of a source (a failing source backs off, up to an hour).")
@click.option("--once", is_flag=True, help="One pass over every source, then exit.")
@click.option("--alerts", "alerts_to", metavar="FILE|-",
              help="After each pass that stored something, append new early-warning alerts (surges, "
                   "emerging actors; see `flashpoint alerts`) as JSON lines to FILE or stdout (-).")
def watch(sources: tuple[str, ...], db_url: str | None, published: str | None, source: str | None,
          encoding: str, interval: float, once: bool, alerts_to: str | None) -> None:
    """Poll RSS/Atom feeds and watch folders; code and store only new items. Pages are fetched
    from public addresses only (FLASHPOINT_ALLOW_PRIVATE_URLS=1 lifts that), within
    FLASHPOINT_MAX_ARTICLE_BYTES and FLASHPOINT_FETCH_TIMEOUT."""
    from .watch import SETTLE_S, Watcher, WatchError

    after_store = None
    if alerts_to is not None:
        from .alerts.feed import watch_feed

        try:
            after_store = watch_feed(db_url, alerts_to, echo=lambda line: click.echo(line, err=True))
        except OSError as exc:
            _fail(f"cannot write {alerts_to}: {exc.strerror}")
    try:
        watcher = Watcher(sources, db_url=db_url, options=_ingest_options(published, source, encoding),
                          interval=interval, settle=0.0 if once else SETTLE_S,
                          echo=lambda line: click.echo(line, err=True), after_store=after_store)
    except WatchError as exc:
        _fail(str(exc))
    with _user_errors():
        try:
            result = watcher.run(once=once)
        except KeyboardInterrupt:
            click.echo("watch: stopped", err=True)
            return
    if result.summary is None:
        click.echo("watch: nothing new", err=True)
    if once and len(result.failed_sources) == len(watcher.sources):
        _fail("no source could be read")
    if once and (result.failed_sources or (result.summary is not None and result.summary.failed)):
        sys.exit(EXIT_INPUTS_FAILED)  # each failure was printed with its reason above


@main.command()
@_db_option
@click.option("--format", "fmt", type=click.Choice(EVENT_FORMATS), default="table", show_default=True)
@click.option("--limit", type=click.IntRange(min=0), default=None, help="At most N events (0: all).")
@click.option("--order", type=click.Choice(("newest", "oldest")), default="newest", show_default=True)
@_event_filters
@click.option("-o", "--output", metavar="FILE", help="Write here instead of stdout.")
def events(db_url: str | None, fmt: str, limit: int | None, order: str, filters: Any, output: str | None) -> None:
    """List events from the store (fused: one row per real event, however many articles told it).

    The table starts with each event's id (for `flashpoint explain ID`), ends with a count on
    stderr, and on a terminal longer than the screen it opens in a pager ($PAGER, or less)."""
    from .export import write as write_export
    from .filters import count_events, load_events

    with _user_errors():
        store = _open_reader(db_url)
        try:
            try:
                rows = load_events(store, filters, limit=limit or None, newest_first=order == "newest")
            except ValueError as exc:
                raise _BadValue(str(exc)) from None
            total = count_events(store, filters) if limit else len(rows)
            hints = [] if rows else _no_match_hints(store, filters)
        finally:
            store.close()
        if fmt == "table" and output in (None, "-"):
            _show_table(rows)
        else:
            from .export import table

            out = _open_output(output)
            if fmt == "table":  # the same table as on the terminal, ids included
                out.write(table.render(rows, ids=True))
                n = len(rows)
            else:
                n = write_export(fmt, rows, out)
            out.flush()
            if out is not sys.stdout:
                out.close()
                _wrote(_plural(n, "event"), str(output), fmt)
        if fmt == "table":
            click.echo(f"{_plural(total, 'event')}" if len(rows) == total else
                       f"showing {len(rows)} of {total} events; --limit 0 shows all", err=True)
        for line in hints:
            click.echo(line, err=True)


def _show_table(rows: list[dict[str, Any]]) -> None:
    """The event table on stdout, through a pager when stdout is a terminal the table is taller
    than; into a pipe or file it is written as it is."""
    import shutil

    from .export import table

    text = table.render(rows, ids=True)
    if sys.stdout.isatty() and text.count("\n") >= shutil.get_terminal_size().lines - 1:
        click.echo_via_pager(text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


@main.command()
@_db_option
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True,
              help="Events as csv (ACLED columns, then ours), json, jsonl, geojson or parquet; "
                   "the actor graph as graphml or graph-json.")
@_event_filters
@click.option("-o", "--output", metavar="FILE", help="Write here instead of stdout.")
@click.option("--changed-since", metavar="TIME",
              help="Only what changed at or after TIME (2024-05-01, 2024-05-01T12:00:00Z; UTC unless "
                   "it says): new, updated and removed events, each with its \"change\" and "
                   "\"timestamp\" (json or jsonl).")
@click.option("--keep-unlocated", is_flag=True,
              help="geojson: write events without coordinates with a null geometry instead of leaving "
                   "them out (how many were left out is said on stderr).")
def export(db_url: str | None, fmt: str, filters: Any, output: str | None, keep_unlocated: bool,
           changed_since: str | None) -> None:
    """Export events (fused), or the actor graph (actors, relations read from text and the
    dictionary, and events between actors as edges); filters narrow both."""
    from .export import BINARY_FORMATS, graph, write as write_export
    from .filters import load_events

    if fmt in BINARY_FORMATS and (output is None or output == "-") and sys.stdout.isatty():
        _fail(f"{fmt} is a binary format: give -o FILE or redirect standard output")
    if changed_since is not None and fmt not in CHANGE_FORMATS:
        raise _BadValue(f"--changed-since needs --format {' or '.join(CHANGE_FORMATS)} "
                        "(a removed event is an id and a time, with no columns to fill)")
    with _user_errors():
        store = _open_reader(db_url)
        try:
            try:
                rows = (load_events(store, filters) if changed_since is None else
                        store.changed_fused_events(changed_since, **filters.store_kwargs()))
            except ValueError as exc:
                raise _BadValue(str(exc)) from None
            for line in [] if rows or changed_since is not None else _no_match_hints(store, filters):
                click.echo(line, err=True)
            if fmt in GRAPH_FORMATS:
                from .actors.dictionary import load_dictionary

                g = graph.build(*_graph_inputs(store, rows, narrow=not filters.is_empty()), load_dictionary())
        finally:
            store.close()
        if fmt in BINARY_FORMATS:
            out_bin = _open_binary_output(output)
            n = write_export(fmt, rows, out_bin)
            out_bin.flush()
            if out_bin is not sys.stdout.buffer:
                out_bin.close()
                _wrote(_plural(n, "event"), str(output), fmt)
            return
        out = _open_output(output)
        what = None
        if fmt == "graphml":
            what = f"the actor graph ({_plural(graph.write_graphml(g, out), 'actor')})"
        elif fmt == "graph-json":
            what = f"the actor graph ({_plural(graph.write_json(g, out), 'actor')})"
        elif fmt == "geojson":
            from .export import geojson

            def say_skipped(n: int) -> None:
                if n:
                    _warn(f"{n} event(s) without coordinates left out of the GeoJSON "
                          "(--keep-unlocated writes them with a null geometry)")

            what = _plural(geojson.write(rows, out, keep_unlocated=keep_unlocated, skipped=say_skipped), "event")
        else:
            n = write_export(fmt, rows, out)
            what = _plural(n, "change") if changed_since is not None else _plural(n, "event")
        out.flush()
        if out is not sys.stdout:
            out.close()
            _wrote(what, str(output), fmt)


def _graph_inputs(store: Any, rows: list[dict[str, Any]], *, narrow: bool) -> tuple[list, list, list]:
    """Actors, relations and events for the actor graph; with filters, only the actors of the
    selected events and the relations that touch them."""
    actors, relations = store.actors(), store.relations()
    if narrow:
        from .report.figures import actors_of

        names = {name for e in rows for name in actors_of(e)}
        actors = [a for a in actors if a["actor"] in names]
        relations = [r for r in relations if r["subject"] in names or r["object"] in names]
    return actors, relations, rows


def _open_binary_output(path: str | None) -> IO[bytes]:
    if path is None or path == "-":
        return sys.stdout.buffer
    try:
        return open(path, "wb")
    except OSError as exc:
        _fail(f"cannot write {path}: {exc.strerror}")
    raise AssertionError  # unreachable


@main.command()
@_db_option
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default="html", show_default=True,
              help="html: one self-contained file; md: Markdown, its images written beside -o FILE.")
@click.option("--title", help="The report's title (default: \"Situation report: AREA, PERIOD\").")
@_event_filters
@click.option("-o", "--output", metavar="FILE", help="Write here instead of stdout.")
def report(db_url: str | None, fmt: str, title: str | None, filters: Any, output: str | None) -> None:
    """A situation report for an area and period: headline figures and the change against the
    previous period of the same length, a map, a timeline, the most active actors and their
    relations, notable events; every statement cites its sources."""
    from pathlib import Path

    from .report import write_report

    target = None if output in (None, "-") else Path(output)
    if target is not None and not target.parent.is_dir():
        _fail(f"cannot write {output}: no directory {target.parent}")
    with _user_errors():
        store = _open_reader(db_url)
        try:
            try:
                text, written = write_report(store, filters, fmt, target, title=title)
            except ValueError as exc:
                raise _BadValue(str(exc)) from None
            except OSError as exc:
                _fail(f"cannot write {output}: {exc.strerror or exc}")
        finally:
            store.close()
        if target is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            _wrote("the report" + (f" and {_plural(len(written) - 1, 'image')} beside it" if len(written) > 1 else ""),
                   ", ".join(str(p) for p in written), fmt)


@main.command()
@_db_option
@click.option("--as-of", "as_of", type=IsoDate(),
              help="The last day of the week to judge (default: the store's latest event date, not today).")
@click.option("--threshold", type=click.FloatRange(min=0, min_open=True), default=None, metavar="FRACTION",
              help="A surge is this week >= (1 + FRACTION) x the 4-week weekly average (default 1.0: +100%).")
@click.option("--min-events", type=click.IntRange(min=1), default=None, metavar="N",
              help="Fewer events this week is never a surge (default 3).")
@click.option("--country", help="Only events in this country.")
@click.option("--admin1", help="Only events in this first-level region (province, governorate, state).")
@click.option("--type", "event_type", help="Only this ACLED event type or sub-type, or PLOVER type.")
@click.option("--actor", help="Only events with an actor whose name contains this.")
@click.option("--min-sources", type=click.IntRange(min=1), metavar="N", help="Only events told by at least N sources.")
@click.option("--format", "fmt", type=click.Choice(("table", "json", "jsonl")), default="table", show_default=True,
              help="table: for people; json: figures and alerts (the API's answer); jsonl: one alert a line.")
@click.option("-o", "--output", metavar="FILE", help="Write here instead of stdout.")
def alerts(db_url: str | None, as_of: str | None, threshold: float | None, min_events: int | None,
           country: str | None, admin1: str | None, event_type: str | None, actor: str | None,
           min_sources: int | None, fmt: str, output: str | None) -> None:
    """Early warning: events and fatalities this week per country and admin1 against the 4 and 52
    weeks before, surges (+100% on the past month's weekly average, from a minimum base) and actors
    seen for the first time; every alert lists its events' ids (see docs/ALERTS.md)."""
    from .alerts import load_alerts, load_config
    from .alerts.feed import records
    from .alerts.text import render
    from .filters import EventFilters

    with _user_errors():
        try:
            config = load_config().with_overrides(threshold=threshold, min_events=min_events)
            filters = EventFilters(country=country, admin1=admin1, event_type=event_type, actor=actor,
                                   min_sources=min_sources)
        except ValueError as exc:
            raise _BadValue(str(exc)) from None
        store = _open_reader(db_url)
        try:
            try:
                found = load_alerts(store, filters, as_of=as_of, config=config)
            except ValueError as exc:
                raise _BadValue(str(exc)) from None
        finally:
            store.close()
        if fmt == "table":
            text = render(found)
        elif fmt == "json":
            text = json.dumps(found.to_dict(), ensure_ascii=False, indent=2) + "\n"
        else:
            text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records(found))
        out = _open_output(output)
        out.write(text)
        out.flush()
        if out is not sys.stdout:
            out.close()
            click.echo(f"wrote {output} ({len(found.surges)} surge(s), {len(found.emerging_actors)} emerging "
                       f"actor(s), week {found.week.start} to {found.week.end})", err=True)


@main.command()
@_db_option
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True)
@click.option("--limit", type=click.IntRange(min=0), default=None, help="At most N actors (0: all).")
@click.option("--min-mentions", type=click.IntRange(min=1), default=1, show_default=True)
def actors(db_url: str | None, fmt: str, limit: int | None, min_mentions: int) -> None:
    """Actors found in the stored articles, with mention and article counts."""
    from .export.table import render_rows

    with _user_errors():
        store = _open_reader(db_url)
        try:
            rows = store.actors(limit=limit or None, min_mentions=min_mentions)
        finally:
            store.close()
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    click.echo(render_rows(rows, [("actor", "actor"), ("actor_type", "type"), ("country", "country"),
                                  ("mentions", "mentions"), ("articles", "articles")]), nl=False)


@main.command()
@_db_option
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True)
@click.option("--limit", type=click.IntRange(min=0), default=None)
@click.option("--errors", "show_errors", is_flag=True, help="List inputs that could not be read, with reasons.")
def articles(db_url: str | None, fmt: str, limit: int | None, show_errors: bool) -> None:
    """List stored articles (or, with --errors, the inputs that failed and why)."""
    from .export.table import render_rows

    with _user_errors():
        store = _open_reader(db_url)
        try:
            rows = store.errors() if show_errors else store.articles(limit=limit or None)
        finally:
            store.close()
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if show_errors:
        cols = [("origin", "origin"), ("reason", "reason")]
    else:
        cols = [("published", "published"), ("source", "source"), ("title", "title"), ("n_events", "events"),
                ("article_id", "id")]
    click.echo(render_rows(rows, cols), nl=False)


@main.command()
@_db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--log-level", type=click.Choice(("critical", "error", "warning", "info", "debug")),
              default="info", show_default=True)
def serve(db_url: str | None, host: str, port: int, log_level: str) -> None:
    """Serve the HTTP API (JSON under /api/, schema at /openapi.json) and the dashboard at /.
    Writes need FLASHPOINT_TOKEN; FLASHPOINT_READ_TOKEN_REQUIRED=1 protects reads too."""
    import uvicorn

    from .api import create_app
    from .store import open_store

    with _user_errors():
        open_store(db_url).close()  # a store that cannot open fails here, in one line
    settings = get_settings()
    if not settings.api_token:
        click.echo("flashpoint: FLASHPOINT_TOKEN is not set: ingest and corrections are disabled", err=True)
    # The name it was told to listen on is a name its clients use (Host header check, see
    # FLASHPOINT_TRUSTED_HOSTS); the addresses it listens on are always accepted.
    trusted = settings.trusted_hosts if host in settings.trusted_hosts else (*settings.trusted_hosts, host)
    uvicorn.run(create_app(db_url, trusted_hosts=trusted), host=host, port=port, log_level=log_level)


@main.command()
@click.argument("event_id")
@_db_option
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
def explain(event_id: str, db_url: str | None, fmt: str) -> None:
    """Why the sources of a fused event were merged: each pair's features, scores, corrections.

    EVENT_ID is a fused event id, or the id of one of its reports."""
    from .fuse.corrections import explain as explain_event, explain_text

    with _user_errors(), _open_reader(db_url) as store:
        fused_id = event_id if store.fused_event(event_id) else store.fused_id_of(event_id)
        if fused_id is None:
            _fail(f"no event {event_id} in {store.url}")
        info = explain_event(store, fused_id)
    click.echo(json.dumps(info, ensure_ascii=False, indent=2, default=str) if fmt == "json"
               else explain_text(info), nl=fmt == "json")


@main.group("eval")
def eval_() -> None:
    """Score Flashpoint against gold data; each command prints a JSON object last."""


@eval_.command("actors")
@click.argument("gold", nargs=-1, type=click.Path(exists=True, dir_okay=True))
@click.option("--errors", "show_errors", is_flag=True, help="List every sentence that is not exactly right.")
def eval_actors(gold: tuple[str, ...], show_errors: bool) -> None:
    """Actor precision and recall on sentences with gold actors (JSONL; default: tests/data/actors/)."""
    from pathlib import Path

    from .eval.actors import read_gold, score

    paths: list[Path] = []
    for g in gold or ("tests/data/actors",):
        p = Path(g)
        if not p.exists():
            _fail(f"no gold data at {p}; pass JSONL files or a folder of them")
        paths += sorted(p.glob("*.jsonl")) if p.is_dir() else [p]
    if not paths:
        _fail("no *.jsonl gold files found")
    try:
        items = read_gold(paths)
    except ValueError as exc:
        _fail(str(exc))
    scores = score(items)
    if show_errors:
        for e in scores["all"].errors:
            click.echo(f"{e['where']}: missing {e['missing']} extra {e['extra']}\n    {e['text'][:160]}")
    for name, sc in sorted(scores.items(), key=lambda kv: kv[0] != "all"):
        click.echo(f"{name:28} sentences {sc.sentences:4}  P {sc.precision:.3f}  R {sc.recall:.3f}  F1 {sc.f1:.3f}")
    click.echo(json.dumps({k: v.to_dict() for k, v in scores.items()}))


@eval_.command("fusion")
@click.option("--gold", "gold", type=click.Path(exists=True, dir_okay=False),
              default="tests/data/fusion_dev.jsonl", show_default=True,
              help="JSONL of articles, each with gold: [{cluster, type?}].")
@click.option("--tune", is_flag=True, help="Grid-search the threshold and text weight; print the best.")
def eval_fusion(gold: str, tune: bool) -> None:
    """B-cubed, MUC, CEAF-e and CoNLL F1 of cross-article fusion against gold event clusters."""
    from pathlib import Path

    from .eval.fusion import evaluate

    try:
        result = evaluate(Path(gold), tune=tune)
    except ValueError as exc:
        _fail(str(exc))
    click.echo(f"{result['articles']} articles, {result['gold_items']} gold events in "
               f"{result['gold_events']} clusters; {result['aligned']} aligned with a coded event")
    for name in ("muc", "b_cubed", "ceaf_e"):
        sc = result[name]
        click.echo(f"{name:8} P {sc['p']:.3f}  R {sc['r']:.3f}  F1 {sc['f1']:.3f}")
    click.echo(f"CoNLL F1 {result['conll_f1']:.3f} (threshold {result['threshold']})")
    if tune:
        best = result["best"]
        click.echo(f"best: threshold {best['threshold']} text weight {best['text_weight']}: "
                   f"B-cubed F1 {best['b_cubed_f1']:.3f}, CoNLL F1 {best['conll_f1']:.3f}")
    click.echo(json.dumps(result))


@eval_.command("events")
@click.option("--gold", "gold", type=click.Path(exists=True, dir_okay=False), default="tests/data/events_dev.tsv",
              show_default=True, help="TSV id<TAB>text<TAB>label with the ACLED codes of docs/DESIGN.md.")
@click.option("--tune", is_flag=True, help="Grid-search the lexicon/classifier decision on the tuning half.")
def eval_events(gold: str, tune: bool) -> None:
    """Sub-type and type F1 (micro, macro, weighted) of the whole pipeline on labelled snippets."""
    from pathlib import Path

    from .eval.events import evaluate, report

    try:
        result = evaluate(Path(gold), tune=tune)
    except ValueError as exc:
        _fail(str(exc))
    click.echo(report(result))
    click.echo(json.dumps(result))


@eval_.command("real")
@click.option("--split", type=click.Choice(("test", "all")), default="test", show_default=True,
              help="Score only the held-out rows (test), or every split side by side (all).")
@click.option("--ag-texts", "ag_texts", type=click.Path(dir_okay=False), default=None,
              help="The AG world-news CSV (id, title, description); default ../shared/corpora/ag_news_world_test.csv.")
def eval_real(split: str, ag_texts: str | None) -> None:
    """Event typing on real text labelled by hand: FA-KES sentences (data/event_bank_fakes.tsv) and AG
    world-news items (tests/data/events_real/ag_labels.tsv): sub-type F1 and "some event" precision."""
    from pathlib import Path

    from .eval.real import AG_LABELS, AG_TEXTS, evaluate, read_ag, read_fakes, report

    try:
        items = read_fakes() + read_ag(AG_LABELS, Path(ag_texts) if ag_texts else AG_TEXTS)
    except (OSError, ValueError) as exc:
        _fail(f"cannot read the real labels: {exc}")
    if not any(it.source == "ag" for it in items):
        click.echo("note: AG items skipped: their text was not found (pass --ag-texts)", err=True)
    items = [it for it in items if split == "all" or it.split == "test"]
    result = evaluate(items)
    click.echo(report(result))
    click.echo(json.dumps(result))


@eval_.command("seeds")
@click.option("--gold", "gold", type=click.Path(exists=True, dir_okay=False), default=None,
              help="The seeds' hand coding (default: tests/data/seeds.gold.json, shipped).")
@click.option("--seeds", "seeds", type=click.Path(exists=True), default=None,
              help="The seed articles: a JSONL file or a folder of .txt files named as the gold names them "
                   "(default: examples/seeds.jsonl, shipped).")
def eval_seeds(gold: str | None, seeds: str | None) -> None:
    """Required events found, false positives, must-not items and field accuracy on the seeds."""
    from pathlib import Path

    from .eval.seeds import GOLD, SEEDS, evaluate, report

    try:
        result = evaluate(Path(gold) if gold else GOLD, Path(seeds) if seeds else SEEDS)
    except (OSError, KeyError, ValueError) as exc:
        _fail(f"cannot score the seeds: {exc}")
    click.echo(report(result))
    click.echo(json.dumps(result))


@eval_.command("articles")
@click.option("--gold", "gold", type=click.Path(exists=True, dir_okay=False), multiple=True,
              help="Article gold JSONL (docs/CODING_GUIDE.md); repeatable. Default: tests/data/articles/*.gold.jsonl.")
@click.option("--texts", "texts", type=click.Path(exists=True, dir_okay=False), multiple=True,
              help="JSONL (id, text, title, source) or CSV (id, title, description) holding the articles; repeatable. "
                   "Default: examples/fa-kes/fa-kes.jsonl and ../shared/corpora/ag_news_world_test.csv.")
@click.option("--split", type=click.Choice(("all", "tune", "test")), default="all", show_default=True,
              help="Score only one half of the gold (test: the held-out half).")
@click.option("--details", is_flag=True, help="List every miss, wrong field, duplicate and false row.")
@click.option("--fit-confidence", "fit_conf", is_flag=True,
              help="Refit the confidence model (data/confidence.yaml) on the tune half, then score.")
def eval_articles(gold: tuple[str, ...], texts: tuple[str, ...], split: str, details: bool, fit_conf: bool) -> None:
    """Articles in, events out, against a careful coder's events for the same real articles:
    required recall, precision, duplicates, per-field accuracy (end to end, then found-only)
    and confidence reliability."""
    from pathlib import Path

    from .eval.article_gold import DEFAULT_TEXTS, REPO, GoldError, load_gold, load_texts
    from .eval.articles import evaluate, report

    paths = [Path(g) for g in gold] or sorted((REPO / "tests" / "data" / "articles").glob("*.gold.jsonl"))
    if not paths:
        _fail("no article gold found: pass --gold FILE")
    try:
        items = [item for p in paths for item in load_gold(p)]
        sources = load_texts([Path(t) for t in texts] or DEFAULT_TEXTS)
        items = [i for i in items if split == "all" or i.split == split]
        present = [i for i in items if i.id in sources]
        if len(present) < len(items):
            click.echo(f"note: {len(items) - len(present)} gold article(s) skipped: their text was not found "
                       "(AG news lives outside the repository; pass --texts)", err=True)
        if not present:
            _fail("none of the gold articles' texts were found: pass --texts")
        if fit_conf:
            from .eval.articles import fit_confidence
            from .events.confidence import MODEL_PATH, load_model, write_model

            model, n = fit_confidence([i for i in present if i.split == "tune"], sources)
            write_model(model, MODEL_PATH, f"Fitted on {n} rows of the tune half.")
            load_model.cache_clear()
            _coder_cache_clear()
            click.echo(f"confidence model fitted on {n} rows of the tune half: {MODEL_PATH}", err=True)
        result = evaluate(present, sources, details=details)
    except (OSError, GoldError, ValueError) as exc:
        _fail(f"cannot score articles: {exc}")
    click.echo(report(result, details=details))
    result.pop("details", None)
    click.echo(json.dumps(result))


def _coder_cache_clear() -> None:
    from .pipeline import _coder

    _coder.cache_clear()


@eval_.command("fakes")
@click.option("--corpus", type=click.Path(exists=True, dir_okay=False), default=None,
              help="FA-KES as JSONL (scripts/convert_fakes.py); default examples/fa-kes/fa-kes.jsonl.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Only the first N articles.")
@click.option("--details", is_flag=True, help="List every article whose main event misses a label.")
def eval_fakes(corpus: str | None, limit: int | None, details: bool) -> None:
    """FA-KES label agreement: each article's main event dated within a day of the dataset's date
    and placed in its governorate."""
    from pathlib import Path

    from .eval.fakes import DEFAULT, evaluate, report

    try:
        result = evaluate(Path(corpus) if corpus else DEFAULT, limit=limit)
    except (OSError, KeyError, ValueError) as exc:
        _fail(f"cannot score FA-KES: {exc}")
    click.echo(report(result, details=details))
    result.pop("misses", None)
    click.echo(json.dumps(result))


@eval_.command("places")
@click.option("--gold", "gold", type=click.Path(exists=True, dir_okay=False), required=True,
              help="Toponyms in the XML format of the LGL corpus (offsets, GeoNames ids, lat/lon).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Only the first N articles.")
@click.option("--split", type=click.Choice(["tune", "test", "all"]), default="all", show_default=True,
              help="The tune half (rules and weights are chosen on it), the held-out test half, or both.")
@click.option("--details", is_flag=True, help="List every miss and wrong place (use on the tune half).")
@click.option("--tune", "tune_weights", is_flag=True,
              help="Search the weights of data/geoparse.yaml on the tune half; print the changes that help.")
def eval_places(gold: str, limit: int | None, split: str, details: bool, tune_weights: bool) -> None:
    """End-to-end accuracy within 161 km (missed names count as wrong), then toponym precision/recall/F1
    and found-only accuracy and median error of the geoparser."""
    from pathlib import Path

    from .eval.places import evaluate, report, tune

    if tune_weights:
        try:
            found = tune(Path(gold), limit=limit, progress=lambda line: click.echo(line, err=True))
        except (OSError, ValueError) as exc:
            _fail(f"cannot tune places: {exc}")
        click.echo(f"tune half, {found['articles']} articles: end to end {100 * found['start']['end_to_end']:.1f}% "
                   f"-> {100 * found['best']['end_to_end']:.1f}%, precision {100 * found['best']['precision']:.1f}%")
        for ch in found["changes"]:
            click.echo(f"  {ch['weight']}: {ch['from']} -> {ch['to']}")
        click.echo(json.dumps(found))
        return
    if details and split != "tune":
        _fail("--details lists individual mistakes: use it with --split tune only, the test half stays unread")
    try:
        result = evaluate(Path(gold), limit=limit, details=details, split=split)
    except (OSError, ValueError) as exc:
        _fail(f"cannot score places: {exc}")
    click.echo(report(result, details=details))
    result.pop("mistakes", None)
    click.echo(json.dumps(result))


@eval_.command("times")
@click.option("--gold", "gold", type=click.Path(exists=True), required=True,
              help="A folder of TimeML .tml files (or one file); the document creation time anchors them.")
@click.option("--split", "split", type=click.Choice(["tune", "test", "all"]), default="all", show_default=True,
              help="Score one half only: files whose name's SHA-1 is even (tune) or odd (test).")
@click.option("--details", is_flag=True,
              help="List the misses, wrong values and spurious times (tune half only: held-out stays unread).")
def eval_times(gold: str, split: str, details: bool) -> None:
    """Time expressions against TimeML: end to end first (extent recall, value accuracy over all gold, a
    missed expression counting as wrong), then extent F1 (strict, relaxed) and value accuracy over those found."""
    from pathlib import Path

    from .eval.times import evaluate, report, report_details

    if details and split != "tune":
        _fail("--details lists individual mistakes: use it with --split tune only, the test half stays unread")
    try:
        result = evaluate(Path(gold), split=split, details=details)
    except (OSError, ValueError) as exc:
        _fail(f"cannot score times: {exc}")
    mistakes = result.pop("mistakes", None)
    click.echo(report(result))
    if mistakes is not None:
        click.echo(report_details({"mistakes": mistakes}))
    click.echo(json.dumps(result))


if __name__ == "__main__":  # pragma: no cover
    main()
