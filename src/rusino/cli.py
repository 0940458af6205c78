"""The command line: options -> a core call -> a renderer. The one place errors become exit codes.

Everything below this module is plain Python that raises RusinoError; here those become one line on
stderr and an exit code (2 for usage, 1 for the rest), with a traceback only under ``--debug``.
Typer runs with ``standalone_mode=False`` so click's own usage errors (an unknown option, a bad
``--format``) come back to :func:`run` and are printed as one line too, and with
``rich_markup_mode=None`` so typer never imports rich to format help or errors: rich is imported
only by the table writer, when a table is drawn.
"""

import errno
import io
import itertools
import os
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TextIO

import typer
from typer._click import exceptions as click_exceptions
from typer.core import TyperCommand, TyperGroup, TyperOption

from rusino import __version__
from rusino.errors import ExitCode, RusinoError, cut
from rusino.render import Format

if TYPE_CHECKING:
    import sqlite3

    from rich.console import Console

    from rusino import query
    from rusino.render import Row, View

HELP = """Russia-China relations in the Asia-Pacific, 2009-2016: a timeline and figures, each
traced to a verbatim quote.

On a terminal, listings are tables; in a pipe they are TSV without a header (one record a line,
exact ISO/EDTF dates). --format picks table, tsv, csv, json, jsonl or markdown. Messages go to
stderr; exit codes: 0 ok (an empty result too), 1 error, 2 bad input."""


def _refuse_repeats(params: Iterable[Any], args: list[str], ctx: Any, stop: Any = ()) -> None:
    """A one-value option given twice is a usage error: click keeps the last, so
    `-s singh-2016 -s kim-blank-2013` silently meant kim-blank-2013 alone. ``stop``: the words
    after which the args are another command's (a group's subcommands)."""
    once = {
        name: p
        for p in params
        if isinstance(p, TyperOption) and not (p.multiple or p.is_flag or p.count)
        for name in p.opts
    }
    valued = {  # options whose next word is their value, even one that starts with -
        name
        for p in params
        if isinstance(p, TyperOption) and not (p.is_flag or p.count)
        for name in p.opts
    }
    seen: dict[str, str] = {}
    value_next = False
    for arg in args:
        if value_next:  # --topic -danger: a value, not -d (it had been "-d is given twice")
            value_next = False
            continue
        if arg == "--" or arg in stop:
            break
        given = arg.split("=", 1)[0] if arg.startswith("--") else arg[:2]
        value_next = given in valued and given == arg
        param = once.get(given)
        if param is None or param.name is None:
            continue
        if param.name in seen:
            first = seen[param.name]
            also = f" (as {first})" if first != given else ""
            raise click_exceptions.UsageError(
                f"{given} is given twice{also}; it takes one value", ctx
            )
        seen[param.name] = given


class _OnceCommand(TyperCommand):
    """A command whose one-value options are refused when given twice (_refuse_repeats)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        _refuse_repeats(self.params, args, ctx)
        return super().parse_args(ctx, args)


class _OnceGroup(TyperGroup):
    """The app and its groups, likewise for their own options (--db given twice)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        _refuse_repeats(self.params, args, ctx, stop=self.commands)
        return super().parse_args(ctx, args)


_APP_SETTINGS: dict[str, Any] = {
    "cls": _OnceGroup,
    "name": "rusino",
    "help": HELP,
    "rich_markup_mode": None,
    "pretty_exceptions_enable": False,
    "no_args_is_help": True,
    "context_settings": {"help_option_names": ["-h", "--help"], "max_content_width": 100},
}
app = typer.Typer(**_APP_SETTINGS)
db_app = typer.Typer(
    name="db",
    help="Build the database from the curated records in data/.",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")


class _State:
    """The global options, set by the app callback before a command runs."""

    db: str | None = None
    debug: bool = False
    args: tuple[str, ...] = ()  # the command line, for what an error message may quote of it


STATE = _State()


# ---------------------------------------------------------------------------------------------
# shell completion: actor and topic names, read from the database


def _complete(kind: str, ctx: typer.Context, incomplete: str) -> list[str]:
    try:
        from rusino import db, query

        option = ctx.find_root().params.get("db")
        conn = db.connect(db.resolve_path(option if isinstance(option, str) else None))
        try:
            return query.names(conn, kind, incomplete)
        finally:
            conn.close()
    except Exception:  # completion must never print a traceback into the user's prompt
        return []


def complete_actor(ctx: typer.Context, incomplete: str) -> list[str]:
    return _complete("actor", ctx, incomplete)


def complete_topic(ctx: typer.Context, incomplete: str) -> list[str]:
    return _complete("topic", ctx, incomplete)


# ---------------------------------------------------------------------------------------------
# options shared by the listing commands

FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        show_default=False,
        help="Output format [default: table on a terminal, tsv without a header in a pipe].",
    ),
]
HeadersOpt = Annotated[
    bool | None,
    typer.Option(
        "--headers/--no-headers",
        show_default=False,
        help="Header row for tsv/csv [default: on when --format is given, off in a pipe].",
    ),
]
ActorOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--actor",
        "-a",
        metavar="NAME",
        autocompletion=complete_actor,
        help="Only records this actor takes part in (name or alias, any case). Repeat: all must.",
    ),
]
TopicOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--topic",
        "-t",
        metavar="TOPIC",
        autocompletion=complete_topic,
        help="Only records with this topic (name or alias). Repeat: all of them.",
    ),
]
AnyOpt = Annotated[
    bool,
    typer.Option("--any", help="With several --actor (or --topic): any of them, not all."),
]
SourceOpt = Annotated[
    str | None,
    typer.Option("--source", "-s", metavar="ID", help="Only records from this source."),
]


def _no_limit_beyond_integer(limit: int | None) -> int | None:
    """A limit beyond SQLite's INTEGER is no limit (not an OverflowError)."""
    return None if limit is not None and limit >= 2**63 else limit


