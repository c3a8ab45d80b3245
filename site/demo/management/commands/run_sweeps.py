"""Enqueue the periodic housekeeping tasks (expiring offers, releasing unconfirmed sign-ups).

Run it every few minutes from cron or a scheduler; `make run` runs it once a minute beside the
development server. Each sweep is idempotent, so running it twice does no harm."""

import time

from django.core.management.base import BaseCommand

from engagement.tasks import sweep_registrations


class Command(BaseCommand):
    help = "Enqueue the periodic sweeps; with --every N, keep doing so every N seconds."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="Repeat every N seconds.")

    def handle(self, *args, every=0, **options):
        while True:
            sweep_registrations.enqueue()
            if not every:
                return
            time.sleep(every)
