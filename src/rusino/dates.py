"""Dates, both ways, as pure functions.

* Human dates -> ISO bounds (``--from`` / ``--to``): ``2012``, ``2012-04``, ``2012-04-22``,
  ``April 2012``, ``Apr 2012``, ``22 April 2012``. A year or a month means the whole of it, so the
  lower bound of ``2012-04`` is 2012-04-01 and its upper bound 2012-04-30. Plain ISO is parsed here
  with a regex; anything else goes to python-dateutil (imported only then), parsed twice against two
  sentinel defaults that differ in every field, so a field that comes back different was not given
  by the user (the trick jrnl uses to tell "2012" from "1 January 2012").
* EDTF -> words at the date's own precision, without the ``edtf`` package (it is only needed to
  build the database): ``2012-04-22/2012-04-27`` -> "22-27 Apr 2012", ``2012-22`` -> "summer 2012",
  ``2016-03~`` -> "~Mar 2016", ``2012?`` -> "2012?".

  Rule for intervals: each end is shown at its own precision, and a part the ends share is
  written once: ``2012-04/2012-05`` -> "Apr-May 2012", ``2012-04-28/2012-05-03`` -> "28 Apr -
  3 May 2012", ``2012-12-28/2013-01-03`` -> "28 Dec 2012 - 3 Jan 2013", ``2008/2013-12`` ->
  "2008 - Dec 2013", ``2012-02/2012-03-01`` -> "Feb - 1 Mar 2012". Open ends: ``2012/..`` ->
  "since 2012", ``../2012`` -> "until 2012"; unknown ends: ``2012/`` -> "2012-?", ``/2012`` ->
  "?-2012". Anything outside this subset is shown as the raw EDTF string rather than guessed
  at. (The dashes printed are en dashes.)
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import re
import shlex
from typing import Literal

from rusino.errors import ExitCode, RusinoError

ACCEPTED = (
    "use a year (2012), a month (2012-04, April 2012, Apr 2012), a day (2012-04-22, "
    "22 April 2012), a season or quarter (spring 2012, 2012-21, 2012-Q2), a range (2012-2013, "
    "22-27 April 2012) or EDTF (2012~, 2012-04/2012-06)"
)
DASH = "\u2013"  # en dash, between the ends of a range

_ISO = re.compile(r"^([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?$")  # ASCII digits only
# EDTF's sub-year groupings (21-41: seasons, northern and southern seasons, quarters, thirds,
# halves) as (first month, last month), the bounds a built database gives them, so that a filter
# and a stored date agree; a winter runs from December to February of the next year (14)
_SEASON_MONTHS = {
    21: (3, 5), 22: (6, 8), 23: (9, 11), 24: (12, 14),
    25: (3, 5), 26: (6, 8), 27: (9, 11), 28: (12, 14),
    29: (9, 11), 30: (12, 14), 31: (3, 5), 32: (6, 8),
    33: (1, 3), 34: (4, 6), 35: (7, 9), 36: (10, 12),
    37: (1, 4), 38: (5, 8), 39: (9, 12), 40: (1, 6), 41: (7, 12),
}  # fmt: skip
_SEASON_WORDS = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}
_SEASONS = "|".join(_SEASON_WORDS)
# spring 2012, Q2 2012, Q2-2012; 2012-Q2, 2012Q2, 2012 Q2, 2012 spring, 2012-spring
_SEASON = re.compile(
    rf"^(?:(?P<w1>{_SEASONS}|q[1-4])[\s-]+(?P<y1>\d{{4}})"
    rf"|(?P<y2>\d{{4}})(?:[\s-]?(?P<w2>q[1-4])|[\s-]+(?P<w3>{_SEASONS})))$",
    re.I,
)
_EDTF_END = re.compile(r"^(?:|\.\.|\d{4}[^/]*)$")  # one side of an EDTF interval


def _check_day(text: str, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise RusinoError(
            f"no such date: {text!r}", past_month(year, month, day) or ACCEPTED
        ) from None


def past_month(year: int, month: int, day: int) -> str:
    """Why a day past its month's end is none ("February 2013 has 28 days"), else ''."""
    if 1 <= month <= 12 and day > (days := calendar.monthrange(year, month)[1]):
        return f"{calendar.month_name[month]} {year} has {days} days"
    return ""


