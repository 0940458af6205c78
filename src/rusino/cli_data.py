"""Your own data: `rusino db init`, `add event|fact|source`, `import` and `export`.

Thin Typer layer over rusino.store (validated, transactional writes) and rusino.export (streaming
writers and the import readers). Top-level imports are typer, the standard library and
rusino.cli only, so registering these commands costs nothing at start-up.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from rusino.cli import (
    STATE,
    ActorOpt,
    AnyOpt,
    FromOpt,
    SearchOpt,
    SourceOpt,
    ToOpt,
    TopicOpt,
    WindowOpt,
    WithinOpt,
    _emit,
    app,
    complete_actor,
    complete_topic,
    db_app,
    ids_given,
    sources_folder,
    timeline_filter,
)
from rusino.errors import ExitCode, RusinoError

if TYPE_CHECKING:
    import sqlite3

add_app = typer.Typer(
    name="add",
    help="Add one event, fact or source to your own database (see `rusino db init`).",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
)
app.add_typer(add_app, name="add")


def _seconds(text: str | float) -> float:
    """--wait's value: a number of seconds, 0 or more ('abc' had been "not a valid float
    range", nan and inf had passed a range check)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise typer.BadParameter(f"{text!r} is not a number of seconds (0 or more: --wait 10)")
    if value > 86400:  # (1e308 had overflowed SQLite's milliseconds: an internal error)
        raise typer.BadParameter(f"{text!r} seconds is more than a day (at most --wait 86400)")
    return value


WaitOpt = Annotated[
    float,
    typer.Option(
        "--wait",
        parser=_seconds,
        metavar="SECONDS",
        help="How long to wait for another writer before giving up with 'database is busy'.",
    ),
]
NewActorOpt = Annotated[
    bool, typer.Option("--new-actor", help="Add unknown actors instead of refusing them.")
]
NewTopicOpt = Annotated[
    bool, typer.Option("--new-topic", help="Add unknown topics instead of refusing them.")
]
ActorKindOpt = Annotated[
    str,
    typer.Option("--actor-kind", metavar="KIND", help="The kind of actors added by --new-actor."),
]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Validate only; write nothing.")]


def _may_write(path: Path) -> bool:
    """Whether SQLite may write the database (and its journal, beside it): tried, not only
    asked of its mode bits (root may write a 0444 file, nobody an immutable one)."""
    import tempfile

    try:
        os.close(os.open(path, os.O_RDWR))
        with tempfile.TemporaryFile(dir=path.parent):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def _writing(wait: float, dry_run: bool = False) -> Iterator[sqlite3.Connection]:
    """The selected database, open for writing; a dry run of the bundled one (never written)
    works on a scratch copy of it."""
    from rusino import db, store

    path = db.resolve_path(STATE.db)
    timeout_ms = int(wait * 1000)
    with contextlib.ExitStack() as stack:
        if dry_run and path.is_file() and not _may_write(path):
            # a dry run writes nothing, so it needs no write access: a copy takes its place
            path = stack.enter_context(store.scratch_copy(path))
        try:
            conn = store.connect_writable(path, timeout_ms=timeout_ms)
        except store.BundledReadOnly as exc:
            if dry_run:
                copy = stack.enter_context(store.scratch_copy(path))
                conn = store.connect_writable(copy, timeout_ms=timeout_ms)
            else:
                raise _yours(exc) from None
        stack.callback(conn.close)
        yield conn


def _yours(exc: RusinoError) -> RusinoError:
    """The refusal to write the bundled database, naming the user's own where there is one."""
    mine = _app_dir() / "events.sqlite"
    if not mine.is_file():
        return exc
    hint = f"yours, made by `rusino db init`, is {mine}: select it with --db or RUSINO_DB"
    return RusinoError(exc.message, hint)


def _options(
    new_actor: bool, new_topic: bool, actor_kind: str, dry_run: bool, replace: bool = False
) -> Any:
    from rusino import build, store

    actor_kind = actor_kind.strip().lower()  # (Person, as export --what Facts is taken)
    if actor_kind not in build.ACTOR_KINDS:
        import difflib

        close = difflib.get_close_matches(actor_kind, build.ACTOR_KINDS, n=1)
        raise RusinoError(
            f"--actor-kind {actor_kind!r} is not one of {', '.join(build.ACTOR_KINDS)}",
            f"did you mean {close[0]}?" if close else "",
        )
    return store.Options(
        replace=replace,
        new_actors=new_actor,
        new_topics=new_topic,
        actor_kind=actor_kind,
        dry_run=dry_run,
        sources_dir=sources_folder(os.environ.get("RUSINO_SOURCES_DIR")),
    )


