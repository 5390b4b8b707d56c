"""Time tagging and normalisation scored against TimeML (``.tml``) files, as in TimeBank 1.2.

Reading a file: the plain text is the character content of ``<TEXT>`` with every inline tag (``EVENT``,
``TIMEX3``, ``SIGNAL`` ...) removed and entities decoded, so gold offsets are offsets into exactly the text
our pipeline sees. The document creation time is the ``TIMEX3`` with ``functionInDocument="CREATION_TIME"``
(TimeBank puts it in ``<DCT>``); its date is ``Article.published``. Our side is the real pipeline: the
configured spaCy model (``nlp.pipe``), then ``times.tag_times``.

What is scored, and why:

- Gold timexes of type DATE and TIME are what the tagger aims at; DURATION ("three years") and SET
  ("every week") are not time positions and our tagger leaves them out on purpose. The headline figures
  therefore count DATE/TIME gold only, and a prediction that overlaps a DURATION/SET gold timex is set
  aside (neither right nor wrong). ``all_types`` repeats the extent figures with every gold type counted
  and nothing set aside, for comparison with other systems.
- Extents: ``strict`` needs identical spans; ``relaxed`` pairs overlapping spans one to one, largest
  overlap first. Every TimeMention we emit counts as a prediction, with or without a value.
- Values, over relaxed-matched DATE/TIME pairs: ``value_accuracy`` is exact string equality of our value
  with the gold value. A prediction without a value (an event-relative expression we leave for the event
  stage) counts as wrong. ``value_accuracy_lenient`` applies two documented equivalences only:
  a gold TIME value is compared by its date part ("1998-01-08TNI", "1998-01-08T18:00" = "1998-01-08"),
  since clock times are out of our scope; and TimeML's half-years ``YYYY-H1/H2`` and weekend
  ``YYYY-Www-WE`` are compared by year and week ("1998-W02-WE" = "1998-W02"). Nothing else is forgiven:
  TimeBank's "XXXX" wildcard values stay wrong, since we never output them; ``value_accuracy_calendar``
  gives the accuracy over gold values that name a calendar position (no REF, no X) for a view of
  normalisation quality alone.
- End to end first: ``end_to_end`` gives extent recall (relaxed) and value accuracy over *all* gold DATE/TIME
  expressions, a missed expression counting as a wrong value; this is what a reader of our output sees.
  The found-only figures above it say whether the gap is in finding or in normalising.
- Vague values: the tagger, as the pipeline runs it, gives "now", "recently" and "the future" TimeML's
  PRESENT_REF, PAST_REF and FUTURE_REF values, which TimeBank annotates (the event coder never dates an
  event from them). ``calendar_only`` repeats the end-to-end figures with those mentions removed, to show
  what they add.

The split (``split="tune"|"test"``): a file belongs to the tune half when the SHA-1 of its file name (UTF-8),
read as a hexadecimal integer, is even, and to the test half when it is odd. Only tune-half mistakes are ever
looked at (``--details`` is refused on the test half); the test half gives held-out summary figures only.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import Article, TimeMention
from .places import match_spans
from .splits import check_split, split_of  # split_of: part of this scorer's API

TARGET_TYPES = frozenset({"DATE", "TIME"})


@dataclass(slots=True)
class GoldTimex:
    start: int
    end: int
    text: str
    type: str
    value: str
    tid: str = ""


@dataclass(slots=True)
class GoldDocument:
    name: str
    text: str
    dct: str | None  # ISO date of the document creation time
    timexes: list[GoldTimex] = field(default_factory=list)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def read_tml(path: Path) -> GoldDocument:
    """One TimeML file: plain text of <TEXT>, its TIMEX3 spans in that text, and the creation date."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise ValueError(f"{path}: not well-formed XML: {exc}") from exc
    dct = None
    for el in root.iter():
        if _local(el.tag) == "TIMEX3" and el.get("functionInDocument") == "CREATION_TIME":
            dct = (el.get("value") or "")[:10] or None
            break
    body = next((el for el in root.iter() if _local(el.tag) == "TEXT"), None)
    if body is None:
        raise ValueError(f"{path}: no <TEXT> element")
    parts: list[str] = []
    timexes: list[GoldTimex] = []
    pos = 0

    def walk(el: ET.Element) -> None:
        nonlocal pos
        start = pos
        if el.text:
            parts.append(el.text)
            pos += len(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
                pos += len(child.tail)
        if el is not body and _local(el.tag) == "TIMEX3":
            timexes.append(GoldTimex(start, pos, "", (el.get("type") or "").upper(), el.get("value") or "",
                                     el.get("tid") or ""))  # text filled in once the whole text is known

    walk(body)
    text = "".join(parts)
    for t in timexes:
        t.text = text[t.start : t.end]
    timexes.sort(key=lambda t: t.start)
    return GoldDocument(path.name, text, dct, timexes)


def read_gold(path: Path, split: str = "all") -> list[GoldDocument]:
    """Every ``.tml`` file under a directory (sorted by name), or one file; only one half with ``split``."""
    check_split(split)
    path = Path(path)
    files = sorted(path.rglob("*.tml")) if path.is_dir() else [path]
    if not files:
        raise ValueError(f"{path}: no .tml files")
    return [read_tml(f) for f in files if split == "all" or split_of(f.name) == split]


_TIME_PART = re.compile(r"^(\d{4}-\d{2}-\d{2})T.*$")
_WEEKEND = re.compile(r"^(\d{4}-W\d{2})-WE$")
_HALF = re.compile(r"^(\d{4})-H[12]$")


def lenient_value(value: str) -> str:
    """The gold value under the documented equivalences (time of day, weekend, half-year dropped)."""
    for pattern in (_TIME_PART, _WEEKEND, _HALF):
        m = pattern.match(value)
        if m:
            return m[1]
    return value


def is_calendar_value(value: str) -> bool:
    """Whether a TimeML value names a calendar position (no REF token, no X wildcard)."""
    return bool(value) and "REF" not in value and "X" not in value and not value.startswith("P")


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp}