LimitOpt = Annotated[
    int | None,
    typer.Option(
        "--limit",
        "-n",
        min=0,
        metavar="N",
        help="At most N records.",
        callback=_no_limit_beyond_integer,
    ),
]
ReverseOpt = Annotated[bool, typer.Option("--reverse", "-r", help="Latest first.")]
FromOpt = Annotated[
    str | None,
    typer.Option(
        "--from",
        metavar="DATE",
        help="From DATE: 2012, 2012-04, April 2012, 22 April 2012, 2012-04-22, spring 2012, "
        "2012-Q2, EDTF (2012-21, 2012~, 2012-04/2012-06).",
    ),
]
ToOpt = Annotated[
    str | None,
    typer.Option("--to", metavar="DATE", help="Until DATE (2012 means to the end of 2012)."),
]
WithinOpt = Annotated[
    bool,
    typer.Option(
        "--within", help="Only what lies entirely inside --from/--to (default: what overlaps it)."
    ),
]
SearchOpt = Annotated[
    str | None,
    typer.Option(
        "--search",
        "-q",
        metavar="TEXT",
        help='Full-text search: words (prefixes, all must match), "a phrase", OR, NOT.',
    ),
]
WindowOpt = Annotated[
    bool, typer.Option("--window", "-w", help="Only what falls in the core window 2009-2016.")
]
SaveOpt = Annotated[
    Path | None,
    typer.Option(
        "--save",
        metavar="FILE",
        show_default=False,
        help="Save the drawn view as a picture, FILE.svg or FILE.html, instead of printing it.",
    ),
]


def date_range(from_: str | None, to: str | None, within: bool) -> tuple[str | None, str | None]:
    """--from/--to as ISO bounds (a year or month given means all of it); --within needs one."""
    for value, option in ((from_, "--from"), (to, "--to")):
        if value is not None and not value.strip():
            raise RusinoError(f"{option} is empty", f"give it a date, or leave {option} out")
    if within and not (from_ or to):
        raise RusinoError("--within needs --from or --to", "e.g. --from 2012 --to 2013 --within")
    if not (from_ or to):
        return None, None
    from rusino import dates

    return dates.parse_range(from_, to)


def timeline_filter(
    actor: list[str] | None,
    topic: list[str] | None,
    any_: bool,
    from_: str | None,
    to: str | None,
    within: bool,
    source: str | None,
    search: str | None,
    window: bool,
    limit: int | None = None,
    reverse: bool = False,
) -> "query.TimelineFilter":
    """The timeline filters as given on the command line (timeline, chart and export share them)."""
    from rusino import query

    start, end = date_range(from_, to, within)
    return query.TimelineFilter(
        actors=actor or (),
        topics=topic or (),
        any=any_,
        start=start,
        end=end,
        within=within,
        source=source,
        search=search,
        window=window,
        limit=limit,
        reverse=reverse,
    )


def _connect() -> "sqlite3.Connection":
    from rusino import db

    return db.connect(db.resolve_path(STATE.db))


def _emit(write: Callable[[], object], closed: int = 0) -> None:
    """Run a writer; a closed pipe (``| head -1``) ends the command quietly, with exit code
    ``closed`` (0, or what the command would have said had the reader read it all)."""
    try:
        write()
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
        raise typer.Exit(closed) from None
    except OSError as e:  # a full disk (> /dev/full), a closed stdout (>&-)
        raise RusinoError(f"cannot write the output: {e.strerror or e}", code=ExitCode.ERROR) from e
    except UnicodeEncodeError as e:
        raise RusinoError(
            f"cannot write the output as {e.encoding}: it holds {e.object[e.start : e.end]!r}",
            "let Python write UTF-8: PYTHONIOENCODING=utf-8 or PYTHONUTF8=1",
            ExitCode.ERROR,
        ) from e


MIN_CHART_WIDTH = 40  # columns a chart is drawn in at least


def _drawing(fmt: Format | None, save: Path | None) -> bool:
    """Whether a chart draws (on a terminal, --format table, --save) or prints its numbers
    (in a pipe, any other --format)."""
    return save is not None or fmt is Format.table or (fmt is None and sys.stdout.isatty())


def _chart_width() -> int:
    """The terminal's, down to MIN_CHART_WIDTH (the table views' 60 is for tables of text)."""
    from rusino import draw

    return max(MIN_CHART_WIDTH, draw.width_for(None))


def _check_picture(fmt: Format | None, save: Path | None) -> None:
    """Refuse a --format beside a picture, or a --save name no picture can have: before any
    work (a diff had been compared, and its notes printed, before the name was refused)."""
    if fmt not in (None, Format.table):
        what = "--save saves" if save is not None else "this view is"
        raise RusinoError(f"{what} a picture, not --format {fmt.value}", "drop --format")
    if save is not None:
        from rusino import draw

        draw.check_save_path(save)


def _draw(
    draw_fn: Callable[["Console"], int],
    fmt: Format | None,
    save: Path | None,
    width: int | None = None,
    title: str = "rusino",
    what: str | None = "events",
) -> None:
    """Draw a view on the terminal, or with ``save`` into an SVG/HTML picture (rich's export).

    ``draw_fn(console)`` draws and returns how much it drew (0: nothing, and no file is written;
    on the terminal, stderr says that no `what` match, as a table's view does; None: the
    caller has said why).
    """
    from rusino import draw

    _check_picture(fmt, save)
    drawn: list[int] = []
    _emit(lambda: drawn.append(draw.show(draw_fn, save=save, width=width, title=title)))
    if save is not None and drawn:
        said = f"saved {save}" if drawn[0] else f"rusino: nothing to draw: {save} not written"
        typer.echo(said, err=True)
    elif drawn == [0] and sys.stdout.isatty() and what is not None:
        typer.echo(f"no {what} match", err=True)


def _output(
    rows: Iterable["Row"],
    view: "View",
    fmt: Format | None,
    headers: bool | None,
    highlight: list[str] | None = None,
    save: Path | None = None,
) -> None:
    from rusino import render

    out = sys.stdout
    if save is not None:
        table = render.Options(highlight=highlight or [])
        _draw(
            lambda c: render.render(rows, view, Format.table, out, table._replace(console=c)),
            fmt,
            save,
            title=f"rusino {view.name}",
        )
        return
    if fmt is None:
        piped = not out.isatty()
        fmt = Format.tsv if piped else Format.table
        headers = (not piped) if headers is None else headers
    opts = render.Options(headers=True if headers is None else headers, highlight=highlight or [])
    written: list[int] = []
    _emit(lambda: written.append(render.render(rows, view, fmt, out, opts)))
    if written == [0] and fmt is Format.table and out.isatty():
        # a terminal had shown nothing at all; a pipe gets nothing (or its header), as data
        what = "events or facts" if view.name == "search" else view.name
        typer.echo(f"no {what} match", err=True)


