"""Find coding runs, discovery runs and segment builds whose worker died, and deal with them.

A run still "running" (or "queued") with no progress for longer than its limit is queued again,
up to three starts, then marked failed with a message saying why. Run it every few minutes from
cron or a scheduler (or with --every); see insights/tasks/runs.py and docs/operations.md."""

import time
from datetime import timedelta

from django.core.management.base import BaseCommand

from insights.tasks.runs import MAX_ATTEMPTS, recover_stale_runs


class Command(BaseCommand):
    help = "Re-queue or fail NLP runs whose worker stopped; --every N repeats."

    def add_arguments(self, parser):
        parser.add_argument(
            "--minutes",
            type=float,
            default=None,
            help="Treat runs silent for this long as stale (default: per kind, 15 or 60).",
        )
        parser.add_argument("--max-attempts", type=int, default=MAX_ATTEMPTS)
        parser.add_argument("--every", type=int, default=0, help="Repeat every N seconds.")

    def handle(self, *args, minutes=None, max_attempts=MAX_ATTEMPTS, every=0, **options):
        stale_after = timedelta(minutes=minutes) if minutes is not None else None
        while True:
            recovery = recover_stale_runs(stale_after=stale_after, max_attempts=max_attempts)
            if options["verbosity"]:
                for kind, ids in recovery.requeued.items():
                    self.stdout.write(f"Re-queued {kind}: {', '.join(map(str, ids))}")
                for kind, ids in recovery.failed.items():
                    self.stdout.write(f"Marked failed {kind}: {', '.join(map(str, ids))}")
            if not every:
                return
            time.sleep(every)