# ---------------------------------------------------------------------------------------------
# db init


@db_app.command("init")
def db_init(
    path: Annotated[
        str | None,  # not Path: it drops the trailing / of a folder meant
        typer.Argument(
            metavar="[PATH]",
            show_default=False,
            help="Where to create it [default: --db or $RUSINO_DB if given, else "
            "events.sqlite in rusino's own folder (typer's get_app_dir)].",
        ),
    ] = None,
    empty: Annotated[
        bool, typer.Option("--empty", help="Schema only, without the bundled records.")
    ] = False,
) -> None:
    """Create your own database, seeded with the bundled records, to add and import into."""
    import shlex

    from rusino import db, store

    # the database the user selected, as every other command takes it, else the default
    if path in ("", "-"):
        raise RusinoError(
            f"PATH is {'empty' if not path else '-'}",
            "give the database's file name, or leave PATH out",
        )
    selected = path or STATE.db or os.environ.get("RUSINO_DB") or None
    if selected is not None and (
        selected.endswith(("/", os.sep)) or os.path.basename(selected) in (".", "..")
    ):
        folder = os.path.join(selected, "")
        raise RusinoError(
            f"{selected} names a folder", f"give the database's file name: {folder}events.sqlite"
        )
    target = db.user_path(selected) if selected else _app_dir() / "events.sqlite"
    counts = store.init_database(target, empty=empty)
    what = "empty" if empty else f"{counts['events']} events, {counts['facts']} facts"
    typer.echo(f"created {target} ({what})", err=True)
    # quoted for the shell, and absolute for RUSINO_DB, which other folders read too
    given, absolute = shlex.quote(str(target)), shlex.quote(str(target.resolve()))
    typer.echo(f"use it with: rusino --db {given} ...   or: export RUSINO_DB={absolute}", err=True)


def _app_dir() -> Path:
    """rusino's own folder (typer's get_app_dir: ~/.config/rusino on Linux); an empty
    XDG_CONFIG_HOME counts as unset, as the XDG spec has it, rather than naming the current
    folder."""
    if os.environ.get("XDG_CONFIG_HOME") == "":
        return Path.home() / ".config" / "rusino"
    return Path(typer.get_app_dir("rusino"))


@db_app.command("upgrade")
def db_upgrade(wait: WaitOpt = 5.0) -> None:
    """Bring your database (--db or RUSINO_DB) up to this rusino's schema, in place.

    Adds what a database made by an older rusino lacks, rebuilds its link tables (WITHOUT
    ROWID) and full-text indexes (no stemming) if an older rusino made them otherwise, and
    rewrites the events' derived columns (lists and digest) that differ from their rows, in one
    transaction. Safe to run again: with nothing to change it writes nothing.
    """
    from rusino import db, store

    path = db.resolve_path(STATE.db)
    try:
        done = store.upgrade_database(path, timeout_ms=int(wait * 1000)).line()
    except store.BundledReadOnly as exc:
        raise _yours(exc) from None
    typer.echo(
        f"upgraded {path}: {done}" if done else f"{path} is up to date: nothing written", err=True
    )


# ---------------------------------------------------------------------------------------------
# add


def _ask(
    value: Any,
    label: str,
    *,
    many: bool = False,
    check: Callable[[Any], object] | None = None,
    optional: bool = False,
) -> Any:
    """A missing field, prompted for on a terminal (left missing otherwise: validation says so).
    An answer that ``check`` refuses (_Retry) is said, and asked for again; an ``optional``
    one may be left empty. On a terminal a value given as an option is checked too, and asked
    for again if refused (--actor Japn had been refused only after every question)."""
    if not sys.stdin.isatty():
        return value
    answer = value
    while True:
        if answer not in (None, []):  # (";" alone is none: asked again)
            try:
                if check is not None:
                    check(answer)
                return answer
            except _Retry as exc:
                typer.echo(f"rusino: {exc}", err=True)
        if optional:
            return _prompt(f"{label} (Enter for none)", optional=True)
        answer = _prompt(label + (" (separate several with ;)" if many else ""))
        if many:
            answer = [a.strip() for a in answer.split(";") if a.strip()]


