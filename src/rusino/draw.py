"""Drawing pictures with rich: the bar chart, the swimlanes, the fact bars; and saving any drawn
view as SVG or HTML.

Every picture reads without colour: series are told apart by their glyph (colour only helps), so
the golden files (no colour) and a black-and-white print show the same thing. rich is imported
inside the functions, so importing this module (to check a ``--save`` path) costs nothing.

Saving: :func:`show` draws through a callback on either the terminal console or a recording one
and, for the latter, writes ``console.export_svg()`` / ``export_html()`` to the file. Any command
can save its drawn view this way::

    from rusino import draw
    draw.check_save_path(save)                            # early: bad suffix -> usage error
    n = draw.show(lambda console: my_view(rows, console), save=save, title="rusino diff")
"""

from __future__ import annotations

import html
import math
import re
import shutil
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rusino.chart import OTHER, Chart, Lanes, year_fraction
from rusino.errors import ExitCode, RusinoError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

Row = dict[str, Any]

MIN_BAR = 8  # cells a figure's bar has at least
LINE_BAR = 24  # cells a figure's bar has at least beside its subject, else it goes below
SAVE_SUFFIXES = (".svg", ".html", ".htm")
# one a series, so colour is not needed (a bar chart draws as many series as there are)
GLYPHS = ("█", "▓", "▒", "░", "▞", "▚", "▆", "▃", "▀", "▄", "▌", "▐", "▙", "▟", "▛", "▜")
OTHER_GLYPH = "·"
STYLES = ("cyan", "magenta", "green", "yellow", "blue", "red", "bright_cyan", "bright_magenta")
OTHER_STYLE = "bright_black"
MIN_YEAR_CELL = 5  # "2012" and a space: below this the lanes fold the years into blocks


# ---------------------------------------------------------------------------------------------
# consoles and saving


def check_save_path(path: Path) -> str:
    """The export format for ``path`` ("svg" or "html"), or a usage error naming the fix."""
    suffix = path.suffix.lower()
    if path.name.lower() in SAVE_SUFFIXES:  # ".svg": a name that is its ending alone
        raise RusinoError(
            f"cannot save a picture as {str(path)!r}: it needs a name before {path.name}",
            f"e.g. chart{path.name.lower()}",
            ExitCode.USAGE,
        )
    if suffix not in SAVE_SUFFIXES:
        raise RusinoError(
            f"cannot save a picture as {str(path)!r}",
            "use a name ending in .svg or .html",
            ExitCode.USAGE,
        )
    parent = path.parent if str(path.parent) else Path(".")
    if parent.exists() and not parent.is_dir():
        raise RusinoError(
            f"{str(parent)!r} is a file, not a folder to save {path.name!r} in",
            "give a path in a folder",
            ExitCode.USAGE,
        )
    if not parent.is_dir():
        raise RusinoError(
            f"no folder {str(parent)!r} to save {path.name!r} in", "create it first", ExitCode.USAGE
        )
    return "svg" if suffix == ".svg" else "html"


def width_for(width: int | None) -> int:
    """The drawing width: ``width``, else $COLUMNS or the terminal's (at most MAX_WIDTH: drawing
    time grows with it), else 100 (for a file)."""
    from rusino.render import MAX_WIDTH

    return width or min(shutil.get_terminal_size(fallback=(100, 24)).columns, MAX_WIDTH)


def recording_console(width: int | None = None) -> Console:
    """A console that draws into memory (in colour, whatever NO_COLOR says: it is for a file)."""
    import io

    from rich.console import Console

    return Console(
        file=io.StringIO(),
        record=True,
        width=width_for(width),
        force_terminal=True,
        color_system="truecolor",
        no_color=False,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
    )


def terminal_console(width: int | None = None) -> Console:
    """The console the table views draw on (NO_COLOR, broken pipes, trailing spaces handled)."""
    from rusino import render

    return render.console_for(sys.stdout, render.Options(width=width))


