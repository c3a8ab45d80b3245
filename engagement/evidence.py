"""Signals that tell the analysis side about captured evidence, without engagement importing it.

`evidence_captured(sender=Model, instance=record)` fires after a capture record's transaction
commits (a survey response, roundtable note, conversation log, employer engagement or parsed
transcript); insights listens and turns the record into segments in a background task.
`consent_withdrawn(sender=Model, instance=record)` fires when consent covering a record is
withdrawn; insights takes the record's segments out of analysis."""

from django.db import transaction
from django.dispatch import Signal

evidence_captured = Signal()
consent_withdrawn = Signal()


def announce_captured(instance) -> None:
    """Tell listeners about `instance` once the current transaction has committed."""
    transaction.on_commit(
        lambda: evidence_captured.send(sender=type(instance), instance=instance), robust=False
    )


def announce_withdrawn(instance) -> None:
    transaction.on_commit(
        lambda: consent_withdrawn.send(sender=type(instance), instance=instance), robust=False
    )
