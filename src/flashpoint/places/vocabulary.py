"""The words the geoparser reads names and their surroundings by: entity labels, locative words,
admin and town cue words, generic words, calendar words, institutions, feature nouns, world regions,
organisation heads; and the predicates built on them that more than one stage asks.

Why a module of its own: the finders, the resolver and the event's place all read these words, and they
are knowledge about how news names places, not algorithm; in one place they can be read and changed
together.
"""

from __future__ import annotations

import calendar
import re

from .gazetteer import Gazetteer, normalize_name

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


# capitalised words that, after a place name spaCy did not tag, make it part of an organisation's name
_ORG_HEADS = frozenset(
    """cartel cartels brigade brigades battalion battalions regiment division corps army armies front movement
    party council command militia militias forces force guard guards police gang gangs clan group network
    university college school hospital company corporation bank times post herald tribune news radio tv
    television ministry department office court club united""".split())


def _describes_place(text: str) -> bool:
    key = normalize_name(text)
    words = key.split()
    return bool(words) and (words[-1] in _FEATURE_NOUNS or key in _MACRO_REGIONS or _is_generic(text)
                            or bool(_WATER_OF.match(text)))


def _names_nothing(name: str, key: str, gaz: Gazetteer) -> bool:
    """A month, weekday or holiday, an institution ("the White House"), a generic word ("North") or a
    nationality: never a place a finder may add."""
    return key in _CALENDAR_WORDS or key in _INSTITUTIONS or _is_generic(name) or gaz.demonym_country(name) is not None


def _is_generic(text: str) -> bool:
    words = normalize_name(text).split()
    return bool(words) and all(w in _GENERIC_WORDS for w in words)
