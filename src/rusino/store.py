"""Writing a user's own database: `db init`, `add` and `import`, validated and transactional.

Pure core: no typer, no rich. Records are validated by the same rules as `rusino db build`
(rusino.build's field specs, EDTF bounds, qualifiers, value ranges) and resolved against the
database's own vocabularies (actors, topics, sources, notes). Every write is one `BEGIN IMMEDIATE`
transaction that also brings the metadata (counts, content_hash) up to date, so a write killed
half-way leaves the database as it was and `rusino check` passes on whatever was committed. The
FTS indexes follow through the triggers the build created.

Imports stream: rows are validated and written in batches inside the one transaction, so memory
does not grow with the file; if any row is invalid the transaction is rolled back and nothing is
written. SQLite's share of the work (link rows, full-text index) runs on a second thread while
the next batch is validated (see _Background). The bundled database is never opened for writing.
"""

from __future__ import annotations

import calendar
import contextlib
import difflib
import gc
import hashlib
import json
import operator
import os
import queue
import re
import sqlite3
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, cast

from rusino import build, db, figures, query, render, vocabulary
from rusino.errors import ExitCode, RusinoError, cut

BUSY_TIMEOUT_MS = 5000  # how long a second writer waits for the first before "database is busy"
MAX_FIELD = build.MAX_FIELD
NEAR_CHECKED, NEAR_SHOWN = 200, 5  # new names compared with the known, and noted if close
BATCH = 2000  # rows validated, then written with executemany, at a time
AHEAD = 3  # batches validated ahead (as one) while the writer thread is busy
BULK = 10_000  # an import adding more rows than this (and than the db held) rebuilds the
# events' and facts' own indexes
FTS_EVERY = 50_000  # rows of events indexed for full-text search at a time, while importing
FTS_HASH = 32 << 20  # bytes of full-text terms held in memory before FTS5 writes a segment

# Fields an export carries that are derived from others (see rusino.query's JSON schema); on
# import they may be left out, and when given they must agree with what `date` implies.
DERIVED = ("start", "end", "precision", "in_window")
# Fields `show` adds to a record: ignored, so that what `show ID --format json` prints can be
# edited and imported back with --replace.
SHOWN = render.SHOWN

_READONLY_HINT = "create your own with `rusino db init`, then select it with --db PATH or RUSINO_DB"


class BundledReadOnly(RusinoError):
    """A write to the bundled database, refused (the CLI may know of the user's own)."""


EVENT_COLUMNS = query.EVENT_BASE  # the events table's own columns, in table order
FACT_COLUMNS = (
    "id",
    "subject",
    "value",
    "value_max",
    "unit",
    "qualifier",
    "as_written",
    "date",
    "date_start",
    "date_end",
    "date_text",
    "precision",
    "inferred",
    "in_window",
    "kind",
    "source",
    "event",
    "quote",
    "comment",
)
_COLUMNS = {"event": EVENT_COLUMNS, "fact": FACT_COLUMNS}
_ROW = {kind: operator.itemgetter(*columns) for kind, columns in _COLUMNS.items()}
_FAST_EVENT_KEYS = frozenset(build.SPECS["event"]) | {"type"}
_NO_NOTES: list[int] = []  # the fast path's default: no notes given (not [] or null given)


# --------------------------------------------------------------------------------------------
# Opening for writing


is_bundled = db.is_bundled


def connect_writable(
    path: Path, *, timeout_ms: int = BUSY_TIMEOUT_MS, old: bool = False
) -> sqlite3.Connection:
    """Open a user database for writing; the bundled one is refused with a way out. ``old``
    accepts a database of an older schema (for upgrade_database)."""
    if is_bundled(path):
        raise BundledReadOnly(f"the bundled database is read-only ({path})", _READONLY_HINT)
    if _marked_bundled(path, old=old, timeout_ms=timeout_ms):
        raise BundledReadOnly(
            f"the bundled database is read-only ({path} is it, or a copy of it)", _READONLY_HINT
        )
    # Opened again so that an import's writer thread may use it too (one thread at a time: see
    # _Background); db.connect's checks above hold for the same file.
    try:
        conn = sqlite3.connect(path, check_same_thread=False, factory=_Writable)
    except sqlite3.Error as exc:
        raise RusinoError(f"cannot open {path}: {exc}") from None
    conn.identity = _identity(path)
    conn.row_factory = sqlite3.Row
    conn.isolation_level = None  # transactions are explicit: BEGIN IMMEDIATE ... COMMIT
    conn.execute(f"PRAGMA busy_timeout = {int(timeout_ms)}")
    conn.execute("PRAGMA cache_size = -32768")  # 32 MiB of page cache, whatever the file size
    triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    missing = {"events_ai", "events_ad", "events_au", "facts_ai", "facts_ad", "facts_au"}
    if missing - triggers:
        conn.close()
        raise RusinoError(
            f"{path} has no full-text triggers, so a write would leave its index stale",
            "create the database with `rusino db init` or `rusino db build`",
        )
    return conn


class _Writable(sqlite3.Connection):
    """A connection that knows which file it opened (see transaction)."""

    identity: tuple[int, int] | None = None


def _identity(path: Path | str) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _marked_bundled(path: Path, *, old: bool = False, timeout_ms: int = BUSY_TIMEOUT_MS) -> bool:
    """Whether path is a rusino database of this schema (else RusinoError) that is the bundled
    one reached another way (a copy, the checkout's file seen from another install, a hard
    link): its build marks it so."""
    check = db.connect(path, readonly=False, old=old, timeout=timeout_ms / 1000)
    try:
        return db.has_bundle_mark(check)
    finally:
        check.close()


@contextlib.contextmanager
def scratch_copy(path: Path) -> Iterator[Path]:
    """An unmarked copy of the database at path, deleted after: where a dry run against the
    bundled database (which is never written) works; a dry run rolls back either way."""
    with tempfile.TemporaryDirectory(prefix="rusino-dry-run-") as folder:
        copy = Path(folder) / "dry-run.sqlite"
        unmarked_copy(path, copy)
        yield copy


def unmarked_copy(source_path: Path, target: Path) -> None:
    """A copy of a rusino database at target, without the bundled database's mark, nor the
    build's record of what it wrote: it is the user's own (db build does not replace it)."""
    source = db.connect(source_path, readonly=True)
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
        with dest:
            dest.execute("DELETE FROM metadata WHERE key IN (?, ?)", (db.BUNDLE_MARK, build.BUILT))
    finally:
        dest.close()
        source.close()


class Ledger:
    """What a write adds to and takes from the content_hash (rusino.build.content_hash is a sum
    of per-record digests), so the commit need not read the whole database again."""

    def __init__(self) -> None:
        self.delta = 0
        # Set by a writer that reports every row it changes; otherwise the commit computes the
        # hash from all the rows, so any other use of transaction() stays correct.
        self.exact = False
        # The metadata as the commit is to write it, when the writer has computed it already
        # (db upgrade, which reads every row to know whether anything changed).
        self.metadata: dict[str, str] | None = None

    def add(self, conn: sqlite3.Connection, table: str, where: str, params: Any = ()) -> None:
        """Count the rows of table matching where (on alias t), as they now are."""
        self.delta += build.digest_sum(conn, table, where, params)

    def remove(self, conn: sqlite3.Connection, table: str, where: str, params: Any = ()) -> None:
        self.delta -= build.digest_sum(conn, table, where, params)


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[Ledger]:
    """BEGIN IMMEDIATE ... COMMIT, with the metadata brought up to date before the commit.

    The writer reports what it writes to the Ledger it is given. A second writer waits up to
    the busy timeout, then gets "database is busy". On any error the transaction is rolled back.
    """
    path = conn.execute("PRAGMA database_list").fetchone()[2]
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise _write_error(exc, path) from None
    opened = getattr(conn, "identity", None)
    if opened is not None and _identity(path) != opened:
        # `db build --force` renamed a new file into place while this command waited for the
        # old one's lock: what it wrote there would be lost with the old file
        conn.execute("ROLLBACK")
        raise RusinoError(
            f"{path} was replaced by another command while this one waited to write to it",
            "run it again: it will write to the new file",
            ExitCode.ERROR,
        )
    ledger = Ledger()
    try:
        yield ledger
        update_metadata(conn, ledger)
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.OperationalError):
            raise _write_error(exc, path) from None
        raise


def _write_error(exc: sqlite3.OperationalError, path: str) -> BaseException:
    """What a failed write says: busy, read-only (a file or folder this user may not write, an
    immutable file), or SQLite's own error."""
    if db.is_busy(exc):
        return db.busy_error(path)
    code = getattr(exc, "sqlite_errorcode", None)  # extended: its low byte is the primary code
    if code is not None and code & 0xFF == sqlite3.SQLITE_FULL:
        return RusinoError(
            f"cannot write {path}: the disk is full",
            "free some space and run it again (nothing was written)",
            ExitCode.ERROR,
        )
    if code is not None and code & 0xFF in (
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_PERM,
    ):
        return RusinoError(
            f"cannot write {path}: {exc}",
            "check that you may write the file and its folder (SQLite writes a journal beside it)",
            ExitCode.ERROR,
        )
    return exc


