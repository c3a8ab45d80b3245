"""Load the seed programmes, best-practice evidence, options and criteria (idempotent)."""

from django.core.management.base import BaseCommand

from insights.services.decision_reference import load_decision_data


class Command(BaseCommand):
    help = "Load the service map, options and appraisal criteria seed data (keeps existing rows)."

    def handle(self, *args, **options):
        report = load_decision_data()
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"Decision data: {report.summary()}"))
