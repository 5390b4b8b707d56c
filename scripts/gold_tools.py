"""Tools for labelling the article-level gold by docs/CODING_GUIDE.md.

    python scripts/gold_tools.py actors                      # canonical actor names (dictionary + conventions)
    python scripts/gold_tools.py place NAME [--country CC]
        # GeoNames candidates: name, admin1, country, lat, lon, population
    python scripts/gold_tools.py show ID [ID ...]
        # an article's text, sentence by sentence, with its metadata
    python scripts/gold_tools.py check FILE [FILE ...]
        # validate gold lines (quotes found, codes, actors, dates, places)
    python scripts/gold_tools.py offsets IN OUT
        # quotes -> {field, start, end}; notes dropped (AG: no text may ship)

Texts come from examples/fa-kes/fa-kes.jsonl (FA-KES ids) and ../shared/corpora/ag_news_world_test.csv
(ag-world ids; that text stays outside the repository).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from flashpoint.eval.article_gold import (  # noqa: E402
    GoldError,
    load_gold,
    load_texts,
    locate,
    validate,
)


def cmd_actors(_: argparse.Namespace) -> None:
    from flashpoint.actors.dictionary import load_dictionary

    d = load_dictionary()
    for name in sorted(d.actors):
        a = d.actors[name]
        print(f"{name}\t{a.actor_type}\t{a.country or ''}")
    print("# conventions: Military Forces of X | Police Forces of X | Government of X | Rebel Group (X) |"
          " Unidentified Armed Group (X) | Civilians (X) | Protesters (X) | Rioters (X)")


def cmd_place(args: argparse.Namespace) -> None:
    from flashpoint.places import Gazetteer

    gaz = Gazetteer.load()
    for c in gaz.lookup(args.name, country_codes=[args.country] if args.country else [])[: args.limit]:
        print(f"{c.name}\t{c.admin1 or ''}\t{c.country or ''}\t{c.lat}\t{c.lon}\tpop={c.population}\t"
              f"{c.feature_code}\tgeonameid={c.geonameid}\tmatch={c.match}")


def cmd_show(args: argparse.Namespace) -> None:
    texts = load_texts()
    for doc_id in args.ids:
        src = texts.get(doc_id)
        if src is None:
            print(f"{doc_id}: not found", file=sys.stderr)
            continue
        # The dataset's own date and place labels are left out: the gold is coded from the text alone.
        meta = {k: v for k, v in src.items() if k not in {"text", "description"} and not k.startswith("fakes_")}
        print(json.dumps(meta, ensure_ascii=False))
        body = src.get("text") or src.get("description") or ""
        print(body)
        print()


def cmd_check(args: argparse.Namespace) -> None:
    texts = load_texts()
    bad = 0
    total = 0
    for path in args.files:
        try:
            items = load_gold(Path(path))
        except GoldError as exc:
            print(f"{path}: {exc}")
            bad += 1
            continue
        for item in items:
            total += 1
            for problem in validate(item, texts):
                bad += 1
                print(f"{path}: {item.id}: {problem}")
    print(f"{total} article(s) checked, {bad} problem(s)")
    sys.exit(1 if bad else 0)


def _span(quote: str, source: dict) -> dict:
    for key in ("description", "title", "text"):
        where = locate(quote, source.get(key) or "")
        if where is not None:
            return {"field": key, "start": where[0], "end": where[1]}
    raise SystemExit(f"quote not found verbatim in {source.get('id')}: {quote[:60]!r}")


def cmd_offsets(args: argparse.Namespace) -> None:
    """Rewrite a quote-based gold file so that it holds no text of the articles: every mention and
    trap becomes offsets into the source record's field, and free-text notes are dropped."""
    texts = load_texts()
    out = []
    for line in Path(args.src).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        source = texts[item["id"]]
        item.pop("note", None)
        for e in item.get("events", []):
            e.pop("note", None)
            e["mentions"] = [m if isinstance(m, dict) else _span(m, source) for m in e["mentions"]]
        for t in item.get("traps", []):
            t.pop("note", None)
            quote = t.pop("quote", None)
            if quote is not None:
                t["span"] = _span(quote, source)
        out.append(json.dumps(item, ensure_ascii=False))
    Path(args.dst).write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"{len(out)} article(s) written to {args.dst}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("actors").set_defaults(fn=cmd_actors)
    p = sub.add_parser("place")
    p.add_argument("name")
    p.add_argument("--country", default=None, help="ISO2 code to prefer, e.g. SY")
    p.add_argument("--limit", type=int, default=8)
    p.set_defaults(fn=cmd_place)
    s = sub.add_parser("show")
    s.add_argument("ids", nargs="+")
    s.set_defaults(fn=cmd_show)
    c = sub.add_parser("check")
    c.add_argument("files", nargs="+")
    c.set_defaults(fn=cmd_check)
    o = sub.add_parser("offsets")
    o.add_argument("src")
    o.add_argument("dst")
    o.set_defaults(fn=cmd_offsets)
    args = parser.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()
