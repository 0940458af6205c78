"""timeline() and facts() on a generated database of a few thousand rows, against a reference.

The reference reads every table in plain scans and sorts in Python, so it shares nothing with the
SQL in rusino.query: rows must come out in (start, precision, id) order and every list in
name/number order, whatever order the rows and links were inserted in and whatever the ids look
like.
"""

from __future__ import annotations

import random
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rusino import query
from rusino.build import refresh_derived, schema_sql

ACTORS = ["Russia", "China", "Japan", "Vietnam", "United States", "South Korea", "ASEAN", "Ä-land"]
TOPICS = ["energy", "trade", "diplomacy", "military", "naval-exercise", "investment"]
PRECISIONS = ["decade", "year", "season", "month", "day"]
RANK = {"day": 0, "month": 1, "season": 2, "year": 3, "decade": 4}
N_EVENTS = 3000
N_FACTS = 1500


def _date(r: random.Random) -> tuple[str, str]:
    # Few distinct starts, so many rows tie on start and the precision and id keys decide.
    year, month = 2009 + r.randrange(8), 1 + r.randrange(3)
    return f"{year}-{month:02d}-01", f"{year}-{month:02d}-{1 + r.randrange(28):02d}"


def _id(r: random.Random, kind: str, i: int, start: str) -> str:
    # Some ids date-prefixed as rusino makes them, some not: id order need not follow date order.
    return f"{start[:7]}-{kind}-{i:05d}" if r.random() < 0.5 else f"{r.getrandbits(40):010x}-{i}"


def _write(path: Path) -> None:
    r = random.Random(20240611)
    conn = sqlite3.connect(path)
    conn.executescript(schema_sql())
    conn.execute(
        "INSERT INTO sources (id, authors, title, publication, date, date_start, date_end, kind)"
        " VALUES ('s', '[\"A. Writer\"]', 'T', 'P', '2016', '2016-01-01', '2016-12-31', 'op-ed')"
    )
    conn.executemany("INSERT INTO notes VALUES ('s', ?, ?)", [(n, f"n{n}") for n in range(1, 31)])
    conn.executemany("INSERT INTO actors VALUES (?, 'state', '')", [(a,) for a in ACTORS])
    conn.executemany("INSERT INTO actor_aliases VALUES (?, ?)", [(a.lower(), a) for a in ACTORS])
    conn.executemany("INSERT INTO topics VALUES (?, '')", [(t,) for t in TOPICS])
    conn.executemany("INSERT INTO topic_aliases VALUES (?, ?)", [(t, t) for t in TOPICS])
    for table, kind, n in (("events", "event", N_EVENTS), ("facts", "fact", N_FACTS)):
        rows: list[dict[str, Any]] = []
        links: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        event_ids: list[str] = [str(x[0]) for x in conn.execute("SELECT id FROM events")]
        for i in range(n):
            start, end = _date(r)
            rid = _id(r, kind, i, start)
            row: dict[str, Any] = {
                "id": rid,
                "date": f"{start}/{end}",
                "date_start": start,
                "date_end": end,
                "date_text": f"about {start}",
                "precision": r.choice(PRECISIONS),
                "inferred": r.randrange(2),
                "in_window": 1,
                "source": "s",
                "quote": f"quote {i}",
                "comment": r.choice(["", "a comment"]),
            }
            if table == "events":
                row["summary"] = f"event {i}"
            else:
                row |= {
                    "subject": f"subject {i}",
                    "value": r.randrange(10**6),
                    "unit": "USD",
                    "as_written": f"{i}",
                    "kind": "actual",
                    "event": r.choice([None, *event_ids[:50]]),
                }
            rows.append(row)
            # Zero to all of each list, in shuffled order; 9 and 10 check numeric note order.
            for a in r.sample(ACTORS, r.randrange(len(ACTORS) + 1)):
                links["actors"].append((rid, a))
            for t in r.sample(TOPICS, r.randrange(3)):
                links["topics"].append((rid, t))
            for nb in r.sample([1, 2, 9, 10, 11, 30], r.randrange(4)):
                links["notes"].append((rid, "s", nb))
        r.shuffle(rows)  # insertion order must not matter
        cols = list(rows[0])
        conn.executemany(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [tuple(x[c] for c in cols) for x in rows],
        )
        for what, col in (("actors", "actor"), ("topics", "topic")):
            r.shuffle(links[what])
            conn.executemany(
                f"INSERT INTO {kind}_{what} ({kind}, {col}) VALUES (?, ?)", links[what]
            )
        r.shuffle(links["notes"])
        conn.executemany(
            f"INSERT INTO {kind}_notes ({kind}, source, number) VALUES (?, ?, ?)", links["notes"]
        )
    refresh_derived(conn)  # what every rusino writer does: the events' lists and digests
    conn.commit()
    conn.close()


