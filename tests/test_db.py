"""db.py: finding and opening a database, with one clear error for each wrong kind of file."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from rusino import db
from rusino.errors import ExitCode, RusinoError


def connect_error(path: Path) -> RusinoError:
    with pytest.raises(RusinoError) as caught:
        db.connect(path)
    assert caught.value.code == ExitCode.USAGE
    assert caught.value.hint
    assert "\n" not in caught.value.message
    return caught.value


def test_missing_path(tmp_path: Path) -> None:
    error = connect_error(tmp_path / "nothing.sqlite")
    assert error.message == f"no database at {tmp_path / 'nothing.sqlite'}"
    assert "rusino db init PATH" in error.hint  # a user makes their own; db build is the data's


def test_directory(tmp_path: Path) -> None:
    assert connect_error(tmp_path).message == f"{tmp_path} is a directory, not a database"


def test_not_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Russia and China conducted their first naval exercise.\n" * 20)
    assert "is not an SQLite database" in connect_error(path).message


@pytest.mark.parametrize("make", ["empty", "other-tables"])
def test_sqlite_without_rusino_tables(tmp_path: Path, make: str) -> None:
    path = tmp_path / "other.sqlite"
    if make == "empty":
        path.write_bytes(b"")
    else:
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE events (id TEXT)")
        conn.close()
    message = connect_error(path).message
    assert "is not a rusino database" in message
    assert "facts" in message


def test_rows_and_read_only(fixture_db: Path) -> None:
    conn = db.connect(fixture_db)
    try:
        row = conn.execute("SELECT id, precision FROM events ORDER BY id LIMIT 1").fetchone()
        assert row["id"] == "2008-2013-russia-vietnam-fighter-sales"
        assert row["precision"] == "year"
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("DELETE FROM events")
    finally:
        conn.close()


def test_writable_when_asked(fixture_db: Path) -> None:
    conn = db.connect(fixture_db, readonly=False)
    try:
        conn.execute("DELETE FROM event_notes")
        conn.commit()
    finally:
        conn.close()
    with sqlite3.connect(fixture_db) as check:
        assert check.execute("SELECT count(*) FROM event_notes").fetchone()[0] == 0
    check.close()


def test_path_needing_uri_quoting(fixture_db: Path, tmp_path: Path) -> None:
    odd = tmp_path / "a dir #1" / "events?v=2%.sqlite"
    odd.parent.mkdir()
    shutil.copyfile(fixture_db, odd)
    conn = db.connect(odd)
    try:
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 6
    finally:
        conn.close()


def test_bundled_database_is_always_read_only(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "_REPO_DB", fixture_db)
    conn = db.connect(fixture_db, readonly=False)
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("DELETE FROM events")
    finally:
        conn.close()


def test_resolve_path_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RUSINO_DB", str(tmp_path / "env.sqlite"))
    assert db.resolve_path(str(tmp_path / "opt.sqlite")) == tmp_path / "opt.sqlite"
    assert db.resolve_path(None) == tmp_path / "env.sqlite"
    monkeypatch.setenv("RUSINO_DB", "")
    assert db.resolve_path(None) == db.bundled_path()
    monkeypatch.delenv("RUSINO_DB")
    assert db.resolve_path(None) == db.bundled_path()
    # an empty RUSINO_DB is unset, as shells have it; an empty --db is a mistake
    with pytest.raises(RusinoError, match="--db is empty"):
        db.resolve_path("")


def test_bundled_path_in_a_checkout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    package_db = tmp_path / "pkg" / "data" / "events.sqlite"
    repo_db = tmp_path / "repo" / "data" / "events.sqlite"
    monkeypatch.setattr(db, "_PACKAGE_DB", package_db)
    monkeypatch.setattr(db, "_REPO_DB", repo_db)
    monkeypatch.setattr(db, "_REPO_ROOT", tmp_path / "repo")
    repo_db.parent.mkdir(parents=True)
    assert db.bundled_path() == repo_db  # neither exists: the one a checkout can build
    package_db.parent.mkdir(parents=True)
    package_db.write_bytes(b"")
    assert db.bundled_path() == package_db  # the wheel's copy wins
    package_db.unlink()
    repo_db.write_bytes(b"")
    assert db.bundled_path() == repo_db


def test_repo_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(db, "_REPO_ROOT", tmp_path)
    assert db.repo_data_dir() is None
    (tmp_path / "data").mkdir()
    assert db.repo_data_dir() is None
    (tmp_path / "data" / "sources.toml").write_text("")
    assert db.repo_data_dir() == tmp_path / "data"


def test_real_checkout_layout() -> None:
    assert db.bundled_path().name == "events.sqlite"
    assert db.bundled_path().parent.name == "data"
    data = db.repo_data_dir()
    assert data is None or (data / "sources.toml").is_file()


def test_schema_version_matches_build(fixture_db: Path) -> None:
    conn = db.connect(fixture_db)
    try:
        row = conn.execute("SELECT value FROM metadata WHERE key = 'schema_version'").fetchone()
        assert row["value"] == str(db.SCHEMA_VERSION)
    finally:
        conn.close()


def test_a_damaged_database_is_said_to_be(tmp_path: Path) -> None:
    """A truncated database had been "not an SQLite database" (make one with db init), exit 2:
    it is an SQLite file, damaged, and no new one is the fix."""
    path = tmp_path / "mine.sqlite"
    shutil.copyfile(db.bundled_path(), path)
    with path.open("r+b") as fh:
        fh.truncate(path.stat().st_size // 3)
    with pytest.raises(RusinoError) as caught:
        db.connect(path)
    error = caught.value
    assert error.message.startswith(f"{path} is damaged")
    assert error.hint.endswith(f"sqlite3 {path} .recover") and error.code == ExitCode.ERROR


def test_a_missing_schema_version_names_db_upgrade(tmp_path: Path) -> None:
    """It had said `rusino db init` makes one; db upgrade writes the metadata again."""
    path = tmp_path / "mine.sqlite"
    shutil.copyfile(db.bundled_path(), path)
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM metadata WHERE key = 'schema_version'")
    conn.close()
    error = connect_error(path)
    assert "schema_version rusino does not know (none)" in error.message
    assert error.hint == f"write it again with `rusino --db {path} db upgrade`"
    db.connect(path, old=True).close()  # (db upgrade's own connection takes it)