def _bound(year: int, month: int | None, day: int | None, end: bool) -> str:
    if month is not None and month > 12:  # a winter's February, in the next year
        year, month = year + 1, month - 12
        if year > dt.MAXYEAR:
            raise RusinoError("the winter of 9999 ends in the year 10000, past any date", ACCEPTED)
    if month is None:
        month = 12 if end else 1
    if day is None:
        day = calendar.monthrange(year, month)[1] if end else 1
    return dt.date(year, month, day).isoformat()


def parse_bound(text: str, *, end: bool = False) -> str:
    """The ISO lower bound (``end=False``) or upper bound (``end=True``) of a human or EDTF date.

    EDTF's qualifiers (``?``, ``~``, ``%``) leave a date's bounds as they are; an interval
    ``A/B`` gives the lower bound of A or the upper bound of B, and an open or unknown end
    (``..``, empty) is refused, as it bounds nothing."""
    s = " ".join(text.split()).rstrip("?~%").lstrip("~")  # ~2012, as the tables write it
    ends = interval_ends(s) or human_range(s)
    if ends is not None:  # both ends read, so that nothing in the date goes unread
        left, right = ends
        start = None if left in ("", "..") else parse_bound(left)
        finish = None if right in ("", "..") else parse_bound(right, end=True)
        bound = finish if end else start
        if bound is None:
            which = "end" if end else "start"
            raise RusinoError(
                f"the date {text!r} has an open {which}, so it bounds nothing",
                f"give a definite date, or leave the option out; {ACCEPTED}",
            )
        if start is not None and finish is not None and start > finish:
            raise RusinoError(f"the date {text!r} ends before it starts", "give its start first")
        return bound
    if not s[:1].isalnum() or not s[-1:].isalnum():
        # `-2012`, `2012.`: dateutil would drop the sign or the stop and read 2012
        raise RusinoError(f"cannot read the date {text!r}", ACCEPTED)
    season = season_edtf(s)
    if season is not None:
        year, code = int(season[:4]), int(season[5:])
        return _bound(year, _SEASON_MONTHS[code][end], None, end)
    m = _ISO.match(s)
    if m:
        year = int(m.group(1))
        month = int(m.group(2)) if m.group(2) else None
        day = int(m.group(3)) if m.group(3) else None
        if month in _SEASON_MONTHS and day is None:
            return _bound(year, _SEASON_MONTHS[month][end], None, end)
        if month is not None and not 1 <= month <= 12:
            raise RusinoError(f"no such month in {text!r}: {month}", ACCEPTED)
        if day is not None:
            _check_day(text, year, month or 1, day)
        if year < 1:
            raise RusinoError(f"no such year: {text!r}", ACCEPTED)
        return _bound(year, month, day, end)
    year_, month_, day_ = _parse_words(text, s)
    return _bound(year_, month_, day_, end)


def interval_ends(text: str) -> tuple[str, str] | None:
    """The two ends of an EDTF interval (``2012-04/2012-06``, ``../2013``) or of seasons or
    quarters in words (``spring 2012/summer 2012``), else None: a ``22/04/2012`` is a day."""
    left, slash, right = text.partition("/")
    if slash and _EDTF_END.match(left) and _EDTF_END.match(right):
        return left, right
    if slash and season_edtf(left) and season_edtf(right):  # spring 2012/summer 2012
        return left.strip(), right.strip()
    return None


# a range as the tables write it (with an en or em dash), or as people do: 2012-2013,
# Oct - Dec 2012, 22-27 April 2012, April 22-27, 2012, 2000 - spring 2016, 2012 to 2014
_RANGE_SEP = re.compile(r"\s*[\u2013\u2014]\s*|\s+-\s+|\s+to\s+", re.I)
_YEARS = re.compile(r"(\d{4})-(\d{4})")
_DAYS_FIRST = re.compile(r"(\d{1,2})-(\d{1,2})\s+([^\W\d_]+\.?,?\s+\d{4})")  # 22-27 April 2012
_WORD_DASH = re.compile(r"(?<=[^\W\d_.])\.?-(?=[\w])|(?<=\d)-(?=[^\W\d_])")
_MONTH_FIRST = re.compile(r"([^\W\d_]+\.?)\s+(\d{1,2})-(\d{1,2}),?\s+(\d{4})")  # April 22-27, 2012


