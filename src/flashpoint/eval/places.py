"""Geoparsing scored against gold toponyms in the LGL XML format.

The format (as in the Local-Global Lexicon corpus)::

    <articles>
      <article docid="...">
        <text>...</text>                      the text the offsets point into
        <toponyms>
          <toponym>
            <start>0</start><end>10</end>     character offsets into <text>
            <phrase>Alexandria</phrase>
            <gaztag geonameid="4314550">      absent when the annotators found no entry
              <name>..</name><fclass>P</fclass><fcode>PPL</fcode><lat>31.3</lat><lon>-92.4</lon>
            </gaztag>
          </toponym> ...

How it is scored:

- Our side is the real pipeline: the configured spaCy model (``nlp.pipe``), then ``places.geoparse`` over
  an ``Article`` built from the gold text as it is (no cleaning, so the offsets align).
- Toponym detection: every place mention counts as a prediction, resolved or not. A prediction matches a
  gold toponym when their character spans overlap (one to one, the largest overlaps paired first);
  ``strict`` requires the same span. Precision, recall and F1 are micro-averaged over all articles.
- Resolution, over overlap-matched pairs where both sides have coordinates: the great-circle error,
  accuracy within 161 km (100 miles, the customary threshold), the median and mean error, and the
  area under the curve of log errors (AUC, lower is better) as in Gritta et al. (2018).
  ``acc_at_161_all`` is the end-to-end figure: the share of gold toponyms that have coordinates which we
  found *and* placed within 161 km.
- ``by_kind`` splits recall and accuracy by the gold entry's kind: country, admin1, admin2 (counties and
  other second-level areas), populated place, other.
- Splits: ``split_of(docid)`` puts each article in the ``tune`` half (sha1 of its docid even) or the
  held-out ``test`` half (odd). Rules and the weights in ``data/geoparse.yaml`` are chosen on the tune half
  only (``eval places --split tune --details`` lists its mistakes; ``--tune`` searches the weights on it);
  the held-out half is only ever read as summary figures.
- ``recall_without_adjectives``: recall over the gold toponyms that are not nationality words ("Russian",
  "Palestinians"). Some gold sets (LGL) annotate those as toponyms; Flashpoint does not emit them as places
  on purpose (they name actors' origins, not where things happen), so this figure shows what that
  convention costs. The headline figures count them.
"""

from __future__ import annotations

import math
import statistics
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..distance import EARTH_RADIUS_KM, haversine_km as distance_km
from ..model import Article, PlaceMention
from .splits import check_split, split_of  # split_of: part of this scorer's API

THRESHOLD_KM = 161.0


@dataclass(slots=True)
class GoldToponym:
    start: int
    end: int
    phrase: str
    geonameid: int | None = None
    name: str | None = None
    fcode: str | None = None
    lat: float | None = None
    lon: float | None = None

    @property
    def kind(self) -> str:
        code = self.fcode or ""
        if code.startswith("PCL"):
            return "country"
        if code == "ADM1":
            return "admin1"
        if code.startswith("ADM"):
            return "admin2"
        if code.startswith("PPL"):
            return "town"
        return "other" if code else "no entry"


@dataclass(slots=True)
class GoldArticle:
    docid: str
    text: str
    toponyms: list[GoldToponym] = field(default_factory=list)
    published: str | None = None


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def read_gold(path: Path, *, limit: int | None = None, split: str = "all") -> list[GoldArticle]:
    """The articles of an LGL-format XML file, in file order (the first ``limit`` of the ``split`` only)."""
    check_split(split)
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise ValueError(f"{path}: not well-formed XML: {exc}") from exc
    out: list[GoldArticle] = []
    for n, art in enumerate(root.iter("article")):
        if limit is not None and len(out) >= limit:
            break
        text = art.findtext("text") or ""
        dltime = (art.findtext("dltime") or "").strip()
        gold = GoldArticle(art.get("docid") or str(n), text, published=dltime[:10] or None)
        if split != "all" and split_of(gold.docid) != split:
            continue
        for top in art.iter("toponym"):
            try:
                start, end = int(top.findtext("start") or ""), int(top.findtext("end") or "")
            except ValueError as exc:
                raise ValueError(f"{path}: article {gold.docid}: toponym without integer offsets") from exc
            g = GoldToponym(start, end, top.findtext("phrase") or text[start:end])
            tag = top.find("gaztag")
            if tag is not None:
                gid = tag.get("geonameid")
                g.geonameid = int(gid) if gid and gid.isdigit() else None
                g.name = tag.findtext("name")
                g.fcode = tag.findtext("fcode")
                g.lat, g.lon = _float(tag.findtext("lat")), _float(tag.findtext("lon"))
            gold.toponyms.append(g)
        out.append(gold)
    return out


