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

Speed: the finder reads token attributes from plain lists built once per Doc (``_Tokens``), the gazetteer
memoises lookups and candidates, and sentence bounds are shared with ``nlp.sentence_of``.

Why ``event_location`` is picky about countries and capitals: in news, "Washington designated ..." and
"Iran's Revolutionary Guard" name governments, not places. A country, admin area or capital only counts as
where an event happened when a locative word introduces it ("in Iraq", "near Tehran", "northern Syria").
"""

from __future__ import annotations

import bisect
import calendar
import contextlib
import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from ..model import Article, Location, PlaceMention
from ..nlp import doc_text, sentence_bounds
from ..distance import haversine_km
from .gazetteer import Candidate, Gazetteer, normalize_name
from .weights import GeoWeights, load_weights

log = logging.getLogger(__name__)

_W: GeoWeights = load_weights()  # data/geoparse.yaml


@contextlib.contextmanager
def using_weights(weights: GeoWeights) -> Iterator[None]:
    """Geoparse with other weights inside the block (``eval places --tune`` tries candidates this way)."""
    global _W
    saved, _W = _W, weights
    try:
        yield
    finally:
        _W = saved

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_NOT_PLACE_LABELS = frozenset({"NORP", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
_MAX_SCAN_TOKENS = 6

# words that, right before a name, say the name is a place
_LOCATIVE_WORDS = frozenset(
    """in at near outside around inside into from to toward towards across through throughout within of
    over along beyond via between entered entering enter enters reach reaches reached reaching captured capturing seized
    seizing shelled shelling attacked attacking bombed bombing stormed storming liberated retook retaking
    recaptured besieged besieging raided raiding struck hit targeted fled leaving left visited visiting
    outskirts on pounded pounding hammered hammering targeting""".split()
)
_ADMIN_CUES = frozenset(
    "province governorate governate region state district oblast county department prefecture wilaya".split()
)
_TOWN_CUES = frozenset("city town village".split())
_PLACE_HEADS = frozenset(
    "base airbase airport camp plains plain valley mountains crossing dam refinery prison border countryside".split()
) | _ADMIN_CUES | _TOWN_CUES
# names made only of these words are descriptions ("the Old City", "the West"), not names
_GENERIC_WORDS = frozenset(
    """old new city town centre center downtown north south east west northern southern eastern western
    central upper lower district quarter square market airport bridge road street border area region camp
    university hospital college school mosque church
    base valley river mountains hills province village neighbourhood neighborhood suburb suburbs outskirts
    countryside capital middle""".split()
)

_CALENDAR_WORDS = frozenset(
    [m.lower() for m in calendar.month_name if m] + [m.lower() for m in calendar.month_abbr if m]
    + [d.lower() for d in calendar.day_name] + [d.lower() for d in calendar.day_abbr]
    + ["sept", "eid", "ramadan", "christmas", "easter", "ashura", "nowruz"]
)
# buildings that stand for governments; a gazetteer match for them is always wrong ("White House" is an
# alternate name of Guntersville, Alabama)
_INSTITUTIONS = frozenset({"white house", "kremlin", "pentagon", "elysee", "elysee palace", "downing street",
                           "congress", "parliament", "senate", "knesset", "bundestag", "duma", "state duma",
                           "capitol hill", "state department", "foreign office", "quai d orsay"})
# the last words of descriptive place phrases worth keeping when the gazetteer has no entry for them
_FEATURE_NOUNS = frozenset(
    """road street highway river mountain mountains heights hills valley plain plains gulf sea lake desert
    square bridge dam airport airbase base camp border crossing district neighbourhood neighborhood quarter
    region province city town village market port harbour harbor island islands coast county parish township
    borough municipality governorate prefecture oblast park forest creek bay peninsula canal falls""".split()
)
# "Nad Ali district", "Sinjar District": a district GeoNames lacks stands for the town it is named after
# (geo_precision 2 in the event stage); US counties are not named after their seats: they are counties
_NO_TOWN_CUES = frozenset({"county", "parish"})
_HEAD_CUES = (_ADMIN_CUES | _TOWN_CUES) - _NO_TOWN_CUES - {"state"}
_MACRO_REGIONS = frozenset({
    "middle east", "mediterranean", "levant", "sahel", "maghreb", "balkans", "caucasus", "gulf", "sinai",
    "horn of africa", "persian gulf", "arabian peninsula", "west africa", "east africa", "north africa",
    "central asia", "red sea", "black sea", "caspian sea", "lake chad",
    # continents and world regions: no point stands for them ("Africa" is also a Tunisian town's old name)
    "africa", "europe", "asia", "north america", "south america", "latin america", "central america",
    "americas", "oceania", "antarctica", "arctic", "caribbean", "southeast asia", "south asia", "east asia",
    "sub saharan africa", "eastern europe", "western europe", "central europe", "scandinavia",
    "southern africa", "central africa", "great lakes", "pacific", "atlantic", "indian ocean",
})
# "the Gulf of Mexico", "the Sea of Azov": a water body named after a place is not that place
_WATER_OF = re.compile(r"^(?:the\s+)?(?:gulf|bay|sea|strait|straits|isle|isles|lake|port|cape|mouth)\s+of\b", re.I)


@dataclass(slots=True)
class _Toponym:
    start: int
    end: int
    text: str
    label: str | None  # the spaCy label when spaCy called it a place; None for a gazetteer-scan find
    sentence: int  # index into the sentence list
    cue: str | None = None  # "admin" or "town" from the word after it
    candidates: list[Candidate] = field(default_factory=list)
    # "Tripoli, Lebanon", "Alexandria, La.": the country and admin areas named right after it
    within: set[tuple[str, str | None]] = field(default_factory=set)
    key: str = ""  # normalize_name(text)
    role: str | None = None  # PlaceMention.role: "demonym", "in_name", or None for a place named as one
    # "the Salah al-Din district of Aleppo", "Shahba in the Aleppo countryside": the areas it must lie in
    nested: set[tuple[str, str | None]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.key = normalize_name(self.text)


@dataclass(slots=True)
class _Context:
    counts: Counter[str]  # country code -> weighted mentions
    admin_by_sentence: dict[int, set[tuple[str, str]]]
    gazetteer: Gazetteer
    admin_focus: dict[tuple[str, str], float] = field(default_factory=dict)  # (cc, admin1) -> share
    nearby: dict[tuple[int, int], float] = field(default_factory=dict)  # (toponym id, candidate id) -> bonus
    # admin areas implied by what the text names without resolving it ("Edgar County": Illinois)
    admin_hints: Counter[tuple[str, str]] = field(default_factory=Counter)
    # what each name's own mentions added to ``counts``: "Palestine" named five times in a Texas story must
    # not outvote the story's other places when deciding what "Palestine" itself means
    own: dict[str, Counter[str]] = field(default_factory=dict)
    # what each name's own first-pass reading added to ``counts`` (``_refine``): "al-Hadar" read as the
    # Iraqi hamlet must not make the story about Iraq when deciding whether that reading is believable
    pinned_own: dict[str, Counter[str]] = field(default_factory=dict)
    focus: dict[str, float] = field(default_factory=dict)  # country code -> share of mentions
    total: float = 0.0  # sum of ``counts``
    _regional: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.total = sum(self.counts.values())
        self.focus = {cc: n / self.total for cc, n in self.counts.items()} if self.total else {}

    def regional(self, cc: str) -> float:
        """The largest focus share among the country's neighbours: a Syria story names Lebanese towns."""
        if cc not in self._regional:
            self._regional[cc] = max((self.focus.get(n, 0.0) for n in self.gazetteer.neighbours(cc)), default=0.0)
        return self._regional[cc]


def geoparse(doc: Doc, article: Article, gazetteer: Gazetteer | None = None) -> list[PlaceMention]:
    """Every place mention in the article, resolved where the gazetteer allows, in text order.

    Three passes: the first resolves with the countries the text names; the later ones add the countries
    and admin areas of what the previous pass pinned down (a story naming Atlanta, Georgia and Gainesville
    is about the US state of Georgia, so its "Athens" is Athens, Georgia). A failure while resolving one
    toponym is logged and skips that toponym only.
    """
    gaz = gazetteer or Gazetteer.load()
    toks = _Tokens(doc)
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
    return (ctx.admin_focus.get((cc, best.admin1_code or ""), 0.0) >= _W.in_name_focus
            and best.population >= _W.in_name_town or ctx.nearby.get((id(top), id(best)), 0.0) >= 1.0
            or best.population >= _W.named_town and cc in ctx.focus)




_UNRESOLVED = object()  # a place mention no gazetteer entry fits
_SKIP = object()  # not a place mention after all, or one that failed


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


# -- finding toponyms ------------------------------------------------------------------------------------


