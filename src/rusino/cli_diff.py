"""`rusino diff`: the Typer command over rusino.diff (imported only when the command runs)."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from rusino.cli import (
    STATE,
    ActorOpt,
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
    _check_picture,
    _connect,
    _draw,
    _emit,
    app,
    date_range,
)
from rusino.errors import ExitCode, RusinoError


class Only(StrEnum):
    left = "left"
    right = "right"
    shared = "shared"
    changed = "changed"


DIFF_HELP = """Compare two timelines (or, with --facts, two sets of figures).

LEFT and RIGHT are each a selector over the current database, made of timeline's filters joined
with commas (actor:Japan, actor:Russia,topic:energy, source:singh-2016, search:gas, window, 2012,
2012-04..2012-06, 2014.., all); a JSONL file written by `rusino timeline --format jsonl`, or - for
stdin; or db:PATH, another database. With one side given, it is the right side and all of the
current database the left (`diff db:mine.sqlite`: what mine adds, drops and changes; `diff
actor:Japan --only left`: the events without Japan). Options such as --topic and --from apply to
both sides.

Events are matched by id; one on both sides with some field different is "changed". Piped, each
line is a mark (< left only, > right only, = shared, ~ changed) and timeline's TSV columns.

Exit status, as diff(1): 0 the sides are the same, 1 they differ, 2 bad input (an unknown actor,
a file that is not rusino JSONL, a bad path...)."""


@app.command(help=DIFF_HELP)
def diff(
    left: Annotated[
        str,
        typer.Argument(
            metavar="LEFT", show_default=False, help="Alone, the right side, against all."
        ),
    ],
    right: Annotated[str | None, typer.Argument(metavar="[RIGHT]", show_default=False)] = None,
    facts: Annotated[
        bool,
        typer.Option(
            "--facts",
            help="Compare figures: pair them by subject and unit, show the change, flag "
            "figures from two sources for the same subject and period that cannot both be "
            "right.",
        ),
    ] = False,
    only: Annotated[
        list[Only] | None,
        typer.Option(
            "--only",
            case_sensitive=False,
            metavar="left|right|shared|changed",
            help="Show only these (repeatable). The exit status still says whether the sides "
            "differ.",
        ),
    ] = None,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            help="Print nothing: the exit status alone says whether the sides differ (0 same, "
            "1 differ), as diff -q. Between databases no row is read whole.",
        ),
    ] = False,
    actor: ActorOpt = None,
    topic: TopicOpt = None,
    from_: FromOpt = None,
    to: ToOpt = None,
    within: WithinOpt = False,
    source: SourceOpt = None,
    search: SearchOpt = None,
    window: WindowOpt = False,
    fmt: FormatOpt = None,
    headers: HeadersOpt = None,
    save: SaveOpt = None,
) -> None:
    import gc

    from rusino import diff as core
    from rusino import render, render_diff

    # A large diff is hundreds of thousands of acyclic rows, alive until the process ends: the
    # cyclic collector would only rescan them, while comparing and again while writing.
    gc.disable()

    if quiet and (save is not None or fmt is not None or only):
        raise RusinoError(
            "--quiet prints nothing, so --save, --format and --only have nothing to do",
            "drop --quiet to see the differences, or drop the others",
            ExitCode.USAGE,
        )
    if save is not None:
        _check_picture(fmt, save)
    which = list(core.NOTHING) if quiet else [o.value for o in only or ()]
    if "-" in (left, right) and sys.stdin.isatty():  # it had waited without a word
        typer.echo("rusino: reading a side from stdin (end it with Ctrl-D)", err=True)
    try:
        start, end = date_range(from_, to, within=False)  # (a side's dates may do: below)
        options = core.Filters(
            actors=tuple(actor or ()),
            topics=tuple(topic or ()),
            start=start,
            end=end,
            within=within,
            source=source,
            search=search,
            window=window,
        )
        kind: core.Kind = "facts" if facts else "events"
        result = core.diff(left, right, options, core.Sources(_connect), kind, which)
    except RusinoError as e:
        # diff(1)'s convention: 1 means "the sides differ", so every failure here is 2.
        raise RusinoError(e.message, e.hint, ExitCode.USAGE) from None
    if isinstance(result, core.EventDiff) and result.figures_differ and not quiet:
        # the events are compared, not the figures: a copy whose figures alone were edited
        # would be "the same" without a word
        import shlex

        given = ["--db", STATE.db] if STATE.db else []  # (pasted without it: the bundled)
        sides = [side for side in (left, right) if side]
        facts_diff = shlex.join(["rusino", *given, "diff", "--facts", *sides])
        typer.echo(
            f"note: the databases' figures differ too ({facts_diff} compares them)", err=True
        )
    if quiet:
        raise typer.Exit(0 if result.same else 1)
    out = sys.stdout
    if fmt is None and out.isatty():
        fmt = render.Format.table
    if headers is None:
        headers = fmt is not None
    opts = render.Options(headers=headers)
    title = "rusino diff --facts" if facts else "rusino diff"
    if isinstance(result, core.FactDiff):
        fact_diff, fact_entries = result, result.only(which)

        def write(fmt: render.Format | None, opts: render.Options) -> int:
            render_diff.write_facts(fact_diff, fact_entries, fmt, out, opts)
            return len(fact_entries)

    else:
        event_diff, event_entries = result, result.only(which)

        def write(fmt: render.Format | None, opts: render.Options) -> int:
            render_diff.write_events(event_diff, event_entries, fmt, out, opts)
            return len(event_entries)

    if save is not None:
        _draw(
            lambda c: write(render.Format.table, opts._replace(console=c)), fmt, save, title=title
        )
    else:
        # `set -o pipefail; rusino diff A B | head -1` must still say that the sides differ
        _emit(lambda: write(fmt, opts), closed=0 if result.same else 1)
    if not result.same:
        raise typer.Exit(1)
