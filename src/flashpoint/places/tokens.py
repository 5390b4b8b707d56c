"""The finders' view of a Doc (``_Tokens``) and the token-level helpers every finder shares: a lookup
that cannot fail, the sentence of an offset, cue and locative words around a name, person titles, and
claiming tokens for a toponym.

Speed: the finder reads token attributes from plain lists built once per Doc (``_Tokens``), the gazetteer
memoises lookups and candidates, and sentence bounds are shared with ``nlp.sentence_of``.
"""

from __future__ import annotations

import bisect
import logging
import math

from spacy.tokens import Doc, Span

from ..nlp import doc_text, sentence_bounds
from .gazetteer import Candidate, Gazetteer
from .toponyms import _Toponym
from .vocabulary import _ADMIN_CUES, _LOCATIVE_WORDS, _ORG_HEADS, _PLACE_HEADS, _TOWN_CUES

log = logging.getLogger(__name__)


class _Tokens:
    """The token attributes the finder reads, pulled out of the Doc once.

    Why: every ``doc[i]`` builds a new Token object and every ``doc.text`` joins the whole document again;
    the scan looks at each capitalised token up to six times, so reading plain lists instead costs a
    fraction. Sentence bounds are shared with ``nlp.sentence_of`` through ``doc.user_data``.
    """

    __slots__ = ("text", "doc_text", "words", "lower", "idx", "sent_start", "alpha", "punct", "ent", "n",
                 "sentences", "propn", "taken", "blocked", "_people", "headline_end")

    def __init__(self, doc: Doc, headline_end: int = 0) -> None:
        """``headline_end``: where the article's body begins (0: no headline known)."""
        self.doc_text = doc_text(doc)
        self.headline_end = headline_end
        tokens = list(doc)
        self.n = len(tokens)
        self.words = [t.text for t in tokens]
        self.lower = [t.lower_ for t in tokens]
        self.idx = [t.idx for t in tokens]
        self.alpha = [t.is_alpha for t in tokens]
        self.punct = [t.is_punct for t in tokens]
        self.propn = [t.pos_ == "PROPN" for t in tokens]
        self.taken: list[bool] = []  # set by the finder: tokens inside a toponym ...
        self.blocked: list[bool] = []  # ... and inside entities that are not places
        self._people: set[str] | None = None
        self.ent: list[Span | None] = [None] * self.n
        for e in doc.ents:
            for i in range(e.start, e.end):
                self.ent[i] = e
        self.sent_start = [False] * self.n
        self.sentences = sentence_bounds(doc)
        starts = doc.user_data.get("flashpoint_sent_starts")
        if starts is not None:
            for i in starts:
                self.sent_start[i] = True
        elif self.n:
            try:
                for s in doc.sents:
                    self.sent_start[s.start] = True
            except ValueError:
                self.sent_start[0] = True

    def people(self) -> set[str]:
        """The words of the text's full person names: "Hopkins said" names no town when "David Hopkins" is
        in the story. A one-word "person" is left out (the small model calls many towns so: "the
        Gainesville sewer system"), as is one that ends in an organisation's word ("Huntsville Fire")."""
        if self._people is None:
            self._people = set()
            for ent in {e for e in self.ent if e is not None and e.label_ == "PERSON" and len(e) >= 2}:
                if self.lower[ent.end - 1] not in _ORG_HEADS:
                    self._people.update(self.words[i] for i in range(ent.start, ent.end))
        return self._people

    def claim(self, i: int, j: int) -> bool:
        """Mark tokens i..j-1 as inside a toponym; False, marking nothing, if one already is."""
        if any(self.taken[x] for x in range(i, j)):
            return False
        for x in range(i, j):
            self.taken[x] = True
        return True

    def claim_chars(self, start: int, end: int) -> bool:
        """``claim`` for the tokens that start within text[start:end] (finders that read the text)."""
        return self.claim(bisect.bisect_left(self.idx, start), bisect.bisect_left(self.idx, end))

    def span_text(self, s: int, e: int) -> str:
        """The text of tokens s..e-1."""
        return self.doc_text[self.idx[s] : self.idx[e - 1] + len(self.words[e - 1])]

    def can_start(self, i: int) -> bool:
        word = self.words[i]
        if word[:1].isupper() and self.alpha[i]:
            return True
        # "al-Qathia": an Arabic article joined by a hyphen
        return self.lower[i] in _ARTICLE_WORDS and i + 1 < self.n and self.words[i + 1] in ("-", "‐")

    def can_end(self, i: int) -> bool:
        return (self.words[i][:1].isupper() and self.alpha[i]) or self.lower[i] in _PLACE_HEADS


