"""Comparing two timelines (or two sets of figures): sides -> rows -> what each side has.

Pure core: no typer, no rich. A *side* is what the user names on the command line:

* a **selector** over the current database, made of ``timeline``'s filters: ``actor:Japan``,
  ``actor:Russia,topic:energy`` (a comma means *and*), ``source:singh-2016``, ``search:pipeline``,
  ``window``, a date or a range of dates (``2012``, ``2012-04..2012-06``, ``2014..``, ``..2010``),
  or ``all`` (everything);
* a **file** of JSONL as ``rusino timeline --format jsonl`` (or ``facts``) writes it, or ``-`` for
  standard input (a JSON array, as ``--format json`` writes it, is read too);
* another **database**, ``db:PATH``: everything in it.

Filters given once for the whole command (``--topic energy``, ``--from 2012``) apply to both
sides: through SQL for a selector or a database, in Python for a file (whose actor and topic
names are matched after resolving the option through the current database's aliases).

Events are matched by id. An id on both sides whose rows differ in any field is *changed*; the
comparison keeps both sides in memory (two dicts keyed by id), which is what matching by id
needs: a changed event may have moved in time, so a merge over two date-sorted streams could
miss it. When both sides are databases (selectors or ``db:``), the dicts hold only each event's
digest (schema.sql), and only the rows to be shown are read whole (``compare_tables``).

Facts (``--facts``) are paired by subject (case, spacing and punctuation ignored) and unit (case
ignored). A pair holds both figures, the absolute change and the relative one (a range counts as
its midpoint), and is flagged as a *conflict* when two different sources give different figures
for the same subject over the same period.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import json
import math
import re
import shlex
import sqlite3
import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, NamedTuple, TextIO, TypeVar

from rusino import query, render
from rusino.db import is_sqlite, user_path
from rusino.errors import RusinoError, cut, not_utf8, wide_encoding

Row = dict[str, Any]
Kind = Literal["events", "facts"]
SideKind = Literal["selector", "file", "stdin", "db"]
T = TypeVar("T")

# The marks of the piped view, as diff(1) and comm(1) readers expect.
MARKS = {"left": "<", "right": ">", "shared": "=", "changed": "~"}
CATEGORIES = ("left", "right", "shared", "changed")
NOTHING = ("nothing",)  # as ``only``: every category counted, none shown (diff --quiet)

SELECTOR_KEYS = ("actor", "topic", "source", "search", "from", "to")
SIDE_HINT = (
    "a side is a selector (actor:Japan, topic:energy, source:singh-2016, search:gas, 2012, "
    "2012-Q2, 2012-04..2012-06, 2014.., date:spring 2013, all; join terms with commas), a JSONL "
    "file, - for stdin, or db:PATH"
)
# a bare date term of a selector: 2012, 2012-04, 2012-04-22, 2012-22 (EDTF season), 2012-Q2,
# qualified (2012~); anything else a date can be ("spring 2013") goes after date:
_DATE = re.compile(r"^\d{4}(?:-\d{1,2}(?:-\d{1,2})?|-?[Qq][1-4])?[~?%]?$")
_PRECISION_RANK = {"day": 0, "month": 1, "season": 2, "year": 3, "decade": 4}


# ---------------------------------------------------------------------------------------------
# sides


def _short(day: str, *, end: bool = False) -> str:
    """An ISO day as the year or month it starts (or ``end``s), when it does: 2012-01-01 is
    2012, 2012-06-30 (an end) is 2012-06."""
    from rusino import dates

    for short in (day[:4], day[:7]):
        if dates.parse_bound(short, end=end) == day:
            return short
    return day


class Filters(NamedTuple):
    """The filters a side (or the whole command) asks for, before alias resolution."""

    actors: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    start: str | None = None
    end: str | None = None
    within: bool = False
    source: str | None = None
    search: str | None = None
    window: bool = False

    def merge(self, other: Filters, label: str, *, options: bool = False) -> Filters:
        """Both sets of filters at once (and): lists add up, date ranges intersect. ``options``:
        self is the command's options (else the side's own terms so far)."""
        if self.source and other.source and self.source.lower() != other.source.lower():
            if not options:  # (it had blamed a --source never given)
                raise RusinoError(
                    f"side {label!r} names two sources, {self.source} and {other.source}, and "
                    "an event has one (a comma means and)",
                    f"compare them as two sides: rusino diff source:{self.source} "
                    f"source:{other.source}",
                )
            raise RusinoError(
                f"side {label!r} asks for source {other.source} but --source is {self.source}",
                "drop one of them",
            )
        starts = [s for s in (self.start, other.start) if s]
        ends = [e for e in (self.end, other.end) if e]
        searches = [s for s in (self.search, other.search) if s]
        start, end = (max(starts) if starts else None), (min(ends) if ends else None)
        if start and end and start > end and options:  # the side's dates, and --from/--to
            raise RusinoError(
                f"side {label!r} asks for dates in {other.start or ''}..{other.end or ''}, "
                f"outside --from/--to ({self.start or ''}..{self.end or ''})",
                "--from and --to apply to both sides: leave them out, or give the side dates "
                "within them",
            )
        if start and end and start > end:  # two ranges, each of them sound, that never meet
            pair = (self, other)
            lo = "" if any(f.start is None for f in pair) else _short(min(starts))
            hi = "" if any(f.end is None for f in pair) else _short(max(ends), end=True)
            raise RusinoError(
                f"side {label!r} asks for dates in {self.start or ''}..{self.end or ''} and in "
                f"{other.start or ''}..{other.end or ''}, which never meet (a comma means "
                "and)",
                f"to take either, give one range: {lo}..{hi}"
                if lo or hi
                else "leave the dates out",
            )
        return Filters(
            actors=self.actors + other.actors,
            topics=self.topics + other.topics,
            start=start,
            end=end,
            within=self.within or other.within,
            source=self.source or other.source,
            search=" ".join(searches) or None,
            window=self.window or other.window,
        )

    def timeline_filter(self) -> query.TimelineFilter:
        return query.TimelineFilter(
            actors=self.actors,
            topics=self.topics,
            start=self.start,
            end=self.end,
            within=self.within,
            source=self.source,
            search=self.search,
            window=self.window,
        )


class Side(NamedTuple):
    label: str  # as the user wrote it
    kind: SideKind
    filters: Filters = Filters()  # a selector's own filters (the command's are added later)
    path: Path | None = None  # a file or a database


def _date_range(term: str) -> tuple[str | None, str | None]:
    from rusino import dates

    if ".." in term:
        lo, hi = term.split("..", 1)
        if not lo and not hi:
            raise RusinoError(f"empty date range {term!r}", "e.g. 2012..2014, 2014.. or ..2010")
        try:
            return dates.parse_range(lo or None, hi or None, start_opt="from", end_opt="to")
        except RusinoError as exc:
            if lo and hi and "is after" in exc.message:  # the range as a side writes it
                raise RusinoError(f"{lo} is after {hi}", f"swap them: {hi}..{lo}") from None
            raise
    return dates.parse_range(term, term)


def _is_date_term(term: str) -> bool:
    if ".." in term:
        return all(not p or _DATE.match(p) for p in term.split("..", 1))
    return bool(_DATE.match(term))


def parse_selector(text: str) -> Filters:
    """``actor:Russia,topic:energy,2012..2014`` -> Filters (names are resolved when queried)."""
    actors: list[str] = []
    topics: list[str] = []
    f = Filters()
    for raw in text.split(","):
        term = raw.strip()
        if not term:
            raise RusinoError(f"empty term in selector {text!r}", "join terms with single commas")
        if term.lower() in ("all", "*"):  # (ALL, Window: as Actor:Japan is a selector)
            continue
        if term.lower() == "window":
            f = f._replace(window=True)
            continue
        if _is_date_term(term):
            lo, hi = _date_range(term)
            f = f.merge(Filters(start=lo, end=hi), text)
            continue
        key, sep, value = term.partition(":")
        key, value = key.strip().lower(), value.strip()
        if not sep or key not in (*SELECTOR_KEYS, "q", "date"):
            close = query.suggest(key, SELECTOR_KEYS) if sep else []
            hint = f"did you mean {close[0]}:{value}?" if close else SIDE_HINT
            raise RusinoError(f"cannot read {term!r} in side {text!r}", hint)
        if not value:
            example = _EXAMPLES.get(key, "2012")
            raise RusinoError(f"{key}: needs a value in side {text!r}", f"e.g. {key}:{example}")
        joined = re.search(rf"\s+(?:{'|'.join((*SELECTOR_KEYS, 'q', 'date'))}):", value)
        if joined:  # 'actor:Japan actor:Vietnam': it had been the actor "Japan actor:Vietnam"
            head = term[: len(term) - len(value)] + value[: joined.start()]
            terms = f"{head},{value[joined.start() :].strip()}"
            raise RusinoError(
                f"cannot read {term!r} in side {text!r}: terms are joined with commas",
                f"e.g. {shlex.quote(terms)}",
            )
        if key == "actor":
            actors.append(value)
        elif key == "topic":
            topics.append(value)
        elif key == "source":
            f = f.merge(Filters(source=value), text)
        elif key in ("search", "q"):
            f = f.merge(Filters(search=value), text)
        elif key == "date":
            lo, hi = _date_range(value)
            f = f.merge(Filters(start=lo, end=hi), text)
        else:
            from rusino import dates

            lo, hi = dates.parse_range(
                value if key == "from" else None, value if key == "to" else None
            )
            f = f.merge(Filters(start=lo, end=hi), text)
    return f._replace(actors=tuple(actors), topics=tuple(topics))


_EXAMPLES = {"actor": "Japan", "topic": "energy", "source": "singh-2016", "search": "pipeline"}
_EXAMPLES["q"] = _EXAMPLES["search"]


def _looks_like_selector(text: str) -> bool:
    first = text.split(",", 1)[0].strip()
    if first.lower() in ("all", "*", "window") or _is_date_term(first):
        return True
    key, sep, _ = first.partition(":")
    return bool(sep) and key.strip().lower() in (*SELECTOR_KEYS, "q", "date")


def parse_side(text: str) -> Side:
    """What the user wrote for LEFT or RIGHT -> a Side (see the module docstring)."""
    if not text.strip():
        raise RusinoError("a side is empty", SIDE_HINT)
    if text == "-":
        return Side("-", "stdin")
    if text[:3].lower() == "db:":  # (DB:mine.sqlite too, as Actor:Japan is a selector)
        if not text[3:]:
            raise RusinoError("db: needs a path", "e.g. db:~/my-events.sqlite")
        return Side(text, "db", path=user_path(text[3:]))
    if _looks_like_selector(text):
        return Side(text, "selector", parse_selector(text))
    path = user_path(text)
    if path.is_dir():
        raise RusinoError(f"{text} is a directory", SIDE_HINT)
    if path.exists():  # a file, or a pipe: <(rusino timeline ...) is /dev/fd/63
        return Side(text, "file", path=path)
    if ":" in text:
        parse_selector(text)  # raises, with a did-you-mean on the key
    raise RusinoError(f"no such file {text!r}, and not a selector", SIDE_HINT)


def _a_date(text: str) -> bool:
    """Whether --from would read text as a date."""
    from rusino import dates

    try:
        dates.parse_bound(text)
    except RusinoError:
        return False
    return True


# the words of a date (a month, a season, a quarter, mid-), for a side meant as one
_DATE_WORD = re.compile(
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*|spring|summer|autumn|fall"
    r"|winter|mid|early|late|q[1-4]",
    re.IGNORECASE,
)


def _meant_a_date(text: str) -> bool:
    """Whether a side that is no date was meant as one: it starts with a digit (2012-Q5, 201),
    or it has a year and no word but a date's (mid-2012, Oct-Dec-2012)."""
    if text[:1].isdigit():
        return not any(c.isspace() for c in text)
    words = re.findall(r"[^\W\d_]+", text)
    year = re.search(r"\d{4}", text)
    return bool(year) and all(_DATE_WORD.fullmatch(w) for w in words)