def save_picture(console: Console, path: Path, title: str = "rusino") -> None:
    """Write what ``console`` recorded to ``path`` as SVG or HTML (by its suffix)."""
    kind = check_save_path(path)
    if kind == "svg":
        text = console.export_svg(title=title)
    else:  # rich's page lacks the <title> HTML requires
        head = '<meta charset="UTF-8">'
        text = console.export_html().replace(
            head, f"{head}\n<title>{html.escape(title)}</title>", 1
        )
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise RusinoError(
            f"cannot write {str(path)!r}: {e.strerror}", "pick another path", ExitCode.ERROR
        ) from None


def show(
    draw_fn: Callable[[Console], int],
    *,
    save: Path | None = None,
    width: int | None = None,
    title: str = "rusino",
) -> int:
    """Draw on the terminal, or (``save``) into ``save`` as a picture; return what draw_fn did.

    Nothing drawn (0), nothing saved: an empty result writes no file, as it prints nothing.
    """
    if save is None:
        return draw_fn(terminal_console(width))
    console = recording_console(width)
    n = draw_fn(console)
    if n:
        save_picture(console, save, title)
    return n


# ---------------------------------------------------------------------------------------------
# pieces


def _text(*parts: tuple[str, str]) -> Text:
    from rich.text import Text

    t = Text(no_wrap=True, overflow="crop")
    for s, style in parts:
        t.append(s, style=style)
    return t


def _fit(s: str, width: int) -> str:
    return s if len(s) <= width else s[: max(0, width - 1)] + "…"


def _series_look(series: list[str]) -> dict[str, tuple[str, str]]:
    looks: dict[str, tuple[str, str]] = {}
    i = 0
    for s in series:
        if s == OTHER:
            looks[s] = (OTHER_GLYPH, OTHER_STYLE)
        else:
            looks[s] = (GLYPHS[i % len(GLYPHS)], STYLES[i % len(STYLES)])
            i += 1
    return looks


def _legend(console: Console, items: Iterable[tuple[str, str, str]]) -> None:
    """The keys (a glyph twice, in its style, and its label) on as few lines as fit."""
    _key(
        console,
        (_text((glyph * 2, style), (" " + label, "")) for glyph, style, label in items),
        "  ",
    )


def _key(console: Console, items: Iterable[Text | str], gap: str = "   ") -> None:
    """Keys on as few lines as fit, ``gap`` apart, a line breaking only between two."""
    line = _text()
    for item in items:
        key = item if not isinstance(item, str) else _text((item, ""))
        if line.plain and len(line.plain) + len(gap) + len(key.plain) > console.width:
            console.print(line)
            line = _text()
        if line.plain:
            line.append(gap)
        line.append_text(key)
    if line.plain:
        console.print(line)


def _notes(console: Console, notes: Iterable[str]) -> None:
    from rich.text import Text

    for note in notes:
        console.print(Text("note: " + note, style="dim"))


def _widths(counts: list[int], scale: float) -> list[int]:
    """Segment widths: the bar as long as its total at this scale, shared by largest remainder,
    and never 0 for a non-zero count (so only a bar with more parts than cells runs long).
    Rounding each part up alone made a bar of many small parts look bigger than the scale."""
    exact = [c * scale for c in counts]
    target = max(round(sum(exact)), sum(1 for c in counts if c))
    widths = [max(1, int(e)) if c else 0 for c, e in zip(counts, exact, strict=True)]
    by_remainder = sorted(
        (i for i, c in enumerate(counts) if c), key=lambda i: exact[i] - widths[i], reverse=True
    )
    for i in by_remainder[: max(0, target - sum(widths))]:
        widths[i] += 1
    return widths


DASH = "\u2013"
EMPTY_RUN = 3  # this many empty periods in a row are drawn as one line


