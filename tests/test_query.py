"""Filters -> SQL -> rows (rusino.query) over the fixture database."""

# ruff: noqa: RUF001  (the en dashes in expected output are the point)

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from rusino import query
from rusino.errors import ExitCode, RusinoError
from rusino.query import FactFilter, TimelineFilter


@pytest.fixture
def conn(fixture_db: Path) -> Iterator[sqlite3.Connection]:
    c = sqlite3.connect(fixture_db)
    yield c
    c.close()


def ids(conn: sqlite3.Connection, **kw: object) -> list[str]:
    return [r["id"] for r in query.timeline(conn, TimelineFilter(**kw))]  # type: ignore[arg-type]


def fact_ids(conn: sqlite3.Connection, **kw: object) -> list[str]:
    return [r["id"] for r in query.facts(conn, FactFilter(**kw))]  # type: ignore[arg-type]


ALL = [
    "2008-2013-russia-vietnam-fighter-sales",
    "2012-04-russia-china-naval-exercise",
    "2012-summer-russia-china-missile-defence-concern",
    "2015-05-japan-russia-talks",
    "2016-03-putin-china-south-china-sea",
    "2017-s400-deliveries-to-china",
]


def test_timeline_order_is_start_precision_id(conn: sqlite3.Connection) -> None:
    assert ids(conn) == ALL
    assert ids(conn, reverse=True) == ALL[::-1]


def test_same_start_day_sorts_before_month(conn: sqlite3.Connection) -> None:
    # Two events starting 2012-06-01: the one dated to the day comes before the season.
    conn.execute(
        "INSERT INTO events (id, date, date_start, date_end, date_text, precision, in_window,"
        " summary, source, quote) VALUES ('a-day', '2012-06-01', '2012-06-01', '2012-06-01',"
        " 'on 1 June 2012', 'day', 1, 's', 'alpha-2013', 'q')"
    )
    got = ids(conn, start="2012-06-01", end="2012-06-01")
    assert got == [ALL[0], "a-day", "2012-summer-russia-china-missile-defence-concern"]


def test_limit(conn: sqlite3.Connection) -> None:
    assert ids(conn, limit=2) == ALL[:2]
    assert ids(conn, limit=1, reverse=True) == ALL[-1:]
    assert ids(conn, limit=0) == []


@pytest.mark.parametrize(
    ("name", "canonical"),
    [("Tokyo", "Japan"), ("japan", "Japan"), ("putin", "Vladimir Putin"), ("PRC", "China")],
)
def test_actor_aliases_resolve_case_insensitively(
    conn: sqlite3.Connection, name: str, canonical: str
) -> None:
    assert query.resolve_actor(conn, name) == canonical
    assert all(canonical in r["actors"] for r in query.timeline(conn, TimelineFilter((name,))))


def test_actor_filters(conn: sqlite3.Connection) -> None:
    assert ids(conn, actors=["Tokyo"]) == ["2015-05-japan-russia-talks"]
    assert ids(conn, actors=["Putin"]) == ["2016-03-putin-china-south-china-sea"]
    # repeated: all must take part
    assert ids(conn, actors=["Russia", "Vietnam"]) == ["2008-2013-russia-vietnam-fighter-sales"]
    assert ids(conn, actors=["Japan", "Vietnam"]) == []
    # --any: any of them
    assert ids(conn, actors=["Japan", "Vietnam"], any=True) == [
        "2008-2013-russia-vietnam-fighter-sales",
        "2015-05-japan-russia-talks",
    ]
    # the same actor twice, through an alias, is still one actor
    assert ids(conn, actors=["Japan", "Tokyo"]) == ["2015-05-japan-russia-talks"]


def test_unknown_actor_suggests(conn: sqlite3.Connection) -> None:
    with pytest.raises(RusinoError) as info:
        ids(conn, actors=["Japna"])
    assert info.value.code == ExitCode.USAGE
    assert "unknown actor 'Japna'" in info.value.message
    assert "did you mean Japan?" in info.value.hint


