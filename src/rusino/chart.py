"""Counting timeline rows for pictures: events per period and series, and swimlanes. Pure.

The input is what :func:`rusino.query.timeline` yields, so a chart always shows the same events
as ``rusino timeline`` with the same filters. Rules:

* An event counts once in every period (year or month) its date range overlaps: "2008/2013-12"
  counts in each year 2008..2013. Periods are clipped to the asked range (``--from``/``--to``, or
  the core window under ``--window``), so a long event does not stretch the axis past it.
* ``--per month`` and a date coarser than a month (a season, a year, "since 2008"): such an event
  has no month of its own. By default it is left out (``coarse="drop"``); ``coarse="spread"``
  counts it in every month it covers. Either way the chart says how many were affected.
* Series (``by``): an event counts once in each of its actors (topics), so a stacked period can
  add up to more than its number of events. Only the ``top`` series by count are kept; the rest
  are merged into "other", where an event counts once however many of its series were merged.

Counting streams: memory holds one counter per (period, set of series), not the rows.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from rusino.errors import ExitCode, RusinoError

Row = dict[str, Any]
Per = Literal["year", "month"]
By = Literal["none", "actor", "topic", "source"]
Coarse = Literal["drop", "spread"]

ALL = "all"  # the one series when not split
OTHER = "other"
NONE = "(none)"  # an event with no actor (topic) still counts
FINE = ("day", "month")  # precisions that fall in a month of their own


def _month_index(iso: str) -> int:
    return int(iso[:4]) * 12 + int(iso[5:7]) - 1


def _month_name(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _clip(start: str, end: str, clip: tuple[str | None, str | None]) -> tuple[str, str] | None:
    lo, hi = clip
    s = max(start, lo) if lo else start
    e = min(end, hi) if hi else end
    return (s, e) if s <= e else None


def period_range(first: str, last: str, per: Per) -> list[str]:
    """Every period from ``first`` to ``last`` inclusive ("2011".."2013", "2012-11".."2013-02")."""
    if per == "year":
        return [f"{y:04d}" for y in range(int(first), int(last) + 1)]
    return [_month_name(i) for i in range(_month_index(first), _month_index(last) + 1)]


def periods_of(
    row: Row, per: Per, coarse: Coarse = "drop", clip: tuple[str | None, str | None] = (None, None)
) -> tuple[list[str], str]:
    """The periods an event counts in, and how: "" (as dated), "dropped" or "spread"."""
    span = _clip(str(row["start"]), str(row["end"]), clip)
    if span is None:
        return [], ""
    start, end = span
    if per == "year":
        return period_range(start[:4], end[:4], "year"), ""
    how = ""
    if row.get("precision") not in FINE:
        if coarse == "drop":
            return [], "dropped"
        how = "spread"
    return period_range(start[:7], end[:7], "month"), how


def series_of(row: Row, by: By) -> tuple[str, ...]:
    if by == "none":
        return (ALL,)
    if by == "source":
        return (str(row["source"]),)
    names = row["actors"] if by == "actor" else row["topics"]
    return tuple(dict.fromkeys(str(n) for n in names)) or (NONE,)


@dataclass
class Chart:
    """Counts per (period, series), with what the legend must say about how they were made."""

    per: Per
    by: By
    periods: list[str]  # every period on the axis, in order, empty ones included
    series: list[str]  # the kept series, largest first, then "other" if anything was merged
    counts: dict[tuple[str, str], int]  # (period, series) -> events; zeros left out
    totals: dict[str, int]  # period -> distinct events
    events: int = 0  # distinct events counted somewhere
    dropped: int = 0  # events left out under --per month (coarse dates)
    spread: int = 0  # events spread over months (coarse dates, --coarse spread)
    multi: bool = False  # an event counted in more than one series
    merged: list[str] = field(default_factory=list)  # the series folded into "other"

    def rows(self) -> Iterator[Row]:
        """``{"period", "series", "count"}`` for each non-zero count, by period then series."""
        for p in self.periods:
            for s in self.series:
                n = self.counts.get((p, s), 0)
                if n:
                    yield {"period": p, "series": s, "count": n}

    def notes(self) -> list[str]:
        """What a reader must know to read the counts right (the legend's footnotes)."""
        out: list[str] = []
        if self.dropped:
            out.append(
                f"{self.dropped} event{'s' if self.dropped != 1 else ''} dated only to a season, "
                "a year or longer left out of the months (--coarse spread counts them in each "
                "month they cover)"
            )
        if self.spread:
            out.append(
                f"{self.spread} event{'s' if self.spread != 1 else ''} dated only to a season, "
                "a year or longer counted in each month they cover"
            )
        if self.multi:
            word = {"actor": "actors", "topic": "topics"}.get(self.by, "series")
            out.append(f"an event with several {word} counts once for each")
        return out


def _top(totals: Counter[str], top: int | None) -> tuple[list[str], list[str]]:
    ranked = sorted(totals, key=lambda s: (-totals[s], s.casefold()))
    if top is None or len(ranked) <= top:
        return ranked, []
    return ranked[:top], ranked[top:]


def count(
    rows: Iterable[Row],
    *,
    per: Per = "year",
    by: By = "none",
    top: int | None = None,
    coarse: Coarse = "drop",
    clip: tuple[str | None, str | None] = (None, None),
) -> Chart:
    """Count ``rows`` (timeline rows) per period and series; see the module docstring."""
    if top is not None and top < 1:
        raise RusinoError(f"--top {top} keeps no series", "give --top 1 or more", ExitCode.USAGE)
    combos: Counter[tuple[str, tuple[str, ...]]] = Counter()
    events = dropped = spread = 0
    multi = False
    for row in rows:
        periods, how = periods_of(row, per, coarse, clip)
        if how == "dropped":
            dropped += 1
        if not periods:
            continue
        events += 1
        spread += how == "spread"
        names = series_of(row, by)
        multi = multi or len(names) > 1
        for p in periods:
            combos[(p, names)] += 1
    if not combos:
        return Chart(per, by, [], [], {}, {}, 0, dropped, spread, multi)
    per_series: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for (p, names), n in combos.items():
        totals[p] += n
        for s in names:
            per_series[s] += n
    kept, merged = _top(per_series, top)
    keep = set(kept)
    counts: Counter[tuple[str, str]] = Counter()
    for (p, names), n in combos.items():
        for s in names:
            if s in keep:
                counts[(p, s)] += n
        if any(s not in keep for s in names):
            counts[(p, OTHER)] += n  # once, however many of its series were merged
    seen = sorted(totals)
    lo, hi = clip
    first = seen[0]
    last = seen[-1]
    width = 4 if per == "year" else 7
    if lo:
        first = min(first, lo[:width])
    if hi:
        last = max(last, hi[:width])
    return Chart(
        per=per,
        by=by,
        periods=period_range(first, last, per),
        series=kept + ([OTHER] if merged else []),
        counts=dict(counts),
        totals=dict(totals),
        events=events,
        dropped=dropped,
        spread=spread,
        multi=multi,
        merged=merged,
    )


# ---------------------------------------------------------------------------------------------
# swimlanes


@dataclass(frozen=True)
class Span:
    """One event on a lane: its (clipped) ISO bounds, and whether it is drawn as a bar."""

    id: str
    start: str
    end: str
    bar: bool  # a range ("2008/2013-12", "since 2008"), not one date at some precision (2012)


@dataclass
class Lanes:
    first: int  # first year on the axis
    last: int  # last year on the axis
    by: By
    lanes: list[tuple[str, list[Span]]]  # (name, spans in date order), busiest lane first
    events: int = 0
    merged: list[str] = field(default_factory=list)


def lanes(
    rows: Iterable[Row],
    *,
    by: By = "actor",
    top: int | None = None,
    clip: tuple[str | None, str | None] = (None, None),
) -> Lanes:
    """One lane per actor (topic, source) with a span for each of its events."""
    if top is not None and top < 1:
        raise RusinoError(f"--top {top} keeps no lane", "give --top 1 or more", ExitCode.USAGE)
    by_lane: dict[str, list[Span]] = {}
    events = 0
    first = last = None
    for row in rows:
        span = _clip(str(row["start"]), str(row["end"]), clip)
        if span is None:
            continue
        events += 1
        item = Span(str(row["id"]), span[0], span[1], "/" in str(row["date"]))
        first = min(first or span[0], span[0])
        last = max(last or span[1], span[1])
        for name in series_of(row, by):
            by_lane.setdefault(name, []).append(item)
    if first is None or last is None:
        return Lanes(0, -1, by, [], 0)
    sizes = Counter({k: len(v) for k, v in by_lane.items()})
    kept, merged = _top(sizes, top)
    out: list[tuple[str, list[Span]]] = [(k, by_lane[k]) for k in kept]
    if merged:
        seen: dict[str, Span] = {}
        for k in merged:
            for s in by_lane[k]:
                seen.setdefault(s.id, s)
        out.append((OTHER, sorted(seen.values(), key=lambda s: (s.start, s.end, s.id))))
    lo, hi = clip
    y0 = int((min(first, lo) if lo else first)[:4])
    y1 = int((max(last, hi) if hi else last)[:4])
    return Lanes(y0, y1, by, out, events, merged)


def year_fraction(iso: str, *, end: bool = False) -> float:
    """Where a day lies on a year axis, in years: 2012-07-01 -> 2012.497...; ``end`` takes the
    end of the day, so a span 2012-01-01..2012-12-31 covers exactly [2012, 2013)."""
    d = dt.date.fromisoformat(iso)
    start = dt.date(d.year, 1, 1)
    days = (dt.date(d.year + 1, 1, 1) - start).days
    return d.year + ((d - start).days + (1 if end else 0)) / days
