"""data/*.toml -> events.sqlite: load and validate the curated records, then write the database.

Pure core: no typer, no rich. Imports sqlite-utils and edtf, so only `rusino db build` and
`rusino check` import this module.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import math
import os
import re
import sqlite3
import tempfile
import tomllib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import sqlite_utils
from edtf import parse_edtf, struct_time_to_date
from edtf.parser import parser_classes as edtf_classes

from rusino import figures, query
from rusino.dates import past_month
from rusino.db import (
    BUNDLE_MARK,
    BUSY_TIMEOUT,
    SCHEMA_VERSION,
    busy_error,
    has_bundle_mark,
    is_busy,
    is_installed_bundle,
)
from rusino.errors import ExitCode, RusinoError, cut

WINDOW_START = "2009-01-01"
WINDOW_END = "2016-12-31"

PRECISIONS = ("day", "month", "season", "year", "decade")  # finest first

ACTOR_KINDS = ("state", "organisation", "bloc", "person")
QUALIFIERS = ("exact", "about", "almost", "more-than", "less-than", "up-to")
MAX_FIELD = 65536  # characters; longer values are refused (a quote is a sentence, not a book)

# Every table whose rows make up the content; FTS tables are derived and metadata describes them.
CONTENT_TABLES = (
    "sources",
    "notes",
    "actors",
    "actor_aliases",
    "topics",
    "topic_aliases",
    "events",
    "event_actors",
    "event_topics",
    "event_notes",
    "facts",
    "fact_actors",
    "fact_topics",
    "fact_notes",
)

# Words are matched as typed, by prefix (query.fts_query): no stemming, which with prefixes made
# "gas" the stem "ga" and found "game" and "Gazprom"; accents folded ("Sino-Russian" as written).
FTS_TOKENIZE = "unicode61 remove_diacritics 2"

FTS_COLUMNS = {
    "events": ("summary", "quote", "date_text"),
    "facts": ("subject", "as_written", "quote", "date_text"),
}

_DATA_HINT = "see data/README.md for the record format"
# what a bad field of an import or add points to: a pip install has no data/README.md
ROW_HINT = "the fields are the JSON schema's (README: Output formats), as `rusino export` writes"


@dataclass
class Records:
    """Validated records, aliases resolved and dates bounded, each list sorted by its key."""

    sources: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    actors: list[dict[str, Any]] = field(default_factory=list)
    topics: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Dates


# what an id may not hold (spaces, slashes, quotes, which xargs takes as quoting, control and
# invisible characters), or start with
BAD_ID = re.compile(
    r"[\s/\\\"'\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]|^[^\w]"
)


def check_id(raw: Raw, rid: str) -> None:
    """An event's or fact's id is one word that shells, cut and xargs pass whole."""
    if BAD_ID.search(rid):
        raise raw.error(
            f"field 'id': {rid!r} is not one word",
            "an id has no spaces, slashes or quotes and starts with a letter or digit, "
            "so that shells, cut and xargs pass it whole",
        )


def date_bounds(edtf_string: str) -> tuple[str, str, str]:
    """(start, end, precision) of an EDTF date: strict ISO bounds and its coarsest component.

    Raises RusinoError when the string is not EDTF, has an open end or ends before it starts.
    """
    if edtf_string != edtf_string.strip() or not edtf_string:
        raise _bad_date(edtf_string, "empty or padded with spaces")
    if not edtf_string.isascii():  # EDTF's digits are 0-9 (the parser takes fullwidth ones too)
        raise _bad_date(edtf_string, "has characters other than ASCII digits and signs")
    if "T" in edtf_string:  # EDTF's date and time: no view could show it, no --from take it
        raise _bad_date(edtf_string, "has a time: rusino dates are days at most (2012-04-22)")
    try:
        parsed = parse_edtf(edtf_string)
    except Exception as exc:  # edtf raises its own parse errors and bare ValueErrors
        raise _bad_date(edtf_string, _no_such_day(edtf_string) or "does not parse") from exc
    precision = _precision(parsed, edtf_string)
    try:
        start = struct_time_to_date(parsed.lower_strict())
        end = struct_time_to_date(parsed.upper_strict())
    except Exception as exc:  # open ends give infinities, which edtf cannot turn into dates
        raise _bad_date(edtf_string, _no_such_day(edtf_string) or "has no definite bounds") from exc
    winter = _WINTER_END.search(edtf_string)
    if winter and end == date(int(winter.group(1)), 12, 31):
        # the edtf package ends a winter on 31 December; it runs to the end of February
        if end.year == date.max.year:
            raise _bad_date(edtf_string, "its winter runs into the year 10000")
        end = date(end.year + 1, 3, 1) - timedelta(days=1)
    if start > end:
        raise _bad_date(edtf_string, "ends before it starts")
    return start.isoformat(), end.isoformat(), precision


def _no_such_day(edtf_string: str) -> str:
    """Why a day the calendar lacks is none (2013-02-29: February 2013 has 28 days), or ''."""
    for y, m, d in re.findall(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})", edtf_string):
        if why := past_month(int(y), int(m), int(d)):
            return f"has no such day: {why}"
    return ""


# a date that ends with a winter (24; northern 28; southern summer 30), qualified or not
_WINTER_END = re.compile(r"(\d{4})-(?:24|28|30)[?~%]*[\]}]?$")


def in_window(start: str, end: str) -> bool:
    """Whether the range start..end overlaps the core window 2009-01-01..2016-12-31."""
    return date.fromisoformat(start) <= date.fromisoformat(WINDOW_END) and date.fromisoformat(
        end
    ) >= date.fromisoformat(WINDOW_START)


def _bad_date(edtf_string: str, why: str) -> RusinoError:
    return RusinoError(
        f"date {edtf_string!r} is not a usable EDTF date: {why}",
        "write EDTF level 0-2, e.g. 2012-04-22/2012-04-27, 2012-22, 2016-03~, 2008/2013-12",
    )


def _coarsest(precisions: list[str]) -> str:
    return max(precisions, key=PRECISIONS.index)


def _precision(node: Any, edtf_string: str) -> str:
    """The coarsest component of a parsed EDTF date; qualifiers (~ ? %) do not change it."""
    if node is None or isinstance(node, edtf_classes.UnspecifiedIntervalSection):
        raise _bad_date(edtf_string, "open or unknown ends are not supported: give both ends")
    if isinstance(node, edtf_classes.Interval):  # also Level1/Level2 intervals, consecutives
        return _coarsest([_precision(node.lower, edtf_string), _precision(node.upper, edtf_string)])
    if isinstance(node, edtf_classes.OneOfASet | edtf_classes.MultipleDates):
        return _coarsest([_precision(item, edtf_string) for item in node.objects])
    if isinstance(node, edtf_classes.UncertainOrApproximate):
        return _precision(node.date, edtf_string)
    if isinstance(node, edtf_classes.DateAndTime):
        return _precision(node.date, edtf_string)
    if isinstance(node, edtf_classes.Season):
        return "season"
    if isinstance(node, edtf_classes.LongYear):
        return "year"
    if isinstance(node, edtf_classes.Unspecified):
        return _unspecified_precision(node, edtf_string)
    if isinstance(node, edtf_classes.Date):
        return str(node.precision)
    raise _bad_date(edtf_string, f"unsupported EDTF form {type(node).__name__}")


def _unspecified_precision(node: Any, edtf_string: str) -> str:
    """`2013-12-XX` is a month, `2012-XX` a year, `201X` a decade."""
    year = str(node.year or "").lstrip("-")
    month = str(node.month or "")
    day = str(node.day or "")
    if "X" in year:
        if year.endswith("X") and year.count("X") == 1:
            return "decade"
        raise _bad_date(edtf_string, "coarser than a decade")
    if not month or "X" in month:
        return "year"
    if not day or "X" in day:
        return "month"
    return "day"


# --------------------------------------------------------------------------------------------
# Loading and validating the TOML records

_REQUIRED = object()  # marks a field without a default

# kind -> (check, what to say when it fails)
_KINDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "str": (lambda v: isinstance(v, str), "a string"),
    "text": (lambda v: isinstance(v, str) and v.strip() != "", "a non-empty string"),
    "bool": (lambda v: isinstance(v, bool), "true or false"),
    "int": (lambda v: isinstance(v, int) and not isinstance(v, bool), "an integer"),
    "number": (  # (an int is finite, however long: math.isfinite had overflowed on 10**400)
        lambda v: (
            (isinstance(v, int) and not isinstance(v, bool))
            or (isinstance(v, float) and math.isfinite(v))
        ),
        "a number",
    ),
    "names": (
        lambda v: isinstance(v, list) and all(isinstance(i, str) and i.strip() for i in v),
        "a list of non-empty strings",
    ),
    "texts": (
        lambda v: (
            isinstance(v, list) and v != [] and all(isinstance(i, str) and i.strip() for i in v)
        ),
        "a non-empty list of non-empty strings",
    ),
    "ints": (
        lambda v: (
            isinstance(v, list) and all(isinstance(i, int) and not isinstance(i, bool) for i in v)
        ),
        "a list of integers",
    ),
}

Spec = dict[str, tuple[str, object]]

SPECS: dict[str, Spec] = {
    "source": {
        "id": ("text", _REQUIRED),
        "authors": ("texts", _REQUIRED),
        "title": ("text", _REQUIRED),
        "publication": ("str", _REQUIRED),  # may be empty: an op-ed may not name one
        "date": ("text", _REQUIRED),
        "kind": ("text", _REQUIRED),
        "volume": ("str", ""),
        "issue": ("str", ""),
        "pages": ("str", ""),
        "publisher": ("str", ""),
        "url": ("str", ""),
        "file": ("str", ""),
    },
    "note": {
        "source": ("text", _REQUIRED),
        "number": ("int", _REQUIRED),
        "text": ("text", _REQUIRED),
    },
    "actor": {
        "name": ("text", _REQUIRED),
        "kind": ("text", _REQUIRED),
        "country": ("str", ""),
        "aliases": ("names", []),
    },
    "topic": {
        "name": ("text", _REQUIRED),
        "description": ("str", ""),
        "aliases": ("names", []),
    },
    "event": {
        "id": ("text", _REQUIRED),
        "date": ("text", _REQUIRED),
        "date_text": ("text", _REQUIRED),
        "inferred": ("bool", False),
        "summary": ("text", _REQUIRED),
        "actors": ("texts", _REQUIRED),
        "topics": ("texts", _REQUIRED),
        "source": ("text", _REQUIRED),
        "notes": ("ints", []),
        "quote": ("text", _REQUIRED),
        "comment": ("str", ""),
    },
    "fact": {
        "id": ("text", _REQUIRED),
        "subject": ("text", _REQUIRED),
        "value": ("number", _REQUIRED),
        "value_max": ("number", 0),
        "unit": ("text", _REQUIRED),
        "qualifier": ("text", "exact"),
        "as_written": ("text", _REQUIRED),
        "date": ("text", _REQUIRED),
        "date_text": ("text", _REQUIRED),
        "inferred": ("bool", False),
        "kind": ("text", _REQUIRED),
        "actors": ("texts", _REQUIRED),
        "topics": ("texts", _REQUIRED),
        "source": ("text", _REQUIRED),
        "notes": ("ints", []),
        "quote": ("text", _REQUIRED),
        "event": ("str", ""),
        "comment": ("str", ""),
    },
}

# file name -> the one [[table]] it may hold
_FILE_TABLES = (
    ("sources.toml", "source"),
    ("notes-*.toml", "note"),
    ("actors.toml", "actor"),
    ("topics.toml", "topic"),
    ("events-*.toml", "event"),
    ("facts-*.toml", "fact"),
)


@dataclass
class Raw:
    """One [[table]] entry as read, with where it came from for error messages."""

    file: str
    table: str
    index: int
    fields: dict[str, Any]
    hint: str = _DATA_HINT  # where the record format is written: data/README.md for data/*.toml

    @property
    def label(self) -> str:
        key = self.fields.get("id", self.fields.get("name"))
        if self.table == "note":
            key = f"{self.fields.get('source')} #{self.fields.get('number')}"
        ident = repr(key) if isinstance(key, str) else f"#{self.index + 1}"
        return f"{self.file}: {self.table} {ident}"

    def error(self, problem: str, hint: str | None = None) -> RusinoError:
        return RusinoError(f"{self.label}: {problem}", self.hint if hint is None else hint)


def _table_for(path: Path) -> str:
    for pattern, table in _FILE_TABLES:
        if path.match(pattern):
            return table
    raise RusinoError(
        f"{path.name}: not a rusino data file name",
        "name data files sources.toml, notes-<source>.toml, actors.toml, topics.toml, "
        "events-<source>.toml or facts-<source>.toml",
    )


def _read_file(path: Path) -> list[Raw]:
    table = _table_for(path)
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise RusinoError(f"{path.name}: not valid TOML: {exc}", _DATA_HINT) from None
    except OSError as exc:
        raise RusinoError(f"{path.name}: cannot read: {exc.strerror}", _DATA_HINT) from None
    unexpected = sorted(set(document) - {table})
    if unexpected:
        raise RusinoError(
            f"{path.name}: unexpected key {unexpected[0]!r}: this file holds only [[{table}]]",
            _DATA_HINT,
        )
    entries = document.get(table, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise RusinoError(f"{path.name}: {table} must be written as [[{table}]] blocks", _DATA_HINT)
    return [Raw(path.name, table, i, entry) for i, entry in enumerate(entries)]


def normalise(raw: Raw) -> dict[str, Any]:
    """Check field names and types against the table's spec and fill in defaults."""
    spec = SPECS[raw.table]
    unknown = sorted(set(raw.fields) - set(spec))
    if unknown:
        close = difflib.get_close_matches(unknown[0], list(spec), n=1)  # coment: comment
        hint = f"did you mean {close[0]!r}? {raw.hint}" if close else None
        raise raw.error(f"unknown field {unknown[0]!r}", hint)
    missing = [name for name, (_, default) in spec.items()
               if default is _REQUIRED and name not in raw.fields]  # fmt: skip
    if missing:  # all of them at once, not one a run
        s = "s" if len(missing) > 1 else ""
        raise raw.error(f"missing required field{s} {', '.join(map(repr, missing))}")
    record: dict[str, Any] = {}
    for name, (kind, default) in spec.items():
        if name not in raw.fields:
            record[name] = list(default) if isinstance(default, list) else default
            continue
        value = raw.fields[name]
        check, expected = _KINDS[kind]
        if not check(value):
            raise raw.error(f"field {name!r} must be {expected}, not {shown(value)}")
        texts = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
        long = max(map(len, texts), default=0)
        if long > MAX_FIELD:  # a source's title, an actor's name, as an event's quote
            raise raw.error(
                f"field {name!r} is {long} characters long", f"at most {MAX_FIELD} a field"
            )
        for text in texts:
            _check_characters(raw, name, text)
        record[name] = value
    return record