def test_an_actor_given_as_a_topic_is_said_to_be_one(conn: sqlite3.Connection) -> None:
    """--topic Japan suggested "multilateral", --actor energy an actor."""
    with pytest.raises(RusinoError, match="unknown topic 'tokyo'") as info:
        ids(conn, topics=["tokyo"])
    assert info.value.hint.startswith("Japan is an actor, not a topic: give it with --actor")
    with pytest.raises(RusinoError, match="unknown actor 'Energy'") as info:
        ids(conn, actors=["Energy"])
    assert info.value.hint.startswith("energy is a topic, not an actor")


def test_topic_filters_and_aliases(conn: sqlite3.Connection) -> None:
    assert ids(conn, topics=["naval exercise"]) == ["2012-04-russia-china-naval-exercise"]
    assert ids(conn, topics=["Missile Defense"]) == [
        "2012-summer-russia-china-missile-defence-concern"
    ]
    assert ids(conn, topics=["arms-sales", "military"]) == ["2017-s400-deliveries-to-china"]
    assert len(ids(conn, topics=["arms-sales", "military"], any=True)) == 3
    with pytest.raises(RusinoError, match="unknown topic") as info:
        ids(conn, topics=["diplomcy"])
    assert "did you mean diplomacy?" in info.value.hint


def test_range_overlap_vs_within(conn: sqlite3.Connection) -> None:
    # 2012: overlaps the 2008-2013 sales, the April exercise and the summer statement
    assert ids(conn, start="2012-01-01", end="2012-12-31") == ALL[:3]
    # --within keeps only what lies entirely inside
    assert ids(conn, start="2012-01-01", end="2012-12-31", within=True) == ALL[1:3]


def test_month_as_to_is_the_end_of_the_month(conn: sqlite3.Connection) -> None:
    from rusino.dates import parse_range

    start, end = parse_range("2012-04-23", "2012-04")
    assert end == "2012-04-30"
    assert ids(conn, start=start, end=end) == ALL[:2]
    assert ids(conn, start=start, end=end, within=True) == []
    # --to April 2012 stops before the summer
    assert ids(conn, end=parse_range(None, "April 2012")[1]) == ALL[:2]
    # a --from in the middle of a range still finds the range (overlap)
    assert ids(conn, start="2012-04-27") == ALL[:6]


def test_inverted_range_is_an_error(conn: sqlite3.Connection) -> None:
    with pytest.raises(RusinoError):
        ids(conn, start="2013-01-01", end="2012-12-31")


def test_window(conn: sqlite3.Connection) -> None:
    assert ids(conn, window=True) == ALL[:5]


def test_source(conn: sqlite3.Connection) -> None:
    assert ids(conn, source="beta-2016") == ALL[3:]
    assert ids(conn, source="BETA-2016") == ALL[3:]
    with pytest.raises(RusinoError, match="unknown source 'beta-2015'") as info:
        ids(conn, source="beta-2015")
    assert "beta-2016" in info.value.hint


def test_search(conn: sqlite3.Connection) -> None:
    assert ids(conn, search="naval") == ["2012-04-russia-china-naval-exercise"]
    assert ids(conn, search="Yellow Sea") == ["2012-04-russia-china-naval-exercise"]
    assert ids(conn, search='"Yellow Sea" OR Vietnam') == [ALL[0], ALL[1]]
    assert ids(conn, search="naval-exercise") == [ALL[1]]  # a phrase, not NOT exercise
    assert ids(conn, search="exercise-naval") == []
    assert ids(conn, search="robert'; drop table events; --") == []
    with pytest.raises(RusinoError):  # parentheses make it an expression, and a bad one
        ids(conn, search="Robert'); DROP TABLE events; --")
    assert len(ids(conn)) == 6


@pytest.mark.parametrize("text", ['"naval', "naval AND", "OR OR", "(naval"])
def test_malformed_search_is_a_usage_error(conn: sqlite3.Connection, text: str) -> None:
    with pytest.raises(RusinoError) as info:
        ids(conn, search=text)
    assert info.value.code == ExitCode.USAGE


def test_a_typographic_apostrophe_in_a_name_is_an_apostrophe() -> None:
    """--actor "People\u2019s Republic of China", as the articles write it, had been unknown."""
    assert query.alias_key("People\u2019s Republic of China") == "people's republic of china"


