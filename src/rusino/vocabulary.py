"""What events and facts refer to, as rows of an export and of an import: sources (with their
notes), actors and topics (with their aliases).

`rusino export` of a whole database writes them first, as ``{"type": "source", ...}``,
``{"type": "actor", ...}`` and ``{"type": "topic", ...}`` rows, so that `rusino import` of the file
into any database, even one made with ``db init --empty``, rebuilds the same database: nothing
lost. An import adds such a record when the database lacks it, counts it unchanged when the
database has it as written, and refuses it (with the row's line) when the database has it
otherwise: they are shared by every event that names them, so an import does not replace them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from rusino import build, query
from rusino.errors import ExitCode, RusinoError

if TYPE_CHECKING:  # rusino.store imports this module
    from rusino.store import Ledger, Validator

KINDS = ("source", "actor", "topic")
_SHARED = (
    "an import adds sources, actors and topics, but never changes them: make the row match, "
    "or leave it out"
)
_SOURCE_COLUMNS = tuple(build.SPECS["source"])  # the sources table's own, but the date bounds


def rows(conn: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    """Every source, actor and topic as an export row, in that order, each sorted by its key."""
    columns = ", ".join(_SOURCE_COLUMNS)
    for values in conn.execute(f"SELECT {columns} FROM sources ORDER BY id").fetchall():
        row: dict[str, Any] = {"type": "source", **dict(zip(_SOURCE_COLUMNS, values, strict=True))}
        row["authors"] = build.authors_of(row["authors"])
        if row["authors"] is None:  # (written by another tool: `rusino check` says so)
            raise RusinoError(
                f"source {row['id']}: its authors are not a JSON list of names",
                "run `rusino check`, and correct it with another SQLite tool",
                ExitCode.ERROR,
            )
        row["notes"] = [{"number": n, "text": t} for n, t in _notes(conn, row["id"])]
        yield row
    for what, extra in (("actor", "kind, country"), ("topic", "description")):
        aliases: dict[str, list[str]] = {}
        for alias, name in conn.execute(f"SELECT alias, {what} FROM {what}_aliases ORDER BY alias"):
            if alias != query.alias_key(name):  # every name is an alias of itself
                aliases.setdefault(name, []).append(alias)
        for record in conn.execute(f"SELECT name, {extra} FROM {what}s ORDER BY name").fetchall():
            fields = dict(zip(["name", *extra.split(", ")], record, strict=True))
            yield {"type": what, **fields, "aliases": aliases.get(record[0], [])}


def _notes(conn: sqlite3.Connection, source: str) -> list[tuple[int, str]]:
    """(number, text) of a source's notes, in order."""
    rows = conn.execute(
        "SELECT number, text FROM notes WHERE source = ? ORDER BY number", (source,)
    ).fetchall()
    return [(int(n), str(t)) for n, t in rows]


