"""Writers: rows (dicts in the JSON schema, see rusino.query) -> a text stream.

Every writer has the same shape, ``write(rows, view, out, options)``, and streams: rows are
written as they come (the table view one year group at a time). Flat formats (tsv, csv, markdown)
write the view's fields as columns, lists joined with ``;``; json/jsonl write whole rows. rich is
imported only inside the table writer, when a table is actually drawn.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

Row = dict[str, Any]

DASH = "\u2013"  # en dash, in ranges


class Format(StrEnum):
    table = "table"
    tsv = "tsv"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"


class View(NamedTuple):
    """What a listing holds: its name (picks the table layout) and its flat columns, in order."""

    name: str
    fields: tuple[str, ...]


class Options(NamedTuple):
    headers: bool = True
    width: int | None = None  # table width; None: the terminal's (or $COLUMNS, or 80)
    highlight: Sequence[str] = ()  # words to highlight in the table view (search)
    console: Any = None  # a rich Console to draw on instead of a new one (--save records one)


EVENT_FIELDS = (
    "id",
    "date",
    "start",
    "end",
    "date_text",
    "precision",
    "inferred",
    "in_window",
    "summary",
    "actors",
    "topics",
    "source",
    "notes",
    "quote",
    "comment",
)
FACT_FIELDS = (
    "id",
    "subject",
    "value",
    "value_max",
    "unit",
    "qualifier",
    "as_written",
    "date",
    "start",
    "end",
    "date_text",
    "precision",
    "inferred",
    "in_window",
    "kind",
    "actors",
    "topics",
    "source",
    "notes",
    "quote",
    "event",
    "comment",
)
# Fields `show --format json` adds to a record (views of it and of the records it links to),
# which import and diff read past.
SHOWN = ("date_words", "source_detail", "note_texts", "related", "citation", "bibtex")
EVENTS = View("events", EVENT_FIELDS)
FACTS = View("facts", FACT_FIELDS)
SEARCH = View("search", ("id", "type", "rank", "date", "start", "end", "text", "source"))
ACTORS = View("actors", ("name", "kind", "country", "aliases", "events", "facts"))
TOPICS = View("topics", ("name", "description", "aliases", "events", "facts"))
SOURCES = View(
    "sources",
    (
        "id",
        "authors",
        "title",
        "publication",
        "date",
        "kind",
        "volume",
        "issue",
        "pages",
        "publisher",
        "url",
        "notes",
        "events",
        "facts",
        "citation",
    ),
)


# ---------------------------------------------------------------------------------------------
# cells


def cell(value: Any) -> str:
    """One value as flat text: lists joined with ';', booleans true/false, null empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ";".join(cell(v) for v in value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    text = str(value)
    if isinstance(value, float) and "e" in text and math.isfinite(value):
        from decimal import Decimal  # 1e-09, 1e+20 written out, as sort -n reads numbers

        text = format(Decimal(text), "f")
    return text


_TSV_BLANKS = str.maketrans({"\t": " ", "\n": " ", "\r": " "})


def tsv_cell(value: Any) -> str:
    # A tab or newline inside a value would break the one-record-a-line contract.
    text = value if value.__class__ is str else cell(value)  # plain text is the common case
    if "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\r\n", " ").translate(_TSV_BLANKS)
    return text


def _flag(value: Any) -> str:
    return "true" if value is True else "false" if value is False else cell(value)


def event_tsv(row: Row) -> str:
    """An event's TSV line (EVENT_FIELDS, no newline): exactly what the cell by cell way writes,
    built in one join for the plain rows nearly all are (strings, booleans, lists of names)."""
    try:
        notes = row["notes"]
        line = "\t".join(
            (
                row["id"],
                row["date"],
                row["start"],
                row["end"],
                row["date_text"],
                row["precision"],
                _flag(row["inferred"]),
                _flag(row["in_window"]),
                row["summary"],
                ";".join(row["actors"]),
                ";".join(row["topics"]),
                row["source"],
                ";".join(map(cell, notes)) if notes else "",
                row["quote"],
                row["comment"],
            )
        )
        if line.count("\t") == 14 and "\n" not in line and "\r" not in line:
            return line
    except (KeyError, TypeError):  # a field missing, or not text: the cell by cell way
        pass
    return "\t".join([tsv_cell(row.get(k)) for k in EVENT_FIELDS])


