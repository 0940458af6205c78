"""Filters -> parameterised SQL -> rows, as plain dicts in rusino's JSON schema.

Nothing here knows about the command line or the terminal; every problem with the user's input is
raised as a :class:`~rusino.errors.RusinoError`. User text only ever reaches SQLite as a bound
parameter. Listing functions are generators, so renderers can stream.

JSON schema
===========

This is the stable schema of ``--format json`` (an array of objects) and ``--format jsonl`` (one
object a line). TSV, CSV and Markdown have the same fields as columns, in the same order, with lists
joined by ``;``, booleans as ``true``/``false`` and null as an empty cell. Dates: ``date`` is EDTF;
``start`` and ``end`` are its strict lower and upper bounds as ISO ``yyyy-mm-dd``.

Event (``timeline``; ``show`` adds the fields marked *show*)::

    id          string    stable slug, e.g. "2012-04-russia-china-naval-exercise-yellow-sea"
    date        string    EDTF, e.g. "2012-04-22/2012-04-27", "2012-22", "2016-03~"
    start       string    ISO lower bound, e.g. "2012-04-22"
    end         string    ISO upper bound, e.g. "2012-04-27"
    date_text   string    the date as the article words it
    precision   string    day | month | season | year | decade
    inferred    boolean   the date was resolved from relative wording ("last August")
    in_window   boolean   the date range overlaps 2009-01-01 .. 2016-12-31
    summary     string    one neutral line naming what happened
    actors      [string]  canonical actor names
    topics      [string]  topic names
    source      string    source id, e.g. "kim-blank-2013"
    notes       [integer] the article's note numbers cited for it
    quote       string    the verbatim span of the article that states it
    comment     string    editorial comment ("" if none)

Fact (``facts``)::

    id          string
    subject     string    what is measured, e.g. "Russia-China trade volume"
    value       number    normalised value (scale words applied: USD80 billion -> 80000000000)
    value_max   number    upper end of a range, or null
    unit        string    USD | percent | count | km | t | m3 | ft3 | ...
    qualifier   string    exact | about | almost | more-than | less-than | up-to
    as_written  string    the figure as the article writes it
    date        string    EDTF of the period the figure refers to
    start, end  string    ISO bounds of that period
    date_text   string
    precision   string
    inferred    boolean
    in_window   boolean
    kind        string    actual | target | baseline | contract | loan | stake | estimate | ...
    actors      [string]
    topics      [string]
    source      string
    notes       [integer]
    quote       string
    event       string    id of the event the figure belongs to, or null
    comment     string

``show ID`` (json) is one object: the event or fact above plus ``type`` ("event" | "fact"),
``date_words`` (the date in words), ``source_detail`` (a source object, below), ``note_texts``
([{"number", "text"}]), ``related`` (for an event: its facts; for a fact: its event, as a list) and
``citation`` / ``bibtex`` (strings). ``import`` ignores these added fields, so what ``show`` prints
can be edited and imported back with ``--replace``.

Search hit (``search``)::

    type        string    "event" | "fact"
    id          string
    rank        integer   1 = best (FTS5 bm25 over both tables)
    date, start, end      as above
    text        string    the event's summary, or the fact's "subject: as_written"
    source      string

Vocabularies: ``actors`` -> name, kind, country, aliases [string], events, facts (counts);
``topics`` -> name, description, aliases, events, facts; ``sources`` -> id, authors [string], title,
publication, date, kind, volume, url, notes, events, facts (counts), citation.

Full-text search
================

``--search`` / ``search`` / the ``facts`` QUERY are full-text (SQLite FTS5). Plain words are
matched as word prefixes, all of them (``gas pipeline`` finds "gas pipelines"), in British or
American spelling (``defense`` finds "defence", ``organisation`` "organization"); punctuation
inside a word makes it a phrase (``naval-exercise``). Text containing a double quote, ``*``,
``(``, ``)``, ``:``, ``^`` or an upper-case operator (AND, OR, NOT, NEAR) is passed to FTS5 as an
expression (``"oil pipeline" OR gas``); an unbalanced quote or bad syntax is reported as a usage
error. A number is a whole word (200 is not the start of 2008).
"""

from __future__ import annotations

import difflib
import math
import re
import sqlite3
import unicodedata
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from rusino.errors import ExitCode, RusinoError, cut

if TYPE_CHECKING:
    from rusino import figures

Row = dict[str, Any]

WINDOW = ("2009-01-01", "2016-12-31")

_SEP = "\x1f"  # joins list cells inside SQL; never found in the curated text
_PRECISION_ORDER = (
    "CASE {t}.precision WHEN 'day' THEN 0 WHEN 'month' THEN 1 WHEN 'season' THEN 2 "
    "WHEN 'year' THEN 3 WHEN 'decade' THEN 4 ELSE 5 END"
)


class TimelineFilter(NamedTuple):
    actors: Sequence[str] = ()
    topics: Sequence[str] = ()
    any: bool = False  # any of the actors (and any of the topics) rather than all
    start: str | None = None  # ISO lower bound of the asked range
    end: str | None = None  # ISO upper bound
    within: bool = False  # lie entirely inside [start, end] rather than overlap it
    source: str | None = None
    search: str | None = None
    window: bool = False
    limit: int | None = None
    reverse: bool = False


class FactFilter(NamedTuple):
    query: str | None = None
    units: Sequence[str] = ()
    kinds: Sequence[str] = ()
    year: int | None = None
    start: str | None = None  # ISO bounds of the asked range, as TimelineFilter's
    end: str | None = None
    within: bool = False
    window: bool = False
    actors: Sequence[str] = ()
    any: bool = False
    topics: Sequence[str] = ()
    source: str | None = None
    limit: int | None = None
    reverse: bool = False


def fact_filter(flt: TimelineFilter) -> FactFilter:
    """timeline's filters, for the figures (its search as facts' QUERY): what `export --what
    facts` and `diff --facts` select with them."""
    return FactFilter(
        query=flt.search,
        actors=flt.actors,
        topics=flt.topics,
        any=flt.any,
        source=flt.source,
        start=flt.start,
        end=flt.end,
        within=flt.within,
        window=flt.window,
    )


# ---------------------------------------------------------------------------------------------
# names, aliases and suggestions


