"""Start-up and query speed of everyday commands, as ratios to the floor (run by hand).

    python bench/cli_speed.py [--runs 21]

Every command runs in the same virtualenv as this script, in the same run, so the ratios compare
like with like; absolute times on a shared machine are noise. The floor is the cost of starting
Python and importing what any Typer CLI over SQLite must import:
`python -c "import typer, sqlite3"`.
The peer is `sqlite-utils query` answering the same question on the same database.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DB = ROOT / "data" / "events.sqlite"

JAPAN_SQL = (
    "select e.* from events e join event_actors a on a.event = e.id "
    "where a.actor = 'Japan' order by e.date_start, e.id"
)


def commands() -> dict[str, list[str]]:
    py = sys.executable
    rusino = [str(BIN / "rusino")] if (BIN / "rusino").exists() else [py, "-m", "rusino"]
    sqlite_utils = shutil.which("sqlite-utils", path=str(BIN)) or "sqlite-utils"
    return {
        "floor: python -c 'import typer, sqlite3'": [py, "-c", "import typer, sqlite3"],
        "rusino timeline --actor Japan --format tsv": [
            *rusino,
            "timeline",
            "--actor",
            "Japan",
            "--format",
            "tsv",
        ],
        "rusino timeline --actor Japan --format table": [
            *rusino,
            "timeline",
            "--actor",
            "Japan",
            "--format",
            "table",
        ],
        "rusino facts trade (piped)": [*rusino, "facts", "trade"],
        "peer: sqlite-utils query (same rows)": [sqlite_utils, "query", str(DB), JAPAN_SQL],
    }


def median_seconds(argv: list[str], runs: int) -> float:
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True
        )
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs per command (median taken)")
    args = parser.parse_args()
    # With PYTHONDONTWRITEBYTECODE set (as on our machines) an editable install would recompile
    # rusino on every run; a wheel install ships compiled modules, so compile once, like it.
    import rusino

    compileall.compile_dir(Path(rusino.__file__).parent, quiet=1)
    results = {name: median_seconds(argv, args.runs) for name, argv in commands().items()}
    floor = next(iter(results.values()))
    print(f"median of {args.runs} runs, Python {sys.version.split()[0]}")
    print(f"{'command':48} {'median ms':>10} {'x floor':>8}")
    for name, seconds in results.items():
        print(f"{name:48} {seconds * 1000:10.1f} {seconds / floor:8.2f}")


if __name__ == "__main__":
    main()