def _names_first(
    actor: Any, topic: Any, source: Any, new_actor: bool, new_topic: bool
) -> tuple[Any, Any, Any]:
    """On a terminal, the actors, topics and source given as options checked before anything
    is asked: one refused is said at once and asked for in its turn (--actor Japn had been
    refused after the date and summary were typed)."""
    if not sys.stdin.isatty():
        return actor, topic, source
    out = []
    for value, check in (
        (actor, _known("actor", new_actor)),
        (topic, _known("topic", new_topic)),
        (source, _known("source", False)),
    ):
        try:
            if value not in (None, []):
                check(value)
            out.append(value)
        except _Retry as exc:
            typer.echo(f"rusino: {exc}", err=True)
            out.append(None)
    return out[0], out[1], out[2]


def _usable(wait: float, dry_run: bool) -> None:
    """On a terminal, the database is opened before any question is asked: one that cannot be
    written is said before the answers are typed, not after."""
    from rusino import db

    if not sys.stdin.isatty():
        return
    path = db.resolve_path(STATE.db)
    if dry_run:  # any rusino database will do: a dry run of one it may not write uses a copy
        db.connect(path).close()
        return
    with _writing(wait):  # the bundled database refused, with the way to the user's own
        pass
    if not _may_write(path):
        raise RusinoError(
            f"cannot write {path}: you may read it only",
            "pass --dry-run to check a record against it, or use a database of your own",
            ExitCode.ERROR,
        )


class _Retry(Exception):
    """A prompted answer refused: the question is asked again."""


def _known(kind: str, allow_new: bool) -> Callable[[Any], object]:
    """The check of a prompted answer naming actors, topics or a source in the database: each
    known (or, allow_new, new), and none twice."""
    from rusino import db, query, vocabulary

    def check(answer: Any) -> None:
        conn = db.connect(db.resolve_path(STATE.db))  # its trouble ends the command
        named: list[str] = []
        try:
            for name in answer if isinstance(answer, list) else [answer]:
                if kind == "source":
                    named.append(query.check_source(conn, name))
                    continue
                try:
                    named.append(query.resolve(conn, kind, name))
                except RusinoError:
                    if not allow_new:
                        raise
                    other = query.named_as_other(conn, kind, query.alias_key(name))
                    if other:  # --topic China --new-topic: said before the rest is typed
                        raise RusinoError(vocabulary.shared_name(other, kind)) from None
                    named.append(query.clean_name(name))
                keys = [query.alias_key(n) for n in named]
                if keys.count(keys[-1]) > 1:  # a name, or its alias (Japan; tokyo)
                    raise RusinoError(f"{kind} {named[-1]!r} is named twice ({name!r})")
        except RusinoError as exc:
            raise _Retry(str(exc)) from None
        finally:
            conn.close()

    return check


def _in_article(source: str | None, opts: Any) -> Callable[[Any], object]:
    """The check of a prompted quote: in its source's article, when that is at hand."""
    from rusino import build, db, store

    def check(answer: str) -> None:
        if opts.sources_dir is None or not source:
            return
        conn = db.connect(db.resolve_path(STATE.db))
        try:
            row = conn.execute("SELECT file FROM sources WHERE id = ?", (source,)).fetchone()
        finally:
            conn.close()
        text = store.article(opts.sources_dir, row[0]) if row else None
        if text is not None and build.fold(answer) not in text:
            raise _Retry(f"the quote is not in the article of {source!r} ({row[0]})")

    return check


def _prompt(label: str, *, optional: bool = False) -> str:
    """One line from the terminal, asked for on stderr as every message is: stdout is the new
    id alone, for `id=$(rusino add event ...)` (click's prompt writes a space to stdout).
    Asked again when empty, unless ``optional``."""
    while True:
        typer.echo(f"{label}: ", nl=False, err=True)
        line = sys.stdin.readline()
        if not line:  # end of input
            raise typer.Abort()
        if line.strip() or optional:
            return line.strip()


