"""The fields one mention's own sentence gives it: a date, a place, and the telling its toll is read from.

Why its own module: these read one sentence (and at most the one after it) around a trigger, before
mentions are grouped; ``filling`` later adds what the whole article supports. Keeping the sentence's
reading apart from the article's lets each be checked on its own: a date here comes only from the
trigger's clause, a time that dates the report ("a monitoring group said Friday") or a vague one
("recently") dates nothing, and a relative one ("two days later") is resolved against the latest
mention dated to the day or the week.
"""

from __future__ import annotations

import datetime as dt

from spacy.tokens import Doc, Span, Token

from ..model import PlaceMention, TimeMention
from ..nlp import doc_text, sentence_of
from ..places import event_location
from ..times import TimeValue, is_vague_value, resolve_relative
from .claims import speech_verbs
from .draft import Draft
from .grouping import says_another

_RELATIVE_TAIL = ("after", "before", "following", "later")


def date_mention(d: Draft, prev: Draft | None, anchor_draft: Draft | None, times: list[TimeMention],
                 published: dt.date | None, new_event_words: frozenset[str]) -> None:
    """``prev``: the latest earlier mention that tells an event; ``anchor_draft``: the latest
    such mention dated to the day or the week; ``times``: those that start in d's sentence;
    ``new_event_words``: the words that say a mention tells another event than ``prev``'s."""
    sent = sentence_of(d.hit.anchor)
    clause = {t.i for t in _clause_root(d.hit.anchor).subtree}
    in_sent = [t for t in times if sent.start_char <= t.start < sent.end_char and not is_vague_value(t.value)
               and not _report_time(t, sent.doc, clause)]  # "now", "recently" date nothing
    in_sent.sort(key=lambda t: (not _overlaps_tokens(t, sent.doc, clause), abs(t.start - d.hit.span.start_char)))
    for t in in_sent:
        if t.value is not None and t.anchor not in ("event", "text"):
            d.time = TimeValue(t.value, t.precision or 3, t.date_start or t.value, t.date_end or t.value, t.anchor)
            d.time_span = (t.start, t.end)
            return
        if anchor_draft is not None and anchor_draft.time is not None:  # (the coder passes dated ones only)
            phrase = _relative_phrase(t, sent)
            rel = resolve_relative(phrase, anchor_draft.time)
            if rel is not None:
                d.time, d.time_span = rel, (t.start, t.start + len(phrase))
                return
        if t.value is not None and t.anchor == "text":
            # "two days later" after a date but no dated event: against the date the text named before
            d.time = TimeValue(t.value, t.precision or 3, t.date_start or t.value, t.date_end or t.value, t.anchor)
            d.time_span = (t.start, t.end)
            return
    if not in_sent:
        # Narrative continuity: an undated event told in the sentence right after a dated one, in
        # the same paragraph, shares its date ("A few days after the killing, X ... He was
        # captured"); an earlier sentence's date is another event's, not this one's.
        if prev is not None and prev.time is not None and prev.time.precision <= 2 \
                and _same_paragraph(prev.hit.anchor, d.hit.anchor) \
                and _next_sentence(prev.hit.anchor, d.hit.anchor) \
                and not says_another(d, new_event_words):
            d.time, d.time_span = prev.time, prev.time_span


def place_mention(d: Draft, places: list[PlaceMention], other_clause_marks: frozenset[str] = frozenset()) -> None:
    """The place the mention's own sentence ties to it (``filling`` adds the article's);
    ``places``: those that start in its sentence; a place inside a clause opened by one of
    ``other_clause_marks`` ("while rebels made gains in X") that does not hold the trigger is not its."""
    sent = sentence_of(d.hit.anchor)
    if other_clause_marks:
        places = [p for p in places if not in_other_clause(p, d.hit.anchor, other_clause_marks)]
    loc = event_location(places, d.hit.span.start_char, d.hit.span.end_char, doc_text(sent.doc),
                         sent.start_char, sent.end_char)
    if loc is None:
        return
    d.location = loc
    near = [p for p in places if sent.start_char <= p.start < sent.end_char
            and (p.geonameid == loc.geonameid or p.name == loc.name)]
    if near:
        best = min(near, key=lambda p: abs(p.start - d.hit.span.start_char))
        d.location_span = (best.start, best.end)


