"""Time normalisation against the publication date and against other events, and tagging with spaCy."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from flashpoint.model import Article
from flashpoint.nlp import get_nlp
from flashpoint.times import TimeValue, is_duration, is_vague_value, normalize, resolve_relative, tag_times

MON = dt.date(2019, 4, 15)  # a Monday: the first seed's publication date


@pytest.fixture(scope="session")
def nlp():
    return get_nlp()


def _v(text: str, published: dt.date | None = MON, **kw) -> tuple | None:
    tv = normalize(text, published, **kw)
    return None if tv is None else (tv.value, tv.precision, tv.date_start, tv.date_end, tv.anchor)


@pytest.mark.parametrize("text,expected", [
    # weekdays: on or before publication; the publication weekday itself is the publication day
    ("Sunday", ("2019-04-14", 1, "2019-04-14", "2019-04-14", "published")),
    ("on Sunday", ("2019-04-14", 1, "2019-04-14", "2019-04-14", "published")),
    ("Sunday night", ("2019-04-14", 1, "2019-04-14", "2019-04-14", "published")),
    ("Friday", ("2019-04-12", 1, "2019-04-12", "2019-04-12", "published")),
    ("Monday", ("2019-04-15", 1, "2019-04-15", "2019-04-15", "published")),
    ("last Monday", ("2019-04-08", 1, "2019-04-08", "2019-04-08", "published")),
    ("next Sunday", ("2019-04-21", 1, "2019-04-21", "2019-04-21", "published")),
    # days around publication
    ("yesterday", ("2019-04-14", 1, "2019-04-14", "2019-04-14", "published")),
    ("today", ("2019-04-15", 1, "2019-04-15", "2019-04-15", "published")),
    ("last night", ("2019-04-14", 1, "2019-04-14", "2019-04-14", "published")),
    ("overnight", ("2019-04-14", 2, "2019-04-14", "2019-04-15", "published")),
    ("three days ago", ("2019-04-12", 1, "2019-04-12", "2019-04-12", "published")),
    # weeks, months, years
    ("last week", ("2019-W15", 2, "2019-04-08", "2019-04-14", "published")),
    ("Last week", ("2019-W15", 2, "2019-04-08", "2019-04-14", "published")),
    ("this week", ("2019-W16", 2, "2019-04-15", "2019-04-21", "published")),
    ("a week ago", ("2019-W15", 2, "2019-04-08", "2019-04-14", "published")),
    ("the past week", ("2019-04", 2, "2019-04-09", "2019-04-15", "published")),
    ("earlier this month", ("2019-04", 3, "2019-04-01", "2019-04-14", "published")),
    ("last month", ("2019-03", 3, "2019-03-01", "2019-03-31", "published")),
    ("last year", ("2018", 3, "2018-01-01", "2018-12-31", "published")),
    ("this year", ("2019", 3, "2019-01-01", "2019-12-31", "published")),
    # month names and month-days without a year: this year's when past or at most three months ahead
    ("in March", ("2019-03", 3, "2019-03-01", "2019-03-31", "published")),
    ("April", ("2019-04", 3, "2019-04-01", "2019-04-30", "published")),
    ("May", ("2019-05", 3, "2019-05-01", "2019-05-31", "published")),
    ("August", ("2018-08", 3, "2018-08-01", "2018-08-31", "published")),
    ("early March", ("2019-03", 3, "2019-03-01", "2019-03-10", "published")),
    ("Feb. 3", ("2019-02-03", 1, "2019-02-03", "2019-02-03", "published")),
    ("February 3rd", ("2019-02-03", 1, "2019-02-03", "2019-02-03", "published")),
    ("3 February", ("2019-02-03", 1, "2019-02-03", "2019-02-03", "published")),
    ("Dec. 30", ("2018-12-30", 1, "2018-12-30", "2018-12-30", "published")),
    # absolute dates
    ("February 27, 2019", ("2019-02-27", 1, "2019-02-27", "2019-02-27", None)),
    ("27 February 2019", ("2019-02-27", 1, "2019-02-27", "2019-02-27", None)),
    ("Wednesday, February 27, 2019", ("2019-02-27", 1, "2019-02-27", "2019-02-27", None)),
    ("2019-04-01", ("2019-04-01", 1, "2019-04-01", "2019-04-01", None)),
    ("3/18/19", ("2019-03-18", 1, "2019-03-18", "2019-03-18", None)),
    ("18/3/2019", ("2019-03-18", 1, "2019-03-18", "2019-03-18", None)),
    ("in 2014", ("2014", 3, "2014-01-01", "2014-12-31", None)),
    ("2017", ("2017", 3, "2017-01-01", "2017-12-31", None)),
    ("March 2018", ("2018-03", 3, "2018-03-01", "2018-03-31", None)),
    ("the summer of 2014", ("2014-SU", 3, "2014-06-01", "2014-08-31", None)),
    ("winter 2014", ("2014-WI", 3, "2014-12-01", "2015-02-28", None)),
    ("the third quarter of 2018", ("2018-Q3", 3, "2018-07-01", "2018-09-30", None)),
    ("the 1990s", ("199", 3, "1990-01-01", "1999-12-31", None)),  # TimeML's decade value
    # the dateparser fallback
    ("the 3rd of March", ("2019-03-03", 1, "2019-03-03", "2019-03-03", "published")),
])
def test_normalize(text: str, expected: tuple) -> None:
    assert _v(text) == expected


@pytest.mark.parametrize("text,published,expected", [
    ("last week", dt.date(2019, 1, 2), ("2018-W52", 2, "2018-12-24", "2018-12-30", "published")),
    ("this week", dt.date(2018, 12, 31), ("2019-W01", 2, "2018-12-31", "2019-01-06", "published")),
    ("Dec. 30", dt.date(2019, 1, 3), ("2018-12-30", 1, "2018-12-30", "2018-12-30", "published")),
    ("last month", dt.date(2019, 1, 10), ("2018-12", 3, "2018-12-01", "2018-12-31", "published")),
    ("yesterday", dt.date(2019, 1, 1), ("2018-12-31", 1, "2018-12-31", "2018-12-31", "published")),
    ("December", dt.date(2019, 1, 3), ("2018-12", 3, "2018-12-01", "2018-12-31", "published")),
    ("Feb. 29", dt.date(2021, 3, 1), ("2020-02-29", 1, "2020-02-29", "2020-02-29", "published")),
    ("earlier this month", dt.date(2019, 4, 5), ("2019-04", 2, "2019-04-01", "2019-04-04", "published")),
    ("Feb. 3", dt.date(2019, 3, 18), ("2019-02-03", 1, "2019-02-03", "2019-02-03", "published")),
    ("Friday 5", dt.date(2014, 10, 5), ("2014-09-05", 1, "2014-09-05", "2014-09-05", "published")),
    ("Monday 17", dt.date(2016, 10, 17), ("2016-10-17", 1, "2016-10-17", "2016-10-17", "published")),
])
def test_normalize_edges(text: str, published: dt.date, expected: tuple) -> None:
    assert _v(text, published) == expected


def test_weekday_and_day_that_never_met_has_no_date() -> None:
    assert normalize("Friday 28", dt.date(2016, 10, 7)) is None  # no Friday the 28th in the past year


def test_datetime_published_is_accepted() -> None:
    assert _v("yesterday", dt.datetime(2019, 4, 15, 23, 59))[0] == "2019-04-14"


@pytest.mark.parametrize("text", ["last week", "on Sunday", "yesterday", "Feb. 3", "in March", "last year",
                                  "three days ago", "the summer"])
def test_relative_without_publication_date_has_no_value(text: str) -> None:
    assert normalize(text, None) is None


@pytest.mark.parametrize("text,value", [
    ("February 27, 2019", "2019-02-27"), ("in 2014", "2014"), ("3/18/19", "2019-03-18"),
    ("the summer of 2014", "2014-SU"), ("March 2018", "2018-03"),
])
def test_absolute_without_publication_date(text: str, value: str) -> None:
    tv = normalize(text, None)
    assert tv is not None and tv.value == value and tv.anchor is None


@pytest.mark.parametrize("text", [
    "15 years", "for three days", "three days", "a 19-year-old", "19-year-old", "aged 45", "45 years old",
    "a year", "two weeks", "several months", "now", "recently", "currently", "A few days", "The same week",
    "the next day", "11th day", "2354", "1429",
])
def test_not_dates(text: str) -> None:
    assert normalize(text, MON) is None


def test_is_duration() -> None:
    assert is_duration("for three days") and is_duration("15 years") and is_duration("a 19-year-old")
    assert not is_duration("three days ago") and not is_duration("last week")


def test_anchor_date_overrides_publication() -> None:
    tv = normalize("the next Sunday", MON, anchor_date=dt.date(2019, 2, 4))
    assert tv is None or tv.anchor == "anchor"
    tv = normalize("yesterday", MON, anchor_date=dt.date(2019, 2, 4))
    assert (tv.value, tv.anchor) == ("2019-02-03", "anchor")


@pytest.mark.parametrize("text", ["", " ", "\u200b", "💥", "x" * 10_000, "Feb. 31", "13/13/13", "2019-02-30",
                                  "ٱلْأَحَد", "the 45th of Smarch", "0/0/0", "99999"])
def test_normalize_tolerates_junk(text: str) -> None:
    tv = normalize(text, MON)
    assert tv is None or isinstance(tv, TimeValue)


# -- relative to another event ----------------------------------------------------------------------------

KILLING = TimeValue("2019-02-03", 1, "2019-02-03", "2019-02-03", "published")


@pytest.mark.parametrize("text,expected", [
    ("A few days after the killing", ("2019-W06", 2, "2019-02-04", "2019-02-10")),
    ("a few days after", ("2019-W06", 2, "2019-02-04", "2019-02-10")),
    ("days later", ("2019-W06", 2, "2019-02-04", "2019-02-10")),
    ("several days before", ("2019", 2, "2019-01-27", "2019-02-02")),  # spans two months
    ("the next day", ("2019-02-04", 1, "2019-02-04", "2019-02-04")),
    ("the following day", ("2019-02-04", 1, "2019-02-04", "2019-02-04")),
    ("the day before", ("2019-02-02", 1, "2019-02-02", "2019-02-02")),
    ("two days later", ("2019-02-05", 1, "2019-02-05", "2019-02-05")),
    ("3 days earlier", ("2019-01-31", 1, "2019-01-31", "2019-01-31")),
    ("the same day", ("2019-02-03", 1, "2019-02-03", "2019-02-03")),
    ("hours later", ("2019-02-03", 1, "2019-02-03", "2019-02-03")),
    ("the same week", ("2019-W05", 2, "2019-01-28", "2019-02-03")),
    ("the following week", ("2019-W06", 2, "2019-02-04", "2019-02-10")),
    ("that month", ("2019-02", 3, "2019-02-01", "2019-02-28")),
    ("the following month", ("2019-03", 3, "2019-03-01", "2019-03-31")),
    ("a year later", ("2020", 3, "2020-01-01", "2020-12-31")),
])
def test_resolve_relative(text: str, expected: tuple) -> None:
    tv = resolve_relative(text, KILLING)
    assert (tv.value, tv.precision, tv.date_start, tv.date_end) == expected
    assert tv.anchor == "event"


def test_same_week_as_a_range_keeps_the_range() -> None:
    capture = TimeValue("2019-W06", 2, "2019-02-04", "2019-02-10", "event")
    tv = resolve_relative("The same week", capture)
    assert (tv.date_start, tv.date_end, tv.precision) == ("2019-02-04", "2019-02-10", 2)
    nxt = resolve_relative("the next day", capture)
    assert (nxt.date_start, nxt.date_end) == ("2019-02-05", "2019-02-11")


def test_resolve_relative_refuses_guesses() -> None:
    assert resolve_relative("later", KILLING) is None
    assert resolve_relative("Feb. 5", KILLING) is None  # a month-day is read against publication, not here
    assert resolve_relative("Feb. 5, 2019", KILLING).value == "2019-02-05"
    assert resolve_relative("the next day", TimeValue("2019", 3, "", "", None)) is None
    assert resolve_relative("x" * 500, KILLING) is None


# -- tagging with the real model --------------------------------------------------------------------------


def _tag(nlp, text: str, published: str | None):
    return tag_times(nlp(text), Article(id="t", text=text, published=published))


def test_seed_000_times(nlp, seeds_dir: Path) -> None:
    text = (seeds_dir / "000_1d81f38c2b56ac4f.txt").read_text(encoding="utf-8")
    got = {(t.text, t.value, t.precision, t.anchor) for t in _tag(nlp, text, "2019-04-15")}
    assert ("Sunday", "2019-04-14", 1, "published") in got
    assert ("Last week", "2019-W15", 2, "published") in got
    assert ("last year", "2018", 3, "published") in got
    assert ("2014", "2014", 3, None) in got and ("2017", "2017", 3, None) in got
    assert ("February 27, 2019", "2019-02-27", 1, None) in got
    undated = {(t.text, t.value, t.anchor) for t in _tag(nlp, text, None)}
    assert ("Sunday", None, "published") in undated and ("2014", "2014", None) in undated


def test_seed_003_times(nlp, seeds_dir: Path) -> None:
    text = (seeds_dir / "003_90859dd07eb196b6.txt").read_text(encoding="utf-8")
    times = _tag(nlp, text, "2019-03-18")
    for t in times:
        assert text[t.start : t.end] == t.text
    by_text = {t.text: t for t in times}
    assert by_text["Feb. 3"].value == "2019-02-03" and by_text["Feb. 3"].precision == 1
    assert by_text["3/18/19"].value == "2019-03-18" and by_text["3/18/19"].anchor is None  # spaCy: CARDINAL
    assert by_text["the summer of 2014"].date_start == "2014-06-01"
    few = by_text["A few days after"]
    assert few.value is None and few.anchor is None
    assert resolve_relative(few.text, KILLING).date_start == "2019-02-04"
    assert by_text["The same week"].value is None


def test_tag_times_takes_in_direction_words_only_after_lengths(nlp) -> None:
    text = "The talks collapsed on Tuesday after the vote. Two days later, rebels shelled the town."
    got = [(t.text, t.value, t.anchor) for t in _tag(nlp, text, "2019-04-15")]
    assert ("Tuesday", "2019-04-09", "published") in got
    assert ("Two days later", "2019-04-11", "text") in got  # against the date the text named just before


def test_year_earlier_takes_the_quarter_it_compares_with(nlp) -> None:
    text = ("Net income rose 12% in the third quarter from a year earlier, and sales climbed from a year ago. "
            "Analysts said the year-earlier quarter had been hurt by a strike. The company lost money last year.")
    got = {(t.text, t.value) for t in _tag(nlp, text, "1989-10-26")}
    assert {("the third quarter", "1989-Q3"), ("a year earlier", "1988-Q3"), ("a year ago", "1988-Q3"),
            ("the year-earlier quarter", "1988-Q3"), ("last year", "1988")} <= got


def test_event_relative_expression_without_a_date_before_it_stays_open(nlp) -> None:
    text = "Rebels took the town. Two days later, the army shelled it."
    assert [(t.text, t.value, t.anchor) for t in _tag(nlp, text, "2019-04-15")] == [("Two days later", None, None)]


def test_tag_times_drops_durations_and_ages(nlp) -> None:
    text = "The 19-year-old had fought for three days. Iran spends $1 billion a year. He was killed on Sunday."
    times = _tag(nlp, text, "2019-04-15")
    assert [(t.text, t.value) for t in times] == [("Sunday", "2019-04-14")]


@pytest.mark.parametrize("text", ["", "\u200b", "💥 on Sunday 💥", "Sunday " * 2000, "3/18/19/20/21",
                                  "ÀÉÎ Feb. 3 ß"])
def test_tag_times_tolerates_odd_input(nlp, text: str) -> None:
    for t in _tag(nlp, text, "2019-04-15"):
        assert text[t.start : t.end] == t.text


def test_normalize_speed() -> None:
    """Rules answer in microseconds; repeated spans come from the cache (see the module docstring)."""
    texts = ["last week", "on Sunday", "Feb. 3", "February 27, 2019", "in 2014", "yesterday", "3/18/19"]
    start = time.perf_counter()
    n = 0
    for day in range(300):
        published = dt.date(2018, 1, 1) + dt.timedelta(days=day)
        for text in texts:
            normalize(text, published)
            n += 1
    assert n / (time.perf_counter() - start) > 2000


# -- regressions from the TimeBank error analysis (synthetic phrases and sentences only) ------------------

OCT30 = dt.date(1989, 10, 30)  # a Monday


@pytest.mark.parametrize("text,published,direction,value", [
    # month-days: this year's when past or at most three months ahead; early next year within three months
    ("Nov. 6", OCT30, None, "1989-11-06"),
    ("Nov. 6", OCT30, "past", "1989-11-06"),  # "payable Nov. 6": the past tense does not push it back a year
    ("Jan. 2", OCT30, None, "1990-01-02"),
    ("Jan. 2", OCT30, "past", "1989-01-02"),
    ("June 1", OCT30, None, "1989-06-01"),
    ("June 1", OCT30, "future", "1990-06-01"),
    ("Dec. 30", dt.date(2019, 1, 3), None, "2018-12-30"),
    # months alone
    ("December", OCT30, None, "1989-12"),
    ("December", OCT30, "past", "1988-12"),
    ("January", OCT30, None, "1990-01"),
    ("May", MON, "past", "2018-05"),
    ("last April", OCT30, None, "1989-04"),
    ("last October", OCT30, None, "1988-10"),
    ("this September", dt.date(1998, 6, 26), None, "1998-09"),
    ("next March", OCT30, None, "1990-03"),
    ("June last year", dt.date(1998, 2, 19), None, "1997-06"),
    ("January this year", dt.date(1998, 2, 19), None, "1998-01"),
    # weekdays: the past unless the sentence looks ahead
    ("Monday", dt.date(1989, 11, 1), None, "1989-10-30"),
    ("Monday", dt.date(1989, 11, 1), "future", "1989-11-06"),
    ("this coming Sunday", dt.date(1998, 3, 5), None, "1998-03-08"),
    # seasons
    ("this summer", dt.date(1998, 3, 22), None, "1998-SU"),
    ("summer", dt.date(1998, 3, 22), None, "1997-SU"),
    ("summer", dt.date(1998, 3, 22), "future", "1998-SU"),
])
def test_years_of_dates_written_without_one(text, published, direction, value) -> None:
    assert normalize(text, published, direction=direction).value == value


@pytest.mark.parametrize("text,published,expected", [
    ("over the weekend", OCT30, ("1989-W43-WE", 2, "1989-10-28", "1989-10-29")),
    ("the weekend", dt.date(1989, 10, 28), ("1989-W43-WE", 2, "1989-10-28", "1989-10-29")),
    ("this weekend", OCT30, ("1989-W44-WE", 2, "1989-11-04", "1989-11-05")),
    ("last weekend", dt.date(1989, 10, 29), ("1989-W42-WE", 2, "1989-10-21", "1989-10-22")),
    ("early next year", OCT30, ("1990", 3, "1990-01-01", "1990-05-01")),
    ("late last year", OCT30, ("1988", 3, "1988-09-01", "1988-12-31")),
    ("late yesterday", OCT30, ("1989-10-29", 1, "1989-10-29", "1989-10-29")),
    ("early Tuesday", OCT30, ("1989-10-24", 1, "1989-10-24", "1989-10-24")),
    ("the end of the month", OCT30, ("1989-10", 3, "1989-10-21", "1989-10-31")),
    ("the end of 1990", OCT30, ("1990", 3, "1990-09-01", "1990-12-31")),
    ("year-end", OCT30, ("1989", 3, "1989-09-01", "1989-12-31")),
    ("the middle of October", OCT30, ("1989-10", 3, "1989-10-11", "1989-10-20")),
    ("Earlier Sunday", OCT30, ("1989-10-29", 1, "1989-10-29", "1989-10-29")),
    ("later this afternoon", OCT30, ("1989-10-30", 1, "1989-10-30", "1989-10-30")),
    ("nearly four years ago", OCT30, ("1985", 3, "1985-01-01", "1985-12-31")),
    ("a week or so ago", OCT30, ("1989-W43", 2, "1989-10-23", "1989-10-29")),
    ("last month's", OCT30, ("1989-09", 3, "1989-09-01", "1989-09-30")),
    ("fiscal 1989", OCT30, ("1989", 3, "1989-01-01", "1989-12-31")),
    ("the current year", OCT30, ("1989", 3, "1989-01-01", "1989-12-31")),
    ("next year's first quarter", OCT30, ("1990-Q1", 3, "1990-01-01", "1990-03-31")),
    ("the 1988 third quarter", OCT30, ("1988-Q3", 3, "1988-07-01", "1988-09-30")),
    ("nineteen ninety-six", OCT30, ("1996", 3, "1996-01-01", "1996-12-31")),
    ("January nineteen ninety-seven", OCT30, ("1997-01", 3, "1997-01-01", "1997-01-31")),
    ("the year two thousand", dt.date(1998, 2, 5), ("2000", 3, "2000-01-01", "2000-12-31")),
    ("March eighth", dt.date(1998, 3, 5), ("1998-03-08", 1, "1998-03-08", "1998-03-08")),
    ("the late 1970s", OCT30, ("197", 3, "1977-01-01", "1979-12-31")),
    ("the nineties", OCT30, ("199", 3, "1990-01-01", "1999-12-31")),
    ("the '80s", OCT30, ("198", 3, "1980-01-01", "1989-12-31")),
    ("the 20th century", OCT30, ("19", 3, "1900-01-01", "1999-12-31")),
])
def test_more_news_expressions(text, published, expected) -> None:
    tv = normalize(text, published)
    assert (tv.value, tv.precision, tv.date_start, tv.date_end) == expected


@pytest.mark.parametrize("text", ["later in the day", "the same day", "earlier that week", "that year"])
def test_event_relative_stays_unresolved(text: str) -> None:
    assert normalize(text, OCT30) is None


def test_tense_picks_the_coming_day(nlp) -> None:
    text = "The minister will visit Kabul on Monday. Rebels attacked the town on Monday."
    got = [(t.text, t.value) for t in _tag(nlp, text, "2019-04-17")]  # a Wednesday
    assert got == [("Monday", "2019-04-22"), ("Monday", "2019-04-15")]
    text = "Talks are scheduled for June 5. The election is due in December."
    got = {t.text: t.value for t in _tag(nlp, text, "2019-04-17")}
    assert got["June 5"] == "2019-06-05" and got["December"] == "2019-12"



def test_present_tense_weekday_is_the_coming_one(nlp) -> None:
    """News states a scheduled event in the present ("the envoys meet Monday"); a verb of saying in the present,
    a possessive weekday, or a base form in a sentence told in the past keeps the latest such day."""
    wed = "2019-04-17"
    cases = [
        ("The two envoys meet Monday with the mediator in the capital.", "2019-04-22"),
        ("The defence minister is visiting the border posts on Friday.", "2019-04-19"),
        ("The ministry says Monday that the convoy reached the camp.", "2019-04-15"),
        ("Monday's talks produced no agreement, the envoys say.", "2019-04-15"),
        ("Strikes hurt the market on Monday, residents said.", "2019-04-15"),
        ("Medics said 30 people were wounded in airstrikes on the old city on Monday.", "2019-04-15"),
    ]
    for text, value in cases:
        got = [t.value for t in _tag(nlp, text, wed) if "Monday" in t.text or "Friday" in t.text]
        assert got == [value], text

def test_dates_inside_longer_entities(nlp) -> None:
    text = ("The fund bought shares from Sept. 14 to Thursday. Net income for the year ended Sept. 30 rose. "
            "He sold stock between 1985 and 1987.")
    times = _tag(nlp, text, "1989-10-30")
    for t in times:
        assert text[t.start : t.end] == t.text
    got = {t.text: t.value for t in times}
    assert got.get("Sept. 14") == "1989-09-14" and got.get("Thursday") == "1989-10-26"
    assert got.get("Sept. 30") == "1989-09-30"
    assert got.get("1985") == "1985" and got.get("1987") == "1987"
    assert not any("ended" in t.text for t in times)


def test_possessives_and_bare_units(nlp) -> None:
    text = "Voters backed him in last month's vote and in this year's election."
    times = _tag(nlp, text, "2019-04-15")
    got = {t.text: t.value for t in times}
    assert got.get("last month") == "2019-03"
    assert got.get("this year") == "2019"
    for t in times:
        assert text[t.start : t.end] == t.text


def test_tag_times_speed(nlp) -> None:
    """Tagging adds little to spaCy: a 40-sentence article in well under 20 ms once normalisation is cached."""
    text = " ".join(["Rebels shelled the town on Sunday, three days after the talks of Feb. 3 failed."] * 40)
    doc = nlp(text)
    article = Article(id="t", text=text, published="2019-04-15")
    tag_times(doc, article)
    start = time.perf_counter()
    for _ in range(5):
        tag_times(doc, article)
    assert (time.perf_counter() - start) / 5 < 0.02


# -- vague references, lexical finds, datelines, ranges and reporting periods (sentences written for these tests)


def _tag_vague(nlp, text: str, published: str | None):
    return tag_times(nlp(text), Article(id="t", text=text, published=published), vague=True)


def test_vague_references_left_out_when_asked(nlp) -> None:
    """TimeML's REF values come back by default, without a precision or range; ``vague=False`` drops them."""
    text = ("The army now controls the town, which rebels recently seized. "
            "Talks may resume soon, but in the past such talks failed.")
    got = {t.text: t.value for t in _tag_vague(nlp, text, "2016-07-12")}
    assert got.get("now") == "PRESENT_REF" and got.get("recently") == "PAST_REF"
    assert got.get("soon") == "FUTURE_REF" and got.get("the past") == "PAST_REF"
    for t in _tag_vague(nlp, text, "2016-07-12"):
        if is_vague_value(t.value):
            assert t.precision is None and t.date_start is None and t.date_end is None
    calendar = tag_times(nlp(text), Article(id="t", text=text, published="2016-07-12"), vague=False)
    assert not any(is_vague_value(t.value) for t in calendar)


