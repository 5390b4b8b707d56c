"""The records every stage passes on, and their JSON form (the public contract in docs/DESIGN.md).

Stages are pure functions over these records; only the store has side effects. Every extracted
field carries character offsets into ``Article.text`` (the *cleaned* text), so a user can always
slice the text and see the words a value came from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal, NotRequired, TypedDict, get_args

SCHEMA_VERSION = "1"

# Bump when coding changes, so stores know to re-extract articles coded by an older version.
# Here, beside the records, and not in ``pipeline``: the process that reads and saves a run (the
# parent of ``--workers``) compares versions but never parses, and must not pay for importing spaCy.
EXTRACTOR_VERSION = "11"

# How a text tells of an event, the one vocabulary of ``Event.modality``: events/modality.py gives
# each mention one of the first six; "historical" and "hypothetical" are an analyst's words, which a
# correction may set (fuse/corrections.py). Only ``CODED_MODALITIES`` become events.
Modality = Literal["asserted", "claimed", "negated", "forecast", "question", "generic", "historical", "hypothetical"]
MODALITIES: tuple[str, ...] = get_args(Modality)
CODED_MODALITIES: frozenset[str] = frozenset({"asserted", "claimed"})


def scalar_fields(record: Any) -> dict[str, Any]:
    """A record whose fields are all scalars (str, int, float, None) as a dict, in field order.

    Why not ``dataclasses.asdict``: it deep-copies every value through a recursive walk, and with
    tens of mentions per article that walk was the largest single cost of saving a result.
    """
    return {name: getattr(record, name) for name in record.__dataclass_fields__}


def stable_id(*parts: object, length: int = 16) -> str:
    """A short hex digest of the parts: the same inputs give the same ID on every run and machine.

    ``surrogatepass``: a lone surrogate (a JSON ``"\\udc80"``, a file name that is not UTF-8)
    must not crash whatever asks for an ID; for every other string the bytes, and so the IDs the
    store keys articles by, are exactly UTF-8's.
    """
    h = hashlib.sha256()
    for part in parts:
        h.update(str(part).encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()[:length]


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` of the cleaned article text."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(slots=True)
class Article:
    """One cleaned article. ``id`` is the content hash, so the same text is the same article."""

    id: str
    text: str
    doc_id: str | None = None  # the caller's own identifier (JSONL "id", file name)
    title: str | None = None
    published: str | None = None  # ISO date
    source: str | None = None  # outlet
    url: str | None = None
    origin: str | None = None  # where it was read from: path, "stdin:3", URL
    body_start: int = 0  # offset where the body starts (after the headline)
    removed: list[str] = field(default_factory=list)  # boilerplate lines the cleaner dropped
    metadata_evidence: dict[str, Span] = field(default_factory=dict)  # e.g. where "published" was read

    @staticmethod
    def content_id(text: str) -> str:
        return stable_id(text.strip())

    def span(self, start: int, end: int) -> Span:
        return Span(start, end, self.text[start:end])

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.id,
            "id": self.doc_id,
            "title": self.title,
            "published": self.published,
            "source": self.source,
            "url": self.url,
            "origin": self.origin,
            "body_start": self.body_start,
            "removed": list(self.removed),
            "metadata_evidence": {k: v.to_dict() for k, v in self.metadata_evidence.items()},
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Article:
        return cls(
            id=d["article_id"],
            text=d["text"],
            doc_id=d.get("id"),
            title=d.get("title"),
            published=d.get("published"),
            source=d.get("source"),
            url=d.get("url"),
            origin=d.get("origin"),
            body_start=d.get("body_start", 0),
            removed=list(d.get("removed", [])),
            metadata_evidence={k: Span(**v) for k, v in d.get("metadata_evidence", {}).items()},
        )


@dataclass(slots=True)
class Actor:
    """An entry of the actor dictionary (or a new actor found in text and kept, never dropped)."""

    name: str  # canonical
    actor_type: str  # ACLED actor type label, e.g. "Political militia"
    inter: int | None  # ACLED inter code 1-8
    country: str | None = None
    aliases: list[str] = field(default_factory=list)
    parent: str | None = None
    backed_by: list[str] = field(default_factory=list)
    wikidata: str | None = None


@dataclass(slots=True)
class ActorMention:
    start: int
    end: int
    text: str
    actor: str  # canonical name
    actor_type: str | None
    country: str | None
    inter: int | None = None
    method: str = "dictionary"  # dictionary | generic | person | link

    def to_dict(self) -> dict[str, Any]:
        return scalar_fields(self)


@dataclass(slots=True)
class PlaceMention:
    start: int
    end: int
    text: str
    geonameid: int | None
    name: str | None
    admin1: str | None
    country: str | None
    lat: float | None
    lon: float | None
    feature_class: str | None = None
    country_code: str | None = None
    # None: a place named as a place. "demonym": a nationality word ("Sudanese"); "in_name": a place inside
    # an organisation's name ("the Texas Department of Transportation"). Both say where a story is and are
    # shown as places, but are never where an event happened and never hide an actor.
    role: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return scalar_fields(self)


@dataclass(slots=True)
class TimeMention:
    start: int
    end: int
    text: str
    value: str | None  # ISO: 2019-04-14, 2019-W15, 2019-04, 2018
    precision: int | None  # ACLED time_precision: 1 day, 2 week/range, 3 month or coarser
    anchor: str | None  # "published", "text" (the date named just before it), "event:<id>", or None if absolute
    date_start: str | None = None
    date_end: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return scalar_fields(self)


@dataclass(slots=True)
class Location:
    name: str | None
    admin1: str | None
    country: str | None
    geonameid: int | None
    lat: float | None
    lon: float | None
    geo_precision: int | None  # 1 town, 2 part of / near a town, 3 region or country
    detail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return scalar_fields(self)


@dataclass(slots=True)
class Evidence:
    field: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return scalar_fields(self)


@dataclass(slots=True)
class AcledCoding:
    event_type: str
    sub_event_type: str
    interaction: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return scalar_fields(self)


@dataclass(slots=True)
class PloverCoding:
    type: str
    mode: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return scalar_fields(self)


@dataclass(slots=True)
class Event:
    id: str
    acled: AcledCoding | None
    plover: PloverCoding | None
    actor1: str | None = None
    actor2: str | None = None
    assoc_actor_1: str | None = None
    assoc_actor_2: str | None = None
    inter1: int | None = None
    inter2: int | None = None
    date: str | None = None
    date_start: str | None = None
    date_end: str | None = None
    time_precision: int | None = None
    location: Location | None = None
    fatalities: int | None = None
    injured: int | None = None
    modality: str = "asserted"  # one of MODALITIES (CODED_MODALITIES, for a coded event)
    confidence: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)
    article_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "article_id": self.article_id,
            "acled": self.acled.to_dict() if self.acled else None,
            "plover": self.plover.to_dict() if self.plover else None,
            "actor1": self.actor1,
            "actor2": self.actor2,
            "assoc_actor_1": self.assoc_actor_1,
            "assoc_actor_2": self.assoc_actor_2,
            "inter1": self.inter1,
            "inter2": self.inter2,
            "date": self.date,
            "date_start": self.date_start,
            "date_end": self.date_end,
            "time_precision": self.time_precision,
            "location": self.location.to_dict() if self.location else None,
            "fatalities": self.fatalities,
            "injured": self.injured,
            "modality": self.modality,
            "confidence": round(self.confidence, 3),
            "evidence": [e.to_dict() for e in self.evidence],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        kw: dict[str, Any] = {f.name: d.get(f.name) for f in fields(cls) if f.name in d}
        kw["acled"] = AcledCoding(**d["acled"]) if d.get("acled") else None
        kw["plover"] = PloverCoding(**d["plover"]) if d.get("plover") else None
        kw["location"] = Location(**d["location"]) if d.get("location") else None
        kw["evidence"] = [Evidence(**e) for e in d.get("evidence", [])]
        return cls(**kw)


@dataclass(slots=True)
class Claim:
    """Who said what: a reported statement, kept apart from the facts the article asserts itself."""

    speaker: str
    speaker_start: int
    speaker_end: int
    start: int  # the quoted or reported content
    end: int
    text: str
    speaker_actor: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return scalar_fields(self)


@dataclass(slots=True)
class Relation:
    subject: str
    relation: str  # backed_by | member_of | alias_of | allied_with | designated_by
    object: str
    evidence: Evidence | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "relation": self.relation,
            "object": self.object,
            "evidence": self.evidence.to_dict() if self.evidence else None,
        }


@dataclass(slots=True)
class DocumentResult:
    article: Article
    events: list[Event] = field(default_factory=list)
    actors: list[ActorMention] = field(default_factory=list)
    places: list[PlaceMention] = field(default_factory=list)
    times: list[TimeMention] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    extractor_version: str | None = None
    # Event id -> MiniLM embedding (float16 bytes) of the sentence the event was coded from, for
    # cross-article fusion. Not part of the JSON contract: it travels to the store only.
    vectors: dict[str, bytes] = field(default_factory=dict)

    def to_dict(self, *, include_text: bool = True) -> dict[str, Any]:
        a = self.article
        d: dict[str, Any] = {
            "id": a.doc_id if a.doc_id is not None else a.id,
            "article_id": a.id,
            "title": a.title,
            "published": a.published,
            "source": a.source,
            "url": a.url,
            "events": [e.to_dict() for e in self.events],
            "actors": [m.to_dict() for m in self.actors],
            "places": [p.to_dict() for p in self.places],
            "times": [t.to_dict() for t in self.times],
            "claims": [c.to_dict() for c in self.claims],
            "relations": [r.to_dict() for r in self.relations],
            "errors": list(self.errors),
            "extractor_version": self.extractor_version,
        }
        if include_text:
            d["text"] = a.text
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any], article: Article) -> DocumentResult:
        return cls(
            article=article,
            events=[Event.from_dict(e) for e in d.get("events", [])],
            actors=[ActorMention(**m) for m in d.get("actors", [])],
            places=[PlaceMention(**p) for p in d.get("places", [])],
            times=[TimeMention(**t) for t in d.get("times", [])],
            claims=[Claim(**c) for c in d.get("claims", [])],
            relations=[
                Relation(
                    r["subject"], r["relation"], r["object"],
                    Evidence(**r["evidence"]) if r.get("evidence") else None,
                )
                for r in d.get("relations", [])
            ],
            errors=list(d.get("errors", [])),
            extractor_version=d.get("extractor_version"),
        )


@dataclass(slots=True)
class IngestError:
    """One input that could not become an Article, with the reason a user can act on."""

    origin: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"origin": self.origin, "reason": self.reason}


# ----------------------------------------------------------------------------------- fused events
#
# Why TypedDicts and not a dataclass with ``to_dict()``: a fused event is written once, by
# ``fuse.reconcile``, as JSON into the store, and read back by every consumer (filters, exports,
# reports, the API, the dashboard) as the dict ``json.loads`` gives. A TypedDict types that very
# dict at no cost and cannot change one byte of the JSON (key order included); a dataclass would
# need a conversion at each boundary, and every conversion is a chance to drop, add or reorder a
# key. ``api/schemas.py``'s ``EventOut`` is checked against these by ``tests/test_contract.py``.


class EvidenceItem(TypedDict):
    """``Evidence.to_dict()``; on a fused event's own evidence, also the article it slices."""

    field: str
    start: int
    end: int
    text: str
    article_id: NotRequired[str]


