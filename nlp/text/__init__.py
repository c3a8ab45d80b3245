"""Text handling for the coding engine: reading transcripts into speaker turns, pseudonymising
speakers, splitting turns into codable segments, and redacting personal data.

Importing this package is cheap: spaCy and its models load inside the functions that need
them (segmentation and NER redaction), never at import time.
"""

from nlp.text.redaction import RedactionResult, Span, apply_corrections, redact, redact_many
from nlp.text.segmentation import Segment, segment_text, segment_turns
from nlp.text.speakers import LabelledTurn, SpeakerInfo, assign_pseudonyms, label_turns
from nlp.text.transcripts import Transcript, TranscriptError, Turn, parse_transcript

__all__ = [
    "LabelledTurn",
    "RedactionResult",
    "Segment",
    "Span",
    "SpeakerInfo",
    "Transcript",
    "TranscriptError",
    "Turn",
    "apply_corrections",
    "assign_pseudonyms",
    "label_turns",
    "parse_transcript",
    "redact",
    "redact_many",
    "segment_text",
    "segment_turns",
]
