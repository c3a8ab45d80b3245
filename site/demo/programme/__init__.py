"""The "Economies for Healthier Lives demo": one fictional programme loaded end to end, so a
newcomer sees every screen with real figures in it and the whole chain (listen → segments →
codes → reports → benchmarking → appraisal → equity audit) runs at a real programme's volume.

`load_programme` plans the programme (`plan.py`, deterministic), then records it stage by stage
through the product's own services, printing progress as it goes. Every stage leaves alone what
an earlier load already recorded, so loading twice is safe and a load that stopped part-way
carries on where it stopped."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import contextmanager

from django.utils import timezone

from engagement.models import User
from engagement.services.reference import LoadReport
from insights.models import CodingRun, DiscoveryRun, Theme

from . import decisions, evidence, listening, work
from .config import programme_config
from .plan import Planner
from .records import ProgrammePlan


class Progress:
    """Prints each stage with the time since the load began."""

    def __init__(self, write: Callable[[str], None]):
        self.write = write
        self.started = time.monotonic()

    def __call__(self, message: str) -> None:
        self.write(f"[{time.monotonic() - self.started:6.1f} s] {message}")


@contextmanager
def quiet_audit_log():
    """Thousands of demo records would each log an audit or page-editing line; the audit rows and
    page revisions are still kept."""
    loggers = [logging.getLogger(name) for name in ("ehl.audit", "wagtail")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def programme_plan(config: dict, today) -> ProgrammePlan:
    kinds = dict(Theme.objects.values_list("key", "kind"))
    return Planner(config, today=today, theme_kinds=kinds).plan()


def load_programme(
    *, write: Callable[[str], None] = print, today=None, config: dict | None = None
) -> LoadReport:
    """Load the demo programme (`config` defaults to programme.yaml; tests pass a smaller
    one), printing each stage through `write`."""
    config = config or programme_config()
    today = today or timezone.localdate()
    note = Progress(write)
    lead = User.objects.get(email="lead@example.org")
    report = LoadReport()
    with quiet_audit_log():
        plan = programme_plan(config, today)
        note(f"planned {config['name']}: {len(plan.said())} things said")

        report.merge(evidence.load_rounds(config, today))
        report.merge(listening.load_focus_groups(plan.focus_groups, lead=lead))
        report.merge(listening.load_upcoming_signups(config["people_names"]))
        note(f"{len(plan.focus_groups)} focus groups with sign-ups, attendance and claims")
        report.merge(evidence.load_surveys(config, plan))
        note(f"{len(plan.surveys)} survey responses")
        report.merge(evidence.load_conversations(plan))
        report.merge(evidence.load_employer_engagement(plan))
        note(f"{len(plan.conversations)} conversations, {len(plan.employers)} employer records")
        report.merge(evidence.load_roundtables(config, plan.roundtable, lead=lead))
        report.merge(evidence.load_transcripts(config, plan))
        note("roundtable notes and six transcripts")

        segments = work.build_segments_now(note)
        note(f"{segments} segments in all")
        if not CodingRun.objects.exists():
            work.coding_run_now(lead, note)
        pieces = plan.said()
        sample = work.double_code(config, pieces, lead, note)
        work.review_segments(
            config, pieces, note, include=sample.segments.values_list("pk", flat=True)
        )
        work.train_now(lead, note)
        if not CodingRun.objects.filter(suggester__isnull=False).exists():
            work.coding_run_now(lead, note)
        if not DiscoveryRun.objects.exists():
            work.discovery_now(lead, note)

        report.merge(decisions.load_benchmarking(config, lead))
        report.merge(decisions.load_appraisals(config, lead))
        report.merge(decisions.load_equity(config, lead))
        report.merge(decisions.load_published_report(config, lead))
        note("benchmarking, two appraisals, the equity audit and a published report")
    return report