def _record_date(date: str | None) -> tuple[str | None, str | None]:
    """(EDTF, the words the user gave) for --date: EDTF or any form `timeline --from` takes."""
    from rusino import store

    def check(answer: str) -> None:
        try:
            store.date_bounds(store.to_edtf(answer))
        except RusinoError as exc:
            raise _Retry(str(exc)) from None

    date = _ask(date, "Date (EDTF or e.g. 22 April 2012)", check=check)
    if date is None:
        return None, None
    return store.to_edtf(date), date


def _options_hint(message: str, kind: str) -> str:
    """The hint of a record given by options: the options its missing fields are given with
    ('authors' is --author, 'value_max' --value-max), and where they are explained."""
    see = f"see `rusino add {kind} --help`"
    _, said, names = message.partition("missing required field")
    if not said:
        return see
    fields = re.findall(r"'(\w+)'", names)
    singular = {"authors": "author", "actors": "actor", "topics": "topic", "notes": "note"}
    options = [f"--{singular.get(f, f).replace('_', '-')}" for f in fields]
    return f"give {', '.join(options)}; {see}"


def _trimmed(fields: dict[str, Any]) -> dict[str, Any]:
    """Options' texts without the spaces around them, which a shell's quoting leaves ("  a
    summary ", --date "2012-04-22 " had been stored so, and shown in every listing)."""
    return {
        name: value.strip()
        if isinstance(value, str)
        else [v.strip() if isinstance(v, str) else v for v in value]
        if isinstance(value, list)
        else value
        for name, value in fields.items()
    }


def _add(kind: str, fields: dict[str, Any], opts: Any, wait: float) -> None:
    from rusino import build, store

    fields = _trimmed(fields)
    with _writing(wait, opts.dry_run) as conn:
        try:
            rid, summary = store.add_record(conn, kind, fields, opts)
        except store.InvalidRows as exc:
            problem = exc.problems[0] if exc.problems else exc.message
            own = f" (give this {kind} an id of its own)"
            if problem.endswith(own):  # an id the other kind has: here, an option
                raise RusinoError(problem.removesuffix(own), "give this one its own --id") from None
            if f" ({build.ROW_HINT})" not in problem:
                raise RusinoError(problem) from None
            # the hint for a file's fields; here they were options
            problem = problem.replace(f" ({build.ROW_HINT})", "")
            raise RusinoError(problem, _options_hint(problem, kind)) from None
    verb = "would add" if opts.dry_run else "added"
    if summary.unchanged:
        verb = "unchanged:"
    elif summary.replaced:
        verb = "replaced"
    extra = "".join(
        f"; new {what} {', '.join(names)}"
        for what, names in (("actor", summary.new_actors), ("topic", summary.new_topics))
        if names
    )
    # said first: were stdout closed, the record is written all the same
    typer.echo(f"{verb} {kind} {rid}{extra}", err=True)
    if note := summary.note():
        typer.echo(note, err=True)
    _emit(lambda: sys.stdout.write(rid + "\n"))


NewActorsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--actor",
        "-a",
        metavar="NAME",
        autocompletion=complete_actor,
        help="An actor taking part (name or alias, any case). Repeatable.",
    ),
]
NewTopicsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--topic",
        "-t",
        metavar="TOPIC",
        autocompletion=complete_topic,
        help="A topic (name or alias). Repeatable.",
    ),
]
CiteOpt = Annotated[
    str | None,
    typer.Option(
        "--source", "-s", metavar="ID", help="The source it comes from (`rusino sources`)."
    ),
]


def _not_empty_id(value: str | None) -> str | None:
    """--id '' was an id made from the date and summary, silently: refused."""
    if value is not None and not value.strip():
        raise typer.BadParameter("is empty: give an id, or leave --id out for a made one")
    return value


IdOpt = Annotated[
    str | None,
    typer.Option(
        "--id",
        metavar="ID",
        help="[default: made from the date and summary/subject]",
        callback=_not_empty_id,
    ),
]
DateOpt = Annotated[
    str | None,
    typer.Option(
        "--date", "-d", metavar="DATE", help="EDTF (2012-04-22/2012-04-27) or 22 April 2012."
    ),
]
DateTextOpt = Annotated[
    str | None,
    typer.Option("--date-text", metavar="TEXT", help="The date as worded [default: --date]."),
]
QuoteOpt = Annotated[
    str | None, typer.Option("--quote", metavar="TEXT", help="The verbatim quote stating it.")
]
NoteOpt = Annotated[
    list[int] | None,
    typer.Option("--note", metavar="N", help="A note number of the source it cites. Repeatable."),
]
CommentOpt = Annotated[
    str | None, typer.Option("--comment", metavar="TEXT", help="An editorial comment.")
]
InferredOpt = Annotated[
    bool, typer.Option("--inferred", help="The date was resolved from relative wording.")
]
ReplaceOpt = Annotated[bool, typer.Option("--replace", help="Overwrite a record with the same id.")]


