"""Who acted on whom: actor1 (agent) and actor2 (target) of a trigger, read from the parse.

Why the parse and not word order: "He was captured by the militias" puts the agent last; "clashes
between the police and the militias" has no subject at all. The parse gives the roles; word order
is only the last resort, within the trigger's own sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

from ..actors.conventions import load_conventions
from ..actors.dictionary import ACTOR_TYPES, ActorDictionary
from ..actors.mentions import MentionIndex
from ..model import ActorMention
from ..nlp import acts_as_verb, sentence_of
from .claims import speech_verbs
from .detect import Hit
from .ontology import load_ontology

_SUBJ = {"nsubj", "csubj"}
_OBJ = {"dobj", "obj", "attr", "dative"}
_TARGET_PREPS = {"on", "against", "at", "targeting", "upon"}


@dataclass(slots=True)
class Roles:
    agent: ActorMention | None = None
    target: ActorMention | None = None
    target_token: Token | None = None
    target_is_place: bool = False
    agent_token: Token | None = None
    assoc_agent: list[ActorMention] = field(default_factory=list)  # "Syrian troops and Hezbollah fighters"
    assoc_target: list[ActorMention] = field(default_factory=list)


def _subject(verb: Token) -> Token | None:
    subj = next((c for c in verb.children if c.dep_ in _SUBJ), None)
    if subj is None and verb.dep_ in {"conj", "xcomp", "advcl"} and verb.head.i != verb.i:
        return _subject(verb.head)  # "appeared on TV and denounced ...": the shared subject
    if subj is None and verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.pos_ in {"VERB", "AUX"}:
        return _subject(verb.head.head)  # "Regime forces responded by launching airstrikes"
    return subj


def _passive_subject(verb: Token) -> Token | None:
    return next((c for c in verb.children if c.dep_ == "nsubjpass"), None)


def _bare_participle(verb: Token) -> bool:
    """A casualty verb as a past participle with no auxiliary ("25 fighters killed", "saw 25 fighters
    killed"): a passive told without "were", whose subject is the victims."""
    return (verb.tag_ == "VBN" and not any(c.dep_ in {"aux", "auxpass"} for c in verb.children)
            and verb.lemma_.lower() in load_ontology().casualty_verbs)


def _agent_by(token: Token) -> Token | None:
    for c in token.children:
        if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by"):
            return next((g for g in c.children if g.dep_ == "pobj"), None)
    return None


def _prep_objects(token: Token, preps: set[str]) -> list[Token]:
    out = []
    for c in token.children:
        if c.dep_ == "prep" and c.lower_ in preps:
            out += [g for g in c.children if g.dep_ == "pobj"]
    return out


def _conjuncts(token: Token) -> list[Token]:
    return [token] + [c for c in token.children if c.dep_ == "conj"]


def _is_place_token(token: Token) -> bool:
    return token.ent_type_ in {"GPE", "LOC", "FAC"}


def fill_roles(hit: Hit, index: MentionIndex, dictionary: ActorDictionary, focus_country: str | None) -> Roles:
    anchor = hit.anchor
    roles = Roles()
    verbal = acts_as_verb(anchor)
    if hit.trigger.roles == "agent":
        _verbal(anchor, index, roles) if verbal else _nominal(anchor, index, roles)
        roles.target = roles.target_token = None  # protesters protest against policies, not actors
    elif hit.trigger.roles == "symmetric":
        _symmetric(anchor, index, roles, verbal)
    elif verbal:
        _verbal(anchor, index, roles)
    else:
        _nominal(anchor, index, roles)
    if roles.agent is None and roles.target is None and hit.trigger.roles == "symmetric":
        _by_order(anchor, index, roles)
    if roles.target is None and roles.target_token is not None and hit.trigger.code is None:
        roles.target = _demonym_government(roles.target_token, dictionary)
    if roles.agent is None and not verbal:
        roles.agent = _demonym_forces(anchor, dictionary, focus_country)
    _associates(roles, index)
    if roles.agent is not None and roles.target is not None and roles.agent.actor == roles.target.actor:
        if hit.trigger.roles != "symmetric":
            roles.target = None
    return roles


def _verbal(verb: Token, index: MentionIndex, roles: Roles) -> None:
    patient = _passive_subject(verb)
    if patient is None and verb.dep_ in {"acl", "amod"} and verb.tag_ == "VBN":
        patient = verb.head  # "22 people killed in air strikes": the noun is what was done to
    if patient is None and _bare_participle(verb):
        patient = _subject(verb)  # "saw 25 Nusra fighters killed when a bomb exploded": the dead, not the killers
    if patient is not None:
        agent_tok = _agent_by(verb)
        roles.agent = index.at(agent_tok) if agent_tok is not None else None
        roles.agent_token = agent_tok
        roles.target_token = patient
    else:
        subj = _subject(verb)
        if subj is None:
            subj = _agent_by(verb)  # "in mortar shelling by IS militants", the noun parsed as a verb
        if subj is None:
            before = _actor_just_before(verb, index)
            # not "the wedding of a member of the SDF killing 22": a participle on a noun tells what the
            # noun's event did; a name before it is its subject only when the two hang together ("regime
            # shelling", whichever the parser made the head)
            if before is not None and (verb.dep_ != "acl" or before.head.i == verb.i or verb.head.i == before.i):
                subj = before
        roles.agent = index.at(subj) if subj is not None else None
        roles.agent_token = subj
        obj = next((c for c in verb.children if c.dep_ in _OBJ), None)
        if obj is None or (index.at(obj) is None and not _is_place_token(obj)):
            # "announced solidarity with the Guards": the target hangs on a preposition
            objs = [o for o in _prep_objects(verb, _TARGET_PREPS | {"with"}) if index.at(o) is not None]
            obj = objs[0] if objs else obj
        roles.target_token = obj
    if roles.target_token is not None:
        roles.target_is_place = _is_place_token(roles.target_token)
        if not roles.target_is_place:
            roles.target = index.at(roles.target_token)


# words between an actor's name and its verb: "... also killed", "Syrian Democratic Forces (SDF) overran"
_BETWEEN_ACTOR_AND_VERB = {"also", "reportedly", "allegedly", "then", "later", "again", "have", "has", "had", ")"}


def _actor_just_before(verb: Token, index: MentionIndex) -> Token | None:
    """A verb the parser left without a subject, right after an actor's name: "in Syrian regime
    shelling" (parsed as a verb), "In the same context army units killed ..." (the units swallowed by
    the preposition). The name read as the subject, as a reader does."""
    i = verb.i - 1
    sent = sentence_of(verb)
    while i >= sent.start and verb.doc[i].lower_ in _BETWEEN_ACTOR_AND_VERB:
        i -= 1
    if i < sent.start or i not in index.by_token:
        return None
    return verb.doc[i]


def _associates(roles: Roles, index: MentionIndex) -> None:
    """Actors joined to the agent or target by "and" act with it: ACLED's associated actors."""
    for tok, main, out in ((roles.agent_token, roles.agent, roles.assoc_agent),
                           (roles.target_token, roles.target, roles.assoc_target)):
        if tok is None or main is None:
            continue
        for c in tok.children:
            if c.dep_ != "conj":
                continue
            m = index.at(c)
            if m is not None and m.actor != main.actor and all(m.actor != o.actor for o in out):
                out.append(m)


def _of_object_by(noun: Token) -> Token | None:
    """"bombardment of the area by regime warplanes": the parser hangs the agent on the object."""
    for obj in _prep_objects(noun, {"of"}):
        found = _agent_by(obj)
        if found is not None:
            return found
    return None


def _group_noun(noun: Token) -> Token:
    """"a wave of air strikes": the group noun ("wave") stands where the event noun would in the
    sentence; a noun not grouped so stands for itself."""
    if (noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.i != noun.head.i
            and noun.head.head.lemma_.lower() in load_ontology().collective_heads):
        return noun.head.head
    return noun


def _nominal(noun: Token, index: MentionIndex, roles: Roles) -> None:
    poss = next((c for c in noun.children if c.dep_ == "poss"), None)
    by = _agent_by(noun) or _of_object_by(noun)
    agent_tok = by or poss
    if poss is not None and by is None and poss.pos_ == "PRON" and index.at(poss) is None:
        agent_tok = None  # "The SDF launched its offensive": "its" is the subject's
    holder = _group_noun(noun)
    if (agent_tok is None and holder.dep_ in _OBJ and holder.head.pos_ in {"VERB", "AUX"}
            and holder.head.lemma_.lower() not in speech_verbs()):
        # "militants launched an attack on ...", but not "the monitor reported strikes on ..."
        agent_tok = _subject(holder.head)
    roles.agent = index.at(agent_tok) if agent_tok is not None else None
    if roles.agent is None:
        # "a U.S. missile strike", "Hezbollah shelling": the actor named in front of the noun
        for c in noun.lefts:
            if c.dep_ in {"compound", "amod", "nmod", "npadvmod"} and c.i in index.by_token:
                roles.agent = index.by_token[c.i]
                break
    targets = _prep_objects(noun, _TARGET_PREPS)
    if not targets and noun.dep_ in _SUBJ and noun.head.pos_ in {"VERB", "AUX"}:
        targets = [c for c in noun.head.children if c.dep_ in _OBJ]  # "an airstrike hit a market"
    for t in targets:
        if _is_place_token(t):
            continue
        mention = index.at(t)
        if mention is not None:
            roles.target, roles.target_token = mention, t
            break
        roles.target_token = roles.target_token or t


def _symmetric(anchor: Token, index: MentionIndex, roles: Roles, verbal: bool) -> None:
    sides: list[ActorMention] = []

    def add(tokens: list[Token]) -> None:
        for tok in tokens:
            for t in _conjuncts(tok):
                m = index.at(t)
                if m is not None and all(m.actor != s.actor for s in sides):
                    sides.append(m)

    holder = anchor
    if not verbal and anchor.dep_ in _SUBJ and anchor.head.pos_ in {"VERB", "AUX"}:
        holder = anchor.head  # "Clashes erupted between X and Y": the PP hangs on the verb
    for node in {anchor, holder}:
        add(_prep_objects(node, {"between", "among"}))
    if verbal:
        subj = _subject(anchor)
        if subj is not None:
            add([subj])
        add([c for c in anchor.children if c.dep_ in _OBJ])
    for node in {anchor, holder}:
        add(_prep_objects(node, {"with", "against"}))
    if not sides and not verbal and anchor.dep_ in _OBJ:
        subj = _subject(anchor.head)
        if subj is not None:
            add([subj])
    if sides:
        roles.agent = sides[0]
    if len(sides) > 1:
        roles.target = sides[1]


def _by_order(anchor: Token, index: MentionIndex, roles: Roles) -> None:
    """Last resort for fights told without syntax linking the sides: the sentence's armed actors
    in order (not the monitor or ministry that reports the fight)."""
    seen: list[ActorMention] = []
    conventions = load_conventions()
    for t in sentence_of(anchor):
        m = index.by_token.get(t.i)
        if m is None or m.inter not in conventions.armed_inters or conventions.government_country(m.actor) is not None:
            continue
        if all(m.actor != s.actor for s in seen):
            seen.append(m)
    if seen:
        roles.agent = seen[0]
    if len(seen) > 1:
        roles.target = seen[1]


def _demonym_government(token: Token, dictionary: ActorDictionary) -> ActorMention | None:
    """"denounced Iranian interference": the target is the government the adjective names."""
    for t in token.subtree:
        country = dictionary.country_of_demonym(t.text)
        if country and t.dep_ in {"amod", "compound"}:
            name = load_conventions()["government"].fill(country)
            return ActorMention(t.idx, t.idx + len(t.text), t.text, name,
                                dictionary.actors[name].actor_type if name in dictionary.actors else None,
                                country, None, "inferred")
    return None


def _demonym_forces(noun: Token, dictionary: ActorDictionary, focus_country: str | None) -> ActorMention | None:
    """"Russian airstrikes", "Turkish shelling": the military of the country the adjective names;
    "regime shelling", "government air strikes", "army operations", "a barrel bomb attack": the article's
    own state's."""
    words = dictionary.government_words | dictionary.state_weapons
    for left in noun.lefts:
        if left.dep_ not in {"amod", "compound", "nmod", "poss"}:
            continue
        for t in left.subtree:
            country = dictionary.country_of_demonym(t.text)
            if country is None and (t.lemma_.lower() in words or t.lower_ in words):
                country = focus_country
            if country:
                military = load_conventions()["military"]
                inter = military.coded_inter_in(country, focus_country)
                return ActorMention(t.idx, t.idx + len(t.text), t.text, military.fill(country),
                                    ACTOR_TYPES[inter], country, inter, "inferred")
    return None