def test_fts_query_quotes_plain_words() -> None:
    assert query.fts_query("gas pipeline") == '"gas"* AND "pipeline"*'
    assert query.fts_query("naval-exercise") == '("naval-exercise"* OR "navalexercise"*)'
    assert query.fts_query('"oil pipeline" OR gas') == '"oil pipeline" OR gas'
    assert query.fts_query("or not") == '"or"* AND "not"*'  # lower-case words are words
    # a hyphenated word in an expression is a phrase: FTS5 had read S-4* as a column filter
    assert query.fts_query("S-4*") == '"S-4"*'
    assert query.fts_query('co-op* OR "x-y"') == '"co-op"* OR "x-y"'
    # an apostrophe too: "China's AND pivot" had been a syntax error near "'"
    assert query.fts_query("China's AND pivot") == '"China\'s" AND pivot'
    # an expression's words are as written: a bracketed OR of spellings beside a phrase is a
    # syntax error to FTS5 ('"oil pipeline" cooperation' had failed so)
    assert query.fts_query('"oil pipeline" cooperation') == '"oil pipeline" cooperation'
    # hyphenated or joined: co-operation had found nothing (the articles write cooperation)
    assert query.fts_query("co-operation") == '("co-operation"* OR "cooperation"*)'
    # a possessive as written: China's as "china" then a prefix "s" found "China surpasses"
    assert query.fts_query("China's gas") == '"China\'s" AND "gas"*'
    for empty in ('""', "()"):  # no word at all: had found nothing, quietly
        with pytest.raises(RusinoError, match="nothing to search for"):
            query.fts_query(empty)


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("defence", "defense"),
        ("Defenses", "defences"),
        ("missile-defence", "missile-defense"),
        ("organisation", "organization"),
        ("recognized", "recognised"),
        ("harbour", "harbor"),
        ("centre", "center"),
        # had found nothing in the other spelling (kilometers, percent against "per cent")
        ("kilometres", "kilometers"),
        ("meters", "metres"),
        ("percent", "per cent"),
        ("cooperation", "co operation"),  # as the index reads "co-operation"
        ("pipeline", None),
        ("rise", None),  # too short a stem to be -ise/-ize
        ("exercises", None),  # an -ise word with no -ize spelling
        ("four", None),
    ],
)
def test_other_spelling(word: str, other: str | None) -> None:
    assert query.other_spelling(word) == other


def test_search_finds_possessives_as_written_and_hyphens_either_way(
    conn: sqlite3.Connection,
) -> None:
    rows = list(query.timeline(conn, TimelineFilter(search="Russia's")))
    assert rows and all(re.search(r"Russia['’]s", r["summary"] + r["quote"]) for r in rows)
    assert ids(conn, search="co-operation") == ids(conn, search="cooperation")


def test_search_matches_either_spelling(conn: sqlite3.Connection) -> None:
    assert query.fts_query("us defense") == '"us"* AND ("defense"* OR "defence"*)'
    both = ids(conn, search="missile defence")
    assert both and ids(conn, search="missile defense") == both
    assert "defence" in query.highlight_words("defense")


def test_row_schema(conn: sqlite3.Connection) -> None:
    row = next(iter(query.timeline(conn, TimelineFilter(actors=["Vietnam"]))))
    assert row == {
        "id": "2008-2013-russia-vietnam-fighter-sales",
        "date": "2008/2013-12",
        "start": "2008-01-01",
        "end": "2013-12-31",
        "date_text": "since 2008",
        "precision": "year",
        "inferred": False,
        "in_window": True,
        "summary": "Russia sells fighter jets to Vietnam",
        "actors": ["Russia", "Vietnam"],
        "topics": ["arms-sales"],
        "source": "alpha-2013",
        "notes": [2],
        "quote": "Since 2008 Moscow has sold more than 30 fighter jets to Vietnam",
        "comment": "",
    }


