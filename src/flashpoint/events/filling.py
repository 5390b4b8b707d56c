"""Each event's fields from everything the article says about it, not only its first sentence.

Why: a coder reads the whole article before writing a row. The date of a lead event told as current
news ("a suicide bomb blast killed 16 people in Hasaka", no day given) is the dateline's; the place
said in the headline ("Bomb blast kills 60 in Damascus suburb") or in any telling is the event's; the
perpetrator named in a later claim ("Islamic State claimed the attack") is actor1. And what the
article tells as history ("had shelled", "previously") is not dated today.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from ..actors.mentions import MentionIndex
from ..datafiles import read_yaml
from ..model import ActorMention, Location, PlaceMention
from ..nlp import doc_text, sentence_of
from ..places import Gazetteer, country_location, event_location
from ..settings import DATA_DIR
from ..times import TimeValue
from .draft import Draft, is_armed
from .grouping import places_agree, times_agree
from .sentence_fields import in_other_clause

# The anchor of a date taken from the report itself (its publication or dateline date), for an event
# told as current news with no date of its own: the row's date is that day, at time_precision 2.
REPORT_DATE = "report"


@dataclass(frozen=True, slots=True)
class FillingRules:
    current_news_days: int
    background_words: frozenset[str]
    history_days: int
    vague_days: int
    claim_verbs: frozenset[str]
    claim_objects: frozenset[str]
    claim_reach_sentences: int
    civilian_victims: frozenset[str]
    attribution_verbs: frozenset[str]
    blame_verbs: frozenset[str]
    event_nouns: frozenset[str]
    since_words: frozenset[str] = frozenset()
    since_days: int = 7
    span_nouns: frozenset[str] = frozenset()
    after_report_days: int = 1
    dateline_words: tuple[str, ...] = ()
    dateline_reach: int = 60
    town_words: tuple[str, ...] = ()
    town_reach: int = 600
    other_clause_marks: frozenset[str] = frozenset()


@functools.lru_cache(maxsize=2)
def load_rules(path: Path = DATA_DIR / "article_events.yaml") -> FillingRules:
    raw = read_yaml(path)["filling"]
    return FillingRules(
        current_news_days=int(raw["current_news_days"]),
        background_words=frozenset(w.lower() for w in raw["background_words"]),
        history_days=int(raw["history_days"]),
        vague_days=int(raw["vague_days"]),
        claim_verbs=frozenset(raw["claim_verbs"]),
        claim_objects=frozenset(raw["claim_objects"]),
        claim_reach_sentences=int(raw["claim_reach_sentences"]),
        civilian_victims=frozenset(raw["civilian_victims"]),
        attribution_verbs=frozenset(raw["attribution_verbs"]),
        blame_verbs=frozenset(raw["blame_verbs"]),
        event_nouns=frozenset(raw["event_nouns"]),
        since_words=frozenset(w.lower() for w in raw.get("since_words", ())),
        since_days=int(raw.get("since_days", 7)),
        span_nouns=frozenset(w.lower() for w in raw.get("span_nouns", ())),
        after_report_days=int(raw.get("after_report_days", 1)),
        dateline_words=tuple(w.lower() for w in raw.get("dateline_words", ())),
        dateline_reach=int(raw.get("dateline_reach", 60)),
        town_words=tuple(w.lower() for w in raw.get("town_words", ())),
        town_reach=int(raw.get("town_reach", 600)),
        other_clause_marks=frozenset(w.lower() for w in raw.get("other_clause_marks", ())),
    )


@dataclass(slots=True)
class ArticleFacts:
    """What the article says once for all its events: when it was published, where its headline
    and body begin, the places it names and the country it is about."""

    doc: Doc
    published: dt.date | None
    body_start: int
    places: list[PlaceMention]
    focus_country: str | None


# ------------------------------------------------------------------------------------------ time
def _clause_verb(token: Token) -> Token:
    tok = token
    while tok.pos_ not in {"VERB", "AUX"} and tok.head.i != tok.i:
        tok = tok.head
    return tok


def told_as_background(d: Draft, rules: FillingRules) -> bool:
    """A mention told as earlier history: a past perfect ("had shelled"), or a word of history in
    its clause ("previously", "since", "in the past")."""
    verb = _clause_verb(d.hit.anchor)
    if any(c.dep_ == "aux" and c.lower_ in {"had", "'d"} for c in verb.children):
        return True
    clause = set(verb.subtree) | set(d.hit.anchor.subtree)
    return any(t.lower_ in rules.background_words for t in clause)


def until_report(t: TimeValue | None, published: dt.date | None, rules: FillingRules) -> TimeValue | None:
    """The event's time as the report allows it: no event happens after the article that tells it
    (give or take ``after_report_days``). A range that runs past publication ends there ("this
    week", told on Tuesday, is Monday or Tuesday); a time wholly after it was misread and is
    dropped (None): an undated event is honest, a future one is wrong."""
    if t is None or published is None:
        return t
    latest = published + dt.timedelta(days=rules.after_report_days)
    try:
        start, end = dt.date.fromisoformat(t.date_start[:10]), dt.date.fromisoformat(t.date_end[:10])
    except ValueError:
        return t
    if start > latest:
        return None
    if end > latest:
        return TimeValue(t.value, t.precision, t.date_start, max(start, published).isoformat(), t.anchor)
    return t


def fill_date(event: Draft, facts: ArticleFacts, rules: FillingRules) -> None:
    """No date of its own in any telling: current news takes the publication date (precision 2,
    reported within ``current_news_days``); history takes none."""
    if event.time is not None or facts.published is None:
        return
    if all(told_as_background(m, rules) for m in event.mentions() if not m.hit.anaphoric):
        event.background = True
        return
    pub = facts.published
    start = pub - dt.timedelta(days=rules.current_news_days)
    event.time = TimeValue(pub.isoformat(), 2, start.isoformat(), pub.isoformat(), REPORT_DATE)


def is_campaign(event: Draft, facts: ArticleFacts, rules: FillingRules) -> bool:
    """A running campaign, not one event: dated only by when it began, long before the report
    ("strikes since last December"), or every telling counted in years or months ("two years of
    bombardment")."""
    if event.time_span is not None and event.time is not None and facts.published is not None:
        start = event.time_span[0]
        before = doc_text(facts.doc)[max(0, start - 40) : start].split()  # the word right before the date
        if before and before[-1].lower() in rules.since_words:
            try:
                began = dt.date.fromisoformat(event.time.date_start[:10])
            except ValueError:
                began = None
            if began is not None and (facts.published - began).days > rules.since_days:
                return True
    tellings = [m for m in event.mentions() if not m.hit.in_headline]
    return bool(tellings) and all(_counted_in_spans(m.hit.anchor, rules) for m in tellings)


def _counted_in_spans(anchor: Token, rules: FillingRules) -> bool:
    """"years of bombardment": the event word is the object of "of" after a span of years or months."""
    return (anchor.dep_ == "pobj" and anchor.head.lower_ == "of"
            and anchor.head.head.lower_ in rules.span_nouns)


def is_history(event: Draft, facts: ArticleFacts, rules: FillingRules) -> bool:
    """Not news to code as an event: dated long before the article, or only to a stretch longer
    than ``vague_days`` ("last year", "in 2015", "earlier this year"), which no row can carry."""
    t = event.time
    spanned = t.days_spanned() if t is not None else None
    if t is None or spanned is None:
        return False
    if spanned > rules.vague_days:
        return True
    end = dt.date.fromisoformat(t.date_end[:10])
    return facts.published is not None and (facts.published - end).days > rules.history_days


# ------------------------------------------------------------------------------------------ place
def _coarse(loc: Location | None) -> bool:
    return loc is None or (loc.geo_precision or 3) >= 3


def _rank(loc: Location) -> float:
    """Finer is smaller: a town (1), near or in part of a town (2), a province (3), a country (3.5)."""
    precision = float(loc.geo_precision or 3)
    return precision + 0.5 if precision >= 3 and loc.admin1 is None else precision


def _sentence_location(facts: ArticleFacts, start: int, end: int, at: int,
                       places: list[PlaceMention] | None = None) -> Location | None:
    return event_location(facts.places if places is None else places, at, at, doc_text(facts.doc), start, end)


def _dominant_place(facts: ArticleFacts) -> Location | None:
    """The town or province of the story's country the article keeps coming back to (named at least
    twice, the headline counting double): where a story about one place sets the events it does not
    place itself."""
    votes: Counter[int | str] = Counter()
    first: dict[int | str, PlaceMention] = {}
    focus = country_location(facts.focus_country)
    for p in facts.places:
        if p.lat is None or p.role is not None or (p.feature_class == "A" and p.admin1 is None):
            continue  # a country is no finer than the fallback; "Iraqi" and names in names place nothing
        if focus is not None and p.country != focus.country:
            continue  # "trained by Washington", "Moscow said": capitals abroad that keep coming back are sides
        key = p.geonameid if p.geonameid is not None else p.name or p.text  # an area of the supplement has no id
        votes[key] += 2 if p.start < facts.body_start else 1
        first.setdefault(key, p)
    if not votes:
        return None
    gid, n = max(votes.items(), key=lambda kv: (kv[1], -first[kv[0]].start))
    if n < 2:
        return None
    p = first[gid]
    precision = 1 if p.feature_class in ("P", "S", "L") else 3
    return Location(name=p.name, admin1=p.admin1, country=p.country, geonameid=p.geonameid, lat=p.lat,
                    lon=p.lon, geo_precision=precision)


def fill_place(event: Draft, facts: ArticleFacts, *, lead: bool, others: set[int], same_place_km: float,
               co_told: Sequence[tuple[Location, tuple[int, int] | None]] = (),
               rules: FillingRules | None = None) -> None:
    """A place finer than a province or country, from everything the article ties to the event:
    its tellings' sentences (any place the event wording there allows), the sentence right after a
    telling when no other event is told in it ("The blast took place in al-Mashi"), the sentence
    right before its first telling on the same terms ("... mounted a counterattack toward the city of
    X. At least 40 troops were killed as the army battled ..."), the place of another event told in
    the same sentence (``co_told``: "Clashes broke out after the blasts"), for the lead event the
    headline, and last the place the article keeps coming back to. Among places equally fine, the
    nearer source wins, in that order. A candidate counts only inside the province or country the
    event already has. With nothing at all, the article's country."""
    if not _coarse(event.location):
        return
    doc = facts.doc
    text = doc_text(doc)
    # each candidate with the stretch of text it was read from, so the chosen place keeps its evidence
    candidates: list[tuple[Location | None, int, int]] = []
    marks = rules.other_clause_marks if rules is not None else frozenset()
    for tell in event.tellings:
        at = event.start if tell.start_char <= event.start < tell.end_char else tell.start_char
        anchors = [m.hit.anchor for m in event.mentions() if tell.start_char <= m.hit.anchor.idx < tell.end_char]
        places = [p for p in facts.places if not (tell.start_char <= p.start < tell.end_char and anchors and marks
                                                  and all(in_other_clause(p, a, marks) for a in anchors))]
        candidates.append((_sentence_location(facts, tell.start_char, tell.end_char, at, places),
                           tell.start_char, tell.end_char))
    if rules is not None:
        candidates.extend(_the_town(facts, event, rules))
        candidates.extend(_filed_here(facts, event, rules))
    for tell in event.tellings:
        if tell.end < len(doc):
            nxt = sentence_of(doc[tell.end])
            if nxt.start_char not in others and "\n\n" not in text[tell.end_char : nxt.start_char]:
                candidates.append((_sentence_location(facts, nxt.start_char, nxt.end_char, nxt.start_char),
                                   nxt.start_char, nxt.end_char))
    first = min(event.tellings, key=lambda t: t.start_char, default=None)
    if first is not None and first.start > 0 and first.start_char > facts.body_start:
        prev = sentence_of(doc[first.start - 1])
        if prev.start_char >= facts.body_start and prev.start_char not in others \
                and "\n" not in text[prev.end_char : first.start_char]:
            candidates.append((_sentence_location(facts, prev.start_char, prev.end_char, prev.end_char),
                               prev.start_char, prev.end_char))
    for told, span in co_told:
        candidates.append((told, *(span or (0, 0))))
    if lead and facts.body_start > 0:
        said = _sentence_location(facts, 0, facts.body_start, facts.body_start)
        nouns = rules.event_nouns if rules is not None else frozenset()
        candidates.append((said or _headline_modifier(facts, event, nouns), 0, facts.body_start))
    candidates.append((_dominant_place(facts), 0, len(doc_text(doc))))
    best, where = event.location, None
    for loc, start, end in candidates:
        if loc is None or not places_agree(best, loc, same_place_km):
            continue
        if best is None or _rank(loc) < _rank(best):
            best, where = loc, (start, end)
    if where is not None and best is not None:
        event.location, event.location_span = best, _place_span(facts, best, *where)
    if event.location is None and event.code is not None and facts.focus_country:
        event.location = country_location(facts.focus_country)


def _the_town(facts: ArticleFacts, event: Draft, rules: FillingRules) -> list[tuple[Location | None, int, int]]:
    """The latest town named before a telling that calls the event's place "the town" ("Troops regained
    control of the town on Saturday") and names none itself."""
    if not rules.town_words:
        return []
    text = doc_text(facts.doc)
    pattern = re.compile(r"\bthe (?:" + "|".join(map(re.escape, rules.town_words)) + r")\b(?! of\b)", re.I)
    for tell in event.tellings:
        if tell.start_char < facts.body_start or not pattern.search(text, tell.start_char, tell.end_char):
            continue
        if any(tell.start_char <= p.start < tell.end_char and p.lat is not None for p in facts.places):
            continue  # it names its own place; "the town" may be that one
        before = [p for p in facts.places if facts.body_start <= p.start < tell.start_char
                  and p.start >= tell.start_char - rules.town_reach and p.feature_class == "P" and p.lat is not None
                  and p.role is None]
        if before:
            p = before[-1]
            loc = Location(name=p.name, admin1=p.admin1, country=p.country, geonameid=p.geonameid, lat=p.lat,
                           lon=p.lon, geo_precision=1)
            return [(loc, p.start, p.end)]
    return []


def _filed_here(facts: ArticleFacts, event: Draft, rules: FillingRules) -> list[tuple[Location | None, int, int]]:
    """The dateline's city, when a telling says the event happened there ("in the capital", "here")."""
    text = doc_text(facts.doc)
    line = next((p for p in facts.places if facts.body_start <= p.start < facts.body_start + rules.dateline_reach
                 and p.text.isupper() and len(p.text) > 2 and p.feature_class == "P" and p.lat is not None), None)
    focus = country_location(facts.focus_country)
    if line is None or focus is None or focus.country != line.country:
        return []  # "BEIRUT - ... shelled the city": a story filed abroad speaks of another city
    capital = Gazetteer.load().is_capital(line.geonameid)
    for tell in event.tellings:
        said = text[tell.start_char : tell.end_char].lower()
        for phrase in rules.dateline_words:
            if phrase == "the capital" and not capital:
                continue
            if re.search(rf"\b{re.escape(phrase)}\b", said):
                loc = Location(name=line.name, admin1=line.admin1, country=line.country, geonameid=line.geonameid,
                               lat=line.lat, lon=line.lon, geo_precision=1)
                return [(loc, line.start, line.end)]
    return []


def _headline_modifier(facts: ArticleFacts, event: Draft, event_nouns: frozenset[str]) -> Location | None:
    """A town or province a headline puts right before its word for the event: "Mosul Shooting
    Leaves Nine Dead", "Homs Bombing Hits Bus Station". Headlines drop the locative word that ``event_location``
    asks of a capital or a province; a country in that spot names a side ("US Airstrikes"), not a place."""
    text = doc_text(facts.doc)
    words = {event.hit.anchor.lemma_.lower(), *event.hit.trigger.lemmas, *event_nouns}
    for p in facts.places:
        if p.start >= facts.body_start or p.lat is None or p.role is not None \
                or (p.feature_class == "A" and p.admin1 is None):
            continue
        after = text[p.end : facts.body_start].split()[:2]
        if any(w.lower().strip(",.:;") in words or w.lower().strip(",.:;").removesuffix("s") in words
               for w in after if w[:1].isupper()):
            precision = 1 if p.feature_class in ("P", "S", "L") else 3
            return Location(name=p.name, admin1=p.admin1, country=p.country, geonameid=p.geonameid, lat=p.lat,
                            lon=p.lon, geo_precision=precision)
    return None


def told_with(event: Draft, events: list[Draft]) -> list[tuple[Location, tuple[int, int] | None]]:
    """The places of the other events told together with ``event``: those whose tellings share a
    sentence with it, and the latest earlier event of a kind that its tellings point back to
    ("Clashes broke out after the blasts": the blasts told before). What happened with or right after
    an event happened where it did, when nothing else places it."""
    own = {t.start_char for t in event.tellings}
    out = [(o.location, o.location_span) for o in events if o is not event and o.location is not None
           and o.code is not None and own & {t.start_char for t in o.tellings}]
    kinds = {m.code for m in event.mentions() if m.hit.anaphoric and m.code not in (None, event.code)}
    earlier = [o for o in events if o is not event and o.code in kinds and o.start < event.start]
    if earlier:
        o = max(earlier, key=lambda o: o.start)
        if o.location is not None:
            out.append((o.location, o.location_span))
    return out


def _place_span(facts: ArticleFacts, loc: Location, start: int, end: int) -> tuple[int, int] | None:
    """The first mention of the chosen place inside the text it was read from: its evidence."""
    for p in facts.places:
        if start <= p.start and p.end <= end and (p.geonameid == loc.geonameid or p.name == loc.name):
            return p.start, p.end
    return None


# ------------------------------------------------------------------------------------------ actors
def _claimant(sent: Span, index: MentionIndex, rules: FillingRules) -> ActorMention | None:
    """"IS claimed responsibility for the attack", "the group claimed the bombing": the subject."""
    for tok in sent:
        if tok.lemma_.lower() not in rules.claim_verbs or tok.pos_ not in {"VERB", "AUX"}:
            continue
        objects = [c for c in tok.children if c.dep_ in {"dobj", "obj"}]
        if not any(o.lemma_.lower() in rules.claim_objects for o in objects):
            continue
        if any(c.dep_ == "neg" for c in tok.children):
            continue  # "no group claimed responsibility"
        subj = next((c for c in tok.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subj is not None and not any(c.dep_ == "det" and c.lower_ == "no" for c in subj.children):
            mention = index.at(subj)
            if is_armed(mention):
                return mention
    return None


def _own_word(tok: Token, event: Draft) -> bool:
    """The event's own trigger word: its lemma, or one of its lexicon entry's lemmas."""
    lemma = tok.lemma_.lower()
    return lemma == event.hit.anchor.lemma_.lower() or lemma in event.hit.trigger.lemmas


def _event_word(tok: Token, event: Draft, rules: FillingRules) -> bool:
    return tok.lemma_.lower() in rules.event_nouns or _own_word(tok, event)


def _attributed(sent: Span, event: Draft, index: MentionIndex, rules: FillingRules) -> ActorMention | None:
    """"strikes carried out by Russian jets", "jet strikes blamed on the regime": the one the text
    says did an event of this kind, however hedged (ACLED codes the attributed perpetrator)."""
    for tok in sent:
        lemma = tok.lemma_.lower()
        if tok.pos_ not in {"VERB", "AUX"} or lemma not in rules.attribution_verbs | rules.blame_verbs:
            continue
        if any(c.dep_ == "neg" for c in tok.children):
            continue
        done = [c for c in tok.children if c.dep_ == "nsubjpass"]
        if tok.dep_ in {"acl", "relcl"}:
            done.append(tok.head)
        if not any(_event_word(d, event, rules) for d in done):
            continue
        preps = {"on", "to"} if lemma in rules.blame_verbs else {"by"}
        for prep in tok.children:
            if prep.dep_ in {"agent", "prep"} and prep.lower_ in preps:
                for obj in prep.children:
                    if obj.dep_ == "pobj":
                        mention = index.at(obj)
                        if is_armed(mention):
                            return mention
    return None


def _named_in_headline(facts: ArticleFacts, event: Draft, agent_of: Callable[[Token], ActorMention | None]
                       ) -> ActorMention | None:
    """"Russian air strikes kill 20 in Idlib": who the headline says did the lead event, read by the
    event stage's own roles (``agent_of``) on the headline's word for it: the lead's own word, or the
    word of a headline telling grouped with it ("US airstrike" over a body that says "were killed")."""
    told = {m.hit.anchor.i for m in event.members if m.hit.in_headline}
    for tok in facts.doc:
        if tok.idx >= facts.body_start:
            break
        if tok.pos_ in {"NOUN", "PROPN"} and (_own_word(tok, event) or tok.i in told):
            mention = agent_of(tok)
            if is_armed(mention):
                return mention
    return None


def fill_claimed_actor(event: Draft, index: MentionIndex, rules: FillingRules, facts: ArticleFacts | None = None,
                       *, headline_agent: Callable[[Token], ActorMention | None] | None = None) -> None:
    """A violent event with no named perpetrator takes the one the article names for it: "carried out
    by" or "blamed on" in any of its tellings, a claim of responsibility in the next sentences, and for
    the lead event (``headline_agent`` given) the actor the headline puts on the same word."""
    if event.plover != "ASSAULT" or (event.actor1 is not None and not event.actor1.actor.startswith("Unidentified")):
        return

    def take(found: ActorMention | None) -> bool:
        if found is None or (event.actor2 is not None and found.actor == event.actor2.actor):
            return False
        event.actor1 = found
        return True

    for tell in event.tellings:
        if take(_attributed(tell, event, index, rules)):
            return
    doc = event.hit.anchor.doc
    read: set[int] = set()
    # A claim follows a telling of the event: the lead ("... killing 44. IS claimed responsibility for the
    # attack.") as often as the last retelling, so each telling's next sentences are read, earliest first.
    for tell in sorted(event.tellings or [sentence_of(event.hit.anchor)], key=lambda t: t.start):
        sent = tell
        for _ in range(rules.claim_reach_sentences + 1):
            if sent.start not in read:
                read.add(sent.start)
                if take(_claimant(sent, index, rules)):
                    return
            if sent.end >= len(doc):
                break
            sent = sentence_of(doc[sent.end])
    if headline_agent is not None and facts is not None and facts.body_start > 0:
        take(_named_in_headline(facts, event, headline_agent))


def inherit_perpetrator(event: Draft, earlier: list[Draft]) -> None:
    """A violent event the article names no perpetrator for takes the one of its earlier events of the
    same sub-type, when they name only one: "Jet strikes blamed on the regime hit the cities ... At least
    45 people were killed in airstrikes on Aleppo" (the lead names who carries out the strikes it goes
    on to tell one by one, in other towns and provinces). Only from events of the same days: the
    same campaign, not an earlier one. Two earlier perpetrators of that kind ("Russian and Turkish
    strikes") leave it unknown, as a coder would."""
    if event.plover != "ASSAULT" or event.code is None or event.actor1 is not None:
        return
    named = {e.actor1.actor: e.actor1 for e in earlier
             if e.code == event.code and is_armed(e.actor1) and e.actor1 is not None
             and times_agree(e.time, event.time)}
    if len(named) != 1:
        return
    (found,) = named.values()
    if event.actor2 is None or event.actor2.actor != found.actor:
        event.actor1 = found


def civilian_victims(event: Draft, rules: FillingRules) -> bool:
    """Whether the event's counted victims are civilians by their noun ("killing 12 people")."""
    if event.plover != "ASSAULT":
        return False
    for kind in ("fatalities", "injured"):
        count = event.counts.get(kind)
        if count is not None and count.noun in rules.civilian_victims:
            return True
    return False
