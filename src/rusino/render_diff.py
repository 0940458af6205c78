"""Writers for a diff (see rusino.diff): the piped view, tsv/csv/json/jsonl/markdown, and the
side-by-side terminal view.

Same contract as rusino.render: plain text to a stream, no typer; rich is imported only inside
the terminal view, when one is drawn. Flat cells go through ``render.cell`` so a diff's columns
read exactly like ``timeline``'s.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from rusino.diff import (
    FACT_DIFF_FIELDS,
    MARKS,
    Entry,
    EventDiff,
    FactDiff,
    FactEntry,
    changes_text,
    fact_json,
    fact_record,
    shown,
    summary,
)
from rusino.render import (
    EVENT_FIELDS,
    ID_ROOM,
    Format,
    Options,
    cell,
    csv_writer,
    event_tsv,
    figure,
    md_cell,
    neutralise,
    tsv_cell,
)

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

Row = dict[str, Any]


def _event_json(e: Entry) -> Row:
    out: Row = {"side": e.side, **e.row}
    if e.fields is not None:
        out["fields"] = {k: list(v) for k, v in e.fields.items()}
    return out


def _write_flat(
    rows: Iterable[Sequence[Any]], header: Sequence[str], fmt: Format, out: TextIO, opts: Options
) -> None:
    if fmt is Format.csv:
        w = csv_writer(out)  # (a lone "\r" in a cell quoted, as the listings' csv has it)

        def line(values: Sequence[Any]) -> None:  # spreadsheet-safe, as every csv is
            w.writerow([neutralise(cell(v)) for v in values])

    elif fmt is Format.markdown:

        def line(values: Sequence[Any]) -> None:
            out.write("| " + " | ".join(md_cell(v) for v in values) + " |\n")

    else:

        def line(values: Sequence[Any]) -> None:
            out.write("\t".join(tsv_cell(v) for v in values) + "\n")

    def head() -> None:
        if fmt is Format.markdown:  # a Markdown table cannot do without its header
            out.write("| " + " | ".join(header) + " |\n|" + "|".join("---" for _ in header) + "|\n")
        elif opts.headers:
            line(header)

    n = 0
    for n, values in enumerate(rows, 1):
        if n == 1:
            head()
        line(values)
    if n == 0:  # no rows: the header still, which csv readers need
        head()


def _write_marked(entries: Sequence[Entry], out: TextIO) -> None:
    """The piped view, written in blocks: this is most of the time of a large diff."""
    block: list[str] = []
    for e in entries:
        block.append(MARKS[e.side] + "\t" + event_tsv(e.row) + "\n")
        if len(block) >= 2048:
            out.write("".join(block))
            block.clear()
    out.write("".join(block))


def write_events(
    d: EventDiff, entries: Sequence[Entry], fmt: Format | None, out: TextIO, opts: Options
) -> None:
    """``fmt`` None is the piped view: a mark (< > = ~) then timeline's TSV columns."""
    if fmt is None:
        if opts.headers and entries:
            out.write("\t".join(("mark", *EVENT_FIELDS)) + "\n")
        _write_marked(entries, out)
    elif fmt in (Format.tsv, Format.csv):
        rows = ([e.side, *(e.row.get(k) for k in EVENT_FIELDS)] for e in entries)
        _write_flat(rows, ("side", *EVENT_FIELDS), fmt, out, opts)
    elif fmt is Format.markdown:
        from rusino.dates import display

        rows = (
            [
                MARKS[e.side] + " " + e.side,
                display(str(e.row["date"])),
                e.row["summary"] + (f" ({changes_text(e.fields)})" if e.fields else ""),
                e.row.get("source", ""),
                e.row["id"],
            ]
            for e in entries
        )
        _write_flat(rows, ("side", "date", "event", "source", "id"), fmt, out, opts)
    elif fmt is Format.jsonl:
        for e in entries:
            out.write(json.dumps(_event_json(e), ensure_ascii=False) + "\n")
    elif fmt is Format.json:
        doc: Row = {"left": d.left, "right": d.right}
        for side in ("left", "right", "shared"):
            doc[f"{side}_only" if side != "shared" else side] = [
                e.row for e in entries if e.side == side
            ]
        doc["changed"] = [
            {"id": e.row["id"], "fields": {k: list(v) for k, v in (e.fields or {}).items()}}
            for e in entries
            if e.side == "changed"
        ]
        out.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    else:
        _events_view(d, entries, out, opts)