def test_facts(conn: sqlite3.Connection) -> None:
    every = fact_ids(conn)
    assert len(every) == 4
    assert fact_ids(conn, query="trade") == [
        "2012-russia-china-trade",
        "2015-japan-coal-imports-from-russia",
    ]
    assert fact_ids(conn, query="Vietnam") == ["2008-2013-russia-vietnam-fighter-jets"]
    assert fact_ids(conn, query="Hanoi") == ["2008-2013-russia-vietnam-fighter-jets"]
    assert fact_ids(conn, query="pipeline") == ["2013-planned-pipeline-length"]
    assert fact_ids(conn, units=["usd"]) == ["2012-russia-china-trade"]
    assert fact_ids(conn, kinds=["estimate"]) == ["2013-planned-pipeline-length"]
    assert fact_ids(conn, year=2013) == [
        "2008-2013-russia-vietnam-fighter-jets",
        "2013-planned-pipeline-length",
    ]
    assert fact_ids(conn, actors=["Tokyo"]) == ["2015-japan-coal-imports-from-russia"]
    assert fact_ids(conn, source="beta-2016") == ["2015-japan-coal-imports-from-russia"]
    assert fact_ids(conn, reverse=True, limit=1) == ["2015-japan-coal-imports-from-russia"]


TRADE, PIPELINE, JETS, COAL = (
    "2012-russia-china-trade",
    "2013-planned-pipeline-length",
    "2008-2013-russia-vietnam-fighter-jets",
    "2015-japan-coal-imports-from-russia",
)


