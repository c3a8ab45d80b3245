"""Which order of review teaches the learned model most: a simulated reviewer on the shared data.

    .venv/bin/python tests/benchmarks/active_learning.py           # ~25 minutes, writes the docs
    .venv/bin/python tests/benchmarks/active_learning.py --quick   # one seed, prints only

Every figure comes from ``python -m nlp simulate --json`` run as a subprocess, on the same seeded
80/20 splits as ``nlp_quality.py`` (pool = the 80% part, scored on the held-out 20%). The
strategy was chosen by running the same command on a second split *inside* the 80% part, never
on the held-out rows. The targets (issue #16): the product's strategy with 500 codes reaches at
least the macro-F1 that ``random`` reaches with 1,000; one step under 15 s (timed with a test
set of about 4,000 rows); a whole 1,000-code simulation under 6 minutes. Verdicts are computed
from the figures. Two simulations run side by side on a 2-core machine, so the quality runs'
seconds are not the speed figures: those come from one run on its own at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.benchmarks.docs_writer import machine, write_section  # noqa: E402
from tests.benchmarks.nlp_quality import (  # noqa: E402
    DEFINITIONS,
    SAD,
    V6,
    Runner,
    data_dir,
    split_file,
    splits_dir,
)

TITLE = "NLP engine: choosing what people review"
SEEDS = (0, 1, 2)
BUDGET, STEP, START, HALF = 1000, 50, 50, 500
STEP_TARGET_SECONDS, RUN_TARGET_SECONDS = 15.0, 360.0
# (name shown, strategy, extra options); "random + codebook words" separates what the order
# adds from what learning from the codebook's words adds.
V6_RUNS = (
    ("random", "random", []),
    ("queue (lowest best score first)", "queue", []),
    ("useful (the product's)", "useful", []),
    ("random + codebook words", "random", ["--priors", "on"]),
)
SAD_RUNS = V6_RUNS[:3]


def _simulate(runner: Runner, pool: Path, test: Path, strategy: str, seed: int, extra, codebook):
    argv = ["simulate", "--pool", str(pool), "--test", str(test), "--strategy", strategy]
    argv += ["--start", str(START), "--budget", str(BUDGET), "--step", str(STEP)]
    argv += ["--seed", str(seed), "--json", *extra]
    if codebook:
        argv += ["--codebook", str(codebook)]
    return runner.run(argv)


def _macro_at(result: dict, n: int) -> float:
    return next(s["macro_f1"] for s in result["steps"] if s["n_coded"] >= n)


def quality(runner: Runner, name: str, pool: Path, test: Path, runs, codebook, seeds):
    """Mean macro-F1 at 500 and 1,000 codes per strategy, and each seed's command."""
    jobs = [(label, strategy, extra, seed) for label, strategy, extra in runs for seed in seeds]
    with ThreadPoolExecutor(max_workers=2) as pool_of_two:
        done = list(
            pool_of_two.map(
                lambda job: _simulate(runner, pool, test, job[1], job[3], job[2], codebook), jobs
            )
        )
    table = {}
    for (label, _strategy, _extra, seed), (result, command) in zip(jobs, done, strict=True):
        row = table.setdefault(label, {"half": [], "full": [], "command": command})
        row["half"].append(_macro_at(result, HALF))
        row["full"].append(_macro_at(result, BUDGET))
        if seed == seeds[0]:
            row["command"] = command
    return name, table


def speed(runner: Runner, pool: Path, big_test: Path, codebook: Path) -> dict:
    result, command = _simulate(runner, pool, big_test, "useful", 0, [], codebook)
    steps = [s["seconds"] for s in result["steps"]]
    return {
        "median_step": statistics.median(steps),
        "max_step": max(steps),
        "total": result["seconds"],
        "n_test": result["n_test"],
        "command": command,
    }


def _body(tables, timing, seeds) -> str:
    lines = [
        f"Measured {dt.date.today().isoformat()} on {machine()} by "
        "`.venv/bin/python tests/benchmarks/active_learning.py`, two simulations at a time.",
        "",
        "A simulated reviewer codes the pool 50 segments at a time in the order a strategy "
        "chooses (only the chosen rows' labels are revealed), the model is retrained after each "
        "batch and scored on the held-out 20%. `$SPLITS` are the seeded splits of "
        "`nlp_quality.py`. Macro-F1 is the mean over seeds "
        f"{', '.join(map(str, seeds))}; every theme of the held-out part counts, learned or not.",
        "",
    ]
    verdicts = []
    for name, table in tables:
        random_full = statistics.mean(table["random"]["full"])
        lines += [
            f"**{name}**",
            "",
            "| strategy | macro-F1 at 500 codes | macro-F1 at 1,000 codes | per seed at 500 | "
            "command (first seed) |",
            "|---|---|---|---|---|",
        ]
        for label, row in table.items():
            half, full = statistics.mean(row["half"]), statistics.mean(row["full"])
            per_seed = ", ".join(f"{x:.3f}" for x in row["half"])
            lines.append(f"| {label} | {half:.3f} | {full:.3f} | {per_seed} | `{row['command']}` |")
        useful_half = statistics.mean(table["useful (the product's)"]["half"])
        met = useful_half >= random_full
        verdicts.append(
            f"- {name}: useful with 500 codes {useful_half:.3f} against random with 1,000 "
            f"{random_full:.3f}: {'met' if met else 'NOT met'}."
        )
        lines.append("")
    lines += ["Target: the product's strategy with 500 codes ≥ random with 1,000 codes.", ""]
    lines += verdicts
    if timing:
        step_met = timing["max_step"] < STEP_TARGET_SECONDS
        run_met = timing["total"] < RUN_TARGET_SECONDS
        lines += [
            "",
            f"Speed, one simulation on its own (pool v6 80% part, test the whole v6 dev file, "
            f"{timing['n_test']} rows, embeddings cached): median step "
            f"{timing['median_step']:.1f} s, slowest {timing['max_step']:.1f} s (target < 15 s: "
            f"{'met' if step_met else 'NOT met'}); 1,000 codes in {timing['total']:.0f} s "
            f"(target < 6 minutes: {'met' if run_met else 'NOT met'}). "
            f"`{timing['command']}`",
        ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="seed 0 only; print, write nothing")
    args = parser.parse_args()
    data = data_dir()
    if not (data / V6).is_file():
        print(f"{data} is not present: nothing to measure.")
        return 0
    splits = splits_dir()
    v6_pool, v6_test, _, _ = split_file(data / V6, splits, "v6")
    sad_pool, sad_test, _, _ = split_file(data / SAD, splits, "sad")
    runner = Runner(data, splits)
    seeds = SEEDS[:1] if args.quick else SEEDS
    codebook = data / DEFINITIONS
    tables = [
        quality(
            runner, "NHS FFT v6 (with its definitions)", v6_pool, v6_test, V6_RUNS, codebook, seeds
        ),
        quality(runner, "SAD stressors (no codebook)", sad_pool, sad_test, SAD_RUNS, None, seeds),
    ]
    timing = speed(runner, v6_pool, data / V6, codebook)
    body = _body(tables, timing, seeds)
    print(body)
    if not args.quick:
        write_section(TITLE, body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