# ---------------------------------------------------------------------------------------------
# the app


def _version(value: bool) -> None:
    if value:
        _emit(lambda: sys.stdout.write(f"rusino {__version__}\n"))
        raise typer.Exit(0)


@app.callback()
def _main(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="PATH",
            show_default=False,
            help="The database to read [default: $RUSINO_DB, else the bundled one].",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    STATE.db = db
    STATE.debug = debug


@app.command()
def timeline(
    actor: ActorOpt = None,
    any_: AnyOpt = False,
    topic: TopicOpt = None,
    from_: FromOpt = None,
    to: ToOpt = None,
    within: WithinOpt = False,
    source: SourceOpt = None,
    search: SearchOpt = None,
    window: WindowOpt = False,
    limit: LimitOpt = None,
    reverse: ReverseOpt = False,
    fmt: FormatOpt = None,
    headers: HeadersOpt = None,
    save: SaveOpt = None,
) -> None:
    """Events in date order (start, then precision, then id), filtered."""
    from rusino import query, render

    flt = timeline_filter(
        actor, topic, any_, from_, to, within, source, search, window, limit, reverse
    )
    rows = query.timeline(_connect(), flt)
    words = query.highlight_words(search) if search else None
    _output(rows, render.EVENTS, fmt, headers, words, save)


@app.command()
def facts(
    query_: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[QUERY]...",
            show_default=False,
            help="Words matched against subject, quote, topics and actors (trade, gas, Vietnam);"
            " a figure by its value (80 billion, 1,300 km, 49%) or beyond one (over 20 million t).",
        ),
    ] = None,
    unit: Annotated[
        list[str] | None,
        typer.Option(
            "--unit",
            "-u",
            metavar="UNIT",
            help="Only this unit (USD or $, percent or %, km...). Repeat: any of them.",
        ),
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            "-k",
            metavar="KIND",
            help="Only this kind (actual, target, contract...). Repeat: any of them.",
        ),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            "-y",
            min=1000,
            max=9999,
            metavar="YEAR",
            help="Only figures of YEAR: --from YEAR --to YEAR.",
        ),
    ] = None,
    from_: FromOpt = None,
    to: ToOpt = None,
    within: WithinOpt = False,
    window: WindowOpt = False,
    actor: ActorOpt = None,
    any_: AnyOpt = False,
    topic: TopicOpt = None,
    source: SourceOpt = None,
    limit: LimitOpt = None,
    reverse: ReverseOpt = False,
    chart: Annotated[
        bool,
        typer.Option(
            "--chart",
            help="Draw the figures as bars, grouped by unit; ranges and targets marked. In a "
            "pipe (or with --format) the figures are printed, as without it.",
        ),
    ] = False,
    fmt: FormatOpt = None,
    headers: HeadersOpt = None,
    save: SaveOpt = None,
) -> None:
    """Figures (money, volumes, lengths, shares...), by the period they refer to."""
    from rusino import query, render

    text = " ".join(query_ or []).strip() or None
    if query_ and text is None:  # `facts ""`: as search "" and --search "", not every fact
        raise RusinoError("nothing to search for in ''", "give at least one word, or no QUERY")
    if year is not None:  # one year: --from YEAR --to YEAR, and so with --within
        if from_ or to:
            raise RusinoError(
                "--year and --from/--to both give a period", "give one of them", ExitCode.USAGE
            )
        from_ = to = str(year)
    start, end = date_range(from_, to, within)
    conn = _connect()
    rows = query.facts(
        conn,
        query.FactFilter(
            query=text,
            units=unit or (),
            kinds=kind or (),
            start=start,
            end=end,
            within=within,
            window=window,
            actors=actor or (),
            any=any_,
            topics=topic or (),
            source=source,
            limit=limit,
            reverse=reverse,
        ),
    )
    if chart and _drawing(fmt, save):  # in a pipe, the figures themselves
        from rusino import draw

        width = None if save is not None else _chart_width()
        title = "rusino facts --chart"
        _draw(lambda c: draw.draw_fact_bars(rows, c), fmt, save, width, title, what="facts")
        return
    words = query.highlight_words(text) if text else None
    _output(rows, render.FACTS, fmt, headers, words, save)


def _ids_in(data: Any, where: str = "stdin") -> list[str]:
    """The ids of records in parsed JSON: a record, a list of them, or a diff's object (its
    lists of records, and the figures of its pairs, with their left and right); any other
    object is refused (actors' records had been taken for none)."""
    if isinstance(data, list):
        return [i for item in data for i in _ids_in(item, where)]
    if isinstance(data, dict) and "id" in data:
        return [str(data["id"])]
    if isinstance(data, dict) and {"left_only", "pairs", "left", "right"} & data.keys():
        return [
            i
            for key, value in data.items()
            if isinstance(value, list | dict) and key != "fields"
            for i in _ids_in(value, where)
        ]
    raise RusinoError(f"{where}: not a JSON record with an id", "pipe a listing of events or facts")


def _ids_of_rows(rows: list[list[str]]) -> list[str]:
    """The ids of a table's rows: the column its header names id (or a diff's of figures,
    left_id and right_id); without a header the first (after a diff's mark)."""
    from rusino.diff import FACT_DIFF_FIELDS

    if not rows:
        return []
    header = [cell.strip() for cell in rows[0]]
    columns = [i for i, name in enumerate(header) if name in ("id", "left_id", "right_id")]
    if columns:
        return [row[i] for row in rows[1:] for i in columns if i < len(row) and row[i].strip()]
    if {"side", "subject"} <= set(header):  # (a figures diff's markdown: no id column)
        raise RusinoError(
            "the listing piped in has no id column", "pipe it with --format tsv or jsonl"
        )
    ids = []
    sides = ("<", ">", "=", "~", "left", "right", "shared", "changed")  # a diff's, no header
    for row in rows:
        if row and row[0] in sides and len(row) == len(FACT_DIFF_FIELDS):  # figures: both ids
            ids += [row[3], row[8]]
        elif row:
            ids.append(row[1] if row[0] in sides and len(row) > 1 else row[0])
    return [i for i in ids if i.strip()]