def test_vague_words_that_are_no_reference(nlp) -> None:
    """ "soon after" is relative to what follows; "the past century" is a length; a vague word inside a
    longer expression is part of it."""
    text = "The convoy was ambushed soon after it left. It was the worst attack of the past century."
    got = [t for t in _tag_vague(nlp, text, "2016-07-12") if is_vague_value(t.value)]
    assert got == []


@pytest.mark.parametrize("value,vague", [
    ("PRESENT_REF", True), ("PAST_REF", True), ("FUTURE_REF", True), ("1989-WXX", True), ("2016-07-05", False),
    ("2016-W27", False), ("2016-Q3", False), (None, False),
])
def test_is_vague_value(value: str | None, vague: bool) -> None:
    assert is_vague_value(value) is vague


def test_a_vague_word_never_dates_an_event() -> None:
    """The pipeline keeps "now" as a time mention (PRESENT_REF) but never dates the attack from it: the
    event keeps the date the coder gives an undated report, a calendar one."""
    import flashpoint

    result = flashpoint.extract("Police said the town is now calm after gunmen killed two soldiers in Kirkuk.",
                                published="2020-03-03")
    assert result.events
    assert any(t.value == "PRESENT_REF" and t.text == "now" for t in result.times)
    for e in result.events:
        assert e.date is None or not is_vague_value(e.date)
        assert e.date_start is None or e.date_start[:4].isdigit()