# a control character (but tab and line breaks, and NUL, which is refused with its own reason):
# an ESC sequence in a summary reached a terminal through tsv as it was
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
_LINE_BREAK = re.compile(r"[\n\r\x85\u2028\u2029]")
_MANY_LINES = frozenset(("quote", "text", "comment", "description"))  # may run over lines


def bad_character(name: str, text: str) -> str:
    """What in a text field a write refuses ("a control character (U+001B)"), or ''."""
    bad = _CONTROL.search(text) or (name not in _MANY_LINES and _LINE_BREAK.search(text))
    if not bad:
        return ""
    what = "a line break" if _LINE_BREAK.match(bad[0]) else "a control character"
    return f"{what} (U+{ord(bad[0]):04X})"


def _check_characters(raw: Raw, name: str, text: str) -> None:
    bad = bad_character(name, text)
    if bad:
        raise raw.error(
            f"field {name!r} holds {bad}",
            "leave it out: it is one line of text" if "line" in bad else "leave it out",
        )


def authors_of(stored: Any) -> list[str] | None:
    """A source's authors as stored (a JSON list of names), or None when they are not one
    (another tool's edit): check reports it, export refuses to write it."""
    try:
        authors = json.loads(stored, strict=False)
    except (ValueError, TypeError):
        return None
    ok = (
        isinstance(authors, list)
        and authors
        and all(isinstance(a, str) and a.strip() for a in authors)
    )
    return authors if ok else None


