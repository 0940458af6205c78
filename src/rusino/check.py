"""`rusino check`: validate a built database, one human-readable line per problem.

Pure core: returns the lines, never prints. Every line starts with the record id or the table
it is about, so a user can find it.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from rusino import build, db, figures
from rusino.db import SCHEMA_VERSION, busy_error, connect, has_bundle_mark, is_busy
from rusino.errors import RusinoError

# date_bounds: build's, cached, fast for ISO (edtf takes ~4 ms a date); article: as add reads it
from rusino.store import article, date_bounds

_ITEMS = ("event", "fact")  # the two record tables: events/facts and their join tables

# (what, the SQL yielding (owner, missing value) for a reference to nothing)
_DANGLING = (
    ("source", "SELECT id, source FROM events WHERE source NOT IN (SELECT id FROM sources)"),
    ("source", "SELECT id, source FROM facts WHERE source NOT IN (SELECT id FROM sources)"),
    (
        "event",
        "SELECT id, event FROM facts WHERE event IS NOT NULL "
        "AND event NOT IN (SELECT id FROM events)",
    ),
    (
        "country",
        "SELECT name, country FROM actors WHERE country != '' "
        "AND country NOT IN (SELECT name FROM actors)",
    ),
    (
        "actor",
        "SELECT 'actor_aliases ' || alias, actor FROM actor_aliases "
        "WHERE actor NOT IN (SELECT name FROM actors)",
    ),
    (
        "topic",
        "SELECT 'topic_aliases ' || alias, topic FROM topic_aliases "
        "WHERE topic NOT IN (SELECT name FROM topics)",
    ),
    (
        "source",
        "SELECT 'note ' || source || ' #' || number, source FROM notes "
        "WHERE source NOT IN (SELECT id FROM sources)",
    ),
    *(
        (
            "actor",
            f"SELECT {item}, actor FROM {item}_actors WHERE actor NOT IN (SELECT name FROM actors)",
        )
        for item in _ITEMS
    ),
    *(
        (
            "topic",
            f"SELECT {item}, topic FROM {item}_topics WHERE topic NOT IN (SELECT name FROM topics)",
        )
        for item in _ITEMS
    ),
    *(
        (
            item,
            f"SELECT '{item}_{kind}', {item} FROM {item}_{kind} "
            f"WHERE {item} NOT IN (SELECT id FROM {item}s)",
        )
        for item in _ITEMS
        for kind in ("actors", "topics", "notes")
    ),
    *(
        (
            "note",
            f"SELECT {item}, source || ' #' || number FROM {item}_notes AS n "
            "WHERE NOT EXISTS (SELECT 1 FROM notes "
            "WHERE notes.source = n.source AND notes.number = n.number)",
        )
        for item in _ITEMS
    ),
)


def check_database(
    db_path: Path,
    data_dir: Path | None = None,
    sources_dir: Path | None = None,
    *,
    every_article: bool = True,
) -> list[str]:
    """Every problem found in the database at db_path, one line each; [] when it is sound.

    With data_dir, also compare it with a fresh build of that folder; with sources_dir (the
    article texts, env RUSINO_SOURCES_DIR), also look for every quote verbatim in its article,
    and (``every_article``, as for the bundled data) report a source that names no article.
    Raises RusinoError only when db_path is not a rusino database at all.
    """
    conn = connect(db_path, readonly=True)
    problems: list[str] = []
    try:
        checks = (_dates, _required, _ids, _dangling, _note_sources, _derived, _metadata, _texts)
        for check in checks:
            try:
                problems.extend(check(conn))
            except sqlite3.Error as exc:  # a table or column missing: say so, keep checking
                if is_busy(exc):  # another process's write: no problem in the data
                    raise busy_error(db_path) from None
                problems.append(f"database: {check.__name__.strip('_')} check failed: {exc}")
        if sources_dir is not None:
            problems.extend(_quotes(conn, sources_dir, every_article))
    finally:
        conn.close()
    problems.extend(_fts(db_path))
    if data_dir is not None:
        problems.extend(_stale(db_path, data_dir))
    return problems


def _dates(conn: sqlite3.Connection) -> Iterator[str]:
    for table in ("events", "facts"):
        select = f"SELECT id, date, date_start, date_end, precision, in_window FROM {table}"
        for rid, edtf, start, end, precision, window in conn.execute(select):  # streamed
            if start > end:
                yield f"{rid}: date_start {start} is after date_end {end}"
            try:
                expected = date_bounds(edtf)
            except RusinoError as exc:
                yield f"{rid}: {exc.message}"
                continue
            if (start, end, precision) != expected:
                yield (
                    f"{rid}: stored bounds {start}..{end} ({precision}) disagree with date "
                    f"{edtf!r}, which is {expected[0]}..{expected[1]} ({expected[2]})"
                )
            if bool(window) != build.in_window(expected[0], expected[1]):
                yield f"{rid}: in_window is {window} but {edtf!r} is " + (
                    "inside 2009-2016" if not window else "outside 2009-2016"
                )
    for rid, edtf, start, end in conn.execute(
        "SELECT id, date, date_start, date_end FROM sources"
    ).fetchall():
        try:
            expected = date_bounds(edtf)
        except RusinoError as exc:
            yield f"source {rid}: {exc.message}"
            continue
        if (start, end) != expected[:2]:
            yield f"source {rid}: stored bounds {start}..{end} disagree with date {edtf!r}"


def _required(conn: sqlite3.Connection) -> Iterator[str]:
    for item in _ITEMS:
        table = f"{item}s"
        for (rid,) in conn.execute(
            f"SELECT id FROM {table} WHERE source IS NULL OR trim(source) = ''"
        ).fetchall():
            yield f"{rid}: no source"
        for (rid,) in conn.execute(
            f"SELECT id FROM {table} WHERE quote IS NULL OR trim(quote) = ''"
        ).fetchall():
            yield f"{rid}: empty quote"
        for link in ("actor", "topic"):
            for (rid,) in conn.execute(
                f"SELECT id FROM {table} WHERE id NOT IN (SELECT {item} FROM {item}_{link}s) "
                "ORDER BY id"
            ).fetchall():
                yield f"{rid}: no {link}"
    for (rid,) in conn.execute("SELECT id FROM events WHERE trim(summary) = ''").fetchall():
        yield f"{rid}: empty summary"
    for (rid,) in conn.execute(
        "SELECT id FROM facts WHERE unit IS NULL OR trim(unit) = ''"
    ).fetchall():
        yield f"{rid}: fact has no unit"
    for rid, value in conn.execute(
        "SELECT id, value FROM facts WHERE typeof(value) NOT IN ('integer', 'real')"
    ).fetchall():
        yield f"{rid}: value {value!r} is not a number"
    for rid, value_max in conn.execute(
        "SELECT id, value_max FROM facts "
        "WHERE value_max IS NOT NULL AND typeof(value_max) NOT IN ('integer', 'real')"
    ).fetchall():
        yield f"{rid}: value_max {value_max!r} is not a number"
    for rid, value, value_max in conn.execute(
        "SELECT id, value, value_max FROM facts WHERE value_max IS NOT NULL "
        "AND typeof(value) IN ('integer', 'real') AND typeof(value_max) IN ('integer', 'real') "
        "AND value > value_max"
    ).fetchall():
        yield f"{rid}: value {value} is greater than value_max {value_max}"
    for rid, value, value_max, as_written, unit in conn.execute(
        "SELECT id, value, value_max, as_written, unit FROM facts "
        "WHERE typeof(value) IN ('integer', 'real') AND typeof(as_written) = 'text'"
    ):  # streamed
        if isinstance(value_max, int | float) or value_max is None:
            problem = figures.disagreement(as_written, value, value_max, str(unit or ""))
            if problem:
                yield f"{rid}: {problem}"


# table: (how a row is named in a message, its text fields)
_TEXT_FIELDS = {
    "events": ("id", ("summary", "date_text", "quote", "comment")),
    "facts": ("id", ("subject", "as_written", "unit", "kind", "date_text", "quote", "comment")),
    "sources": ("'source ' || id", ("title", "publication", "publisher", "url", "authors")),
    "notes": ("'note ' || source || ' #' || number", ("text",)),
    "actors": ("'actor ' || name", ("name", "country")),
    "actor_aliases": ("'actor ' || actor", ("alias",)),
    "topics": ("'topic ' || name", ("name", "description")),
    "topic_aliases": ("'topic ' || topic", ("alias",)),
}


def _texts(conn: sqlite3.Connection) -> Iterator[str]:
    """Texts a write would refuse: a control character (an ESC sequence reaches a terminal
    through tsv), a line break in a one-line field; written by an older rusino, or by hand.
    Such a database had passed, and its export did not import back."""
    for table, (owner, fields) in _TEXT_FIELDS.items():
        for row in conn.execute(f"SELECT {owner}, {', '.join(fields)} FROM {table}"):
            for name, value in zip(fields, row[1:], strict=True):
                texts = [str(value or "")]
                if name == "authors":
                    authors = build.authors_of(value)
                    if authors is None:  # (export had written, or failed on, what import refuses)
                        yield f"{row[0]}: authors is not a JSON list of names"
                        continue
                    texts = authors
                for text in texts:
                    bad = build.bad_character(name, text)
                    if bad:
                        yield f"{row[0]}: {name} holds {bad}"
                        break


def _ids(conn: sqlite3.Connection) -> Iterator[str]:
    for table in ("events", "facts"):
        for (rid,) in conn.execute(
            f"SELECT id FROM {table} GROUP BY id HAVING count(*) > 1"
        ).fetchall():
            yield f"{rid}: id used by more than one row of {table}"
    for (rid,) in conn.execute(
        "SELECT id FROM events INTERSECT SELECT id FROM facts ORDER BY 1"
    ).fetchall():
        yield f"{rid}: id used by both an event and a fact"


def _dangling(conn: sqlite3.Connection) -> Iterator[str]:
    for what, select in _DANGLING:
        for owner, target in conn.execute(f"{select} ORDER BY 1, 2").fetchall():
            yield f"{owner}: {what} {target!r} does not exist"


def _note_sources(conn: sqlite3.Connection) -> Iterator[str]:
    """A record may only cite the notes of its own article."""
    for item in _ITEMS:
        for rid, note_source, number, source in conn.execute(
            f"SELECT n.{item}, n.source, n.number, r.source FROM {item}_notes AS n "
            f"JOIN {item}s AS r ON r.id = n.{item} WHERE n.source != r.source ORDER BY 1, 3"
        ).fetchall():
            yield f"{rid}: cites note {note_source} #{number}, but its source is {source}"


def _derived(conn: sqlite3.Connection) -> Iterator[str]:
    """Each event's lists and digest (derived columns) against its rows, in one pass."""
    names = build.DERIVED["events"]
    n = len(build.content_columns(conn, "events"))
    stored = ", ".join(f"t.{c}" for c in names)
    for row in build.records(conn, "events", extra=stored):
        want = build.derived_event_columns(row[:n], row[n : n + 3])
        have = tuple(row[n + 3 :])
        if have != want:
            wrong = ", ".join(c for c, a, b in zip(names, have, want, strict=True) if a != b)
            yield f"{row[0]}: stale {wrong} (`rusino db upgrade` rewrites them from its rows)"