def _ids_from_stdin(command: str = "show") -> list[str]:
    """The ids of a listing piped in: each line's first field (tsv, a diff's after its mark;
    csv, a header's "id" left out), its "id" (jsonl, json), or its words (id1 id2)."""
    import contextlib
    import csv
    import io
    import json

    if sys.stdin.isatty():
        raise RusinoError(
            f"{command} - reads ids from stdin, which is a terminal",
            f"pipe them in: rusino timeline --actor Japan | rusino {command} -",
        )
    from rusino.errors import not_utf8, wide_encoding

    data = sys.stdin.buffer.read()
    encoding = wide_encoding(data[:8])
    if encoding:
        raise not_utf8("stdin", encoding)
    try:
        text = data.decode("utf-8-sig")  # (a byte-order mark, as Windows tools write, skipped)
    except UnicodeDecodeError:
        raise RusinoError("stdin is not UTF-8 text", "pipe it through iconv -t UTF-8") from None
    lines = [line for line in text.splitlines() if line.strip()]
    ids: list[str] = []
    whole: Any = None
    if text.lstrip()[:1] in ("[", "{"):  # json: a listing, an object, a diff's
        with contextlib.suppress(ValueError):  # (else jsonl, one object a line)
            whole = json.loads(text)
    if whole is not None:
        ids = _ids_in(whole)
    elif lines and lines[0].lstrip().startswith("{"):
        for n, line in enumerate(lines, start=1):
            try:
                ids += _ids_in(json.loads(line), f"stdin, line {n}")
            except ValueError:
                raise RusinoError(f"stdin, line {n}: not a JSON object with an id") from None
    elif lines and lines[0].lstrip().startswith("|"):  # markdown: its header names the column
        rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines]
        ids = _ids_of_rows([r for r in rows if not set("".join(r)) <= set("-: ")])
    elif lines and "\t" not in lines[0] and lines[0].count(",") >= 2:  # csv (a listing's: 3
        # cells or more; "a,b" alone is an id with a comma); a record may span lines
        ids = _ids_of_rows(list(csv.reader(io.StringIO(text))))
    elif lines and "\t" in lines[0]:
        ids = _ids_of_rows([line.split("\t") for line in lines])
    else:  # ids as words ("id" first, as a one-column csv quotes its header, a header)
        ids = [word.strip('"') for line in lines for word in line.split()]
        ids = ids[1:] if ids[:1] == ["id"] else ids
    return [i.strip() for i in ids if i.strip()]


def ids_given(ids: list[str], command: str, nothing: str) -> list[str]:
    """A command's ids, each once, with - as the ids of a listing piped in (an empty one: none,
    and a note that says ``nothing``, as an empty listing is no error)."""
    if ids.count("-") > 1:  # (it had said "no event or fact with id '-'")
        raise RusinoError("- is given twice, and stdin is read once", "give - once")
    if "-" in ids:
        at = ids.index("-")
        ids = [*ids[:at], *_ids_from_stdin(command), *ids[at + 1 :]]
        if not ids:
            typer.echo(f"note: {command} -: no ids on stdin, {nothing}", err=True)
    return list(dict.fromkeys(ids))  # each record once, as --bibtex has each source once


