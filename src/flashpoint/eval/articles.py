"""Articles in, events out, scored against what a careful coder codes from the same real articles.

Why this and not the sentence sets: a user sees rows, one per event the coder emitted for an
article. A row is right only when it is a new real event (not a retelling of another row, not
background, not a forecast) with the right type, date, place, perpetrator and toll. So each row is
matched to the gold event whose telling its trigger (or, failing that, its sentence) lies in, with a
compatible ACLED event type; the first row of a gold event is its match, the others are duplicates;
rows matching nothing are false, named by the trap they fell into where there is one. Every required
gold event counts: a miss is wrong in every field (the end-to-end figures), and the found-only
figures are printed beside them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..distance import haversine_km
from ..events.ontology import Ontology, load_ontology
from ..model import Event
from .article_gold import UNKNOWN, GoldArticle, GoldEvent, GoldPlace, locate

FIELDS = ("type", "date", "place", "actor1", "actor2", "fatalities")
ALL_RIGHT = ("type", "date", "place", "actor1", "fatalities")
CONFIDENCE_BINS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)


@dataclass(slots=True)
class Row:
    """One emitted ACLED event as the scorer sees it."""

    event: Event
    code: str | None
    event_type: str | None
    trigger: tuple[int, int] | None
    sentences: list[tuple[int, int]]
    verdict: str = "false"  # match | duplicate | false
    gold: GoldEvent | None = None
    why: str = "unlisted"  # for false rows: the trap kind, "background as news", or "unlisted"
    fields: dict[str, bool] = field(default_factory=dict)

    @property
    def right(self) -> bool:
        """A correct new event with the right type, date and place: what confidence should predict."""
        return self.verdict == "match" and all(self.fields.get(k, False) for k in ("type", "date", "place"))


@dataclass(slots=True)
class ArticleScore:
    gold: GoldArticle
    rows: list[Row]
    matched: dict[str, Row]  # gold event id -> its matching row
    unlocated: list[str]  # gold quotes not found in the cleaned text (a gold or cleaning problem)
    plover_only: int = 0


# ------------------------------------------------------------------------------------------ fields
def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _norm(name: str | None) -> str:
    return " ".join((name or "").lower().replace("\u2019", "'").split())


def actor_ok(value: str | None, wanted: tuple[str, ...] | None) -> bool:
    """``None`` (not stated), or a list with an ``Unidentified`` entry, accepts no actor or any
    ``Unidentified ...`` actor: ACLED's formal way of saying the same."""
    unknown_ok = wanted is None or any(w.startswith(UNKNOWN) for w in wanted)
    if unknown_ok and (value is None or value.startswith(UNKNOWN)):
        return True
    return wanted is not None and _norm(value) in {_norm(w) for w in wanted}


def date_ok(value: str | None, window: tuple[str, str] | None) -> bool:
    if window is None:
        return value is None
    return value is not None and window[0] <= value[:10] <= window[1]


def place_ok(event: Event, places: list[GoldPlace]) -> bool:
    if not places:
        return True  # an optional event the gold does not place
    loc = event.location
    if loc is None:
        return False
    for p in places:
        if p.country_only:
            if loc.country == p.country and loc.admin1 is None and (loc.name in (None, p.country)):
                return True
        elif loc.lat is not None and loc.lon is not None and p.lat is not None and p.lon is not None:
            if haversine_km(loc.lat, loc.lon, p.lat, p.lon) <= (p.radius_km or 25.0):
                return True
    return False


def fatalities_ok(value: int | None, wanted: tuple[int, int] | None) -> bool:
    if wanted is None:
        return value in (None, 0)
    return wanted[0] <= (value or 0) <= wanted[1]


def score_fields(row: Row, g: GoldEvent) -> dict[str, bool]:
    e = row.event
    a1, a2 = e.actor1, e.actor2
    if g.type == "ARMED_CLASH" and not actor_ok(a1, g.actor1) and actor_ok(a1, g.actor2) and g.actor2 is not None:
        a1, a2 = a2, a1  # the sides of a clash may come in either order
    return {
        "type": row.code in g.codes,
        "date": date_ok(e.date, g.date),
        "place": place_ok(e, g.places),
        "actor1": actor_ok(a1, g.actor1),
        "actor2": actor_ok(a2, g.actor2),
        "fatalities": fatalities_ok(e.fatalities, g.fatalities),
    }