def _empty_runs(periods: list[str], lengths: dict[str, list[int]]) -> dict[str, list[str]]:
    """Periods in long runs without events: the run's first maps to the run, the rest to []."""
    out: dict[str, list[str]] = {}
    run: list[str] = []
    for p in [*periods, ""]:
        if p and not any(lengths[p]):
            run.append(p)
            continue
        if len(run) >= EMPTY_RUN:
            out[run[0]] = run
            out.update({q: [] for q in run[1:]})
        run = []
    return out


# ---------------------------------------------------------------------------------------------
# the bar chart: one line per period (stacked) or per period and series (side by side)


def draw_chart(chart: Chart, console: Console, *, side: bool = False) -> int:
    """Horizontal bars of ``chart`` with a title, a legend and the notes. Returns lines drawn."""
    if not chart.periods:
        return 0
    width = console.width
    looks = _series_look(chart.series)
    label_w = max(len(p) for p in chart.periods)
    lengths = {p: [chart.counts.get((p, s), 0) for s in chart.series] for p in chart.periods}
    biggest = max((max(v) if side else sum(v)) for v in lengths.values())
    number_w = len(str(biggest))
    room = max(10, width - label_w - number_w - 2)
    parts = 1 if side else len(chart.series)
    scale = 1.0 if biggest <= room - parts else (room - parts) / biggest
    title = f"{chart.events} event{'s' if chart.events != 1 else ''}, counted per {chart.per}"
    if chart.by != "none":
        title += f", by {chart.by}" + (" (side by side)" if side else "")
    console.print(_text((title, "bold")))
    n = 0
    empty = _empty_runs(chart.periods, lengths)
    for p in chart.periods:
        values = lengths[p]
        if p in empty:
            run = empty[p]
            if run:
                span = f"{p}{DASH}{run[-1]}" if len(run) > 1 else p
                console.print(_text(("⋮ ", "dim"), (f"{span}: none", "dim")))
                n += 1
            continue
        if side:
            shown = [(s, c) for s, c in zip(chart.series, values, strict=True) if c]
            if not shown:  # (it had been the bare label: a drawing gone wrong, it looked)
                console.print(_text((p.ljust(label_w) + " ", "cyan"), ("none", "dim")))
            for i, (s, c) in enumerate(shown):
                glyph, style = looks[s]
                label = p if i == 0 else ""
                w = _widths([c], scale)[0]
                console.print(
                    _text((label.ljust(label_w) + " ", "cyan"), (glyph * w, style), (f" {c}", ""))
                )
        else:
            t = _text((p.ljust(label_w) + " ", "cyan"))
            for s, w in zip(chart.series, _widths(values, scale), strict=True):
                glyph, style = looks[s]
                t.append(glyph * w, style=style)
            total = sum(values)
            t.append(f" {total}" if total else "none", style="" if total else "dim")
            console.print(t)
        n += 1
    notes = []
    if scale < 1:
        notes.append(f"bars are scaled: one character ≈ {1 / scale:.1f} events")
    if chart.by != "none":
        items = [(looks[s][0], looks[s][1], s) for s in chart.series if s != OTHER]
        if OTHER in chart.series:
            more = len(chart.merged)
            items.append((OTHER_GLYPH, OTHER_STYLE, f"other ({more} more)"))
        _legend(console, items)
    _notes(console, notes + chart.notes())
    return n


# ---------------------------------------------------------------------------------------------
# swimlanes: one row per actor (topic), years across


