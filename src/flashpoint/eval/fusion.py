"""Cross-article fusion scored against gold event clusters (``flashpoint eval fusion``).

Gold: JSONL, one article per line, ``{"id", "text", "title"?, "published"?, "source"?, "url"?,
"gold": [{"cluster": "C01", "type": "AIR_STRIKE"?}, ...]}``: the fresh events the article tells and
the real-world event (cluster) each belongs to.

The whole pipeline codes every article; each gold item is aligned with the article's coded event
of the same sub-type (else its most confident event not yet aligned); fusion then runs exactly as
in the store. The scores are the standard coreference metrics over the gold items: MUC, B-cubed,
CEAF-e and their mean (CoNLL F1). A gold item with no coded event counts as a cluster of its own,
so missed events cost fusion recall as they would a user.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..datafiles import read_jsonl
from ..events.ontology import load_ontology
from ..fuse.cluster import Assigner, sort_key
from ..fuse.features import FusionConfig, Report, load_config
from ..fuse.persist import ensure_vectors
from ..fuse.reconcile import outlet_of
from ..ingest import make_article
from ..pipeline import extract_articles

Clusters = list[set[str]]


def read_gold(path: Path) -> list[dict[str, Any]]:
    rows = []
    codes = set(load_ontology().sub_events)
    for n, row in read_jsonl(path):
        if not isinstance(row, dict) or not isinstance(row.get("text"), str) or "id" not in row:
            raise ValueError(f"{path}:{n}: each line needs an id and a text")
        gold = row.get("gold")
        if not isinstance(gold, list) or not all(isinstance(g, dict) and g.get("cluster") for g in gold):
            raise ValueError(f"{path}:{n}: gold must be a list of {{\"cluster\": ..., \"type\"?: ...}}")
        for g in gold:
            if g.get("type") and g["type"] not in codes:
                raise ValueError(f"{path}:{n}: unknown sub-event code {g['type']!r}")
        rows.append(row)
    if not rows:
        raise ValueError(f"{path}: no articles")
    return rows


# -- coreference metrics over mention sets ----------------------------------------------------

def _prf(p: float, r: float) -> dict[str, float]:
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4)}


def b_cubed(key: Clusters, response: Clusters) -> dict[str, float]:
    of_key = {m: c for c in key for m in c}
    of_resp = {m: c for c in response for m in c}
    mentions = list(of_key)
    p = sum(len(of_key[m] & of_resp[m]) / len(of_resp[m]) for m in mentions) / len(mentions)
    r = sum(len(of_key[m] & of_resp[m]) / len(of_key[m]) for m in mentions) / len(mentions)
    return _prf(p, r)


def _muc_side(a: Clusters, b: Clusters) -> float:
    of_b = {m: i for i, c in enumerate(b) for m in c}
    num = den = 0
    for c in a:
        parts = {of_b[m] for m in c}
        num += len(c) - len(parts)
        den += len(c) - 1
    return num / den if den else 0.0


def muc(key: Clusters, response: Clusters) -> dict[str, float]:
    return _prf(_muc_side(response, key), _muc_side(key, response))


def max_assignment(weights: list[list[float]]) -> float:
    """The largest total weight of a one-to-one matching (Hungarian method, O(n^3)).

    Written out because CEAF needs an optimal alignment and scipy is not a dependency."""
    n = max(len(weights), max((len(r) for r in weights), default=0))
    if n == 0:
        return 0.0
    top = max((w for row in weights for w in row), default=0.0)
    # Square cost matrix (1-based, as in the classic formulation); padding costs the same.
    cost = [[0.0] * (n + 1)] + [
        [0.0] + [top - (weights[i][j] if i < len(weights) and j < len(weights[i]) else 0.0)
                 for j in range(n)]
        for i in range(n)
    ]
    u, v, match, way = [0.0] * (n + 1), [0.0] * (n + 1), [0] * (n + 1), [0] * (n + 1)
    for i in range(1, n + 1):
        match[0], j0 = i, 0
        minv, used = [float("inf")] * (n + 1), [False] * (n + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = match[j0], float("inf"), 0
            for j in range(1, n + 1):
                if not used[j]:
                    cur = cost[i0][j] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(n + 1):
                if used[j]:
                    u[match[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if match[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            match[j0] = match[j1]
            j0 = j1
    total = 0.0
    for j in range(1, n + 1):
        i = match[j]
        if i and i - 1 < len(weights) and j - 1 < len(weights[i - 1]):
            total += weights[i - 1][j - 1]
    return total


def ceaf_e(key: Clusters, response: Clusters) -> dict[str, float]:
    sim = [[2 * len(k & r) / (len(k) + len(r)) for r in response] for k in key]
    total = max_assignment(sim)
    return _prf(total / len(response), total / len(key))


def scores(key: Clusters, response: Clusters) -> dict[str, Any]:
    out: dict[str, Any] = {"muc": muc(key, response), "b_cubed": b_cubed(key, response),
                           "ceaf_e": ceaf_e(key, response)}
    out["conll_f1"] = round(sum(v["f1"] for v in out.values()) / 3, 4)
    return out


# -- running fusion over the gold articles ----------------------------------------------------

def code_articles(rows: list[dict[str, Any]]) -> tuple[list[Report], dict[str, list[Report]]]:
    """Code every gold article once; its reports, all together and per gold article id."""
    articles = [make_article(r["text"], doc_id=str(r["id"]), title=r.get("title"),
                             published=r.get("published"), source=r.get("source"),
                             url=r.get("url")) for r in rows]
    reports: list[Report] = []
    by_doc: dict[str, list[Report]] = defaultdict(list)
    for row, result in zip(rows, extract_articles(articles), strict=True):
        a = result.article
        meta = {"id": a.doc_id, "title": a.title, "source": a.source, "published": a.published,
                "url": a.url}
        places = frozenset(p.geonameid for p in result.places if p.geonameid)
        for event in result.events:
            blob = result.vectors.get(event.id)
            vec = None if blob is None else np.frombuffer(blob, dtype=np.float16).astype(np.float32)
            rep = Report(event.id, a.id, outlet_of(meta, a.id), event.to_dict(), meta, vec, places)
            reports.append(rep)
            by_doc[str(row["id"])].append(rep)
    ensure_vectors(reports)
    return reports, by_doc


def align(rows: list[dict[str, Any]], by_doc: dict[str, list[Report]]) -> list[tuple[str, str | None]]:
    """(gold cluster, aligned report event id or None) for every gold item."""
    code_of = {sub.sub_event_type: code for code, sub in load_ontology().sub_events.items()}
    out = []
    for row in rows:
        free = list(by_doc.get(str(row["id"]), []))
        for g in row["gold"]:
            best = None
            if free:
                best = max(free, key=lambda r: (code_of.get(r.sub_event_type or "") == g.get("type"),
                                                r.event.get("modality") == "asserted",
                                                r.confidence, r.event_id))
                free.remove(best)
            out.append((g["cluster"], None if best is None else best.event_id))
    return out


def fuse_reports(reports: Sequence[Report], config: FusionConfig) -> dict[str, str]:
    assigner = Assigner(config)
    for report in sorted(reports, key=sort_key):
        assigner.assign(report)
    return dict(assigner.of_event)


def score_run(aligned: list[tuple[str, str | None]], fused: dict[str, str]) -> dict[str, Any]:
    key: dict[str, set[str]] = defaultdict(set)
    response: dict[str, set[str]] = defaultdict(set)
    for i, (cluster, event_id) in enumerate(aligned):
        mention = f"m{i}"
        key[cluster].add(mention)
        response[fused[event_id] if event_id else f"missing:{i}"].add(mention)
    return scores(list(key.values()), list(response.values()))


def evaluate(path: Path, *, tune: bool = False) -> dict[str, Any]:
    rows = read_gold(path)
    reports, by_doc = code_articles(rows)
    aligned = align(rows, by_doc)
    config = load_config()
    result: dict[str, Any] = {
        "articles": len(rows), "gold_items": len(aligned),
        "gold_events": len({c for c, _ in aligned}),
        "aligned": sum(1 for _, e in aligned if e), "reports": len(reports),
        "threshold": config.threshold,
        **score_run(aligned, fuse_reports(reports, config)),
    }
    if tune:
        grid = []
        for text_w in (2.0, 3.0, 4.0):
            for t in np.arange(0.40, 0.86, 0.02):
                cfg = config.with_weights(text=text_w).with_threshold(round(float(t), 2))
                s = score_run(aligned, fuse_reports(reports, cfg))
                grid.append({"text_weight": text_w, "threshold": round(float(t), 2),
                             "b_cubed_f1": s["b_cubed"]["f1"], "conll_f1": s["conll_f1"]})
        result["grid"] = grid
        result["best"] = max(grid, key=lambda g: (g["b_cubed_f1"], g["conll_f1"]))
    return result
