"""Builders for the data-protection tests: survey answers that become segments, sign-ups, and a
published theme report over coded segments."""

from __future__ import annotations

import json

from engagement.models import AuditEvent, ConsentStatement, SurveyResponse
from insights.models import Code, Segment, SegmentReview
from insights.services.segments import segments_rebuild

ANSWER = "The bus only comes once an hour so I cannot get to the job centre on time."


def survey_answer(page, *, user=None, contact_email="", text=ANSWER) -> SurveyResponse:
    """A stored survey response, as the survey page saves it, with its segments built."""
    name = "what_would_help_you_find_or_stay_in_work"
    response = SurveyResponse.objects.create(
        page=page,
        form_data={name: text, "are_you_in_work_now": "No"},
        user=user,
        anonymous=user is None,
        contact_email=contact_email,
        consent=ConsentStatement.current("survey"),
        analysed_answers={name: {"label": "What would help?", "text": text}},
    )
    segments_rebuild(Segment.SourceType.SURVEY, str(response.public_id))
    return response


def code_segments_of(response, theme, *, quote=True) -> list[Segment]:
    segments = list(Segment.objects.from_source("survey", response.public_id))
    for segment in segments:
        Code.objects.create(
            segment=segment, theme=theme, status=Code.Status.ACCEPTED, origin=Code.Origin.PERSON
        )
        if quote:
            SegmentReview.objects.create(segment=segment, powerful_quote=True)
    return segments


def audit_details_text() -> str:
    """Everything the audit trail holds in its free-form parts, to search for personal data."""
    return json.dumps(list(AuditEvent.objects.values("action", "target_id", "detail")))