def shown(value: Any) -> str:
    """A value as a message quotes it: a text as Python writes it ('gas'), anything else as
    JSON (true, null, ["1"]), as the file it came from had it; long ones cut."""
    if isinstance(value, str):
        return repr(cut(value, 60))
    try:
        return cut(json.dumps(value, ensure_ascii=False), 60)
    except (TypeError, ValueError):
        return cut(repr(value), 60)


class _Vocabulary:
    """Canonical names and their case-insensitive aliases (actors or topics)."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.aliases: dict[str, str] = {}

    def add(self, raw: Raw, name: str, aliases: list[str]) -> None:
        for alias in [name, *aliases]:
            key = query.alias_key(alias)
            owner = self.aliases.get(key)
            if owner is not None and owner != name:
                raise raw.error(f"alias {alias!r} already belongs to {self.what} {owner!r}")
            self.aliases[key] = name

    def resolve(self, raw: Raw, field_name: str, names: list[str]) -> list[str]:
        resolved: list[str] = []
        for name in names:
            canonical = self.aliases.get(query.alias_key(name))
            if canonical is None:
                raise raw.error(
                    f"unknown {self.what} {name!r} in {field_name!r}",
                    f"use a name or alias from {self.what}s.toml, or add it there",
                )
            if canonical in resolved:
                raise raw.error(f"{self.what} {canonical!r} listed twice in {field_name!r}")
            resolved.append(canonical)
        return sorted(resolved)


def _add_dates(raw: Raw, record: dict[str, Any], *, window: bool = True) -> None:
    try:
        start, end, precision = date_bounds(record["date"])
    except RusinoError as exc:
        raise raw.error(exc.message, exc.hint) from None
    record["date_start"], record["date_end"] = start, end
    if window:
        record["precision"] = precision
        record["in_window"] = in_window(start, end)


def load_records(data_dir: Path) -> Records:
    """Read and validate every *.toml in data_dir; raise RusinoError naming the file and record."""
    if not data_dir.is_dir():
        raise RusinoError(f"no data folder at {data_dir}", "pass the folder holding sources.toml")
    raws: dict[str, list[Raw]] = {table: [] for _, table in _FILE_TABLES}
    for path in sorted(data_dir.glob("*.toml")):
        for raw in _read_file(path):
            raws[raw.table].append(raw)
    if not raws["source"]:
        raise RusinoError(f"no [[source]] records in {data_dir}", "write sources.toml first")

    records = Records()
    sources: dict[str, dict[str, Any]] = {}
    for raw in raws["source"]:
        record = normalise(raw)
        check_source(raw, record)  # as add and import: so that an export imports back
        if record["id"] in sources:
            raise raw.error("duplicate source id")
        _add_dates(raw, record, window=False)
        sources[record["id"]] = record

    notes: set[tuple[str, int]] = set()
    for raw in raws["note"]:
        record = normalise(raw)
        if record["source"] not in sources:
            raise raw.error(f"unknown source {record['source']!r}")
        key = (record["source"], record["number"])
        if key in notes:
            raise raw.error("duplicate note number")
        notes.add(key)
        records.notes.append(record)

    actors = _Vocabulary("actor")
    actor_raws: list[tuple[Raw, dict[str, Any]]] = []
    for raw in raws["actor"]:
        record = normalise(raw)
        if record["name"].lower() in actors.aliases:
            raise raw.error("duplicate actor name (or an alias of another actor)")
        if record["kind"] not in ACTOR_KINDS:
            raise raw.error(f"kind {record['kind']!r} is not one of {', '.join(ACTOR_KINDS)}")
        check_list_items(
            raw, "actor name or alias", [record["name"], *record["aliases"]], names=True
        )
        actor_raws.append((raw, record))
        actors.add(raw, record["name"], record["aliases"])
    for raw, record in actor_raws:  # countries may be declared after the actors in them
        if record["country"]:
            record["country"] = actors.resolve(raw, "country", [record["country"]])[0]
        records.actors.append(record)

    topics = _Vocabulary("topic")
    for raw in raws["topic"]:
        record = normalise(raw)
        if record["name"].lower() in topics.aliases:
            raise raw.error("duplicate topic name (or an alias of another topic)")
        check_list_items(
            raw, "topic name or alias", [record["name"], *record["aliases"]], names=True
        )
        topics.add(raw, record["name"], record["aliases"])
        records.topics.append(record)

    ids: dict[str, str] = {}

    def link(raw: Raw, record: dict[str, Any]) -> None:
        check_id(raw, record["id"])  # as add and import: so that an export imports back
        if record["id"] in ids:
            raise raw.error(f"duplicate id: already used by {ids[record['id']]}")
        ids[record["id"]] = raw.label
        if record["source"] not in sources:
            raise raw.error(f"unknown source {record['source']!r}")
        for number in record["notes"]:
            if (record["source"], number) not in notes:
                raise raw.error(f"note {number} is not among the notes of {record['source']!r}")
        if len(set(record["notes"])) != len(record["notes"]):
            raise raw.error("a note number is listed twice")
        record["notes"] = sorted(record["notes"])
        record["actors"] = actors.resolve(raw, "actors", record["actors"])
        record["topics"] = topics.resolve(raw, "topics", record["topics"])
        _add_dates(raw, record)

    for raw in raws["event"]:
        record = normalise(raw)
        link(raw, record)
        records.events.append(record)
    event_ids = {event["id"] for event in records.events}
    spelt = spellings()  # as import folds them
    for raw in raws["fact"]:
        record = normalise(raw)
        for name, spelling in spelt.items():
            record[name] = spelling.of(record[name])
        link(raw, record)
        check_figure(raw, record)
        record["event"] = record["event"] or None
        if record["event"] is not None and record["event"] not in event_ids:
            raise raw.error(f"event {record['event']!r} is not the id of any event")
        records.facts.append(record)

    records.sources = [sources[key] for key in sorted(sources)]
    records.notes.sort(key=lambda r: (r["source"], r["number"]))
    records.actors.sort(key=lambda r: r["name"])
    records.topics.sort(key=lambda r: r["name"])
    records.events.sort(key=lambda r: r["id"])
    records.facts.sort(key=lambda r: r["id"])
    return records


SPELT = ("unit", "kind")  # a fact's fields whose every spelling is one value


class Spellings:
    """The spellings of a fact's unit (or kind) met so far: each is kept, and one that differs
    from them only in case or padding ("usd", " USD ") is the first of them (USD), so that
    figures in one unit stay together, whether built, added or imported."""

    def __init__(self, spelt: Iterable[str] = (), words: dict[str, str] | None = None) -> None:
        """``spelt``: the spellings a database has, each kept as it is (both of usd and USD);
        ``words``: other names of a value (a unit's: % is percent, tonnes t), unless the
        database spells it so."""
        self.exact: set[str] = set()
        self.folded: dict[str, str] = {}
        self.words = words or {}
        for value in spelt:
            self.exact.add(value)
            self.folded.setdefault(value.casefold(), value)

    def of(self, value: str) -> str:
        value = value.strip()
        if value not in self.exact:
            key = value.casefold()
            if key not in self.folded:  # % had been a unit of its own beside percent
                value = self.words.get(" ".join(key.split()), value)
            value = self.folded.setdefault(value.casefold(), value)
            self.exact.add(value)
        return value


def spellings(spelt: dict[str, Iterable[str]] | None = None) -> dict[str, Spellings]:
    """A Spellings for each of SPELT, a unit's knowing its other names."""
    spelt = spelt or {}
    return {
        name: Spellings(spelt.get(name, ()), _UNIT_NAMES if name == "unit" else None)
        for name in SPELT
    }


# a unit's other names, as a figure is stored: not bcm or tcf, which hold a scale (16 bcm is
# 16e9 m3), nor "number" (a count's unit in words only)
_UNIT_NAMES = {
    k: v for k, v in query.UNIT_WORDS.items() if k not in ("bcm", "tcf") and v != "count"
}


_SEMICOLON = "';' separates the items of a list in tsv and csv: write it without one"


def check_list_items(
    raw: Raw, what: str, items: list[str], place: str = "", *, names: bool = False
) -> None:
    """Refuse a list item holding ';', which tsv and csv put between a list's items, or a NUL,
    where SQLite's functions that make the link rows end a text; and an actor's or topic's
    name (``names``) holding ',', which joins the terms of a diff side (actor:X,topic:Y)."""
    for item in items:
        if ";" in item:
            raise raw.error(f"{what} {item!r}{place} holds ';'", _SEMICOLON)
        if names and "," in item:
            raise raw.error(
                f"{what} {item!r}{place} holds ','",
                "a diff side joins its terms with commas, so no name could be asked for: "
                "write it without one",
            )
        if "\x00" in item:
            raise raw.error(f"{what} {item!r}{place} holds a NUL character", "leave it out")


def check_source(raw: Raw, record: dict[str, Any]) -> None:
    """A source's id, authors and url, as `add source` and an import's source rows have them:
    an id that shells, cut, xargs and a diff side (source:ID) pass whole."""
    sid = record["id"]
    if BAD_ID.search(sid) or re.search(r"[,{}%#~]", sid):  # (BibTeX keys, diff sides)
        raise raw.error(
            f"field 'id': {sid!r} is not one word",
            "a source id has no spaces, slashes, quotes, commas or {}%#~ and starts with a "
            "letter or digit (kim-blank-2013)",
        )
    check_list_items(raw, "author", record["authors"])
    for author in record["authors"]:
        braced = author.startswith("{") and author.endswith("}")
        inner = author[1:-1] if braced else author
        if "{" in inner or "}" in inner or not inner.strip():
            raise raw.error(
                f"author {author!r} is not a name",
                "write an organisation whole in braces, {World Bank}, and nothing else braced",
            )
        family, comma, given = inner.partition(",")
        if not braced and comma and not (family.strip() and given.strip()):
            raise raw.error(  # ", John" and "Smith, " made citations of ". 2015."
                f"author {author!r} is not a name", "write Family, Given or the name whole"
            )
    check_url(raw, record["url"])


_NOT_IN_URLS = frozenset('"<>\\^`{|}')


def _unencoded(url: str) -> str | None:
    """The first character of url that a URL never holds as it is (see web_address)."""
    return next((c for c in url if c in _NOT_IN_URLS or c.isspace() or not c.isprintable()), None)


def web_address(url: str) -> bool:
    """An http(s) address with a host, and no space, control character or character that
    RFC 3986 never leaves unencoded ("<>\\^`{|} and the quote, which would end an HTML
    attribute that holds it)."""
    from urllib.parse import urlsplit

    if _unencoded(url) is not None:
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a port out of range)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def check_url(raw: Raw, url: str) -> None:
    """A source's url is a web address or none: it becomes a link in TimelineJS and HTML, where
    a javascript: or data: one would run."""
    if url and not web_address(url):
        from urllib.parse import quote

        odd = _unencoded(url)
        hint = "write it as https://host/path"
        if odd is not None:  # name it: the address may look right at a glance
            hint = f"{odd!r} is written {quote(odd, safe='')} in a URL"
        raise raw.error(f"field 'url' is {url!r}, not a web address", hint)


