"""An expression's text made ready for the rules: spelled-out years and days as digits ("nineteen
ninety-six", "March eighth"), possessives, "fiscal" and leading prepositions dropped.

Why first: every rule matches whole strings (``re.fullmatch``), so "on Sunday's" and "Sunday" must reach
them as the same text; broadcast transcripts spell numbers out, which the rules would otherwise miss.
"""

from __future__ import annotations

import re

from .vocabulary import _LEADING

_POSSESSIVE = re.compile(r"['’]s$")
_ORDINALS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
             "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth").split()
_ORDINAL_DAYS = {w: i + 1 for i, w in enumerate(_ORDINALS)}
_ORDINAL_DAYS.update({f"twenty-{w}": 21 + i for i, w in enumerate(_ORDINALS[:9])})
_ORDINAL_DAYS.update({f"twenty {w}": 21 + i for i, w in enumerate(_ORDINALS[:9])})
_ORDINAL_DAYS.update({"thirtieth": 30, "thirty-first": 31, "thirty first": 31})
_ONES = {w: i + 1 for i, w in enumerate("one two three four five six seven eight nine".split())}
_TEENS = {w: 10 + i for i, w in enumerate("ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
                                          "eighteen nineteen".split())}
_TENS = {w: 20 + 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_TWO_DIGITS = (rf"(?:(?:{'|'.join(_TENS)})(?:[\s-]+(?:{'|'.join(_ONES)}))?|{'|'.join(_TEENS)}|"
               rf"(?:oh|o)[\s-]+(?:{'|'.join(_ONES)}))")
_SPELLED_YEAR = re.compile(
    rf"\b(?P<century>nineteen|twenty)[\s-]+(?P<rest>{_TWO_DIGITS})\b"
    rf"|\btwo thousand(?:\s+and)?(?:[\s-]+(?P<rest2>{_TWO_DIGITS}|{'|'.join(_ONES)}))?\b",
    re.I,
)
_ORDINAL_AFTER_MONTH = re.compile(
    r"\b(?P<month>(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?)\s+(?:the\s+)?"
    rf"(?P<ord>{'|'.join(sorted(_ORDINAL_DAYS, key=len, reverse=True))})\b"
    rf"|\b(?:the\s+)?(?P<ord2>{'|'.join(sorted(_ORDINAL_DAYS, key=len, reverse=True))})\s+of\s+"
    r"(?P<month2>(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?)",
    re.I,
)
_SPELLED_HINT = re.compile(r"\b(?:nineteen|twenty|thousand|first|second|third|[a-z]+th)\b", re.I)


def _two_digits(words: str) -> int:
    parts = re.split(r"[\s-]+", words.lower())
    if parts[0] in ("oh", "o"):
        return _ONES[parts[1]]
    if parts[0] in _TEENS:
        return _TEENS[parts[0]]
    return _TENS[parts[0]] + (_ONES[parts[1]] if len(parts) > 1 else 0)


def _digitize(s: str) -> str:
    """Years and days written out, as broadcast transcripts do: "nineteen ninety-six" -> 1996,
    "the year two thousand" -> 2000, "March eighth" -> "March 8"."""
    def year(m: re.Match) -> str:
        if m["century"]:
            return str((19 if m["century"].lower() == "nineteen" else 20) * 100 + _two_digits(m["rest"]))
        rest = m["rest2"]
        return str(2000 + (0 if not rest else _ONES.get(rest.lower()) or _two_digits(rest)))

    def day(m: re.Match) -> str:
        if m["month"]:
            return f"{m['month']} {_ORDINAL_DAYS[m['ord'].lower()]}"
        return f"{_ORDINAL_DAYS[m['ord2'].lower()]} {m['month2']}"

    return _ORDINAL_AFTER_MONTH.sub(day, _SPELLED_YEAR.sub(year, s))


def _clean(text: str) -> str:
    s = " ".join(text.replace("\u00a0", " ").split()).strip(" .,;:()[]\"'“”‘’")
    s = _POSSESSIVE.sub("", s)  # "last month's", "Friday's"
    s = re.sub(r"^fiscal(?:\s+year)?\s+(?=\d{4}$)", "", s, flags=re.I)  # "fiscal 1989"
    if _SPELLED_HINT.search(s):
        s = _digitize(s)
    s = re.sub(r"^the\s+(?=(?:day|week|month|year|summer|winter|spring|autumn|fall)\s+of\b)", "", s, flags=re.I)
    prev = None
    while prev != s:
        prev = s
        s = _LEADING.sub("", s)
    return s
