"""`rusino export`: the database (or a filtered timeline) as jsonl, json, csv or TimelineJS JSON,
streamed, and the readers `rusino import` uses to take jsonl, json and csv back.

Pure core: no typer, no rich. Rows are rusino's JSON schema (see rusino.query) plus a `type`
field ("event" | "fact"), so one file can hold both and `import` knows which is which.

* jsonl / json of the whole database's events are written by SQLite itself (`json_object`), one
  string a row, so a million events stream at the speed of the cursor; facts (whose REAL values
  SQLite would print with only 15 digits) and a filtered export go through rusino.query and are
  written compactly in the same shape.
* csv: one header row; lists joined with `;`, booleans true/false, null empty (as rusino.render
  writes them). It is safe to open in a spreadsheet: a cell starting with `=`, `+`, `-`, `@`, a
  tab or a carriage return is prefixed with `'` so it is not run as a formula, and so is a cell
  starting with `'` followed by one of those (or by another `'`). `import` removes exactly that
  prefix, so csv round-trips unchanged.
* timelinejs: TimelineJS's JSON ({"events": [slides]}), events only: date parts as deep as the
  date's precision, `display_date` the date in words, `group` the actor the summary names first,
  headline the summary, text the quote, and the citation as the slide's credit.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import difflib
import html
import io
import itertools
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from enum import StrEnum
from typing import IO, Any, TextIO

from rusino import build, figures, vocabulary
from rusino.errors import RusinoError, cut
from rusino.query import FactFilter, TimelineFilter
from rusino.render import ESCAPED_STARTS, EVENT_FIELDS, FACT_FIELDS, cell, csv_writer, neutralise

Row = dict[str, Any]


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    json = "json"
    csv = "csv"
    timelinejs = "timelinejs"


class What(StrEnum):
    all = "all"
    events = "events"
    facts = "facts"


# --------------------------------------------------------------------------------------------
# spreadsheet-safe cells


def restore(text: str) -> str:
    """The cell `neutralise` was given."""
    if text[:1] == "'" and text[1:2] and text[1:2] in ESCAPED_STARTS:
        return text[1:]
    return text


def csv_fields(what: What) -> tuple[str, ...]:
    if what is What.events:
        return ("type", *EVENT_FIELDS)
    if what is What.facts:
        return ("type", *FACT_FIELDS)
    return ("type", *EVENT_FIELDS, *(f for f in FACT_FIELDS if f not in EVENT_FIELDS))


# --------------------------------------------------------------------------------------------
# rows

_BOOL = "json(CASE WHEN {0} THEN 'true' ELSE 'false' END)"


def _list(table: str, column: str, key: str, ref: str) -> str:
    return (
        f"json((SELECT json_group_array({column}) FROM "
        f"(SELECT {column} FROM {table} WHERE {key} = {ref} ORDER BY {column})))"
    )


_ORDER = (
    "{t}.date_start, CASE {t}.precision WHEN 'day' THEN 0 WHEN 'month' THEN 1 WHEN 'season' "
    "THEN 2 WHEN 'year' THEN 3 WHEN 'decade' THEN 4 ELSE 5 END, {t}.id"
)

EVENTS_JSON_SQL = (
    "SELECT json_object('type', 'event', 'id', e.id, 'date', e.date, 'start', e.date_start, "
    "'end', e.date_end, 'date_text', e.date_text, 'precision', e.precision, "
    f"'inferred', {_BOOL.format('e.inferred')}, 'in_window', {_BOOL.format('e.in_window')}, "
    "'summary', e.summary, "
    f"'actors', {_list('event_actors', 'actor', 'event', 'e.id')}, "
    f"'topics', {_list('event_topics', 'topic', 'event', 'e.id')}, "
    "'source', e.source, "
    f"'notes', {_list('event_notes', 'number', 'event', 'e.id')}, "
    "'quote', e.quote, 'comment', coalesce(e.comment, '')) "
    f"FROM events e ORDER BY {_ORDER.format(t='e')}"
)


def _json_texts(conn: sqlite3.Connection, what: What, flt: TimelineFilter | None) -> Iterator[str]:
    """Each row as compact JSON text: written by SQLite when unfiltered, else by Python."""
    if flt is not None:
        for row in rows(conn, what, flt):
            yield json.dumps(row, ensure_ascii=False, separators=(",", ":"))
        return
    if what is What.all:  # first what they name, so that any database can import the file
        for row in vocabulary.rows(conn):
            yield json.dumps(row, ensure_ascii=False, separators=(",", ":"))
    if what in (What.all, What.events):
        for (text,) in conn.execute(EVENTS_JSON_SQL):
            yield text
    if what in (What.all, What.facts):
        # Facts go through Python: SQLite prints a REAL with 15 digits, Python's repr with as
        # many as it takes to read back the same float, and the round trip must lose nothing.
        for row in rows(conn, What.facts, None):
            yield json.dumps(row, ensure_ascii=False, separators=(",", ":"))


def rows(conn: sqlite3.Connection, what: What, flt: TimelineFilter | None) -> Iterator[Row]:
    """Rows as dicts with `type` first: a filtered timeline, or the whole database."""
    from rusino import query

    if flt is not None:
        if what is What.facts:  # the figures the same filters select (it had been refused)
            for row in query.facts(conn, query.fact_filter(flt)):
                yield {"type": "fact", **row}
            return
        for row in query.timeline(conn, flt):
            yield {"type": "event", **row}
        return
    if what in (What.all, What.events):
        for row in query.timeline(conn, TimelineFilter()):
            yield {"type": "event", **row}
    if what in (What.all, What.facts):
        for row in query.facts(conn, FactFilter()):
            yield {"type": "fact", **row}


# --------------------------------------------------------------------------------------------
# writers


def write(
    conn: sqlite3.Connection,
    fmt: ExportFormat,
    out: TextIO,
    what: What = What.all,
    flt: TimelineFilter | None = None,
) -> int:
    """Write the rows as fmt to out, streaming; return how many. No rows, no output."""
    if flt is not None and what is What.all:
        what = What.events
    if fmt is ExportFormat.jsonl:
        n = 0
        for text in _json_texts(conn, what, flt):
            out.write(text + "\n")
            n += 1
        return n
    if fmt is ExportFormat.json:
        n = 0
        for text in _json_texts(conn, what, flt):
            out.write(("[\n" if n == 0 else ",\n") + text)
            n += 1
        out.write("\n]\n" if n else "[]\n")  # JSON even when empty, as the listings
        return n
    if fmt is ExportFormat.csv:
        return write_csv(rows(conn, what, flt), csv_fields(what), out)
    if what is What.facts:
        raise RusinoError("TimelineJS shows events, not facts", "pass --what events")
    return write_timelinejs(conn, rows(conn, What.events, flt), out)


def write_csv(items: Iterable[Row], fields: tuple[str, ...], out: TextIO) -> int:
    """A header row (even with no rows, so that a spreadsheet or import sees the columns),
    then a row each."""
    rows = iter(items)
    first = next(rows, None)  # a bad filter raises here, before the header is written
    w = csv_writer(out)
    w.writerow(fields)
    n = 0
    for row in itertools.chain([first] if first is not None else [], rows):
        w.writerow([neutralise(cell(row.get(k))) for k in fields])
        n += 1
    return n


def _date_parts(iso: str, precision: str) -> dict[str, int]:
    parts = {"year": int(iso[:4])}
    if precision in ("day", "month", "season"):  # a season's bounds are whole months
        parts["month"] = int(iso[5:7])
    if precision == "day":
        parts["day"] = int(iso[8:10])
    return parts


def _end_precisions(edtf: str, precision: str) -> tuple[str, str]:
    """Each end's own precision: 2012/2013-05 ends in May 2013, not in 2013 (the row's
    precision is its coarsest end's)."""
    from rusino.dates import point_precision

    first, slash, last = edtf.partition("/")
    if not slash:
        return precision, precision
    return point_precision(first) or precision, point_precision(last) or precision