def _metadata(conn: sqlite3.Connection) -> Iterator[str]:
    stored = db.metadata(conn)
    version = stored.get("schema_version")
    if version != str(SCHEMA_VERSION):
        yield f"metadata: schema_version is {version!r}, expected {SCHEMA_VERSION}"
    for key, count in build.counts(conn).items():
        if stored.get(key) != str(count):
            yield f"metadata: {key} is {stored.get(key)!r} but the rows count {count}"
    if stored.get("content_hash") != build.content_hash(conn):
        yield (
            "metadata: content_hash does not match the rows (changed by another tool? "
            "`rusino db upgrade` rewrites it for your own database, `rusino db build` for "
            "the bundled one)"
        )


def _fts(db_path: Path) -> Iterator[str]:
    """The full-text indexes agree with their tables (FTS5's own integrity-check).

    integrity-check is written as an INSERT, so it runs on a scratch copy: the database
    itself stays untouched and may be read-only.
    """
    with tempfile.TemporaryDirectory(prefix="rusino-check-") as scratch:
        copy = Path(scratch) / "copy.sqlite"
        shutil.copyfile(db_path, copy)
        conn = sqlite3.connect(copy)
        try:
            for table in build.FTS_COLUMNS:
                fts = f"{table}_fts"
                try:
                    conn.execute(f"INSERT INTO {fts}({fts}, rank) VALUES('integrity-check', 1)")
                except sqlite3.Error as exc:
                    yield f"{fts}: full-text index does not match {table} ({exc})"
        finally:
            conn.close()


