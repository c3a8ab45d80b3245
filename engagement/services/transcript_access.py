"""What a transcript's viewers see: redacted turns by default, raw text only for a while.

Everyone who may open a transcript sees its turns redacted. Someone who needs the words as
spoken (to check a redaction, or to answer a data-rights request) types why; that opens the raw
turns, the list of what was redacted and the original file to them alone, for
`RAW_ACCESS_MINUTES`, and leaves an audit event with the reason. The grant lives in their
session, so it ends with it, and every raw viewing and download is audited as well."""

from __future__ import annotations

import datetime

from django.utils import timezone

from ..models import Transcript
from .audit import audit_record

RAW_ACCESS_MINUTES = 30
REASON_MAX_LENGTH = 300
_SESSION_KEY = "transcript_raw_access"


def _redactor_names(transcript: Transcript) -> list[str]:
    """Names to redact wherever they appear: the speakers' own, the reviewers' additions, and
    the names the last segment build found with the NER model, so the page needs no model."""
    found = [item["text"] for item in transcript.redaction_log if item.get("kind") == "NAME"]
    return [*transcript.redaction_names, *transcript.redaction_additions, *found]


def redacted_turns(transcript: Transcript) -> list[dict]:
    """The transcript's turns with personal data replaced by placeholders such as [PHONE]."""
    from nlp.text.redaction import keep_values, redact_many

    texts = [turn.get("text") or "" for turn in transcript.turns]
    results = redact_many(texts, use_ner=False, known_names=_redactor_names(transcript))
    results = keep_values(texts, results, transcript.redaction_exceptions)
    return [
        {**turn, "text": result.text}
        for turn, result in zip(transcript.turns, results, strict=True)
    ]


def clean_reason(transcript: Transcript, reason: str) -> str:
    """The reason as it is kept in the audit trail: contact details and the speakers' names
    taken out, in case someone typed them."""
    from nlp.text.redaction import redact

    reason = " ".join(reason.split())[:REASON_MAX_LENGTH]
    return redact(reason, use_ner=False, known_names=_redactor_names(transcript)).text


def raw_access_grant(request, transcript: Transcript, reason: str) -> datetime.datetime:
    """Open the raw text of one transcript to this person for `RAW_ACCESS_MINUTES`."""
    until = timezone.now() + datetime.timedelta(minutes=RAW_ACCESS_MINUTES)
    grants = dict(request.session.get(_SESSION_KEY, {}))
    grants[str(transcript.public_id)] = until.timestamp()
    request.session[_SESSION_KEY] = grants
    audit_record(
        "transcript.raw_access_granted",
        actor=request.user,
        target=transcript,
        organisation=transcript.organisation,
        reason=clean_reason(transcript, reason),
        minutes=RAW_ACCESS_MINUTES,
    )
    return until


def raw_access_end(request, transcript: Transcript) -> None:
    grants = dict(request.session.get(_SESSION_KEY, {}))
    if grants.pop(str(transcript.public_id), None) is not None:
        request.session[_SESSION_KEY] = grants
        audit_record(
            "transcript.raw_access_ended",
            actor=request.user,
            target=transcript,
            organisation=transcript.organisation,
        )


def raw_access_until(request, transcript: Transcript) -> datetime.datetime | None:
    """When this person's raw access to the transcript ends, or None if they have none now."""
    expires = request.session.get(_SESSION_KEY, {}).get(str(transcript.public_id))
    if expires is None:
        return None
    until = datetime.datetime.fromtimestamp(expires, tz=datetime.UTC)
    if until <= timezone.now():
        grants = dict(request.session[_SESSION_KEY])
        grants.pop(str(transcript.public_id))
        request.session[_SESSION_KEY] = grants
        return None
    return until