def main_actor(summary: str, actors: list[str], aliases: dict[str, list[str]]) -> str:
    """The actor the summary names first, by its name or an alias ("Vladimir Putin remarks
    that Russia..." is Putin's; "Moscow" is Russia): the data does not rank actors, but a
    summary names its subject first. The longer name wins where two start together ("US
    Pacific Command" over "US"); the first actor when the summary names none."""
    text = summary.casefold()
    best: tuple[int, int, str] | None = None
    for actor in actors:
        for name in {actor.casefold(), *aliases.get(actor, ())}:
            found = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)
            if found and (best is None or (found.start(), -len(name)) < best[:2]):
                best = (found.start(), -len(name), actor)
    return best[2] if best else (actors[0] if actors else "")


def slide(row: Row, sources: dict[str, Row], aliases: dict[str, list[str]] | None = None) -> Row:
    """One TimelineJS slide for an event row."""
    from rusino.dates import display

    first, last = _end_precisions(str(row["date"]), row["precision"])
    start = _date_parts(row["start"], first)
    end = _date_parts(row["end"], last)
    source = sources.get(row["source"], {})
    out: Row = {"unique_id": row["id"], "start_date": start}
    if end != start:
        out["end_date"] = end
    out["display_date"] = display(row["date"])
    out["text"] = {
        "headline": html.escape(row["summary"]),
        "text": f"<p>\u201c{html.escape(row['quote'])}\u201d</p>",
    }
    out["group"] = main_actor(row["summary"], row["actors"], aliases or {})
    # TimelineJS shows headline, text and credit as HTML
    url = str(source.get("url", ""))
    url = url if build.web_address(url) else ""  # never a javascript: link (sources before)
    credit = html.escape(source.get("citation", ""))
    out["media"] = {"url": url, "credit": credit}
    if not url:  # TimelineJS draws no media, nor its credit, without a url: the citation in
        # the text, under the quote (no slide had shown one)
        out["text"]["text"] += f"<p><small>{credit}</small></p>"
    return out