def write_facts(
    d: FactDiff, entries: Sequence[FactEntry], fmt: Format | None, out: TextIO, opts: Options
) -> None:
    if fmt is None:
        rows = ([MARKS[e.side], *list(fact_record(e).values())[1:]] for e in entries)
        _write_flat(rows, ("mark", *FACT_DIFF_FIELDS[1:]), Format.tsv, out, opts)
    elif fmt in (Format.tsv, Format.csv):
        rows = (list(fact_record(e).values()) for e in entries)
        _write_flat(rows, FACT_DIFF_FIELDS, fmt, out, opts)
    elif fmt is Format.markdown:
        rows = (
            [
                MARKS[e.side] + " " + e.side,
                e.subject,
                _figure_text(e.left),
                _figure_text(e.right),
                _change_text(e)
                + (" (conflict)" if e.conflict else "")
                + (f" ({changes_text(e.fields)})" if e.fields else ""),
            ]
            for e in entries
        )
        _write_flat(rows, ("side", "subject", "left", "right", "change"), fmt, out, opts)
    elif fmt is Format.jsonl:
        for e in entries:
            out.write(json.dumps(fact_json(e), ensure_ascii=False) + "\n")
    elif fmt is Format.json:
        doc: Row = {
            "left": d.left,
            "right": d.right,
            "left_only": [e.left for e in entries if e.side == "left"],
            "right_only": [e.right for e in entries if e.side == "right"],
            "pairs": [fact_json(e) for e in entries if e.side in ("shared", "changed")],
        }
        out.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    else:
        _facts_view(d, entries, out, opts)


# ---------------------------------------------------------------------------------------------
# words for figures


def _figure_text(row: Row | None) -> str:
    if row is None:
        return ""
    from rusino.dates import display

    fig = figure(row["value"], row.get("value_max"), row["unit"], row.get("qualifier", ""))
    where = ", ".join(filter(None, (display(str(row["date"])), row.get("source"))))
    return f"{fig} ({where})"


def _change_text(e: FactEntry) -> str:
    if e.change is None or e.left is None or e.right is None:
        return ""
    if e.change == 0:
        return "="
    sign = "+" if e.change > 0 else "-"
    text = sign + figure(abs(e.change), None, e.unit)
    if e.unit == "percent":  # a change of a share is in points, not per cent of it
        text = text.removesuffix("%") + " pp"
    if e.relative is not None:
        # one decimal, as the JSON's two round to (12.5 stays 12.5: .0f would round it to even),
        # and a change too small for it not "+0%", which reads as none
        rel = f"{abs(e.relative):,.1f}".removesuffix(".0")
        text += f" ({sign}{rel}%)" if rel != "0" else f" ({sign}<0.1%)"
    return text


# ---------------------------------------------------------------------------------------------
# the terminal view

_STYLES = {"left": "red", "right": "green", "shared": "", "changed": "yellow"}


def _wrap(console: Console, text: Text | list[Text], width: int) -> list[Text]:
    """Wrapped lines of one or more paragraphs (each keeps its own overflow: fold, ellipsis)."""
    lines: list[Text] = []
    for part in text if isinstance(text, list) else [text]:
        wrapped = list(
            part.wrap(
                console,
                max(width, 1),
                overflow=part.overflow or "fold",
                no_wrap=bool(part.no_wrap),
            )
        )
        lines += wrapped or [part.copy()]
    return lines


def _pad(line: Text | None, width: int) -> Text:
    from rich.text import Text

    t = line.copy() if line is not None else Text()
    t.truncate(width, overflow="ellipsis")
    t.pad_right(width - t.cell_len)
    return t


class _Grid:
    """A lead column (date or mark) and two side columns, which a shared row spans."""

    def __init__(self, console: Console, lead: int) -> None:
        self.console = console
        # below ~75 columns the lead (a date, a change) heads its record, as timeline's date
        # does, so that the record keeps the room for an id (a 45-wide one broke them)
        self.stacked = console.width - lead - 3 < ID_ROOM
        lead = 0 if self.stacked else lead
        self.lead = lead
        rest = max(console.width - lead - (3 if lead else 2), 20)  # lead, space, mark, space
        self.left = (rest - 3) // 2  # " │ " between the sides
        self.right = rest - 3 - self.left
        self.both = rest
        # side by side once a side holds an id whole (~150 columns); narrower, each record
        # spans the width under its mark (the sides had been 31 wide at 80: ids broke in two)
        self.apart = self.left >= ID_ROOM

    def row(
        self, lead: Text, mark: Text, left: list[Text] | None, right: list[Text] | None
    ) -> None:
        from rich.text import Text

        leads = _wrap(self.console, lead, self.lead)
        if not self.apart or (left is not None and left is right):  # spans both sides
            cells = _wrap(self.console, left, self.both) if left is not None else []
            if self.stacked:
                cells = [line for line in _wrap(self.console, lead, self.both) if line.plain]
                cells += _wrap(self.console, left, self.both) if left is not None else []
                leads = []
            if right is not None and right is not left:
                cells += _wrap(self.console, right, self.both)
            for i in range(max(len(leads), len(cells))):
                line = Text.assemble(
                    _pad(leads[i] if i < len(leads) else None, self.lead),
                    " " if self.lead else "",
                    mark if i == 0 else " ",
                    " ",
                    cells[i] if i < len(cells) else "",
                )
                self.console.print(line, no_wrap=True, crop=True, soft_wrap=False)
            return
        ls = _wrap(self.console, left, self.left) if left is not None else []
        rs = _wrap(self.console, right, self.right) if right is not None else []
        for i in range(max(len(leads), len(ls), len(rs))):
            line = Text.assemble(
                _pad(leads[i] if i < len(leads) else None, self.lead),
                " ",
                mark if i == 0 else " ",
                " ",
                _pad(ls[i] if i < len(ls) else None, self.left),
                (" │ ", "dim"),
                rs[i] if i < len(rs) else "",
            )
            self.console.print(line, no_wrap=True, crop=True, soft_wrap=False)

    def header(self, lead: str, left: str, right: str) -> None:
        from rich.text import Text

        sides = (
            [Text("left: " + left, style="bold red")],
            [Text("right: " + right, style="bold green")],
        )
        if self.apart:
            self.row(Text(lead, style="bold"), Text(" "), *sides)
        else:  # one under the other, with the marks their records have
            self.row(
                Text("" if self.stacked else lead, style="bold"),
                Text(MARKS["left"]),
                sides[0],
                None,
            )
            self.row(Text(""), Text(MARKS["right"]), None, sides[1])


