"""Is a trigger a fresh fact? Negation, forecasts, questions, generic statements, reported claims.

Why it matters: "Confrontation ... is inevitable", "has not been seen", "are designated terrorist
organisations" and "were formed in 2014" all contain event words, and none is a new event to code.
Only ``asserted`` and ``claimed`` events are coded; the others are kept out of the event table.
"""

from __future__ import annotations

import bisect
import re

from spacy.tokens import Doc, Token

from ..model import CODED_MODALITIES
from ..nlp import sentence_number, sentence_of
from .claims import speech_verbs
from .ontology import load_ontology

CODED = CODED_MODALITIES  # the others are kept out of the event table

_MODALS = {"will", "would", "could", "may", "might", "shall", "should", "can", "must", "'ll"}
_FUTURE_GOVERNORS = {"threaten", "plan", "vow", "intend", "expect", "prepare", "aim", "seek", "want",
                     "warn", "fear", "try", "attempt", "hope", "pledge", "promise", "decide", "refuse"}
_FORECAST_ADJ = {"inevitable", "likely", "possible", "imminent", "expected", "looming", "probable", "feared"}
_NEGATORS = {"no", "never", "neither", "nor", "without"}
_HEDGES = {"allegedly", "reportedly", "purportedly", "apparently", "supposedly", "suspected", "alleged",
           "purported", "possible", "presumed"}


_NOBODY = {"nobody", "none", "nothing", "noone", "no-one"}


def nobody(subject: Token) -> bool:
    """"no one", "nobody", "no civilians": a subject or victim that says none."""
    return subject.lower_ in _NOBODY or any(c.dep_ == "det" and c.lower_ == "no" for c in subject.children)


def _clause_verb(anchor: Token) -> Token:
    tok = anchor
    while tok.pos_ not in {"VERB", "AUX"} and tok.head.i != tok.i:
        tok = tok.head
    return tok


def classify(anchor: Token, *, verbal_event: bool = False) -> str:
    """asserted | claimed | negated | forecast | question | generic (``model.MODALITIES``).

    ``verbal_event``: the trigger is itself a statement (reject, accuse): a speech verb above it
    is how the act was done, not a sign that someone else merely claims it happened.
    """
    verb = _clause_verb(anchor)
    sent = sentence_of(anchor)
    if sent.text.rstrip().endswith("?"):
        return "question"
    for tok in {anchor, verb}:
        for c in tok.children:
            if c.dep_ == "neg" or (c.lower_ in _NEGATORS and c.dep_ in {"det", "advmod", "preconj"}):
                return "negated"
            if tok is anchor and anchor.pos_ == "VERB" and c.dep_ in {"nsubj", "nsubjpass"} and nobody(c):
                return "negated"  # "No one was killed", "nobody died" (not the blast "no one was hurt in")
    for c in verb.children:
        if c.dep_ == "aux" and c.lower_ in _MODALS:
            return "forecast"
        if c.dep_ == "aux" and c.lower_ == "to" and verb.head.lemma_ in _FUTURE_GOVERNORS:
            return "forecast"
    if verb.dep_ in {"xcomp", "ccomp"} and verb.head.lemma_ in _FUTURE_GOVERNORS:
        return "forecast"
    if _intended(verb):
        return "forecast"  # "an offensive to retake Aleppo", "calls to fight the Kurds": an aim, not a deed
    # "Confrontation ... is inevitable": the event noun is the subject of a forecast adjective.
    if anchor.dep_ in {"nsubj", "nsubjpass"}:
        for c in anchor.head.children:
            if c.dep_ in {"acomp", "attr"} and c.lower_ in _FORECAST_ADJ:
                return "forecast"
    if _generic(anchor) or _aggregate(verb) or _copular_generic(anchor) or _habitual(anchor, verb) \
            or _running(verb) or _descriptive(anchor) or _caption(anchor) or _identifying(anchor):
        return "generic"
    if any(c.lower_ in _HEDGES for c in list(verb.children) + list(anchor.children)):
        return "claimed"
    if not verbal_event:
        head = verb
        while head.dep_ in {"ccomp", "conj", "advcl", "xcomp"} and head.head.i != head.i:
            head = head.head
            if head.lemma_ in speech_verbs("claimed"):
                return "claimed"
        if _inside_quote(anchor):
            return "claimed"
    return "asserted"