def clean_name(name: str) -> str:
    """A name as it is stored: spaces collapsed, and composed (NFC), so that an é typed as an e
    and a combining accent is the é of the same name, not another that looks the same."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def alias_key(name: str) -> str:
    """A name as the alias tables hold it: clean_name's, lower-case, with a typographic
    apostrophe (U+2019, as the articles write it) as ': People's Republic of China either way."""
    return clean_name(name).lower().replace("\u2019", "'")


def suggest(word: str, choices: Sequence[str], n: int = 3) -> list[str]:
    """Close matches for ``word`` among ``choices``, case-insensitively, best first."""
    by_lower: dict[str, str] = {}
    for c in choices:
        by_lower.setdefault(c.lower(), c)
    w = alias_key(word)
    scored = sorted(
        ((difflib.SequenceMatcher(None, w, c).ratio(), c) for c in by_lower),
        key=lambda t: -t[0],
    )
    # as difflib.get_close_matches, but only those nearly as close as the best: "rusia" is
    # Russia, not also USA
    best = scored[0][0] if scored else 0.0
    # (0.67, not difflib's 0.6: "nope" was Europe, "Obama" Burma, "Soviet Union" Viet Nam)
    close = [c for r, c in scored if r >= max(0.67, best - 0.1)]

    # choices that are whole words of it first, those of most words first, then in its order:
    # "energy-security" is energy, then security (closer as a string); "missile defence
    # system" is missile defence before defence
    def spaced(text: str) -> str:
        return " " + " ".join(re.findall(r"\w+", text)) + " "

    found = {c: spaced(w).find(spaced(c)) for c in by_lower}
    whole = sorted(
        (c for c, at in found.items() if at >= 0), key=lambda c: (-spaced(c).count(" "), found[c])
    )
    close = list(dict.fromkeys([*whole, *close]))[:n]
    if not close and w:  # a word's start: "eu" is Europe, not petroleum
        start = re.compile(rf"(?:^|\W){re.escape(w)}")
        close = [c for c in by_lower if start.search(c) or (len(c) > 1 and c in w)][:n]
    if not close:
        close = _closest_by_words(w, list(by_lower), n)
    return [by_lower[c] for c in close]


def _closest_by_words(word: str, choices: Sequence[str], n: int) -> list[str]:
    """Choices sharing the most (fuzzily) equal words with ``word``, shortest first.

    Catches what whole-string matching misses: "navel" -> "naval exercise", "2012-naval" ->
    "2012-04-russia-china-naval-exercise-yellow-sea".
    """
    words = set(re.findall(r"[a-z0-9]+", word))

    def score(choice: str) -> int:
        parts = re.findall(r"[a-z0-9]+", choice)
        return sum(1 for w in words if difflib.get_close_matches(w, parts, n=1, cutoff=0.75))

    scored = sorted(((score(c), c) for c in choices), key=lambda t: (-t[0], len(t[1]), t[1]))
    best = scored[0][0] if scored else 0
    return [c for s, c in scored if best and s == best][:n]


def _did_you_mean(options: Sequence[str]) -> str:
    if not options:
        return ""
    if len(options) == 1:
        return f"did you mean {options[0]}?"
    return "did you mean " + ", ".join(options[:-1]) + f" or {options[-1]}?"


class UnknownName(RusinoError):
    """A name (of an actor, topic or source) the database does not know: a diff of two
    databases asks the other side before it refuses one."""

    def __init__(self, kind: str, name: str, hint: str) -> None:
        super().__init__(f"unknown {kind} {name!r}", hint, ExitCode.USAGE)
        self.kind, self.name = kind, name


def resolve(conn: sqlite3.Connection, kind: str, name: str) -> str:
    table, col, listing = {
        "actor": ("actor_aliases", "actor", "rusino actors"),
        "topic": ("topic_aliases", "topic", "rusino topics"),
    }[kind]
    key = alias_key(name)
    for alias in (key, key.removeprefix("the ")):  # "the US" is US
        row = conn.execute(f"SELECT {col} FROM {table} WHERE alias = ?", (alias,)).fetchone()
        if row is not None:
            return str(row[0])
    otherwise = _named_otherwise(conn, key, kind)  # --topic Japan, --actor kim-blank-2013
    if otherwise:
        raise UnknownName(kind, name, otherwise)
    several = _several(conn, kind, name)
    if several:  # --actor russia,japan: each on its own (it had been "Russia or Japan?")
        named = " and ".join(shlex_quote(n) for n in several)
        raise UnknownName(
            kind, name, f"that is {len(several)} {kind}s, {named}: give each on its own"
        )
    other = "topic" if kind == "actor" else "actor"
    names, closeness = _close_names(conn, kind, name)
    others, other_closeness = _close_names(conn, other, name)
    started = source_named(conn, key)  # --actor singh, blank: its source, not China, Thailand
    if started and not any(alias_key(n).startswith(key) for n in names):
        hint = f"did you mean the source {started}? give it with --source;"
    elif others and other_closeness > closeness and (not names or other_closeness >= 0.8):
        # --actor enrgy: the topic energy; but --actor Koreas: North and South Korea, found by
        # their word, not a topic's alias a little closer as a string
        hint = f"did you mean the {other} {others[0]}? {_give(other, others[0])};"
    else:
        hint = _did_you_mean(names[:3])
    hint = f"{hint} `{listing}` lists them" if hint else f"`{listing}` lists the names"
    raise UnknownName(kind, name, hint)


def _several(conn: sqlite3.Connection, kind: str, name: str) -> list[str]:
    """The names a text joins with commas, "and" or "&" (russia,japan), when each is one."""
    parts = [p for p in re.split(r"\s*(?:[,;&]|\band\b)\s*", name) if p]
    found = [_named(conn, kind, alias_key(part)) for part in parts]
    return [str(n) for n in found] if len(found) > 1 and None not in found else []


def shlex_quote(text: str) -> str:
    """text as a shell word (Vladimir Putin quoted)."""
    import shlex

    return shlex.quote(text)


def source_named(conn: sqlite3.Connection, key: str) -> str | None:
    """The source whose id starts with key or has it as a part, or one of whose authors has it
    as a name (``blank``: kim-blank-2013, ``younkyoo``: its first author), if key is a word."""
    import json

    asked = key.replace(",", " ").split()  # singh, or an author's name whole: Anita Inder Singh
    if len(key) < 3 or not all(w.isalpha() for w in asked):
        return None
    for id_, authors in conn.execute("SELECT id, authors FROM sources ORDER BY length(id), id"):
        names = [
            set(alias_key(a).replace(".", " ").replace(",", " ").split())
            for a in json.loads(authors)
        ]
        if id_.lower().startswith(key) or key in id_.lower().split("-"):
            return str(id_)
        if any(set(asked) <= words for words in names):
            return str(id_)
    return None


def _shown_otherwise(conn: sqlite3.Connection, name: str) -> str:
    """For `show` given an actor's, topic's or source's name, not an id: how to list its
    records (it had suggested the closest event id, 2012-zevelev-... for singh-2016)."""
    key = alias_key(name)
    for kind in _NAMED:
        named = _named(conn, kind, key)
        if named is not None:
            lists = f"`rusino timeline --{kind} {shlex_quote(named)}` lists its events"
            if kind == "source":
                lists = f"`rusino sources` shows it, {lists}"
            return f"{named} is {_A[kind]}: {lists}"
    source = source_named(conn, key)  # show Singh: the author of singh-2016
    if source:
        lists = f"`rusino timeline --source {source}` lists its events"
        return f"did you mean the source {source}? {lists}"
    return ""


def _close_names(conn: sqlite3.Connection, kind: str, name: str) -> tuple[list[str], float]:
    """The actors (topics) whose names or aliases are close to name, closest first, and how
    close the closest is (0 to 1)."""
    pairs = conn.execute(f"SELECT alias, {kind} FROM {kind}_aliases").fetchall()
    canon: dict[str, str] = {str(a): str(c) for a, c in pairs}
    close = suggest(name, list(canon), n=6)
    names: list[str] = []
    for alias in close:
        if canon[alias] not in names:
            names.append(canon[alias])
    best = difflib.SequenceMatcher(None, alias_key(name), close[0]).ratio() if close else 0.0
    return names, best


def resolve_actor(conn: sqlite3.Connection, name: str) -> str:
    """The canonical actor for a name or alias, case-insensitively (``tokyo`` -> ``Japan``)."""
    return resolve(conn, "actor", name)


def resolve_topic(conn: sqlite3.Connection, name: str) -> str:
    return resolve(conn, "topic", name)


def check_source(conn: sqlite3.Connection, source: str) -> str:
    ids = [str(r[0]) for r in conn.execute("SELECT id FROM sources ORDER BY id")]
    if source in ids:
        return source
    for i in ids:
        if i.lower() == source.lower():
            return i
    known = "known sources: " + ", ".join(ids) if ids else "no sources yet"
    hint = _named_otherwise(conn, alias_key(source), "source")  # --source Japan
    hint = hint or _did_you_mean(suggest(source, ids)) or known
    raise UnknownName("source", source, hint)


_NAMED = {  # what names an actor, a topic or a source exactly, by its key
    "actor": "SELECT actor FROM actor_aliases WHERE alias = ?",
    "topic": "SELECT topic FROM topic_aliases WHERE alias = ?",
    "source": "SELECT id FROM sources WHERE lower(id) = ?",
}
_A = {"actor": "an actor", "topic": "a topic", "source": "a source"}


def _named(conn: sqlite3.Connection, kind: str, key: str) -> str | None:
    """The actor, topic or source that key (an alias_key) names exactly, or None."""
    found = conn.execute(_NAMED[kind], (key,)).fetchone()
    return None if found is None else str(found[0])


def named_as_other(conn: sqlite3.Connection, kind: str, key: str) -> tuple[str, str] | None:
    """(name, other kind) when key is the name (not an alias) of a topic where an actor is
    meant, or of an actor where a topic is; else None."""
    other = "topic" if kind == "actor" else "actor"
    name = _named(conn, other, key)
    return (name, other) if name is not None and alias_key(name) == key else None


def _give(kind: str, name: str) -> str:
    """How to give a name as its kind: --actor Japan, or actor:Japan in a diff (quoted for a
    shell when it has a space)."""
    return f"give it with --{kind}, or as {shlex_quote(f'{kind}:{name}')} in a diff"


def _named_otherwise(conn: sqlite3.Connection, key: str, kind: str) -> str:
    """The hint for a name given as one kind that names another (--topic Japan: an actor),
    or ''."""
    for other in _NAMED:
        name = _named(conn, other, key) if other != kind else None
        if name is not None:
            # (an actor for a topic and back: "not a topic"; the sources' ids are no names)
            unlike = f", not {_A[kind]}" if "source" not in (kind, other) else ""
            return f"{name} is {_A[other]}{unlike}: {_give(other, name)}"
    return ""


# The units' names as a reader may write them, for the hint: "dollars" means USD, not "t"
UNIT_WORDS = {
    **dict.fromkeys(("$", "dollar", "dollars", "us dollars", "us$", "us dollar"), "USD"),
    **dict.fromkeys(("kilometre", "kilometres", "kilometer", "kilometers"), "km"),
    **dict.fromkeys(("%", "per cent", "pct", "percentage"), "percent"),
    **dict.fromkeys(("tonne", "tonnes", "ton", "tons", "metric tons"), "t"),
    **dict.fromkeys(("m³", "cubic metres", "cubic meters", "bcm", "cubic metre"), "m3"),
    **dict.fromkeys(("ft³", "cubic feet", "cubic foot", "tcf"), "ft3"),
    **dict.fromkeys(("number", "numbers", "items"), "count"),
    # currencies no figure may be in: a search in them finds none, not the dollars
    **dict.fromkeys(("€", "eur", "euro", "euros"), "EUR"),
    **dict.fromkeys(("£", "gbp", "pound", "pounds"), "GBP"),
    **dict.fromkeys(("¥", "jpy", "yen"), "JPY"),
    **dict.fromkeys(("cny", "rmb", "yuan", "renminbi"), "CNY"),
    **dict.fromkeys(("₽", "rub", "rouble", "roubles", "ruble", "rubles"), "RUB"),
}


def _check_vocab(
    conn: sqlite3.Connection, what: str, column: str, values: Sequence[str]
) -> list[str]:
    known = [str(r[0]) for r in conn.execute(f"SELECT DISTINCT {column} FROM facts ORDER BY 1")]
    out: list[str] = []
    for v in values:
        matches = _spellings(known, v, UNIT_WORDS if what == "unit" else {})
        if not matches:
            options = suggest(v, known)
            hint = _did_you_mean(options) or "known: " + ", ".join(known)
            raise RusinoError(f"unknown {what} {v!r}", hint, ExitCode.USAGE)
        out.extend(matches)
    return out


def _spellings(known: Sequence[str], word: str, words: dict[str, str]) -> list[str]:
    """Every spelling among ``known`` of a unit (kind) as written: "usd" beside "USD" is found
    by either; else of the one its ``words`` name, as the tables write it (% is percent, m³ is
    m3, dollars USD)."""
    key = " ".join(word.casefold().split())
    found = [k for k in known if k.casefold() == key]
    meant = words.get(key)
    if not found and meant:
        found = [k for k in known if k.casefold() == meant.casefold()]
    return found


def names(conn: sqlite3.Connection, kind: str, prefix: str = "") -> list[str]:
    """Canonical names and aliases starting with ``prefix`` (for shell completion)."""
    table, col = {"actor": ("actor_aliases", "actor"), "topic": ("topic_aliases", "topic")}[kind]
    p = alias_key(prefix)
    canon = [str(r[0]) for r in conn.execute(f"SELECT DISTINCT {col} FROM {table} ORDER BY 1")]
    out = [c for c in canon if c.lower().startswith(p)]
    if not out:  # fall back to aliases, completing to the canonical name
        rows = conn.execute(
            f"SELECT DISTINCT {col} FROM {table} WHERE substr(alias, 1, ?) = ? ORDER BY 1",
            (len(p), p),
        )
        out = [str(r[0]) for r in rows]
    return out


# ---------------------------------------------------------------------------------------------
# full text

_FTS_SYNTAX = re.compile(r'["*():^]|\b(?:AND|OR|NOT|NEAR)\b')
_WORD = re.compile(r"\w+(?:[^\w\s]+\w+)*")
_MINUS = re.compile(r"(?:^|\s)-(\w+)")  # "-oil", "-2012": a web search's "leave it out"


# British and American spellings of a word's stem: a plain search word matches either, as topic
# aliases do ("defense" finds the op-ed's "missile defence", "defences" the "defenses").
_SPELLINGS = (
    ("defenc", "defens"),
    ("offenc", "offens"),
    ("licenc", "licens"),
    ("centre", "center"),
    ("labour", "labor"),
    ("neighbour", "neighbor"),
    ("harbour", "harbor"),
    ("favour", "favor"),
    ("honour", "honor"),
    ("kilometre", "kilometer"),
    ("metre", "meter"),
    ("litre", "liter"),
    ("fibre", "fiber"),
    ("theatre", "theater"),
)
# one way only: the other is two words, which the full-text index reads as a phrase
_RESPELL = (
    dict(_SPELLINGS)
    | {us: uk for uk, us in _SPELLINGS}
    | {"percent": "per cent", "cooperat": "co operat", "coordinat": "co ordinat"}
)
_ISE = re.compile(r"(?<=\w{4})i([sz])(e|ed|es|ing|ation|ations)$")  # organise, -isation
# ...but not the -ise words that have no -ize spelling
_NOT_ISE = frozenset(
    [
        "adv",
        "advert",
        "chast",
        "circumc",
        "comprom",
        "conc",
        "desp",
        "dev",
        "disgu",
        "enterpr",
        "exc",
        "exerc",
        "expert",
        "franch",
        "improv",
        "merchand",
        "other",
        "parad",
        "prec",
        "prem",
        "prom",
        "repr",
        "rev",
        "superv",
        "surpr",
        "telev",
        "treat",
    ]
)


def _respell_word(word: str) -> str:
    lower = word.lower()
    for stem, other in _RESPELL.items():
        if lower.startswith(stem):
            return other + lower[len(stem) :]
    m = _ISE.search(lower)
    if m and lower[: m.start()] not in _NOT_ISE:
        return f"{lower[: m.start()]}i{'z' if m.group(1) == 's' else 's'}{m.group(2)}"
    return word


def other_spelling(text: str) -> str | None:
    """``text`` with each word in its other spelling (British <-> American), or None if none
    has one: "missile-defences" -> "missile-defenses", "organisation" -> "organization"."""
    other = re.sub(r"\w+", lambda m: _respell_word(m.group()), text)
    return other if other.lower() != text.lower() else None


def highlight_words(text: str) -> list[str]:
    """The words of a search text worth highlighting (operators and syntax left out), with
    their other spellings."""
    # a word as the search reads it: S-400 and 13.5 whole (their parts lit every "s" and "13")
    words = [w for w in _WORD.findall(text) if w not in ("AND", "OR", "NOT", "NEAR")]
    words = [w for w in words if any(c.isalnum() for c in w)]
    return words + [o for o in map(other_spelling, words) if o]


def plain_words(text: str) -> list[str] | None:
    """The words of a plain search text, or None for an FTS5 expression (see the module
    docstring); "_" is no word."""
    if _FTS_SYNTAX.search(text):
        return None
    return [w for w in _WORD.findall(text) if any(c.isalnum() for c in w)]


def fts_query(text: str) -> str:
    """The FTS5 expression for a user's search text (see the module docstring)."""
    if text.count('"') % 2:
        raise RusinoError(
            f"unbalanced quote in search {text!r}",
            'close the phrase with a second " or drop the quote',
            ExitCode.USAGE,
        )
    words = plain_words(text)
    if words is None and re.search(r"\w|\*", text):  # (a bare * is said by validate_fts)
        return _expression(text)
    if not words:  # ('', '""', '()': no word to find)
        raise RusinoError(f"nothing to search for in {text!r}", "give at least one word")
    minus = _MINUS.search(text)
    if minus:  # as a web search has it, "-oil" would exclude oil: here it would find it
        word = cut(minus[1])
        rest = " ".join(w for w in words if w != minus[1])
        if not rest or len(rest) > 60:  # an example of what to find: never the word itself
            rest = "gas" if word.lower() != "gas" else "pipeline"
        raise RusinoError(
            f"search {text!r}: a leading - does not leave out {word!r}",
            f"write NOT before the word, after what to find: {rest} NOT {word}",
        )
    return " AND ".join(map(_term, words))


