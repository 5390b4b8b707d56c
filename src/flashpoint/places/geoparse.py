"""Finding place names in an article, resolving each to one gazetteer entry, and picking an event's place.

Why not trust spaCy's labels alone: the small English model misses or mislabels many conflict toponyms
("Nineveh" and "al-Qathia" come out as PERSON, "Hasaka province" is split, "Gunmen" comes out as GPE). So
toponyms come from two sources: spaCy's GPE/LOC/FAC entities, which are trusted to be places, and a scan of
capitalised token sequences against the gazetteer, which is not: a scanned name is only kept when the
gazetteer knows it as a curated place, an admin area, a country or a large town of a country the article
is about, *and* the words around it say "place" ("in Nineveh", "Hasaka province", "entered Hawija").

Why an article-level country focus: most names are ambiguous across countries (Tripoli, Hama, Washington),
and an article is usually about one or two countries. Countries named in the text (half weight when named
as a modifier: "US officials") and nationality words ("Iraqi") are counted; later passes add the countries
and admin areas of places already pinned down. Each candidate is then scored by its country's share of
that count (and its neighbours' share: a Syria story names Lebanese towns), scaled by how much evidence
there is; its population; its prominence (how many names GeoNames records for it: Geneva in Switzerland
has sixty, Geneva in Illinois eleven); its kind (country, admin area, capital, town); how well the
spelling matched; "Town, Country" and "Town, State" apposition; and the admin area named in the same
sentence ("in Hasaka province"). Spelling variants and skeleton matches are only believed in countries
the article is about, and small places of countries the article never names are left unresolved ("Adra"
near Damascus is not Adra in Spain).

What else the error analysis of news (LGL local news, FA-KES war reporting) taught, each rule general:

- Wire datelines ("BAGHDAD (Reuters) -", "COLUMBUS, Ohio --") name where a story was filed; the first one in
  the opening lines is a toponym even when spaCy calls it an organisation or misses it.
- A district GeoNames lacks is named after its town ("Nad Ali district", "Sinjar District"): the mention
  resolves to the town. US counties are not ("Laurel County" has its seat in London): they resolve to the
  county's centre point, chosen among the states that have a county of that name. Continents, world
  regions and water bodies ("the Gulf of Mexico" is not Mexico) stay place mentions without coordinates.
- A former or variant name of a big town loses to the own name of another town in the same country
  (Kansas City's old name "Greenwood" against Greenwood, Indiana); a consonant-skeleton match is only
  believed where English spells names from another script (Asia, Africa, Cyrillic Europe).
- The admin areas an article is about pull its towns toward them, except toward the area a toponym itself
  names ("Minnesota" read as the state must not become Minneota, Minnesota in the next pass).
- US counties say which state a story is in before anything is resolved: "Edgar County" exists
  only in Illinois, so that story's "Paris" is Paris, Illinois; "Henry County" shares its weight among the
  ten states that have one. A county named like a foreign place ("Guernsey County") stays a county.
  Admin areas inside organisation names ("Kansas State University") count the same way: no mention, but
  a sign of where the story is.
- A name's own mentions do not vote on what it means: "Palestine" named five times in a Texas story would
  otherwise make the story "about" Palestine and pull every mention to the country.
- Places named together lie together: each candidate gains from the other names that have a plausible
  place within 80 km of it ("Decatur, Huntsville and Athens" are the Alabama towns).
- A town named like a country or region ("Egypt, Pennsylvania") needs that company, the text's say-so
  ("Egypt, Pa.") or a county of its state; a village hardly ever wins against the country otherwise.
- Lowercase words ("metro"), lone generic words ("North", "City") and mixed-case three-letter words ("Car")
  are not toponyms even when spaCy labels them; "CAR" is.
- Nationality words ("Iraqi") and place names inside organisation names ("the Baghdad Operations
  Command", "the Texas Department of Health") are place mentions with a ``role`` ("demonym", "in_name"):
  evidence of where a story is, shown as places, but never where an event happened (``event_location``
  skips them, and the pipeline gives the event coder and the actor resolver only the other mentions).
- Local news names its towns with no cue word ("Hillsboro police said"): once the first passes pin the
  story's admin areas, a proper-noun town of that area, or near a place the story named, is a mention.
- "A district of B", "A in B": A lies in B, for every mention of A; a namesake elsewhere is ruled out.
- The weights and thresholds are data (``data/geoparse.yaml``), searched by ``eval places --tune``.

The geoparser, one module per concern, each importing only those listed before it: ``vocabulary`` (the
words), ``active_weights`` (the weights in force), ``toponyms`` (the records the passes share),
``tokens`` (the finders' view of a Doc), ``scan`` (the gazetteer scan), ``finding`` (the first pass),
``context`` (country focus), ``resolving`` (scores), ``colocation``, ``local_names`` (the later pass) and
this module, which runs them (``geoparse``); ``event_place`` picks an event's place from the result.
"""

