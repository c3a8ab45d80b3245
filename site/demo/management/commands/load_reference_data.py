"""Load the editable reference data: Places, cohorts, access features, the seven core questions,
the starter codebook, and the decision instruments' seeds (programmes on the service map,
best-practice evidence, redesign options and appraisal criteria). Safe to run again: existing
rows (and leads' edits) are kept."""

from django.core.management.base import BaseCommand

from engagement.roles import sync_role_groups
from engagement.services.reference import load_geography_and_cohorts
from insights.services.decision_reference import load_decision_data
from insights.services.reference import load_questions_and_codebook


class Command(BaseCommand):
    help = (
        "Load Places, cohorts, core questions, the starter codebook and the decision "
        "instruments' seeds (idempotent)."
    )

    def handle(self, *args, **options):
        sync_role_groups()
        report = (
            load_geography_and_cohorts()
            .merge(load_questions_and_codebook())
            .merge(load_decision_data())
        )
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded. {report.summary()}"))