def _term(word: str) -> str:
    """A plain search word as FTS5 terms: a prefix, in either spelling, hyphenated or joined
    (co-operation finds "cooperation"); a number whole (200 is not the start of 2008); a
    possessive as written (China's: "china" then "s", which as a prefix found "China
    surpasses")."""
    if word.isdigit():
        return f'"{word}"'
    if _POSSESSIVE.search(word):
        return f'"{word}"'
    forms = [word, other_spelling(word) or word, word.replace("-", "")]
    forms = list(dict.fromkeys(f.lower() for f in forms))
    terms = [f'"{f}"*' for f in forms]
    return terms[0] if len(terms) == 1 else f"({' OR '.join(terms)})"


_POSSESSIVE = re.compile(r"\w['\u2019]s$", re.I)  # China's, and with a typographic apostrophe


# a word with a hyphen or an apostrophe inside (S-4, China's), which FTS5 takes as no word
_HYPHENED = re.compile(r"(?<![\w'\u2019-])(\w+(?:[-'\u2019]\w+)+)(?![\w-])")


def _expression(expr: str) -> str:
    """An FTS5 expression with each hyphenated word outside quotes made a phrase: FTS5 reads
    the - of a bare S-4* or co-op* as a column filter; "S-4"* finds S-400, as the plain
    search S-4 does. (Its words are matched as written: a word's other spelling, as the plain
    search adds it, would need a bracketed OR, which FTS5 does not take beside a phrase.)"""
    parts = expr.split('"')  # the odd parts are inside quotes (balanced, as checked)
    parts[::2] = [_HYPHENED.sub(r'"\1"', part) for part in parts[::2]]
    return '"'.join(parts)


