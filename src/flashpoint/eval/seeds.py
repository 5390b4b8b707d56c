"""The seed articles scored against their hand coding (``seeds.gold.json``).

Both ship with the repository: the gold in ``tests/data/seeds.gold.json`` (a verbatim copy of the
team's ``../shared/gold/seeds.gold.json``) and the articles in ``examples/seeds.jsonl``, so that the
score, and the acceptance tests built on it, never depend on a folder beside the clone. A folder
of ``.txt`` files named as the gold names them (the team's ``../shared/seeds``) still works with
``--seeds``.

An event is found when a coded event has the gold's ACLED sub-event (or, for PLOVER-only gold
events, the PLOVER type) and its evidence sentences contain the gold evidence. Then each field
(actors, date, place, casualties, PLOVER type) is compared. Coded events matching no required or
optional gold event are false positives; ``must_not`` items are checked by their evident marks.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..pipeline import extract

REPO = Path(__file__).resolve().parents[3]
GOLD = REPO / "tests" / "data" / "seeds.gold.json"
SEEDS = REPO / "examples" / "seeds.jsonl"

PERSON_AS = {"Civilians (Iraq)": {"Civilians (Iraq)", "Alaa Mashzoub"}}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower().replace("\u2019", "'")))


def _evidence_matches(gold_text: str, event: dict) -> bool:
    want = _words(gold_text.replace("...", " "))
    said = _words(" ".join(ev["text"] for ev in event["evidence"] if ev["field"] == "sentence"))
    return bool(want) and len(want & said) / len(want) >= 0.8


def _type_matches(gold: dict, event: dict) -> bool:
    if gold.get("acled"):
        return bool(event["acled"]) and event["acled"]["sub_event_type"] == gold["acled"]["sub_event_type"]
    return event["acled"] is None and (event["plover"] or {}).get("type") == gold.get("plover")


def _in_range(value: str | None, lo: str, hi: str) -> bool:
    return value is not None and lo <= value <= hi


def _fields(gold: dict, event: dict) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for role in ("actor1", "actor2"):
        if gold.get(role):
            ok_names = PERSON_AS.get(gold[role], {gold[role]})
            out[role] = event[role] in ok_names
    if gold.get("plover"):
        out["plover"] = (event["plover"] or {}).get("type") == gold["plover"]
    if gold.get("date"):
        out["date"] = event["date"] == gold["date"]
    elif gold.get("date_range"):
        out["date"] = _in_range(event["date"], *gold["date_range"])
    if gold.get("time_precision"):
        out["time_precision"] = event["time_precision"] == gold["time_precision"]
    loc = gold.get("location") or {}
    if loc.get("name"):
        out["location"] = (event["location"] or {}).get("name") == loc["name"]
    elif loc.get("country"):
        out["location"] = (event["location"] or {}).get("country") == loc["country"]
    for key in ("fatalities", "injured"):
        if key in gold:
            out[key] = (event[key] or 0) == gold[key]
    return out


def _must_not(doc: dict, events: list[dict]) -> list[str]:
    hits = []
    for e in events:
        sentences = " ".join(ev["text"] for ev in e["evidence"] if ev["field"] == "sentence")
        if (e["fatalities"] or 0) in (603, 5200):
            hits.append(f"count coded as fatalities: {e['fatalities']}")
        if (e["date"] or "")[:4] in {"2014", "2017"}:
            hits.append(f"background history coded as an event: {e['date']}")
        if "inevitable" in sentences:
            hits.append("a forecast coded as an event")
    return hits


def read_seeds(source: Path) -> dict[str, str]:
    """The seed texts by the gold's file name ("000_1d81f38c2b56ac4f.txt"), from a JSONL file of
    ``{"id", "text", ...}`` lines (an id is the file name without ``.txt``) or a folder of files.

    Why both: the repository ships the seeds as one JSONL file, the team's share as text files;
    the texts are the same bytes, so either gives the same score."""
    if source.is_dir():
        return {p.name: p.read_text(encoding="utf-8") for p in sorted(source.glob("*.txt"))}
    texts: dict[str, str] = {}
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            texts[f"{item['id']}.txt"] = item["text"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{source}:{number}: not a seed line with an id and a text ({exc})") from None
    return texts


def evaluate(gold_path: Path = GOLD, seeds: Path = SEEDS) -> dict:
    """Score the seeds (a JSONL file or a folder of ``.txt`` files) against the gold."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    texts = read_seeds(seeds)
    docs = []
    totals = {"required": 0, "found": 0, "false_positives": 0, "must_not_violations": 0, "fields": 0, "fields_ok": 0}
    for doc in gold["documents"]:
        if doc["file"] not in texts:
            raise ValueError(f"no text for {doc['file']} in {seeds}")
        text = texts[doc["file"]]
        given = doc.get("given", {})
        result = extract(text, published=given.get("published"), source=given.get("outlet")).to_dict()
        events = result["events"]
        used: set[int] = set()
        rows = []
        for g in doc["events"]:
            match = next((i for i, e in enumerate(events) if i not in used and _type_matches(g, e)
                          and _evidence_matches(g["evidence"], e)), None)
            if match is not None:
                used.add(match)
            fields = _fields(g, events[match]) if match is not None else {}
            rows.append({"id": g["id"], "status": g["status"], "found": match is not None, "fields": fields})
            if g["status"] == "required":
                totals["required"] += 1
                totals["found"] += match is not None
                totals["fields"] += len(fields)
                totals["fields_ok"] += sum(fields.values())
        fps = [e for i, e in enumerate(events) if i not in used]
        violations = _must_not(doc, events)
        totals["false_positives"] += len(fps)
        totals["must_not_violations"] += len(violations)
        docs.append({"file": doc["file"], "events": rows, "false_positives": [
            {"type": (e["acled"] or {}).get("sub_event_type") or (e["plover"] or {}).get("type"),
             "evidence": next(ev["text"] for ev in e["evidence"] if ev["field"] == "sentence")} for e in fps],
            "must_not_violations": violations})
    accuracy = round(totals["fields_ok"] / totals["fields"], 4) if totals["fields"] else None
    return {"documents": docs, **totals, "field_accuracy": accuracy}


def report(result: dict) -> str:
    lines = []
    for d in result["documents"]:
        lines.append(d["file"])
        for r in d["events"]:
            bad = [k for k, v in r["fields"].items() if not v]
            state = "found" if r["found"] else "MISSED"
            lines.append(f"  {r['id']:7} {r['status']:8} {state:6} " + (f"wrong: {', '.join(bad)}" if bad else ""))
        for fp in d["false_positives"]:
            lines.append(f"  false positive: {fp['type']}: {fp['evidence'][:100]}")
        for v in d["must_not_violations"]:
            lines.append(f"  MUST NOT: {v}")
    lines.append(f"required found {result['found']}/{result['required']}, false positives "
                 f"{result['false_positives']}, must-not violations {result['must_not_violations']}, "
                 f"field accuracy {result['field_accuracy']}")
    return "\n".join(lines)