@app.command()
def show(
    ids: Annotated[
        list[str],
        typer.Argument(
            metavar="ID...",
            help="Event or fact ids; - reads them from a listing piped in (any format: "
            "`rusino timeline -a Japan | rusino show -`).",
        ),
    ],
    bibtex: Annotated[
        bool, typer.Option("--bibtex", help="Only the sources, as BibTeX, each once.")
    ] = False,
    fmt: Annotated[
        Format | None,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            show_default=False,
            help="Output format [default: the full text view]; json is an object for one id, "
            "an array for more.",
        ),
    ] = None,
    headers: HeadersOpt = None,
) -> None:
    """Everything about events or facts: dates, quote, the notes it cites, related records and a
    citation (Chicago author-date; --bibtex for BibTeX)."""
    import json

    from rusino import query, render

    if bibtex and fmt is not None:
        raise RusinoError("--bibtex prints BibTeX, not --format", "drop one of the two")
    ids = ids_given(ids, "show", "nothing to show")
    if not ids:
        if fmt is Format.json:  # (an empty list, as an empty listing's json is)
            _emit(lambda: sys.stdout.write("[]\n"))
        return
    conn = _connect()
    rows = [query.show(conn, id_) for id_ in ids]  # an unknown id fails before any output
    out = sys.stdout
    if bibtex:
        entries = dict.fromkeys(row["bibtex"] for row in rows)
        _emit(lambda: out.write("\n".join(entries) + "\n"))
    elif fmt is None or fmt is Format.table:
        # in a pipe, one line a field, unwrapped, so that `| grep -A1 cite` has the citation
        # (--format table draws it as on a terminal, $COLUMNS wide)
        piped = fmt is None and not out.isatty()
        view = render.Options(width=render.MAX_WIDTH) if piped else render.Options()

        def write() -> None:
            for i, row in enumerate(rows):
                if i:
                    out.write("\n")
                render.write_show(row, out, view)

        _emit(write)
    elif fmt is Format.json:
        text = json.dumps(rows[0] if len(rows) == 1 else rows, ensure_ascii=False, indent=2)
        _emit(lambda: out.write(text + "\n"))
    elif fmt is Format.jsonl:
        _emit(lambda: out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    else:
        kinds = {row["type"] for row in rows}
        if len(kinds) > 1:
            raise RusinoError(
                f"the ids name both events and facts, whose {fmt.value} columns differ",
                "show them with --format jsonl, or events and facts separately",
            )
        _output(rows, render.EVENTS if kinds == {"event"} else render.FACTS, fmt, headers)


@app.command()
def search(
    text: Annotated[
        list[str],
        typer.Argument(
            metavar="TEXT...",
            help='Words (prefixes, all must match), "a phrase", or an FTS5 expression with OR/NOT.',
        ),
    ],
    limit: LimitOpt = None,
    fmt: FormatOpt = None,
    headers: HeadersOpt = None,
) -> None:
    """Events and facts together, best match first; each row says which it is."""
    from rusino import query, render

    joined = " ".join(text)
    rows = query.search(_connect(), joined, limit)
    _output(rows, render.SEARCH, fmt, headers, query.highlight_words(joined))


def _named_rows(kind: str, names: list[str] | None) -> Iterable["Row"]:
    """The actors (topics) of the database, or the ones names name (by any alias, refused
    with a did-you-mean as --actor is): `rusino actors japan` had been an extra argument."""
    from rusino import query

    conn = _connect()
    rows = query.actors(conn) if kind == "actor" else query.topics(conn)
    if not names:
        return rows
    wanted = {query.resolve(conn, kind, name) for name in names}
    return (row for row in rows if row["name"] in wanted)


NamesArg = Annotated[
    list[str] | None,
    typer.Argument(metavar="[NAME]...", show_default=False, help="Only these (any alias)."),
]


@app.command()
def actors(names: NamesArg = None, fmt: FormatOpt = None, headers: HeadersOpt = None) -> None:
    """Actors, with their kind, aliases and how many events and facts name them."""
    from rusino import render

    _output(_named_rows("actor", names), render.ACTORS, fmt, headers)


@app.command()
def topics(names: NamesArg = None, fmt: FormatOpt = None, headers: HeadersOpt = None) -> None:
    """Topics, with their aliases and counts."""
    from rusino import render

    _output(_named_rows("topic", names), render.TOPICS, fmt, headers)


@app.command()
def sources(fmt: FormatOpt = None, headers: HeadersOpt = None) -> None:
    """The articles everything comes from, with counts and a citation."""
    from rusino import query, render

    _output(query.sources(_connect()), render.SOURCES, fmt, headers)


@db_app.command("build")
def db_build(
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            metavar="DIR",
            show_default=False,
            help="The curated records [default: data/ of this checkout].",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", metavar="PATH", show_default=False, help="[default: DIR/events.sqlite]"
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace an existing PATH that is not a build nothing has changed since.",
        ),
    ] = False,
) -> None:
    """Build the SQLite database from data/*.toml (deterministic: same input, same content)."""
    from rusino import db
    from rusino.build import build_database, replacing

    data_dir = data or db.repo_data_dir() or db.checkout_data_dir(Path.cwd())
    if data_dir is None:
        raise RusinoError(
            "no data folder found",
            "run it in a rusino checkout, or pass --data DIR (the folder with sources.toml)",
        )
    target = out or data_dir / "events.sqlite"
    # a checkout's own data/events.sqlite, whichever install builds it, is the bundled database
    in_checkout = target.name == "events.sqlite" and db.checkout_data_dir(target.parent) is not None
    bundled = db.is_bundled(target) or in_checkout
    with replacing(target, force=force):
        counts = build_database(data_dir, target, bundled=bundled)
    summary = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items())
    typer.echo(f"built {target}: {summary}", err=True)


def sources_folder(value: str | None, option: bool = False) -> Path | None:
    """The article texts' folder (check's --sources, else RUSINO_SOURCES_DIR): None when unset
    or empty; one that is not a folder is refused, as a typo would leave every quote
    unchecked."""
    if not value:
        return None
    from rusino.db import user_path

    folder = user_path(value)
    if not folder.is_dir():
        where = "RUSINO_SOURCES_DIR (or --sources)" if option else "RUSINO_SOURCES_DIR"
        raise RusinoError(
            f"the article texts' folder {value!r} is not a folder",
            f"point {where} at the folder that holds them, or unset it",
        )
    return folder


@app.command()
def check(
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            metavar="DIR",
            show_default=False,
            help="Compare with a fresh build of DIR [default: data/ when checking the bundled db "
            "from a checkout].",
        ),
    ] = None,
    sources: Annotated[
        str | None,  # not Path: an empty value (as RUSINO_SOURCES_DIR= sets it) is no folder
        typer.Option(
            "--sources",
            metavar="DIR",
            envvar="RUSINO_SOURCES_DIR",
            show_default=False,
            help="The article texts, to find every quote verbatim [default: $RUSINO_SOURCES_DIR].",
        ),
    ] = None,
) -> None:
    """Validate the database; print one line per problem on stdout and exit 1 if there are any."""
    from rusino import db
    from rusino.check import check_database, unchecked_records

    sources_dir = sources_folder(sources, option=True)
    if data is not None and not (data / "sources.toml").is_file():  # as db build's rule
        what = "is not a folder" if not data.is_dir() else "is no data folder (no sources.toml)"
        raise RusinoError(f"--data {data} {what}", "give the folder of the curated data (data/)")
    path = db.resolve_path(STATE.db)
    data_dir = data
    repo = db.repo_data_dir()
    if data_dir is None and repo is not None:
        try:
            if path.resolve() == (repo / "events.sqlite").resolve():
                data_dir = repo
        except OSError:
            pass
    # the bundled data names every article; a user's own sources need not (nor can, by add),
    # --data or not
    every_article = db.is_bundled(path)
    problems = check_database(path, data_dir, sources_dir, every_article=every_article)
    if problems:
        _emit(lambda: sys.stdout.write("".join(p + "\n" for p in problems)))
        typer.echo(
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {path}", err=True
        )
        raise typer.Exit(int(ExitCode.ERROR))
    conn = db.connect(path)
    n_events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    n_facts = conn.execute("SELECT count(*) FROM facts").fetchone()[0]
    unchecked = ""
    if sources_dir is None:
        unchecked = (
            " (quotes not looked up in the articles: set RUSINO_SOURCES_DIR or pass --sources DIR)"
        )
    else:
        n = unchecked_records(conn, sources_dir)
        if n:
            unchecked = (
                f" ({n} record{'s' if n != 1 else ''} of sources whose article is not in "
                f"{sources_dir}: quotes not looked up)"
            )
    counted = f"{n_events} event{'s' * (n_events != 1)}, {n_facts} fact{'s' * (n_facts != 1)}"
    typer.echo(f"ok: {counted}{unchecked}", err=True)


