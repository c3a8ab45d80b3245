"""The periodic housekeeping: hand jobs kept while the queue was down to the queue, then enqueue
the sweeps (expiring offers, releasing unconfirmed sign-ups, re-queueing analysis runs whose
worker died).

Run it every few minutes from cron or a scheduler; `make run` runs it once a minute beside the
development server. Each step is idempotent, so running it twice, or on two machines, does no
harm. The outbox is drained first and in this process, so a queue that was down gets its kept
jobs before new ones are added."""

import time

from django.core.management.base import BaseCommand

from engagement.background import enqueue_or_keep, outbox_drain
from engagement.tasks import sweep_registrations
from insights.tasks.runs import recover_runs


class Command(BaseCommand):
    help = "Drain the task outbox and enqueue the periodic sweeps; --every N repeats."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="Repeat every N seconds.")

    def handle(self, *args, every=0, **options):
        while True:
            report = outbox_drain()
            if options["verbosity"] > 1 or report.queue_error:
                self.stdout.write(f"Outbox: {report.sent} sent, {report.waiting} waiting")
            enqueue_or_keep(sweep_registrations)
            enqueue_or_keep(recover_runs)
            if not every:
                return
            time.sleep(every)