def _ratio(n: int, d: int) -> float | None:
    return round(n / d, 4) if d else None


def score(docs: list[GoldDocument], predictions: Iterable[list[TimeMention]], *,
          details: bool = False) -> dict[str, Any]:
    """Scores of predicted time mentions (one list per document, same order) against the gold."""
    c: Counter[str] = Counter()
    gold_types: Counter[str] = Counter()
    mistakes: list[dict[str, Any]] = []
    for doc, preds in zip(docs, predictions, strict=True):
        p_spans = [(p.start, p.end) for p in preds]
        all_spans = [(t.start, t.end) for t in doc.timexes]
        gold_types.update(t.type for t in doc.timexes)
        # every type counted
        c["all_gold"] += len(all_spans)
        c["all_pred"] += len(p_spans)
        c["all_strict"] += len(match_spans(all_spans, p_spans, strict=True))
        c["all_relaxed"] += len(match_spans(all_spans, p_spans))
        # DATE/TIME only; predictions on DURATION/SET gold set aside
        target = [t for t in doc.timexes if t.type in TARGET_TYPES]
        others = [(t.start, t.end) for t in doc.timexes if t.type not in TARGET_TYPES]
        t_spans = [(t.start, t.end) for t in target]
        relaxed = dict(match_spans(t_spans, p_spans))
        strict = dict(match_spans(t_spans, p_spans, strict=True))
        matched_preds = set(relaxed.values())
        aside = {j for j, (ps, pe) in enumerate(p_spans)
                 if j not in matched_preds and any(min(pe, oe) > max(ps, os_) for os_, oe in others)}
        c["gold"] += len(t_spans)
        c["pred"] += len(p_spans) - len(aside)
        c["set_aside"] += len(aside)
        c["strict"] += len(strict)
        c["relaxed"] += len(relaxed)
        for i, t in enumerate(target):
            j = relaxed.get(i)
            if j is None:
                if details:
                    mistakes.append({"doc": doc.name, "dct": doc.dct, "gold": t.text, "type": t.type,
                                     "value": t.value, "error": "missed", "context": _context(doc.text, t)})
                continue
            p = preds[j]
            exact = p.value == t.value
            lenient = p.value is not None and p.value == lenient_value(t.value)
            calendar = is_calendar_value(t.value)
            c["valued"] += 1
            c["value_ok"] += exact
            c["value_lenient_ok"] += exact or lenient
            c["calendar"] += calendar
            c["calendar_ok"] += calendar and (exact or lenient)
            if i in strict:
                c["strict_valued"] += 1
                c["strict_value_ok"] += exact
            if details and not (exact or lenient):
                mistakes.append({"doc": doc.name, "dct": doc.dct, "gold": t.text, "ours": p.text,
                                 "type": t.type, "value": t.value, "our_value": p.value, "error": "value",
                                 "context": _context(doc.text, t)})
        if details:
            for j, p in enumerate(preds):
                if j not in matched_preds and j not in aside:
                    mistakes.append({"doc": doc.name, "ours": p.text, "our_value": p.value, "error": "spurious",
                                     "context": _context(doc.text, p)})
    result: dict[str, Any] = {
        "documents": len(docs),
        "end_to_end": {
            "extent_recall": _ratio(c["relaxed"], c["gold"]),
            "value_accuracy": _ratio(c["value_ok"], c["gold"]),
            "value_accuracy_lenient": _ratio(c["value_lenient_ok"], c["gold"]),
        },
        "gold_types": dict(sorted(gold_types.items())),
        "gold_date_time": c["gold"],
        "predicted": c["pred"],
        "predictions_set_aside": c["set_aside"],
        "strict": _prf(c["strict"], c["pred"], c["gold"]),
        "relaxed": _prf(c["relaxed"], c["pred"], c["gold"]),
        "matched": c["valued"],
        "value_accuracy": _ratio(c["value_ok"], c["valued"]),
        "value_accuracy_lenient": _ratio(c["value_lenient_ok"], c["valued"]),
        "value_accuracy_strict_extent": _ratio(c["strict_value_ok"], c["strict_valued"]),
        "matched_calendar": c["calendar"],
        "value_accuracy_calendar": _ratio(c["calendar_ok"], c["calendar"]),
        "all_types": {
            "gold": c["all_gold"],
            "predicted": c["all_pred"],
            "strict": _prf(c["all_strict"], c["all_pred"], c["all_gold"]),
            "relaxed": _prf(c["all_relaxed"], c["all_pred"], c["all_gold"]),
        },
    }
    if details:
        result["mistakes"] = mistakes
    return result