class Importer:
    """Adds an import's source, actor and topic rows, inside its transaction, and tells the
    validator, so that the events and facts after them may name them."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        validator: Validator,
        ledger: Ledger,
        idle: Callable[[], None],
    ) -> None:
        self.conn = conn
        self.validator = validator
        self.ledger = ledger
        self.idle = idle  # waits until the import's writer thread leaves the connection
        self.added: dict[str, int] = dict.fromkeys(KINDS, 0)
        self.unchanged: dict[str, int] = dict.fromkeys(KINDS, 0)
        self.countries: list[tuple[build.Raw, str, str]] = []  # (row, actor, country) to resolve

    def line(self) -> str:
        """ "; 1 source, 3 actors added; 2 topics unchanged", or "" when there were none."""
        parts = []
        for counts, verb in ((self.added, "added"), (self.unchanged, "unchanged")):
            named = [f"{n} {k}{'s' if n != 1 else ''}" for k, n in counts.items() if n]
            if named:
                parts.append(f"{', '.join(named)} {verb}")
        return "".join(f"; {p}" for p in parts)

    def finish(self) -> list[str]:
        """Resolve the countries that named an actor not known when their row was read, once
        every row is; the problems of those that name none."""
        problems = []
        for raw, name, country in self.countries:
            canonical = self.validator.actors.get(query.alias_key(country))
            if canonical is None:
                hint = "add the country's actor row, or leave 'country' empty"
                error = raw.error(f"field 'country': {country!r} is not an actor", hint)
                problems.append(str(error))
            elif canonical != country:
                self.idle()
                self.ledger.remove(self.conn, "actors", "t.name = ?", (name,))
                self.conn.execute("UPDATE actors SET country = ? WHERE name = ?", (canonical, name))
                self.ledger.add(self.conn, "actors", "t.name = ?", (name,))
        return problems

    def row(self, kind: str, fields: dict[str, Any], where: str) -> None:
        """Add (or find unchanged) one record; RusinoError names what is wrong with it."""
        fields = {k: v for k, v in fields.items() if k != "type"}
        self.idle()
        if kind == "source":
            self._source(fields, where)
        else:
            self._named(kind, fields, where)

    def _source(self, fields: dict[str, Any], where: str) -> None:
        notes = fields.pop("notes", [])
        raw = build.Raw(where, "source", 0, fields, build.ROW_HINT)
        record = build.normalise(raw)
        try:
            notes = sorted((int(n["number"]), str(n["text"])) for n in notes)
        except (KeyError, TypeError, ValueError):
            raise raw.error(
                'field \'notes\' must be a list of {"number": N, "text": "..."}'
            ) from None
        if len({n for n, _ in notes}) != len(notes):
            raise raw.error("a note number is listed twice in 'notes'")
        for number, text in notes:
            if number < 1 or not text.strip():
                raise raw.error(
                    f"field 'notes': note {number} must be numbered from 1 and have a text",
                    'notes are [{"number": 1, "text": "..."}, ...], as the article numbers them',
                )
        file = record["file"]
        if file and (file in (".", "..") or "/" in file or "\\" in file or not file.isprintable()):
            raise raw.error(
                f"field 'file': {file!r} is not a file name",
                "name the article's text file in RUSINO_SOURCES_DIR, without a folder",
            )
        try:
            start, end, _ = build.date_bounds(record["date"])
        except RusinoError as exc:
            raise raw.error(f"field 'date': {exc.message}", exc.hint) from None
        build.check_source(raw, record)
        sid = record["id"]
        columns = ", ".join(_SOURCE_COLUMNS)
        stored = self.conn.execute(f"SELECT {columns} FROM sources WHERE id = ?", (sid,)).fetchone()
        if stored is not None:
            have = dict(zip(_SOURCE_COLUMNS, stored, strict=True))
            have["authors"] = json.loads(have["authors"])
            if have != {c: record[c] for c in _SOURCE_COLUMNS} or _notes(self.conn, sid) != notes:
                raise raw.error(f"source {sid!r} exists with different content", _SHARED)
            self.unchanged["source"] += 1
            return
        record["authors"] = json.dumps(record["authors"], ensure_ascii=False)
        values = [record[c] for c in _SOURCE_COLUMNS] + [start, end]
        marks = ", ".join("?" * len(values))
        self.conn.execute(
            f"INSERT INTO sources ({columns}, date_start, date_end) VALUES ({marks})", values
        )
        self.conn.executemany(
            "INSERT INTO notes (source, number, text) VALUES (?, ?, ?)",
            [(sid, n, t) for n, t in notes],
        )
        self.ledger.add(self.conn, "sources", "t.id = ?", (sid,))
        self.ledger.add(self.conn, "notes", "t.source = ?", (sid,))
        self.validator.sources.add(sid)
        self.validator.notes.update((sid, n) for n, _ in notes)
        if file:
            self.validator.add_article(sid, file)
        article = self.validator.articles.get(sid)
        if article is not None:  # as `rusino check` will look
            for number, text in notes:
                if build.fold(text) not in article[1]:
                    raise raw.error(
                        f"note {number}: its text is not in the article ({file})",
                        "give the note's text as the article prints it",
                    )
        self.added["source"] += 1

    def _named(self, kind: str, fields: dict[str, Any], where: str) -> None:
        raw = build.Raw(where, kind, 0, fields, build.ROW_HINT)
        record = build.normalise(raw)
        name = query.clean_name(str(record["name"]))
        build.check_list_items(raw, f"{kind} name or alias", [name, *record["aliases"]], names=True)
        if kind == "actor" and record["kind"] not in build.ACTOR_KINDS:
            raise raw.error(
                f"actor kind {record['kind']!r} is not one of {', '.join(build.ACTOR_KINDS)}"
            )
        v = self.validator
        known: dict[str, str] = v.actors if kind == "actor" else v.topics
        pending: dict[str, str] = v.pending_actors if kind == "actor" else v.pending_topics
        keys = sorted({query.alias_key(name), *(query.alias_key(a) for a in record["aliases"])})
        if kind == "actor" and record["country"]:  # an actor's name or alias, as the build has it
            country = known.get(query.alias_key(record["country"]))
            if country is None:  # perhaps a row further on (export writes actors by name)
                self.countries.append((raw, name, record["country"]))
            else:
                record["country"] = country
        extra = ("kind", "country") if kind == "actor" else ("description",)
        values = tuple(record[c] for c in extra)
        if known.get(query.alias_key(name)) == name:
            stored = self.conn.execute(
                f"SELECT {', '.join(extra)} FROM {kind}s WHERE name = ?", (name,)
            ).fetchone()
            have = self.conn.execute(
                f"SELECT alias FROM {kind}_aliases WHERE {kind} = ? ORDER BY alias", (name,)
            ).fetchall()
            if tuple(stored) != values or [a for (a,) in have] != keys:
                raise raw.error(f"{kind} {name!r} exists with different content", _SHARED)
            self.unchanged[kind] += 1
            return
        other = named_otherwise(v, kind, query.alias_key(name))
        if other:  # a topic Japan beside the actor Japan: actor:/topic: could not tell them
            raise raw.error(shared_name(other, kind), f"name the {kind} otherwise")
        for key in keys:
            if key in known:  # an alias names one actor (topic)
                raise raw.error(
                    f"{kind} name or alias {key!r} already names {known[key]!r}",
                    f"drop it from this row's name and aliases, or from {known[key]!r}'s",
                )
            if key in pending:  # made by an earlier row's --new-actor (--new-topic)
                raise raw.error(
                    f"{kind} {key!r} was made new by an earlier row of this import",
                    f"put the {kind} rows before the rows that name them",
                )
        columns = ", ".join(("name", *extra))
        marks = ", ".join("?" * (1 + len(extra)))
        self.conn.execute(f"INSERT INTO {kind}s ({columns}) VALUES ({marks})", (name, *values))
        self.conn.executemany(
            f"INSERT INTO {kind}_aliases (alias, {kind}) VALUES (?, ?)", [(k, name) for k in keys]
        )
        self.ledger.add(self.conn, f"{kind}s", "t.name = ?", (name,))
        self.ledger.add(self.conn, f"{kind}_aliases", f"t.{kind} = ?", (name,))
        known.update(dict.fromkeys(keys, name))
        v.learn(name)
        self.added[kind] += 1


def named_otherwise(validator: Validator, what: str, key: str) -> tuple[str, str] | None:
    """(name, kind) when ``key`` is the name of an actor (topic) where a topic (actor) is
    meant; None otherwise. An alias may be both (asean: the actor ASEAN, the topic
    multilateral), a name may not."""
    kind = "topic" if what == "actor" else "actor"
    v = validator
    # the database's names, and those this import (or this record) makes new: Mongolia as a
    # new actor and a new topic of one record had been both added
    vocab = (v.topics, v.pending_topics) if what == "actor" else (v.actors, v.pending_actors)
    name = vocab[0].get(key) or vocab[1].get(key)
    return (name, kind) if name is not None and query.alias_key(name) == key else None


def shared_name(other: tuple[str, str], what: str) -> str:
    """The message for a new actor (topic) named as a topic (actor) is."""
    name, kind = other
    a = {"actor": "an actor", "topic": "a topic"}
    return f"{name!r} is {a[kind]}, and {a[what]} may not share its name"
