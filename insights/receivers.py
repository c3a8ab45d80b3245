"""Listening to engagement: captured evidence becomes segments; withdrawn consent takes them out
of analysis at once (no task needed: it is a single update), and then `segments_withdrawn` tells
whoever keeps copies of figures (the published report snapshots in `pages`) to rebuild them in
one background task. Subject-access exports and erasures reach the segments through the
`personal_data_requested` and `personal_data_erased` signals of engagement."""

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver
from django.utils import timezone

from engagement.evidence import consent_withdrawn, evidence_captured
from engagement.models import EngagementRound
from engagement.signals import personal_data_erased, personal_data_requested, retention_enforcing

from .models import Segment
from .services.segments import build_requested, segments_assign_rounds, segments_withdraw
from .services.sources import source_key

# Sent (after the commit) when segments have left analysis: withdrawal or erasure.
segments_withdrawn = Signal()


def _announce_withdrawn() -> None:
    transaction.on_commit(lambda: segments_withdrawn.send(sender=Segment), robust=False)


@receiver(evidence_captured, dispatch_uid="insights_build_segments")
def _build(sender, instance, **kwargs):
    build_requested(*source_key(instance))


@receiver(consent_withdrawn, dispatch_uid="insights_withdraw_segments")
def _withdraw(sender, instance, person_key=None, **kwargs):
    if segments_withdraw(*source_key(instance), person_key=person_key):
        _announce_withdrawn()


@receiver(post_save, sender=EngagementRound, dispatch_uid="insights_rounds_saved")
@receiver(post_delete, sender=EngagementRound, dispatch_uid="insights_rounds_deleted")
def _rounds_changed(sender, **kwargs):
    """A round's dates decide which segments belong to it: re-stamp them when the calendar
    changes (one UPDATE, so no task is needed)."""
    segments_assign_rounds()


def _segments_of(records, person_keys):
    """The segments derived from these capture records or held under these person keys."""
    match = Q(pk__in=[])
    for record in records:
        source_type, source_id = source_key(record)
        match |= Q(source_type=source_type, source_id=source_id)
    if person_keys:
        match |= Q(person_key__in=list(person_keys))
    return Segment.objects.filter(match)


@receiver(personal_data_requested, dispatch_uid="insights_export_segments")
def _export(sender, records, person_keys, **kwargs):
    from .services.training_privacy import model_use_of

    segments = list(_segments_of(records, person_keys).prefetch_related("codes__theme"))
    used_by = model_use_of(segments)
    return [
        {
            "source": segment.get_source_type_display(),
            "said_on": segment.said_on.isoformat(),
            "text": segment.text,
            "in_analysis": segment.withdrawn_at is None and segment.codable,
            "withdrawn_at": segment.withdrawn_at.isoformat() if segment.withdrawn_at else None,
            "themes": sorted(
                code.theme.label for code in segment.codes.all() if code.status == "accepted"
            ),
            "used_to_train": used_by.get(segment.pk, []),
        }
        for segment in segments
    ]


@receiver(personal_data_erased, dispatch_uid="insights_erase_segments")
def _erase(sender, records, person_keys, **kwargs):
    """Clear the words of the person's segments and keep them out of analysis; the rows stay,
    without text, so codes and counts already reported can be traced but nothing is readable.
    Every trained model that learned from them is removed and a new one trained without them."""
    from .services.training_privacy import models_forget

    segments = _segments_of(records, person_keys)
    ids = list(segments.values_list("pk", flat=True))
    now = timezone.now()
    newly_withdrawn = segments.filter(withdrawn_at__isnull=True).update(withdrawn_at=now)
    cleared = segments.update(text="", content_key="", redactions=[], updated_at=now)
    if newly_withdrawn or cleared:
        _announce_withdrawn()
    # The learned model's weights and vocabulary came from these words too.
    models_forget(ids)
    return cleared


@receiver(retention_enforcing, dispatch_uid="insights_retention_models")
def _retention(sender, dry_run, **kwargs):
    """Model files written before training texts were left out of them are rewritten."""
    from .services.training_privacy import models_strip_texts

    return {"model_artefacts_with_texts": models_strip_texts(dry_run=dry_run)}