def test_overnight_and_last_night_found_in_text(nlp) -> None:
    text = "Gunmen attacked a checkpoint overnight. A car bomb exploded last night near the market."
    got = {t.text: (t.value, t.precision, t.date_start, t.date_end) for t in _tag(nlp, text, "2016-07-12")}
    assert got["overnight"] == ("2016-07-11", 2, "2016-07-11", "2016-07-12")
    assert got["last night"] == ("2016-07-11", 1, "2016-07-11", "2016-07-11")


def test_datelines_with_weekday_and_undotted_month(nlp) -> None:
    text = "ALEPPO, Tue 05 Jul 2016 (Reuters) - Rebels shelled the city.\n\nBEIRUT, 12 Jul 2016 - Two died."
    got = {t.text: (t.value, t.anchor) for t in _tag(nlp, text, "2016-07-13")}
    assert got["Tue 05 Jul 2016"] == ("2016-07-05", None)
    assert got["12 Jul 2016"] == ("2016-07-12", None)


@pytest.mark.parametrize("text,expected", [
    ("3 to 5 July", ("2016-07", 2, "2016-07-03", "2016-07-05", "published")),
    ("March 3-5", ("2016-W09", 2, "2016-03-03", "2016-03-05", "published")),
    ("28 to 30 June 2016", ("2016-W26", 2, "2016-06-28", "2016-06-30", None)),
    ("from 1 to 20 May", ("2016-05", 3, "2016-05-01", "2016-05-20", "published")),
])
def test_day_ranges(text: str, expected: tuple) -> None:
    assert _v(text, dt.date(2016, 7, 12)) == expected