def validate_fts(conn: sqlite3.Connection, table: str, expr: str, text: str) -> None:
    try:
        conn.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ? LIMIT 1", (expr,)).fetchall()
    except sqlite3.OperationalError as e:
        if str(e).startswith("no such table"):  # the database's fault, not the search's
            raise
        detail = str(e).removeprefix("fts5: ")
        if detail.startswith("unknown special query"):  # a bare * (FTS5's * starts a query)
            detail = "a * ends a word (gas*), it does not stand alone"
        elif detail.startswith("no such column: "):  # 'gas OR -oil', 'japan:'
            name = detail.removeprefix("no such column: ")
            other = {"events_fts": "facts_fts", "facts_fts": "events_fts"}.get(table, "")
            fields = [str(r[1]) for r in conn.execute(f"PRAGMA table_info({other})")]
            if name in fields:  # search's summary:gas: a field of events, not of facts
                kind, listing = (
                    ("events", "timeline --search") if other == "events_fts" else ("facts", "facts")
                )
                raise RusinoError(
                    f"bad search expression {text!r}: {name!r} is a field of {kind} only",
                    f"search {kind} alone: rusino {listing} {shlex_quote(text)}",
                    ExitCode.USAGE,
                ) from None
            name = cut(name)
            detail = f"{name!r} is no field to search in (FTS5 reads -{name} and {name}: as one)"
        raise RusinoError(
            f"bad search expression {text!r}: {detail}",
            'use plain words, "a phrase", word*, or AND / OR / NOT between terms',
            ExitCode.USAGE,
        ) from None


# ---------------------------------------------------------------------------------------------
# rows


def _split(cell: Any) -> list[str]:
    return str(cell).split(_SEP) if cell else []


def _split_int(cell: Any) -> list[int]:
    return [int(x) for x in str(cell).split(_SEP)] if cell else []


def _list_sql(table: str, column: str, key: str, ref: str) -> str:
    # Ordered by the link table's primary key (key, column): read straight off its index, with no
    # sort per row, which a million-row timeline notices. Lists come out in name/number order.
    return (
        f"(SELECT group_concat({column}, char(31)) FROM "
        f"(SELECT {column} FROM {table} WHERE {key} = {ref} ORDER BY {column}))"
    )


# An event's own columns, in the order event_from_columns() reads them; its lists come after.
EVENT_BASE = (
    "id",
    "date",
    "date_start",
    "date_end",
    "date_text",
    "precision",
    "inferred",
    "in_window",
    "summary",
    "source",
    "quote",
    "comment",
)
# An event's lists are read from its derived copies (schema.sql): no lookups per row.
EVENT_LISTS = ("actor_list", "topic_list", "note_list")
EVENT_SELECT = ", ".join(f"e.{c}" for c in (*EVENT_BASE, *EVENT_LISTS))

_FACT_COLUMNS = (
    "f.id, f.subject, f.value, f.value_max, f.unit, f.qualifier, f.as_written, f.date, "
    "f.date_start, f.date_end, f.date_text, f.precision, f.inferred, f.in_window, f.kind, "
    + _list_sql("fact_actors", "actor", "fact", "f.id")
    + " AS actors, "
    + _list_sql("fact_topics", "topic", "fact", "f.id")
    + " AS topics, f.source, "
    + _list_sql("fact_notes", "number", "fact", "f.id")
    + " AS notes, f.quote, f.event, f.comment"
)


def event_from_columns(r: Sequence[Any]) -> Row:
    """An event in the JSON schema, from its EVENT_SELECT columns (the lists joined by U+001F)."""
    actors, topics, notes = r[12], r[13], r[14]
    return {
        "id": r[0],
        "date": r[1],
        "start": r[2],
        "end": r[3],
        "date_text": r[4],
        "precision": r[5],
        "inferred": bool(r[6]),
        "in_window": bool(r[7]),
        "summary": r[8],
        "actors": actors.split(_SEP) if actors else [],
        "topics": topics.split(_SEP) if topics else [],
        "source": r[9],
        "notes": [int(x) for x in notes.split(_SEP)] if notes else [],
        "quote": r[10],
        "comment": r[11] or "",
    }


def _fact_row(r: Sequence[Any]) -> Row:
    return {
        "id": r[0],
        "subject": r[1],
        "value": r[2],
        "value_max": r[3] if r[3] not in ("", 0) else None,
        "unit": r[4],
        "qualifier": r[5],
        "as_written": r[6],
        "date": r[7],
        "start": r[8],
        "end": r[9],
        "date_text": r[10],
        "precision": r[11],
        "inferred": bool(r[12]),
        "in_window": bool(r[13]),
        "kind": r[14],
        "actors": _split(r[15]),
        "topics": _split(r[16]),
        "source": r[17],
        "notes": _split_int(r[18]),
        "quote": r[19],
        "event": r[20] or None,
        "comment": r[21] or "",
    }


def _link_clauses(
    table: str, key: str, column: str, ref: str, values: Sequence[str], any_: bool
) -> tuple[list[str], list[Any]]:
    if not values:
        return [], []
    if any_:
        marks = ", ".join("?" * len(values))
        return [f"{ref} IN (SELECT {key} FROM {table} WHERE {column} IN ({marks}))"], list(values)
    return [f"{ref} IN (SELECT {key} FROM {table} WHERE {column} = ?)" for _ in values], list(
        values
    )


