"""Speed of theme reports over 100,000 coded segments on PostgreSQL: the report service alone,
and the whole report page (middleware, counting, suppression, charts, template), each the median
of five runs, with the number of queries.

Creates (and afterwards drops) a database of its own on the local PostgreSQL server; only ever
talks to 127.0.0.1.

    .venv/bin/python tests/benchmarks/report_speed.py [--segments 100000] [--runs 5] [--keep]
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "site")]
from tests.benchmarks.docs_writer import machine, write_section  # noqa: E402

ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
DB_NAME = "ehl_bench_reports"
BATCH = 5000
TARGET_MS = 1000


def _env() -> dict:
    env = dict(os.environ)
    env.update(
        # The test settings: DEBUG off (no query log), plain static files (no collectstatic).
        DJANGO_SETTINGS_MODULE="ehl.settings.test",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        LOG_LEVEL="WARNING",
        # One connection kept across requests, as production does, so its backend's CPU time
        # can be read.
        DATABASE_CONN_MAX_AGE="60",
    )
    return env


def setup_database() -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    for command in (["migrate", "--noinput"], ["load_reference_data"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=REPO,
            env=_env(),
            check=True,
            capture_output=True,
        )


def drop_database() -> None:
    from django.db import connections

    connections.close_all()
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def _occasions(rng, people: int, places, groups, sources, leaves, weights):
    """What each person brings: one or two occasions (a session, a survey, a conversation) with
    a date, a round, a Place and a source, and the few themes they talk about."""
    start = datetime.date(2025, 1, 1)
    out = []
    for person in range(people):
        group = groups[person % len(groups)]
        themes = list(dict.fromkeys(rng.choices(leaves, weights=weights, k=rng.randint(2, 5))))
        for _ in range(1 if rng.random() < 0.7 else 2):
            day = start + datetime.timedelta(days=rng.randrange(730))
            source = sources[rng.randrange(len(sources))]
            # Roundtables come in rounds; other evidence has none.
            round_number = 1 + (day - start).days // 250 if source == "roundtable" else None
            out.append(
                {
                    "person": f"bench-person-{person}",
                    "group": group,
                    "place": places[rng.randrange(len(places))],
                    "day": day,
                    "round": round_number,
                    "source": source,
                    "themes": themes,
                }
            )
    return out


def seed(n_segments: int) -> None:
    """n segments from n/10 people over two years and the nine Places. People speak on one or
    two occasions each and about a few themes each, some themes far more often than others;
    every segment has one to three codes a person accepted, mostly on sub-themes, and about
    half have a machine suggestion that does not count; one in a hundred is a flagged quote."""
    from django.db import connection

    from engagement.models import Place
    from insights.models import Code, Segment, SegmentReview, Theme

    rng = random.Random(7)
    places = list(Place.objects.all())
    approved = list(Theme.objects.filter(status=Theme.Status.APPROVED))
    leaves = [t for t in approved if t.parent_id] or approved
    weights = [1 / (rank + 1) for rank in range(len(leaves))]
    rng.shuffle(leaves)
    groups = ["resident", "employer", "health", "employment-support", "vcfse"]
    sources = [choice for choice, _ in Segment.SourceType.choices]
    occasions = _occasions(rng, max(1, n_segments // 10), places, groups, sources, leaves, weights)
    made = 0
    while made < n_segments:
        size = min(BATCH, n_segments - made)
        picked = [occasions[(made + i) % len(occasions)] for i in range(size)]
        segments = Segment.objects.bulk_create(
            [
                Segment(
                    source_type=o["source"],
                    source_id=f"bench-{(made + i) % len(occasions)}",
                    position=(made + i) // len(occasions),
                    stakeholder_group=o["group"],
                    place=o["place"],
                    said_on=o["day"],
                    round_number=o["round"],
                    person_key=o["person"],
                    text=f"A fictional thing someone said about health and work, {made + i}.",
                )
                for i, o in enumerate(picked)
            ]
        )
        codes, reviews = [], []
        for segment, occasion in zip(segments, picked, strict=True):
            themes = occasion["themes"]
            chosen = rng.sample(themes, min(len(themes), rng.choice([1, 1, 1, 2, 2, 3])))
            for theme in chosen:
                codes.append(
                    Code(
                        segment=segment,
                        theme=theme,
                        origin=Code.Origin.PERSON,
                        status=Code.Status.ACCEPTED,
                        score=round(rng.random(), 3),
                    )
                )
            extra = rng.choice(approved)
            if extra not in chosen and rng.random() < 0.5:
                codes.append(
                    Code(
                        segment=segment,
                        theme=extra,
                        origin=Code.Origin.MODEL,
                        status=Code.Status.SUGGESTED,
                        score=round(rng.random(), 3),
                    )
                )
            if rng.random() < 0.01:
                reviews.append(SegmentReview(segment=segment, powerful_quote=True))
        Code.objects.bulk_create(codes, batch_size=BATCH)
        SegmentReview.objects.bulk_create(reviews, batch_size=BATCH)
        made += size
        print(f"  seeded {made:,} segments", flush=True)
    # As autovacuum would have by the time anyone reads a report: statistics, visibility map.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _counts() -> dict:
    from insights.models import Code, Segment, Theme

    return {
        "segments": Segment.objects.count(),
        "codes": Code.objects.filter(status=Code.Status.ACCEPTED).count(),
        "suggestions": Code.objects.exclude(status=Code.Status.ACCEPTED).count(),
        "themes": Theme.objects.filter(status=Theme.Status.APPROVED).count(),
        "people": Segment.objects.values("person_key").distinct().count(),
    }


def _backend_cpu_seconds() -> float | None:
    """CPU time the PostgreSQL backend serving this connection has used so far (it runs on this
    machine), to tell work from waiting for a core the machine's other processes hold."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(action, runs: int) -> dict:
    """Medians over ``runs`` calls (after one warm-up) of wall-clock, Python CPU and database
    CPU milliseconds, and the number of queries of one call."""
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    action()
    # A wrapper rather than the query log: a request through the client resets the log.
    with connection.execute_wrapper(count):
        action()
    wall, python, database = [], [], []
    for _ in range(runs):
        db_before = _backend_cpu_seconds()
        cpu_before, started = time.process_time(), time.perf_counter()
        action()
        wall.append((time.perf_counter() - started) * 1000)
        python.append((time.process_time() - cpu_before) * 1000)
        db_after = _backend_cpu_seconds()
        if db_before is not None and db_after is not None:
            database.append((db_after - db_before) * 1000)
    return {
        "wall": statistics.median(wall),
        "python": statistics.median(python),
        "database": statistics.median(database) if database else None,
        "queries": len(queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="leave the database for a look")
    parser.add_argument(
        "--reuse", action="store_true", help="time against a database left by --keep"
    )
    args = parser.parse_args()

    if not args.reuse:
        print(f"Creating {DB_NAME} and migrating…", flush=True)
        setup_database()
    os.environ.update(_env())
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from engagement.models import Place, User
    from engagement.roles import Role, assign_roles
    from insights.services.reports import theme_report

    setup_test_environment()
    try:
        if args.reuse:
            counts = _counts()
        else:
            print(f"Seeding {args.segments:,} coded segments…", flush=True)
            seed(args.segments)
            counts = _counts()
        lead, _ = User.objects.get_or_create(email="bench-lead@example.org")
        assign_roles(lead, [Role.LEAD])
        client = Client()
        client.force_login(lead)
        place = Place.objects.order_by("name").first()

        def page(query=""):
            response = client.get(f"/work/reports/{query}")
            assert response.status_code == 200, response.status_code
            return response

        from django.core.cache import cache

        def cold(action):
            # The first reading after the evidence changed: nothing kept to serve.
            def run():
                cache.clear()
                return action()

            return run

        scenarios = [
            ("Report service, counted afresh, all evidence", lambda: theme_report({}, fresh=True)),
            (
                "Report service, counted afresh, one Place",
                lambda: theme_report({"place": place.key}, fresh=True),
            ),
            ("Report page (GET /work/reports/), all evidence, first reading", cold(page)),
            (
                "Report page, one Place and round 2, first reading",
                cold(lambda: page(f"?place={place.key}&round_number=2")),
            ),
            ("Report page, all evidence, evidence unchanged since last reading", lambda: page()),
            (
                "Report page, one Place and round 2, evidence unchanged",
                lambda: page(f"?place={place.key}&round_number=2"),
            ),
        ]
        results = []
        for name, action in scenarios:
            result = timed(action, args.runs)
            results.append((name, result))
            print(
                f"  {name}: median {result['wall']:.0f} ms, {result['queries']} queries",
                flush=True,
            )
    finally:
        if not args.keep:
            drop_database()

    def ms(value) -> str:
        return "–" if value is None else f"{value:.0f}"

    rows = "\n".join(
        f"| {name} | {ms(r['wall'])} | {ms(r['python'])} | {ms(r['database'])} | {r['queries']} |"
        for name, r in results
    )
    cold_pages = [r["wall"] for name, r in results if "page" in name and "first" in name]
    warm_pages = [r["wall"] for name, r in results if "page" in name and "unchanged" in name]
    worst_cold, worst_warm = max(cold_pages), max(warm_pages)
    verdict = (
        f"{'met' if worst_warm < TARGET_MS else 'NOT met'} for a report read again while the "
        f"evidence is unchanged (slowest {worst_warm:.0f} ms); "
        f"{'met' if worst_cold < TARGET_MS else 'NOT met'} for the first reading after a change, "
        f"which counts afresh (slowest {worst_cold:.0f} ms)"
    )
    load = os.getloadavg()[0]
    command = (
        ".venv/bin/python tests/benchmarks/report_speed.py "
        f"--segments {args.segments} --runs {args.runs}"
    )
    body = f"""
Command: `{command}`
Machine: {machine()}, load average {load:.1f} when measured (the machine is shared).
PostgreSQL on the same machine; Django in-process (test settings: DEBUG off, one persistent
connection), timed around the service call and around a full request through the test client
(every middleware, the counting queries, suppression, charts and the template). Median of
{args.runs} runs after one warm-up; the CPU columns show the work done, the first column also
the waiting for a core. Data: {counts["segments"]:,} segments from
{counts["people"]:,} people, {counts["codes"]:,} accepted codes over {counts["themes"]} approved
themes (the starter codebook) and {counts["suggestions"]:,} machine suggestions that do not count.
Date: {time.strftime("%Y-%m-%d")}.

| scenario | median ms | Python CPU ms | database CPU ms | queries |
|---|---|---|---|---|
{rows}

Target: the report page over 100,000 coded segments in under {TARGET_MS} ms of server time with
a bounded number of queries: {verdict}. The query count does not grow with the data
(`tests/insights/test_reports_service.py` asserts it).

A counted report is kept (`insights/services/report_cache.py`) and served again until the
evidence changes: each reading checks a fingerprint of codes, segments, reviews and themes (five
small aggregates, in the query count of the "unchanged" rows), so a new code, a withdrawal or a
coding run is seen at once, from any process.

Every count of a report is one SQL statement (`insights/services/report_counts.py`): the
segments in scope and their accepted codes are read once, then each figure is a hashed
DISTINCT and GROUP BY over them; a filtered report (one Place) reads far fewer rows. The
database CPU column is that statement's own work on this machine; the difference from the
first column is time spent waiting for a core.
"""
    print(body)
    write_section("Theme reports: 100,000 coded segments", body)


if __name__ == "__main__":
    main()
