"""``tag_times``: every time mention of an article with its normalised date, in text order.

Why the tagger decides more than ``normalize``: a span's neighbours say what it is (a name or a generic
use, a discourse "Now,", a length after "for"), the verb it belongs to gives its tense, and a span that is
no date as a whole may hold dates inside it.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from ..model import Article, TimeMention
from ..nlp import doc_text
from .anchoring import _anchor_to_text
from .cleaning import _POSSESSIVE, _clean
from .normalization import _EVENT_RELATIVE, _normalize_cached, is_duration
from .spans import _DEADLINE, _EVE, _PERIOD_REF, _extend, _extend_left, _spans, _trim
from .values import Date, _parse_iso, is_vague_value
from .vocabulary import _VAGUE, _VOCAB, MONTHS, VAGUE_VALUES, WEEKDAYS, _phrases_re


def _published_date(article: Article) -> Date | None:
    return _parse_iso(article.published)


def tag_times(doc: Doc, article: Article, *, vague: bool = True) -> list[TimeMention]:
    """Time mentions with their normalised dates, in text order.

    Durations, ages and rates are left out; vague words ("now", "recently") come with TimeML's REF values
    and no precision unless ``vague`` is False. Expressions relative to another event ("the same
    week") are kept with value None and anchor None, for the event stage to resolve with
    ``resolve_relative``; expressions relative to publication in an undated article are kept with value
    None and anchor "published". An entity that is no date as a whole is searched for the dates inside it
    ("Sept. 14 to Thursday", "the year ended Sept. 30", "between 1985 and 1987"). The tense of the verb a
    date belongs to picks between the last and the next weekday, month-day or month ("will meet Monday").
    """
    published = _published_date(article)
    text = doc_text(doc)
    out: list[TimeMention] = []
    for start, end in _spans(doc, text):
        end = _extend(text, start, end)
        start = _extend_left(text, start, end)
        start, end = _trim(text, start, end)
        if start >= end or _is_name_or_generic(text, start, end):
            continue
        direction = _direction(doc, start, end)
        if direction is None and _DEADLINE.search(text, max(0, start - 12), start):
            direction = "future"  # "repay the loan by February": the coming one
        if direction is None and _BARE_WEEKDAY.fullmatch(text, start, end) and _scheduled_present(doc, start, end):
            direction = "future"  # "the ministers meet Monday": news states a coming event in the present
        mention = _mention(text, start, end, published, direction)
        if mention is _NOT_A_DATE and direction == "future" and _IN_BEFORE.search(text, max(0, start - 4), start):
            # "the bonds mature in five years": a counted length ahead names the time it ends in
            mention = _mention(text, start, end, published, None, suffix=" from now") or _NOT_A_DATE
        if mention is not None:
            if mention is not _NOT_A_DATE:
                out.append(mention)
            continue
        out.extend(_inner_mentions(text, start, end, published, direction))
    out = _anchor_to_text(doc, out, published)
    return out if vague else [m for m in out if not is_vague_value(m.value)]


_TITLE_WORD = re.compile(r"[A-Z][a-z]*['’]?s?$|[A-Z]{2,}$")
_QUOTES = "\"“”'‘’`"
_NAME_BEFORE = re.compile(r"(?:^|[^.!?:\s]\s*)\b(?:[A-Z]{2,}|[A-Z][a-z]+)\s+$")  # "VOA Today", "USA Today"
_GENERIC_NOUNS = _phrases_re(_VOCAB["generic_after_today"])
# "the people of tomorrow", "the world of today"; "(in) today's world", "many of today's computers"
_OF_GENERIC = re.compile(r"\b(?:the|a|an)\s+\w+\s+of\s+$", re.I)
_TODAYS_GENERIC = re.compile(rf"^\s+(?:\w+\s+)?(?:{_GENERIC_NOUNS})\b", re.I)
_SENTENCE_OPENING = re.compile(r"(?:^|[.!?:\"“\n]\s*|\n)$")
_DISCOURSE_NOW = re.compile(r"\s*,|\s+(?:for|then)\b", re.I)
_FOR_BEFORE = re.compile(r"\bfor\s+$", re.I)
_FOR_A_WHILE = re.compile(rf"(?:{_phrases_re(_VOCAB['lengths_after_for'])})", re.I)
_QUANTIFIER_OF = re.compile(r"\b(?:many|most|some|all|much|one|none|few|several)\s+of\s+$", re.I)


def _is_name_or_generic(text: str, start: int, end: int) -> bool:
    """A relative time word that names no time: part of a title or name ("This is VOA Today", ABC's "This
    Week"), a generic present or future ("the people of tomorrow", "in today's world", "many of today's
    computers"), a discourse "Now," opening a sentence, or a length after "for" ("for the foreseeable
    future"). Months and weekdays are capitalised anyway, so only the other words are read as names."""
    span = text[start:end]
    words = span.split()
    if not words or any(w.strip(".,").lower() in MONTHS or w.strip(".,").lower() in WEEKDAYS
                        or any(ch.isdigit() for ch in w) for w in words):
        return False
    if all(_TITLE_WORD.match(w) for w in words):
        before = text[max(0, start - 40) : start]
        after = text[end : end + 3]
        quoted = before.rstrip(" ")[-1:] in _QUOTES and after.lstrip(",.")[:1] in _QUOTES and \
            before.rstrip(" ")[:-1].rstrip()[-1:] not in (".", "!", "?", "")
        if quoted or (_NAME_BEFORE.search(before) and "\n" not in before[-3:]):
            return True
    low = _POSSESSIVE.sub("", span.lower())
    if low == "now" and _SENTENCE_OPENING.search(text[max(0, start - 3) : start]) \
            and _DISCOURSE_NOW.match(text, end):
        return True  # "Now, the question is ...", "Now for the weather": a discourse word
    if _FOR_A_WHILE.fullmatch(span) and _FOR_BEFORE.search(text, max(0, start - 5), start):
        return True  # "neutral for the foreseeable future": a length (TimeML's DURATION), no position
    if low not in ("today", "tomorrow"):
        return False
    before = text[max(0, start - 40) : start]
    if not span.lower().endswith(("'s", "’s")) and text[end : end + 2] not in ("'s", "’s"):
        return bool(_OF_GENERIC.search(before))
    after = text[end + (0 if span.lower().endswith(("'s", "’s")) else 2) : end + 40]
    return bool(_TODAYS_GENERIC.match(after) or _QUANTIFIER_OF.search(before))


_NOT_A_DATE = TimeMention(0, 0, "", None, None, None)  # a duration, an age or a vague word: no mention


def _mention(text: str, start: int, end: int, published: Date | None, direction: str | None,
             *, rules_only: bool = False, suffix: str = "") -> TimeMention | None:
    """The mention for text[start:end]: dated, undated (event-relative, or no publication date), or
    ``_NOT_A_DATE``; None when the span is none of these (it may hold dates inside)."""
    raw = text[start:end]
    tv = _normalize_cached(raw + suffix, published, None, direction, rules_only) if 0 < len(raw) <= 200 else None
    if tv is not None:
        return TimeMention(start, end, raw, tv.value, tv.precision, tv.anchor, tv.date_start, tv.date_end)
    cleaned = _clean(raw)
    vague = VAGUE_VALUES.get(" ".join(cleaned.lower().split()))
    if vague is not None:
        return TimeMention(start, end, raw, vague, None, None)  # dropped by tag_times unless vague=True
    if not cleaned or _VAGUE.fullmatch(cleaned) or is_duration(cleaned):
        return _NOT_A_DATE
    if _PERIOD_REF.match(cleaned):
        return TimeMention(start, end, raw, None, None, None)  # dated by _anchor_to_text
    if _EVE.match(cleaned):
        return _NOT_A_DATE  # "on the eve of the talks": the day before an event we cannot date here
    if published is None and _needs_base(cleaned):
        return TimeMention(start, end, raw, None, None, "published")
    if _EVENT_RELATIVE.search(cleaned):
        return TimeMention(start, end, raw, None, None, None)
    return None


_WORD = re.compile(r"\S+")
_MAX_INNER_WORDS = 12


def _inner_mentions(text: str, start: int, end: int, published: Date | None,
                    direction: str | None) -> list[TimeMention]:
    """Dates inside a span that is none as a whole: the longest word runs that are dates, left to right.

    dateparser is not asked here: given "the year ended Sept." it would find a September.
    """
    words = [(start + m.start(), start + m.end()) for m in _WORD.finditer(text[start:end])]
    if len(words) < 2 or len(words) > _MAX_INNER_WORDS:
        return []
    out: list[TimeMention] = []
    i = 0
    while i < len(words):
        found = None
        for j in range(len(words), i, -1):
            if (i, j) == (0, len(words)):
                continue
            s, e = words[i][0], words[j - 1][1]
            while e > s and text[e - 1] in ",;:.)(\"'”’" and not text[s:e].endswith(_ABBREV_DOT):
                e -= 1
            s, e = _trim(text, s, e)
            if s >= e:
                continue
            mention = _mention(text, s, e, published, direction, rules_only=True)
            if mention is not None and _inner_worthy(mention):
                found = (j, mention)
                break
        if found is None:
            i += 1
            continue
        i, mention = found
        out.append(mention)
    return out


def _inner_worthy(mention: TimeMention) -> bool:
    """A date inside a longer expression: dated, or to be dated (against publication, or as a reporting
    period against the text); not a vague word, which is part of the longer expression ("the past century")."""
    if mention is _NOT_A_DATE or is_vague_value(mention.value):
        return False
    return mention.value is not None or mention.anchor == "published" or bool(_PERIOD_REF.match(_clean(mention.text)))


_ABBREV_DOT = tuple(f"{m}." for m in ("Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov",
                                      "Dec"))

_FUTURE_AUX = frozenset({"will", "wo", "shall", "'ll", "’ll"})
# verbs whose complement lies ahead: "expected to arrive Monday", "plans to vote in May", "is going to"
_FUTURE_HEADS = frozenset({"expect", "schedule", "plan", "slate", "set", "intend", "aim", "hope", "propose",
                           "prepare", "due", "vow", "promise", "threaten", "pledge", "agree"})


def _direction(doc: Doc, start: int, end: int) -> str | None:
    """ "future" when the verb a date belongs to looks ahead (will, shall, going to, expected to, scheduled
    for, due), "past" when it is in the past tense, else None."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    tok = span.root
    for _ in range(4):
        if tok.pos_ in ("VERB", "AUX") or tok.lower_ == "due" or tok.head.i == tok.i:
            break
        tok = tok.head
    if tok.lower_ == "due" or (tok.lemma_ in ("schedule", "slate", "set") and tok.tag_ == "VBN"):
        return "future"  # "due on Monday", "scheduled for June 5"
    if tok.pos_ not in ("VERB", "AUX"):
        return None
    if any(c.lower_ == "due" for c in tok.children):
        return "future"  # "the election is due in December"
    chain = [tok]
    if tok.dep_ in ("xcomp", "ccomp", "advcl") and tok.head.i != tok.i:
        chain.append(tok.head)
    for verb in chain:
        for child in verb.children:
            if child.dep_ in ("aux", "auxpass") and child.lower_ in _FUTURE_AUX:
                return "future"
    head = tok.head
    if tok.dep_ == "xcomp" and (head.lemma_ in _FUTURE_HEADS or head.lemma_ == "go" and head.tag_ == "VBG"
                                or head.lemma_ == "be" and any(c.lower_ == "to" for c in tok.children)):
        return "future"
    if tok.tag_ == "VBD" or any(c.dep_ in ("aux", "auxpass") and (c.tag_ == "VBD" or c.lemma_ == "have")
                                for c in tok.children):
        return "past"
    return None


_IN_BEFORE = re.compile(r"\bin\s+$", re.I)
_BARE_WEEKDAY = re.compile(rf"(?:on\s+)?(?:{'|'.join(sorted(WEEKDAYS, key=len, reverse=True))})\.?", re.I)
_REPORTING_VERBS = frozenset(_VOCAB["reporting_verbs"])


def _scheduled_present(doc: Doc, start: int, end: int) -> bool:
    """Whether a weekday belongs to a verb in the simple or progressive present that is not a verb of saying:
    news writes a scheduled event so ("the ministers meet Monday", "the envoy is visiting Cairo Thursday"),
    while "says Monday" reports (broadcast copy's present of saying) and keeps the latest such day."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    tok = span.root.head  # the weekday's own verb, or "on" in "on Monday"; not a verb further up the tree
    if tok.lower_ == "on" and tok.dep_ == "prep":
        tok = tok.head
    if tok.pos_ != "VERB" or tok.lemma_.lower() in _REPORTING_VERBS or span.root.dep_ == "poss":
        return False
    if not any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children):
        return False  # a clause's verb has its subject; "airstrikes" tagged a verb inside a phrase has none
    if tok.tag_ == "VBP" and any(t.tag_ == "VBD" for t in tok.sent):
        return False  # "hurt", "cut", "set": a base form that is also the past, in a sentence told in the past
    if tok.tag_ in ("VBZ", "VBP"):
        return not any(c.dep_ in ("aux", "auxpass") for c in tok.children)
    return tok.tag_ == "VBG" and any(c.dep_ == "aux" and c.tag_ in ("VBZ", "VBP") and c.lemma_ == "be"
                                     for c in tok.children)


def _needs_base(s: str) -> bool:
    """Whether the expression would resolve against a publication date if there were one."""
    probe = Date(2000, 6, 15)
    return _normalize_cached(s, probe, None) is not None