def update_metadata(conn: sqlite3.Connection, ledger: Ledger | None = None) -> None:
    """Counts and content_hash as `rusino db build` writes them (rusino check compares them).

    content_hash is the stored one plus the ledger's delta when the stored one is of the
    current kind (hash_version); otherwise (a database from before, or no ledger) it is
    computed from all the rows once.
    """
    values = ledger.metadata if ledger is not None and ledger.metadata else _metadata(conn, ledger)
    conn.executemany(
        "INSERT OR REPLACE INTO metadata (key, value) VALUES (?, ?)", sorted(values.items())
    )


def _metadata(conn: sqlite3.Connection, ledger: Ledger | None = None) -> dict[str, str]:
    values = {key: str(n) for key, n in build.counts(conn).items()}
    values["schema_version"] = str(db.SCHEMA_VERSION)
    stored = db.metadata(conn)
    if ledger is not None and ledger.exact and stored.get("hash_version") == build.HASH_VERSION:
        values["content_hash"] = build.hash_text(int(stored["content_hash"], 16) + ledger.delta)
    else:
        values["content_hash"] = build.content_hash(conn)
    values["hash_version"] = build.HASH_VERSION
    return values


def content_hash(conn: sqlite3.Connection) -> str:
    """build.content_hash (kept for callers of the store)."""
    return build.content_hash(conn)


# --------------------------------------------------------------------------------------------
# db init


def init_database(target: Path, *, empty: bool = False) -> dict[str, int]:
    """A new user database at target: a copy of the bundled one, or (empty) the schema only.

    Written beside target and renamed into place; an existing file is never overwritten.
    """
    if target.is_dir():
        raise RusinoError(
            f"{target} is a folder", f"give the database's file name: {target / 'events.sqlite'}"
        )
    if target.is_symlink() and not target.exists():  # not replaced by a file of its own
        raise RusinoError(
            f"{target} is a link to {os.readlink(target)}, which leads to no file",
            "remove the link, or pass another PATH",
        )
    if target.exists() and not target.is_file():  # a FIFO, a device: never opened
        raise RusinoError(f"{target} is not a regular file", "pass another PATH")
    # an empty file (mktemp's, touch's) holds nothing to lose: it is made the database, with
    # its own mode (mktemp's is private), where the user may write it
    vacant = target.is_file() and not target.is_symlink() and target.stat().st_size == 0
    if vacant and not os.access(target, os.W_OK):
        raise RusinoError(f"{target} is not yours to write", "pass another PATH")
    if target.exists() and not vacant:
        raise RusinoError(f"{target} already exists", _existing_hint(target))
    mode = target.stat().st_mode & 0o7777 if vacant else None
    if is_bundled(target):
        raise RusinoError(f"the bundled database is read-only ({target})", "pass another PATH")
    file = next((p for p in (target.parent, *target.parent.parents) if p.is_file()), None)
    if file is not None:  # it had been "cannot create afile: File exists"
        raise RusinoError(f"{file} is a file, not a folder", "pass another PATH")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RusinoError(
            f"cannot create {target.parent}: {exc.strerror}", "pass another PATH"
        ) from None

    def write(tmp: Path) -> dict[str, int]:
        if empty:
            build.write_database(build.Records(), tmp)
            with sqlite3.connect(tmp) as conn:  # the user's own, as a copy is: not a build's
                conn.execute("DELETE FROM metadata WHERE key = ?", (build.BUILT,))
        else:
            unmarked_copy(db.bundled_path(), tmp)  # the user's own: not marked bundled
        conn = sqlite3.connect(tmp)
        try:
            return build.counts(conn)
        finally:
            conn.close()

    counts = build.write_atomically(target, write, "creating", replace=vacant)
    if mode is not None:
        os.chmod(target, mode)
    return counts


def _existing_hint(target: Path) -> str:
    """How to go on when db init's target exists: use it, if it is a rusino database."""
    if target.is_symlink() and target.is_file() and target.stat().st_size == 0:
        return f"it is a link to an empty file: give the file's own path ({target.resolve()})"
    try:
        conn = db.connect(target, readonly=True, old=True)
    except RusinoError:
        return "it is no rusino database, or a damaged one: pass another PATH, or remove it first"
    try:
        if db.has_bundle_mark(conn):  # a cp of data/events.sqlite: every write refuses it
            return "it is a copy of the bundled database, which is never written: pass another PATH"
    finally:
        conn.close()
    return "pass another PATH, or use it as it is with --db PATH"


class Upgrade(NamedTuple):
    """What db upgrade rewrote: nothing when every count is 0 and every list empty."""

    events: int = 0  # events whose derived columns (lists, digest) were rewritten
    added: tuple[str, ...] = ()  # columns an older rusino's events lacked
    rebuilt: tuple[str, ...] = ()  # tables made again (link tables, full-text indexes)
    dates: int = 0  # rows whose date bounds, precision or in_window were rewritten
    metadata: bool = False  # counts and content_hash rewritten

    def line(self) -> str:
        """ "added ...; rebuilt ...; 2 events rewritten; 1 date bounded again; metadata
        rewritten", or "" for nothing."""
        parts = [f"added {', '.join(self.added)}"] if self.added else []
        parts += [f"rebuilt {', '.join(self.rebuilt)}"] if self.rebuilt else []
        parts += [f"{self.events} event{'s' * (self.events != 1)} rewritten"] if self.events else []
        parts += [f"{self.dates} date{'s' * (self.dates != 1)} bounded again"] if self.dates else []
        parts += ["metadata rewritten"] if self.metadata else []
        return "; ".join(parts)


def upgrade_database(path: Path, *, timeout_ms: int = BUSY_TIMEOUT_MS) -> Upgrade:
    """Bring a user database to the current schema, in one transaction: add the events' derived
    columns when they are missing (a database from an older rusino), make its link tables
    WITHOUT ROWID when an older rusino made them as rowid tables, bound every date again,
    rewrite the derived columns from the rows, and the metadata with them. With nothing to
    change, nothing is written (an empty Upgrade)."""
    conn = connect_writable(path, timeout_ms=timeout_ms, old=True)
    try:
        # the layout may change, so the hash is computed anew from the rows, once
        with transaction(conn) as ledger:
            have = set(build.columns_of(conn, "events"))
            added = [c for c in build.DERIVED["events"] if c not in have]
            for column in added:
                conn.execute(f"ALTER TABLE events ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
            rebuilt = _without_rowid(conn) + _retokenized(conn)
            bounded = _rebound(conn)
            written = build.refresh_derived(conn)
            stored = db.metadata(conn)
            ledger.metadata = _metadata(conn)  # what the commit writes
            stale = any(stored.get(k) != v for k, v in ledger.metadata.items())
            done = Upgrade(written, tuple(added), tuple(rebuilt), bounded, stale)
            if not done.line():
                raise _Unchanged  # rolled back: the file stays byte for byte as it was
            return done
    except _Unchanged:
        return Upgrade()
    finally:
        conn.close()


class _Unchanged(Exception):
    """Nothing to write: the transaction is rolled back."""


def _rebound(conn: sqlite3.Connection) -> int:
    """Bound every date again from its EDTF (its start, end, precision and in_window, which
    an older rusino or a hand edit may have left otherwise: an older rusino ended a winter on
    31 December); return how many rows changed."""
    changed = 0
    derived: dict[str, list[Any] | None] = {}  # EDTF -> its columns (a million rows: few dates)
    for table in ("events", "facts"):
        wrong = []  # streamed, and only the rows to change kept
        for rowid, edtf, *stored in conn.execute(
            f"SELECT rowid, date, date_start, date_end, precision, in_window FROM {table}"
        ):
            if edtf not in derived:
                try:
                    start, end, precision = date_bounds(str(edtf))
                    derived[edtf] = [start, end, precision, int(build.in_window(start, end))]
                except RusinoError:
                    derived[edtf] = None  # a date no rusino reads: check says so
            right = derived[edtf]
            if right is not None and stored != right:
                wrong.append((*right, rowid))
        conn.executemany(
            f"UPDATE {table} SET date_start = ?, date_end = ?, precision = ?, in_window = ? "
            "WHERE rowid = ?",
            wrong,
        )
        changed += len(wrong)
    return changed


def _retokenized(conn: sqlite3.Connection) -> list[str]:
    """Make again, with build.FTS_TOKENIZE, the full-text indexes an older rusino made with the
    porter stemmer (whose stems, matched as prefixes, found "game" for "gas"); return their
    names. Runs inside the caller's transaction: DROP and CREATE of an FTS5 table are too."""
    done = []
    for table in build.FTS_COLUMNS:
        fts = f"{table}_fts"
        row = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (fts,)).fetchone()
        if row is None or build.FTS_TOKENIZE in str(row[0]):
            continue
        sql = re.sub(r"tokenize\s*=\s*'[^']*'", f"tokenize='{build.FTS_TOKENIZE}'", str(row[0]))
        conn.execute(f"DROP TABLE {fts}")  # its shadow tables too; the triggers name it only
        conn.execute(sql)
        conn.execute(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")
        done.append(fts)
    return done


def _without_rowid(conn: sqlite3.Connection) -> list[str]:
    """Rebuild, as the schema has them, the WITHOUT ROWID tables that conn holds as rowid tables
    (the link tables of a database made before they became WITHOUT ROWID: a table and its key's
    index, two b-trees where one does), with their indexes; return their names. Runs inside the
    caller's transaction."""
    schema = sqlite3.connect(":memory:")
    try:
        schema.executescript(build.schema_sql())
        tables = schema.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE '%WITHOUT ROWID'"
        ).fetchall()
        indexes = schema.execute(
            "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ).fetchall()
        columns = {name: ", ".join(build.columns_of(schema, name)) for name, _ in tables}
    finally:
        schema.close()
    rebuilt = []
    for name, sql in tables:
        row = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        if row is None or "WITHOUT ROWID" in str(row[0]).upper():
            continue
        conn.execute(f"ALTER TABLE {name} RENAME TO {name}_old")
        conn.execute(sql)  # as a new database has it, word for word
        conn.execute(f"INSERT INTO {name} ({columns[name]}) SELECT {columns[name]} FROM {name}_old")
        conn.execute(f"DROP TABLE {name}_old")  # and its indexes
        for table, index_sql in indexes:
            if table == name:
                conn.execute(index_sql)
        rebuilt.append(name)
    return rebuilt


# --------------------------------------------------------------------------------------------
# Dates: rusino.build's EDTF bounds, with a fast path for plain ISO dates


_ISO = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")  # ASCII digits only


@lru_cache(maxsize=65536)
def date_bounds(edtf: str) -> tuple[str, str, str]:
    """(start, end, precision) exactly as rusino.build.date_bounds gives them.

    The `edtf` parser takes milliseconds a date; plain `YYYY`, `YYYY-MM` and `YYYY-MM-DD` and
    intervals of two of them (the bulk of any import) are bounded here directly, everything else
    goes to build.date_bounds.
    tests/test_store.py checks that both agree.
    """
    if "/" in edtf:
        lower, _, upper = edtf.partition("/")
        if _ISO.fullmatch(lower) and _ISO.fullmatch(upper):
            a, b = _iso_bounds(lower), _iso_bounds(upper)
            if a is not None and b is not None and a[0] <= b[1]:
                coarser = max(a[2], b[2], key=build.PRECISIONS.index)
                return a[0], b[1], coarser
        return build.date_bounds(edtf)
    bounds = _iso_bounds(edtf)
    return bounds if bounds is not None else build.date_bounds(edtf)


def _iso_bounds(edtf: str) -> tuple[str, str, str] | None:
    """Bounds of a plain YYYY, YYYY-MM or YYYY-MM-DD; None for anything else."""
    m = _ISO.fullmatch(edtf)
    if m and int(m.group(1)) >= 1:
        year = int(m.group(1))
        if m.group(2) is None:
            return f"{year:04d}-01-01", f"{year:04d}-12-31", "year"
        month = int(m.group(2))
        if 1 <= month <= 12:  # 13-24 are EDTF seasons: build.date_bounds knows them
            last = calendar.monthrange(year, month)[1]  # (a date of the month after: 10000)
            if m.group(3) is None:
                return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last:02d}", "month"
            day = int(m.group(3))
            if 1 <= day <= last:
                return edtf, edtf, "day"
    return None