# ---------------------------------------------------------------------------------------------
# the one exit point


_SEARCHING = ("search", "facts", "timeline", "chart", "export", "diff")  # take search text


# options of other tools, and what they are here
_FLAGS_MEANT = {
    **{f"--{f}": f"--format {f}" for f in ("csv", "tsv", "json", "jsonl", "markdown", "table")},
    "--md": "--format markdown",
    "--since": "--from",
    "--after": "--from",
    "--until": "--to",
    "--before": "--to",
    "--version": "rusino --version, before the command",
    "--start": "--from",
    "--end": "--to",
    "--year": "--from YEAR --to YEAR",
    "--lanes": "rusino chart --lanes",  # (facts --chart --lanes had got --any)
    "--chart": "rusino chart",  # (timeline --chart: events per year; facts has its own)
}
_FILTERS = (
    "--from",
    "--to",
    "--actor",
    "--topic",
    "--source",
    "--window",
    "--within",
    "--any",
    "-a",
    "-t",
    "-s",
    "-w",
)  # (with timeline's short forms)
# a number below zero as typed: -80, -5%, -4.5bn (click reads -80 as the option -8 with the value 0)
_NEGATIVE = re.compile(r"-[$\u20ac\u00a3\u00a5]?\d[\d.,]*(?:e\d+)?(?:%|[^\W\d_]+)?", re.I)


def _meant(e: click_exceptions.NoSuchOption, ctx: Any) -> str:
    """The hint for an option the command lacks, where it is another's or is said otherwise
    here, written with the command's own words so that it pastes; '' for click's own guess by
    spelling (--csv had got --save, --json --to)."""
    import shlex

    name = e.option_name or ""
    opts = {o for p in ctx.command.params for o in getattr(p, "opts", ())}
    command, args = _command_args(ctx)
    value = next((b for a, b in itertools.pairwise(args) if a == name), "")  # the option's
    meant = _FLAGS_MEANT.get(name, "")
    if name == "--year" and "--from" in opts and value:
        meant = f"--from {shlex.quote(value)} --to {shlex.quote(value)}"
    if meant.startswith("rusino") or (meant and meant.split()[0] in opts):
        return f"did you mean {meant}?"
    if meant.startswith("--format") and ctx.parent is None:  # rusino --json timeline
        return f"did you mean {meant}, after the command?"
    if ctx.parent is None:  # rusino --format json timeline: the command's option, too early
        sub = next((a for a in STATE.args if ctx.command.get_command(ctx, a) is not None), "")
        found = ctx.command.get_command(ctx, sub) if sub else None
        sub_opts = {o for p in (found.params if found else ()) for o in getattr(p, "opts", ())}
        for option in (name, meant.split()[0] if meant else ""):
            if option in sub_opts:
                return f"did you mean {sub} {option}? it goes after the command"
    if command == "facts" and name in ("--search", "-q") and value:
        at = args.index(name)
        words = [*args[:at], value, *args[at + 2 :]]  # --search gas: gas
        return f"facts' QUERY is its search: {shlex.join(['rusino', 'facts', *words])}"
    if command == "search" and name in _FILTERS:
        at = next((i for i, a in enumerate(args) if a.startswith("-")), len(args))
        search = ["--search", " ".join(args[:at])] if at else []
        return f"search takes no filters: {shlex.join(['rusino', 'timeline', *search, *args[at:]])}"
    at = next((i for i, a in enumerate(args) if a.startswith(name) and _NEGATIVE.fullmatch(a)), -1)
    if re.fullmatch(r"-[\d$\u20ac\u00a3\u00a5]", name) and at >= 0:
        if command == "facts":
            pasted = shlex.join(["rusino", command, *args[:at], "--", *args[at:]])
            return f"a word that starts with - is read as an option: {pasted}"
        if command == "search":  # (search -- -5% would be "a leading - does not leave out")
            pasted = shlex.join(["rusino", "facts", "--", *args[at:]])
            return f"a number below zero is a figure, which facts finds: {pasted}"
    return ""


def _command_args(ctx: Any) -> tuple[str, list[str]]:
    """The command's name, and the command line after it."""
    command = ctx.command_path.split()[-1]
    return command, list(
        STATE.args[STATE.args.index(command) + 1 :] if command in STATE.args else []
    )


def _words(ctx: Any) -> list[str]:
    """The command line's words after the command that are no options nor their values."""
    _, args = _command_args(ctx)
    valued = {
        o
        for p in ctx.command.params
        if getattr(p, "param_type_name", "") == "option" and not getattr(p, "is_flag", False)
        for o in p.opts
    }
    out: list[str] = []
    skip = False
    for arg in args:
        if skip or arg.startswith("-"):
            skip = not skip and arg in valued
            continue
        out.append(arg)
    return out