def qualifier_named(text: str) -> str:
    """The qualifier a text names in another case or spelling (About, more than, up_to), or
    word (nearly, approximately, over, at most: as the facts QUERY reads them), or ''."""
    folded = re.sub(r"[\s_-]+", "-", text.strip().casefold())
    return folded if folded in QUALIFIERS else _QUALIFIER_WORDS.get(folded, "")


_QUALIFIER_WORDS = {
    **dict.fromkeys(("approximately", "around", "roughly", "circa", "some", "~"), "about"),
    **dict.fromkeys(("nearly", "just-under"), "almost"),
    **dict.fromkeys(("over", "above", "exceeding", "greater-than"), "more-than"),
    **dict.fromkeys(("under", "below", "fewer-than"), "less-than"),
    **dict.fromkeys(("at-most", "no-more-than", "maximum", "max"), "up-to"),
    **dict.fromkeys(("exactly", "="), "exact"),
}


def check_figure(raw: Raw, record: dict[str, Any], *, zero_is_none: bool = True) -> None:
    """A fact's figure: its qualifier known, value_max None unless a range, the range in order,
    and the value one that its wording states (rusino.figures). In data/*.toml a value_max of
    0 means "not a range" (``zero_is_none``); an import or add says so with null instead, and
    its 0 is a value (-5 to 0)."""
    if record["qualifier"] not in QUALIFIERS:
        given = str(record["qualifier"])
        meant = qualifier_named(given) or next(
            iter(difflib.get_close_matches(given.casefold(), QUALIFIERS, n=1)), ""
        )
        raise raw.error(
            f"field 'qualifier': {given!r} is not one of {', '.join(QUALIFIERS)}",
            f"did you mean {meant!r}?" if meant else None,
        )
    if zero_is_none and record["value_max"] == 0:
        record["value_max"] = None
    if record["value_max"] is not None and record["value"] > record["value_max"]:
        raise raw.error(
            f"field 'value_max': value {record['value']} is greater than value_max "
            f"{record['value_max']}"
        )
    problem = figures.disagreement(
        record["as_written"], record["value"], record["value_max"], record["unit"]
    )
    if problem:
        raise raw.error(
            f"field 'as_written': {problem}",
            "fix the value, or as_written: the figure as the source words it",
        )