class AcledDict(TypedDict):
    """``AcledCoding.to_dict()``."""

    event_type: str
    sub_event_type: str
    interaction: int | None


class PloverDict(TypedDict):
    """``PloverCoding.to_dict()``."""

    type: str
    mode: str | None


class LocationDict(TypedDict, total=False):
    """``Location.to_dict()``; a correction may leave only the keys it wrote (``total=False``)."""

    name: str | None
    admin1: str | None
    country: str | None
    geonameid: int | None
    lat: float | None
    lon: float | None
    geo_precision: int | None
    detail: str | None


class ArticleRef(TypedDict):
    """The article a fused event's wording and evidence come from (its representative report)."""

    article_id: str
    id: str | None
    title: str | None
    source: str | None
    published: str | None
    url: str | None


class FusedSource(TypedDict):
    """One report (what one article says) fused into an event, with its own figures and words."""

    event_id: str
    article_id: str
    id: str | None
    title: str | None
    source: str | None
    url: str | None
    published: str | None
    date: str | None
    fatalities: int | None
    injured: int | None
    confidence: float | None
    evidence: list[EvidenceItem]


class FusedEvent(TypedDict):
    """One real event, told by one or more articles: what ``events``, exports, reports and the API
    list. The per-article ``Event.to_dict()`` shape (less ``article_id``) with the fused id, plus
    provenance. ``timestamp`` (when its content last changed) is added by the store's reads, not
    by fusion, and the change feed adds ``change`` and ``replaced_by`` to its own rows."""

    id: str
    acled: AcledDict | None
    plover: PloverDict | None
    actor1: str | None
    actor2: str | None
    assoc_actor_1: str | None
    assoc_actor_2: str | None
    inter1: int | None
    inter2: int | None
    date: str | None
    date_start: str | None
    date_end: str | None
    time_precision: int | None
    location: LocationDict | None
    fatalities: int | None
    injured: int | None
    fatalities_range: list[int] | None
    modality: str
    confidence: float
    n_sources: int
    n_outlets: int
    story_id: str | None
    evidence: list[EvidenceItem]
    article: ArticleRef
    sources: list[FusedSource]
    corrected: list[str]
    timestamp: NotRequired[str | None]


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def event_day(event: Mapping[str, Any]) -> dt.date | None:
    """The day an event is counted on: its ``date``, else the first day of its range
    (``date_start``), as ACLED's event_date is; None when neither reads as a day.

    Why one function: the API's stats (``api/aggregate.py``) and the situation report's figures
    (``report/figures.py``) each had their own rule, and an event must fall on the same day in a
    chart and in a report. Of the two, the report's rule wins (a ``date`` that is not a day falls
    back to ``date_start``, where the API's counted the event as undated), with the API's reading
    of a longer ISO value by its first ten characters ("2019-04-14T10:00" is that day). Fusion and
    corrections only ever write YYYY-MM-DD dates, so no stored event changes its day.
    """
    for key in ("date", "date_start"):
        value = event.get(key)
        if isinstance(value, str) and _ISO_DAY.match(value):
            try:
                return dt.date.fromisoformat(value[:10])
            except ValueError:
                continue
    return None