def test_day_ranges_in_text(nlp) -> None:
    text = "The siege lasted from 3 to 5 July. The talks ran March 3-5 in Geneva."
    got = {t.text: (t.date_start, t.date_end) for t in _tag(nlp, text, "2016-07-12")}
    assert got.get("3 to 5 July") == ("2016-07-03", "2016-07-05")
    assert got.get("March 3-5") == ("2016-03-03", "2016-03-05")


def test_eve_of_a_date_and_of_an_event(nlp) -> None:
    """ "on the eve of May 1" is April 30; "on the eve of the election" names no date we can know here."""
    assert _v("on the eve of May 1", dt.date(2016, 7, 12)) == ("2016-04-30", 1, "2016-04-30", "2016-04-30",
                                                               "published")
    text = "Rebels attacked on the eve of May 1. Protesters gathered on the eve of the election."
    got = [(t.text, t.value) for t in _tag(nlp, text, "2016-07-12")]
    assert got == [("the eve of May 1", "2016-04-30")]


def test_deadline_preposition_looks_ahead(nlp) -> None:
    """ "must repay the loan by February" in an October paper: the coming February."""
    got = {t.text: t.value for t in _tag(nlp, "The government must repay the loan by February.", "2016-10-20")}
    assert got.get("February") == "2017-02"
    got = {t.text: t.value for t in _tag(nlp, "The siege lasted until February.", "2016-10-20")}
    assert got.get("February") == "2016-02"