class _Tokens:
    """The token attributes the finder reads, pulled out of the Doc once.

    Why: every ``doc[i]`` builds a new Token object and every ``doc.text`` joins the whole document again;
    the scan looks at each capitalised token up to six times, so reading plain lists instead costs a
    fraction. Sentence bounds are shared with ``nlp.sentence_of`` through ``doc.user_data``.
    """

    __slots__ = ("text", "doc_text", "words", "lower", "idx", "sent_start", "alpha", "punct", "ent", "n",
                 "sentences", "propn", "taken", "blocked", "_people")

    def __init__(self, doc: Doc) -> None:
        self.doc_text = doc_text(doc)
        tokens = list(doc)
        self.n = len(tokens)
        self.words = [t.text for t in tokens]
        self.lower = [t.lower_ for t in tokens]
        self.idx = [t.idx for t in tokens]
        self.alpha = [t.is_alpha for t in tokens]
        self.punct = [t.is_punct for t in tokens]
        self.propn = [t.pos_ == "PROPN" for t in tokens]
        self.taken: list[bool] = []  # set by the finder: tokens inside a toponym ...
        self.blocked: list[bool] = []  # ... and inside entities that are not places
        self._people: set[str] | None = None
        self.ent: list[Span | None] = [None] * self.n
        for e in doc.ents:
            for i in range(e.start, e.end):
                self.ent[i] = e
        self.sent_start = [False] * self.n
        self.sentences = sentence_bounds(doc)
        starts = doc.user_data.get("flashpoint_sent_starts")
        if starts is not None:
            for i in starts:
                self.sent_start[i] = True
        elif self.n:
            try:
                for s in doc.sents:
                    self.sent_start[s.start] = True
            except ValueError:
                self.sent_start[0] = True

    def people(self) -> set[str]:
        """The words of the text's full person names: "Hopkins said" names no town when "David Hopkins" is
        in the story. A one-word "person" is left out (the small model calls many towns so: "the
        Gainesville sewer system"), as is one that ends in an organisation's word ("Huntsville Fire")."""
        if self._people is None:
            self._people = set()
            for ent in {e for e in self.ent if e is not None and e.label_ == "PERSON" and len(e) >= 2}:
                if self.lower[ent.end - 1] not in _ORG_HEADS:
                    self._people.update(self.words[i] for i in range(ent.start, ent.end))
        return self._people

    def claim(self, i: int, j: int) -> bool:
        """Mark tokens i..j-1 as inside a toponym; False, marking nothing, if one already is."""
        if any(self.taken[x] for x in range(i, j)):
            return False
        for x in range(i, j):
            self.taken[x] = True
        return True

    def claim_chars(self, start: int, end: int) -> bool:
        """``claim`` for the tokens that start within text[start:end] (finders that read the text)."""
        return self.claim(bisect.bisect_left(self.idx, start), bisect.bisect_left(self.idx, end))

    def span_text(self, s: int, e: int) -> str:
        """The text of tokens s..e-1."""
        return self.doc_text[self.idx[s] : self.idx[e - 1] + len(self.words[e - 1])]

    def can_start(self, i: int) -> bool:
        word = self.words[i]
        if word[:1].isupper() and self.alpha[i]:
            return True
        # "al-Qathia": an Arabic article joined by a hyphen
        return self.lower[i] in _ARTICLE_WORDS and i + 1 < self.n and self.words[i + 1] in ("-", "‐")

    def can_end(self, i: int) -> bool:
        return (self.words[i][:1].isupper() and self.alpha[i]) or self.lower[i] in _PLACE_HEADS


_ARTICLE_WORDS = frozenset(("al", "el", "ad", "ar", "as", "ash", "at", "az", "an"))


def _lookup(gaz: Gazetteer, text: str, **kwargs: bool) -> list[Candidate]:
    """A lookup that cannot fail: a name that breaks the gazetteer stays unresolved, the others go on."""
    try:
        return gaz.lookup(text, **kwargs)
    except Exception:
        log.exception("geoparse: gazetteer lookup failed for %r", text)
        return []


def _sentence_of(pos: int, sentences: list[tuple[int, int]]) -> int:
    """Index of the sentence holding ``pos`` (sentences are sorted and do not overlap)."""
    i = bisect.bisect_right(sentences, (pos, math.inf)) - 1
    return min(max(i, 0), max(0, len(sentences) - 1))


def _trim_entity(ent: Span, toks: _Tokens) -> tuple[int, int] | None:
    """Token range of a place entity without a leading "the" and a trailing possessive or punctuation."""
    start, end = ent.start, ent.end
    while start < end and (toks.lower[start] == "the" or toks.punct[start]):
        start += 1
    while end > start and (toks.punct[end - 1] or toks.lower[end - 1] in ("'s", "’s", "'", "’")):
        end -= 1
    return (start, end) if start < end else None


def _misread_norp(ent: Span, gaz: Gazetteer) -> bool:
    """A "nationality" spaCy's small model gives to an unfamiliar town name ("Hodeidah governorate",
    "in Kulachi"): no demonym, and a name the gazetteer knows. The scan may still take it, on its usual
    conditions (a locative word or a cue, a town in a country the story names)."""
    if ent.label_ != "NORP" or gaz.demonym_country(ent.text) is not None:
        return False
    after = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    if after is not None and after.lower_ not in _PLACE_HEADS and (
            after.text in ("-", "‐") or after.is_alpha and after.text[:1].isupper()
            or after.is_lower and after.pos_ in ("NOUN", "PROPN", "ADJ")):
        return False  # a modifier, as nationalities are: "the Arab world", "the Arab Spring", "Christian ministry"
    return bool(_lookup(gaz, ent.text, loose=False))


def _place_before_demonym(ent: Span, gaz: Gazetteer) -> bool:
    """A "nationality" entity that is a well-known place run into a nationality word ("Aleppo Syrian")."""
    if ent.label_ != "NORP" or len(ent) < 2 or gaz.demonym_country(ent[-1].text) is None:
        return False
    return _well_known(_lookup(gaz, ent[:-1].text, loose=False))


def _cue_after(toks: _Tokens, end: int) -> str | None:
    if end < toks.n:
        word = toks.lower[end]
        if word in _ADMIN_CUES:
            return "admin"
        if word in _TOWN_CUES:
            return "town"
    return None


def _cue_before(toks: _Tokens, start: int) -> str | None:
    """"the city of Raqqah", "the village of Tall Tawil": the words before say it is a town."""
    if start >= 2 and toks.lower[start - 1] == "of" and toks.lower[start - 2] in _TOWN_CUES:
        return "town"
    return None


# Direction and part words between a locative word and a place ("in eastern Aleppo", "in northern
# rural Hama"): the place is still introduced by the locative word.
_PLACE_PARTS = frozenset("""east eastern west western north northern south southern northeast northeastern northwest
    northwestern southeast southeastern southwest southwestern central rural greater downtown old""".split())


def _locative_before(toks: _Tokens, start: int, words: frozenset[str] = _LOCATIVE_WORDS) -> bool:
    i = start - 1
    while i >= 0 and (toks.lower[i] in ("the", "a") or toks.lower[i] in _PLACE_PARTS
                      or toks.punct[i] and toks.words[i] in "-'’"):
        i -= 1
    return i >= 0 and toks.lower[i] in words


def _find_toponyms(doc: Doc, toks: _Tokens, gaz: Gazetteer) -> list[_Toponym]:
    text = toks.doc_text
    sentences = toks.sentences
    taken = toks.taken = [False] * toks.n  # tokens already inside an accepted toponym
    blocked = toks.blocked = [False] * toks.n  # tokens inside entities that are not places (dates, numbers, NORP)
    found: list[_Toponym] = []
    unresolved_ents: list[tuple[Span, int, int]] = []
    for ent in doc.ents:
        if ent.label_ in _NOT_PLACE_LABELS and not _misread_norp(ent, gaz):
            # "of Aleppo Syrian state television": a place run into a nationality word; only the word is one
            first = ent.end - 1 if _place_before_demonym(ent, gaz) else ent.start
            for i in range(first, ent.end):
                blocked[i] = True
    found.extend(_datelines(toks, gaz))
    found.extend(_party_places(toks, gaz))
    found.extend(_listed_counties(toks, gaz))
    for ent in doc.ents:
        if ent.label_ not in PLACE_LABELS or any(taken[i] for i in range(ent.start, ent.end)):
            continue
        rng = _trim_entity(ent, toks)
        if rng is None:
            continue
        s, e = rng
        span_text = toks.span_text(s, e)
        if toks.lower[e - 1] in _NO_TOWN_CUES and gaz.county_states(span_text):
            # "Guernsey County" is in Ohio, not the Channel Island: a county, resolved among the counties
            start = toks.idx[s]
            found.append(_Toponym(start, start + len(span_text), span_text, ent.label_,
                                  _sentence_of(start, sentences), "admin", _counties(gaz, span_text)))
            for i in range(s, e):
                taken[i] = True
            continue
        # "Hasaka province" after the name, "the town of Douma" before it, or "Quneitra province" inside it
        cue = _cue_after(toks, e) or _cue_before(toks, s) or (
            "admin" if e - s >= 2 and toks.lower[e - 1] in _ADMIN_CUES else None)
        cands = []
        if cue:  # "Hasaka province": the phrase names the admin area, and the mention takes the word in
            phrase = toks.span_text(s, e + 1)
            cands = _lookup(gaz, phrase)
            if cands:
                span_text, e = phrase, e + 1
            elif toks.lower[e] in _NO_TOWN_CUES:  # "Camden County": a county, not the town of Camden
                start = toks.idx[s]
                found.append(_Toponym(start, start + len(phrase), phrase, ent.label_, _sentence_of(start, sentences),
                                      cue, []))
                for i in range(s, e + 1):
                    taken[i] = True
                continue
        if not cands:
            cands = _lookup(gaz, span_text)
        if not cands and e - s >= 2 and toks.lower[e - 1] in _HEAD_CUES:
            cands = [c for c in _lookup(gaz, toks.span_text(s, e - 1)) if not c.is_country]
            cue = _cue_after(toks, e - 1)
        if not cands:
            parts = _split_entity(toks, s, e, gaz)
            for ps, pe, part_cands in parts:
                start = toks.idx[ps]
                part_text = toks.span_text(ps, pe)
                found.append(_Toponym(start, start + len(part_text), part_text, ent.label_,
                                      _sentence_of(start, sentences), None, part_cands))
                for i in range(ps, pe):
                    taken[i] = True
            if not parts:
                unresolved_ents.append((ent, s, e))
                if _WATER_OF.match(toks.span_text(s, e)):
                    for i in range(s, e):  # the scan must not find "Mexico" in "the Gulf of Mexico"
                        taken[i] = True
            continue
        start = toks.idx[s]
        found.append(_Toponym(start, start + len(span_text), span_text, ent.label_,
                              _sentence_of(start, sentences), cue, cands))
        for i in range(s, e):
            taken[i] = True

    found.extend(_scan(doc, toks, gaz, taken, blocked))
    found.extend(_names_in_organisations(doc, toks, gaz, taken))
    found.extend(_demonyms(toks, gaz, taken))

    # spaCy called these places but no gazetteer name fits: keep the descriptive ones ("the Old City",
    # "Castello Road", "the Middle East") as unresolved mentions; drop the rest, which are mostly
    # organisations and mislabels ("Gunmen", "IRGC", "Syrian Observatory for Human Rights")
    for ent, s, e in unresolved_ents:
        if any(taken[i] for i in range(s, e)) and not _WATER_OF.match(toks.span_text(s, e)):
            continue
        start = toks.idx[s]
        span_text = toks.span_text(s, e)
        if _describes_place(span_text):
            found.append(_Toponym(start, start + len(span_text), span_text, ent.label_,
                                  _sentence_of(start, sentences), None, []))
    found = [t for t in found if not _titled(toks, t)]
    found.sort(key=lambda t: t.start)
    _link_containers(found, text)
    _link_nesting(found, text)
    return found


