"""Response and request models: they make /openapi.json precise enough to generate clients and
to let schemathesis check every answer.

Why ``extra="allow"`` on records the store produces: the store and fusion may add a key before
this file names it; a client should see it rather than have the API silently drop it or fail.
Every key of the public contract is declared, with its type; the event models mirror
``model.FusedEvent`` (and its parts), key for key, and ``tests/test_contract.py`` fails when
they drift apart.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from flashpoint.api.bounds import MAX_COUNT, CleanText, Count, clean_text


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorOut(BaseModel):
    detail: str = Field(description="One line saying what was wrong and, where possible, how to fix it.")


class IngestErrorOut(BaseModel):
    origin: str = Field(description="Which input: articles[2], body, a file name, file.jsonl:3.")
    reason: str


class IngestFailedOut(ErrorOut):
    """400 from POST /api/articles: nothing could be ingested; each input's reason is listed."""

    errors: list[IngestErrorOut] = []


# ----------------------------------------------------------------------------------- events


class EvidenceOut(_Open):
    field: str = Field(description="Which field these words support: trigger, actor1, location ...")
    start: int
    end: int
    text: str = Field(description="article text[start:end], plain text (escape before showing as HTML)")
    article_id: str | None = None


class AcledOut(_Open):
    event_type: str | None = None
    sub_event_type: str | None = None
    interaction: int | None = None


class PloverOut(_Open):
    type: str | None = None
    mode: str | None = None


class LocationOut(_Open):
    name: str | None = None
    admin1: str | None = None
    country: str | None = None
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    geo_precision: int | None = None
    detail: str | None = None


class ArticleRefOut(_Open):
    article_id: str
    id: str | None = None
    title: str | None = None
    source: str | None = None
    published: str | None = None
    url: str | None = None


class SourceOut(_Open):
    """One report (what one article says) fused into an event."""

    event_id: str
    article_id: str
    id: str | None = None
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    date: str | None = None
    fatalities: int | None = None
    injured: int | None = None
    confidence: float | None = None
    evidence: list[EvidenceOut] = []


class EventOut(_Open):
    """A fused event: one real event, told by one or more articles."""

    id: str
    acled: AcledOut | None = None
    plover: PloverOut | None = None
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
    location: LocationOut | None = None
    fatalities: int | None = Field(None, description="The most conservative figure among sources.")
    injured: int | None = None
    fatalities_range: list[int] | None = None
    modality: str | None = None
    confidence: float | None = None
    n_sources: int | None = None
    n_outlets: int | None = None
    story_id: str | None = None
    evidence: list[EvidenceOut] = []
    article: ArticleRefOut | None = None
    sources: list[SourceOut] = []
    corrected: list[str] = Field([], description="Fields a person corrected (they hold through re-fusion).")
    timestamp: str | None = Field(None, description="When its content last changed (UTC).")


class EventPageOut(BaseModel):
    total: int = Field(description="Events matching the filters, all pages together.")
    limit: int
    offset: int
    events: list[EventOut]


class PairOut(_Open):
    a: str | None = None
    b: str | None = None
    score: float | None = None
    features: dict[str, Any] = {}
    decision: str | None = None


class CorrectionOut(_Open):
    id: int | str
    at: str | None = None
    author: str | None = None
    action: str
    target: str | None = None
    field: str | None = None
    old_value: Any = None
    new_value: Any = None
    reason: str | None = None


class ExplainSourceOut(_Open):
    event_id: str
    article_id: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    date: str | None = None
    score: float | None = Field(None, description="The score that joined it; null for the founding report.")
    rule: str | None = None
    joined_at: str | None = None


class ConstraintOut(_Open):
    a: str
    b: str
    kind: str = Field(description="must (kept together) or cannot (kept apart)")
    author: str | None = None
    reason: str | None = None
    created_at: str | None = None


class ExplainOut(_Open):
    id: str
    threshold: float | None = None
    sources: list[ExplainSourceOut] = []
    pairs: list[PairOut] = []
    constraints: list[ConstraintOut] = []
    corrections: list[CorrectionOut] = []


class CorrectionsOut(BaseModel):
    corrections: list[CorrectionOut]


# ----------------------------------------------------------------------------------- articles


class SpanOut(_Open):
    start: int
    end: int
    text: str


class ArticleOut(_Open):
    article_id: str
    id: str | None = None
    title: str | None = None
    published: str | None = None
    source: str | None = None
    url: str | None = None
    origin: str | None = None
    body_start: int = 0
    removed: list[str] = []
    metadata_evidence: dict[str, SpanOut] = {}
    text: str = Field(description="The cleaned text evidence offsets slice; plain text, never HTML.")
    extractor_version: str | None = None
    ingested_at: str | None = None
    updated_at: str | None = None
    n_events: int | None = None


class IngestResultOut(BaseModel):
    id: str | None = Field(description="The caller's id, if given.")
    article_id: str = Field(description="Content hash of the cleaned text.")
    outcome: Literal["inserted", "replaced", "unchanged"]
    events: int = Field(description="Events coded from this article.")
    warnings: list[str] = Field([], description="Pipeline stages that failed on this article.")


