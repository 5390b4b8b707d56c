"""Event classification scored on snippets with one gold label each (TSV: id, text, label).

The whole pipeline codes each snippet; its label is the ACLED sub-event of the most confident
coded event, or NONE when nothing is coded. Prints micro, macro and weighted F1 over sub-types
and over the 6 types (NONE included as a class, and micro F1 over event classes only).
``tune`` grid-searches the lexicon/classifier decision (data/decision.yaml) on the odd-numbered
half and reports both halves, so the tuned figures can be told from the held-out ones.
"""

from __future__ import annotations

import csv
import functools
import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from ..actors.dictionary import load_dictionary
from ..events.classifier import get_classifier
from ..events.coder import EventCoder
from ..events.decision import load_params
from ..events.ontology import load_ontology
from ..ingest import IngestOptions, make_article
from ..model import Article, Event
from ..nlp import get_nlp
from ..pipeline import analyse

NONE = "NONE"


def read_tsv(path: Path) -> list[tuple[str, str, str]]:
    codes = set(load_ontology().sub_events) | {NONE}
    rows: list[tuple[str, str, str]] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header != ["id", "text", "label"]:
            raise ValueError(f"{path}: the first line must be the header id<TAB>text<TAB>label")
        for n, row in enumerate(reader, 2):
            if not row:
                continue
            if len(row) != 3:
                raise ValueError(f"{path}:{n}: expected 3 tab-separated fields, got {len(row)}")
            if row[2] not in codes:
                raise ValueError(f"{path}:{n}: unknown label {row[2]!r}")
            rows.append((row[0], row[1], row[2]))
    return rows


def prf(gold: Sequence[str], pred: Sequence[str], label: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of one label."""
    tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
    fp = sum(p == label != g for g, p in zip(gold, pred, strict=True))
    fn = sum(g == label != p for g, p in zip(gold, pred, strict=True))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return prec, rec, 2 * prec * rec / (prec + rec) if prec + rec else 0.0


def _f1s(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    labels = sorted(set(gold) | set(pred))
    support = Counter(gold)
    per: dict[str, float] = {}
    for label in labels:
        per[label] = prf(gold, pred, label)[2]
    gold_labels = [label for label in labels if support[label]]
    micro = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold) if gold else 0.0
    macro = sum(per[label] for label in gold_labels) / len(gold_labels) if gold_labels else 0.0
    weighted = sum(per[label] * support[label] for label in gold_labels) / len(gold) if gold else 0.0
    # Micro F1 over event classes only: NONE predictions and NONE gold are not credited.
    tp = sum(g == p != NONE for g, p in zip(gold, pred, strict=True))
    n_pred = sum(p != NONE for p in pred)
    n_gold = sum(g != NONE for g in gold)
    prec = tp / n_pred if n_pred else 0.0
    rec = tp / n_gold if n_gold else 0.0
    events_micro = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"micro": round(micro, 4), "macro": round(macro, 4), "weighted": round(weighted, 4),
            "events_micro": round(events_micro, 4), "per_label": {k: round(v, 3) for k, v in per.items()}}


def metrics(gold: Sequence[str], pred: Sequence[str]) -> dict:
    onto = load_ontology()

    def to_type(code: str) -> str:
        sub = onto.sub_event(code)
        return sub.event_type if sub else NONE

    return {"n": len(gold), "sub_types": _f1s(gold, pred),
            "types": _f1s([to_type(g) for g in gold], [to_type(p) for p in pred])}


def top_label(events: Sequence[Event]) -> str:
    """A snippet's label: the ACLED code of its most confident coded event, else NONE."""
    coded = [e for e in events if e.acled is not None]
    best = max(coded, key=lambda e: e.confidence, default=None)
    if best is None or best.acled is None:  # (never None: ``coded`` holds coded events only)
        return NONE
    return _code_by_name()[(best.acled.event_type, best.acled.sub_event_type)]


@functools.lru_cache(maxsize=1)
def _code_by_name() -> dict[tuple[str, str], str]:
    return {(s.event_type, s.sub_event_type): code for code, s in load_ontology().sub_events.items()}


def _predict(docs: Sequence[Doc], articles: Sequence[Article], coder: EventCoder, idx: Sequence[int]) -> list[str]:
    return [top_label(analyse(docs[i], articles[i], coder).events) for i in idx]


def evaluate(path: Path, *, tune: bool = False) -> dict:
    rows = read_tsv(path)
    texts = [r[1] for r in rows]
    gold = [r[2] for r in rows]
    articles = [make_article(t, origin=f"eval:{i}", options=IngestOptions()) for i, t in enumerate(texts)]
    docs = list(get_nlp().pipe([a.text for a in articles], batch_size=64))
    onto, dictionary, clf = load_ontology(), load_dictionary(), get_classifier()
    halves = {"tune": [i for i, r in enumerate(rows) if _odd(r[0], i)],
              "held_out": [i for i, r in enumerate(rows) if not _odd(r[0], i)],
              "all": list(range(len(rows)))}

    def score(coder: EventCoder) -> dict:
        pred = dict(zip(halves["all"], _predict(docs, articles, coder, halves["all"]), strict=True))
        return {k: metrics([gold[i] for i in v], [pred[i] for i in v]) for k, v in halves.items()}

    result: dict = {"gold": str(path), "n": len(rows), "classifier": clf is not None}
    result["lexicon_only"] = score(EventCoder(onto, dictionary, classifier=None))
    if clf is None:
        return result
    params = load_params()
    if tune:
        best, best_f = params, -1.0
        grid = itertools.product([0.5, 0.7, 0.9], [0.65, 0.85], [0.3, 0.4, 0.6], [0.0, 0.1, 0.25], [0.25, 0.3, 0.4])
        for d, w, r, m, p in grid:
            cand = replace(params, drop_none_prob=d, drop_max_weight=w, retype_prob=r, retype_margin=m, propose_prob=p)
            coder = EventCoder(onto, dictionary, classifier=clf, params=cand)
            pred = _predict(docs, articles, coder, halves["tune"])
            f = metrics([gold[i] for i in halves["tune"]], pred)["sub_types"]["weighted"]
            if f > best_f:
                best, best_f = cand, f
        params = best
        result["tuned_params"] = asdict(params)
    result["combined"] = score(EventCoder(onto, dictionary, classifier=clf, params=params))
    return result


def _odd(row_id: str, i: int) -> bool:
    digits = "".join(ch for ch in row_id if ch.isdigit())
    return (int(digits) if digits else i) % 2 == 1


def report(result: dict) -> str:
    lines = [f"{result['n']} snippets from {result['gold']}"]
    for mode in ("lexicon_only", "combined"):
        if mode not in result:
            continue
        for part in ("tune", "held_out", "all"):
            m = result[mode][part]
            st, ty = m["sub_types"], m["types"]
            lines.append(f"{mode:13} {part:9} n={m['n']:4}  sub-types micro {st['micro']:.3f} macro {st['macro']:.3f} "
                         f"weighted {st['weighted']:.3f} (events-only micro {st['events_micro']:.3f})  |  types micro "
                         f"{ty['micro']:.3f} macro {ty['macro']:.3f} weighted {ty['weighted']:.3f}")
    if "tuned_params" in result:
        lines.append(f"tuned decision: {result['tuned_params']}")
    return "\n".join(lines)


__all__ = ["evaluate", "metrics", "prf", "read_tsv", "report", "top_label"]
