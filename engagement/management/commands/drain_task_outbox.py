"""Hand jobs kept in the database while the task queue was unreachable to the queue.

Run it every minute from cron or a scheduler (or with --every). Several copies may run at once
on different machines: each job is sent once (see engagement.background.outbox_drain)."""

import time

from django.core.management.base import BaseCommand

from engagement.background import outbox_drain


class Command(BaseCommand):
    help = "Enqueue tasks kept in the outbox while the queue was down; --every N repeats."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="Repeat every N seconds.")
        parser.add_argument("--limit", type=int, default=None, help="Send at most N jobs.")

    def handle(self, *args, every=0, limit=None, **options):
        while True:
            report = outbox_drain(limit=limit)
            if options["verbosity"] and (report.sent or report.waiting):
                line = f"Outbox: {report.sent} sent, {report.waiting} waiting"
                if report.queue_error:
                    line += f" (queue still unavailable: {report.queue_error})"
                self.stdout.write(line)
            if not every:
                return
            time.sleep(every)