_ARTICLE_WORDS = frozenset(("al", "el", "ad", "ar", "as", "ash", "at", "az", "an"))


def _lookup(gaz: Gazetteer, text: str, *, loose: bool = True) -> list[Candidate]:
    """A lookup that cannot fail: a name that breaks the gazetteer stays unresolved, the others go on."""
    try:
        return gaz.lookup(text, loose=loose)
    except Exception:
        log.exception("geoparse: gazetteer lookup failed for %r", text)
        return []


def _sentence_of(pos: int, sentences: list[tuple[int, int]]) -> int:
    """Index of the sentence holding ``pos`` (sentences are sorted and do not overlap)."""
    i = bisect.bisect_right(sentences, (pos, math.inf)) - 1
    return min(max(i, 0), max(0, len(sentences) - 1))


def _cue_after(toks: _Tokens, end: int) -> str | None:
    if end < toks.n:
        word = toks.lower[end]
        if word in _ADMIN_CUES:
            return "admin"
        if word in _TOWN_CUES:
            return "town"
    return None


def _cue_before(toks: _Tokens, start: int) -> str | None:
    """"the city of Raqqah", "the village of Tall Tawil": the words before say it is a town."""
    if start >= 2 and toks.lower[start - 1] == "of" and toks.lower[start - 2] in _TOWN_CUES:
        return "town"
    return None


# Direction and part words between a locative word and a place ("in eastern Aleppo", "in northern
# rural Hama"): the place is still introduced by the locative word.
_PLACE_PARTS = frozenset("""east eastern west western north northern south southern northeast northeastern northwest
    northwestern southeast southeastern southwest southwestern central rural greater downtown old""".split())


def _locative_before(toks: _Tokens, start: int, words: frozenset[str] = _LOCATIVE_WORDS) -> bool:
    i = start - 1
    while i >= 0 and (toks.lower[i] in ("the", "a") or toks.lower[i] in _PLACE_PARTS
                      or toks.punct[i] and toks.words[i] in "-'’"):
        i -= 1
    return i >= 0 and toks.lower[i] in words


# words before a one-word name that make it a person's: "coach Ripley", "Sen. Warner", "Officer Newberg"
_PERSON_TITLES = frozenset(
    """coach mr mrs ms miss dr sen senator rep representative gov governor officer sheriff sgt sergeant lt
    lieutenant capt captain judge detective deputy trooper pastor rev reverend father sister brother
    professor prof mayor councilman councilwoman commissioner superintendent principal""".split())


def _title_before(toks: _Tokens, i: int) -> bool:
    j = i - 1
    if j >= 0 and toks.words[j] == ".":
        j -= 1
    return j >= 0 and toks.lower[j].rstrip(".") in _PERSON_TITLES


def _claimed(toks: _Tokens, i: int, j: int, cue: str | None, cands: list[Candidate],
             role: str | None = None) -> _Toponym:
    """The toponym of tokens i..j-1, which it claims (the caller has checked they are free)."""
    start = toks.idx[i]
    text = toks.span_text(i, j)
    toks.claim(i, j)
    return _Toponym(start, start + len(text), text, None, _sentence_of(start, toks.sentences), cue, cands, role=role)


def _counties(gaz: Gazetteer, name: str) -> list[Candidate]:
    """The US counties (parishes, boroughs) of this full name, one per state that has one."""
    return [c for c in _lookup(gaz, name, loose=False) if c.feature_code == "ADM2"]


def _attribution_before(toks: _Tokens, i: int) -> bool:
    """ "according to Winfield": a source, not a destination."""
    return i >= 2 and toks.lower[i - 1] == "to" and toks.lower[i - 2] == "according"