def human_range(text: str) -> tuple[str, str] | None:
    """The two ends of a range written in words or with a dash (``22-27 Apr 2012``: ``22 Apr
    2012`` and ``27 Apr 2012``), the first end taking what it leaves out from the second; else
    None."""
    s = " ".join(text.split())
    if m := _YEARS.fullmatch(s):
        return m[1], m[2]
    if m := _DAYS_FIRST.fullmatch(s):
        return f"{m[1]} {m[3]}", f"{m[2]} {m[3]}"
    if m := _MONTH_FIRST.fullmatch(s):
        return f"{m[1]} {m[2]}, {m[4]}", f"{m[1]} {m[3]}, {m[4]}"
    parts = _RANGE_SEP.split(s)
    if len(parts) == 1:  # Oct-Dec 2012, Apr 2012-May 2012: a hyphen beside a month's name
        parts = _WORD_DASH.split(s)
        if len(parts) != 2 or not all(re.search(r"[^\W\d_]", p) for p in parts):
            return None
        if not re.search(r"\d{4}", parts[1]):  # (2012-Q2 is a quarter, Q2-2012 too)
            return None
    if len(parts) != 2 or not all(parts):
        return None
    left, right = (p.strip() for p in parts)
    year = re.search(r"\d{4}", right)
    core = left.rstrip("?~%")
    if year and not re.search(r"\d{4}", core):  # Oct - Dec 2012, 22 - 27 Apr 2012
        # what the left end leaves out: the year (Oct, 22 Apr), or the month and year (22);
        # its qualifier kept after them (Apr? - Jun 2012 is Apr 2012?)
        has_word = re.search(r"[^\W\d_]", core)
        tail = right[year.start() :] if has_word else re.sub(r"^\d{1,2}\s+", "", right)
        left = f"{core} {tail}{left[len(core) :]}"
    return left, right


def season_edtf(text: str) -> str | None:
    """``spring 2013``, ``2012-Q2``, ``Q4 2012`` as EDTF (``2013-21``, ``2012-34``,
    ``2012-36``); None for anything else."""
    m = _SEASON.match(" ".join(text.split()))
    if m is None:
        return None
    word = (m["w1"] or m["w2"] or m["w3"]).lower()
    code = _SEASON_WORDS.get(word) or 32 + int(word[1])
    return f"{m['y1'] or m['y2']}-{code}"


def _parse_words(text: str, s: str) -> tuple[int, int | None, int | None]:
    if re.fullmatch(r"[\dX]{4}(-[\dX]{2}){0,2}", s) and "X" in s:  # EDTF's unspecified digits
        known = "-".join(itertools.takewhile(lambda part: "X" not in part, s.split("-")))
        lo, hi = (known, known) if known else (s[:4].replace("X", "0"), s[:4].replace("X", "9"))
        raise RusinoError(
            f"the date {text!r} has unspecified digits (X), so it bounds nothing",
            f"give what it spans: --from {lo} --to {hi}" if lo != hi else f"give {lo}",
        )
    if not s or not re.search(r"\d{4}", s):
        raise RusinoError(f"cannot read the date {text!r}: it needs a four-digit year", ACCEPTED)
    if not re.search(r"[^\W\d_]", s):
        return _numbers_only(text, s)  # no word: read here, never guessed by dateutil
    from dateutil import parser  # only for dates with a month's name

    # Two sentinels that differ in every field; both months have 31 days and both years are leap
    # years, so no user-given day or month is rejected because of the sentinel.
    a = dt.datetime(2000, 1, 1)
    b = dt.datetime(2004, 3, 2)
    try:
        pa = parser.parse(s, default=a, dayfirst=True)
        pb = parser.parse(s, default=b, dayfirst=True)
    except (ValueError, OverflowError, TypeError) as exc:
        if "out of range for month" in str(exc):  # 29 Feb 2013
            raise RusinoError(f"no such date: {text!r}", "a day past its month's end") from None
        raise RusinoError(f"cannot read the date {text!r}", ACCEPTED) from None
    if (pa.hour, pa.minute, pa.second, pa.microsecond) != (0, 0, 0, 0) or pa.tzinfo is not None:
        raise RusinoError(f"cannot read the date {text!r}: times are not supported", ACCEPTED)
    if pa.year != pb.year:
        raise RusinoError(f"cannot read the date {text!r}: it has no year", ACCEPTED)
    month = pa.month if pa.month == pb.month else None
    day = pa.day if pa.day == pb.day else None
    if day is not None and month is None:
        raise RusinoError(f"cannot read the date {text!r}: a day needs a month", ACCEPTED)
    return pa.year, month, day