def match_spans(gold: list[tuple[int, int]], pred: list[tuple[int, int]], *,
                strict: bool = False) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, predicted index) of overlapping spans (identical ones if ``strict``),
    the largest overlaps paired first, ties by position."""
    if strict:
        where = {span: j for j, span in enumerate(pred)}
        used: set[int] = set()
        pairs = []
        for i, span in enumerate(gold):
            j = where.get(span)
            if j is not None and j not in used:
                used.add(j)
                pairs.append((i, j))
        return pairs
    candidates = []
    for i, (gs, ge) in enumerate(gold):
        for j, (ps, pe) in enumerate(pred):
            overlap = min(ge, pe) - max(gs, ps)
            if overlap > 0:
                candidates.append((-overlap, i, j))
    candidates.sort()
    taken_g: set[int] = set()
    taken_p: set[int] = set()
    pairs = []
    for _, i, j in candidates:
        if i not in taken_g and j not in taken_p:
            taken_g.add(i)
            taken_p.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp}


def _auc(errors: list[float]) -> float | None:
    """Area under the curve of log(1 + error) scaled by the largest possible error (0 perfect, 1 worst)."""
    if not errors:
        return None
    top = math.log(1 + math.pi * EARTH_RADIUS_KM)
    return round(statistics.fmean(math.log(1 + e) / top for e in errors), 4)


def score(golds: list[GoldArticle], predictions: Iterable[list[PlaceMention]], *,
          details: bool = False, adjectival: Callable[[str], bool] | None = None) -> dict[str, Any]:
    """Scores of predicted place mentions (one list per gold article, same order) against the gold.

    ``adjectival`` says whether a gold phrase is a nationality word (for ``recall_without_adjectives``).
    """
    n_gold = n_pred = tp = tp_strict = 0
    n_plain = tp_plain = 0
    errors_km: list[float] = []
    gold_with_coords = within_all = unresolved_matched = 0
    kinds: dict[str, dict[str, Any]] = {}
    mistakes: list[dict[str, Any]] = []
    for gold, preds in zip(golds, predictions, strict=True):
        g_spans = [(t.start, t.end) for t in gold.toponyms]
        p_spans = [(p.start, p.end) for p in preds]
        n_gold += len(g_spans)
        n_pred += len(p_spans)
        pairs = match_spans(g_spans, p_spans)
        tp += len(pairs)
        tp_strict += len(match_spans(g_spans, p_spans, strict=True))
        matched = dict(pairs)
        for i, g in enumerate(gold.toponyms):
            k = kinds.setdefault(g.kind, {"gold": 0, "found": 0, "with_coords": 0, "within": 0})
            k["gold"] += 1
            j = matched.get(i)
            if adjectival is not None and not adjectival(g.phrase):
                n_plain += 1
                tp_plain += j is not None
            if j is not None:
                k["found"] += 1
            elif details:
                mistakes.append({"docid": gold.docid, "phrase": g.phrase, "start": g.start, "gold": g.name,
                                 "gold_fcode": g.fcode, "error": "missed"})
            if g.lat is None or g.lon is None:
                continue
            gold_with_coords += 1
            p = preds[j] if j is not None else None
            if p is None:
                continue
            if p.lat is None or p.lon is None:
                unresolved_matched += 1
                if details:
                    mistakes.append({"docid": gold.docid, "phrase": g.phrase, "start": g.start, "gold": g.name,
                                     "gold_fcode": g.fcode, "error": "unresolved", "found": p.text})
                continue
            err = distance_km(g.lat, g.lon, p.lat, p.lon)
            errors_km.append(err)
            k["with_coords"] += 1
            if err <= THRESHOLD_KM:
                within_all += 1
                k["within"] += 1
            elif details:
                mistakes.append({"docid": gold.docid, "phrase": g.phrase, "start": g.start, "gold": g.name,
                                 "gold_fcode": g.fcode, "gold_id": g.geonameid, "error": "far",
                                 "km": round(err), "found": p.text, "ours": p.name, "ours_country": p.country,
                                 "ours_admin1": p.admin1, "ours_id": p.geonameid})
        if details:
            for j, p in enumerate(preds):
                if j not in matched.values():
                    mistakes.append({"docid": gold.docid, "phrase": p.text, "start": p.start, "error": "spurious",
                                     "ours": p.name, "ours_country": p.country, "role": p.role})
    within = sum(1 for e in errors_km if e <= THRESHOLD_KM)
    result: dict[str, Any] = {
        "articles": len(golds),
        "gold_toponyms": n_gold,
        "predicted_toponyms": n_pred,
        "overlap": _prf(tp, n_pred, n_gold),
        "strict": _prf(tp_strict, n_pred, n_gold),
        "resolution": {
            "pairs_with_coordinates": len(errors_km),
            "matched_but_unresolved": unresolved_matched,
            "acc_at_161": round(within / len(errors_km), 4) if errors_km else None,
            "median_km": round(statistics.median(errors_km), 1) if errors_km else None,
            "mean_km": round(statistics.fmean(errors_km), 1) if errors_km else None,
            "auc": _auc(errors_km),
            "gold_with_coordinates": gold_with_coords,
            "acc_at_161_all": round(within_all / gold_with_coords, 4) if gold_with_coords else None,
        },
        "recall_without_adjectives": (round(tp_plain / n_plain, 4) if n_plain else None)
        if adjectival is not None else None,
        "by_kind": {
            kind: {"gold": k["gold"], "recall": round(k["found"] / k["gold"], 4) if k["gold"] else None,
                   "pairs_with_coordinates": k["with_coords"],
                   "acc_at_161": round(k["within"] / k["with_coords"], 4) if k["with_coords"] else None}
            for kind, k in sorted(kinds.items())
        },
    }
    if details:
        result["mistakes"] = mistakes
    return result


def predict(golds: list[GoldArticle], *, batch_size: int = 32) -> list[list[PlaceMention]]:
    """Our place mentions for each gold article: spaCy, then geoparse, over the text exactly as given."""
    from ..nlp import get_nlp
    from ..places import Gazetteer, geoparse

    nlp = get_nlp()
    gaz = Gazetteer.load()
    out: list[list[PlaceMention]] = []
    for gold, doc in zip(golds, nlp.pipe((g.text for g in golds), batch_size=batch_size), strict=True):
        article = Article(id=Article.content_id(gold.text), text=gold.text, doc_id=gold.docid)
        out.append(geoparse(doc, article, gaz))
    return out


def evaluate(path: Path, *, limit: int | None = None, details: bool = False, split: str = "all") -> dict[str, Any]:
    """Run our geoparser over the gold file's articles and score it (see the module docstring)."""
    from ..places import Gazetteer

    golds = read_gold(Path(path), limit=limit, split=split)
    gaz = Gazetteer.load()
    result = score(golds, predict(golds), details=details,
                   adjectival=lambda phrase: gaz.demonym_country(phrase) is not None)
    result["gold"] = str(path)
    result["split"] = split
    return result


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def report(result: dict[str, Any], *, details: bool = False) -> str:
    """Human-readable lines, end to end first (the caller prints the JSON object after them)."""
    o, s, r = result["overlap"], result["strict"], result["resolution"]
    lines = [
        f"articles: {result['articles']} (split {result.get('split', 'all')})  gold toponyms: "
        f"{result['gold_toponyms']}  predicted: {result['predicted_toponyms']}",
        f"END TO END: {_pct(r['acc_at_161_all'])} of {r['gold_with_coordinates']} gold toponyms with coordinates "
        f"found and placed within 161 km (a missed or unresolved name counts as wrong; "
        f"{r['matched_but_unresolved']} found but unresolved)",
        f"toponyms (overlap): P {_pct(o['precision'])}  R {_pct(o['recall'])}  F1 {_pct(o['f1'])}",
        f"toponyms (strict):  P {_pct(s['precision'])}  R {_pct(s['recall'])}  F1 {_pct(s['f1'])}",
        f"recall without nationality words in the gold: {_pct(result.get('recall_without_adjectives'))}",
        f"found only: resolution over {r['pairs_with_coordinates']} matched toponyms with coordinates: "
        f"acc@161km {_pct(r['acc_at_161'])}  median {r['median_km']} km  mean {r['mean_km']} km  AUC {r['auc']}",
    ]
    for kind, k in result.get("by_kind", {}).items():
        lines.append(f"  {kind:<9} gold {k['gold']:>5}  recall {_pct(k['recall'])}  "
                     f"acc@161km {_pct(k['acc_at_161'])} of {k['pairs_with_coordinates']}")
    if details:
        for m in result.get("mistakes", []):
            lines.append("  " + "  ".join(f"{k}={v}" for k, v in m.items()))
    return "\n".join(lines)


