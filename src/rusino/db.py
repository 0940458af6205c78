"""Finding and opening a rusino database.

Standard library only: this module is imported by every command, so it must cost nothing at
start-up (sqlite-utils and edtf are for building, see build.py).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from rusino.errors import ExitCode, RusinoError

SCHEMA_VERSION = 2  # 2: events carry actor_list, topic_list, note_list and digest

# The tables every rusino database has; a file without them is some other SQLite database.
REQUIRED_TABLES = ("events", "facts", "actors", "sources", "metadata")

_PACKAGE_DB = Path(__file__).parent / "data" / "events.sqlite"  # inside an installed wheel
_REPO_ROOT = Path(__file__).resolve().parents[2]  # a source checkout / editable install
_REPO_DB = _REPO_ROOT / "data" / "events.sqlite"

_BUILD_HINT = "make one with `rusino db init PATH`, or point --db / RUSINO_DB at a rusino database"


def is_sqlite(path: Path) -> bool:
    """Whether path is a regular file that starts as an SQLite database does (a FIFO is
    never opened: it would wait for a writer)."""
    if not path.is_file():
        return False
    try:
        with path.open("rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def repo_data_dir() -> Path | None:
    """`<repo>/data` when running from a source checkout (it holds sources.toml), else None."""
    data = _REPO_ROOT / "data"
    return data if (data / "sources.toml").is_file() else None


def checkout_data_dir(folder: Path) -> Path | None:
    """A rusino checkout's data folder, given the checkout or that folder (for `db build` run in
    a checkout by an install that is not an editable one of it), else None."""
    for data in (folder / "data", folder):
        if (data / "sources.toml").is_file() and (data.parent / "src" / "rusino").is_dir():
            return data
    return None


def bundled_path() -> Path:
    """The database shipped with rusino: inside the wheel, else the checkout's data/ folder."""
    for candidate in (_PACKAGE_DB, _REPO_DB):
        if candidate.is_file():
            return candidate
    # Neither exists: name the one the user can create, so the error message is actionable.
    return _REPO_DB if (_REPO_ROOT / "data").is_dir() else _PACKAGE_DB


def user_path(text: str) -> Path:
    """A path as typed, ~ for the home folder; ~name of no user (~May 2012, a date as the
    tables write it) is kept as written (it had been an internal error)."""
    try:
        return Path(text).expanduser()
    except RuntimeError:
        return Path(text)


def resolve_path(option: str | None) -> Path:
    """The database to use: the --db option, else env RUSINO_DB, else the bundled one."""
    if option is not None:
        if not option.strip():
            raise RusinoError(
                "--db is empty", "give a database path, or leave --db out for $RUSINO_DB"
            )
        return user_path(option)
    env = os.environ.get("RUSINO_DB", "")
    if env:
        return user_path(env)
    return bundled_path()


BUSY_TIMEOUT = 5.0  # seconds a command waits for another rusino's write to end


def is_busy(exc: BaseException) -> bool:
    return getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def busy_error(path: Path | str) -> RusinoError:
    return RusinoError(
        f"database is busy: another process is reading or writing {path}",
        "try again when it has finished; a listing paused in a pipe (| less) holds it too",
        ExitCode.ERROR,
    )


def _roll_back(path: Path, timeout: float) -> None:
    """Roll back what a writer killed half-way (kill -9, a power cut) left in the database's
    journal, which a read-only connection cannot do: without this every read of the database
    fails until the next write. Reading it read-write once is SQLite's own recovery. A journal
    that belongs to a writer still at work is not "hot", and is left alone; a file this process
    may not write is left to the read-only connection and its error."""
    try:
        conn = sqlite3.connect(path, timeout=timeout)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        pass


# The metadata key `db build` writes into the bundled database (and `db init` leaves out of a
# user's copy): writers refuse a file that has it, however they reached it.
BUNDLE_MARK = "bundled"


def metadata(conn: sqlite3.Connection) -> dict[str, str]:
    """The metadata table as it is stored (rusino.store writes it, rusino.check compares it)."""
    return {str(k): str(v) for k, v in conn.execute("SELECT key, value FROM metadata")}