# words before a one-word name that make it a person's: "coach Ripley", "Sen. Warner", "Officer Newberg"
_PERSON_TITLES = frozenset(
    """coach mr mrs ms miss dr sen senator rep representative gov governor officer sheriff sgt sergeant lt
    lieutenant capt captain judge detective deputy trooper pastor rev reverend father sister brother
    professor prof mayor councilman councilwoman commissioner superintendent principal""".split())


def _titled(toks: _Tokens, top: _Toponym) -> bool:
    """A one-word name right after a person's title ("coach Ripley", "Mayor Hall") is that person."""
    if top.role is not None or " " in top.text.strip():
        return False
    return _title_before(toks, bisect.bisect_left(toks.idx, top.start))


def _title_before(toks: _Tokens, i: int) -> bool:
    j = i - 1
    if j >= 0 and toks.words[j] == ".":
        j -= 1
    return j >= 0 and toks.lower[j].rstrip(".") in _PERSON_TITLES


# "BAGHDAD (Reuters) -", "COLUMBUS, Ohio --", "KABUL, Afghanistan:": a wire dateline names where the story
# was filed; spaCy often misses the all-capitals name or calls it an organisation
_DATELINE = re.compile(
    r"(?:^|\n|[.!?]\s+)(?P<place>[A-Z][A-Z'’.\-]+(?:[ \t][A-Z][A-Z'’.\-]+){0,3})"
    r"(?:,[ \t]*(?P<within>[A-Z][\w.]*(?:[ \t][A-Z][\w.]*){0,2}))?"
    # the dash as written, or as a cp1252 em dash read as Latin-1 (U+0097), which copied news often has
    r"[ \t]*(?:\([^)\n]{1,40}\))?[ \t]*(?:—|–|―|\x97|--|-|:)[ \t]"
)
_DATELINE_SPAN = 600  # datelines open the story (after a headline, in this pipeline's texts)


def _datelines(toks: _Tokens, gaz: Gazetteer) -> list[_Toponym]:
    out: list[_Toponym] = []
    text = toks.doc_text
    for m in _DATELINE.finditer(text[:_DATELINE_SPAN]):
        for group in ("place", "within"):
            start, end = m.span(group)
            if start < 0:
                continue
            name = text[start:end].rstrip(".") if group == "place" else text[start:end]
            end = start + len(name)
            cands = [c for c in _lookup(gaz, name, loose=False) if c.match in ("name", "alias")]
            if not cands or len(normalize_name(name)) <= 2 and not any(c.match == "alias" for c in cands):
                break  # "AP -", "UN -": not a dateline; a failed town leaves its state alone too
            if not toks.claim_chars(start, end):
                break
            out.append(_Toponym(start, end, name, "GPE", _sentence_of(start, toks.sentences), None, cands))
        if out:
            break  # one dateline per story
    return out


# "Sen. Barbara Boxer, D-Calif.", "Rep. Tom Smith, R-Fairfax": a US legislator's party and the state or
# district they represent; the second part is always a place
_PARTY_PLACE = re.compile(r"(?<![\w-])(?:[DRI]|DFL)-(?P<place>[A-Z][\w.’']*(?:[ \t][A-Z][\w.’']*)?)")


def _party_places(toks: _Tokens, gaz: Gazetteer) -> list[_Toponym]:
    """The place after a party letter, the longest part the gazetteer knows ("D-Fort Worth", "D-Calif.")."""
    out: list[_Toponym] = []
    text = toks.doc_text
    for m in _PARTY_PLACE.finditer(text):
        start, end = m.span("place")
        name = text[start:end]
        words = name.split()
        for k in range(len(words), 0, -1):  # "D-Fort Worth" before "D-Fort"
            part = " ".join(words[:k]).rstrip(",")
            cands = [c for c in _lookup(gaz, part, loose=False) if c.match in ("name", "alias")]
            if not cands and part.endswith("."):
                cands = [c for c in _lookup(gaz, part.rstrip("."), loose=False) if c.match in ("name", "alias")]
                part = part if cands and any(c.match == "alias" for c in cands) else part.rstrip(".")
            if cands:
                if toks.claim_chars(start, start + len(part)):
                    out.append(_Toponym(start, start + len(part), part, "GPE", _sentence_of(start, toks.sentences),
                                        None, cands))
                break
    return out


# "Barrow and Jackson counties", "Becker, Clay, Douglas and Wilkin counties": each name is a county
_NAME = r"[A-Z][\w'’.-]+(?:[ \t][A-Z][\w'’.-]+)?"
_LISTED_COUNTIES = re.compile(rf"(?P<list>{_NAME}(?:,[ \t]+{_NAME})*,?[ \t]+(?:and|&)[ \t]+{_NAME})[ \t]+"
                              r"(?P<kind>counties|parishes)\b")
_NAME_RE = re.compile(_NAME)


def _listed_counties(toks: _Tokens, gaz: Gazetteer) -> list[_Toponym]:
    """Each name of a list that ends in "counties" (or "parishes") that is a county of that name."""
    out: list[_Toponym] = []
    text = toks.doc_text
    for m in _LISTED_COUNTIES.finditer(text):
        suffix = "County" if m["kind"] == "counties" else "Parish"
        for n in _NAME_RE.finditer(m["list"]):
            name = n.group(0)
            cands = _counties(gaz, f"{name} {suffix}")
            if not cands:
                continue
            start = m.start("list") + n.start()
            if not toks.claim_chars(start, start + len(name)):
                continue
            out.append(_Toponym(start, start + len(name), name, "GPE", _sentence_of(start, toks.sentences),
                                "admin", cands))
    return out


def _link_containers(toponyms: list[_Toponym], text: str) -> None:
    """Mark "Town, Country" and "Town, State": the second name says where the first one lies."""
    for a, b in zip(toponyms, toponyms[1:]):
        if not re.fullmatch(r"\s*,\s*", text[a.end : b.start]):
            continue
        for c in b.candidates:
            if c.match in ("name", "alias") and c.country_code and (c.is_country or c.is_admin1):
                a.within.add((c.country_code, None if c.is_country else c.admin1_code))


# "the Salah al-Din district of Aleppo", "a neighbourhood in western Mosul", "Shahba in the Aleppo
# countryside": what lies between a place and the place it is part of
_NESTING = re.compile(
    r"\s+(?:(district|neighbou?rhood|quarter|suburb|area|town|village|city|camp)\s+)?(?:of|in)\s+(?:the\s+)?"
    r"(?:(?:north|south|east|west)(?:ern)?\s+|(?:north|south)(?:east|west)(?:ern)?\s+|central\s+|rural\s+)*",
    re.I)


def _bigger(cands: list[Candidate]) -> int:
    """The population of the largest place a name may be (admin areas and countries count as very large)."""
    return max((10**9 if c.is_country or c.is_admin1 else c.population for c in cands
                if c.match in ("name", "alias")), default=0)


def _link_nesting(toponyms: list[_Toponym], text: str) -> None:
    """Mark "A district of B" and "A in B": A must lie in B's country and admin area. Unlike "Town,
    Country" (a strong hint), this is a constraint: a district of Aleppo named like an Iraqi province is
    not that province; with no place of its name inside B it stays unresolved, and the event stage falls
    back on B."""
    said: dict[str, set[tuple[str, str | None]]] = {}
    for a, b in zip(toponyms, toponyms[1:]):
        between = _NESTING.fullmatch(text[a.end : b.start])
        if a.role or b.role or not between or any(c.is_country and c.match in ("name", "alias") for c in a.candidates):
            continue  # "the border with Turkey in northern Aleppo province": a country lies in no province
        if between.group(1) and _bigger(a.candidates) >= max(_bigger(b.candidates), 1):
            continue  # "the Damascus suburb of Ghouta": the suburb is Ghouta, of Damascus
        areas = {(c.country_code, None if c.is_country else c.admin1_code)
                 for c in b.candidates if c.match in ("name", "alias") and c.country_code}
        if areas:
            a.nested = areas
            said.setdefault(a.key, areas)
    for top in toponyms:  # one name, one place in a story: "Hader in Quneitra province" holds for every "Hader"
        if not top.nested and top.role is None and top.key in said:
            top.nested = said[top.key]


def _split_entity(toks: _Tokens, s: int, e: int, gaz: Gazetteer) -> list[tuple[int, int, list[Candidate]]]:
    """Places inside an entity that did not resolve as a whole.

    spaCy runs a town and its country together when the comma is missing ("Manbij Syria"), takes in what
    follows a name ("Jayrud 60 kilometres") and joins a part to its town ("the Old City of Mosul"); the
    parts are places even though the whole is not.
    """
    if _WATER_OF.match(toks.span_text(s, e)):
        return []
    for k in range(max(s + 1, e - 3), e):  # a trailing country name, up to three words
        tail = _lookup(gaz, toks.span_text(k, e), loose=False)
        if tail and tail[0].is_country and tail[0].match in ("name", "alias"):
            cc = tail[0].country_code
            head = [c for c in _lookup(gaz, toks.span_text(s, k)) if c.country_code == cc]
            return ([(s, k, head)] if head else []) + [(k, e, tail)]
    # names separated by ordinary words or numbers: "the Old City of Mosul", "Jayrud 60 kilometres"
    parts: list[tuple[int, int, list[Candidate]]] = []
    k = s
    while k < e:
        if not toks.can_start(k):
            k += 1
            continue
        j = k + 1
        while j < e and (toks.can_start(j) or toks.words[j] in ("-", "‐") or toks.words[j - 1] in ("-", "‐")):
            j += 1
        if (k, j) != (s, e):
            cands = _lookup(gaz, toks.span_text(k, j), loose=False)
            if cands:
                parts.append((k, j, cands))
        k = j
    return parts


# admin words that head an organisation's name rather than a place's: "the Texas Department of ...",
# "Kansas State University"
_NAME_HEADS = frozenset(("department", "state", "region", "prefecture"))
_NAME_OPENERS = _PLACE_PARTS | {"the"}
_DOTTED = re.compile(r"(?:[A-Z]\.){2,3}")  # "U.S.", "U.K.": curated aliases written with dots
# words after which a capitalised run inside an organisation's name is where the organisation is:
# "University of Kentucky", "the Science Museum of Virginia"
_OF_WORDS = frozenset(("of", "for", "in"))


# entities whose names may open with the town they belong to: organisations, and the festivals, choirs
# and buildings the small model calls events, works or facilities ("the Dublin Art Stroll")
_NAMED_BODIES = frozenset(("ORG", "FAC", "EVENT", "WORK_OF_ART"))


