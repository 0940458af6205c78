"""The pipe contract, through a real process: stdout a pipe (isatty false), no ANSI, no header,
a closed pipe ends quietly, exit codes."""

from __future__ import annotations

import json
import os
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

RUSINO = [sys.executable, "-m", "rusino"]


def env(db: Path, **extra: str) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return e | {"RUSINO_DB": str(db), "TERM": "xterm-256color"} | extra


def rusino(db: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*RUSINO, *args], env=env(db, **extra), capture_output=True, text=True, check=False
    )


def piped(db: Path, args: list[str], pipe: str) -> subprocess.CompletedProcess[str]:
    """rusino ARGS PIPE (`| head -1`) in bash, with pipefail: the exit status is rusino's."""
    cmd = " ".join(shlex.quote(a) for a in [*RUSINO, *args])
    return subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{cmd} {pipe}"],
        env=env(db),
        capture_output=True,
        text=True,
        check=False,
    )


def test_piped_timeline_is_plain_tsv(fixture_db: Path) -> None:
    p = rusino(fixture_db, "timeline")
    assert (p.returncode, p.stderr) == (0, "")
    lines = p.stdout.splitlines()
    assert len(lines) == 6
    assert "\x1b" not in p.stdout
    assert not lines[0].startswith("id\t")  # no header
    assert lines[0].split("\t")[:4] == [
        "2008-2013-russia-vietnam-fighter-sales",
        "2008/2013-12",  # exact EDTF, not words
        "2008-01-01",
        "2013-12-31",
    ]
    assert all(len(line.split("\t")) == 15 for line in lines)


def test_piped_table_has_no_ansi(fixture_db: Path) -> None:
    p = rusino(fixture_db, "timeline", "--format", "table")
    assert p.returncode == 0 and p.stdout and "\x1b" not in p.stdout


@pytest.mark.parametrize(
    "args", [["timeline"], ["timeline", "-f", "json"], ["facts", "-f", "table"]]
)
def test_head_ends_quietly(fixture_db: Path, args: list[str]) -> None:
    p = piped(fixture_db, args, "| head -1")
    assert p.stderr == ""
    assert p.returncode == 0
    assert p.stdout.count("\n") == 1


def test_a_closed_stderr_pipe_ends_quietly(tmp_path: Path, fixture_db: Path) -> None:
    """`db init X 2>&1 >/dev/null | head -1`: its second line met a closed pipe on stderr, and
    the command exited 1 (stdout's closed pipe was handled, stderr's was not)."""
    target = tmp_path / "mine.sqlite"
    p = piped(fixture_db, ["db", "init", str(target)], "2>&1 >/dev/null | head -1")
    assert (p.returncode, p.stderr) == (0, "")
    assert p.stdout.startswith(f"created {target} (") and p.stdout.count("\n") == 1
    assert rusino(target, "check").returncode == 0  # the database was made, whole


def test_reader_closing_early_is_not_an_error(tmp_path: Path, fixture_db: Path) -> None:
    # Enough output to fill the pipe buffer, read one line, close the read end.
    big = tmp_path / "big.sqlite"
    big.write_bytes(fixture_db.read_bytes())
    import sqlite3

    conn = sqlite3.connect(big)
    conn.executemany(
        "INSERT INTO events (id, date, date_start, date_end, date_text, precision, in_window,"
        " summary, source, quote) VALUES (?, '2012', '2012-01-01', '2012-12-31', 'in 2012',"
        " 'year', 1, ?, 'alpha-2013', 'q')",
        [(f"bulk-{i:05d}", "x" * 200) for i in range(3000)],
    )
    conn.commit()
    conn.close()
    proc = subprocess.Popen(
        [*RUSINO, "timeline"],
        env=env(big),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=30) == 0
    assert err == ""


