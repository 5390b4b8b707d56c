"""Event classification scored on snippets with one gold label each (TSV: id, text, label).

The whole pipeline codes each snippet; its label is the ACLED sub-event of the most confident
coded event, or NONE when nothing is coded. Prints micro, macro and weighted F1 over sub-types
and over the 6 types (NONE included as a class, and micro F1 over event classes only).
``tune`` grid-searches the lexicon/classifier decision (data/decision.yaml) on the odd-numbered
half and reports both halves, so the tuned figures can be told from the held-out ones.
"""

from __future__ import annotations

import csv
import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path

from ..actors.dictionary import load_dictionary
from ..events.classifier import get_classifier
from ..events.coder import EventCoder
from ..events.decision import Params, decide, load_params
from ..events.ontology import load_ontology
from ..ingest import IngestOptions, make_article
from ..pipeline import extract_articles

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


def _f1s(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    labels = sorted(set(gold) | set(pred))
    support = Counter(gold)
    per: dict[str, float] = {}
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, pred, strict=True))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        per[label] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
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


def _candidates(texts: Sequence[str]) -> list[list[tuple[str, float, float, str]]]:
    """Per snippet, the lexicon's ACLED events: (code, trigger weight, confidence, sentence)."""
    seen: dict[str, list[tuple[str, float, float, str]]] = {}

    def observe(article, draft, event) -> None:
        if draft.code is None:
            return
        sentence = next(ev.text for ev in event.evidence if ev.field == "sentence")
        seen.setdefault(article.origin, []).append((draft.code, draft.hit.trigger.weight, event.confidence, sentence))

    coder = EventCoder(load_ontology(), load_dictionary(), classifier=None, observer=observe)
    articles = [make_article(t, origin=f"eval:{i}", options=IngestOptions()) for i, t in enumerate(texts)]
    for _ in extract_articles(articles, coder=coder):
        pass
    return [seen.get(f"eval:{i}", []) for i in range(len(texts))]


def _label(cands, probs, labels, params: Params | None) -> str:
    best, best_conf = NONE, -1.0
    for (code, weight, conf, _), p in zip(cands, probs, strict=True):
        if params is not None and p is not None:
            v = decide(code, weight, conf, p, labels, params)
            if v.code is None:
                continue
            code, conf = v.code, v.confidence
        if conf > best_conf:
            best, best_conf = code, conf
    return best


def evaluate(path: Path, *, tune: bool = False) -> dict:
    rows = read_tsv(path)
    texts = [r[1] for r in rows]
    gold = [r[2] for r in rows]
    cands = _candidates(texts)
    clf = get_classifier()
    flat = [c[3] for cs in cands for c in cs]
    flat_probs = list(clf.predict(flat)) if clf is not None and flat else []
    it = iter(flat_probs)
    probs = [[next(it) if clf is not None else None for _ in cs] for cs in cands]
    labels = clf.labels if clf is not None else []
    halves = {"tune": [i for i, r in enumerate(rows) if _odd(r[0], i)],
              "held_out": [i for i, r in enumerate(rows) if not _odd(r[0], i)]}

    def score(params: Params | None, idx: Sequence[int]) -> dict:
        pred = [_label(cands[i], probs[i], labels, params) for i in idx]
        return metrics([gold[i] for i in idx], pred)

    result: dict = {"gold": str(path), "n": len(rows), "classifier": clf is not None}
    result["lexicon_only"] = {k: score(None, v) for k, v in halves.items()} | {"all": score(None, range(len(rows)))}
    params = load_params()
    if clf is not None and tune:
        grid = itertools.product([0.4, 0.5, 0.6, 0.7, 0.8, 0.9], [0.55, 0.65, 0.75, 0.85, 1.0],
                                 [0.4, 0.5, 0.6, 0.7, 0.8, 1.01], [0.0, 0.1, 0.2, 0.3])
        best, best_f = params, -1.0
        for d, w, r, m in grid:
            cand = replace(params, drop_none_prob=d, drop_max_weight=w, retype_prob=r, retype_margin=m)
            f = score(cand, halves["tune"])["sub_types"]["weighted"]
            if f > best_f:
                best, best_f = cand, f
        params = best
        result["tuned_params"] = asdict(params)
    if clf is not None:
        result["combined"] = {k: score(params, v) for k, v in halves.items()} | {"all": score(params, range(len(rows)))}
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


__all__ = ["evaluate", "metrics", "read_tsv", "report"]