@add_app.command("event")
def add_event(
    date: DateOpt = None,
    summary: Annotated[
        str | None, typer.Option("--summary", metavar="TEXT", help="One neutral line.")
    ] = None,
    actor: NewActorsOpt = None,
    topic: NewTopicsOpt = None,
    source: CiteOpt = None,
    quote: QuoteOpt = None,
    note: NoteOpt = None,
    comment: CommentOpt = None,
    date_text: DateTextOpt = None,
    inferred: InferredOpt = False,
    id_: IdOpt = None,
    new_actor: NewActorOpt = False,
    new_topic: NewTopicOpt = False,
    actor_kind: ActorKindOpt = "state",
    replace: ReplaceOpt = False,
    dry_run: DryRunOpt = False,
    wait: WaitOpt = 5.0,
) -> None:
    """Add one event; prints its id. On a terminal, missing fields are asked for."""
    opts = _options(new_actor, new_topic, actor_kind, dry_run, replace)
    _usable(wait, dry_run)
    actor, topic, source = _names_first(actor, topic, source, new_actor, new_topic)
    edtf, words = _record_date(date)
    summary = _ask(summary, "Summary")
    actor = _ask(actor, "Actors", many=True, check=_known("actor", new_actor))
    topic = _ask(topic, "Topics", many=True, check=_known("topic", new_topic))
    cited = _ask(source, "Source id", check=_known("source", False))
    fields = {
        "id": id_,
        "date": edtf,
        "date_text": date_text or words,
        "inferred": inferred,
        "summary": summary,
        "actors": actor,
        "topics": topic,
        "source": cited,
        "notes": note or [],
        "quote": _ask(quote, "Quote", check=_in_article(cited, opts)),
        "comment": comment or "",
    }
    _add("event", fields, opts, wait)


def _number(text: str) -> int | float:
    """A figure as typed: ASCII digits, a point, an exponent (float() also reads 1_000, ١٢), a
    whole number exactly."""
    from rusino import figures

    try:
        return figures.parse_number(text)
    except ValueError as exc:
        raise typer.BadParameter(f"{exc} (write it as 1300, 13.5 or 13.5e9)") from None


