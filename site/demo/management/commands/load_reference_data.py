"""Load the editable reference data: Places, cohorts, access features, the seven core questions
and the starter codebook. Safe to run again: existing rows (and leads' edits) are kept."""

from django.core.management.base import BaseCommand

from engagement.roles import sync_role_groups
from engagement.services.reference import load_geography_and_cohorts
from insights.services.reference import load_questions_and_codebook


class Command(BaseCommand):
    help = "Load Places, cohorts, core questions and the starter codebook (idempotent)."

    def handle(self, *args, **options):
        sync_role_groups()
        report = load_geography_and_cohorts().merge(load_questions_and_codebook())
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded. {report.summary()}"))
