"""Boilerplate removal and text normalisation, for plain text and (via trafilatura) HTML.

Why here, before anything else: every later stage reports character offsets into the cleaned text,
so the cleaning must happen once, up front, and be deterministic. It works on whole lines only and
never rewrites words (no quote or apostrophe folding), so a span sliced from the cleaned text still
reads as the outlet printed it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from typing import Any

from flashpoint.datafiles import read_yaml
from flashpoint.ingest.tag_rows import TagRows, cut_tag_rows
from flashpoint.settings import DATA_DIR

BOILERPLATE_FILE = DATA_DIR / "boilerplate.yaml"

# Invisible characters that split words for a regex but not for a reader (zero-width space/joiners,
# bidi marks and embeddings/isolates, word joiner, BOM, soft hyphen).
_INVISIBLE = dict.fromkeys(
    [*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2060, 0xFEFF, 0x00AD]
)
# Line breaks that are not "\n": without this a Windows file or a Unicode paragraph separator would
# hide line-based boilerplate inside one long line.
_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# Non-breaking and typographic spaces become a plain space: whitespace, not words, so evidence
# still matches, and later regexes written with " " see the words as separated.
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_BLANK_RUNS = re.compile(r"\n{3,}")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_BLOCK_TAGS = (
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "blockquote", "pre", "header", "footer", "figure", "table",
)  # fmt: skip
# Control characters (Unicode category Cc) other than tab and newline.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# A surrogate code point: valid UTF-16 pairs never reach a Python string as two, so any found is a
# lone one, from a JSON escape ("\udc80") or a file name that is not UTF-8.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def replace_surrogates(value: str) -> str:
    """``value`` with each lone surrogate replaced by U+FFFD (the replacement character).

    Why at ingest, before anything else sees the string: a surrogate cannot be encoded as UTF-8,
    so the store, a hash or a JSON writer later fails on it, taking a batch with it. One code
    point becomes one code point, so offsets into the text are the same either way.
    """
    return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value


@cache
def boilerplate_data() -> dict[str, Any]:
    """The parsed boilerplate.yaml, read once per process (it is shared by clean and metadata)."""
    return read_yaml(BOILERPLATE_FILE)


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str
    max_chars: int
    regex: re.Pattern[str]


def _scoped(pattern: str) -> str:
    """The pattern made safe inside an alternation: a leading "(?i)" becomes a scoped "(?i:...)"."""
    if pattern.startswith("(?i)"):
        return f"(?i:{pattern[4:]})"
    return f"(?:{pattern})"


def _anchored(pattern: str) -> bool:
    return pattern.removeprefix("(?i)").startswith("^")


@dataclass(frozen=True, slots=True)
class _Rules:
    groups: tuple[_Rule, ...]
    # All groups at once, as a fast first test: most lines are article text and fail here. Patterns
    # anchored at the line start are tried only there; re would otherwise try each at every offset.
    at_start: re.Pattern[str]
    anywhere: re.Pattern[str]
    longest: int  # no group looks at a line longer than this


@cache
def _rules() -> _Rules:
    specs = boilerplate_data()["boilerplate"]
    groups = tuple(
        _Rule(
            name=group["name"],
            max_chars=int(group.get("max_chars", 10_000)),
            regex=re.compile("|".join(_scoped(p) for p in group["patterns"])),
        )
        for group in specs
    )
    patterns = [p for group in specs for p in group["patterns"]]
    return _Rules(
        groups=groups,
        at_start=re.compile("|".join(_scoped(p) for p in patterns if _anchored(p)) or "(?!)"),
        anywhere=re.compile("|".join(_scoped(p) for p in patterns if not _anchored(p)) or "(?!)"),
        longest=max(g.max_chars for g in groups),
    )


@dataclass(slots=True)
class Cleaned:
    text: str
    removed: list[str] = field(default_factory=list)


def normalise(text: str) -> str:
    """Unicode and whitespace normalisation that keeps every word as written.

    NFC (so "é" typed two ways is one string), invisible characters dropped, exotic spaces and
    line breaks made plain, control characters other than tab and newline dropped.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_INVISIBLE)
    text = _LINE_BREAKS.sub("\n", text)
    text = _SPACES.sub(" ", text)
    return CONTROL_CHARS.sub("", text)