def _names_in_organisations(doc: Doc, toks: _Tokens, gaz: Gazetteer, taken: list[bool]) -> Iterable[_Toponym]:
    """Places inside organisations' names: "the Texas Department of Transportation", "Paris Public Library",
    "University of Kentucky". They are where the organisation is, so they say where the story is and are
    shown as places (role "in_name"), but the event stage never takes them for where something happened.

    A name counts at the start of the organisation's name or after "of"/"for"/"in", and only when the
    gazetteer knows it by its own name or a curated alias; one that resolves to nothing is dropped.
    """
    people = toks.people()
    for ent in doc.ents:
        if ent.label_ not in _NAMED_BODIES or normalize_name(ent.text).removeprefix("the ") in _INSTITUTIONS:
            continue
        k = ent.start
        while k < ent.end:
            opens = k == ent.start or toks.lower[k - 1] in _OF_WORDS or (  # "the Texas ...", "Northeast Texas ..."
                k == ent.start + 1 and toks.lower[ent.start] in _NAME_OPENERS)
            if (taken[k] or not opens or not (toks.can_start(k) or _DOTTED.fullmatch(toks.words[k]))
                    or toks.lower[k] == "the" or toks.words[k] in people):
                k += 1
                continue
            hit = None
            for j in range(min(ent.end, k + 4), k, -1):
                if ((j, k) == (ent.end, ent.start) or not (toks.can_end(j - 1) or _DOTTED.fullmatch(toks.words[j - 1]))
                        or any(taken[x] for x in range(k, j))
                        or j - k > 1 and toks.lower[j - 1] in _NAME_HEADS):
                    continue  # the whole name is for the other finders; "Texas Department" is "Texas"
                name = toks.span_text(k, j)
                key = normalize_name(name)
                if _names_nothing(name, key, gaz):
                    continue
                cands = [c for c in _lookup(gaz, name, loose=False) if c.match in ("name", "alias")]
                if k > ent.start + 1 or toks.lower[k] != toks.lower[ent.start]:  # after "of": no hamlets
                    cands = [c for c in cands if c.is_country or c.is_admin1 or c.population >= _W.named_town]
                if cands and (len(key) > 2 or any(c.match == "alias" for c in cands)):
                    hit = (j, cands)
                    break
            if hit is None:
                k += 1
                continue
            j, cands = hit
            yield _claimed(toks, k, j, None, cands, role="in_name")
            k = j


# entities whose nationality words are part of a name or a language, not a country: "the American Heart
# Association", "American Airlines", "in English and Spanish"
_NAMED_THINGS = frozenset(("ORG", "FAC", "LAW", "EVENT", "PRODUCT", "WORK_OF_ART", "LANGUAGE", "PERSON"))


def _demonyms(toks: _Tokens, gaz: Gazetteer, taken: list[bool]) -> Iterable[_Toponym]:
    """Nationality words ("Sudanese", "Sri Lankan", "Palestinians") and words for an area's people
    ("Minnesotans"): the country or area they name, as place evidence (role "demonym"), never an
    event's place."""
    i = 0
    while i < toks.n:
        ent = toks.ent[i]
        if (taken[i] or not toks.words[i][:1].isupper() or not toks.alpha[i] or toks.lower[i] == "the"
                or i > 0 and toks.words[i - 1] in ("-", "‐")):  # "African-American" names no country
            i += 1
            continue
        for j in (i + 2, i + 1):  # "South Sudanese" before "Sudanese"; not "Israeli-" of "Israeli-occupied"
            if j > toks.n or any(taken[x] for x in range(i, j)) or not toks.alpha[j - 1]:
                continue
            if ent is not None and ent.label_ in _NAMED_THINGS and (
                    (ent.start, ent.end) != (i, j) or ent.label_ == "LANGUAGE"):
                continue  # "American Airlines", "in English and Spanish"; not "Sri Lankan" misread as a name
            name = toks.span_text(i, j)
            cc = gaz.demonym_country(name)
            country = gaz.country(cc) if cc else gaz.demonym_area(name)  # "Iraqis"; "Minnesotans"
            if country is not None:
                yield _claimed(toks, i, j, None, [country], role="demonym")
                i = j - 1
                break
        i += 1


def _describes_place(text: str) -> bool:
    key = normalize_name(text)
    words = key.split()
    return bool(words) and (words[-1] in _FEATURE_NOUNS or key in _MACRO_REGIONS or _is_generic(text)
                            or bool(_WATER_OF.match(text)))


def _scan(doc: Doc, toks: _Tokens, gaz: Gazetteer, taken: list[bool], blocked: list[bool]) -> Iterable[_Toponym]:
    """Gazetteer names among capitalised token runs that spaCy did not call places (see module doc)."""
    mentioned = _countries_in_place_ents(doc, gaz)
    country_mentions = (mentioned, mentioned | {nb for cc in mentioned for nb in gaz.neighbours(cc)})
    sent_start = toks.sent_start
    i = 0
    n = toks.n
    while i < n:
        if taken[i] or blocked[i] or not toks.can_start(i):
            i += 1
            continue
        # the longest run this start may take: no taken or blocked token, no sentence start inside
        limit = i + 1
        while limit < min(n, i + _MAX_SCAN_TOKENS) and not (taken[limit] or blocked[limit] or sent_start[limit]):
            limit += 1
        hit = None
        for j in range(limit, i, -1):
            if not toks.can_end(j - 1):
                continue
            span_text = toks.span_text(i, j)
            if j < n and toks.lower[j] in _NO_TOWN_CUES and gaz.county_states(toks.span_text(i, j + 1)):
                county = toks.span_text(i, j + 1)  # "Guernsey County": a US county, no island
                hit = (j + 1, county, _counties(gaz, county), None)
                break
            cands = _lookup(gaz, span_text, loose=False) or _variant_of_misread(toks, i, j, gaz, span_text)
            if not cands:
                continue
            container = _container_after(toks, j, gaz, taken, blocked)
            inside = container is not None and _inside(cands, container[1])
            if _scan_accepts(toks, i, j, cands, country_mentions, inside, gaz):
                hit = (j, span_text, cands, container if inside else None)
                break
        if hit is None:
            i += 1
            continue
        j, span_text, cands, container = hit
        start = toks.idx[i]
        yield _Toponym(start, start + len(span_text), span_text, None, _sentence_of(start, toks.sentences),
                       _cue_after(toks, j) or ("admin" if toks.lower[j - 1] in _ADMIN_CUES else None)
                       or _cue_before(toks, i), cands)
        for k in range(i, j):
            taken[k] = True
        i = j
        if container is not None and not taken[j + 1]:
            # "Frontera Comalapa, Chiapas": the state is a place mention too, whatever spaCy called it
            end, outer = container
            start = toks.idx[j + 1]
            text = toks.span_text(j + 1, end)
            yield _Toponym(start, start + len(text), text, None, _sentence_of(start, toks.sentences), None, outer)
            for k in range(j + 1, end):
                taken[k] = True
            i = end




def _variant_of_misread(toks: _Tokens, i: int, j: int, gaz: Gazetteer, span_text: str) -> list[Candidate]:
    """A spelling variant ("al-Hassakeh" for Al Hasakah), only for a whole entity the small model
    misread as an organisation or person: ``_misread`` then asks for a locative word before it and a
    town of a country the story names. Ordinary capitalised words get no loose lookup."""
    ent = toks.ent[i]
    if ent is None or (ent.start, ent.end) != (i, j) or ent.label_ not in _MISREAD_LABELS:
        return []
    return [c for c in _lookup(gaz, span_text) if c.match == "variant"]


def _local_names(toks: _Tokens, gaz: Gazetteer, ctx: _Context, pinned: list[Candidate]) -> Iterable[_Toponym]:
    """Towns of the area a story is about, named with no word that says "place": "Hurricane police found
    the two", "Rock Hill wants $180,000", "a Meadow Grove man". Local news names its towns this way all
    the time, and spaCy leaves most of them out. After the first passes have pinned the story's admin areas
    and places down, a proper-noun run the tagger called a proper noun is taken as a town when a town of
    that name (its own name, at least ``local_town`` people) lies in an admin area the story is about or
    within ``local_km`` of a place the story named (data/geoparse.yaml); never inside a person's name.
    """
    local_areas = {area for area, share in ctx.admin_focus.items() if share >= _W.local_focus}
    if not local_areas and not pinned:
        return
    taken, blocked = toks.taken, toks.blocked
    people = toks.people()
    i = 0
    while i < toks.n:
        ent = toks.ent[i]
        if (taken[i] or blocked[i] or not toks.propn[i] or not toks.can_start(i) or toks.words[i].isupper()
                or toks.words[i] in people or _attribution_before(toks, i) or _title_before(toks, i)
                or i + 1 < toks.n and toks.lower[i + 1] in _SPEECH_AFTER):
            i += 1  # not a byline in capitals, nor a person's name, a source or a speaker ("Taylor said")
            continue
        the = i > 0 and toks.lower[i - 1] == "the"
        hit = None
        for j in range(min(toks.n, i + 3), i, -1):
            if not all(toks.propn[x] and not taken[x] and not blocked[x] and toks.words[x] not in people
                       for x in range(i, j)) or not toks.can_end(j - 1):
                continue
            # the whole proper name or nothing (not "Catawba" of "the Catawba River"), but a town may open an
            # institution's name ("Huntsville Fire Department"); after "the", only as a modifier ("the
            # Gainesville sewer system", not "the Woodlands")
            head = j < toks.n and toks.lower[j] in _LOCAL_HEADS
            if j < toks.n and toks.can_start(j) and not head:
                continue
            if the and not (head or j < toks.n and toks.alpha[j] and toks.words[j].islower()):
                continue
            name = toks.span_text(i, j)
            key = normalize_name(name)
            if len(key) <= 3 or _names_nothing(name, key, gaz):
                continue
            cands = _lookup(gaz, name, loose=False)
            if any(_local(c, local_areas, pinned) for c in cands):
                hit = (j, cands)
                break
        if hit is None:
            i += 1
            continue
        j, cands = hit
        yield _claimed(toks, i, j, _cue_after(toks, j), cands, role=_institution_after(toks, j))
        i = j


