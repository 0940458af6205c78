"""build.py: TOML records -> SQLite, checked against the database's contents."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from rusino.build import build_database, content_hash, date_bounds, in_window, load_records
from rusino.errors import RusinoError

NAVAL = "2012-04-russia-china-naval-exercise"
SUMMER = "2012-summer-russia-china-missile-defence-concern"
SINCE_2008 = "2008-2013-russia-vietnam-fighter-sales"
PUTIN = "2016-03-putin-china-south-china-sea"
S400 = "2017-s400-deliveries-to-china"
TALKS = "2015-05-japan-russia-talks"


@pytest.fixture
def conn(fixture_db: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(fixture_db)
    yield connection
    connection.close()


@pytest.fixture
def data_copy(tmp_path: Path, fixture_data_dir: Path) -> Path:
    """A writable copy of the fixture data folder."""
    return Path(shutil.copytree(fixture_data_dir, tmp_path / "data"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def metadata(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT key, value FROM metadata").fetchall())


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edtf", "expected"),
    [
        ("2012-04-22/2012-04-27", ("2012-04-22", "2012-04-27", "day")),
        ("2012-04-22", ("2012-04-22", "2012-04-22", "day")),
        ("2012-04", ("2012-04-01", "2012-04-30", "month")),
        ("2012-02", ("2012-02-01", "2012-02-29", "month")),
        ("2012-22", ("2012-06-01", "2012-08-31", "season")),
        ("2012-21", ("2012-03-01", "2012-05-31", "season")),
        ("2016-03~", ("2016-03-01", "2016-03-31", "month")),
        ("2008/2013-12", ("2008-01-01", "2013-12-31", "year")),
        ("2012?", ("2012-01-01", "2012-12-31", "year")),
        ("2012%", ("2012-01-01", "2012-12-31", "year")),
        ("2017", ("2017-01-01", "2017-12-31", "year")),
        ("2013-12-XX", ("2013-12-01", "2013-12-31", "month")),
        ("2012-XX", ("2012-01-01", "2012-12-31", "year")),
        ("201X", ("2010-01-01", "2019-12-31", "decade")),
        ("2000/2009", ("2000-01-01", "2009-12-31", "year")),
        ("2012-21/2012-22", ("2012-03-01", "2012-08-31", "season")),
        ("2012-04/2012-05-03", ("2012-04-01", "2012-05-03", "month")),
        ("2012~/2013-04", ("2012-01-01", "2013-04-30", "year")),
        ("[2012-04,2013]", ("2012-04-01", "2013-12-31", "year")),
        # a winter runs from December to the end of February (the edtf package stops it at
        # 31 December), also as an interval's end; not when it starts one
        ("2015-24", ("2015-12-01", "2016-02-29", "season")),
        ("2013-22/2013-24", ("2013-06-01", "2014-02-28", "season")),
        ("2013-24/2014-21", ("2013-12-01", "2014-05-31", "season")),
        ("2013-30", ("2013-12-01", "2014-02-28", "season")),
    ],
)
def test_date_bounds(edtf: str, expected: tuple[str, str, str]) -> None:
    assert date_bounds(edtf) == expected


@pytest.mark.parametrize(
    "edtf", ["", "March 2012", "2012-13", "2012-02-30", "2012/..", "../2012", "2013/2012", " 2012"]
)
def test_date_bounds_rejects(edtf: str) -> None:
    with pytest.raises(RusinoError) as caught:
        date_bounds(edtf)
    assert repr(edtf) in caught.value.message


@pytest.mark.parametrize(
    ("start", "end", "inside"),
    [
        ("2008-01-01", "2008-12-31", False),
        ("2008-01-01", "2009-01-01", True),
        ("2012-01-01", "2012-12-31", True),
        ("2016-12-31", "2017-12-31", True),
        ("2017-01-01", "2017-12-31", False),
        ("2000-01-01", "2020-12-31", True),
    ],
)
def test_in_window(start: str, end: str, inside: bool) -> None:
    assert in_window(start, end) is inside


# --- what the database holds -----------------------------------------------------------------


def test_counts_in_metadata_and_tables(conn: sqlite3.Connection) -> None:
    expected = {
        "events": 6,
        "events_in_window": 5,
        "facts": 4,
        "actors": 6,
        "topics": 10,
        "sources": 2,
        "notes": 3,
    }
    meta = metadata(conn)
    assert {key: int(meta[key]) for key in expected} == expected
    assert meta["schema_version"] == "2"
    for table in ("events", "facts", "actors", "topics", "sources", "notes"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == expected[table]


def test_build_returns_counts(tmp_path: Path, fixture_data_dir: Path) -> None:
    found = build_database(fixture_data_dir, tmp_path / "out.sqlite")
    assert found["events"] == 6
    assert found["events_in_window"] == 5
    assert found["facts"] == 4


def test_build_spells_a_unit_one_way_as_import_does(tmp_path: Path, fixture_data_dir: Path) -> None:
    """A unit spelt " KM " beside km had been stored as written: its export, imported into an
    empty database, came out another spelling (import folds and trims)."""
    data = Path(shutil.copytree(fixture_data_dir, tmp_path / "data"))
    (data / "events.sqlite").unlink(missing_ok=True)
    facts = data / "facts-beta-2016.toml"
    facts.write_text(facts.read_text(encoding="utf-8").replace('unit = "t"', 'unit = " KM "'))
    build_database(data, tmp_path / "out.sqlite")
    units = sqlite3.connect(tmp_path / "out.sqlite").execute("SELECT DISTINCT unit FROM facts")
    assert sorted(u for (u,) in units) == ["USD", "count", "km"]


def test_stored_bounds_precision_and_window(conn: sqlite3.Connection) -> None:
    rows = {
        row[0]: row[1:]
        for row in conn.execute(
            "SELECT id, date_start, date_end, precision, in_window, inferred FROM events"
        )
    }
    assert rows == {
        NAVAL: ("2012-04-22", "2012-04-27", "day", 1, 0),
        SUMMER: ("2012-06-01", "2012-08-31", "season", 1, 0),
        SINCE_2008: ("2008-01-01", "2013-12-31", "year", 1, 0),
        PUTIN: ("2016-03-01", "2016-03-31", "month", 1, 0),
        S400: ("2017-01-01", "2017-12-31", "year", 0, 0),
        TALKS: ("2015-05-01", "2015-05-31", "month", 1, 1),
    }


def test_aliases_resolved_to_canonical_names(conn: sqlite3.Connection) -> None:
    def linked(table: str, column: str, key: str, rid: str) -> set[str]:
        sql = f"SELECT {column} FROM {table} WHERE {key} = ?"
        return {row[0] for row in conn.execute(sql, (rid,))}

    assert linked("event_actors", "actor", "event", NAVAL) == {"Russia", "China"}  # "Beijing"
    assert linked("event_topics", "topic", "event", NAVAL) == {"military", "naval-exercise"}
    assert linked("event_actors", "actor", "event", SUMMER) == {"Russia", "China"}  # "china"
    assert linked("event_topics", "topic", "event", SUMMER) == {"missile-defence", "statement"}
    assert linked("event_actors", "actor", "event", PUTIN) == {"Vladimir Putin", "China"}
    assert linked("event_actors", "actor", "event", TALKS) == {"Japan", "Russia"}
    country = "SELECT country FROM actors WHERE name = 'Vladimir Putin'"
    assert conn.execute(country).fetchone()[0] == "Russia"  # written as "Moscow"


def test_alias_tables(conn: sqlite3.Connection) -> None:
    actors = dict(conn.execute("SELECT alias, actor FROM actor_aliases").fetchall())
    assert actors["moscow"] == "Russia"
    assert actors["russia"] == "Russia"  # the canonical name is an alias of itself
    assert actors["putin"] == "Vladimir Putin"
    assert actors["tokyo"] == "Japan"
    assert all(alias == alias.lower() for alias in actors)
    topics = dict(conn.execute("SELECT alias, topic FROM topic_aliases").fetchall())
    assert topics["missile defense"] == "missile-defence"
    assert topics["naval exercise"] == "naval-exercise"
    assert topics["naval-exercise"] == "naval-exercise"


def test_notes_and_fact_links(conn: sqlite3.Connection) -> None:
    assert conn.execute(
        "SELECT event, source, number FROM event_notes ORDER BY event"
    ).fetchall() == [
        (SINCE_2008, "alpha-2013", 2),
        (NAVAL, "alpha-2013", 1),
    ]
    assert conn.execute("SELECT fact, number FROM fact_notes").fetchall() == [
        ("2008-2013-russia-vietnam-fighter-jets", 2)
    ]
    facts = {
        row[0]: row[1:]
        for row in conn.execute("SELECT id, value, value_max, unit, qualifier, event FROM facts")
    }
    assert facts == {
        "2012-russia-china-trade": (80_000_000_000, None, "USD", "almost", None),
        "2013-planned-pipeline-length": (1300, 1500, "km", "exact", None),
        "2008-2013-russia-vietnam-fighter-jets": (30, None, "count", "more-than", SINCE_2008),
        "2015-japan-coal-imports-from-russia": (25_000_000, None, "t", "more-than", None),
    }


def test_sources_authors_are_json(conn: sqlite3.Connection) -> None:
    rows = dict(conn.execute("SELECT id, authors FROM sources").fetchall())
    assert json.loads(rows["alpha-2013"]) == ["Ann Alpha", "Bo Beta"]
    assert json.loads(rows["beta-2016"]) == ["Cy Gamma"]
    files = dict(conn.execute("SELECT id, file FROM sources").fetchall())
    assert files == {"alpha-2013": "alpha-2013.txt", "beta-2016": "beta-2016.txt"}


def test_full_text_search(conn: sqlite3.Connection) -> None:
    events = conn.execute(
        "SELECT e.id FROM events_fts JOIN events AS e ON e.rowid = events_fts.rowid "
        "WHERE events_fts MATCH ?",
        ("qingdao",),
    ).fetchall()
    assert events == [(NAVAL,)]
    by_date_text = conn.execute(
        "SELECT e.id FROM events_fts JOIN events AS e ON e.rowid = events_fts.rowid "
        "WHERE events_fts MATCH ?",
        ('date_text:"last May"',),
    ).fetchall()
    assert by_date_text == [(TALKS,)]
    facts = conn.execute(
        "SELECT f.id FROM facts_fts JOIN facts AS f ON f.rowid = facts_fts.rowid "
        "WHERE facts_fts MATCH ?",
        ("coal",),
    ).fetchall()
    assert facts == [("2015-japan-coal-imports-from-russia",)]


def test_schema_indexes_exist(conn: sqlite3.Connection) -> None:
    indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"events_by_start", "event_actors_by_actor", "event_topics_by_topic"} <= indexes


def test_join_tables_are_one_btree_each(conn: sqlite3.Connection) -> None:
    # WITHOUT ROWID: no rowid table beside the primary key's index (an import writes millions)
    for kind in ("event", "fact"):
        for link in ("actors", "topics", "notes"):
            table = f"{kind}_{link}"
            sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
            assert sql[0].endswith("WITHOUT ROWID")
            assert not conn.execute(
                "SELECT 1 FROM sqlite_master WHERE name LIKE ?", (f"sqlite_autoindex_{table}%",)
            ).fetchall()


# --- reproducible and atomic -----------------------------------------------------------------


def test_builds_are_reproducible(tmp_path: Path, fixture_data_dir: Path) -> None:
    first, second = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    build_database(fixture_data_dir, first)
    build_database(fixture_data_dir, second)
    with sqlite3.connect(first) as a, sqlite3.connect(second) as b:
        assert metadata(a) == metadata(b)
        assert metadata(a)["content_hash"] == content_hash(a)
        assert len(metadata(a)["content_hash"]) == 64
    assert first.read_bytes() == second.read_bytes()


def test_hash_changes_with_a_record(tmp_path: Path, data_copy: Path, fixture_db: Path) -> None:
    edit(data_copy / "events-beta-2016.toml", "agree to hold talks", "agree to hold more talks")
    changed = tmp_path / "changed.sqlite"
    build_database(data_copy, changed)
    with sqlite3.connect(fixture_db) as before, sqlite3.connect(changed) as after:
        assert metadata(before)["content_hash"] != metadata(after)["content_hash"]
        assert metadata(after)["content_hash"] == content_hash(after)


def test_failed_build_leaves_existing_file(tmp_path: Path, data_copy: Path) -> None:
    out = tmp_path / "out" / "events.sqlite"
    build_database(data_copy, out)
    before = out.read_bytes()
    edit(data_copy / "events-beta-2016.toml", '"Tokyo"', '"Edo"')
    with pytest.raises(RusinoError):
        build_database(data_copy, out)
    assert out.read_bytes() == before
    assert [p.name for p in out.parent.iterdir()] == ["events.sqlite"]  # no temp file left


def test_build_replaces_a_non_database(tmp_path: Path, fixture_data_dir: Path) -> None:
    out = tmp_path / "events.sqlite"
    out.write_bytes(b"")  # e.g. the empty placeholder of a fresh checkout
    build_database(fixture_data_dir, out)
    with sqlite3.connect(out) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 6


# --- malformed input -------------------------------------------------------------------------

BETA_EVENTS = "events-beta-2016.toml"
ALPHA_FACTS = "facts-alpha-2013.toml"


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            BETA_EVENTS,
            'summary = "Japan and Russia agree to hold talks"\n',
            "",
            [TALKS, "missing required field 'summary'"],
        ),
        (BETA_EVENTS, 'date = "2017"\n', 'date = "2017"\ncolour = "red"\n', [S400, "'colour'"]),
        (
            BETA_EVENTS,
            "inferred = true",
            'inferred = "yes"',
            [TALKS, "'inferred'", "true or false"],
        ),
        (BETA_EVENTS, 'actors = ["Russia", "China"]', 'actors = "Russia"', [S400, "'actors'"]),
        (BETA_EVENTS, 'actors = ["Russia", "China"]', "actors = []", [S400, "'actors'"]),
        (BETA_EVENTS, f'id = "{TALKS}"', f'id = "{NAVAL}"', [NAVAL, "duplicate id"]),
        (
            ALPHA_FACTS,
            'id = "2012-russia-china-trade"',
            f'id = "{PUTIN}"',
            [PUTIN, "duplicate id"],
        ),
        (BETA_EVENTS, '"Tokyo"', '"Edo"', [TALKS, "unknown actor 'Edo'"]),
        (BETA_EVENTS, '"Tokyo", "Russia"', '"Tokyo", "Japan"', [TALKS, "'Japan' listed twice"]),
        (BETA_EVENTS, '"territorial-dispute"', '"piracy"', [PUTIN, "unknown topic 'piracy'"]),
        (BETA_EVENTS, 'source = "beta-2016"', 'source = "gamma-2020"', ["unknown source"]),
        (
            "events-alpha-2013.toml",
            "notes = [1]",
            "notes = [9]",
            [NAVAL, "note 9 is not among the notes of 'alpha-2013'"],
        ),
        (
            ALPHA_FACTS,
            f'event = "{SINCE_2008}"',
            'event = "no-such-event"',
            ["2008-2013-russia-vietnam-fighter-jets", "'no-such-event'"],
        ),
        (
            ALPHA_FACTS,
            "value = 1300",
            "value = 1600",
            ["2013-planned-pipeline-length", "greater than value_max 1500"],
        ),
        (ALPHA_FACTS, "value = 30\n", 'value = "30"\n', ["fighter-jets", "must be a number"]),
        # add's and import's rules, so that a build's export imports back into it
        (
            "sources.toml",
            'id = "alpha-2013"',
            'id = "alpha 2013"',
            ["'alpha 2013' is not one word"],
        ),
        ("sources.toml", '"Ann Alpha"', '"{Ann Alpha"', ["author '{Ann Alpha' is not a name"]),
        (
            BETA_EVENTS,
            f'id = "{TALKS}"',
            'id = "-talks"',
            ["'-talks' is not one word"],
        ),
        (
            ALPHA_FACTS,
            'id = "2012-russia-china-trade"',
            'id = "trade 2012"',
            ["'trade 2012' is not one word"],
        ),
        ("actors.toml", '"Tokyo", "Japanese"', '"Tokyo, Japan"', ["'Tokyo, Japan' holds ','"]),
        (ALPHA_FACTS, 'qualifier = "almost"', 'qualifier = "nearly"', ["'nearly'"]),
        (BETA_EVENTS, 'date = "2016-03~"', 'date = "March 2016"', [PUTIN, "'March 2016'"]),
        (BETA_EVENTS, 'date = "2017"', 'date = "2017/.."', [S400, "'2017/..'"]),
        (BETA_EVENTS, 'date = "2017"', "date = 2017", [S400, "'date'"]),
        (BETA_EVENTS, "[[event]]", "[[event]\n", ["not valid TOML"]),
        (BETA_EVENTS, "[[event]]", "[[fact]]", ["unexpected key 'fact'"]),
        (
            "actors.toml",
            'aliases = ["Hanoi"]',
            'aliases = ["Hanoi", "Tokyo"]',
            ["'Tokyo'", "Japan"],
        ),
        ("actors.toml", 'kind = "person"', 'kind = "leader"', ["'Vladimir Putin'", "'leader'"]),
        ("actors.toml", 'country = "Moscow"', 'country = "Muscovy"', ["unknown actor 'Muscovy'"]),
        ("notes-alpha-2013.toml", "number = 3", "number = 2", ["duplicate note number"]),
        ("sources.toml", 'id = "beta-2016"', 'id = "alpha-2013"', ["duplicate source id"]),
        ("sources.toml", 'date = "2016-04"', 'date = "April 2016"', ["'April 2016'"]),
    ],
)
def test_malformed_input_names_file_and_record(
    data_copy: Path, file: str, old: str, new: str, expected: list[str]
) -> None:
    edit(data_copy / file, old, new)
    with pytest.raises(RusinoError) as caught:
        load_records(data_copy)
    message = caught.value.message
    assert message.startswith(f"{file}:"), message
    for fragment in expected:
        assert fragment in message, message


def test_unknown_file_name(data_copy: Path) -> None:
    (data_copy / "misc.toml").write_text("", encoding="utf-8")
    with pytest.raises(RusinoError, match=r"misc\.toml: not a rusino data file"):
        load_records(data_copy)


def test_missing_data_folder(tmp_path: Path) -> None:
    with pytest.raises(RusinoError, match="no data folder"):
        load_records(tmp_path / "nowhere")
    with pytest.raises(RusinoError, match="no \\[\\[source\\]\\]"):
        load_records(tmp_path)


def test_load_records_sorted_and_resolved(fixture_data_dir: Path) -> None:
    records = load_records(fixture_data_dir)
    assert [e["id"] for e in records.events] == sorted(e["id"] for e in records.events)
    naval = next(e for e in records.events if e["id"] == NAVAL)
    assert naval["actors"] == ["China", "Russia"]
    assert naval["topics"] == ["military", "naval-exercise"]
    assert (naval["date_start"], naval["date_end"], naval["precision"]) == (
        "2012-04-22",
        "2012-04-27",
        "day",
    )
    assert [s["id"] for s in records.sources] == ["alpha-2013", "beta-2016"]


@pytest.mark.parametrize(
    "values",
    [
        ["events", "id-1", "2012-04", 0, 1, "Россия и Китай \u201cquoted\u201d \\ \n\t\x1f", ""],
        ["facts", 1.5, 2, None, True, False, 1e300, -0.0, 10**30, float("nan")],
        [],
    ],
)
def test_dumps_list_is_json_dumps(values: list[object]) -> None:
    """The digests' JSON text is json.dumps's, byte for byte (content_hash depends on it)."""
    from rusino.build import dumps_list

    assert dumps_list(values) == json.dumps(values, ensure_ascii=False)
