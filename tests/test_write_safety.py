"""Writes through real processes: a write killed half-way (SIGKILL) leaves the database as it
was; two writers both succeed, or one gets "database is busy" after its timeout; the bundled
database is never written."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rusino import build, db
from rusino.check import check_database
from rusino.errors import ExitCode, RusinoError

RUSINO = [sys.executable, "-m", "rusino"]


def env(**extra: str) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if k != "RUSINO_DB"}
    return e | extra


def rusino(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*RUSINO, *args], env=env(**extra), capture_output=True, text=True, check=False
    )


def digest(path: Path) -> str:
    conn = sqlite3.connect(path)  # writable: rolls back a hot journal left by a killed writer
    try:
        return build.content_hash(conn)
    finally:
        conn.close()


def events_file(path: Path, n: int, prefix: str) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            row = {
                "id": f"{prefix}-{i:06d}",
                "date": f"{2000 + i % 20}-{i % 12 + 1:02d}",  # few dates: check parses each
                "date_text": "then",
                "summary": f"Synthetic event number {i} about pipelines and ports",
                "actors": ["Russia", "China"] if i % 2 else ["Japan", "Vietnam"],
                "topics": ["energy"],
                "source": "alpha-2013",
                "quote": "a synthetic quote of some length " * 6,
            }
            out.write(json.dumps(row) + "\n")
    return path


def test_sigkill_half_way_leaves_the_database_as_it_was(fixture_db: Path, tmp_path: Path) -> None:
    before = digest(fixture_db)
    source = events_file(tmp_path / "many.jsonl", 60_000, "k")
    journal = fixture_db.with_name(fixture_db.name + "-journal")
    proc = subprocess.Popen(
        [*RUSINO, "--db", str(fixture_db), "import", str(source)],
        env=env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while not journal.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.5)  # well inside the import: rows are being written
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL, "the import finished before it could be killed"
    assert journal.exists()  # it died inside its transaction
    # a reader sees the old database, before any writer has recovered it
    p = rusino("--db", str(fixture_db), "timeline", "--format", "jsonl")
    assert p.returncode == 0, p.stderr
    assert len(p.stdout.splitlines()) == 6
    assert digest(fixture_db) == before
    assert check_database(fixture_db) == []


KILLED_WRITER = """
import os, signal, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA cache_size = 5")  # so that changed pages spill into the file itself
conn.execute("BEGIN")
conn.execute("UPDATE events SET summary = 'half-written'")
conn.execute("CREATE TABLE junk (x)")
conn.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
             "INSERT INTO junk SELECT randomblob(1000) FROM n")
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_reads_after_a_killed_write_see_the_database_as_it_was(
    fixture_db: Path, tmp_path: Path
) -> None:
    """A writer killed after its changes reached the file leaves a hot journal, which only a
    read-write connection can roll back: reads (opened read-only) recover it first rather than
    fail until the next write."""
    want = rusino("--db", str(fixture_db), "timeline", "--format", "jsonl").stdout
    kill = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(fixture_db)], check=False)
    assert kill.returncode == -signal.SIGKILL
    assert fixture_db.with_name(fixture_db.name + "-journal").stat().st_size > 0
    p = rusino("--db", str(fixture_db), "timeline", "--format", "jsonl")
    assert (p.returncode, p.stderr, p.stdout) == (0, "", want)
    assert "half-written" not in want
    assert check_database(fixture_db) == []


@pytest.mark.parametrize("lock", ["IMMEDIATE", "EXCLUSIVE"])
def test_second_writer_gets_database_is_busy(fixture_db: Path, tmp_path: Path, lock: str) -> None:
    """Whether the first writer is still writing (IMMEDIATE) or committing, or has spilled its
    changes into the file (EXCLUSIVE), and however the second one finds out: busy, after
    --wait seconds (not SQLite's default 5)."""
    holder = sqlite3.connect(fixture_db, isolation_level=None)
    holder.execute(f"BEGIN {lock}")
    try:
        args = ["--db", str(fixture_db), "add", "event", "--date", "2013", "--summary", "S"]
        args += ["--actor", "Russia", "--topic", "energy", "--source", "alpha-2013"]
        start = time.monotonic()
        p = rusino(*args, "--quote", "q", "--wait", "0.3")
        waited = time.monotonic() - start
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert p.returncode == 1 and p.stdout == ""
    lines = p.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("rusino: database is busy"), p.stderr
    assert 0.3 <= waited < 4
    p = rusino(*args, "--quote", "q")  # free again: it goes through
    assert p.returncode == 0, p.stderr
    assert check_database(fixture_db) == []


