"""Load the fictional demo programme so a newcomer sees a living site. Safe to run again."""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from demo.loaders import (
    DEMO_PASSWORD,
    load_organisations,
    load_pages,
    load_people,
    load_sessions,
)
from demo.programme import load_programme, quiet_audit_log


class Command(BaseCommand):
    help = (
        "Load the fictional 'Economies for Healthier Lives demo' programme: organisations, "
        "people, pages, sessions, evidence, people's codes and decisions (safe to run again)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load demo accounts even though DEBUG is off (never do this on a live site).",
        )

    def handle(self, *args, allow_production=False, verbosity=1, **options):
        # Overridden settings (a test's live server) hold no module name: read the environment.
        module = settings.SETTINGS_MODULE or os.environ.get("DJANGO_SETTINGS_MODULE", "")
        if module.endswith("production") and not allow_production:
            raise CommandError("Refusing to load demo accounts into a production site.")
        call_command("load_reference_data", verbosity=0)
        write = self.stdout.write if verbosity else (lambda message: None)
        with quiet_audit_log():
            report = (
                load_pages()
                .merge(load_organisations())
                .merge(load_people())
                .merge(load_sessions())
                .merge(load_programme(write=write))
            )
        self.stdout.write(self.style.SUCCESS(f"Demo content loaded. {report.summary()}"))
        self.stdout.write(
            f"Demo accounts (fictional) sign in with the password '{DEMO_PASSWORD}', "
            "for example lead@example.org; see site/demo/content/people.yaml."
        )
