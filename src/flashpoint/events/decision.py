"""Lexicon + classifier: keep, drop or re-type an event, and say how sure we are.

A pure function of one event's lexicon facts and the classifier's probabilities for its sentence,
with thresholds read from ``data/decision.yaml``; ``flashpoint eval events --tune`` re-applies it
over a grid without re-parsing anything.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from ..datafiles import read_yaml
from ..settings import DATA_DIR


@dataclass(frozen=True, slots=True)
class Params:
    drop_none_prob: float = 0.6
    drop_max_weight: float = 0.75
    retype_prob: float = 0.55
    retype_margin: float = 0.25
    propose_prob: float = 0.5
    propose_after_event_prob: float = 0.6
    classifier_share: float = 0.5


@functools.lru_cache(maxsize=2)
def load_params(path: Path = DATA_DIR / "decision.yaml") -> Params:
    raw = read_yaml(path) or {}
    return Params(**{f.name: float(raw[f.name]) for f in fields(Params) if f.name in raw})


@dataclass(frozen=True, slots=True)
class Verdict:
    code: str | None  # None: drop the event
    confidence: float
    p_code: float


def decide(code: str, weight: float, lexicon_confidence: float, probs: np.ndarray, labels: list[str],
           params: Params) -> Verdict:
    p = dict(zip(labels, probs.tolist(), strict=True))
    p_none = p.get("NONE", 0.0)
    p_code = p.get(code, 0.0)
    if p_none >= params.drop_none_prob and weight <= params.drop_max_weight:
        return Verdict(None, 0.0, p_code)
    top = max((label for label in labels if label != "NONE"), key=lambda label: p[label])
    chosen = code
    if top != code and p[top] >= params.retype_prob and p[top] - p_code >= params.retype_margin:
        chosen = top
    share = params.classifier_share
    confidence = (1 - share) * lexicon_confidence + share * p[chosen]
    return Verdict(chosen, round(min(0.99, confidence), 3), p[chosen])