def _repeats(toks: _Tokens, toponyms: list[_Toponym], resolved: list[Candidate | object | None]) -> list[_Toponym]:
    """The other occurrences of a town the story already named and resolved: a story names its town
    many times, and the small model tags only some ("Woodstock is faring better", "the Woodstock General
    Hospital"). Same spelling, capitalised, not inside a person's name, after a title or taken."""
    names: dict[str, _Toponym] = {}
    for top, best in zip(toponyms, resolved):
        if isinstance(best, Candidate) and top.role is None and best.feature_class == "P" and top.text[:1].isupper():
            # a dateline's "TEGA CAY" is the headline's "Tega Cay"
            names.setdefault(top.text.title() if top.text.isupper() else top.text, top)
    if not names:
        return []
    people, taken, blocked = toks.people(), toks.taken, toks.blocked
    out: list[_Toponym] = []
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r")\b")
    for m in pattern.finditer(toks.doc_text):
        i = bisect.bisect_left(toks.idx, m.start())
        j = bisect.bisect_left(toks.idx, m.end())
        ent = toks.ent[i] if i < toks.n else None
        misread = ent is not None and (ent.start, ent.end) == (i, j) and j - i > 1  # "Tega Cay" as a person
        if (i >= toks.n or toks.idx[i] != m.start() or any(taken[x] or blocked[x] for x in range(i, j))
                or not misread and any(toks.words[x] in people for x in range(i, j)) or _title_before(toks, i)
                or i > 0 and toks.can_start(i - 1) and not toks.sent_start[i]
                or j < toks.n and toks.can_start(j) and toks.lower[j] not in _LOCAL_HEADS):
            continue  # not part of a longer name ("New Woodstock", "Woodstock Road")
        first = names[m.group(0)]
        out.append(_Toponym(m.start(), m.end(), m.group(0), None, _sentence_of(m.start(), toks.sentences),
                            first.cue, first.candidates, role=_institution_after(toks, j)))
        toks.claim(i, j)
    return out


def _claimed(toks: _Tokens, i: int, j: int, cue: str | None, cands: list[Candidate],
             role: str | None = None) -> _Toponym:
    """The toponym of tokens i..j-1, which it claims (the caller has checked they are free)."""
    start = toks.idx[i]
    text = toks.span_text(i, j)
    toks.claim(i, j)
    return _Toponym(start, start + len(text), text, None, _sentence_of(start, toks.sentences), cue, cands, role=role)


def _institution_after(toks: _Tokens, j: int) -> str | None:
    """"in_name" when the town opens a local institution's name ("Huntsville Fire Department")."""
    return "in_name" if j < toks.n and toks.words[j][:1].isupper() and toks.lower[j] in _LOCAL_HEADS else None


def _names_nothing(name: str, key: str, gaz: Gazetteer) -> bool:
    """A month, weekday or holiday, an institution ("the White House"), a generic word ("North") or a
    nationality: never a place a finder may add."""
    return key in _CALENDAR_WORDS or key in _INSTITUTIONS or _is_generic(name) or gaz.demonym_country(name) is not None


def _local(c: Candidate, areas: set[tuple[str, str]], pinned: list[Candidate]) -> bool:
    if c.feature_class != "P" or c.match != "name" or c.population < _W.local_town:
        return False
    if (c.country_code or "", c.admin1_code or "") in areas:
        return True
    return any(_within_reach(c, p) and haversine_km(c.lat or 0.0, c.lon or 0.0, p.lat or 0.0, p.lon or 0.0)
               <= _W.local_km for p in pinned)


def _counties(gaz: Gazetteer, name: str) -> list[Candidate]:
    """The US counties (parishes, boroughs) of this full name, one per state that has one."""
    return [c for c in _lookup(gaz, name, loose=False) if c.feature_code == "ADM2"]


def _container_after(toks: _Tokens, j: int, gaz: Gazetteer, taken: list[bool],
                     blocked: list[bool]) -> tuple[int, list[Candidate]] | None:
    """The country or first-level area named right after a comma ("Kharkiv, Ukraine", "Frontera Comalapa,
    Chiapas"): where the name before it lies. Its end token and its candidates; None if there is none."""
    if j + 1 >= toks.n or toks.words[j] != "," or blocked[j + 1] or not _starts_area(toks, j + 1):
        return None
    k = j + 1
    for end in range(min(toks.n, k + 3), k, -1):
        if not all(_starts_area(toks, x) and not blocked[x] for x in range(k, end)):
            continue
        outer = [c for c in _lookup(gaz, toks.span_text(k, end), loose=False)
                 if c.match in ("name", "alias") and (c.is_country or c.is_admin1) and c.country_code]
        if outer:
            if any(taken[x] for x in range(k, end)) and not all(taken[x] for x in range(k, end)):
                return None
            return end, outer
    return None


_ABBREVIATION = re.compile(r"[A-Z][a-z]{1,5}\.|(?:[A-Z]\.){2,3}")  # "Vt.", "Okla.", "N.J.": states as news writes them


def _starts_area(toks: _Tokens, i: int) -> bool:
    return toks.can_start(i) or bool(_ABBREVIATION.fullmatch(toks.words[i]))


def _inside(cands: list[Candidate], outer: list[Candidate]) -> bool:
    return any(c.country_code == o.country_code and (o.is_country or c.admin1_code == o.admin1_code)
               and not c.is_country and c is not o and not (c.is_admin1 and o.is_admin1)
               for c in cands for o in outer)


def _countries_in_place_ents(doc: Doc, gaz: Gazetteer) -> set[str]:
    out: set[str] = set()
    for ent in doc.ents:
        if ent.label_ in PLACE_LABELS:
            cands = _lookup(gaz, ent.text)
            if cands and (cands[0].is_country or cands[0].is_admin1) and cands[0].country_code:
                out.add(cands[0].country_code)  # "Iraq", and "Helmand" for Afghanistan
        elif ent.label_ == "NORP":
            cc = gaz.demonym_country(ent.text)
            if cc:
                out.add(cc)
    return out


_POSSESSIVE = frozenset(("'s", "’s"))
_ANY_POSSESSIVE = _POSSESSIVE | {"'", "’"}  # "Jones' underwear"
# capitalised words that, after a place name spaCy did not tag, make it part of an organisation's name
_ORG_HEADS = frozenset(
    """cartel cartels brigade brigades battalion battalions regiment division corps army armies front movement
    party council command militia militias forces force guard guards police gang gangs clan group network
    university college school hospital company corporation bank times post herald tribune news radio tv
    television ministry department office court club united""".split())
# locative words that hardly take a person after them ("according to Taylor", "acquaintances of Moore" do)
_SPATIAL_WORDS = frozenset(
    "in near outside around inside into across through throughout within along beyond via between toward towards"
    .split())
_MISREAD_LABELS = frozenset(("ORG", "PERSON", "NORP"))
_SPEECH_AFTER = frozenset("said says told added explained noted wrote asked replied".split())
# words after a town that make it part of a local institution's name or a modifier of it: "Huntsville Fire
# Department", "Hanover police", "Carthage City Council"
_LOCAL_HEADS = _ORG_HEADS | frozenset(
    """fire police sheriff mayor council city public municipal schools school library utilities memorial
    township area residents resident man woman boy girl officials native""".split())


def _well_known(cands: list[Candidate]) -> bool:
    return any(c.match in ("name", "alias") and (c.is_country or c.is_admin1 or c.feature_class == "P"
                                                  and c.population >= 100_000) for c in cands)


def _attribution_before(toks: _Tokens, i: int) -> bool:
    """ "according to Winfield": a source, not a destination."""
    return i >= 2 and toks.lower[i - 1] == "to" and toks.lower[i - 2] == "according"


def _misread(toks: _Tokens, i: int, j: int, labels: set[str], cands: list[Candidate], named: set[str],
             region: set[str]) -> bool:
    """spaCy's small model calls unfamiliar town names organisations, people or nationalities ("near Arbinda",
    "in Kulachi"): one whole such entity right after a locative word, named like a town of a country the story
    names (or a neighbour of one), is that town. Not a one-word acronym ("the FSA"), not a possessor ("Jones'"),
    not a source ("according to Taylor"), and a person only after a spatial word ("in", not "to" or "of")."""
    ent = toks.ent[i]
    if not labels & _MISREAD_LABELS or ent is None or ent is not toks.ent[j - 1] or (ent.start, ent.end) != (i, j):
        return False
    if (j - i == 1 and toks.words[i].isupper()) or (j < toks.n and toks.lower[j] in _ANY_POSSESSIVE):
        return False
    if _attribution_before(toks, i) or not (_locative_before(toks, i, _SPATIAL_WORDS if "PERSON" in labels
                                                                else _LOCATIVE_WORDS) or _cue_before(toks, i)):
        return False  # "the town of Douma" says a town as plainly as "in Douma"
    return any(c.feature_class == "P" and (c.match == "name" and c.country_code in region
                                           or c.match in ("alternate", "variant") and c.country_code in named)
               for c in cands)


# entity kinds the small model gives to run-on place phrases ("in Aleppo Syrias largest city" read as a
# WORK_OF_ART "Aleppo Syrias"): no name of an organisation or person, so a town can open one
_RUN_ON_LABELS = frozenset(("WORK_OF_ART", "PRODUCT", "EVENT", "LAW", "LANGUAGE"))


def _run_on(toks: _Tokens, i: int, j: int, ent: Span, cands: list[Candidate], gaz: Gazetteer) -> bool:
    """A well-known place right after a locative word that opens an entity of a kind no place name
    runs into, or one whose rest is only a country's genitive or nationality word: "in Aleppo Syrias
    largest city", "of Aleppo Syrian state television said". The place is the name; the rest is the
    misread."""
    if ent.start != i or not _locative_before(toks, i) or not _well_known(cands):
        return False
    if ent.label_ in _RUN_ON_LABELS:
        return True
    rest = toks.span_text(j, ent.end)
    if gaz.demonym_country(rest) is not None:
        return True  # "in Aleppo Syrian state television reported"
    rest = _GENITIVE.sub("", rest)
    return any(c.is_country for c in _lookup(gaz, rest, loose=False)) if rest else False


_GENITIVE = re.compile(r"(?:['’]s|s)$")