# ------------------------------------------------------------------------------------------ matching
def _rows(events: Iterable[Event], ontology: Ontology) -> tuple[list[Row], int]:
    by_label = {(s.event_type, s.sub_event_type): code for code, s in ontology.sub_events.items()}
    rows, plover_only = [], 0
    for e in events:
        if e.acled is None:
            plover_only += 1
            continue
        trigger = next(((ev.start, ev.end) for ev in e.evidence if ev.field == "trigger"), None)
        sentences = [(ev.start, ev.end) for ev in e.evidence if ev.field == "sentence"]
        rows.append(Row(e, by_label.get((e.acled.event_type, e.acled.sub_event_type)), e.acled.event_type,
                        trigger, sentences))
    return rows, plover_only


def score_article(gold: GoldArticle, text: str, source: dict[str, Any], events: list[Event],
                  ontology: Ontology | None = None) -> ArticleScore:
    """Match one article's emitted events to its gold events and traps."""
    ontology = ontology or load_ontology()
    rows, plover_only = _rows(events, ontology)
    unlocated: list[str] = []

    def spans(mentions: Iterable[Any]) -> list[tuple[int, int]]:
        out = []
        for m in mentions:
            quote = m.text(source)
            where = locate(quote, text) if quote else None
            if where is None:
                unlocated.append((quote or "?")[:60])
            else:
                out.append(where)
        return out

    gold_spans = {g.id: spans(g.mentions) for g in gold.events}
    trap_spans = [(t.kind, spans([t.mention])) for t in gold.traps]
    family = {g.id: {ontology.sub_events[c].event_type for c in g.codes if c in ontology.sub_events}
              for g in gold.events}

    pairs: list[tuple[tuple, Row, GoldEvent]] = []
    for row in rows:
        for g in gold.events:
            where = gold_spans[g.id]
            strong = row.trigger is not None and any(_overlap(row.trigger, s) for s in where)
            weak = any(_overlap(s, w) for s in row.sentences for w in where)
            if not (strong or weak) or row.event_type not in family[g.id]:
                continue
            fields = score_fields(row, g)
            if g.background and not fields["date"]:
                continue  # an earlier event told as if it were today's: not this gold event
            score = (strong, fields["type"], fields["date"], fields["place"], fields["actor1"])
            pairs.append((score, row, g))
    pairs.sort(key=lambda p: p[0], reverse=True)
    matched: dict[str, Row] = {}
    for _, row, g in pairs:  # the best row of each gold event is its match
        if row.verdict == "false" and g.id not in matched:
            row.verdict, row.gold, row.fields = "match", g, score_fields(row, g)
            matched[g.id] = row
    for _, row, g in pairs:  # other rows that tell a matched event again are duplicates
        if row.verdict == "false" and g.id in matched:
            row.verdict, row.gold, row.why = "duplicate", g, "duplicate"
    for row in rows:
        if row.verdict != "false":
            continue
        anchor = row.trigger or (row.sentences[0] if row.sentences else None)
        trap = next((kind for kind, where in trap_spans if anchor and any(_overlap(anchor, w) for w in where)), None)
        background = any(g.background and any(_overlap(anchor, w) for w in gold_spans[g.id])
                         for g in gold.events) if anchor else False
        row.why = trap or ("background as news" if background else "unlisted")
    return ArticleScore(gold, rows, matched, unlocated, plover_only)