@add_app.command("fact")
def add_fact(
    subject: Annotated[
        str | None, typer.Option("--subject", metavar="TEXT", help="What is measured.")
    ] = None,
    value: Annotated[
        float | None, typer.Option("--value", metavar="NUMBER", parser=_number)
    ] = None,
    value_max: Annotated[
        float | None,
        typer.Option("--value-max", metavar="NUMBER", parser=_number, help="Upper end of a range."),
    ] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", metavar="UNIT", help="USD, percent, km, t...")
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", metavar="KIND", help="actual, target, contract, estimate..."),
    ] = None,
    qualifier: Annotated[
        str, typer.Option("--qualifier", metavar="Q", help="exact, about, more-than...")
    ] = "exact",
    as_written: Annotated[
        str | None,
        typer.Option("--as-written", metavar="TEXT", help="[default: VALUE UNIT]"),
    ] = None,
    date: DateOpt = None,
    actor: NewActorsOpt = None,
    topic: NewTopicsOpt = None,
    source: CiteOpt = None,
    quote: QuoteOpt = None,
    event: Annotated[
        str | None, typer.Option("--event", metavar="ID", help="The event it belongs to.")
    ] = None,
    note: NoteOpt = None,
    comment: CommentOpt = None,
    date_text: DateTextOpt = None,
    inferred: InferredOpt = False,
    id_: IdOpt = None,
    new_actor: NewActorOpt = False,
    new_topic: NewTopicOpt = False,
    actor_kind: ActorKindOpt = "state",
    replace: ReplaceOpt = False,
    dry_run: DryRunOpt = False,
    wait: WaitOpt = 5.0,
) -> None:
    """Add one figure; prints its id. On a terminal, missing fields are asked for."""
    opts = _options(new_actor, new_topic, actor_kind, dry_run, replace)
    _usable(wait, dry_run)
    actor, topic, source = _names_first(actor, topic, source, new_actor, new_topic)
    subject = _ask(subject, "Subject")
    while value is None and sys.stdin.isatty():
        try:
            value = _number(_prompt("Value (a number)"))
        except typer.BadParameter as exc:
            typer.echo(f"rusino: {exc.message}", err=True)
    unit = _ask(unit, "Unit")
    edtf, words = _record_date(date)

    kind = _ask(kind, "Kind (actual, target, contract...)")
    actor = _ask(actor, "Actors", many=True, check=_known("actor", new_actor))
    topic = _ask(topic, "Topics", many=True, check=_known("topic", new_topic))
    cited = _ask(source, "Source id", check=_known("source", False))

    def number(x: float | None) -> int | float | None:
        # a whole number as an int, as JSON would have it, where SQLite's INTEGER holds it
        return int(x) if isinstance(x, float) and x.is_integer() and abs(x) < 2**63 else x

    fields = {
        "id": id_,
        "subject": subject,
        "value": number(value),
        "value_max": number(value_max),
        "unit": unit,
        "qualifier": qualifier,
        "as_written": as_written,  # or made of the figure and its unit, as import makes it
        "date": edtf,
        "date_text": date_text or words,
        "inferred": inferred,
        "kind": kind,
        "actors": actor,
        "topics": topic,
        "source": cited,
        "notes": note or [],
        "quote": _ask(quote, "Quote", check=_in_article(cited, opts)),
        "event": event or "",
        "comment": comment or "",
    }
    _add("fact", fields, opts, wait)


