"""Claims: who said what. Reported statements are kept apart from what the article asserts itself.

Why: "a local security official said" is the source of a fact, not the article's own voice; a
careful coder records the speaker, and an event told only inside a claim is coded as claimed.
Shapes read from the parse: “...,” SPEAKER said; SPEAKER said (that) CLAUSE; CLAUSE, SPEAKER told
X; according to SPEAKER, CLAUSE. Speech verbs are data (``data/claims.yaml``).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal, get_args

from spacy.tokens import Doc, Span, Token

from ..datafiles import read_yaml
from ..model import ActorMention, Claim
from ..settings import DATA_DIR

_QUOTES = "\"\u201c\u201d\u2018\u2019'"


SpeechUse = Literal["any", "claimed", "report", "speaker"]


@functools.lru_cache(maxsize=2)
def _cues(data_dir: Path = DATA_DIR) -> tuple[frozenset[str], tuple[tuple[str, ...], ...], dict[str, frozenset[str]]]:
    raw = read_yaml(data_dir / "claims.yaml")
    verbs = frozenset(raw["speech_verbs"])
    uses = {use: frozenset(words) for use, words in raw.get("speech_verb_uses", {}).items()}
    for use, words in uses.items():
        if words - verbs:
            raise ValueError(f"claims.yaml: speech_verb_uses.{use} has verbs not in speech_verbs: "
                             f"{', '.join(sorted(words - verbs))}")
    missing = set(get_args(SpeechUse)) - {"any"} - uses.keys()
    if missing:
        raise ValueError(f"claims.yaml: speech_verb_uses lacks {', '.join(sorted(missing))}")
    return verbs, tuple(tuple(p.split()) for p in raw["according_to"]), uses


def speech_verbs(use: SpeechUse = "any") -> frozenset[str]:
    """The lemmas of reported speech ("said", "reported"): whoever is their subject told of an
    event, and did not do it. ``use`` names the narrower part of the list one rule reads
    (``speech_verb_uses`` in claims.yaml says why each differs)."""
    verbs, _, uses = _cues()
    return verbs if use == "any" else uses[use]


def _span_of(tokens: list[Token]) -> Span | None:
    if not tokens:
        return None
    doc = tokens[0].doc
    lo, hi = min(t.i for t in tokens), max(t.i for t in tokens) + 1
    while lo < hi and (doc[lo].is_punct or doc[lo].text in _QUOTES):
        lo += 1
    while hi > lo and (doc[hi - 1].is_punct or doc[hi - 1].text in _QUOTES):
        hi -= 1
    return doc[lo:hi] if hi > lo else None


def _speaker_actor(speaker: Span, mentions: list[ActorMention]) -> str | None:
    for m in mentions:
        if m.start >= speaker.start_char and m.end <= speaker.end_char:
            return m.actor
    return None


def read_claims(doc: Doc, mentions: list[ActorMention], *, body_start: int = 0) -> list[Claim]:
    verbs, according, _ = _cues()
    claims: list[Claim] = []
    seen: set[tuple[int, int]] = set()

    def add(speaker: Span | None, content: Span | None) -> None:
        if speaker is None or content is None or content.start_char < body_start:
            return
        key = (content.start_char, content.end_char)
        if key in seen or len(content) < 3:
            return
        seen.add(key)
        claims.append(Claim(
            speaker=speaker.text, speaker_start=speaker.start_char, speaker_end=speaker.end_char,
            start=content.start_char, end=content.end_char, text=content.text,
            speaker_actor=_speaker_actor(speaker, mentions),
        ))

    for tok in doc:
        if tok.pos_ == "VERB" and tok.lemma_ in verbs:
            subj = next((c for c in tok.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
            comp = next((c for c in tok.children if c.dep_ in {"ccomp", "parataxis"}), None)
            if subj is None or comp is None:
                continue
            if subj.pos_ == "PRON" and subj.lower_ in {"it", "that", "this"}:
                continue
            add(_span_of(list(subj.subtree)), _span_of([t for t in comp.subtree if t.i != tok.i]))
    lowers = [t.lower_ for t in doc]
    for cue in according:
        n = len(cue)
        for i in range(len(doc) - n + 1):
            if tuple(lowers[i : i + n]) != cue:
                continue
            head = doc[i + n - 1]
            pobj = next((c for c in head.children if c.dep_ == "pobj"), None)
            if pobj is None and i + n < len(doc):
                pobj = doc[i + n]
            if pobj is None:
                continue
            speaker = _span_of(list(pobj.subtree))
            sent = doc[i].sent
            rest = [t for t in sent if not (i <= t.i < (speaker.end if speaker else i + n))]
            add(speaker, _span_of(rest))
    claims.sort(key=lambda c: c.start)
    return claims
