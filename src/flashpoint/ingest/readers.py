"""Turning files, directories, JSONL streams and stdin into Articles (or IngestErrors).

Why a generator of Article | IngestError rather than exceptions: a batch of ten thousand files must
not stop at the first broken one, and the user needs one actionable line per bad input. Input is
streamed: a JSONL file is read in chunks, a text file is size-checked before it is read.
"""

from __future__ import annotations

import codecs
import dataclasses
import functools
import io
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from flashpoint.ingest.clean import CONTROL_CHARS, clean_text, html_to_text, normalise_line, replace_surrogates
from flashpoint.ingest.metadata import (
    TextMetadata,
    after_first_line,
    first_line,
    headline,
    normalise_date,
    read_metadata,
    retold_title_end,
    same_headline,
    set_dateline_apart,
    without_site_name,
)
from flashpoint.ingest.paths import not_regular_reason, os_error_reason, walk_folder
from flashpoint.model import Article, IngestError, Span
from flashpoint.settings import get_settings

if TYPE_CHECKING:
    from flashpoint.ingest.fetch import Fetched

TEXT_SUFFIXES = frozenset({".txt", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES

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
# Byte order marks of the wide encodings, UTF-32 first (its little-endian mark begins with
# UTF-16's). A mark says the encoding outright, so it wins over --encoding; the codec drops it.
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


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


@dataclass
class IngestNotes:
    """Warnings about input that is kept, but not quite as given, in one batch (``read_inputs``).

    Why warnings and not errors: the article is sound and is stored; still the user must learn
    that a field was dropped or an id given to two different texts, as nothing in the store says so.
    """

    warn: Callable[[str], None]  # one line each; the CLI prints them on stderr
    _ids: dict[str, tuple[str, str]] = field(default_factory=dict)  # caller's id -> (article id, origin)

    def say(self, line: str) -> None:
        self.warn(replace_surrogates(line))

    def bad_date(self, origin: str, value: object) -> None:
        self.say(f"{origin}: invalid published date {value!r}; "
                 "the date is taken from --published or the text instead")

    def given_id(self, article: Article) -> None:
        """Remember the caller's id of ``article``; the same id on a different text is told
        (both articles are kept: the store keys articles by their text, not by the caller's id)."""
        if article.doc_id is None:
            return
        origin = article.origin or article.id
        first_id, first_origin = self._ids.setdefault(article.doc_id, (article.id, origin))
        if first_id != article.id:
            self.say(f"duplicate id {article.doc_id!r}: {origin} and {first_origin} are different "
                     "articles; both are kept")


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
    text = replace_surrogates(text)
    doc_id, title, published, source, url, origin = (
        None if value is None else replace_surrogates(value)
        for value in (doc_id, title, published, source, url, origin)
    )
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

    given_title = without_site_name(normalise_line(title)) if title else None
    final_title: str | None
    if given_title:
        first = first_line(body)
        if first is None or not same_headline(first, given_title):
            body = f"{given_title}\n\n{body}"
        final_title, body_start = given_title, after_first_line(body)
        body_start = retold_title_end(body, body_start, given_title)
    else:
        final_title, body_start = headline(body)
    body = set_dateline_apart(body, body_start)

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
    """Bytes to text, refusing binary data and wrongly-guessed encodings with a fixable reason.

    A UTF-16 or UTF-32 byte order mark names the encoding, whatever ``encoding`` says.
    """
    wide = _wide_encoding(data)
    if wide is not None:
        encoding = wide
    elif b"\x00" in data and not codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
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


def _wide_encoding(data: bytes) -> str | None:
    """"utf-16" or "utf-32" when ``data`` opens with that encoding's byte order mark."""
    return next((name for bom, name in _WIDE_BOMS if data.startswith(bom)), None)


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
    warn: Callable[[str], None] | None = None,
) -> Iterator[Article | IngestError]:
    """Every article from the given paths ("-" or no paths: stdin), lazily, in a stable order.

    Directories are walked recursively in sorted order, skipping hidden entries, files whose
    extension is not an article format and symlinks that lead out of the directory (recorded);
    a file named explicitly is read whatever its extension, if it is a regular file. ``warn``
    hears of input that is kept but not as given (a bad date, an id given twice), one line each.
    """
    options = options or IngestOptions()
    notes = IngestNotes(warn) if warn is not None else None
    for raw in paths or ["-"]:
        if raw == "-":
            items = _read_stream(stdin if stdin is not None else sys.stdin.buffer, options, notes)
        elif _URL.match(raw) and not Path(raw).exists():
            items = read_url(raw, options, notes=notes)
        else:
            items = _read_path(Path(raw), options, notes)
        for item in items:
            if isinstance(item, IngestError):  # a path that is not UTF-8 has lone surrogates
                item = IngestError(replace_surrogates(item.origin), replace_surrogates(item.reason))
            yield item


def read_url(url: str, options: IngestOptions | None = None, *, title: str | None = None,
             published: str | None = None, source: str | None = None,
             notes: IngestNotes | None = None) -> Iterator[Article | IngestError]:
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
    yield from read_fetched(got, url, options, title=title, published=published, source=source, notes=notes)


def read_fetched(got: Fetched, origin: str, options: IngestOptions, *, title: str | None = None,
                 published: str | None = None, source: str | None = None,
                 notes: IngestNotes | None = None) -> Iterator[Article | IngestError]:
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
        yield from _read_jsonl([got.body], origin, dataclasses.replace(options, encoding=encoding), notes)
        return
    yield _article_or_error(
        lambda: make_article(
            decode(got.body, encoding, html=kind == "html"),
            title=title, published=published, source=source, url=got.url, origin=origin,
            is_html=kind == "html", options=options,
        ),
        origin,
    )


def _read_path(path: Path, options: IngestOptions, notes: IngestNotes | None) -> Iterator[Article | IngestError]:
    """A path named by the user: a folder is walked; a file is read whatever its extension, and
    a FIFO, socket or device is refused from its type, unopened (opening a FIFO blocks)."""
    try:
        info = os.stat(path)
    except OSError as err:
        yield IngestError(str(path), os_error_reason(path, err))
        return
    if stat.S_ISDIR(info.st_mode):
        for found in walk_folder(path, ARTICLE_SUFFIXES):
            if isinstance(found, IngestError):
                yield found
            else:
                yield from _read_file(found, _kind(found) or "text", options, notes)
    elif not stat.S_ISREG(info.st_mode):
        yield IngestError(str(path), not_regular_reason(info.st_mode))
    else:
        yield from _read_file(path, _kind(path) or _sniff_kind(path), options, notes)


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
        with _open_regular(path) as f:
            head = f.read(_SNIFF)
    except (OSError, BadInput):
        return "text"  # _read_file reports the error
    return _kind_of_bytes(head)


def _kind_of_bytes(head: bytes) -> str:
    wide = _wide_encoding(head)
    if wide is not None:
        head = head.decode(wide, "ignore").encode("utf-8")
    body = head.removeprefix(codecs.BOM_UTF8).lstrip()
    if body.startswith(b"{"):
        return "jsonl"
    if _HTML_START.match(body):
        return "html"
    return "text"


def _open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading, if it is a regular file (BadInput if not).

    Opened without blocking and checked on the open file: a FIFO swapped in after the type check
    can neither hang the open nor be read."""
    f = open(path, "rb", opener=_without_waiting)  # noqa: SIM115 - returned open, closed by the caller
    try:
        mode = os.fstat(f.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise BadInput(not_regular_reason(mode))
        os.set_blocking(f.fileno(), True)
    except BaseException:
        f.close()
        raise
    return f


def _without_waiting(name: str, flags: int) -> int:
    return os.open(name, flags | getattr(os, "O_NONBLOCK", 0))


def _read_file(path: Path, kind: str, options: IngestOptions,
               notes: IngestNotes | None = None) -> Iterator[Article | IngestError]:
    origin = str(path)
    try:
        info = path.stat()
    except OSError as err:
        yield IngestError(origin, os_error_reason(path, err))
        return
    if not stat.S_ISREG(info.st_mode):
        yield IngestError(origin, not_regular_reason(info.st_mode))
        return
    if kind == "jsonl":
        yield from _read_jsonl_file(path, options, notes)
        return
    if info.st_size > options.max_bytes:
        yield IngestError(origin, _too_big(info.st_size, options.max_bytes, "file"))
        return
    if info.st_size == 0:
        yield IngestError(origin, "empty file")
        return
    try:
        with _open_regular(path) as f:
            data = f.read(options.max_bytes + 1)
    except BadInput as err:
        yield IngestError(origin, err.reason)
        return
    except OSError as err:
        yield IngestError(origin, os_error_reason(path, err))
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


def _read_jsonl_file(path: Path, options: IngestOptions,
                     notes: IngestNotes | None) -> Iterator[Article | IngestError]:
    try:
        with _open_regular(path) as f:
            yield from _read_jsonl(_chunks(f), str(path), options, notes)
    except BadInput as err:
        yield IngestError(str(path), err.reason)
    except OSError as err:  # unreadable, or an I/O error part-way: the lines read so far stand
        yield IngestError(str(path), os_error_reason(path, err))


def _chunks(stream: BinaryIO, head: bytes = b"") -> Iterator[bytes]:
    if head:
        yield head
    while chunk := stream.read(_CHUNK):
        yield chunk


class _ReadOnce:
    """A stream that is never read again once it has said end of input.

    Why: on a terminal, end of input is one Ctrl-D, and every read after it waits for another.
    Sniffing stdin's kind reads a first chunk; a buffered read that came back short has already
    met the end (buffered streams read on until they have the size asked for or the input ends),
    so reading on after it would make the user press Ctrl-D twice."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._buffered = isinstance(stream, io.BufferedIOBase)
        self.ended = False

    def read(self, size: int = -1) -> bytes:
        if self.ended:
            return b""
        data = self._stream.read(size)
        if not data or size < 0 or (self._buffered and len(data) < size):
            self.ended = True
        return data


def _read_stream(stream: BinaryIO, options: IngestOptions,
                 notes: IngestNotes | None = None) -> Iterator[Article | IngestError]:
    """stdin: JSONL if its first non-space byte is "{", HTML if it opens with a tag, else text."""
    stream = _ReadOnce(stream)  # type: ignore[assignment]
    head = b""
    while len(head) < _SNIFF and (chunk := stream.read(_SNIFF)):
        head += chunk
        if head.removeprefix(codecs.BOM_UTF8).strip():
            break
    kind = _kind_of_bytes(head)
    if kind == "jsonl":
        yield from _read_jsonl(_chunks(stream, head), "stdin", options, notes)
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


def _as_utf8(chunks: Iterable[bytes], options: IngestOptions) -> tuple[Iterable[bytes], IngestOptions]:
    """A stream that opens with a UTF-16/32 byte order mark, re-encoded to UTF-8 as it streams
    (JSONL lines are split at b"\\n", which a wide encoding spells otherwise); others as they are."""
    stream = iter(chunks)
    first = next(stream, b"")
    wide = _wide_encoding(first)
    if wide is None:
        return chain([first], stream), options
    decoder = codecs.getincrementaldecoder(wide)("replace")

    def utf8() -> Iterator[bytes]:
        for chunk in chain([first], stream):
            yield decoder.decode(chunk).encode("utf-8", "surrogatepass")
        yield decoder.decode(b"", final=True).encode("utf-8", "surrogatepass")

    return utf8(), dataclasses.replace(options, encoding="utf-8")


def read_jsonl_bytes(data: bytes, name: str, options: IngestOptions) -> Iterator[Article | IngestError]:
    """The articles of JSONL already in memory (an uploaded ``.jsonl`` file), read as JSONL
    whatever its first line holds: a damaged first line costs that line, not the file (sniffing,
    as stdin needs, would read a file that opens with a broken record as one over-long text)."""
    yield from _read_jsonl(_chunks(io.BytesIO(data)), name, options)


def _read_jsonl(
    chunks: Iterable[bytes], name: str, options: IngestOptions, notes: IngestNotes | None = None
) -> Iterator[Article | IngestError]:
    chunks, options = _as_utf8(chunks, options)
    for lineno, line in _lines(chunks, options.max_bytes):
        origin = f"{name}:{lineno}"
        if isinstance(line, int):
            yield IngestError(origin, _too_big(line, options.max_bytes, "line"))
            continue
        if lineno == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        if not line.strip():
            continue
        item = _article_or_error(functools.partial(_record, line, origin, options, notes), origin)
        if notes is not None and isinstance(item, Article):
            notes.given_id(item)
        yield item


def _record(line: bytes, origin: str, options: IngestOptions, notes: IngestNotes | None = None) -> Article:
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
    published = _string(obj, "published")
    given = obj.get("published")
    if notes is not None and given is not None and not (isinstance(given, str) and not given.strip()) \
            and (published is None or normalise_date(published) is None):
        notes.bad_date(origin, given)  # kept: a bad date costs the date, not the article
    return make_article(
        text,
        doc_id=_doc_id(obj.get("id")),
        title=_string(obj, "title"),
        published=published,
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
