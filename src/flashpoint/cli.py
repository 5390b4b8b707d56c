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
GRAPH_FORMATS = ("graphml", "graph-json")


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


def _event_filters(f: Callable) -> Callable:
    f = click.option("--type", "event_type", help="Only this ACLED event type or sub-type, or PLOVER type.")(f)
    f = click.option("--country", help="Only events in this country.")(f)
    f = click.option("--until", type=IsoDate(), help="Events on or before this date.")(f)
    f = click.option("--since", type=IsoDate(), help="Events on or after this date.")(f)
    return f


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
@click.option("--order", type=click.Choice(("newest", "oldest")), default="newest", show_default=True)
@_event_filters
@click.option("-o", "--output", metavar="FILE", help="Write here instead of stdout.")
def events(db_url: str | None, fmt: str, limit: int | None, order: str, since: str | None, until: str | None,
           country: str | None, event_type: str | None, output: str | None) -> None:
    """List coded events from the store."""
    from .export import write as write_export
    from .store import open_store

    with _user_errors():
        store = open_store(db_url)
        try:
            rows = store.events(limit=limit or None, since=since, until=until, country=country,
                                event_type=event_type, newest_first=order == "newest")
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
@click.option("--format", "fmt", type=click.Choice(EVENT_FORMATS[1:] + GRAPH_FORMATS), required=True,
              help="Events as csv (ACLED columns), json, jsonl or geojson; the actor graph as graphml or graph-json.")
@_event_filters
@click.option("-o", "--output", metavar="FILE", help="Write here instead of stdout.")
def export(db_url: str | None, fmt: str, since: str | None, until: str | None, country: str | None,
           event_type: str | None, output: str | None) -> None:
    """Export events, or the actor graph (actors, relations read from text and the dictionary,
    and events between actors as edges)."""
    from .export import write as write_export
    from .store import open_store

    with _user_errors():
        store = open_store(db_url)
        try:
            rows = store.events(since=since, until=until, country=country, event_type=event_type)
            if fmt in GRAPH_FORMATS:
                from .actors.dictionary import load_dictionary
                from .export import graph

                g = graph.build(store.actors(), store.relations(), rows, load_dictionary())
        finally:
            store.close()
        out = _open_output(output)
        if fmt == "graphml":
            graph.write_graphml(g, out)
        elif fmt == "graph-json":
            graph.write_json(g, out)
        else:
            write_export(fmt, rows, out)
        out.flush()


@main.command()
@_db_option
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True)
@click.option("--limit", type=click.IntRange(min=0), default=None, help="At most N actors (0: all).")
@click.option("--min-mentions", type=click.IntRange(min=1), default=1, show_default=True)
def actors(db_url: str | None, fmt: str, limit: int | None, min_mentions: int) -> None:
    """Actors found in the stored articles, with mention and article counts."""
    from .export.table import render_rows
    from .store import open_store

    with _user_errors():
        store = open_store(db_url)
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
    click.echo(render_rows(rows, cols), nl=False)


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


@eval_.command("seeds")
@click.option("--gold", "gold", type=click.Path(exists=True, dir_okay=False),
              default="../shared/gold/seeds.gold.json", show_default=True)
@click.option("--seeds", "seeds_dir", type=click.Path(exists=True, file_okay=False), default=None,
              help="Folder of the seed articles (default: beside the gold folder).")
def eval_seeds(gold: str, seeds_dir: str | None) -> None:
    """Required events found, false positives, must-not items and field accuracy on the seeds."""
    from pathlib import Path

    from .eval.seeds import evaluate, report

    try:
        result = evaluate(Path(gold), Path(seeds_dir) if seeds_dir else None)
    except (OSError, KeyError, ValueError) as exc:
        _fail(f"cannot read the seeds gold: {exc}")
    click.echo(report(result))
    click.echo(json.dumps(result))


@eval_.command("places")
@click.option("--gold", "gold", type=click.Path(exists=True, dir_okay=False), required=True,
              help="Toponyms in the XML format of the LGL corpus (offsets, GeoNames ids, lat/lon).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Only the first N articles.")
def eval_places(gold: str, limit: int | None) -> None:
    """Toponym precision/recall/F1, accuracy within 161 km and median error of the geoparser."""
    from pathlib import Path

    from .eval.places import evaluate, report

    try:
        result = evaluate(Path(gold), limit=limit)
    except (OSError, ValueError) as exc:
        _fail(f"cannot score places: {exc}")
    click.echo(report(result))
    click.echo(json.dumps(result))


@eval_.command("times")
@click.option("--gold", "gold", type=click.Path(exists=True), required=True,
              help="A folder of TimeML .tml files (or one file); the document creation time anchors them.")
def eval_times(gold: str) -> None:
    """Time expression extent F1 (strict, relaxed) and value accuracy against TimeML."""
    from pathlib import Path

    from .eval.times import evaluate, report

    try:
        result = evaluate(Path(gold))
    except (OSError, ValueError) as exc:
        _fail(f"cannot score times: {exc}")
    click.echo(report(result))
    click.echo(json.dumps(result))


if __name__ == "__main__":  # pragma: no cover
    main()
