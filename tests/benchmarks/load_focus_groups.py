"""Load test of the session listing and sign-up against gunicorn + PostgreSQL on loopback.

Bounded in time and in requests; only ever talks to 127.0.0.1. Creates (and afterwards drops)
a database of its own on the local PostgreSQL server.

    .venv/bin/python tests/benchmarks/load_focus_groups.py [--users 20] [--seconds 30]
"""

from __future__ import annotations

import argparse
import os
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


def _env() -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="ehl.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        DATABASE_CONN_MAX_AGE="60",
        SECURE_SSL_REDIRECT="false",
        EHL_REQUIRE_MFA_FOR_STAFF="false",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        TASK_BACKEND="database",
        LOG_LEVEL="WARNING",
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def _manage(*args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=_env(), check=True, capture_output=True
    )


SEED = """
from datetime import timedelta
from django.utils import timezone
from engagement.models import FocusGroup, Organisation, Place
places = list(Place.objects.all())
org = Organisation.objects.create(name="Bench Community Trust", kind="vcfse", place=places[0])
now = timezone.now()
groups = [FocusGroup(organisation=org, audience=["residents", "employers", "services"][i % 3],
    title=f"Session {i}", description="A conversation about health and work.",
    place=places[i % len(places)], venue_name="Hall", venue_address="1 Bench Street",
    starts_at=now + timedelta(days=1 + i % 60, hours=i % 8),
    ends_at=now + timedelta(days=1 + i % 60, hours=i % 8 + 2),
    capacity=20 if i else 100000, status="published") for i in range(300)]
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
        check=True,
        capture_output=True,
        text=True,
    )
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


def run_scenario(name, users, seconds, action) -> dict:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(index):
        nonlocal errors
        session = requests.Session()
        n = 0
        while time.monotonic() < deadline and n < 5000:
            n += 1
            started = time.perf_counter()
            ok = action(session, index, n)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                errors += 0 if ok else 1

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
    args = parser.parse_args()

    public_id = setup_database()
    server = start_gunicorn(args.workers)
    try:

        def listing(session, index, n):
            response = session.get(f"{BASE}/sessions/?page={1 + n % 3}", timeout=10)
            return response.status_code == 200

        signup_url = f"{BASE}/sessions/{public_id}/sign-up/"

        def signup(session, index, n):
            # One sign-up is a GET of the form and a POST of it, as a browser does; timed together.
            form = session.get(signup_url, timeout=10)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
            response = session.post(
                signup_url,
                data={
                    "csrfmiddlewaretoken": token,
                    "name": "Bench Person",
                    "email": f"bench{index}-{n}@example.org",
                    "contact_preference": "email",
                    "consent_take_part": "on",
                },
                headers={"Referer": signup_url},
                allow_redirects=False,
                timeout=10,
            )
            return response.status_code == 302

        # Warm up the workers' caches and connections.
        run_scenario("warm-up", 4, 3, listing)
        results = [
            run_scenario("Listing (GET /sessions/)", args.users, args.seconds, listing),
            run_scenario("Sign-up (GET form + POST)", args.users, args.seconds, signup),
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
        f"--seconds {args.seconds} --workers {args.workers}"
    )
    body = f"""
Command: `{command}`
Machine: {machine()}. gunicorn ({args.workers} sync workers, production settings) and PostgreSQL
on the same machine; the load generator (Python threads, one `requests` session per user) runs
there too and competes for the same two cores. 300 published sessions; sign-ups go to one
session with ample room, so every POST is a real registration that locks the session row.

| scenario | requests | requests/s | p50 ms | p95 ms | errors |
|---|---|---|---|---|---|
{rows}

Targets at {args.users} concurrent users: listing p95 under 100 ms, sign-up p95 under 300 ms.
"""
    print(body)
    write_section("Focus groups: listing and sign-up under load", body)


if __name__ == "__main__":
    main()
