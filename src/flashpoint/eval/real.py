"""Event typing on real text: FA-KES sentences and AG world-news items labelled by hand.

Why beside ``eval events``: the development set there is sentences we wrote, clean and canonical;
real news is neither, and most of it (AG's world news) is no political violence at all. Each item
is coded by the whole pipeline as its own short article; its label is the ACLED sub-type of the
most confident event coded, else NONE. A label marked unsure in the gold carries the other reading
a careful coder could defend (``alt``); a prediction of either counts as right.

Splits are by article (FA-KES) or item (AG), never by sentence. FA-KES "train" sentences are part
of the classifier's training data (``data/event_bank_fakes.tsv``), so only "test" rows measure it;
AG items are never trained on (their licence keeps the text out of the product): "tune" rows may
set thresholds, "test" rows are held out.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..datafiles import read_tsv_rows
from ..events.ontology import load_ontology
from ..settings import DATA_DIR
from .article_gold import REPO
from .events import prf, top_label

NONE = "NONE"
FAKES_BANK = DATA_DIR / "event_bank_fakes.tsv"
AG_LABELS = REPO / "tests" / "data" / "events_real" / "ag_labels.tsv"
AG_TEXTS = REPO.parent / "shared" / "corpora" / "ag_news_world_test.csv"


@dataclass(frozen=True, slots=True)
class RealItem:
    id: str
    source: str  # fakes | ag
    split: str  # train | test (FA-KES), tune | test (AG)
    label: str
    alt: str | None
    text: str
    title: str | None = None


def _codes() -> set[str]:
    return set(load_ontology().sub_events) | {NONE}


def _check(path: Path, n: int, row: dict[str, str], splits: set[str], codes: set[str]) -> tuple[str, str | None]:
    if row["label"] not in codes:
        raise ValueError(f"{path.name}:{n}: unknown label {row['label']!r}")
    alt = row.get("alt") or None
    if alt is not None and alt not in codes:
        raise ValueError(f"{path.name}:{n}: unknown alt {alt!r}")
    if row["split"] not in splits:
        raise ValueError(f"{path.name}:{n}: split must be one of {sorted(splits)}")
    return row["label"], alt


def read_fakes(path: Path = FAKES_BANK) -> list[RealItem]:
    """The labelled FA-KES sentences (id, article, split, label, alt, text)."""
    out, codes = [], _codes()
    for n, row in read_tsv_rows(path):
        label, alt = _check(path, n, row, {"train", "test"}, codes)
        if not row["text"].strip():
            raise ValueError(f"{path.name}:{n}: empty text")
        out.append(RealItem(row["id"], "fakes", row["split"], label, alt, row["text"]))
    return out


def read_ag(labels: Path = AG_LABELS, texts: Path = AG_TEXTS) -> list[RealItem]:
    """The labelled AG items (id, split, label, alt), joined to their text, which lives outside
    the repository; an empty list when that file is absent."""
    if not texts.exists():
        return []
    with texts.open(encoding="utf-8", newline="") as fh:
        by_id = {r["id"]: r for r in csv.DictReader(fh)}
    out, codes = [], _codes()
    for n, row in read_tsv_rows(labels):
        label, alt = _check(labels, n, row, {"tune", "test"}, codes)
        src = by_id.get(row["id"])
        if src is None:
            raise ValueError(f"{labels.name}:{n}: {row['id']} is not in {texts.name}")
        out.append(RealItem(row["id"], "ag", row["split"], label, alt, src["description"], src["title"]))
    return out


# ------------------------------------------------------------------------------------------ scoring
def scores(items: Sequence[RealItem], pred: Sequence[str]) -> dict[str, Any]:
    """Sub-type F1 (weighted, macro, per class with support) and "some event" precision/recall;
    an unsure item's other reading counts as right."""
    gold = [p if it.alt is not None and p == it.alt else it.label for it, p in zip(items, pred, strict=True)]
    labels = sorted(set(gold) | set(pred))
    support = Counter(gold)
    per: dict[str, dict[str, float]] = {}
    for label in labels:
        prec, rec, f1 = prf(gold, pred, label)
        per[label] = {"f1": round(f1, 3), "precision": round(prec, 3), "recall": round(rec, 3),
                      "support": support[label]}
    n = len(gold)
    present = [label for label in labels if support[label]]
    event_pred = [p != NONE for p in pred]
    event_gold = [g != NONE for g in gold]
    tp = sum(a and b for a, b in zip(event_pred, event_gold, strict=True))
    return {
        "n": n,
        "weighted_f1": round(sum(per[label]["f1"] * support[label] for label in present) / n, 4) if n else None,
        "macro_f1": round(sum(per[label]["f1"] for label in present) / len(present), 4) if present else None,
        "accuracy": round(sum(g == p for g, p in zip(gold, pred, strict=True)) / n, 4) if n else None,
        "event_precision": round(tp / sum(event_pred), 4) if sum(event_pred) else None,
        "event_recall": round(tp / sum(event_gold), 4) if sum(event_gold) else None,
        "per_label": per,
    }


def predict(items: Sequence[RealItem], coder: Any = None) -> list[str]:
    """Each item coded by the whole pipeline as its own article: the code of its most confident event."""
    from ..ingest import IngestOptions, make_article
    from ..ingest.readers import BadInput
    from ..pipeline import extract_articles

    articles = {}
    for i, it in enumerate(items):
        try:
            articles[i] = make_article(it.text, doc_id=it.id, title=it.title, origin=f"eval-real:{it.id}",
                                       options=IngestOptions())
        except BadInput:
            continue  # all boilerplate ("Tags ...", a credit line): a user's run would code nothing
    out = [NONE] * len(items)
    for i, result in zip(articles, extract_articles(list(articles.values()), coder=coder), strict=True):
        out[i] = top_label(result.events)
    return out


def evaluate(items: Sequence[RealItem], coder: Any = None) -> dict[str, Any]:
    pred = predict(items, coder)
    result: dict[str, Any] = {}
    for source in sorted({it.source for it in items}):
        for split in sorted({it.split for it in items if it.source == source}):
            idx = [i for i, it in enumerate(items) if it.source == source and it.split == split]
            result[f"{source} {split}"] = scores([items[i] for i in idx], [pred[i] for i in idx])
    held = [i for i, it in enumerate(items) if it.split == "test"]
    if held:
        result["all test"] = scores([items[i] for i in held], [pred[i] for i in held])
    return result


def report(result: dict[str, Any], *, per_label: bool = True) -> str:
    lines = []
    for part, m in result.items():
        lines.append(f"{part:11} n={m['n']:5}  sub-type weighted F1 {_f(m['weighted_f1'])}  macro {_f(m['macro_f1'])}  "
                     f"accuracy {_f(m['accuracy'])}  |  some event: precision {_f(m['event_precision'])} "
                     f"recall {_f(m['event_recall'])}")
    if per_label and "all test" in result:
        lines.append("per sub-type on the held-out rows (F1, precision, recall, support):")
        for label, v in sorted(result["all test"]["per_label"].items(), key=lambda kv: -kv[1]["support"]):
            lines.append(f"  {label:30} {v['f1']:.3f}  P {v['precision']:.3f}  R {v['recall']:.3f}  n={v['support']}")
    return "\n".join(lines)


def _f(v: float | None) -> str:
    return "  -  " if v is None else f"{v:.3f}"


__all__ = ["AG_LABELS", "AG_TEXTS", "FAKES_BANK", "RealItem", "evaluate", "read_ag", "read_fakes", "report", "scores"]