def _blocks(first: int, last: int, room: int) -> list[tuple[int, int, int]]:
    """(first year, last year, cell width) of each block the year axis is folded into."""
    years = last - first + 1
    if years * MIN_YEAR_CELL <= room:
        return [(first, last, room // years)]
    fit = max(1, room // MIN_YEAR_CELL)
    count = math.ceil(years / fit)
    per = math.ceil(years / count)
    cell = room // per
    return [(y, min(last, y + per - 1), cell) for y in range(first, last + 1, per)]


def _lane_cells(spans: Iterable[Any], y0: int, y1: int, cell: int) -> list[str]:
    size = (y1 - y0 + 1) * cell
    cells = [" "] * size
    for x in range(0, size, cell):
        cells[x] = "┊"
    marks: dict[int, int] = {}

    def col(f: float) -> int:
        return min(size - 1, max(0, math.floor((f - y0) * cell)))

    vague: set[int] = set()
    for s in spans:
        a = year_fraction(s.start)
        b = year_fraction(s.end, end=True)
        if b <= y0 or a >= y1 + 1:
            continue
        if (b - a) * cell >= 2:  # a range shorter than two cells is a mark (one at its middle)
            # a range of dates, or a date known only as its year (season, decade): never a
            # point that a --from would move, nor one of "4 events at one spot"
            for x in range(col(a), col(b - 1e-9) + 1):
                if s.bar:
                    cells[x] = RANGE
                else:
                    vague.add(x)
        elif y0 <= (a + b) / 2 < y1 + 1:  # (in one block only, where the years are folded)
            mid = col((a + b) / 2)
            marks[mid] = marks.get(mid, 0) + 1
    for x in vague:
        if cells[x] != RANGE:
            cells[x] = VAGUE
    for x, k in marks.items():
        cells[x] = "●" if k == 1 else (str(k) if k < 10 else "+")
    return cells


RANGE, VAGUE = "━", "┄"
LANES_KEY = (
    "● an event",
    f"2{DASH}9 events at one spot, + 10 or more",
    f"{RANGE} an event over a range of dates",
    f"{VAGUE} a date known only as its month, season, year or decade",
)


def draw_lanes(lanes: Lanes, console: Console) -> int:
    """One row per lane, a mark per event, a bar per range; folds the years to fit the width."""
    if not lanes.lanes:
        return 0
    width = console.width
    counts = [f" ({len(spans)})" for _, spans in lanes.lanes]
    label_w = min(
        max(len(name) + len(c) for (name, _), c in zip(lanes.lanes, counts, strict=True)),
        max(12, width // 4),
    )
    # the name is cut, never its count: "United St… (22)"
    labels = [
        _fit(name, label_w - len(c)) + c for (name, _), c in zip(lanes.lanes, counts, strict=True)
    ]
    room = max(MIN_YEAR_CELL, width - label_w - 1)
    blocks = _blocks(lanes.first, lanes.last, room)
    looks = _series_look([name for name, _ in lanes.lanes])
    what = {"actor": "actor", "topic": "topic", "source": "source"}.get(lanes.by, "lane")
    title = f"{lanes.events} event{'s' if lanes.events != 1 else ''}, one row per {what}"
    console.print(_text((title, "bold")))
    n = 0
    for i, (y0, y1, cell) in enumerate(blocks):
        if i:
            console.print()
        axis = "".join(str(y).ljust(cell)[:cell] for y in range(y0, y1 + 1))
        console.print(_text((" " * (label_w + 1), ""), (axis, "cyan")))
        for label, (name, spans) in zip(labels, lanes.lanes, strict=True):
            style = looks[name][1]
            cells = "".join(_lane_cells(spans, y0, y1, cell))
            t = _text((_fit(label, label_w).ljust(label_w) + " ", "bold"))
            for run in re.findall(r"┊+|[^┊]+", cells):  # one append per run: rich is slow per char
                t.append(run, style="dim" if run[0] == "┊" else style)
            console.print(t)
            n += 1
    _key(console, LANES_KEY)
    notes = []
    if len(blocks) > 1:
        notes.append(f"the years are folded into {len(blocks)} rows to fit {width} columns")
    if lanes.merged:
        notes.append(f"other: {len(lanes.merged)} more {what}s, each event once")
    if what != "source":  # (an event has one source)
        notes.append(f"an event with several {what}s is on each of their rows")
    _notes(console, notes)
    return n


# ---------------------------------------------------------------------------------------------
# fact bars: grouped by unit, ranges as ranges, targets apart from actuals

TARGET_KINDS = ("target",)
ACTUAL_GLYPH, TARGET_GLYPH, RANGE_GLYPH, NEGATIVE_GLYPH = "█", "▒", "░", "◂"


def draw_fact_bars(rows: Iterable[Row], console: Console) -> int:
    """The figures as bars, one group per unit, each scaled to its own largest figure."""
    from rusino.dates import display
    from rusino.render import figure

    groups: dict[str, list[Row]] = {}
    spelt: dict[str, str] = {}  # a unit spelt two ways ("usd", "USD") is one group, as first seen
    for row in rows:
        unit = spelt.setdefault(str(row["unit"]).casefold(), str(row["unit"]))
        groups.setdefault(unit, []).append(row)
    if not groups:
        return 0
    width = console.width
    items = [r for g in groups.values() for r in g]
    periods = {r["id"]: display(r["date"]) for r in items}
    figures = {
        r["id"]: f"{figure(r['value'], r['value_max'], r['unit'], r['qualifier'])}  {r['kind']}"
        for r in items
    }
    period_w = max(len(x) for x in periods.values())
    fig_w = max(len(x) for x in figures.values())
    label_w = min(max(len(r["subject"]) for r in items), max(16, width * 3 // 10))
    room = width - label_w - period_w - fig_w - 3
    # Too narrow for subject, period, a bar that tells figures apart and figure on one line
    # (at 80 columns bars of 10 cells had drawn 13.5, 15 and 2.17 billion alike, and cut the
    # subjects): the subject and period on one, the bar and figure below it
    split = room < LINE_BAR
    if split:
        label_w = max(MIN_BAR, width - period_w - 1)
        room = max(MIN_BAR // 2, width - fig_w - 3)
    n = 0
    negative = False
    for unit in sorted(groups, key=str.casefold):
        group = groups[unit]
        top = max(max(float(r["value"] or 0), float(r["value_max"] or 0)) for r in group)
        scale = room / top if top > 0 else 0.0
        if n:
            console.print()
        console.print(_text((unit, "bold underline")))
        for r in group:
            lo = max(0.0, float(r["value"] or 0))
            hi = max(lo, float(r["value_max"] or 0))
            a = max(1, round(lo * scale)) if lo > 0 else 0
            b = max(a, round(hi * scale))
            target = r["kind"] in TARGET_KINDS
            glyph, style = (TARGET_GLYPH, "yellow") if target else (ACTUAL_GLYPH, "cyan")
            t = _text(
                (_fit(r["subject"], label_w).ljust(label_w) + " ", ""),
                (periods[r["id"]].ljust(period_w) + " ", "cyan"),
            )
            if split:
                t.rstrip()
                console.print(t)
                t = _text(("  ", ""))
            if float(r["value"] or 0) < 0:  # below zero: marked, never an empty bar like 0's
                negative = True
                # the part above zero, in the room (its mark had pushed the figure against it)
                a, b = 1, min(room, 1 + (round(hi * scale) if hi > 0 else 0))
                t.append(NEGATIVE_GLYPH, style="red")
                t.append(RANGE_GLYPH * (b - a), style=style)
            else:
                t.append(glyph * a, style=style)
                t.append(RANGE_GLYPH * (b - a), style=style)
            t.append(" " * (room - b + 1))
            t.append(figures[r["id"]], style="bold yellow" if target else "")
            console.print(t)
            n += 1
    console.print()
    _legend(
        console,
        [
            (ACTUAL_GLYPH, "cyan", "actual (and other kinds)"),
            (TARGET_GLYPH, "yellow", "target"),
            (RANGE_GLYPH, "cyan", "a range, low to high"),
        ],
    )
    notes = ["bars compare figures within one unit, never across units"]
    if negative:
        notes.append(
            f"{NEGATIVE_GLYPH} a figure below zero, not drawn to scale (its value is printed)"
        )
    _notes(console, notes)
    return n