def _numbers_only(text: str, s: str) -> tuple[int, int | None, int | None]:
    """A date of numbers only, read where it has one reading: year first (2012/04/22,
    2012.4.22, 2012/04), day first (22/04/2012, as Europe writes it) or month and year
    (04/2012). 04/05/2012 (4 May or 5 April?) and 05/13/2012 (month first) are refused with
    their readings, "1 2012" as unreadable: never guessed."""
    parts = re.fullmatch(r"(\d+)([/.\-])(\d+)(?:\2(\d+))?", s)  # one separator throughout
    if parts is None:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})/(\d{1,2})", s):  # 2012-04/06: April to June?
            raise RusinoError(
                f"cannot read the date {text!r}",
                f"an interval gives both ends whole: {m[1]}-{m[2]}/{m[1]}-{m[3]}",
            )
        raise RusinoError(f"cannot read the date {text!r}", ACCEPTED)
    groups = [parts[1], parts[3], parts[4]]
    numbers = [int(n) for n in groups if n is not None]
    widths = [len(n) for n in groups if n is not None]
    if widths[0] == 4 and all(w <= 2 for w in widths[1:]):  # year first, as ISO
        year, month, day = numbers[0], numbers[1], (numbers[2] if len(numbers) == 3 else None)
    elif widths[-1] == 4 and all(w <= 2 for w in widths[:-1]):  # the year last
        year = numbers[-1]
        if len(numbers) == 2:
            month, day = numbers[0], None
        else:
            day, month = numbers[0], numbers[1]
            if 1 <= day <= 12 and 1 <= month <= 12 and day != month:
                raise RusinoError(
                    f"cannot read the date {text!r}: {day} {_MONTHS[month]} or "
                    f"{month} {_MONTHS[day]}?",
                    f"write it as ISO ({year}-{month:02d}-{day:02d} or "
                    f"{year}-{day:02d}-{month:02d}) or with the month's name",
                )
            if month > 12 and 1 <= day <= 12 and month <= 31:
                raise RusinoError(
                    f"cannot read the date {text!r}: {month} is no month, and numeric dates are "
                    "read day first (22/04/2012)",
                    f"write it as ISO ({year}-{day:02d}-{month:02d}) or with the month's name",
                )
    else:
        raise RusinoError(f"cannot read the date {text!r}", ACCEPTED)
    if not 1 <= month <= 12:
        raise RusinoError(f"cannot read the date {text!r}: {month} is no month", ACCEPTED)
    if day is not None:
        _check_day(text, year, month, day)
    return year, month, day


_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def parse_range(
    start: str | None, end: str | None, *, start_opt: str = "--from", end_opt: str = "--to"
) -> tuple[str | None, str | None]:
    """ISO bounds of ``--from`` / ``--to``: the start of the first and the end of the second."""
    lo = parse_bound(start, end=False) if start else None
    hi = parse_bound(end, end=True) if end else None
    if lo is not None and hi is not None and lo > hi:
        raise RusinoError(
            f"{start_opt} {start} is after {end_opt} {end}",
            f"swap them: {start_opt} {shlex.quote(end or '')} {end_opt} {shlex.quote(start or '')}",
            ExitCode.USAGE,
        )
    return lo, hi


# ---------------------------------------------------------------------------------------------
# EDTF -> words

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_FOUR = ("spring", "summer", "autumn", "winter")
SEASONS = {
    **{21 + i: name for i, name in enumerate(_FOUR)},
    **{25 + i: f"northern {name}" for i, name in enumerate(_FOUR)},
    **{29 + i: f"southern {name}" for i, name in enumerate(_FOUR)},
    **{33 + i: f"Q{i + 1}" for i in range(4)},
    37: "Jan\u2013Apr", 38: "May\u2013Aug", 39: "Sep\u2013Dec",
    40: "first half", 41: "second half",
}  # fmt: skip
Precision = Literal["day", "month", "season", "year", "decade"]
_RANK: dict[str, int] = {"day": 0, "month": 1, "season": 2, "year": 3, "decade": 4}

_POINT = re.compile(
    r"^(?P<pre>[~?%]?)(?P<year>\d{4}|\d{3}[Xu]|\d{2}[Xu]{2})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?"
    r"(?P<q>[~?%]?)$"
)


