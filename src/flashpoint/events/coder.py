"""Code the events of one article: mentions -> type -> article-level events -> fields -> rows.

Detection finds event mentions over the parse (``detect``), ``roles`` reads who acted on whom, the
classifier settles each mention's type; then ``grouping`` joins the mentions of one real event
(headline, lead, retellings, "the blast took place in ...") and ``filling`` gives each event the
fields the whole article supports (a dateline for current news, a place from any telling or the
headline, a perpetrator from a later claim). This module decides how those steps combine.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import partial

import numpy as np
from spacy.tokens import Doc, Span, Token

from ..actors.conventions import load_conventions
from ..actors.dictionary import ACTOR_TYPES, CIVILIANS_INTER, ActorDictionary
from ..model import (
    AcledCoding,
    ActorMention,
    Article,
    Event,
    Evidence,
    PlaceMention,
    PloverCoding,
    TimeMention,
    stable_id,
)
from ..nlp import doc_text, says_any, sentence_of
from ..places import event_location
from ..spans import ByStart
from ..times import TimeValue, is_vague_value, resolve_relative
from .casualties import count_casualties
from .claims import speech_verbs
from .classifier import EventClassifier
from .confidence import features as confidence_features
from .confidence import load_model as load_confidence_model
from .decision import Params, decide, load_params
from .detect import Hit, in_headline_case
from .draft import Draft, forces_of_government, is_armed, is_state
from .filling import (
    REPORT_DATE,
    ArticleFacts,
    civilian_victims,
    fill_claimed_actor,
    fill_date,
    fill_place,
    inherit_perpetrator,
    is_campaign,
    is_history,
    until_report,
)
from .filling import load_rules as load_filling_rules
from .grouping import group_mentions, says_another
from .grouping import load_rules as load_grouping_rules
from .modality import CODED, classify
from .ontology import Ontology, Trigger
from .roles import MentionIndex, Roles, fill_roles

_RELATIVE_TAIL = ("after", "before", "following", "later")
_TERRITORY = {"GOV_REGAINS_TERIT", "NON_STATE_ACTOR_OVERTAKES_TER"}


def _interaction(a: int | None, b: int | None) -> int | None:
    codes = sorted(c for c in (a, b) if c)
    if not codes:
        return None
    return codes[0] * 10 if len(codes) == 1 else codes[0] * 10 + codes[1]


class EventCoder:
    def __init__(self, ontology: Ontology, dictionary: ActorDictionary, *,
                 classifier: EventClassifier | None = None, params: Params | None = None,
                 calibrate: bool = True) -> None:
        self.ontology = ontology
        self.dictionary = dictionary
        self.classifier = classifier  # None: the lexicon decides alone
        self.params = params or load_params()
        # the confidence model fitted on the article gold; calibrate=False keeps the raw score (fitting)
        self.confidence_model = load_confidence_model() if calibrate else None
        self.grouping = load_grouping_rules()
        self.filling = load_filling_rules()
        # sub-type -> the words that veto its triggers in a sentence (an accident, a test, a storm):
        # they veto the classifier's proposal of that sub-type too
        self.vetoes: dict[str, frozenset[str]] = {}
        for t in ontology.triggers:
            for code in {t.code, *t.by_target.values(), *t.by_agent.values()} - {None}:
                self.vetoes[code] = self.vetoes.get(code, frozenset()) | t.not_in_sentence
        conventions = load_conventions()
        for t in ontology.triggers:  # a default agent spelled unlike any convention fails here, not mid-run
            if t.default_agent:
                conventions.inter_of_template(t.default_agent)
        self.demonstrator_inters = frozenset((conventions["rioters"].inter, conventions["protesters"].inter))

    # --- public -------------------------------------------------------------------------------
    def code(
        self,
        doc: Doc,
        article: Article,
        hits: list[Hit],
        *,
        actors: list[ActorMention],
        places: list[PlaceMention],
        times: list[TimeMention],
        focus_country: str | None,
    ) -> list[Event]:
        index = MentionIndex(doc, actors)
        published = _parse_date(article.published)
        drafts: list[Draft] = []
        unsaid: set[int] = set()  # sentences whose trigger is negated, forecast, hypothetical...
        for hit in hits:
            modality = classify(hit.anchor, verbal_event=hit.trigger.code is None)
            if modality not in CODED:
                if not hit.anaphoric and not hit.in_headline:
                    unsaid.add(sentence_of(hit.anchor).start)
                continue
            draft = self._draft(hit, index, focus_country, modality)
            if draft is not None:
                drafts.append(draft)
        drafts = self._absorb_linked(drafts)
        if self.classifier is not None:
            drafts += self._proposals(doc, article, drafts, index, focus_country, unsaid)
            drafts.sort(key=lambda d: d.hit.span.start)
        event_sents = {sentence_of(d.hit.anchor).start for d in drafts if not d.hit.anaphoric and not d.hit.in_headline}
        times_at, places_at = ByStart(times), ByStart(places)
        told: Draft | None = None  # the latest earlier mention that tells an event ("after a similar
        dated: Draft | None = None  # gun battle" tells no date of its own), and the latest dated to the day
        for d in drafts:
            sent = sentence_of(d.hit.anchor)
            self._date(d, told, dated, times_at.starting_in(sent.start_char, sent.end_char), published)
            self._place(d, places_at.starting_in(sent.start_char, sent.end_char))
            d.counts = count_casualties(_telling(d.hit.anchor, event_sents), self.ontology)
            if not d.hit.anaphoric:
                told = d
                if d.time is not None and d.time.precision in {1, 2}:
                    dated = d
        drafts = self._classify(drafts)
        facts = ArticleFacts(doc, published, article.body_start, places, focus_country)
        events = group_mentions(drafts, self.ontology, self.grouping)
        lead = next((e for e in events if e.code is not None), None)
        kept: list[Draft] = []
        for e in events:
            fill_date(e, facts, self.filling)
            if e.background or is_history(e, facts, self.filling) or is_campaign(e, facts, self.filling):
                continue
            others = {t.start_char for o in events if o is not e for t in o.tellings}
            fill_place(e, facts, lead=e is lead, others=others, same_place_km=self.grouping.same_place_km)
            headline_agent = partial(self._agent_at, e.hit.trigger, index, focus_country) if e is lead else None
            fill_claimed_actor(e, index, self.filling, facts, headline_agent=headline_agent)
            inherit_perpetrator(e, kept)
            kept.append(e)
        return [self._event(d, article, focus_country) for d in kept]

    def _agent_at(self, trigger: Trigger, index: MentionIndex, focus_country: str | None,
                  tok: Token) -> ActorMention | None:
        """Who acted, by this trigger's roles, on a word outside the coded text (the headline's)."""
        hit = Hit(trigger, tok.doc[tok.i : tok.i + 1], tok)
        return fill_roles(hit, index, self.dictionary, focus_country).agent

    def _proposals(self, doc: Doc, article: Article, drafts: list[Draft], index: MentionIndex,
                   focus_country: str | None, unsaid: set[int]) -> list[Draft]:
        """Sentences the lexicon passed over but the classifier reads as an event of some kind;
        not those whose event word the lexicon found and modality ruled out ("did not attack",
        "threatened to storm"): the classifier reads the topic, not the negation."""
        taken = {sentence_of(d.hit.anchor).start for d in drafts} | unsaid
        cues = self.ontology.classifier_cues
        candidates = [s for s in doc.sents if s.start_char >= article.body_start and s.start not in taken
                      and len(s) >= 4 and any(t.lemma_.lower() in cues or t.lower_ in cues for t in s)]
        if not candidates:
            return []
        probs = self._admissible(self.classifier.predict([s.text for s in candidates]), candidates)
        labels = self.classifier.labels
        none = labels.index("NONE") if "NONE" in labels else None
        out: list[Draft] = []
        for sent, p in zip(candidates, probs, strict=True):
            ranked = [i for i in p.argsort()[::-1] if i != none]
            top = ranked[0]
            if p[top] < self.params.propose_prob or (none is not None and p[top] <= p[none]):
                continue
            if float(p[top]) < self.params.propose_after_event_prob and self._follows_event(sent, drafts):
                continue  # later in a paragraph whose event is coded: a retelling, rarely a new event
            if says_any(sent, self.vetoes.get(labels[top], frozenset())):
                continue  # "a gas explosion in a coal mine": the accident its triggers would not code
            trigger = self._synthetic_trigger(labels[top], float(p[top]))
            anchor = sent.root
            content = [c for c in anchor.children if c.dep_ in {"ccomp", "parataxis"}]
            if anchor.lemma_ in speech_verbs("report") and content:
                anchor = content[0]  # “It continues to fund ...,” the official said: read what was said
            if in_headline_case(doc[anchor.i : anchor.i + 1]):
                continue  # "Syrian Airstrikes Kill Over 100 ...": another story's headline
            hit = Hit(trigger, doc[anchor.i : anchor.i + 1], anchor)
            draft = self._draft(hit, index, focus_country)
            if draft is not None:
                draft.proposed = float(p[top])
                out.append(draft)
        return out

    @staticmethod
    def _follows_event(sent: Span, drafts: list[Draft]) -> bool:
        """Whether an earlier sentence of the same paragraph already holds an event: the rest of
        a paragraph mostly retells or comments on its event ("Heavily armed men parked a vehicle in
        the way of the patrol ... The video clip released later declared that the fighters had
        disrupted the patrol"), so a proposal there needs more than one in a fresh paragraph."""
        doc = sent.doc
        text = doc_text(doc)
        paragraph_start = text.rfind("\n", 0, sent.start_char) + 1
        return any(paragraph_start <= sentence_of(d.hit.anchor).start_char < sent.start_char for d in drafts)

    def _synthetic_trigger(self, code: str, prob: float) -> Trigger:
        sub = self.ontology.sub_event(code)
        roles = "symmetric" if code == "ARMED_CLASH" else "agent" if sub.event_type in {"Protests", "Riots"} else "svo"
        default = load_conventions().default_agent(sub.event_type)
        return Trigger(id=f"classifier:{code}", lemmas=(), phrases=(), pos=frozenset({"VERB", "NOUN", "AUX"}),
                       code=code, plover_type=sub.plover, plover_mode=None, roles=roles,
                       default_agent=default, weight=round(prob, 3))

    def _classify(self, drafts: list[Draft]) -> list[Draft]:
        """The classifier reads each ACLED mention's sentence before mentions are grouped: it may drop
        the mention (NONE) or re-type it, and it shares in the confidence. PLOVER-only mentions are
        the lexicon's alone. A mention the classifier proposed keeps its own probability."""
        for d in drafts:
            d.confidence = self._lexicon_confidence(d)
        if self.classifier is None:
            return drafts
        todo = [d for d in drafts if d.code is not None and d.proposed is None]
        if not todo:
            return drafts
        sentences = [sentence_of(d.hit.anchor) for d in todo]
        probs = self._admissible(self.classifier.predict([s.text for s in sentences]), sentences,
                                 keep=[d.code for d in todo])
        dropped: set[int] = set()
        for row, d in enumerate(todo):
            verdict = decide(d.code or "", d.hit.trigger.weight, d.confidence, probs[row],
                             self.classifier.labels, self.params)
            if verdict.code is None:
                dropped.add(id(d))
                continue
            if verdict.code != d.code and self._may_retype(d, verdict.code):
                d.code = verdict.code
                d.plover = self.ontology.sub_event(verdict.code).plover
            d.confidence = verdict.confidence
        return [d for d in drafts if id(d) not in dropped]

    def _may_retype(self, d: Draft, code: str) -> bool:
        """A trigger that names the means ("shelling", "car bomb", "air strike") fixes the event type:
        the classifier may change the sub-type within it, never move it out (shelling that kills
        civilians stays Explosions/Remote violence, as ACLED codes it). Any other violent word may
        leave political violence only for the few sub-types it can turn out to be (an arrest, a foiled
        attack, force against protesters): "operations against the terrorists" is no territory transfer."""
        trig = d.hit.trigger
        own = trig.code
        by_roles = {trig.code, *trig.by_target.values(), *trig.by_agent.values()}
        if d.code in by_roles and code in by_roles and (d.roles.target is not None or d.roles.agent is not None):
            return False  # who acted on whom decided it ("gunmen killed two soldiers": a clash, not an attack)
        if d.code in _TERRITORY and code in _TERRITORY and d.roles.agent is not None:
            return False  # the state retakes, anyone else overtakes: the agent decides, not the wording
        if says_any(sentence_of(d.hit.anchor), self.vetoes.get(code, frozenset())):
            return False  # the sentence tells an accident, a test or a storm, not that sub-type
        a, b = self.ontology.sub_event(own), self.ontology.sub_event(code)
        if a is None or b is None:
            return True
        if trig.id in self.ontology.fixed_means:
            return (own, code) in self.grouping.refinements  # a car bomb is no air strike
        if own in self.ontology.means_precedence:
            return a.event_type == b.event_type
        violent = self.ontology.violent_types
        if a.event_type in violent and b.event_type not in violent:
            return code in self.ontology.violence_may_become  # a violent word: violence happened
        return True

    def _lexicon_confidence(self, d: Draft) -> float:
        if d.proposed is not None:
            return round(min(0.99, d.proposed), 3)  # the classifier's own call
        complete = sum([d.actor1 is not None, d.time is not None,
                        d.location is not None and d.location.geonameid is not None])
        confidence = d.hit.trigger.weight * (0.7 + 0.1 * complete)
        return confidence * 0.9 if d.modality == "claimed" else confidence

    def _admissible(self, probs: np.ndarray, sentences: list[Span], keep: list[str | None] | None = None) -> np.ndarray:
        """The classifier's probabilities with the codes it may not choose for each sentence set to 0:
        those that need a word of their kind the sentence lacks (``classifier_needs_words``). The
        lexicon's own code (``keep``) is never held back."""
        needs = self.ontology.classifier_needs_words
        labels = self.classifier.labels if self.classifier is not None else []
        columns = [(k, code) for k, code in enumerate(labels) if code in needs]
        if not columns:
            return probs
        out = np.array(probs, copy=True)
        for row, sent in enumerate(sentences):
            words = {t.lemma_.lower() for t in sent} | {t.lower_ for t in sent}
            for k, code in columns:
                if (keep is None or keep[row] != code) and not self.ontology.classifier_may_choose(code, words):
                    out[row, k] = 0.0
        return out

    # --- steps --------------------------------------------------------------------------------
    def _absorb_linked(self, drafts: list[Draft]) -> list[Draft]:
        """"A suicide bomb blast killed 16 people": the killing is the blast's outcome, not a
        second event; "shot and killed a gunman" is one act. Linked triggers in one sentence collapse
        into the most telling one (two generic acts, "attacked ... and clashed with ...", stay two)."""
        onto = self.ontology
        rank = {code: i for i, code in enumerate(onto.means_precedence)}

        def weight(d: Draft) -> int | None:
            if d.code in rank:
                return rank[d.code]
            if d.hit.trigger.id in onto.generic_violence | onto.fights:
                return len(rank)
            if d.hit.trigger.id in onto.outcomes:
                return len(rank) + 1
            return None  # not a violent act: never merged this way

        # "troops clashed with protesters": a protest word that is another event's side is no protest of its own
        sides = [(m.start, m.end, d) for d in drafts for m in (d.actor1, d.actor2) if m is not None]
        drafts = [d for d in drafts if not self._protest(d)
                  or not any(start <= d.hit.anchor.idx < end and o is not d for start, end, o in sides)]
        out: list[Draft] = []
        in_sentence: dict[int, list[Draft]] = {}  # the kept drafts of each sentence, by its start
        at: dict[int, int] = {}  # where each kept draft is in ``out`` (an article may have thousands)
        for d in drafts:
            wd = weight(d)
            partner = None
            here = in_sentence.setdefault(sentence_of(d.hit.anchor).start, [])
            if wd is not None:
                for o in here:
                    wo = weight(o)
                    if wo is None:
                        continue
                    if _linked(o.hit.anchor, d.hit.anchor) and (wo != wd or wd != len(rank)):
                        partner = o
                        break
            if partner is None:
                at[id(d)] = len(out)
                out.append(d)
                here.append(d)
                continue
            keep, drop = (partner, d) if weight(partner) <= wd else (d, partner)
            if weight(partner) == wd and partner.actor2 is None and d.actor2 is not None:
                keep, drop = d, partner  # "shot and killed a gunman": the outcome that names whom
            keep.actor1 = keep.actor1 or drop.actor1
            keep.actor2 = keep.actor2 or drop.actor2
            if keep.hit.anaphoric and not drop.hit.anaphoric:
                # "were killed after intense airstrikes": the means names the killing told here
                keep.hit = replace(keep.hit, anaphoric=False)
            if keep is d:
                at[id(d)] = at.pop(id(partner))
                out[at[id(d)]] = d
                here[here.index(partner)] = d
        return out

    def _protest(self, d: Draft) -> bool:
        sub = self.ontology.sub_event(d.code)
        return sub is not None and sub.event_type == "Protests"

    def _draft(self, hit: Hit, index: MentionIndex, focus_country: str | None,
               modality: str | None = None) -> Draft | None:
        """``modality``: the hit's, when the caller has already read it."""
        trig = hit.trigger
        modality = modality or classify(hit.anchor, verbal_event=trig.code is None)
        if modality not in CODED:
            return None
        roles = fill_roles(hit, index, self.dictionary, focus_country)
        if trig.requires_agent and roles.agent is None:
            return None
        code = trig.code
        if trig.object_is == "person" and roles.target_token is not None and roles.target is None:
            tok = roles.target_token
            if roles.target_is_place and trig.id == "abduct":
                code = "GOV_REGAINS_TERIT" if is_state(roles.agent) else "NON_STATE_ACTOR_OVERTAKES_TER"
            elif not _could_be_person(tok, self.ontology):
                return None  # "seized weapons", "killed the deal": not people
        if trig.object_is == "group" and roles.target is None:
            return None
        if code == trig.code:
            code = self._refine(trig.code, trig.by_target, trig.by_agent, roles)
        if trig.requires_place_object and not roles.target_is_place:
            return None
        sub = self.ontology.sub_event(code)
        plover = sub.plover if sub and trig.plover_type == "ASSAULT" else trig.plover_type
        return Draft(hit, code, plover, roles, modality, actor1=roles.agent, actor2=roles.target,
                     tellings=[sentence_of(hit.anchor)])

    def _refine(self, code: str | None, by_target: dict, by_agent: dict, roles: Roles) -> str | None:
        target = roles.target
        if "protesters" in by_target and any(m is not None and m.inter in self.demonstrator_inters
                                             for m in (roles.agent, target)):
            return by_target["protesters"]  # "troops clashed with protesters": a violent demonstration
        if "state" in by_agent and is_state(roles.agent):
            return by_agent["state"]
        if target is not None:
            civilian = target.inter == CIVILIANS_INTER or (target.method == "person" and target.actor_type == "Person")
            if "civilian" in by_target and civilian:
                return by_target["civilian"]
            if "armed" in by_target and (is_armed(target) or target.actor_type == "Armed person"):
                return by_target["armed"]
        return code

    def _date(self, d: Draft, prev: Draft | None, anchor_draft: Draft | None, times: list[TimeMention],
              published: dt.date | None) -> None:
        """``prev``: the latest earlier mention that tells an event; ``anchor_draft``: the latest
        such mention dated to the day or the week; ``times``: those that start in d's sentence."""
        sent = sentence_of(d.hit.anchor)
        clause = {t.i for t in _clause_root(d.hit.anchor).subtree}
        in_sent = [t for t in times if sent.start_char <= t.start < sent.end_char and not is_vague_value(t.value)
                   and not _report_time(t, sent.doc, clause)]  # "now", "recently" date nothing
        in_sent.sort(key=lambda t: (not _overlaps_tokens(t, sent.doc, clause), abs(t.start - d.hit.span.start_char)))
        for t in in_sent:
            if t.value is not None and t.anchor not in ("event", "text"):
                d.time = TimeValue(t.value, t.precision or 3, t.date_start or t.value, t.date_end or t.value, t.anchor)
                d.time_span = (t.start, t.end)
                return
            if anchor_draft is not None:
                phrase = _relative_phrase(t, sent)
                rel = resolve_relative(phrase, anchor_draft.time)
                if rel is not None:
                    d.time, d.time_span = rel, (t.start, t.start + len(phrase))
                    return
            if t.value is not None and t.anchor == "text":
                # "two days later" after a date but no dated event: against the date the text named before
                d.time = TimeValue(t.value, t.precision or 3, t.date_start or t.value, t.date_end or t.value, t.anchor)
                d.time_span = (t.start, t.end)
                return
        if not in_sent:
            # Narrative continuity: an undated event told in the sentence right after a dated one, in
            # the same paragraph, shares its date ("A few days after the killing, X ... He was
            # captured"); an earlier sentence's date is another event's, not this one's.
            if prev is not None and prev.time is not None and prev.time.precision <= 2 \
                    and _same_paragraph(prev.hit.anchor, d.hit.anchor) and _next_sentence(prev.hit.anchor, d.hit.anchor) \
                    and not says_another(d, self.grouping.new_event_words):
                d.time, d.time_span = prev.time, prev.time_span

    def _place(self, d: Draft, places: list[PlaceMention]) -> None:
        """The place the mention's own sentence ties to it (``filling`` adds the article's);
        ``places``: those that start in its sentence."""
        sent = sentence_of(d.hit.anchor)
        loc = event_location(places, d.hit.span.start_char, d.hit.span.end_char, doc_text(sent.doc),
                             sent.start_char, sent.end_char)
        if loc is None:
            return
        d.location = loc
        near = [p for p in places if sent.start_char <= p.start < sent.end_char
                and (p.geonameid == loc.geonameid or p.name == loc.name)]
        if near:
            best = min(near, key=lambda p: abs(p.start - d.hit.span.start_char))
            d.location_span = (best.start, best.end)

    # --- output -------------------------------------------------------------------------------
    def _event(self, d: Draft, article: Article, focus_country: str | None) -> Event:
        text = article.text
        sub = self.ontology.sub_event(d.code)
        a1, a2 = _armed_or_victim(d.actor1, sub), _armed_or_victim(d.actor2, sub)
        doc = d.hit.anchor.doc
        a1 = None if _speaker(a1, doc) else a1
        a2 = None if _speaker(a2, doc) else a2
        country = (d.location.country if d.location else None) or focus_country
        a1 = _military_if_material(a1, d.plover, focus_country)
        a2 = _military_if_material(a2, d.plover, focus_country) if sub is not None else a2
        if a1 is not None and a2 is not None and a1.actor == a2.actor:
            a2 = None  # one actor on both sides is a parse or merge slip, not a fight with itself
        if sub is not None and a1 is not None and a1.inter == CIVILIANS_INTER and d.plover == "ASSAULT":
            a1, a2 = None, a2 or a1  # civilians are the ones hit, never the perpetrators, in ACLED's coding
        name1, inter1 = (a1.actor, a1.inter) if a1 else (None, None)
        civilians = load_conventions()["civilians"]
        if a1 is None and d.hit.trigger.default_agent and country:
            template = d.hit.trigger.default_agent
            name1, inter1 = template.format(country=country), load_conventions().inter_of_template(template)
        name2, inter2 = (a2.actor, a2.inter) if a2 else (None, None)
        if a2 is None and sub is not None and country and civilian_victims(d, self.filling):
            name2, inter2 = civilians.fill(country), civilians.inter  # "killing 12 people": ACLED's civilians
        assoc2 = "; ".join(m.actor for m in d.roles.assoc_target) or None
        if a2 is not None and a2.method == "person" and sub is not None and sub.event_type in _HIT_CIVILIANS:
            if a2.inter == CIVILIANS_INTER or a2.actor_type == "Person":
                # ACLED codes unarmed victims as civilians of their country; the name stays as evidence.
                name2, inter2 = civilians.fill(a2.country or country), civilians.inter
        ev: list[Evidence] = []

        def add(field_name: str, start: int, end: int) -> None:
            ev.append(Evidence(field_name, start, end, text[start:end]))

        for telling in d.tellings:
            add("sentence", telling.start_char, telling.end_char)
        add("trigger", d.hit.span.start_char, d.hit.span.end_char)
        for m in d.members:
            add("mention", m.hit.span.start_char, m.hit.span.end_char)
        if a1 is not None:
            add("actor1", a1.start, a1.end)
        if a2 is not None:
            add("actor2", a2.start, a2.end)
        t = until_report(d.time, _parse_date(article.published), self.filling)
        if d.time_span and t is not None:
            add("date", *d.time_span)
        if d.location_span:
            add("location", *d.location_span)
        fatalities = injured = None
        if sub is not None:
            fatalities, injured = 0, 0
        if "fatalities" in d.counts:
            c = d.counts["fatalities"]
            fatalities = c.value
            add("fatalities", c.start, c.end)
        if "injured" in d.counts:
            c = d.counts["injured"]
            injured = c.value
            add("injured", c.start, c.end)
        date = None
        if t is not None:
            # the publication date itself for current news dated by it; a range's middle otherwise
            date = t.value if t.precision == 1 or t.anchor == REPORT_DATE else _midpoint(t.date_start, t.date_end)
        confidence = d.confidence
        if len(d.tellings) > 1:
            confidence = min(0.99, confidence + 0.05 * (len(d.tellings) - 1))
        event = Event(
            id=stable_id(article.id, d.code or d.plover, d.hit.span.start_char),
            acled=AcledCoding(sub.event_type, sub.sub_event_type, _interaction(inter1, inter2)) if sub else None,
            plover=PloverCoding(d.plover, d.hit.trigger.plover_mode),
            actor1=name1,
            actor2=name2,
            assoc_actor_1="; ".join(m.actor for m in d.roles.assoc_agent) or None,
            assoc_actor_2=assoc2,
            inter1=inter1,
            inter2=inter2,
            date=date,
            date_start=t.date_start if t else None,
            date_end=t.date_end if t else None,
            time_precision=t.precision if t else None,
            location=d.location,
            fatalities=fatalities,
            injured=injured,
            modality=d.modality,
            confidence=round(confidence, 3),
            evidence=ev,
            article_id=article.id,
        )
        if self.confidence_model is not None:
            event.confidence = round(self.confidence_model(confidence_features(event, confidence)), 3)
        return event


# --- helpers -----------------------------------------------------------------------------------
def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _midpoint(start: str | None, end: str | None) -> str | None:
    a, b = _parse_date(start), _parse_date(end)
    if a is None or b is None:
        return start
    return (a + (b - a) / 2).isoformat()


def _clause_root(token: Token) -> Token:
    tok = token
    while tok.pos_ not in {"VERB", "AUX"} and tok.head.i != tok.i:
        tok = tok.head
    return tok


def _overlaps_tokens(t: TimeMention, doc: Doc, token_ids: set[int]) -> bool:
    span = doc.char_span(t.start, t.end, alignment_mode="expand")
    return span is not None and any(tok.i in token_ids for tok in span)


def _relative_phrase(t: TimeMention, sent: Span) -> str:
    """"A few days" + " after the killing": the words that say what the time is relative to."""
    text = doc_text(sent.doc)
    tail = text[t.end : sent.end_char]
    words = tail.split()
    own = t.text.split()
    if (words and words[0].lower() in _RELATIVE_TAIL) or (own and own[-1].lower() in _RELATIVE_TAIL):
        cut = tail.find(",")
        end = t.end + (cut if cut != -1 else len(tail.rstrip(". ")))
        return text[t.start : end]
    return t.text


def _same_paragraph(a: Token, b: Token) -> bool:
    lo, hi = sorted((a.idx, b.idx))
    return "\n" not in doc_text(a.doc)[lo:hi]


def _could_be_person(tok: Token, ontology: Ontology) -> bool:
    return (
        tok.pos_ == "PRON"
        or tok.ent_type_ in {"PERSON", "NORP", "ORG"}
        or tok.lemma_.lower() in ontology.casualty_nouns
        or tok.like_num
    )


def _telling(anchor: Token, event_sents: set[int]) -> list[Span]:
    """The trigger's sentence plus the next one in its paragraph when that one has no event word
    of its own: "A gun battle began ... Two police officers were injured." """
    sent = sentence_of(anchor)
    doc = anchor.doc
    if sent.end >= len(doc):
        return [sent]
    following = sentence_of(doc[sent.end])
    if following.start in event_sents or "\n" in doc_text(doc)[sent.end_char - 1 : following.start_char]:
        return [sent]
    return [sent, following]


def _linked(a: Token, b: Token) -> bool:
    return a in b.subtree or b in a.subtree or a.head == b.head


def _speaker(m: ActorMention | None, doc: Doc) -> bool:
    """A person who tells of the event ("resident Suleiman Youssef told the AP", "said Rami Abdel
    Rahman") is its witness or source, not a side of it."""
    if m is None or m.method != "person":
        return False
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None:
        return False
    root = span.root
    if root.dep_ == "appos":
        root = root.head
    return root.dep_ == "nsubj" and root.head.lemma_.lower() in speech_verbs()


# Event types whose unarmed victims ACLED codes as civilians of their country: an attack on them, and
# remote violence (a shell, strike or bomb) that hit them.
_HIT_CIVILIANS = frozenset(("Violence against civilians", "Explosions/Remote violence"))


def _armed_or_victim(m: ActorMention | None, sub: object) -> ActorMention | None:
    """An organisation found only in the text, whose name says nothing of arms ("Syrian Observatory
    for Human Rights", "Hijackers", a news agency, a run of place names), is no side of an ACLED
    event: the monitor that reports a strike did not strike."""
    if m is not None and sub is not None and m.method == "new" and m.inter is None:
        return None
    return m


def _military_if_material(m: ActorMention | None, plover: str, focus_country: str | None) -> ActorMention | None:
    """Governments do not fire missiles: "a U.S. missile strike" is the act of the U.S. military."""
    forces = forces_of_government(m.actor) if m is not None and plover in {"ASSAULT", "COERCE"} else None
    if m is None or forces is None:
        return m
    country = load_conventions().government_country(m.actor)
    inter = load_conventions()["military"].inter_in(country, focus_country)
    return ActorMention(m.start, m.end, m.text, forces, ACTOR_TYPES[inter], m.country, inter, "inferred")


def _report_time(t: TimeMention, doc: Doc, event_clause: set[int]) -> bool:
    """"... killed six people, a monitoring group said Friday": a time that belongs to the verb of
    saying, outside the event's own clause, dates the report, not the event."""
    span = doc.char_span(t.start, t.end, alignment_mode="expand")
    if span is None or any(tok.i in event_clause for tok in span):
        return False
    head = span.root.head
    while head.pos_ not in {"VERB", "AUX"} and head.head.i != head.i:
        head = head.head
    return head.lemma_.lower() in speech_verbs("report") and head.i not in event_clause


def _next_sentence(earlier: Token, later: Token) -> bool:
    """Whether ``later`` is in the same sentence as ``earlier`` or the one right after it."""
    a, b = sentence_of(earlier), sentence_of(later)
    return a.start == b.start or a.end == b.start
