"""The command line: options, formats and every bad input (one line on stderr, exit 2 or 1).

Happy paths go through typer's CliRunner; errors through rusino.cli.run, the one exit point.
"""

# ruff: noqa: RUF001  (the en dashes in expected output are the point)

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rusino import __version__, cli, db
from rusino.cli import app, run

runner = CliRunner()


def invoke(db: Path, *args: str) -> str:
    result = runner.invoke(app, ["--db", str(db), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def fail(capsys: pytest.CaptureFixture[str], args: list[str], code: int = 2) -> str:
    assert run(args) == code
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err  # one line, no traceback
    assert lines[0].startswith("rusino: ")
    return lines[0]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--version"]) == 0
    assert capsys.readouterr().out == f"rusino {__version__}\n"


def test_piped_default_is_tsv_without_header(fixture_db: Path) -> None:
    out = invoke(fixture_db, "timeline", "--actor", "Tokyo")
    assert out.startswith("2015-05-japan-russia-talks\t2015-05\t2015-05-01\t2015-05-31\t")
    assert out.count("\n") == 1 and "\x1b" not in out


def test_explicit_tsv_and_csv_have_a_header(fixture_db: Path) -> None:
    out = invoke(fixture_db, "timeline", "--actor", "Tokyo", "--format", "tsv")
    assert out.splitlines()[0].startswith("id\tdate\tstart\tend\t")
    out = invoke(fixture_db, "timeline", "--actor", "Tokyo", "-f", "tsv", "--no-headers")
    assert out.startswith("2015-05-japan-russia-talks\t")
    out = invoke(fixture_db, "facts", "-f", "csv")
    assert out.splitlines()[0].startswith("id,subject,value,value_max,unit,")


@pytest.mark.parametrize(
    "args",
    [["timeline", "--from", "1990", "--to", "1991"], ["facts", "--year", "1990"],
     ["diff", "1990", "1991"], ["diff", "--facts", "1990", "1991"]],
)  # fmt: skip
def test_an_empty_result_still_has_its_header(fixture_db: Path, args: list[str]) -> None:
    """No rows printed nothing at all: csv.DictReader saw no fields, pandas failed to read."""
    import csv

    for fmt in ("csv", "tsv"):
        out = invoke(fixture_db, *args, "-f", fmt)
        reader = csv.DictReader(out.splitlines(), delimiter="," if fmt == "csv" else "\t")
        assert reader.fieldnames and "id" in "".join(reader.fieldnames) and not list(reader)
        assert invoke(fixture_db, *args, "-f", fmt, "--no-headers") == ""
    lines = invoke(fixture_db, *args, "-f", "markdown").splitlines()
    assert len(lines) == 2 and lines[0].startswith("| ") and lines[1].startswith("|---|")


def test_facts_take_timeline_s_dates(fixture_db: Path) -> None:
    """facts had only --year: no range of years, no --within, no --window."""

    def ids(*args: str) -> list[str]:
        return [line.split("\t")[0] for line in invoke(fixture_db, "facts", *args).splitlines()]

    every = ids()
    assert ids("--from", "2013") == [
        "2008-2013-russia-vietnam-fighter-jets",
        "2013-planned-pipeline-length",
        "2015-japan-coal-imports-from-russia",
    ]
    in_2012 = ids("--year", "2012")
    assert ids("--from", "2012", "--to", "2013") == [*in_2012, "2013-planned-pipeline-length"]
    assert ids("--from", "2008", "--to", "2013", "--within") == every[:3]
    assert ids("--to", "2012-06", "--within") == []
    assert ids("--window") == every
    # --year is --from YEAR --to YEAR, --within and all (it had been refused)
    assert ids("--year", "2013", "--within") == ids("--from", "2013", "--to", "2013", "--within")
    assert ids("--year", "2013", "--within") == ["2013-planned-pipeline-length"]


def test_timeline_options(fixture_db: Path) -> None:
    def ids(*args: str) -> list[str]:
        return [line.split("\t")[0] for line in invoke(fixture_db, "timeline", *args).splitlines()]

    assert ids("--actor", "putin") == ["2016-03-putin-china-south-china-sea"]
    assert ids("--actor", "Russia", "--actor", "Hanoi") == [
        "2008-2013-russia-vietnam-fighter-sales"
    ]
    assert len(ids("--actor", "Japan", "--actor", "Vietnam", "--any")) == 2
    assert ids("--topic", "naval exercise") == ["2012-04-russia-china-naval-exercise"]
    assert len(ids("--from", "2012", "--to", "2012")) == 3
    assert len(ids("--from", "April 2012", "--to", "Dec 2012", "--within")) == 2
    assert ids("--to", "2008") == ["2008-2013-russia-vietnam-fighter-sales"]
    assert "2017-s400-deliveries-to-china" not in ids("--window")
    assert "2017-s400-deliveries-to-china" in ids()
    assert ids("--source", "alpha-2013", "--limit", "1", "--reverse") == [
        "2012-summer-russia-china-missile-defence-concern"
    ]
    assert ids("--search", "Yellow Sea") == ["2012-04-russia-china-naval-exercise"]
    assert ids("--actor", "Japan", "--from", "2016") == []
    for huge in ("9223372036854775808", "99999999999999999999"):  # beyond INTEGER: no limit
        assert len(ids("--limit", huge)) == len(ids())


def test_json_output(fixture_db: Path) -> None:
    rows = json.loads(invoke(fixture_db, "timeline", "--format", "json"))
    assert len(rows) == 6 and rows[0]["actors"] == ["Russia", "Vietnam"]
    facts = [
        json.loads(x) for x in invoke(fixture_db, "facts", "trade", "-f", "jsonl").splitlines()
    ]
    assert facts[0]["value"] == 80000000000


def test_facts_query_and_options(fixture_db: Path) -> None:
    def ids(*args: str) -> list[str]:
        return [line.split("\t")[0] for line in invoke(fixture_db, "facts", *args).splitlines()]

    assert ids("trade") == ["2012-russia-china-trade", "2015-japan-coal-imports-from-russia"]
    assert ids("coal", "imports") == ["2015-japan-coal-imports-from-russia"]
    assert ids("--unit", "km") == ["2013-planned-pipeline-length"]
    assert ids("--kind", "actual", "--year", "2015") == ["2015-japan-coal-imports-from-russia"]
    assert ids("--actor", "Hanoi") == ["2008-2013-russia-vietnam-fighter-jets"]
    assert ids("--source", "beta-2016") == ["2015-japan-coal-imports-from-russia"]
    # each plain word in the text or an actor's or topic's own name: both actors, both topics
    assert ids("japan", "russia") == ["2015-japan-coal-imports-from-russia"]
    assert ids("energy", "trade") == ["2015-japan-coal-imports-from-russia"]
    assert ids("vietnam", "jets") == ["2008-2013-russia-vietnam-fighter-jets"]
    assert ids("tokyo") == ["2015-japan-coal-imports-from-russia"]  # the whole query: an alias
    assert ids("tokyo", "russia") == []  # a word alone names by the own name, not an alias
    # a whole query that is a name matches the text as that word, not a prefix ("usd80")
    assert ids("usd") == ["2012-russia-china-trade"]
    assert ids("us") == []
    # plain parts joined by OR: each part as a query of its own (tokyo by alias, vietnam by
    # name), where the OR had made it all a text search, which neither word is in
    assert ids("tokyo OR vietnam") == [
        "2008-2013-russia-vietnam-fighter-jets",
        "2015-japan-coal-imports-from-russia",
    ]
    assert ids("tokyo OR coal imports") == ["2015-japan-coal-imports-from-russia"]


def test_facts_query_that_is_a_name_with_brackets(fixture_db: Path) -> None:
    """An actor's exact name is no search syntax: "(", ")" and AND in it were a syntax error."""
    name = "Ministry of Trade AND Energy (Japan)"
    conn = sqlite3.connect(fixture_db)
    with conn:
        conn.execute("INSERT INTO actors VALUES (?, 'organisation', 'Japan')", (name,))
        conn.execute("INSERT INTO actor_aliases VALUES (?, ?)", (name.lower(), name))
        conn.execute(
            "INSERT INTO fact_actors VALUES ('2015-japan-coal-imports-from-russia', ?)", (name,)
        )
    conn.close()
    out = invoke(fixture_db, "facts", name)
    assert [line.split("\t")[0] for line in out.splitlines()] == [
        "2015-japan-coal-imports-from-russia"
    ]
    # and as a part joined by OR, which made the whole query an FTS5 expression
    out = invoke(fixture_db, "facts", f"{name} OR vietnam")
    assert [line.split("\t")[0] for line in out.splitlines()] == [
        "2008-2013-russia-vietnam-fighter-jets",
        "2015-japan-coal-imports-from-russia",
    ]


def test_show(fixture_db: Path) -> None:
    out = invoke(fixture_db, "show", "2012-04-russia-china-naval-exercise")
    assert "22–27 Apr 2012" in out and "2012-04-22/2012-04-27" in out
    assert "1. A. Author, 'Naval exercises in the Yellow Sea'" in out
    assert 'Alpha, Ann, and Bo Beta. 2013. "Rethinking a small article for tests."' in out
    bib = invoke(fixture_db, "show", "2012-04-russia-china-naval-exercise", "--bibtex")
    assert bib.startswith("@article{alpha-2013,") and bib.rstrip().endswith("}")
    row = json.loads(invoke(fixture_db, "show", "2012-russia-china-trade", "-f", "json"))
    assert row["type"] == "fact" and row["value"] == 80000000000
    tsv = invoke(fixture_db, "show", "2012-russia-china-trade", "-f", "tsv")
    assert tsv.splitlines()[1].startswith("2012-russia-china-trade\tRussia-China trade volume\t")


def test_show_several_ids(fixture_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = ["2012-04-russia-china-naval-exercise", "2012-russia-china-trade",
           "2015-japan-coal-imports-from-russia"]  # fmt: skip
    view = invoke(fixture_db, "show", *ids)
    starts = [line for line in view.splitlines() if line.startswith(("event ", "fact "))]
    assert starts == [f"event {ids[0]}", f"fact {ids[1]}", f"fact {ids[2]}"]
    assert [r["id"] for r in json.loads(invoke(fixture_db, "show", *ids, "-f", "json"))] == ids
    lines = invoke(fixture_db, "show", *ids, "-f", "jsonl").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ids
    tsv = invoke(fixture_db, "show", *ids[1:], "-f", "tsv").splitlines()
    assert [line.split("\t")[0] for line in tsv[1:]] == ids[1:]
    bare = invoke(fixture_db, "show", *ids[1:], "-f", "tsv", "--no-headers").splitlines()
    assert bare == tsv[1:]
    bib = invoke(fixture_db, "show", *ids, "--bibtex")  # two sources, each once
    assert [line for line in bib.splitlines() if line.startswith("@")] == [
        "@article{alpha-2013,",
        "@misc{beta-2016,",
    ]
    # an unknown id among them: nothing printed, one line naming it
    line = fail(capsys, ["--db", str(fixture_db), "show", ids[0], "2012-russia-china-trad"])
    assert "'2012-russia-china-trad'" in line and "did you mean 2012-russia-china-trade" in line
    line = fail(capsys, ["--db", str(fixture_db), "show", *ids, "-f", "csv"])
    assert "both events and facts" in line and "--format jsonl" in line
    line = fail(capsys, ["--db", str(fixture_db), "show", ids[0], "--bibtex", "-f", "json"])
    assert "--bibtex prints BibTeX, not --format" in line


def test_search_rows_say_event_or_fact_after_the_id(fixture_db: Path) -> None:
    """The id is the first column of every listing, so `| cut -f1 | xargs rusino show` works
    on a search too (it had been the type: "no event or fact with id 'event'")."""
    lines = invoke(fixture_db, "search", "Vietnam").splitlines()
    assert sorted(line.split("\t")[1] for line in lines) == ["event", "fact"]
    ids = [line.split("\t")[0] for line in lines]
    assert "2008-2013-russia-vietnam-fighter-jets" in invoke(fixture_db, "show", *ids)
    first = json.loads(invoke(fixture_db, "search", "Vietnam", "-f", "jsonl").splitlines()[0])
    assert list(first)[:2] == ["id", "type"]  # in json too


def test_vocabularies(fixture_db: Path) -> None:
    assert "Japan\tstate\t\tjapanese;tokyo\t1\t1" in invoke(fixture_db, "actors").splitlines()
    assert invoke(fixture_db, "topics").startswith("arms-sales\t")
    assert invoke(fixture_db, "sources", "-f", "jsonl").count("\n") == 2


def test_empty_result_is_silent_success(
    fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for fmt in ("jsonl", "table"):
        assert run(["--db", str(fixture_db), "timeline", "--from", "2030", "-f", fmt]) == 0
        assert capsys.readouterr() == ("", "")
    # (and tsv and csv their header alone: test_an_empty_result_still_has_its_header)
    # but JSON stays JSON: an empty array, so that `| jq length` says 0
    for args in (["timeline", "--from", "2030"], ["export", "--search", "zzzz"], ["facts", "zz"]):
        assert run(["--db", str(fixture_db), *args, "-f", "json"]) == 0
        assert capsys.readouterr() == ("[]\n", "")


def test_rusino_db_env(fixture_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUSINO_DB", str(fixture_db))
    result = runner.invoke(app, ["actors"])
    assert result.exit_code == 0 and "Japan" in result.stdout


# ---------------------------------------------------------------------------------------------
# bad input: one line on stderr, exit 2 for usage errors, 1 for the rest


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["timeline", "--actor", "Japna"], "did you mean Japan?"),
        (["facts", "--actor", "Japna"], "did you mean Japan?"),
        (["timeline", "--topic", "diplomcy"], "did you mean diplomacy?"),
        (["timeline", "--from", "2012-13"], "2012-13"),
        (["timeline", "--to", "2012-02-30"], "no such date"),
        (["timeline", "--from", "someday"], "cannot read the date"),
        (["timeline", "--from", "2013", "--to", "2012"], "--from 2013 is after --to 2012"),
        (["timeline", "--within"], "--within needs --from or --to"),
        (["timeline", "--format", "xml"], "'xml' is not one of"),
        (["timeline", "--frm", "2012"], "No such option: --frm"),
        (["timeline", "--limit", "-1"], "--limit"),
        (["timeline", "extra"], "unexpected extra argument"),
        (["nosuchcommand"], "No such command"),
        (["timeline", "--source", "alpha-2012"], "did you mean alpha-2013?"),
        # a path too long for the system: an internal OSError, the whole path printed
        (["import", "x" * 5000], "…' (5,000 characters): File name too long"),
        (["diff", "x" * 5000 + ".jsonl", "all"], "(5,006 characters): File name too long"),
        # float() reads these; a figure is written with ASCII digits
        (["add", "fact", "--value", "1_000"], "'1_000' is not a number"),
        (["add", "fact", "--value-max", "\u0661\u0662"], "is not a number"),
        (["timeline", "--search", '"naval'], "unbalanced quote"),
        (["search", "naval AND"], "bad search expression"),
        (["facts", "--unit", "kms"], "unknown unit"),
        (["show", "2012-russia-china-trad"], "did you mean 2012-russia-china-trade"),
        (["facts", "--from", "2013", "--to", "2012"], "--from 2013 is after --to 2012"),
        (["facts", "--within"], "--within needs --from or --to"),
        (["facts", "--year", "2012", "--to", "2011"], "--year and --from/--to both give a period"),
        # other tools' options (click guessed by spelling: --csv was --save, --json --to)
        (["timeline", "--csv"], "No such option: --csv (did you mean --format csv?)"),
        (["facts", "--json"], "(did you mean --format json?)"),
        (["timeline", "--since", "2012"], "No such option: --since (did you mean --from?)"),
        (["facts", "--until", "2012"], "(did you mean --to?)"),
        (["timeline", "--version"], "(did you mean rusino --version, before the command?)"),
        (["timeline", "--year", "2012"], "(did you mean --from 2012 --to 2012?)"),
        (["timeline", "--start", "2012"], "(did you mean --from?)"),
        (["facts", "--search", "gas"], "(facts' QUERY is its search: rusino facts gas)"),
        (["facts", "-q", "gas oil", "-u", "USD"], "rusino facts 'gas oil' -u USD)"),
        (["search", "gas", "--from", "2012"], "rusino timeline --search gas --from 2012)"),
        (["search", "gas", "-a", "Japan"], "rusino timeline --search gas -a Japan)"),
        (["--json", "timeline"], "(did you mean --format json, after the command?)"),
        (["--format", "json", "timeline"], "(did you mean timeline --format? it goes after"),
        (["--since", "2012", "timeline"], "(did you mean timeline --from? it goes after"),
        (["facts", "-5"], "(a word that starts with - is read as an option: rusino facts -- -5)"),
        (["facts", "-80"], "No such option: -80 (a word"),  # the whole word (click reads -8 0)
        (["facts", "-gas"], "in quotes: 'pipeline NOT gas')"),  # had been 'gas NOT gas'
        (["facts", "-oil"], "in quotes: 'gas NOT oil')"),
        (["facts", "trade", "-80"], "rusino facts trade -- -80)"),  # with the words before
        # a name, not an id: had suggested the closest event id
        (
            ["show", "tokyo"],
            "(Japan is an actor: `rusino timeline --actor Japan` lists its events)",
        ),
        (["show", "alpha-2013"], "(alpha-2013 is a source: `rusino sources` shows it, `rusino"),
        (["show", "Bo Beta"], "(did you mean the source alpha-2013? `rusino timeline --source"),
        (["timeline", "--actor", "Ann Alpha"], "(did you mean the source alpha-2013? give it"),
        (["facts", "--chart", "--lanes"], "No such option: --lanes (did you mean rusino chart"),
        (["timeline", "--chart"], "No such option: --chart (did you mean rusino chart?)"),
        (["export", "--what", "fact"], "unknown --what 'fact' (did you mean facts? use all,"),
        (["add", "event", "--wait", "abc"], "'abc' is not a number of seconds (0 or more"),
        (["add", "event", "--actor-kind", "persn"], "(did you mean person?)"),
        (["facts", "-5%"], "No such option: -5% (a word that starts with - is read as an option: "),
        (["facts", "trade", "-4.5bn"], "rusino facts trade -- -4.5bn)"),
        (["timeline", "-80"], "No such option: -80 (see 'rusino timeline --help')"),  # not -8
        # search -- -5% would be "a leading - does not leave out": facts finds figures
        (["search", "-5%"], "(a number below zero is a figure, which facts finds: rusino facts"),
        (["facts", "-1e3"], "No such option: -1e3 (a word that starts with - is read as an"),
        (["timeline", "gas"], "(to search for words, give --search gas)"),
        (["timeline", "gas", "pipeline"], "give --search 'gas pipeline')"),  # every word
        # the search's own word kept (it had been --search pipeline, gas dropped)
        (["timeline", "--search", "gas", "pipeline"], "give --search 'gas pipeline')"),
        (["timeline", "-q", "zz1", "OR", "zz2"], "give --search 'zz1 OR zz2')"),
        (["timeline", "gas", "oil pipeline"], """give --search 'gas "oil pipeline"')"""),
        (["timeline", "--actor", "alpha-2013"], "(alpha-2013 is a source: give it with --source,"),
        (
            ["timeline", "--source", "tokyo"],
            "(Japan is an actor: give it with --actor, or as actor:Japan",
        ),
        (["diff", "alpha", "all"], "(did you mean source:alpha-2013?)"),  # a name it starts
        (["diff", "gamma", "all"], "(did you mean source:beta-2016?)"),  # an author's name
        (["diff", "spring 2013", "all"], "(a date is a side as 'date:spring 2013')"),
        (["diff", "2012-2013", "all"], "(a date is a side as date:2012-2013)"),
        # ~ of no user: had been an internal error (RuntimeError: could not determine home)
        (["diff", "~May 2012", "all"], "(a date is a side as 'date:~May 2012')"),
        (["timeline", "--actor", "ann"], "(did you mean the source alpha-2013? give it with"),
        (
            ["timeline", "--actor", "enrgy"],
            "(did you mean the topic energy? give it with --topic, or as topic:energy in a diff;",
        ),
        (["timeline", "--actor", "alpha"], "(did you mean the source alpha-2013? give it with"),
        (["timeline", "--search", "_"], "nothing to search for in '_'"),
        (["timeline", "--search", "*"], "a * ends a word"),
        (["facts", ""], "nothing to search for in ''"),
        # a web search's -word, which FTS5 would have read as the word
        (
            ["timeline", "--search", "gas -oil"],
            "a leading - does not leave out 'oil' (write NOT before the word, after what to "
            "find: gas NOT oil)",
        ),
        (["search", "--", "-oil"], "after what to find: gas NOT oil)"),
        (["search", "--", "-gas"], "after what to find: pipeline NOT gas)"),  # not "gas NOT gas"
        # EDTF's unspecified digits: had been "it needs a four-digit year"
        (["timeline", "--from", "201X"], "(give what it spans: --from 2010 --to 2019)"),
        (
            ["timeline", "--to", "2012-04-XX"],
            "has unspecified digits (X), so it bounds nothing (give 2012-04)",
        ),
        # a comma means and: swapping the years (the hint it had) makes no side either
        (
            ["diff", "2012,2013"],
            "which never meet (a comma means and) (to take either, give one range: 2012..2013)",
        ),
        (["diff", "2011,2012-06"], "give one range: 2011..2012-06)"),  # had been 2011..2012
        # the side's dates against --from/--to: one range as the side would still meet them
        (
            ["diff", "2012", "2015", "--from", "2012", "--to", "2012"],
            "side '2015' asks for dates in 2015-01-01..2015-12-31, outside --from/--to "
            "(2012-01-01..2012-12-31) (--from and --to apply to both sides",
        ),
        # two sources in one side: it had blamed a --source never given
        (
            ["diff", "source:alpha-2013,source:beta-2016", "all"],
            "names two sources, alpha-2013 and beta-2016, and an event has one (a comma means "
            "and) (compare them as two sides: rusino diff source:alpha-2013 source:beta-2016)",
        ),
        # a date mistyped: its own trouble (it had been "did you mean source:...?")
        (["diff", "all", "2012-Q5"], "and not a selector: cannot read the date '2012-Q5'"),
        (["diff", "all", "201"], "cannot read the date '201': it needs a four-digit year"),
        (["diff", "all", "windw"], "(did you mean window?)"),
        (["diff", "mid-2012", "all"], "cannot read the date 'mid-2012'"),
        (["diff", "Oct-Dec-2012", "all"], "cannot read the date 'Oct-Dec-2012'"),
        (["diff", "alpha-2012", "all"], "(did you mean source:alpha-2013?)"),  # still a name
        # several names in one (the hint had been "Russia or Japan?")
        (["timeline", "--actor", "russia,japan"], "(that is 2 actors, Russia and Japan: give each"),
        (["timeline", "--topic", "energy and trade"], "(that is 2 topics, energy and trade: give"),
        (["actors", "russia;japan"], "(that is 2 actors, Russia and Japan: give each on its own)"),
        (["export", "-f", "timelinjs"], "(did you mean timelinejs? use one of"),
        (["delete", "--wait", "1e308", "x"], "is more than a day (at most --wait 86400)"),
        # other tools' words for a command (it had been only "see 'rusino --help'")
        (["rm", "x"], "No such command 'rm' (did you mean rusino delete?)"),
        (["cite", "x"], "(did you mean rusino show ID --bibtex?)"),
        (
            ["diff", "actor:Japan actor:Russia", "all"],
            "terms are joined with commas (e.g. actor:Japan,actor:Russia)",
        ),
        (["timeline", "--save", ".svg"], "'.svg': it needs a name before .svg (e.g. chart.svg)"),
        (["timeline", "-f", "tbl"], "'markdown' (did you mean table?)"),  # a choice misspelt
        (["chart", "--by", "actr"], "(did you mean actor?)"),
        # a field of one table only (it had been "no field to search in")
        (
            ["search", "summary:gas"],
            "'summary' is a field of events only (search events alone: rusino timeline "
            "--search summary:gas)",
        ),
        (["search", "subject:gas"], "(search facts alone: rusino facts subject:gas)"),
        (["diff", "2014..2012", "all"], "2014 is after 2012 (swap them: 2012..2014)"),  # pastes
        (["diff", "2012-04-22,2012-04-25"], "give one range: 2012-04-22..2012-04-25)"),
        # unquoted, -oil is an option: said, with the NOT to write
        (["search", "gas", "-oil"], "No such option: -oil (a word that starts with - is read"),
        (["search", "gas OR -oil"], "'oil' is no field to search in (FTS5 reads -oil"),
        (["search", "gas -2012"], "does not leave out '2012' (write NOT before the word, after"),
        (["db", "init", "-"], "PATH is - (give the database's file name"),
        (["diff", "", "all"], "a side is empty"),
        (["timeline", "--from", ""], "--from is empty"),
        (["timeline", "--to", " "], "--to is empty"),
        (["timeline", "--from", "-2012"], "cannot read the date '-2012'"),
        (["timeline", "--from", "../2012"], "has an open start"),
        (["show"], "Missing argument 'ID...'"),
        (["chart", "--width", "99999999999999999999"], "not in the range 40<=x<=1000"),
        # a one-value option given twice was the last one, silently
        (["timeline", "-s", "alpha-2013", "-s", "beta-2016"], "-s is given twice; it takes one"),
        (["timeline", "--source=a", "-s", "b"], "-s is given twice (as --source)"),
        (["facts", "-y", "2012", "-y", "2014"], "-y is given twice"),
        (["diff", "all", "--from", "2012", "--from", "2013"], "--from is given twice"),
        (["--db", "other.sqlite", "timeline"], "--db is given twice"),  # the app's own option
        (["add", "event", "--date", "2012", "--date", "2013"], "--date is given twice"),
        (["add", "event", "--id", "", "--date", "2013"], "'--id': is empty"),
        (["add", "source", "--id", " ", "--title", "T"], "'--id': is empty"),
        # a value that starts with an option's letter is a value ("-d is given twice (as
        # --date)" had been said of --topic -danger), and the next option is still seen
        (
            ["add", "event", "--topic", "-danger", "--date", "2012", "--date", "2013"],
            "--date is given twice; it takes one value",
        ),
    ],
)
def test_usage_errors(
    fixture_db: Path, capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    line = fail(capsys, ["--db", str(fixture_db), *args], 2)
    assert expected in line


def test_bad_databases(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = fail(capsys, ["--db", str(tmp_path / "missing.sqlite"), "timeline"])
    assert "no database at" in line
    junk = tmp_path / "junk.sqlite"
    junk.write_text("this is not a database\n" * 100)
    assert "not an SQLite database" in fail(capsys, ["--db", str(junk), "timeline"])
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    assert "not a rusino database" in fail(capsys, ["--db", str(other), "actors"])
    fifo = tmp_path / "fifo.sqlite"
    os.mkfifo(fifo)  # SQLite would wait on it for ever
    assert "is not a file, so not a database" in fail(capsys, ["--db", str(fifo), "check"])


def test_a_database_from_a_newer_rusino_is_refused(
    fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its layout or meaning may have changed: neither read nor written, nor "up to date"."""
    with sqlite3.connect(fixture_db) as conn:
        conn.execute("UPDATE metadata SET value = '99' WHERE key = 'schema_version'")
    conn.close()
    before = fixture_db.read_bytes()
    for args in (["timeline"], ["db", "upgrade"], ["add", "event", "--date", "2013"]):
        line = fail(capsys, ["--db", str(fixture_db), *args])
        assert "was made by a newer rusino (schema 99; this one knows 2)" in line
    assert fixture_db.read_bytes() == before
    # a version that is no whole number is no schema rusino knows; an older one needs upgrade
    for version, said in (("3.0", "does not know ('3.0')"), ("1", "made by an older rusino")):
        with sqlite3.connect(fixture_db) as conn:
            conn.execute("UPDATE metadata SET value = ? WHERE key = 'schema_version'", (version,))
        conn.close()
        assert said in fail(capsys, ["--db", str(fixture_db), "add", "event", "--date", "2013"])
        assert said in fail(capsys, ["--db", str(fixture_db), "timeline"])


def test_check_with_a_data_folder_that_is_none_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It had been "1 problem" in the database (exit 1), the reason on stdout."""
    (tmp_path / "pyproject.toml").write_text("")  # a checkout's root: had been a problem
    for folder, said in ((tmp_path / "nowhere", "is not a folder"), (tmp_path, "is no data")):
        assert run(["check", "--data", str(folder)]) == 2
        out, err = capsys.readouterr()
        assert out == "" and f"rusino: --data {folder} {said}" in err and len(err.splitlines()) == 1


def test_db_init_under_a_file_says_it_is_no_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It had been "cannot create afile: File exists"."""
    (tmp_path / "afile").write_text("x")
    for path in ("afile/x.sqlite", "afile/deeper/x.sqlite"):
        assert run(["db", "init", str(tmp_path / path)]) == 2
        err = capsys.readouterr().err
        assert err == f"rusino: {tmp_path / 'afile'} is a file, not a folder (pass another PATH)\n"


def test_a_db_of_a_tilde_and_no_user_is_no_internal_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["--db", "~nouser/x.sqlite", "timeline"]) == 2
    assert "rusino: no database at ~nouser/x.sqlite" in capsys.readouterr().err


def test_debug_shows_the_traceback(fixture_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--db", str(fixture_db), "--debug", "timeline", "--actor", "Japna"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Traceback") and "rusino.query.UnknownName: unknown actor" in err


def test_internal_error_is_one_line_exit_1(
    fixture_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from rusino import query

    def boom(*_: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(query, "actors", boom)
    line = fail(capsys, ["--db", str(fixture_db), "actors"], 1)
    assert "internal error" in line and "--debug" in line


def test_no_arguments_shows_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert run([]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Usage: rusino" in captured.err


def test_help_does_not_import_rich() -> None:
    import subprocess
    import sys

    code = (
        "import sys, contextlib, io\n"
        "from rusino.cli import run\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    run(['timeline', '--help']); run(['timeline', '--frm'])\n"
        "print('rich' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------------------------------------
# completion, db build, check


def test_completion_reads_actor_and_topic_names(fixture_db: Path) -> None:
    import typer

    ctx = typer.Context(typer.main.get_command(app))
    ctx.params["db"] = str(fixture_db)
    assert cli.complete_actor(ctx, "ja") == ["Japan"]
    assert cli.complete_actor(ctx, "puti") == ["Vladimir Putin"]
    assert cli.complete_topic(ctx, "mis") == ["missile-defence"]
    ctx.params["db"] = "/nonexistent.sqlite"
    assert cli.complete_actor(ctx, "ja") == []


def test_shell_completion_end_to_end(fixture_db: Path) -> None:
    import os
    import subprocess
    import sys

    env = os.environ | {
        "_RUSINO_COMPLETE": "complete_bash",
        "COMP_WORDS": f"rusino --db {fixture_db} timeline --actor Ja",
        "COMP_CWORD": "5",
    }
    out = subprocess.run(
        [sys.executable, "-m", "rusino"], env=env, capture_output=True, text=True, check=False
    )
    assert "Japan" in out.stdout


def test_db_build_and_check(
    fixture_data_dir: Path,
    fixture_sources_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "built.sqlite"
    assert run(["db", "build", "--data", str(fixture_data_dir), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "6 events" in captured.err
    # a build replaces its target whole: an untouched build again (edit the data, build again:
    # it had needed --force every time), but a file that may hold someone's records needs --force
    assert run(["db", "build", "--data", str(fixture_data_dir), "--out", str(out)]) == 0
    # ... but not one given a table of one's own by another tool, nor db init's copy
    with sqlite3.connect(out) as conn:
        conn.execute("CREATE TABLE mine (x)")
    assert run(["db", "build", "--data", str(fixture_data_dir), "--out", str(out)]) == 2
    with sqlite3.connect(out) as conn:
        conn.execute("DROP TABLE mine")
    assert run(["db", "build", "--data", str(fixture_data_dir), "--out", str(out)]) == 0
    for empty in ([], ["--empty"]):
        mine = tmp_path / f"init{len(empty)}.sqlite"
        assert run(["db", "init", str(mine), *empty]) == 0
        assert run(["db", "build", "--data", str(fixture_data_dir), "--out", str(mine)]) == 2
    added = ["add", "source", "--author", "Doe, J", "--title", "T", "--date", "2013"]
    assert run(["--db", str(out), *added]) == 0
    capsys.readouterr()
    assert run(["db", "build", "--data", str(fixture_data_dir), "--out", str(out)]) == 2
    assert "is not an unchanged build: it may hold your own records" in capsys.readouterr().err
    assert run(["db", "build", "--data", str(fixture_data_dir), "--out", str(out), "--force"]) == 0
    capsys.readouterr()
    # a folder is no database, --force or not (it had been a raw "Is a directory" of a temp file)
    for force in ([], ["--force"]):
        assert (
            run(["db", "build", "--data", str(fixture_data_dir), "--out", str(tmp_path), *force])
            == 2
        )
        assert capsys.readouterr().err == (
            f"rusino: {tmp_path} is a folder (give the database's file name: "
            f"{tmp_path / 'events.sqlite'})\n"
        )
    package_db = db._PACKAGE_DB
    monkeypatch.setattr(db, "_PACKAGE_DB", out)  # as if it were the installed package's copy
    assert run(["db", "build", "--data", str(fixture_data_dir), "--out", str(out), "--force"]) == 2
    assert "installed package's database" in capsys.readouterr().err
    monkeypatch.setattr(db, "_PACKAGE_DB", package_db)
    monkeypatch.delenv("RUSINO_SOURCES_DIR", raising=False)
    assert run(["--db", str(out), "check", "--data", str(fixture_data_dir)]) == 0
    assert capsys.readouterr() == (
        "",
        "ok: 6 events, 4 facts (quotes not looked up in the articles: set RUSINO_SOURCES_DIR "
        "or pass --sources DIR)\n",
    )
    # a folder that is not there is refused (a typo left every quote unchecked); empty is unset
    monkeypatch.setenv("RUSINO_SOURCES_DIR", str(fixture_sources_dir / "nowhere"))
    assert run(["--db", str(out), "check"]) == 2
    assert "is not a folder (point RUSINO_SOURCES_DIR (or --sources) at" in capsys.readouterr().err
    # import has no --sources: its hint had named one
    assert run(["--db", str(out), "import", "--dry-run", str(out)]) == 2
    assert "is not a folder (point RUSINO_SOURCES_DIR at" in capsys.readouterr().err
    assert run(["--db", str(out), "check", "--sources", ""]) == 0
    assert "quotes not looked up in the articles" in capsys.readouterr().err
    monkeypatch.setenv("RUSINO_SOURCES_DIR", str(fixture_sources_dir))
    assert run(["--db", str(out), "check"]) == 0
    # --data too passes over a source whose article it cannot name, in a database not bundled
    # (it had reported one, which plain `check` passed over)
    capsys.readouterr()
    own = tmp_path / "own.sqlite"
    shutil.copyfile(out, own)
    assert run(["--db", str(own), "add", "source", "--author", "Doe, J", "--title", "T",
                "--date", "2013"]) == 0  # fmt: skip
    capsys.readouterr()
    assert run(["--db", str(own), "check", "--data", str(fixture_data_dir)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{own} differs from a fresh build of {fixture_data_dir} in sources (if it is a build "
        f"of {fixture_data_dir}, `rusino db build --data {fixture_data_dir} --out {own} "
        "--force` makes it again; a database of your own (db init, add) is not)"
    ]
    conn = sqlite3.connect(out)
    conn.execute("UPDATE events SET quote = '' WHERE id = '2015-05-japan-russia-talks'")
    conn.commit()
    conn.close()
    assert run(["--db", str(out), "check"]) == 1
    captured = capsys.readouterr()
    assert "2015-05-japan-russia-talks" in captured.out
    assert "problem" in captured.err


def test_only_the_command_being_run_is_built() -> None:
    slim = cli._app_for(["--db", "x.sqlite", "--debug", "timeline", "--actor", "Japan"])
    assert [c.callback.__name__ for c in slim.registered_commands if c.callback] == ["timeline"]
    assert cli._app_for(["db", "build"]).registered_groups[0].name == "db"
    for args in (["--help"], ["--version"], ["nosuch"], []):
        assert cli._app_for(args) is app


@pytest.mark.parametrize("command", ["timeline", "facts", "show", "search", "check", "db"])
def test_help_is_the_same_from_the_slim_app(
    command: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    assert run([command, "--help"]) == 0
    slim = capsys.readouterr().out
    assert app(args=[command, "--help"], prog_name="rusino", standalone_mode=False) == 0
    assert slim == capsys.readouterr().out


def test_db_build_in_a_checkout_from_another_install(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`pip install .` (not -e) then `rusino db build` in the checkout: the install knows no
    checkout, so the folder it runs in is taken; the result is the bundled database, marked
    so (never writable), and byte for byte the committed one."""
    checkout = tmp_path / "checkout"
    shutil.copytree(
        db._REPO_ROOT / "data", checkout / "data", ignore=shutil.ignore_patterns("*.sqlite")
    )
    (checkout / "src" / "rusino").mkdir(parents=True)
    monkeypatch.setattr(db, "_REPO_ROOT", tmp_path / "elsewhere")  # an install outside it
    monkeypatch.chdir(checkout)
    assert run(["db", "build"]) == 0
    built = checkout.resolve() / "data" / "events.sqlite"
    assert re.match(rf"built {re.escape(str(built))}: \d+ events", capsys.readouterr().err)
    assert built.read_bytes() == (db._REPO_DB).read_bytes()
    conn = sqlite3.connect(built)
    try:
        assert db.has_bundle_mark(conn)
    finally:
        conn.close()
    monkeypatch.chdir(tmp_path)
    assert run(["db", "build"]) == 2
    assert "no data folder found" in capsys.readouterr().err


def test_actors_and_topics_by_name(fixture_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`rusino actors japan` had been "unexpected extra argument"."""
    assert run(["--db", str(fixture_db), "actors", "tokyo", "Russia", "-f", "jsonl"]) == 0
    names = [json.loads(line)["name"] for line in capsys.readouterr().out.splitlines()]
    assert sorted(names) == ["Japan", "Russia"]
    assert run(["--db", str(fixture_db), "topics", "Energy", "-f", "jsonl"]) == 0
    assert [json.loads(x)["name"] for x in capsys.readouterr().out.splitlines()] == ["energy"]
    line = fail(capsys, ["--db", str(fixture_db), "actors", "japn"], 2)
    assert "unknown actor 'japn' (did you mean Japan?" in line
