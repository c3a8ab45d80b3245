"""Background tasks of engagement. Tasks fetch what they need and call a service; they hold
no business logic of their own."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task(queue_name="default")
def deliver_email(*, subject: str, body: str, to: list[str], html: str | None = None) -> int:
    """Send one email. Runs in the worker so a slow mail server never holds up a page."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


@task(queue_name="default")
def expire_offer(*, registration_id: int) -> int:
    """Runs when one waiting-list offer's time is up (scheduled as the offer is made)."""
    from .services.registrations import offers_expire_due

    return offers_expire_due()


@task(queue_name="default")
def sweep_registrations() -> int:
    """Expire overdue offers and release unconfirmed guest sign-ups. Run every few minutes
    (`manage.py run_sweeps`), so nothing depends on one deferred job having run."""
    from .services.registrations import offers_expire_due, registrations_expire_unverified

    return offers_expire_due() + registrations_expire_unverified()


@task(queue_name="default")
def send_reminder(*, focus_group_id: int, kind: str, starts_at: str) -> int:
    from .models import FocusGroup
    from .services.focus_groups import reminders_send

    focus_group = FocusGroup.objects.filter(pk=focus_group_id).first()
    if focus_group is None:
        return 0
    return reminders_send(focus_group=focus_group, kind=kind, starts_at=starts_at)


@task(queue_name="default")
def enforce_retention(*, dry_run: bool = False) -> dict:
    """Apply the retention periods in settings (see engagement.services.privacy_retention).
    Schedule daily: `manage.py enforce_retention --enqueue` from cron or a systemd timer."""
    from .services.privacy_retention import retention_enforce

    return retention_enforce(dry_run=dry_run)