def _context(text: str, span: GoldTimex | TimeMention, width: int = 60) -> str:
    """The expression in its line, marked with [ ], for reading a mistake."""
    before = text[max(0, span.start - width) : span.start].split("\n")[-1]
    after = text[span.end : span.end + width].split("\n")[0]
    return f"{before}[{text[span.start : span.end]}]{after}"


def predict(docs: list[GoldDocument], *, batch_size: int = 16) -> list[list[TimeMention]]:
    """Our time mentions for each document: spaCy, then tag_times as the pipeline runs it, anchored on the
    creation date."""
    from ..nlp import get_nlp
    from ..times import tag_times

    nlp = get_nlp()
    out: list[list[TimeMention]] = []
    for gold, doc in zip(docs, nlp.pipe((d.text for d in docs), batch_size=batch_size), strict=True):
        article = Article(id=Article.content_id(gold.text), text=gold.text, doc_id=gold.name, published=gold.dct)
        out.append(tag_times(doc, article))
    return out


def calendar_view(predictions: list[list[TimeMention]]) -> list[list[TimeMention]]:
    """The predictions without the vague ones (PRESENT_REF ...), as ``tag_times(..., vague=False)`` gives."""
    from ..times import is_vague_value

    return [[p for p in preds if not is_vague_value(p.value)] for preds in predictions]


