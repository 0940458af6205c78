"""A figure's value against its wording: "USD13.5 billion" states 13.5 billion, "16 to 20 billion
cubic metres" 16 to 20 billion, "two licenced blocks" 2.

Used by the build, by add and import (a value that disagrees with its own wording is refused),
and by `rusino check`. The reading is deliberately cautious, so that only a clear disagreement,
a mistyped digit, is ever reported:
- a value may be a stated number in any unit of thousands (38 "bcm" as 38e9 m3, "USD13.5
  billion" as 13.5 with a unit "billion USD", "1,300 km" as 1.3e6 m), a per cent also as a
  fraction, with both ends of a range in the same unit;
- years are not figures ("USD80 billion in 2012" states 80 billion only);
- wording that cannot be read with certainty (fractions, decimal commas, "a few", "twofold",
  "twenty-five", "1 300", "minus 5") is not judged at all.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

_SCALES = {
    "thousand": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "bln": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
    "trn": 1e12,
}
_WORDS = {
    word: float(n)
    for n, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
} | {
    "thirty": 30.0,
    "forty": 40.0,
    "fifty": 50.0,
    "sixty": 60.0,
    "seventy": 70.0,
    "eighty": 80.0,
    "ninety": 90.0,
    "hundred": 100.0,
    "dozen": 12.0,
}
_SCALE = "|".join(sorted(_SCALES, key=len, reverse=True))
_WORD_NAMES = "|".join(sorted(_WORDS, key=len, reverse=True))
# a number as English writes it (1,300 or 13.5), a scale word that may follow it, or attached
# (a minus sign, where no number is just before it: "1,300-1,500" is a range)
_NUMBER = re.compile(
    rf"(?:(?<![\d.,])([-\u2212])(?=\d)|(?<![\d.,]))(\d{{1,3}}(?:,\d{{3}})+|\d+)(\.\d+)?"
    rf"(?:\s*({_SCALE})s?\b|(?![\w,.]\d))",
    re.IGNORECASE,
)
_WORD = re.compile(rf"\b({'|'.join(_WORDS)})\b(?:\s+({_SCALE})s?\b)?", re.IGNORECASE)
# wording whose numbers are not the figure's value as written: not judged
_UNSURE = re.compile(
    r"\d,\d{1,2}(?!\d)|\d,\d{4}|\d\.\d+\.\d"  # a decimal comma or an unusual grouping
    r"|\b(?:half|halves|third|thirds|quarter|quarters|fifth|fifths|tenth|tenths|"
    r"percentage points?|fold|times|per ?mille|few|several|dozens|hundreds|thousands|"
    r"millions|billions)\b|[½¼¾⅓⅔]|\d\s*/\s*\d|\d[eE][+-]?\d"
    # thousands grouped with a space or an apostrophe (1 300, 1'300)
    r"|\d[ \u00a0\u202f'\u2019]\d{3}\b"
    # number words joined into one number (twenty-five, a hundred and twenty, two dozen)
    rf"|\b(?:{_WORD_NAMES})(?:-|\s+and\s+|\s+)(?:{_WORD_NAMES})\b"
    # a sign in words, as a dash, or before a currency (minus 5, an en dash 5%, -USD5)
    r"|\bminus\b|(?<![\w.,])[\u2013\u2014]\s*\d|-\s*(?:[A-Z]{2,3}|[$€£¥])\s*\d",
    re.IGNORECASE,
)
# a date, whose numbers are no figure's value: a year after a month (with its day: "6 April
# 2012"), a decade ("the 1990s"), or a year after a word of time and before no word in lower
# case ("in 2012,", "since 2008 USD13.5 billion", "from 2012 to 2015."); "in 1500 villages" is
# a figure
_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_A_YEAR = r"(?:1[5-9]|2[01])\d\d"
_YEAR = re.compile(
    rf"(?:\b\d{{1,2}}(?:st|nd|rd|th)?\s+)?\b(?:{_MONTHS})\.?\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?"
    rf"({_A_YEAR})\b"
    rf"|\b(?:1[5-9]|20)\d0s\b"
    rf"|\b(?:in|since|until|till|during|before|after|from)\s+({_A_YEAR})"
    rf"(?:\s*(?:-|\u2013|\u2014|to|and|or)\s*(?:{_A_YEAR}|\d\d)\b)?(?!\s*(?-i:[a-z]))(?![\d.,]\d)",
    re.IGNORECASE,
)
_RANGE = re.compile(r"^\s*(?:to|and|or|-|\u2013|\u2014)\s*(?:[A-Za-z$€£¥]{0,4}\s*)?$")


# a number as a value is given (an option, a csv cell): ASCII digits, no "1_000" or "١٢",
# which Python's int and float read
PLAIN_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", re.ASCII)


def parse_number(text: str) -> int | float:
    """A figure as written: a whole number exactly (an int: a float keeps 15-17 digits), any
    other as a float; ValueError for what is no number, or what a float cannot hold (1e400,
    5e-400, which float() makes inf and 0)."""
    text = text.strip()
    if not PLAIN_NUMBER.fullmatch(text):
        raise ValueError(f"{text!r} is not a number")
    if text.lstrip("+-").isdigit():
        return int(text)
    number = float(text)
    mantissa = text.lower().partition("e")[0]
    if math.isinf(number) or (number == 0 and mantissa.strip("+-0.")):
        raise ValueError(f"{text!r} is beyond what a number here can hold")
    return number


def numbers_in(as_written: str) -> list[float] | None:
    """The figures the wording states, each as a plain number; None when it states none that
    can be read with certainty. A scale written once for a range applies to both ends
    ("16 to 20 billion")."""
    if _UNSURE.search(as_written):
        return None
    found: list[tuple[int, int, float, float | None]] = []  # start, end, number, scale
    years = [m.span() for m in _YEAR.finditer(as_written)]
    for m in _NUMBER.finditer(as_written):
        if any(start <= m.start() < end for start, end in years):
            continue
        number = float(m.group(2).replace(",", "") + (m.group(3) or ""))
        number = -number if m.group(1) else number
        scale = _SCALES[m.group(4).lower()] if m.group(4) else None
        found.append((m.start(), m.end(), number, scale))
    for m in _WORD.finditer(as_written):
        scale = _SCALES[m.group(2).lower()] if m.group(2) else None
        found.append((m.start(), m.end(), _WORDS[m.group(1).lower()], scale))
    if not found:
        return None
    found.sort()
    out: list[float] = []
    for i, (_, end, number, scale) in enumerate(found):
        if scale is None and i + 1 < len(found):
            start, _, _, after = found[i + 1]
            if after is not None and _RANGE.match(as_written[end:start]):
                scale = after  # "16 to 20 billion", "between 2 and 3 million"
        out.append(number * (scale or 1.0))
    return out


_SCIENTIFIC = re.compile(r"(?<![\w.,])([-+]?\d+(?:\.\d+)?[eE][-+]?\d+)(?![\w.,])", re.ASCII)
# letters a figure's number may follow ("USD80 billion"); after any other letters a digit is a
# word's part (m3, ft3, Su35)
_CODE_BEFORE = re.compile(
    r"(?:^|[^A-Za-z])(?:USD|US\$|EUR|GBP|JPY|CNY|RMB|RUB|\$|€|£|¥|₽)$", re.IGNORECASE
)
_SUFFIX = {"b": 1e9, "k": 1e3}  # attached, as people type them: 80B, 400b, 7k
LARGEST = 1e18  # a figure beyond this is no figure a search means (10**300 matched all)


# a comparison before a figure ("> 20 million", ">= $15bn": the query's reader makes "over",
# "at least", "under", "up to" these), a currency code or symbol between them
_COMPARED = re.compile(
    r"(>=|<=|[<>\u2265\u2264])\s*(?:(?:US\$|[$\u20ac\u00a3\u00a5]|USD|EUR|GBP|JPY|CNY|RMB|RUB)\s*)?$",
    re.IGNORECASE,
)


class Asked(NamedTuple):
    """A figure a search names: the values low..high it asks for (one number twice; a
    comparison's open end infinite), whether its size is given (a scale word, or written out
    as 8e10), and whether a comparison's end is left out (over 20: not 20 itself)."""

    low: float
    high: float
    sized: bool
    strict: bool = False