def in_other_clause(p: PlaceMention, anchor: Token, marks: frozenset[str]) -> bool:
    """Whether ``p`` lies in a clause opened by one of ``marks`` that does not hold ``anchor``."""
    doc = anchor.doc
    span = doc.char_span(p.start, p.end, alignment_mode="expand")
    if span is None:
        return False
    tok = span.root
    for _ in range(12):
        if tok.pos_ in {"VERB", "AUX"} and any(c.dep_ == "mark" and c.lower_ in marks for c in tok.children):
            return anchor not in tok.subtree
        if tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


def speakers_places(doc: Doc, places: list[PlaceMention]) -> set[int]:
    """The starts of places that say where a source is, not where anything happened: a place inside
    the subject of a verb of saying ("the defence ministry in Moscow said", "officials in Washington
    told reporters"). Such a place is never an event's."""
    verbs = speech_verbs()
    out: set[int] = set()
    for p in places:
        span = doc.char_span(p.start, p.end, alignment_mode="expand")
        if span is None:
            continue
        tok = span.root
        for _ in range(6):  # up the place's own phrase to the clause it belongs to
            if tok.dep_ in {"nsubj", "nsubjpass"}:
                if tok.head.lemma_.lower() in verbs and tok.head.pos_ in {"VERB", "AUX"}:
                    out.add(p.start)
                break
            if tok.head.i == tok.i or tok.pos_ in {"VERB", "AUX"}:
                break
            tok = tok.head
    return out


def telling(anchor: Token, event_sents: set[int]) -> list[Span]:
    """The trigger's sentence plus the next one in its paragraph when that one has no event word
    of its own: "A gun battle began ... Two police officers were injured." """
    sent = sentence_of(anchor)
    doc = anchor.doc
    if sent.end >= len(doc):
        return [sent]
    following = sentence_of(doc[sent.end])
    if following.start in event_sents or "\n" in doc_text(doc)[sent.end_char - 1 : following.start_char]:
        return [sent]
    return [sent, following]


def _clause_root(token: Token) -> Token:
    tok = token
    while tok.pos_ not in {"VERB", "AUX"} and tok.head.i != tok.i:
        tok = tok.head
    return tok


def _overlaps_tokens(t: TimeMention, doc: Doc, token_ids: set[int]) -> bool:
    span = doc.char_span(t.start, t.end, alignment_mode="expand")
    return span is not None and any(tok.i in token_ids for tok in span)


def _relative_phrase(t: TimeMention, sent: Span) -> str:
    """"A few days" + " after the killing": the words that say what the time is relative to."""
    text = doc_text(sent.doc)
    tail = text[t.end : sent.end_char]
    words = tail.split()
    own = t.text.split()
    if (words and words[0].lower() in _RELATIVE_TAIL) or (own and own[-1].lower() in _RELATIVE_TAIL):
        cut = tail.find(",")
        end = t.end + (cut if cut != -1 else len(tail.rstrip(". ")))
        return text[t.start : end]
    return t.text


def _same_paragraph(a: Token, b: Token) -> bool:
    lo, hi = sorted((a.idx, b.idx))
    return "\n" not in doc_text(a.doc)[lo:hi]


def _report_time(t: TimeMention, doc: Doc, event_clause: set[int]) -> bool:
    """"... killed six people, a monitoring group said Friday": a time that belongs to the verb of
    saying, outside the event's own clause, dates the report, not the event."""
    span = doc.char_span(t.start, t.end, alignment_mode="expand")
    if span is None or any(tok.i in event_clause for tok in span):
        return False
    head = span.root.head
    while head.pos_ not in {"VERB", "AUX"} and head.head.i != head.i:
        head = head.head
    return head.lemma_.lower() in speech_verbs("report") and head.i not in event_clause


def _next_sentence(earlier: Token, later: Token) -> bool:
    """Whether ``later`` is in the same sentence as ``earlier`` or the one right after it."""
    a, b = sentence_of(earlier), sentence_of(later)
    return a.start == b.start or a.end == b.start