def _usage_line(e: click_exceptions.ClickException) -> str:
    message = " ".join(e.format_message().split())
    if isinstance(e, click_exceptions.NoSuchOption) and e.option_name in ("--db", "--debug"):
        return f"{message} here ({e.option_name} is a global option: it goes before the command)"
    ctx = getattr(e, "ctx", None)
    if isinstance(e, click_exceptions.NoSuchOption):
        # -80 is read as -8 and its value 0: the word as typed
        word = next((a for a in STATE.args if a.startswith(e.option_name or "")), "")
        shown = word if _NEGATIVE.fullmatch(word) else e.option_name
        if shown != e.option_name:
            message = f"No such option: {shown}"
        # click's own guess is by spelling: --csv got --save, --json --to
        meant = _meant(e, ctx) if ctx is not None else ""
        if meant:
            return f"No such option: {shown} ({meant})"
    searching = ctx is not None and any(
        "--search" in getattr(p, "opts", ()) for p in ctx.command.params
    )
    extra = re.search(r"unexpected extra argument(?:\(s\)|s)? \((.*)\)", message)
    if extra and searching and ctx is not None and ctx.command_path.split()[-1] != "diff":
        import shlex

        # `timeline gas "oil pipeline"`: words are no arguments there; a phrase stays one
        words = [f'"{w}"' if " " in w else w for w in _words(ctx)] or [extra[1]]
        # `--search gas pipeline`: the search's own word first (it had been dropped)
        _, args = _command_args(ctx)
        given = [b for a, b in itertools.pairwise(args) if a in ("--search", "-q")]
        given += [a.split("=", 1)[1] for a in args if a.startswith("--search=")]
        words = [*given[-1:], *words]
        return f"{message} (to search for words, give --search {shlex.quote(' '.join(words))})"
    if (
        isinstance(e, click_exceptions.NoSuchOption)
        and ctx is not None
        and ctx.command_path.split()[-1] in _SEARCHING
    ):  # `rusino search gas -oil`: a web search's way to leave a word out
        word = next((a for a in STATE.args if a[:2] == e.option_name and a[2:].isalpha()), "")
        if word:
            word = cut(word)
            kept = "pipeline" if word[1:].casefold() == "gas" else "gas"  # (not gas NOT gas)
            return (
                f"No such option: {word} (a word that starts with - is read as an option; to "
                f"leave a word out of a search, write NOT before it, in quotes: "
                f"'{kept} NOT {word[1:]}')"
            )
    command = re.fullmatch(r"No such command '([^']*)'\.", message)  # (click's: a spelling)
    meant = _COMMAND_WORDS.get(command[1].casefold(), "") if command else ""
    if meant and ctx is not None and ctx.command_path == "rusino":  # rusino rm, rusino cite
        return f"{message.removesuffix('.')} (did you mean {meant}?)"
    choice = _NOT_ONE_OF.search(message)  # -f tbl, --by actr: the choice meant
    if choice:
        import difflib

        options = re.findall(r"'([^']*)'", choice[2])
        close = difflib.get_close_matches(choice[1].casefold(), options, n=1, cutoff=0.6)
        if close:
            return f"{message.removesuffix('.')} (did you mean {close[0]}?)"
    if ctx is not None:
        return f"{message} (see '{ctx.command_path} --help')"
    return message


# other tools' words for rusino's commands
_COMMAND_WORDS = {
    **dict.fromkeys(("cite", "citation", "bibtex", "ref"), "rusino show ID --bibtex"),
    **dict.fromkeys(("rm", "remove", "del", "drop"), "rusino delete"),
    **dict.fromkeys(("list", "ls", "events", "log"), "rusino timeline"),
    **dict.fromkeys(("find", "grep", "query", "lookup"), "rusino search"),
    **dict.fromkeys(("compare", "cmp"), "rusino diff"),
    **dict.fromkeys(("plot", "graph", "lanes"), "rusino chart"),
    **dict.fromkeys(("new", "create", "insert"), "rusino add"),
    **dict.fromkeys(("load",), "rusino import"),
    **dict.fromkeys(("dump", "save"), "rusino export"),
    **dict.fromkeys(("init",), "rusino db init"),
    **dict.fromkeys(("validate", "verify", "lint"), "rusino check"),
    **dict.fromkeys(("figures", "numbers", "fact"), "rusino facts"),
}
_NOT_ONE_OF = re.compile(r"'([^']*)' is not one of ((?:'[^']*'(?:, )?)+)")


def _command_name(args: list[str]) -> str | None:
    """The subcommand in ``args`` (after the global options), or None."""
    return _scan(args)[0]


def _scan(args: list[str]) -> tuple[str | None, bool]:
    """(the subcommand in ``args`` or None, whether --debug is among the global options before
    it: after the command it is an unknown option, a usage error like any other)."""
    i, debug = 0, False
    while i < len(args):
        a = args[i]
        if a == "--db":
            i += 2
        elif a.startswith("--db=") or a == "--debug":
            debug = debug or a == "--debug"
            i += 1
        elif a.startswith("-"):
            return None, debug  # --help, --version, an unknown option: the full app answers
        else:
            return a, debug
    return None, debug