# ---------------------------------------------------------------------------------------------
# flat writers


def write_tsv(rows: Iterable[Row], view: View, out: TextIO, opts: Options) -> int:
    n = 0
    fields = view.fields
    lines: list[str] = []
    events = fields == EVENT_FIELDS
    for row in rows:
        if n == 0 and opts.headers:
            out.write("\t".join(fields) + "\n")
        if events:
            lines.append(event_tsv(row) + "\n")
        else:
            lines.append("\t".join([tsv_cell(row.get(k)) for k in fields]) + "\n")
        n += 1
        if len(lines) == 512:  # a block at a time: fewer writes, and still streaming
            out.write("".join(lines))
            lines.clear()
    if n == 0 and opts.headers:  # no rows: still the header, which csv and pandas readers need
        out.write("\t".join(fields) + "\n")
    out.write("".join(lines))
    return n


class _RowsEndInLF:
    """The file a csv writer made by csv_writer writes to."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, row: str) -> int:
        return self.out.write(row[:-2] + "\n")  # each call is one row, ending in "\r\n"


def csv_writer(out: TextIO) -> Any:
    """A csv writer whose rows end in "\n" and which quotes a cell holding "\r" as it quotes
    one holding "\n": csv quotes only the characters of its lineterminator, so with "\n" a lone
    "\r" went out bare, and split the row for every reader."""
    import csv

    return csv.writer(_RowsEndInLF(out), lineterminator="\r\n")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPED_STARTS = (*FORMULA_STARTS, "'")


_NEGATIVE_NUMBER = re.compile(r"-(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", re.ASCII)


def neutralise(text: str) -> str:
    """Prefix `'` to a cell a spreadsheet would run as a formula (reversed by `restore`); a
    negative number is none, and stays a number a spreadsheet sums."""
    if _NEGATIVE_NUMBER.fullmatch(text):
        return text
    if text.startswith(FORMULA_STARTS) or (
        text[:1] == "'" and text[1:2] in ESCAPED_STARTS and text[1:2]
    ):
        return "'" + text
    return text


def write_csv(rows: Iterable[Row], view: View, out: TextIO, opts: Options) -> int:
    """Rows as csv, safe to open in a spreadsheet as `export -f csv` is (and read back by
    `import`, which reverses it): a listing's "=..." had been written as it was."""
    w = csv_writer(out)
    n = 0
    for row in rows:
        if n == 0 and opts.headers:
            w.writerow(view.fields)
        w.writerow([neutralise(cell(row.get(k))) for k in view.fields])
        n += 1
    if n == 0 and opts.headers:  # (after the rows were asked for: a bad query writes nothing)
        w.writerow(view.fields)
    return n


def md_cell(value: Any) -> str:
    return tsv_cell(value).replace("\\", "\\\\").replace("|", "\\|")


def write_markdown(rows: Iterable[Row], view: View, out: TextIO, opts: Options) -> int:
    # A Markdown table cannot do without its header row, so --no-headers does not apply.
    n = 0

    def header() -> None:
        out.write("| " + " | ".join(view.fields) + " |\n")
        out.write("|" + "|".join("---" for _ in view.fields) + "|\n")

    for row in rows:
        if n == 0:
            header()
        out.write("| " + " | ".join(md_cell(row.get(k)) for k in view.fields) + " |\n")
        n += 1
    if n == 0:  # an empty table is still a table
        header()
    return n


def write_json(rows: Iterable[Row], view: View, out: TextIO, opts: Options) -> int:
    import json

    n = 0
    for row in rows:
        text = json.dumps(row, ensure_ascii=False, indent=2)
        out.write(("[\n" if n == 0 else ",\n") + "  " + text.replace("\n", "\n  "))
        n += 1
    out.write("\n]\n" if n else "[]\n")  # JSON even when empty: `| jq length` says 0
    return n


def write_jsonl(rows: Iterable[Row], view: View, out: TextIO, opts: Options) -> int:
    import json

    n = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        n += 1
    return n


# ---------------------------------------------------------------------------------------------
# figures in words

_UNITS = {"percent": "%", "m3": "m³", "ft3": "ft³", "km2": "km²", "count": ""}
_SCALES = ((1e12, "tn"), (1e9, "bn"), (1e6, "m"))
_QUALIFIERS = {
    "about": "~",
    "almost": "≲ ",  # just under, about: not the same as about
    "more-than": "> ",
    "less-than": "< ",
    "up-to": "≤ ",
    "at-least": "≥ ",
    "at-most": "≤ ",
}