def to_edtf(text: str) -> str:
    """A date as EDTF: EDTF as it is, else any form `timeline --from` accepts (April 2012)."""
    text = text.strip()
    try:
        date_bounds(text)
        return text
    except RusinoError as exc:
        edtf_error = exc
    from rusino import dates

    ends = dates.interval_ends(text)
    if ends is not None and not any(mark in text for mark in "?~%"):
        # each end as --from and --to take it: a quarter as its months, which the edtf package
        # does not read in an interval (2012-Q1/2012-Q2 is 2012-01/2012-06)
        words = f"{_interval_end(ends[0], False)}/{_interval_end(ends[1], True)}"
        if words != text:
            date_bounds(words)  # (its own reason: 2012-Q2/2012-Q1 ends before it starts)
            return words
    if text.startswith("~") and "/" not in (rest := to_edtf(text[1:])):
        # ~May 2012, as the tables write an approximate date (~Apr 2012?: both, EDTF's %)
        return f"{rest[:-1]}%" if rest.endswith("?") else f"{rest}~"
    marks = text[len(text.rstrip("?~%")) :]
    if marks and "/" not in text and "/" not in (rest := to_edtf(text.rstrip("?~%"))):
        return f"{rest}{marks}"  # Sep 2012?, 22 Apr 2012?: as the tables write uncertain ones
    human = dates.human_range(text)  # 22-27 April 2012, Oct - Dec 2012, as the tables write
    if human is not None and ends is None:
        words = f"{to_edtf(human[0])}/{to_edtf(human[1])}"
        date_bounds(words)  # (its own reason: 2013 - 2012 ends before it starts)
        return words
    if any(mark in text for mark in "?~%") or ends is not None:
        raise edtf_error from None  # meant as EDTF: say what is wrong with it
    season = dates.season_edtf(text)
    if season is not None:
        return season
    start = dates.parse_bound(text)
    end = dates.parse_bound(text, end=True)
    if start == end:
        return start
    if start[5:] == "01-01" and end[5:] == "12-31" and start[:4] == end[:4]:
        return start[:4]
    return start[:7]


def _interval_end(end: str, last: bool) -> str:
    """One end of an interval as EDTF that may stand in one: a season as its code, a quarter
    as its first (or ``last``) month; anything else as it is."""
    from rusino import dates

    season = dates.season_edtf(end) or end
    quarter = re.fullmatch(r"(\d{4})-(3[3-6])", season)
    if quarter is None:
        return season
    month = (int(quarter[2]) - 33) * 3 + (3 if last else 1)
    return f"{quarter[1]}-{month:02d}"


# --------------------------------------------------------------------------------------------
# Ids


def slug(text: str, words: int = 8) -> str:
    """The first words of text, lower-case ASCII, joined by "-"; for a text with no Latin
    letters or digits (Россия..., 中俄...), the first 8 hex digits of its sha256, so that two
    such texts of the same date do not get the same id."""
    ascii_ = "".join(map(_ascii, unicodedata.normalize("NFKD", text)))
    parts = re.findall(r"[a-z0-9]+", ascii_.lower())
    if not parts and text.strip():
        return hashlib.sha256(text.strip().encode()).hexdigest()[:8]
    return "-".join(parts[:words])


