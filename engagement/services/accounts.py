"""Account lifecycle: deletion by the account holder (or an administrator on their behalf)."""

from __future__ import annotations

import django.dispatch
from django.db import transaction

from .audit import audit_record

# Sent inside the deletion transaction, before the account row goes, so that other parts of
# the product can pseudonymise what they keep (e.g. analysis segments) or remove what consent
# no longer covers.
account_erasing = django.dispatch.Signal()


@transaction.atomic
def account_delete(*, user, actor=None, reason: str = "self-service") -> None:
    """Delete an account and the personal details attached to it, leaving an audit entry that
    records only the pseudonymous id."""
    pseudonym = str(user.pseudonym)
    user_id = user.pk
    account_erasing.send(sender=type(user), user=user)
    audit_record(
        "account.deleted",
        actor=actor if actor is not None and actor.pk != user_id else None,
        reason=reason,
        pseudonym=pseudonym,
    )
    user.delete()