# ------------------------------------------------------------------------------------------ totals
def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def summarise(scores: list[ArticleScore]) -> dict[str, Any]:
    """The figures of one set of articles: recall, precision, duplicates, fields, calibration."""
    required = [g for s in scores for g in s.gold.events if g.required]
    rows = [r for s in scores for r in s.rows]
    found = [(g, s.matched[g.id]) for s in scores for g in s.gold.events if g.required and g.id in s.matched]
    n_req = len(required)
    field_e2e = {k: _ratio(sum(r.fields[k] for _, r in found), n_req) for k in FIELDS}
    field_found = {k: _ratio(sum(r.fields[k] for _, r in found), len(found)) for k in FIELDS}
    all_right = sum(all(r.fields[k] for k in ALL_RIGHT) for _, r in found)
    field_e2e["all"] = _ratio(all_right, n_req)
    field_found["all"] = _ratio(all_right, len(found))
    verdicts = Counter(r.verdict for r in rows)
    false_kinds = Counter(r.why for r in rows if r.verdict == "false")
    bins = []
    for lo, hi in zip(CONFIDENCE_BINS, CONFIDENCE_BINS[1:], strict=False):
        inside = [r for r in rows if lo <= r.event.confidence < hi]
        bins.append({"from": lo, "to": min(hi, 1.0), "rows": len(inside), "right": sum(r.right for r in inside),
                     "share_right": _ratio(sum(r.right for r in inside), len(inside))})
    high = [r for r in rows if r.event.confidence >= 0.8]
    return {
        "articles": len(scores),
        "required": n_req,
        "required_found": len(found),
        "required_recall": _ratio(len(found), n_req),
        "rows": len(rows),
        "rows_match": verdicts["match"],
        "rows_duplicate": verdicts["duplicate"],
        "rows_false": verdicts["false"],
        "precision": _ratio(verdicts["match"], len(rows)),
        "duplicate_share": _ratio(verdicts["duplicate"], len(rows)),
        "false_kinds": dict(false_kinds.most_common()),
        "plover_only_rows": sum(s.plover_only for s in scores),
        "fields_end_to_end": field_e2e,
        "fields_found_only": field_found,
        "reliability": bins,
        "right_at_0_8": _ratio(sum(r.right for r in high), len(high)),
        "rows_at_0_8": len(high),
        "unlocated_quotes": sum(len(s.unlocated) for s in scores),
    }


def report(result: dict[str, Any], *, details: bool = False) -> str:
    """Plain text: end-to-end figures first, found-only beside them, per split."""
    lines: list[str] = []
    for name, part in result["splits"].items():
        if not part["articles"]:
            continue
        e2e, fo = part["fields_end_to_end"], part["fields_found_only"]
        lines.append(f"== {name}: {part['articles']} articles, {part['required']} required events, {part['rows']} rows "
                     f"(+{part['plover_only_rows']} PLOVER-only, not scored)")
        lines.append(f"  required recall {_fmt(part['required_recall'])}   precision {_fmt(part['precision'])}   "
                     f"duplicates {_fmt(part['duplicate_share'])}   false rows {part['rows_false']} "
                     f"{_kinds(part['false_kinds'])}")
        lines.append("  field            end-to-end  found-only")
        for k in (*FIELDS, "all"):
            lines.append(f"  {k:<16} {_fmt(e2e[k]):>10}  {_fmt(fo[k]):>10}")
        lines.append(f"  confidence >= 0.8: {part['rows_at_0_8']} rows, "
                     f"right (type, date, place) {_fmt(part['right_at_0_8'])}")
        lines.append("  reliability: " + "  ".join(
            f"[{b['from']:.1f},{b['to']:.1f}) {b['right']}/{b['rows']}" for b in part["reliability"]))
        if part["unlocated_quotes"]:
            lines.append(f"  WARNING: {part['unlocated_quotes']} gold quotes not found in the cleaned text")
    if details:
        lines.append("")
        lines.extend(result.get("details", []))
    return "\n".join(lines)


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def _kinds(kinds: dict[str, int]) -> str:
    return "(" + ", ".join(f"{k} {v}" for k, v in kinds.items()) + ")" if kinds else ""