def _scan_accepts(toks: _Tokens, i: int, j: int, cands: list[Candidate], country_mentions: tuple[set[str], set[str]],
                  inside: bool, gaz: Gazetteer) -> bool:
    """``inside``: the name lies in the country or area named right after it ("Kharkiv, Ukraine")."""
    named, region = country_mentions  # the countries the story names; and their neighbours
    # "Kharkiv's Shevchenkivskyi district": a well-known place owning what follows opens a name, and is a place
    possessive = j < toks.n and toks.lower[j] in _POSSESSIVE and _well_known(cands)
    # a scanned name must cover whole entities: "Ninawah" inside the ORG "the PMU's Ninawah Command" is a
    # unit's name, not a place mention
    run_on = False
    for k in (i, j - 1):
        ent = toks.ent[k]
        if ent is not None and (ent.start < i or ent.end > j) and ent.label_ not in PLACE_LABELS:
            run_on = _run_on(toks, i, j, ent, cands, gaz)
            if not (possessive and ent.start == i) and not run_on:
                return False
    if run_on:
        return True
    if j < toks.n and toks.words[j][:1].isupper() and toks.lower[j] in _ORG_HEADS:
        return False  # "the Sinaloa Cartel", "Baghdad Operations Command": an organisation's name, not a place
    labels = {toks.ent[k].label_ for k in range(i, j) if toks.ent[k] is not None}
    misread = _misread(toks, i, j, labels, cands, named, region)
    if "ORG" in labels and not (possessive or inside or misread) and not any(
            c.match == "alias" or c.geonameid is None for c in cands):
        return False  # organisations named after places ("Hezbollah", "Baghdad Operations Command")
    if inside or misread:
        return True
    if (not labels & {"PERSON", "ORG"} and not toks.words[i].isupper() and toks.words[i] not in toks.people()
            and not (i > 0 and toks.can_start(i - 1) and not toks.sent_start[i])  # "United Russia", "Club America"
            and any(c.is_country and c.match in ("name", "alias") for c in cands)):
        return True  # a country by its name needs no locative word: "Syria pressuring Cyprus over ..."
    cue_word = toks.lower[j] if j < toks.n else ""
    if cue_word in _NO_TOWN_CUES and not any(c.feature_class == "A" for c in cands):
        return False  # "Hall County" is no town called Hall
    if not (_cue_after(toks, j) is not None or toks.lower[j - 1] in _PLACE_HEADS or _locative_before(toks, i)
            or possessive):
        return False
    # "X district", "X village", "the village of X"; not "X County", which is no town X
    cued = cue_word in _HEAD_CUES or _cue_before(toks, i) is not None
    for c in cands:
        curated = c.geonameid is None or c.match == "alias" or c.feature_class in ("S", "L")
        if curated:
            return True
        if (c.is_country or c.is_admin1) and c.match == "name":
            return True
        if c.feature_class == "P" and c.country_code in named and (c.population >= 100_000 or cued or possessive):
            return True  # "Nad Ali district", "the village of X" in a story about the country: any size
    return False


# -- country focus and sentence context -------------------------------------------------------------------


def _context(doc: Doc, toks: _Tokens, toponyms: list[_Toponym], gaz: Gazetteer) -> _Context:
    counts: Counter[str] = Counter()
    own: dict[str, Counter[str]] = {}
    for top in toponyms:
        first = top.candidates[0] if top.candidates and top.role != "demonym" else None  # counted below
        if first is not None and first.match in ("name", "alias"):
            if first.is_country:
                # "Georgia" may be the US state: a name shared with a region says nothing about focus
                if not any(c.is_admin1 and c.match in ("name", "alias") for c in top.candidates):
                    weight = _mention_weight(doc, top)
                    counts[first.country_code or ""] += weight
                    own.setdefault(top.key, Counter())[first.country_code or ""] += weight
            elif first.is_admin1 and all(c.country_code == first.country_code for c in top.candidates
                                         if c.is_admin1) and not any(
                                         c.feature_class == "P" and c.match in ("name", "alias")
                                         for c in top.candidates):
                counts[first.country_code or ""] += _W.region_mention  # "Louisiana", "Nineveh": one country's
                # (not "Tripoli", which also names a Libyan province but mostly towns)
    i = 0
    n = toks.n
    while i < n:
        word = toks.words[i]
        if word[:1].isupper():
            pair = toks.span_text(i, i + 2) if i + 1 < n else ""
            cc2 = gaz.demonym_country(pair) if pair else None
            if cc2:  # "South Sudanese", "North Korean"
                counts[cc2] += _W.demonym_mention
                i += 2
                continue
            cc = gaz.demonym_country(word)
            if cc:
                counts[cc] += _W.demonym_mention
        i += 1
    hints = _county_hints(doc_text(doc), gaz)
    for cc, a1 in _areas_in_names(doc, toks, gaz):
        hints[(cc, a1)] += _W.area_in_name
    by_country: Counter[str] = Counter()
    for (cc, _), weight in hints.items():
        by_country[cc] += weight
    for cc, weight in by_country.items():
        counts[cc] += min(_W.hints_cap, weight)
    counts.pop("", None)
    admin: dict[int, set[tuple[str, str]]] = {}
    for top in toponyms:
        if top.cue == "admin":
            for c in top.candidates:
                if c.is_admin1 and c.country_code and c.admin1_code:
                    admin.setdefault(top.sentence, set()).add((c.country_code, c.admin1_code))
                    break
    return _Context(counts, admin, gaz, admin_hints=hints, own=own)


_NAME_LABELS = frozenset({"ORG", "FAC"})


def _areas_in_names(doc: Doc, toks: _Tokens, gaz: Gazetteer) -> list[tuple[str, str]]:
    """Admin areas named inside organisation names ("Kansas State University", "the Ohio Department of
    Transportation"): not places where anything happened, so not mentions, but a sign of where the story is.

    Only a name that denotes one admin area and no sizeable town counts ("Washington" in "the Washington
    Post" is also the capital, "Georgia" also a country).
    """
    out: list[tuple[str, str]] = []
    for ent in doc.ents:
        if ent.label_ not in _NAME_LABELS:
            continue
        for i in range(ent.start, ent.end):
            if not toks.words[i][:1].isupper():
                continue
            for j in (i + 2, i + 1):  # "New Mexico" before "Mexico"
                if j > ent.end:
                    continue
                cands = [c for c in gaz.lookup(toks.span_text(i, j)) if c.match in ("name", "alias")]
                areas = [c for c in cands if c.is_admin1]
                if len(areas) == 1 and areas[0].admin1_code and not any(
                        c.is_country or c.feature_class == "P" and c.population >= 100_000 for c in cands):
                    out.append((areas[0].country_code or "", areas[0].admin1_code))
                    break
    return out


_COUNTY = re.compile(r"\b((?:(?:St|Ste|Mt|Ft)\.\s|[A-Z][A-Za-z'’\-]+\s){1,3})(County|Parish|Borough)\b")


def _county_hints(text: str, gaz: Gazetteer) -> Counter[tuple[str, str]]:
    """US states named by the counties a story mentions, each county's weight shared among the states that
    have a county of that name ("Henry County" is in ten states, "Edgar County" in one)."""
    hints: Counter[tuple[str, str]] = Counter()
    seen: set[str] = set()
    for m in _COUNTY.finditer(text):
        words = m.group(1).split()
        for k in range(len(words)):  # the longest name that is a county: "The Edgar County" -> "Edgar County"
            name = " ".join(words[k:]) + " " + m.group(2)
            states = gaz.county_states(name)
            if states:
                if name not in seen:
                    seen.add(name)
                    for st in states:
                        hints[("US", st)] += 1.0 / len(states)
                break
    return hints


def _mention_weight(doc: Doc, top: _Toponym) -> float:
    """A country named as a modifier ("US officials", "Iran's army") says less about where a story
    happens than one named as a place ("in Iraq")."""
    span = doc.char_span(top.start, top.end, alignment_mode="expand")
    if span is not None and span.root.dep_ in ("compound", "amod", "poss", "nmod"):
        return _W.modifier_mention
    return 1.0


def _refine(ctx: _Context, toponyms: list[_Toponym], first: list[Candidate | object]) -> _Context:
    """The second pass's context: countries and admin areas of places the first pass pinned down.

    Only names whose candidates all lie in one country (one admin area) count, so that a first-pass
    guess ("Athens" -> Greece) cannot reinforce itself.
    """
    counts = Counter(ctx.counts)
    admin: Counter[tuple[str, str]] = Counter(ctx.admin_hints)
    pinned_own: dict[str, Counter[str]] = {}
    for top, best in zip(toponyms, first):
        if not isinstance(best, Candidate) or not best.country_code:
            continue
        if best.is_admin1 and best.admin1_code:
            admin[(best.country_code, best.admin1_code)] += 1.0
            continue
        if best.is_country:
            continue
        if all(c.country_code == best.country_code for c in top.candidates):
            counts[best.country_code] += 1.0
            pinned_own.setdefault(top.key, Counter())[best.country_code] += 1.0
            if best.admin1_code and all(c.admin1_code == best.admin1_code for c in top.candidates):
                admin[(best.country_code, best.admin1_code)] += 0.5
    total = sum(admin.values())
    shares = {k: v / total for k, v in admin.items()} if total else {}
    return _Context(counts, ctx.admin_by_sentence, ctx.gazetteer, shares, admin_hints=ctx.admin_hints,
                    own=ctx.own, pinned_own=pinned_own)


# -- resolution -------------------------------------------------------------------------------------------


