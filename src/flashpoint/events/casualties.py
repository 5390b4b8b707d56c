"""Killed and injured counts, read conservatively (ACLED's rules: deaths only, lowest figure).

Why so strict: a count that is not a casualty count ("5,200 U.S. troops", "603 US personnel over
15 years", "$1 billion") must never become fatalities; so a number counts only when it is tied by
the parse to a casualty word (killed, dead, wounded ...) through a casualty noun or directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from ..nlp import doc_text
from .modality import CODED, classify, nobody
from .ontology import Ontology

_RANGE_WORDS = {"to", "-", "–", "or"}
# Verbs whose object is "the lives of" the victims: the kind is fatalities only with that object.
_LIVES_VERBS = {"claim", "take", "cost"}


@dataclass(slots=True)
class Count:
    value: int
    start: int
    end: int
    text: str
    noun: str | None = None  # lemma of the victims' noun ("people", "soldier"), when the parse gives one


def parse_number(token: Token, ontology: Ontology) -> Count | None:
    """The number a token stands for, taking the lowest of a range ("16 to 20" -> 16)."""
    text = token.text.lower().replace(",", "")
    value: int | None = None
    if re.fullmatch(r"\d{1,7}", text):
        value = int(text)
    elif text in ontology.number_words and text not in {"a", "an"}:
        value = ontology.number_words[text]
    if value is None:
        return None
    start, end = token.idx, token.idx + len(token.text)
    # "twenty-six", "sixty two": tens told as two words
    tens = _tens_before(token, ontology)
    if tens is not None and value < 10:
        value += tens.value
        start = tens.start
    # "a dozen", "two dozen": scale
    nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
    if nxt is not None and nxt.lower_ in ontology.scale_words:
        value *= ontology.scale_words[nxt.lower_]
        end = nxt.idx + len(nxt.text)
    return Count(value, start, end, doc_text(token.doc)[start:end])


def _tens_before(token: Token, ontology: Ontology) -> Count | None:
    """The "twenty" of "twenty-six" (the parser hangs it on "six" as a compound)."""
    doc = token.doc
    j = token.i - 1
    if j >= 0 and doc[j].text == "-" and not doc[j].whitespace_:
        j -= 1
    if j < 0 or j == token.i:
        return None
    word = doc[j].lower_
    value = ontology.number_words.get(word)
    if value is None or value < 20 or value % 10 or value >= 100:
        return None
    return Count(value, doc[j].idx, doc[j].idx + len(doc[j].text), doc[j].text)


def _count_of(noun: Token, ontology: Ontology, after: int = -1) -> Count | None:
    """The count modifying a casualty noun ("two police officers", "at least 16 people").

    ``after``: the index of a predicate that modifies the noun from before it ("Executed 18
    People"); only a number after it counts it. In a telegraphic headline ("Kidnapped 900 Executed
    18 People") the parser hangs every number on the noun, and the one before the predicate is
    another verb's object."""
    for c in noun.children:
        if c.i <= after:
            continue
        if c.dep_ == "nummod" or (c.dep_ in {"amod", "quantmod"} and c.like_num):
            return parse_number(c, ontology)
        if c.dep_ == "det" and c.lower_ in ontology.singular_determiners and noun.tag_ in {"NN", "NNP"}:
            return Count(1, c.idx, noun.idx + len(noun.text), doc_text(noun.doc)[c.idx : noun.idx + len(noun.text)])
    if noun.like_num:
        return parse_number(noun, ontology)
    if noun.tag_ == "NNP" or noun.ent_type_ == "PERSON":
        return Count(1, noun.idx, noun.idx + len(noun.text), noun.text)  # one named person
    return None


def _singular(noun: Token) -> bool:
    """A singular common noun with a determiner or possessive: "her child", "the driver"."""
    return noun.tag_ == "NN" and any(c.dep_ in {"det", "poss"} for c in noun.children)


def _one_of(noun: Token) -> Count:
    start = min(t.idx for t in noun.subtree if t.i <= noun.i)
    end = noun.idx + len(noun.text)
    return Count(1, start, end, doc_text(noun.doc)[start:end])


def _is_casualty_noun(token: Token, ontology: Ontology) -> bool:
    return (
        token.lemma_.lower() in ontology.casualty_nouns
        or token.lower_ in ontology.casualty_nouns
        or token.ent_type_ == "PERSON"
        or token.like_num
        or (token.ent_type_ == "NORP" and token.tag_ in {"NNS", "NNPS"})  # "two Syrians were killed"
    )


def _predicate_kind(token: Token, ontology: Ontology) -> str | None:
    lemma = token.lemma_.lower()
    for kind, words in ontology.casualty_predicates.items():
        if lemma in words or token.lower_ in words:
            return kind
    return None


def _victims(pred: Token, ontology: Ontology) -> list[Token]:
    """The people a casualty predicate is about, by voice."""
    deps_active = {"dobj"}
    deps_passive = {"nsubjpass"}
    out = [c for c in pred.children if c.dep_ in deps_active | deps_passive]
    if out and pred.dep_ == "ROOT" and pred.tag_ in {"VBD", "VBN"}:
        kind = _predicate_kind(pred, ontology)
        told_apart = [o for o in out if o.dep_ == "dobj" and any(
            c.dep_ in {"acl", "amod"} and _predicate_kind(c, ontology) not in (None, kind) for c in o.children)]
        if told_apart and not any(c.dep_ in {"aux", "auxpass"} for c in pred.children):
            # "8 persons killed 58 others injured": a headline's telegraphic list, not "persons killed others";
            # the subject is the dead, the others are the injured
            subj = [c for c in pred.children if c.dep_ == "nsubj"]
            return [o for o in out if o not in told_apart] + subj
    if pred.lemma_.lower() in _LIVES_VERBS:
        # "claiming the lives of 8 persons", "took the lives of ten": the people are after "of"
        lives = [c for c in out if c.lemma_.lower() == "life"]
        out = [g for life in lives for p in life.children if p.dep_ == "prep" and p.lower_ == "of"
               for g in p.children if g.dep_ == "pobj"]
        return out
    if not out:
        # "four people had been killed and 22 wounded": the elided verb's own figure, parsed as its subject
        out = [c for c in pred.children if c.dep_ == "nsubj" and c.like_num]
    if not out and pred.dep_ == "conj" and pred.head.pos_ == "VERB" and pred.tag_ == "VBN":
        # "were rounded up and executed": the victims are the shared passive subject
        out = [c for c in pred.head.children if c.dep_ == "nsubjpass"]
    if pred.lemma_ in {"die", "perish", "dead"}:
        out += [c for c in pred.children if c.dep_ == "nsubj"]
    if pred.dep_ in {"amod", "acl"} and pred.head.pos_ in {"NOUN", "NUM", "PROPN"}:
        out.append(pred.head)  # "16 dead", "people killed"
    if pred.dep_ in {"oprd", "xcomp", "acomp"} and pred.head.pos_ == "VERB":
        out += [c for c in pred.head.children if c.dep_ == "dobj"]  # "leaving 16 dead"
    if not out and pred.i > 0:
        before = pred.doc[pred.i - 1]
        if before.dep_ == "dobj" and before.head.lemma_ == "leave":
            out.append(before)  # "leaving at least 27 people dead", with "dead" misparsed elsewhere
    return out


def count_casualties(sentences: list[Span], ontology: Ontology) -> dict[str, Count]:
    """Fatalities and injuries stated in these sentences.

    Conjoined victims add up ("killing two soldiers and three civilians" = 5); otherwise the first
    figure told wins: later figures in the same article restate or break it down ("among the dead
    were three children"), and adding them would double count.
    """
    found: dict[str, Count] = {}
    for sent in sentences:
        for tok in sent:
            kind = _predicate_kind(tok, ontology)
            if kind is None or kind in found or classify(tok) not in CODED:
                continue  # "have been killed since 2011" is a running total, not this event's toll
            for victim in _victims(tok, ontology):
                if nobody(victim):  # "killed no one", "no civilians were hurt": a stated zero
                    start = min(t.idx for t in victim.subtree)
                    end = victim.idx + len(victim.text)
                    found[kind] = Count(0, start, end, doc_text(sent.doc)[start:end])
                    break
                parts = [v for v in [victim] + [c for c in victim.children if c.dep_ == "conj"]
                         if _is_casualty_noun(v, ontology)]
                before = tok.i if tok.head == victim and tok.i < victim.i else -1
                counts = [c for c in (_count_of(v, ontology, before if v is victim else -1) for v in parts)
                          if c is not None and c.value <= ontology.max_event_count]
                if counts and len(parts) > 1:
                    # "one mother and her child": a singular victim joined to a counted one is one more
                    counts += [_one_of(v) for v in parts[1:] if _count_of(v, ontology) is None and _singular(v)]
                if counts:
                    first, last = counts[0], counts[-1]
                    total = sum(c.value for c in counts)
                    head = parts[0] if parts else None
                    noun = None if head is None or head.like_num else (
                        "people" if head.ent_type_ == "NORP" else head.lemma_.lower())  # "Syrians": people
                    found[kind] = Count(total, first.start, last.end, doc_text(sent.doc)[first.start : last.end], noun)
                    break
    return found
