"""POST /api/articles: request bodies to Articles, then the run loop of ``flashpoint run`` (``run_loop``).

Why parse here rather than let pydantic validate the body: one bad article (no text, a bad date,
binary data, too big) must cost only itself. Each input becomes an Article or an IngestError with
its reason, and only a body that cannot be read at all is refused as a whole.

Why a process-wide lock around extraction and saving: the spaCy pipeline and the fusion step are
not written for concurrent use, and writes to SQLite are serialised anyway; reads go on meanwhile.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from flashpoint.ingest import BadInput, IngestOptions, make_article, normalise_date
from flashpoint.ingest.readers import HTML_SUFFIXES, JSONL_SUFFIXES, decode, read_jsonl_bytes
from flashpoint.model import Article, IngestError
from flashpoint.run_loop import Failed, Saved, Step, run_loop
from flashpoint.store import Store

MAX_ARTICLES = 100
_WRITE_LOCK = threading.Lock()
_FIELDS = ("id", "text", "title", "published", "source", "url")


class BadBody(ValueError):
    """The request body as a whole cannot be read (answered 400)."""


@dataclass
class IngestReport:
    results: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)


def body_limit(max_article_bytes: int) -> int:
    """Largest request body accepted: room for one article at the limit (so that it gets its own
    clear reason) plus a batch of ordinary ones."""
    return 2 * max_article_bytes + 1_000_000


# ----------------------------------------------------------------------------------- JSON


def _article_from_json(obj: Any, origin: str, options: IngestOptions) -> Article:
    if not isinstance(obj, dict):
        raise BadInput(f"expected an article object {{\"text\": ...}}, got {_json_type(obj)}", origin)
    unknown = sorted(set(obj) - set(_FIELDS))
    if unknown:
        raise BadInput(f"unknown field(s) {', '.join(map(repr, unknown))}; expected {', '.join(_FIELDS)}", origin)
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise BadInput('no article text: "text" must be a non-empty string', origin)
    for key in ("title", "published", "source", "url"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise BadInput(f'"{key}" must be a string', origin)
    doc_id = obj.get("id")
    is_int = isinstance(doc_id, int) and not isinstance(doc_id, bool)
    if doc_id is not None and not (isinstance(doc_id, str) or is_int):
        raise BadInput('"id" must be a string or an integer', origin)
    published = obj.get("published")
    if published and normalise_date(published) is None:
        raise BadInput(f'"published" {published!r} is not a date (use YYYY-MM-DD)', origin)
    return make_article(
        text, doc_id=None if doc_id is None else str(doc_id), title=obj.get("title"),
        published=published or None, source=obj.get("source"), url=obj.get("url"),
        origin=origin, options=options,
    )


def _json_type(value: object) -> str:
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null",
            dict: "an object"}.get(type(value), "a number")


def _one(build: Any, origin: str) -> Article | IngestError:
    try:
        return build()
    except BadInput as exc:
        return IngestError(origin, exc.reason)


def parse_json(raw: bytes, options: IngestOptions) -> list[Article | IngestError]:
    """One article object, or ``{"articles": [...]}`` with at most MAX_ARTICLES."""
    try:
        body = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise BadBody(f"the JSON body is not valid UTF-8 (byte at offset {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise BadBody(f"malformed JSON body: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except (ValueError, RecursionError) as exc:
        raise BadBody(f"malformed JSON body: {exc}") from None
    if isinstance(body, dict) and "articles" in body:
        items = body["articles"]
        if set(body) != {"articles"}:
            raise BadBody('a batch is {"articles": [...]} with no other keys')
        if not isinstance(items, list) or not items:
            raise BadBody('"articles" must be a non-empty array of article objects')
        if len(items) > MAX_ARTICLES:
            raise BadBody(f"at most {MAX_ARTICLES} articles per request, got {len(items)}")
        return [_one(lambda o=o, n=f"articles[{i}]": _article_from_json(o, n, options), f"articles[{i}]")
                for i, o in enumerate(items)]
    if not isinstance(body, dict):
        raise BadBody('expected an article object {"text": ...} or {"articles": [...]}')
    return [_one(lambda: _article_from_json(body, "body", options), "body")]


# ----------------------------------------------------------------------------------- uploads


def _kind(filename: str, content_type: str | None) -> str:
    suffix = PurePath(filename).suffix.lower()
    ctype = (content_type or "").split(";")[0].strip().lower()
    if suffix in JSONL_SUFFIXES or ctype in {"application/x-ndjson", "application/jsonl"}:
        return "jsonl"
    if suffix == ".json" or ctype == "application/json":
        return "json"
    if suffix in HTML_SUFFIXES or ctype in {"text/html", "application/xhtml+xml"}:
        return "html"
    return "text"


def parse_upload(filename: str, content_type: str | None, data: bytes,
                 options: IngestOptions) -> list[Article | IngestError]:
    """One uploaded file: JSONL (one article a line), HTML or plain text (first line: headline)."""
    name = PurePath(filename or "upload").name or "upload"
    kind = _kind(name, content_type)
    if kind == "json":
        try:
            return parse_json(data, options)
        except BadBody as exc:
            return [IngestError(name, str(exc))]
    if kind == "jsonl":
        return list(read_jsonl_bytes(data, name, options)) or [IngestError(name, "empty file")]
    if not data.strip():
        return [IngestError(name, "empty file")]
    if len(data) > options.max_bytes:
        return [IngestError(name, f"file is {len(data):,} bytes, over the {options.max_bytes:,}-byte limit "
                                  "(max_bytes)")]
    return [_one(lambda: make_article(
        decode(data, options.encoding, html=kind == "html"), doc_id=PurePath(name).stem,
        origin=name, is_html=kind == "html", options=options), name)]


# ----------------------------------------------------------------------------------- running


def ingest(store: Store, items: Iterable[Article | IngestError]) -> IngestReport:
    """Code and store the articles, fuse them; bad inputs are recorded in the store and reported.

    The loop of ``flashpoint run`` (``run_loop``): articles already stored by the current
    extractor are not re-coded ("unchanged"), and the same text twice in one request is coded
    once and answered alike. The answer lists every input in request order.
    """
    report = IngestReport()
    items = list(items)
    outcome: dict[str, dict[str, Any]] = {}
    failed: dict[str, IngestError] = {}

    def on_step(step: Step) -> None:
        if isinstance(step, Failed):
            if step.article is not None:  # an unread input is answered from ``items`` below
                failed[step.article.id] = step.error
        elif isinstance(step, Saved):
            outcome[step.result.article.id] = {"outcome": step.outcome, "events": len(step.result.events),
                                               "warnings": list(step.result.errors)}
        elif not step.repeated and step.article.id not in outcome:
            stored = store.article(step.article.id) or {}
            outcome[step.article.id] = {"outcome": "unchanged", "events": int(stored.get("n_events") or 0),
                                        "warnings": []}

    with _WRITE_LOCK:
        run_loop(store, items, on_step=on_step)
    for item in items:
        if isinstance(item, IngestError):
            report.errors.append({"origin": item.origin, "reason": item.reason})
        elif item.id in failed:
            report.errors.append({"origin": failed[item.id].origin, "reason": failed[item.id].reason})
        else:
            report.results.append({"id": item.doc_id, "article_id": item.id, **outcome[item.id]})
    return report