def _num(x: float) -> str:
    """A number with thousands separators, to 12 significant digits: exact as stored, without
    float noise (2.175 bn had been 2.17, 0.000123 km 0)."""
    x = float(x)
    if x.is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    text = f"{abs(x):.12g}"
    if "e" in text:  # 1e-09: as 1e-9
        mantissa, _, exponent = text.partition("e")
        text = f"{mantissa}e{int(exponent)}"
    else:
        whole, dot, fraction = text.partition(".")
        text = f"{int(whole):,}{dot}{fraction}"
    return ("-" if x < 0 else "") + text


def figure(value: Any, value_max: Any = None, unit: str = "", qualifier: str = "") -> str:
    """A readable normal form: "USD 80 bn", "USD 550-700 m", "1,300-1,500 km", "> 25 m t"."""
    try:
        lo = float(value)
        hi = float(value_max) if value_max not in (None, "", 0) else None
    except (TypeError, ValueError):
        return cell(value)
    top = max(abs(lo), abs(hi) if hi is not None else 0)
    scale, word = 1.0, ""
    if unit != "percent":
        for s, w in _SCALES:
            if top >= s:
                scale, word = s, w
                break
    number = _num(lo / scale)
    if hi is not None:  # "-10 to -4%": a dash beside a minus reads as one
        number += (" to " if min(lo, hi) < 0 else DASH) + _num(hi / scale)
    shown = _UNITS.get(unit, unit)
    if unit == "percent":
        text = number + "%"
    elif unit.isupper() and len(unit) == 3:  # a currency code goes first: USD 80 bn
        text = " ".join(x for x in (unit, number, word) if x)
    else:
        text = " ".join(x for x in (number, word, shown) if x)
    return _QUALIFIERS.get(qualifier, "") + text


def notes_text(source: str, notes: Sequence[int]) -> str:
    if not notes:
        return source
    label = "n." if len(notes) == 1 else "nn."
    return f"{source}, {label} {', '.join(str(n) for n in notes)}"


# ---------------------------------------------------------------------------------------------
# the table view (rich)


class _RStrip:
    """A stream wrapper dropping the spaces rich pads table lines with, before each newline."""

    def __init__(self, out: TextIO) -> None:
        import re

        self._out = out
        self._pending = ""
        self._trailing = re.compile(r"[ ]+((?:\x1b\[[0-9;]*m)*)\n")

    def write(self, s: str) -> int:
        text = self._pending + s
        cut = text.rfind("\n") + 1
        self._pending = text[cut:]
        if cut:
            self._out.write(self._trailing.sub(r"\1\n", text[:cut]))
        return len(s)

    def flush(self) -> None:
        if self._pending:
            self._out.write(self._pending)
            self._pending = ""
        self._out.flush()

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, encoding: the real stream's
        return getattr(self._out, name)


def console_for(out: TextIO, opts: Options) -> Console:
    if opts.console is not None:
        return opts.console  # type: ignore[no-any-return]
    from rich.console import Console
    from rich.segment import Segment

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            # rich would exit 1 here; let the CLI end quietly with 0, as for every other format.
            raise BrokenPipeError

        def _render_buffer(self, buffer: Iterable[Segment]) -> str:
            # The data's text is shown, never run: a control character in a record (an ESC
            # from someone's import) would restyle or move the terminal. Rich's own codes are
            # made from styles after this, or come as control segments, left as they are.
            return super()._render_buffer(
                s if s.control else Segment(printable(s.text), s.style) for s in buffer
            )

    console = _Console(
        file=_RStrip(out),  # type: ignore[arg-type]
        width=opts.width,
        # NO_COLOR (https://no-color.org): no ANSI styling at all, not only no colours.
        color_system=None if os.environ.get("NO_COLOR") else "auto",
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
    )
    if opts.width is None and console.width < MIN_WIDTH:
        # COLUMNS=0 drew nothing and a few columns cut words and ids: narrower than this, the
        # views are drawn this wide and the terminal wraps their lines, losing nothing
        console.width = MIN_WIDTH
    elif console.width > MAX_WIDTH:
        # drawing time grows with the width: COLUMNS=30000 took 17 s for one row
        console.width = MAX_WIDTH
    return console