def test_reporting_periods_follow_the_text(nlp) -> None:
    """ "the quarter" is the quarter the text named last; "the year-ago period" and "a year earlier" a year
    before it; "the latest quarter" with none named is the latest one ended by publication."""
    text = ("The firm earned $5 million in the third quarter. Costs rose during the quarter. "
            "In the year-ago period, it earned $3 million. Sales grew 4%. Taxes fell 2%. "
            "A year earlier, sales were flat.")
    got = {t.text: t.value for t in _tag(nlp, text, "2016-10-20")}
    assert got.get("the quarter") == "2016-Q3"
    assert got.get("the year-ago period") == "2015-Q3"
    assert got.get("A year earlier") == "2015-Q3"
    got = {t.text: t.value for t in _tag(nlp, "Losses widened in the latest quarter.", "2016-10-20")}
    assert got.get("the latest quarter") == "2016-Q3"


def test_year_ago_ordinal_quarter_and_fiscal_quarter(nlp) -> None:
    assert _v("the year-ago third quarter", dt.date(2016, 10, 20))[0] == "2015-Q3"
    assert _v("fiscal second-quarter", dt.date(2016, 10, 20))[0] == "2016-Q2"


def test_vocabulary_file_is_complete(tmp_path) -> None:
    from flashpoint.times.vocabulary import _load_vocabulary

    bad = tmp_path / "times.yaml"
    bad.write_text("vague: {}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing section"):
        _load_vocabulary(bad)


