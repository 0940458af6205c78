"""Writers (rusino.render): each format parsed back and compared with the database; the table
view as golden files at fixed widths, without colour.

Regenerate the golden files after an intended change of the table view with:
    UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_render.py
"""

# ruff: noqa: RUF001  (the en dashes in expected output are the point)

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
from pathlib import Path

import pytest

from rusino import query, render
from rusino.cli import run
from rusino.query import FactFilter, TimelineFilter
from rusino.render import EVENTS, FACTS, Format, Options

BUNDLED = Path(__file__).resolve().parents[1] / "data" / "events.sqlite"

GOLDEN = Path(__file__).parent / "golden"


class Tty(io.StringIO):
    """An output stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def rendered(rows: list[dict[str, object]], view: render.View, fmt: Format, **kw: object) -> str:
    out = io.StringIO()
    render.render(rows, view, fmt, out, Options(**kw))  # type: ignore[arg-type]
    return out.getvalue()


@pytest.fixture
def conn(fixture_db: Path) -> sqlite3.Connection:
    return sqlite3.connect(fixture_db)


@pytest.mark.parametrize(
    ("args", "text"),
    [
        ((80_000_000_000, None, "USD", "exact"), "USD 80 bn"),
        ((80_000_000_000, None, "USD", "almost"), "≲ USD 80 bn"),
        ((550_000_000, 700_000_000, "USD", "exact"), "USD 550–700 m"),
        ((1300, 1500, "km", "exact"), "1,300–1,500 km"),
        ((25_000_000, None, "t", "more-than"), "> 25 m t"),
        ((1.9e12, None, "ft3", "exact"), "1.9 tn ft³"),
        ((15, None, "percent", "about"), "~15%"),
        ((30, None, "count", "more-than"), "> 30"),
        ((49.9, None, "percent", "exact"), "49.9%"),
        # exact to 12 digits, never 0 for a value that is none (they had been rounded to two
        # decimals: 0 km, USD 2.17 bn for 2,175,000,000)
        ((0.000123, None, "km", "exact"), "0.000123 km"),
        ((1e-9, None, "t", "exact"), "1e-9 t"),
        ((2_175_000_000, None, "USD", "exact"), "USD 2.175 bn"),
        ((1.005, None, "km", "exact"), "1.005 km"),
        ((-0.5, None, "t", "exact"), "-0.5 t"),
    ],
)
def test_figure(args: tuple[object, object, str, str], text: str) -> None:
    assert render.figure(*args) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(1e-9, "0.000000001"), (1e20, "100000000000000000000"), (2.5, "2.5"), (-3e-7, "-0.0000003")],
)
def test_a_cell_writes_a_number_out(value: float, text: str) -> None:
    """tsv and csv had written 1e-09 and 1e+20, which sort -n misreads."""
    assert render.cell(value) == text and float(text) == value


def test_cell() -> None:
    assert render.cell(None) == ""
    assert render.cell(True) == "true"
    assert render.cell(["a", "b"]) == "a;b"
    assert render.cell([1, 2]) == "1;2"
    assert render.cell(80000000000) == "80000000000"
    assert render.cell(2.5) == "2.5"


@pytest.mark.parametrize("fmt", list(Format))
def test_no_rows_no_output(fmt: Format) -> None:
    """Nothing at all, but JSON, which must stay JSON (an empty array), and the formats of
    columns, which keep their header (csv readers, pandas, need it)."""
    header = {
        Format.json: "[]\n",
        Format.tsv: "\t".join(EVENTS.fields) + "\n",
        Format.csv: ",".join(EVENTS.fields) + "\n",
        Format.markdown: f"| {' | '.join(EVENTS.fields)} |\n|" + "---|" * len(EVENTS.fields) + "\n",
    }
    assert rendered([], EVENTS, fmt) == header.get(fmt, "")


def test_tsv_round_trip(conn: sqlite3.Connection) -> None:
    rows = list(query.timeline(conn, TimelineFilter()))
    text = rendered(rows, EVENTS, Format.tsv)
    lines = text.splitlines()
    assert lines[0].split("\t") == list(EVENTS.fields)
    assert (
        len(lines) == 1 + len(rows) == 1 + conn.execute("SELECT count(*) FROM events").fetchone()[0]
    )
    for line, row in zip(lines[1:], rows, strict=True):
        cells = dict(zip(EVENTS.fields, line.split("\t"), strict=True))
        assert cells["id"] == row["id"]
        assert cells["actors"].split(";") == row["actors"]
        assert cells["notes"] == ";".join(map(str, row["notes"]))
        db = conn.execute(
            "SELECT date, date_start, date_end, summary FROM events WHERE id = ?", (row["id"],)
        ).fetchone()
        assert (cells["date"], cells["start"], cells["end"], cells["summary"]) == tuple(db)
    assert rendered(rows, EVENTS, Format.tsv, headers=False).splitlines() == lines[1:]


def test_tsv_keeps_one_record_a_line() -> None:
    row: dict[str, object] = {k: "" for k in EVENTS.fields}
    row |= {"summary": "a\tb\nc", "actors": ["x", "y"]}
    assert rendered([row], EVENTS, Format.tsv, headers=False).count("\n") == 1


def _cell_by_cell(row: dict[str, object]) -> str:
    return "\t".join(render.tsv_cell(row.get(k)) for k in render.EVENT_FIELDS)


def test_event_line_is_the_cell_by_cell_line(conn: sqlite3.Connection) -> None:
    rows = list(query.timeline(conn, TimelineFilter()))
    base = rows[0]
    odd = [
        base | {"summary": "a\tb", "quote": "line\r\nbreak\rand\nmore"},
        base | {"comment": None, "inferred": 1, "in_window": 0},
        base | {"notes": [3, 12.0, "x"], "actors": []},
        base | {"actors": ["A", None]},
        {k: v for k, v in base.items() if k != "comment"},
        base | {"start": 2012, "date_text": ""},
    ]
    for row in rows + odd:
        assert render.event_tsv(row) == _cell_by_cell(row), row


def test_csv_round_trip(conn: sqlite3.Connection) -> None:
    rows = list(query.facts(conn, FactFilter()))
    rows[0] = rows[0] | {"quote": "a lone\rCR"}  # kept in its one cell
    out = rendered(rows, FACTS, Format.csv)
    assert out.endswith("\n") and "\r\n" not in out  # rows end in LF
    parsed = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [p["id"] for p in parsed] == [r["id"] for r in rows]
    for p, r in zip(parsed, rows, strict=True):
        assert float(p["value"]) == r["value"]
        assert p["value_max"] == ("" if r["value_max"] is None else str(r["value_max"]))
        assert p["topics"].split(";") == r["topics"]
        assert p["quote"] == r["quote"]


@pytest.mark.parametrize("fmt", [Format.json, Format.jsonl])
def test_json_round_trip(conn: sqlite3.Connection, fmt: Format) -> None:
    rows = list(query.facts(conn, FactFilter()))
    text = rendered(rows, FACTS, fmt)
    parsed = json.loads(text) if fmt is Format.json else [json.loads(x) for x in text.splitlines()]
    assert parsed == rows
    db = dict(conn.execute("SELECT id, value FROM facts").fetchall())
    for p in parsed:
        assert p["value"] == db[p["id"]]
        assert isinstance(p["value"], int | float)
        assert isinstance(p["actors"], list) and isinstance(p["notes"], list)
    events = list(query.timeline(conn, TimelineFilter()))
    required = {"id", "date", "start", "end", "date_text", "precision", "summary", "actors"}
    required |= {"topics", "source", "notes", "quote", "in_window"}
    assert all(required <= set(e) for e in events)
    required = {"id", "subject", "value", "value_max", "unit", "as_written", "date", "start"}
    required |= {"end", "kind", "actors", "topics", "source", "notes", "quote", "event"}
    assert all(required <= set(p) for p in parsed)


def test_markdown(conn: sqlite3.Connection) -> None:
    rows = list(query.actors(conn))
    lines = rendered(rows, render.ACTORS, Format.markdown).splitlines()
    assert lines[0] == "| name | kind | country | aliases | events | facts |"
    assert lines[1] == "|---|---|---|---|---|---|"
    assert len(lines) == 2 + len(rows)
    assert "| Japan | state |  | japanese;tokyo | 1 | 1 |" in lines


def test_table_honours_no_color(monkeypatch: pytest.MonkeyPatch, conn: sqlite3.Connection) -> None:
    rows = list(query.timeline(conn, TimelineFilter()))
    out = Tty()
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    render.render(rows, EVENTS, Format.table, out, Options(width=80))
    assert "\x1b[" in out.getvalue()
    out = Tty()
    monkeypatch.setenv("NO_COLOR", "1")
    render.render(rows, EVENTS, Format.table, out, Options(width=80))
    assert "\x1b[" not in out.getvalue()


def test_search_highlights_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    row = {"type": "event", "id": "x", "rank": 1, "date": "2012", "start": "2012-01-01"}
    row |= {"end": "2012-12-31", "text": "a naval exercise", "source": "s"}
    out = Tty()
    render.render([row], render.SEARCH, Format.table, out, Options(width=80, highlight=["naval"]))
    assert "\x1b[1;7mnaval\x1b[0m" in out.getvalue()


# ---------------------------------------------------------------------------------------------
# golden files: the table views through the CLI, at fixed widths, without colour

CASES = {
    "timeline-60": (60, ["timeline"]),
    "timeline-80": (80, ["timeline"]),
    "timeline-120": (120, ["timeline"]),
    "timeline-200": (200, ["timeline"]),
    "facts-60": (60, ["facts"]),
    "facts-80": (80, ["facts"]),
    "facts-140": (140, ["facts"]),
    "search-80": (80, ["search", "Russia"]),
    "show-event-80": (80, ["show", "2008-2013-russia-vietnam-fighter-sales"]),
    "show-fact-80": (80, ["show", "2012-russia-china-trade"]),
    "actors-80": (80, ["actors"]),
    "topics-80": (80, ["topics"]),
    "sources-80": (80, ["sources"]),
    # narrower than a view can be: drawn MIN_WIDTH wide (COLUMNS=0 drew nothing), ids folded
    "facts-0": (0, ["facts"]),
    "search-40": (40, ["search", "Russia"]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(
    name: str, fixture_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    width, args = CASES[name]
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setenv("NO_COLOR", "1")
    fmt = ["--format", "table"]
    assert run(["--db", str(fixture_db), *args, *fmt]) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= max(width, render.MIN_WIDTH)
    if width < render.MIN_WIDTH:
        assert "\u2026" not in out  # nothing cut: too long a word folds onto the next line
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8"), f"regenerate with UPDATE_GOLDEN=1 ({path})"


def test_a_huge_terminal_width_is_drawn_at_most_max_width(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """COLUMNS=30000 took 17 s for one row (drawing time grows with the width)."""
    monkeypatch.setenv("COLUMNS", "30000")
    assert run(["--db", str(fixture_db), "timeline", "--format", "table", "-n", "1"]) == 0
    out = capsys.readouterr().out
    assert out and max(len(line) for line in out.splitlines()) <= render.MAX_WIDTH


def test_control_characters_in_the_data_are_shown_not_run(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An ESC in an imported summary would restyle (or move) the terminal; the views show it
    as its picture, while rich's own styling codes still work."""
    conn = sqlite3.connect(fixture_db)
    with conn:
        conn.execute(
            "UPDATE events SET summary = 'Red \x1b[31mESC\x1b[0m and DEL\x7f' "
            "WHERE id = '2012-04-russia-china-naval-exercise'"
        )
    conn.close()
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    for args in (
        ["timeline", "--format", "table"],
        ["show", "2012-04-russia-china-naval-exercise"],
    ):
        assert run(["--db", str(fixture_db), *args]) == 0
        out = capsys.readouterr().out
        assert "Red \u241b[31mESC\u241b[0m and DEL\u2421" in out
        assert "\x1b[31mESC" not in out and "\x7f" not in out
        assert "\x1b[" in out  # rich's own styles
    assert render.printable("tab\tand\nnewline stay") == "tab\tand\nnewline stay"
    # a bidi override would reorder what the terminal shows; a C1 CSI has no picture
    assert render.printable("a\u202eb\u200bc\x9b") == "a<U+202E>b<U+200B>c<U+009B>"