def detail_lines(scores: list[ArticleScore], text_of: dict[str, str]) -> list[str]:
    """Every miss, wrong field, duplicate and false row, for reading by hand."""
    out: list[str] = []
    for s in scores:
        text = text_of.get(s.gold.id, "")
        lines = []
        for g in s.gold.events:
            row = s.matched.get(g.id)
            if row is None:
                if g.required:
                    lines.append(f"  MISSED {g.id} {g.type} date={g.date} fat={g.fatalities} a1={g.actor1}")
                continue
            bad = [k for k in FIELDS if not row.fields[k]]
            if bad:
                e = row.event
                loc = e.location.name if e.location else None
                lines.append(f"  {g.id} wrong {','.join(bad)}: got {row.code} date={e.date} place={loc} "
                             f"a1={e.actor1} a2={e.actor2} fat={e.fatalities} | want {g.type} {g.date} "
                             f"{[p.name or p.country for p in g.places]} a1={g.actor1} a2={g.actor2} "
                             f"fat={g.fatalities}")
        for r in s.rows:
            if r.verdict == "match":
                continue
            t = r.trigger or (0, 0)
            lines.append(f"  {r.verdict.upper()} ({r.why}) {r.code} date={r.event.date} "
                         f"conf={r.event.confidence:.2f}: ...{text[max(0, t[0] - 60):t[1] + 40]!r}")
        for q in s.unlocated:
            lines.append(f"  UNLOCATED gold quote {q!r}")
        if lines:
            out.append(f"{s.gold.id} [{s.gold.split}]")
            out.extend(lines)
    return out


# ------------------------------------------------------------------------------------------ running
def build_article(gold: GoldArticle, source: dict[str, Any]) -> Any:
    """The article a user would have ingested: the record's text (a JSONL body, or an AG item's
    description) with its title and outlet, and only the publication date the gold gives."""
    from ..ingest import IngestOptions, make_article
    from .article_gold import source_text

    return make_article(source_text(source), doc_id=gold.id, title=source.get("title") or None,
                        published=gold.published, source=source.get("source") or None,
                        origin=f"gold:{gold.id}", options=IngestOptions())


def evaluate(items: list[GoldArticle], texts: dict[str, dict[str, Any]], *, details: bool = False,
             coder: Any = None) -> dict[str, Any]:
    """Code every gold article with the pipeline and score it; figures per split and over all."""
    from ..pipeline import extract_articles

    missing = [g.id for g in items if g.id not in texts]
    if missing:
        raise ValueError(f"no text for {len(missing)} gold article(s), e.g. {', '.join(missing[:3])} "
                         "(pass --texts with the file that holds them)")
    ontology = load_ontology()
    articles = [build_article(g, texts[g.id]) for g in items]
    scores: list[ArticleScore] = []
    for g, article, result in zip(items, articles, extract_articles(articles, coder=coder), strict=True):
        scores.append(score_article(g, article.text, texts[g.id], result.events, ontology))
    out: dict[str, Any] = {"splits": {
        "tune": summarise([s for s in scores if s.gold.split == "tune"]),
        "test (held out)": summarise([s for s in scores if s.gold.split == "test"]),
        "all": summarise(scores),
    }}
    if details:
        out["details"] = detail_lines(scores, {a.doc_id: a.text for a in articles})
    return out


def fit_confidence(items: list[GoldArticle], texts: dict[str, dict[str, Any]]) -> tuple[Any, int]:
    """Fit the confidence model on these articles (the tune half): each emitted row's support
    against whether it is right (a new event with the right type, date and place)."""
    from ..actors.dictionary import load_dictionary
    from ..events.classifier import get_classifier
    from ..events.coder import EventCoder
    from ..events.confidence import features, fit
    from ..pipeline import extract_articles
    from ..settings import get_settings

    if any(g.split != "tune" for g in items):
        raise ValueError("the confidence model is fitted on the tune half only")
    classifier = get_classifier() if get_settings().use_classifier else None
    coder = EventCoder(load_ontology(), load_dictionary(), classifier=classifier, calibrate=False)
    ontology = load_ontology()
    articles = [build_article(g, texts[g.id]) for g in items]
    rows: list[tuple[dict[str, float], bool]] = []
    for g, article, result in zip(items, articles, extract_articles(articles, coder=coder), strict=True):
        for row in score_article(g, article.text, texts[g.id], result.events, ontology).rows:
            rows.append((features(row.event, row.event.confidence), row.right))
    return fit(rows), len(rows)