def write_timelinejs(conn: sqlite3.Connection, items: Iterable[Row], out: TextIO) -> int:
    from rusino import query

    sources = {s["id"]: s for s in query.sources(conn)}
    aliases: dict[str, list[str]] = {}
    for alias, actor in conn.execute("SELECT alias, actor FROM actor_aliases"):
        aliases.setdefault(actor, []).append(str(alias).casefold())
    n = 0
    for row in items:
        text = json.dumps(slide(row, sources, aliases), ensure_ascii=False)
        out.write(('{"events": [\n' if n == 0 else ",\n") + text)
        n += 1
    out.write("\n]}\n" if n else '{"events": []}\n')  # JSON even when empty
    return n


# --------------------------------------------------------------------------------------------
# readers, for `rusino import`: (where, fields, problem) rows for rusino.store.import_rows

MAX_LINE = 16 * 1024 * 1024  # bytes: a longer line is refused, never read whole


def read_jsonl(handle: IO[bytes], name: str) -> Iterator[tuple[str, Row | None, str | None]]:
    number = 0
    while True:
        line = handle.readline(MAX_LINE + 1)
        if not line:
            return
        number += 1
        if number == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8) :]  # as Windows tools write UTF-8
        where = f"{name}:{number}"
        if len(line) > MAX_LINE:
            yield where, None, f"{where}: line longer than {MAX_LINE // 1024 // 1024} MiB"
            while line and not line.endswith(b"\n"):
                line = handle.readline(MAX_LINE)
            continue
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield where, None, f"{where}: not UTF-8 (byte {exc.start + 1} of the line)"
            continue
        if number == 1 and (text.strip() in ("[", "{") or text.lstrip().startswith("[{")):
            # pretty-printed JSON (an export's --format json): one line, not one for each
            what = "array" if text.lstrip()[0] == "[" else "object over several lines"
            yield where, None, f"{where}: a JSON {what}, not JSON Lines (give --format json)"
            return
        try:
            value = json.loads(text.rstrip("\r\n"))  # (an unclosed object: its end's column)
        except json.JSONDecodeError as exc:
            yield where, None, f"{where}: not valid JSON: {exc.msg} (column {exc.colno})"
            continue
        except RecursionError:
            yield where, None, f"{where}: {TOO_DEEP}"
            continue
        if not isinstance(value, dict):
            yield where, None, f"{where}: each line must be a JSON object, not {_kind(value)}"
            continue
        yield _checked(where, text, value)


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _checked(where: str, text: str, value: Row) -> tuple[str, Row | None, str | None]:
    """(where, value, None), or (where, None, the problem) for a value that is no text or
    that names a field twice."""
    problem = _lone_surrogate(where, text, value) or _twice(where, text, value)
    return (where, None, problem) if problem else (where, value, None)


def _twice(where: str, text: str, value: Row) -> str | None:
    """A problem when the object names a field twice (JSON keeps the last, silently)."""
    if text.count('":') <= len(value):
        return None  # the cheap test: no more keys written than the object holds
    twice: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in items]
        twice.extend(k for k in keys if keys.count(k) > 1)
        return dict(items)

    json.loads(text, object_pairs_hook=pairs)
    return f"{where}: field {twice[0]!r} is given twice" if twice else None


def _lone_surrogate(where: str, text: str, value: Row) -> str | None:
    """A problem when JSON's \\ud800-\\udfff escapes left half a character in value (a
    pair is decoded as one character): it is no text, and SQLite could not store it."""
    if not _SURROGATE_ESCAPE.search(text):
        return None  # the cheap test, true of nearly every row
    for name, field in value.items():
        for item in field if isinstance(field, list) else [field]:
            half = _SURROGATE.search(item) if isinstance(item, str) else None
            if half:
                code = f"\\u{ord(half[0]):04x}"
                return f"{where}: field {name!r} holds {code}, half of a character: not text"
    return None


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    return "a string" if isinstance(value, str) else "a scalar"


