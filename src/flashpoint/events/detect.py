"""Find trigger words over the dependency parse: the first step of event coding.

Why a Matcher over lemmas: one pass over the document finds every lexicon entry, single words and
multi-word phrases alike; the dependency constraints from the lexicon are then checked per hit.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from ..nlp import acts_as_verb, furniture_end, lemma_matchers, says_any, sentence_of
from .ontology import Ontology, Trigger, load_ontology

# Nouns after these prepositions point back at an event already told ("after the clashes").
_ANAPHORIC_PREPS = {"after", "since", "following", "before", "despite"}


@dataclass(frozen=True, slots=True)
class Hit:
    trigger: Trigger
    span: Span  # the matched words
    anchor: Token  # their syntactic head
    # "the blast", "the attack" with nothing said about it: a back-reference to an event already
    # told. It may add what its sentence says (a place, a toll) to that event, never found one.
    anaphoric: bool = False
    # In the headline: it retells the body's event, so it founds one only when the body tells none like it.
    in_headline: bool = False


class TriggerFinder:
    def __init__(self, nlp: Language, ontology: Ontology) -> None:
        self.ontology = ontology
        self.matchers = lemma_matchers(
            nlp.vocab, [(str(i), [*t.lemmas, *t.phrases]) for i, t in enumerate(ontology.triggers)], inflect=True
        )

    def find(self, doc: Doc, *, body_start: int = 0) -> list[Hit]:
        """Trigger hits over the whole text; those before ``body_start`` (the headline) are flagged
        ``in_headline``: the coder lets them found an event only when the body tells none like it."""
        spans: list[Span] = []
        which: dict[tuple[int, int], Trigger] = {}
        matches = {m for matcher in self.matchers for m in matcher(doc)}
        for match_id, start, end in sorted(matches, key=lambda m: (m[1], m[2], m[0])):
            trig = self.ontology.triggers[int(doc.vocab.strings[match_id])]
            span = doc[start:end]
            if span.start < furniture_end(span[0]):
                continue  # "Tags Syria Russia Chemical Attack ...": a page's tag line, not an event
            if span.start_char >= body_start and in_headline_case(span):
                continue  # "... Related Rebels Continue Shelling Kurdish District": another page's headline
            if _pos(span.root) not in trig.pos:
                continue  # "battles" the noun is not the verb's entry, though both read "battle"
            key = (start, end)
            if key in which and which[key].weight >= trig.weight:
                continue
            which[key] = trig
            spans.append(span)
        hits = []
        vetoed: set[int] = set()  # anchors of triggers their sentence says are something else
        vetoed_kinds: set[str] = set()  # triggers the body says are something else somewhere
        for span in filter_spans(spans):
            trig = which[(span.start, span.end)]
            anchor = span.root
            while (anchor.dep_ == "compound" and anchor.head.i > anchor.i
                   and anchor.head.lemma_.lower() in self.ontology.event_heads):
                anchor = anchor.head  # "suicide bomb blast": the blast is the event word
                span = doc[span.start : anchor.i + 1]
            if span.start > 0 and doc[span.start - 1].text == "-" and not doc[span.start - 1].whitespace_:
                continue  # "fire-fighting", "anti-riot": part of another word
            if span.end < len(doc) and doc[span.end].text == "-" and not span[-1].whitespace_:
                continue  # "rocket-propelled", "attack-helicopter": the first part of another word
            if _vetoed(trig, anchor):
                vetoed.add(anchor.i)
                if span.start_char >= body_start:
                    vetoed_kinds.add(trig.id)
            elif self._admissible(trig, anchor):
                hits.append(Hit(trig, span, anchor, anaphoric=_is_noun(anchor) and _anaphoric(anchor),
                                in_headline=span.start_char < body_start))
        # "a gas explosion in a coal mine killed 33 miners", "miners were killed in a blast in a coal
        # mine": the killing is the accident's outcome
        # "Iran deploys new missile" over "Iran added one more missile to its arsenal": the body says
        # what the headline's word was (an arsenal, a test, an accident), so the headline tells no event
        return [h for h in hits if (h.trigger.id not in self.ontology.outcomes or not _tied(h.anchor) & vetoed)
                and not (h.in_headline and h.trigger.id in vetoed_kinds)]

    @staticmethod
    def _admissible(trig: Trigger, anchor: Token) -> bool:  # noqa: C901 - one check per lexicon field
        pos = _pos(anchor)
        if pos not in trig.pos:
            return False
        if pos == "VERB" and anchor.dep_ == "amod":
            return False  # "designated terrorist groups", "wounded soldiers": a description, not an act
        if trig.not_modifiers and any(c.lower_ in trig.not_modifiers for c in anchor.lefts):
            return False  # "hunger strike", "general strike"
        if pos in {"NOUN", "PROPN"}:
            if anchor.dep_ == "compound" and (anchor.head.pos_ in {"NOUN", "PROPN"} or anchor.head.i > anchor.i):
                return False  # "clash sites", "protest movement", "a grenade launcher" (the head misread)
            if trig.governors and anchor.head.lemma_ not in trig.governors:
                return False
            if held(anchor, trig.not_governors):
                return False  # "grenades were confiscated": held, not used
        if trig.object_lemmas:
            objects = [c for c in anchor.children if c.dep_ in {"dobj", "nsubjpass", "pobj"}]
            if not any(o.lemma_.lower() in trig.object_lemmas for o in objects):
                return False
        return True


def _title(token: Token) -> bool:
    return token.is_alpha and token.text[:1].isupper() and not token.is_upper


def in_headline_case(span: Span) -> bool:
    """A trigger written in title case between title-case words, not at a sentence's start: a headline
    of another story (a "Related" block, a caption's title) flattened into the text. Prose writes event
    words in lower case; names of operations ("Operation Olive Branch") are no events either."""
    first, last = span[0], span[-1]
    if not _title(first) or sentence_of(first).start == first.i or first.i == 0 or last.i + 1 >= len(span.doc):
        return False
    before, after = span.doc[first.i - 1], span.doc[last.i + 1]
    return _title(before) and _title(after)


def _tied(token: Token) -> set[int]:
    """What an outcome is tied to: its own surroundings and those of the outcomes joined to it
    ("miners were killed and 14 injured in a blast in a coal mine": the blast hangs on "injured",
    and the killing shares it)."""
    out = _around(token)
    if token.dep_ == "conj":
        out |= _around(token.head)
    for c in token.children:
        if c.dep_ == "conj":
            out |= _around(c)
    return out


def _around(token: Token) -> set[int]:
    """The token's head, its children and the objects of its prepositions: what its event is tied to."""
    out = {token.head.i} | {c.i for c in token.children}
    out |= {g.i for c in token.children if c.dep_ in {"prep", "agent"} for g in c.children}
    return out


def _vetoed(trig: Trigger, anchor: Token) -> bool:
    """A word of the trigger's ``not_in_sentence`` in its sentence: "a gas explosion in a coal mine",
    "test-fired a missile", "Hurricane Ivan's strike"."""
    return says_any(sentence_of(anchor), trig.not_in_sentence)


def _pos(token: Token) -> str:
    return "VERB" if acts_as_verb(token) else token.pos_


def _is_noun(token: Token) -> bool:
    return token.pos_ in {"NOUN", "PROPN"}


_ARGUMENT_DEPS = {"prep", "poss", "compound", "amod", "nummod", "acl", "relcl", "nmod", "appos"}


def _anaphoric(noun: Token) -> bool:
    """"the attack", "the fighting" with nothing else said about it, or any event noun after "after",
    "since", "following" ("killed after intense airstrikes", "after the clashes"), points at an event
    told elsewhere (or in the same clause): coding it on its own would count one event twice, but it
    may name the means of a killing told beside it, or add a place to its event."""
    if noun.dep_ == "pobj" and noun.head.lower_ in _ANAPHORIC_PREPS:
        return True
    dets = [c for c in noun.children if c.dep_ == "det"]
    if not dets or dets[0].lower_ not in {"the", "this", "that", "these", "those"}:
        return False
    return not any(c.dep_ in _ARGUMENT_DEPS for c in noun.children)


@functools.lru_cache(maxsize=4)
def _finder_for(nlp: Language) -> TriggerFinder:
    return TriggerFinder(nlp, load_ontology())


def get_finder(nlp: Language) -> TriggerFinder:
    return _finder_for(nlp)


def held(noun: Token, verbs: frozenset[str]) -> bool:
    """Whether a weapon word is the object or passive subject of one of ``verbs`` (a trigger's
    ``not_governors``): "grenades were confiscated", "holding a grenade" tell a weapon held, not used."""
    return bool(verbs) and noun.dep_ in {"dobj", "obj", "nsubjpass", "conj"} \
        and _governing_verb(noun).lemma_.lower() in verbs


def _governing_verb(noun: Token) -> Token:
    """The verb a noun is the object or passive subject of, through conjuncts ("machineguns and
    grenades were confiscated")."""
    tok = noun
    while tok.dep_ == "conj" and tok.head.i != tok.i:
        tok = tok.head
    return tok.head