def _side(text: str, sources: Sources) -> Side:
    """parse_side, and for a bare word that names an actor, topic or source of the current
    database (Japan), the selector it would be (actor:Japan) as the hint."""
    try:
        return parse_side(text)
    except RusinoError as exc:
        if not exc.message.startswith("no such file"):
            raise
        if _a_date(text):  # 2012-2013, spring 2013: had been "did you mean source:singh-2016?"
            dated = shlex.quote(f"date:{text}")
            raise RusinoError(exc.message, f"a date is a side as {dated}") from None
        if _meant_a_date(text):  # 2012-Q5, 201, mid-2012: a date's trouble
            from rusino import dates

            try:
                dates.parse_bound(text)
            except RusinoError as wrong:  # (it had been "did you mean source:singh-2016?")
                raise RusinoError(f"{exc.message}: {wrong.message}", wrong.hint) from None
        if "/" in text or "." in text:
            raise
        try:
            conn = sources.conn()
        except RusinoError:
            raise exc from None
        # every name a side may give, as its selector (and misspelt ones: Japn is actor:Japan)
        names: dict[str, str] = {}
        for kind in ("actor", "topic"):
            for alias, name in conn.execute(f"SELECT alias, {kind} FROM {kind}_aliases"):
                names.setdefault(str(alias), f"{kind}:{name}")
        for (sid,) in conn.execute("SELECT id FROM sources"):
            names.setdefault(str(sid).lower(), f"source:{sid}")
        names |= {"all": "all", "window": "window"}  # (windw)
        key = query.alias_key(text)
        starting = sorted((k for k in names if k.startswith(key)), key=len)  # singh: singh-2016
        source = query.source_named(conn, key)  # blank: kim-blank-2013, not actor:Thailand
        close = starting or ([source.lower()] if source else query.suggest(text, list(names), n=1))
        meant = names.get(key) or next((names[k] for k in close), None)
        if meant is None:
            raise
        raise RusinoError(exc.message, f"did you mean {shlex.quote(meant)}?") from None


