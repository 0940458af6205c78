"""`rusino import` and `rusino export`: the round trip (jsonl, json, csv), spreadsheet-safe csv,
TimelineJS, and every bad input as one line on stderr with exit 2 and nothing written."""

from __future__ import annotations

import codecs
import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from rusino import build, export, render, store
from rusino.check import check_database
from rusino.cli import run

LINKS = ("actors", "topics", "notes")


def emptied(path: Path) -> Path:
    """The database at path with every event and fact deleted (vocabularies and sources kept)."""
    conn = store.connect_writable(path)
    with store.transaction(conn):
        for kind in ("fact", "event"):
            for link in LINKS:
                conn.execute(f"DELETE FROM {kind}_{link}")
            conn.execute(f"DELETE FROM {kind}s")
    conn.close()
    return path


def digest(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return build.content_hash(conn)
    finally:
        conn.close()


def stored(path: Path, sql: str) -> tuple[Any, ...] | None:
    """The first row sql selects from the database at path."""
    conn = sqlite3.connect(path)
    try:
        row = conn.execute(sql).fetchone()
        return tuple(row) if row is not None else None
    finally:
        conn.close()


UNLOOKED = "note: quotes not looked up"  # the fixture's articles are not at hand here


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The exit code, stdout and stderr (without the note that quotes were not looked up,
    which test_a_quote_not_looked_up_is_said_to_be checks)."""
    code = run(list(args))
    out = capsys.readouterr()
    err = "".join(line for line in out.err.splitlines(True) if not line.startswith(UNLOOKED))
    return code, out.out, err


def test_a_quote_not_looked_up_is_said_to_be(
    fixture_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the articles not at hand, a quote was taken unchecked, and nothing said so."""
    monkeypatch.delenv("RUSINO_SOURCES_DIR", raising=False)
    args = ["--db", str(fixture_db), "add", "event", "--date", "2013", "--summary", "S"]
    args += ["--actor", "Russia", "--topic", "energy", "--source", "alpha-2013", "--quote", "q"]
    assert run(args) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "added event 2013-s"
    assert err[1].startswith(f"{UNLOOKED} in the article of alpha-2013, which is not at hand")
    row = {"type": "event", "date": "2014", "summary": "T", "actors": ["Russia"],
           "topics": ["energy"], "source": "beta-2016", "quote": "q"}  # fmt: skip
    (tmp_path / "one.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert run(["--db", str(fixture_db), "import", str(tmp_path / "one.jsonl")]) == 0
    assert (
        capsys.readouterr()
        .err.splitlines()[1]
        .startswith(f"{UNLOOKED} in the article of beta-2016")
    )
    # a file of rows already there, and one new citing alpha-2013: only alpha-2013 is named
    # (every source of the file had been, though none of their rows was written)
    export = tmp_path / "all.jsonl"
    assert run(["--db", str(fixture_db), "export", "-f", "jsonl", "--what", "events"]) == 0
    new = row | {"source": "alpha-2013", "summary": "U"}
    export.write_text(capsys.readouterr().out + json.dumps(new) + "\n", encoding="utf-8")
    assert run(["--db", str(fixture_db), "import", str(export)]) == 0
    note = capsys.readouterr().err.splitlines()[1]
    assert note.startswith(f"{UNLOOKED} in the article of alpha-2013, which"), note
    articles = tmp_path / "articles"  # at hand: looked up, nothing said
    articles.mkdir()
    for (name,) in sqlite3.connect(fixture_db).execute("SELECT file FROM sources WHERE file <> ''"):
        (articles / name).write_text("the quote q", encoding="utf-8")
    monkeypatch.setenv("RUSINO_SOURCES_DIR", str(articles))
    assert run([*args[:5], "2015", *args[6:]]) == 0  # (another date: another id)
    assert capsys.readouterr().err.splitlines() == ["added event 2015-s"]


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_round_trip(
    fmt: str, fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a record with every awkward value: formula-like text, quotes, newlines, unicode
    conn = store.connect_writable(fixture_db)
    store.add_record(
        conn,
        "event",
        {
            "date": "2013-05",
            "date_text": "=in May 2013",
            "summary": '-Russia says "no"; China, 2',  # (one line: a break is refused)
            "actors": ["Russia", "China"],
            "topics": ["energy", "trade"],
            "source": "alpha-2013",
            "notes": [1, 3],
            "quote": "'=SUM(A1) @me \u00e9\u4e2d",
            "comment": "\tstarts with a tab, 2\nlines\rand a lone CR",
        },
        store.Options(),
    )
    fact = {"subject": "Share", "value": 0.1 + 0.2, "value_max": 1 / 3, "unit": "percent"}
    fact |= {"as_written": "a third", "date": "2013", "date_text": "2013", "kind": "estimate"}
    fact |= {"actors": ["Russia"], "topics": ["trade"], "source": "alpha-2013", "quote": "\rq"}
    store.add_record(conn, "fact", fact, store.Options())  # floats that 15 digits cannot hold
    # beyond SQLite's integers, which csv writes out (200000000000000000000 had been refused
    # back, "too large to store exactly"), and a float's smallest
    huge = fact | {"subject": "Huge", "value": 2e20, "value_max": 1.5e300, "as_written": "a lot"}
    store.add_record(conn, "fact", huge, store.Options())
    tiny = huge | {"subject": "Tiny", "value": 5e-324, "value_max": None}
    store.add_record(conn, "fact", tiny, store.Options())
    conn.close()
    original = digest(fixture_db)
    code, first, err = cli(capsys, "--db", str(fixture_db), "export", "--format", fmt)
    assert code == 0, err
    file = tmp_path / f"export.{fmt}"
    file.write_text(first, encoding="utf-8")

    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(fixture_db.read_bytes())
    emptied(copy)
    assert digest(copy) != original
    code, out, err = cli(capsys, "--db", str(copy), "import", str(file))
    assert (code, out) == (0, ""), err
    # jsonl and json hold the sources, actors and topics too (csv has events and facts only)
    vocab = "" if fmt == "csv" else "; 2 sources, 6 actors, 10 topics unchanged"
    assert err.strip().endswith("14 added, 0 unchanged, 0 replaced" + vocab)
    assert digest(copy) == original  # nothing lost
    assert check_database(copy) == []
    code, second, _ = cli(capsys, "--db", str(copy), "export", "--format", fmt)
    assert second == first
    # importing again changes nothing: not a byte of the file
    before = copy.read_bytes()
    code, _, err = cli(capsys, "--db", str(copy), "import", str(file))
    assert code == 0 and err.strip().endswith("0 added, 14 unchanged, 0 replaced" + vocab)
    assert copy.read_bytes() == before


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_a_whole_export_rebuilds_the_database_anywhere(
    fmt: str, fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Sources (with notes), actors and topics (with aliases) come first in the export, so that
    importing it into an empty database (`db init --empty`) gives the same database; into one
    that has them, they are unchanged."""
    conn = store.connect_writable(fixture_db)
    store.add_source(conn, {"id": "mine-2015", "authors": ["Smith, John"], "title": "T",
                            "publication": "P", "date": "2015/2016", "kind": "report"})  # fmt: skip
    new = store.Options(new_actors=True, new_topics=True, actor_kind="organisation")
    event = GOOD | {"source": "mine-2015", "actors": ["Rosatom"], "topics": ["nuclear power"]}
    store.add_record(conn, "event", event, new)
    conn.close()
    code, out, err = cli(capsys, "--db", str(fixture_db), "export", "--format", fmt)
    file = bad_jsonl(tmp_path, out, f"all.{fmt}")
    empty = tmp_path / "empty.sqlite"
    assert cli(capsys, "db", "init", "--empty", str(empty))[0] == 0
    code, out, err = cli(capsys, "--db", str(empty), "import", str(file))
    assert (code, out) == (0, ""), err
    assert err.strip().endswith("; 3 sources, 7 actors, 11 topics added"), err
    assert digest(empty) == digest(fixture_db)  # nothing lost, nothing made up
    assert check_database(empty) == []
    assert cli(capsys, "--db", str(empty), "export", "--format", fmt)[1] == file.read_text()
    code, _, err = cli(capsys, "--db", str(empty), "import", str(file))
    assert code == 0 and err.strip().endswith("; 3 sources, 7 actors, 11 topics unchanged")


def test_shared_records_are_added_never_changed(
    fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = digest(fixture_db)
    source = {"type": "source", "id": "alpha-2013", "authors": ["Someone Else"], "title": "T",
              "publication": "P", "date": "2013", "kind": "journal article"}  # fmt: skip
    actor = {"type": "actor", "name": "Japan", "kind": "person", "aliases": []}
    taken = {"type": "topic", "name": "Fuel", "aliases": ["energy"]}  # energy is a topic
    text = "".join(json.dumps(r) + "\n" for r in (source, actor, taken)) + line()
    code, out, err = cli(capsys, "--db", str(fixture_db), "import",
                         str(bad_jsonl(tmp_path, text)))  # fmt: skip
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert "bad.jsonl:1" in lines[0] and "source 'alpha-2013' exists with different" in lines[0]
    assert "bad.jsonl:2" in lines[1] and "actor 'Japan' exists with different content" in lines[1]
    assert "bad.jsonl:3" in lines[2] and "alias 'energy' already names 'energy'" in lines[2]
    assert lines[-1].startswith("rusino: 3 invalid rows of 4") and digest(fixture_db) == before
    csv_text = "type,id,title\nsource,x,T\n"
    code, _, err = cli(capsys, "--db", str(fixture_db), "import",
                       str(bad_jsonl(tmp_path, csv_text, "v.csv")))  # fmt: skip
    assert code == 2 and "a csv holds events and facts, not a source" in err


def test_export_rows_match_timeline(fixture_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "--db", str(fixture_db), "export", "--what", "events")
    rows = [json.loads(line) for line in out.splitlines()]
    code, tl, _ = cli(capsys, "--db", str(fixture_db), "timeline", "--format", "jsonl")
    expected = [{"type": "event", **json.loads(line)} for line in tl.splitlines()]
    assert rows == expected
    code, out, _ = cli(capsys, "--db", str(fixture_db), "export", "--what", "facts")
    assert code == 0
    _code, fa, _ = cli(capsys, "--db", str(fixture_db), "facts", "--format", "jsonl")
    assert [json.loads(x) for x in out.splitlines()] == [
        {"type": "fact", **json.loads(x)} for x in fa.splitlines()
    ]


def test_filtered_export_is_the_timeline(
    fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--actor", "Japan", "--from", "2012", "--to", "2016"]
    code, out, _ = cli(capsys, "--db", str(fixture_db), "export", *args)
    assert code == 0
    _code, tl, _ = cli(capsys, "--db", str(fixture_db), "timeline", *args, "--format", "jsonl")
    assert out and [json.loads(x) for x in out.splitlines()] == [
        {"type": "event", **json.loads(x)} for x in tl.splitlines()
    ]


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+1", "-1+1", "-x", "-1-", "@SUM(A1)", "\tx", "\rx", "'=x", "''", "'a", "'", "plain",
     "", "'-5"],
)  # fmt: skip
def test_neutralise_is_safe_and_reversible(text: str) -> None:
    cell = render.neutralise(text)
    assert not cell.startswith(render.FORMULA_STARTS)
    assert export.restore(cell) == text


@pytest.mark.parametrize("number", ["-5", "-2.5", "-1e9", "-.5", "-0"])
def test_a_negative_number_stays_a_number(number: str) -> None:
    """'-5 had been written: text to a spreadsheet, which would not add it up."""
    assert render.neutralise(number) == number == export.restore(number)


def test_csv_cells_are_neutralised(fixture_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conn = store.connect_writable(fixture_db)
    store.add_record(
        conn,
        "event",
        {
            "id": "formula",
            "date": "2013",
            "date_text": "in 2013",
            "summary": '=HYPERLINK("http://x")',
            "actors": ["Russia"],
            "topics": ["energy"],
            "source": "alpha-2013",
            "quote": "@evil",
        },
        store.Options(),
    )
    conn.close()
    _code, out, _ = cli(capsys, "--db", str(fixture_db), "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["type"] for r in rows} == {"event", "fact"}
    for row in rows:
        for value in row.values():
            assert not value.startswith(render.FORMULA_STARTS), value
    formula = next(r for r in rows if r["id"] == "formula")
    assert formula["summary"] == '\'=HYPERLINK("http://x")' and formula["quote"] == "'@evil"


def test_timelinejs(fixture_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "--db", str(fixture_db), "export", "--format", "timelinejs")
    assert code == 0
    doc = json.loads(out)
    slides = {s["unique_id"]: s for s in doc["events"]}
    _code, tl, _ = cli(capsys, "--db", str(fixture_db), "timeline", "--format", "jsonl")
    events = [json.loads(x) for x in tl.splitlines()]
    assert len(slides) == len(events)
    for event in events:
        slide = slides[event["id"]]
        depth = {"day": 3, "month": 2, "season": 2}.get(event["precision"], 1)
        assert len(slide["start_date"]) == depth
        assert slide["start_date"]["year"] == int(event["start"][:4])
        if event["precision"] == "season":  # as its months: summer 2012 is June to August
            assert (slide["start_date"]["month"], slide["end_date"]["month"]) == (
                int(event["start"][5:7]),
                int(event["end"][5:7]),
            )
        assert slide["group"] in event["actors"]
        assert slide["text"]["headline"] and event["quote"][:10] in slide["text"]["text"]
        assert slide["media"]["credit"].startswith(("Alpha", "Gamma"))
        # shown: TimelineJS draws no credit of a media without a url, so it is in the text
        shown = f"<p><small>{slide['media']['credit']}</small></p>" in slide["text"]["text"]
        assert shown is (slide["media"]["url"] == "")
        assert '"' not in slide["media"]["credit"]  # HTML, as headline and text: &quot;
    day = next(e for e in events if e["precision"] == "day" and e["start"] != e["end"])
    s = slides[day["id"]]
    assert s["end_date"]["day"] == int(day["end"][8:])
    assert s["display_date"] != day["date"]  # words, not EDTF


@pytest.mark.parametrize(
    ("date", "start", "end", "start_date", "end_date"),
    [
        ("2012/2013-05", "2012-01-01", "2013-05-31", {"year": 2012}, {"year": 2013, "month": 5}),
        ("2012-04-22/2012-05", "2012-04-22", "2012-05-31",
         {"year": 2012, "month": 4, "day": 22}, {"year": 2012, "month": 5}),
        ("2000/2016-21", "2000-01-01", "2016-05-31", {"year": 2000}, {"year": 2016, "month": 5}),
    ],
)  # fmt: skip
def test_a_slide_gives_each_end_at_its_own_precision(
    date: str, start: str, end: str, start_date: dict[str, int], end_date: dict[str, int]
) -> None:
    """The row's precision is its coarsest end's: 2012/2013-05 ended in 2013, not May 2013."""
    row = {"id": "x", "date": date, "start": start, "end": end, "precision": "year",
           "summary": "s", "actors": ["Russia"], "source": "s", "quote": "q"}  # fmt: skip
    slide = export.slide(row, {})
    assert (slide["start_date"], slide["end_date"]) == (start_date, end_date)


def bad_jsonl(tmp_path: Path, text: str | bytes, name: str = "bad.jsonl") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


GOOD: dict[str, Any] = {
    "date": "2013",
    "date_text": "in 2013",
    "summary": "Something happens",
    "actors": ["Russia"],
    "topics": ["energy"],
    "source": "alpha-2013",
    "quote": "something",
}
FACT = {
    "subject": "s",
    "value": 5,
    "value_max": 3,
    "unit": "km",
    "as_written": "5 km",
    "date": "2013",
    "date_text": "2013",
    "kind": "actual",
    "actors": ["Russia"],
    "topics": ["energy"],
    "source": "alpha-2013",
    "quote": "q",
}


def line(**change: Any) -> str:
    return json.dumps(GOOD | change) + "\n"


BAD_INPUTS: dict[str, tuple[str | bytes, str, str]] = {
    "malformed json": (line() + '{"date": "2013",\n', "bad.jsonl", "bad.jsonl:2: not valid JSON"),
    "malformed csv": ('type,id,date\nevent,"x,2013\n', "bad.csv", "not valid CSV"),
    # a header alone, with no row to report its unknown field, had imported nothing, quietly
    "csv header alone, unknown column": ("id,date,foo\n", "h.csv", "unknown column 'foo'"),
    "csv header of no field": ("foo,bar\n", "h.csv", "no column of the header is a field of"),
    "csv header with a nameless column": ("id,date,,summary\n", "h.csv", "h.csv:1: column 3 of"),
    "non-utf-8": (
        line().encode() + b'{"summary": "\xe9"}\n',
        "bad.jsonl",
        "bad.jsonl:2: not UTF-8",
    ),
    "missing field": (
        json.dumps({k: v for k, v in GOOD.items() if k != "quote"}) + "\n",
        "bad.jsonl",
        "missing required field 'quote'",
    ),
    "invalid edtf": (line(date="2013-99"), "bad.jsonl", "not a usable EDTF date"),
    "id with spaces": (line(id="Bad id"), "bad.jsonl", "field 'id': 'Bad id' is not one word"),
    "id as a path": (line(id="../../etc"), "bad.jsonl", "'../../etc' is not one word"),
    "id with a NUL": (line(id="a\x00b"), "bad.jsonl", "'a\\x00b' is not one word"),
    "id with a zero-width space": (line(id="a\u200bb"), "bad.jsonl", "is not one word"),
    # `timeline | cut -f1 | xargs rusino show` stopped at it: "unmatched double quote"
    # stored as given, then shown raw, and refused by --from: a day at most
    "date with a time": (line(date="2012-04-22T00:00:00"), "bad.jsonl", "has a time"),
    "id with a double quote": (line(id='a"b'), "bad.jsonl", "'a\"b' is not one word"),
    "id with a quote": (line(id="o'neill-1"), "bad.jsonl", "is not one word"),
    "start after end": (line(date="2014/2013"), "bad.jsonl", "ends before it starts"),
    "fullwidth digits": (line(date="\uff12\uff10\uff11\uff12"), "bad.jsonl", "other than ASCII"),
    "unknown source": (
        line(source="gamma-2020"),
        "bad.jsonl",
        "unknown source 'gamma-2020' (known sources: alpha-2013, beta-2016; if it is new, add it "
        "with `rusino add source` or a source row before this one)",
    ),
    # a csv holds no source rows: its hint had said to put one first
    "unknown source in a csv": (
        "date,summary,actors,topics,source,quote\n2013,x,Russia,energy,gamma-2020,q\n",
        "bad.csv",
        "unknown source 'gamma-2020' (known sources: alpha-2013, beta-2016; if it is new, add it "
        "first with `rusino add source`)",
    ),
    "value above max": (json.dumps(FACT) + "\n", "bad.jsonl", "greater than value_max"),
    "field twice": (
        '{"date": "2013", "summary": "x", "summary": "y"}\n',
        "bad.jsonl",
        "bad.jsonl:1: field 'summary' is given twice",
    ),
    "lone surrogate": (
        line(summary="x \ud800"),  # JSON's escape for half a character
        "bad.jsonl",
        "bad.jsonl:1: field 'summary' holds \\ud800, half of a character: not text",
    ),
    "value not as written": (
        json.dumps(FACT | {"value": 1.35e10, "value_max": None, "as_written": "USD13.4 billion"})
        + "\n",
        "bad.jsonl",
        "bad.jsonl:1: fact '2013-s': field 'as_written': value 13,500,000,000 is not a figure "
        "that as_written 'USD13.4 billion' states (13,400,000,000)",
    ),
    "10 MB field": (line(quote="x" * 10_000_000), "bad.jsonl", "characters long"),
    # int() and float() read these: a csv number is written with ASCII digits only
    "csv number with _": (
        "type,subject,value,unit,kind,date,actors,topics,source,quote\n"
        "fact,s,1_000,USD,actual,2013,Russia,energy,alpha-2013,q\n",
        "bad.csv",
        "field 'value' must be a number, not '1_000'",
    ),
    "empty json": ("", "empty.json", "the file is empty (no rows is [])"),
    # a NUL in a text: listings wrote it raw, and grep took them for binary
    "nul in a text": (line(summary="a\x00b"), "bad.jsonl", "field 'summary' holds a NUL"),
    # Windows' "Unicode": had been "not UTF-8" for line 1, "not valid JSON" for the others
    "utf-16 file": (
        codecs.BOM_UTF16_LE + (line() * 2).encode("utf-16-le"),
        "bad.jsonl",
        "bad.jsonl is UTF-16 text, not UTF-8: nothing written (convert it first: iconv -f UTF-16",
    ),
    # the copy keeps its extension, so that import can tell its format (utf8-copy could not)
    "utf-16 copy named": (
        codecs.BOM_UTF16_LE + line().encode("utf-16-le"),
        "b.jsonl",
        "> utf8-b.jsonl)",
    ),
    "utf-16 without a mark": (
        line().encode("utf-16-le"),
        "bad.jsonl",
        "bad.jsonl is UTF-16LE text, not UTF-8: nothing written (convert it first: iconv -f "
        "UTF-16LE",
    ),
    # pretty-printed JSON as jsonl: one line (it had been a line for each of its lines)
    "json array as jsonl": (
        "[\n" + line() + "]\n",
        "a.jsonl",
        "a.jsonl:1: a JSON array, not JSON Lines (give --format json)",
    ),
    "json object over lines as jsonl": (
        json.dumps(json.loads(line()), indent=2) + "\n",
        "o.jsonl",
        "o.jsonl:1: a JSON object over several lines, not JSON Lines (give --format json)",
    ),
    # at the end of the line (its newline had made it column 1 of a second line)
    "unclosed object": (
        line()[:-2] + "\n",
        "u.jsonl",
        f"Expecting ',' delimiter (column {len(line()) - 1})",
    ),
    "misspelt csv column": (
        "date,summery\n2013,x\n",
        "bad.csv",
        "unknown column 'summery' in the header (did you mean 'summary'?",
    ),
    "misspelt field": (
        line(coment="c"),
        "bad.jsonl",
        "unknown field 'coment' (did you mean 'comment'?",
    ),
    "a topic named as an actor": (
        '{"type": "topic", "name": "Japan"}\n',
        "bad.jsonl",
        "topic 'Japan': 'Japan' is an actor, and a topic may not share its name",
    ),
    # an ESC sequence reached a terminal through tsv as it was; a summary is one line
    "escape in a text": (
        line(summary="x\x1b[31mRED"),
        "bad.jsonl",
        "field 'summary' holds a control character (U+001B)",
    ),
    # the same after a row whose names made the fast path's cache: it took it unchecked
    "escape after a plain row": (
        line(id="e1") + line(id="e2", summary="x\x1b[31mRED"),
        "bad.jsonl",
        "bad.jsonl:2: event 'e2': field 'summary' holds a control character (U+001B)",
    ),
    "line break in a summary": (
        line(summary="two\nlines"),
        "bad.jsonl",
        "field 'summary' holds a line break (U+000A) (leave it out: it is one line of text)",
    ),
    # what follows an array was dropped silently (cat a.json b.json), and [A,] taken
    "two json arrays": (
        f"[{json.dumps(GOOD)}] [{json.dumps(GOOD)}]",
        "two.json",
        "after the array",
    ),
    "json trailing comma": (f"[{json.dumps(GOOD)},]", "comma.json", "',' before ']'"),
    # json's parser recurses: a RecursionError was an internal error
    "deeply nested json": ("[" * 100_000 + "]" * 100_000, "deep.json", "nested too deeply"),
    "deeply nested jsonl": ('{"a":' * 100_000 + "1" + "}" * 100_000, "bad.jsonl", "too deeply"),
    "value beyond INTEGER": (
        # (10**30 is a float's digits, as csv writes 1e+30: taken as that float)
        json.dumps(FACT | {"value": 123456789012345678901, "value_max": None}) + "\n",
        "bad.jsonl",
        "field 'value' is 123456789012345678901, too large to store exactly",
    ),
    # beyond any float: it had been an internal error (OverflowError)
    "value beyond any float": (
        json.dumps(FACT | {"value": 10**400, "value_max": None}) + "\n",
        "bad.jsonl",
        "field 'value' is a number of 401 digits, too large to store",
    ),
    "csv column twice": (
        "type,id,id,date,summary\nevent,a,b,2013,x\n",
        "d.csv",
        "d.csv:1: column 'id' is twice in the header",
    ),
    "csv not UTF-8 on its line": (
        b"type,id,date,summary,actors,topics,source,quote\n"
        b"event,a,2013,ok,Russia,energy,alpha-2013,q\nevent,b,2013,caf\xe9,Russia,energy,alpha-2013,q\n",
        "l.csv",
        # with how to convert it (it had said nothing of a fix)
        "l.csv:3: not UTF-8: nothing written (if it is Latin-1, convert it first: iconv -f "
        "latin1 -t UTF-8",
    ),
    # the rules' own message (csv's 128 KiB limit had called it "not valid CSV")
    "10 MB csv field": (
        "type,id,date,summary,actors,topics,source,quote\n"
        "event,x,2013,ok,Russia,energy,alpha-2013," + "y" * 10_000_000 + "\n",
        "big.csv",
        "field 'quote' is 10000000 characters long",
    ),
    "17 MiB csv field": (
        "type,id,quote\nevent,x," + "y" * (17 << 20) + "\n",
        "big.csv",
        "big.csv:2: a cell longer than 16 MiB",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_one_line_exit_2(
    case: str, fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, name, expected = BAD_INPUTS[case]
    path = bad_jsonl(tmp_path, text, name)
    before = digest(fixture_db)
    code, out, err = cli(capsys, "--db", str(fixture_db), "import", str(path))
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("rusino: ") and expected in lines[0], lines[0]
    assert "nothing written" in lines[0]
    assert "data/README.md" not in lines[0]  # which a pip install does not have
    assert digest(fixture_db) == before


def test_a_new_name_may_not_hold_the_list_separator(
    fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """csv joins a record's names with ';': 'Gazprom; Rosneft' would come back as two."""
    for what in ("actor", "topic"):
        path = bad_jsonl(tmp_path, line(**{f"{what}s": ["Gazprom; Rosneft"]}))
        code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(path), f"--new-{what}")
        assert code == 2 and f"new {what} 'Gazprom; Rosneft' in '{what}s' holds ';'" in err
    # nor an alias of a new actor, nor an author: they are listed joined by ';' too
    shared = {"type": "actor", "name": "Semi Land", "kind": "state", "aliases": ["p;q"]}
    code, _, err = cli(capsys, "--db", str(fixture_db), "import",
                       str(bad_jsonl(tmp_path, json.dumps(shared) + "\n")))  # fmt: skip
    assert code == 2 and "actor name or alias 'p;q' holds ';'" in err
    code, _, err = cli(capsys, "--db", str(fixture_db), "add", "source", "--author", "Doe; Jane",
                       "--title", "T", "--date", "2014")  # fmt: skip
    assert code == 2 and "author 'Doe; Jane' holds ';'" in err
    # an actor's or topic's name with a comma could never be asked for in a diff side
    # (actor:Korea, Republic of is two terms); an author's may ("Kim, Younkyoo")
    for what in ("actor", "topic"):
        path = bad_jsonl(tmp_path, line(**{f"{what}s": ["Korea, Republic of"]}))
        code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(path), f"--new-{what}")
        assert code == 2 and f"new {what} 'Korea, Republic of' in '{what}s' holds ','" in err
    shared["aliases"] = ["p, q"]
    code, _, err = cli(capsys, "--db", str(fixture_db), "import",
                       str(bad_jsonl(tmp_path, json.dumps(shared) + "\n")))  # fmt: skip
    assert code == 2 and "actor name or alias 'p, q' holds ','" in err


@pytest.mark.parametrize("sid", ['q"s-2011', "a b", "a,b", "a/b", "-ab", "ab{c", "ab%c"])
def test_a_source_id_is_one_word(
    sid: str, fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Source ids were not checked at all: `sources | cut -f1 | xargs` stopped at a quote, and
    source:a,b named two terms of a diff side."""
    code, _, err = cli(capsys, "--db", str(fixture_db), "add", "source", "--id", sid,
                       "--author", "Doe, J", "--title", "T", "--date", "2011")  # fmt: skip
    assert code == 2 and f"field 'id': {sid!r} is not one word" in err
    row = {"type": "source", "id": sid, "authors": ["Doe, J"], "title": "T", "date": "2011",
           "kind": "op-ed", "publication": ""}  # fmt: skip
    path = bad_jsonl(tmp_path, json.dumps(row) + "\n")
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(path))
    assert code == 2 and f"field 'id': {sid!r} is not one word" in err


def test_add_names_every_missing_field_at_once_as_its_option(
    fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """In a script, add said one missing field a run: --summary, then --actor..."""
    code, _, err = cli(capsys, "--db", str(fixture_db), "add", "event")
    assert code == 2 and "missing required fields 'date', 'summary'" in err
    row = {"date": 2012, "summary": "x", "actors": ["Russia"], "topics": ["energy"],
           "source": "alpha-2013", "quote": "q"}  # fmt: skip
    with pytest.raises(store.InvalidRows) as info:  # the date's own fault, not its wording's
        store.import_or_dry_run(
            store.connect_writable(fixture_db), [("f:1", row, None)], store.Options()
        )
    assert "field 'date' must be a non-empty string, not 2012" in info.value.problems[0]
    assert "date_text" not in err and "--date-text" not in err  # the date's, once given
    code, _, err = cli(capsys, "--db", str(fixture_db), "add", "event", "--date", "2013")
    assert code == 2 and err.endswith(
        "missing required fields 'summary', 'actors', 'topics', 'source', 'quote' (give "
        "--summary, --actor, --topic, --source, --quote; see `rusino add event --help`)\n"
    )
    code, _, err = cli(capsys, "--db", str(fixture_db), "add", "fact", "--date", "2013",
                       "--subject", "S", "--value", "5", "--kind", "actual")  # fmt: skip
    assert code == 2 and "missing required fields 'unit', 'actors', 'topics'" in err, err
    assert "as_written" not in err  # made of the value and unit, once they are given


def test_add_source_names_the_option_a_missing_field_is_given_by(
    fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It had pointed to the JSON schema's fields, never naming --author."""
    code, out, err = cli(capsys, "--db", str(fixture_db), "add", "source", "--title", "T",
                         "--date", "2014")  # fmt: skip
    assert (code, out) == (2, "")
    assert err.endswith(
        "missing required field 'authors' (give --author; see `rusino add source --help`)\n"
    )
    # with nothing to make an id of, none is named (it had been "source 'source'")
    code, out, err = cli(capsys, "--db", str(fixture_db), "add", "source", "--title", "T")
    assert err == (
        "rusino: add source: missing required fields 'authors', 'date' (give --author, "
        "--date; see `rusino add source --help`)\n"
    )


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_a_byte_order_mark_is_skipped(
    fmt: str, fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Windows tools (Excel's "CSV UTF-8", Notepad) start UTF-8 files with a byte-order mark."""
    code, out, _ = cli(capsys, "--db", str(fixture_db), "export", "--format", fmt)
    path = bad_jsonl(tmp_path, codecs.BOM_UTF8 + out.encode(), f"bom.{fmt}")
    code, out, err = cli(capsys, "--db", str(fixture_db), "import", str(path))
    vocab = "" if fmt == "csv" else "; 2 sources, 6 actors, 10 topics unchanged"
    assert (code, out) == (0, "") and err.endswith(f"0 added, 10 unchanged, 0 replaced{vocab}\n")


def test_empty_csv_cells_of_optional_fields_are_left_out(
    fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """null is an empty cell: a spreadsheet's empty inferred, in_window or precision is the
    default or the derived value, not an error."""
    header = "type,date,date_text,summary,actors,topics,source,quote,inferred,in_window,precision"
    row = "event,2013,in 2013,Empty cells,Russia,energy,alpha-2013,q,,,"
    path = bad_jsonl(tmp_path, f"{header}\n{row}\n", "empty.csv")
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(path))
    assert code == 0 and err.endswith("1 added, 0 unchanged, 0 replaced\n"), err
    conn = sqlite3.connect(fixture_db)
    stored = conn.execute(
        "SELECT inferred, in_window, precision FROM events WHERE summary = 'Empty cells'"
    ).fetchone()
    conn.close()
    assert stored == (0, 1, "year")


def test_missing_file_and_not_a_rusino_db(
    fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(tmp_path / "nope.jsonl"))
    assert code == 2 and err.count("\n") == 1 and "no such file" in err
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(tmp_path / "nope"))
    assert code == 2 and "no such file" in err  # not "cannot tell the format"
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(tmp_path))
    assert code == 2 and err.count("\n") == 1 and "is a directory" in err
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", "-", "--format", "xml")
    assert code == 2 and "unknown format 'xml'" in err  # not "reading stdin needs --format"
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    good = bad_jsonl(tmp_path, line(), "good.jsonl")
    for args in (["import", str(good)], ["export"], ["add", "event", "--date", "2013"]):
        code, out, err = cli(capsys, "--db", str(other), *args)
        assert (code, out) == (2, "") and err.count("\n") == 1, err
        assert "is not a rusino database" in err


def test_several_bad_rows_each_reported(
    fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = line() + line(date="nope") + line(actors=["Japn"]) + "[1]\n"
    path = bad_jsonl(tmp_path, text)
    before = digest(fixture_db)
    code, out, err = cli(capsys, "--db", str(fixture_db), "import", str(path))
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert [x.split(":")[2] for x in lines[:3]] == ["2", "3", "4"]
    assert "did you mean Japan?" in lines[1]
    assert lines[-1].startswith("rusino: 3 invalid rows of 4")
    assert digest(fixture_db) == before


def test_import_stdin_dry_run_and_replace(
    fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    path = bad_jsonl(tmp_path, line(id="mine"), "one.jsonl")
    before = digest(fixture_db)
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(path), "--dry-run")
    assert code == 0 and "1 added" in err and digest(fixture_db) == before
    assert cli(capsys, "--db", str(fixture_db), "import", str(path))[0] == 0
    changed = bad_jsonl(tmp_path, line(id="mine", summary="Other"), "two.jsonl")
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(changed))
    assert code == 2 and "--replace" in err
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(changed), "--replace")
    assert code == 0 and "1 replaced" in err
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(line(id="piped").encode())))
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", "-")
    assert code == 2 and "needs --format" in err
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(line(id="piped").encode())))
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", "-", "--format", "jsonl")
    assert code == 0 and "stdin: 1 added" in err
    assert check_database(fixture_db) == []


def test_what_show_prints_imports_back(
    fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`show ID --format json` (one object, with show's added fields) is an importable record:
    unchanged as printed, and an edit needs --replace."""
    code, out, _ = cli(
        capsys, "--db", str(fixture_db), "show", "2012-russia-china-trade", "-f", "json"
    )
    assert code == 0
    shown = json.loads(out)
    assert {"related", "source_detail", "date_words", "note_texts"} <= set(shown)
    path = tmp_path / "one.json"
    path.write_text(out, encoding="utf-8")
    before = digest(fixture_db)
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(path))
    assert (code, err.strip()) == (0, "one.json: 0 added, 1 unchanged, 0 replaced")
    assert digest(fixture_db) == before
    path.write_text(json.dumps(shown | {"comment": "Checked again."}), encoding="utf-8")
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(path))
    assert code == 2 and "pass --replace" in err
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(path), "--replace")
    assert (code, err.strip()) == (0, "one.json: 0 added, 0 unchanged, 1 replaced")
    comment = "SELECT comment FROM facts WHERE id = '2012-russia-china-trade'"
    assert stored(fixture_db, comment) == ("Checked again.",)
    assert check_database(fixture_db) == []


def test_one_json_object_with_more_after_it_is_refused(
    fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = bad_jsonl(tmp_path, '{"type": "event"}\n{"type": "event"}\n', "two.json")
    code, out, err = cli(capsys, "--db", str(fixture_db), "import", str(path))
    assert (code, out) == (2, "")
    assert err.startswith("rusino: two.json:1: not valid JSON: more after the object")


def test_names_json_escapes_made_by_rows_of_the_same_file_are_linked_exactly(
    fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An actor or topic row adding a name with a backslash or a quote: the events after it
    were linked to the name JSON-decoded once more (a TAB for "\\t", another actor for
    "\\u0430"), or the import failed on malformed JSON."""
    names = ["Tab\\tCo", "Russi\\u0430", 'Q"uote']
    rows = [{"type": "actor", "name": n, "kind": "organisation"} for n in names]
    rows.append({"type": "topic", "name": 'T"opic'})
    rows.append(GOOD | {"id": "odd", "actors": names, "topics": ['T"opic']})
    path = bad_jsonl(tmp_path, "".join(json.dumps(r) + "\n" for r in rows), "odd.jsonl")
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(path))
    assert code == 0, err
    links = "SELECT group_concat(actor, '|') FROM (SELECT actor FROM event_actors"
    assert stored(fixture_db, f"{links} WHERE event = 'odd' ORDER BY actor)") == (
        "|".join(sorted(names)),
    )
    assert stored(fixture_db, "SELECT topic FROM event_topics WHERE event = 'odd'") == ('T"opic',)
    assert check_database(fixture_db) == []


def test_items_of_a_one_line_json_array_are_told_apart(
    fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`jq -c` writes an array on one line: each problem names its item, in the array's order
    (a fact's missing event is found after the other rows' problems, and sorted among them)."""
    fact = FACT | {"type": "fact", "id": "f", "event": "nope", "value_max": None}
    items = [GOOD | {"id": "ok"}, fact, GOOD | {"id": "bad", "date": "2014/2013"}]
    path = bad_jsonl(tmp_path, json.dumps(items) + "\n", "one-line.json")
    code, out, err = cli(capsys, "--db", str(fixture_db), "import", str(path))
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert lines[0].startswith("rusino: one-line.json:1 (item 2): fact 'f': field 'event'")
    assert lines[1].startswith("rusino: one-line.json:1 (item 3): event 'bad': field 'date'")


def test_rows_may_leave_out_their_wordings_as_add_does(
    fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """date_text defaults to the date as given, a fact's as_written to its figure and unit
    (with both ends of a range, which the value check then reads back)."""
    event = GOOD | {"id": "plain-event"}
    del event["date_text"]
    fact = FACT | {"id": "plain-fact", "value": 1300, "value_max": 1500.5, "date_text": ""}
    del fact["as_written"]
    path = tmp_path / "plain.jsonl"
    path.write_text(json.dumps(event) + "\n" + json.dumps(fact) + "\n", encoding="utf-8")
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(path))
    assert (code, err.strip()) == (0, "plain.jsonl: 2 added, 0 unchanged, 0 replaced")
    assert stored(fixture_db, "SELECT date_text FROM events WHERE id = 'plain-event'") == ("2013",)
    wordings = "SELECT date_text, as_written FROM facts WHERE id = 'plain-fact'"
    assert stored(fixture_db, wordings) == ("2013", "1300 to 1500.5 km")
    assert check_database(fixture_db) == []


def test_a_value_max_of_0_is_a_value_in_an_import(
    fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-5 to 0 per cent is a range: only null (or leaving it out) means none; data/*.toml's
    0-for-none is the build's alone. And 5 to 0 is refused as out of order."""
    fact = FACT | {"id": "to-zero", "value": -5, "value_max": 0, "as_written": "-5 to 0 per cent"}
    path = tmp_path / "zero.jsonl"
    path.write_text(json.dumps(fact) + "\n", encoding="utf-8")
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(path))
    assert code == 0, err
    assert stored(fixture_db, "SELECT value, value_max FROM facts WHERE id = 'to-zero'") == (-5, 0)
    assert check_database(fixture_db) == []
    path.write_text(json.dumps(fact | {"id": "bad", "value": 5}) + "\n", encoding="utf-8")
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(path))
    assert code == 2 and "value 5 is greater than value_max 0" in err


def test_add_fact_with_a_range_and_no_wording_passes_check(
    fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--db", str(fixture_db), "add", "fact", "--date", "2013", "--subject", "Range"]
    args += ["--unit", "km", "--kind", "estimate", "--actor", "Russia", "--topic", "energy"]
    args += ["--source", "alpha-2013", "--quote", "q", "--value", "16e9", "--value-max", "2e10"]
    assert run(args) == 0
    assert capsys.readouterr().out == "2013-range\n"
    wording = "SELECT as_written FROM facts WHERE id = '2013-range'"
    assert stored(fixture_db, wording) == ("16000000000 to 20000000000 km",)
    assert check_database(fixture_db) == []


@pytest.mark.parametrize(
    ("summary", "actors", "group"),
    [
        (
            "Vladimir Putin remarks that Russia hopes",
            ["Russia", "Vladimir Putin"],
            "Vladimir Putin",
        ),
        ("Moscow and Tokyo talk", ["Japan", "Russia"], "Russia"),  # by alias
        (
            "US Pacific Command invites Russia",
            ["Russia", "US Pacific Command", "United States"],
            "US Pacific Command",
        ),  # the longer of two names that start together
        ("Russians and Chinese meet", ["China", "Russia"], "China"),  # a word, not its start
        ("Talks are held", ["Japan", "Russia"], "Japan"),  # named by neither: the first
        ("Talks are held", [], ""),
    ],
)
def test_the_main_actor_is_the_one_the_summary_names_first(
    summary: str, actors: list[str], group: str
) -> None:
    aliases = {"Russia": ["moscow", "russia"], "United States": ["us"], "Japan": ["tokyo"]}
    assert export.main_actor(summary, actors, aliases) == group


def test_what_add_and_import_write_passes_check_with_the_articles_at_hand(
    fixture_db: Path,
    fixture_sources_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With RUSINO_SOURCES_DIR set, check looks every quote up: add and import now look too
    (and refuse a quote that is not in its article), and a source of the user's own, which
    names no article file, is passed over by check instead of reported."""
    monkeypatch.setenv("RUSINO_SOURCES_DIR", str(fixture_sources_dir))
    db = ["--db", str(fixture_db)]
    made_up = GOOD | {"id": "made-up", "quote": "Russia and China never met"}
    path = bad_jsonl(tmp_path, json.dumps(made_up) + "\n")
    code, _, err = cli(capsys, *db, "import", str(path))
    assert code == 2
    assert (
        "bad.jsonl:1: event 'made-up': field 'quote' is not in the article of 'alpha-2013'" in err
    )
    real = "Sino-Russian trade hit almost USD80 billion in 2012"
    code, _, err = cli(capsys, *db, "add", "event", "--date", "2012", "--summary", "Trade",
                       "--actor", "Russia", "--topic", "trade", "--source", "alpha-2013",
                       "--quote", real)  # fmt: skip
    assert code == 0, err
    code, _, err = cli(capsys, *db, "add", "source", "--author", "Doe, Jane", "--title", "T",
                       "--publication", "P", "--date", "2014")  # fmt: skip
    assert code == 0, err
    code, _, err = cli(capsys, *db, "add", "event", "--date", "2014", "--summary", "Own",
                       "--actor", "Russia", "--topic", "trade", "--source", "doe-2014",
                       "--quote", "anything Doe wrote")  # fmt: skip
    assert code == 0, err
    # a source row naming an article file that is not at hand: passed over by both
    elsewhere = {"type": "source", "id": "far-2015", "authors": ["Far, A"], "title": "T",
                 "publication": "P", "date": "2015", "kind": "op-ed",
                 "file": "far.txt"}  # fmt: skip
    rows = [elsewhere, GOOD | {"id": "far", "source": "far-2015", "quote": "not at hand"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    code, _, err = cli(capsys, *db, "import", str(path))
    assert code == 0, err
    code, out, err = cli(capsys, *db, "check")
    assert (code, out) == (0, "")
    assert f"(2 records of sources whose article is not in {fixture_sources_dir}: quotes not" in err


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ({"type": "actor", "name": "X", "kind": "person", "country": "Narnia"},
         "field 'country': 'Narnia' is not an actor"),
        ({"type": "source", "id": "s", "authors": ["A"], "title": "T", "publication": "P",
          "date": "2014", "kind": "op-ed", "file": "../../etc/passwd"},
         "field 'file': '../../etc/passwd' is not a file name"),
        ({"type": "source", "id": "s", "authors": ["A"], "title": "T", "publication": "P",
          "date": "2014", "kind": "op-ed", "notes": [{"number": 0, "text": "x"}]},
         "field 'notes': note 0 must be numbered from 1 and have a text"),
        # a NUL: the file name broke every later add with the articles at hand, the name
        # check and export (SQLite's functions end a text at it)
        ({"type": "source", "id": "s", "authors": ["A"], "title": "T", "publication": "P",
          "date": "2014", "kind": "op-ed", "file": "a\x00b"},
         "field 'file': 'a\\x00b' is not a file name"),
        ({"type": "topic", "name": "T\x00opic"}, "holds a NUL character"),
    ],
)  # fmt: skip
def test_vocabulary_rows_check_can_fault_are_refused(
    fixture_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    row: dict[str, Any],
    problem: str,
) -> None:
    path = bad_jsonl(tmp_path, json.dumps(row) + "\n")
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(path))
    assert code == 2 and problem in err, err


def test_an_actor_row_country_may_be_an_alias(
    fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    row = {"type": "actor", "name": "Ministry X", "kind": "organisation", "country": "tokyo"}
    path = bad_jsonl(tmp_path, json.dumps(row) + "\n")
    assert cli(capsys, "--db", str(fixture_db), "import", str(path))[0] == 0
    assert stored(fixture_db, "SELECT country FROM actors WHERE name = 'Ministry X'") == ("Japan",)
    assert check_database(fixture_db) == []


def test_a_dry_run_needs_no_write_access(
    fixture_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A database the user may only read: a dry run failed with "attempt to write a readonly
    database", as it opened it for writing; it now works on a copy, as for the bundled one."""
    from rusino import cli_data

    monkeypatch.setattr(cli_data, "_may_write", lambda path: path != fixture_db)
    monkeypatch.setattr(
        store, "connect_writable", _refusing(store.connect_writable, fixture_db), raising=True
    )
    path = bad_jsonl(tmp_path, line(id="dry"))
    before = digest(fixture_db)
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(path), "--dry-run")
    assert (code, err.strip()) == (0, "dry run, nothing written: 1 added, 0 unchanged, 0 replaced")
    assert digest(fixture_db) == before


def _refusing(connect: Any, path: Path) -> Any:
    """connect_writable as on a file the user may not write."""

    def refuse(target: Path, **kw: Any) -> Any:
        if target == path:
            raise sqlite3.OperationalError("attempt to write a readonly database")
        return connect(target, **kw)

    return refuse


def test_a_name_typed_decomposed_is_the_same_name(
    fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An é typed as e and a combining accent made a second actor that looked the same, and
    --actor é found only one of them."""
    decomposed, composed = "Mine\u0301ral Co", "Min\u00e9ral Co"
    base = ["--db", str(fixture_db), "add", "event", "--date", "2013", "--topic", "energy",
            "--source", "alpha-2013", "--quote", "q", "--new-actor"]  # fmt: skip
    assert cli(capsys, *base, "--summary", "One", "--actor", decomposed)[0] == 0
    assert cli(capsys, *base, "--summary", "Two", "--actor", composed)[0] == 0
    assert stored(fixture_db, "SELECT group_concat(name) FROM actors WHERE name LIKE 'Min%'") == (
        composed,
    )
    code, out, _ = cli(capsys, "--db", str(fixture_db), "timeline", "--actor", decomposed)
    assert code == 0 and len(out.splitlines()) == 2
    assert check_database(fixture_db) == []


def test_the_bundled_data_exported_imports_into_an_empty_database_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Export writes actors by name, so Andrei Denisov (country Russia) comes before Russia:
    a country is resolved once every row is read, not refused at its row."""
    code, out, _ = cli(capsys, "export")
    assert code == 0 and out
    path = tmp_path / "all.jsonl"
    path.write_text(out, encoding="utf-8")
    empty = tmp_path / "empty.sqlite"
    assert cli(capsys, "db", "init", "--empty", str(empty))[0] == 0
    code, _, err = cli(capsys, "--db", str(empty), "import", str(path))
    assert code == 0, err
    assert cli(capsys, "--db", str(empty), "export") == (0, out, "")
    assert check_database(empty) == []


def test_an_id_typed_decomposed_is_the_same_id(
    fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """café-1 typed with a combining accent made a second record whose id looked the same."""
    decomposed, composed = "cafe\u0301-1", "caf\u00e9-1"
    base = ["--db", str(fixture_db), "add", "event", "--date", "2013", "--summary", "S",
            "--actor", "Russia", "--topic", "energy", "--source", "alpha-2013",
            "--quote", "q"]  # fmt: skip
    assert cli(capsys, *base, "--id", decomposed) == (
        0,
        f"{composed}\n",
        f"added event {composed}\n",
    )
    assert cli(capsys, *base, "--id", composed)[2] == f"unchanged: event {composed}\n"
    code, out, _ = cli(capsys, "--db", str(fixture_db), "show", decomposed, "-f", "json")
    assert code == 0 and json.loads(out)["id"] == composed


def test_add_says_a_database_it_may_not_write_before_the_questions(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """SQLite opens a file it may not write read-only, so opening it found nothing wrong, and
    every question was asked before the write failed."""
    from rusino import cli_data

    monkeypatch.setattr(cli_data, "_may_write", lambda path: False)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"never read\n")))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    code, out, err = cli(capsys, "--db", str(fixture_db), "add", "event")
    assert (code, out) == (1, "")
    assert err == (
        f"rusino: cannot write {fixture_db}: you may read it only (pass --dry-run to check a "
        "record against it, or use a database of your own)\n"
    )


def test_a_listings_csv_is_spreadsheet_safe_and_imports_back_unchanged(
    fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """timeline -f csv wrote "'=..." as it was (a formula in a spreadsheet for "=..."), and
    import, which takes one ' off, changed it."""
    conn = store.connect_writable(fixture_db)
    fields = {"date": "2013", "summary": "'=already quoted", "actors": ["Russia"],
              "topics": ["energy"], "source": "alpha-2013", "quote": "=SUM(1)"}  # fmt: skip
    store.add_record(conn, "event", fields, store.Options())
    conn.close()
    for listing in ("timeline", "facts"):
        code, out, err = cli(capsys, "--db", str(fixture_db), listing, "-f", "csv", "--headers")
        assert code == 0, err
        if listing == "timeline":
            assert ",''=already quoted," in out and ",'=SUM(1)," in out
        path = fixture_db.parent / f"{listing}.csv"
        path.write_text(out, encoding="utf-8")
        code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(path))
        assert code == 0 and " 0 added" in err and "0 replaced" in err, err


def test_a_new_topic_named_as_an_actor_in_an_import_says_the_rows_field(
    fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its hint had named --actor, which import lacks."""
    path = bad_jsonl(tmp_path, line(topics=["Russia"]))
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(path), "--new-topic")
    assert code == 2
    assert (
        "'Russia' is an actor, and a topic may not share its name (list it in the row's "
        "'actors', or name the new topic otherwise)"
    ) in err


def test_a_filtered_export_of_facts_takes_the_filters_and_one_of_events_says_so(
    fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """export --what facts --topic energy had been refused, and export --topic energy left the
    figures out without a word."""
    code, out, err = cli(capsys, "--db", str(fixture_db), "export", "--what", "facts",
                         "--topic", "arms-sales", "-f", "jsonl")  # fmt: skip
    assert code == 0, err
    exported = [json.loads(line)["id"] for line in out.splitlines()]
    code, listed, _ = cli(capsys, "--db", str(fixture_db), "facts", "--topic", "arms-sales",
                          "-f", "jsonl")  # fmt: skip
    assert exported and exported == [json.loads(line)["id"] for line in listed.splitlines()]
    code, out, err = cli(capsys, "--db", str(fixture_db), "export", "--topic", "arms-sales")
    assert {json.loads(line)["type"] for line in out.splitlines()} == {"event"}
    assert err == (
        f"note: {len(exported)} figure{'s match' if len(exported) > 1 else ' matches'} these "
        "filters too: --what facts exports them\n"
    )


def test_a_unit_or_kind_spelt_otherwise_is_the_one_the_database_has(
    fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A unit "usd" beside USD had been one of its own: two groups in facts --chart, and diff
    --facts could not pair them. Within the file too, the first spelling is the one kept."""
    rows = [
        FACT | {"id": "f-usd", "unit": "usd", "kind": "Actual", "as_written": "5 usd"},
        FACT | {"id": "f-tonnes", "unit": "Barrels", "as_written": "5 Barrels"},
        FACT | {"id": "f-tonnes-2", "unit": "barrels", "as_written": "5 barrels"},
        # a unit's other name is the unit (% had been a unit of its own beside percent), but
        # not a name holding a scale (16 bcm is 16e9 m3)
        FACT | {"id": "f-per-cent", "unit": "%", "as_written": "5%"},
        FACT | {"id": "f-tons", "unit": "tonnes", "as_written": "5 tonnes"},
        FACT | {"id": "f-bcm", "unit": "bcm", "as_written": "5 bcm"},
        # trimmed, and the wording made of the unit as stored (it had been "5  usd ")
        {k: v for k, v in FACT.items() if k != "as_written"} | {"id": "f-made", "unit": " usd "},
    ]
    path = bad_jsonl(tmp_path, "".join(json.dumps(r | {"value_max": None}) + "\n" for r in rows))
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(path))
    assert code == 0, err
    stored = sqlite3.connect(fixture_db).execute(
        "SELECT id, unit, kind FROM facts WHERE id LIKE 'f-%' ORDER BY id"
    )
    assert stored.fetchall() == [
        ("f-bcm", "bcm", "actual"),
        ("f-made", "USD", "actual"),
        ("f-per-cent", "percent", "actual"),
        ("f-tonnes", "Barrels", "actual"),
        ("f-tonnes-2", "Barrels", "actual"),
        ("f-tons", "t", "actual"),
        ("f-usd", "USD", "actual"),
    ]
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(path))
    assert code == 0 and "0 added, 7 unchanged" in err, err
    made = sqlite3.connect(fixture_db).execute("SELECT as_written FROM facts WHERE id = 'f-made'")
    assert made.fetchone() == ("5 USD",)
    # a database that has both spellings (built so, or from before) keeps each: its own
    # export imports back unchanged (it had been "exists with different content")
    with sqlite3.connect(fixture_db) as conn:
        conn.execute("UPDATE facts SET unit = 'usd' WHERE id = 'f-usd'")
    assert store.upgrade_database(fixture_db)  # the digests, after the hand edit
    exported = tmp_path / "all.jsonl"
    code, out, err = cli(capsys, "--db", str(fixture_db), "export")
    exported.write_text(out, encoding="utf-8")
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(exported))
    assert code == 0 and " 0 added" in err and "0 replaced" in err, err


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json", "timelinejs"])
def test_an_export_refused_writes_nothing(
    fmt: str, fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """csv wrote its header, then the error: `> out.csv` kept half a file."""
    code, out, err = cli(capsys, "--db", str(fixture_db), "export", "-f", fmt, "--actor", "Japn")
    assert (code, out) == (2, "") and "unknown actor 'Japn'" in err


def test_add_trims_the_spaces_around_its_texts(
    fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--summary "  padded  "` and `--date "2013-05 "` had been stored with their spaces (the
    date's wording too), and shown so in every listing."""
    args = ["--db", str(fixture_db), "add", "event", "--date", "2013-05 ", "--summary", "  S  "]
    args += ["--actor", " Russia", "--topic", "energy ", "--source", "alpha-2013", "--quote", " q "]
    code, out, err = cli(capsys, *args)
    assert code == 0, err
    row = sqlite3.connect(fixture_db).execute(
        "SELECT summary, quote, date, date_text, actor_list FROM events WHERE id = ?",
        (out.strip(),),
    )
    assert row.fetchone() == ("S", "q", "2013-05", "2013-05", "Russia")


def test_a_qualifier_in_another_spelling(
    fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--qualifier About` and `more than` were refused with no suggestion, though --unit usd
    and --kind Cost are taken as USD and cost."""
    args = ["--db", str(fixture_db), "add", "fact", "--subject", "S", "--value", "1"]
    args += ["--unit", "USD", "--kind", "cost", "--date", "2013", "--actor", "Russia"]
    args += ["--topic", "energy", "--source", "alpha-2013", "--quote", "q"]
    for given, stored in (("About", "about"), ("more than", "more-than"), ("UP_TO", "up-to"),
                          ("nearly", "almost"), ("approximately", "about")):  # fmt: skip
        code, out, err = cli(capsys, *args, "--qualifier", given, "--id", f"q-{stored}")
        assert code == 0, err
        found = sqlite3.connect(fixture_db).execute(
            "SELECT qualifier FROM facts WHERE id = ?", (out.strip(),)
        )
        assert found.fetchone() == (stored,)
    code, _, err = cli(capsys, *args, "--qualifier", "abut")
    assert code == 2 and "(did you mean 'about'?)" in err
    fact = {"type": "fact", "subject": "S", "value": 1, "unit": "USD", "kind": "cost"}
    fact |= {"date": "2013", "actors": ["Russia"], "topics": ["energy"], "source": "alpha-2013"}
    fact |= {"quote": "q", "qualifier": "mor-than"}
    path = bad_jsonl(tmp_path, json.dumps(fact) + "\n")
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(path))
    assert code == 2 and "(did you mean 'more-than'?)" in err
    path.write_text(json.dumps(fact | {"qualifier": "More than", "id": "q-file"}) + "\n")
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(path))  # as add takes it
    assert code == 0, err
    found = sqlite3.connect(fixture_db).execute("SELECT qualifier FROM facts WHERE id = 'q-file'")
    assert found.fetchone() == ("more-than",)


def test_an_id_the_other_kind_has_says_how_to_give_another(
    fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A made event id that a fact already had was refused with no fix."""
    fact = sqlite3.connect(fixture_db).execute("SELECT id FROM facts LIMIT 1").fetchone()[0]
    args = ["--db", str(fixture_db), "add", "event", "--date", "2013", "--summary", "S"]
    args += ["--actor", "Russia", "--topic", "energy", "--source", "alpha-2013", "--quote", "q"]
    code, _, err = cli(capsys, *args, "--id", fact)
    assert code == 2
    said = f"new event: id {fact!r} is already used by a fact (give this one its own --id)"
    assert err == f"rusino: {said}\n"
    path = bad_jsonl(tmp_path, line(id=fact))
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(path))
    assert code == 2 and "is already used by a fact (give this event an id of its own)" in err


def test_ndjson_is_jsonl(
    fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A .ndjson file had been "cannot tell the format" (jq's and sqlite-utils' users name
    JSON Lines so)."""
    path = tmp_path / "rows.ndjson"
    path.write_text(line(), encoding="utf-8")
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(path))
    assert code == 0 and "rows.ndjson: 1 added" in err


def test_a_mistyped_event_of_a_fact_gets_a_did_you_mean(
    fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--event` one letter short had said only "is not the id of any event"."""
    event = sqlite3.connect(fixture_db).execute("SELECT id FROM events LIMIT 1").fetchone()[0]
    args = ["--db", str(fixture_db), "add", "fact", "--subject", "S", "--value", "1"]
    args += ["--unit", "USD", "--kind", "cost", "--date", "2013", "--actor", "Russia"]
    args += ["--topic", "energy", "--source", "alpha-2013", "--quote", "q"]
    code, _, err = cli(capsys, *args, "--event", event[:-1])
    assert code == 2 and err.endswith(f"is not the id of any event (did you mean {event}?)\n")
    # a made id is cut short: a longer guess is the one it starts
    code, _, err = cli(capsys, *args, "--event", event + "-in-the-east-china-sea")
    assert code == 2 and err.endswith(f"(did you mean {event}?)\n")


def test_a_shown_record_is_not_imported_under_another_article(
    fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`show ID -f json` imported into a database whose source of that id is another article
    had been added in silence, citing the wrong article."""
    fact = sqlite3.connect(fixture_db).execute("SELECT id, source FROM facts LIMIT 1").fetchone()
    code, shown, _ = cli(capsys, "--db", str(fixture_db), "show", fact[0], "-f", "json")
    assert code == 0
    other = tmp_path / "other.sqlite"
    other.write_bytes(fixture_db.read_bytes())
    with sqlite3.connect(other) as conn:
        conn.execute("DELETE FROM facts WHERE id = ?", (fact[0],))
        conn.execute("UPDATE sources SET title = 'Another article' WHERE id = ?", (fact[1],))
    conn.close()
    path = tmp_path / "one.json"
    path.write_text(shown, encoding="utf-8")
    code, _, err = cli(capsys, "--db", str(other), "import", str(path))
    assert code == 2 and f"is not {fact[1]!r} here ('Another article')" in err
    code, _, err = cli(capsys, "--db", str(fixture_db), "import", str(path))  # its own: same
    assert code == 0 and "1 unchanged" in err


def test_a_timelinejs_export_notes_no_figures_it_cannot_hold(
    fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It had noted "--what facts exports them", which TimelineJS then refused."""
    code, _, err = cli(
        capsys, "--db", str(fixture_db), "export", "-a", "Russia", "-f", "timelinejs"
    )
    assert code == 0 and "figure" not in err
    code, _, err = cli(capsys, "--db", str(fixture_db), "export", "-a", "Russia", "-f", "jsonl")
    assert code == 0 and "--what facts exports them" in err


def test_delete_takes_records_out_whole_and_keeps_the_database_sound(
    fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """There was no way to take a record out (a --replace of a changed summary makes a new id,
    and a hand-made DELETE left link rows that check then reported)."""
    conn = sqlite3.connect(fixture_db)
    event, fact = conn.execute("SELECT event, id FROM facts WHERE event IS NOT NULL").fetchone()
    conn.close()
    db = ["--db", str(fixture_db)]
    before = digest(fixture_db)
    # an event whose figure would be left without it: refused, with the command to give
    code, out, err = cli(capsys, *db, "delete", event)
    assert (code, out) == (2, "") and f"rusino delete {event} {fact})" in err
    code, out, err = cli(capsys, *db, "delete", event, fact, "--dry-run")
    assert (code, out.split(), err) == (0, [event, fact], "would delete 1 event and 1 fact\n")
    assert digest(fixture_db) == before
    code, out, err = cli(capsys, *db, "delete", "nope-2013")
    assert code == 2 and "no event or fact with id 'nope-2013'" in err
    code, out, err = cli(capsys, *db, "delete", fact, event)
    assert (code, out.split(), err) == (0, [fact, event], "deleted 1 event and 1 fact\n")
    conn = sqlite3.connect(fixture_db)
    tables = [("events", "id"), ("event_actors", "event"), ("event_topics", "event")]
    tables += [("event_notes", "event"), ("facts", "id"), ("fact_actors", "fact")]
    for table, column in tables:
        found = conn.execute(
            f"SELECT count(*) FROM {table} WHERE {column} IN (?, ?)", (event, fact)
        )
        assert found.fetchone() == (0,)
    assert conn.execute(
        "SELECT count(*) FROM events_fts WHERE events_fts MATCH 'Russia'"
    ).fetchone()
    conn.close()
    assert check_database(fixture_db) == []  # counts and content_hash written with it
    # the bundled database is never written
    from rusino import db as db_module

    code, _, err = cli(capsys, "--db", str(db_module.bundled_path()), "delete", "x")
    assert code != 0 and "read-only" in err
