"""Emails to people who signed up. Rendered here, delivered by the task worker after commit.

Every email has a plain-text and an HTML version, and carries signed links so people can
manage their place without an account."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from ..background import enqueue_on_commit
from ..links import email_confirmation_link, registration_link
from ..tasks import deliver_email

SUBJECTS = {
    "confirmed": "Your place is confirmed: {title}",
    "waitlisted": "You are on the waiting list: {title}",
    "offer": "A place is free for you: {title}",
    "reminder": "Reminder: {title}",
    "changed": "Details have changed: {title}",
    "cancelled_by_host": "Cancelled: {title}",
    "cancelled": "You have cancelled your place: {title}",
    "message": "{subject}",
}


def site_url() -> str:
    """The address people reach the site at (`EHL_SITE_URL`), for links in emails."""
    return settings.EHL_SITE_URL.rstrip("/")


def send_registration_email(registration, kind: str, **extra) -> None:
    focus_group = registration.focus_group
    context = {
        "registration": registration,
        "focus_group": focus_group,
        "kind": kind,
        "manage_url": site_url() + registration_link(registration),
        "confirm_email_url": site_url() + email_confirmation_link(registration),
        "session_url": site_url() + focus_group.get_absolute_url(),
        "calendar_url": site_url() + focus_group.get_absolute_url() + "calendar.ics",
        "sessions_url": site_url() + reverse("focus_groups:list"),
        "show_joining_details": registration.status == registration.Status.CONFIRMED,
        **extra,
    }
    subject = SUBJECTS[kind].format(title=focus_group.title, subject=extra.get("subject", ""))
    # A plain str, not Django's SafeString, so the HTML version escapes what people typed.
    text = render_to_string(f"engagement/email/{kind}.txt", context).encode().decode()
    html = render_to_string("engagement/email/base.html", {"subject": subject, "text": text})
    enqueue_on_commit(deliver_email, subject=subject, body=text, html=html, to=[registration.email])