# ---------------------------------------------------------------------------------------------
# loading a side's rows

_EVENT_KEYS = frozenset(("id", "date", "start", "end", "summary"))
_FACT_KEYS = frozenset(("id", "subject", "value", "unit", "date", "start", "end"))


def _json_rows(lines: Iterable[str], label: str) -> Iterator[tuple[int, Any]]:
    numbered = enumerate(lines, start=1)
    for n, line in numbered:  # noqa: B007  (n and line are used after the loop)
        if line.strip():
            break
    else:
        return
    if "\x00" in line:  # UTF-16 without a mark, through a pipe (a file is looked at first)
        raise not_utf8(label, "UTF-16BE" if line.startswith("\x00") else "UTF-16LE")
    if line.lstrip().startswith("[") or not _one_line_object(line):
        # a JSON array (--format json), or one object over lines (show ID --format json)
        text = line + "".join(rest for _, rest in numbered)
        try:
            data = json.loads(text)
        except ValueError as e:
            raise RusinoError(f"{label} is not rusino JSON ({e})", _FILE_HINT) from None
        except RecursionError:
            deep = f"{label} is not rusino JSON (nested too deeply)"
            raise RusinoError(deep, _FILE_HINT) from None
        yield from enumerate(data if isinstance(data, list) else [data], start=1)
        return
    yield n, _loads(line, label, n)
    for n, line in numbered:
        if line.strip():
            yield n, _loads(line, label, n)


def _one_line_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return not line.lstrip().startswith("{")  # not JSON at all: said as a line's problem


_FILE_HINT = "write one with `rusino timeline --format jsonl > FILE` (or `rusino facts`)"


def _loads(line: str, label: str, n: int) -> Any:
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        # a listing's tsv or csv, as a pipe gets it by default: said, with the fix
        seen = "tsv" if "\t" in line else "csv" if line.count(",") >= 2 else ""
        if seen and label == "stdin":
            raise RusinoError(
                f"stdin, line {n}: a listing's {seen}, not JSON Lines",
                "give the listing --format jsonl: rusino timeline ... -f jsonl | rusino diff - ...",
            ) from None
        if seen:
            raise RusinoError(
                f"{label}, line {n}: a listing's {seen}, not JSON Lines", _FILE_HINT
            ) from None
        raise RusinoError(f"{label}, line {n}: not a JSON object", _FILE_HINT) from None


def read_rows(lines: Iterable[str], label: str, kind: Kind) -> list[Row]:
    """Rows of a JSONL (or JSON array) text, checked to be rusino events (or facts).

    An `export` file reads too: its rows say their `type`, and those of another type (the
    sources, actors and topics first, facts beside events) are passed over. Lists are sets,
    compared in order (the order a database gives them)."""
    need, other = (_EVENT_KEYS, _FACT_KEYS) if kind == "events" else (_FACT_KEYS, _EVENT_KEYS)
    known = frozenset(render.EVENT_FIELDS if kind == "events" else render.FACT_FIELDS)
    rows: list[Row] = []
    seen: dict[str, int] = {}  # id -> record number
    passed_over = 0
    for n, item in _json_rows(lines, label):
        if not isinstance(item, dict):
            raise RusinoError(f"{label}, record {n}: not a JSON object", _FILE_HINT)
        if "type" in item and item["type"] != kind[:-1]:
            passed_over += 1
            continue
        item = {k: v for k, v in item.items() if k != "type" and k not in render.SHOWN}
        for name in ("actors", "topics", "notes"):
            if isinstance(item.get(name), list):
                item[name] = sorted(item[name], key=lambda v: (type(v).__name__, v))
        missing = need - item.keys()
        if missing:
            if not other - item.keys():
                what = "a fact" if kind == "events" else "an event"
                flag = "add --facts" if kind == "events" else "drop --facts"
                raise RusinoError(f"{label}, record {n} is {what}", f"{flag} to compare them")
            raise RusinoError(
                f"{label}, record {n} is not a rusino {kind[:-1]} "
                f"(no {', '.join(sorted(missing))})",
                _FILE_HINT,
            )
        _check_record(item, label, n, known, seen)
        _check_dates(item, label, n)
        high = item.get("value_max")
        if high is not None and isinstance(item.get("value"), int | float) and high < item["value"]:
            raise RusinoError(  # (its change had been computed from the range as it was)
                f"{label}, record {n}: value_max {high} is below value {item['value']}",
                "a range runs from value up to value_max",
            )
        for name in ("actors", "topics", "notes"):  # sets: [37, 37] is [37]
            if name in item:
                item[name] = list(dict.fromkeys(item[name]))
        rows.append(item)
    if passed_over and not rows:
        what = "facts" if kind == "events" else "events"
        flag = "add --facts" if kind == "events" else "drop --facts"
        raise RusinoError(
            f"{label} has no {kind}, only {what} or other records", f"{flag} to compare {what}"
        )
    return rows