# --------------------------------------------------------------------------------------------
# Writing the database


def schema_sql() -> str:
    """The schema, read from the package so it works from an installed wheel too."""
    return resources.files("rusino").joinpath("schema.sql").read_text(encoding="utf-8")


def _rows(records: Records) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """(table, rows) in an order that satisfies foreign keys; rows sorted by primary key."""
    yield (
        "sources",
        [
            {
                **{k: v for k, v in s.items() if k != "authors"},
                "authors": json.dumps(s["authors"], ensure_ascii=False),
            }
            for s in records.sources
        ],
    )
    yield "notes", records.notes
    yield "actors", [{k: a[k] for k in ("name", "kind", "country")} for a in records.actors]
    yield "actor_aliases", _alias_rows(records.actors, "actor")
    yield "topics", [{k: t[k] for k in ("name", "description")} for t in records.topics]
    yield "topic_aliases", _alias_rows(records.topics, "topic")
    for table, items in (("event", records.events), ("fact", records.facts)):
        yield (
            f"{table}s",
            [
                {k: v for k, v in item.items() if k not in ("actors", "topics", "notes")}
                | {"inferred": int(item["inferred"]), "in_window": int(item["in_window"])}
                for item in items
            ],
        )
        yield (
            f"{table}_actors",
            [{table: item["id"], "actor": actor} for item in items for actor in item["actors"]],
        )
        yield (
            f"{table}_topics",
            [{table: item["id"], "topic": topic} for item in items for topic in item["topics"]],
        )
        yield (
            f"{table}_notes",
            [
                {table: item["id"], "source": item["source"], "number": number}
                for item in items
                for number in item["notes"]
            ],
        )


