"""One article in, one DocumentResult out: the stateless heart behind ``flashpoint extract``.

Each stage is a pure function of the article and read-only knowledge loaded once per process
(the spaCy model, the actor dictionary, the gazetteer, the lexicon), so results are the same
in the CLI, the API and every batch worker.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from spacy.tokens import Doc

from .actors.dictionary import load_dictionary
from .actors.relations import read_relations
from .actors.resolve import get_resolver
from .events.claims import read_claims
from .events.classifier import get_classifier
from .events.coder import EventCoder
from .events.detect import get_finder
from .events.ontology import load_ontology
from .ingest import IngestOptions, make_article
from .model import (
    EXTRACTOR_VERSION,
    ActorMention,
    Article,
    Claim,
    DocumentResult,
    Event,
    Evidence,
    PlaceMention,
    Relation,
    TimeMention,
)
from .nlp import get_nlp, parse_long
from .outcomes import CodingFailure
from .places import Gazetteer, geoparse
from .settings import get_settings
from .times import tag_times

T = TypeVar("T")

@functools.lru_cache(maxsize=2)
def _coder() -> EventCoder:
    classifier = get_classifier() if get_settings().use_classifier else None
    return EventCoder(load_ontology(), load_dictionary(), classifier=classifier)


def focus_country(doc: Doc, places: list[PlaceMention]) -> str | None:
    """The country an article is about: places weigh most, nationality words count too."""
    dictionary = load_dictionary()
    votes: Counter[str] = Counter()
    for p in places:
        if p.country:
            votes[p.country] += 2 if p.feature_class == "P" else 1
    for tok in doc:
        if tok.pos_ in {"ADJ", "PROPN"}:
            country = dictionary.country_of_demonym(tok.text)
            if country:
                votes[country] += 1
    if not votes:
        return None
    return votes.most_common(1)[0][0]


def _stage(name: str, errors: list[str], fn: Callable[[], T], fallback: T) -> T:
    """Run one stage; a failure costs this stage of this article, recorded, never the batch."""
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - one odd article must not sink a million
        errors.append(f"{name} failed: {type(exc).__name__}: {exc}")
        return fallback


def attribute_claims(events: list[Event], claims: list[Claim], article: Article) -> None:
    """An event told inside someone's statement is claimed, with the speaker as evidence; not so
    when the speaker is the actor whose statement is the event ("the militias said they rejected")."""
    for event in events:
        trigger = next((ev for ev in event.evidence if ev.field == "trigger"), None)
        if trigger is None:
            continue
        claim = next((c for c in claims if c.start <= trigger.start and trigger.end <= c.end), None)
        if claim is None or (claim.speaker_actor and claim.speaker_actor == event.actor1):
            continue
        event.modality = "claimed"
        event.evidence.append(Evidence("claimed_by", claim.speaker_start, claim.speaker_end,
                                       article.text[claim.speaker_start : claim.speaker_end]))


def analyse(doc: Doc, article: Article, coder: EventCoder | None = None) -> DocumentResult:
    """All stages over an already parsed document (``coder``: another event coder, for eval)."""
    nlp = get_nlp()
    errors: list[str] = []
    places: list[PlaceMention] = _stage("places", errors, lambda: geoparse(doc, article, Gazetteer.load()), [])
    named = [p for p in places if p.role is None]  # where things happen; not nationality words or names
    times: list[TimeMention] = _stage("times", errors, lambda: tag_times(doc, article), [])
    country = focus_country(doc, named)
    actors: list[ActorMention] = _stage("actors", errors, lambda: get_resolver(nlp).resolve(
        doc, focus_country=country, blocked=[(p.start, p.end) for p in named]), [])
    relations: list[Relation] = _stage("relations", errors, lambda: read_relations(doc, actors, load_dictionary()), [])
    events: list[Event] = _stage("events", errors, lambda: (coder or _coder()).code(
        doc, article, get_finder(nlp).find(doc, body_start=article.body_start),
        actors=actors, places=named, times=times, focus_country=country), [])
    claims: list[Claim] = _stage("claims", errors, lambda: read_claims(doc, actors, body_start=article.body_start), [])
    attribute_claims(events, claims, article)
    vectors: dict[str, bytes] = _stage("vectors", errors, lambda: event_vectors(events), {})
    return DocumentResult(
        article=article, events=events, actors=actors, places=places, times=times, claims=claims,
        relations=relations, errors=errors, extractor_version=EXTRACTOR_VERSION, vectors=vectors,
    )


def event_sentence(event: Event) -> str:
    """The text fusion compares events by: the (first) sentence the event was coded from, the
    one the classifier has already embedded."""
    sentence = next((ev.text for ev in event.evidence if ev.field == "sentence"), None)
    if sentence is not None:
        return sentence.strip()
    return " ".join(ev.text.strip() for ev in event.evidence)


def event_vectors(events: list[Event]) -> dict[str, bytes]:
    """Embeddings for fusion, taken from the classifier's sentence memo (so nearly free): only
    when the classifier runs; otherwise fusion embeds the sentences it needs itself."""
    if not events or not get_settings().use_classifier:
        return {}
    from .events.classifier import get_embedder

    matrix = get_embedder().embed_cached([event_sentence(e) for e in events])
    return {e.id: row.astype("float16").tobytes() for e, row in zip(events, matrix, strict=True)}


class ArticleNotParsed(ValueError):
    """spaCy could not parse an article at all; ``str()`` names it and says why, in one line."""


def extract_article(article: Article) -> DocumentResult:
    return next(extract_articles([article]))


def _parse_batch(texts: list[str], batch_size: int) -> list[Doc | Exception]:
    """Each text's Doc, or why it could not be parsed. A batch goes through ``nlp.pipe`` (much
    faster than one call each); a text longer than the model's limit is parsed in pieces
    (``nlp.parse_long``); if the batch fails as a whole, each text is parsed alone, so one
    article that spaCy cannot parse costs that article only, never its batch."""
    nlp = get_nlp()
    out: list[Doc | Exception | None] = [None] * len(texts)
    short = [i for i, t in enumerate(texts) if len(t) <= nlp.max_length]
    try:
        for i, doc in zip(short, nlp.pipe((texts[i] for i in short), batch_size=batch_size), strict=True):
            out[i] = doc
    except Exception:  # noqa: BLE001 - retried one by one below, where the culprit is named
        for i in short:
            out[i] = None
    for i, text in enumerate(texts):
        if out[i] is None:
            try:
                out[i] = parse_long(nlp, text)
            except Exception as exc:  # noqa: BLE001 - this article only
                out[i] = exc
    return [d for d in out if d is not None]


def code_articles(articles: Iterable[Article], *, batch_size: int = 16,
                  coder: EventCoder | None = None) -> Iterator[DocumentResult | CodingFailure]:
    """Many articles coded, in input order: each one's result, or, for an article that cannot be
    parsed at all, a ``CodingFailure`` saying why (nothing is stored for it and a rerun retries it).
    The other stages of ``analyse`` already cost only their own stage of one article."""
    buffer: list[Article] = []

    def flush() -> Iterator[DocumentResult | CodingFailure]:
        for article, doc in zip(buffer, _parse_batch([a.text for a in buffer], batch_size), strict=True):
            if isinstance(doc, Exception):
                reason = f"cannot parse: {type(doc).__name__}: {doc}".splitlines()[0]
                yield CodingFailure(article, reason)
            else:
                yield analyse(doc, article, coder)
        buffer.clear()

    for article in articles:
        buffer.append(article)
        if len(buffer) >= batch_size:
            yield from flush()
    yield from flush()


def extract_articles(
    articles: Iterable[Article], *, batch_size: int = 16, coder: EventCoder | None = None
) -> Iterator[DocumentResult]:
    """Many articles coded, in input order; raises ``ArticleNotParsed`` for an article spaCy
    cannot parse (callers that must go on past one use ``code_articles``)."""
    for outcome in code_articles(articles, batch_size=batch_size, coder=coder):
        if isinstance(outcome, CodingFailure):
            raise ArticleNotParsed(f"{outcome.article.origin or outcome.article.id}: {outcome.reason}")
        yield outcome


def extract(
    text: str,
    *,
    published: str | None = None,
    title: str | None = None,
    source: str | None = None,
    url: str | None = None,
    doc_id: str | None = None,
) -> DocumentResult:
    """The public Python entry point: clean one article's text and code its events."""
    article = make_article(
        text, doc_id=doc_id, title=title, published=published, source=source, url=url,
        origin="python", options=IngestOptions(),
    )
    return extract_article(article)