def _check_record(
    item: Row, label: str, n: int, known: frozenset[str], seen: dict[str, int]
) -> None:
    """A record matched by id must have one of its own, and carry only fields a side compares:
    a field of another tool's would make every record "changed"."""
    rid = item["id"]
    if not isinstance(rid, str) or not rid.strip():
        raise RusinoError(f"{label}, record {n}: its id must be a non-empty string", _FILE_HINT)
    if rid in seen:
        raise RusinoError(
            f"{label}, record {n}: id {rid!r} is also record {seen[rid]}",
            "a file lists each record once",
        )
    seen[rid] = n
    unknown = sorted(item.keys() - known)
    if unknown:
        raise RusinoError(
            f"{label}, record {n}: field {unknown[0]!r} is not one rusino compares",
            f"drop it, e.g. jq -c 'del(.{unknown[0]})'",
        )
    for name, value in item.items():
        what, holds = _FIELD_TYPES.get(name, _TEXT)
        if not holds(value):
            shown = cut(json.dumps(value, ensure_ascii=False))
            raise RusinoError(
                f"{label}, record {n}: field {name!r} is {shown}, not {what}", _FILE_HINT
            )


def _check_dates(item: Row, label: str, n: int) -> None:
    """A record's date is EDTF, and its bounds, precision and in_window are the date's, as
    rusino writes them: the side's filters trust them."""
    from rusino import build, store  # the date parser: only a file side needs it

    try:
        start, end, precision = store.date_bounds(item["date"])
    except RusinoError as exc:
        raise RusinoError(f"{label}, record {n}: {exc.message}", exc.hint) from None
    derived: dict[str, Any] = {"start": start, "end": end, "precision": precision}
    derived["in_window"] = build.in_window(start, end)
    for name, value in derived.items():
        if name in item and item[name] != value:
            raise RusinoError(
                f"{label}, record {n}: {name} {json.dumps(item[name])} is not that of its date "
                f"{item['date']!r} ({json.dumps(value)})",
                "rusino writes it from the date: correct it, or write the records again "
                "with rusino timeline (or facts) --format jsonl",
            )


def _day(value: Any) -> bool:
    try:
        return isinstance(value, str) and date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def _number(value: Any) -> bool:
    return type(value) in (int, float) and math.isfinite(value)


def _names(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


_TEXT: tuple[str, Callable[[Any], bool]] = ("text", lambda v: isinstance(v, str))
# what each field of a side's record holds (see the README's JSON schema); text otherwise
_FIELD_TYPES: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "start": ("a day (YYYY-MM-DD)", _day),
    "end": ("a day (YYYY-MM-DD)", _day),
    "precision": ("day, month, season, year or decade", lambda v: v in _PRECISION_RANK),
    "inferred": ("true or false", lambda v: isinstance(v, bool)),
    "in_window": ("true or false", lambda v: isinstance(v, bool)),
    "actors": ("a list of names", _names),
    "topics": ("a list of names", _names),
    "notes": (
        "a list of note numbers",
        lambda v: isinstance(v, list) and all(type(x) is int for x in v),
    ),
    "value": ("a number", _number),
    "value_max": ("a number or null", lambda v: v is None or _number(v)),
    "event": ("an event id or null", lambda v: v is None or isinstance(v, str)),
}


def _overlaps(row: Row, f: Filters) -> bool:
    start, end = str(row.get("start") or ""), str(row.get("end") or "")
    if f.within:
        return (f.start is None or start >= f.start) and (f.end is None or end <= f.end)
    return (f.start is None or end >= f.start) and (f.end is None or start <= f.end)


def filter_rows(rows: Sequence[Row], f: Filters, conn: sqlite3.Connection | None) -> list[Row]:
    """The rows of a file that pass the filters (``timeline``'s meaning, in Python)."""
    if f.search:
        raise RusinoError(
            "--search cannot filter a file side", "filter the file before: rusino timeline -q ..."
        )
    for name, flag, wanted in (
        ("source", "--source", f.source),
        ("actors", "--actor", f.actors),
        ("topics", "--topic", f.topics),
        ("in_window", "--window", f.window),  # (it had let every record through)
    ):
        if wanted and any(name not in row for row in rows):
            raise RusinoError(
                f"{flag} cannot filter a file side whose records have no {name!r}",
                f"write the file with its {name}, or filter it before: jq, or rusino timeline "
                f"{flag} ...",
            )
    actors: tuple[str, ...]
    topics: tuple[str, ...]
    if (f.actors or f.topics) and conn is not None:
        actors = tuple(_file_name(conn, "actor", a, rows) for a in f.actors)
        topics = tuple(_file_name(conn, "topic", t, rows) for t in f.topics)
    else:
        actors, topics = f.actors, f.topics
    out = []
    for row in rows:
        if f.source and str(row.get("source", "")).lower() != f.source.lower():
            continue
        if f.window and not row.get("in_window", True):
            continue
        if (f.start or f.end) and not _overlaps(row, f):
            continue
        if actors and not all(a in (row.get("actors") or ()) for a in actors):
            continue
        if topics and not all(t in (row.get("topics") or ()) for t in topics):
            continue
        out.append(row)
    return out


_FIELD = {"actor": "actors", "topic": "topics", "source": "source"}


def _file_name(conn: sqlite3.Connection, kind: str, name: str, rows: Sequence[Row]) -> str:
    """A name as the database resolves it, else as a file's records spell it (an actor of
    your own database, in a file of its events, unknown to the bundled one)."""
    try:
        return query.resolve(conn, kind, name)
    except query.UnknownName:
        if not _named_in(rows, kind, name):
            raise
        return next(n for row in rows for n in _names_of(row, kind) if _same(n, name))


def _names_of(row: Row, kind: str) -> list[str]:
    value = row.get(_FIELD[kind])
    return [str(n) for n in value] if isinstance(value, list) else [str(value or "")]


def _same(a: str, b: str) -> bool:
    return query.alias_key(a) == query.alias_key(b)


def _named_in(rows: Sequence[Row], kind: str, name: str) -> bool:
    return any(_same(n, name) for row in rows for n in _names_of(row, kind))


def _knows(side: Side, rows: Any, exc: query.UnknownName, sources: Sources) -> bool:
    """Whether a side knows the name that the other side's database does not: its
    database does, or its records (a file's) name it."""
    if side.kind not in ("selector", "db"):
        return isinstance(rows, list) and _named_in(rows, exc.kind, exc.name)
    with _database(side, sources) as conn:
        try:
            if exc.kind == "source":
                query.check_source(conn, exc.name)
            else:
                query.resolve(conn, exc.kind, exc.name)
        except query.UnknownName:
            return False
    return True