def _alias_rows(items: list[dict[str, Any]], column: str) -> list[dict[str, Any]]:
    aliases = {query.alias_key(a): item["name"] for item in items for a in item["aliases"]}
    aliases.update({query.alias_key(item["name"]): item["name"] for item in items})
    return [{"alias": alias, column: aliases[alias]} for alias in sorted(aliases)]


HASH_VERSION = "2"  # metadata hash_version: content_hash is the sum of per-record digests
_MOD = 1 << 256

# Record tables whose link rows (actors, topics, notes) are digested with their record, so that
# a writer adds one digest a record; a link row whose record is missing is digested on its own.
_LINKS = {
    "events": (("event_actors", "actor"), ("event_topics", "topic"), ("event_notes", "number")),
    "facts": (("fact_actors", "actor"), ("fact_topics", "topic"), ("fact_notes", "number")),
}
_LINKED = {link: (table, table[:-1]) for table, links in _LINKS.items() for link, _ in links}


def _list_encoder() -> Callable[[list[Any]], str]:
    """json.dumps(ensure_ascii=False) for a flat list, with the C encoder made once.

    json.dumps builds its encoder on every call, which costs more than the encoding of a row; the
    text is the same either way (tests/test_build.py compares them).
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython always has it
        return json.JSONEncoder(ensure_ascii=False).encode
    encode = make(None, None, json.encoder.encode_basestring, None, ": ", ", ", False, False, True)

    def dumps(values: list[Any]) -> str:
        return "".join(encode(values, 0))

    return dumps


dumps_list = _list_encoder()


def fold(text: str) -> str:
    """Text with its whitespace folded, as quotes are looked for in their articles."""
    return " ".join(text.split())


def row_digest(table: str, row: Iterable[Any], links: Iterable[str] = ()) -> int:
    """A row's digest as an integer: sha256 of its JSON text, plus its records' lists' texts.

    `links` are the record's actors, topics and notes as `group_concat(..., char(31))` writes
    them: sorted, joined by U+001F ('' for none).
    """
    text = dumps_list([table, *row])
    for joined in links:
        text += "\n" + joined
    return int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")


def columns_of(conn: sqlite3.Connection, table: str) -> list[str]:
    columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})").fetchall()]
    if not columns:
        raise sqlite3.OperationalError(f"no such table: {table}")
    return columns


# events' derived columns (see schema.sql): left out of the content and its digest
DERIVED = {"events": (*query.EVENT_LISTS, "digest")}


def content_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    """``table``'s columns but the derived ones, in table order."""
    derived = DERIVED.get(table, ())
    return [c for c in columns_of(conn, table) if c not in derived]


