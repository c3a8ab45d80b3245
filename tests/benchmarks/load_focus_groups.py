"""Load test of the session listing and sign-up against gunicorn + PostgreSQL on loopback.

Bounded in time and in requests; only ever talks to 127.0.0.1. Creates (and afterwards drops)
a database of its own on the local PostgreSQL server.

    .venv/bin/python tests/benchmarks/load_focus_groups.py [--users 20] [--seconds 30]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import requests

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
from tests.benchmarks.docs_writer import machine, write_section  # noqa: E402

ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
DB_NAME = "ehl_bench_load"
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
# As a TLS-terminating proxy in front of gunicorn would say.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def server_env(db_name: str = DB_NAME, **overrides: str) -> dict:
    """The environment of a production-settings server on loopback against ``db_name``, with
    ``overrides`` on top (the benchmarks share it)."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="ehl.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{db_name}",
        DATABASE_CONN_MAX_AGE="60",
        SECURE_SSL_REDIRECT="false",
        EHL_REQUIRE_MFA_FOR_STAFF="false",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        TASK_BACKEND="database",
        LOG_LEVEL="WARNING",
    )
    env.update(overrides)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def _env() -> dict:
    # Every simulated person shares the loopback address; the per-client limit would
    # otherwise turn the benchmark into a test of the rate limiter.
    return server_env(EHL_SIGNUP_RATE_LIMIT="1000000")


def _manage(*args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=_env(), check=True, capture_output=True
    )


SEED = """
from datetime import timedelta
from django.utils import timezone
from engagement.models import FocusGroup, Organisation, Place
places = list(Place.objects.all())
org = Organisation.objects.create(
    name="Bench Community Trust", slug="bench-community-trust", kind="vcfse", place=places[0]
)
now = timezone.now()
groups = [FocusGroup(organisation=org, audience=["residents", "employers", "services"][i % 3],
    title=f"Session {i}", description="A conversation about health and work.",
    place=places[i % len(places)], venue_name="Hall", venue_address="1 Bench Street",
    starts_at=now + timedelta(days=1 + i % 60, hours=i % 8),
    ends_at=now + timedelta(days=1 + i % 60, hours=i % 8 + 2),
    capacity=20 if i else 30000, status="published") for i in range(300)]
FocusGroup.objects.bulk_create(groups)
print(FocusGroup.objects.get(title="Session 0").public_id)
"""


def setup_database() -> str:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    _manage("migrate", "--noinput")
    _manage("load_reference_data")
    _manage("collectstatic", "--noinput")
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SEED],
        cwd=REPO,
        env=_env(),
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"Seeding the benchmark database failed:\n{out.stderr[-2000:]}")
    return out.stdout.strip().splitlines()[-1]


def drop_database() -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def start_gunicorn(workers: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            str(REPO / ".venv/bin/gunicorn"),
            "--chdir",
            "site",
            "ehl.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=_env(),
        start_new_session=True,
    )
    for _ in range(100):
        try:
            if requests.get(f"{BASE}/healthz", timeout=1).status_code == 200:
                return proc
        except requests.RequestException:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("gunicorn did not start")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def run_scenario(name, users, seconds, action, think: float = 0.0) -> dict:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(index):
        nonlocal errors
        session = requests.Session()
        pause = random.Random(index)
        n = 0
        while time.monotonic() < deadline and n < 5000:
            n += 1
            started = time.perf_counter()
            ok = action(session, index, n)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                errors += 0 if ok else 1
            if think:
                time.sleep(pause.uniform(0.5 * think, 1.5 * think))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(users)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    return {
        "name": name,
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "p50": statistics.median(latencies),
        "p95": percentile(latencies, 95),
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean seconds a user waits between actions (0 for a flat-out stress run)",
    )
    args = parser.parse_args()

    load_before = os.getloadavg()[0]
    public_id = setup_database()
    server = start_gunicorn(args.workers)
    try:

        def listing(session, index, n):
            response = session.get(
                f"{BASE}/sessions/?page={1 + n % 3}", headers=PROXY_HEADERS, timeout=10
            )
            return response.status_code == 200

        signup_url = f"{BASE}/sessions/{public_id}/sign-up/"

        def signup(session, index, n):
            # One sign-up is a GET of the form and a POST of it, as a browser does; timed together.
            form = session.get(signup_url, headers=PROXY_HEADERS, timeout=10)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
            # Production cookies are Secure and this client speaks plain HTTP behind a pretend
            # TLS proxy, so the CSRF cookie is sent back by hand.
            cookie = form.cookies.get("csrftoken", "")
            response = session.post(
                signup_url,
                data={
                    "csrfmiddlewaretoken": token,
                    "name": "Bench Person",
                    "email": f"bench{index}-{n}@example.org",
                    "contact_preference": "email",
                    "consent_take_part": "on",
                },
                headers={
                    **PROXY_HEADERS,
                    "Referer": signup_url.replace("http://", "https://"),
                    "Cookie": f"csrftoken={cookie}",
                },
                allow_redirects=False,
                timeout=10,
            )
            return response.status_code == 302

        # Warm up the workers' caches and connections.
        run_scenario("warm-up", 4, 3, listing)
        results = [
            run_scenario("Listing (GET /sessions/)", args.users, args.seconds, listing, args.think),
            run_scenario("Sign-up (GET form + POST)", args.users, args.seconds, signup, args.think),
        ]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        drop_database()

    rows = "\n".join(
        f"| {r['name']} | {r['requests']} | {r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} "
        f"| {r['errors']} |"
        for r in results
    )
    command = (
        f".venv/bin/python tests/benchmarks/load_focus_groups.py --users {args.users} "
        f"--seconds {args.seconds} --workers {args.workers} --think {args.think:g}"
    )
    listing_p95, signup_p95 = results[0]["p95"], results[1]["p95"]
    verdict = (
        f"listing p95 {listing_p95:.0f} ms ({'met' if listing_p95 < 100 else 'NOT met'}), "
        f"sign-up p95 {signup_p95:.0f} ms ({'met' if signup_p95 < 300 else 'NOT met'})"
    )
    if args.think:
        pacing = (
            f"Each user waits {0.5 * args.think:g}–{1.5 * args.think:g} s (uniform) between "
            "actions, as a person reading a page does."
        )
        title = f"Focus groups: listing and sign-up, {args.users} people browsing"
    else:
        pacing = "No pause between requests: a stress run showing the most the machine can serve."
        title = "Focus groups: listing and sign-up, stress run"
    body = f"""
Command: `{command}`
Machine: {machine()}, load average {load_before:.1f} before the run (the machine is shared).
gunicorn ({args.workers} sync workers, production settings) and PostgreSQL
on the same machine; the load generator (Python threads, one `requests` session per user) runs
there too and competes for the same two cores. 300 published sessions; sign-ups go to one
session with ample room, so every POST is a real registration that locks the session row. {pacing}
Date: {time.strftime("%Y-%m-%d")}.

| scenario | requests | requests/s | p50 ms | p95 ms | errors |
|---|---|---|---|---|---|
{rows}

Targets at {args.users} concurrent users: listing p95 under 100 ms, sign-up p95 under 300 ms:
{verdict}.
"""
    print(body)
    write_section(title, body)


if __name__ == "__main__":
    main()