# C0 control characters but tab and newline, and DEL: shown as their Unicode pictures (ESC as
# ␛); C1 controls and the invisible ones that reorder or hide text (bidi overrides and
# isolates, zero-width characters), which have no picture, as <U+202E>
_CONTROLS: dict[int, int | str] = {
    **{c: 0x2400 + c for c in range(0x20) if chr(c) not in "\t\n"},
    0x7F: 0x2421,
    **{
        c: f"<U+{c:04X}>"
        for c in (
            *range(0x80, 0xA0),
            *range(0x200B, 0x2010),
            *range(0x202A, 0x202F),
            *range(0x2060, 0x2065),
            *range(0x2066, 0x206A),
            0xFEFF,
        )
    },
}


def printable(text: str) -> str:
    """text with its control characters made visible (see _CONTROLS)."""
    return text.translate(_CONTROLS) if not text.isprintable() else text  # (those aren't)


MIN_WIDTH = 60  # columns a view is drawn in at least
MAX_WIDTH = 1000  # and at most


def _grouped(rows: Iterable[Row], key: Callable[[Row], str]) -> Iterator[tuple[str, list[Row]]]:
    group: list[Row] = []
    current: str | None = None
    for row in rows:
        k = key(row)
        if group and k != current:
            yield current or "", group
            group = []
        current = k
        group.append(row)
    if group:
        yield current or "", group


def _year(row: Row) -> str:
    return str(row.get("start") or "")[:4] or "undated"


def _table(console: Console, *, header: bool, expand: bool = False) -> Table:
    from rich import box
    from rich.table import Table

    return Table(
        box=box.SIMPLE_HEAD,  # also headless, so that tables of successive groups line up
        show_header=header,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1),
        expand=expand,
        header_style="bold",
    )


def _text(*parts: tuple[str, str]) -> Text:
    from rich.text import Text

    t = Text()
    for s, style in parts:
        t.append(s, style=style)
    return t


def _mark(text: Text, words: Sequence[str]) -> Text:
    import re

    if words:
        # a word and what it starts ("pipeline" of "pipelines"); a number whole, as it is found
        parts = [re.escape(w) + (r"(?!\w|[.,]\d)" if w[-1].isdigit() else r"\w*") for w in words]
        text.highlight_regex(r"(?i)(?<![\w.,-])(?:" + "|".join(parts) + ")", style="bold reverse")
    return text


def _year_heading(console: Console, year: str, first: bool) -> None:
    if not first:
        console.print()
    console.print(_text((year, "bold underline")), soft_wrap=True)


def _flags(row: Row) -> str:
    flags = [] if row.get("in_window", True) else [f"outside 2009{DASH}2016"]
    if row.get("inferred"):
        flags.append("date inferred")
    return f" ({'; '.join(flags)})" if flags else ""


_GAP = "   "  # between columns: what a borderless rich table puts there (padding + divider)


def _grid(console: Console, cells: Sequence[tuple[Text, int]]) -> Text:
    """Cells side by side, each wrapped to its width, as a borderless table lays them out.

    The events view is drawn this way rather than with rich.table: a Table's layout pass costs
    more than everything else the command does (speed is measured against the bare interpreter).
    """
    from rich.text import Text

    columns = [text.wrap(console, width, overflow="fold") for text, width in cells]
    height = max(len(lines) for lines in columns)
    out = Text()
    for i in range(height):
        if i:
            out.append("\n")
        for c, ((_, width), lines) in enumerate(zip(cells, columns, strict=True)):
            if c:
                out.append(_GAP)
            line = lines[i] if i < len(lines) else Text()
            out.append_text(line)
            out.append(" " * (width - line.cell_len))
    return out


ID_ROOM = 60  # the width of an id a table keeps whole, where it can (made ids run to ~60)