@add_app.command("source")
def add_source(
    author: Annotated[
        list[str] | None,
        typer.Option("--author", metavar="NAME", help="An author, in order. Repeatable."),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", metavar="TEXT")] = None,
    publication: Annotated[
        str | None, typer.Option("--publication", metavar="TEXT", help="Journal or newspaper.")
    ] = None,
    date: DateOpt = None,
    url: Annotated[str, typer.Option("--url", metavar="URL")] = "",
    kind: Annotated[
        str, typer.Option("--kind", metavar="KIND", help="journal article, op-ed, report...")
    ] = "journal article",
    volume: Annotated[str, typer.Option("--volume", metavar="TEXT")] = "",
    issue: Annotated[str, typer.Option("--issue", metavar="TEXT")] = "",
    pages: Annotated[str, typer.Option("--pages", metavar="TEXT", help="e.g. 136-148")] = "",
    publisher: Annotated[str, typer.Option("--publisher", metavar="TEXT")] = "",
    id_: Annotated[
        str | None,
        typer.Option(
            "--id",
            metavar="ID",
            help="[default: first author's family name-year]",
            callback=_not_empty_id,
        ),
    ] = None,
    wait: WaitOpt = 5.0,
) -> None:
    """Add a source (an article) that events and facts can cite; prints its id."""
    from rusino import build, store

    _usable(wait, False)
    authors = _ask(author, "Authors", many=True)  # asked in a citation's order, the date third
    title = _ask(title, "Title")
    edtf, _ = _record_date(date)
    fields = {
        "id": id_,
        "authors": authors,
        "title": title,
        "publication": _ask(publication, "Publication", optional=True) or "",
        "date": edtf,
        "kind": kind,
        "volume": volume,
        "issue": issue,
        "pages": pages,
        "publisher": publisher,
        "url": url,
    }
    with _writing(wait) as conn:
        try:
            rid, added = store.add_source(conn, _trimmed(fields))
        except RusinoError as exc:
            if exc.hint != build.ROW_HINT:
                raise
            raise RusinoError(exc.message, _options_hint(exc.message, "source")) from None
    typer.echo(f"added source {rid}" if added else f"unchanged: source {rid}", err=True)
    _emit(lambda: sys.stdout.write(rid + "\n"))


# ---------------------------------------------------------------------------------------------
# delete


@app.command("delete")
def delete(
    ids: Annotated[
        list[str],
        typer.Argument(
            metavar="ID...",
            help="Event or fact ids; - reads them from a listing piped in "
            "(`rusino timeline -s my-source | rusino delete -`).",
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be deleted; delete nothing.")
    ] = False,
    wait: WaitOpt = 5.0,
) -> None:
    """Delete events and facts of your own database by id, with their actors, topics and notes;
    prints the ids deleted. An event goes with its figures (give their ids too). All or nothing,
    in one transaction; the bundled database is never written."""
    from rusino import store

    ids = ids_given(ids, "delete", "nothing deleted")
    if not ids:
        return
    with _writing(wait, dry_run) as conn:
        found = store.delete_or_dry_run(conn, ids, dry_run=dry_run)
    counts = [
        f"{n} {kind}{'s' * (n != 1)}"
        for kind in ("event", "fact")
        if (n := sum(1 for k, _ in found if k == kind))
    ]
    typer.echo(f"{'would delete' if dry_run else 'deleted'} {' and '.join(counts)}", err=True)
    _emit(lambda: sys.stdout.writelines(f"{rid}\n" for _, rid in found))


# ---------------------------------------------------------------------------------------------
# import


@app.command("import")
def import_(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE", help=".jsonl, .json or .csv; - reads stdin (with --format)."
        ),
    ],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            show_default=False,
            help="jsonl, json or csv [default: from FILE's extension].",
        ),
    ] = None,
    dry_run: DryRunOpt = False,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Overwrite records whose id exists with other content."),
    ] = False,
    new_actor: NewActorOpt = False,
    new_topic: NewTopicOpt = False,
    actor_kind: ActorKindOpt = "state",
    wait: WaitOpt = 5.0,
) -> None:
    """Import events and facts (the fields of the JSON schema, as `export` writes them).

    Every row is validated first: if any is invalid, nothing is written and each bad row is
    reported with its line. Importing the same file twice changes nothing.
    """
    from rusino import export, store

    opts = _options(new_actor, new_topic, actor_kind, dry_run, replace)
    kind = (fmt or (Path(file).suffix.lstrip(".") if file != "-" else "")).lower()
    kind = {"ndjson": "jsonl"}.get(kind, kind)  # (newline-delimited JSON, as jq users name it)
    readers = {"jsonl": export.read_jsonl, "json": export.read_json, "csv": export.read_csv}
    if file != "-" and Path(file).is_dir():  # said before the format, which it has none of
        raise RusinoError(f"{file} is a directory", "pass a .jsonl, .json or .csv file")
    if file != "-" and not Path(file).exists():
        raise RusinoError(f"no such file: {file}", "check the path")
    opts.source_rows = kind != "csv"
    if kind not in readers:
        hint = "pass --format jsonl, json or csv"
        if fmt:
            raise RusinoError(f"unknown format {fmt!r}", hint)
        if file == "-":
            raise RusinoError("reading stdin needs --format", hint)
        raise RusinoError(f"cannot tell the format of {file!r}", hint)
    if file == "-":
        handle = sys.stdin.buffer
        name, size = "stdin", 0
    else:
        path = Path(file)
        try:
            handle = path.open("rb")
            size = path.stat().st_size
        except OSError as exc:
            raise RusinoError(f"cannot read {file}: {exc.strerror}") from None
        # a process substitution, <(cat f.jsonl), is /dev/fd/63: "63" would name nothing
        name = path.name if not path.name.isdigit() else str(path)
    _not_utf16(handle, name, file)
    rows = readers[kind](handle, name)
    try:
        with _writing(wait, dry_run) as conn, _progress(handle, size) as tracked:
            summary = store.import_or_dry_run(conn, tracked(rows), opts)
    except store.InvalidRows as exc:
        if any(": not UTF-8" in problem for problem in exc.problems):  # (said how to fix)
            from rusino.errors import convert

            exc.hint = f"if it is Latin-1, {convert('latin1', file)}"
        if len(exc.problems) == 1 and exc.count == 1:  # one bad row: one line, as any bad input
            raise RusinoError(f"{exc.problems[0]}: nothing written", exc.hint) from None
        for problem in exc.problems:
            typer.echo(f"rusino: {problem}", err=True)
        raise
    finally:
        if file != "-":
            handle.close()
    label = "dry run, nothing written" if dry_run else name
    typer.echo(f"{label}: {summary.line()}", err=True)
    if note := summary.note():
        typer.echo(note, err=True)


