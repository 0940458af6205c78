"""Speed of `rusino diff` on two sides of 100,000 events each, as a ratio to `timeline` (by hand).

    python bench/diff_speed.py [--events 100000] [--runs 7] [--keep DIR]

Writes two synthetic databases with rusino's schema (the second: 5% of the events dropped, 5%
new, 1% with a changed summary) into a temporary folder, then times, each the median of --runs:

* ``timeline`` over one database, piped (TSV): the floor, the same rows read and written once;
* ``diff db:A db:B`` piped (marks + TSV), as a real process;
* the same diff with ``--format jsonl``; with ``--only changed`` (the whole comparison, every
  category counted, without the cost of writing 105,000 lines); and with ``--quiet`` (the
  comparison alone: exit status only);
* the in-process core alone (``rusino.diff.diff``: both queries and the comparison).

Everything runs in this virtualenv, in the same run, so the ratios compare like with like.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rusino.build import refresh_derived, schema_sql

ACTORS = ["Russia", "China", "Japan", "Vietnam", "United States", "South Korea", "ASEAN"]
TOPICS = ["energy", "trade", "diplomacy", "military", "naval-exercise", "investment"]


def write_db(path: Path, ids: list[int], changed: set[int], seed: int) -> None:
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    conn.executescript(schema_sql())
    conn.execute(
        "INSERT INTO sources (id, authors, title, publication, date, date_start, date_end, kind)"
        " VALUES ('synthetic', '[\"A. Writer\"]', 'Synthetic', 'Bench', '2016', '2016-01-01',"
        " '2016-12-31', 'op-ed')"
    )
    conn.executemany(
        "INSERT INTO notes VALUES ('synthetic', ?, ?)", [(n, f"note {n}") for n in range(1, 51)]
    )
    conn.executemany("INSERT INTO actors VALUES (?, 'state', '')", [(a,) for a in ACTORS])
    conn.executemany("INSERT INTO actor_aliases VALUES (?, ?)", [(a.lower(), a) for a in ACTORS])
    conn.executemany("INSERT INTO topics VALUES (?, '')", [(t,) for t in TOPICS])
    conn.executemany("INSERT INTO topic_aliases VALUES (?, ?)", [(t, t) for t in TOPICS])
    events, links_a, links_t, links_n = [], [], [], []
    for i in ids:
        r = random.Random(i)  # the same event on both sides, whatever the seed
        year, month, day = 2009 + r.randrange(8), 1 + r.randrange(12), 1 + r.randrange(28)
        date = f"{year}-{month:02d}-{day:02d}"
        eid = f"{date}-synthetic-event-{i:07d}"
        summary = f"Synthetic event {i}: " + " ".join(r.choice(ACTORS) for _ in range(6))
        if i in changed:
            summary += " (revised)"
        events.append(
            (eid, date, date, date, f"on {date}", "day", 0, 1, summary, "synthetic", summary, "")
        )
        for a in r.sample(ACTORS, 2):
            links_a.append((eid, a))
        links_t.append((eid, r.choice(TOPICS)))
        links_n.append((eid, "synthetic", 1 + r.randrange(50)))
    rng.shuffle(events)  # insertion order must not matter
    conn.executemany(
        "INSERT INTO events (id, date, date_start, date_end, date_text, precision, inferred,"
        " in_window, summary, source, quote, comment) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        events,
    )
    conn.executemany("INSERT INTO event_actors VALUES (?, ?)", links_a)
    conn.executemany("INSERT INTO event_topics VALUES (?, ?)", links_t)
    conn.executemany("INSERT INTO event_notes VALUES (?, ?, ?)", links_n)
    refresh_derived(conn)
    conn.execute("INSERT INTO metadata VALUES ('schema_version', '2')")
    conn.commit()
    conn.close()


def median(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm the page cache and the bytecode
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def process(args: list[str]) -> Callable[[], object]:
    env = {**os.environ, "NO_COLOR": "1"}
    argv = [sys.executable, "-m", "rusino", *args]

    def run() -> int:
        p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        if p.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(args)}: exit {p.returncode}: {p.stderr.decode()}")
        return p.returncode

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000, help="events on each side")
    parser.add_argument("--runs", type=int, default=7, help="runs per measure (median taken)")
    parser.add_argument("--keep", type=Path, help="write the databases here and keep them")
    args = parser.parse_args()

    n = args.events
    folder = args.keep or Path(tempfile.mkdtemp(prefix="rusino-diff-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    a, b = folder / "a.sqlite", folder / "b.sqlite"
    drop = n // 20
    left_ids = list(range(n))
    right_ids = list(range(drop, n + drop))  # the first 5% dropped, 5% new
    changed = set(range(drop, n, 100))  # 1%
    for path in (a, b):
        path.unlink(missing_ok=True)
    write_db(a, left_ids, set(), seed=1)
    write_db(b, right_ids, changed, seed=2)

    from rusino import db
    from rusino import diff as core

    def in_process() -> object:
        d = core.diff(f"db:{a}", f"db:{b}", core.Filters(), core.Sources(lambda: db.connect(a)))
        return d.counts

    counts = core.diff(f"db:{a}", f"db:{b}", core.Filters(), core.Sources(lambda: db.connect(a)))
    results = {
        f"timeline over {n:,} events (piped tsv)": median(
            process(["--db", str(a), "timeline"]), args.runs
        ),
        f"diff db:A db:B, {n:,} events each (piped)": median(
            process(["diff", f"db:{a}", f"db:{b}"]), args.runs
        ),
        "diff db:A db:B --format jsonl": median(
            process(["diff", f"db:{a}", f"db:{b}", "--format", "jsonl"]), args.runs
        ),
        "diff db:A db:B --only changed": median(
            process(["diff", f"db:{a}", f"db:{b}", "--only", "changed"]), args.runs
        ),
        "diff db:A db:B --quiet": median(
            process(["diff", f"db:{a}", f"db:{b}", "--quiet"]), args.runs
        ),
        "start-up floor: python -c 'import typer, sqlite3'": median(
            lambda: subprocess.run([sys.executable, "-c", "import typer, sqlite3"], check=True),
            args.runs,
        ),
        "core only: rusino.diff.diff() in process": median(in_process, args.runs),
    }
    floor = next(iter(results.values()))
    print(f"median of {args.runs} runs, Python {sys.version.split()[0]}; {counts.counts}")
    print(f"| {'measure':46} | {'median ms':>9} | {'x timeline':>10} |")
    print(f"|{'-' * 48}|{'-' * 10}:|{'-' * 11}:|")
    for name, seconds in results.items():
        print(f"| {name:46} | {seconds * 1000:9.0f} | {seconds / floor:10.2f} |")
    if not args.keep:
        for path in (a, b):
            path.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