def _score(c: Candidate, top: _Toponym, cands: list[Candidate], ctx: _Context) -> float:
    """How likely this candidate is what the toponym means here (weights in the module docstring's terms:
    country focus, population, prominence, kind, spelling, admin context)."""
    cc = c.country_code or ""
    own = ctx.own.get(top.key) if ctx.own else None
    if own:  # the focus the rest of the story gives
        total = ctx.total - own.total()
        mine = ctx.counts.get(cc, 0.0) - own.get(cc, 0.0)
        share = mine / total if total > 1e-9 else 0.0
        named = mine > 1e-9
    else:
        total = ctx.total
        share = ctx.focus.get(cc, 0.0)
        named = cc in ctx.focus
    # a focus drawn from one passing mention ("US officials") is weak evidence; from a dozen, strong
    w = _W
    confidence = min(1.0, total / w.focus_full_at)
    score = confidence * (w.focus_share * share + (w.focus_named if named else 0.0)
                          + w.focus_regional * ctx.regional(cc))
    if (cc, None) in top.within or (cc, c.admin1_code) in top.within:
        score += w.within if not c.is_country else -w.within  # "Tripoli, Lebanon": a town of Lebanon
    score += w.population * min(math.log10(c.population + 1) / 7.0, 1.0)
    # Geneva (Switzerland) over Geneva, Illinois; admin areas carry no count of names and are prominent
    score += w.prominence_admin1 if c.is_admin1 else w.prominence_fame * min(math.log10(c.fame + 1) / 2.5, 1.0)
    if c.feature_code == "PPLC":
        score += w.capital  # capitals are named across borders
    if c.is_country:
        score += w.country
    elif c.is_admin1:
        score += w.admin1
        # a bare name that is both a town and the admin area around it ("Idlib", "Karbala") means the
        # town; a state named like a distant hamlet ("Texas", "Virginia") is still the state
        if top.cue != "admin" and any(o.feature_class == "P" and o.country_code == c.country_code
                                      and o.admin1_code == c.admin1_code
                                      and (o.match in ("name", "alias") or o.match == c.match) for o in cands):
            score += w.town_and_area
    elif not any(o.is_admin1 and o.country_code == cc and o.admin1_code == c.admin1_code for o in cands):
        # the admin areas the article is about, unless the toponym itself names this area: "Minnesota"
        # must not become Minneota, Minnesota because the first pass read it as the state
        score += w.admin_focus * ctx.admin_focus.get((cc, c.admin1_code or ""), 0.0)
    if c.match == "alternate" and any(o.match in ("name", "alias") and o.country_code == cc and o is not c
                                      for o in cands):
        score += w.alternate_vs_own_name  # a variant name of one town against another's own name
    if c.feature_class in ("S", "L"):
        score += w.spot
    score += w.match(c.match)
    if top.cue == "admin":
        score += w.cue_admin_match if c.feature_class == "A" else w.cue_admin_other
    elif top.cue == "town":
        score += w.cue_town_match if c.feature_class == "P" else w.cue_town_other
    if not c.is_admin1 and (cc, c.admin1_code or "") in ctx.admin_by_sentence.get(top.sentence, ()):
        score += w.sentence_admin
    near = ctx.nearby.get((id(top), id(c)), 0.0) if ctx.nearby else 0.0
    score += near
    if (not c.is_country and not c.is_admin1 and near < 1.0 and (cc, None) not in top.within
            and (cc, c.admin1_code) not in top.within and not ctx.admin_hints.get((cc, c.admin1_code or ""))
            and any((o.is_country or o.is_admin1) and o.match in ("name", "alias")
                    and (o.country_code != cc or o.is_admin1 and o.admin1_code != c.admin1_code) for o in cands)):
        # a town named like a country or region ("Egypt, Pennsylvania", "England, Arkansas") only when
        # the story's other places lie beside it or the text says which one; a village hardly ever
        score += (w.homonym_large if c.population >= w.homonym_large_from else w.homonym_small) * (1.0 - near)
    return score


# Co-location: the places a story names together lie near each other ("Decatur, Huntsville and Athens" are
# the Alabama towns, not Decatur, Illinois and Athens, Georgia).
# How close, how much and up to how many names: ``colocation`` in data/geoparse.yaml.
_NEAR_SUPPORTERS = 12  # the most plausible places of each other name that may support
_NEAR_TARGETS = 30  # the most plausible places of a name that may be supported
_NEAR_ROUNDS = 2  # support recomputed with the plausibilities it changed


def _within_reach(a: Candidate, b: Candidate) -> bool:
    la, lb = a.lat or 0.0, b.lat or 0.0
    # the latitude band first: outside it no pair can be near
    return abs(la - lb) <= _W.near_km / 111.0 and haversine_km(la, a.lon or 0.0, lb, b.lon or 0.0) <= _W.near_km


def _pointlike(c: Candidate) -> bool:
    return c.lat is not None and c.lon is not None and not c.is_country and not c.is_admin1


def _add_colocation(toponyms: list[_Toponym], ctx: _Context) -> None:
    """Set ``ctx.nearby``: a bonus for each (toponym, candidate) from the other names of the story that
    have a plausible place within ``near_km`` of it.

    A mean-field reading of "choose the places that lie together": each other name supports a candidate by
    the summed plausibility (a softmax of its scores) of its own candidates nearby, at most 1 per name, so a
    common name with a hamlet in every county cannot support everything. Countries and admin areas neither
    give nor get support: the country and admin focus already weigh them.
    """
    groups: dict[str, list[_Toponym]] = {}
    for top in toponyms:
        if top.candidates:
            groups.setdefault(top.key, []).append(top)
    if len(groups) < 2:
        return
    for _ in range(_NEAR_ROUNDS):
        ranked: dict[str, list[tuple[float, Candidate]]] = {}
        spread: dict[str, list[tuple[Candidate, float]]] = {}
        for key, tops in groups.items():
            top = tops[0]
            try:
                scored = sorted(((_score(c, top, top.candidates, ctx), c) for c in top.candidates),
                                key=lambda sc: -sc[0])
            except Exception:  # resolving it will fail and be logged there; it just supports nothing
                continue
            ranked[key] = scored
            best = scored[0][0]
            weights = [(c, math.exp(s - best)) for s, c in scored]
            total = sum(w for _, w in weights)
            spread[key] = [(c, w / total) for c, w in weights if _pointlike(c)][:_NEAR_SUPPORTERS]
        fresh: dict[tuple[int, int], float] = {}
        for key, scored in ranked.items():
            tops = groups[key]
            targets = [c for _, c in scored if _pointlike(c)][:_NEAR_TARGETS]
            for c in targets:
                support = 0.0
                for other, points in spread.items():
                    if other != key:
                        support += min(1.0, sum(p for d, p in points if _within_reach(c, d)))
                if support:
                    for top in tops:
                        fresh[(id(top), id(c))] = _W.near_weight * min(support, _W.near_cap)
        ctx.nearby = fresh  # the next round scores with this round's support


def _resolve(top: _Toponym, ctx: _Context, gaz: Gazetteer) -> Candidate | object:
    """The best candidate, ``_UNRESOLVED`` for a place with no fitting entry, or ``_SKIP``."""
    key = top.key
    if top.role == "demonym":
        return top.candidates[0] if top.candidates else _SKIP
    if gaz.demonym_country(top.text) or key in _CALENDAR_WORDS or key in _INSTITUTIONS:
        return _SKIP  # "Iraqi", "Jul", "Eid", "the White House" labelled as places
    if top.text.islower() or (" " not in key and _is_generic(top.text)):
        return _SKIP  # "swan", "metro": news capitalises names; "North", "City", "District" alone name nothing
    # spaCy's places, and the counties the scan found, are place mentions even when nothing resolves them
    unresolved = _UNRESOLVED if (top.label or not top.candidates) and _describes_place(top.text) else _SKIP
    if not top.candidates or _is_generic(top.text) or key in _MACRO_REGIONS:
        return unresolved  # "the Old City", "the West", "the Levant": places no gazetteer point stands for
    cands = top.candidates
    if len(key) <= 2:  # "US", "UK" are curated; other two-letter keys are abbreviations, not places
        cands = [c for c in cands if c.match == "alias" or c.is_country]
    if len(key.replace(" ", "")) <= 3 and not top.text.isupper() and "." not in top.text:
        cands = [c for c in cands if c.match != "alias"]  # "CAR" is the Central African Republic, "Car" is not
    if any(c.match in ("variant", "fuzzy") for c in cands):
        # a spelling variant is only believable in a country the article is largely about, a consonant
        # skeleton only in its main country ("Samiras" is not a Russian village because Russia is named)
        top_cc = max(ctx.focus, key=ctx.focus.__getitem__) if ctx.focus else None
        cands = [c for c in cands if c.match == "variant" and ctx.focus.get(c.country_code or "", 0.0) >= 0.2
                 or c.match == "fuzzy" and c.country_code == top_cc and gaz.transliterated(c.country_code)]
    if top.nested:  # a place it is said to lie in rules out the namesakes elsewhere: a place GeoNames lacks
        cands = [c for c in cands if _lies_in(c, top.nested)]
        if not cands:
            return _UNRESOLVED
    if not cands:
        return unresolved
    best = max(cands, key=lambda c: _score(c, top, top.candidates, ctx))
    if _other_area_variant(best, top, ctx):
        return _UNRESOLVED
    return unresolved if _foreign_hamlet(best, ctx, top.candidates, top) else best


def _lies_in(c: Candidate, areas: set[tuple[str, str | None]]) -> bool:
    return any(c.country_code == cc and not (c.is_country and a1 is None) and (a1 is None or c.admin1_code == a1)
               for cc, a1 in areas)


def _other_area_variant(c: Candidate, top: _Toponym, ctx: _Context) -> bool:
    """A spelling that is not the town's own name ("Hader" for Al Hadir), in a sentence that names another
    admin area ("in Quneitra province ... the village of Hader"), or a consonant-skeleton match outside the
    one admin area a story is about: a local place GeoNames lacks, not a namesake across the country."""
    if c.feature_class != "P" or c.match not in ("alternate", "variant", "fuzzy") or top.nested and _lies_in(
            c, top.nested):  # "Shadadi in northeastern Hasakeh": the text said where it lies
        return False
    area = (c.country_code or "", c.admin1_code or "")
    areas = ctx.admin_by_sentence.get(top.sentence)
    if areas:
        return area not in areas
    # a story plainly about one admin area: a skeleton match elsewhere, with no place named near it, is a
    # local place GeoNames lacks ("Mesraba" in an Eastern Ghouta story is not Al Muzayrib in Daraa)
    near = ctx.nearby.get((id(top), id(c)), 0.0) if ctx.nearby else 0.0
    main = max(ctx.admin_focus.items(), key=lambda kv: kv[1], default=(None, 0.0))
    return (c.match == "fuzzy" and near < 1.0 and main[1] >= _W.local_focus and main[0] != area
            and main[0] is not None and main[0][0] == area[0])


# ``abroad`` in data/geoparse.yaml: below ``foreign_town`` people, a name shared across countries resolves
# abroad only if the story goes there, unless the place has ``famous`` names in other languages (Cambridge,
# England: 54; Lere: 4); below ``hamlet``, a place in a country the story never names stays unresolved.