def test_exit_codes_and_one_line_errors(fixture_db: Path, tmp_path: Path) -> None:
    p = rusino(fixture_db, "timeline", "--actor", "Japna")
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.count("\n") == 1 and "did you mean Japan?" in p.stderr
    p = rusino(fixture_db, "timeline", "--format", "xml")
    assert p.returncode == 2 and p.stderr.count("\n") == 1
    p = rusino(tmp_path / "nope.sqlite", "timeline")
    assert p.returncode == 2 and "no database at" in p.stderr and p.stderr.count("\n") == 1
    p = rusino(fixture_db, "timeline", "--from", "2030")
    assert (p.returncode, p.stdout, p.stderr) == (0, "", "")


def test_debug_prints_a_traceback(fixture_db: Path) -> None:
    p = rusino(fixture_db, "--debug", "timeline", "--actor", "Japna")
    assert p.returncode == 2 and "Traceback" in p.stderr  # and the usual exit code
    assert p.stderr.splitlines()[-1].startswith("rusino: unknown actor 'Japna'")
    p = rusino(fixture_db, "timeline", "--debug")  # not a global option there: a usage error
    assert (p.returncode, p.stderr.count("\n")) == (2, 1) and "No such option: --debug" in p.stderr
    assert "--debug is a global option: it goes before the command" in p.stderr


def one_line(p: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    assert (p.returncode, p.stdout, p.stderr.count("\n")) == (code, "", 1), p.stderr
    assert p.stderr.startswith("rusino: ") and all(w in p.stderr for w in words), p.stderr


def test_an_argument_that_is_not_utf8_is_a_usage_error(fixture_db: Path, tmp_path: Path) -> None:
    for args in (["timeline", "--actor"], ["show"], ["search"]):
        p = subprocess.run([*RUSINO, *args, b"Jap\xffan"], env=env(fixture_db),
                           capture_output=True, text=True, check=False)  # fmt: skip
        one_line(p, 2, "argument b'Jap\\xffan' is not valid UTF-8")
    # unless it names a file: a path may be any bytes
    odd = os.fsencode(tmp_path) + b"/caf\xe9.sqlite"
    Path(os.fsdecode(odd)).write_bytes(fixture_db.read_bytes())
    for args in ([b"--db", odd, b"timeline"], [b"diff", b"db:" + odd, b"all"]):
        p = subprocess.run([*RUSINO, *args], env=env(fixture_db), capture_output=True, check=False)
        assert p.returncode == 0 and p.stderr == b"", p.stderr


@pytest.mark.parametrize(
    ("args", "code"),
    [(["timeline"], 1), (["export"], 1), (["actors", "-f", "json"], 1),
     # diff's 1 says "the sides differ": its own trouble is 2, as diff(1)'s
     (["diff", "actor:Russia", "actor:Russia", "-f", "json"], 2)],
)  # fmt: skip
def test_output_that_cannot_be_written_is_one_line(
    fixture_db: Path, args: list[str], code: int
) -> None:
    cmd = shlex.join([*RUSINO, *args])
    closed = subprocess.run(["bash", "-c", f"{cmd} >&-"], env=env(fixture_db),
                            capture_output=True, text=True, check=False)  # fmt: skip
    one_line(closed, code, "cannot write the output: stdout is closed")
    if Path("/dev/full").exists():
        full = subprocess.run(["bash", "-c", f"{cmd} > /dev/full"], env=env(fixture_db),
                              capture_output=True, text=True, check=False)  # fmt: skip
        one_line(full, code, "cannot write the output", "No space left on device")


def test_output_in_an_encoding_without_the_text_says_how_to_fix_it() -> None:
    bundled = {k: v for k, v in os.environ.items() if k != "RUSINO_DB"}  # its quotes hold U+2019
    p = subprocess.run([*RUSINO, "timeline"], env=bundled | {"PYTHONIOENCODING": "ascii"},
                       capture_output=True, text=True, check=False)  # fmt: skip
    assert p.returncode == 1 and p.stderr.count("\n") == 1
    assert "cannot write the output as ascii" in p.stderr and "PYTHONIOENCODING=utf-8" in p.stderr


def test_a_command_that_prints_nothing_runs_with_stdout_closed(
    fixture_db: Path, tmp_path: Path
) -> None:
    mine = tmp_path / "mine.sqlite"
    cmd = shlex.join([*RUSINO, "db", "init", str(mine)])
    p = subprocess.run(["bash", "-c", f"{cmd} >&-"], env=env(fixture_db),
                       capture_output=True, text=True, check=False)  # fmt: skip
    assert p.returncode == 0 and mine.exists(), p.stderr


@pytest.mark.parametrize(
    "args", [["import", "-", "-f", "jsonl"], ["diff", "-"], ["diff", "all", "-"]]
)
def test_reading_a_closed_stdin_is_one_line(fixture_db: Path, args: list[str]) -> None:
    """`<&-`: Python makes sys.stdin None, and reading it had been an internal error."""
    p = piped(fixture_db, args, "<&-")
    assert (p.returncode, p.stdout) == (2, "")
    assert p.stderr == (
        "rusino: stdin is closed (<&-): there is nothing to read (pipe the rows in, or give a "
        "file)\n"
    )


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["timeline", "--help"]])
def test_help_and_version_into_a_closed_pipe(fixture_db: Path, args: list[str]) -> None:
    """click answers a reader that left during --help with exit 1; >&- had been an internal
    error."""
    p = piped(fixture_db, args, "| head -0")
    assert (p.returncode, p.stderr) == (0, "")
    p = piped(fixture_db, args, ">&-")
    assert (p.returncode, p.stderr) == (1, "rusino: cannot write the output: stdout is closed\n")