def test_units_holding_a_scale_are_read_with_it() -> None:
    """20 bcm had been 20 m3, so `facts 20 bcm` found nothing and 16000000000 bcm the 16 to
    20 billion cubic metres."""
    assert query._figure_words("16-20 bcm") == "16-20 billion m3"
    assert query._figure_words("1.9 TCF") == "1.9 trillion ft3"
    assert query._figure_words("49-per-cent") == "49 per cent"
    assert query._figure_words("20bcm") == "20 billion m3"  # joined, as 80bn is
    assert query._figure_words("-$80bn") == "$-80bn"  # below zero, not USD 80 bn


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "USD80 billion" is one word of the full text: the figure is found by its value
        ("80 billion", [TRADE]),
        ("USD80 billion", [TRADE]),
        ("$80bn", [TRADE]),
        ("80", [TRADE]),  # a number alone, in the thousands to trillions it is written in
        ("80 billion km", []),  # a unit beside it is the figure's unit
        ("trade 80 billion", [TRADE]),  # and the other words, text
        ("gas 80 billion", []),
        ("1400 km", [PIPELINE]),  # inside a range
        ("1,300 kilometres", [PIPELINE]),
        ("1,300 to 1,500 km", [PIPELINE]),
        ("25 million tons", [COAL]),
        ("30", [JETS]),
        ("2008", [JETS]),  # as a word of the text (no figure is 2008)
        ("200", []),  # a number is whole: not the start of 2008
        ("80 million", []),
        # from a regression sweep
        ("€80 billion", []),  # a currency no figure is in: not the dollars
        ("3", []),  # a piece of a number (the 3 of 1,300) is none
        ("1.4 km", []),  # a unit gives a bare number its size: not 1,400 km
        ("1400 m", []),  # (m is no unit here: nothing)
        ("8e10", [TRADE]),  # written out in full
        ("1e400", []),
        ("1" + "0" * 300, []),  # beyond any figure: it had matched all of them
        ("km", [PIPELINE]),  # a unit alone: its figures
        ("tonnes", [COAL]),  # (a unit in words)
        ("2015", [COAL]),  # a year: the figures of that year
        ("coal 2015", [COAL]),
        ("coal 2012", []),
        # from the last sweep
        ("usd80BN", [TRADE]),  # in any case
        ("$80B", [TRADE]),  # B for billion, as typed; a currency gives no size
        ("USD80", [TRADE]),  # as the text writes it
        ("80 USD", [TRADE]),
        ("25", [COAL]),  # a whole number of the text ("more than 25 million tons")
        ("5", []),  # not a piece of one
        # and the sweep after
        ("70 to 90 billion", [TRADE]),  # a range meets the figure
        ("1000 to 1400 km", [PIPELINE]),  # a range meets a range
        ("pipeline km", [PIPELINE]),  # a unit beside words
        ("coal tonnes", [COAL]),
        ("trade $", [TRADE]),  # a symbol: the unit only
        ("km 2013", [PIPELINE]),  # a year beside a unit: the unit's figures of that year
        ("€", []),
        # and this session's: a unit holding a scale, a number joined to its unit
        ("0.025 bcm", []),  # 25 million m3: no figure (bcm had been read as m3 alone)
        ("1400-km", [PIPELINE]),  # had been "a leading - does not leave out 'km'"
        ("25-million tons", [COAL]),
        ("about 25 million tons", [COAL]),  # a qualifier asks for the figure (had: nothing)
        ("nearly 1,400 km", [PIPELINE]),
        # a comparison: the figures beyond its number (over 20 million t had asked for 20
        # million); the qualifier decides at the number itself
        ("over 20 million t", [COAL]),
        ("over 25 million tons", [COAL]),  # "more than 25 million"
        ("under 25 million tons", []),
        ("at most 25 million t", []),
        ("at least 25 million t", [COAL]),
        ("more than 100 billion", []),
        ("over 1400 km", [PIPELINE]),  # a range reaches over it
        ("under 1400 km", [PIPELINE]),
        ("under 1300 km", []),
        ("at most 1300 km", [PIPELINE]),
        ("under 80 billion", [JETS, TRADE, PIPELINE, COAL]),  # "almost USD80 billion" is under it
        ("at least 80 billion", []),
        ("< $80bn", [TRADE]),
        ("<= 80 billion USD", [TRADE]),
        ("trade under 80 billion", [TRADE, COAL]),  # coal imports are trade
        ("over 30", [JETS, TRADE, PIPELINE, COAL]),  # taken as written: "more than 30"
        (">30", [JETS, TRADE, PIPELINE, COAL]),
        ("> 31", [TRADE, PIPELINE, COAL]),  # the numbers stated: "more than 30" is not
        ("≥ 1e10", [TRADE]),
        ("2012-2013", [JETS, TRADE, PIPELINE]),  # two years: the figures of that period
        ("2015 to 2016", [COAL]),
        ("49pc", []),  # read as 49 per cent: the fixture has none
        # a date other than a year: the figures of that period (it had found none)
        ("spring 2015", [COAL]),
        ("2013-12", [JETS, PIPELINE]),
        ("Dec 2013", [JETS, PIPELINE]),
        ("Q1 2014", []),
        ("2012/2013", [JETS, TRADE, PIPELINE]),  # an EDTF interval (it had been 2013's only)
        ("trade 2012-04", [TRADE]),  # words, and a period after them (it had found nothing)
        ("coal spring 2015", [COAL]),
        ("coal spring 2014", []),
        # as the tables write them (> 25 m t had found nothing), and Mt
        ("25 m t", [COAL]),
        ("> 25 m t", [COAL]),
        ("25 Mt", [COAL]),
        ("0.03", []),  # a fraction is not tried in thousands (it had been the 30 jets)
        ("0.08", [TRADE]),  # but in billions, as money is written (0.08 bn)
        ("over $ 20 billion", [TRADE]),  # a space after the symbol
        ("over USD 20 billion", [TRADE]),
        ("over gas 2012", []),  # gas is no currency: "over" stays a word of the text
        ("0.00003", []),
    ],
)
def test_facts_by_their_figures(conn: sqlite3.Connection, text: str, expected: list[str]) -> None:
    """`facts 80 billion` found nothing (the text has USD80 as one word), and `facts 200
    billion` found a figure whose text says 2008."""
    assert fact_ids(conn, query=text) == expected


def test_fact_row_numbers_stay_numbers(conn: sqlite3.Connection) -> None:
    row = next(r for r in query.facts(conn, FactFilter()) if r["unit"] == "km")
    assert row["value"] == 1300 and isinstance(row["value"], int)
    assert row["value_max"] == 1500
    trade = next(r for r in query.facts(conn, FactFilter(query="trade")))
    assert trade["value"] == 80_000_000_000
    assert trade["value_max"] is None
    assert trade["event"] is None


def test_unknown_unit_and_kind(conn: sqlite3.Connection) -> None:
    with pytest.raises(RusinoError, match="unknown unit 'kms'") as info:
        fact_ids(conn, units=["kms"])
    assert "km" in info.value.hint
    with pytest.raises(RusinoError, match="unknown kind"):
        fact_ids(conn, kinds=["actuals"])