def _not_utf16(handle: Any, name: str, file: str) -> None:
    """A file in UTF-16 or UTF-32 (as Windows tools may save one), said in one line: it had been
    "not UTF-8" for its first line and "not valid JSON" for every other."""
    from rusino.errors import not_utf8, wide_encoding

    encoding = wide_encoding(handle.peek(8)[:8] if hasattr(handle, "peek") else b"")
    if encoding is None:
        return
    if file != "-":
        handle.close()
    raise not_utf8(name, encoding, file if file != "-" else "", ": nothing written")


class _progress:
    """A rich progress bar over the bytes read, on a terminal and for files over 1 MB only."""

    def __init__(self, handle: Any, size: int) -> None:
        self.handle = handle
        self.size = size
        self.bar: Any = None

    def __enter__(self) -> Any:
        if self.size > 1_000_000 and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
                TransferSpeedColumn,
            )

            self.bar = Progress(
                TextColumn("importing"),
                BarColumn(),
                TransferSpeedColumn(),
                TimeRemainingColumn(),
                transient=True,
                console=Console(stderr=True),  # rich's default is stdout, which is for data
            )
            self.bar.__enter__()
            self.task = self.bar.add_task("import", total=self.size)
        return self.track

    def track(self, rows: Any) -> Any:
        if self.bar is None:
            yield from rows
            return
        for i, row in enumerate(rows):
            if i % 2000 == 0:
                self.bar.update(self.task, completed=self.handle.tell())
            yield row

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


# ---------------------------------------------------------------------------------------------
# export


@app.command("export")
def export_(
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="jsonl, json, csv (spreadsheet-safe, round-trips) or timelinejs.",
        ),
    ] = "jsonl",
    what: Annotated[
        str,
        typer.Option(
            "--what", metavar="WHAT", help="all (with sources, actors and topics), events or facts."
        ),
    ] = "all",
    actor: ActorOpt = None,
    any_: AnyOpt = False,
    topic: TopicOpt = None,
    from_: FromOpt = None,
    to: ToOpt = None,
    within: WithinOpt = False,
    source: SourceOpt = None,
    search: SearchOpt = None,
    window: WindowOpt = False,
) -> None:
    """The whole database (in jsonl and json its sources, actors and topics first, then events,
    then facts), or the events a timeline filter selects, in a form `rusino import` reads back
    unchanged (jsonl, json, csv), or as TimelineJS JSON."""
    import io

    from rusino import db, export

    try:
        fmt_ = export.ExportFormat(fmt.lower())
    except ValueError:
        import difflib

        names = [f.value for f in export.ExportFormat]
        close = difflib.get_close_matches(fmt.lower(), names, n=1, cutoff=0.6)  # timelinjs
        hint = f"did you mean {close[0]}? " if close else ""
        raise RusinoError(
            f"unknown export format {fmt!r}", f"{hint}use one of {', '.join(names)}"
        ) from None
    try:
        what_ = export.What(what.lower())
    except ValueError:
        meant = next((w.value for w in export.What if w.value.startswith(what.lower())), "")
        hint = f"did you mean {meant}? " if meant and what else ""
        raise RusinoError(f"unknown --what {what!r}", f"{hint}use all, events or facts") from None
    filtered = actor or topic or from_ or to or source or search or window
    flt = timeline_filter(actor, topic, any_, from_, to, within, source, search, window)
    # no filter: the whole database, facts too
    conn = db.connect(db.resolve_path(STATE.db))
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n", write_through=False)
    try:

        def write() -> None:
            export.write(conn, fmt_, out, what_, flt if filtered else None)
            out.flush()

        _emit(write)
        # a filtered export is a timeline: events (TimelineJS has no figures to say of)
        if filtered and what_ is export.What.all and fmt_ is not export.ExportFormat.timelinejs:
            from rusino import query

            n = sum(1 for _ in query.facts(conn, query.fact_filter(flt)))
            if n:  # (the figures had been left out without a word)
                figures = "1 figure matches" if n == 1 else f"{n} figures match"
                typer.echo(
                    f"note: {figures} these filters too: --what facts exports them", err=True
                )
    finally:
        out.detach()
        conn.close()
