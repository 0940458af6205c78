"""`rusino chart`: events per period as bars, or as swimlanes; its numbers when piped.

Registered on :data:`rusino.cli.app` when cli.py imports this module. Top-level imports are typer,
the standard library and rusino.cli only: the counting (rusino.chart) and drawing (rusino.draw,
rich) are imported when the command runs.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from rusino.cli import (
    MIN_CHART_WIDTH,
    ActorOpt,
    AnyOpt,
    FormatOpt,
    FromOpt,
    HeadersOpt,
    SaveOpt,
    SearchOpt,
    SourceOpt,
    ToOpt,
    TopicOpt,
    WindowOpt,
    WithinOpt,
    _chart_width,
    _connect,
    _draw,
    _drawing,
    _output,
    app,
    timeline_filter,
)
from rusino.errors import ExitCode, RusinoError
from rusino.render import View

if TYPE_CHECKING:
    from rich.console import Console

    from rusino.chart import Chart

CHART = View("chart", ("period", "series", "count"))


class Per(StrEnum):
    year = "year"
    month = "month"


class By(StrEnum):
    none = "none"
    actor = "actor"
    topic = "topic"
    source = "source"


class Coarse(StrEnum):
    drop = "drop"
    spread = "spread"


@app.command()
def chart(
    actor: ActorOpt = None,
    any_: AnyOpt = False,
    topic: TopicOpt = None,
    from_: FromOpt = None,
    to: ToOpt = None,
    within: WithinOpt = False,
    source: SourceOpt = None,
    search: SearchOpt = None,
    window: WindowOpt = False,
    per: Annotated[
        Per, typer.Option("--per", case_sensitive=False, help="One bar per year or per month.")
    ] = Per.year,
    by: Annotated[
        By | None,
        typer.Option(
            "--by",
            case_sensitive=False,
            show_default=False,
            help="Split by actor, topic or source [default: none; actor with --lanes].",
        ),
    ] = None,
    top: Annotated[
        int | None,
        typer.Option(
            "--top",
            min=1,
            metavar="N",
            show_default=False,
            help='Keep the N largest series, the rest as "other" [default: 5; 10 with --lanes].',
        ),
    ] = None,
    side: Annotated[
        bool, typer.Option("--side", help="Series side by side rather than stacked.")
    ] = False,
    lanes: Annotated[
        bool,
        typer.Option("--lanes", help="Swimlanes: a row per actor (--by topic...), years across."),
    ] = False,
    coarse: Annotated[
        Coarse,
        typer.Option(
            "--coarse",
            case_sensitive=False,
            help="With --per month, dates coarser than a month: leave them out, or count them "
            "in each month they cover.",
        ),
    ] = Coarse.drop,
    width: Annotated[
        int | None,
        typer.Option(
            "--width",
            min=MIN_CHART_WIDTH,
            max=1000,
            metavar="COLS",
            show_default=False,
            help="Draw this wide [default: the terminal's; 100 for --save in a pipe].",
        ),
    ] = None,
    fmt: FormatOpt = None,
    headers: HeadersOpt = None,
    save: SaveOpt = None,
) -> None:
    """Events per year (or month) as bars, split by actor, topic or source; or swimlanes.

    Takes timeline's filters and counts each event once in every period it overlaps. On a
    terminal it draws; in a pipe (or with --format) it prints the numbers: period, series, count.
    """
    from rusino import chart as core
    from rusino import query

    split = by.value if by is not None else ("actor" if lanes else "none")
    if lanes and split == "none":
        raise RusinoError("--lanes needs rows to draw", "use --by actor, topic or source")
    # options that would do nothing here are refused, not ignored
    if lanes and per is Per.month:
        raise RusinoError("--lanes draws years across", "drop --per month, or --lanes")
    if side and (lanes or split == "none"):
        raise RusinoError(
            "--side sets a period's series side by side", "use it with --by, without --lanes"
        )
    if coarse is not Coarse.drop and per is not Per.month:
        raise RusinoError("--coarse is about dates coarser than a month", "use it with --per month")
    flt = timeline_filter(actor, topic, any_, from_, to, within, source, search, window)
    clip = (flt.start, flt.end)
    if window:
        lo, hi = query.WINDOW
        clip = (max(flt.start or lo, lo), min(flt.end or hi, hi))
        if clip[0] > clip[1]:  # timeline lists such events; the window's axis has no room
            raise RusinoError(
                f"--from/--to lie outside the --window axis ({lo[:4]}-{hi[:4]})",
                "drop --window to chart them",
            )
    keep = top if top is not None else (10 if lanes else 5)
    drawing = _drawing(fmt, save)
    if drawing and not lanes and split != "none":
        from rusino.draw import GLYPHS

        if keep > len(GLYPHS):  # (they had been drawn again: two series of one glyph)
            raise RusinoError(
                f"--top {keep}: a bar chart tells {len(GLYPHS)} series apart at most",
                f"give --top {len(GLYPHS)} or less, or --lanes (a row each)",
                ExitCode.USAGE,
            )
    rows = query.timeline(_connect(), flt)
    if drawing and width is None and save is None:
        width = _chart_width()
    if drawing and lanes:
        from rusino import draw

        swim = core.lanes(rows, by=split, top=keep, clip=clip)  # type: ignore[arg-type]

        def draw_lanes(console: Console) -> int:
            return draw.draw_lanes(swim, console)

        _draw(draw_lanes, fmt, save, width, "rusino chart --lanes")
        return
    counts = core.count(
        rows,
        per=per.value,
        by=split,  # type: ignore[arg-type]
        top=keep,
        coarse=coarse.value,
        clip=clip,
    )
    if drawing:
        from rusino import draw

        def draw_bars(console: Console) -> int:
            return draw.draw_chart(counts, console, side=side)

        said = not counts.periods and bool(counts.notes())
        if said:  # nothing to draw: still say why, as a pipe does (not also "no events match")
            _first_note(counts)
        _draw(draw_bars, fmt, save, width, "rusino chart", None if said else "events")
        return
    _output(counts.rows(), CHART, fmt, headers)
    if counts.dropped or counts.spread:
        _first_note(counts)


def _first_note(counts: Chart) -> None:
    """What the numbers leave out (coarse dates), on stderr: stdout carries the data only."""
    for note in counts.notes()[:1]:
        typer.echo(f"note: {note}", err=True)