def test_ids_through_xargs_to_show(fixture_db: Path) -> None:
    show = f"| cut -f1 | xargs {shlex.join(RUSINO)} show -f jsonl"
    p = piped(fixture_db, ["timeline", "--actor", "Russia"], show)
    assert (p.returncode, p.stderr) == (0, "")
    listed = rusino(fixture_db, "timeline", "--actor", "Russia").stdout.splitlines()
    shown = [json.loads(line)["id"] for line in p.stdout.splitlines()]
    assert len(shown) > 1 and shown == [line.split("\t")[0] for line in listed]


def typed(db: Path, args: list[str], answers: bytes, **extra: str) -> tuple[int, str, str]:
    """rusino with a terminal as stdin, the answers typed at it: (exit code, stdout, stderr)."""
    import pty

    master, slave = pty.openpty()
    p = subprocess.Popen([*RUSINO, *args], env=env(db, **extra), stdin=slave,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    os.close(slave)
    os.write(master, answers)
    out, err = p.communicate(timeout=60)
    os.close(master)
    return p.returncode, out, err


def test_add_prompts_on_stderr_and_prints_only_the_id(fixture_db: Path) -> None:
    """On a terminal a missing field is asked for, on stderr: `id=$(rusino add ...)` gets the id
    alone."""
    args = ["add", "event", "--date", "2013", "--topic", "energy", "--source", "alpha-2013"]
    code, out, err = typed(
        fixture_db, [*args, "--quote", "q"], b"Prompted summary\nRussia; China\n"
    )
    assert (code, out) == (0, "2013-prompted-summary\n"), err
    assert "Summary: " in err and "Actors (separate several with ;): " in err


def test_a_prompted_publication_may_be_left_empty(fixture_db: Path, tmp_path: Path) -> None:
    """--publication is optional, but its prompt asked again at every empty answer: a source
    without one could not be added on a terminal."""
    db = tmp_path / "mine.sqlite"
    db.write_bytes(fixture_db.read_bytes())
    args = ["add", "source", "--author", "Kang, Su", "--title", "T", "--date", "2014"]
    code, out, err = typed(db, args, b"\n")
    assert (code, out) == (0, "kang-2014\n"), err
    assert "Publication (Enter for none): " in err
    row = sqlite3.connect(db).execute("SELECT publication FROM sources WHERE id = 'kang-2014'")
    assert row.fetchone() == ("",)


def test_a_prompted_answer_that_is_refused_is_asked_for_again(fixture_db: Path) -> None:
    """A misspelt actor or a bad date typed at a prompt ended the whole entry, to be typed
    again from the start; now the error is said and the question asked again."""
    args = ["add", "event", "--topic", "energy", "--source", "alpha-2013", "--quote", "q"]
    answers = b"2013-99\n2013\nAsked again\nRusia\nRussia; China\n"
    code, out, err = typed(fixture_db, args, answers)
    assert (code, out) == (0, "2013-asked-again\n"), err
    assert err.count("Date (EDTF") == 2 and "no such month in '2013-99'" in err
    assert err.count("Actors (separate") == 2 and "did you mean Russia?" in err


def test_an_option_refused_on_a_terminal_is_asked_for_again_before_the_rest(
    fixture_db: Path,
) -> None:
    """--actor Japn had been refused only after the quote was typed, everything lost."""
    args = ["add", "event", "--date", "2013", "--summary", "Checked first", "--actor", "Japn",
            "--topic", "energy", "--source", "alpha-2013"]  # fmt: skip
    code, out, err = typed(fixture_db, args, b"Japan\nq\n")
    assert (code, out) == (0, "2013-checked-first\n"), err
    assert err.index("did you mean Japan?") < err.index("Actors (separate") < err.index("Quote")


def test_names_given_are_checked_before_anything_is_asked(fixture_db: Path) -> None:
    """--actor Japn had been refused after the date and summary were typed, and a new topic
    named as an actor after the quote."""
    args = ["add", "event", "--actor", "Japn", "--topic", "Russia", "--new-topic",
            "--source", "alpha-2013"]  # fmt: skip
    code, out, err = typed(fixture_db, args, b"2013\nAsked\nJapan\nenergy\nq\n")
    assert (code, out) == (0, "2013-asked\n"), err
    assert err.index("did you mean Japan?") < err.index("Date (EDTF")
    assert err.index("'Russia' is an actor, and a topic may not share its name") < err.index(
        "Date (EDTF"
    )


def test_json_parses(fixture_db: Path) -> None:
    p = rusino(fixture_db, "facts", "--format", "json")
    assert [r["unit"] for r in json.loads(p.stdout)] == ["count", "USD", "km", "t"]


def test_version(fixture_db: Path) -> None:
    p = rusino(fixture_db, "--version")
    assert p.returncode == 0 and p.stdout.startswith("rusino ")


def test_the_import_progress_bar_leaves_stdout_empty(fixture_db: Path, tmp_path: Path) -> None:
    """The bar (stderr a terminal, a file over 1 MB) was drawn on rich's default console,
    stdout, which then held a stray newline."""
    import pty

    row = {"date": "2013", "summary": "s", "actors": ["Russia"], "topics": ["energy"],
           "source": "alpha-2013", "quote": "q" * 300}  # fmt: skip
    big = tmp_path / "big.jsonl"
    big.write_text("".join(json.dumps(row | {"id": f"e{i}"}) + "\n" for i in range(4000)))
    assert big.stat().st_size > 1_000_000
    leader, follower = pty.openpty()
    out = tmp_path / "out.txt"
    with out.open("wb") as stdout:
        p = subprocess.run(
            [*RUSINO, "import", str(big), "--dry-run"],
            env=env(fixture_db),
            stdout=stdout,
            stderr=follower,
            check=False,
        )
    os.close(follower)
    os.close(leader)
    assert p.returncode == 0
    assert out.read_bytes() == b""


def test_prompted_names_are_checked_whole(fixture_db: Path) -> None:
    """`;` alone, and a name given twice (by an alias too), were taken at the prompt and
    refused only at the end, everything typed lost."""
    args = ["add", "event", "--date", "2013", "--topic", "energy", "--source", "alpha-2013",
            "--quote", "q"]  # fmt: skip
    code, out, err = typed(fixture_db, args, b"Twice\n;\nJapan; tokyo\nRussia; China\n")
    assert (code, out) == (0, "2013-twice\n"), err
    assert err.count("Actors (separate") == 3 and "actor 'Japan' is named twice ('tokyo')" in err


def test_a_database_that_cannot_be_written_is_said_before_the_questions() -> None:
    bundled = Path(__file__).resolve().parents[1] / "data" / "events.sqlite"
    code, out, err = typed(bundled, ["add", "event"], b"never asked\n")
    assert (code, out) == (2, "")
    assert "the bundled database is read-only" in err and "Date" not in err


def test_piped_show_is_not_wrapped(fixture_db: Path) -> None:
    """`show ID | grep -A1 cite` had the citation broken at 80 columns."""
    p = rusino(fixture_db, "show", "2012-04-russia-china-naval-exercise")
    assert p.returncode == 0
    lines = p.stdout.splitlines()
    citation = lines[lines.index("cite") + 1].strip()
    assert citation.startswith("Alpha, Ann") and citation.endswith(".") and len(citation) > 80


def test_a_prompted_quote_not_in_its_article_is_asked_for_again(
    fixture_db: Path, fixture_sources_dir: Path
) -> None:
    """With the article texts at hand it was refused only at the end, everything typed lost."""
    args = ["add", "event", "--date", "2012", "--summary", "Trade", "--actor", "Russia",
            "--topic", "trade", "--source", "alpha-2013"]  # fmt: skip
    answers = b"Russia and China never met\nSino-Russian trade hit almost USD80 billion in 2012\n"
    code, out, err = typed(fixture_db, args, answers, RUSINO_SOURCES_DIR=str(fixture_sources_dir))
    assert (code, out) == (0, "2012-trade\n"), err
    assert err.count("Quote: ") == 2 and "the quote is not in the article of 'alpha-2013'" in err


def test_a_refused_prompted_value_says_why(fixture_db: Path) -> None:
    args = ["add", "fact", "--subject", "S", "--unit", "USD", "--kind", "actual", "--date", "2013",
            "--actor", "Russia", "--topic", "energy", "--source", "alpha-2013", "--quote", "q",
            "--dry-run"]  # fmt: skip
    code, out, err = typed(fixture_db, args, b"1_000\n5\n")
    assert (code, out) == (0, "2013-s\n"), err
    assert err.count("Value (a number)") == 2 and "'1_000' is not a number" in err


def test_add_errors_name_the_options_not_a_file_s_fields(fixture_db: Path) -> None:
    """The hint was the one for an import file's fields (the JSON schema, the README)."""
    p = rusino(fixture_db, "add", "event", "--date", "2013", "--summary", "S", "--actor", "Japan",
               "--actor", "tokyo", "--topic", "energy", "--source", "alpha-2013",
               "--quote", "q")  # fmt: skip
    assert p.returncode == 2
    assert p.stderr.endswith("listed twice in 'actors' (see `rusino add event --help`)\n")


@pytest.mark.parametrize(
    "listing",
    [
        ["timeline", "--actor", "Japan"],  # tsv: each line's first field
        ["timeline", "--actor", "Japan", "--headers"],
        ["timeline", "--actor", "Japan", "-f", "csv", "--headers"],
        ["timeline", "--actor", "Japan", "-f", "jsonl"],
        ["timeline", "--actor", "Japan", "-f", "json"],  # had been "a JSON line without an id"
        ["diff", "actor:Japan", "actor:Vietnam", "--only", "left"],  # the id after the mark
        # its id column, by the header (they had been "no event or fact with id '|'", 'side')
        ["timeline", "--actor", "Japan", "-f", "markdown"],
        ["diff", "actor:Japan", "actor:Vietnam", "--only", "left", "-f", "tsv", "--headers"],
        ["diff", "actor:Japan", "actor:Vietnam", "--only", "left", "-f", "json"],
    ],
)
def test_show_reads_the_ids_of_a_listing_from_stdin(fixture_db: Path, listing: list[str]) -> None:
    """`show -` had been "no event or fact with id '-'": xargs was the only way."""
    wanted = rusino(fixture_db, "timeline", "--actor", "Japan", "-f", "jsonl")
    ids = [json.loads(line)["id"] for line in wanted.stdout.splitlines()]
    cmd = " ".join(shlex.quote(a) for a in [*RUSINO, *listing])
    show = shlex.join([*RUSINO, "show", "-", "-f", "jsonl"])
    p = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{cmd} | {show}"],
        env=env(fixture_db),
        capture_output=True,
        text=True,
        check=False,
    )
    assert p.returncode == (1 if listing[0] == "diff" else 0), p.stderr  # (diff: they differ)
    assert [json.loads(line)["id"] for line in p.stdout.splitlines()] == ids


