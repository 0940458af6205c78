"""Human dates -> ISO bounds, and EDTF -> words (rusino.dates, pure)."""

# ruff: noqa: RUF001  (the en dashes in expected output are the point)

from __future__ import annotations

import re
import sys

import pytest

from rusino.dates import display, parse_bound, parse_range
from rusino.errors import ExitCode, RusinoError


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2012", "2012-01-01", "2012-12-31"),
        ("2012-04", "2012-04-01", "2012-04-30"),
        ("2012-02", "2012-02-01", "2012-02-29"),
        ("2013-02", "2013-02-01", "2013-02-28"),
        ("2012-04-22", "2012-04-22", "2012-04-22"),
        ("April 2012", "2012-04-01", "2012-04-30"),
        ("Apr 2012", "2012-04-01", "2012-04-30"),
        ("apr 2012", "2012-04-01", "2012-04-30"),
        ("22 April 2012", "2012-04-22", "2012-04-22"),
        ("April 22, 2012", "2012-04-22", "2012-04-22"),
        ("December 2012", "2012-12-01", "2012-12-31"),
        ("  2012  ", "2012-01-01", "2012-12-31"),
        # seasons and quarters, word or EDTF, with the bounds the built database gives them
        ("spring 2013", "2013-03-01", "2013-05-31"),
        ("Summer 2012", "2012-06-01", "2012-08-31"),
        ("fall 2012", "2012-09-01", "2012-11-30"),
        ("2012-23", "2012-09-01", "2012-11-30"),
        ("2012-24", "2012-12-01", "2013-02-28"),  # a winter runs into the next year
        ("2012-Q2", "2012-04-01", "2012-06-30"),
        ("Q4 2012", "2012-10-01", "2012-12-31"),
        ("2012 Q2", "2012-04-01", "2012-06-30"),  # had been refused
        # ranges as the tables write them (they could not be given back), or with a hyphen
        ("2012\u20132013", "2012-01-01", "2013-12-31"),
        ("2012-2013", "2012-01-01", "2013-12-31"),
        ("Oct\u2013Dec 2012", "2012-10-01", "2012-12-31"),
        ("22-27 April 2012", "2012-04-22", "2012-04-27"),  # had been "times are not supported"
        ("April 22-27, 2012", "2012-04-22", "2012-04-27"),
        ("2000 \u2013 spring 2016", "2000-01-01", "2016-05-31"),
        ("Sep 2010? \u2013 Dec 2013", "2010-09-01", "2013-12-31"),
        ("April 22 - May 3, 2012", "2012-04-22", "2012-05-03"),
        ("2012 to 2014", "2012-01-01", "2014-12-31"),
        ("~May 2012", "2012-05-01", "2012-05-31"),
        ("Q2-2012", "2012-04-01", "2012-06-30"),
        ("2012q2", "2012-04-01", "2012-06-30"),
        ("2012 winter", "2012-12-01", "2013-02-28"),
        ("summer-2013", "2013-06-01", "2013-08-31"),
        ("2012-33", "2012-01-01", "2012-03-31"),
        ("2012-38", "2012-05-01", "2012-08-31"),
        ("2012-40", "2012-01-01", "2012-06-30"),
        # EDTF qualifiers leave the bounds; an interval's ends give them
        ("2012~", "2012-01-01", "2012-12-31"),
        ("2012-04?", "2012-04-01", "2012-04-30"),
        ("2012-04/2012-06", "2012-04-01", "2012-06-30"),
        ("2012-04~/2013?", "2012-04-01", "2013-12-31"),
        ("2012-21/2012-22", "2012-03-01", "2012-08-31"),
        # seasons and quarters in words, as add --date takes them (had been unreadable)
        ("spring 2012/summer 2012", "2012-03-01", "2012-08-31"),
        ("Q4 2012/Q1 2013", "2012-10-01", "2013-03-31"),
        ("22/04/2012", "2012-04-22", "2012-04-22"),  # not an interval: a day, read by dateutil
        # a hyphen beside a month's name, as people type an en dash (had been unreadable)
        ("Oct-Dec 2012", "2012-10-01", "2012-12-31"),
        ("Apr 2012-May 2012", "2012-04-01", "2012-05-31"),
        ("22 Apr-3 May 2012", "2012-04-22", "2012-05-03"),
        ("Sept.-Dec. 2012", "2012-09-01", "2012-12-31"),
        ("spring-summer 2012", "2012-03-01", "2012-08-31"),
    ],
)
def test_parse_bound_whole_year_and_month(text: str, start: str, end: str) -> None:
    assert parse_bound(text, end=False) == start
    assert parse_bound(text, end=True) == end


