"""Helpers for the fault tests: simulated failures and small pieces of evidence."""

from __future__ import annotations

from django.db import connection


class WorkerKilled(BaseException):
    """Stands in for SIGKILL: not an `Exception`, so no handler in the task gets to record a
    failure, exactly as when the operating system ends the worker process."""


def fail_on_call(number: int, error: BaseException, real):
    """A stand-in for `real` that raises `error` on its `number`-th call and passes the others
    through: the fault lands after earlier writes in the same transaction succeeded."""
    calls = {"n": 0}

    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == number:
            raise error
        return real(*args, **kwargs)

    wrapper.calls = calls
    return wrapper


def terminate_own_connection() -> None:
    """End this connection's PostgreSQL backend from another session, as a database restart or
    failover does: the next query on it fails with a real OperationalError."""
    import psycopg

    pid = connection.connection.info.backend_pid
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def code_rows() -> set[tuple]:
    """Every code as (segment, theme, origin, score, status): what a coding run leaves behind."""
    from insights.models import Code

    return set(Code.objects.values_list("segment_id", "theme_id", "origin", "score", "status"))


def run_coding(user, capture):
    """Start a coding run over every segment, run its task at commit, and return the run."""
    from insights.services import coding

    with capture(execute=True):
        run = coding.coding_run_start(user=user, segment_filter={})
    run.refresh_from_db()
    return run


def roundtable_with_notes(texts: list[str]):
    """A roundtable table with one note per text (each note becomes one or more segments)."""
    from engagement.models import RoundtableNote
    from tests.factories import make_roundtable

    table = make_roundtable()
    question = table.event.series.questions.first()
    for text in texts:
        RoundtableNote.objects.create(table=table, question=question, text=text)
    return table


NOTES = [
    "Referral routes between doctors and employment support are missing in most places. "
    "People are bounced between services for months before anyone helps them back to work.",
    "The bus only comes twice a day so people cannot get to the early shift at the warehouse.",
    "Employers told us they would adapt roles if they knew what support was on offer locally.",
]
