"""Code the events of one article: mentions -> type -> article-level events -> fields -> rows.

Detection finds event mentions over the parse (``detect``), ``roles`` reads who acted on whom, the
classifier settles each mention's type; then ``grouping`` joins the mentions of one real event
(headline, lead, retellings, "the blast took place in ...") and ``filling`` gives each event the
fields the whole article supports (a dateline for current news, a place from any telling or the
headline, a perpetrator from a later claim). This module decides how those steps combine, and turns
one trigger into one mention (``EventCoder._draft``: its roles, and the sub-type they refine).

Each step it runs has a module named for its concern: ``merging`` (linked triggers of one sentence
become one mention), ``arbitration`` (what the classifier may propose, drop or re-type against the
lexicon, and the confidence of each), ``sentence_fields`` (the date and place a mention's own
sentence gives, and the telling its toll is read from) and ``assembly`` (ACLED's row, with its
conventions and evidence). ``group_mentions`` is called through this module's namespace, so a
debugging script may wrap ``coder.group_mentions`` to see the mentions before grouping.
"""

from __future__ import annotations

from functools import partial

from spacy.tokens import Doc, Token

from ..actors.conventions import load_conventions
from ..actors.dictionary import CIVILIANS_INTER, ActorDictionary
from ..model import ActorMention, Article, Event, PlaceMention, TimeMention
from ..nlp import sentence_of
from ..spans import ByStart
from .arbitration import Arbiter
from .assembly import assemble_event, parse_date
from .casualties import count_casualties
from .classifier import EventClassifier
from .confidence import load_model as load_confidence_model
from .decision import Params, load_params
from .detect import Hit
from .draft import Draft, is_armed, is_state
from .filling import (
    ArticleFacts,
    fill_claimed_actor,
    fill_date,
    fill_place,
    inherit_perpetrator,
    is_campaign,
    is_history,
    load_rules as load_filling_rules,
    told_with,
)
from .grouping import group_mentions, load_rules as load_grouping_rules
from .merging import absorb_linked
from .modality import CODED, classify
from .ontology import Ontology, Trigger
from .roles import MentionIndex, Roles, fill_roles
from .sentence_fields import date_mention, place_mention, speakers_places, telling


class EventCoder:
    """Codes one parsed article's hits into ACLED/PLOVER rows; built once per process (it loads the
    rules, the confidence model and, when given, the classifier) and reused for every article."""

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
        # the lexicon's and the classifier's calls settled (proposals, re-typing, confidence)
        self.arbiter = Arbiter(ontology, classifier, self.params, self.grouping)
        conventions = load_conventions()
        for t in ontology.triggers:  # a default agent spelled unlike any convention fails here, not mid-run
            if t.default_agent:
                conventions.inter_of_template(t.default_agent)
        self.demonstrator_inters = frozenset((conventions["rioters"].inter, conventions["protesters"].inter))
        self.conventions = conventions

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
        published = parse_date(article.published)
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
        drafts = absorb_linked(drafts, self.ontology)
        if self.classifier is not None:
            draft_of = partial(self._draft, index=index, focus_country=focus_country)
            drafts += self.arbiter.proposals(doc, article, drafts, unsaid, draft_of)
            drafts.sort(key=lambda d: d.hit.span.start)
        event_sents = {sentence_of(d.hit.anchor).start for d in drafts if not d.hit.anaphoric and not d.hit.in_headline}
        sources = speakers_places(doc, places)  # "the ministry in Moscow said": where a source is
        places = [p for p in places if p.start not in sources]
        times_at, places_at = ByStart(times), ByStart(places)
        told: Draft | None = None  # the latest earlier mention that tells an event ("after a similar
        dated: Draft | None = None  # gun battle" tells no date of its own), and the latest dated to the day
        for d in drafts:
            sent = sentence_of(d.hit.anchor)
            date_mention(d, told, dated, times_at.starting_in(sent.start_char, sent.end_char), published,
                         self.grouping.new_event_words)
            place_mention(d, places_at.starting_in(sent.start_char, sent.end_char), self.filling.other_clause_marks)
            d.counts = count_casualties(telling(d.hit.anchor, event_sents), self.ontology)
            if not d.hit.anaphoric:
                told = d
                if d.time is not None and d.time.precision in {1, 2}:
                    dated = d
        drafts = self.arbiter.classify(drafts)
        facts = ArticleFacts(doc, published, article.body_start, places, focus_country)
        events = group_mentions(drafts, self.ontology, self.grouping)
        lead = next((e for e in events if e.code is not None), None)
        kept: list[Draft] = []
        for e in events:
            fill_date(e, facts, self.filling)
            if e.background or is_history(e, facts, self.filling) or is_campaign(e, facts, self.filling):
                continue
            others = {t.start_char for o in events if o is not e for t in o.tellings}
            fill_place(e, facts, lead=e is lead, others=others, same_place_km=self.grouping.same_place_km,
                       co_told=told_with(e, events), rules=self.filling)
            headline_agent = partial(self._agent_at, e.hit.trigger, index, focus_country) if e is lead else None
            fill_claimed_actor(e, index, self.filling, facts, headline_agent=headline_agent)
            inherit_perpetrator(e, kept)
            kept.append(e)
        return [assemble_event(d, article, focus_country, ontology=self.ontology, filling=self.filling,
                               confidence_model=self.confidence_model) for d in kept]

    def _agent_at(self, trigger: Trigger, index: MentionIndex, focus_country: str | None,
                  tok: Token) -> ActorMention | None:
        """Who acted, by this trigger's roles, on a word outside the coded text (the headline's)."""
        hit = Hit(trigger, tok.doc[tok.i : tok.i + 1], tok)
        return fill_roles(hit, index, self.dictionary, focus_country).agent

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
        if "no_sides" in by_target and target is None and roles.agent is None and roles.agent_token is None:
            return by_target["no_sides"]  # "the attack wounded dozens": no side named, no clash of two
        if target is not None:
            civilian = target.inter == CIVILIANS_INTER or (target.method == "person" and target.actor_type == "Person")
            if "civilian" in by_target and civilian:
                return by_target["civilian"]
            political = self.conventions.government_country(target.actor) is not None
            if "armed" in by_target and (is_armed(target) or target.actor_type == "Armed person") and not political:
                return by_target["armed"]  # (a government's official is no armed side: "an envoy was shot")
        return code


def _could_be_person(tok: Token, ontology: Ontology) -> bool:
    return (
        tok.pos_ == "PRON"
        or tok.ent_type_ in {"PERSON", "NORP", "ORG"}
        or tok.lemma_.lower() in ontology.casualty_nouns
        or tok.like_num
    )
