"""check.py: a sound database passes; each kind of damage gives its own line."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from rusino.check import check_database
from rusino.db import BUNDLE_MARK
from rusino.errors import RusinoError

NAVAL = "2012-04-russia-china-naval-exercise"
PIPELINE = "2013-planned-pipeline-length"
TRADE = "2012-russia-china-trade"


def corrupt(db: Path, *statements: str) -> None:
    with sqlite3.connect(db) as conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()


def has_line(problems: list[str], start: str, fragment: str) -> bool:
    return any(line.startswith(start) and fragment in line for line in problems)


def test_sound_database_has_no_problems(
    fixture_db: Path, fixture_data_dir: Path, fixture_sources_dir: Path
) -> None:
    assert check_database(fixture_db, fixture_data_dir, fixture_sources_dir) == []


def test_quotes_are_matched_with_whitespace_folded(fixture_sources_dir: Path) -> None:
    text = (fixture_sources_dir / "alpha-2013.txt").read_text(encoding="utf-8")
    assert "bilateral naval exercise" not in text  # a line break sits between the two words


@pytest.mark.parametrize(
    ("statements", "start", "fragment"),
    [
        (
            [f"UPDATE events SET date_end = '2012-04-28' WHERE id = '{NAVAL}'"],
            NAVAL,
            "stored bounds 2012-04-22..2012-04-28 (day) disagree",
        ),
        (
            [f"UPDATE events SET precision = 'month' WHERE id = '{NAVAL}'"],
            NAVAL,
            "disagree with date '2012-04-22/2012-04-27'",
        ),
        (
            [f"UPDATE events SET date_start = '2012-05-01' WHERE id = '{NAVAL}'"],
            NAVAL,
            "date_start 2012-05-01 is after date_end 2012-04-27",
        ),
        ([f"UPDATE events SET date = 'April 2012' WHERE id = '{NAVAL}'"], NAVAL, "'April 2012'"),
        ([f"UPDATE events SET in_window = 0 WHERE id = '{NAVAL}'"], NAVAL, "in_window is 0"),
        ([f"DELETE FROM event_actors WHERE event = '{NAVAL}'"], NAVAL, "no actor"),
        (
            [f"INSERT INTO event_actors VALUES ('{NAVAL}', 'Japan')"],
            NAVAL,
            "stale actor_list, digest (`rusino db upgrade`",
        ),
        ([f"UPDATE events SET note_list = '' WHERE id = '{NAVAL}'"], NAVAL, "stale note_list"),
        ([f"DELETE FROM fact_topics WHERE fact = '{TRADE}'"], TRADE, "no topic"),
        ([f"UPDATE events SET quote = ' ' WHERE id = '{NAVAL}'"], NAVAL, "empty quote"),
        ([f"UPDATE facts SET unit = '' WHERE id = '{TRADE}'"], TRADE, "no unit"),
        (
            [f"UPDATE facts SET value = 2000 WHERE id = '{PIPELINE}'"],
            PIPELINE,
            "value 2000 is greater than value_max 1500",
        ),
        ([f"UPDATE facts SET value = 'lots' WHERE id = '{TRADE}'"], TRADE, "is not a number"),
        (
            [f"UPDATE facts SET value = 1400 WHERE id = '{PIPELINE}'"],
            PIPELINE,
            "value 1,400 is not a figure that as_written '1,300 to 1,500 kilometres' states",
        ),
        (
            [f"UPDATE facts SET as_written = 'almost USD8 billion' WHERE id = '{TRADE}'"],
            TRADE,
            "value 80,000,000,000 is not a figure that as_written 'almost USD8 billion' states",
        ),
        (
            [
                "UPDATE event_topics SET topic = 'piracy' "
                f"WHERE event = '{NAVAL}' AND topic = 'military'"
            ],
            NAVAL,
            "topic 'piracy' does not exist",
        ),
        (
            [
                "UPDATE event_actors SET actor = 'Atlantis' "
                f"WHERE event = '{NAVAL}' AND actor = 'China'"
            ],
            NAVAL,
            "actor 'Atlantis' does not exist",
        ),
        (
            [f"INSERT INTO event_notes VALUES ('{NAVAL}', 'alpha-2013', 9)"],
            NAVAL,
            "note 'alpha-2013 #9' does not exist",
        ),
        (
            [f"UPDATE facts SET event = 'gone' WHERE id = '{TRADE}'"],
            TRADE,
            "event 'gone' does not exist",
        ),
        (
            [f"UPDATE events SET source = 'gamma' WHERE id = '{NAVAL}'"],
            NAVAL,
            "source 'gamma' does not exist",
        ),
        (
            ["UPDATE actors SET country = 'Muscovy' WHERE name = 'Vladimir Putin'"],
            "Vladimir Putin",
            "country 'Muscovy' does not exist",
        ),
        (
            ["INSERT INTO event_topics VALUES ('no-such-event', 'trade')"],
            "event_topics",
            "event 'no-such-event' does not exist",
        ),
        (
            [f"UPDATE facts SET id = '{NAVAL}' WHERE id = '{TRADE}'"],
            NAVAL,
            "used by both an event and a fact",
        ),
        (
            [f"UPDATE event_notes SET source = 'beta-2016' WHERE event = '{NAVAL}'"],
            NAVAL,
            "note 'beta-2016 #1' does not exist",
        ),
        (
            ["UPDATE metadata SET value = '7' WHERE key = 'events'"],
            "metadata",
            "events is '7' but the rows count 6",
        ),
        ([f"DELETE FROM fact_notes WHERE fact != '{TRADE}'"], "metadata", "content_hash"),
        (
            ["DROP TRIGGER events_au", f"UPDATE events SET summary = 'zebra' WHERE id = '{NAVAL}'"],
            "events_fts",
            "full-text index does not match events",
        ),
    ],
)
def test_each_problem_is_reported(
    fixture_db: Path, statements: list[str], start: str, fragment: str
) -> None:
    corrupt(fixture_db, *statements)
    problems = check_database(fixture_db)
    assert has_line(problems, start, fragment), problems


def test_any_content_change_breaks_the_hash_and_the_digest(fixture_db: Path) -> None:
    corrupt(fixture_db, f"UPDATE events SET comment = 'edited by hand' WHERE id = '{NAVAL}'")
    assert check_database(fixture_db) == [
        f"{NAVAL}: stale digest (`rusino db upgrade` rewrites them from its rows)",
        "metadata: content_hash does not match the rows (changed by another tool? "
        "`rusino db upgrade` rewrites it for your own database, `rusino db build` for "
        "the bundled one)",
    ]


def test_quote_missing_from_its_article(
    fixture_db: Path, fixture_sources_dir: Path, tmp_path: Path
) -> None:
    sources = Path(shutil.copytree(fixture_sources_dir, tmp_path / "sources"))
    article = sources / "beta-2016.txt"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("25 million tons", "25 million tonnes"), encoding="utf-8")
    problems = check_database(fixture_db, sources_dir=sources)
    assert problems == [
        "2015-japan-coal-imports-from-russia: quote not found in beta-2016.txt: "
        "'Japan imported more than 25 million tons of coal from Russia'"
    ]


def test_quote_changed_in_database(fixture_db: Path, fixture_sources_dir: Path) -> None:
    corrupt(
        fixture_db, f"UPDATE events SET quote = 'Russia and China never met' WHERE id = '{NAVAL}'"
    )
    problems = check_database(fixture_db, sources_dir=fixture_sources_dir)
    assert f"{NAVAL}: quote not found in alpha-2013.txt: 'Russia and China never met'" in problems


def test_source_without_article(
    fixture_db: Path, tmp_path: Path, fixture_sources_dir: Path
) -> None:
    corrupt(fixture_db, "UPDATE sources SET file = '' WHERE id = 'beta-2016'")
    problems = check_database(fixture_db, sources_dir=fixture_sources_dir)
    assert has_line(problems, "source beta-2016", "no `file`")
    problems = check_database(fixture_db, sources_dir=tmp_path)  # no article files there
    assert has_line(problems, "source alpha-2013", "cannot read its article")
    # in words, with the likely cause (Python's "[Errno 2] No such file..." had been shown)
    said = next(p for p in problems if p.startswith("source alpha-2013"))
    assert said.endswith(f"no such file in {tmp_path} (is it the articles' folder?)")
    assert "Errno" not in said


def test_stale_against_data_dir(fixture_db: Path, fixture_data_dir: Path, tmp_path: Path) -> None:
    data = Path(shutil.copytree(fixture_data_dir, tmp_path / "data"))
    events = data / "events-beta-2016.toml"
    text = events.read_text(encoding="utf-8")
    events.write_text(text.replace("agree to hold talks", "agree to talk"), encoding="utf-8")
    # a database of one's own (db init's, add's) is not told to run db build, which cannot make
    # it; nor is one built with --out, which db build makes only with --force
    problems = check_database(fixture_db, data_dir=data)
    assert problems == [
        f"{fixture_db} differs from a fresh build of {data} in events (if it is a build of "
        f"{data}, `rusino db build --data {data} --out {fixture_db} --force` makes it again; a "
        "database of your own (db init, add) is not)"
    ]
    bundled = tmp_path / "bundled.sqlite"  # marked as the bundled database's build is
    shutil.copyfile(fixture_db, bundled)
    with sqlite3.connect(bundled) as conn:
        conn.execute("INSERT INTO metadata (key, value) VALUES (?, 'read-only')", (BUNDLE_MARK,))
    problems = check_database(bundled, data_dir=data)
    assert problems == [
        f"{bundled} differs from a fresh build of {data} in events (`rusino db build --data "
        f"{data} --out {bundled}` makes it again)"
    ]


def test_data_dir_that_does_not_build(
    fixture_db: Path, fixture_data_dir: Path, tmp_path: Path
) -> None:
    data = Path(shutil.copytree(fixture_data_dir, tmp_path / "data"))
    (data / "misc.toml").write_text("", encoding="utf-8")
    problems = check_database(fixture_db, data_dir=data)
    assert problems == [f"{data}: cannot be built: misc.toml: not a rusino data file name"]


def test_not_a_rusino_database(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(RusinoError, match="not a rusino database"):
        check_database(other)


def test_check_does_not_modify_the_database(fixture_db: Path, fixture_data_dir: Path) -> None:
    before = fixture_db.read_bytes()
    check_database(fixture_db, fixture_data_dir)
    assert fixture_db.read_bytes() == before


def test_a_lock_during_check_is_busy_not_a_problem(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process's write that outlasts the wait is "database is busy" (exit 1), never a
    line saying the data is broken."""
    from rusino import check

    def locked(conn: sqlite3.Connection) -> list[str]:
        conn.execute("SELECT 1")
        error = sqlite3.OperationalError("database is locked")
        error.sqlite_errorcode = sqlite3.SQLITE_BUSY  # type: ignore[attr-defined]
        raise error

    monkeypatch.setattr(check, "_ids", locked)
    with pytest.raises(RusinoError, match="database is busy"):
        check_database(fixture_db)