def boilerplate_rule(line: str) -> str | None:
    """The name of the boilerplate group a (stripped) line belongs to, or None for article text."""
    rules = _rules()
    if len(line) > rules.longest or not (rules.at_start.match(line) or rules.anywhere.search(line)):
        return None
    for rule in rules.groups:
        if len(line) <= rule.max_chars and rule.regex.search(line):
            return rule.name
    return None


@cache
def _tag_rows() -> TagRows:
    return TagRows.from_spec(boilerplate_data()["tag_rows"])


def _has_words(line: str) -> bool:
    return any(c.isalnum() for c in line)


def clean_text(text: str) -> Cleaned:
    """Normalise the text and drop boilerplate lines and tag rows, listing what was dropped.

    Lines with no letter or digit ("* * *", "|", a lone bullet) carry nothing and go too; blank-line
    runs collapse to one blank line so paragraphs stay visible.
    """
    kept: list[str] = []
    removed: list[str] = []
    for raw_line in normalise(text).split("\n"):
        line = raw_line.rstrip()
        stripped = line.strip()
        if not stripped:
            kept.append("")
        elif not _has_words(stripped) or boilerplate_rule(stripped):
            removed.append(stripped)
        else:
            line, rows = cut_tag_rows(line, _tag_rows())
            removed.extend(rows)
            if line.strip():
                kept.append(line)
    cleaned = _BLANK_RUNS.sub("\n\n", "\n".join(kept)).strip()
    return Cleaned(cleaned, removed)


def html_to_text(html: str) -> tuple[str, dict[str, str]]:
    """Article text and page metadata (title, date, sitename, url) from HTML; "" if it has none.

    trafilatura is the HTML boilerplate remover: it drops navigation, scripts and comments and reads
    the page's metadata. It gives up on short or odd pages, where the visible text, one block
    element per line, is still better than nothing.
    """
    meta: dict[str, str] = {}
    try:
        from trafilatura import bare_extraction

        doc = bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=False
        )
    except Exception:  # noqa: BLE001 - hostile markup must cost this page, never the batch
        doc = None
    if doc is not None:
        for key in ("title", "date", "sitename", "url"):
            value = getattr(doc, key, None)
            if isinstance(value, str) and value.strip():
                meta[key] = value.strip()
        if not re.match(r"https?://", meta.get("url", ""), re.I):
            meta.pop("url", None)  # javascript:, data: and relative URLs are no address
        text = getattr(doc, "text", None) or ""
        if text.strip():
            return text, meta
    text, page_title = _visible_text(html)
    if not text.strip():
        text, page_title = _streamed_text(html)
    if page_title and "title" not in meta:
        meta["title"] = page_title
    return text, meta


class _TextCollector(HTMLParser):
    """Visible text by streaming the tags: no tree, so no depth limit for pathological nesting."""

    _SKIP = {"script", "style", "noscript", "template", "head"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self._SKIP:
            self._skip += 1
        if tag == "title":
            self._in_title = True
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skip:
            self._skip -= 1
        if tag == "title":
            self._in_title = False
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        elif not self._skip:
            self.parts.append(data)


def _streamed_text(html: str) -> tuple[str, str | None]:
    collector = _TextCollector()
    try:
        collector.feed(html)
        collector.close()
    except Exception:  # noqa: BLE001 - a page the stream parser cannot read has no text for us
        return "", None
    text = re.sub(r"[ \t]*\n[\s]*", "\n", "".join(collector.parts))
    title = " ".join("".join(collector.title).split()) or None
    return text.strip(), title


def _visible_text(html: str) -> tuple[str, str | None]:
    """The visible text of a page, one block element per line, without scripts or styles."""
    from lxml import etree, html as lxml_html

    html = _XML_DECLARATION.sub("", html, count=1)  # lxml refuses str input that declares one
    try:
        tree = lxml_html.fromstring(html)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return "", None
    title_el = tree.find(".//title")
    title = title_el.text_content().strip() if title_el is not None else None
    etree.strip_elements(tree, "script", "style", "noscript", "template", "head", etree.Comment,
                         with_tail=False)  # fmt: skip
    for el in tree.iter(*_BLOCK_TAGS):
        el.tail = "\n" + (el.tail or "")
    return tree.text_content(), title or None


def normalise_line(value: str) -> str:
    """A single-line field (title, outlet): normalised like the text, inner whitespace collapsed."""
    return " ".join(normalise(value).split())