@pytest.mark.parametrize(
    ("written", "meant"),
    [("dollars", "USD"), ("US  Dollars", "USD"), ("kilometres", "km"), ("tonnes", "t")],
)
def test_a_unit_written_out_is_its_symbol(
    conn: sqlite3.Connection, written: str, meant: str
) -> None:
    """The words "kilometres" and "tonnes" were asked "did you mean t?" (a one-letter unit is
    inside any word with a t), and "dollars" got no suggestion at all; then a suggestion, where
    the unit the tables show (%, m³) is meant: it is taken."""
    known = {str(r[0]) for r in conn.execute("SELECT unit FROM facts")}
    if meant not in known:
        pytest.skip(f"the fixture has no {meant} figure")
    assert fact_ids(conn, units=[written]) == fact_ids(conn, units=[meant]) != []


def test_a_unit_spelt_two_ways_is_found_by_either(fixture_db: Path, tmp_path: Path) -> None:
    """A fact added with --unit usd beside the USD ones was found by neither spelling: the
    filter took the first match only."""
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(fixture_db.read_bytes())
    conn = sqlite3.connect(copy)
    every = fact_ids(conn)
    conn.execute("UPDATE facts SET unit = 'usd' WHERE id = ?", (every[0],))
    conn.execute("UPDATE facts SET unit = 'USD' WHERE id <> ?", (every[0],))
    assert fact_ids(conn, units=["usd"]) == fact_ids(conn, units=["USD"]) == every


def test_search_events_and_facts_ranked(conn: sqlite3.Connection) -> None:
    rows = list(query.search(conn, "Vietnam"))
    assert {r["type"] for r in rows} == {"event", "fact"}
    assert [r["rank"] for r in rows] == [1, 2]
    assert {r["id"] for r in rows} == {
        "2008-2013-russia-vietnam-fighter-sales",
        "2008-2013-russia-vietnam-fighter-jets",
    }
    assert list(query.search(conn, "nothingmatcheshere")) == []


def test_show_event(conn: sqlite3.Connection) -> None:
    row = query.show(conn, "2008-2013-russia-vietnam-fighter-sales")
    assert row["type"] == "event"
    assert row["date_words"] == "2008 – Dec 2013"
    assert [n["number"] for n in row["note_texts"]] == [2]
    assert row["note_texts"][0]["text"]
    assert [r["id"] for r in row["related"]] == ["2008-2013-russia-vietnam-fighter-jets"]
    assert row["citation"].startswith("Alpha, Ann, and Bo Beta. 2013.")
    assert row["bibtex"].startswith("@article{alpha-2013,")


def test_show_fact_links_its_event(conn: sqlite3.Connection) -> None:
    row = query.show(conn, "2008-2013-russia-vietnam-fighter-jets")
    assert row["type"] == "fact"
    assert [r["id"] for r in row["related"]] == ["2008-2013-russia-vietnam-fighter-sales"]


def test_show_unknown_id_suggests(conn: sqlite3.Connection) -> None:
    with pytest.raises(RusinoError) as info:
        query.show(conn, "2012-russia-china-trad")
    assert info.value.code == ExitCode.USAGE
    assert "2012-russia-china-trade" in info.value.hint


def test_vocabularies(conn: sqlite3.Connection) -> None:
    actors = {r["name"]: r for r in query.actors(conn)}
    assert actors["Japan"]["aliases"] == ["japanese", "tokyo"]
    assert actors["Japan"]["events"] == 1 and actors["Japan"]["facts"] == 1
    assert actors["Vladimir Putin"]["kind"] == "person"
    topics = {r["name"]: r for r in query.topics(conn)}
    assert "missile defense" in topics["missile-defence"]["aliases"]
    sources = {r["id"]: r for r in query.sources(conn)}
    assert sources["alpha-2013"]["authors"] == ["Ann Alpha", "Bo Beta"]
    assert sources["alpha-2013"]["notes"] == 3


def test_names_for_completion(conn: sqlite3.Connection) -> None:
    assert query.names(conn, "actor", "ja") == ["Japan"]
    assert query.names(conn, "actor", "tok") == ["Japan"]  # an alias completes to the name
    assert query.names(conn, "topic", "nav") == ["naval-exercise"]
    assert "Vladimir Putin" in query.names(conn, "actor", "")


