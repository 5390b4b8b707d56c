"""Actor resolution scored against sentences with their gold actors (JSONL).

Each line: {"text", "country"?, "actors": [canonical names]}. A sentence's predicted actors are the
canonical names of its actor mentions, excluding people and new organisations that are not armed
(media, companies, ministries of no known actor: kept in the data, but not conflict actors).
Precision and recall are micro-averaged over sentences; errors are listed for inspection.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..actors.resolve import get_resolver
from ..model import Article
from ..nlp import get_nlp
from ..places import Gazetteer, geoparse


@dataclass(slots=True)
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    sentences: int = 0
    errors: list[dict] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict:
        return {"sentences": self.sentences, "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


def read_gold(paths: Iterable[Path]) -> list[tuple[str, dict]]:
    items = []
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    items.append((f"{path.name}:{n}", json.loads(line)))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{n}: malformed JSON: {exc.msg}") from exc
    return items


def score(items: list[tuple[str, dict]]) -> dict[str, Score]:
    """Scores per file and overall ("all")."""
    nlp = get_nlp()
    resolver = get_resolver(nlp)
    texts = [g["text"] for _, g in items]
    scores: dict[str, Score] = {"all": Score()}
    gazetteer = Gazetteer.load()
    for (where, gold), doc in zip(items, nlp.pipe(texts, batch_size=64), strict=True):
        # As in the pipeline: places found first, so a town spaCy calls an organisation is no actor.
        places = geoparse(doc, Article(id=Article.content_id(doc.text), text=doc.text), gazetteer)
        blocked = [(p.start, p.end) for p in places if p.role is None]
        mentions = resolver.resolve(doc, focus_country=gold.get("country"), blocked=blocked)
        got = {m.actor for m in mentions if m.method != "person" and not (m.method == "new" and m.inter is None)}
        want = set(gold.get("actors", []))
        for key in ("all", where.split(":")[0]):
            s = scores.setdefault(key, Score())
            s.sentences += 1
            s.tp += len(got & want)
            s.fp += len(got - want)
            s.fn += len(want - got)
        if got != want:
            scores["all"].errors.append({"where": where, "text": gold["text"], "missing": sorted(want - got),
                                         "extra": sorted(got - want)})
    return scores
