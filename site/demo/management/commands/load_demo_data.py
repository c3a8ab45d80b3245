"""Load the fictional demo content so a newcomer sees a living site. Idempotent."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from demo.loaders import (
    DEMO_PASSWORD,
    load_coding_run,
    load_evidence,
    load_organisations,
    load_pages,
    load_people,
    load_sessions,
)


class Command(BaseCommand):
    help = "Load fictional organisations, people, pages and engagement records (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load demo accounts even though DEBUG is off (never do this on a live site).",
        )

    def handle(self, *args, allow_production=False, **options):
        if settings.SETTINGS_MODULE.endswith("production") and not allow_production:
            raise CommandError("Refusing to load demo accounts into a production site.")
        call_command("load_reference_data", verbosity=0)
        report = (
            load_pages()
            .merge(load_organisations())
            .merge(load_people())
            .merge(load_sessions())
            .merge(load_evidence())
            .merge(load_coding_run())
        )
        self.stdout.write(self.style.SUCCESS(f"Demo content loaded. {report.summary()}"))
        self.stdout.write(
            f"Demo accounts (fictional) sign in with the password '{DEMO_PASSWORD}', "
            "for example lead@example.org; see site/demo/content/people.yaml."
        )
