"""Apply the retention policy: `manage.py enforce_retention [--dry-run] [--enqueue]`.

Schedule it once a day (the task system has no scheduler of its own), for example from cron:

    15 3 * * *  cd /srv/ehl && .venv/bin/python manage.py enforce_retention

or a systemd timer (see docs/data-protection.md). `--dry-run` lists what would be removed and
removes nothing; `--enqueue` hands the run to a task worker instead of running it here."""

from django.core.management.base import BaseCommand

LABELS = {
    "transcripts": "transcripts: original file, turns and speakers' names",
    "registrations": "sign-ups: contact details of past sessions",
    "survey_contacts": "survey responses: contact email",
    "audit_events": "audit entries",
    "model_artefacts_with_texts": "trained-model files: the training texts kept in older ones",
}


class Command(BaseCommand):
    help = "Remove personal data whose retention period has passed (see docs/data-protection.md)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be removed; remove nothing."
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="Run it in a task worker instead of here."
        )

    def handle(self, *args, dry_run=False, enqueue=False, **options):
        if enqueue:
            from engagement.tasks import enforce_retention

            result = enforce_retention.enqueue(dry_run=dry_run)
            self.stdout.write(f"Queued the retention run ({result.id}).")
            return
        from engagement.services.privacy_retention import retention_enforce

        counts = retention_enforce(dry_run=dry_run)
        heading = "Would remove (dry run, nothing removed):" if dry_run else "Removed:"
        self.stdout.write(heading)
        for key, label in LABELS.items():
            if key in counts:
                self.stdout.write(f"  {counts[key]:>6}  {label}")
