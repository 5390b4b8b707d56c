"""Merge the linked triggers of one sentence into one mention, before anything is grouped.

Why its own module: "A suicide bomb blast killed 16 people" fires two triggers (the blast and the
killing) for one act, and "troops clashed with protesters" fires a protest word that is only a side
of the clash. This merge works inside one sentence, on the parse's links between triggers, and runs
before the classifier and grouping; ``grouping`` joins mentions across sentences by agreeing fields,
a different question with different evidence.
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Token

from ..nlp import sentence_of
from .draft import Draft
from .ontology import Ontology


def absorb_linked(drafts: list[Draft], ontology: Ontology) -> list[Draft]:
    """"A suicide bomb blast killed 16 people": the killing is the blast's outcome, not a
    second event; "shot and killed a gunman" is one act. Linked triggers in one sentence collapse
    into the most telling one (two generic acts, "attacked ... and clashed with ...", stay two)."""
    onto = ontology
    rank = {code: i for i, code in enumerate(onto.means_precedence)}

    def weight(d: Draft) -> int | None:
        if d.code in rank:
            return rank[d.code]
        if d.hit.trigger.id in onto.generic_violence | onto.fights:
            return len(rank)
        if d.hit.trigger.id in onto.outcomes:
            return len(rank) + 1
        return None  # not a violent act: never merged this way

    # "troops clashed with protesters": a protest word that is another event's side is no protest of its own
    sides = [(m.start, m.end, d) for d in drafts for m in (d.actor1, d.actor2) if m is not None]
    drafts = [d for d in drafts if not _protest(d, ontology)
              or not any(start <= d.hit.anchor.idx < end and o is not d for start, end, o in sides)]
    out: list[Draft] = []
    in_sentence: dict[int, list[Draft]] = {}  # the kept drafts of each sentence, by its start
    at: dict[int, int] = {}  # where each kept draft is in ``out`` (an article may have thousands)
    for d in drafts:
        wd = weight(d)
        partner: Draft | None = None
        partner_weight = 0
        here = in_sentence.setdefault(sentence_of(d.hit.anchor).start, [])
        if wd is not None:
            for o in here:
                wo = weight(o)
                if wo is None:
                    continue
                if _linked(o.hit.anchor, d.hit.anchor) and (wo != wd or wd != len(rank)):
                    partner, partner_weight = o, wo
                    break
        if partner is None or wd is None:  # (only a weighted draft finds a partner)
            at[id(d)] = len(out)
            out.append(d)
            here.append(d)
            continue
        keep, drop = (partner, d) if partner_weight <= wd else (d, partner)
        if partner_weight == wd and partner.actor2 is None and d.actor2 is not None:
            keep, drop = d, partner  # "shot and killed a gunman": the outcome that names whom
        keep.actor1 = keep.actor1 or drop.actor1
        keep.actor2 = keep.actor2 or drop.actor2
        _sides_from(keep, drop, ontology)
        if keep.hit.anaphoric and not drop.hit.anaphoric:
            # "were killed after intense airstrikes": the means names the killing told here
            keep.hit = replace(keep.hit, anaphoric=False)
        if keep is d:
            at[id(d)] = at.pop(id(partner))
            out[at[id(d)]] = d
            here[here.index(partner)] = d
    return out


def _sides_from(keep: Draft, drop: Draft, ontology: Ontology) -> None:
    """"The attack on the army post killed five soldiers": the kept act names no side, so its sub-type
    was its no-sides guess (an attack); the outcome's victims say who was hit, and its sub-type,
    decided by them, is one the act's own roles could give (soldiers: a clash)."""
    trig = keep.hit.trigger
    if keep.roles.agent is not None or keep.roles.agent_token is not None or keep.roles.target is not None:
        return
    if drop.roles.target is None or drop.code == keep.code:
        return
    if drop.code in {trig.code, *trig.by_target.values(), *trig.by_agent.values()}:
        keep.code = drop.code
        sub = ontology.sub_event(drop.code)
        if sub is not None and trig.plover_type == "ASSAULT":
            keep.plover = sub.plover


def _protest(d: Draft, ontology: Ontology) -> bool:
    sub = ontology.sub_event(d.code)
    return sub is not None and sub.event_type == "Protests"


def _linked(a: Token, b: Token) -> bool:
    return a in b.subtree or b in a.subtree or a.head == b.head