def query_figures(text: str) -> tuple[list[Asked], str]:
    """The figures a search text names ("80 billion", "USD13.5 bn", "7,000", "42.7%", 8e10,
    "70 to 90 billion", "> 20 million"), and the text left without them. A year after a word
    of time ("in 2012") is no figure, nor a number inside a word (S-400, m3), nor one beyond
    LARGEST: they stay in the text."""
    years = [m.span() for m in _YEAR.finditer(text)]
    found: list[tuple[int, int, float, float | None]] = []  # start, end, number, scale
    for m in _SCIENTIFIC.finditer(text):
        found.append((m.start(), m.end(), float(m.group(1)), 1.0))
    taken = [(a, b) for a, b, _, _ in found]
    for m in _NUMBER.finditer(text):
        if any(start <= m.start() < end for start, end in years + taken):
            continue
        before = text[: m.start()]
        if before[-1:].isalnum() and not _CODE_BEFORE.search(before):
            continue  # a word's part: S-400, Su-35, m3
        number = float(m.group(2).replace(",", "") + (m.group(3) or ""))
        number = -number if m.group(1) else number
        scale = _SCALES[m.group(4).lower()] if m.group(4) else None
        end = m.end()
        after = text[end : end + 2]
        if scale is None and after[:1].lower() in _SUFFIX and not after[1:].isalnum():
            scale, end = _SUFFIX[after[0].lower()], end + 1
        found.append((m.start(), end, number, scale))
    found = sorted(f for f in found if abs(f[2] * (f[3] or 1.0)) <= LARGEST)
    out: list[Asked] = []
    rest = []
    at = 0
    i = 0
    while i < len(found):
        start, end, number, scale = found[i]
        high = number
        compared = _COMPARED.search(text, at, start)
        if i + 1 < len(found) and _RANGE.match(text[end : found[i + 1][0]]):
            _, end, high, upper = found[i + 1]  # "16 to 20 billion": one range
            scale = scale or upper
            high *= upper or scale or 1.0
            i += 1
            compared = None
        else:
            high *= scale or 1.0
        low = number * (scale or 1.0)
        sign = ""
        if compared:  # "> 20 million": above it; "<= 5": up to it
            sign = compared.group(1)
            low, high = (low, math.inf) if sign[0] in ">\u2265" else (-math.inf, high)
            rest.append(text[at : compared.start()] + text[compared.end(1) : start])
        else:
            rest.append(text[at:start])
        out.append(Asked(low, high, scale is not None, sign in (">", "<")))
        at = end
        i += 1
    rest.append(text[at:])
    return out, " ".join(rest)