def _each_side(
    sides: Sequence[Side], make: Callable[[int], T], empty: T, sources: Sources
) -> list[T]:
    """make(i) for each side; a side whose database does not know a name the other side knows
    (an actor of your own database) has nothing that matches it: ``empty``."""
    out: list[T | query.UnknownName] = []
    for i in range(len(sides)):
        try:
            out.append(make(i))
        except query.UnknownName as exc:
            out.append(exc)
    done: list[T] = []
    for i, got in enumerate(out):
        if isinstance(got, query.UnknownName):
            other = out[1 - i]
            if isinstance(other, query.UnknownName):
                raise got
            if not _knows(sides[1 - i], other, got, sources):
                raise got
            got = empty
        done.append(got)
    return done


@dataclass
class Sources:
    """Where sides are read from: the current database (opened on first use) and stdin."""

    current: Callable[[], sqlite3.Connection]
    stdin: TextIO = field(default_factory=lambda: sys.stdin)
    _conn: sqlite3.Connection | None = None

    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = self.current()
        return self._conn


def _event_where(conn: sqlite3.Connection, f: Filters) -> tuple[str, list[Any]]:
    """``timeline``'s filters as one SQL condition over ``events``. Names are resolved, with
    did-you-mean, through ``conn``."""
    where: list[str] = []
    params: list[Any] = []
    for names, table, col, resolve in (
        (f.actors, "event_actors", "actor", query.resolve_actor),
        (f.topics, "event_topics", "topic", query.resolve_topic),
    ):
        for name in dict.fromkeys(resolve(conn, n) for n in names):
            where.append(f"id IN (SELECT event FROM {table} WHERE {col} = ?)")
            params.append(name)
    if f.start is not None and f.end is not None and f.start > f.end:
        raise RusinoError(f"the range {f.start} .. {f.end} is empty", "swap the dates")
    lo, hi = ("date_start", "date_end") if f.within else ("date_end", "date_start")
    if f.start is not None:
        where.append(f"{lo} >= ?")
        params.append(f.start)
    if f.end is not None:
        where.append(f"{hi} <= ?")
        params.append(f.end)
    if f.source is not None:
        where.append("source = ?")
        params.append(query.check_source(conn, f.source))
    if f.window:
        where.append("in_window = 1")
    if f.search:
        expr = query.fts_query(f.search)
        query.validate_fts(conn, "events_fts", expr, f.search)
        where.append("rowid IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)")
        params.append(expr)
    return " AND ".join(where) or "1", params


class Table(NamedTuple):
    """A side read from a database: the connection and the condition its events meet."""

    conn: sqlite3.Connection
    where: str
    params: list[Any]

    def _cursor(self, sql: str, params: Sequence[Any]) -> sqlite3.Cursor:
        cur = self.conn.cursor()
        cur.row_factory = None  # plain tuples: a large side is read fast
        return cur.execute(sql, params)

    def digests(self) -> dict[str, str]:
        """id -> digest (schema.sql) of every event of the side."""
        return dict(self._cursor(f"SELECT id, digest FROM events WHERE {self.where}", self.params))

    def rows_and_digests(self) -> tuple[list[Row], dict[str, str]]:
        """Every event of the side (as ``rows`` gives them) and id -> digest, in one scan."""
        sql = f"SELECT {query.EVENT_SELECT}, e.digest FROM events e WHERE {self.where}"
        rows: list[Row] = []
        digests: dict[str, str] = {}
        for r in self._cursor(sql, self.params):
            rows.append(query.event_from_columns(r))
            digests[r[0]] = r[-1]
        return rows, digests

    def rows(self, ids: Collection[str] | None = None, of: int = 0) -> Iterator[Row]:
        """The side's events (only those in ``ids``, of the side's ``of``), as ``query.timeline``
        gives them, in no particular order. A few are looked up by id, many are read in one
        scan."""
        sql = f"SELECT {query.EVENT_SELECT} FROM events e"
        if ids is not None and len(ids) * 4 < of:
            rows = self._cursor(
                f"{sql} WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(list(ids)),)
            )
            return map(query.event_from_columns, rows)
        every = self._cursor(f"{sql} WHERE {self.where}", self.params)
        if ids is None:
            return map(query.event_from_columns, every)
        return map(query.event_from_columns, (r for r in every if r[0] in ids))


def _figures(conn: sqlite3.Connection) -> list[list[Any]]:
    """A database's figures with their links, in key order, to tell two databases' apart
    (read here: build's digests would import build, and edtf and sqlite-utils with it)."""
    return [
        conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
        for table in ("facts", "fact_actors", "fact_topics", "fact_notes")
    ]


def bulk_events(conn: sqlite3.Connection, f: Filters) -> list[Row]:
    """The events passing ``f``, as ``query.timeline`` gives them (in no particular order)."""
    return list(Table(conn, *_event_where(conn, f)).rows())


def _query(conn: sqlite3.Connection, f: Filters, kind: Kind) -> list[Row]:
    if kind == "events":
        return bulk_events(conn, f)
    return list(query.facts(conn, query.fact_filter(f.timeline_filter())))


@contextlib.contextmanager
def _database(side: Side, sources: Sources) -> Iterator[sqlite3.Connection]:
    """The database a selector (the current one) or a ``db:`` side (closed after) reads."""
    if side.kind == "selector":
        yield sources.conn()
        return
    from rusino import db

    assert side.path is not None
    conn = db.connect(side.path)
    try:
        yield conn
    finally:
        conn.close()


def _utf8_lines(buffer: Any) -> Iterator[str]:
    """stdin's lines, UTF-8 strictly (Latin-1 had been read through a C locale's escapes, and
    its records compared as changed)."""
    for n, raw in enumerate(buffer, start=1):
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            raise RusinoError(
                f"stdin, line {n}: not UTF-8", "convert it first, e.g. iconv -f latin1 -t UTF-8"
            ) from None


def _wide(path: Path) -> str | None:
    try:
        with path.open("rb") as fh:
            return wide_encoding(fh.read(8))
    except OSError:
        return None