# Infinitives under these verbs tell what happened ("managed to capture", "continued to pound");
# any other infinitive tells an aim, a plan or a wish ("an operation to retake", "trying to set up").
_FACTUAL_GOVERNORS = {"manage", "succeed", "continue", "begin", "start", "resume", "proceed", "keep", "go",
                      "come", "use"}
_HABITUAL = {"often", "repeatedly", "regularly", "frequently", "routinely", "daily", "nightly", "usually", "always",
             "constantly", "continually", "periodically", "sometimes", "near-daily", "habitually", "generally"}


def _intended(verb: Token) -> bool:
    if not any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return False
    governor = verb.head
    return governor.i == verb.i or governor.lemma_.lower() not in _FACTUAL_GOVERNORS


def _habitual(anchor: Token, verb: Token) -> bool:
    """"regime forces often strike rebel-held areas", "has repeatedly targeted": what is done again
    and again, not one event."""
    heads = [verb]
    while heads[-1].dep_ in {"advcl", "conj", "xcomp"} and heads[-1].head.i != heads[-1].i:
        heads.append(heads[-1].head)  # "often strike rebel-held areas, killing civilians"
    words = [c for h in heads for c in h.children] + list(anchor.children) + list(anchor.lefts)
    return any(w.lower_ in _HABITUAL for w in words)


def _running(verb: Token) -> bool:
    """"has carried out strikes since last December", "have been battling for six years": a perfect
    over a stretch of time is a running state or total, not one event."""
    perfect = any(c.dep_ == "aux" and c.lemma_ == "have" for c in verb.children)
    if not perfect:
        return False
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ == "since":
            return True
        if c.dep_ == "prep" and c.lower_ == "for" and any(g.lemma_.lower() in _SPAN_UNITS for g in c.subtree):
            return True
    return False


_SPAN_UNITS = {"year", "month", "week", "decade"}


def _generic(anchor: Token) -> bool:
    """Present-tense statements of a state of affairs ("are designated", "are accused of")."""
    if anchor.pos_ not in {"VERB", "AUX"}:
        return False
    if anchor.tag_ == "VBZ":
        # Only the -s form: the tagger also calls irregular past forms it does not know ("retook")
        # VBP, and news bodies rarely tell fresh events in the plural simple present.
        return True
    if anchor.tag_ == "VBN":
        aux = [c for c in anchor.children if c.dep_ in {"auxpass", "aux"}]
        if aux and all(a.tag_ in {"VBZ", "VBP"} and a.lemma_ == "be" for a in aux):
            return True
    return False


def _aggregate(verb: Token) -> bool:
    """"More than 230000 people have been killed in the conflict so far", "865 people killed since
    strikes began", "223 fighters had been killed since the offensive began": a running total, not
    an event. Perfect (present or past) or participle, with a cue of totals."""
    perfect = any(c.dep_ == "aux" and c.lemma_ == "have" and c.tag_ in {"VBZ", "VBP", "VBD"} for c in verb.children)
    participle = verb.tag_ == "VBN" and verb.dep_ in {"acl", "amod", "relcl"}
    if not (perfect or participle):
        return False
    sentence = " " + " ".join(t.lower_ for t in sentence_of(verb)) + " "
    return any(f" {cue} " in sentence for cue in load_ontology().aggregate_cues)


