"""bin/backup-postgres and bin/restore-postgres: a backup of a database with rows in it restores
into another database with the same rows. Uses two temporary databases on the server named by
DATABASE_URL, never the test database or a real one."""

import os
import shutil
import subprocess
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROWS = [(1, "Café on Lord Street", {"places": 12}), (2, "Wirral — “online”", {"places": 0})]

pytestmark = pytest.mark.postgres


def _server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("Backup and restore need PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    for tool in ("pg_dump", "pg_restore", "psql"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (Debian: apt-get install postgresql-client).")
    return url


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _script(name, *args, url):
    return subprocess.run(
        [os.path.join(REPO_ROOT, "bin", name), *args],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def databases():
    import psycopg

    url = _server_url()
    names = [f"ehl_backup_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("source", "target")]
    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield [_with_database(url, name) for name in names]
    finally:
        with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _rows(url):
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT id, name, details FROM session ORDER BY id").fetchall()


def test_a_backup_restores_into_another_database_with_the_same_rows(databases, tmp_path):
    import psycopg
    from psycopg.types.json import Jsonb

    source, target = databases
    with psycopg.connect(source) as conn:
        conn.execute("CREATE TABLE session (id int PRIMARY KEY, name text, details jsonb)")
        for row_id, name, details in ROWS:
            conn.execute("INSERT INTO session VALUES (%s, %s, %s)", [row_id, name, Jsonb(details)])
    dump = tmp_path / "ehl.dump"

    backup = _script("backup-postgres", str(dump), url=source)
    assert backup.returncode == 0, backup.stderr
    assert backup.stdout.strip() == str(dump)
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert oct(dump.stat().st_mode & 0o777) == oct(0o600)  # it holds personal data

    restore = _script("restore-postgres", str(dump), url=target)
    assert restore.returncode == 0, restore.stderr
    assert _rows(target) == ROWS

    # Restoring over a database that has tables needs --yes, and then replaces, not appends.
    refused = _script("restore-postgres", str(dump), url=target)
    assert refused.returncode != 0 and "--yes" in refused.stderr
    again = _script("restore-postgres", str(dump), "--yes", url=target)
    assert again.returncode == 0, again.stderr
    assert _rows(target) == ROWS


def test_the_scripts_refuse_a_database_url_that_is_not_postgresql(tmp_path):
    _server_url()
    result = _script("backup-postgres", str(tmp_path / "x.dump"), url="sqlite:///var/db.sqlite3")
    assert result.returncode != 0 and "not a PostgreSQL URL" in result.stderr
    assert not (tmp_path / "x.dump").exists()