def load_side(side: Side, options: Filters, sources: Sources, kind: Kind) -> list[Row]:
    """The rows of one side, with the command's filters applied."""
    f = options.merge(side.filters, side.label, options=True)
    if side.kind in ("selector", "db"):
        with _database(side, sources) as conn:
            return _query(conn, f, kind)
    if side.kind == "stdin":  # (a byte-order mark, as Windows tools write, skipped)
        buffer = getattr(sources.stdin, "buffer", None)  # (none: a test's StringIO)
        encoding = wide_encoding(buffer.peek(8)[:8]) if buffer is not None else None
        if encoding:  # (it had been "stdin, line 1: not a JSON object")
            raise not_utf8("stdin", encoding)
        lines = _utf8_lines(buffer) if buffer is not None else iter(sources.stdin)
        first = next(lines, "").removeprefix("\ufeff")
        rows = read_rows(itertools.chain([first], lines), "stdin", kind)
    else:
        assert side.path is not None
        # (a pipe, <(rusino timeline ...), is not read twice: only a file is looked at first)
        encoding = _wide(side.path) if side.path.is_file() else None
        if encoding:  # (it had been the codec's own words, or "not rusino JSON")
            raise not_utf8(side.label, encoding, side.label)
        try:
            # utf-8-sig: a byte-order mark, as Windows tools write, is skipped (as import does)
            with side.path.open(encoding="utf-8-sig") as fh:
                rows = read_rows(fh, side.label, kind)
        except (OSError, UnicodeDecodeError) as e:
            if is_sqlite(side.path):  # a database given as a file
                raise RusinoError(
                    f"{side.label} is a database, not a file of records",
                    f"did you mean db:{side.label}?",
                ) from None
            if isinstance(e, UnicodeDecodeError):  # a pipe, <(...): its bytes read once
                raise RusinoError(
                    f"{side.label} is not UTF-8 text",
                    "convert it first, e.g. iconv -f latin1 -t UTF-8",
                ) from None
            raise RusinoError(f"cannot read {side.label}: {e}", _FILE_HINT) from None
    if f == Filters():
        return rows
    needs_conn = bool(f.actors or f.topics)
    return filter_rows(rows, f, sources.conn() if needs_conn else None)


# ---------------------------------------------------------------------------------------------
# comparing events


class Entry(NamedTuple):
    """One line of a diff: which side(s) hold the event, the event, and for a changed one the
    fields that differ as {name: (left value, right value)}."""

    side: str  # left | right | shared | changed
    row: Row
    fields: dict[str, tuple[Any, Any]] | None = None


@dataclass
class EventDiff:
    left: str
    right: str
    entries: list[Entry]  # chronological, as timeline orders events
    counts: dict[str, int]
    figures_differ: bool = False  # two whole databases whose facts differ (diff --facts shows)

    @property
    def same(self) -> bool:
        return not (self.counts["left"] or self.counts["right"] or self.counts["changed"])

    def only(self, which: Sequence[str]) -> list[Entry]:
        return [e for e in self.entries if e.side in which] if which else self.entries


def _order(row: Row) -> tuple[str, int, str]:
    return (
        str(row.get("start") or ""),
        _PRECISION_RANK.get(str(row.get("precision")), 5),
        str(row.get("id")),
    )


def _entry_order(e: Entry) -> tuple[str, int, str]:
    return _order(e.row)


def compare_events(
    left: Iterable[Row],
    right: Iterable[Row],
    labels: tuple[str, str],
    only: Sequence[str] = (),
) -> EventDiff:
    """Match by id: left only, right only, shared (equal) and changed (some field differs).

    Every category is counted; only those in ``only`` (all when empty) become entries."""
    want = set(only or CATEGORIES)
    by_id = {r["id"]: r for r in left}
    pop = by_id.pop
    entries: list[Entry] = []
    add = entries.append
    counts = dict.fromkeys(CATEGORIES, 0)
    for r in right:
        old = pop(r["id"], None)
        if old is None:
            side = "right"
        elif old == r or (old.keys() != r.keys() and not _changes(old, r)):
            side = "shared"
        else:
            side = "changed"
            if side in want:
                add(Entry(side, r, _changes(old, r)))
            counts[side] += 1
            continue
        counts[side] += 1
        if side in want:
            add(Entry(side, r))
    counts["left"] = len(by_id)
    if "left" in want:
        entries.extend(Entry("left", r) for r in by_id.values())
    entries.sort(key=_entry_order)
    return EventDiff(labels[0], labels[1], entries, counts)


def _changes(old: Row, new: Row) -> dict[str, tuple[Any, Any]]:
    """The fields that differ, of those both rows have (a file may leave some out)."""
    return {k: (old[k], new[k]) for k in new if k in old and old[k] != new[k]}


_RANK_DIGIT = {k: str(v) for k, v in _PRECISION_RANK.items()}


def _text_order(e: Entry) -> str:
    """_entry_order as one string, which sorts faster than a tuple, for rows whose start,
    precision and id are text (a database's always are): NUL sorts before any character of a
    date, and a rank is one digit."""
    row = e.row
    return f"{row['start']}\0{_RANK_DIGIT.get(row['precision'], '5')}{row['id']}"


def compare_tables(
    left: Table, right: Table, labels: tuple[str, str], only: Sequence[str] = ()
) -> EventDiff:
    """compare_events for two sides read from databases: matched by id and compared by digest,
    so that only the rows to be shown are read whole."""
    want = set(only or CATEGORIES)
    old = left.digests()
    every = {"right", "shared", "changed"} <= want  # every row of the right side is shown
    right_rows, new = right.rows_and_digests() if every else ([], right.digests())
    left_only = old.keys() - new.keys()
    right_only = new.keys() - old.keys()
    theirs = new.get  # an id on the left only gives its own digest back: not changed
    changed = {i for i, digest in old.items() if theirs(i, digest) != digest}
    counts = {
        "left": len(left_only),
        "right": len(right_only),
        "shared": len(new) - len(right_only) - len(changed),
        "changed": len(changed),
    }
    if not every:
        shown: set[str] = set()
        if "shared" in want:
            shown |= new.keys() - right_only - changed
        if "right" in want:
            shown |= right_only
        if "changed" in want:
            shown |= changed
        right_rows = list(right.rows(shown, len(new))) if shown else []
    wanted_left = (left_only if "left" in want else set()) | (
        changed if "changed" in want else set()
    )
    olds = {r["id"]: r for r in left.rows(wanted_left, len(old))} if wanted_left else {}
    entries: list[Entry] = []
    add = entries.append
    for r in right_rows:
        rid = r["id"]
        if rid in changed:
            add(Entry("changed", r, _changes(olds[rid], r)))
        else:
            add(Entry("right" if rid in right_only else "shared", r))
    if "left" in want:
        entries.extend(Entry("left", olds[i]) for i in left_only)
    entries.sort(key=_text_order)
    return EventDiff(labels[0], labels[1], entries, counts)