class _Point:
    __slots__ = ("day", "decade", "month", "precision", "qual", "season", "year")

    def __init__(self, m: re.Match[str]) -> None:
        y = m.group("year")
        self.decade = y[2:] if "X" in y or "u" in y else ""
        self.year = int(y.replace("X", "0").replace("u", "0"))
        month = int(m.group("month")) if m.group("month") else None
        self.day = int(m.group("day")) if m.group("day") else None
        self.season: str | None = None
        self.month: int | None = None
        if month is not None and month in SEASONS:
            if self.day is not None:
                raise ValueError("a season has no day")
            self.season = SEASONS[month]
        elif month is not None:
            if not 1 <= month <= 12:
                raise ValueError("bad month")
            self.month = month
        if self.decade and month is not None:
            raise ValueError("unspecified digits with a month")
        if self.day is not None:
            dt.date(self.year, self.month or 1, self.day)
        q = (m.group("pre") or "") + (m.group("q") or "")
        self.qual = "%" if "%" in q or ("~" in q and "?" in q) else q[:1]
        self.precision: Precision = (
            "decade"
            if self.decade
            else "day"
            if self.day is not None
            else "season"
            if self.season
            else "month"
            if self.month is not None
            else "year"
        )

    def year_text(self) -> str:
        if self.decade:
            return f"{self.year}s"
        return str(self.year)

    def words(self, precision: Precision, *, year: bool = True, month: bool = True) -> str:
        """This point at ``precision`` (never finer than its own), leaving out year/month."""
        parts: list[str] = []
        if precision == "day" and self.day is not None:
            parts.append(str(self.day))
        if precision in ("day", "month") and self.month is not None and month:
            parts.append(MONTHS[self.month - 1])
        if precision == "season" and self.season:
            parts.append(self.season)
        if year:
            parts.append(self.year_text())
        return " ".join(parts)


def _qualify(text: str, qual: str) -> str:
    if qual == "~":
        return "~" + text
    if qual == "?":
        return text + "?"
    if qual == "%":
        return "~" + text + "?"
    return text


def _point(text: str) -> _Point:
    # an unspecified month or day (2012-XX, 2012-04-XX) says no more than the part before it
    text = re.sub(r"^([~?%]?\d{4}(?:-\d{2})?)(?:-XX)+(?=[~?%]?$)", r"\1", text)
    m = _POINT.match(text)
    if not m:
        raise ValueError(text)
    return _Point(m)


def point_precision(edtf: str) -> Precision | None:
    """The precision of one EDTF date (an end of an interval): day, month, season, year or
    decade; None for one this module does not word."""
    try:
        return _point(re.sub(r"[~?%]", "", edtf)).precision
    except (ValueError, IndexError):
        return None


def _set_words(edtf: str) -> str:
    """[2012,2013] is "2012 or 2013" (one of them), {2012,2013} "2012 and 2013" (all)."""
    m = _SET.match(edtf)
    if not m:
        raise ValueError(edtf)
    one = m["one"] is not None
    members = list(dict.fromkeys(x.strip() for x in (m["one"] if one else m["all"]).split(",")))
    words = []
    for member in members:
        first, dots, last = member.partition("..")
        if not dots:
            words.append(_display(member))
        elif first and last:
            words.append(_display(f"{first}/{last}"))
        elif first or last:
            words.append(f"{_display(first or last)} or {'later' if first else 'earlier'}")
        else:
            raise ValueError(edtf)
    spans = [m for m in members if all(m.partition(".."))]  # 2012..2014, not ..2012
    if one and spans:
        return "one of " + ", ".join(words)  # [2012..2014]: one year of them, not all
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + (" or " if one else " and ") + words[-1]


def _part_qualified(edtf: str) -> re.Match[str] | None:
    """The parts of a date qualified otherwise than as a whole (a qualifier after its last
    part, or before a year alone, is the whole date's)."""
    parts = _PARTS.match(edtf)
    if parts and any(parts[i] for i in (1, 3, 4, *((6, 7) if parts[8] else ()))):
        return parts
    return None