def test_citations() -> None:
    source = {
        "id": "kim-blank-2013",
        "authors": ["Kim, Younkyoo", "Stephen Blank"],
        "title": "Rethinking Russo-Chinese relations in Asia",
        "publication": "China: An International Journal",
        "date": "2013-12",
        "kind": "journal article",
        "volume": "11 (3)",
        "url": "",
    }
    assert query.chicago(source) == (
        "Kim, Younkyoo, and Stephen Blank. 2013. "
        '"Rethinking Russo-Chinese relations in Asia." China: An International Journal 11 (3).'
    )
    bib = query.bibtex(source)
    assert "author = {Kim, Younkyoo and Blank, Stephen}" in bib
    oped = {
        "id": "x",
        "authors": ["Anita Inder Singh"],
        "title": "T",
        "publication": "Eurasia Review",
        "date": "2016-03-08",
        "kind": "op-ed",
        "url": "https://e.org/x",
    }
    assert query.chicago(oped) == (
        'Singh, Anita Inder. 2016. "T." Eurasia Review, March 8. https://e.org/x.'
    )
    assert query.bibtex(oped).startswith("@misc{x,")
    odd = oped | {"authors": ["Smith & Co", "Xinhua News Agency"],
                  "title": "Costs {50%} & $ #1 \\emph\nagain", "publication": "P_1"}  # fmt: skip
    bib = query.bibtex(odd)
    # LaTeX's specials escaped (an unescaped % ends the line); organisations kept whole
    assert "author = {{Smith \\& Co} and {Xinhua News Agency}}" in bib
    assert r"title = {{Costs \{50\%\} \& \$ \#1 \textbackslash{}emph again}}" in bib
    assert r"howpublished = {P\_1}" in bib
    assert query.chicago(odd).startswith(
        'Smith & Co and Xinhua News Agency. 2016. "Costs {50%} & $ #1 \\emph again."'
    )


def test_actors_are_listed_in_alphabetical_order_whatever_the_case(fixture_db: Path) -> None:
    """'the West' came after every capital, 'UN...' before 'Ukraine'."""
    import shutil

    copy = fixture_db.parent / "case.sqlite"
    shutil.copy(fixture_db, copy)
    with sqlite3.connect(copy) as conn:
        conn.execute("INSERT INTO actors (name, kind, country) VALUES ('the West', 'bloc', '')")
        conn.execute("INSERT INTO actor_aliases (alias, actor) VALUES ('the west', 'the West')")
    conn.close()
    names = [r["name"] for r in query.actors(sqlite3.connect(copy))]
    assert names == sorted(names, key=str.casefold) and "the West" in names


def test_a_number_is_also_a_whole_number_of_a_facts_text() -> None:
    """facts 27 found the count of 27 contracts but not their value, whose quote says "27
    trade contracts worth USD15 billion"; and 2 must not find the 2 of "$2.17 billion"."""
    from rusino.db import bundled_path

    conn = sqlite3.connect(bundled_path())
    assert fact_ids(conn, query="27") == [
        "2012-russia-china-trade-contracts-count",
        "2012-russia-china-trade-contracts-value",
    ]
    assert "2016-china-loan-gazprom" not in fact_ids(conn, query="2")


def test_a_searched_number_is_a_whole_number_of_the_text() -> None:
    """FTS5 reads 7,000 and 2.17 as two words each: search 000 found "7,000", 5 found "13.5"."""
    from rusino.db import bundled_path

    conn = sqlite3.connect(bundled_path())
    for pieces in ("000", "5", "17", "300"):
        assert list(query.search(conn, pieces)) == [], pieces
        assert ids(conn, search=pieces) == [], pieces
    for pieces in (".5", ".17", ",300"):  # nor in facts' text
        assert fact_ids(conn, query=pieces) == [], pieces
    assert "2012-us-philippines-exercise-troops" in [r["id"] for r in query.search(conn, "7,000")]
    found = [r["id"] for r in query.search(conn, "27")]
    assert "2012-russia-china-trade-contracts-value" in found  # "27 trade contracts"
