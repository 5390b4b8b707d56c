"""The words and patterns time expressions are read with: ``data/times.yaml`` and the tables and
regular-expression parts built from it and from the calendar.

Why a module of its own: every other part of the package reads these words (the rules, the tagger's
span finder, the event-relative resolver), and they are knowledge, not algorithm; keeping them apart
shows in one place what the rules recognise. Read once at import, since every article's tagging uses them.
"""

from __future__ import annotations

import calendar
import re
from pathlib import Path
from typing import Any

from ..datafiles import read_yaml

VOCABULARY_FILE = Path(__file__).resolve().parents[1] / "data" / "times.yaml"


def _load_vocabulary(path: Path = VOCABULARY_FILE) -> dict[str, Any]:
    """The words of ``data/times.yaml``: read once at import, since every article's tagging uses them."""
    raw = read_yaml(path) or {}
    for key in ("vague", "vague_adjectives", "lexical", "simple", "periods", "deadline_prepositions", "eve",
                "generic_after_today", "lengths_after_for", "reporting_verbs"):
        if key not in raw:
            raise ValueError(f"{path.name}: missing section {key!r}")
    return raw


_VOCAB = _load_vocabulary()


def _phrases_re(phrases: list[str] | set[str]) -> str:
    """An alternation of phrases, longest first, spaces matching any run of white space."""
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in sorted(phrases, key=len, reverse=True))


# TimeML's vague references, phrase -> PRESENT_REF / PAST_REF / FUTURE_REF (see times.yaml)
VAGUE_VALUES: dict[str, str] = {" ".join(phrase.lower().split()): value
                                for value, phrases in _VOCAB["vague"].items() for phrase in phrases}
VAGUE_VALUES.update({w.lower(): v for w, v in _VOCAB["vague_adjectives"].items()})
# days around publication: phrase -> (first offset, last offset, whether the value is the first day)
SIMPLE_DAYS: dict[str, tuple[int, int, bool]] = {
    " ".join(k.lower().split()): (int(v[0]), int(v[1]), len(v) > 2 and v[2] == "first")
    for k, v in _VOCAB["simple"].items()
}
_PERIODS = _VOCAB["periods"]
_QUARTER_WORDS = _phrases_re(_PERIODS["quarter_words"])
_LATEST_WORDS = _phrases_re(_PERIODS["latest"])
_YEAR_AGO_WORDS = _phrases_re(_PERIODS["year_ago"])

MONTHS: dict[str, int] = {}
for _i, _name in enumerate(calendar.month_name):
    if _name:
        MONTHS[_name.lower()] = _i
        MONTHS[_name[:3].lower()] = _i
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
WEEKDAYS.update({name[:3].lower(): i for i, name in enumerate(calendar.day_name)})
WEEKDAYS.update({"tues": 1, "thur": 3, "thurs": 3})
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "a couple of": 2, "a dozen": 12,
}
VAGUE_QUANTITIES = frozenset({"a few", "few", "several", "some", "many", "a number of", ""})
SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
SEASON_CODES = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
# how far ahead a month-day or month without a year may lie before it is read as last year's (see the policy)
_NEAR_FUTURE_DAYS, _NEAR_FUTURE_MONTHS = 92, 3
ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}

_MONTH_RE = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY_RE = r"(?:" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")\.?"
_NUM_RE = r"(?:\d+|a couple of|a dozen|a few|an|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|" \
          r"fifteen|twenty|thirty|few|several|some|many|a number of)"
_UNIT_RE = r"(?P<unit>minutes?|hours?|days?|nights?|weeks?|fortnights?|months?|years?|decades?)"
_TIME_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night|midday|noon|at dawn|at dusk))?"
_LEADING = re.compile(r"^(?:on|in|at|during|over|since|from|by|until|till|as of|as early as|as late as|around|"
                      r"about|some time in|sometime in|early on|late on)\s+", re.I)
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"

# durations, ages and rates: expressions with a length but no position in time
_DURATION = re.compile(
    rf"^(?:for|over|within|lasting|nearly|almost|about|around|more than|less than|at least|up to|some)?\s*"
    rf"(?:the\s+)?{_NUM_RE}(?:\s+(?:more|full|long))?[\s-]+{_UNIT_RE}(?:[\s-]+(?:old|long))?$",
    re.I,
)
_AGE = re.compile(r"\b\d+[\s-]+years?[\s-]+old\b|\baged?\s+\d+\b", re.I)
_RATE = re.compile(rf"^(?:a|an|per|each|every)\s+{_UNIT_RE}$", re.I)
_VAGUE = re.compile(r"^(?:now|currently|current|recently|recent|the past|the future|soon|today's|nowadays|"
                    r"at the moment|at present|these days|present|once|then|earlier|later|before|after|"
                    r"previously|at the time|the time|the moment|time|some time|a long time)$", re.I)
