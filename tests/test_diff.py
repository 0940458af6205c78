"""`rusino diff`: every kind of side, every format, the exit codes, a changed field between two
databases built here, and --facts (pairs, change, conflicts)."""

# ruff: noqa: RUF001, RUF003  (en dashes in dates and subjects are the point)

from __future__ import annotations

import csv
import io
import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rusino import diff as core
from rusino import render_diff
from rusino.build import build_database
from rusino.cli import run
from rusino.diff import FactEntry
from rusino.errors import RusinoError
from rusino.render import EVENT_FIELDS

RUSINO = [sys.executable, "-m", "rusino"]

# The fixture's events by actor (see tests/fixtures/data): Vietnam has one, Japan one.
VIETNAM = "2008-2013-russia-vietnam-fighter-sales"
JAPAN = "2015-05-japan-russia-talks"
SUMMER = "2012-summer-russia-china-missile-defence-concern"


def diff(
    capsys: pytest.CaptureFixture[str], db: Path, *args: str, code: int = 1
) -> tuple[str, str]:
    assert run(["--db", str(db), "diff", *args]) == code, capsys.readouterr()
    captured = capsys.readouterr()
    return captured.out, captured.err


def fail(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> str:
    out, err = diff(capsys, db, *args, code=2)
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("rusino: "), err  # one line, no traceback
    return lines[0]


def proc(
    db: Path, *args: str, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    e = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run(
        [*RUSINO, *args],
        env=e | {"RUSINO_DB": str(db)} | env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


def timeline_jsonl(db: Path, *args: str) -> str:
    p = proc(db, "timeline", "--format", "jsonl", *args)
    assert p.returncode == 0, p.stderr
    return p.stdout


@pytest.fixture(scope="module")
def changed_db(tmp_path_factory: pytest.TempPathFactory, fixture_data_dir: Path) -> Path:
    """The fixture data with one event's summary reworded, one event removed, one fact added."""
    data = tmp_path_factory.mktemp("changed") / "data"
    shutil.copytree(fixture_data_dir, data)
    (data / "events.sqlite").unlink(missing_ok=True)
    beta = data / "events-beta-2016.toml"
    text = beta.read_text(encoding="utf-8")
    old = 'summary = "Japan and Russia agree to hold talks"'
    assert old in text
    text = text.replace(old, 'summary = "Japan and Russia agree to hold peace-treaty talks"')
    start = text.index('[[event]]\nid = "2017-s400-deliveries-to-china"')
    end = text.index("[[event]]", start + 1)
    beta.write_text(text[:start] + text[end:], encoding="utf-8")
    facts = data / "facts-beta-2016.toml"
    facts.write_text(
        facts.read_text(encoding="utf-8")
        + """
[[fact]]
id = "2012-russia-china-trade-beta"
subject = "Russia–China trade  volume"
value = 88000000000
unit = "USD"
qualifier = "exact"
as_written = "USD88 billion"
date = "2012"
date_text = "in 2012"
kind = "actual"
actors = ["Russia", "China"]
topics = ["trade"]
source = "beta-2016"
quote = "Japan imported more than 25 million tons of coal from Russia in 2015"
""",
        encoding="utf-8",
    )
    out = data.parent / "changed.sqlite"
    build_database(data, out)
    return out


# ---------------------------------------------------------------------------------------------
# sides


def test_selectors_parse_into_timeline_filters() -> None:
    f = core.parse_selector("actor:Russia,topic:energy,source:beta-2016,2012-04..2012-06")
    assert f.actors == ("Russia",) and f.topics == ("energy",) and f.source == "beta-2016"
    assert (f.start, f.end) == ("2012-04-01", "2012-06-30")
    assert core.parse_selector("2014..") == core.Filters(start="2014-01-01")
    assert core.parse_selector("..2010").end == "2010-12-31"
    assert core.parse_selector("2012") == core.Filters(start="2012-01-01", end="2012-12-31")
    assert core.parse_selector("all") == core.Filters()
    assert core.parse_selector("window,search:gas") == core.Filters(window=True, search="gas")
    # two date terms intersect
    f = core.parse_selector("2012..2014,2013..")
    assert (f.start, f.end) == ("2013-01-01", "2014-12-31")


def test_side_kinds(tmp_path: Path) -> None:
    file = tmp_path / "side.jsonl"
    file.write_text("", encoding="utf-8")
    assert core.parse_side("-").kind == "stdin"
    assert core.parse_side(f"db:{file}") == core.Side(f"db:{file}", "db", path=file)
    assert core.parse_side(f"DB:{file}") == core.Side(f"DB:{file}", "db", path=file)
    assert core.parse_side(str(file)).kind == "file"
    assert core.parse_side("actor:Japan").kind == "selector"
    assert core.parse_side("2012").kind == "selector"


@pytest.mark.parametrize(
    ("side", "words"),
    [
        ("actr:Japan", "did you mean actor:Japan?"),
        ("no-such-file.jsonl", "no such file 'no-such-file.jsonl'"),
        ("2012-13", "no such month"),
        ("db:", "db: needs a path"),
        ("actor:", "needs a value"),
    ],
)
def test_bad_sides(side: str, words: str) -> None:
    with pytest.raises(RusinoError) as e:
        core.parse_side(side)
    assert words in str(e.value)


def test_two_selectors(capsys: pytest.CaptureFixture[str], fixture_db: Path) -> None:
    out, err = diff(capsys, fixture_db, "actor:Vietnam", "actor:tokyo")  # aliases resolve
    assert err == ""
    lines = [line.split("\t") for line in out.splitlines()]
    assert [(cells[0], cells[1]) for cells in lines] == [("<", VIETNAM), (">", JAPAN)]
    assert all(len(cells) == 1 + len(EVENT_FIELDS) for cells in lines)  # timeline's columns


def test_same_sides_exit_0(capsys: pytest.CaptureFixture[str], fixture_db: Path) -> None:
    out, _ = diff(capsys, fixture_db, "actor:Japan", "actor:tokyo", code=0)
    assert [line.split("\t")[:2] for line in out.splitlines()] == [["=", JAPAN]]


def test_options_apply_to_both_sides(capsys: pytest.CaptureFixture[str], fixture_db: Path) -> None:
    out, _ = diff(capsys, fixture_db, "source:alpha-2013", "source:beta-2016", "--from", "2012")
    marks = {tuple(line.split("\t")[:2]) for line in out.splitlines()}
    assert ("<", VIETNAM) in marks  # 2008-2013 overlaps 2012 on
    assert ("<", SUMMER) in marks and (">", JAPAN) in marks
    out, _ = diff(capsys, fixture_db, "source:alpha-2013", "source:beta-2016", "--actor", "Hanoi")
    assert [line.split("\t")[:2] for line in out.splitlines()] == [["<", VIETNAM]]


def test_file_side_against_a_selector(
    capsys: pytest.CaptureFixture[str], fixture_db: Path, tmp_path: Path
) -> None:
    file = tmp_path / "japan.jsonl"
    file.write_text(timeline_jsonl(fixture_db, "--actor", "Japan"), encoding="utf-8")
    out, _ = diff(capsys, fixture_db, str(file), "actor:Japan", code=0)
    assert out.split("\t")[:2] == ["=", JAPAN]
    # the command's filters apply to the file too (names through the current database's aliases)
    everything = tmp_path / "all.jsonl"
    everything.write_text(timeline_jsonl(fixture_db), encoding="utf-8")
    out, _ = diff(capsys, fixture_db, str(everything), "all", "--actor", "hanoi", code=0)
    assert [line.split("\t")[:2] for line in out.splitlines()] == [["=", VIETNAM]]
    # a JSON array (timeline --format json) reads as well
    array = tmp_path / "all.json"
    array.write_text(json.dumps([json.loads(x) for x in everything.read_text().splitlines()]))
    diff(capsys, fixture_db, str(array), "all", code=0)


def test_export_files_and_reordered_lists_read_as_the_same(
    capsys: pytest.CaptureFixture[str], fixture_db: Path, tmp_path: Path
) -> None:
    """An export's rows carry a `type`, and a whole-database export starts with sources,
    actors and topics and holds facts too: each side takes its own kind. Lists are sets."""
    exported = tmp_path / "export.jsonl"
    assert run(["--db", str(fixture_db), "export"]) == 0
    exported.write_text(capsys.readouterr().out, encoding="utf-8")
    types = {json.loads(line)["type"] for line in exported.read_text().splitlines()}
    assert types == {"source", "actor", "topic", "event", "fact"}
    diff(capsys, fixture_db, str(exported), "all", code=0)
    diff(capsys, fixture_db, "--facts", str(exported), "all", code=0)
    reordered = tmp_path / "reordered.jsonl"
    rows = [json.loads(line) for line in timeline_jsonl(fixture_db).splitlines()]
    assert any(len(r["actors"]) > 1 for r in rows)
    reordered.write_text(
        "".join(json.dumps(r | {"actors": r["actors"][::-1]}) + "\n" for r in rows)
    )
    diff(capsys, fixture_db, str(reordered), "all", code=0)
    facts_only = tmp_path / "facts.jsonl"
    assert run(["--db", str(fixture_db), "export", "--what", "facts"]) == 0
    facts_only.write_text(capsys.readouterr().out, encoding="utf-8")
    line = fail(capsys, fixture_db, str(facts_only), "all")
    assert "has no events, only facts or other records (add --facts to compare facts)" in line


def test_a_name_one_side_knows_matches_nothing_on_the_other(
    capsys: pytest.CaptureFixture[str], fixture_db: Path, tmp_path: Path
) -> None:
    """An actor of your own database was refused in every direction (unknown to the bundled
    one), so "what does my copy add about it" could not be asked."""
    mine = tmp_path / "mine.sqlite"
    shutil.copy(fixture_db, mine)
    add = ["--db", str(mine), "add", "event", "--date", "2013-05", "--summary", "Talks",
           "--actor", "Mongolia", "--new-actor", "--topic", "energy", "--source", "alpha-2013",
           "--quote", "q"]  # fmt: skip
    assert run(add) == 0
    made = capsys.readouterr().out.strip()
    for args, side in (
        ([f"db:{mine}", "--actor", "mongolia"], "right"),  # all (the fixture's) against mine
        ([f"db:{mine}", "actor:Mongolia"], "left"),  # mine against the fixture's Mongolia: none
    ):
        out, _ = diff(capsys, fixture_db, *args, "-f", "jsonl")
        rows = [json.loads(line) for line in out.splitlines()]
        assert {r["id"]: r["side"] for r in rows if r["id"] == made} == {made: side}
    out, _ = diff(capsys, mine, f"db:{fixture_db}", "--actor", "Mongolia", "-f", "jsonl")
    assert [(r["side"], r["id"]) for r in map(json.loads, out.splitlines())] == [("left", made)]
    # a file of its events, against the bundled database's
    exported = tmp_path / "mine.jsonl"
    exported.write_text(timeline_jsonl(mine, "--actor", "Mongolia"), encoding="utf-8")
    out, _ = diff(capsys, fixture_db, str(exported), "all", "--actor", "Mongolia", "-f", "jsonl")
    assert [(r["side"], r["id"]) for r in map(json.loads, out.splitlines())] == [("left", made)]
    # a name neither side knows is still refused
    line = fail(capsys, fixture_db, f"db:{mine}", "--actor", "Mongolai")
    assert line.startswith("rusino: unknown actor 'Mongolai'")


def test_stdin_side_through_a_pipe(fixture_db: Path) -> None:
    p = proc(
        fixture_db, "diff", "-", "actor:Russia", stdin=timeline_jsonl(fixture_db, "-a", "China")
    )
    assert p.returncode == 1, p.stderr
    marks = dict(line.split("\t")[1::-1] for line in p.stdout.splitlines())
    assert marks["2016-03-putin-china-south-china-sea"] == "<"  # China and Putin, not Russia
    assert marks[VIETNAM] == ">" and marks["2012-04-russia-china-naval-exercise"] == "="
    assert "\x1b" not in p.stdout


def test_database_side_with_a_changed_field(
    capsys: pytest.CaptureFixture[str], fixture_db: Path, changed_db: Path
) -> None:
    out, _ = diff(capsys, fixture_db, "all", f"db:{changed_db}", "--format", "json")
    doc = json.loads(out)
    assert (doc["left"], doc["right"]) == ("all", f"db:{changed_db}")
    assert [e["id"] for e in doc["left_only"]] == ["2017-s400-deliveries-to-china"]
    assert doc["right_only"] == []
    assert doc["changed"] == [
        {
            "id": JAPAN,
            "fields": {
                "summary": [
                    "Japan and Russia agree to hold talks",
                    "Japan and Russia agree to hold peace-treaty talks",
                ]
            },
        }
    ]
    assert len(doc["shared"]) == 4 and set(doc["shared"][0]) == set(EVENT_FIELDS)
    # RIGHT left out: LEFT against all of the current database (here, from the other side)
    out, _ = diff(capsys, changed_db, f"db:{fixture_db}", "--only", "changed", "-f", "jsonl")
    (row,) = [json.loads(line) for line in out.splitlines()]
    assert row["side"] == "changed" and row["summary"].endswith("hold talks")


# ---------------------------------------------------------------------------------------------
# formats


def test_piped_marks_for_every_category(
    capsys: pytest.CaptureFixture[str], fixture_db: Path, changed_db: Path
) -> None:
    out, _ = diff(capsys, fixture_db, f"db:{changed_db}", "--only", "left", "--only", "changed")
    assert [line.split("\t")[:2] for line in out.splitlines()] == [
        ["~", JAPAN],
        ["<", "2017-s400-deliveries-to-china"],
    ]
    out, _ = diff(capsys, fixture_db, f"db:{changed_db}", "--only", "shared")
    assert {line[0] for line in out.splitlines()} == {"="}


@pytest.mark.parametrize("fmt", ["tsv", "csv"])
def test_tsv_and_csv_have_a_side_column(
    capsys: pytest.CaptureFixture[str], fixture_db: Path, fmt: str
) -> None:
    out, _ = diff(capsys, fixture_db, "actor:Vietnam", "actor:Japan", "--format", fmt)
    reader = csv.reader(io.StringIO(out), delimiter="\t" if fmt == "tsv" else ",")
    header, *rows = list(reader)
    assert header == ["side", *EVENT_FIELDS]
    assert [(r[0], r[1]) for r in rows] == [("left", VIETNAM), ("right", JAPAN)]


def test_jsonl_has_a_side_field(capsys: pytest.CaptureFixture[str], fixture_db: Path) -> None:
    out, _ = diff(capsys, fixture_db, "actor:Vietnam", "actor:Russia", "-f", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert {r["side"] for r in rows} == {"shared", "right"}
    assert next(r for r in rows if r["id"] == VIETNAM)["side"] == "shared"
    assert all(set(r) == {"side", *EVENT_FIELDS} for r in rows)


def test_markdown_is_a_table(capsys: pytest.CaptureFixture[str], fixture_db: Path) -> None:
    out, _ = diff(capsys, fixture_db, "actor:Vietnam", "actor:Japan", "-f", "markdown")
    lines = out.splitlines()
    assert lines[0] == "| side | date | event | source | id |"
    assert lines[1] == "|---|---|---|---|---|"
    assert lines[2].startswith("| < left | 2008 – Dec 2013 | Russia sells fighter jets")


@pytest.mark.parametrize("width", [60, 80, 200])
def test_terminal_view_side_by_side(fixture_db: Path, changed_db: Path, width: int) -> None:
    p = proc(fixture_db, "diff", "2012..", f"db:{changed_db}", "-f", "table",
             COLUMNS=str(width), NO_COLOR="1")  # fmt: skip
    assert p.returncode == 1, p.stderr
    lines = p.stdout.splitlines()
    assert all(len(line) <= width for line in lines)
    header = [w for w in lines[0].split() if w != "<"][:3]
    assert header == (["left:", "2012.."] if width < 75 else ["date", "left:", "2012.."])
    assert lines[-1] == "1 only left, 0 only right, 4 shared, 1 changed"
    left_only = next(line for line in lines[2:] if "< " in line)
    assert left_only.startswith("< 2017" if width < 75 else "2017")  # narrow: the date heads it
    if width >= 150:  # the left column; narrower, each record spans the width
        assert left_only.rstrip().endswith("│")
    else:
        assert "│" not in p.stdout
    listed = proc(fixture_db, "diff", "2012..", f"db:{changed_db}", "-f", "jsonl").stdout
    ids = [json.loads(x)["id"] for x in listed.splitlines()]
    assert ids and all(i in p.stdout for i in ids)  # whole: at 80 the sides broke them in two
    changed = next(i for i, line in enumerate(lines) if "~ " in line)
    assert "May 2015" in lines[changed]  # dates at their own precision
    assert any("summary: Japan and Russia agree to hold talks →" in line for line in lines)
    assert "\x1b" not in p.stdout


def test_colour_on_a_terminal_only_with_table(fixture_db: Path) -> None:
    p = proc(fixture_db, "diff", "actor:Vietnam", "actor:Japan", "-f", "table",
             COLUMNS="100", FORCE_COLOR="1", TERM="xterm-256color")  # fmt: skip
    assert "\x1b[" in p.stdout


# ---------------------------------------------------------------------------------------------
# exit status 2: bad input, one line


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["actor:Japn", "actor:Vietnam"], "unknown actor 'Japn' (did you mean Japan?"),
        # a bare name: the selector it would be (it had been the whole list of side kinds)
        (
            ["Japan", "actor:Vietnam"],
            "no such file 'Japan', and not a selector (did you mean actor:Japan?)",
        ),
        (["tokyo"], "(did you mean actor:Japan?)"),
        (["energy"], "(did you mean topic:energy?)"),
        (["Japn"], "(did you mean actor:Japan?)"),  # misspelt
        (["putin"], "(did you mean 'actor:Vladimir Putin'?)"),  # quoted, to paste
        (["alpha-2013", "all"], "(did you mean source:alpha-2013?)"),
        (["actor:Japan", "topic:enrgy"], "unknown topic 'enrgy'"),
        (["source:gamma", "all"], "unknown source 'gamma'"),
        (["nowhere.jsonl", "all"], "no such file 'nowhere.jsonl'"),
        (["db:/no/such.sqlite", "all"], "no database at /no/such.sqlite"),
        (["-", "-"], "only one side can be -"),
        (["all", "all", "--within"], "--within needs --from or --to, or a side with dates"),
        (["all", "all", "--from", "2014", "--to", "2012"], "--from 2014 is after --to 2012"),
        (["all", "all", "--only", "both"], "Invalid value for '--only'"),
    ],
)
def test_bad_input_exits_2(
    capsys: pytest.CaptureFixture[str], fixture_db: Path, args: list[str], words: str
) -> None:
    assert words in fail(capsys, fixture_db, *args)


def test_files_that_are_not_rusino_jsonl(
    capsys: pytest.CaptureFixture[str], fixture_db: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "date": "2012", "start": "2012-01-01", "end": "2012-12-31",'
                   ' "summary": "s"}\nnot json\n')  # fmt: skip
    assert "bad.jsonl, line 2: not a JSON object" in fail(capsys, fixture_db, str(bad), "all")
    bad.write_text('{"name": "Japan"}\n')
    assert "is not a rusino event" in fail(capsys, fixture_db, str(bad), "all")
    facts = tmp_path / "facts.jsonl"
    p = proc(fixture_db, "facts", "-f", "jsonl")
    facts.write_text(p.stdout)
    assert "is a fact (add --facts" in fail(capsys, fixture_db, str(facts), "all")
    assert "directory" in fail(capsys, fixture_db, str(tmp_path), "all")


def test_bad_stdin_in_a_real_process(fixture_db: Path) -> None:
    p = proc(fixture_db, "diff", "-", "all", stdin="hello\n")
    assert p.returncode == 2 and p.stdout == ""
    assert (
        p.stderr.startswith("rusino: stdin, line 1: not a JSON object")
        and "Traceback" not in p.stderr
    )


# ---------------------------------------------------------------------------------------------
# facts


def test_facts_pairs_change_and_conflict(
    capsys: pytest.CaptureFixture[str], fixture_db: Path, changed_db: Path
) -> None:
    out, _ = diff(
        capsys, changed_db, "--facts", "source:alpha-2013", "source:beta-2016", "-f", "json"
    )
    doc = json.loads(out)
    (pair,) = doc["pairs"]  # "Russia-China trade volume" and "Russia–China trade  volume", USD
    assert pair["left"]["id"] == "2012-russia-china-trade"
    assert pair["right"]["id"] == "2012-russia-china-trade-beta"
    assert pair["change"] == 8_000_000_000 and pair["relative"] == 10.0
    assert (
        '"change": 8000000000,' in out
    )  # a whole number, as the values are (was 8e9 as 8000000000.0)
    assert pair["conflict"] is True and pair["side"] == "changed"
    assert {f["id"] for f in doc["right_only"]} == {"2015-japan-coal-imports-from-russia"}
    assert len(doc["left_only"]) == 2
    out, _ = diff(
        capsys, changed_db, "--facts", "source:alpha-2013", "source:beta-2016", "-f", "tsv"
    )
    header, *rows = [line.split("\t") for line in out.splitlines()]
    assert header == list(core.FACT_DIFF_FIELDS)
    row = dict(zip(header, next(r for r in rows if r[0] == "changed"), strict=True))
    assert (row["relative"], row["conflict"]) == ("10", "true")


@pytest.mark.parametrize(
    ("left", "right", "conflict"),
    [
        ({"value": 16e9, "value_max": 20e9}, {"value": 18e9}, False),  # within the range
        ({"value": 80e9, "qualifier": "almost"}, {"value": 79e9}, False),
        ({"value": 25e6, "qualifier": "more-than"}, {"value": 30e6}, False),
        ({"value": 80e9, "qualifier": "about"}, {"value": 85e9}, False),
        ({"value": 80e9}, {"value": 79e9}, True),
        ({"value": 25e6, "qualifier": "more-than"}, {"value": 20e6}, True),
        ({"value": 80e9, "qualifier": "almost"}, {"value": 10e9}, True),  # just under, not any
        ({"value": 80e9, "qualifier": "up-to"}, {"value": 10e9}, False),
    ],
)
def test_a_conflict_is_figures_that_cannot_both_be_right(
    left: dict[str, Any], right: dict[str, Any], conflict: bool
) -> None:
    """18 billion against "16 to 20 billion" had been a conflict."""
    base = {"subject": "s", "unit": "USD", "value_max": None, "qualifier": "exact",
            "start": "2012-01-01", "end": "2012-12-31"}  # fmt: skip
    a = base | {"id": "a", "source": "x"} | left
    b = base | {"id": "b", "source": "y"} | right
    assert core._pair(a, b).conflict is conflict


def test_a_change_in_a_per_cent_is_in_points_and_exact(
    capsys: pytest.CaptureFixture[str], fixture_db: Path, tmp_path: Path
) -> None:
    """42.7% to 42.8% had been +0.1% and 0.09999999999999432."""
    base = {"subject": "Growth", "unit": "percent", "value_max": None, "qualifier": "exact",
            "start": "2012-01-01", "end": "2012-12-31", "source": "x"}  # fmt: skip
    e = core._pair(base | {"id": "g", "value": 42.7}, base | {"id": "g", "value": 42.8})
    assert e.change == 0.1
    assert render_diff._change_text(e).startswith("+0.1 pp (+0.2%)")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_a_utf16_side_is_said_so(
    encoding: str, capsys: pytest.CaptureFixture[str], fixture_db: Path, tmp_path: Path
) -> None:
    """It had been the codec's own words, or "not rusino JSON" without a byte-order mark."""
    side = tmp_path / "side.jsonl"
    side.write_bytes(timeline_jsonl(fixture_db).encode(encoding))
    line = fail(capsys, fixture_db, str(side), "all")
    assert "side.jsonl is UTF-16" in line and "text, not UTF-8 (convert it first: iconv" in line


def test_a_utf16_pipe_side_is_said_so(fixture_db: Path, tmp_path: Path) -> None:
    """<(...) in UTF-16LE without a mark had been "not rusino JSON (Expecting property...)"."""
    side = tmp_path / "le.jsonl"
    side.write_bytes(timeline_jsonl(fixture_db).encode("utf-16-le"))
    cmd = f"{shlex.join([*RUSINO, 'diff'])} <(cat {shlex.quote(str(side))}) all"
    p = subprocess.run(["bash", "-c", cmd], env=os.environ | {"RUSINO_DB": str(fixture_db)},
                       capture_output=True, text=True, check=False)  # fmt: skip
    assert p.returncode == 2 and "is UTF-16LE text, not UTF-8" in p.stderr


def test_a_latin1_stdin_side_is_refused(fixture_db: Path) -> None:
    """It had been read through the C locale's escapes, its records then "changed"."""
    env = os.environ | {"RUSINO_DB": str(fixture_db), "LC_ALL": "C"}
    latin1 = timeline_jsonl(fixture_db).replace("Russia", "R\u00e9ssia").encode("latin-1")
    p = subprocess.run([*RUSINO, "diff", "-", "all"], env=env, input=latin1, capture_output=True,
                       check=False)  # fmt: skip
    assert (p.returncode, p.stderr) == (
        2,
        b"rusino: stdin, line 1: not UTF-8 (convert it first, e.g. iconv -f latin1 -t UTF-8)\n",
    )


def test_a_utf16_stdin_side_is_said_so(fixture_db: Path) -> None:
    """It had been "stdin, line 1: not a JSON object"."""
    env = os.environ | {"RUSINO_DB": str(fixture_db)}
    utf16 = timeline_jsonl(fixture_db).encode("utf-16")
    p = subprocess.run([*RUSINO, "diff", "-", "all"], env=env, input=utf16, capture_output=True,
                       check=False)  # fmt: skip
    assert (p.returncode, p.stderr) == (
        2,
        b"rusino: stdin is UTF-16 text, not UTF-8 (pipe it through iconv -f UTF-16 -t UTF-8)\n",
    )


def test_diff_csv_is_spreadsheet_safe(
    capsys: pytest.CaptureFixture[str], fixture_db: Path, tmp_path: Path
) -> None:
    """diff -f csv wrote "=HYPERLINK(...)" as it was, where the listings' csv neutralised it."""
    mine = tmp_path / "mine.sqlite"
    shutil.copy(fixture_db, mine)
    add = ["--db", str(mine), "add", "event", "--date", "2012", "--summary", "=HYPERLINK(x)",
           "--actor", "Japan", "--topic", "energy", "--source", "alpha-2013",
           "--quote", "q"]  # fmt: skip
    assert run(add) == 0
    capsys.readouterr()
    out, _ = diff(capsys, fixture_db, f"db:{mine}", "-f", "csv")
    row = next(r for r in csv.reader(io.StringIO(out)) if "=HYPERLINK(x)" in "".join(r))
    assert "'=HYPERLINK(x)" in row


def test_whole_databases_whose_figures_alone_differ_say_so(
    capsys: pytest.CaptureFixture[str], fixture_db: Path, tmp_path: Path
) -> None:
    """A copy whose figures were edited had been "the same", without a word."""
    edited = tmp_path / "edited.sqlite"
    shutil.copy(fixture_db, edited)
    with sqlite3.connect(edited) as conn:
        conn.execute("UPDATE facts SET value = value + 1 WHERE rowid = 1")
    conn.close()
    _, err = diff(capsys, fixture_db, f"db:{edited}", code=0)
    # the command to paste, with its --db (it had been "rusino diff --facts ... compares them")
    pasted = f"rusino --db {fixture_db} diff --facts db:{edited}"
    said = f"note: the databases' figures differ too ({pasted} compares them)"
    assert err == said + "\n"
    assert diff(capsys, fixture_db, f"db:{edited}", "--quiet", code=0) == ("", "")
    _, err = diff(capsys, fixture_db, f"db:{edited}", "--actor", "Japan", code=0)  # a part
    assert err == ""
    shutil.copy(fixture_db, edited)
    assert diff(capsys, fixture_db, f"db:{edited}", "-f", "jsonl", code=0)[1] == ""


def test_a_file_figure_whose_range_runs_backwards_is_refused(
    capsys: pytest.CaptureFixture[str], fixture_db: Path, tmp_path: Path
) -> None:
    """Its change had been computed from it (value 2,170,000,000 up to 1)."""
    assert run(["--db", str(fixture_db), "facts", "-f", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    rows[0] |= {"value_max": rows[0]["value"] - 1}
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    line = fail(capsys, fixture_db, "--facts", "all", str(bad))
    assert f"bad.jsonl, record 1: value_max {rows[0]['value'] - 1} is below value" in line


def test_facts_between_databases_and_terminal_view(
    capsys: pytest.CaptureFixture[str], fixture_db: Path, changed_db: Path
) -> None:
    out, _ = diff(capsys, fixture_db, "--facts", f"db:{changed_db}")
    marks = sorted(line.split("\t")[0] for line in out.splitlines())
    assert marks == ["=", "=", "=", "=", ">"]
    p = proc(fixture_db, "diff", "--facts", "source:alpha-2013", "source:beta-2016",
             "-f", "table", COLUMNS="80", NO_COLOR="1", RUSINO_DB=str(changed_db))  # fmt: skip
    assert p.returncode == 1
    assert "+USD 8 bn (+10%)" in p.stdout and "conflict" in p.stdout
    assert (
        p.stdout.splitlines()[-1]
        == "2 only left, 1 only right, 0 shared, 1 changed (1 conflicting)"
    )
    assert all(len(line) <= 80 for line in p.stdout.splitlines())


def test_compare_facts_relative_change_and_ranges() -> None:
    def fact(
        id_: str, value: float, date: str, source: str, value_max: float | None = None
    ) -> dict:
        return {"id": id_, "subject": "Trade volume", "value": value, "value_max": value_max,
                "unit": "USD", "qualifier": "exact", "date": date, "start": date + "-01-01",
                "end": date + "-12-31", "source": source}  # fmt: skip

    d = core.compare_facts(
        [fact("a", 80e9, "2012", "kim")], [fact("b", 200e9, "2020", "kim")], ("2012", "2020")
    )
    (e,) = d.entries
    assert (e.change, e.relative, e.conflict) == (120e9, 150.0, False)  # a target, not a conflict
    d = core.compare_facts(
        [fact("a", 10, "2012", "x", 20)], [fact("a", 10, "2012", "x", 20)], ("l", "r")
    )
    assert d.same and d.entries[0].side == "shared" and d.entries[0].change == 0
    # a unit spelt two ways pairs (it had been one fact on each side, never compared)
    d = core.compare_facts(
        [fact("a", 80e9, "2012", "kim")],
        [fact("b", 80e9, "2012", "kim") | {"unit": "usd"}],
        ("l", "r"),
    )
    assert [e.side for e in d.entries] == ["shared"]
    # one to one: the same kind, then the nearest period (a 2012 figure had been paired with
    # each of the other side's three: "3 different" for one figure)
    left = [fact("l2011", 70e9, "2011", "kim"), fact("l2012", 80e9, "2012", "kim"),
            fact("l2020", 200e9, "2020", "kim") | {"kind": "target"}]  # fmt: skip
    d = core.compare_facts(left, [fact("doe", 90e9, "2012", "doe")], ("l", "r"))
    pairs = [(e.left["id"], e.right["id"]) for e in d.entries if e.left and e.right]
    assert pairs == [("l2012", "doe")] and d.counts["left"] == 2 and d.counts["changed"] == 1
    target = [fact("t", 200e9, "2020", "x") | {"kind": "target"}]
    d = core.compare_facts([fact("a", 80e9, "2020", "x") | {"kind": "actual"}, *left[2:]], target,
                           ("l", "r"))  # fmt: skip
    assert [(e.side, e.left and e.left["id"]) for e in d.entries if e.right] == [
        ("shared", "l2020")
    ]


def test_a_fact_is_paired_with_itself_whatever_its_subject_became() -> None:
    """A changed subject or unit made one figure only left and one only right."""
    a = {"id": "f", "subject": "Trade", "value": 1, "unit": "USD", "date": "2012",
         "start": "2012-01-01", "end": "2012-12-31"}  # fmt: skip
    (e,) = core.compare_facts([a], [a | {"subject": "Commerce"}], ("l", "r")).entries
    assert (e.side, e.fields) == ("changed", {"subject": ("Trade", "Commerce")})
    (e,) = core.compare_facts([a], [a | {"unit": "EUR"}], ("l", "r")).entries
    assert (e.side, e.change) == ("changed", None)  # no change across units


def test_a_fact_changed_under_its_id_says_what_changed() -> None:
    """It was "changed", with a change of 0 and no word of what."""
    a = {"id": "f", "subject": "Trade", "value": 1, "unit": "USD", "date": "2012",
         "start": "2012-01-01", "end": "2012-12-31", "quote": "old"}  # fmt: skip
    (e,) = core.compare_facts([a], [a | {"quote": "new"}], ("l", "r")).entries
    assert (e.side, e.change, e.fields) == ("changed", 0, {"quote": ("old", "new")})
    assert core.fact_record(e)["fields"] == "quote: old → new"
    assert core.fact_json(e)["fields"] == {"quote": ["old", "new"]}
    out = io.StringIO()
    render_diff.write_facts(
        core.compare_facts([a], [a | {"quote": "new"}], ("l", "r")), [e], render_diff.Format.table,
        out, render_diff.Options(width=80),
    )  # fmt: skip
    assert "quote: old → new" in out.getvalue()


@pytest.mark.parametrize(
    "f",
    [
        core.Filters(),
        core.Filters(actors=("tokyo",)),
        core.Filters(start="2012-01-01", end="2015-12-31", within=True, window=True),
        core.Filters(source="Beta-2016", topics=("diplomacy",)),
        core.Filters(search="naval exercise"),
    ],
)
def test_bulk_loading_gives_timeline_rows(fixture_db: Path, f: core.Filters) -> None:
    from rusino import db, query

    conn = db.connect(fixture_db)
    expected = list(query.timeline(conn, f.timeline_filter()))
    assert sorted(core.bulk_events(conn, f), key=lambda r: r["id"]) == sorted(
        expected, key=lambda r: r["id"]
    )
    assert expected  # each case selects something


@pytest.mark.parametrize(
    "only", [(), ("left",), ("right",), ("shared",), ("changed",), ("left", "changed")]
)
@pytest.mark.parametrize("flip", [False, True])
def test_databases_compared_by_digest_as_by_rows(
    fixture_db: Path, changed_db: Path, only: tuple[str, ...], flip: bool
) -> None:
    from rusino import db

    paths = (changed_db, fixture_db) if flip else (fixture_db, changed_db)
    conns = [db.connect(p) for p in paths]
    tables = [core.Table(c, "1", []) for c in conns]
    by_digest = core.compare_tables(tables[0], tables[1], ("a", "b"), only)
    rows = [core.bulk_events(c, core.Filters()) for c in conns]
    by_rows = core.compare_events(rows[0], rows[1], ("a", "b"), only)
    assert by_digest.counts == by_rows.counts
    assert by_digest.counts["changed"] == 1 and not by_digest.same
    assert by_digest.entries == by_rows.entries
    shown = {side for side, n in by_rows.counts.items() if n and side in (only or core.CATEGORIES)}
    assert {e.side for e in by_digest.entries} == shown


def test_a_closed_pipe_ends_quietly(fixture_db: Path) -> None:
    cmd = " ".join([*RUSINO, "diff", "actor:Russia", "actor:China"])
    p = subprocess.run(["bash", "-o", "pipefail", "-c", f"{cmd} | head -1"],
                       env=os.environ | {"RUSINO_DB": str(fixture_db)},
                       capture_output=True, text=True, check=False)  # fmt: skip
    assert p.stderr == "" and len(p.stdout.splitlines()) == 1


@pytest.mark.parametrize(("right", "code"), [("actor:China", 1), ("actor:moscow", 0)])
@pytest.mark.parametrize("fmt", [[], ["-f", "table"], ["-f", "json"]])
def test_a_closed_pipe_keeps_the_answer(
    fixture_db: Path, right: str, code: int, fmt: list[str]
) -> None:
    """The reader gone before the first row (`| head -1` of a long diff): the exit code still
    says whether the sides differ, so that `set -o pipefail` scripts are not told "same"."""
    p = subprocess.Popen([*RUSINO, "diff", "actor:Russia", right, *fmt],
                         env=os.environ | {"RUSINO_DB": str(fixture_db)},
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    assert p.stdout is not None and p.stderr is not None
    p.stdout.close()
    err = p.stderr.read()
    assert (p.wait(), err) == (code, b"")


def test_quiet_prints_nothing_and_exits_with_the_answer(
    capsys: pytest.CaptureFixture[str], fixture_db: Path, changed_db: Path
) -> None:
    assert diff(capsys, fixture_db, "all", f"db:{changed_db}", "--quiet", code=1) == ("", "")
    assert diff(capsys, fixture_db, "actor:Japan", "actor:tokyo", "--quiet", code=0) == ("", "")
    assert "--quiet prints nothing" in fail(
        capsys, fixture_db, "all", "all", "--quiet", "-f", "json"
    )


def test_an_internal_error_is_not_mistaken_for_a_difference(
    capsys: pytest.CaptureFixture[str], fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(core, "compare_tables", boom)
    line = fail(capsys, fixture_db, "actor:Japan", "actor:Vietnam")  # exit 2, not 1 ("differ")
    assert "internal error: ZeroDivisionError: boom" in line


def test_the_text_order_is_the_tuple_order() -> None:
    import random

    r = random.Random(3)
    starts = ["2012-01-01", "2012-01-02", "-0100-01-01", "0100-01-01", "2012-01-01x", "2012"]
    precisions = [*core._PRECISION_RANK, "other"]
    entries = [
        core.Entry("shared", {"start": s, "precision": p, "id": i})
        for s in starts
        for p in precisions
        for i in ("a", "a-b", "b", "2012-x")
    ]
    r.shuffle(entries)
    assert sorted(entries, key=core._text_order) == sorted(entries, key=core._entry_order)


@pytest.mark.parametrize("facts", [[], ["--facts"]])
def test_the_table_view_folds_ids_never_cuts_them(
    capsys: pytest.CaptureFixture[str],
    fixture_db: Path,
    monkeypatch: pytest.MonkeyPatch,
    facts: list[str],
) -> None:
    """An id is copied from the view: in a narrow view it folds onto the next line, whole."""
    monkeypatch.setenv("COLUMNS", "60")
    monkeypatch.setenv("NO_COLOR", "1")
    out, _ = diff(capsys, fixture_db, "source:alpha-2013", "source:beta-2016", *facts,
                  "-f", "table", code=1)  # fmt: skip
    assert "\u2026" not in out
    cells = [part for line in out.splitlines() for part in line.split("│")]
    joined = "".join(c.strip() for c in cells)
    ids = "2015-japan-coal-imports-from-russia" if facts else "2015-05-japan-russia-talks"
    assert ids in joined


@pytest.mark.parametrize(
    ("side", "start", "end"),
    [("2012-Q2", "2012-04-01", "2012-06-30"), ("2012-22", "2012-06-01", "2012-08-31"),
     ("2012~", "2012-01-01", "2012-12-31"), ("date:spring 2013", "2013-03-01", "2013-05-31"),
     ("date:2012-04/2012-06", "2012-04-01", "2012-06-30")],
)  # fmt: skip
def test_selector_dates_as_from_and_to_take_them(side: str, start: str, end: str) -> None:
    f = core.parse_side(side).filters
    assert (f.start, f.end) == (start, end)


@pytest.mark.parametrize(
    ("change", "relative", "shown"),
    [
        (10e9, 12.5, "+USD 10 bn (+12.5%)"),  # .0f rounded it to even: +12%
        (120e9, 150.0, "+USD 120 bn (+150%)"),
        (-1e9, -7.14, "-USD 1 bn (-7.1%)"),
        (2e12, 1234.5, "+USD 2 tn (+1,234.5%)"),
        (30e6, 0.0375, "+USD 30 m (+<0.1%)"),  # was +0%, which reads as no change
        (-1, -1.25e-9, "-USD 1 (-<0.1%)"),
    ],
)
def test_a_relative_change_is_shown_to_one_decimal(
    change: float, relative: float, shown: str
) -> None:
    row = {"value": 1, "unit": "USD"}
    entry = FactEntry("changed", "s", "USD", row, row, change, relative)
    assert render_diff._change_text(entry) == shown


def test_diff_with_no_sides_says_so_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """It printed its whole --help (58 lines) where other commands say what is missing."""
    assert run(["diff"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Missing argument 'LEFT'" in err


_PLAIN = {"id": "a", "date": "2012", "start": "2012-01-01", "end": "2012-12-31", "summary": "s"}


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([_PLAIN | {"id": None}], "f.jsonl, record 1: its id must be a non-empty string"),
        ([_PLAIN, _PLAIN], "f.jsonl, record 2: id 'a' is also record 1"),
        ([_PLAIN | {"extra": 1}], "f.jsonl, record 1: field 'extra' is not one rusino compares"),
        # a value of another type was compared (a null summary broke the markdown view)
        ([_PLAIN | {"summary": None}], "f.jsonl, record 1: field 'summary' is null, not text"),
        ([_PLAIN | {"actors": "Russia"}], "field 'actors' is \"Russia\", not a list of names"),
        ([_PLAIN | {"start": "2012"}], "field 'start' is \"2012\", not a day (YYYY-MM-DD)"),
        ([_PLAIN | {"end": "2012-13-45"}], "field 'end' is \"2012-13-45\", not a day (YYYY-MM-DD)"),
        ([_PLAIN | {"precision": "weird"}], 'is "weird", not day, month, season, year or decade'),
        ([_PLAIN | {"inferred": "no"}], "field 'inferred' is \"no\", not true or false"),
        # the filters trust a record's bounds: they must be its date's
        (
            [_PLAIN | {"date": "2012-13"}],
            "date '2012-13' is not a usable EDTF date: does not parse",
        ),
        (
            [_PLAIN | {"start": "2015-01-01"}],
            'start "2015-01-01" is not that of its date \'2012\' ("2012-01-01")',
        ),
        (
            [_PLAIN | {"end": "2011-12-31"}],
            'end "2011-12-31" is not that of its date \'2012\' ("2012-12-31")',
        ),
        (
            [_PLAIN | {"precision": "day"}],
            'precision "day" is not that of its date \'2012\' ("year")',
        ),
        ([_PLAIN | {"in_window": False}], "in_window false is not that of its date '2012' (true)"),
    ],
)
def test_a_file_side_that_is_not_rusino_jsonl_is_refused(
    lines: list[dict[str, object]], message: str
) -> None:
    """Before, a null id was compared, a record twice passed as "same", and a field of another
    tool's made every record "changed"."""
    with pytest.raises(RusinoError) as err:
        core.read_rows(map(json.dumps, lines), "f.jsonl", "events")
    assert err.value.message.endswith(message)


def test_what_show_prints_is_a_side(
    capsys: pytest.CaptureFixture[str], fixture_db: Path, tmp_path: Path
) -> None:
    """One object over many lines, with show's added fields, which are not compared."""
    db = ["--db", str(fixture_db)]
    assert run([*db, "show", JAPAN, "--format", "json"]) == 0
    shown = tmp_path / "one.json"
    shown.write_text(capsys.readouterr().out, encoding="utf-8")
    assert run([*db, "diff", str(shown), "all", "--format", "jsonl"]) == 1
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["side"] for r in rows if r["id"] == JAPAN] == ["shared"]


def test_a_side_nested_too_deeply_is_bad_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert run(["diff", str(deep), "all"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nested too deeply" in err


def test_two_pipelines_are_sides(fixture_db: Path) -> None:
    """<(...) is /dev/fd/63, a pipe, not a regular file: it was "no such file"."""
    rusino = " ".join(shlex.quote(a) for a in [*RUSINO, "--db", str(fixture_db)])
    script = (
        f"{rusino} diff <({rusino} timeline --actor Russia -f jsonl) <({rusino} timeline -f jsonl)"
    )
    p = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=False)
    assert p.returncode == 1, p.stderr
    marks = {line.split("\t")[0] for line in p.stdout.splitlines()}
    assert marks == {"=", ">"}


def test_a_fact_side_value_must_be_a_number() -> None:
    """ "80" was taken as 80, and true as 1 (+USD 80 bn, +7,999,999,999,900%)."""
    fact = {"id": "f", "subject": "s", "value": "80", "unit": "USD", "date": "2012",
            "start": "2012-01-01", "end": "2012-12-31"}  # fmt: skip
    for value in ("80", True, None):
        with pytest.raises(RusinoError, match=r"field 'value' is .*, not a number"):
            core.read_rows([json.dumps(fact | {"value": value})], "f.jsonl", "facts")


def test_fields_a_file_leaves_out_are_not_compared(
    capsys: pytest.CaptureFixture[str], fixture_db: Path, tmp_path: Path
) -> None:
    """A file trimmed with jq (del(.quote, .comment)) showed every record changed to null."""
    db = ["--db", str(fixture_db)]
    assert run([*db, "timeline", "--actor", "Japan", "-f", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    trimmed = tmp_path / "trimmed.jsonl"

    def write(keep: list[dict[str, object]]) -> None:
        lines = (json.dumps({k: v for k, v in r.items() if k not in ("quote", "comment")})
                 for r in keep)  # fmt: skip
        trimmed.write_text("".join(line + "\n" for line in lines), encoding="utf-8")

    write(rows)
    assert run([*db, "diff", str(trimmed), "actor:Japan", "--quiet"]) == 0
    stored = rows[0]["summary"]
    write([rows[0] | {"summary": "Reworded"}, *rows[1:]])
    assert run([*db, "diff", str(trimmed), "actor:Japan", "-f", "jsonl"]) == 1
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["fields"] for r in out if r["side"] == "changed"] == [
        {"summary": ["Reworded", stored]}
    ]


def test_a_tiny_fall_is_no_negative_zero_in_json() -> None:
    row = {"id": "f", "value": 1, "unit": "USD", "date": "2012", "source": "s"}
    entry = FactEntry("changed", "s", "USD", row, row, -1, -1.25e-9)
    assert str(core.fact_record(entry)["relative"]) == "0.0"


def test_a_file_side_with_a_byte_order_mark_and_a_database_without_db(
    capsys: pytest.CaptureFixture[str], fixture_db: Path, tmp_path: Path
) -> None:
    """A BOM (as Windows tools write) was "not a JSON object", though import reads it; a
    database given as a file was a UTF-8 decoding error."""
    db = ["--db", str(fixture_db)]
    assert run([*db, "timeline", "-f", "jsonl"]) == 0
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + capsys.readouterr().out.encode())
    assert run([*db, "diff", str(bom), "all", "--quiet"]) == 0
    assert run([*db, "diff", str(fixture_db), "all"]) == 2
    assert f"is a database, not a file of records (did you mean db:{fixture_db}?)" in (
        capsys.readouterr().err
    )


def test_fact_fields_a_file_leaves_out_are_not_compared(
    capsys: pytest.CaptureFixture[str], fixture_db: Path, tmp_path: Path
) -> None:
    """`diff --facts` called a trimmed figure "changed", with a change of 0 and no field."""
    db = ["--db", str(fixture_db)]
    assert run([*db, "facts", "-f", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    trimmed = tmp_path / "facts.jsonl"
    cut = ("comment", "quote", "as_written", "qualifier")
    lines = (json.dumps({k: v for k, v in r.items() if k not in cut}) for r in rows)
    trimmed.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    assert run([*db, "diff", "--facts", str(trimmed), "all", "--quiet"]) == 0


@pytest.mark.parametrize("kind", ["events", "facts"])
@pytest.mark.parametrize("fmt", ["table", "tsv", "csv", "markdown", "json", "jsonl", None])
def test_a_file_side_without_sources_in_every_format(
    capsys: pytest.CaptureFixture[str], fixture_db: Path, tmp_path: Path, kind: str, fmt: str | None
) -> None:
    """A file left without its sources (jq 'del(.source)') was an internal error (KeyError) in
    the markdown and table views of events, and in all but json of facts."""
    db = ["--db", str(fixture_db)]
    facts = ["--facts"] if kind == "facts" else []
    assert run([*db, "facts" if facts else "timeline", "-f", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    unsourced = tmp_path / "unsourced.jsonl"
    lines = [json.dumps({k: v for k, v in r.items() if k != "source"}) for r in rows[1:]]
    unsourced.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    options = ["-f", fmt] if fmt else []
    assert run([*db, "diff", *facts, str(unsourced), "all", *options]) == 1
    out, err = capsys.readouterr()
    assert err == "" and out


@pytest.mark.parametrize(
    ("field", "option"),
    [("actors", ["--actor", "Russia"]), ("topics", ["--topic", "energy"]),
     ("source", ["--source", "alpha-2013"]), ("in_window", ["--window"])],
)  # fmt: skip
def test_a_filter_on_a_field_a_file_leaves_out_is_refused(
    capsys: pytest.CaptureFixture[str],
    fixture_db: Path,
    tmp_path: Path,
    field: str,
    option: list[str],
) -> None:
    """A file without actors, filtered by --actor, was an empty side: every event of the other
    side "only right" (exit 1), though the file held them all."""
    lines = timeline_jsonl(fixture_db).splitlines()
    trimmed = tmp_path / "trimmed.jsonl"
    rows = (json.dumps({k: v for k, v in json.loads(x).items() if k != field}) for x in lines)
    trimmed.write_text("".join(line + "\n" for line in rows), encoding="utf-8")
    message = fail(capsys, fixture_db, str(trimmed), "all", *option)
    assert f"{option[0]} cannot filter a file side whose records have no {field!r}" in message


def test_a_list_holding_an_item_twice_is_the_set() -> None:
    """Lists are sets: notes [37, 37] against [37] was a change."""
    rows = core.read_rows([json.dumps(_PLAIN | {"notes": [37, 37], "actors": ["B", "A", "B"]})],
                          "f.jsonl", "events")  # fmt: skip
    assert (rows[0]["notes"], rows[0]["actors"]) == ([37], ["A", "B"])


def test_one_side_is_the_right_side_against_all(
    capsys: pytest.CaptureFixture[str], fixture_db: Path
) -> None:
    """The help had said LEFT alone is compared with all, as the left side: it is the right,
    as `diff db:mine.sqlite` needs (what mine adds is `>`)."""
    out, _ = diff(capsys, fixture_db, "actor:Japan", "--format", "json", code=1)
    data = json.loads(out)
    assert (data["left"], data["right"]) == ("all", "actor:Japan")
    japan = {
        json.loads(x)["id"] for x in timeline_jsonl(fixture_db, "--actor", "Japan").splitlines()
    }
    assert {e["id"] for e in data["left_only"]}.isdisjoint(japan) and not data["right_only"]
    assert "With one side given, it is the right side" in " ".join(
        proc(fixture_db, "diff", "--help").stdout.split()
    )


def test_a_changed_fields_empty_side_is_said() -> None:
    """A null had been nothing: "value_max:  → 2"."""
    assert core.changes_text({"value_max": (None, 2), "notes": ([], [3])}) == (
        "value_max: none → 2; notes: none → 3"
    )


def test_within_takes_the_sides_dates(capsys: pytest.CaptureFixture[str], fixture_db: Path) -> None:
    """`diff 2012 2013 --within` had been refused (--within needs --from or --to), though with
    any --from/--to the sides' own dates were taken."""
    out, _ = diff(capsys, fixture_db, "2012", "2013", "--within", code=1)
    inside = {
        mark: {
            line.split("\t")[0]
            for line in proc(
                fixture_db, "timeline", "--from", y, "--to", y, "--within"
            ).stdout.split("\n")
            if line
        }
        for mark, y in (("<", "2012"), (">", "2013"))
    }
    both = inside["<"] & inside[">"]
    got = [line.split("\t")[:2] for line in out.splitlines()]
    assert {(m, i) for m, i in got} == {(m, i) for m, s in inside.items() for i in s - both}


def test_a_bad_save_name_is_refused_before_comparing(
    capsys: pytest.CaptureFixture[str], fixture_db: Path, tmp_path: Path
) -> None:
    """`diff db:A db:B --save d.txt` compared first, printing its figures note, then refused
    the name: two lines on stderr."""
    other = tmp_path / "other.sqlite"
    other.write_bytes(fixture_db.read_bytes())
    conn = sqlite3.connect(other)
    conn.execute("UPDATE facts SET value = value + 1")  # (a figures note, were they compared)
    conn.commit()
    conn.close()
    for extra in (["--save", "d.txt"], ["--save", "d.svg", "-f", "json"]):
        line = fail(capsys, fixture_db, f"db:{fixture_db}", f"db:{other}", *extra)
        assert "picture" in line


def test_side_keywords_in_any_case(capsys: pytest.CaptureFixture[str], fixture_db: Path) -> None:
    """ALL and Window had been "no such file", though Actor:Japan was a selector."""
    assert diff(capsys, fixture_db, "ALL", "Window", code=1) == diff(
        capsys, fixture_db, "all", "window", code=1
    )


def test_an_empty_side_of_a_changed_field_is_none_on_the_terminal_too() -> None:
    """The terminal had shown "comment:  → new comment", markdown "comment: none → ..."."""
    from rusino import render_diff

    lines = render_diff._field_lines({"comment": ("", "new"), "value_max": (2, None)})
    assert [t.plain for t in lines] == ["comment: none → new", "value_max: 2 → none"]


def test_a_listing_piped_in_as_tsv_is_said_to_be(fixture_db: Path) -> None:
    """`rusino timeline -a X | rusino diff - ...` had been "not a JSON object"."""
    listing = proc(fixture_db, "timeline").stdout
    p = proc(fixture_db, "diff", "-", "all", stdin=listing)
    assert p.returncode == 2
    assert p.stderr.startswith("rusino: stdin, line 1: a listing's tsv, not JSON Lines (give")