def _field_lines(fields: dict[str, tuple[Any, Any]]) -> list[Text]:
    """A changed record's fields, a line each: "name: old → new", old in red, new in green."""
    from rich.text import Text

    lines = []
    for name, (old, new) in fields.items():
        t = Text(f"{name}: ", style="bold")
        t.append(shown(old), style="red")  # (an empty side none, as the other formats write it)
        t.append(" → ")
        t.append(shown(new), style="green")
        lines.append(t)
    return lines


def _event_text(e: Entry, wide: bool) -> list[Text]:
    """The summary (wrapped), the id line (folded, never cut: ids are copied from it), then each
    changed field."""
    from rich.text import Text

    row = e.row
    parts = [Text(str(row["summary"]), style=_STYLES[e.side])]
    detail = str(row["id"])
    if wide and row.get("source"):
        detail += f" · {row['source']}"
    if wide and row.get("actors"):
        detail = ", ".join(row["actors"]) + " · " + detail
    parts.append(Text(detail, style="dim", overflow="fold"))
    return parts + _field_lines(e.fields or {})


def _events_view(d: EventDiff, entries: Sequence[Entry], out: TextIO, opts: Options) -> None:
    from rich.text import Text

    from rusino.dates import display

    console = _console_for(out, opts)
    wide = console.width >= 120
    grid = _Grid(console, 20 if wide else 12)  # (a range of two months on one line)
    grid.header("date", d.left, d.right)
    year = None
    for e in entries:
        y = str(e.row.get("start") or "")[:4] or "undated"
        if y != year:
            console.print()
            console.print(Text(y, style="bold underline"))
            year = y
        body = _event_text(e, wide)
        mark = Text(MARKS[e.side], style=_STYLES[e.side] or "bold")
        date = Text(display(str(e.row["date"])), style="cyan")
        if e.side == "left":
            grid.row(date, mark, body, None)
        elif e.side == "right":
            grid.row(date, mark, None, body)
        else:
            grid.row(date, mark, body, body)
    console.print()
    console.print(Text(summary(d.counts), style="bold"))


def _fact_text(row: Row | None, style: str) -> list[Text] | None:
    if row is None:
        return None
    from rich.text import Text

    from rusino.dates import display

    fig = figure(row["value"], row.get("value_max"), row["unit"], row.get("qualifier", ""))
    t = Text(fig, style="bold " + style if style else "bold")
    t.append(f" {display(str(row['date']))}", style="cyan")
    t.append(f" {row.get('kind', '')}")
    where = " · ".join(filter(None, (row.get("source"), row["id"])))
    detail = Text(where, style="dim", overflow="fold")
    return [t, detail]


def _facts_view(d: FactDiff, entries: Sequence[FactEntry], out: TextIO, opts: Options) -> None:
    from rich.text import Text

    from rusino.diff import normalise_subject

    console = _console_for(out, opts)
    grid = _Grid(console, 16)
    grid.header("change", d.left, d.right)
    key = None
    for e in entries:
        k = (normalise_subject(e.subject), e.unit)
        if k != key:
            console.print()
            console.print(Text(e.subject, style="bold underline"))
            key = k
        change = Text(_change_text(e), style="yellow" if e.side == "changed" else "")
        if e.conflict:
            change.append("\nconflict", style="bold red")
        mark = Text(MARKS[e.side], style=_STYLES[e.side] or "bold")
        style = _STYLES[e.side] if e.side in ("left", "right") else ""
        grid.row(change, mark, _fact_text(e.left, style), _fact_text(e.right, style))
        if e.fields:  # what changed, across both sides, as an event's changes are shown
            grid.row(Text(""), Text(" "), (lines := _field_lines(e.fields)), lines)
    console.print()
    console.print(Text(summary(d.counts, "facts"), style="bold"))


def _console_for(out: TextIO, opts: Options) -> Console:
    from rusino.render import console_for

    return console_for(out, opts)