@pytest.mark.parametrize(
    "text",
    ["2012-13", "2012-00", "garbage", "April", "22 April", "",
     # a sign or a stop that dateutil would silently drop, and vague words
     "-2012", "--2012", "2012.", "2012,", "early 2012", "2012-42", "spring",
     # every part of an interval is read: a third part, a bad end
     "2012-04/2012-06/garbage", "2012-04/2012-13"],
)  # fmt: skip
def test_parse_bound_rejects_with_what_is_accepted(text: str) -> None:
    with pytest.raises(RusinoError) as info:
        parse_bound(text)
    assert info.value.code == ExitCode.USAGE
    assert "2012-04" in info.value.hint  # says what is accepted


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("2012-02-30", "February 2012 has 29 days"),  # a day past its month's end, named
        ("2013-02-29", "February 2013 has 28 days"),
        ("29 Feb 2013", "a day past its month's end"),
        ("2012-04/2012-03", "give its start first"),  # an end before the start
        ("2013-2012", "give its start first"),
    ],
)
def test_parse_bound_says_why_a_date_is_none(text: str, hint: str) -> None:
    with pytest.raises(RusinoError) as info:
        parse_bound(text)
    assert info.value.hint == hint


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("04/05/2012", "4 May or 5 Apr?"),
        ("04.05.2012", "4 May or 5 Apr?"),
        ("05/13/2012", "13 is no month, and numeric dates are read day first"),
        ("1 2012", "cannot read the date '1 2012'"),
        ("2012 4", "cannot read the date '2012 4'"),
        ("13/13/2012", "13 is no month"),
        ("04/2012/2012", "cannot read the date '04/2012/2012'"),
    ],
)
def test_numeric_dates_with_two_readings_are_refused(text: str, message: str) -> None:
    with pytest.raises(RusinoError, match=re.escape(message)) as info:
        parse_bound(text)
    assert info.value.code == ExitCode.USAGE and "2012-" in info.value.hint


@pytest.mark.parametrize(
    ("text", "bound"),
    [("22/04/2012", "2012-04-22"), ("04/04/2012", "2012-04-04"), ("2012/04/22", "2012-04-22"),
     ("04/2012", "2012-04-01"), ("May 4 2012", "2012-05-04"),
     # year first is ISO's order, never day first: 2012/05/03 was read as 5 March
     ("2012/05/03", "2012-05-03"), ("2012.5.3", "2012-05-03"), ("2012/04", "2012-04-01")],
)  # fmt: skip
def test_numeric_dates_with_one_reading_are_read(text: str, bound: str) -> None:
    assert parse_bound(text) == bound


def test_the_winter_of_9999_has_no_end() -> None:
    """It ends in February 10000: a ValueError from datetime was an internal error."""
    assert parse_bound("9999-24") == "9999-12-01"
    with pytest.raises(RusinoError) as info:
        parse_bound("winter 9999", end=True)
    assert "past any date" in info.value.message and info.value.code == ExitCode.USAGE


def test_an_open_end_bounds_nothing() -> None:
    assert parse_bound("../2013", end=True) == "2013-12-31"
    assert parse_bound("2012/..", end=False) == "2012-01-01"
    for text, end in (("../2013", False), ("2012/..", True), ("2012/", True), ("/2012", False)):
        with pytest.raises(RusinoError, match=r"has an open (start|end), so it bounds nothing"):
            parse_bound(text, end=end)


def test_plain_iso_does_not_import_dateutil() -> None:
    sys.modules.pop("dateutil.parser", None)
    parse_bound("2012-04")
    assert "dateutil.parser" not in sys.modules


def test_parse_range() -> None:
    assert parse_range("2012", "2012-04") == ("2012-01-01", "2012-04-30")
    assert parse_range(None, "2012") == (None, "2012-12-31")
    assert parse_range("2012-05", "2012") == ("2012-05-01", "2012-12-31")
    with pytest.raises(RusinoError, match="--from 2013 is after --to 2012") as info:
        parse_range("2013", "2012")
    assert info.value.code == ExitCode.USAGE
    with pytest.raises(RusinoError) as info:  # a hint that can be pasted into a shell
        parse_range("2012-06", "spring 2012")
    assert info.value.hint == "swap them: --from 'spring 2012' --to 2012-06"