@pytest.mark.parametrize("width", [80, 100])
@pytest.mark.parametrize("view", ["actors", "topics"])
def test_vocabulary_tables_keep_their_text_readable(
    view: str, width: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """At 80 columns the actors' aliases had been squeezed to one letter a line (946 lines for
    42 actors): the name and aliases now share what the other columns leave."""
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setenv("NO_COLOR", "1")
    assert run(["--db", str(BUNDLED), view, "-f", "table"]) == 0
    lines = capsys.readouterr().out.splitlines()
    conn = sqlite3.connect(BUNDLED)
    count = conn.execute(f"SELECT count(*) FROM {view}").fetchone()[0]
    assert max(map(len, lines)) <= width
    assert len(lines) <= 5 * count, "\n".join(lines[:20])
    columns = (
        ["name", "kind", "country", "aliases"]
        if view == "actors"
        else ["name", "description", "aliases"]
    )
    assert lines[0].split() == [*columns, "events", "facts"]


@pytest.mark.parametrize("width", [150, 200])
def test_a_wide_timeline_keeps_a_source_and_its_note_on_one_line(
    width: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The source column stayed 18 wide at any width: "kim-blank-2013, n." and "37" on two
    lines with a hundred columns free."""
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setenv("NO_COLOR", "1")
    assert run(["--db", str(BUNDLED), "timeline", "--actor", "Japan", "-f", "table"]) == 0
    out = capsys.readouterr().out
    rows = list(query.timeline(sqlite3.connect(BUNDLED), TimelineFilter(actors=("Japan",))))
    cited = [render.notes_text(r["source"], r["notes"]) for r in rows if r["notes"]]
    assert cited and all(len(c) <= 24 for c in cited)
    for text in cited:
        assert text in out, text
    # nor a topic split ("regional-developmen" "t" at 149-150 columns)
    assert (
        run(["--db", str(BUNDLED), "timeline", "--topic", "regional-development", "-f", "table"])
        == 0
    )
    assert "regional-development" in capsys.readouterr().out


@pytest.mark.parametrize("width", [60, 80, 100, 120, 140, 160, 200])
@pytest.mark.parametrize("args", [["timeline"], ["facts"], ["search", "the"]])
def test_every_id_is_drawn_whole(
    width: int, args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ids are copied from the table: at 120 columns the events' column had been narrower than
    at 80 (a third of the ids broke in two), the facts' subject 32 wide, and at 80 a search's
    dates took the room of its ids. (The bundled ids are 60 characters at most.)"""
    db = ["--db", str(BUNDLED)]
    assert run([*db, *args, "-f", "jsonl"]) == 0
    ids = [json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()]
    assert ids and max(map(len, ids)) <= 60
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setenv("NO_COLOR", "1")
    assert run([*db, *args, "-f", "table"]) == 0
    out = capsys.readouterr().out
    broken = [i for i in ids if i not in out and len(i) <= width]
    assert not broken, broken


@pytest.mark.parametrize("width", [80, 120, 160])
def test_an_id_longer_than_the_events_column_is_drawn_whole(
    width: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An id `add` made from a long summary (77 characters) had broken across two lines at 80
    columns: its entry is stacked, the id on a line of the full width."""
    mine = tmp_path / "mine.sqlite"
    assert run(["db", "init", str(mine)]) == 0
    summary = "Russia and China hold extraordinarily lengthy negotiations concerning the " * 2
    add = ["--db", str(mine), "add", "event", "--date", "2013-07", "--summary", summary,
           "--actor", "Russia", "--topic", "energy", "--source", "singh-2016",
           "--quote", "q"]  # fmt: skip
    monkeypatch.delenv("RUSINO_SOURCES_DIR", raising=False)
    assert run(add) == 0
    rid = capsys.readouterr().out.strip()
    assert 62 < len(rid) < 80
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setenv("NO_COLOR", "1")
    assert (
        run(["--db", str(mine), "timeline", "--from", "2013-07", "--to", "2013-07", "-f", "table"])
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert any(rid in line for line in lines), lines
    assert max(map(len, lines)) <= width


@pytest.mark.parametrize("command", ["actors", "topics"])
def test_vocabularies_below_80_columns_break_no_word(
    command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """At 60 columns five columns had broken "person", "Russia" and the headers mid-word."""
    assert run(["--db", str(BUNDLED), command, "-f", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    monkeypatch.setenv("COLUMNS", "60")
    monkeypatch.setenv("NO_COLOR", "1")
    assert run(["--db", str(BUNDLED), command, "-f", "table"]) == 0
    out = capsys.readouterr().out
    assert max(map(len, out.splitlines())) <= 60
    words = set(out.replace(",", " ").split())
    for row in rows:
        extra = [row["kind"], row["country"]] if command == "actors" else []
        for text in [*extra, *row["aliases"], *([row["name"]] if len(row["name"]) < 40 else [])]:
            assert set(text.replace(",", " ").split()) <= words, text


def test_show_folds_a_long_word_rather_than_cut_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """At 60 columns an id in a comment had been cut with "…", as a URL in a summary was."""
    rid = "2011-04-russia-transfers-naval-air-defence-arms-to-china"
    monkeypatch.setenv("COLUMNS", "60")
    monkeypatch.setenv("NO_COLOR", "1")
    assert run(["--db", str(BUNDLED), "show", rid, "-f", "table"]) == 0
    out = capsys.readouterr().out
    assert "…" not in out
    assert max(map(len, out.splitlines()[1:])) <= 60  # (the heading's id is never broken)
    assert "2011-04-russia-declines-ground-war-arms-to-china" in "".join(
        line.strip() for line in out.splitlines()
    )


@pytest.mark.parametrize(
    ("search", "text", "lit"),
    [
        ("S-400", "Russia sells S-400 systems (singh-2016)", ["S-400"]),  # not every s-word
        ("13.5", "USD13.5 billion, n. 13, 13.5 bn", ["13.5"]),  # not the 13 of n. 13
        ("200", "200bn in 2008, 200 more", ["200"]),  # a number is whole, as it is found
        ("pipeline gas", "gas pipelines", ["gas", "pipelines"]),
        ("defense", "missile defence", ["defence"]),
    ],
)
def test_highlighting_lights_what_the_search_finds(search: str, text: str, lit: list[str]) -> None:
    from rich.text import Text

    marked = render._mark(Text(text), query.highlight_words(search))
    assert [text[s.start : s.end] for s in marked.spans] == lit


def test_facts_tables_highlight_the_query(monkeypatch: pytest.MonkeyPatch) -> None:
    """facts QUERY lit nothing, where timeline --search does."""

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    conn = sqlite3.connect(BUNDLED)
    rows = list(query.facts(conn, query.FactFilter(query="pipeline")))
    for width in (80, 160):
        out = Tty()
        render.render(
            rows, render.FACTS, Format.table, out, Options(width=width, highlight=["pipeline"])
        )
        assert "pipeline\x1b[0m" in out.getvalue(), width


def test_a_range_too_wide_for_its_column_breaks_after_its_dash() -> None:
    """The range (with an en dash) "Sep 2010? - 8" had stood above "Oct 2010"."""
    assert render.date_cell("2010-09?/2010-10-08", 16) == "Sep 2010? \u2013\n8 Oct 2010"
    assert render.date_cell("2010-09?/2010-10-08", 30) == "Sep 2010? \u2013 8 Oct 2010"
    assert render.date_cell("2012-04-22", 6) == "22 Apr 2012"  # no range: as it is