def read_json(handle: IO[bytes], name: str) -> Iterator[tuple[str, Row | None, str | None]]:
    """A JSON array of objects (as `export --format json` writes), each located by its line, or
    one object (as `show ID --format json` writes for one id)."""
    data = handle.read()
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark, as Windows tools write, is skipped
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        yield f"{name}:{line}", None, f"{name}:{line}: not UTF-8"
        return
    decoder = json.JSONDecoder()
    pos = _skip(text, 0)
    if pos == len(text):  # no JSON at all (a .jsonl may be empty; JSON is one value)
        yield f"{name}:1", None, f"{name}: not valid JSON: the file is empty (no rows is [])"
        return
    if text[pos] == "{":
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield f"{name}:{exc.lineno}", None, f"{name}:{exc.lineno}: not valid JSON: {exc.msg}"
            return
        except RecursionError:
            yield f"{name}:1", None, f"{name}: {TOO_DEEP}"
            return
        if _skip(text, end) != len(text):
            line = text.count("\n", 0, end) + 1
            yield f"{name}:{line}", None, f"{name}:{line}: not valid JSON: more after the object"
            return
        yield _checked(f"{name}:{text.count(chr(10), 0, pos) + 1}", text[pos:end], value)
        return
    if text[pos] != "[":
        yield (
            f"{name}:1",
            None,
            f"{name}: a .json file must hold an array of objects, or one object",
        )
        return
    pos = _skip(text, pos + 1)
    line, counted, number = 1, 0, 0
    while pos < len(text) and text[pos] != "]":
        line += text.count("\n", counted, pos)
        counted = pos
        number += 1
        # the item's number too: items may share a line (a one-line array, as jq -c writes)
        where = f"{name}:{line} (item {number})"
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield where, None, f"{name}:{exc.lineno}: not valid JSON: {exc.msg}"
            return
        except RecursionError:
            yield where, None, f"{where}: {TOO_DEEP}"
            return
        item, pos = text[pos:end], end
        if isinstance(value, dict):
            yield _checked(where, item, value)
        else:
            yield where, None, f"{where}: each item must be a JSON object, not {_kind(value)}"
        pos = _skip(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos = _skip(text, pos + 1)
            if pos < len(text) and text[pos] == "]":  # [A,] is not JSON
                line += text.count("\n", counted, pos)
                yield f"{name}:{line}", None, f"{name}:{line}: not valid JSON: ',' before ']'"
                return
        elif pos < len(text) and text[pos] != "]":
            line += text.count("\n", counted, pos)
            yield f"{name}:{line}", None, f"{name}:{line}: not valid JSON: expected ',' or ']'"
            return
    if pos >= len(text):
        yield f"{name}:{line}", None, f"{name}: not valid JSON: the array is not closed"
    elif _skip(text, pos + 1) != len(text):  # a second array (cat a.json b.json), or garbage
        line = text.count("\n", 0, pos) + 1
        yield f"{name}:{line}", None, f"{name}:{line}: not valid JSON: more after the array"


# json's parser recurses: arrays in arrays ten thousand deep raise RecursionError
TOO_DEEP = "not valid rusino JSON: nested too deeply to read"


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


_CSV_KINDS = {**build.SPECS["event"], **build.SPECS["fact"]}
# csv cells that, empty, mean the field is left out (null is an empty cell)
_MAY_BE_EMPTY = ("id", "value_max", "event", "start", "end", "precision", "in_window", "inferred")


def _from_cell(kind: str, value: str) -> Any:
    """A csv cell as the type the field spec wants; left as text when it is not (then the
    validation names the field and what it should be)."""
    if kind in ("texts", "names"):
        return [v for v in value.split(";")] if value else []
    if kind == "ints":
        try:
            return [int(v) for v in value.split(";")] if value else []
        except ValueError:
            return value
    if kind == "bool":
        return {"true": True, "false": False}.get(value.lower(), value)
    if kind == "number":
        with contextlib.suppress(ValueError):  # left as text: the validation names the field
            return figures.parse_number(value)
    return value


def read_csv(handle: IO[bytes], name: str) -> Iterator[tuple[str, Row | None, str | None]]:
    """A csv with a header row (as `export --format csv` writes); cells restored, typed."""
    # utf-8-sig: Excel's "CSV UTF-8" starts with a byte-order mark, skipped
    # bytes that are not UTF-8 are kept as lone surrogates (surrogateescape), so that the row
    # holding them is named, not the block the decoder happened to read them in
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="surrogateescape", newline="")
    # a cell as long as a jsonl line may be, for the rules' own message on its length (csv's
    # 128 KiB limit had called a 10 MB field "not valid CSV")
    csv.field_size_limit(MAX_LINE)
    reader = csv.reader(text, strict=True)
    line = 1
    try:
        header = next(reader, None)
        if header is None:
            return
        header = [h.strip() for h in header]
        if any(_NOT_UTF8.search(h) for h in header):
            yield f"{name}:1", None, f"{name}:1: not UTF-8"
            return
        twice = sorted({h for h in header if header.count(h) > 1})
        if twice:
            yield f"{name}:1", None, f"{name}:1: column {twice[0]!r} is twice in the header"
            return
        # said even when no row follows (a header alone had imported nothing, quietly), and
        # for a column whose cells are all empty, as import says of a JSON row's field
        if "" in header[:-1]:  # (a last one may be empty: a spreadsheet's trailing comma)
            column = header.index("") + 1
            yield f"{name}:1", None, f"{name}:1: column {column} of the header has no name"
            return
        unknown = [h for h in header if h and h not in _CSV_COLUMNS]
        if unknown:
            yield f"{name}:1", None, f"{name}:1: {_unknown_columns(unknown, header)}"
            return
        line = reader.line_num + 1
        for cells in reader:
            where = f"{name}:{line}"
            line = reader.line_num + 1
            if not any(cells):
                continue
            if any(_NOT_UTF8.search(c) for c in cells):
                yield where, None, f"{where}: not UTF-8"
                continue
            if len(cells) != len(header):
                yield (
                    where,
                    None,
                    f"{where}: {len(cells)} cells, but the header has {len(header)}",
                )
                continue
            row = dict(zip(header, (restore(c) for c in cells), strict=True))
            try:
                kind = _csv_type(row)
            except RusinoError as exc:
                yield where, None, f"{where}: {exc}"
                continue
            spec = build.SPECS[kind]
            fields: Row = {}
            for key, value in row.items():
                if key not in spec and key not in (
                    "type",
                    "start",
                    "end",
                    "precision",
                    "in_window",
                ):
                    if value:
                        fields[key] = value  # an unknown or the other type's field: reported
                    continue
                if value == "" and key in _MAY_BE_EMPTY:
                    continue  # as if left out: made, derived or the default
                kind_ = spec[key][0] if key in spec else ("bool" if key == "in_window" else "str")
                fields[key] = _from_cell(kind_, value)
            yield where, fields, None
    except UnicodeDecodeError:
        yield f"{name}:{line}", None, f"{name}:{line}: not UTF-8"
    except csv.Error as exc:
        if str(exc).startswith("field larger than field limit"):
            yield f"{name}:{line}", None, f"{name}:{line}: a cell longer than {MAX_LINE >> 20} MiB"
        else:
            yield f"{name}:{line}", None, f"{name}:{line}: not valid CSV: {exc}"
    finally:
        text.detach()