# Latin letters that NFKD does not take apart into a letter and its accent
_LETTERS = str.maketrans(
    {
        **dict(zip("øØłŁđĐðÐ\u0131", "oOlLdDdDi", strict=True)),
        **{"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "Th"},
    }
)


def _ascii(char: str) -> str:
    """A character of NFKD text as ASCII: itself, its Latin letter (Ø is O), nothing for an
    accent or a letter of another script, and a space for any other mark (an en dash parts
    "Russia\u2013China" as a hyphen does)."""
    if char.isascii():
        return char
    latin = char.translate(_LETTERS)
    if latin != char:
        return latin
    return "" if char.isalnum() or unicodedata.combining(char) else " "


def make_id(edtf: str, text: str) -> str:
    """An id from a date and a summary (or subject): "2012-04-russia-and-china-hold-..."."""
    start, _, precision = date_bounds(edtf)
    prefix = start[:7] if precision in ("day", "month") else start[:4]
    return f"{prefix}-{slug(text)}".rstrip("-")


# --------------------------------------------------------------------------------------------
# Validation


class InvalidRows(RusinoError):
    """Some rows of an import are invalid: `problems` holds one line for each."""

    def __init__(self, message: str, problems: list[str], count: int, hint: str = "") -> None:
        super().__init__(message, hint, ExitCode.USAGE)
        self.problems = problems
        self.count = count  # problems found in all; `problems` holds the first of them


@dataclass
class Options:
    replace: bool = False  # an existing id with different content is replaced, not an error
    new_actors: bool = False  # unknown actors are created (kind `actor_kind`), not refused
    new_topics: bool = False
    actor_kind: str = "state"
    dry_run: bool = False
    # the article texts (RUSINO_SOURCES_DIR): a quote citing a source whose article is there
    # must be in it, as `rusino check` will look
    sources_dir: Path | None = None
    source_rows: bool = False  # the rows may hold sources (a json/jsonl import), not a csv's


@dataclass
class Summary:
    added: int = 0
    unchanged: int = 0
    replaced: int = 0
    new_actors: list[str] = field(default_factory=list)
    new_topics: list[str] = field(default_factory=list)
    vocabulary: str = ""  # sources, actors and topics rows: vocabulary.Importer.line()
    unlooked: list[str] = field(default_factory=list)  # sources whose quotes were not looked up
    folder: str = ""  # where their articles were looked for (RUSINO_SOURCES_DIR), if anywhere
    # (kind, new name, the existing name it is close to): Japn beside Japan, a typo perhaps
    near: list[tuple[str, str, str]] = field(default_factory=list)

    def note(self) -> str:
        """What was not checked, and new names close to existing ones, a line each ('' when
        there is nothing to say)."""
        lines = [
            f"note: the new {what} {new!r} is close to the {what} {old!r} (a typo? if so, "
            "correct it and write the record again with --replace)"
            for what, new, old in self.near
        ]
        return "\n".join([*lines, self._unlooked()] if self._unlooked() else lines)

    def _unlooked(self) -> str:
        if not self.unlooked or not (self.added or self.replaced):
            return ""
        *rest, last = self.unlooked
        which = (
            f"the articles of {', '.join(rest)} and {last}, which are"
            if rest
            else f"the article of {last}, which is"
        )
        if self.folder:  # set, but without them (check reports each missing)
            return f"note: quotes not looked up in {which} not in {self.folder}"
        return (
            f"note: quotes not looked up in {which} not at hand (set RUSINO_SOURCES_DIR to the "
            "articles' folder, or run `rusino check` with it later)"
        )

    def line(self) -> str:
        text = f"{self.added} added, {self.unchanged} unchanged, {self.replaced} replaced"
        for new, what in ((self.new_actors, "actor"), (self.new_topics, "topic")):
            if new:
                text += f", {len(new)} new {what}{'s' * (len(new) != 1)}"
        return text + self.vocabulary


def record_type(row: dict[str, Any]) -> str:
    """ "event" or "fact": the row's `type`, else a fact when it has a subject or a value; or
    one of vocabulary.KINDS (source, actor, topic), as a whole-database export writes them."""
    kind = row.get("type")
    if kind in _TYPES:
        return str(kind)
    if kind not in (None, ""):
        raise RusinoError(
            f"type {kind!r} is not one of {', '.join(_TYPES)}", "write type = event or fact"
        )
    return "fact" if ("subject" in row or "value" in row) else "event"


_TYPES = ("event", "fact", *vocabulary.KINDS)


def article(sources_dir: Path | None, file: str) -> str | None:
    """An article's text, whitespace folded (as quotes are looked for in it), when it is at
    hand in sources_dir; None when it is not (or is not text): then nothing is looked up."""
    if sources_dir is None or not file:
        return None
    try:
        return build.fold((sources_dir / file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


class Validator:
    """Validates rows against rusino.build's specs and the database's vocabularies."""

    def __init__(self, conn: sqlite3.Connection, opts: Options) -> None:
        self.conn = conn
        self.opts = opts
        self.actors = {
            str(a): str(c) for a, c in conn.execute("SELECT alias, actor FROM actor_aliases")
        }
        self.topics = {
            str(a): str(c) for a, c in conn.execute("SELECT alias, topic FROM topic_aliases")
        }
        self.sources = {str(r[0]) for r in conn.execute("SELECT id FROM sources")}
        self.titles: dict[str, str | None] = {}  # source id -> title, as _title looked it up
        self.notes = {(str(s), int(n)) for s, n in conn.execute("SELECT source, number FROM notes")}
        # a fact's unit and kind as the database spells them: "usd" beside USD is USD, not a
        # unit of its own (a spelling the database has already is kept, so that its own
        # export imports back unchanged)
        self.spellings = build.spellings(
            {
                name: [
                    str(v) for (v,) in conn.execute(f"SELECT DISTINCT {name} FROM facts ORDER BY 1")
                ]
                for name in build.SPELT
            }
        )
        self.articles: dict[str, tuple[str, str]] = {}  # source id -> (file, folded text)
        self.unlooked: set[str] = set()  # sources naming an article that is not at hand
        self.unchecked: set[str] = set()  # those of them that records written (Writer) cite
        for sid, file in conn.execute("SELECT id, file FROM sources WHERE file <> ''"):
            self.add_article(str(sid), str(file))
        self.pending_actors: dict[str, str] = {}  # new canonical name -> itself, to create
        self.pending_topics: dict[str, str] = {}
        # the fast path's caches: names exactly as written -> canonical; date -> bounds
        self._actor_names: dict[str, str] = {}
        self._topic_names: dict[str, str] = {}
        self._bounds: dict[str, tuple[str, str, str, int]] = {}
        # called before the validator's own queries, so that it never uses the connection while
        # an import's writer thread does (see _Background)
        self.idle: Callable[[], None] = _nothing
        # canonical names that JSON does not write as they are (a quote, a backslash, a control
        # character): the writer makes link rows of them another way
        self.quoted_names = {
            n for n in (*self.actors.values(), *self.topics.values()) if _quoted(n)
        }

    def _vocab(self, raw: build.Raw, what: str, names: list[str]) -> list[str]:
        known = self.actors if what == "actor" else self.topics
        pending = self.pending_actors if what == "actor" else self.pending_topics
        allow = self.opts.new_actors if what == "actor" else self.opts.new_topics
        out: list[str] = []
        for name in names:
            key = query.alias_key(name)
            canonical = known.get(key) or pending.get(key)
            if canonical is None:
                other = vocabulary.named_otherwise(self, what, key)
                if not allow:
                    self.idle()
                    try:
                        query.resolve(self.conn, what, name)
                    except RusinoError as exc:
                        add = "" if other else f"; or pass --new-{what} to add it"
                        raise raw.error(
                            f"unknown {what} {name!r} in '{what}s'", exc.hint + add
                        ) from None
                if other:  # --topic China --new-topic: an actor and a topic of one name
                    give = (  # (an import's row has no --actor: its field)
                        f"give it with --{other[1]}"
                        if raw.file.startswith("new ")
                        else f"list it in the row's '{other[1]}s'"
                    )
                    raise raw.error(
                        vocabulary.shared_name(other, what),
                        f"{give}, or name the new {what} otherwise",
                    )
                canonical = query.clean_name(name)
                build.check_list_items(
                    raw, f"new {what}", [canonical], f" in '{what}s'", names=True
                )
                pending[key] = canonical
                self.learn(canonical)
            if canonical in out:
                raise raw.error(f"{what} {canonical!r} listed twice in '{what}s'")
            out.append(canonical)
        return sorted(out)

    def add_article(self, source: str, file: str) -> None:
        """The source's article text, when it is at hand in opts.sources_dir."""
        text = article(self.opts.sources_dir, file)
        if text is not None:
            self.articles[source] = (file, text)
        else:
            self.unlooked.add(source)

    def learn(self, name: str) -> None:
        """Note a name this import adds (by --new-actor, or an actor or topic row): one that
        JSON writes escaped is linked another way (see quoted_names)."""
        if _quoted(name):
            self.quoted_names.add(name)

    def _names(self, names: Any, canonical: dict[str, str]) -> list[str] | None:
        """Known names, canonical and sorted; None when anything needs validate's full rules."""
        if type(names) is not list or not names:
            return None
        try:  # the keys are strings: any other name is a KeyError, or TypeError if unhashable
            out = sorted(map(canonical.__getitem__, names))
        except (KeyError, TypeError):
            return None
        if len(set(out)) != len(out):
            return None
        return out

    def _fast_event(self, fields: dict[str, Any]) -> dict[str, Any] | None:
        """The record validate would make of a plain event (all fields of their own types,
        known names, a cached date), ~5x faster; None sends anything else to the full rules."""
        if not _FAST_EVENT_KEYS.issuperset(fields):
            return None
        get = fields.get
        rid, date, date_text = get("id"), get("date"), get("date_text")
        summary, source, quote = get("summary"), get("source"), get("quote")
        for text in (rid, date, date_text, summary, source, quote):
            # (not text or text.isspace()) is (not text.strip()), without a copy
            if type(text) is not str or not text or text.isspace() or len(text) > MAX_FIELD:
                return None
            if not text.isprintable():  # a NUL, a control character, a line break (or a
                return None  # no-break space, which is fine): the full rules say which
        if build.BAD_ID.search(str(rid)) or not str(rid).isascii():
            return None  # the full rules say what is wrong with it, or compose it (NFC)
        comment, inferred = get("comment", ""), get("inferred", False)
        if type(comment) is not str or len(comment) > MAX_FIELD or not comment.isprintable():
            return None
        if type(inferred) is not bool:
            return None
        notes = get("notes", _NO_NOTES)
        if notes is not _NO_NOTES and (type(notes) is not list or notes):
            return None  # notes take the full rules
        if source not in self.sources or source in self.articles or get("type", "event") != "event":
            return None  # (a quote to look up in its article takes the full rules)
        edtf = cast(str, date)
        bounds = self._bounds.get(edtf)
        if bounds is None:
            try:
                start, end, precision = date_bounds(edtf)
            except RusinoError:
                return None
            bounds = self._bounds[edtf] = (start, end, precision, int(build.in_window(start, end)))
        actors = self._names(get("actors"), self._actor_names)
        topics = self._names(get("topics"), self._topic_names)
        if actors is None or topics is None:
            return None
        return {
            "id": rid,
            "date": date,
            "date_start": bounds[0],
            "date_end": bounds[1],
            "date_text": date_text,
            "precision": bounds[2],
            "inferred": int(inferred),
            "in_window": bounds[3],
            "summary": summary,
            "source": source,
            "quote": quote,
            "comment": comment,
            "actors": actors,
            "topics": topics,
            "notes": [],
        }

    def validate(self, kind: str, fields: dict[str, Any], where: str) -> dict[str, Any]:
        """A record ready to write (dates bounded, names canonical), or RusinoError."""
        if kind == "event":
            fast = self._fast_event(fields)
            if fast is not None:
                return fast
        record = self._validate(kind, fields, where)
        # names as given that resolved, for the fast path (new names once they are pending)
        for name in fields.get("actors", ()):
            self._actor_names.setdefault(name, self._canonical(name, "actor"))
        for name in fields.get("topics", ()):
            self._topic_names.setdefault(name, self._canonical(name, "topic"))
        return record

    def _title(self, source: str) -> str | None:
        """A source's title in this database (each looked up once)."""
        if source not in self.titles:
            found = self.conn.execute("SELECT title FROM sources WHERE id = ?", (source,))
            row = found.fetchone()
            self.titles[source] = None if row is None else str(row[0])
        return self.titles[source]

    def _canonical(self, name: str, what: str) -> str:
        key = query.alias_key(name)
        if what == "actor":
            return self.actors.get(key) or self.pending_actors[key]
        return self.topics.get(key) or self.pending_topics[key]

    def _validate(self, kind: str, fields: dict[str, Any], where: str) -> dict[str, Any]:
        fields = dict(fields)
        fields.pop("type", None)
        derived = {k: fields.pop(k) for k in DERIVED if k in fields}
        detail = fields.get("source_detail")  # (show's: the article the record was cited from)
        for name in SHOWN:
            fields.pop(name, None)
        # the wordings a row may leave out, as `add` fills them in: the date as given, the figure
        if fields.get("date_text") in (None, "") and isinstance(fields.get("date"), str):
            fields["date_text"] = fields["date"]
        elif fields.get("date_text") is None:
            fields["date_text"] = ""  # the date's, once the date is right: only it is reported
        if kind == "fact":  # before the wording made of the unit: "5 USD", not "5  usd "
            for name, spelling in self.spellings.items():
                if isinstance(fields.get(name), str):
                    fields[name] = spelling.of(fields[name])
        if kind == "fact" and fields.get("as_written") in (None, ""):
            wording = figures.plain_wording(
                fields.get("value"), fields.get("value_max"), fields.get("unit")
            )
            if wording is not None:
                fields["as_written"] = wording
            else:  # made once value and unit are right: only they are reported
                fields["as_written"] = ""
        if kind == "fact":
            no_range = fields.get("value_max") is None  # null or left out; a 0 is a value
            if no_range and "value_max" in fields:
                fields["value_max"] = 0  # normalise's "none", made None by check_figure
            if fields.get("event") is None and "event" in fields:
                fields["event"] = ""
        generated = "id" not in fields or fields["id"] in ("", None)
        if generated:
            fields.pop("id", None)
        for name, value in fields.items():
            if isinstance(value, str) and len(value) > MAX_FIELD:
                raise RusinoError(
                    f"{where}: field {name!r} is {len(value)} characters long",
                    f"at most {MAX_FIELD} characters a field",
                )
            if name != "id" and isinstance(value, str) and "\x00" in value:  # (id: not one word)
                raise RusinoError(
                    f"{where}: field {name!r} holds a NUL character", "leave it out: text has none"
                )
        if generated:
            fields["id"] = "(no id)"
        raw = build.Raw(where, kind, 0, fields, build.ROW_HINT)
        record = build.normalise(raw)
        if not generated:
            build.check_id(raw, record["id"])
        # composed, as names are: café-1 typed with a combining accent is the same id
        record["id"] = unicodedata.normalize("NFC", record["id"])
        if kind == "fact" and record["event"]:
            record["event"] = unicodedata.normalize("NFC", record["event"])
        try:
            start, end, precision = date_bounds(record["date"])
        except RusinoError as exc:
            raise raw.error(f"field 'date': {exc.message}", exc.hint) from None
        record["date_start"], record["date_end"] = start, end
        record["precision"] = precision
        record["in_window"] = build.in_window(start, end)
        for name, value in derived.items():
            ours = {
                "start": start,
                "end": end,
                "precision": precision,
                "in_window": record["in_window"],
            }[name]
            if value != ours and not (
                name == "in_window" and str(value).lower() == str(ours).lower()
            ):
                raise raw.error(
                    f"field {name!r} is {build.shown(value)}, but date {record['date']!r} gives "
                    f"{build.shown(ours)}",
                    f"leave {name!r} out (it is derived from 'date') or fix 'date'",
                )
        if generated:
            record["id"] = make_id(
                record["date"], record["summary" if kind == "event" else "subject"]
            )
            raw.fields["id"] = record["id"]
            record["_made"] = True  # (for the messages of a clash: see Writer.write)
        if record["source"] not in self.sources:
            self.idle()
            try:
                query.check_source(self.conn, record["source"])
            except RusinoError as exc:
                hint = f"{exc.hint}{' ' if exc.hint.endswith('?') else '; '}if it is new, add it "
                hint += (
                    "with `rusino add source` or a source row before this one"
                    if self.opts.source_rows
                    else "first with `rusino add source`"
                )
                raise raw.error(
                    f"field 'source': unknown source {record['source']!r}", hint
                ) from None
            raise raw.error(
                f"field 'source': unknown source {record['source']!r} (ids are case-sensitive)"
            )
        if isinstance(detail, dict) and isinstance(detail.get("title"), str):
            # a record shown in another database cites its article by id: an id this one
            # gives another article would cite the wrong one, in silence
            title = self._title(record["source"])
            if title is not None and build.fold(title) != build.fold(detail["title"]):
                raise raw.error(
                    f"field 'source_detail': its article ({cut(detail['title'])!r}) is not "
                    f"{record['source']!r} here ({cut(title)!r})",
                    "add its source under an id of its own (rusino add source --id ...), and "
                    "cite that",
                )
        article = self.articles.get(record["source"])
        if article is not None and build.fold(record["quote"]) not in article[1]:
            raise raw.error(
                f"field 'quote' is not in the article of {record['source']!r} ({article[0]}): "
                f"{record['quote'][:60]!r}",
                "quote it verbatim (only its whitespace may differ), or cite another source",
            )
        for number in record["notes"]:
            if (record["source"], number) not in self.notes:
                raise raw.error(
                    f"field 'notes': note {number} is not among the notes of {record['source']!r}"
                )
        if len(set(record["notes"])) != len(record["notes"]):
            raise raw.error("a note number is listed twice in 'notes'")
        record["notes"] = sorted(record["notes"])
        record["actors"] = self._vocab(raw, "actor", record["actors"])
        record["topics"] = self._vocab(raw, "topic", record["topics"])
        if kind == "fact":
            for name in ("value", "value_max"):
                number = record[name]
                if isinstance(number, int) and not -(2**63) <= number < 2**63:
                    # beyond SQLite's INTEGER: a float, where it is the figure written (as a
                    # csv writes 2e+20: 200000000000000000000 had not been imported back)
                    if number.bit_length() >= 1024:  # (beyond a float: float() overflowed)
                        raise raw.error(
                            f"field {name!r} is a number of {len(str(abs(number)))} digits, "
                            "too large to store"
                        )
                    if render.cell(float(number)) == str(number):  # (as csv writes it)
                        record[name] = float(number)
                        continue
                    raise raw.error(
                        f"field {name!r} is {number}, too large to store exactly",
                        f"write it with an exponent ({float(number):.4g}) if it is a rounded "
                        "figure",
                    )
            if no_range:
                record["value_max"] = None
            if isinstance(record["qualifier"], str):  # More than, nearly: as add takes them
                record["qualifier"] = (
                    build.qualifier_named(record["qualifier"]) or record["qualifier"]
                )
            build.check_figure(raw, record, zero_is_none=False)
            record["event"] = record["event"] or None
        record["inferred"], record["in_window"] = int(record["inferred"]), int(record["in_window"])
        return record


# --------------------------------------------------------------------------------------------
# Writing


def _a(kind: str) -> str:
    return f"an {kind}" if kind == "event" else f"a {kind}"


def _made(kind: str, record: dict[str, Any]) -> str:
    """What a clash message says of an id the row did not give."""
    if not record.get("_made"):
        return ""
    return f" (made from its date and {'summary' if kind == 'event' else 'subject'})"


def _stored(conn: sqlite3.Connection, kind: str, id_: str) -> dict[str, Any] | None:
    columns = _COLUMNS[kind]
    row = conn.execute(f"SELECT {', '.join(columns)} FROM {kind}s WHERE id = ?", (id_,)).fetchone()
    if row is None:
        return None
    out = dict(zip(columns, row, strict=True))
    for link, col in (("actors", "actor"), ("topics", "topic"), ("notes", "number")):
        out[link] = sorted(
            r[0] for r in conn.execute(f"SELECT {col} FROM {kind}_{link} WHERE {kind} = ?", (id_,))
        )
    return out


def _comparable(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    out = {c: record[c] for c in _COLUMNS[kind]}
    out["inferred"], out["in_window"] = int(record["inferred"]), int(record["in_window"])
    for link in ("actors", "topics", "notes"):
        out[link] = sorted(record[link])
    return out


class Writer:
    """Writes validated records in batches; counts added, unchanged and replaced."""

    def __init__(self, conn: sqlite3.Connection, validator: Validator, opts: Options) -> None:
        self.conn = conn
        self.validator = validator
        self.opts = opts
        self.summary = Summary()
        self.after = {"event": 0, "fact": 0}  # rowids above these were added by this import
        self.ledger = Ledger()
        self.unwritten: set[str] = set()  # ids of events validated after the first problem
        self.refused: dict[str, str] = {}  # id -> where, of the events found invalid
        # import_rows hands the events' link rows and full-text indexing to a writer thread:
        # `submit` queues such work, `idle` waits until it is done, before any other query.
        self.submit: Callable[[Callable[[], None]], None] = _run
        self.idle: Callable[[], None] = _nothing
        self.deferred: _DeferredFts | None = None
        self.checked = 0  # new names compared with the known ones (see _create_vocab)

    def _create_vocab(self) -> None:
        """Add the batch's new actors and topics (a few statements however many)."""
        v = self.validator
        listed = "IN (SELECT value FROM json_each(?))"
        for what, pending, known, added in (
            ("actor", v.pending_actors, v.actors, self.summary.new_actors),
            ("topic", v.pending_topics, v.topics, self.summary.new_topics),
        ):
            if not pending:
                continue
            new = sorted(pending.items())
            if what == "actor":
                self.conn.executemany(
                    "INSERT INTO actors (name, kind, country) VALUES (?, ?, '')",
                    [(name, self.opts.actor_kind) for _, name in new],
                )
            else:
                self.conn.executemany(
                    "INSERT INTO topics (name, description) VALUES (?, '')",
                    [(name,) for _, name in new],
                )
            self.conn.executemany(f"INSERT INTO {what}_aliases (alias, {what}) VALUES (?, ?)", new)
            names = json.dumps([name for _, name in new])
            self.ledger.add(self.conn, f"{what}s", f"t.name {listed}", (names,))
            keys = json.dumps([key for key, _ in new])
            self.ledger.add(self.conn, f"{what}_aliases", f"t.alias {listed}", (keys,))
            # the first NEAR_CHECKED new names only: an import of thousands is no typo's
            for _, name in new[: max(0, NEAR_CHECKED - self.checked)]:
                self.checked += 1
                close = difflib.get_close_matches(query.alias_key(name), known, n=1, cutoff=0.8)
                if close and len(self.summary.near) < NEAR_SHOWN:
                    self.summary.near.append((what, name, known[close[0]]))
            known.update(new)
            added.extend(name for _, name in new)
            pending.clear()

    def write(self, batch: list[tuple[str, str, dict[str, Any]]], check: bool = False) -> list[str]:
        """Write (kind, where, record) rows; return problems (id clashes) instead of writing.
        ``check``: only look for the problems (an import that has some already writes nothing,
        but reports each of them)."""
        problems: list[str] = []
        self._prepare(batch)  # while the writer thread still writes the batch before
        self.idle()
        self._create_vocab()
        ids = [r["id"] for _, _, r in batch]
        existing: dict[str, tuple[str, int]] = {}  # id -> (kind, rowid)
        for kind in ("event", "fact"):
            for rid, rowid in self.conn.execute(
                f"SELECT id, rowid FROM {kind}s WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(ids),),
            ):
                existing[str(rid)] = (kind, int(rowid))
        new: dict[str, list[dict[str, Any]]] = {"event": [], "fact": []}
        here: dict[str, str] = {}  # id -> where, for this batch
        for kind, where, record in batch:
            rid = record["id"]
            if rid in here:
                problems.append(
                    f"{where}: id {rid!r}{_made(kind, record)} is also used at {here[rid]}"
                    + (" (give each row an id of its own)" if record.get("_made") else "")
                )
                continue
            here[rid] = where
            if rid in existing:
                other, rowid = existing[rid]
                if other != kind:
                    problems.append(
                        f"{where}: id {rid!r}{_made(kind, record)} is already used by "
                        f"{_a(other)} (give this {kind} an id of its own)"
                    )
                    continue
                if kind == "fact" and record["event"] is not None:
                    problem = self._check_event(record, where)
                    if problem:
                        problems.append(problem)
                        continue
                stored = _stored(self.conn, kind, rid)
                if stored == _comparable(kind, record):
                    self.summary.unchanged += 1
                elif rowid > self.after[kind]:
                    problems.append(f"{where}: id {rid!r} is also used earlier in this import")
                elif not self.opts.replace:
                    problems.append(
                        f"{where}: id {rid!r}{_made(kind, record)} exists with different content "
                        + (
                            "(if this is another record, give it an id of its own; if the same "
                            "one changed, pass --replace)"
                            if record.get("_made")
                            else "(pass --replace to overwrite it)"
                        )
                    )
                elif not problems:
                    self._replace(kind, record)
                    self.summary.replaced += 1
                    self._unlooked([record])
                continue
            if kind == "fact":
                record["_where"] = where  # for _check_event's message, after the events
            new[kind].append(record)
        if problems or check:
            # nothing of this batch is written, but its facts' events are still looked for:
            # among the events written before the first problem, or validated since
            self.unwritten.update(r["id"] for r in new["event"])
            for record in new["fact"]:
                if record["event"] is not None and record["event"] not in self.unwritten:
                    problem = self._check_event(record, record["_where"])
                    if problem:
                        problems.append(problem)
            return problems
        self._unlooked(new["event"] + new["fact"])
        self._insert("event", new["event"])
        if new["fact"]:
            self.idle()  # their events may be among those just written
        for record in new["fact"]:
            if record["event"] is not None:
                problem = self._check_event(record, record["_where"])
                if problem:
                    problems.append(problem)
        if problems:
            return problems
        self._insert("fact", new["fact"])
        self.summary.added += len(new["event"]) + len(new["fact"])
        return []

    def _unlooked(self, records: list[dict[str, Any]]) -> None:
        """Note the sources of records written whose quotes were not looked up (their
        articles not at hand): the note says whose."""
        unlooked = self.validator.unlooked
        if unlooked:
            self.validator.unchecked.update(r["source"] for r in records if r["source"] in unlooked)

    def _check_event(self, record: dict[str, Any], where: str) -> str:
        found = self.conn.execute("SELECT 1 FROM events WHERE id = ?", (record["event"],))
        if found.fetchone() is None:
            if record["event"] in self.refused:
                return (
                    f"{where}: fact {record['id']!r}: field 'event': {record['event']!r} is "
                    f"the event at {self.refused[record['event']]}, which is invalid"
                )
            near = self._near_event(str(record["event"]))
            return (
                f"{where}: fact {record['id']!r}: field 'event': "
                f"{record['event']!r} is not the id of any event"
                + (f" (did you mean {near}?)" if near else "")
            )
        return ""

    def _near_event(self, wanted: str) -> str:
        """An event id near a mistyped one: among its neighbours in id order (an index's
        few rows, in a database of any size)."""
        rows = self.conn.execute(
            "SELECT id FROM (SELECT id FROM events WHERE id < ? ORDER BY id DESC LIMIT 10) "
            "UNION ALL SELECT id FROM (SELECT id FROM events WHERE id > ? ORDER BY id LIMIT 10)",
            (wanted, wanted),
        )
        ids = [str(r[0]) for r in rows]
        # a made id is cut short: the one a longer guess starts with (…-joint-sea-2014 of
        # …-joint-sea-2014-in-the-east-china-sea)
        started = max((i for i in ids if wanted.startswith(i) and len(i) >= 8), key=len, default="")
        close = difflib.get_close_matches(wanted, ids, n=1, cutoff=0.8)
        return started or (close[0] if close else "")

    def _values(self, kind: str, record: dict[str, Any]) -> tuple[Any, ...]:
        return _ROW[kind](record)  # type: ignore[no-any-return]

    def _insert(self, kind: str, records: list[dict[str, Any]]) -> None:
        if not records:
            return
        columns = _COLUMNS[kind]
        if kind == "fact":  # NUMERIC values are read back as SQLite stores them, for the hash
            rows = list(map(_ROW[kind], records))
            last = self.conn.execute("SELECT coalesce(max(rowid), 0) FROM facts").fetchone()[0]
            marks = ", ".join("?" * len(columns))
            self.conn.executemany(
                f"INSERT INTO facts ({', '.join(columns)}) VALUES ({marks})", rows
            )
            self._links(kind, records)
            self.ledger.add(self.conn, "facts", "t.rowid > ?", (last,))
            return
        full = []
        total = 0
        for r in records:
            row, digest = r["_row"]
            full.append(row)
            total += digest
        self.ledger.delta += total
        deferred = self.deferred
        # Names that JSON writes as they are (nearly all) let SQLite make the link rows from
        # the events' own list columns; otherwise from JSON made here.
        v = self.validator
        quoted = v.quoted_names
        plain = not (
            quoted and any(quoted.intersection(r["actors"] + r["topics"]) for r in records)
        )
        statements = _link_statements(kind, records, lists=plain)
        conn = self.conn
        before = conn.execute("SELECT coalesce(max(rowid), 0) FROM events").fetchone()[0]
        conn.executemany(_insert_events_sql(), full)

        def write() -> None:
            # Each a statement of SQLite's own work, during which the thread lets the GIL go
            # (executemany would take it back at every row).
            if plain:
                for link, column in (("actors", "actor"), ("topics", "topic")):
                    conn.execute(
                        f"INSERT INTO event_{link} (event, {column}) SELECT e.id, n.value "
                        f"FROM events AS e, json_each('[\"' || replace(e.{column}_list, "
                        "char(31), '\",\"') || '\"]') AS n "
                        f"WHERE e.rowid > ? AND e.{column}_list <> ''",
                        (before,),
                    )
            for sql, text in statements:
                conn.execute(sql, (text,))
            # Full-text indexing in steps of FTS_EVERY rows: FTS5 writes a segment at the end of
            # every statement, and many small ones cost more to merge.
            if deferred is not None and before - deferred.indexed["events"] >= FTS_EVERY:
                deferred.index("events")

        self.submit(write)

    def _prepare(self, batch: list[tuple[str, str, dict[str, Any]]]) -> None:
        """Each event's row as written, with its derived columns (lists and digest), and its
        digest's value, which the content hash gains: as `_row`. The digest is
        build.row_digest's, inlined: sha256 of the row's JSON text and its lists, whose hex is
        build.hash_text of its value."""
        sha256, dumps, values = hashlib.sha256, build.dumps_list, _ROW["event"]
        for kind, _, r in batch:
            if kind != "event":
                continue
            row = values(r)
            actors, topics = "\x1f".join(r["actors"]), "\x1f".join(r["topics"])
            notes = "\x1f".join(map(str, r["notes"])) if r["notes"] else ""
            digest = sha256(f"{dumps(['events', *row])}\n{actors}\n{topics}\n{notes}".encode())
            value = digest.digest()
            r["_row"] = ((*row, actors, topics, notes, value.hex()), int.from_bytes(value, "big"))

    def _links(self, kind: str, records: list[dict[str, Any]]) -> None:
        for sql, text in _link_statements(kind, records):
            self.conn.execute(sql, (text,))

    def _replace(self, kind: str, record: dict[str, Any]) -> None:
        columns = _COLUMNS[kind]
        _unlink(self.conn, self.ledger, kind, record["id"])
        sets = ", ".join(f"{c} = ?" for c in columns[1:])
        values = self._values(kind, record)
        self.conn.execute(f"UPDATE {kind}s SET {sets} WHERE id = ?", (*values[1:], values[0]))
        self._links(kind, [record])
        if kind == "event":
            build.refresh_derived(self.conn, "t.id = ?", (record["id"],))
        self.ledger.add(self.conn, f"{kind}s", "t.id = ?", (record["id"],))


@lru_cache(maxsize=1)
def _insert_events_sql() -> str:
    names = (*EVENT_COLUMNS, *build.DERIVED["events"])
    return f"INSERT INTO events ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"


def _link_statements(
    kind: str, records: list[dict[str, Any]], *, lists: bool = False
) -> list[tuple[str, str]]:
    """The INSERTs of records' link rows (but actors and topics when `lists` says they are made
    otherwise), each with its one parameter: a JSON array of [id, names] pairs, which SQLite
    walks faster than executemany binds a row at a time."""
    dumps = build.dumps_list
    out = [
        (
            f"INSERT INTO {kind}_{link} ({kind}, {column}) SELECT r.value ->> 0, n.value "
            "FROM json_each(?) AS r, json_each(r.value, '$[1]') AS n",
            dumps([(r["id"], r[link]) for r in records]),
        )
        for link, column in (("actors", "actor"), ("topics", "topic"))
        if not lists
    ]
    noted = [(r["id"], r["source"], r["notes"]) for r in records if r["notes"]]
    if noted:
        out.append(
            (
                f"INSERT INTO {kind}_notes ({kind}, source, number) "
                "SELECT r.value ->> 0, r.value ->> 1, n.value "
                "FROM json_each(?) AS r, json_each(r.value, '$[2]') AS n",
                dumps(noted),
            )
        )
    return out


Row = tuple[str, dict[str, Any] | None, str | None]  # (where, fields, or a problem found reading)


def import_rows(
    conn: sqlite3.Connection,
    rows: Iterable[Row],
    opts: Options,
    *,
    max_problems: int = 20,
) -> Summary:
    """Validate and write rows in one transaction; any invalid row rolls everything back.

    `rows` yields (where, fields, problem): `where` names the file and line for messages, and a
    row that could not even be read comes as (where, None, problem). Raises InvalidRows listing
    the first `max_problems` problems (and how many there were in all).
    """
    problems: list[str] = []
    count = 0
    total = 0

    def note(problem: str) -> None:
        nonlocal count
        count += 1
        # kept beyond max_problems, so that the ones shown are the first in the file: a fact's
        # missing event is found only when its batch is written, after later rows' problems
        if len(problems) < max_problems * 50:
            problems.append(problem)

    with transaction(conn) as ledger, _Background(conn) as background, _few_collections():
        # what the database holds (its actors, topics, units) read under the write lock: a
        # second writer, which waited, sees what the first added (the same new actor had been
        # added twice, an internal error)
        validator = Validator(conn, opts)
        writer = Writer(conn, validator, opts)
        writer.ledger = ledger
        ledger.exact = True
        deferred = _DeferredFts(conn)
        writer.after = {"event": deferred.after["events"], "fact": deferred.after["facts"]}
        writer.deferred = deferred
        writer.submit, writer.idle = background.submit, background.idle
        validator.idle = background.idle
        shared = vocabulary.Importer(conn, validator, ledger, background.idle)
        batch: list[tuple[str, str, dict[str, Any]]] = []
        validate = validator.validate
        for where, fields, problem in rows:
            total += 1
            if fields is None:
                note(problem or f"{where}: unreadable")
                continue
            kind = ""
            try:
                kind = record_type(fields)
                if kind in vocabulary.KINDS:  # added at once: the rows after may name it
                    shared.row(kind, fields, where)
                    continue
                record = validate(kind, fields, where)
            except RusinoError as exc:
                note(str(exc) if exc.message.startswith(where) else f"{where}: {exc}")
                if kind == "event" and isinstance(fields.get("id"), str):
                    writer.refused.setdefault(fields["id"], where)
                continue
            batch.append((kind, where, record))
            # While the writer thread is busy (a full-text step takes a few batches' time) the
            # batch grows, up to AHEAD batches, rather than the main thread wait.
            if len(batch) >= BATCH and (len(batch) >= BATCH * AHEAD or not background.busy()):
                for p in writer.write(batch, check=count > 0):
                    note(p)
                batch = []
                if not count and deferred.bulky(writer.summary.added):
                    background.idle()
                    deferred.bulk()
        if batch:
            for p in writer.write(batch, check=count > 0):
                note(p)
        background.idle()
        for p in shared.finish():
            note(p)
        if count:
            problems.sort(key=_line_of)
            del problems[max_problems:]
            more = f" (the first {len(problems)} shown)" if count > len(problems) else ""
            raise InvalidRows(
                f"{count} invalid row{'s' if count != 1 else ''} of {total}{more}: nothing written",
                problems,
                count,
                "fix them and import again",
            )
        deferred.finish()
        writer.summary.vocabulary = shared.line()
        writer.summary.unlooked = sorted(validator.unchecked)
        writer.summary.folder = str(opts.sources_dir or "")
        s = writer.summary
        changed = (
            s.added or s.replaced or s.new_actors or s.new_topics or any(shared.added.values())
        )
        if opts.dry_run or not changed:
            # a dry run, or nothing to write (the same file again): rolled back, so that the
            # file is left byte for byte as it was
            raise _DryRun(s)
    return writer.summary


def _line_of(problem: str) -> tuple[int, int]:
    """The line a problem names ("bad.jsonl:12: ...", "bad.json:1 (item 3): ..."), and the
    item, for putting them in file order."""
    found = re.match(r"[^:]*:(\d+)(?: \(item (\d+)\))?", problem)
    return (int(found[1]), int(found[2] or 0)) if found else (0, 0)


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """The garbage collector every 100,000 allocations, not 700: a batch's rows are thousands
    of objects that live a moment (and make no cycles), but each collection scans them, and
    the older generations over and over as they move up (~7% of an import).

    And the objects alive before the import (modules, the command's own) frozen, out of every
    collection's way: a full collection scans them all holding the GIL, and the writer thread,
    done with a statement, waited on it (1,000,000 events: 7 of its 17 s, the main thread then
    waiting for the writer)."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def _quoted(name: str) -> bool:
    return build.dumps_list([name]) != f'["{name}"]'


def _nothing() -> None:
    pass


def _run(task: Callable[[], None]) -> None:
    task()


class _Background:
    """A thread that runs an import's big statements (link rows, full-text indexing) while the
    main thread reads and validates the next batch: sqlite3 lets the GIL go while SQLite works,
    so the two use both cores.

    The connection is used by one thread at a time: the main thread calls idle() before any
    query of its own. A task's exception is raised again in the main thread by the next
    submit() or idle(), and leaving the block waits for the task running (a task still queued
    is dropped when the block is left by an exception), so the rollback of a failed import never
    races a statement.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.tasks: queue.Queue[Callable[[], None] | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.cancelled = False
        self.thread = threading.Thread(target=self._work, name="rusino-import", daemon=True)

    def __enter__(self) -> _Background:
        self.interval = sys.getswitchinterval()
        # The thread takes the GIL back after each statement; by default it may wait 5 ms for
        # the main thread to let it go.
        sys.setswitchinterval(0.0005)
        self.thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self.cancelled = kind is not None
        self.tasks.put(None)
        self.thread.join()
        sys.setswitchinterval(self.interval)

    def _work(self) -> None:
        while True:
            task = self.tasks.get()
            try:
                if task is None:
                    return
                if self.error is None and not self.cancelled:
                    task()
            except BaseException as exc:  # raised again in the main thread
                self.error = exc
            finally:
                self.tasks.task_done()

    def submit(self, task: Callable[[], None]) -> None:
        self._raise()
        self.tasks.put(task)

    def busy(self) -> bool:
        return self.tasks.unfinished_tasks > 0

    def idle(self) -> None:
        self.tasks.join()
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            raise error


class _DeferredFts:
    """Full-text indexing of new rows as one set-based INSERT instead of a trigger per row.

    FTS5 fed row by row through the build's AFTER INSERT triggers costs ~5x a single
    INSERT ... SELECT over the same rows. So inside the import's transaction the two insert
    triggers are dropped, the new rows (rowid above the old maximum) are indexed in steps of
    FTS_EVERY events by the writer thread and the rest at the end, and the triggers are
    recreated from their own SQL: DDL is transactional in SQLite, so no other
    connection ever sees the database without them, and a failed import restores them with
    everything else. Updates (--replace) still go through the update triggers.

    The same goes for the events' and facts' own secondary indexes once an import has added more
    rows than the tables held (and at least BULK rows): the main thread inserts the rows, and
    keeping three more indexes in step costs it more than building them again, sorted, at the end.
    The link tables' indexes stay: their rows go in on the writer thread, which has time to spare
    while the main thread validates, and building them again would be work at the end that nothing
    overlaps (1,000,000 events: ~3 s less in all).
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.triggers: list[str] = []
        self.after: dict[str, int] = {}
        self.indexed: dict[str, int] = {}  # rowids up to these are in the full-text index
        for table in build.FTS_COLUMNS:
            row = conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                (f"{table}_ai",),
            ).fetchone()
            self.after[table] = conn.execute(
                f"SELECT coalesce(max(rowid), 0) FROM {table}"
            ).fetchone()[0]
            self.indexed[table] = self.after[table]
            self.triggers.append(str(row[0]))
            conn.execute(f"DROP TRIGGER {table}_ai")
            # FTS5 flushes its pending terms to a new segment each `hashsize` bytes (1 MiB by
            # default): 32 MiB means fewer segments to write and merge (~1/3 less time), and
            # bounded memory; set back to the default at the end.
            fts = f"{table}_fts"
            conn.execute(f"INSERT INTO {fts} ({fts}, rank) VALUES ('hashsize', ?)", (FTS_HASH,))
        self.indexes: list[str] = []

    def bulky(self, added: int) -> bool:
        """Whether the secondary indexes are still there and `added` rows are enough to
        drop them (see bulk)."""
        return not self.indexes and added >= max(BULK, self.after["events"] + self.after["facts"])

    def bulk(self) -> None:
        for name, sql in self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('events', 'facts') ORDER BY name"
        ).fetchall():
            self.indexes.append(str(sql))
            self.conn.execute(f'DROP INDEX "{name}"')

    def index(self, table: str) -> None:
        """Index the rows added to table since the last call (rowids only grow)."""
        names = ", ".join(build.FTS_COLUMNS[table])
        self.conn.execute(
            f"INSERT INTO {table}_fts (rowid, {names}) "
            f"SELECT rowid, {names} FROM {table} WHERE rowid > ?",
            (self.indexed[table],),
        )
        top = self.conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0]
        self.indexed[table] = max(self.indexed[table], top or 0)

    def finish(self) -> None:
        for sql in self.indexes:
            self.conn.execute(sql)
        for table in build.FTS_COLUMNS:
            self.index(table)
            fts = f"{table}_fts"
            self.conn.execute(f"INSERT INTO {fts} ({fts}, rank) VALUES ('hashsize', ?)", (1 << 20,))
        for sql in self.triggers:
            self.conn.execute(sql)


def _unlink(conn: sqlite3.Connection, ledger: Ledger, kind: str, rid: str) -> None:
    """Take a record's digest out of the ledger and its actors, topics and notes out of the
    link tables (its row is then rewritten, or deleted)."""
    ledger.remove(conn, f"{kind}s", "t.id = ?", (rid,))
    for link in ("actors", "topics", "notes"):
        conn.execute(f"DELETE FROM {kind}_{link} WHERE {kind} = ?", (rid,))


class _RolledBack(Exception):
    """Raised inside a transaction to roll it back (a dry run), carrying what it found."""

    def __init__(self, found: list[tuple[str, str]]) -> None:
        super().__init__("rolled back")
        self.found = found


def delete_records(
    conn: sqlite3.Connection, ids: Sequence[str], *, dry_run: bool = False
) -> list[tuple[str, str]]:
    """Delete events and facts by id, with their links, in one transaction; return (kind, id)
    of each. An unknown id, or an event whose figures are not deleted with it, is refused
    before anything is written."""
    with transaction(conn) as ledger:  # (the ids read under the write lock)
        ledger.exact = True
        found: list[tuple[str, str]] = []
        for rid in dict.fromkeys(ids):
            kind = conn.execute(
                "SELECT 'event' FROM events WHERE id = ? UNION ALL "
                "SELECT 'fact' FROM facts WHERE id = ?",
                (rid, rid),
            ).fetchone()
            if kind is None:
                query.show(conn, rid)  # raises "no event or fact with id", with its hints
            found.append((str(kind[0]), rid))
        events = {rid for kind, rid in found if kind == "event"}
        facts = {rid for kind, rid in found if kind == "fact"}
        for event in sorted(events):
            kept = [
                str(r[0])
                for r in conn.execute("SELECT id FROM facts WHERE event = ? ORDER BY id", (event,))
                if str(r[0]) not in facts
            ]
            if kept:  # (a figure whose event is gone would fail check)
                import shlex

                raise RusinoError(
                    f"event {event!r} has figures that would be left without it: "
                    + ", ".join(kept[:3])
                    + (f" and {len(kept) - 3} more" if len(kept) > 3 else ""),
                    f"delete them with it: rusino delete {shlex.join([event, *kept])}",
                )
        for kind, rid in found:
            _unlink(conn, ledger, kind, rid)
            conn.execute(f"DELETE FROM {kind}s WHERE id = ?", (rid,))
        if dry_run:
            raise _RolledBack(found)
    return found


def delete_or_dry_run(
    conn: sqlite3.Connection, ids: Sequence[str], *, dry_run: bool = False
) -> list[tuple[str, str]]:
    """delete_records; a dry run rolls the transaction back and returns what it would delete."""
    try:
        return delete_records(conn, ids, dry_run=dry_run)
    except _RolledBack as done:
        return done.found


class _DryRun(Exception):
    def __init__(self, summary: Summary) -> None:
        super().__init__("dry run")
        self.summary = summary


def import_or_dry_run(
    conn: sqlite3.Connection, rows: Iterable[Row], opts: Options, **kw: Any
) -> Summary:
    """import_rows; with opts.dry_run the transaction is rolled back after a full validation."""
    try:
        return import_rows(conn, rows, opts, **kw)
    except _DryRun as done:
        return done.summary


def add_source(conn: sqlite3.Connection, fields: dict[str, Any]) -> tuple[str, bool]:
    """Add one source (authors, title, publication, date, kind, url...); return its id and
    whether it was added (False: the database holds it already, as given)."""
    fields = {k: v for k, v in fields.items() if v is not None}
    if not fields.get("id") and not any(str(a).strip() for a in fields.get("authors") or []):
        # no author to make an id of: said without one ("source 'source'" had named it)
        raw = build.Raw("add source", "source", 0, {**fields, "id": "new-source"}, build.ROW_HINT)
        try:
            build.normalise(raw)
        except RusinoError as exc:
            raise RusinoError(
                exc.message.replace(f"{raw.label}: ", "add source: "), exc.hint
            ) from None
    if not fields.get("id"):
        authors = fields.get("authors") or []
        first = str(authors[0]) if authors else ""
        # "Kim, Younkyoo" (as the bundled sources write names), "Younkyoo Kim", or an
        # organisation's whole name ("{World Bank}": world-bank)
        name, given = query.split_name(first) if first.strip() else ("", "")
        name = re.sub(r"['\u2019]", "", name)  # O'Brien is obrien, not o
        family = slug(name or fields.get("publication", ""), 3 if given else 6)
        fields["id"] = f"{family or 'source'}-{str(fields.get('date', ''))[:4]}".strip("-")
    raw = build.Raw("add source", "source", 0, fields, build.ROW_HINT)
    record = build.normalise(raw)
    build.check_source(raw, record)
    try:
        record["date_start"], record["date_end"], _ = date_bounds(record["date"])
    except RusinoError as exc:
        raise raw.error(f"field 'date': {exc.message}", exc.hint) from None
    record["authors"] = json.dumps(record["authors"], ensure_ascii=False)
    columns = list(record)
    stored = conn.execute(
        f"SELECT {', '.join(columns)} FROM sources WHERE id = ?", (record["id"],)
    ).fetchone()
    if stored is not None:
        if tuple(stored) == tuple(record[c] for c in columns):
            return str(record["id"]), False  # the same source again: a script may run twice
        raise RusinoError(
            f"source {record['id']!r} already exists, with other fields", "pass another --id"
        )
    with transaction(conn) as ledger:
        ledger.exact = True
        if conn.execute("SELECT 1 FROM sources WHERE id = ?", (record["id"],)).fetchone():
            # another writer added it since the look above
            raise RusinoError(f"source {record['id']!r} already exists", "pass another --id")
        conn.execute(
            f"INSERT INTO sources ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [record[c] for c in columns],
        )
        ledger.add(conn, "sources", "t.id = ?", (record["id"],))
    return str(record["id"]), True


def add_record(
    conn: sqlite3.Connection, kind: str, fields: dict[str, Any], opts: Options
) -> tuple[str, Summary]:
    """Add one event or fact; the id is made from date and summary (subject) unless given."""
    fields = {k: v for k, v in fields.items() if v is not None}
    if isinstance(fields.get("id"), str):
        fields["id"] = unicodedata.normalize("NFC", fields["id"])  # as it is stored, and said
    named = "summary" if kind == "event" else "subject"
    text = fields.get(named)
    made = not fields.get("id") and isinstance(fields.get("date"), str) and isinstance(text, str)
    if made:
        with contextlib.suppress(RusinoError):  # a bad date is reported by the validation
            fields["id"] = make_id(fields["date"], str(text))
    fields["type"] = kind
    try:
        summary = import_or_dry_run(conn, [(f"new {kind}", fields, None)], opts)
    except InvalidRows as exc:
        if made and any("exists with different content" in p for p in exc.problems):
            # not "pass --replace": that would overwrite another record that shares the id
            raise RusinoError(
                f"{'an' if kind == 'event' else 'a'} {kind} with the id {fields['id']!r} "
                f"(made from the date and {named}) exists with other content",
                f"if it is another {kind}, give this one its own --id; if it is the same one "
                "changed, pass --replace to update it",
            ) from None
        raise
    return str(fields.get("id", "")), summary