class IngestOut(BaseModel):
    results: list[IngestResultOut]
    errors: list[IngestErrorOut]


class SearchHitOut(BaseModel):
    article_id: str
    title: str | None
    source: str | None
    published: str | None
    snippet: str = Field(description="Plain text around the first match.")
    highlight: list[int] | None = Field(
        None, description="[start, end] of the match within the snippet, if the text matched."
    )


class SearchOut(BaseModel):
    q: str
    results: list[SearchHitOut]


# ----------------------------------------------------------------------------------- actors


class ActorOut(_Open):
    actor: str
    actor_type: str | None = None
    country: str | None = None
    inter: int | None = None
    mentions: int
    articles: int


class ActorsOut(BaseModel):
    actors: list[ActorOut]


class NodeOut(_Open):
    id: str
    label: str
    actor_type: str | None = None
    country: str | None = None
    mentions: int = 0
    inter: int | None = None
    articles: int = 0
    events: int = 0
    wikidata: str | None = None
    aliases: list[str] = []


class EdgeOut(_Open):
    source: str
    target: str
    relation: str = Field(description="backed_by, allied_with, member_of, designated_by ... or event:<type>")
    kind: str = Field(description="text (read from articles), dictionary, or event")
    weight: int = Field(description="Tellings or events behind the edge (1 for a dictionary link).")
    articles: list[str] = []
    evidence: list[dict[str, Any]] = []


class GraphOut(BaseModel):
    nodes: list[NodeOut]
    edges: list[EdgeOut]


# ----------------------------------------------------------------------------------- aggregates


class PlaceOut(BaseModel):
    name: str | None
    admin1: str | None
    country: str | None
    geonameid: int | None
    lat: float | None
    lon: float | None
    events: int
    fatalities: int


class PlacesOut(BaseModel):
    places: list[PlaceOut]


class StatsRowOut(BaseModel):
    key: str | None = Field(description="The day, ISO week (2019-W15), month, admin1, country or type; null: unknown.")
    events: int
    fatalities: int


class StatsOut(BaseModel):
    by: str
    rows: list[StatsRowOut]


# ----------------------------------------------------------------------------------- stories


class StoryOut(_Open):
    id: str
    title: str | None = None
    first_date: str | None = None
    last_date: str | None = None
    n_events: int | None = None
    n_articles: int | None = None
    countries: list[str] = []
    actors: list[str] = Field([], description="The most frequent actors, at most five.")
    event_ids: list[str] = Field([], description="Fused event ids in date order.")


class StoryDetailOut(StoryOut):
    events: list[str] = Field([], description="The same ids as event_ids; GET /api/events?story=ID gives the events.")


class StoriesOut(BaseModel):
    limit: int
    offset: int
    stories: list[StoryOut]


# ----------------------------------------------------------------------------------- writes


class ChangesIn(BaseModel):
    """Field -> new value (null clears a field). Counts are bounded to fit the store and text may
    not hold control characters (api.bounds); the values themselves are checked by the
    corrections (an unknown sub-event type, a latitude out of range, an unknown field)."""

    model_config = ConfigDict(extra="allow")
    sub_event_type: CleanText | None = None
    plover_type: CleanText | None = None
    actor1: CleanText | None = None
    actor2: CleanText | None = None
    assoc_actor_1: CleanText | None = None
    assoc_actor_2: CleanText | None = None
    date: CleanText | None = Field(None, description="YYYY-MM-DD")
    fatalities: Count | None = Field(None, description=f"0 to {MAX_COUNT:,}")
    injured: Count | None = Field(None, description=f"0 to {MAX_COUNT:,}")
    location_name: CleanText | None = None
    admin1: CleanText | None = None
    lat: float | None = Field(None, strict=True)
    lon: float | None = Field(None, strict=True)
    modality: CleanText | None = None

    @model_validator(mode="after")
    def _some(self) -> ChangesIn:
        if not self.model_fields_set:
            raise ValueError("changes must name at least one field")
        return self

    def given(self) -> dict[str, Any]:
        """The fields the request named, with their values (an explicit null included)."""
        return self.model_dump(exclude_unset=True)


Reason = Annotated[str, Field(max_length=2000), AfterValidator(clean_text)] | None


class PatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    changes: ChangesIn
    reason: Reason = None


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ids: list[CleanText] = Field(..., min_length=2, max_length=100, description="The first one survives.")
    reason: Reason = None


class SplitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source_event_ids: list[CleanText] = Field(..., min_length=1, max_length=1000)
    reason: Reason = None


class ArticleIn(BaseModel):
    """One article to ingest (documents the JSON body; the route parses it leniently itself)."""

    id: str | None = None
    text: str
    title: str | None = None
    published: str | None = Field(None, description="ISO date, YYYY-MM-DD")
    source: str | None = None
    url: str | None = None


class ArticlesIn(BaseModel):
    articles: list[ArticleIn] = Field(..., max_length=100)
