"""Turning files, directories, JSONL streams and stdin into Articles (or IngestErrors).

Why a generator of Article | IngestError rather than exceptions: a batch of ten thousand files must
not stop at the first broken one, and the user needs one actionable line per bad input. Input is
streamed: a JSONL file is read in chunks, a text file is size-checked before it is read.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from flashpoint.ingest.clean import CONTROL_CHARS, clean_text, html_to_text, normalise_line
from flashpoint.ingest.metadata import (
    TextMetadata,
    after_first_line,
    first_line,
    headline,
    normalise_date,
    read_metadata,
    retold_title_end,
    same_headline,
)
from flashpoint.model import Article, IngestError, Span
from flashpoint.settings import get_settings

if TYPE_CHECKING:
    from flashpoint.ingest.fetch import Fetched

TEXT_SUFFIXES = frozenset({".txt", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})

_CHUNK = 1 << 16
_SNIFF = 4096
# A text where more than this share of characters are control characters is binary data that
# happened to decode (e.g. as Latin-1), not an article.
_MAX_CONTROL_SHARE = 0.1
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
# Media types of fetched pages; anything else is sniffed like a file of unknown extension.
_WEB_KINDS = {
    "text/html": "html", "application/xhtml+xml": "html", "text/plain": "text",
    "application/jsonl": "jsonl", "application/x-ndjson": "jsonl", "application/x-jsonlines": "jsonl",
    "application/rss+xml": "feed", "application/atom+xml": "feed",
}
_FEED_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.S)
_HTML_START = re.compile(rb"^\s*<(?:!doctype\s+html|html|head|body|meta|title|article)\b", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


class BadInput(ValueError):
    """One input that cannot become an Article; ``reason`` is the one line shown to the user."""

    def __init__(self, reason: str, origin: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.origin = origin

    def to_error(self, origin: str | None = None) -> IngestError:
        return IngestError(origin or self.origin or "<input>", self.reason)

    @property
    def error(self) -> IngestError:
        return self.to_error()


@dataclass(frozen=True)
class IngestOptions:
    """The CLI flags that shape ingest; validated up front so a typo fails once, not per file."""

    published: str | None = None  # --published: ISO date applied where the item gives none
    source: str | None = None  # --source: outlet applied where the item gives none
    encoding: str = "utf-8"  # --encoding for text/HTML files and JSONL
    max_bytes: int = field(default_factory=lambda: get_settings().max_article_bytes)

    def __post_init__(self) -> None:
        if self.published is not None:
            iso = normalise_date(self.published)
            if iso is None:
                raise ValueError(f"--published {self.published!r} is not a date (use YYYY-MM-DD)")
            object.__setattr__(self, "published", iso)
        if self.source is not None:
            object.__setattr__(self, "source", normalise_line(self.source) or None)
        try:
            codecs.lookup(self.encoding)
        except LookupError:
            raise ValueError(f"--encoding {self.encoding!r} is not a known encoding") from None
        if self.max_bytes <= 0:
            raise ValueError(f"max_bytes must be positive, got {self.max_bytes}")


# ----------------------------------------------------------------------------------- articles


def make_article(
    text: str,
    *,
    doc_id: str | None = None,
    title: str | None = None,
    published: str | None = None,
    source: str | None = None,
    url: str | None = None,
    origin: str | None = None,
    is_html: bool = False,
    options: IngestOptions | None = None,
) -> Article:
    """Clean one text and settle its metadata: explicit fields > options > what the text says.

    Raises BadInput (with a one-line reason) for input that is not an article.
    """
    options = options or IngestOptions()
    _check_text(text, options.max_bytes, origin)
    if is_html:
        text, meta = html_to_text(text)
        if not text.strip():
            raise BadInput("no article text found in HTML", origin)
        title = title or meta.get("title")
        published = published or meta.get("date")
        source = source or meta.get("sitename")
        url = url or meta.get("url")

    cleaned = clean_text(text)
    if not cleaned.text:
        raise BadInput("no article text left after removing boilerplate", origin)
    body = cleaned.text

    given_title = normalise_line(title) if title else None
    if given_title:
        first = first_line(body)
        if first is None or not same_headline(first, given_title):
            body = f"{given_title}\n\n{body}"
        final_title, body_start = given_title, after_first_line(body)
        body_start = retold_title_end(body, body_start, given_title)
    else:
        final_title, body_start = headline(body)

    published_iso = normalise_date(published) if published else None
    published_iso = published_iso or options.published
    source_name = (normalise_line(source) if source else None) or options.source
    stated = read_metadata(body) if not (published_iso and source_name) else TextMetadata()
    evidence: dict[str, Span] = {}
    if not published_iso and stated.published_span:
        published_iso = stated.published
        evidence["published"] = stated.published_span
    if not source_name and stated.source_span:
        source_name = stated.source
        evidence["source"] = stated.source_span

    return Article(
        id=Article.content_id(body),
        text=body,
        doc_id=doc_id,
        title=final_title,
        published=published_iso,
        source=source_name,
        url=url.strip() if url and url.strip() else None,
        origin=origin,
        body_start=body_start,
        removed=cleaned.removed,
        metadata_evidence=evidence,
    )


def _check_text(text: str, max_bytes: int, origin: str | None) -> None:
    if not text or not text.strip():
        raise BadInput("empty: no text, or only whitespace", origin)
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise BadInput(
            f"text is {size:,} bytes, over the {max_bytes:,}-byte limit (max_bytes)", origin
        )
    if "\x00" in text:
        raise BadInput("binary data (contains NUL characters), not an article", origin)
    sample = text[:_CHUNK]
    controls = len(CONTROL_CHARS.findall(sample)) - sample.count("\r") - sample.count("\f")
    if controls > _MAX_CONTROL_SHARE * len(sample):
        raise BadInput("binary data (mostly control characters), not an article", origin)


# ----------------------------------------------------------------------------------- decoding


def decode(data: bytes, encoding: str, *, html: bool = False) -> str:
    """Bytes to text, refusing binary data and wrongly-guessed encodings with a fixable reason."""
    if b"\x00" in data and not codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
        raise BadInput("binary file (contains NUL bytes), not a text article")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        if html:
            declared = _META_CHARSET.search(data[:_SNIFF])
            if declared:
                try:
                    return data.decode(declared.group(1).decode("ascii"))
                except (LookupError, UnicodeDecodeError):
                    pass
        raise BadInput(_decode_reason(err, encoding)) from None


def _decode_reason(err: UnicodeDecodeError, encoding: str) -> str:
    byte = err.object[err.start]
    codec = codecs.lookup(encoding).name
    name = "UTF-8" if codec == "utf-8" else encoding
    hint = (
        "pass --encoding latin-1 if that is its encoding"
        if codec == "utf-8"
        else "pass the right --encoding"
    )
    return f"not valid {name} (byte 0x{byte:02x} at offset {err.start}); {hint}"


# ----------------------------------------------------------------------------------- inputs


def read_inputs(
    paths: Sequence[str],
    options: IngestOptions | None = None,
    stdin: BinaryIO | None = None,
) -> Iterator[Article | IngestError]:
    """Every article from the given paths ("-" or no paths: stdin), lazily, in a stable order.

    Directories are walked recursively in sorted order, skipping hidden entries and files whose
    extension is not an article format; a file named explicitly is read whatever its extension.
    """
    options = options or IngestOptions()
    for raw in paths or ["-"]:
        if raw == "-":
            yield from _read_stream(stdin if stdin is not None else sys.stdin.buffer, options)
        elif _URL.match(raw) and not Path(raw).exists():
            yield from read_url(raw, options)
        else:
            yield from _read_path(Path(raw), options)


def read_url(url: str, options: IngestOptions | None = None, *, title: str | None = None,
             published: str | None = None, source: str | None = None) -> Iterator[Article | IngestError]:
    """The article (or JSONL articles) at an http(s) URL, fetched through the SSRF guard.

    ``title``, ``published`` and ``source`` come from a feed entry when there is one; the page's
    own metadata fills what they leave out. A refused or failed fetch is one IngestError.
    """
    from flashpoint.ingest.fetch import FetchError, fetch

    options = options or IngestOptions()
    try:
        got = fetch(url, max_bytes=options.max_bytes)
    except FetchError as err:
        yield IngestError(url, err.reason)
        return
    yield from read_fetched(got, url, options, title=title, published=published, source=source)


def read_fetched(got: Fetched, origin: str, options: IngestOptions, *, title: str | None = None,
                 published: str | None = None, source: str | None = None) -> Iterator[Article | IngestError]:
    """Articles from a fetched response, read by its media type (or its first bytes)."""
    head = got.body[:_SNIFF]
    kind = _WEB_KINDS.get(got.content_type) or (
        "feed" if _FEED_START.search(head.removeprefix(codecs.BOM_UTF8)) else _kind_of_bytes(head))
    if kind == "feed":
        yield IngestError(origin, "an RSS/Atom feed, not an article: use `flashpoint watch URL`")
        return
    encoding = options.encoding
    if got.charset:
        try:
            encoding = codecs.lookup(got.charset).name
        except LookupError:
            pass  # a server's unknown charset name: fall back to --encoding
    if kind == "jsonl":
        yield from _read_jsonl([got.body], origin, IngestOptions(
            published=options.published, source=options.source, encoding=encoding,
            max_bytes=options.max_bytes))
        return
    yield _article_or_error(
        lambda: make_article(
            decode(got.body, encoding, html=kind == "html"),
            title=title, published=published, source=source, url=got.url, origin=origin,
            is_html=kind == "html", options=options,
        ),
        origin,
    )


def _read_path(path: Path, options: IngestOptions) -> Iterator[Article | IngestError]:
    if path.is_dir():
        yield from _walk(path, options, set())
    elif path.is_symlink() and not path.exists():
        yield IngestError(str(path), "cannot read: broken symbolic link")
    elif not path.exists():
        yield IngestError(str(path), "cannot read: no such file or directory")
    else:
        yield from _read_file(path, _kind(path) or _sniff_kind(path), options)


def _kind(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    return None


def _sniff_kind(path: Path) -> str:
    """For a file named on the command line with an unknown extension: look at its first bytes."""
    try:
        with open(path, "rb") as f:
            head = f.read(_SNIFF)
    except OSError:
        return "text"  # _read_file reports the error
    return _kind_of_bytes(head)


def _kind_of_bytes(head: bytes) -> str:
    body = head.removeprefix(codecs.BOM_UTF8).lstrip()
    if body.startswith(b"{"):
        return "jsonl"
    if _HTML_START.match(body):
        return "html"
    return "text"


def _walk(
    directory: Path, options: IngestOptions, seen: set[str]
) -> Iterator[Article | IngestError]:
    real = os.path.realpath(directory)
    if real in seen:  # a symlink loop would otherwise recurse forever
        return
    seen.add(real)
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as err:
        yield IngestError(str(directory), f"cannot read directory: {err.strerror or err}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        if path.is_dir():
            yield from _walk(path, options, seen)
        elif (kind := _kind(path)) is not None:
            yield from _read_file(path, kind, options)


def _read_file(path: Path, kind: str, options: IngestOptions) -> Iterator[Article | IngestError]:
    origin = str(path)
    try:
        info = path.stat()
    except OSError as err:
        reason = "broken symbolic link" if path.is_symlink() else (err.strerror or str(err))
        yield IngestError(origin, f"cannot read: {reason}")
        return
    if not stat.S_ISREG(info.st_mode):
        yield IngestError(origin, "cannot read: not a regular file")
        return
    if kind == "jsonl":
        yield from _read_jsonl_file(path, options)
        return
    if info.st_size > options.max_bytes:
        yield IngestError(origin, _too_big(info.st_size, options.max_bytes, "file"))
        return
    if info.st_size == 0:
        yield IngestError(origin, "empty file")
        return
    try:
        with open(path, "rb") as f:
            data = f.read(options.max_bytes + 1)
    except OSError as err:
        yield IngestError(origin, f"cannot read: {err.strerror or err}")
        return
    if len(data) > options.max_bytes:  # grew since stat
        yield IngestError(origin, _too_big(len(data), options.max_bytes, "file"))
        return
    yield _article_or_error(
        lambda: make_article(
            decode(data, options.encoding, html=kind == "html"),
            doc_id=path.stem,
            origin=origin,
            is_html=kind == "html",
            options=options,
        ),
        origin,
    )


def _too_big(size: int, limit: int, what: str) -> str:
    return f"{what} is {size:,} bytes, over the {limit:,}-byte limit (max_bytes)"


def _article_or_error(build: Callable[[], Article], origin: str) -> Article | IngestError:
    try:
        return build()
    except BadInput as err:
        return err.to_error(origin)


def _read_jsonl_file(path: Path, options: IngestOptions) -> Iterator[Article | IngestError]:
    try:
        with open(path, "rb") as f:
            yield from _read_jsonl(_chunks(f), str(path), options)
    except OSError as err:  # unreadable, or an I/O error part-way: the lines read so far stand
        yield IngestError(str(path), f"cannot read: {err.strerror or err}")


def _chunks(stream: BinaryIO, head: bytes = b"") -> Iterator[bytes]:
    if head:
        yield head
    while chunk := stream.read(_CHUNK):
        yield chunk


def _read_stream(stream: BinaryIO, options: IngestOptions) -> Iterator[Article | IngestError]:
    """stdin: JSONL if its first non-space byte is "{", HTML if it opens with a tag, else text."""
    head = b""
    while len(head) < _SNIFF and (chunk := stream.read(_SNIFF)):
        head += chunk
        if head.removeprefix(codecs.BOM_UTF8).strip():
            break
    kind = _kind_of_bytes(head)
    if kind == "jsonl":
        yield from _read_jsonl(_chunks(stream, head), "stdin", options)
        return
    data = head + stream.read(max(0, options.max_bytes + 1 - len(head)))
    if len(data) > options.max_bytes:
        yield IngestError(
            "stdin", f"input is over the {options.max_bytes:,}-byte limit (max_bytes)"
        )
        return
    if not data.strip():
        yield IngestError("stdin", "empty input")
        return
    yield _article_or_error(
        lambda: make_article(
            decode(data, options.encoding, html=kind == "html"),
            origin="stdin",
            is_html=kind == "html",
            options=options,
        ),
        "stdin",
    )


# ----------------------------------------------------------------------------------- JSONL


def _lines(chunks: Iterable[bytes], limit: int) -> Iterator[tuple[int, bytes | int]]:
    """(line number, line bytes) per line; (line number, size) for a line over ``limit``.

    An overlong line is skipped as it streams past, so one runaway record cannot exhaust memory.
    """
    buf = bytearray()
    lineno, overflow = 1, 0
    for chunk in chunks:
        buf += chunk
        pos = 0
        while (nl := buf.find(b"\n", pos)) >= 0:
            line = bytes(buf[pos:nl])
            pos = nl + 1
            if overflow or len(line) > limit:
                yield lineno, overflow + len(line)
                overflow = 0
            else:
                yield lineno, line
            lineno += 1
        del buf[:pos]
        if len(buf) > limit:
            overflow += len(buf)
            buf.clear()
    if overflow or len(buf) > limit:
        yield lineno, overflow + len(buf)
    elif buf:
        yield lineno, bytes(buf)


def _read_jsonl(
    chunks: Iterable[bytes], name: str, options: IngestOptions
) -> Iterator[Article | IngestError]:
    for lineno, line in _lines(chunks, options.max_bytes):
        origin = f"{name}:{lineno}"
        if isinstance(line, int):
            yield IngestError(origin, _too_big(line, options.max_bytes, "line"))
            continue
        if lineno == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        if not line.strip():
            continue
        yield _article_or_error(
            lambda line=line, origin=origin: _record(line, origin, options), origin
        )


def _record(line: bytes, origin: str, options: IngestOptions) -> Article:
    text_line = decode(line, options.encoding)
    try:
        obj = json.loads(text_line)
    except json.JSONDecodeError as err:
        raise BadInput(f"malformed JSON: {err.msg} at column {err.colno}") from None
    except (ValueError, RecursionError) as err:  # nesting or number size beyond Python's limits
        raise BadInput(f"malformed JSON: {err}") from None
    if not isinstance(obj, dict):
        raise BadInput(f"expected a JSON object, got {_json_type(obj)}")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise BadInput('no article text: "text" must be a non-empty string')
    return make_article(
        text,
        doc_id=_doc_id(obj.get("id")),
        title=_string(obj, "title"),
        published=_string(obj, "published"),
        source=_string(obj, "source"),
        url=_string(obj, "url"),
        origin=origin,
        options=options,
    )


def _doc_id(value: object) -> str | None:
    """The caller's id: a string, or an integer written as one (JSON has no other kind of key)."""
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return str(value)
    return None


def _string(obj: dict[str, Any], key: str) -> str | None:
    """An optional string field; anything else is ignored rather than failing the record."""
    value = obj.get(key)
    return value if isinstance(value, str) and value.strip() else None


def _json_type(value: object) -> str:
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )
