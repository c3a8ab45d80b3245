"""Soak test of a realistic mix against gunicorn + PostgreSQL with the RQ backend and two workers.

The mix, per request slot: the session listing, a session page, a sign-up (form and post), a
survey answered (form and post) and a programme lead reading the theme report. Each simulated
visitor pauses between actions as a person does, and every anonymous action comes from its own
client address (as many different people would), so the per-client rate limits see what they
would see in life. Memory of the web and worker processes is sampled throughout.

    .venv/bin/python tests/benchmarks/load_mix.py [--users 50] [--seconds 600] [--workers 4]

Bounded in time and requests; only ever talks to 127.0.0.1. Creates (and afterwards drops) a
PostgreSQL database of its own and uses Redis database 13, which it empties first.
"""

from __future__ import annotations

import argparse
import contextlib
import html.parser
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
from collections import defaultdict
from pathlib import Path

import psycopg
import redis
import requests

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
from tests.benchmarks.docs_writer import machine, write_section  # noqa: E402
from tests.benchmarks.load_focus_groups import SEED as SESSIONS_SEED  # noqa: E402
from tests.benchmarks.load_focus_groups import percentile, server_env  # noqa: E402

ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
DB_NAME = "ehl_bench_mix"
REDIS_URL = "redis://127.0.0.1:6379/13"
PORT = 8766
BASE = f"http://127.0.0.1:{PORT}"
PROXY = {"X-Forwarded-Proto": "https"}
MIX = {"listing": 35, "session": 25, "signup": 15, "survey": 15, "report": 10}
TARGET_P95_MS = 250
LEAD = ("lead@example.org", "ehl-demo-password")


def _env() -> dict:
    return server_env(
        DB_NAME,
        TASK_BACKEND="rq",
        REDIS_URL=REDIS_URL,
        CACHE_URL="redis",
        # One proxy in front (as in production): each simulated person's address comes from
        # X-Forwarded-For, so rate limits count per person, not for the whole load generator.
        EHL_TRUSTED_PROXY_COUNT="1",
    )


def _manage(*args: str, env: dict | None = None) -> str:
    out = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env or _env(),
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"manage.py {args[0]} failed:\n{out.stderr[-2000:]}")
    return out.stdout


SEED_SCRIPT = """
from engagement.models import FocusGroup
from demo.loaders import load_organisations, load_people
from demo.programme.config import programme_config
from demo.programme.evidence import survey_page
from pages.surveys import SurveyPage
from tests.benchmarks.report_speed import seed
load_organisations()
load_people()
survey_page(programme_config()["surveys"]["residents"])
seed({segments})
ids = list(FocusGroup.objects.filter(status="published").values_list("public_id", flat=True)[:60])
print("SIGNUP", FocusGroup.objects.get(title="Session 0").public_id)
print("SESSIONS", " ".join(str(i) for i in ids))
print("SURVEY", SurveyPage.objects.live().first().url)
"""


def setup(segments: int) -> dict:
    """A fresh database with reference data, 300 sessions, the demo people and survey, and
    ``segments`` coded segments for the report; returns the URLs the visitors use."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    redis.Redis.from_url(REDIS_URL).flushdb()
    _manage("migrate", "--noinput")
    _manage("load_reference_data")
    _manage("collectstatic", "--noinput")
    _manage("shell", "-c", SESSIONS_SEED)
    # The seed runs its tasks in-process, so the soak starts with an empty queue.
    env = {**_env(), "TASK_BACKEND": "immediate"}
    out = _manage("shell", "-c", SEED_SCRIPT.format(segments=segments), env=env)
    found = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
    return {
        "signup": f"{BASE}/sessions/{found['SIGNUP'].strip()}/sign-up/",
        "sessions": [f"{BASE}/sessions/{i}/" for i in found["SESSIONS"].split()],
        "survey": BASE + found["SURVEY"].strip(),
    }


def drop_database() -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def start(workers: int) -> list[subprocess.Popen]:
    web = subprocess.Popen(
        [
            *(str(REPO / ".venv/bin/gunicorn"), "--chdir", "site", "ehl.wsgi"),
            *("--bind", f"127.0.0.1:{PORT}", "--workers", str(workers), "--log-level", "warning"),
        ],
        cwd=REPO,
        env=_env(),
        start_new_session=True,
    )
    queue_workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "rqworker", "default", "nlp"],
            cwd=REPO,
            env=_env(),
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    for _ in range(150):
        try:
            if requests.get(f"{BASE}/healthz", timeout=1).status_code == 200:
                return [web, *queue_workers]
        except requests.RequestException:
            time.sleep(0.2)
    stop([web, *queue_workers])
    raise RuntimeError("gunicorn did not start")


def stop(processes: list[subprocess.Popen]) -> None:
    for proc in processes:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in processes:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _rss_mb(group_leaders: list[int]) -> float:
    """Resident memory of every process in the leaders' process groups, in MB."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(stat[2]) not in group_leaders:  # process group id
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total / 1024


class _FormFields(html.parser.HTMLParser):
    """The fields of the first POST form on a page, filled as a person answering it would."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind == "hidden" and name != "website":
                self.data[name] = a.get("value") or ""
            elif kind == "radio":
                self.data.setdefault(name, a.get("value") or "")
            elif kind == "checkbox" and "consent" in name:
                self.data[name] = a.get("value") or "on"
        elif tag == "textarea" and name:
            self.data[name] = (
                "The bus to the depot is unreliable and my manager does not understand my "
                "condition, so I worry about keeping the job."
            )
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and a.get("value"):
            self.data.setdefault(self._select, a["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        if tag == "select":
            self._select = None


class Visitors:
    """The simulated people: what each action does, and what it measured."""

    def __init__(self, urls: dict, lead_cookie: str):
        self.urls = urls
        self.lead_cookie = lead_cookie
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self._address = 0

    def _new_address(self) -> str:
        with self.lock:
            self._address += 1
            n = self._address
        return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"

    def _timed(self, kind: str, call) -> requests.Response | None:
        started = time.perf_counter()
        try:
            response = call()
        except requests.RequestException:
            response = None
        elapsed = (time.perf_counter() - started) * 1000
        ok = response is not None and response.status_code < 400
        with self.lock:
            self.latency[kind].append(elapsed)
            if not ok:
                self.errors[kind] += 1
        return response if ok else None

    def _post_form(self, kind, session, url, headers, fill) -> None:
        form = self._timed(f"{kind} form", lambda: session.get(url, headers=headers, timeout=15))
        if form is None:
            return
        data = fill(form.text)
        cookie = form.cookies.get("csrftoken", "")
        post_headers = {
            **headers,
            "Referer": url.replace("http://", "https://"),
            "Cookie": f"csrftoken={cookie}",
        }
        response = self._timed(
            f"{kind} post",
            lambda: session.post(
                url, data=data, headers=post_headers, allow_redirects=False, timeout=15
            ),
        )
        # A form shown again with an error summary means the post was refused: an error. (A
        # sign-up redirects when it succeeds; a survey shows its thank-you page.)
        if response is not None and "govuk-error-summary" in response.text:
            with self.lock:
                self.errors[f"{kind} post"] += 1

    def act(self, session: requests.Session, rng: random.Random, n: int) -> None:
        kind = rng.choices(list(MIX), weights=list(MIX.values()))[0]
        headers = {**PROXY, "X-Forwarded-For": self._new_address()}
        if kind == "listing":
            url = f"{BASE}/sessions/?page={1 + n % 3}"
            self._timed("listing", lambda: session.get(url, headers=headers, timeout=15))
        elif kind == "session":
            url = rng.choice(self.urls["sessions"])
            self._timed("session page", lambda: session.get(url, headers=headers, timeout=15))
        elif kind == "signup":

            def fill(page):
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
                return {
                    "csrfmiddlewaretoken": token,
                    "name": "Soak Person",
                    "email": f"soak-{secrets.token_hex(6)}@example.org",
                    "contact_preference": "email",
                    "consent_take_part": "on",
                }

            self._post_form("sign-up", session, self.urls["signup"], headers, fill)
        elif kind == "survey":

            def fill(page):
                parser = _FormFields()
                parser.feed(page)
                return parser.data

            self._post_form("survey", session, self.urls["survey"], headers, fill)
        else:
            lead_headers = {**PROXY, "Cookie": self.lead_cookie}
            url = f"{BASE}/work/reports/"
            self._timed("report", lambda: session.get(url, headers=lead_headers, timeout=30))


def lead_cookie() -> str:
    """Sign the demo programme lead in once; every report reader shares the session."""
    session = requests.Session()
    url = f"{BASE}/accounts/login/"
    page = session.get(url, headers=PROXY, timeout=15)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    csrf = page.cookies.get("csrftoken", "")
    response = session.post(
        url,
        data={"csrfmiddlewaretoken": token, "login": LEAD[0], "password": LEAD[1]},
        headers={
            **PROXY,
            "Referer": url.replace("http://", "https://"),
            "Cookie": f"csrftoken={csrf}",
        },
        allow_redirects=False,
        timeout=15,
    )
    session_id = response.cookies.get("sessionid")
    if not session_id:
        raise SystemExit(f"could not sign the lead in (status {response.status_code})")
    return f"sessionid={session_id}"


def soak(visitors: Visitors, users: int, seconds: int, think: float, leaders: list[int]):
    deadline = time.monotonic() + seconds
    memory: list[tuple[float, float]] = []

    def person(index: int) -> None:
        session = requests.Session()
        rng = random.Random(index)
        n = 0
        while time.monotonic() < deadline and n < 20_000:
            n += 1
            visitors.act(session, rng, n)
            time.sleep(rng.uniform(0.5 * think, 1.5 * think))

    threads = [threading.Thread(target=person, args=(i,), daemon=True) for i in range(users)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    while time.monotonic() < deadline:
        memory.append((time.monotonic() - started, _rss_mb(leaders)))
        time.sleep(min(10, max(0.5, deadline - time.monotonic())))
    for thread in threads:
        thread.join(timeout=60)
    return time.monotonic() - started, memory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--think", type=float, default=2.0, help="mean pause between actions (s)")
    parser.add_argument("--segments", type=int, default=5000, help="coded segments for the report")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()

    load_before = os.getloadavg()
    print("Setting up the database…", flush=True)
    urls = setup(args.segments)
    processes = start(args.workers)
    leaders = [p.pid for p in processes]
    try:
        visitors = Visitors(urls, lead_cookie())
        print(f"Soaking: {args.users} people for {args.seconds} s…", flush=True)
        wall, memory = soak(visitors, args.users, args.seconds, args.think, leaders)
    finally:
        stop(processes)
        drop_database()

    rows, every = [], []
    for kind in sorted(visitors.latency):
        values = visitors.latency[kind]
        every += values
        rows.append(
            f"| {kind} | {len(values)} | {statistics.median(values):.0f} | "
            f"{percentile(values, 95):.0f} | {percentile(values, 99):.0f} | "
            f"{visitors.errors.get(kind, 0)} |"
        )
    errors = sum(visitors.errors.values())
    p95 = percentile(every, 95)
    minute = [mb for t, mb in memory if t <= 60] or [memory[0][1]]
    last = [mb for t, mb in memory if t >= wall - 60] or [memory[-1][1]]
    growth = (statistics.mean(last) - statistics.mean(minute)) / statistics.mean(minute) * 100
    verdict = (
        f"errors {errors} ({'met' if errors == 0 else 'NOT met'}); p95 {p95:.0f} ms "
        f"({'met' if p95 < TARGET_P95_MS else 'NOT met'}); memory "
        f"{statistics.mean(minute):.0f} MB in the first minute, {statistics.mean(last):.0f} MB "
        f"in the last ({growth:+.1f}%, {'flat' if abs(growth) < 10 else 'NOT flat'})"
    )
    command = (
        f".venv/bin/python tests/benchmarks/load_mix.py --users {args.users} --seconds "
        f"{args.seconds} --workers {args.workers} --think {args.think:g} --segments {args.segments}"
    )
    load_text = " / ".join(f"{x:.1f}" for x in load_before)
    all_row = (
        f"| all | {len(every)} | {statistics.median(every):.0f} | {p95:.0f} | "
        f"{percentile(every, 99):.0f} | {errors} |"
    )
    body = f"""
Command: `{command}`
Machine: {machine()}, load average {load_text} before the run (the machine is shared).
gunicorn ({args.workers} sync workers, production settings, Redis cache), PostgreSQL, Redis and
two RQ workers on the same machine as the load generator (Python threads), all sharing its two
cores. The mix: {", ".join(f"{k} {v}%" for k, v in MIX.items())} of actions; a sign-up and a
survey are each a form and a post, timed apart; the report is the all-evidence theme report over
{args.segments:,} coded segments read by a signed-in programme lead. Each person waits
{0.5 * args.think:g}–{1.5 * args.think:g} s between actions. {len(every):,} requests in
{wall:.0f} s ({len(every) / wall:.1f} requests/s). Date: {time.strftime("%Y-%m-%d")}.

| request | count | p50 ms | p95 ms | p99 ms | errors |
|---|---|---|---|---|---|
{chr(10).join(rows)}
{all_row}

Memory of the web and worker processes (MB), sampled every 10 s:
{", ".join(f"{mb:.0f}" for _t, mb in memory)}.

Targets at 50 concurrent users: zero errors, p95 under {TARGET_P95_MS} ms, memory flat during
the soak: {verdict}.
"""
    print(body)
    if not args.no_write:
        write_section(f"Mixed load and soak, {args.users} people", body)


if __name__ == "__main__":
    main()