def test_show_dash_with_nothing_piped_says_so(fixture_db: Path) -> None:
    """An empty listing piped in is nothing to show, not bad input (it had been exit 2)."""
    json_run = subprocess.run([*RUSINO, "show", "-", "-f", "json"], env=env(fixture_db),
                              input="", capture_output=True, text=True)  # fmt: skip
    assert (json_run.returncode, json_run.stdout) == (0, "[]\n")  # as an empty listing's json
    for listing in ("", "\n", "id\n", "[]"):  # (an empty json listing, as an empty tsv)
        p = subprocess.run(
            [*RUSINO, "show", "-"], env=env(fixture_db), input=listing, capture_output=True,
            text=True,
        )  # fmt: skip
        assert (p.returncode, p.stdout) == (0, "")
        assert p.stderr == "note: show -: no ids on stdin, nothing to show\n"
    p = subprocess.run([*RUSINO, "show", "-", "-"], env=env(fixture_db), input="x\n",
                       capture_output=True, text=True)  # fmt: skip
    assert (p.returncode, p.stderr) == (
        2,
        "rusino: - is given twice, and stdin is read once (give - once)\n",
    )


def test_an_empty_listing_on_a_terminal_says_so(fixture_db: Path, tmp_path: Path) -> None:
    """A terminal had shown nothing at all; a pipe still gets nothing (data only)."""
    import pty

    for args, said in (
        (["timeline", "--from", "2030"], "no events match"),
        (["search", "zzzz"], "no events or facts match"),
        # a chart too (it had drawn nothing and said nothing)
        (["chart", "--from", "2030"], "no events match"),
        (["chart", "--lanes", "--from", "2030"], "no events match"),
        (["facts", "--chart", "zzzz"], "no facts match"),
    ):
        leader, follower = pty.openpty()
        p = subprocess.run([*RUSINO, *args], env=env(fixture_db), stdout=follower,
                           stderr=subprocess.PIPE, text=True, check=False)  # fmt: skip
        os.close(follower)
        os.close(leader)
        assert (p.returncode, p.stderr) == (0, said + "\n")
        piped_run = rusino(fixture_db, *args)
        assert (piped_run.returncode, piped_run.stdout, piped_run.stderr) == (0, "", "")
    # a chart of coarse dates left out: why, and not also "no events match" (which they do)
    leader, follower = pty.openpty()
    p = subprocess.run([*RUSINO, "chart", "--per", "month", "--from", "2010", "--to", "2010"],
                       env=env(fixture_db), stdout=follower, stderr=subprocess.PIPE, text=True,
                       check=False)  # fmt: skip
    os.close(follower)
    os.close(leader)
    assert p.stderr.splitlines() == [
        "note: 1 event dated only to a season, a year or longer left out of the months "
        "(--coarse spread counts them in each month they cover)"
    ]