def records(
    conn: sqlite3.Connection, table: str, where: str = "", params: Any = (), extra: str = ""
) -> Iterator[Any]:
    """Rows of ``table`` matching ``where`` (on alias t): its content columns, then for a record
    table its lists as group_concat(..., char(31)) gives them, sorted, then the ``extra``
    columns; a link table's rows leave out those whose record exists (digested with it)."""
    select = ", ".join(f"t.{c}" for c in content_columns(conn, table))
    if table in _LINKED:
        owner, key = _LINKED[table]
        orphan = f"NOT EXISTS (SELECT 1 FROM {owner} WHERE id = t.{key})"
        where = f"({where}) AND {orphan}" if where else orphan
    if table in _LINKS:
        key = table[:-1]
        for link, column in _LINKS[table]:
            select += (
                f", coalesce((SELECT group_concat({column}, char(31)) FROM (SELECT {column} "
                f"FROM {link} WHERE {key} = t.id ORDER BY {column})), '')"
            )
    if extra:
        select += f", {extra}"
    sql = f"SELECT {select} FROM {table} AS t" + (f" WHERE {where}" if where else "")
    return iter(conn.execute(sql, params))


def digest_sum(conn: sqlite3.Connection, table: str, where: str = "", params: Any = ()) -> int:
    """The sum of the digests of `table`'s rows (those matching `where`, an SQL condition on
    the alias t, when given): a record with its link rows, a link row of no record on its own."""
    n = len(content_columns(conn, table))
    total = 0
    for row in records(conn, table, where, params):
        total += row_digest(table, row[:n], row[n:])
    return total


def derived_event_columns(row: Sequence[Any], links: Sequence[str]) -> tuple[str, ...]:
    """An event's derived columns (actor_list, topic_list, note_list, digest) from its content
    columns and its lists as ``records`` reads them."""
    return (*links, hash_text(row_digest("events", row, links)))


def refresh_derived(conn: sqlite3.Connection, where: str = "", params: Any = ()) -> int:
    """Write the derived columns of the events matching ``where`` (on alias t) from their
    content and link rows, where they differ; return how many events were written."""
    n = len(content_columns(conn, "events"))
    stored = ", ".join(f"t.{c}" for c in DERIVED["events"])
    updates = []  # only the events whose derived columns differ: a million rows are streamed
    for row in records(conn, "events", where, params, extra=stored):
        derived = derived_event_columns(row[:n], row[n:-4])
        if tuple(row[-4:]) != derived:
            updates.append((*derived, row[0]))
    conn.executemany(
        "UPDATE events SET actor_list = ?, topic_list = ?, note_list = ?, digest = ? WHERE id = ?",
        updates,
    )
    return len(updates)


def layout_digest(conn: sqlite3.Connection) -> int:
    """The digest of the tables' names and columns: a change of layout changes the hash."""
    layout = [[table, columns_of(conn, table)] for table in CONTENT_TABLES]
    return int.from_bytes(hashlib.sha256(json.dumps(layout).encode()).digest(), "big")


def hash_text(total: int) -> str:
    return f"{total % _MOD:064x}"


def content_hash(conn: sqlite3.Connection) -> str:
    """A digest of every content table's columns and rows, independent of the rows' order.

    The sum (mod 2**256) of the sha256 digests of the tables' layout and of every record
    (an event or fact with its actors, topics and notes; any other row on its own). A sum, not
    one digest of the rows in key order, so that a write can add the digests of the records it
    writes (and take away those it replaces) instead of reading the whole database again. Leaves
    out the FTS index (derived) and metadata (which holds this hash), and anything
    time-dependent, so two builds of the same records hash the same. Detects changes, not forgery.
    """
    total = layout_digest(conn)
    for table in CONTENT_TABLES:
        total += digest_sum(conn, table)
    return hash_text(total)


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """The counts metadata records, computed from the rows."""

    def one(sql: str) -> int:
        return int(conn.execute(sql).fetchone()[0])

    return {
        "events": one("SELECT count(*) FROM events"),
        "events_in_window": one("SELECT count(*) FROM events WHERE in_window = 1"),
        "facts": one("SELECT count(*) FROM facts"),
        "actors": one("SELECT count(*) FROM actors"),
        "topics": one("SELECT count(*) FROM topics"),
        "sources": one("SELECT count(*) FROM sources"),
        "notes": one("SELECT count(*) FROM notes"),
    }


