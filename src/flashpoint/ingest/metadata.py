"""Title, outlet and publication date, read from the cleaned text when nobody supplied them.

Why it matters: the publication date anchors every relative time expression later ("on Sunday"),
and the outlet is the source of every event. Values read from the text come with the span they were
read from, so a user can check them; the patterns themselves live in boilerplate.yaml.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from flashpoint.ingest.clean import boilerplate_data
from flashpoint.model import Span

# A first line longer than this is a paragraph, not a headline (FA-KES stores whole articles as one
# line); such a text has no headline and its body starts at 0.
MAX_HEADLINE_CHARS = 300
MAX_HEADLINE_WORDS = 40


@dataclass(frozen=True, slots=True)
class _DateGrammar:
    months: dict[str, int]
    formats: tuple[re.Pattern[str], ...]
    any_date: str  # the formats without group names, for embedding in line patterns
    weekday: str
    leading_weekday: re.Pattern[str]
    pivot: int


@cache
def _dates() -> _DateGrammar:
    spec = boilerplate_data()["dates"]
    months = {str(k).lower(): int(v) for k, v in spec["months"].items()}
    month_alt = "(?i:" + "|".join(sorted(months, key=len, reverse=True)) + ")"
    raw = [f.replace("{month}", month_alt) for f in spec["formats"]]
    suffix = spec["time_suffix"]
    unnamed = "|".join(re.sub(r"\(\?P<\w+>", "(?:", f) for f in raw)
    return _DateGrammar(
        months=months,
        formats=tuple(re.compile(f"(?:{f}){suffix}") for f in raw),
        any_date=f"(?:{unnamed})",
        weekday=spec["weekday"],
        leading_weekday=re.compile(rf"^(?i:{spec['weekday']}),?\s+"),
        pivot=int(spec["two_digit_year_pivot"]),
    )


def normalise_date(value: str) -> str | None:
    """An ISO "YYYY-MM-DD" for a date written any way boilerplate.yaml knows, or None.

    None rather than an exception: a bad date from a feed should cost the date, not the article.
    """
    grammar = _dates()
    value = " ".join(value.split())
    value = grammar.leading_weekday.sub("", value, count=1)
    for fmt in grammar.formats:
        m = fmt.fullmatch(value)
        if not m:
            continue
        parts = m.groupdict()
        year = int(parts["y"])
        if len(parts["y"]) == 2:
            year += 2000 if year < grammar.pivot else 1900
        month = int(parts["m"]) if parts.get("m") else grammar.months[parts["mon"].lower()]
        try:
            return dt.date(year, month, int(parts["d"])).isoformat()
        except ValueError:
            return None
    return None


@dataclass(frozen=True, slots=True)
class _LinePattern:
    name: str
    regex: re.Pattern[str]


@cache
def _line_patterns() -> tuple[tuple[_LinePattern, ...], int, int]:
    spec = boilerplate_data()["metadata"]
    grammar = _dates()
    fill = {
        "{date}": grammar.any_date,
        "{weekday}": grammar.weekday,
        "{outlet}": spec["outlet"],
        "{person}": spec["person"],
    }
    patterns = []
    for item in spec["patterns"]:
        source = item["pattern"]
        for key, sub in fill.items():
            source = source.replace(key, sub)
        patterns.append(_LinePattern(item["name"], re.compile(source, re.MULTILINE)))
    return tuple(patterns), int(spec["head_lines"]), int(spec["head_chars"])


def _head(text: str, lines: int, chars: int) -> str:
    """The top of the text, where datelines and bylines live; further down, dates are of events."""
    end, seen = 0, 0
    for m in re.finditer(r"\S[^\n]*", text):
        end, seen = m.end(), seen + 1
        if seen >= lines or end >= chars:
            break
    return text[: min(end, chars)]


@dataclass(frozen=True, slots=True)
class TextMetadata:
    published: str | None = None
    published_span: Span | None = None
    source: str | None = None
    source_span: Span | None = None


def read_metadata(text: str) -> TextMetadata:
    """The outlet and publication date stated in the first lines of the cleaned text, with spans.

    Each field goes to the first pattern (in file order) that yields a usable value, so a
    "from OUTLET, DATE" line beats a bare posting date that appears above it.
    """
    patterns, head_lines, head_chars = _line_patterns()
    head = _head(text, head_lines, head_chars)
    found: dict[str, tuple[str, Span]] = {}
    for pattern in patterns:
        for m in pattern.regex.finditer(head):
            groups = m.groupdict()
            if "published" not in found and groups.get("published"):
                iso = normalise_date(groups["published"])
                if iso:
                    found["published"] = (iso, _span(text, m, "published"))
            if "source" not in found and groups.get("source"):
                found["source"] = (groups["source"], _span(text, m, "source"))
            if len(found) == 2:
                break
    published, source = found.get("published"), found.get("source")
    return TextMetadata(
        published=published[0] if published else None,
        published_span=published[1] if published else None,
        source=source[0] if source else None,
        source_span=source[1] if source else None,
    )


def _span(text: str, m: re.Match[str], group: str) -> Span:
    start, end = m.span(group)
    return Span(start, end, text[start:end])


_TITLE_PARTS = re.compile(r"\s+[|–—-]\s+")


def without_site_name(title: str) -> str:
    """The headline without the site's name a page title ends with ("... in besieged enclave | Jordan
    Times", "... NGO - Region - World - Ahram Online").

    Why: the name is the outlet, not a party to the event, yet read in the headline it became an actor
    ("Jordan Times" as the shelling's target). Cut only when the last part is an outlet that
    ``data/outlets.yaml`` knows, with the one-word section names before it ("Region", "World")."""
    from flashpoint.export.outlets import outlet  # the one table of outlet names

    parts = _TITLE_PARTS.split(title)
    if len(parts) < 2 or outlet(parts[-1]) is None:
        return title
    keep = len(parts) - 1
    while keep > 1 and len(parts[keep - 1].split()) == 1 and parts[keep - 1][:1].isupper():
        keep -= 1
    cut = 0
    for m in _TITLE_PARTS.finditer(title):
        cut += 1
        if cut == keep:
            return title[: m.start()].rstrip()
    return title


def first_line(text: str) -> str | None:
    """The first non-empty line, without surrounding whitespace."""
    m = re.search(r"\S[^\n]*", text)
    return m.group().rstrip() if m else None


def headline(text: str) -> tuple[str | None, int]:
    """The first non-empty line as the headline, and where the body after it starts.

    A text of a single line, or one whose first line is paragraph-sized, has no headline: calling
    a whole paragraph the title would hide it from the body.
    """
    line = first_line(text)
    body_start = after_first_line(text)
    if (
        line is None
        or body_start >= len(text)
        or len(line) > MAX_HEADLINE_CHARS
        or len(line.split()) > MAX_HEADLINE_WORDS
    ):
        return None, 0
    return line, body_start


def same_headline(a: str, b: str) -> bool:
    """Whether a supplied title is the text's first line already (so it need not be prepended)."""

    def key(s: str) -> str:
        return " ".join(s.split()).casefold().rstrip(" .:;-–—|")

    return key(a) == key(b)


# How far into the body a retold headline may start: room for a dateline ("Tue 05 Jul 2016",
# "AP Thursday 1 Aug 2013", "Published October 10 2014") before it, not for a paragraph.
RETOLD_TITLE_REACH = 80


def retold_title_end(text: str, start: int, title: str) -> int:
    """Where the body really starts when it opens by retelling its headline (web pages flattened to
    one line often repeat it after a dateline: "Tue 05 Jul 2016 Suicide bombing kills 16 in Syria. A
    suicide bomb blast ..."); ``start`` when it does not. The retold headline is part of the headline:
    coding it again would tell the lead's event twice."""
    words = title.split()
    if len(words) < 3:
        return start
    pattern = r"\s+".join(re.escape(w) for w in words)
    m = re.compile(pattern, re.I).search(text, start, start + RETOLD_TITLE_REACH + len(title) + 20)
    if m is None or m.start() - start > RETOLD_TITLE_REACH or "\n" in text[start : m.start()]:
        return start
    tail = re.match(r"[\s.:;|–—-]*", text[m.end():])
    return m.end() + (tail.end() if tail else 0)


@cache
def _dateline_break() -> re.Pattern[str]:
    grammar = _dates()
    source = boilerplate_data()["metadata"]["dateline_break"]
    return re.compile(source.replace("{date}", grammar.any_date).replace("{weekday}", grammar.weekday))


def _to_line_break(text: str, at: int) -> str:
    return text[:at] + "\n" + text[at + 1:] if 0 < at < len(text) and text[at] == " " else text


def set_dateline_apart(text: str, body_start: int) -> str:
    """The text with the dateline that opens the body ("Date of publication 11 September 2016",
    "AFP Tuesday 23 Sep 2014") on a line of its own, and the retold headline before it too.

    Why: a page flattened to one line runs headline, dateline and lead into one "sentence", and the
    parser reads "Date" or the headline's words as the lead's subject. The space on each side becomes
    a line break (one character for one, so no offset moves); a line break ends a sentence
    (``nlp.line_breaks``)."""
    m = _dateline_break().match(text, body_start)
    if m is None:
        return text
    line_start = text.rfind("\n", 0, body_start) + 1
    if text[line_start:body_start].strip():
        text = _to_line_break(text, body_start - 1)  # the retold headline before it
    return _to_line_break(text, m.end())


def after_first_line(text: str) -> int:
    """Offset of the first non-space character after the first non-empty line, or len(text)."""
    m = re.search(r"\S[^\n]*\s*", text)
    return m.end() if m else len(text)
