"""How long the worked demo programme takes to load on the embedded defaults `make run` uses:
a fresh SQLite database, the database task queue, the real sentence model and name-finding
redaction. Times the whole `load_demo_data` (segment builds, embeddings, coding runs, training
and discovery included) and each stage it prints, then loads again to time the second run.

    .venv/bin/python tests/benchmarks/demo_load.py [--runs 1]

Target (issue 13): under 5 minutes on this machine, with progress printed as it goes."""

from __future__ import annotations

import argparse
import datetime
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "site")]
from tests.benchmarks.docs_writer import machine, write_section  # noqa: E402

TARGET_SECONDS = 300
STAGE = re.compile(r"^\[\s*([\d.]+) s\] (.*)$")


def _run(args: list[str], env: dict) -> tuple[float, str]:
    started = time.monotonic()
    out = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.monotonic() - started, out.stdout


def measure() -> dict:
    with tempfile.TemporaryDirectory() as directory:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ehl.settings.dev",
            "DATABASE_URL": f"sqlite:///{directory}/demo.sqlite3",
            "TASK_BACKEND": "database",
            "EHL_EMBEDDING_CACHE_DIR": f"{directory}/embeddings",
            "LOG_LEVEL": "WARNING",
        }
        _run(["migrate", "--noinput"], env)
        first, output = _run(["load_demo_data"], env)
        again, _ = _run(["load_demo_data"], env)
    stages = [m.groups() for line in output.splitlines() if (m := STAGE.match(line))]
    return {"first": first, "again": again, "stages": stages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    options = parser.parse_args()
    load = os.getloadavg()[0]
    runs = [measure() for _ in range(options.runs)]
    first = statistics.median(r["first"] for r in runs)
    again = statistics.median(r["again"] for r in runs)
    rows = "\n".join(f"| {seconds} | {what} |" for seconds, what in runs[0]["stages"])
    verdict = "met" if first < TARGET_SECONDS else "NOT met"
    body = f"""
Command: `.venv/bin/python tests/benchmarks/demo_load.py --runs {options.runs}`
Machine: {machine()}, load average {load:.1f} before the run (the machine is shared).
A fresh SQLite database, the database task queue, all-MiniLM-L6-v2 embeddings and spaCy name
finding, as `make run` has them; `load_demo_data` runs the worker's jobs (segment builds, two
coding runs, training, discovery) in its own process. Median of {options.runs} run(s).
Date: {datetime.date.today().isoformat()}.

| load | seconds |
|---|---|
| first load, from an empty database | {first:.0f} |
| second load (everything kept) | {again:.0f} |

Target: the first load under {TARGET_SECONDS} s: {first:.0f} s ({verdict}).

Progress as the first load printed it (seconds since the programme stage began):

| at (s) | stage |
|---|---|
{rows}
"""
    print(body)
    write_section("Demo programme: loading it on the embedded defaults", body)


if __name__ == "__main__":
    main()
