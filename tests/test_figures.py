"""figures.py: a fact's value is one its wording states; unsure wording is never judged."""

from __future__ import annotations

import math

import pytest

from rusino.figures import Asked, disagreement, numbers_in, parse_number, query_figures


@pytest.mark.parametrize(
    ("as_written", "numbers"),
    [
        ("USD13.5 billion", [13.5e9]),
        ("$2.17 billion", [2.17e9]),
        ("USD13.5bn", [13.5e9]),
        ("nearly 7,000 troops", [7000]),
        ("two licenced blocks", [2]),
        ("five billion dollars", [5e9]),
        ("49 per cent", [49]),
        ("16 to 20 billion cubic metres", [16e9, 20e9]),  # the scale, once, is both ends'
        ("between USD550 million and USD700 million", [550e6, 700e6]),
        ("$2-3 billion", [2e9, 3e9]),
        ("1,300 to 1,500.5 kilometres", [1300, 1500.5]),
        # dates are not figures: a year after a month or a word of time, a decade, a day
        ("in 2012, USD80 billion", [80e9]),
        ("USD80 billion in 2012", [80e9]),
        ("since 2008 USD13.5 billion", [13.5e9]),
        ("from 2012 to 2015, 300 km", [300]),
        ("6 April 2012: 5 ships", [5]),
        ("April 6, 2012: 7 ships", [7]),
        ("30 per cent in the 1990s", [30]),
        ("in 2012", None),
        # but a number of things is a figure
        ("in 1500 villages", [1500]),
        ("2,012 tons", [2012]),
        ("5 may rise to 7", [5, 7]),
        ("-5 USD", [-5]),  # a sign, where no number is just before it
        ("a \u22122.5 per cent fall", [-2.5]),
        ("from -3 to -1", [-3, -1]),
        # not read with certainty: never judged
        ("two-thirds of its exports", None),
        ("13,5 billion", None),
        ("a few hundred", None),
        ("a twofold rise", None),
        ("1.2e19", None),
        ("3/4 of the fleet", None),
        ("a large share", None),
        ("twenty-five", None),  # number words joined into one number
        ("a hundred and twenty", None),
        ("1 300 km", None),  # thousands grouped with a space
        ("1'300 km", None),
        ("minus 5 per cent", None),  # a sign in words, as a dash, before a currency
        ("\u20135%", None),
        ("-USD5 billion", None),
    ],
)
def test_numbers_in(as_written: str, numbers: list[float] | None) -> None:
    assert numbers_in(as_written) == numbers


@pytest.mark.parametrize(
    ("as_written", "value", "value_max"),
    [
        ("USD13.5 billion", 13.5e9, None),
        ("USD13.5 billion", 13.5, None),  # unit "billion USD"
        ("38 bcm", 38e9, None),  # unit m3
        ("1,300 to 1,500 kilometres", 1.3e6, 1.5e6),  # unit m
        ("49 per cent", 0.49, None),  # a fraction
        ("16 to 20 billion cubic metres", 16e9, 20e9),
        ("two-thirds of its exports", 66.7, None),  # unsure: not judged
    ],
)
def test_values_the_wording_states(as_written: str, value: float, value_max: float | None) -> None:
    assert disagreement(as_written, value, value_max) == ""


@pytest.mark.parametrize(
    ("as_written", "value", "value_max", "message"),
    [
        (
            "USD13.5 billion",
            13.4e9,
            None,
            "value 13,400,000,000 is not a figure that as_written 'USD13.5 billion' states "
            "(13,500,000,000)",
        ),
        ("USD13.5 billion", 1.35e9, None, "value 1,350,000,000 is not"),  # a digit slipped
        ("16 to 20 billion", 16e9, 21e9, "value_max 21,000,000,000 is not"),
        ("27 trade contracts", 72, None, "value 72 is not"),
        ("7,000 troops", 70, None, "value 70 is not"),  # hundredths: for a per cent only
        ("1,300 to 1,500 km", 1300, 1.5e6, "value 1,300 and value_max 1,500,000 are not in one"),
        ("USD80 billion in 2012", 2012, None, "value 2,012 is not"),  # a year, not a figure
    ],
)
def test_values_the_wording_does_not_state(
    as_written: str, value: float, value_max: float | None, message: str
) -> None:
    assert disagreement(as_written, value, value_max).startswith(message)


@pytest.mark.parametrize(
    ("as_written", "value", "states"),
    [
        ("20%", 20, True),
        ("20%", 0.2, True),  # a fraction
        ("42.7 per cent", 42.7, True),
        ("20%", 2000, False),  # a thousand times a per cent was taken as another unit
        ("20 per cent", 20000, False),
        ("0.2%", 20, False),
        ("0.2%", 200, False),
    ],
)
def test_a_per_cent_in_per_cent_is_that_per_cent_or_its_fraction(
    as_written: str, value: float, states: bool
) -> None:
    assert (disagreement(as_written, value, None, "percent") == "") is states


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("123456789012345678", 123456789012345678),  # whole: exact (a float keeps 17 digits)
        ("-5", -5),
        (" 7 ", 7),
        ("13.5e9", 13.5e9),
        (".5", 0.5),
        ("0e5", 0.0),
    ],
)
def test_parse_number(text: str, number: float) -> None:
    parsed = parse_number(text)
    assert parsed == number and type(parsed) is type(number)


@pytest.mark.parametrize("text", ["1_000", "\u0661\u0662", "nan", "inf", "1e400", "5e-400", ""])
def test_parse_number_refuses(text: str) -> None:
    """float() reads the first four (1000, 12, nan, inf) and makes the next two inf and 0."""
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize(
    ("text", "asked", "rest"),
    [
        ("> 20 million t", Asked(2e7, math.inf, True, True), "  t"),
        (">= USD 15 billion", Asked(1.5e10, math.inf, True, False), " USD "),
        ("trade <$80bn", Asked(-math.inf, 8e10, True, True), "trade $ "),
        ("\u2264 7,000", Asked(-math.inf, 7000.0, False, False), " "),
        ("> 16 to 20 billion", Asked(1.6e10, 2e10, True, False), ">  "),  # a range: no comparison
        ("80 billion", Asked(8e10, 8e10, True, False), " "),
    ],
)
def test_a_comparison_asks_for_the_figures_beyond_it(text: str, asked: Asked, rest: str) -> None:
    """`facts over 20 million t` had asked for 20 million tonnes exactly (the query reader
    makes "over" >); the comparison's sign is not left in the text, a currency is."""
    found, left = query_figures(text)
    assert (found, left.split()) == ([asked], rest.split())