# -- names, generic uses, discourse words; quarters ended on a day; "the previous Friday" (sentences written
# for these tests)


def test_time_words_in_names_are_no_dates(nlp) -> None:
    """A programme's name ("VOA Today", ABC's "This Week") is no date; a quoted sentence opening with "Today"
    still is."""
    text = 'This is VOA Today. The minister spoke on ABC\'s "This Week," about the siege.'
    assert _tag_vague(nlp, text, "2016-10-20") == []
    got = {t.text: t.value for t in _tag(nlp, '"Today we fight," the commander said.', "2016-10-20")}
    assert got.get("Today") == "2016-10-20"


def test_generic_today_and_tomorrow_are_no_dates(nlp) -> None:
    text = ("The leaders of tomorrow met in Kabul. In today's world, wars are fought online. "
            "Many of today's fighters are young.")
    assert _tag_vague(nlp, text, "2016-10-20") == []
    got = {t.text: t.value for t in _tag(nlp, "Today's attack killed five.", "2016-10-20")}
    assert got.get("Today") == "2016-10-20"


def test_discourse_now_and_lengths_after_for(nlp) -> None:
    """ "Now," opening a sentence and "Now for ..." are discourse words; "for the foreseeable future" is a
    length. "now" inside a clause and "in the near future" stay vague references."""
    text = ("Now, the question is who will pay. Now for the weather. The country will stay neutral for the "
            "foreseeable future. Police now control the town. Talks may resume in the near future.")
    got = [(t.text, t.value) for t in _tag_vague(nlp, text, "2016-10-20")]
    assert got == [("now", "PRESENT_REF"), ("the near future", "FUTURE_REF")]


