"""What an import's time is made of: Python's work and SQLite's, each alone (run by hand).

    python bench/import_floor.py [--events 1000000] [--keep DIR]

Runs `rusino import` of the synthetic events of bench/import_export_speed.py (made in DIR if
they are not there) three ways, in the same run:

1. as `rusino import` runs it, with its writer thread;
2. the same import on one thread, every SQLite call timed: the time spent inside SQLite's calls
   is SQLite's work (binding parameters included), the rest is Python's (reading, validating,
   digesting, looping);
3. from these, the floor of any design that keeps the same work: on one core, Python + SQLite;
   on two, at least the larger of the two and at least half their sum (SQLite's calls let the GIL
   go, Python's work keeps it);
4. SQLite alone, with no Python in the loop: the imported rows copied, table to table, into an
   empty database with every index and the full-text index built after the last row (the
   cheapest order for SQLite). No import, however its Python side is written, writes the same
   tables faster on one connection.

A design meets 50,000 rows/s only if its floor on this machine allows it.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import import_export_speed as speed  # the same synthetic events

from rusino import build, export, store


class Timed:
    """A connection whose every call is timed, its rows read inside the timing."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.seconds = 0.0
        self.by_statement: dict[str, float] = {}

    def _timed(self, call: Callable[..., Any], *args: Any) -> Rows:
        start = time.perf_counter()
        try:
            return Rows(call(*args).fetchall())
        finally:
            took = time.perf_counter() - start
            self.seconds += took
            key = " ".join(str(args[0]).split())[:60]
            self.by_statement[key] = self.by_statement.get(key, 0.0) + took

    def execute(self, *args: Any) -> Rows:
        return self._timed(self.conn.execute, *args)

    def executemany(self, *args: Any) -> Rows:
        return self._timed(self.conn.executemany, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)


class Rows:
    def __init__(self, rows: list[Any]) -> None:
        self.rows = rows

    def fetchone(self) -> Any:
        return self.rows[0] if self.rows else None

    def fetchall(self) -> list[Any]:
        return self.rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)


class OneThread:
    """store._Background's interface, running each task at once on the calling thread."""

    def __init__(self, conn: Any) -> None:
        pass

    def __enter__(self) -> OneThread:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def submit(self, task: Callable[[], None]) -> None:
        task()

    def busy(self) -> bool:
        return False

    def idle(self) -> None:
        pass


def one_thread(work: Path, source: Path) -> tuple[float, float]:
    """(seconds in all, seconds inside SQLite's calls) of the import on one thread."""
    db = speed.fresh_db(work / "floor.sqlite")
    store._Background = OneThread  # type: ignore[assignment,misc]
    conn = Timed(store.connect_writable(db))
    start = time.perf_counter()
    opts = store.Options(new_actors=True)
    with source.open("rb") as handle:
        store.import_rows(conn, export.read_jsonl(handle, source.name), opts)
    total = time.perf_counter() - start
    conn.close()
    for key, seconds in sorted(conn.by_statement.items(), key=lambda kv: -kv[1])[:12]:
        print(f"{seconds:6.1f} s  {key}", file=sys.stderr)
    return total, conn.seconds


def sqlite_alone(work: Path, imported: Path) -> float:
    """Seconds to copy every content table of `imported` into an empty database in SQL, each
    index (and the full-text one) built after its rows, in one transaction."""
    db = work / "sqlite-alone.sqlite"
    db.unlink(missing_ok=True)
    subprocess.run(
        [*speed.RUSINO, "db", "init", "--empty", str(db)], check=True, stderr=subprocess.DEVNULL
    )
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA cache_size = -32768")  # as store.connect_writable
    conn.execute("ATTACH ? AS imported", (str(imported),))
    start = time.perf_counter()
    conn.execute("BEGIN")
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    for table in build.FTS_COLUMNS:
        conn.execute(f"DROP TRIGGER {table}_ai")  # the full-text index is rebuilt at the end
    for table in build.CONTENT_TABLES:
        conn.execute(f"INSERT INTO {table} SELECT * FROM imported.{table}")
    for _, sql in indexes:
        conn.execute(sql)
    for table in build.FTS_COLUMNS:
        fts = f"{table}_fts"
        conn.execute(f"INSERT INTO {fts} ({fts}, rank) VALUES ('hashsize', ?)", (store.FTS_HASH,))
        conn.execute(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")
    conn.execute("COMMIT")
    took = time.perf_counter() - start
    conn.close()
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="work in DIR and keep the files")
    args = parser.parse_args()
    with speed.work_folder(args.keep, "rusino-floor-") as work:
        source = work / "events.jsonl"
        if not source.exists():
            speed.generate(source, args.events)
        n = speed.count_lines(source)
        threaded, _ = speed.measure(speed.import_cmd(speed.fresh_db(work / "floor.sqlite"), source))
        total, sqlite = one_thread(work, source)
        alone = sqlite_alone(work, work / "floor.sqlite")
        python = total - sqlite
        two = max(python, sqlite, total / 2)
        print(f"| {n:,} events | time | rows/s |")
        print("|---|---|---|")
        for label, seconds in (
            ("`rusino import` (writer thread)", threaded),
            ("one thread: all", total),
            ("one thread: inside SQLite's calls", sqlite),
            ("one thread: Python's own work", python),
            ("floor on two cores: max(Python, SQLite, all / 2)", two),
            ("SQLite alone: the same rows table to table, indexes after", alone),
        ):
            print(f"| {label} | {seconds:.1f} s | {n / seconds:,.0f} |")
        print(
            f"\n`rusino import` runs at {two / threaded:.2f}x the two-core floor's speed; "
            f"50,000 rows/s needs {n / 50_000:.1f} s."
        )


if __name__ == "__main__":
    main()
