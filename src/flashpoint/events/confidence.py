"""A confidence that means something: the chance that a coded event is right.

Why: the lexicon's and the classifier's scores say how event-like a sentence reads, not how likely
the row is to be a real new event with the right type, date and place. Those depend on what the
whole article gave the row: several tellings, a named perpetrator, a town rather than a country, a
day rather than the report's date. So the final confidence is a logistic model over such features
of the row, fitted on the tune half of the article gold (``flashpoint eval articles
--fit-confidence``) and checked on the held-out half (the reliability table of ``eval articles``).
The weights are data (``data/confidence.yaml``); without the file, the raw score stands.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..datafiles import read_yaml
from ..model import Event
from ..settings import DATA_DIR

FEATURES = ("raw", "tellings", "mentions", "named_actor1", "town", "province", "day", "report_date", "claimed",
            "deaths")
MODEL_PATH = DATA_DIR / "confidence.yaml"


@dataclass(frozen=True, slots=True)
class ConfidenceModel:
    weights: dict[str, float]
    bias: float

    def __call__(self, x: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in x.items())
        return 1.0 / (1.0 + math.exp(-z))


def features(event: Event, raw: float) -> dict[str, float]:
    """What the row shows of its own support, each in [0, 1] (or a small count)."""
    ev = event.evidence
    loc = event.location
    precision = (loc.geo_precision or 3) if loc is not None else 4
    return {
        "raw": raw,
        "tellings": min(3.0, float(sum(1 for e in ev if e.field == "sentence"))) / 3.0,
        "mentions": min(3.0, float(sum(1 for e in ev if e.field == "mention"))) / 3.0,
        "named_actor1": float(event.actor1 is not None and not event.actor1.startswith("Unidentified")),
        "town": float(precision <= 2),
        "province": float(precision == 3 and loc is not None and loc.admin1 is not None),
        "day": float(event.time_precision == 1),
        "report_date": float(event.time_precision == 2 and not any(e.field == "date" for e in ev)),
        "claimed": float(event.modality == "claimed"),
        "deaths": float((event.fatalities or 0) > 0),
    }


@functools.lru_cache(maxsize=2)
def load_model(path: Path = MODEL_PATH) -> ConfidenceModel | None:
    if not path.exists():
        return None
    raw = read_yaml(path) or {}
    weights = {k: float(v) for k, v in (raw.get("weights") or {}).items() if k in FEATURES}
    return ConfidenceModel(weights, float(raw.get("bias", 0.0)))


def fit(rows: list[tuple[dict[str, float], bool]], *, l2: float = 1.0, iterations: int = 50) -> ConfidenceModel:
    """Logistic regression by Newton's method with an L2 penalty (small data: a few hundred rows)."""
    if not rows:
        raise ValueError("no rows to fit the confidence on")
    x = np.array([[r[0][k] for k in FEATURES] for r in rows], dtype=float)
    x = np.hstack([x, np.ones((len(rows), 1))])
    y = np.array([1.0 if r[1] else 0.0 for r in rows])
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[-1] = 0.0  # the bias is not shrunk
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) + penalty * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return ConfidenceModel({k: round(float(v), 4) for k, v in zip(FEATURES, w[:-1], strict=True)},
                           round(float(w[-1]), 4))


def write_model(model: ConfidenceModel, path: Path, note: str) -> None:
    lines = ["# The confidence model (events/confidence.py), version 1: logistic weights over each coded event's",
             "# support, fitted on the tune half of the article gold only. Refit with",
             "# `flashpoint eval articles --fit-confidence`; check on the held-out half (reliability table).",
             f"# {note}", "version: 1", f"bias: {model.bias}", "weights:"]
    lines += [f"  {k}: {v}" for k, v in model.weights.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