def test_last_month_name_just_past_is_a_year_back() -> None:
    """ "last February" in March: the month just past would be "last month", so it is the year before's;
    "last June" in October is this year's."""
    assert _v("last February", dt.date(2016, 3, 10))[0] == "2015-02"
    assert _v("last June", dt.date(2016, 10, 10))[0] == "2016-06"


def test_quarter_ended_on_a_day(nlp) -> None:
    """ "the quarter ended Sept. 30" is the calendar third quarter, and a later "the quarter" the same one;
    a quarter ending in another month is its three months."""
    text = "The firm earned $5 million for the quarter ended Sept. 30. During the quarter, it cut 200 jobs."
    got = [(t.text, t.value) for t in _tag(nlp, text, "2016-10-20")]
    assert got.count(("the quarter", "2016-Q3")) == 2
    got = {t.text: (t.date_start, t.date_end) for t in _tag(nlp, "Sales rose in the quarter ended July 31.",
                                                            "2016-10-20")}
    assert got.get("the quarter") == ("2016-05-01", "2016-07-31")


def test_quarter_a_year_ago_is_one_expression(nlp) -> None:
    text = "The firm earned $5 million in the third quarter. For the quarter a year ago, it lost $2 million."
    got = {t.text: t.value for t in _tag(nlp, text, "2016-10-20")}
    assert got.get("the quarter a year ago") == "2015-Q3" and "a year ago" not in got


