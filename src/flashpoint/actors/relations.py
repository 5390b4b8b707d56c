"""Relations between actors read from the text: who backs, allies with, belongs to, or designates whom.

Why from the parse: "Iran-backed militias", "factions ... are backed by Iran" and "They are
supported and trained by Tehran" say the same thing in three shapes; the words that signal a
relation are data (relations.yaml), the shapes are the few dependency paths below. Every relation
keeps the words it was read from as evidence.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from spacy.tokens import Doc, Token

from ..datafiles import read_yaml
from ..model import ActorMention, Evidence, Relation
from ..nlp import doc_text
from ..settings import DATA_DIR
from .dictionary import ActorDictionary
from .mentions import MentionIndex

# What the finders report a relation through: (subject, relation, object, start, end) offsets in the text.
_Add = Callable[[str | None, str, str | None, int, int], None]


@functools.lru_cache(maxsize=2)
def _patterns(data_dir: Path = DATA_DIR) -> dict:
    raw = read_yaml(data_dir / "relations.yaml")
    return {
        "compound": {w: rel for rel, words in raw["compound_words"].items() for w in words},
        "passive": {v: rel for rel, verbs in raw["passive_verbs"].items() for v in verbs},
        "alias": [c.split() for c in raw["alias_cues"]],
        "allied": [c.split() for c in raw["allied_cues"]],
        "member": [c.split() for c in raw["member_cues"]],
        "designate": set(raw["designate_verbs"]),
    }


def actor_named(text: str, dictionary: ActorDictionary) -> str | None:
    """The canonical actor a short name or nationality word stands for ("Iran", "Turkish", "U.S.")."""
    hit = dictionary.lookup(text)
    if hit:
        return hit
    country = dictionary.country_of_demonym(text)
    return f"Government of {country}" if country else None


class RelationReader:
    def __init__(self, dictionary: ActorDictionary) -> None:
        self.dictionary = dictionary
        self.p = _patterns()

    def read(self, doc: Doc, mentions: list[ActorMention]) -> list[Relation]:
        index = MentionIndex(doc, mentions)
        found: dict[tuple[str, str, str, int], Relation] = {}

        def add(subject: str | None, relation: str, obj: str | None, start: int, end: int) -> None:
            """Every telling is kept (the graph counts them); one span states one relation once."""
            if not subject or not obj or subject == obj:
                return
            key = (subject, relation, obj, start)
            if key not in found:
                evidence = Evidence("relation", start, end, doc_text(doc)[start:end])
                found[key] = Relation(subject, relation, obj, evidence)

        for tok in doc:
            low = tok.lower_
            if low in self.p["compound"] and tok.i >= 2 and doc[tok.i - 1].text == "-":
                self._compound(doc, tok, index, add)
            if tok.pos_ in {"VERB", "AUX"} and tok.tag_ == "VBN":
                self._passive(tok, index, add)
            if tok.lemma_ in self.p["designate"] and tok.pos_ == "VERB":
                self._designate(tok, index, add)
        for cue_kind, relation in (("alias", "alias_of"), ("allied", "allied_with"), ("member", "member_of")):
            self._cues(doc, index, self.p[cue_kind], relation, add)
        return list(found.values())

    # "Iran-backed militias": the sponsor is the word(s) before the hyphen
    def _compound(self, doc: Doc, word: Token, index: MentionIndex, add: _Add) -> None:
        relation = self.p["compound"][word.lower_]
        hyphen = doc[word.i - 1]
        first = hyphen.i - 1
        while first > 0 and doc[first - 1].text in {"-", "."} and not doc[first - 1].whitespace_:
            first -= 1
        sponsor_text = doc[first : hyphen.i].text
        sponsor = actor_named(sponsor_text, self.dictionary)
        # The backed actor is the noun phrase right after ("Iran-backed Popular Mobilization
        # Units"); headlines are often mis-parsed, so adjacency beats the dependency head.
        after = [t for t in doc[word.i + 1 : word.i + 5] if t.i in index.by_token]
        noun = after[0] if after else (word.head if word.head.i > word.i else None)
        if noun is None:
            return
        subject = index.at(noun)
        if subject is None:
            return
        end = max(subject.end, word.idx + len(word.text))
        add(subject.actor, relation, sponsor, doc[first].idx, end)

    # "Y is supported by X", "factions backed by Iran", "They are supported and trained by Tehran"
    def _passive(self, verb: Token, index: MentionIndex, add: _Add) -> None:
        relation = self.p["passive"].get(verb.lemma_)
        if relation is None or (relation == "designated_by" and verb.lemma_ in self.p["designate"]
                                and not _has_agent(verb)):
            return
        agent = _agent(verb)
        head = verb
        while agent is None and head.dep_ == "conj":  # "supported and trained by Tehran"
            head = head.head
            agent = _agent(head)
        if agent is None:
            for c in verb.children:  # "... supported and trained by Tehran": the agent on the last conjunct
                if c.dep_ == "conj":
                    agent = _agent(c)
        if agent is None:
            return
        subj_tok = _passive_subject(verb) or _passive_subject(head)
        if subj_tok is None and verb.dep_ in {"acl", "relcl"}:
            subj_tok = verb.head  # "militias backed by Iran"
        if subj_tok is None:
            return
        if any(c.lower_ == "whose" for c in subj_tok.children) and verb.dep_ == "relcl":
            subj_tok = verb.head  # "the Hashed, whose most powerful factions are backed by Iran"
        subject = index.at(subj_tok)
        sponsor = index.at(agent) or _named(agent, self.dictionary)
        if subject is None or sponsor is None:
            return
        lo = min(subj_tok.i, verb.i)
        hi = max(agent.i, verb.i)
        doc = verb.doc
        sponsor_name = sponsor.actor if isinstance(sponsor, ActorMention) else sponsor
        add(subject.actor, relation, sponsor_name, doc[lo].idx, doc[hi].idx + len(doc[hi].text))

    # "Washington designated Iran's Islamic Revolutionary Guard Corps a terrorist group"
    def _designate(self, verb: Token, index: MentionIndex, add: _Add) -> None:
        if _passive_subject(verb) is not None:
            return  # handled as passive
        subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        objs = [c for c in verb.children if c.dep_ in {"dobj", "oprd"}]
        if subj is None or not objs:
            return
        designator = index.at(subj)
        target = next((index.at(o) for o in objs if index.at(o) is not None), None)
        if designator is None or target is None:
            return
        doc = verb.doc
        hi = max(o.right_edge.i for o in objs)
        add(target.actor, "designated_by", designator.actor, doc[subj.left_edge.i].idx, doc[hi].idx + len(doc[hi].text))

    # "X, also known as Y", "X, a faction of Y", "X allied with Y"
    def _cues(self, doc: Doc, index: MentionIndex, cues: list[list[str]], relation: str, add: _Add) -> None:
        lowers = [t.lower_ for t in doc]
        for cue in cues:
            n = len(cue)
            for i in range(len(doc) - n):
                if lowers[i : i + n] != cue:
                    continue
                after = next((index.by_token.get(j) for j in range(i + n, min(i + n + 6, len(doc)))
                              if j in index.by_token), None)
                before = next((index.by_token.get(j) for j in range(i - 1, max(i - 12, -1), -1)
                               if j in index.by_token), None)
                if before is None:
                    continue
                if relation == "alias_of":
                    alias_span = _alias_phrase(doc, i + n)
                    if alias_span:
                        add(before.actor, relation, alias_span[2], before.start, alias_span[1])
                    continue
                if after is None or after.actor == before.actor:
                    continue
                add(before.actor, relation, after.actor, before.start, after.end)


def _agent(verb: Token) -> Token | None:
    for c in verb.children:
        if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by"):
            return next((g for g in c.children if g.dep_ == "pobj"), None)
    return None


def _has_agent(verb: Token) -> bool:
    return _agent(verb) is not None


def _passive_subject(verb: Token) -> Token | None:
    return next((c for c in verb.children if c.dep_ == "nsubjpass"), None)


def _named(token: Token, dictionary: ActorDictionary) -> str | None:
    return actor_named(token.text, dictionary)


def _alias_phrase(doc: Doc, i: int) -> tuple[int, int, str] | None:
    """The capitalised name right after "also known as"."""
    j = i
    while j < len(doc) and (doc[j].text[:1].isupper() or doc[j].lower_ in {"al", "el", "-", "al-", "of", "the"}):
        j += 1
    while j > i and doc[j - 1].lower_ in {"of", "the", "-"}:
        j -= 1
    if j == i:
        return None
    span = doc[i:j]
    return span.start_char, span.end_char, span.text


def read_relations(doc: Doc, mentions: list[ActorMention], dictionary: ActorDictionary) -> list[Relation]:
    return RelationReader(dictionary).read(doc, mentions)