@pytest.mark.parametrize(
    ("stdin", "ids"),
    [
        (b"\xef\xbb\xbfa-1\nb-2\n", ["a-1", "b-2"]),  # a byte-order mark had been in the id
        (b"a-1 b-2\n", ["a-1", "b-2"]),  # words
        (b'"id"\na-1\n', ["a-1"]),  # a quoted header, as a one-column csv has it
        (b"a-1,b-2\n", ["a-1,b-2"]),  # an id with a comma: whole (it had been a csv's a-1)
        (b"id\nid\n", ["id"]),  # "id" after the header is an id (it had been dropped)
    ],
)
def test_show_dash_reads_marked_and_spaced_ids(
    fixture_db: Path, stdin: bytes, ids: list[str]
) -> None:
    p = subprocess.run([*RUSINO, "show", "-"], env=env(fixture_db), input=stdin,
                       capture_output=True, check=False)  # fmt: skip
    assert p.returncode == 2  # (no such ids: the message names the first, as read)
    assert f"no event or fact with id '{ids[0]}'".encode() in p.stderr


def test_show_dash_refuses_utf16_in_one_line(fixture_db: Path) -> None:
    """It had been an internal error (UnicodeEncodeError)."""
    utf16 = "a-1\n".encode("utf-16")
    p = subprocess.run([*RUSINO, "show", "-"], env=env(fixture_db), input=utf16,
                       capture_output=True, check=False)  # fmt: skip
    assert (p.returncode, p.stderr) == (
        2,
        b"rusino: stdin is UTF-16 text, not UTF-8 (pipe it through iconv -f UTF-16 -t UTF-8)\n",
    )  # fmt: skip