# the units a value may be in, relative to the wording's: any power of a thousand (38 "bcm"
# as 38e9 m3); a per cent in per cent, or as a fraction (49 per cent as 0.49), and no other
# way (20% is never 2,000 or 20,000)
_FACTORS = (1.0, *(1000.0**k for k in (-4, -3, -2, -1, 1, 2, 3, 4)))
_PER_CENT = re.compile(r"%|\bper ?cent", re.IGNORECASE)
_PER_CENT_UNITS = ("percent", "per cent", "%", "pct", "percentage")


def disagreement(as_written: str, value: float, value_max: float | None, unit: str = "") -> str:
    """Why value (or value_max) cannot be a figure that as_written states, both ends in the
    same unit; '' when they can be, or when the wording cannot be read with certainty."""
    stated = numbers_in(as_written)
    if stated is None:
        return ""
    factors = _FACTORS
    in_per_cent = unit.strip().casefold() in _PER_CENT_UNITS
    if in_per_cent and _PER_CENT.search(as_written):
        factors = (1.0, 0.01)
    elif in_per_cent or _PER_CENT.search(as_written):  # ("0.49" in per cent; "49%" of a unit)
        factors = (*_FACTORS, 0.01, 100.0)

    def states(number: float, factor: float) -> bool:
        return any(math.isclose(number, s * factor, rel_tol=1e-9) for s in stated)

    ends = [(n, v) for n, v in (("value", value), ("value_max", value_max)) if v is not None]
    if any(all(states(v, f) for _, v in ends) for f in factors):
        return ""
    shown = ", ".join(f"{s:,.15g}" for s in stated)
    name, number = next(
        ((n, v) for n, v in ends if not any(states(v, f) for f in factors)), ends[-1]
    )
    if any(states(number, f) for f in factors):  # each end stated, but not in one unit
        return (
            f"value {value:,.15g} and value_max {value_max:,.15g} are not in one unit of "
            f"as_written {as_written!r} ({shown})"
        )
    return f"{name} {number:,.15g} is not a figure that as_written {as_written!r} states ({shown})"


def _plain(number: float) -> str:
    whole = isinstance(number, int) or (number.is_integer() and abs(number) < 2**63)
    return str(int(number)) if whole else repr(number)


def plain_wording(value: object, value_max: object, unit: object) -> str | None:
    """The wording a figure given without one gets (add, import): "16000000000 to 20000000000
    m3"; None unless value is a number and unit a name."""
    numbers = [
        v for v in (value, value_max) if isinstance(v, int | float) and not isinstance(v, bool)
    ]
    if not numbers or numbers[0] is not value or not isinstance(unit, str) or not unit.strip():
        return None
    if value_max is None or len(numbers) < 2:
        return f"{_plain(numbers[0])} {unit}"
    return f"{_plain(numbers[0])} to {_plain(numbers[1])} {unit}"