CASES_FILE = "geoparse_cases.yaml"


def load_cases(path: Path | None = None) -> list[dict[str, Any]]:
    """The written sentences whose resolutions the weights must keep (data/geoparse_cases.yaml)."""
    from ..datafiles import read_yaml
    from ..settings import DATA_DIR

    cases = read_yaml(path or DATA_DIR / CASES_FILE) or []
    for n, case in enumerate(cases, 1):
        if not isinstance(case, dict) or not case.get("text") or not case.get("name"):
            raise ValueError(f"{CASES_FILE}: case {n} needs a text and a name")
    return cases


def case_failure(case: dict[str, Any], places: list[PlaceMention]) -> str | None:
    """Why the mentions of ``case["name"]`` do not resolve as the case says; None when they do."""
    found = [p for p in places if p.text == case["name"]]
    if case.get("unresolved"):
        return None if all(p.lat is None for p in found) else f"{case['name']}: resolved to {found[0].name}"
    if not found:
        return f"{case['name']}: not found"
    for p in found:
        got = {"country": p.country_code, "admin1": p.admin1, "feature_class": p.feature_class}
        for key in ("country", "admin1", "feature_class"):
            if key in case and got[key] != case[key]:
                return f"{case['name']}: {key} {got[key]}, not {case[key]}"
    return None