def test_show_dash_reads_a_csv_record_over_lines(fixture_db: Path, tmp_path: Path) -> None:
    """A quote over two lines: its second line had been taken for an id."""
    mine = tmp_path / "mine.sqlite"
    mine.write_bytes(fixture_db.read_bytes())
    add = ["add", "event", "--date", "2014", "--summary", "Over lines", "--actor", "China",
           "--topic", "trade", "--source", "alpha-2013", "--quote", "two\nlines"]  # fmt: skip
    assert rusino(mine, *add, RUSINO_SOURCES_DIR="").returncode == 0
    listed = rusino(mine, "timeline", "-f", "csv").stdout
    p = subprocess.run([*RUSINO, "show", "-", "-f", "jsonl"], env=env(mine), input=listed,
                       capture_output=True, text=True, check=False)  # fmt: skip
    assert p.returncode == 0, p.stderr
    assert "2014-over-lines" in [json.loads(line)["id"] for line in p.stdout.splitlines()]


@pytest.mark.parametrize(
    ("stdin", "said"),
    [
        ("{}", "stdin: not a JSON record with an id"),  # (it had been taken for no ids, exit 0)
        ('[{"foo": 1}]', "stdin: not a JSON record with an id"),
        ('{"x": 1}\n{"id": "a"}\n', "stdin, line 1: not a JSON record with an id"),
    ],
)
def test_show_dash_refuses_json_records_without_ids(
    fixture_db: Path, stdin: str, said: str
) -> None:
    p = subprocess.run([*RUSINO, "show", "-"], env=env(fixture_db), input=stdin,
                       capture_output=True, text=True, check=False)  # fmt: skip
    assert (p.returncode, p.stdout) == (2, "") and said in p.stderr


