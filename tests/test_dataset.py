"""The bundled dataset: it passes `rusino check` and holds what the articles say."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DB = ROOT / "data" / "events.sqlite"
SEEDS = Path(os.environ.get("RUSINO_SOURCES_DIR") or ROOT.parent / "shared" / "seeds")


@pytest.fixture(scope="module")
def conn() -> sqlite3.Connection:
    return sqlite3.connect(f"file:{DB}?mode=ro", uri=True)


def test_rusino_check_passes_on_the_bundled_database() -> None:
    """Every rule of `rusino check`, including: the committed database is a fresh build of data/,
    and (when the article texts are at hand) every quote is found verbatim in its article."""
    env = {k: v for k, v in os.environ.items() if k not in ("RUSINO_DB", "RUSINO_SOURCES_DIR")}
    if SEEDS.is_dir():
        env["RUSINO_SOURCES_DIR"] = str(SEEDS)
    result = subprocess.run(
        [sys.executable, "-m", "rusino", "check", "--data", str(ROOT / "data")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("ok: ")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="article texts not at hand")
def test_every_note_cited_is_one_of_the_49(conn: sqlite3.Connection) -> None:
    assert conn.execute("select count(*) from notes where source='kim-blank-2013'").fetchone() == (
        49,
    )


def _event(conn: sqlite3.Connection, id_: str) -> dict[str, object]:
    cur = conn.execute("select * from events where id = ?", (id_,))
    row = cur.fetchone()
    assert row is not None, id_
    return dict(zip([d[0] for d in cur.description], row, strict=True))


@pytest.mark.parametrize(
    ("id_", "date", "start", "end", "precision", "in_window"),
    [
        (
            "2012-04-russia-china-naval-exercise-yellow-sea",
            "2012-04-22/2012-04-27",
            "2012-04-22",
            "2012-04-27",
            "day",
            1,
        ),
        (
            "2012-summer-russian-pacific-fleet-rimpac",
            "2012-22",
            "2012-06-01",
            "2012-08-31",
            "season",
            1,
        ),
        (
            "2008-2013-russia-trade-deficit-with-china",
            "2008/2013-12",
            "2008-01-01",
            "2013-12-31",
            "year",
            1,
        ),
        ("2000-putin-becomes-president", "2000", "2000-01-01", "2000-12-31", "year", 0),
        ("2008-russia-steps-to-be-asian-player", "2008", "2008-01-01", "2008-12-31", "year", 0),
        ("2017-china-to-receive-s400", "2017", "2017-01-01", "2017-12-31", "year", 0),
        (
            "2015-08-russia-china-naval-drills-sea-of-japan",
            "2015-08",
            "2015-08-01",
            "2015-08-31",
            "month",
            1,
        ),
    ],
)
def test_dates_and_bounds(
    conn: sqlite3.Connection,
    id_: str,
    date: str,
    start: str,
    end: str,
    precision: str,
    in_window: int,
) -> None:
    e = _event(conn, id_)
    assert (e["date"], e["date_start"], e["date_end"], e["precision"], e["in_window"]) == (
        date,
        start,
        end,
        precision,
        in_window,
    )


def test_relative_dates_are_marked_inferred(conn: sqlite3.Connection) -> None:
    assert (
        _event(conn, "2015-08-russia-china-naval-drills-sea-of-japan")["inferred"] == 1
    )  # last August
    assert _event(conn, "2015-russia-singles-out-china-core-partner")["inferred"] == 1  # last year
    assert _event(conn, "2012-04-russia-china-naval-exercise-yellow-sea")["inferred"] == 0


def test_drill_in_the_sea_of_japan_does_not_involve_japan(conn: sqlite3.Connection) -> None:
    actors = {
        a
        for (a,) in conn.execute(
            "select actor from event_actors where event = ?",
            ("2015-08-russia-china-naval-drills-sea-of-japan",),
        )
    }
    assert actors == {"Russia", "China"}


@pytest.mark.parametrize(
    ("id_", "value", "value_max", "unit", "kind", "qualifier"),
    [
        ("2012-russia-china-trade-volume", 80_000_000_000, None, "USD", "actual", "almost"),
        ("2020-russia-china-trade-target", 200_000_000_000, None, "USD", "target", "exact"),
        ("sakhalin-japan-pipeline-cost", 550_000_000, 700_000_000, "USD", "cost", "exact"),
        ("sakhalin-japan-pipeline-length", 1300, 1500, "km", "estimate", "exact"),
        ("2012-vietnam-offshore-blocks-condensate", 25_000_000, None, "t", "estimate", "more-than"),
        ("2012-gazprom-vietnam-offshore-stake", 49, None, "percent", "stake", "exact"),
        ("2016-china-loan-gazprom", 2_170_000_000, None, "USD", "loan", "exact"),
    ],
)
def test_facts(
    conn: sqlite3.Connection,
    id_: str,
    value: float,
    value_max: float | None,
    unit: str,
    kind: str,
    qualifier: str,
) -> None:
    row = conn.execute(
        "select value, value_max, unit, kind, qualifier from facts where id = ?", (id_,)
    ).fetchone()
    assert row is not None, id_
    assert tuple(row) == (value, value_max, unit, kind, qualifier)


def test_a_figure_takes_its_events_actors_and_topics(conn: sqlite3.Connection) -> None:
    """`facts --actor Russia` had missed Gazprom's stake in Vietnam's blocks (its event names
    Russia); the rule is in the facts files' headers."""
    for link, of_event, of_fact in (
        ("actor", "event_actors", "fact_actors"),
        ("topic", "event_topics", "fact_topics"),
    ):
        missing = conn.execute(
            f"SELECT f.id, e.{link} FROM facts f JOIN {of_event} e ON e.event = f.event "
            f"WHERE NOT EXISTS (SELECT 1 FROM {of_fact} x WHERE x.fact = f.id "
            f"AND x.{link} = e.{link})"
        ).fetchall()
        assert missing == []


def test_one_figure_stated_twice_is_one_actual(conn: sqlite3.Connection) -> None:
    """The pledge's "from USD80 billion in 2012" restates 2012's trade: a baseline, so that a
    sum of the actual figures counts it once."""
    actual = conn.execute(
        "SELECT id FROM facts WHERE subject = 'Russia-China trade volume' AND kind = 'actual'"
    ).fetchall()
    assert actual == [("2012-russia-china-trade-volume",)]


def test_a_target_year_is_not_an_event_date(conn: sqlite3.Connection) -> None:
    pledge = conn.execute(
        "select e.date_start, f.date from facts f join events e on e.id = f.event "
        "where f.id = '2020-russia-china-trade-target'"
    ).fetchone()
    assert pledge == ("2012-01-01", "2020")


def test_metadata_counts_match_the_readme(conn: sqlite3.Connection) -> None:
    meta = dict(conn.execute("select key, value from metadata"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = (
        f"{meta['events']} events ({meta['events_in_window']} of them overlapping 2009-2016), "
        f"{meta['facts']} facts, {meta['actors']} actors, {meta['topics']} topics, "
        f"{meta['sources']} sources and {meta['notes']} notes"
    )
    assert line in readme, f"README.md should say: {line}"
    assert json.loads(json.dumps(meta))["schema_version"] == "2"