def evaluate(path: Path, *, split: str = "all", details: bool = False) -> dict[str, Any]:
    """Tag the TimeML documents under ``path`` (a directory or one file) and score (see module docstring)."""
    docs = read_gold(Path(path), split)
    if not docs:
        raise ValueError(f"{path}: no .tml files in the {split} half")
    predictions = predict(docs)
    result = score(docs, predictions, details=details)
    result["calendar_only"] = score(docs, calendar_view(predictions))["end_to_end"]
    result["gold"] = str(path)
    result["split"] = split
    return result


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def report(result: dict[str, Any]) -> str:
    """Human-readable lines (the caller prints the JSON object after them): end to end first."""
    s, r, a, e = result["strict"], result["relaxed"], result["all_types"], result["end_to_end"]
    types = ", ".join(f"{k} {v}" for k, v in result["gold_types"].items())
    lines = [
        f"documents: {result['documents']} (split {result.get('split', 'all')})  gold timexes: {types}",
        f"END TO END over {result['gold_date_time']} gold DATE/TIME (a missed expression counts as wrong): "
        f"extent recall {_pct(e['extent_recall'])}, value accuracy {_pct(e['value_accuracy'])} exact, "
        f"{_pct(e['value_accuracy_lenient'])} lenient",
    ]
    if "calendar_only" in result:
        pr = result["calendar_only"]
        lines.append(f"  without vague values (now, recently): extent recall {_pct(pr['extent_recall'])}, "
                     f"value accuracy {_pct(pr['value_accuracy'])} exact, {_pct(pr['value_accuracy_lenient'])} "
                     f"lenient")
    lines += [
        f"DATE/TIME: gold {result['gold_date_time']}  predicted {result['predicted']} "
        f"({result['predictions_set_aside']} more on DURATION/SET gold, set aside)",
        f"extent (strict):  P {_pct(s['precision'])}  R {_pct(s['recall'])}  F1 {_pct(s['f1'])}",
        f"extent (relaxed): P {_pct(r['precision'])}  R {_pct(r['recall'])}  F1 {_pct(r['f1'])}",
        f"found only: value accuracy over {result['matched']} matched: {_pct(result['value_accuracy'])} exact, "
        f"{_pct(result['value_accuracy_lenient'])} lenient; over {result['matched_calendar']} with calendar "
        f"gold values: {_pct(result['value_accuracy_calendar'])}",
        f"all gold types counted: strict F1 {_pct(a['strict']['f1'])}, relaxed F1 {_pct(a['relaxed']['f1'])} "
        f"(gold {a['gold']}, predicted {a['predicted']})",
    ]
    return "\n".join(lines)


def report_details(result: dict[str, Any]) -> str:
    """One line per mistake (missed, wrong value, spurious), grouped by kind, for reading the tune half."""
    lines: list[str] = []
    for kind in ("missed", "value", "spurious"):
        rows = [m for m in result.get("mistakes", []) if m["error"] == kind]
        lines.append(f"-- {kind} ({len(rows)})")
        for m in rows:
            if kind == "missed":
                lines.append(f"{m['doc']} dct={m['dct']} {m['type']} {m['value']!s:14} {m['context']}")
            elif kind == "value":
                lines.append(f"{m['doc']} dct={m['dct']} gold {m['value']!s:14} ours {m['our_value']!s:14} "
                             f"ours={m['ours']!r} {m['context']}")
            else:
                lines.append(f"{m['doc']} ours {m['our_value']!s:14} {m['context']}")
    return "\n".join(lines)