def _caption(anchor: Token) -> bool:
    """"An opposition fighter shoots his weapon in a battle with Daesh", "Fighters attend the funeral of
    eight comrades who died during an assault": a photo's caption, told in the simple present, whose
    events are the picture's subject, not the article's news. A sentence whose main verb is a simple
    present of doing (not of saying, being or having) is read so, past the headline and the lead."""
    root = sentence_of(anchor).root
    if root.tag_ not in {"VBZ", "VBP"} or root.i == anchor.i:
        return False
    if sentence_number(anchor) < load_ontology().caption_from_sentence:
        return False  # a headline or a wire lead tells fresh news in the present ("Troops surround Najaf")
    if root.lemma_.lower() in speech_verbs() or root.lemma_ in {"be", "have", "do"} or _tells_casualties(root):
        return False  # "Syrian army kills 62 rebels ...": a headline run into the lead, not a caption
    return not any(c.dep_ in {"aux", "auxpass"} for c in root.children)


def _descriptive(anchor: Token) -> bool:
    """"FSA members fighting alongside other factions were moved to the border", "the father of a
    militant fighting to unseat the government spoke": a participle that says who someone is, not an
    event the sentence tells. Such a sentence tells a fight only when its own verb tells casualties
    ("Rebels fighting government troops in Hama killed five soldiers")."""
    ontology = load_ontology()
    if (anchor.tag_ != "VBG" or anchor.dep_ != "acl" or anchor.head.pos_ not in {"NOUN", "PROPN"}
            or anchor.lemma_.lower() not in ontology.descriptive_participles):
        return False
    return not _tells_casualties(sentence_of(anchor).root)


def _tells_casualties(verb: Token) -> bool:
    return verb.lemma_.lower() in load_ontology().casualty_verbs


_RELATIVES = {"who", "that", "which", "whom"}


def _identifying(anchor: Token) -> bool:
    """"the group that kidnapped two engineers", "militants who killed two hostages": a restrictive
    relative clause names someone by a deed told before, not a fresh event (a clause set off by a
    comma, "the rebels, who attacked the convoy on Monday, fled", still tells one)."""
    head = anchor.head
    if anchor.dep_ != "relcl" or head.pos_ not in {"NOUN", "PROPN"}:
        return False
    ontology = load_ontology()
    lemma = head.lemma_.lower()
    if not (head.ent_type_ in {"PERSON", "NORP", "ORG"} or lemma in ontology.casualty_nouns
            or lemma in ontology.actor_heads):
        return False  # "an attack that killed 12", "a bomb that exploded": the event's own clause
    rel = [c for c in anchor.children if c.dep_ in {"nsubj", "nsubjpass"} and c.lower_ in _RELATIVES]
    return bool(rel) and (rel[0].i == 0 or anchor.doc[rel[0].i - 1].text != ",")


def _copular_generic(anchor: Token) -> bool:
    """"Bomb attacks in Hasaka have been rarer": an event noun described, not an event told."""
    if anchor.pos_ not in {"NOUN", "PROPN"} or anchor.dep_ != "nsubj":
        return False
    head = anchor.head
    return head.lemma_ == "be" and any(c.dep_ in {"acomp", "attr"} for c in head.children)


_QUOTED = re.compile(r'\u201c[^\u201d\n]*(?:\u201d|$)|"[^"\n]*(?:"|$)', re.M)


def _quote_spans(doc: Doc) -> tuple[list[int], list[int]]:
    """Quoted stretches of a document, found once: a quote never runs past its paragraph."""
    cached = doc.user_data.get("flashpoint_quotes")
    if cached is None:
        spans = [(m.start(), m.end()) for m in _QUOTED.finditer(doc.text)]
        cached = ([a for a, _ in spans], [b for _, b in spans])
        doc.user_data["flashpoint_quotes"] = cached
    return cached


def _inside_quote(anchor: Token) -> bool:
    starts, ends = _quote_spans(anchor.doc)
    i = bisect.bisect_right(starts, anchor.idx) - 1
    return i >= 0 and anchor.idx < ends[i]