def summary(counts: dict[str, int], kind: Kind = "events") -> str:
    """``12 only left, 9 only right, 3 shared, 1 changed`` (figures: the conflicting among the
    changed too), in the words --only and the side column use."""
    conflicts = counts.get("conflict") if kind == "facts" else 0
    return (
        f"{counts['left']} only left, {counts['right']} only right, "
        f"{counts['shared']} shared, {counts['changed']} changed"
        + (f" ({conflicts} conflicting)" if conflicts else "")
    )


# ---------------------------------------------------------------------------------------------
# comparing facts


def normalise_subject(subject: str) -> str:
    """Case, spacing and punctuation ignored: "Russia-China trade  volume." -> "russia china
    trade volume"."""
    return " ".join(re.findall(r"\w+", subject.lower()))


def _midpoint(row: Row) -> float | None:
    try:
        lo = float(row["value"])
        hi = row.get("value_max")
        return (lo + float(hi)) / 2 if hi not in (None, "", 0) else lo
    except (TypeError, ValueError, KeyError):
        return None


class FactEntry(NamedTuple):
    """A fact on one side only (``left``/``right``), or a pair (``shared``: same figure,
    ``changed``: different figures) with its change."""

    side: str
    subject: str
    unit: str
    left: Row | None
    right: Row | None
    change: float | None = None
    relative: float | None = None  # percent
    conflict: bool = False  # two sources, same subject and period, different figures
    fields: dict[str, tuple[Any, Any]] | None = None  # a changed pair's fields: (left, right)


@dataclass
class FactDiff:
    left: str
    right: str
    entries: list[FactEntry]
    counts: dict[str, int]

    @property
    def same(self) -> bool:
        return not (self.counts["left"] or self.counts["right"] or self.counts["changed"])

    def only(self, which: Sequence[str]) -> list[FactEntry]:
        return [e for e in self.entries if e.side in which] if which else self.entries


def _pair(a: Row, b: Row) -> FactEntry:
    va, vb = _midpoint(a), _midpoint(b)
    # compared on the fields both have, as events are (a file may leave some out)
    figure = [k for k in ("value", "value_max", "qualifier") if k in a and k in b]
    same_figure = all(a[k] == b[k] for k in figure)
    change = relative = None
    one_unit = (
        str(a.get("unit", "")).strip().casefold() == str(b.get("unit", "")).strip().casefold()
    )
    if va is not None and vb is not None and one_unit:  # (a fact whose unit changed: no change)
        # to 12 significant digits: 42.8 - 42.7 is 0.1, not 0.09999999999999432
        change = float(f"{vb - va:.12g}")
        if change.is_integer() and abs(change) < 2**53:  # 30000000, as the values are written
            change = int(change)
        relative = float(f"{(vb - va) / abs(va) * 100:.12g}") if va else None
    conflict = (
        not same_figure
        and a.get("source") != b.get("source")
        and (a.get("start"), a.get("end")) == (b.get("start"), b.get("end"))
        and not _agree(a, b)
    )
    same_id = a.get("id") == b.get("id")
    # what changed in one fact (the same id), every field (of two facts, the change says it)
    fields = _changes(a, b) if same_id else {}
    side = "shared" if same_figure and not fields else "changed"
    return FactEntry(
        side,
        str(b["subject"]),
        str(b["unit"]),
        a,
        b,
        change,
        relative,
        conflict,
        fields if side == "changed" else None,
    )


def _span(row: Row) -> tuple[float, float] | None:
    """The values a figure allows: its range, widened by its qualifier (more than 25: 25 and
    up; almost 80: up to 80, from a tenth below; about 80: within a tenth)."""
    try:
        lo = float(row["value"])
        high = row.get("value_max")
        hi = float(high) if high not in (None, "", 0) else lo
    except (TypeError, ValueError, KeyError):
        return None
    qualifier = row.get("qualifier", "exact")
    if qualifier == "more-than":
        hi = math.inf
    elif qualifier in ("less-than", "up-to"):
        lo = -math.inf
    elif qualifier == "almost":  # just under: within a tenth below (not 10 billion for 80)
        lo = lo - abs(lo) / 10
    elif qualifier == "about":
        lo, hi = lo - abs(lo) / 10, hi + abs(hi) / 10
    return lo, hi


def _agree(a: Row, b: Row) -> bool:
    """Whether two sources' figures can both be right: 18 billion within "16 to 20 billion",
    79 billion "almost 80 billion" (they had been conflicts)."""
    sa, sb = _span(a), _span(b)
    return sa is not None and sb is not None and sa[0] <= sb[1] and sb[0] <= sa[1]


def _apart(a: Row, b: Row) -> float:
    """Days between the middles of two facts' periods (a file's fact without them: far)."""
    try:
        ends = [date.fromisoformat(str(r[k])).toordinal() for r in (a, b) for k in ("start", "end")]
    except (KeyError, ValueError):
        return math.inf
    return abs((ends[0] + ends[1]) - (ends[2] + ends[3])) / 2