def _quotes(conn: sqlite3.Connection, sources_dir: Path, every_article: bool) -> Iterator[str]:
    """Every quote, and every note's text, appears verbatim (whitespace folded) in its article.
    A source whose article is not at hand (one a user added, naming no file or one elsewhere)
    is passed over unless every_article, as add and import pass it over."""
    articles: dict[str, tuple[str, str]] = {}  # source id -> (file name, folded text)
    for source, file in conn.execute("SELECT id, file FROM sources ORDER BY id").fetchall():
        if not file:
            if every_article:
                yield f"source {source}: no `file` naming its article in {sources_dir}"
            continue
        path = sources_dir / file
        try:
            articles[source] = (file, build.fold(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:  # ValueError: not UTF-8, or a NUL in the name
            if every_article:
                why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                if isinstance(exc, FileNotFoundError):  # (Python's errno text had been shown)
                    why = f"no such file in {sources_dir} (is it the articles' folder?)"
                yield f"source {source}: cannot read its article {file}: {why}"
    for table in ("events", "facts"):
        for rid, source, quote in conn.execute(
            f"SELECT id, source, quote FROM {table} ORDER BY id"
        ).fetchall():
            if source in articles and build.fold(quote) not in articles[source][1]:
                yield f"{rid}: quote not found in {articles[source][0]}: {quote[:60]!r}"
    for source, number, text in conn.execute(
        "SELECT source, number, text FROM notes ORDER BY source, number"
    ).fetchall():
        if source in articles and build.fold(text) not in articles[source][1]:
            yield f"note {source} #{number}: text not found in {articles[source][0]}: {text[:60]!r}"


def unchecked_records(conn: sqlite3.Connection, sources_dir: Path) -> int:
    """How many events and facts cite a source whose article is not at hand in sources_dir
    (as add and import find it): their quotes were not looked up."""
    away = [
        str(sid)
        for sid, file in conn.execute("SELECT id, file FROM sources")
        if article(sources_dir, str(file)) is None
    ]
    found = conn.execute(
        "SELECT count(*) FROM (SELECT source FROM events UNION ALL SELECT source FROM facts)"
        " WHERE source IN (SELECT value FROM json_each(?))",
        (json.dumps(away),),
    )
    return int(found.fetchone()[0])


def _stale(db_path: Path, data_dir: Path) -> Iterator[str]:
    """The database holds exactly what a fresh build of data_dir would."""
    with tempfile.TemporaryDirectory(prefix="rusino-check-") as scratch:
        fresh_path = Path(scratch) / "fresh.sqlite"
        try:
            build.build_database(data_dir, fresh_path)
        except RusinoError as exc:
            yield f"{data_dir}: cannot be built: {exc.message}"
            return
        fresh = sqlite3.connect(fresh_path)
        built = connect(db_path, readonly=True)
        try:
            if build.content_hash(fresh) == build.content_hash(built):
                return
            tables = [
                t for t in build.CONTENT_TABLES if _table_rows(fresh, t) != _table_rows(built, t)
            ]
            # `db build` makes the bundled database again; any other (one's own, made by
            # `db init` and `add`) may differ from the folder for good reason
            rebuild = f"rusino db build --data {data_dir} --out {db_path}"
            again = (
                f"`{rebuild}` makes it again"
                if has_bundle_mark(built)
                else f"if it is a build of {data_dir}, `{rebuild} --force` makes it again; a "
                "database of your own (db init, add) is not"
            )
            yield (
                f"{db_path} differs from a fresh build of {data_dir} in "
                f"{', '.join(tables) or 'column layout'} ({again})"
            )
        except sqlite3.Error as exc:
            yield f"{db_path} cannot be compared with a fresh build of {data_dir}: {exc}"
        finally:
            fresh.close()
            built.close()


def _table_rows(conn: sqlite3.Connection, table: str) -> list[tuple[object, ...]]:
    return sorted((tuple(row) for row in conn.execute(f"SELECT * FROM {table}")), key=repr)