def test_show_dash_reads_a_figures_diff_piped(fixture_db: Path) -> None:
    """Its subject had been taken for an id."""
    listing = rusino(fixture_db, "diff", "--facts", "source:alpha-2013", "source:beta-2016")
    assert listing.stdout
    show = [*RUSINO, "show", "-", "-f", "jsonl"]
    p = subprocess.run(show, env=env(fixture_db), input=listing.stdout, capture_output=True,
                       text=True, check=False)  # fmt: skip
    assert p.returncode == 0, p.stderr
    assert all(json.loads(line)["type"] == "fact" for line in p.stdout.splitlines())


def test_show_gives_each_record_once(fixture_db: Path) -> None:
    """`show ID ID -f json` had printed the record twice (--bibtex had each source once)."""
    first = rusino(fixture_db, "timeline", "-n", "1").stdout.split("\t")[0]
    p = rusino(fixture_db, "show", first, first, "-f", "jsonl")
    assert [json.loads(line)["id"] for line in p.stdout.splitlines()] == [first]


def test_a_listing_piped_into_delete(fixture_db: Path) -> None:
    """`rusino timeline ... | rusino delete -` takes out what the listing shows."""
    listing = rusino(fixture_db, "timeline", "--actor", "Japan").stdout
    ids = [line.split("\t")[0] for line in listing.splitlines()]
    p = subprocess.run([*RUSINO, "delete", "-"], env=env(fixture_db), input=listing,
                       capture_output=True, text=True, check=False)  # fmt: skip
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ids
    assert rusino(fixture_db, "timeline", "--actor", "Japan").stdout == ""
    empty = subprocess.run([*RUSINO, "delete", "-"], env=env(fixture_db), input="",
                           capture_output=True, text=True, check=False)  # fmt: skip
    assert (empty.returncode, empty.stderr) == (
        0,
        "note: delete -: no ids on stdin, nothing deleted\n",
    )