def has_bundle_mark(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT 1 FROM metadata WHERE key = ?", (BUNDLE_MARK,)).fetchone()
    return row is not None


def is_installed_bundle(path: Path) -> bool:
    """Whether path is the bundled database inside the installed package (not a checkout's)."""
    try:
        return path.resolve() == _PACKAGE_DB.resolve()
    except OSError:
        return False


def is_bundled(path: Path) -> bool:
    try:
        return path.resolve() in {_PACKAGE_DB.resolve(), _REPO_DB.resolve()}
    except OSError:
        return False


def connect(
    path: Path, *, readonly: bool = True, old: bool = False, timeout: float = BUSY_TIMEOUT
) -> sqlite3.Connection:
    """Open a rusino database, with rows as sqlite3.Row.

    Raises RusinoError (one line and a hint, never a traceback) when the path is missing, is a
    folder, is not an SQLite file, lacks rusino's tables or (unless `old`, for `db upgrade`)
    was made by a rusino of an older schema, and when another rusino's write keeps it locked
    for longer than `timeout` seconds. The bundled database is always opened read-only,
    whatever `readonly` says.
    """
    if not path.exists():
        raise RusinoError(f"no database at {path}", _BUILD_HINT, ExitCode.USAGE)
    if path.is_dir():
        raise RusinoError(f"{path} is a directory, not a database", _BUILD_HINT, ExitCode.USAGE)
    if not path.is_file():  # a FIFO or a device: SQLite would wait on it for ever
        raise RusinoError(f"{path} is not a file, so not a database", _BUILD_HINT, ExitCode.USAGE)
    bundled = is_bundled(path)
    readonly = readonly or bundled
    if readonly and not bundled and Path(f"{path}-journal").exists():
        _roll_back(path, timeout)
    try:
        if readonly:
            uri = path.resolve().as_uri() + "?mode=ro"
            conn = sqlite3.connect(uri, uri=True, timeout=timeout)
        else:
            conn = sqlite3.connect(path, timeout=timeout)
    except sqlite3.Error as exc:
        raise RusinoError(f"cannot open {path}: {exc}", _BUILD_HINT, ExitCode.USAGE) from None
    conn.row_factory = sqlite3.Row
    try:
        names = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    except sqlite3.DatabaseError as exc:
        conn.close()
        if is_busy(exc):
            raise busy_error(path) from None
        if "malformed" in str(exc):  # an SQLite file, damaged: no new one is the fix
            raise RusinoError(
                f"{path} is damaged ({exc})",
                f"restore it from a copy, or recover what is left: sqlite3 {path} .recover",
                ExitCode.ERROR,
            ) from None
        raise RusinoError(
            f"{path} is not an SQLite database ({exc})", _BUILD_HINT, ExitCode.USAGE
        ) from None
    missing = [table for table in REQUIRED_TABLES if table not in names]
    if missing:
        conn.close()
        raise RusinoError(
            f"{path} is not a rusino database (no table {', '.join(missing)})",
            _BUILD_HINT,
            ExitCode.USAGE,
        )
    version = metadata(conn).get("schema_version", "")
    known = version.isascii() and version.isdigit()
    if not known and (version or not old):  # db upgrade may find none, in an older database
        conn.close()
        shown = repr(version) if version else "none"
        raise RusinoError(
            f"{path} has a schema_version rusino does not know ({shown})",
            f"write it again with `rusino --db {path} db upgrade`"
            if not version  # (its tables are there: db upgrade writes the metadata)
            else "a rusino database says its schema as a whole number; `rusino db init` makes one",
            ExitCode.USAGE,
        )
    if version and int(version) > SCHEMA_VERSION:
        conn.close()
        raise RusinoError(
            f"{path} was made by a newer rusino "
            f"(schema {version}; this one knows {SCHEMA_VERSION})",
            "upgrade rusino (pip install -U) to read or write it",
            ExitCode.USAGE,
        )
    has_digest = any(row[1] == "digest" for row in conn.execute("PRAGMA table_info(events)"))
    if not old and (not has_digest or int(version) < SCHEMA_VERSION):
        conn.close()
        raise RusinoError(
            f"{path} was made by an older rusino (before schema {SCHEMA_VERSION})",
            f"upgrade it in place with `rusino --db {path} db upgrade`",
            ExitCode.USAGE,
        )
    return conn