def _events_table(rows: Iterable[Row], out: TextIO, opts: Options) -> int:
    """Events grouped by year, in columns of the same widths in every group, so they line up.

    Terminals from 80 to ~150 columns get two columns, the date and a three-line body (summary;
    actors and topics; source, notes and id), narrower ones the date above the body; wider ones
    get actors, topics and source as
    columns, once the event's column still holds an id of ID_ROOM characters whole (at 120 it
    had been 42 wide, narrower than at 80, and a third of the ids broke in two).
    """
    from rich.text import Text

    console = console_for(out, opts)
    width = console.width
    side = max(21, width * 13 // 100)  # (regional-development)
    cited = 24  # a source and its notes ("kim-blank-2013, n. 37") on one line
    event = width - 16 - 2 * side - cited - 4 * len(_GAP)
    wide = event >= ID_ROOM
    if wide:
        widths = [16, event, side, side, cited]
        headers = ("date", "event", "actors", "topics", "source")
    else:
        # below 80 columns the date heads the body, which then has the whole width for its id
        widths = [14, width - 14 - len(_GAP)] if width >= 80 else [width]
    n = 0
    for year, group in _grouped(rows, _year):
        _year_heading(console, year, n == 0)
        block = Text()
        if wide and n == 0:
            block.append_text(
                _grid(console, [(Text(h, "bold"), w) for h, w in zip(headers, widths, strict=True)])
            )
            block.append("\n" + "\u2500" * width + "\n")
        for k, row in enumerate(group):
            date = Text(date_cell(row["date"], widths[0]), style="cyan")
            actors = ", ".join(row["actors"])
            topics = ", ".join(row["topics"])
            source = notes_text(row["source"], row["notes"])
            # an id longer than the event's column (one of your own): this entry stacked, the
            # date above, so that the id is whole on a line of the full width
            row_widths = widths
            if len(widths) > 1 and widths[1] < len(row["id"]) <= width:
                row_widths = [width]
            if wide and len(row_widths) > 1:
                body = _text((row["summary"], ""), ("\n" + row["id"] + _flags(row), "dim"))
                cells = [
                    date,
                    _mark(body, opts.highlight),
                    Text(actors),
                    Text(topics, style="green"),
                    Text(source, style="dim"),
                ]
            else:
                body = _text(
                    (row["summary"], ""),
                    ("\n" + actors, "bold"),
                    (" \u00b7 " + topics, "green"),
                    ("\n" + source + " \u00b7 " + row["id"] + _flags(row), "dim"),
                )
                if len(row_widths) == 1:  # (the date's colour its own, not the body's too)
                    stacked = Text().append_text(date).append("\n")
                    cells = [stacked.append_text(_mark(body, opts.highlight))]
                else:
                    cells = [date, _mark(body, opts.highlight)]
            if k:
                block.append("\n\n" if len(widths) == 1 else "\n")  # (stacked: a line apart)
            block.append_text(_grid(console, list(zip(cells, row_widths, strict=True))))
            n += 1
        console.print(block, soft_wrap=True)
    return n


def _facts_table(rows: Iterable[Row], out: TextIO, opts: Options) -> int:
    """Facts grouped by the year their period starts, columns as in the events table."""

    console = console_for(out, opts)
    # as wide as the subject column then holds an id whole (at 120 it was 32 wide); below 80
    # the period goes under the figure, so that the subject keeps the room
    wide = console.width >= 150
    stacked = console.width < 80
    n = 0
    for year, group in _grouped(rows, _year):
        _year_heading(console, year, n == 0)
        t = _table(console, header=n == 0, expand=True)
        t.add_column("figure" + ("\nperiod" if stacked else ""), width=16, style="bold")
        if wide:
            t.add_column("as written", ratio=1)
            t.add_column("period", width=16, style="cyan")
            t.add_column("kind", width=9)
            t.add_column("subject", ratio=2, overflow="fold")  # ids fold, never "…"
            t.add_column("source", width=24, style="dim")
        else:
            if not stacked:
                t.add_column("period", width=16, style="cyan")
            t.add_column("subject", ratio=1, overflow="fold")
        for row in group:
            fig = figure(row["value"], row["value_max"], row["unit"], row["qualifier"])
            period = date_cell(row["date"], 16)
            source = notes_text(row["source"], row["notes"])
            if wide:
                subject = _mark(
                    _text((row["subject"], ""), ("\n" + row["id"], "dim")), opts.highlight
                )
                t.add_row(fig, row["as_written"], period, row["kind"], subject, source)
            else:
                subject = _mark(
                    _text(
                        (row["subject"], ""),
                        ("\n" + f'"{row["as_written"]}" · {row["kind"]}', "green"),
                        ("\n" + source + " · " + row["id"], "dim"),
                    ),
                    opts.highlight,
                )
                if stacked:
                    t.add_row(_text((fig, ""), ("\n" + period, "cyan")), subject)
                else:
                    t.add_row(fig, period, subject)
            n += 1
        console.print(t)
    return n


def date_cell(edtf: str, width: int) -> str:
    """A date as a table's column of ``width`` shows it: a range that does not fit broken after
    its dash, each end whole ("Sep 2010? - 8" had been above "Oct 2010", the dash an en dash)."""
    from rusino.dates import display

    text = display(edtf)
    left, dash, right = text.partition(" \u2013 ")
    return f"{left} \u2013\n{right}" if dash and len(text) > width else text


def _search_table(rows: Iterable[Row], out: TextIO, opts: Options) -> int:
    from rusino.dates import display

    console = console_for(out, opts)
    t = _table(console, header=True)
    # below 120 columns the rank, type and date head the match, which then has the whole width
    # for its id (beside them it had been 55 wide at 80, 62 at 100)
    stacked = console.width < 120
    if not stacked:
        t.add_column("#", justify="right", style="dim")
        t.add_column("type", no_wrap=True)
        t.add_column("date", style="cyan", no_wrap=True)
    t.add_column("match", overflow="fold")  # an id too long for the column folds, never "…"
    n = 0
    for row in rows:
        body = _mark(
            _text(
                (row["text"], ""), ("\n" + notes_text(row["source"], []) + " · " + row["id"], "dim")
            ),
            opts.highlight,
        )
        colour = "magenta" if row["type"] == "event" else "yellow"
        if stacked:
            head = _text(
                (f"{row['rank']}. ", "dim"),
                (row["type"], colour),
                (" " + display(row["date"]), "cyan"),
            )
            t.add_row(head.append("\n").append_text(body))
        else:
            t.add_row(
                str(row["rank"]), _text((row["type"], colour)), date_cell(row["date"], 14), body
            )
        n += 1
    if n:
        console.print(t)
    return n


MIN_WRAPPED = 12  # columns of a vocabulary table's shared text at least

# The vocabulary tables: (field, header, ratio). Columns with a ratio share the width left by
# the others, each MIN_WRAPPED wide at least (the aliases had been squeezed to a letter a line at
# 80 columns); 0 is a short text that wraps only below 80 columns (rather than the counts be
# cut); None never wraps (names that are ids, counts).
_VOCAB_COLUMNS: dict[str, tuple[tuple[str, str, int | None], ...]] = {
    "actors": (
        ("name", "name", 1),
        ("kind", "kind", 0),
        ("country", "country", 0),
        ("aliases", "aliases", 2),
        ("events", "events", None),
        ("facts", "facts", None),
    ),
    "topics": (
        ("name", "name", None),
        ("description", "description", 2),
        ("aliases", "aliases", 2),
        ("events", "events", None),
        ("facts", "facts", None),
    ),
    "sources": (
        ("id", "id", None),
        ("citation", "source", 2),
        ("notes", "notes", None),
        ("events", "events", None),
        ("facts", "facts", None),
    ),
}


def _narrow_vocab_table(rows: Iterable[Row], view: View, console: Any) -> int:
    """Actors or topics below 80 columns: the name, then its kind and country (an actor's) or
    description (a topic's), then its aliases, in one column beside the counts (five columns
    had broken "person" and "Russia" mid-word at 60)."""
    t = _table(console, header=True, expand=True)
    t.add_column(view.name[:-1], ratio=1, overflow="fold")
    for key in ("events", "facts"):
        t.add_column(key, justify="right", no_wrap=True)
    n = 0
    for row in rows:
        about = (
            " \u00b7 ".join(x for x in (row["kind"], row["country"]) if x)
            if view.name == "actors"
            else row["description"]
        )
        body = _text(
            (row["name"], "bold"),
            ("\n" + about if about else "", ""),
            ("\n" + ", ".join(row["aliases"]) if row["aliases"] else "", "dim"),
        )
        t.add_row(body, cell(row["events"]), cell(row["facts"]))
        n += 1
    if n:
        console.print(t)
    return n


def _generic_table(rows: Iterable[Row], view: View, out: TextIO, opts: Options) -> int:
    console = console_for(out, opts)
    if console.width < 80 and view.name in ("actors", "topics"):
        return _narrow_vocab_table(rows, view, console)
    columns = _VOCAB_COLUMNS.get(view.name) or tuple((k, k, 1) for k in view.fields)
    t = _table(console, header=True, expand=True)
    for key, header, ratio in columns:
        t.add_column(
            header,
            justify="right" if key in ("events", "facts", "notes") else "left",
            no_wrap=ratio is None or (ratio == 0 and console.width >= 80),
            ratio=ratio or None,
            width=MIN_WRAPPED if ratio else None,
            overflow="fold",
            style="bold" if key in ("name", "id") else "",
        )
    n = 0
    for row in rows:
        values = []
        for key, _, _ in columns:
            v = row.get(key)
            values.append(", ".join(map(str, v)) if isinstance(v, list) else cell(v))
        t.add_row(*values)
        n += 1
    if n:
        console.print(t)
    return n


def write_table(rows: Iterable[Row], view: View, out: TextIO, opts: Options) -> int:
    if view.name == "events":
        return _events_table(rows, out, opts)
    if view.name == "facts":
        return _facts_table(rows, out, opts)
    if view.name == "search":
        return _search_table(rows, out, opts)
    return _generic_table(rows, view, out, opts)


Writer = Callable[[Iterable[Row], View, TextIO, Options], int]

WRITERS: dict[Format, Writer] = {
    Format.table: write_table,
    Format.tsv: write_tsv,
    Format.csv: write_csv,
    Format.json: write_json,
    Format.jsonl: write_jsonl,
    Format.markdown: write_markdown,
}


def render(rows: Iterable[Row], view: View, fmt: Format, out: TextIO, opts: Options) -> int:
    """Write ``rows`` as ``fmt``; return how many were written. No rows, no output."""
    return WRITERS[fmt](rows, view, out, opts)


# ---------------------------------------------------------------------------------------------
# one event or fact (show)


def _show_lines(row: Row) -> list[tuple[str, str]]:
    """(label, text) pairs, the record's fields in reading order."""
    from rusino.dates import display

    lines: list[tuple[str, str]] = []
    if row["type"] == "event":
        lines.append(("summary", row["summary"]))
    else:
        fig = figure(row["value"], row["value_max"], row["unit"], row["qualifier"])
        lines.append(("subject", row["subject"]))
        lines.append(("figure", f"{fig}  ({row['as_written']})"))
        lines.append(("kind", row["kind"]))
    date = f"{display(row['date'])}  ({row['date']}; {row['start']} .. {row['end']})"
    lines.append(("date" if row["type"] == "event" else "period", date))
    lines.append(("as worded", row["date_text"] + ("  [inferred]" if row["inferred"] else "")))
    if not row["in_window"]:
        lines.append(("window", f"outside 2009{DASH}2016"))
    lines.append(("actors", ", ".join(row["actors"])))
    lines.append(("topics", ", ".join(row["topics"])))
    lines.append(("source", notes_text(row["source"], row["notes"])))
    lines.append(("quote", f"“{row['quote']}”"))
    if row.get("comment"):
        lines.append(("comment", row["comment"]))
    return lines


def write_show(row: Row, out: TextIO, opts: Options) -> None:
    """The full record for a reader: fields, notes, related records, citation."""
    from rich.padding import Padding

    from rusino.dates import display

    console = console_for(out, opts)
    console.print(_text((row["type"] + " ", "dim"), (row["id"], "bold")), soft_wrap=True)
    t = _table(console, header=False)
    t.add_column("field", style="dim", no_wrap=True)
    t.add_column("value", overflow="fold")  # an id or URL longer than the line folds, whole
    for label, value in _show_lines(row):
        t.add_row(label, value)
    console.print(t)
    if row["note_texts"]:
        console.print(_text(("notes", "bold")))
        for note in row["note_texts"]:
            console.print(
                Padding(_text((f"{note['number']}. ", "dim"), (note["text"], "")), (0, 2))
            )
    if row["related"]:
        title = "facts" if row["type"] == "event" else "event"
        console.print(_text((title, "bold")))
        for r in row["related"]:
            if "summary" in r:
                line = f"{display(r['date'])}  {r['summary']}  ({r['id']})"
            else:
                fig = figure(r["value"], r["value_max"], r["unit"], r["qualifier"])
                line = f"{fig}  {r['subject']}, {display(r['date'])}  ({r['id']})"
            console.print(Padding(_text((line, "")), (0, 2)))
    if row["citation"]:
        console.print(_text(("cite", "bold")))
        console.print(Padding(_text((row["citation"], "")), (0, 2)))