def _dedupe(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _date_clauses(
    t: str, start: str | None, end: str | None, within: bool, where: list[str], params: list[Any]
) -> None:
    """The conditions that table t's rows overlap start..end (or, ``within``, lie inside it)."""
    if start is not None and end is not None and start > end:
        raise RusinoError(f"the range {start} .. {end} is empty", "swap --from and --to")
    for bound, inner, outer, op in ((start, "date_start", "date_end", ">="),
                                     (end, "date_end", "date_start", "<=")):  # fmt: skip
        if bound is not None:
            where.append(f"{t}.{inner if within else outer} {op} ?")
            params.append(bound)


def timeline(conn: sqlite3.Connection, f: TimelineFilter) -> Iterator[Row]:
    """Events in date order: start, then precision (day before month ... decade), then id.

    Bad input raises here, at the call; the rows then stream from the cursor.
    """
    where: list[str] = []
    params: list[Any] = []
    actors = _dedupe([resolve_actor(conn, a) for a in f.actors])
    topics = _dedupe([resolve_topic(conn, t) for t in f.topics])
    for names_, table, col in (
        (actors, "event_actors", "actor"),
        (topics, "event_topics", "topic"),
    ):
        w, p = _link_clauses(table, "event", col, "e.id", names_, f.any)
        where += w
        params += p
    _date_clauses("e", f.start, f.end, f.within, where, params)
    if f.source is not None:
        where.append("e.source = ?")
        params.append(check_source(conn, f.source))
    if f.window:
        where.append("e.in_window = 1")
    if f.search is not None:
        expr = fts_query(f.search)
        validate_fts(conn, "events_fts", expr, f.search)
        where.append("e.rowid IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)")
        params.append(expr)
        where += _whole_numbers(conn, f.search, _EVENT_TEXT.format(t="e"), params)
    direction = "DESC" if f.reverse else "ASC"
    order = ", ".join(
        f"{c} {direction}" for c in ("e.date_start", _PRECISION_ORDER.format(t="e"), "e.id")
    )
    sql = f"SELECT {EVENT_SELECT} FROM events e"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY {order}"
    if f.limit is not None:
        sql += " LIMIT ?"
        params.append(f.limit)
    return map(event_from_columns, conn.execute(sql, params))


def facts(conn: sqlite3.Connection, f: FactFilter) -> Iterator[Row]:
    """Facts by period (start, precision, id). QUERY matches subject, topics, actors and quote,
    and a figure it names by value ("80 billion", "1,300 km")."""
    where: list[str] = []
    params: list[Any] = []
    actors = _dedupe([resolve_actor(conn, a) for a in f.actors])
    topics = _dedupe([resolve_topic(conn, t) for t in f.topics])
    for names_, table, col in ((actors, "fact_actors", "actor"), (topics, "fact_topics", "topic")):
        w, p = _link_clauses(table, "fact", col, "f.id", names_, f.any)
        where += w
        params += p
    if f.units:
        units = _check_vocab(conn, "unit", "unit", f.units)
        where.append(f"f.unit IN ({', '.join('?' * len(units))})")
        params += units
    if f.kinds:
        kinds = _check_vocab(conn, "kind", "kind", f.kinds)
        where.append(f"f.kind IN ({', '.join('?' * len(kinds))})")
        params += kinds
    if f.year is not None:
        _date_clauses("f", f"{f.year:04d}-01-01", f"{f.year:04d}-12-31", False, where, params)
    _date_clauses("f", f.start, f.end, f.within, where, params)
    if f.window:
        where.append("f.in_window = 1")
    if f.source is not None:
        where.append("f.source = ?")
        params.append(check_source(conn, f.source))
    if f.query:
        # plain parts joined by OR (japan OR vietnam): each part matches as a query of its own
        parts = _OR.split(f.query)
        # a part that is a name is plain, brackets and all
        plain = [
            p.strip() and (plain_words(p) is not None or _names_something(conn, alias_key(p)))
            for p in parts
        ]
        if len(parts) < 2 or not all(plain):
            parts = [f.query]
        clauses = [_facts_matching(conn, part, params) for part in parts]
        where.append("(" + " OR ".join(clauses) + ")")
    direction = "DESC" if f.reverse else "ASC"
    order = ", ".join(
        f"{c} {direction}" for c in ("f.date_start", _PRECISION_ORDER.format(t="f"), "f.id")
    )
    sql = f"SELECT {_FACT_COLUMNS} FROM facts f"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY {order}"
    if f.limit is not None:
        sql += " LIMIT ?"
        params.append(f.limit)
    return map(_fact_row, conn.execute(sql, params))


_OR = re.compile(r"\s+OR\s+")


def _a_period(text: str) -> tuple[str, str] | None:
    """The bounds of a query that is a date other than a year or years, which the figures'
    reading takes (spring 2016, 2012-04, May 2014, Q2 2012), else None."""
    if not re.search(r"\d{4}", text) or not re.search(r"[^\W\d_]|\d{4}[-/]\d", text):
        return None
    from rusino import dates

    try:
        return dates.parse_bound(text), dates.parse_bound(text, end=True)
    except RusinoError:
        return None


def _facts_matching(conn: sqlite3.Connection, text: str, params: list[Any]) -> str:
    """The condition that a fact matches a query text (its parameters added to params): the
    figures it names by value ("80 billion", "USD13.5 bn", "70 to 90 billion") and the unit
    words name ("km", "$", "per cent"), and the rest as text."""
    if plain_words(text) is None:  # an FTS5 expression: text only
        return _text_matching(conn, text, params)
    period = _a_period(text)
    if period is not None:  # spring 2016, 2012-04, May 2014: its figures (as a year finds its)
        words = _text_matching(conn, text, params)
        params += [period[0], period[1]]
        return f"({words} OR (f.date_end >= ? AND f.date_start <= ?))"
    parts = text.split()
    for cut_at in range(1, len(parts)):  # loan spring 2016: the words, of that period
        period = _a_period(" ".join(parts[cut_at:]))
        if period is not None:  # (a bare year is none: the figures' reading has it)
            words = _facts_matching(conn, " ".join(parts[:cut_at]), params)
            params += [period[0], period[1]]
            return f"({words} AND f.date_end >= ? AND f.date_start <= ?)"
    text = _figure_words(text)
    found: list[figures.Asked] = []
    rest = text
    if any(c.isdigit() for c in text):  # (figures' patterns compiled only for a number)
        from rusino import figures

        found, rest = figures.query_figures(text)
    units, rest, named = _unit_named(conn, rest)
    if named and not units and (found or not plain_words(rest)):
        return "0"  # "€80 billion", "€": no figure is in euros
    terms: list[str] = []
    if found:
        # a unit gives a bare number its size ("1.4 km" is not 1,400 km), but a currency:
        # money is written in billions (USD80 is "USD80 billion")
        sized = bool(units) and not any(_CURRENCY.fullmatch(u) for u in units)
        terms += [_figure_matching(conn, asked, sized, params) for asked in found]
    if units:  # "1,300 km", "$2.17 billion", "pipeline km": the unit, not a word of the text
        terms.append(f"f.unit IN ({', '.join('?' * len(units))})")
        params += units
    if not plain_words(rest):
        return "(" + " AND ".join(terms) + ")" if terms else _text_matching(conn, text, params)
    if not found and units and plain_words(text) != plain_words(rest):
        # "pipeline km": its unit, or the words all in the text ("trade %": the unit only)
        unit = terms.pop()
        words = _text_matching(conn, rest, params)
        return f"(({unit} AND {words}) OR {_text_matching(conn, text, params)})"
    terms.append(_text_matching(conn, rest, params))
    return "(" + " AND ".join(terms) + ")"


_CODES = "USD|EUR|GBP|JPY|CNY|RMB|RUB"  # currencies a figure's number may follow: "over gas 2012"
# had read "gas" as one


# units that hold a scale (16 bcm is 16 billion m3), a number joined to its unit by a hyphen
# (1400-km, 49-per-cent: the " -km" left had been "a leading - does not leave out"), and a
# qualifier before a number
_SCALED_UNITS = (
    (re.compile(r"(?<=\d)\s*bcm\b", re.I), " billion m3"),  # after a number (20bcm too)
    (re.compile(r"(?<=\d)\s*tcf\b", re.I), " trillion ft3"),
    (re.compile(r"(?<![\w-])-([$\u20ac\u00a3\u00a5])(?=\d)"), r"\1-"),  # -$80bn: below zero
    (re.compile(r"(?<=\d)-(?=[^\W\d_])"), " "),
    (re.compile(r"\bper-cent\b", re.I), "per cent"),
    (re.compile(r"(?<=\d)\s*(?:pc|pct)\b", re.I), " per cent"),  # 49pc
    # as the tables write a million ("USD 550 m", "25 m t": it had found nothing), and Mt
    (re.compile(r"(?<=\d)\s*m\b"), " million"),
    (re.compile(r"(?<=\d)\s*Mt\b"), " million t"),
    # a qualifier before a figure asks for the figure ("about 80 billion" had been the word
    # "about" in the text, and found nothing); a comparison, for the figures beyond it
    # ("over 20 million t" had asked for 20 million)
    *(
        (
            re.compile(
                rf"(?<![\w>=<])(?:{words})\s*(?=(?:(?:US\$|[$\u20ac\u00a3\u00a5]|{_CODES})\s*)?\d)",
                re.I,
            ),
            sign,
        )
        for words, sign in (
            (r"about|around|approximately|roughly|some|nearly|almost|circa|~", ""),
            (r"at least|no less than|not less than|no fewer than", ">= "),
            (r"at most|up to|no more than|not more than", "<= "),
            (r"over|more than|above|greater than|exceeding|in excess of", "> "),
            (r"under|less than|below|fewer than", "< "),
        )
    ),
)


def _figure_words(text: str) -> str:
    for pattern, words in _SCALED_UNITS:
        text = pattern.sub(words, text)
    return text


def _text_matching(conn: sqlite3.Connection, text: str, params: list[Any]) -> str:
    """The condition that a fact's text, actors or topics match a query text."""
    whole = alias_key(text)
    if _names_something(conn, whole):
        # the whole query is a name ("us", "Ministry of ... (Japan)"): its text match is
        # the name's words as a phrase, exactly ("us" is not the start of "USD"), and its
        # brackets or ANDs are no search syntax
        words = [w for w in _WORD.findall(text) if any(c.isalnum() for c in w)]
        expr = '"' + " ".join(words) + '"'
    else:
        expr = fts_query(text)
    validate_fts(conn, "facts_fts", expr, text)
    # The text, or the whole query naming an actor or a topic (or an alias of one); and for
    # plain words, each word in the text or the name of one (gazprom japan: Gazprom's and
    # Japan's facts, though neither word is in their text; not aliases there, or "gas
    # pipeline" would be two names of the topic energy, and all its facts)
    terms = [_text_or_named(own_name=False)]
    params += [expr, whole, whole]
    words = plain_words(text) or []
    if len(words) > 1:
        terms.append("(" + " AND ".join([_text_or_named(own_name=True)] * len(words)) + ")")
        for word in words:
            params += [fts_query(word), alias_key(word), alias_key(word)]
    numbers = _whole_numbers(conn, text, _FACT_TEXT.format(t="f"), params)  # .5: not 13.5's
    return "(" + " OR ".join(terms) + ")" + "".join(f" AND {c}" for c in numbers)


def _unit_named(conn: sqlite3.Connection, text: str) -> tuple[list[str], str, bool]:
    """The unit (every spelling the database has) that words name ("km", "USD", "$", "%",
    "per cent"), the text without them, and whether they name a unit at all (€ does, though
    no figure may be in euros)."""
    known = [str(r[0]) for r in conn.execute("SELECT DISTINCT unit FROM facts")]

    def spellings(word: str) -> tuple[list[str], bool]:
        found = _spellings(known, word, UNIT_WORDS)
        return found, bool(found) or " ".join(word.casefold().split()) in UNIT_WORDS

    whole, named = spellings(text)
    if named:
        return whole, "", True
    words = text.split()
    for i, word in enumerate(words):
        units, named = spellings(word)
        if named:
            return units, " ".join(words[:i] + words[i + 1 :]), True
    return [], text, False


_SCALED = (1.0, 1e3, 1e6, 1e9, 1e12)


_CURRENCY = re.compile(r"[A-Z]{3}")  # a currency code: USD, EUR


def _figure_matching(
    conn: sqlite3.Connection, asked: figures.Asked, unit: bool, params: list[Any]
) -> str:
    """A fact whose value (or range) meets low..high (one number twice: holds it), to a part in
    a billion; a number whose size is not given (no scale word, no unit) also in thousands to
    trillions, as a figure is written (80: "USD80 billion"), or as a whole number of its text
    ("27 trade contracts"; not the 2 of 2.17); one that may be a year (2012), or two (2012-2013),
    also a figure of that period. A comparison (over 20 million) is of the numbers a figure
    states, its qualifier deciding at the number itself: "more than 25 million" is over 25
    million, "almost 80 billion" under 80 billion, "about 80 billion" neither."""
    low, high, scaled, strict = asked
    if math.isinf(low) or math.isinf(high):
        above = math.isinf(high)
        end = low if above else high
        slack = abs(end) * 1e-9 * (1 if above else -1)  # (to a part in a billion)
        # the figure's end beyond the number; or at it, where its qualifier allows: over 25
        # for "more than 25" alone, under 80 for "almost 80" (or "less than"), at least 80
        # for all the others
        edge, beyond, at = (
            ("coalesce(f.value_max, f.value)", ">", ">=") if above else ("f.value", "<", "<=")
        )
        towards = "'more-than'" if above else "'almost', 'less-than'"
        away = "'almost', 'less-than'" if above else "'more-than'"
        qualified = f"f.qualifier IN ({towards})" if strict else f"f.qualifier NOT IN ({away})"
        params += [end + slack, end - slack]
        return f"({edge} {beyond} ? OR ({edge} {at} ? AND {qualified}))"
    terms = []
    # (sized by a scale word or a unit; a fraction in billions or trillions only, as money
    # is written: 0.55 is USD550 million, but 0.002 no count of 2 in thousands)
    scales = (1.0,) if scaled or unit else _SCALED if abs(high) >= 1 else (1.0, 1e9, 1e12)
    for scale in scales:
        lo, hi = low * scale, high * scale
        terms.append("(f.value <= ? AND coalesce(f.value_max, f.value) >= ?)")
        params += [hi + abs(hi) * 1e-9, lo - abs(lo) * 1e-9]
    years = [n for n in (low, high) if n.is_integer() and 1000 <= n <= 2999]
    if not scaled and len(years) == 2:  # ("km 2013": its figures of 2013 too; 2012-2013)
        terms.append("(f.date_end >= ? AND f.date_start <= ?)")
        params += [f"{int(low)}-01-01", f"{int(high)}-12-31"]
    if scaled or low < 0 or low != high or unit:
        return "(" + " OR ".join(terms) + ")"
    written = f"{int(low)}" if low.is_integer() else f"{low:g}"
    terms.append(
        "(f.rowid IN (SELECT rowid FROM facts_fts WHERE facts_fts MATCH ?) AND "
        f"{_number_test(conn, _FACT_TEXT.format(t='f'))})"
    )
    params += [f'"{written.split(".")[0]}"', written]
    return "(" + " OR ".join(terms) + ")"


_EVENT_TEXT = "{t}.summary || ' ' || {t}.quote || ' ' || {t}.date_text"  # events_fts's columns
_FACT_TEXT = "{t}.subject || ' ' || {t}.as_written || ' ' || {t}.quote || ' ' || {t}.date_text"


def _whole_numbers(
    conn: sqlite3.Connection, text: str, column: str, params: list[Any]
) -> list[str]:
    """The conditions that a plain search's numbers are whole numbers of the row's text: FTS5
    reads 7,000 and 2.17 as two words each, so 000 and 17 had found them."""
    numbers = [w for w in plain_words(text) or [] if w.isdigit()]
    params += numbers
    return [_number_test(conn, column) for _ in numbers]


def _number_test(conn: sqlite3.Connection, column: str) -> str:
    """The condition that column writes a number (its parameter) whole."""
    conn.create_function("rusino_has_number", 2, _has_number, deterministic=True)
    return f"rusino_has_number({column}, ?)"


def _has_number(text: str, number: str) -> bool:
    """Whether text writes number whole (27 in "27 trade contracts", not 2 in "2.17")."""
    return re.search(rf"(?<![\d.,]){re.escape(number)}(?!\d|[.,]\d)", text) is not None


def _names_something(conn: sqlite3.Connection, key: str) -> bool:
    """Whether key (an alias_key) is an alias of an actor or a topic."""
    found = conn.execute(
        "SELECT 1 FROM actor_aliases WHERE alias = ? UNION ALL "
        "SELECT 1 FROM topic_aliases WHERE alias = ? LIMIT 1",
        (key, key),
    )
    return found.fetchone() is not None


def _text_or_named(*, own_name: bool) -> str:
    """A fact whose full text matches (1st parameter), or one of whose actors or topics is
    named (2nd, 3rd) by an alias, or with ``own_name`` by its own name only."""
    actor = "aa.alias = ?" + (" AND aa.alias = lower(aa.actor)" if own_name else "")
    topic = "ta.alias = ?" + (" AND ta.alias = lower(ta.topic)" if own_name else "")
    return (
        "(f.rowid IN (SELECT rowid FROM facts_fts WHERE facts_fts MATCH ?)"
        " OR f.id IN (SELECT fa.fact FROM fact_actors fa JOIN actor_aliases aa"
        f"   ON aa.actor = fa.actor WHERE {actor})"
        " OR f.id IN (SELECT ft.fact FROM fact_topics ft JOIN topic_aliases ta"
        f"   ON ta.topic = ft.topic WHERE {topic}))"
    )


def search(conn: sqlite3.Connection, text: str, limit: int | None = None) -> Iterator[Row]:
    """Events and facts matching ``text``, best first (bm25 over both full-text tables)."""
    expr = fts_query(text)
    validate_fts(conn, "events_fts", expr, text)
    validate_fts(conn, "facts_fts", expr, text)
    params: list[Any] = [expr]
    whole_e = "".join(
        f" AND {c}" for c in _whole_numbers(conn, text, _EVENT_TEXT.format(t="e"), params)
    )
    params.append(expr)
    whole_f = "".join(
        f" AND {c}" for c in _whole_numbers(conn, text, _FACT_TEXT.format(t="f"), params)
    )
    sql = (
        "SELECT * FROM ("
        " SELECT 'event' AS type, e.id, e.date, e.date_start, e.date_end, e.summary AS text,"
        "  e.source, bm25(events_fts) AS score, 0 AS tie"
        " FROM events_fts JOIN events e ON e.rowid = events_fts.rowid WHERE events_fts MATCH ?"
        f"{whole_e}"
        " UNION ALL"
        " SELECT 'fact', f.id, f.date, f.date_start, f.date_end,"
        "  f.subject || ': ' || f.as_written, f.source, bm25(facts_fts), 1"
        " FROM facts_fts JOIN facts f ON f.rowid = facts_fts.rowid WHERE facts_fts MATCH ?"
        f"{whole_f}"
        ") ORDER BY score, date_start, tie, id"
    )
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return (
        {
            "id": r[1],  # first, as in every listing and format
            "type": r[0],
            "rank": rank,
            "date": r[2],
            "start": r[3],
            "end": r[4],
            "text": r[5],
            "source": r[6],
        }
        for rank, r in enumerate(conn.execute(sql, params), start=1)
    )


# ---------------------------------------------------------------------------------------------
# vocabularies


def actors(conn: sqlite3.Connection) -> Iterator[Row]:
    sql = (
        "SELECT a.name, a.kind, a.country,"
        " (SELECT group_concat(alias, char(31)) FROM (SELECT alias FROM actor_aliases"
        "   WHERE actor = a.name AND alias <> lower(a.name) ORDER BY alias)),"
        " (SELECT count(*) FROM event_actors WHERE actor = a.name),"
        " (SELECT count(*) FROM fact_actors WHERE actor = a.name)"
        " FROM actors a ORDER BY a.name COLLATE NOCASE, a.name"
    )
    for r in conn.execute(sql):
        yield {
            "name": r[0],
            "kind": r[1],
            "country": r[2] or "",
            "aliases": _split(r[3]),
            "events": r[4],
            "facts": r[5],
        }


def topics(conn: sqlite3.Connection) -> Iterator[Row]:
    sql = (
        "SELECT t.name, t.description,"
        " (SELECT group_concat(alias, char(31)) FROM (SELECT alias FROM topic_aliases"
        "   WHERE topic = t.name AND alias <> lower(t.name) ORDER BY alias)),"
        " (SELECT count(*) FROM event_topics WHERE topic = t.name),"
        " (SELECT count(*) FROM fact_topics WHERE topic = t.name)"
        " FROM topics t ORDER BY t.name COLLATE NOCASE, t.name"
    )
    for r in conn.execute(sql):
        yield {
            "name": r[0],
            "description": r[1] or "",
            "aliases": _split(r[2]),
            "events": r[3],
            "facts": r[4],
        }


def _source_row(r: Sequence[Any]) -> Row:
    import json  # authors are stored as a JSON array

    try:
        authors = json.loads(r[1]) if str(r[1]).startswith("[") else [str(r[1])]
    except ValueError:
        authors = [str(r[1])]
    row: Row = {
        "id": r[0],
        "authors": [str(a) for a in authors],
        "title": r[2],
        "publication": r[3],
        "date": r[4],
        "kind": r[5],
        "volume": r[6] or "",
        "issue": r[8] or "",
        "pages": r[9] or "",
        "publisher": r[10] or "",
        "url": r[7] or "",
        "notes": r[11],
        "events": r[12],
        "facts": r[13],
    }
    row["citation"] = chicago(row)
    return row


_SOURCE_SQL = (
    "SELECT s.id, s.authors, s.title, s.publication, s.date, s.kind, s.volume, s.url,"
    " s.issue, s.pages, s.publisher,"
    " (SELECT count(*) FROM notes WHERE source = s.id),"
    " (SELECT count(*) FROM events WHERE source = s.id),"
    " (SELECT count(*) FROM facts WHERE source = s.id)"
    " FROM sources s"
)


def sources(conn: sqlite3.Connection) -> Iterator[Row]:
    for r in conn.execute(_SOURCE_SQL + " ORDER BY s.id"):
        yield _source_row(r)


# ---------------------------------------------------------------------------------------------
# show


def show(conn: sqlite3.Connection, id_: str) -> Row:
    """Everything about one event or fact (see the module docstring for the fields)."""
    from rusino.dates import display

    id_ = unicodedata.normalize("NFC", id_)  # as ids are stored
    r = conn.execute(f"SELECT {EVENT_SELECT} FROM events e WHERE e.id = ?", (id_,)).fetchone()
    row: Row
    if r is not None:
        row = {"type": "event", **event_from_columns(r)}
        related = [
            _fact_row(x)
            for x in conn.execute(
                f"SELECT {_FACT_COLUMNS} FROM facts f WHERE f.event = ? "
                f"ORDER BY f.date_start, {_PRECISION_ORDER.format(t='f')}, f.id",
                (id_,),
            )
        ]
    else:
        r = conn.execute(f"SELECT {_FACT_COLUMNS} FROM facts f WHERE f.id = ?", (id_,)).fetchone()
        if r is None:
            ids = [
                str(x[0]) for x in conn.execute("SELECT id FROM events UNION SELECT id FROM facts")
            ]
            hint = (
                _shown_otherwise(conn, id_)  # show Japan, show singh-2016
                or _did_you_mean(suggest(id_, ids))
                or "list ids with `rusino timeline` or `rusino facts`"
            )
            raise RusinoError(f"no event or fact with id {id_!r}", hint, ExitCode.USAGE)
        row = {"type": "fact", **_fact_row(r)}
        related = []
        if row["event"]:
            e = conn.execute(
                f"SELECT {EVENT_SELECT} FROM events e WHERE e.id = ?", (row["event"],)
            ).fetchone()
            if e is not None:
                related.append(event_from_columns(e))
    row["date_words"] = display(row["date"])
    s = conn.execute(_SOURCE_SQL + " WHERE s.id = ?", (row["source"],)).fetchone()
    source = _source_row(s) if s is not None else None
    row["source_detail"] = source
    notes = row["notes"]
    texts: list[Row] = []
    if notes:
        marks = ", ".join("?" * len(notes))
        texts = [
            {"number": n, "text": t}
            for n, t in conn.execute(
                f"SELECT number, text FROM notes WHERE source = ? AND number IN ({marks}) "
                "ORDER BY number",
                (row["source"], *notes),
            )
        ]
    row["note_texts"] = texts
    row["related"] = related
    row["citation"] = chicago(source) if source else ""
    row["bibtex"] = bibtex(source) if source else ""
    return row


# ---------------------------------------------------------------------------------------------
# citations

_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# an author that is an organisation, not a person: its name is never inverted
_CORPORATE = re.compile(
    r"&|\b(?:Corp|Corporation|Company|Inc|Ltd|LLC|Group|Institute|Center|Centre|Agency|"
    r"Ministry|Council|Association|University|Foundation|Office|Committee|News|"
    r"Organi[sz]ation|Commission|Bureau|Department|Government|Nations|Federation)\b\.?",
    re.IGNORECASE,
)
# words that are organisations' only in a name of three words or more: Robert Service and
# Daryl G. Press are people, the Federal Security Service is not ({World Bank}: braced)
# and names that start as no person's does: World Bank, European Union
_ORGANISATION_START = re.compile(
    r"(?:World|European|Eurasian|Asian|African|Arab|International|National|Central|Federal|"
    r"Global|Royal|United)\s",
    re.IGNORECASE,
)
_CORPORATE_IN_LONGER = re.compile(
    r"\b(?:Co|Service|Press|Bank|Fund|Union|Forum|Sons|Programme|Program)\b\.?", re.IGNORECASE
)


# Chinese, Japanese and Korean names, written family name first
_FAMILY_FIRST = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def corporate(name: str) -> str | None:
    """An organisation's name as an author: "{World Bank}" (braced, as BibTeX keeps a name
    whole), or one with a word such as Agency or Bank; None for a person's."""
    if name.startswith("{") and name.endswith("}"):
        return name[1:-1].strip()
    words = [w for w in name.split() if not re.fullmatch(r"\w\.", w)]  # (not initials: G.)
    if "," not in name and (
        _CORPORATE.search(name)
        or _ORGANISATION_START.match(name)
        or (len(words) > 2 and _CORPORATE_IN_LONGER.search(name))
    ):
        return name
    return None


def split_name(name: str) -> tuple[str, str]:
    """(family, given). "Family, Given" is taken as written; an organisation ("Smith & Co",
    "Xinhua News Agency") is all family; otherwise the last word is family (a suffix, Jr.,
    apart: see _name_parts)."""
    family, given, _ = _name_parts(name)
    return family, given


_SUFFIX = re.compile(r"(?i:jr|sr)\.?|II|III|IV")  # (Ii, a family name, is none)


def _name_parts(name: str) -> tuple[str, str, str]:
    """(family, given, suffix): "Smith, Jr., John", "Smith, John, Jr." and "John Smith Jr."
    are Smith, John and Jr. (Jr. had been taken for a given name, or for the family)."""
    whole = corporate(name)
    if whole is not None or _FAMILY_FIRST.search(name):  # 王小明 is already family first
        return (whole if whole is not None else name), "", ""
    if "," in name:
        parts = [p.strip() for p in name.split(",")]
        suffix = next((p for p in parts[1:] if _SUFFIX.fullmatch(p)), "")
        rest = [p for p in parts[1:] if p != suffix]
        if not rest and " " in parts[0]:  # John Smith, Jr.
            family, given, _ = _name_parts(parts[0])
            return family, given, suffix
        return parts[0], ", ".join(rest), suffix
    words = name.split()
    suffix = words.pop() if len(words) >= 2 and _SUFFIX.fullmatch(words[-1]) else ""
    if len(words) == 1:
        return words[0], "", suffix
    return words[-1], " ".join(words[:-1]), suffix


def _natural(name: str) -> str:
    family, given, suffix = _name_parts(name)
    return " ".join(p for p in (given, family, suffix) if p)


def _inverted(name: str) -> str:
    family, given, suffix = _name_parts(name)
    return ", ".join(p for p in (family, given, suffix) if p)


def chicago(source: Row) -> str:
    """A Chicago author-date reference-list entry for a source row."""
    authors: list[str] = list(source.get("authors") or [])
    if not authors:
        who = str(source.get("publication", ""))
    elif len(authors) == 1:
        who = _inverted(authors[0])
    elif len(authors) > 10:  # Chicago: the first seven, et al.
        who = _inverted(authors[0]) + ", " + ", ".join(map(_natural, authors[1:7])) + ", et al"
    else:
        rest = [_natural(a) for a in authors[1:]]
        first = _inverted(authors[0])
        # "Smith, John, and Jane Doe", but "World Bank and Jane Doe"
        comma = "," if len(rest) > 1 or first != _natural(authors[0]) else ""
        who = f"{first}{comma} " + (", ".join(rest[:-1]) + ", " if rest[:-1] else "")
        who += f"and {rest[-1]}"
    date = str(source.get("date", ""))
    year = date[:4]
    title = " ".join(str(source.get("title", "")).split()).rstrip(".")  # one line
    pub = str(source.get("publication", ""))
    # a title's own ? or ! ends it: "Is Russia China's partner?" takes no period; a book's is
    # not quoted (italic, where there is type), and its publisher ends it: Lo, Bobo. 2015.
    # Russia and the New World Disorder. Brookings Institution Press.
    book = _is_book(source)
    titled = _ended(title) if book else f'"{_ended(title)}"'
    out = f"{who.rstrip('.')}. {year}. {titled}"
    if book:  # (a series, then the publisher)
        pub = ", ".join(p for p in (pub, str(source.get("publisher", "") or "")) if p)
    where = pub
    volume = str(source.get("volume", "") or "")
    if volume:
        where = f"{where} {volume}".strip()
    issue, pages = (str(source.get(k, "") or "") for k in ("issue", "pages"))
    if issue:  # China: An International Journal 11 (3): 136-48
        where = f"{where} ({issue})".strip()
    if pages:
        where = f"{where}: {pages}" if where else pages
    m = re.match(r"^\d{4}-(\d{2})-(\d{2})$", date)
    if m and source.get("kind") != "journal article":
        day = f"{_MONTH_NAMES[int(m.group(1)) - 1]} {int(m.group(2))}"
        where = f"{where}, {day}" if where else day
    if where:
        out += f" {_ended(where)}"
    url = str(source.get("url", "") or "")
    if url:
        out += f" {url}."
    return out


def _is_book(source: Row) -> bool:
    """Whether a source is a book (its kind says so: book, monograph)."""
    return str(source.get("kind", "")).casefold() in ("book", "monograph")


def _ended(text: str) -> str:
    """text with a full stop, unless it ends with one of its own (., ? or !)."""
    return text if text.endswith((".", "?", "!")) else text + "."


_LATEX = {c: "\\" + c for c in "&%$#_{}"} | {
    "\\": r"\textbackslash{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\n": " ",
    "\r": " ",
    "\t": " ",
}


def _latex(text: str) -> str:
    """Text as a BibTeX value holds it: LaTeX's special characters escaped (an unescaped % ends
    the line, & $ # break the build), line breaks as spaces."""
    return "".join(_LATEX.get(c, c) for c in text)


def _bib_author(name: str) -> str:
    """An author for BibTeX: "Family, Given", or an organisation in braces, kept whole."""
    whole = corporate(name)
    if whole is not None:
        return "{" + _latex(whole) + "}"
    if _FAMILY_FIRST.search(name) and " " in name.strip():  # 安倍 晋三: family, given
        family, given = name.strip().split(None, 1)
        return _latex(f"{family}, {given}")
    family, given, suffix = _name_parts(name)  # BibTeX's order: Smith, Jr., John
    return _latex(", ".join(p for p in (family, suffix, given) if p))


def bibtex(source: Row) -> str:
    """A BibTeX entry for a source row (``@article`` for a journal article, ``@book`` for a
    book, else ``@misc``)."""
    authors = " and ".join(_bib_author(a) for a in source.get("authors") or [])
    journal = source.get("kind") == "journal article"
    book = _is_book(source) and bool(source.get("publisher"))  # (BibTeX's @book needs one)
    where = "journal" if journal else "series" if book else "howpublished"
    fields: list[tuple[str, str]] = [
        ("author", authors),
        ("title", f"{{{_latex(str(source.get('title', '')))}}}"),
        (where, _latex(str(source.get("publication", "")))),
        ("year", str(source.get("date", ""))[:4]),
    ]
    date = str(source.get("date", ""))
    if len(date) >= 7 and date[5:7].isdigit() and 1 <= int(date[5:7]) <= 12:
        fields.append(("month", _MONTH_NAMES[int(date[5:7]) - 1][:3].lower()))
    volume = _latex(str(source.get("volume", "") or ""))
    if volume:
        fields.append(("note" if not journal else "volume", volume))
    for key, name in (("issue", "number"), ("pages", "pages"), ("publisher", "publisher")):
        value = _latex(str(source.get(key, "") or ""))
        if key == "pages":
            value = re.sub(r"\s*[-\u2013]\s*", "--", value)  # BibTeX's range: 136--148
        if value:
            fields.append((name, value))
    url = str(source.get("url", "") or "")
    if url:
        fields.append(("url", url))
    body = ",\n".join(
        f"  {k} = {v}" if k == "month" else f"  {k} = {{{v}}}" for k, v in fields if v
    )
    kind = "article" if journal else "book" if book else "misc"
    return f"@{kind}{{{source.get('id', '')},\n{body}\n}}"