def test_reporting_period_skips_quarters_to_come(nlp) -> None:
    """A quarter the outlook names ("the third quarter of 2017") is no period reported on: "the year-ago
    period" is a year before the last quarter ended, and "the latest quarter" that quarter too."""
    text = ("The firm earned $5 million in the third quarter. It expects a recovery by the third quarter of "
            "2017. In the year-ago period, it earned $3 million. Costs rose in the latest quarter.")
    got = {t.text: t.value for t in _tag(nlp, text, "2016-10-20")}
    assert got.get("the year-ago period") == "2015-Q3"
    assert got.get("the latest quarter") == "2016-Q3"


def test_previous_weekday_and_earlier_in_the_year(nlp) -> None:
    """ "the previous Friday" is the Friday before the day the text named; "earlier in the year" with no
    date before it is the publication year up to the day before."""
    text = "Rebels shelled the town on Friday. Shares fell 4% from the previous Friday."
    got = {t.text: t.value for t in _tag(nlp, text, "2016-10-24")}
    assert got.get("the previous Friday") == "2016-10-14"
    got = {t.text: (t.value, t.date_end) for t in _tag(nlp, "Rain delayed the harvest earlier in the year.",
                                                       "2016-10-20")}
    assert got.get("earlier in the year") == ("2016", "2016-10-19")
    friday = TimeValue("2016-10-21", 1, "2016-10-21", "2016-10-21", "published")
    assert resolve_relative("the following Monday", friday).value == "2016-10-24"
    assert resolve_relative("later in the month", friday).date_start == "2016-10-22"


def test_a_year_earlier_in_a_sentence_about_nine_months(nlp) -> None:
    """ "a year earlier" in a sentence about the first nine months compares with those months of last year,
    not with the quarter the previous sentence named; next to a quarter it is that quarter a year back."""
    text = ("The firm earned $5 million in the third quarter, up from $4 million a year earlier. "
            "For the first nine months, it earned $12 million, against $9 million a year earlier.")
    got = [(t.text, t.value) for t in _tag(nlp, text, "2016-10-20") if t.text == "a year earlier"]
    assert got == [("a year earlier", "2015-Q3"), ("a year earlier", "2015")]


# -- quarters and halves (sentences written for these tests)


@pytest.mark.parametrize("text,direction,value", [
    ("the third quarter", "future", "2019-Q3"),  # two quarters back in a sentence about the future: this year's
    ("the first quarter", "future", "2019-Q1"),  # the quarter just ended: results for it are still to come
    ("the third quarter", None, "2018-Q3"),
    ("the third quarter of next year", None, "2020-Q3"),
    ("this quarter", None, "2019-Q2"),
    ("next quarter", None, "2019-Q3"),
    ("the first half of 2017", None, "2017-H1"),
    ("the second half", None, "2018-H2"),
    ("the first two quarters of 2018", None, "2018-H1"),
])
def test_quarters_and_halves(text: str, direction: str | None, value: str) -> None:
    tv = normalize(text, MON, direction=direction)
    assert tv is not None and tv.value == value


def test_quarters_and_halves_found_in_text(nlp) -> None:
    text = ("The mining group expects output to recover in the third quarter of next year. Exports slowed in "
            "the first half of 2018, and the firm warned of a weak second quarter.")
    got = {t.text: t.value for t in _tag(nlp, text, "2019-10-30")}
    assert got["the third quarter of next year"] == "2020-Q3"
    assert got["the first half of 2018"] == "2018-H1" and got["second quarter"] == "2019-Q2"


def test_reporting_period_is_the_quarter_the_story_is_about(nlp) -> None:
    """A quarter named in passing does not take over "the year-earlier period": the story's quarter does."""
    text = ("The cement maker said third-quarter profit rose 12% from a year ago. After a weak second quarter, "
            "it credited higher prices. Results in the year-earlier period included a plant closure.")
    got = {t.text: t.value for t in _tag(nlp, text, "2019-10-30")}
    assert got["the year-earlier period"] == "2018-Q3"


def test_lengths_ahead_and_uncounted_ago(nlp) -> None:
    """ "in two weeks" in a sentence about the future and "two years from now" name the time they end in;
    "years ago" with no count and "the coming weeks" are vague references."""
    text = ("The governor said the new bridge will open in two weeks. A second one is planned two years from now. "
            "The old bridge collapsed years ago, and more repairs are expected in the coming weeks.")
    got = {t.text: t.value for t in _tag(nlp, text, "2019-04-17")}
    assert got["two weeks"] == "2019-W18" and got["two years from now"] == "2021"
    assert got["years ago"] == "PAST_REF" and got["the coming weeks"] == "FUTURE_REF"
    text = "The convoy was stopped for two weeks in a row."
    assert [t.text for t in _tag(nlp, text, "2019-04-17")] == []