def compare_facts(left: Iterable[Row], right: Iterable[Row], labels: tuple[str, str]) -> FactDiff:
    """Pair facts by (normalised subject, unit). A fact whose id is on both sides is paired with
    its twin; the others of a key one to one, a figure of the same kind (an actual with an
    actual rather than a target) and the nearest period first; the rest are on one side only.
    (Each had been paired with every figure of its key: one 2012 figure three times.)"""
    left, right = list(left), list(right)
    # a fact on both sides under its id is paired with itself, whatever its subject or unit
    # became (a changed subject had made it one fact only left, and one only right)
    on_right = {str(r["id"]): r for r in right}
    twins = {str(a["id"]) for a in left if str(a["id"]) in on_right}
    entries = [_pair(a, on_right[str(a["id"])]) for a in left if str(a["id"]) in twins]
    groups: dict[tuple[str, str], tuple[list[Row], list[Row]]] = {}
    for i, rows in enumerate((left, right)):
        for r in rows:
            if str(r["id"]) in twins:
                continue
            key = (normalise_subject(str(r["subject"])), str(r["unit"]).strip().casefold())
            groups.setdefault(key, ([], []))[i].append(r)
    for ls, rs in groups.values():
        paired_l: set[int] = set()
        paired_r: set[int] = set()
        candidates = [
            (int(a.get("kind", "") != b.get("kind", "")), _apart(a, b), i, j)
            for i, a in enumerate(ls)
            for j, b in enumerate(rs)
        ]
        for _, _, i, j in sorted(candidates):
            if i not in paired_l and j not in paired_r:
                entries.append(_pair(ls[i], rs[j]))
                paired_l.add(i)
                paired_r.add(j)
        for i, a in enumerate(ls):
            if i not in paired_l:
                entries.append(FactEntry("left", str(a["subject"]), str(a["unit"]), a, None))
        for j, b in enumerate(rs):
            if j not in paired_r:
                entries.append(FactEntry("right", str(b["subject"]), str(b["unit"]), None, b))

    def order(e: FactEntry) -> tuple[str, str, tuple[str, int, str], tuple[str, int, str]]:
        blank = ("", 0, "")
        first = e.left or e.right or {}
        return (
            normalise_subject(e.subject),
            e.unit,
            _order(first),
            _order(e.right) if e.right and e.left else blank,
        )

    entries.sort(key=order)
    counts = dict.fromkeys(CATEGORIES, 0)
    counts["conflict"] = 0
    for e in entries:
        counts[e.side] += 1
        counts["conflict"] += e.conflict
    return FactDiff(labels[0], labels[1], entries, counts)


# ---------------------------------------------------------------------------------------------
# the whole thing


def diff(
    left: str,
    right: str | None,
    options: Filters,
    sources: Sources,
    kind: Kind = "events",
    only: Sequence[str] = (),
) -> EventDiff | FactDiff:
    """Compare LEFT and RIGHT (RIGHT omitted: ``all`` of the current database against LEFT,
    which is then the right side, as in ``diff db:mine.sqlite``: what mine changes).

    ``only`` may leave categories out of the entries (not out of the counts), which spares
    building their rows when both sides are databases."""
    if right is None:
        left, right = "all", left
    sides = (_side(left, sources), _side(right, sources))
    if sides[0].kind == sides[1].kind == "stdin":
        raise RusinoError("only one side can be - (stdin)", "save the other to a file")
    labels = (sides[0].label, sides[1].label)
    if options.within and not any(
        options.start or options.end or s.filters.start or s.filters.end for s in sides
    ):
        raise RusinoError(
            "--within needs --from or --to, or a side with dates",
            "e.g. rusino diff 2012 2013 --within",
        )
    # Hundreds of thousands of small dicts and lists, none of them cyclic: the cyclic collector
    # would rescan the growing heap again and again (half the time of a large diff) for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if kind == "events" and all(s.kind in ("selector", "db") for s in sides):
            with _database(sides[0], sources) as lc, _database(sides[1], sources) as rc:
                conns = (lc, rc)

                def where(i: int) -> tuple[str, list[Any]]:
                    merged = options.merge(sides[i].filters, sides[i].label, options=True)
                    return _event_where(conns[i], merged)

                none: tuple[str, list[Any]] = ("0", [])
                wheres = _each_side(sides, where, none, sources)
                tables = [Table(c, *w) for c, w in zip(conns, wheres, strict=True)]
                result = compare_tables(tables[0], tables[1], labels, only)
                if all(w == ("1", []) for w in wheres):  # whole databases: their figures too
                    result.figures_differ = _figures(lc) != _figures(rc)
                return result
        nothing: list[Row] = []
        rows = _each_side(
            sides, lambda i: load_side(sides[i], options, sources, kind), nothing, sources
        )
        if kind == "events":
            return compare_events(rows[0], rows[1], labels, only)
        return compare_facts(rows[0], rows[1], labels)
    finally:
        if collecting:
            gc.enable()


# ---------------------------------------------------------------------------------------------
# flat records, for the writers

FACT_DIFF_FIELDS = (
    "side",
    "subject",
    "unit",
    "left_id",
    "left_value",
    "left_value_max",
    "left_date",
    "left_source",
    "right_id",
    "right_value",
    "right_value_max",
    "right_date",
    "right_source",
    "change",
    "relative",
    "conflict",
    "fields",  # a changed pair's fields: "name: left → right; ..."
)


def _percent(relative: float | None) -> float | None:
    """A relative change to two decimals, never -0.0 (a fall smaller than 0.005%)."""
    return None if relative is None else round(relative, 2) + 0.0


def fact_record(e: FactEntry) -> Row:
    """A fact entry as one flat row (FACT_DIFF_FIELDS); ``relative`` is a percentage."""
    out: Row = {"side": e.side, "subject": e.subject, "unit": e.unit}
    for name, row in (("left", e.left), ("right", e.right)):
        out[f"{name}_id"] = row["id"] if row else None
        out[f"{name}_value"] = row["value"] if row else None
        out[f"{name}_value_max"] = row.get("value_max") if row else None
        out[f"{name}_date"] = row["date"] if row else None
        out[f"{name}_source"] = row.get("source") if row else None  # (a file may leave it out)
    out["change"] = e.change
    out["relative"] = _percent(e.relative)
    out["conflict"] = e.conflict
    out["fields"] = changes_text(e.fields) if e.fields else None
    return out


def changes_text(fields: dict[str, tuple[Any, Any]]) -> str:
    """Changed fields in a line: "summary: old → new; notes: 37 → 37;38; comment: none →
    text"."""
    return "; ".join(f"{k}: {shown(a)} → {shown(b)}" for k, (a, b) in fields.items())


def shown(value: Any) -> str:
    """A changed field's side as a diff writes it: an empty one as none (a null had been
    nothing: "value_max:  → 2")."""
    from rusino.render import cell

    return "none" if value in (None, "", []) else cell(value)


def fact_json(e: FactEntry) -> Row:
    """A fact entry for json/jsonl: both whole facts and the change."""
    return {
        "side": e.side,
        "subject": e.subject,
        "unit": e.unit,
        "left": e.left,
        "right": e.right,
        "change": e.change,
        "relative": _percent(e.relative),
        "conflict": e.conflict,
        **({"fields": {k: list(v) for k, v in e.fields.items()}} if e.fields else {}),
    }