# factors each weight is tried at by ``tune``; a weight at zero is tried at these steps instead
_TUNE_FACTORS = (0.5, 0.75, 1.25, 1.5)
_TUNE_STEPS = (-0.25, 0.25)


def tune(path: Path, *, min_precision: float = 0.90, limit: int | None = None,
         progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Search the geoparser's weights (data/geoparse.yaml) one at a time on the tune half.

    Coordinate ascent: each weight in turn is tried at a few multiples of its value, and a change is kept
    when it raises the end-to-end accuracy (``acc_at_161_all``) by at least 0.1 point while toponym
    precision stays at ``min_precision`` or above and every written case of data/geoparse_cases.yaml
    still resolves as it says (one kind of news must not buy its gains with another's). The texts are
    parsed once; only geoparsing reruns.
    Returns the starting and final figures and the changes, for a person to copy into the data file
    with the figures beside them (the held-out half is never read here).
    """
    import dataclasses

    from ..nlp import get_nlp
    from ..places import Gazetteer, geoparse
    from ..places.geoparse import using_weights
    from ..places.weights import load_weights

    golds = read_gold(Path(path), limit=limit, split="tune")
    gaz = Gazetteer.load()
    nlp = get_nlp()
    docs = list(nlp.pipe((g.text for g in golds), batch_size=32))
    articles = [Article(id=Article.content_id(g.text), text=g.text, doc_id=g.docid) for g in golds]
    cases = load_cases()
    case_docs = [(case, nlp(case["text"]), Article(id="case", text=case["text"])) for case in cases]

    def run(weights: Any) -> tuple[float, float]:
        with using_weights(weights):
            if any(case_failure(case, geoparse(doc, art, gaz)) for case, doc, art in case_docs):
                return 0.0, 0.0
            preds = [geoparse(doc, art, gaz) for doc, art in zip(docs, articles, strict=True)]
        r = score(golds, preds)
        return r["resolution"]["acc_at_161_all"] or 0.0, r["overlap"]["precision"]

    weights = load_weights()
    start = best = run(weights)
    changes: list[dict[str, Any]] = []
    for f in dataclasses.fields(weights):
        value = getattr(weights, f.name)
        tries = [value * k for k in _TUNE_FACTORS] if value else [value + d for d in _TUNE_STEPS]
        for v in tries:
            cand = dataclasses.replace(weights, **{f.name: round(v, 4)})
            acc, prec = run(cand)
            if acc >= best[0] + 0.001 and prec >= min_precision:
                changes.append({"weight": f.name, "from": value, "to": round(v, 4), "end_to_end": acc,
                                "precision": prec})
                weights, best, value = cand, (acc, prec), round(v, 4)
        if progress is not None:
            progress(f"{f.name}: {getattr(weights, f.name)}  end to end {100 * best[0]:.1f}%")
    return {"articles": len(golds), "start": {"end_to_end": start[0], "precision": start[1]},
            "best": {"end_to_end": best[0], "precision": best[1]}, "changes": changes,
            "weights": weights.to_sections()}