from __future__ import annotations

import logging

from spacy.tokens import Doc

from ..model import Article, PlaceMention
from . import active_weights
from .active_weights import using_weights
from .colocation import _add_colocation, _pointlike
from .context import _context, _refine
from .finding import _find_toponyms
from .gazetteer import Candidate, Gazetteer
from .local_names import _local_names, _repeats
from .resolving import _SKIP, _UNRESOLVED, _resolve
from .tokens import _Tokens
from .toponyms import _Context, _Toponym

log = logging.getLogger(__name__)

__all__ = ["geoparse", "using_weights"]


def geoparse(doc: Doc, article: Article, gazetteer: Gazetteer | None = None) -> list[PlaceMention]:
    """Every place mention in the article, resolved where the gazetteer allows, in text order.

    Three passes: the first resolves with the countries the text names; the later ones add the countries
    and admin areas of what the previous pass pinned down (a story naming Atlanta, Georgia and Gainesville
    is about the US state of Georgia, so its "Athens" is Athens, Georgia). A failure while resolving one
    toponym is logged and skips that toponym only.
    """
    gaz = gazetteer or Gazetteer.load()
    toks = _Tokens(doc, article.body_start)
    toponyms = _find_toponyms(doc, toks, gaz)
    base = _context(doc, toks, toponyms, gaz)
    ctx = base
    for _ in range(2):
        resolved = [_safe_resolve(top, ctx, gaz, article) for top in toponyms]
        ctx = _refine(base, toponyms, resolved)
    local = list(_local_names(toks, gaz, ctx, [r for r in resolved if isinstance(r, Candidate) and _pointlike(r)]))
    local += _repeats(toks, toponyms + local, resolved + [None] * len(local))
    if local:
        toponyms = sorted(toponyms + local, key=lambda t: t.start)
        resolved = [_safe_resolve(top, ctx, gaz, article) for top in toponyms]
        ctx = _refine(base, toponyms, resolved)
    _add_colocation(toponyms, ctx)
    out: list[PlaceMention] = []
    for top in toponyms:
        outcome = _safe_resolve(top, ctx, gaz, article)
        if isinstance(outcome, Candidate):
            if top.role == "in_name" and not _supported(top, outcome, ctx):
                continue
            out.append(_mention(top, outcome))
        elif outcome is _UNRESOLVED and top.role is None:  # a name in a name is kept only when it resolves
            out.append(PlaceMention(top.start, top.end, top.text, None, None, None, None, None, None))
    return out


def _supported(top: _Toponym, best: Candidate, ctx: _Context) -> bool:
    """A town inside an organisation's name is kept when the story is there: its admin area is one the
    story is about, another place named lies near it, or it is a big town of a country the story names
    ("Commerce" in "the Chamber of Commerce" is no Texas town)."""
    if best.is_country or best.is_admin1 or best.feature_class != "P":
        return True
    cc = best.country_code or ""
    return (ctx.admin_focus.get((cc, best.admin1_code or ""), 0.0) >= active_weights.W.in_name_focus
            and best.population >= active_weights.W.in_name_town or ctx.nearby.get((id(top), id(best)), 0.0) >= 1.0
            or best.population >= active_weights.W.named_town and cc in ctx.focus)


def _safe_resolve(top: _Toponym, ctx: _Context, gaz: Gazetteer, article: Article) -> Candidate | object:
    try:
        return _resolve(top, ctx, gaz)
    except Exception:  # one bad toponym must not cost the article its other places
        log.exception("geoparse: could not resolve %r at %d in article %s", top.text, top.start, article.id)
        return _SKIP


def _mention(top: _Toponym, best: Candidate) -> PlaceMention:
    return PlaceMention(
        start=top.start,
        end=top.end,
        text=top.text,
        geonameid=best.geonameid,
        name=best.name,
        admin1=best.admin1 if not best.is_country else None,
        country=best.country,
        lat=best.lat,
        lon=best.lon,
        feature_class=best.feature_class,
        country_code=best.country_code,
        role=top.role,
    )