def write_database(records: Records, path: Path, *, bundled: bool = False) -> dict[str, int]:
    """Write the records as a new database at path; ``bundled`` marks it as the one rusino
    ships, which writers refuse however it is reached (a copy, a checkout seen from another
    install, a hard link)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.executescript(schema_sql())
        db = sqlite_utils.Database(conn, execute_plugins=False)
        with db.atomic():
            for table, rows in _rows(records):
                if rows:
                    db.table(table).insert_all(rows)
            refresh_derived(conn)
            for table, columns in FTS_COLUMNS.items():
                db.table(table).enable_fts(
                    list(columns), fts_version="FTS5", create_triggers=True, tokenize=FTS_TOKENIZE
                )
            found = counts(conn)
            metadata = {"schema_version": str(SCHEMA_VERSION), "content_hash": content_hash(conn)}
            metadata["hash_version"] = HASH_VERSION
            # what this build held: while content_hash still says so, nothing was added to it,
            # and the next build may replace it (see replacing)
            metadata[BUILT] = _built(conn, metadata["content_hash"])
            if bundled:
                metadata[BUNDLE_MARK] = "read-only: make your own with `rusino db init`"
            metadata |= {key: str(value) for key, value in found.items()}
            db.table("metadata").insert_all(
                [{"key": key, "value": metadata[key]} for key in sorted(metadata)]
            )
        conn.execute("VACUUM")
        return found
    finally:
        conn.close()


def build_database(data_dir: Path, out: Path, *, bundled: bool = False) -> dict[str, int]:
    """Build `out` from the TOML records in data_dir; return the counts written to metadata.

    Writes beside `out` and renames into place, so a failed build leaves `out` as it was.
    """
    records = load_records(data_dir)
    return write_atomically(
        out, lambda tmp: write_database(records, tmp, bundled=bundled), "building"
    )


def _link(tmp: Path, out: Path) -> None:
    """tmp named out too, unless out exists: a hard link fails on an existing name, where a
    rename would replace it (a file system without hard links: checked, then renamed)."""
    try:
        os.link(tmp, out)
    except FileExistsError:
        raise RusinoError(
            f"{out} already exists (made while this command ran)",
            "pass another PATH, or use it as it is with --db PATH",
        ) from None
    except OSError:
        if out.exists():
            raise RusinoError(f"{out} already exists", "pass another PATH") from None
        os.replace(tmp, out)


BUILT = "built_content_hash"  # metadata: the content a build wrote


def _built(conn: sqlite3.Connection, content: str) -> str:
    """What a build wrote: its content's hash and its layout's (a table added by another tool,
    its rows in no content hash, changes the layout)."""
    layout = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
    return f"{content}:{hash_text(row_digest('sqlite_master', [tuple(r) for r in layout]))}"


def _untouched_build(conn: sqlite3.Connection) -> bool:
    """Whether the database holds what a build wrote, and nothing since (its rows hashed)."""
    row = conn.execute("SELECT value FROM metadata WHERE key = ?", (BUILT,)).fetchone()
    return row is not None and row[0] == _built(conn, content_hash(conn))


@contextlib.contextmanager
def replacing(target: Path, *, force: bool = False) -> Iterator[None]:
    """The block that builds ``target`` and renames the build into place, allowed only for a
    file that holds no one's own records: none yet, a build of the bundled data (marked so), or
    a build nothing has changed since (``force``: any file). Never the installed package's copy:
    a checkout's data/events.sqlite is the one to rebuild.

    An existing database is held under its write lock from the check to the rename, so that an
    import running into it is waited for (and then found to have changed it), and none starts
    between; a writer that waited on the old file finds it replaced (store.transaction)."""
    if is_installed_bundle(target):
        raise RusinoError(
            f"{target} is the installed package's database, which a build does not replace",
            "build into a checkout's data/events.sqlite, or --out another PATH",
        )
    if target.is_dir():  # --force or not: a folder is no database to replace
        raise RusinoError(
            f"{target} is a folder", f"give the database's file name: {target / 'events.sqlite'}"
        )
    if not target.exists():
        yield
        return
    conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT, isolation_level=None)
    try:
        marked = False  # and so for a file that is not a rusino database at all
        try:
            conn.execute("BEGIN IMMEDIATE")
            marked = has_bundle_mark(conn) or _untouched_build(conn)
        except sqlite3.Error as exc:
            if is_busy(exc):
                raise busy_error(target) from None
        if not (marked or force):
            raise RusinoError(
                f"{target} exists and is not an unchanged build: it may hold your own records",
                "pass another --out PATH, or --force to replace it",
            )
        yield
    finally:
        conn.close()  # (its transaction, which wrote nothing, rolled back)


def write_atomically(
    out: Path, write: Callable[[Path], dict[str, int]], doing: str, *, replace: bool = True
) -> dict[str, int]:
    """Run ``write`` on a temporary file beside ``out``, then rename it into place: a failure
    half-way leaves ``out`` as it was (or absent). Returns what ``write`` returns. Without
    ``replace``, a file made at ``out`` meanwhile (by another `db init`) is left, and said."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    except OSError as exc:  # a folder that cannot be made or written (/proc, read-only)
        raise RusinoError(
            f"{doing} {out} failed: {exc.strerror or exc}", "pass a PATH you may write"
        ) from None
    os.close(handle)
    tmp = Path(name)
    try:
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the database is meant to be shared
        found = write(tmp)
        if replace:
            os.replace(tmp, out)
        else:
            _link(tmp, out)
    except sqlite3.Error as exc:
        raise RusinoError(f"{doing} {out} failed: {exc}", code=ExitCode.ERROR) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return found