class _QuietStderr:
    """sys.stderr, but a reader that left (`2>&1 >/dev/null | head -1`) ends only the messages,
    not the command: click answers a broken pipe with exit 1, mid-command (a `db init` whose
    second line found the pipe closed had made the database, then exited 1)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, s: str) -> int:
        try:
            return self.stream.write(s)
        except BrokenPipeError:
            self._closed()
            return len(s)

    def flush(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            self._closed()

    def _closed(self) -> None:
        # what is left of the message goes to /dev/null, so that no later flush fails again
        os.dup2(os.open(os.devnull, os.O_WRONLY), self.stream.fileno())

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


class _ClosedStdout(io.TextIOBase):
    """sys.stdout when the shell closed it (``rusino timeline >&-``): Python sets it to None.
    Writing fails as writing to a closed descriptor does; a command that writes nothing there
    (import, add) runs as usual."""

    def __init__(self) -> None:
        super().__init__()
        self.buffer = _ClosedBuffer()

    def write(self, s: str) -> int:
        raise OSError(errno.EBADF, "stdout is closed")

    def isatty(self) -> bool:
        return False


class _ClosedStdin(io.TextIOBase):
    """sys.stdin when the shell closed it (``rusino import - <&-``): Python sets it to None.
    Reading it is refused in one line; a command that reads nothing there runs as usual."""

    def isatty(self) -> bool:
        return False

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        raise _closed_stdin()

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        raise _closed_stdin()

    @property
    def buffer(self) -> Any:
        raise _closed_stdin()


def _closed_stdin() -> RusinoError:
    return RusinoError(
        "stdin is closed (<&-): there is nothing to read", "pipe the rows in, or give a file"
    )


class _ClosedBuffer(io.RawIOBase):
    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        raise OSError(errno.EBADF, "stdout is closed")


def _once_only(typer_app: typer.Typer) -> None:
    """Every command of typer_app (and of its groups) a _OnceCommand."""
    for info in typer_app.registered_commands:
        if info.cls in (None, TyperCommand):
            info.cls = _OnceCommand
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            _once_only(group.typer_instance)


def _app_for(args: list[str]) -> typer.Typer:
    """The app, holding only the command ``args`` names when that is one of ours.

    typer builds a click command for every registered command on each run, reading each
    function's signature (~5 ms for all of them); building only the one being run is the cheap,
    lazy-group way. Everything else (help, unknown commands, completion) gets the full app.
    """
    _once_only(app)
    name = _command_name(args)
    if name is None or "_RUSINO_COMPLETE" in os.environ:
        return app
    commands = [
        c
        for c in app.registered_commands
        if c.callback is not None and (c.name or c.callback.__name__.replace("_", "-")) == name
    ]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return app
    slim = typer.Typer(**_APP_SETTINGS)
    slim.registered_callback = app.registered_callback
    slim.registered_commands = commands
    slim.registered_groups = groups
    return slim


def run(argv: list[str] | None = None) -> int:
    """Run the app on ``argv``; return the exit code. Errors become one line on stderr."""
    STATE.db, STATE.debug = None, False
    args = sys.argv[1:] if argv is None else list(argv)
    STATE.args = tuple(args)
    command, debug = _scan(args)  # known before parsing, so even a usage error is traced
    for a in args:
        # not UTF-8: refused, unless it names a file (a path may be any bytes)
        if not a.isascii() and _not_utf8(a) and not os.path.lexists(a.removeprefix("db:")):
            raw = a.encode("utf-8", "surrogateescape")
            typer.echo(f"rusino: argument {raw!r} is not valid UTF-8 text", err=True)
            return int(ExitCode.USAGE)
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()
    if sys.stdin is None:
        sys.stdin = _ClosedStdin()
    stderr = sys.stderr
    if stderr is not None:
        sys.stderr = _QuietStderr(stderr)
    try:
        return _run(args, command, debug)
    finally:
        sys.stderr = stderr


def _run(args: list[str], command: str | None, debug: bool) -> int:
    try:
        rv: Any = _app_for(args)(args=args, prog_name="rusino", standalone_mode=False)
        return rv if isinstance(rv, int) else 0
    except SystemExit:
        # click's own answer to a reader that left while it printed --help: it wraps stdout
        # and exits 1; rusino's is to end quietly, as for any output
        stdout = getattr(sys.stdout, "wrapped", None)
        if stdout is None:
            raise
        sys.stdout = stdout
        _quiet_stdout()
        return 0
    except click_exceptions.NoArgsIsHelpError as e:
        ctx = e.ctx
        typer.echo(ctx.get_help() if ctx is not None else HELP, err=True)
        return int(ExitCode.USAGE)
    except click_exceptions.ClickException as e:
        typer.echo(f"rusino: {_shortened(_usage_line(e))}", err=True)
        return e.exit_code
    except typer.Abort:
        typer.echo("rusino: aborted", err=True)
        return 1
    except RusinoError as e:
        if debug or STATE.debug:
            _trace()
        typer.echo(f"rusino: {_shortened(str(e))}", err=True)
        # diff's 1 means "the sides differ": any trouble of its own (output it cannot write) is 2
        return int(ExitCode.USAGE if command == "diff" else e.code)
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except Exception as e:  # a bug: one line, and the trace under --debug
        if debug or STATE.debug:
            _trace()
        trouble = int(ExitCode.USAGE if command == "diff" else ExitCode.ERROR)
        from rusino import db

        if isinstance(e, OSError) and e.filename is not None and e.errno in _BAD_PATH:
            # a path that cannot be: too long, a loop of links, a file where a folder must be
            typer.echo(f"rusino: {_shortened(repr(str(e.filename)))}: {e.strerror}", err=True)
            return int(ExitCode.USAGE)
        if isinstance(e, RuntimeError) and str(e).startswith("Symlink loop"):  # Path.resolve's
            typer.echo(
                f"rusino: {_shortened(str(e))} (a link in the path leads back to itself)", err=True
            )
            return int(ExitCode.USAGE)
        if isinstance(e, OSError) and e.errno == errno.EBADF:  # --help >&- (click's own echo)
            typer.echo(f"rusino: cannot write the output: {e.strerror}", err=True)
            return trouble
        if db.is_busy(e):
            # a query that met another process's write, after connecting went through
            typer.echo(f"rusino: {e}: another process is writing (try again later)", err=True)
            return trouble
        import sqlite3

        if isinstance(e, sqlite3.DatabaseError) and "malformed" in str(e):  # found mid-query
            typer.echo(
                f"rusino: the database is damaged ({e}) (restore it from a copy, or recover "
                "what is left with sqlite3's .recover)",
                err=True,
            )
            return trouble
        if str(e).startswith(("no such column", "no such table")):
            # a file with rusino's table names but not its layout
            typer.echo(
                f"rusino: the database does not have the layout this rusino reads ({e}) "
                "(is it a rusino database? `rusino db upgrade` brings an older one up to date)",
                err=True,
            )
            return trouble
        typer.echo(
            f"rusino: internal error: {type(e).__name__}: {e} (rerun with --debug)", err=True
        )
        return trouble  # diff's 1 means "the sides differ", so its trouble is 2, as diff(1)'s


def _quiet_stdout() -> None:
    """Point stdout, a pipe its reader closed, at /dev/null, so that the interpreter's final
    flush cannot fail again."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


_BAD_PATH = {errno.ENAMETOOLONG, errno.ELOOP, errno.ENOTDIR, errno.ENOENT, errno.EISDIR}
_LONG_QUOTED = re.compile(r"'([^'\n]{121,})'|\"([^\"\n]{121,})\"")


def _shortened(message: str) -> str:
    """The message with any value it quotes at length (a 100,000-character id given back)
    cut to its start, and its length said, so that the one line stays one readable line."""

    def shorten(m: re.Match[str]) -> str:
        value, quote = (m[1], "'") if m[1] is not None else (m[2], '"')
        return f"{quote}{cut(value, 60)}{quote} ({len(value):,} characters)"

    return _LONG_QUOTED.sub(shorten, message)


def _trace() -> None:
    import traceback

    traceback.print_exc()


def _not_utf8(text: str) -> bool:
    """Whether an argument holds bytes that are not UTF-8 (Python keeps them as surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def main() -> NoReturn:
    """The console-script entry point."""
    sys.exit(run())


from rusino import cli_diff  # noqa: E402,F401,I001  (registers `rusino diff`)


from rusino import cli_chart  # noqa: E402,F401  (registers `rusino chart`)

from rusino import cli_data  # noqa: E402,F401  (registers `rusino db init`, add, import, export)
