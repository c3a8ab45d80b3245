"""Writing the audit trail. Callers pass ids and event names, never personal data."""

from __future__ import annotations

import logging
from typing import Any

from django.db import models

from ..models import AuditEvent

logger = logging.getLogger("ehl.audit")

# Keys that must never reach the trail: a defence against a caller passing personal data by mistake.
_FORBIDDEN_DETAIL_KEYS = {"email", "name", "first_name", "last_name", "phone", "text", "password"}


def audit_record(
    action: str,
    *,
    actor=None,
    target: models.Model | None = None,
    organisation=None,
    **detail: Any,
) -> AuditEvent:
    forbidden = _FORBIDDEN_DETAIL_KEYS & detail.keys()
    if forbidden:
        raise ValueError(f"Audit details must not contain personal data: {sorted(forbidden)}")
    event = AuditEvent.objects.create(
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        organisation=organisation,
        detail=detail,
    )
    logger.info("audit %s target=%s:%s", action, event.target_type, event.target_id)
    return event