def test_a_reader_of_a_database_locked_for_a_write_gets_database_is_busy(
    fixture_db: Path,
) -> None:
    holder = sqlite3.connect(fixture_db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(RusinoError, match="database is busy") as info:
            db.connect(fixture_db, timeout=0.2)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert info.value.code == ExitCode.ERROR
    db.connect(fixture_db).close()


def test_two_writers_at_once_both_succeed(fixture_db: Path, tmp_path: Path) -> None:
    files = [events_file(tmp_path / f"{p}.jsonl", 3000, p) for p in ("a", "b")]
    procs = [
        subprocess.Popen(
            [*RUSINO, "--db", str(fixture_db), "import", str(f), "--wait", "30"],
            env=env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    results = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert all("3000 added" in err for _, err in results)
    conn = sqlite3.connect(fixture_db)
    assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 6 + 6000
    conn.close()
    assert check_database(fixture_db) == []


def test_a_new_actor_added_by_a_writer_waited_for_is_used(fixture_db: Path) -> None:
    """Two writers adding the same new actor: the second, which read the actors before it
    waited for the first's lock, added it again (internal error: UNIQUE constraint failed)."""
    holder = sqlite3.connect(fixture_db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO actors (name, kind, country) VALUES ('Atlantis', 'state', '')")
    holder.execute("INSERT INTO actor_aliases (alias, actor) VALUES ('atlantis', 'Atlantis')")
    args = ["--db", str(fixture_db), "add", "event", "--date", "2013", "--summary", "S"]
    args += ["--actor", "Atlantis", "--new-actor", "--topic", "energy", "--source", "alpha-2013"]
    second = subprocess.Popen(
        [*RUSINO, *args, "--quote", "q"], env=env(), stderr=subprocess.PIPE, text=True
    )
    time.sleep(1.5)  # (it has read the database, and waits for the lock)
    holder.execute("COMMIT")
    holder.close()
    _, err = second.communicate(timeout=30)
    assert second.returncode == 0, err
    conn = sqlite3.connect(fixture_db)
    linked = conn.execute("SELECT count(*) FROM event_actors WHERE actor = 'Atlantis'")
    assert linked.fetchone()[0] == 1
    conn.close()


def test_a_build_waits_for_a_write_and_a_writer_waiting_on_a_replaced_file_stops(
    tmp_path: Path, fixture_data_dir: Path
) -> None:
    """`db build --out X` while an import ran into X replaced X: the import said "added", and
    its rows were gone with the old file."""
    out = tmp_path / "built.sqlite"
    build.build_database(fixture_data_dir, out)
    holder = sqlite3.connect(out, isolation_level=None)  # an import, mid-write
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE events SET summary = 'mine' WHERE rowid = 1")
    building = subprocess.Popen(
        [*RUSINO, "db", "build", "--data", str(fixture_data_dir), "--out", str(out)],
        env=env(),
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1)
    holder.execute("COMMIT")  # the build, which waited, now finds the database changed
    holder.close()
    _, err = building.communicate(timeout=30)
    assert building.returncode == 2 and "is not an unchanged build" in err, err
    mine = sqlite3.connect(out).execute("SELECT count(*) FROM events WHERE summary = 'mine'")
    assert mine.fetchone()[0] == 1

    # a writer that opened the file, then waited while a build (--force) replaced it
    from rusino import store

    writer = store.connect_writable(out)
    build.write_atomically(out, lambda tmp: build.write_database(build.Records(), tmp), "x")
    with (
        pytest.raises(RusinoError, match="was replaced by another command") as info,
        store.transaction(writer),
    ):
        pass
    assert info.value.code == ExitCode.ERROR  # no usage error: run it again
    writer.close()


def test_two_inits_of_one_path_never_both_create_it(tmp_path: Path) -> None:
    """Both said "created", the second replacing the first's file."""
    out = tmp_path / "mine.sqlite"
    first = build.write_atomically(
        out, lambda tmp: build.write_database(build.Records(), tmp), "creating", replace=False
    )
    assert first["events"] == 0
    before = digest(out)
    with pytest.raises(RusinoError, match="already exists"):
        build.write_atomically(out, lambda tmp: {}, "creating", replace=False)
    assert digest(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["mine.sqlite"]  # no temporary file left


def test_bundled_database_is_never_written(tmp_path: Path) -> None:
    bundled = db.bundled_path()
    before = hashlib.sha256(bundled.read_bytes()).hexdigest()
    good = events_file(tmp_path / "one.jsonl", 1, "z")
    commands = [
        ["import", str(good)],
        ["add", "event", "--date", "2013", "--summary", "S", "--actor", "Russia"],
        ["add", "source", "--author", "A B", "--title", "T", "--date", "2013"],
    ]
    for args in commands:
        for how in ([], ["--db", str(bundled)]):
            p = rusino(*how, *args)
            assert p.returncode == 2 and p.stdout == "", p.stderr
            lines = p.stderr.splitlines()
            assert len(lines) == 1 and "bundled database is read-only" in lines[0]
            assert "rusino db init" in lines[0]
    assert hashlib.sha256(bundled.read_bytes()).hexdigest() == before


def test_a_dry_run_against_the_bundled_database_validates_on_a_scratch_copy(
    tmp_path: Path,
) -> None:
    """Checking a file against the bundled actors, topics and sources before making a database
    of one's own: a dry run writes nothing, so the bundled database (or a copy) may take it."""
    bundled = db.bundled_path()
    before = hashlib.sha256(bundled.read_bytes()).hexdigest()
    row = {"date": "2013", "summary": "S", "actors": ["Russia"], "topics": ["energy"]}
    row |= {"source": "kim-blank-2013", "quote": "q"}
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(row) + "\n" + json.dumps(row | {"summary": "T"}) + "\n", "utf-8")
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(bundled.read_bytes())
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    for how in ([], ["--db", str(copy)]):
        p = rusino(*how, "import", str(good), "--dry-run", TMPDIR=str(scratch))
        assert p.returncode == 0 and p.stdout == "", p.stderr
        assert p.stderr.startswith("dry run, nothing written: 2 added, 0 unchanged")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(row | {"actors": ["Rusia"]}) + "\n", "utf-8")
    p = rusino("import", str(bad), "--dry-run", TMPDIR=str(scratch))
    assert p.returncode == 2 and "unknown actor 'Rusia'" in p.stderr, p.stderr
    add = ["add", "event", "--date", "2013", "--summary", "S", "--actor", "Russia"]
    add += ["--topic", "energy", "--source", "kim-blank-2013", "--quote", "q", "--dry-run"]
    p = rusino(*add, TMPDIR=str(scratch))
    assert (p.returncode, p.stdout) == (0, "2013-s\n"), p.stderr
    assert hashlib.sha256(bundled.read_bytes()).hexdigest() == before
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == before
    assert list(scratch.iterdir()) == []  # the scratch copies are gone
    p = rusino("import", str(good))  # a real import is still refused
    assert p.returncode == 2 and "bundled database is read-only" in p.stderr


def test_the_bundled_database_reached_another_way_is_never_written(tmp_path: Path) -> None:
    """A copy, a hard link, or the checkout's file seen from an install elsewhere (pip install .)
    is refused too: the bundled database carries a mark that `db init` leaves out."""
    bundled = db.bundled_path()
    before = hashlib.sha256(bundled.read_bytes()).hexdigest()
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(bundled.read_bytes())
    paths = [copy]
    linked = tmp_path / "linked.sqlite"
    with contextlib.suppress(OSError):  # another file system: no hard link to try
        os.link(bundled, linked)
        paths.append(linked)
    add = ["add", "event", "--date", "2013", "--summary", "S", "--actor", "Russia"]
    add += ["--topic", "energy", "--source", "kim-blank-2013", "--quote", "q"]
    for path in paths:
        p = rusino("--db", str(path), *add)
        assert p.returncode == 2 and p.stdout == "", p.stderr
        assert "bundled database is read-only" in p.stderr and "rusino db init" in p.stderr
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == before
    assert hashlib.sha256(bundled.read_bytes()).hexdigest() == before
    mine = tmp_path / "mine.sqlite"
    assert rusino("db", "init", str(mine)).returncode == 0
    p = rusino("--db", str(mine), *add)
    assert p.returncode == 0, p.stderr
    assert rusino("--db", str(mine), "check").returncode == 0


def test_a_database_that_cannot_be_written_is_one_line(fixture_db: Path) -> None:
    """A file or folder this user may not write (or an immutable file): SQLite's 'readonly
    database', said as what it is, never 'internal error'."""
    from rusino import store

    uri = fixture_db.resolve().as_uri() + "?mode=ro"  # as a file without write permission
    conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    try:
        with (
            pytest.raises(RusinoError, match=r"cannot write .*readonly") as info,
            store.transaction(conn),
        ):
            pass
    finally:
        conn.close()
    assert info.value.code == ExitCode.ERROR and "that you may write" in info.value.hint


def test_bad_places_and_waits_are_one_line(tmp_path: Path, fixture_db: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    p = rusino("db", "init", str(blocker / "mine.sqlite"))  # its folder cannot be made
    assert (p.returncode, p.stderr.count("\n")) == (2, 1) and "a-file" in p.stderr, p.stderr
    for wait in ("nan", "inf", "-1"):
        p = rusino("--db", str(fixture_db), "add", "source", "--wait", wait)
        assert (p.returncode, p.stderr.count("\n")) == (2, 1) and "'--wait'" in p.stderr
    odd = tmp_path / "odd.sqlite"  # rusino's table names, another layout
    with sqlite3.connect(odd) as conn:
        for table in ("events (id, digest)", "facts (id)", "actors (name)", "sources (id)"):
            conn.execute(f"CREATE TABLE {table}")
        conn.execute("CREATE TABLE metadata (key, value)")
        conn.execute("INSERT INTO metadata VALUES ('schema_version', '2')")
    conn.close()
    p = rusino("--db", str(odd), "timeline")
    assert (p.returncode, p.stderr.count("\n")) == (1, 1), p.stderr
    assert "does not have the layout" in p.stderr and "internal error" not in p.stderr
    # a search in a database without its full-text index: the database's fault, not the
    # search's (it was exit 2, "bad search expression 'gas'")
    with sqlite3.connect(fixture_db) as conn:
        conn.execute("DROP TABLE events_fts")
    conn.close()
    p = rusino("--db", str(fixture_db), "search", "gas")
    assert (p.returncode, p.stderr.count("\n")) == (1, 1), p.stderr
    assert "no such table: events_fts" in p.stderr and "bad search" not in p.stderr


def test_db_init_tells_how_to_use_it(tmp_path: Path) -> None:
    target = tmp_path / "mine.sqlite"
    p = rusino("db", "init", str(target))
    assert p.returncode == 0 and p.stdout == ""
    assert f"--db {target}" in p.stderr and f"RUSINO_DB={target}" in p.stderr
    p = rusino("db", "init", str(target))
    assert p.returncode == 2 and "already exists" in p.stderr
    p = rusino("db", "init", "--empty", str(tmp_path / "e.sqlite"))
    assert p.returncode == 0 and "(empty)" in p.stderr
    home = tmp_path / "home"
    p = rusino("db", "init", HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"))
    assert p.returncode == 0, p.stderr
    assert list(home.rglob("events.sqlite"))
    # an empty XDG_CONFIG_HOME is unset (not the current folder)
    p = rusino("db", "init", HOME=str(tmp_path / "h2"), XDG_CONFIG_HOME="")
    assert p.returncode == 0 and (tmp_path / "h2/.config/rusino/events.sqlite").exists()
    # a path with a space, quoted for the shell; RUSINO_DB absolute, for any folder
    spaced = tmp_path / "my data" / "my db.sqlite"
    p = rusino("db", "init", str(spaced))
    assert p.returncode == 0, p.stderr
    assert f"--db '{spaced}'" in p.stderr and f"RUSINO_DB='{spaced.resolve()}'" in p.stderr


def test_db_init_refuses_a_folder_and_a_link_to_nothing(tmp_path: Path) -> None:
    """`db init newdir/` made a file named newdir, and a link to a missing file was replaced
    by a file of its own."""
    p = rusino("db", "init", f"{tmp_path}/new/")
    assert (
        p.returncode == 2
        and f"names a folder (give the database's file name: {tmp_path}/new/events.sqlite)"
        in p.stderr
    )
    assert not (tmp_path / "new").exists()
    p = rusino("db", "init", str(tmp_path))
    assert p.returncode == 2 and "is a folder" in p.stderr
    link = tmp_path / "link.sqlite"
    link.symlink_to(tmp_path / "nowhere.sqlite")
    p = rusino("db", "init", str(link))
    assert p.returncode == 2 and "which leads to no file (remove the link" in p.stderr
    for folder in (f"{tmp_path}/new/.", f"{tmp_path}/new/.."):  # Path() drops the /.
        p = rusino("db", "init", folder)
        assert p.returncode == 2 and "names a folder" in p.stderr
    assert not (tmp_path / "new").exists()
    p = rusino("db", "init", "")
    assert p.returncode == 2 and "PATH is empty" in p.stderr
    # a path through a loop of links: Path.resolve's RuntimeError was an internal error
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    p = rusino("--db", str(tmp_path / "loop1" / "x.sqlite"), "db", "upgrade")
    assert p.returncode == 2 and "Symlink loop from" in p.stderr and "leads back" in p.stderr
    assert link.is_symlink() and not (tmp_path / "nowhere.sqlite").exists()


def test_a_full_disk_is_one_line_and_nothing_written(fixture_db: Path, tmp_path: Path) -> None:
    """SQLITE_FULL (here from max_page_count, as a full disk gives it) was an internal error."""
    from rusino import export, store

    before = digest(fixture_db)
    rows = events_file(tmp_path / "many.jsonl", 2000, "full")
    conn = store.connect_writable(fixture_db)
    try:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        with rows.open("rb") as handle, pytest.raises(RusinoError) as info:
            store.import_rows(conn, export.read_jsonl(handle, "many.jsonl"), store.Options())
    finally:
        conn.close()
    assert "the disk is full" in info.value.message and info.value.code == ExitCode.ERROR
    assert digest(fixture_db) == before


def test_db_init_takes_the_selected_database_and_the_refusal_names_yours(tmp_path: Path) -> None:
    """`rusino --db PATH db init` and RUSINO_DB=PATH create PATH (they were ignored for the
    default folder); a write to the bundled database then names the user's own database."""
    home = str(tmp_path / "config")
    assert rusino("--db", str(tmp_path / "a.sqlite"), "db", "init").returncode == 0
    assert rusino("db", "init", RUSINO_DB=str(tmp_path / "b.sqlite")).returncode == 0
    assert (tmp_path / "a.sqlite").is_file() and (tmp_path / "b.sqlite").is_file()
    assert not (tmp_path / "config").exists()
    add = ["add", "event", "--date", "2013", "--summary", "S", "--actor", "Russia"]
    add += ["--topic", "energy", "--source", "kim-blank-2013", "--quote", "q"]
    assert "create your own with `rusino db init`" in rusino(*add, XDG_CONFIG_HOME=home).stderr
    assert rusino("db", "init", XDG_CONFIG_HOME=home).returncode == 0
    p = rusino(*add, XDG_CONFIG_HOME=home)
    mine = tmp_path / "config" / "rusino" / "events.sqlite"
    assert p.returncode == 2 and f"yours, made by `rusino db init`, is {mine}" in p.stderr
    p = rusino("db", "upgrade", XDG_CONFIG_HOME=home)  # it had said "create your own"
    assert p.returncode == 2 and f"yours, made by `rusino db init`, is {mine}" in p.stderr


def test_db_init_takes_an_empty_file_and_refuses_another_with_the_right_hint(
    tmp_path: Path,
) -> None:
    """`f=$(mktemp); rusino db init "$f"` said "already exists ... use it as it is with --db",
    and --db then said it was no rusino database: each message sent the user to the other."""
    vacant = tmp_path / "made-by-mktemp.sqlite"
    vacant.touch()
    p = rusino("db", "init", str(vacant))
    assert p.returncode == 0, p.stderr
    assert sqlite3.connect(vacant).execute("SELECT count(*) FROM events").fetchone()[0] > 0
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n")
    p = rusino("db", "init", str(text))
    assert p.returncode == 2
    assert p.stderr == (
        f"rusino: {text} already exists (it is no rusino database, or a damaged one: pass "
        "another PATH, or remove it first)\n"
    )
    assert text.read_text() == "not a database\n"
    # a copy of the bundled database: never written, so not to be used as it is
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(db.bundled_path().read_bytes())
    p = rusino("db", "init", str(copy))
    assert (
        p.returncode == 2 and "a copy of the bundled database, which is never written" in p.stderr
    )
    # mktemp's file is private: it stays so (the database had been made world-readable)
    private = tmp_path / "private.sqlite"
    private.touch(mode=0o600)
    assert rusino("db", "init", str(private)).returncode == 0
    assert private.stat().st_mode & 0o777 == 0o600
    # a FIFO is never opened (db init had waited on it for ever)
    fifo = tmp_path / "fifo.sqlite"
    os.mkfifo(fifo)
    p = rusino("db", "init", str(fifo))
    assert (p.returncode, p.stderr) == (
        2,
        f"rusino: {fifo} is not a regular file (pass another PATH)\n",
    )