def _parts_words(m: re.Match[str]) -> str:
    """A date qualified part by part: "22 Apr 2012 (year and month uncertain)"."""
    names = ("year", "month", "day")
    values = [v for v in (m[2], m[5], m[8]) if v]
    said: dict[str, list[str]] = {}
    for i in range(len(values)):
        before, after = m[3 * i + 1] or "", m[3 * i + 3] or ""
        for mark, qualified in ((before, names[i : i + 1]), (after, names[: i + 1])):
            for part in qualified if mark else ():
                if part not in said.setdefault(mark, []):
                    said[mark].append(part)
    for listed in said.values():
        listed.sort(key=names.index)
    plain = _display("-".join(values))
    in_order = sorted(said.items(), key=lambda item: names.index(item[1][0]))
    notes = [f"{' and '.join(parts)} {_QUALITIES[mark]}" for mark, parts in in_order]
    return f"{plain} ({'; '.join(notes)})"


def display(edtf: str) -> str:
    """EDTF in words at its own precision; the raw string when it is outside our subset."""
    try:
        return _display(edtf.strip())
    except (ValueError, IndexError):
        return edtf


_SET = re.compile(r"^(?:\[(?P<one>[^\]]*)\]|\{(?P<all>[^}]*)\})$")
# a date qualified part by part (EDTF level 2): a qualifier after a part is that part's and
# the parts' before it (2012?-04: the year uncertain); one before a part is that part's only
# (2012-~04-22: the month approximate)
_PARTS = re.compile(
    r"^([~?%]?)(\d{4})([~?%]?)-([~?%]?)(\d{2})([~?%]?)(?:-([~?%]?)(\d{2})([~?%]?))?$"
)
_QUALITIES = {"?": "uncertain", "~": "approximate", "%": "approximate and uncertain"}


def _display(edtf: str) -> str:
    if edtf[:1] in "[{":
        return _set_words(edtf)
    if "/" not in edtf:
        parts = _part_qualified(edtf)
        if parts:
            return _parts_words(parts)
        p = _point(edtf)
        return _qualify(p.words(p.precision), p.qual)
    left, right = edtf.split("/", 1)
    if "/" in right:
        raise ValueError(edtf)
    if left in ("", "..") and right in ("", ".."):
        raise ValueError(edtf)
    if left in ("", ".."):
        p = _point(right)
        text = _qualify(p.words(p.precision), p.qual)
        return f"until {text}" if left == ".." else f"?{DASH}{text}"
    if right in ("", ".."):
        p = _point(left)
        text = _qualify(p.words(p.precision), p.qual)
        return f"since {text}" if right == ".." else f"{text}{DASH}?"
    if _part_qualified(left) or _part_qualified(right):  # each end in its own words
        return f"{_display(left)} {DASH} {_display(right)}"
    a, b = _point(left), _point(right)
    if a.precision != b.precision:
        # each end at its own precision, so that neither says more or less than its EDTF
        same_year = a.year == b.year and a.decade == b.decade
        short = same_year and a.precision != "year" and not (a.qual or b.qual)
        sa = _qualify(a.words(a.precision, year=not short), a.qual)
        sb = _qualify(b.words(b.precision), b.qual)
        return f"{sa} {DASH} {sb}"
    prec: Precision = a.precision
    if prec == "season" and not (a.season and b.season):
        prec = "year"  # a season and a month have no common unit coarser than the year
    if prec == "month" and (a.month is None or b.month is None):
        prec = "year"
    same_year = a.year == b.year and a.decade == b.decade
    same_month = same_year and a.month == b.month
    if a.qual or b.qual:
        # Qualified ends are written in full, apart, so each qualifier stays with its own end
        # (~2012 - 2013?, not ~2012-2013?, which reads as the whole range's).
        sa = _qualify(a.words(prec), a.qual)
        sb = _qualify(b.words(prec), b.qual)
        return f"{sa} {DASH} {sb}"
    if prec in ("year", "decade"):
        sa, sb = a.words(prec), b.words(prec)
        return sa if sa == sb else f"{sa}{DASH}{sb}"
    if prec == "day":
        if same_month:
            if a.day == b.day:
                return a.words("day")
            return f"{a.day}{DASH}{b.day} {MONTHS[(a.month or 1) - 1]} {a.year}"
        if same_year:
            return f"{a.words('day', year=False)} {DASH} {b.words('day')}"
        return f"{a.words('day')} {DASH} {b.words('day')}"
    # month or season
    if same_year:
        if a.words(prec) == b.words(prec):
            return a.words(prec)
        return f"{a.words(prec, year=False)}{DASH}{b.words(prec)}"
    return f"{a.words(prec)} {DASH} {b.words(prec)}"