@pytest.fixture(scope="module")
def conn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    path = tmp_path_factory.mktemp("scale") / "scale.sqlite"
    _write(path)
    c = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    yield c
    c.close()


def _lists(c: sqlite3.Connection, kind: str) -> dict[str, dict[str, list[Any]]]:
    out: dict[str, dict[str, list[Any]]] = {"actors": {}, "topics": {}, "notes": {}}
    for what, col in (("actors", "actor"), ("topics", "topic"), ("notes", "number")):
        for key, value in c.execute(f"SELECT {kind}, {col} FROM {kind}_{what}"):
            out[what].setdefault(key, []).append(value)
    return out


def _reference(c: sqlite3.Connection, table: str, kind: str) -> list[dict[str, Any]]:
    c.row_factory = sqlite3.Row
    try:
        rows = [dict(x) for x in c.execute(f"SELECT * FROM {table}")]
    finally:
        c.row_factory = None
    lists = _lists(c, kind)
    for row in rows:
        for what in ("actors", "topics", "notes"):
            row[what] = sorted(lists[what].get(row["id"], []))
    rows.sort(key=lambda x: (x["date_start"], RANK[x["precision"]], x["id"]))
    return rows


def _check(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> None:
    assert [g["id"] for g in got] == [w["id"] for w in want]
    for g, w in zip(got, want, strict=True):
        assert (g["start"], g["precision"]) == (w["date_start"], w["precision"])
        assert g["actors"] == w["actors"], g["id"]
        assert g["topics"] == w["topics"], g["id"]
        assert g["notes"] == w["notes"], g["id"]
        assert g["comment"] == w["comment"]
        assert g["inferred"] is bool(w["inferred"])


def test_timeline_matches_reference(conn: sqlite3.Connection) -> None:
    want = _reference(conn, "events", "event")
    got = list(query.timeline(conn, query.TimelineFilter()))
    assert len(got) == N_EVENTS
    _check(got, want)
    # Lists really are out of insertion order in the data, and some are empty or long.
    assert any(len(g["actors"]) == len(ACTORS) for g in got)
    assert any(not g["actors"] for g in got) and any(g["notes"][-2:] == [10, 11] for g in got)


def test_timeline_reverse_limit_and_filter(conn: sqlite3.Connection) -> None:
    want = _reference(conn, "events", "event")
    got = list(query.timeline(conn, query.TimelineFilter(reverse=True)))
    _check(got, want[::-1])
    _check(list(query.timeline(conn, query.TimelineFilter(limit=7))), want[:7])
    japan = [w for w in want if "Japan" in w["actors"]]
    got = list(query.timeline(conn, query.TimelineFilter(actors=["japan"])))
    assert 0 < len(got) < N_EVENTS
    _check(got, japan)
    both = [w for w in japan if "trade" in w["topics"]]
    _check(
        list(query.timeline(conn, query.TimelineFilter(actors=["Japan"], topics=["trade"]))), both
    )


def test_timeline_streams(conn: sqlite3.Connection) -> None:
    rows = query.timeline(conn, query.TimelineFilter())
    assert iter(rows) is rows  # an iterator, not a list
    first = next(rows)
    assert first["id"] == _reference(conn, "events", "event")[0]["id"]


def test_facts_match_reference(conn: sqlite3.Connection) -> None:
    want = _reference(conn, "facts", "fact")
    got = list(query.facts(conn, query.FactFilter()))
    assert len(got) == N_FACTS
    _check(got, want)
    assert [g["event"] for g in got] == [w["event"] for w in want]
    _check(list(query.facts(conn, query.FactFilter(reverse=True, limit=5))), want[::-1][:5])
