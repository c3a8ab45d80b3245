"""Listening to engagement: captured evidence becomes segments; withdrawn consent takes them out
of analysis at once (no task needed: it is a single update)."""

from django.dispatch import receiver

from engagement.evidence import consent_withdrawn, evidence_captured

from .services.segments import build_requested, segments_withdraw
from .services.sources import source_key


@receiver(evidence_captured, dispatch_uid="insights_build_segments")
def _build(sender, instance, **kwargs):
    build_requested(*source_key(instance))


@receiver(consent_withdrawn, dispatch_uid="insights_withdraw_segments")
def _withdraw(sender, instance, person_key=None, **kwargs):
    segments_withdraw(*source_key(instance), person_key=person_key)