# any record's fields: a row of another type gets its own message ("a csv holds events...")
_CSV_COLUMNS = frozenset(f for spec in build.SPECS.values() for f in spec) | {
    "type",
    *("start", "end", "precision", "in_window"),  # derived: read past
}


def _unknown_columns(unknown: list[str], header: list[str]) -> str:
    if len(unknown) == len([h for h in header if h]):
        return (
            f"no column of the header is a field of a rusino record (the first is "
            f"{cut(header[0], 40)!r}; `rusino export --format csv` writes the header)"
        )
    close = difflib.get_close_matches(unknown[0], sorted(_CSV_COLUMNS), n=1)  # summery
    meant = f"did you mean {close[0]!r}? " if close else ""
    return (
        f"unknown column {unknown[0]!r} in the header ({meant}the fields are the JSON schema's "
        "(README: Output formats), as `rusino export --format csv` writes)"
    )


_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # a byte that was not UTF-8, as surrogateescape keeps it


def _csv_type(row: Row) -> str:
    from rusino.store import record_type

    present = {k: v for k, v in row.items() if v != "" or k == "type"}
    if not present.get("type"):
        present.pop("type", None)
    kind = record_type(present)
    if kind not in ("event", "fact"):
        raise RusinoError(
            f"a csv holds events and facts, not {'an' if kind[0] in 'aeiou' else 'a'} {kind}",
            "import sources, actors and topics from jsonl or json (as `rusino export` writes)",
        )
    return kind
