"""Actor mentions of one document, looked up by token, with pronoun resolution.

Shared by event roles and relation extraction: both ask "which actor is this token?".
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Token

from ..events.claims import speech_verbs
from ..model import ActorMention
from ..nlp import sentence_of

_SUBJ = {"nsubj", "csubj"}
_PERSON_PRONOUNS = {"he", "she", "him", "her"}
_GROUP_PRONOUNS = {"they", "them"}


class MentionIndex:
    """Actor mentions of one document, looked up by token."""

    def __init__(self, doc: Doc, mentions: list[ActorMention]) -> None:
        self.doc = doc
        self.mentions = mentions
        self.by_token: dict[int, ActorMention] = {}
        for m in mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                continue
            for t in span:
                self.by_token.setdefault(t.i, m)

    def at(self, token: Token) -> ActorMention | None:
        """The mention at a token, else the first mention in its subtree (within its sentence)."""
        hit = self.by_token.get(token.i)
        if hit is not None:
            return hit
        if token.pos_ == "PRON":
            return self.pronoun(token)
        sent = sentence_of(token)
        for t in _phrase(token):
            if sent.start <= t.i < sent.end and t.i in self.by_token:
                return self.by_token[t.i]
        return None

    def pronoun(self, token: Token) -> ActorMention | None:
        """A pronoun names the last fitting actor: a person for he/she, a group for they."""
        low = token.lower_
        if low in _GROUP_PRONOUNS:
            speaker = _speaker_of(token)
            if speaker is not None and speaker.i != token.i:
                found = self.at(speaker)
                if found is not None:
                    return found
        wanted_person = low in _PERSON_PRONOUNS
        if not wanted_person and low not in _GROUP_PRONOUNS:
            return None
        fitting = [
            m for m in self.mentions
            if m.start < token.idx
            and (m.method == "person" if wanted_person else m.method in {"dictionary", "link", "generic"})
        ]
        # Pronouns mostly continue the last *subject* ("Aws al-Khafaji ... appeared on TV. He was
        # captured"), not the last name in passing ("Mashzoub's kinsman").
        for m in reversed(fitting[-8:]):
            if self._is_subject(m):
                return m
        return fitting[-1] if fitting else None

    def _is_subject(self, mention: ActorMention) -> bool:
        span = self.doc.char_span(mention.start, mention.end, alignment_mode="expand")
        return span is not None and span.root.dep_ in {"nsubj", "nsubjpass"}


_CLAUSES = {"acl", "relcl", "advcl", "ccomp", "xcomp", "csubj", "parataxis"}


# participles that make an actor's name say who holds a place: "rebel-held neighbourhoods" are places
_HOLDING = frozenset(("held", "controlled", "run", "besieged", "occupied"))


def _phrase(token: Token) -> Iterator[Token]:
    """The token's noun phrase without the clauses hanging on it: in "people killed in U.S. air
    strikes" the people are not the U.S.; in "a rebel-held neighbourhood" the place is not the rebels."""
    yield token
    for child in token.children:
        if child.dep_ in _CLAUSES or (child.dep_ == "amod" and child.lower_ in _HOLDING):
            continue
        yield from _phrase(child)


def _speaker_of(token: Token) -> Token | None:
    """"The militias said they rejected ...": the subject of the speech verb the clause hangs on."""
    verb = token.head
    while verb.dep_ in {"ccomp", "conj", "xcomp"} and verb.head.i != verb.i:
        verb = verb.head
        if verb.lemma_ in speech_verbs("speaker"):
            return next((c for c in verb.children if c.dep_ in _SUBJ), None)
    return None