def test_texts_a_write_refuses_are_problems(fixture_db: Path) -> None:
    """A database an older rusino (or another tool) wrote with an ESC in a summary passed
    check; its export then did not import back, and tsv carried the ESC to the terminal."""
    corrupt(
        fixture_db,
        f"UPDATE events SET summary = 'Esc ' || char(27) || '[31m' WHERE id = '{NAVAL}'",
        f"UPDATE facts SET subject = 'Two' || char(10) || 'lines' WHERE id = '{TRADE}'",
        f"UPDATE events SET quote = 'Over' || char(10) || 'lines' WHERE id = '{NAVAL}'",  # fine
    )
    problems = check_database(fixture_db)
    assert has_line(problems, NAVAL, "summary holds a control character (U+001B)")
    assert has_line(problems, TRADE, "subject holds a line break (U+000A)")
    assert not has_line(problems, NAVAL, "quote holds")


def test_every_texts_characters_are_checked(fixture_db: Path) -> None:
    """Authors, urls and aliases had been left out of the rule (and authors that are no JSON
    made export an internal error)."""
    corrupt(
        fixture_db,
        "UPDATE sources SET authors = '[\"Ann Alpha' || char(27) || '\"]' WHERE id = 'alpha-2013'",
        "UPDATE sources SET url = 'http://x' || char(10) WHERE id = 'beta-2016'",
        "UPDATE topic_aliases SET alias = alias || char(27) WHERE rowid = 1",
    )
    problems = check_database(fixture_db)
    assert has_line(problems, "source alpha-2013", "authors holds a control character")
    assert has_line(problems, "source beta-2016", "url holds a line break (U+000A)")
    assert has_line(problems, "topic ", "alias holds a control character")
    for authors in ("Ann", '"Ann"', "[]", '[""]', "[1]", "null"):  # what import refuses
        corrupt(fixture_db, f"UPDATE sources SET authors = '{authors}' WHERE id = 'alpha-2013'")
        assert has_line(
            check_database(fixture_db), "source alpha-2013", "authors is not a JSON list of names"
        ), authors