@pytest.mark.parametrize(
    ("edtf", "words"),
    [
        ("2012-04-22/2012-04-27", "22–27 Apr 2012"),
        ("2012-04-22", "22 Apr 2012"),
        ("2012-04", "Apr 2012"),
        ("2012-21", "spring 2012"),
        ("2012-22", "summer 2012"),
        ("2012-30", "southern summer 2012"),
        ("2012-33", "Q1 2012"),
        ("2012-38", "May–Aug 2012"),
        ("2012-41", "second half 2012"),
        ("2012-23", "autumn 2012"),
        ("2012-24", "winter 2012"),
        ("2012", "2012"),
        ("2016-03~", "~Mar 2016"),
        ("2012?", "2012?"),
        ("2012%", "~2012?"),
        ("2008/2013-12", "2008 – Dec 2013"),
        ("2008/2013", "2008–2013"),
        ("2012-04/2012-05", "Apr–May 2012"),
        ("2012-12/2013-01", "Dec 2012 – Jan 2013"),
        ("2012-04-28/2012-05-03", "28 Apr – 3 May 2012"),
        ("2012-12-28/2013-01-03", "28 Dec 2012 – 3 Jan 2013"),
        ("2012-04-22/2012-05", "22 Apr – May 2012"),
        ("2012-21/2012-22", "spring–summer 2012"),
        ("2012-02/2012-03-01", "Feb – 1 Mar 2012"),  # each end at its own precision
        ("2000/2016-21", "2000 – spring 2016"),
        ("2010-09?/2010-10-08", "Sep 2010? – 8 Oct 2010"),
        ("2012~/2013?", "~2012 – 2013?"),  # each qualifier with its own end, apart
        ("2012-XX", "2012"),  # an unspecified month or day says no more than the rest
        ("2012-04-XX", "Apr 2012"),
        ("2012/..", "since 2012"),
        ("../2012-04", "until Apr 2012"),
        ("2012/", "2012–?"),
        ("/2012", "?–2012"),
        ("201X", "2010s"),
        ("2012-04~/2013", "~Apr 2012 – 2013"),
        ("not a date", "not a date"),
        ("2012-13", "2012-13"),
        # sets (EDTF level 2): one of them, or all of them
        ("[2012,2013]", "2012 or 2013"),
        ("{2012,2013}", "2012 and 2013"),
        ("[2012-04,2013-05-06]", "Apr 2012 or 6 May 2013"),
        ("[..2012]", "2012 or earlier"),
        ("[2012..2014,2016]", "one of 2012–2014, 2016"),
        ("[]", "[]"),
        # qualified part by part: a part's qualifier is also the parts' before it
        ("2012?-04", "Apr 2012 (year uncertain)"),
        ("2012-04?-22", "22 Apr 2012 (year and month uncertain)"),
        ("2012%-04", "Apr 2012 (year approximate and uncertain)"),
        ("2012?-04~", "Apr 2012 (year uncertain; year and month approximate)"),
        # one before a part is that part's alone (it had been the whole date's, or raw)
        ("?2012-04-22", "22 Apr 2012 (year uncertain)"),
        ("2012-~04-22", "22 Apr 2012 (month approximate)"),
        (
            "?2012-~04-%22",
            "22 Apr 2012 (year uncertain; month approximate; day approximate and uncertain)",
        ),
        # an end of a range qualified part by part, in its own words (it was shown raw)
        ("2012?-04/2012-06", "Apr 2012 (year uncertain) – Jun 2012"),
        ("?2012-04-22/2013", "22 Apr 2012 (year uncertain) – 2013"),
        # a one-of set's range is one of its years, not all; a member twice is once
        ("[2012..2014]", "one of 2012–2014"),
        ("{2012,2012}", "2012"),
    ],
)
def test_display(edtf: str, words: str) -> None:
    assert display(edtf) == words


def test_mixed_separators_are_refused_not_guessed() -> None:
    """`--from 2012-04/06` had been read as 6 April 2012 (year, month, day with any of / . -)
    where April to June was likely meant."""
    with pytest.raises(RusinoError, match="cannot read the date '2012-04/06'") as info:
        parse_bound("2012-04/06")
    assert info.value.hint == "an interval gives both ends whole: 2012-04/2012-06"
    for text in ("2012.04-06", "22/04-2012"):
        with pytest.raises(RusinoError, match="cannot read"):
            parse_bound(text)
