"""What each stage of `flashpoint extract` costs, beside spaCy's own parse of the same texts.

The issues set budgets as "adds less than X% to the time of bench/throughput.py": actor
resolution 15%, the gazetteer (geoparsing) 20%, event coding 30%. This bench times, in one
warm process over the FA-KES articles, spaCy's `nlp.pipe` and then every stage of
`pipeline.analyse` on the parsed documents, and prints for each stage its seconds and what it
adds to the time of extraction without it: stage / (total - stage). It also times the one-off
loads (gazetteer, actor dictionary, lexicon, classifier) that a fresh process pays once.

Not a timed test: figures depend on the machine; read them, compare them between commits.

Usage: python bench/stages.py [--limit N] [--input FILE.jsonl]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INPUT = ROOT / "examples" / "fa-kes" / "fa-kes.jsonl"
T = TypeVar("T")
BATCH = 16  # articles per parse batch, as in `pipeline.extract_articles`

# What each budget covers, named as the pipeline names its stages.
BUDGETS = {
    "actors (resolution + relations)": (("actors", "relations"), 0.15),
    "places (gazetteer + geoparse)": (("places",), 0.20),
    "events (detection + coding + claims)": (("events", "claims", "vectors"), 0.30),
}


def _timed_loads() -> dict[str, float]:
    """The one-off loads, each timed cold in this process (the classifier's weights come from the
    cache once trained; the encoder's session starts on the first sentence)."""
    from flashpoint.actors.dictionary import load_dictionary
    from flashpoint.events.classifier import get_classifier, get_embedder
    from flashpoint.events.ontology import load_ontology
    from flashpoint.nlp import get_nlp
    from flashpoint.places import Gazetteer

    loads: dict[str, float] = {}
    for name, fn in (("spaCy model", get_nlp), ("gazetteer", Gazetteer.load),
                     ("actor dictionary", load_dictionary), ("ontology + lexicon", load_ontology),
                     ("classifier", get_classifier),
                     ("sentence encoder", lambda: get_embedder().embed(["The first sentence loads the encoder."]))):
        start = time.perf_counter()
        fn()
        loads[name] = time.perf_counter() - start
    return loads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", default=str(DEFAULT_INPUT))
    parser.add_argument("--limit", type=int, default=0, help="Only the first N articles (0: all).")
    args = parser.parse_args()

    from flashpoint import pipeline
    from flashpoint.ingest import IngestOptions, read_inputs
    from flashpoint.model import Article
    from flashpoint.nlp import get_nlp

    articles = [a for a in read_inputs([args.input], IngestOptions()) if isinstance(a, Article)]
    if args.limit:
        articles = articles[: args.limit]
    loads = _timed_loads()
    nlp = get_nlp()

    seconds: dict[str, float] = defaultdict(float)
    original = pipeline._stage

    def timed_stage(name: str, errors: list[str], fn: Callable[[], T], fallback: T) -> T:
        start = time.perf_counter()
        try:
            return original(name, errors, fn, fallback)
        finally:
            seconds[name] += time.perf_counter() - start

    # Warm the per-process caches on a few articles so the figures are steady-state.
    for doc, article in zip(nlp.pipe([a.text for a in articles[:8]]), articles[:8], strict=True):
        pipeline.analyse(doc, article)

    start = time.perf_counter()
    docs = list(nlp.pipe([a.text for a in articles], batch_size=BATCH))
    seconds["spaCy parse"] = time.perf_counter() - start
    pipeline._stage = timed_stage
    try:
        start = time.perf_counter()
        events = 0
        for doc, article in zip(docs, articles, strict=True):
            events += len(pipeline.analyse(doc, article).events)
        analyse_total = time.perf_counter() - start
    finally:
        pipeline._stage = original
    staged = sum(v for k, v in seconds.items() if k != "spaCy parse")
    seconds["other (focus country, claim attribution)"] = max(0.0, analyse_total - staged)
    total = seconds["spaCy parse"] + analyse_total

    print(f"input: {args.input} ({len(articles)} articles), {events} events coded")
    print("one-off loads:", ", ".join(f"{k} {v:.2f} s" for k, v in loads.items()))
    print(f"{'stage':44} {'seconds':>8} {'share':>7} {'adds':>7}")
    for name, value in sorted(seconds.items(), key=lambda kv: -kv[1]):
        print(f"{name:44} {value:8.2f} {value / total:7.1%} {value / (total - value):7.1%}")
    print(f"{'total':44} {total:8.2f}   ({len(articles) / total:.1f} articles/s warm)")
    print(f"{'budget':44} {'adds':>8} {'limit':>7}")
    figures: dict[str, dict[str, float]] = {}
    for label, (names, limit) in BUDGETS.items():
        value = sum(seconds.get(n, 0.0) for n in names)
        adds = value / (total - value)
        figures[label] = {"seconds": round(value, 2), "adds": round(adds, 3), "limit": limit}
        print(f"{label:44} {adds:8.1%} {limit:7.0%}  {'within' if adds < limit else 'OVER'}")
    print(json.dumps({"articles": len(articles), "events": events, "total_s": round(total, 2),
                      "loads_s": {k: round(v, 2) for k, v in loads.items()},
                      "stages_s": {k: round(v, 2) for k, v in seconds.items()}, "budgets": figures}))


if __name__ == "__main__":
    main()
