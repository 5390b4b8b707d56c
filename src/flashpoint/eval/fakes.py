"""Agreement with FA-KES's own labels: the date and governorate of the event each article reports.

Why: the dataset's authors labelled every one of its 804 articles with the date and place of the
event it reports (from VDC records). An analyst reading our table sees an article's main event:
its date should fall within a day of the label and its place should lie in the labelled
governorate. The main event is the ACLED event with the most fatalities, then the highest
confidence; an article with none counts as wrong on both.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from ..datafiles import read_yaml
from ..model import Event
from ..settings import DATA_DIR

DEFAULT = Path(__file__).resolve().parents[3] / "examples" / "fa-kes" / "fa-kes.jsonl"


def main_event(events: list[Event]) -> Event | None:
    coded = [e for e in events if e.acled is not None]
    if not coded:
        return None
    return max(coded, key=lambda e: (e.fatalities or 0, e.confidence, -coded.index(e)))


def _labels() -> dict[str, frozenset[str]]:
    raw = read_yaml(DATA_DIR / "fakes_locations.yaml")
    return {k: frozenset(v) for k, v in raw["labels"].items()}


def score(event: Event | None, label_date: str, label_place: str, labels: dict[str, frozenset[str]]) -> dict[str, bool]:
    """Date within one day of the label; place in (or named as) the labelled governorate."""
    date_ok = place_ok = False
    if event is not None and event.date:
        gap = abs((dt.date.fromisoformat(event.date[:10]) - dt.date.fromisoformat(label_date)).days)
        date_ok = gap <= 1
    loc = event.location if event is not None else None
    if loc is not None:
        wanted = labels.get(label_place.strip().lower(), frozenset())
        place_ok = bool(loc.admin1 in wanted or loc.name in wanted)
    return {"date": date_ok, "place": place_ok}


def evaluate(path: Path = DEFAULT, *, limit: int | None = None) -> dict[str, Any]:
    from ..ingest import IngestOptions, make_article
    from ..pipeline import extract_articles

    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    if limit:
        rows = rows[:limit]
    labels = _labels()
    unknown = sorted({r["fakes_location"] for r in rows} - labels.keys())
    if unknown:
        raise ValueError(f"FA-KES location label(s) not in data/fakes_locations.yaml: {', '.join(unknown)}")
    articles = [make_article(r["text"], doc_id=r["id"], title=r.get("title"), source=r.get("source"),
                             origin=f"fakes:{r['id']}", options=IngestOptions()) for r in rows]
    n = len(rows)
    date_ok = place_ok = undated = country_only = no_event = 0
    misses: list[dict[str, Any]] = []
    for r, result in zip(rows, extract_articles(articles), strict=True):
        main = main_event(result.events)
        s = score(main, r["fakes_date"], r["fakes_location"], labels)
        date_ok += s["date"]
        place_ok += s["place"]
        no_event += main is None
        undated += main is not None and not main.date
        country_only += main is not None and main.location is not None and main.location.admin1 is None \
            and main.location.name == main.location.country
        if not all(s.values()):
            misses.append({"id": r["id"], "label_date": r["fakes_date"], "label_place": r["fakes_location"],
                           "date": main.date if main else None,
                           "place": (main.location.name if main and main.location else None),
                           "admin1": (main.location.admin1 if main and main.location else None),
                           "wrong": [k for k, v in s.items() if not v]})
    return {
        "articles": n,
        "date_within_1_day": round(date_ok / n, 4) if n else None,
        "place_named": round(place_ok / n, 4) if n else None,
        "no_event": no_event,
        "main_undated": undated,
        "main_country_only": country_only,
        "misses": misses,
    }


def report(result: dict[str, Any], *, details: bool = False) -> str:
    lines = [f"FA-KES: {result['articles']} articles; main event dated within 1 day of the label "
             f"{result['date_within_1_day']:.3f}, placed in the labelled governorate {result['place_named']:.3f}",
             f"  no ACLED event {result['no_event']}, main event undated {result['main_undated']}, "
             f"only a country {result['main_country_only']}"]
    if details:
        for m in result["misses"]:
            lines.append(f"  {m['id']}: wrong {','.join(m['wrong'])}: label {m['label_date']} {m['label_place']}; "
                         f"got {m['date']} {m['place']} ({m['admin1']})")
    return "\n".join(lines)
