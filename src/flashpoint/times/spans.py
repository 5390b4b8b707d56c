"""Where the time expressions of a text are: spaCy's DATE/TIME entities, the dates it misses (datelines,
day ranges, abbreviated months) and the phrases the vocabulary finds itself (vague references,
"overnight", reporting periods, "the eve of"), with their edges adjusted.

Why apart from tagging: finding a span and dating it are separate questions; the patterns here decide
only where an expression begins and ends.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from .cleaning import _POSSESSIVE
from .normalization import is_duration
from .vocabulary import _LATEST_WORDS, _PERIODS, _QUARTER_WORDS, _VOCAB, _YEAR_AGO_WORDS, VAGUE_VALUES, _phrases_re

_MONTH_ABBR = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\."
_MONTH_FULL = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_MONTH_BARE = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b"
_WEEKDAY_ABBR = r"(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\b\.?"
_EXTRA_DATES = re.compile(
    r"\b\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})\b"
    rf"|\b(?:{_MONTH_ABBR}|{_MONTH_FULL}|Sept?|Oct|Nov|Dec|Jan|Feb|Aug)\s?\d{{1,2}}(?:st|nd|rd|th)?\b"
    r"(?:,?\s+\d{4}\b)?"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH_ABBR}|{_MONTH_FULL})(?:\s+\d{{4}}\b)?"
    # datelines: "Tue 05 Jul 2016", "12 Jul 2016" (an undotted abbreviation, safe before a year)
    rf"|\b(?:(?:{_WEEKDAY_ABBR}),?\s+)?\d{{1,2}}\s+{_MONTH_BARE}\s+\d{{4}}\b"
    # day ranges in one month: "3 to 5 July", "3-5 July 2016", "March 3-5"
    rf"|\b\d{{1,2}}\s*(?:-|–|to)\s*\d{{1,2}}\s+(?:{_MONTH_ABBR}|{_MONTH_FULL}|{_MONTH_BARE})(?:\s+\d{{4}}\b)?"
    rf"|\b(?:{_MONTH_ABBR}|{_MONTH_FULL})\s?\d{{1,2}}\s*(?:-|–)\s*\d{{1,2}}\b(?:,?\s+\d{{4}}\b)?"
    # a weekday's possessive written without its apostrophe ("Saturdays attack", "during Sundays
    # operation": text whose apostrophes were stripped), not the plural "on Sundays"
    r"|(?<![Oo]n )\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day(?=s\s+(?!and\b|or\b|through\b|to\b)[a-z])"
)
_TRAILING_DIRECTION = frozenset({"after", "before", "later", "earlier", "ago", "afterwards"})


def _spans(doc: Doc, text: str) -> list[tuple[int, int]]:
    """DATE/TIME entities plus the regex dates spaCy misses, overlaps resolved in favour of the longer."""
    spans: list[tuple[int, int]] = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("DATE", "TIME")]
    extra = [(m.start(), m.end()) for m in _EXTRA_DATES.finditer(text)]
    possessive = {s for s, e in extra if text[e : e + 1] == "s"}  # "Saturdays attack": the day, not days
    spans = [(s, e - 1) if s in possessive and text[s:e].endswith("days") else (s, e) for s, e in spans]
    spans += extra
    spans += [(m.start(), m.end()) for m in _LEXICAL.finditer(text)]
    spans = _with_eve(text, spans)
    spans.sort(key=lambda se: (se[0], -(se[1] - se[0])))
    kept: list[tuple[int, int]] = []
    for s, e in spans:
        if kept and s < kept[-1][1]:
            if e - s > kept[-1][1] - kept[-1][0]:
                kept[-1] = (s, e)
            continue
        kept.append((s, e))
    return kept


# what spaCy seldom labels DATE or TIME: vague references, "overnight", reporting periods, "the eve of"
_VAGUE_PHRASES = [k for k in VAGUE_VALUES if k not in _VOCAB["vague_adjectives"]]
_PERIOD_REF_RE = (
    rf"(?:(?:the\s+)?(?:(?P<latest>{_LATEST_WORDS})\s+|(?P<ago>{_YEAR_AGO_WORDS})\s+|(?P<year>\d{{4}})\s+)"
    rf"(?:fiscal\s+)?(?:{_QUARTER_WORDS})"
    r"|the\s+(?:fiscal\s+)?quarter)"
    # "the quarter a year ago": one expression, the quarter a year before
    r"(?P<back>\s+(?:a|one)\s+year\s+(?:ago|earlier|before))?"
    rf"|(?P<whole>{_phrases_re(_PERIODS['whole_year'])})"
)
_PERIOD_REF = re.compile(rf"^(?:{_PERIOD_REF_RE})$", re.I)
_EVE_RE = _phrases_re(_VOCAB["eve"])
# a vague word is no time of its own before what it is relative to ("soon after the raid") or before a length
# ("the past century", "the past three days"), and "the quarter-to-quarter comparison" names no quarter
_NOT_VAGUE_AFTER = (r"(?!\s+(?:after|before|than)\b|\s+(?:\w+\s+)?(?:centur|decade|year|month|week|day|hour|"
                    r"night)|[\s-]+\d)")
_OF_YEAR = r"(?:\s+of\s+(?:\d{4}|(?:last|this|next)\s+year)\b)?"
_LEXICAL = re.compile(
    rf"\b(?:(?:{_phrases_re(_VAGUE_PHRASES)}){_NOT_VAGUE_AFTER}|{_phrases_re(_VOCAB['lexical'])}|{_EVE_RE})\b"
    rf"|\b(?:{_PERIOD_REF_RE})\b(?!-)"
    rf"|\bthe\s+(?:{_YEAR_AGO_WORDS})\s+(?:fiscal\s+)?(?:first|second|third|fourth)[\s-]+quarter\b"
    rf"|\b(?:{_phrases_re(list(_VOCAB['vague_adjectives']))})(?=\s+[a-z])"
    # quarters and halves spaCy leaves out ("this quarter", "a flat second quarter", "the first half of 1997"),
    # not a half of something else ("the first half of the decade")
    r"|\b(?:this|next|the\s+next|the\s+coming)\s+(?:fiscal\s+)?quarter\b(?!-)"
    rf"|\b(?:fiscal\s+)?(?:first|second|third|fourth)[\s-]+quarter\b{_OF_YEAR}"
    rf"|\b(?:the\s+)?(?:first|second)\s+half\b{_OF_YEAR}(?!\s+of\b)",
    re.I,
)
_EVE = re.compile(rf"^(?:{_EVE_RE})$", re.I)
_DEADLINE = re.compile(rf"\b(?:{_phrases_re(_VOCAB['deadline_prepositions'])})\s+$", re.I)


def _with_eve(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """ "on the eve of" joined to the date right after it ("on the eve of May 1"): one expression."""
    eves = [(s, e) for s, e in spans if _EVE.match(text[s:e])]
    for s, e in eves:
        nxt = next(((a, b) for a, b in spans if e < a <= e + 1), None)
        if nxt is not None:
            spans.remove((s, e))
            spans.remove(nxt)
            spans.append((s, nxt[1]))
    return spans


def _extend(text: str, start: int, end: int) -> int:
    """Take in a direction word after a length of time: "A few days" + "after" is event-relative.

    Only lengths extend: in "on Tuesday after talks failed" the "after" opens a clause.
    """
    m = re.match(r"\s+(\w+)", text[end : end + 20])
    if m and m[1].lower() in _TRAILING_DIRECTION and is_duration(text[start:end]):
        return end + m.end()
    return end


_LEAD = re.compile(r"(?:on|in|at|during|over|since|from|by|until)\s+", re.I)
_LEFT_RELATIVE = re.compile(r"\b(?:this|last|next|past|coming)\s+$", re.I)
_BARE_UNITS = frozenset({"year", "week", "month", "weekend", "summer", "winter", "spring", "autumn", "fall"})


def _extend_left(text: str, start: int, end: int) -> int:
    """ "this year's election": spaCy sometimes labels only "year"; take in the word that places it."""
    if _POSSESSIVE.sub("", text[start:end]).lower() in _BARE_UNITS:
        m = _LEFT_RELATIVE.search(text[max(0, start - 12) : start])
        if m:
            return start - (len(text[max(0, start - 12) : start]) - m.start())
    return start


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading preposition and a trailing possessive from the evidence span."""
    lead = _LEAD.match(text, start, end)
    if lead:
        start = lead.end()
    if end - start > 2 and text[end - 2 : end] in ("'s", "’s"):
        end -= 2
    return start, end
