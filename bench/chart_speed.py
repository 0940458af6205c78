"""Speed of `rusino chart` (piped, drawn, lanes, saved) against `timeline` (run by hand).

    python bench/chart_speed.py [--runs 11] [--events 50000]

Each command runs on the bundled database and on a copy grown to --events events (random dates
and actors, generated into a temporary folder and deleted afterwards), so the table shows both the
start-up cost and how the counting scales. Times are medians in milliseconds; the ratio column is
to `timeline --format tsv` on the same database, the listing a chart counts.
"""

from __future__ import annotations

import argparse
import compileall
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rusino.build import refresh_derived

ROOT = Path(__file__).resolve().parents[1]
DB = ROOT / "data" / "events.sqlite"
RUSINO = [sys.executable, "-m", "rusino"]

COMMANDS: dict[str, list[str]] = {
    "timeline --format tsv": ["timeline", "--format", "tsv"],
    "chart (piped tsv)": ["chart"],
    "chart --by actor --format table": ["chart", "--by", "actor", "--format", "table"],
    "chart --per month --by topic --format json": [
        "chart",
        "--per",
        "month",
        "--by",
        "topic",
        "--format",
        "json",
    ],
    "chart --lanes --format table": ["chart", "--lanes", "--format", "table"],
    "chart --by actor --save x.svg": ["chart", "--by", "actor", "--save", "{tmp}/x.svg"],
    "facts --chart": ["facts", "--chart"],
}


def grow(src: Path, dst: Path, events: int) -> None:
    shutil.copyfile(src, dst)
    conn = sqlite3.connect(dst)
    actors = [str(r[0]) for r in conn.execute("SELECT name FROM actors")]
    rng = random.Random(7)
    rows = []
    links = []
    for i in range(events):
        y = rng.randint(2000, 2017)
        m = rng.randint(1, 12)
        span = rng.random() < 0.2
        start = f"{y}-{m:02d}-01"
        end = f"{min(2017, y + rng.randint(1, 4))}-12-31" if span else f"{y}-{m:02d}-28"
        date = f"{y}/{end[:4]}" if span else f"{y}-{m:02d}"
        rows.append((f"bench-{i:06d}", date, start, end, "year" if span else "month"))
        links += [(f"bench-{i:06d}", a) for a in rng.sample(actors, 2)]
    conn.executemany(
        "INSERT INTO events (id, date, date_start, date_end, date_text, precision, in_window,"
        " summary, source, quote) SELECT ?, ?, ?, ?, 'text', ?, 1, 'bench', id, 'q'"
        " FROM sources LIMIT 1",
        rows,
    )
    conn.executemany("INSERT INTO event_actors (event, actor) VALUES (?, ?)", links)
    refresh_derived(conn)  # the events' lists and digests, as every rusino writer writes them
    conn.commit()
    conn.close()


def median_ms(args: list[str], db: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(
            [*RUSINO, "--db", str(db), *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
            env={"COLUMNS": "100", "PATH": "/usr/bin:/bin"},
        )
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--events", type=int, default=50000)
    a = ap.parse_args()
    compileall.compile_dir(str(ROOT / "src" / "rusino"), quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.sqlite"
        grow(DB, big, a.events)
        n_small = sqlite3.connect(DB).execute("SELECT count(*) FROM events").fetchone()[0]
        n_big = sqlite3.connect(big).execute("SELECT count(*) FROM events").fetchone()[0]
        print(f"| command | bundled ({n_small} events) | ratio | grown ({n_big} events) | ratio |")
        print("|---|---:|---:|---:|---:|")
        base: dict[Path, float] = {}
        for name, args in COMMANDS.items():
            cells = []
            for db in (DB, big):
                ms = median_ms([x.replace("{tmp}", tmp) for x in args], db, a.runs)
                base.setdefault(db, ms)
                cells += [f"{ms:.0f} ms", f"{ms / base[db]:.2f}"]
            print(f"| `{name}` | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
