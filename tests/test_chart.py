"""`rusino chart`, `chart --lanes`, `facts --chart` and `--save`: the counts against `timeline`,
the drawn views as golden files (fixed width, no colour), the pictures as parseable SVG/HTML.

Regenerate the golden files after an intended change of a drawn view with:
    UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_chart.py
"""

from __future__ import annotations

import calendar
import io
import json
import os
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from rusino import chart, draw, query
from rusino.cli import run
from rusino.query import TimelineFilter

GOLDEN = Path(__file__).parent / "golden"
BUNDLED = Path(__file__).resolve().parents[1] / "data" / "events.sqlite"
RUSINO = [sys.executable, "-m", "rusino"]


def ev(id_: str, date: str, start: str, end: str, precision: str, **kw: Any) -> dict[str, Any]:
    return {
        "id": id_,
        "date": date,
        "start": start,
        "end": end,
        "precision": precision,
        "actors": kw.get("actors", []),
        "topics": kw.get("topics", []),
        "source": kw.get("source", "s"),
    }


def cli(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = run(["--db", str(db), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def tsv(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines()]


# ---------------------------------------------------------------------------------------------
# the counting core


def test_a_range_counts_once_in_each_year_it_overlaps() -> None:
    rows = [
        ev("a", "2008/2013-12", "2008-01-01", "2013-12-31", "year"),
        ev("b", "2012-04", "2012-04-01", "2012-04-30", "month"),
    ]
    c = chart.count(rows)
    assert c.periods == [str(y) for y in range(2008, 2014)]
    assert list(c.rows()) == [
        {"period": str(y), "series": "all", "count": 2 if y == 2012 else 1}
        for y in range(2008, 2014)
    ]
    assert c.events == 2


def test_the_asked_range_clips_the_axis() -> None:
    rows = [ev("a", "2000/2016", "2000-01-01", "2016-12-31", "year")]
    c = chart.count(rows, clip=("2012-01-01", "2013-12-31"))
    assert c.periods == ["2012", "2013"]


def test_per_month_drops_or_spreads_coarse_dates_and_says_so() -> None:
    rows = [
        ev("year", "2012", "2012-01-01", "2012-12-31", "year"),
        ev("summer", "2012-22", "2012-06-01", "2012-08-31", "season"),
        ev("days", "2012-04-28/2012-05-03", "2012-04-28", "2012-05-03", "day"),
    ]
    dropped = chart.count(rows, per="month")
    assert [(r["period"], r["count"]) for r in dropped.rows()] == [("2012-04", 1), ("2012-05", 1)]
    assert (dropped.dropped, dropped.spread) == (2, 0)
    assert "2 events dated only to a season, a year or longer left out" in dropped.notes()[0]
    spread = chart.count(rows, per="month", coarse="spread")
    counts = {r["period"]: r["count"] for r in spread.rows()}
    assert counts["2012-01"] == 1 and counts["2012-04"] == 2 and counts["2012-07"] == 2
    assert (spread.dropped, spread.spread) == (0, 2)
    assert "counted in each month they cover" in spread.notes()[0]


def test_other_counts_an_event_once_however_many_series_were_merged() -> None:
    rows = [
        ev("a", "2012", "2012-01-01", "2012-12-31", "year", actors=["China", "Russia", "Japan"]),
        ev("b", "2012", "2012-01-01", "2012-12-31", "year", actors=["China", "Vietnam"]),
        ev("c", "2012", "2012-01-01", "2012-12-31", "year", actors=[]),
    ]
    c = chart.count(rows, by="actor", top=1)
    assert c.series == ["China", "other"]
    assert {r["series"]: r["count"] for r in c.rows()} == {"China": 2, "other": 3}
    assert sorted(c.merged) == ["(none)", "Japan", "Russia", "Vietnam"]
    assert c.multi and "counts once for each" in c.notes()[-1]


def test_lanes_keep_the_busiest_and_merge_the_rest_once() -> None:
    rows = [
        ev("a", "2008/2013-12", "2008-01-01", "2013-12-31", "year", actors=["Russia", "Vietnam"]),
        ev("b", "2012-04", "2012-04-01", "2012-04-30", "month", actors=["Russia", "Japan"]),
        ev("c", "2015", "2015-01-01", "2015-12-31", "year", actors=["China"]),
    ]
    lanes = chart.lanes(rows, top=1)
    assert (lanes.first, lanes.last, lanes.events) == (2008, 2015, 3)
    assert [(name, [s.id for s in spans]) for name, spans in lanes.lanes] == [
        ("Russia", ["a", "b"]),
        ("other", ["a", "b", "c"]),
    ]
    assert lanes.lanes[0][1][0].bar and not lanes.lanes[0][1][1].bar


# ---------------------------------------------------------------------------------------------
# the counts agree with `timeline` over the same filters


def _timeline_count(conn: sqlite3.Connection, **kw: Any) -> int:
    return sum(1 for _ in query.timeline(conn, TimelineFilter(**kw)))


@pytest.mark.parametrize("db_name", ["fixture", "bundled"])
def test_yearly_counts_match_timeline(
    db_name: str, fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = fixture_db if db_name == "fixture" else BUNDLED
    code, out, err = cli(capsys, db, "chart")
    assert (code, err) == (0, "")
    rows = tsv(out)
    assert rows and all(len(r) == 3 and r[1] == "all" for r in rows)
    conn = sqlite3.connect(db)
    for period, _, count in rows:
        span = {"start": f"{period}-01-01", "end": f"{period}-12-31"}
        assert int(count) == _timeline_count(conn, **span), period
    # every year with an event is there
    years = {int(r[0]) for r in rows}
    starts = [int(r[0][:4]) for r in conn.execute("SELECT date_start FROM events")]
    ends = [int(r[0][:4]) for r in conn.execute("SELECT date_end FROM events")]
    expected = {y for s, e in zip(starts, ends, strict=True) for y in range(s, e + 1)}
    assert years == expected


def test_counts_by_actor_match_timeline_per_actor(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, BUNDLED, "chart", "--by", "actor", "--top", "4", "--window")
    assert code == 0
    rows = tsv(out)
    conn = sqlite3.connect(BUNDLED)
    series = {r[1] for r in rows}
    assert len(series - {"other"}) == 4 and "other" in series
    assert {int(r[0]) for r in rows} <= set(range(2009, 2017))  # clipped to the window
    for period, actor, count in rows:
        if actor == "other":
            continue
        n = _timeline_count(
            conn, actors=[actor], start=f"{period}-01-01", end=f"{period}-12-31", window=True
        )
        assert int(count) == n, (period, actor)


def test_month_counts_match_timeline_for_fine_dates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(
        capsys, BUNDLED, "chart", "--per", "month", "--from", "2012", "--to", "2013"
    )
    assert code == 0
    assert err.startswith("note: ") and "left out of the months" in err
    conn = sqlite3.connect(BUNDLED)
    got = {r[0]: int(r[2]) for r in tsv(out)}
    for month in ("2012-04", "2012-09", "2013-01"):
        last = calendar.monthrange(int(month[:4]), int(month[5:]))[1]
        rows = query.timeline(conn, TimelineFilter(start=f"{month}-01", end=f"{month}-{last}"))
        assert got.get(month, 0) == sum(r["precision"] in ("day", "month") for r in rows), month
    code, out, _ = cli(
        capsys,
        BUNDLED,
        "chart",
        "--per",
        "month",
        "--coarse",
        "spread",
        "--from",
        "2012-04",
        "--to",
        "2012-04",
    )
    n = _timeline_count(conn, start="2012-04-01", end="2012-04-30")
    assert tsv(out) == [["2012-04", "all", str(n)]]


# ---------------------------------------------------------------------------------------------
# pipes, formats, errors


def test_piped_chart_is_tsv_and_json_through_a_real_process(fixture_db: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"RUSINO_DB": str(fixture_db)}
    p = subprocess.run(
        [*RUSINO, "chart", "--by", "topic"], env=env, capture_output=True, text=True, check=False
    )
    assert (p.returncode, p.stderr) == (0, "")
    assert "\x1b" not in p.stdout
    rows = tsv(p.stdout)
    assert rows[0] == ["2008", "arms-sales", "1"]
    assert all(len(r) == 3 and int(r[2]) > 0 for r in rows)
    j = subprocess.run(
        [*RUSINO, "chart", "--by", "topic", "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    data = json.loads(j.stdout)
    assert [[d["period"], d["series"], str(d["count"])] for d in data] == rows


@pytest.mark.parametrize("fmt", [[], ["--format", "json"], ["--format", "csv", "--headers"]])
def test_piped_fact_bars_are_the_figures_facts_prints(fmt: list[str]) -> None:
    """Piped (or with --format), `facts --chart` prints the figures, as `chart` prints its
    numbers: it had drawn bars into the pipe, and refused every --format."""
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"RUSINO_DB": str(BUNDLED)}
    run = [*RUSINO, "facts", "trade", *fmt]
    p = subprocess.run([*run, "--chart"], env=env, capture_output=True, text=True, check=False)
    plain = subprocess.run(run, env=env, capture_output=True, text=True, check=False)
    assert (p.returncode, p.stderr) == (0, "")
    assert p.stdout == plain.stdout and "█" not in p.stdout
    assert len(p.stdout.splitlines()) > 3


def test_headers_and_csv(fixture_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, fixture_db, "chart", "--format", "csv")
    assert code == 0
    assert out.splitlines()[0] == "period,series,count"


def test_empty_result_prints_nothing(fixture_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for args in (
        ["--from", "1990", "--to", "1991"],
        ["--from", "1990", "--to", "1991", "-f", "table"],
    ):
        assert cli(capsys, fixture_db, "chart", *args) == (0, "", "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lanes", "--by", "none"], "--lanes needs rows"),
        (["--within"], "--within needs --from or --to"),
        (["--actor", "Rusia"], "did you mean Russia"),
        (["--per", "week"], "'week' is not one of"),
        (["--save", "out.png"], "use a name ending in .svg or .html"),
        (["--save", "x.svg", "--format", "json"], "--save saves a picture, not --format json"),
        (["--top", "0"], "--top"),
        # options that would do nothing: refused, not ignored
        (["--lanes", "--per", "month"], "--lanes draws years across"),
        (["--side"], "--side sets a period's series side by side"),
        (["--lanes", "--side"], "without --lanes"),
        (["--coarse", "spread"], "use it with --per month"),
        # more series than glyphs: two had been drawn alike
        (["--by", "actor", "--top", "17", "-f", "table"], "tells 16 series apart at most"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    args: list[str], message: str, fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(capsys, fixture_db, "chart", *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err, err


# ---------------------------------------------------------------------------------------------
# golden files: the drawn views at 80 and 120 columns, without colour

CASES = {
    "chart_bars": ["chart"],
    "chart_actors": ["chart", "--by", "actor", "--top", "3"],
    "chart_side": ["chart", "--by", "topic", "--top", "2", "--side"],
    "chart_months": ["chart", "--per", "month", "--by", "source"],
    "chart_lanes": ["chart", "--lanes"],
    "chart_lanes_topics": ["chart", "--lanes", "--by", "topic", "--top", "4"],
    "chart_facts": ["facts", "--chart"],
}


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(
    name: str,
    width: int,
    fixture_db: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, _ = cli(capsys, fixture_db, *CASES[name], "--format", "table")
    assert code == 0 and out
    assert max(len(line) for line in out.splitlines()) <= width
    path = GOLDEN / f"{name}-{width}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8"), f"regenerate with UPDATE_GOLDEN=1 ({path})"


def _lanes_text(width: int, db: Path) -> str:
    from rich.console import Console

    conn = sqlite3.connect(db)
    lanes = chart.lanes(query.timeline(conn, TimelineFilter()))
    out = io.StringIO()
    console = Console(file=out, width=width, color_system=None, legacy_windows=False)
    draw.draw_lanes(lanes, console)
    return out.getvalue()


def test_lanes_fold_the_years_at_80_and_use_the_width_at_200() -> None:
    narrow = _lanes_text(80, BUNDLED).splitlines()
    wide = _lanes_text(200, BUNDLED).splitlines()
    assert max(map(len, narrow)) <= 80 and max(map(len, wide)) <= 200
    axes = [line for line in narrow if line.lstrip().startswith("20") and line.startswith(" ")]
    assert len(axes) >= 2  # folded: two (or more) year axes, each year labelled in full
    years = [y for line in axes for y in line.split()]
    assert years == [str(y) for y in range(int(years[0]), int(years[-1]) + 1)]
    assert any("folded" in line for line in narrow)
    wide_axes = [line for line in wide if line.lstrip().startswith("20") and line.startswith(" ")]
    assert len(wide_axes) == 1 and max(map(len, wide)) > 180  # one axis, using the width
    assert not any("folded" in line for line in wide)


def test_lane_marks_are_where_the_dates_are_and_as_exact() -> None:
    """A winter across a fold of the years was a mark at the end of one row and the start of
    the next; a year-only date was a point mid-year, one of "4 events at one spot" with three
    others of the same year, and a decade one point that moved with --from."""
    winter = chart.Span("w", "2012-12-01", "2013-02-28", bar=False)
    assert draw._lane_cells([winter], 2005, 2012, 6).count("●") == 0
    assert draw._lane_cells([winter], 2013, 2020, 6)[0] == "●"
    years = [chart.Span(str(i), "2012-01-01", "2012-12-31", bar=False) for i in range(4)]
    cells = "".join(draw._lane_cells(years, 2011, 2013, 12))
    assert cells == "┊" + " " * 11 + draw.VAGUE * 12 + "┊" + " " * 11
    decade = chart.Span("d", "2010-01-01", "2019-12-31", bar=False)
    assert set(draw._lane_cells([decade], 2012, 2012, 12)) == {draw.VAGUE}
    day = chart.Span("day", "2012-07-01", "2012-07-01", bar=False)  # over a vague span: on top
    assert "".join(draw._lane_cells([*years, day], 2012, 2012, 12)).count("●") == 1
    interval = chart.Span("i", "2012-01-01", "2012-12-31", bar=True)  # a range over a vague one
    assert set(draw._lane_cells([*years, interval], 2012, 2012, 12)) == {draw.RANGE}


def test_the_lanes_key_explains_every_mark_and_breaks_between_keys() -> None:
    text = _lanes_text(40, BUNDLED)
    for key in draw.LANES_KEY:
        if len(key) <= 40:
            assert key in text.splitlines(), key
    assert "+ 10 or more" in text


def test_a_narrow_lane_label_cuts_the_name_not_its_count() -> None:
    """At 40 columns "United States (22)" was cut to "United Stat…", its count lost."""
    conn = sqlite3.connect(BUNDLED)
    counts = {
        name: len(spans)
        for name, spans in chart.lanes(query.timeline(conn, TimelineFilter())).lanes
    }
    labels = [line[:12].rstrip() for line in _lanes_text(40, BUNDLED).splitlines()]
    assert f"United… ({counts['United States']})" in labels
    assert f"Russia ({counts['Russia']})" in labels


def test_fact_bars_draw_a_unit_spelt_two_ways_as_one_group() -> None:
    """A "usd" fact beside USD ones had been a group of its own, its bar scaled apart."""
    import rich.console

    row = {"id": "a", "subject": "S", "date": "2012", "value": 1.0, "value_max": None,
           "qualifier": "exact", "kind": "actual"}  # fmt: skip
    rows = [row | {"unit": "USD"}, row | {"id": "b", "unit": "usd", "value": 2.0}]
    console = rich.console.Console(file=io.StringIO(), width=100, no_color=True)
    assert draw.draw_fact_bars(rows, console) == 2
    out = console.file.getvalue()  # type: ignore[attr-defined]
    group, _legend = out.split("\n\n")  # one group (its heading and two bars), the legend
    assert group.splitlines()[0] == "USD" and len(group.splitlines()) == 3


def test_a_figure_below_zero_is_marked_not_an_empty_bar() -> None:
    """USD -5 bn was drawn as nothing, as 0 is."""
    import rich.console

    row = {"id": "a", "subject": "S", "date": "2012", "value_max": None, "qualifier": "exact",
           "kind": "actual", "unit": "USD"}  # fmt: skip
    rows = [row | {"value": 3.0}, row | {"id": "b", "value": -5.0}, row | {"id": "c", "value": 0}]
    console = rich.console.Console(file=io.StringIO(), width=100, no_color=True)
    draw.draw_fact_bars(rows, console)
    lines = console.file.getvalue().splitlines()  # type: ignore[attr-defined]
    assert draw.NEGATIVE_GLYPH in lines[2] and draw.NEGATIVE_GLYPH not in lines[1] + lines[3]
    assert any("a figure below zero" in line for line in lines)
    across = row | {"id": "d", "value": -2.0, "value_max": 5.0, "unit": "percent"}
    console = rich.console.Console(file=io.StringIO(), width=100, no_color=True)
    draw.draw_fact_bars([across], console)
    line = console.file.getvalue().splitlines()[1]  # type: ignore[attr-defined]
    assert draw.NEGATIVE_GLYPH + draw.RANGE_GLYPH in line  # the part above zero is drawn
    assert "-2 to 5%" in line  # (a dash beside a minus read as one)
    assert draw.RANGE_GLYPH + " -2 to 5%" in line  # a space between (it had been glued to it)


def test_fact_bars_keep_units_apart_and_mark_ranges_and_targets(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, _ = cli(capsys, BUNDLED, "facts", "--chart", "-f", "table")
    assert code == 0
    conn = sqlite3.connect(BUNDLED)
    units = {str(r[0]) for r in conn.execute("SELECT DISTINCT unit FROM facts")}
    unit = None
    seen: Counter[str] = Counter()
    for line in out.split("\n\n")[0:-1]:
        head, *bars = line.splitlines()
        unit = head
        assert unit in units
        seen[unit] += len(bars)
    assert seen == Counter(
        {str(u): n for u, n in conn.execute("SELECT unit, count(*) FROM facts GROUP BY unit")}
    )
    lines = out.splitlines()
    target = next(line for line in lines if line.endswith("  target"))
    assert "▒" in target and "█" not in target
    ranged = next(line for line in lines if "1,300–1,500 km" in line)  # noqa: RUF001
    assert "█" in ranged and "░" in ranged


# ---------------------------------------------------------------------------------------------
# --save: pictures that parse, with the labels in them


def _svg_text(path: Path) -> str:
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    return "".join(root.itertext()).replace("\xa0", " ")


@pytest.mark.parametrize(
    ("args", "labels"),
    [
        (["chart", "--by", "actor"], ["Russia", "Vladimir Putin", "2012", "counted per year"]),
        (["chart", "--lanes"], ["Russia (5)", "2017", "one row per actor"]),
        (["facts", "--chart"], ["USD", "≲ USD 80 bn", "Russia-China trade volume"]),
        (["timeline"], ["2012", "Russia", "2015-05-japan-russia-talks"]),
        (["facts", "trade"], ["Russia-China trade volume"]),
    ],
)
def test_save_svg_parses_and_holds_the_labels(
    args: list[str],
    labels: list[str],
    fixture_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "picture.svg"
    code, stdout, err = cli(capsys, fixture_db, *args, "--save", str(out))
    assert (code, stdout, err) == (0, "", f"saved {out}\n")
    text = _svg_text(out)
    for label in labels:
        assert label in text, label


def test_save_html(fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "chart.html"
    code, _, _ = cli(capsys, fixture_db, "chart", "--lanes", "--save", str(out))
    assert code == 0
    html = out.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html>") and "Russia (5)" in html
    assert "<title>rusino chart --lanes</title>" in html  # a page HTML validators accept


def test_save_nothing_writes_no_file(
    fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "empty.svg"
    args = ("chart", "--from", "1990", "--to", "1991", "--save", str(out))
    said = f"rusino: nothing to draw: {out} not written\n"  # not silence: the user asked for it
    assert cli(capsys, fixture_db, *args) == (0, "", said)
    assert not out.exists()


def test_save_into_a_missing_folder_is_a_usage_error(
    fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(capsys, fixture_db, "timeline", "--save", str(tmp_path / "no" / "x.svg"))
    assert code == 2 and "create it first" in err
    (tmp_path / "J").write_text("")  # a file where the folder would be: not "no folder"
    code, _, err = cli(capsys, fixture_db, "chart", "--save", str(tmp_path / "J" / "x.svg"))
    assert code == 2 and "is a file, not a folder" in err


def test_piped_lanes_print_the_counts_per_lane(
    fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = cli(capsys, fixture_db, "chart", "--lanes")
    assert code == 0
    rows = tsv(out)
    assert {r[1] for r in rows} == {"Russia", "China", "Japan", "Vietnam", "Vladimir Putin"}
    assert ["2012", "Russia", "3"] in rows  # the 2008-2013 sales, the exercise, the summer


@pytest.mark.parametrize(
    ("counts", "scale", "widths"),
    [
        ([7], 1 / 1.9, [4]),
        ([10, 10, 10], 0.5, [5, 5, 5]),
        ([4, 3, 3], 0.5, [2, 2, 1]),  # 5 cells in all, by largest remainder: not 2 + 2 + 2
        ([3, 1, 1, 1, 1], 1 / 1.9, [1, 1, 1, 1, 1]),  # one cell each at least: 5, not 6
        ([100, 1, 1], 0.1, [10, 1, 1]),  # a part is never cut below its share
        ([5, 0, 2], 1.0, [5, 0, 2]),
    ],
)
def test_a_stacked_bar_is_as_long_as_its_total(
    counts: list[int], scale: float, widths: list[int]
) -> None:
    assert draw._widths(counts, scale) == widths


def test_a_chart_with_nothing_to_draw_says_why(
    capsys: pytest.CaptureFixture[str], fixture_db: Path
) -> None:
    """On a terminal (--format table) as in a pipe: the note on what was left out, not silence;
    and --window with dates outside its axis is an error, not an empty chart."""
    code, out, err = cli(capsys, fixture_db, "chart", "--per", "month", "--from", "2013",
                         "--to", "2013", "-f", "table")  # fmt: skip
    assert (code, out) == (0, "") and "left out of the months" in err
    code, out, err = cli(capsys, fixture_db, "chart", "--window", "--from", "2005", "--to", "2008")
    assert (code, out) == (2, "") and "outside the --window axis (2009-2016)" in err


def test_a_chart_fits_a_40_column_terminal(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--width defaults to the terminal's, down to its own least (40): the table views' 60
    drew it 55 wide, and a 40-column terminal wrapped every bar."""
    monkeypatch.setenv("COLUMNS", "40")
    for args in (("chart", "-f", "table"), ("chart", "--lanes", "-f", "table")):
        code, out, _ = cli(capsys, fixture_db, *args)
        assert code == 0 and out
        assert max(map(len, out.splitlines())) <= 40, out
    monkeypatch.setenv("COLUMNS", "20")  # narrower: drawn 40 wide, the terminal wraps it
    code, out, _ = cli(capsys, fixture_db, "chart", "-f", "table")
    assert code == 0 and 20 < max(map(len, out.splitlines())) <= 40


@pytest.mark.parametrize("width", [40, 60, 100])
def test_fact_bars_fit_the_terminal(
    width: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Below ~75 columns a figure's bar goes on the line under its subject and period: every
    line had been drawn ~60 wide (80 with a long figure), and a 40-column terminal wrapped it."""
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, _ = cli(capsys, BUNDLED, "facts", "--chart", "-f", "table")
    lines = out.splitlines()
    assert code == 0 and max(map(len, lines)) <= width, out
    conn = sqlite3.connect(BUNDLED)
    legend = ("██", "▒▒", "░░")
    bars = [x for x in lines if ("█" in x or "▒" in x) and not x.startswith(legend)]
    assert len(bars) == conn.execute("SELECT count(*) FROM facts").fetchone()[0]
    for (subject,) in conn.execute("SELECT subject FROM facts"):
        assert any(line.startswith(subject[:12]) for line in lines), subject


def test_lanes_by_source_say_nothing_of_several_sources(fixture_db: Path) -> None:
    """`chart --lanes --by source` noted that "an event with several sources is on each of
    their rows": an event has one source."""
    from rich.console import Console

    conn = sqlite3.connect(fixture_db)
    rows = list(query.timeline(conn, TimelineFilter()))
    for by, noted in (("source", False), ("actor", True)):
        out = io.StringIO()
        console = Console(file=out, width=80, color_system=None, legacy_windows=False)
        draw.draw_lanes(chart.lanes(rows, by=by), console)  # type: ignore[arg-type]
        assert ("is on each of their rows" in out.getvalue()) is noted


def test_a_lone_empty_period_says_none() -> None:
    """One empty year between two others was its bare label, as if the drawing had failed."""
    from rich.console import Console

    rows = [ev("a", "2013", "2013-01-01", "2013-12-31", "year"),
            ev("b", "2015", "2015-01-01", "2015-12-31", "year")]  # fmt: skip
    for side in (False, True):
        out = io.StringIO()
        console = Console(file=out, width=80, color_system=None, legacy_windows=False)
        draw.draw_chart(chart.count(rows, by="none" if not side else "actor"), console, side=side)
        lines = out.getvalue().splitlines()
        assert [line.split() for line in lines if line.startswith("2014")] == [["2014", "none"]]
