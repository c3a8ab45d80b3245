"""Which part of its record a segment came from, in words a reviewer reads ("Effect on working
life", "Turn 4"), not the stored key (`effect_on_work`, `turn:3`)."""

from __future__ import annotations

from engagement.models import ConversationLog, RoundtableQuestion, SurveyResponse

from .models import Segment


def _sentence_case(text: str) -> str:
    text = str(text).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def part_label(segment: Segment) -> str:
    """The part of the source record a segment was taken from, for people; "" when none."""
    part = segment.source_part or ""
    if not part:
        return ""
    kind = segment.source_type
    if kind == Segment.SourceType.CONVERSATION and part in ConversationLog.TEXT_FIELDS:
        return _sentence_case(ConversationLog._meta.get_field(part).verbose_name)
    if kind == Segment.SourceType.TRANSCRIPT and part.startswith("turn:"):
        index = part.removeprefix("turn:")
        return f"Turn {int(index) + 1}" if index.isdigit() else "A turn"
    if kind == Segment.SourceType.ROUNDTABLE and part.startswith("q"):
        question_id = part[1:].split(":", 1)[0]
        if question_id.isdigit():
            question = RoundtableQuestion.objects.filter(pk=int(question_id)).first()
            if question is not None:
                return f"Notes on “{question.text}”"
        return "Table notes"
    if kind == Segment.SourceType.SURVEY:
        answers = (
            SurveyResponse.objects.filter(public_id=segment.source_id)
            .values_list("analysed_answers", flat=True)
            .first()
        )
        label = ((answers or {}).get(part) or {}).get("label")
        if label:
            return f"Answer to “{label}”"
    return _sentence_case(part)
