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
from typing import IO, Any

import click

from . import __version__
from .ingest import IngestOptions, read_inputs
from .model import Article, IngestError
from .nlp import ModelNotInstalled
from .settings import get_settings

EVENT_FORMATS = ("table", "csv", "json", "jsonl", "geojson")


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


@contextmanager
def _user_errors() -> Iterator[None]:
    """Library errors a user can act on become one line; programming errors still show a trace."""
    from .store import StoreError

    try:
        yield
    except (StoreError, ModelNotInstalled) as exc:
        _fail(str(exc))
    except BrokenPipeError:  # `flashpoint events | head`
        sys.stderr.close()
        sys.exit(0)


def _ingest_options(published: str | None, source: str | None, encoding: str) -> IngestOptions:
    return IngestOptions(
        published=published, source=source, encoding=encoding,
        max_bytes=get_settings().max_article_bytes,
    )


def _open_output(path: str | None) -> IO[str]:
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
    f = click.option("--published", type=IsoDate(), help="Publication date (YYYY-MM-DD), for articles that do not state one.")(f)
    return f


def _db_option(f: Callable) -> Callable:
    return click.option("--db", "db_url", metavar="URL",
                        help="Store URL or SQLite file (default: $FLASHPOINT_DB or sqlite:///flashpoint.db).")(f)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="flashpoint")
def main() -> None:
    """Flashpoint: news about armed conflict in; coded, dated, geocoded, sourced events out."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@_input_options
@click.option("--no-text", is_flag=True, help="Leave the cleaned article text out of each result.")
@click.option("-o", "--output", metavar="FILE", help="Write JSONL here instead of stdout.")
def extract(paths: tuple[str, ...], published: str | None, source: str | None, encoding: str,
            no_text: bool, output: str | None) -> None:
    """Code articles statelessly: JSONL (or text/HTML files, directories) in, one JSON result per
    article out, in input order. With no PATHS, reads standard input."""
    from .pipeline import extract_articles

    options = _ingest_options(published, source, encoding)
    out = _open_output(output)
    n_ok = n_bad = 0
    with _user_errors():
        for item in _results_in_order(read_inputs(list(paths), options, stdin=sys.stdin.buffer), extract_articles):
            if isinstance(item, IngestError):
                n_bad += 1
                obj = {"id": None, "origin": item.origin, "events": [], "actors": [], "places": [],
                       "times": [], "claims": [], "relations": [], "errors": [item.reason]}
            else:
                n_ok += 1
                obj = item.to_dict(include_text=not no_text)
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        out.flush()
    if n_bad:
        click.echo(f"flashpoint: {n_bad} input(s) could not be read; see their \"errors\"", err=True)


def _results_in_order(items: Iterator[Article | IngestError], extract_articles: Callable) -> Iterator[Any]:
    """Batch good articles through nlp.pipe while keeping bad items in their input position."""
    pending: list[Article | IngestError] = []

    def flush() -> Iterator[Any]:
        articles = [p for p in pending if isinstance(p, Article)]
        results = iter(extract_articles(articles))
        for p in pending:
            yield p if isinstance(p, IngestError) else next(results)
        pending.clear()

    for item in items:
        pending.append(item)
        if len(pending) >= 32:
            yield from flush()
    yield from flush()


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@_db_option
@_input_options
@click.option("--reprocess", is_flag=True, help="Re-code articles already in the store.")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
def run(paths: tuple[str, ...], db_url: str | None, published: str | None, source: str | None,
        encoding: str, reprocess: bool, quiet: bool) -> None:
    """Ingest, code and store articles (files, directories, JSONL, '-' for stdin)."""
    from .runner import run_paths

    with _user_errors():
        summary = run_paths(
            list(paths), db_url=db_url, options=_ingest_options(published, source, encoding),
            reprocess=reprocess, progress=not quiet,
        )
    click.echo(summary.line(), err=True)


@main.command()
@_db_option
@click.option("--format", "fmt", type=click.Choice(EVENT_FORMATS), default="table", show_default=True)
@click.option("--limit", type=click.IntRange(min=0), default=None, help="At most N events (0: all).")
@click.option("--since", type=IsoDate(), help="Events on or after this date.")
@click.option("--until", type=IsoDate(), help="Events on or before this date.")
@click.option("--country", help="Only events in this country.")
@click.option("--type", "event_type", help="Only this ACLED event type, e.g. Battles.")
@click.option("-o", "--output", metavar="FILE", help="Write here instead of stdout.")
def events(db_url: str | None, fmt: str, limit: int | None, since: str | None, until: str | None,
           country: str | None, event_type: str | None, output: str | None) -> None:
    """List coded events from the store."""
    from .export import write as write_export
    from .store import open_store

    with _user_errors():
        store = open_store(db_url)
        try:
            rows = store.events(limit=limit or None, since=since, until=until, country=country, event_type=event_type)
            total = store.counts().get("events", len(rows))
        finally:
            store.close()
        out = _open_output(output)
        write_export(fmt, rows, out)
        out.flush()
        if fmt == "table" and len(rows) < total and not any((since, until, country, event_type)):
            click.echo(f"({len(rows)} of {total} events; --limit 0 shows all)", err=True)


@main.command()
@_db_option
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True)
@click.option("--limit", type=click.IntRange(min=0), default=None)
@click.option("--errors", "show_errors", is_flag=True, help="List inputs that could not be read, with reasons.")
def articles(db_url: str | None, fmt: str, limit: int | None, show_errors: bool) -> None:
    """List stored articles (or, with --errors, the inputs that failed and why)."""
    from .export.table import render_rows
    from .store import open_store

    with _user_errors():
        store = open_store(db_url)
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
        cols = [("published", "published"), ("source", "source"), ("title", "title"), ("n_events", "events"), ("article_id", "id")]
    click.echo(render_rows(rows, cols))


if __name__ == "__main__":  # pragma: no cover
    main()