def _foreign_hamlet(c: Candidate, ctx: _Context, cands: Sequence[Candidate], top: _Toponym | None = None) -> bool:
    """A small place in a country the article never names is more likely a local name GeoNames lacks
    ("Adra" near Damascus is not Adra in Spain); an article that names no country is left alone.

    A name that several countries share is held to more: in a story plainly about one country, "Léré" (a
    Malian town GeoNames lacks) is not the Nigerian town of 90,000 by that name, though a unique name
    ("Fallujah" in a story about a US soldier) still resolves abroad."""
    if not ctx.focus or c.match == "alias" or c.is_country or c.is_admin1 or c.feature_code == "PPLC":
        return False
    cc = c.country_code or ""
    share = ctx.focus.get(cc, 0.0)
    if c.match in ("alternate", "variant") and share < 0.1 and c.population < 200_000:
        return True  # "Barna" is not Bern, "Tibni" not Tibnah, in a Syria story
    near = ctx.nearby.get((id(top), id(c)), 0.0) if top is not None and ctx.nearby else 0.0
    mine = ctx.pinned_own.get(top.key, Counter()) if top is not None else Counter()
    others = {k: v - mine.get(k, 0.0) for k, v in ctx.counts.items()}  # the story without this name
    rest = sum(others.values())
    if rest >= 1.0 and others.get(cc, 0.0) <= 1e-9 and c.population < _W.neighbour_hamlet and near < 1.0:
        return True  # "al-Hadar" in a Quneitra story is no Iraqi hamlet of that name, neighbour or not
    if share > 0.0 or ctx.regional(cc) > 0.0:
        return False
    if c.population < _W.hamlet:
        return True
    shared = len({o.country_code for o in cands if o.match in ("name", "alias") and not o.is_country}) >= 2
    return (shared and c.population < _W.foreign_town and c.fame < _W.famous and ctx.total >= 1.0
            and max(ctx.focus.values()) >= 0.6)


def _is_generic(text: str) -> bool:
    words = normalize_name(text).split()
    return bool(words) and all(w in _GENERIC_WORDS for w in words)


# -- the event's place ------------------------------------------------------------------------------------

_DIRECTION = r"(?:north|south)(?:[- ]?(?:east|west))?(?:ern)?|east(?:ern)?|west(?:ern)?"
_DIR_ADJ = re.compile(rf"\b(?:{_DIRECTION}|central|downtown|greater|old|outer|inner|rural)\s+$", re.I)
_NEAR = re.compile(
    r"\b(?:near(?:by)?|outside|around|close to|next to|in and around|on the (?:outskirts|edge|fringes) of|"
    r"(?:the )?(?:outskirts|suburbs|edge|fringes|environs) of|"
    rf"(?:\d+(?:[.,]\d+)?\s*-?\s*(?:km|kms|kilometers|kilometres|miles|mi)\s+)?(?:{_DIRECTION})\s+of|"
    # parts of a place ("the Old City of Mosul", "a neighbourhood in western Mosul"); "the town of Jenin"
    # is Jenin itself, so settlements only count when they lie near or outside the place
    r"(?:(?:a|an|the|one of the)\s+)?(?:districts?|suburbs?|neighbou?rhoods?|areas?|parts?|quarters?|"
    r"old city|old town|city cent(?:re|er)|heart|countryside)\s+(?:of|in|near|outside|around)|"
    r"(?:(?:a|an|the)\s+)?(?:villages?|towns?|hamlets?|settlements?|camps?)\s+(?:near|outside|around))"
    r"\s+(?:the\s+)?(?:city\s+of\s+)?$",
    re.I,
)
_LINK = re.compile(r"(?:\s*,)?\s+(?:in|of|at)\s+(?:the\s+)?$|\s*,\s*$", re.I)
# words that introduce a country, admin area or capital as the place of an event; "of" and "on" are left
# out because "militias of the Iran-backed ...", "sanctions on Tehran" name governments
_EVENT_LOCATIVES = (_LOCATIVE_WORDS - {"of", "outskirts", "on"}) | {"and"}
_LOCATIVE_BEFORE = re.compile(
    r"\b(?:" + "|".join(sorted(_EVENT_LOCATIVES, key=len, reverse=True)) + r")\s+(?:the\s+)?$", re.I
)


@dataclass(slots=True)
class _Phrase:
    start: int  # where the relative phrase begins ("near the al-Qathia base in eastern Mosul")
    relative: bool
    locative: bool


def _phrase_before(p: PlaceMention, text: str, sentence_start: int, spots: list[PlaceMention]) -> _Phrase:
    """Walk back from a place over direction words, "near"-type phrases and linked spots."""
    pos = p.start
    start = p.start
    relative = False
    for _ in range(6):
        window = text[max(sentence_start, pos - 120) : pos]
        m = _DIR_ADJ.search(window) or _NEAR.search(window)
        if m:
            pos -= len(window) - m.start()
            start, relative = pos, True
            continue
        link = _LINK.search(window)
        if link:
            link_start = pos - (len(window) - link.start())
            spot = next((s for s in spots if s.end == link_start), None)
            if spot is not None:
                pos = start = spot.start
                relative = True
                continue
        break
    window = text[max(sentence_start, start - 40) : start]
    locative = relative or bool(_LOCATIVE_BEFORE.search(window))
    return _Phrase(start, relative, locative)


def _is_country(p: PlaceMention) -> bool:
    return p.feature_class == "A" and p.admin1 is None


def _tier(p: PlaceMention) -> int:
    if p.feature_class in ("P", "S", "L"):
        return 0
    return 2 if _is_country(p) else 1


def _distance(p: PlaceMention, start: int, end: int) -> int:
    if p.end <= start:
        return start - p.end
    if p.start >= end:
        return p.start - end
    return 0


_AND_BEFORE = re.compile(r"\band\s+(?:the\s+)?$", re.I)
_NOUN_AFTER = re.compile(r"\s+[a-z]{3,}\b(?<!\band)(?<!\bor)")


def _listed_modifier(p: PlaceMention, text: str) -> bool:
    """A country or area that "and" joins to what comes before and that modifies the noun after it:
    "killed by Turkish artillery fire and US airstrikes": the actor's country, not a second place (as
    "in Iraq and Syria" would be)."""
    return bool(_AND_BEFORE.search(text, max(0, p.start - 8), p.start)) and bool(_NOUN_AFTER.match(text, p.end))


def _modifier_after(p: PlaceMention, text: str) -> bool:
    """ "Iran's Guard", "Iran-backed militias", "Saudi-led coalition": the place modifies an actor."""
    return text[p.end : p.end + 2] in ("'s", "’s") or text[p.end : p.end + 1] in ("-", "‐")


def event_location(places: list[PlaceMention], start: int, end: int, text: str, sentence_start: int,
                   sentence_end: int, *, gazetteer: Gazetteer | None = None) -> Location | None:
    """The place of an event whose trigger spans ``text[start:end]``, from the places in its sentence.

    Towns (and spots) beat admin areas, which beat countries; among equals the one nearest the trigger
    wins. Relative phrases ("western Mosul", "20 km south of Kirkuk", "near the al-Qathia base in eastern
    Mosul") give the town with geo_precision 2 and the phrase as ``detail``; a town alone gives 1; an
    admin area or country gives 3. Countries, admin areas and capitals count only when a locative word
    introduces them. None when the sentence has no usable place: the caller then falls back to the
    article's country (``country_location``).
    """
    in_sentence = [p for p in places if p.start >= sentence_start and p.end <= sentence_end
                   and p.lat is not None and p.lon is not None and p.role is None]  # no "Iraqi", no names
    if not in_sentence:
        return None
    gaz = gazetteer or Gazetteer.load()
    spots = [p for p in in_sentence if p.feature_class in ("S", "L")]
    eligible: list[tuple[PlaceMention, _Phrase]] = []
    for p in in_sentence:
        phrase = _phrase_before(p, text, sentence_start, spots)
        if _tier(p) == 0:
            if gaz.is_capital(p.geonameid) and not phrase.locative:
                continue  # "Washington designated ...", "supported by Tehran"
        elif not phrase.locative or (_modifier_after(p, text) and not phrase.relative) or _listed_modifier(p, text):
            continue  # "Iran's Revolutionary Guard", "Iraq declared victory", "artillery fire and US airstrikes"
        eligible.append((p, phrase))
    if not eligible:
        return None
    chosen, phrase = min(eligible, key=lambda e: (_tier(e[0]), _distance(e[0], start, end), e[0].start))
    if chosen.feature_class in ("S", "L"):
        return _spot_location(chosen, phrase, eligible, text, gaz)
    precision = 3 if _tier(chosen) > 0 else (2 if phrase.relative else 1)
    detail = text[phrase.start : chosen.end] if phrase.relative else None
    return _location(chosen, precision, detail)


def _spot_location(spot: PlaceMention, phrase: _Phrase, eligible: list[tuple[PlaceMention, _Phrase]],
                   text: str, gaz: Gazetteer) -> Location:
    """A base, site or district: coded to its town ("the al-Qathia base in eastern Mosul" -> Mosul, 2)."""
    for town, town_phrase in eligible:
        if town.feature_class == "P" and town_phrase.start <= spot.start < town.start:
            return _location(town, 2, text[town_phrase.start : town.end])
    detail = text[phrase.start : spot.end]
    parent = _parent_of(spot, gaz)
    if parent is not None:
        return Location(name=parent.name, admin1=parent.admin1, country=parent.country,
                        geonameid=parent.geonameid, lat=parent.lat, lon=parent.lon, geo_precision=2,
                        detail=detail)
    return _location(spot, 2, detail)


def _parent_of(spot: PlaceMention, gaz: Gazetteer) -> Candidate | None:
    if not spot.name:
        return None
    for cand in gaz.lookup(spot.name, country_codes=[spot.country_code] if spot.country_code else ()):
        if cand.parent and cand.lat == spot.lat and cand.lon == spot.lon:
            return gaz.by_geonameid(cand.parent)
    return None


def _location(p: PlaceMention, precision: int, detail: str | None) -> Location:
    return Location(name=p.name, admin1=p.admin1, country=p.country, geonameid=p.geonameid, lat=p.lat,
                    lon=p.lon, geo_precision=precision, detail=detail)


def country_location(country_code_or_name: str | None, *, gazetteer: Gazetteer | None = None) -> Location | None:
    """A country-level location (geo_precision 3) for an ISO code or a country name; None if unknown."""
    if not country_code_or_name:
        return None
    gaz = gazetteer or Gazetteer.load()
    country = gaz.country(country_code_or_name)
    if country is None:
        return None
    return Location(name=country.name, admin1=None, country=country.country, geonameid=country.geonameid,
                    lat=country.lat, lon=country.lon, geo_precision=3)
