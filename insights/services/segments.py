"""Turning capture records into segments: redact, split, store with provenance.

`segments_rebuild` is idempotent: it brings a record's segments in line with freshly built ones,
so an edited note or a reviewer's redaction correction is applied by simply building again.
Fresh pieces are matched to the record's segments by their words (`segment_matching`), never by
position alone, and updated in place: a code stays on the words it was given wherever they move,
and when those words are edited the people's codes on them go back to review with their history.
It runs in a background task (`insights.tasks.build_segments`), never in a web request."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from engagement.background import enqueue_on_commit

from ..models import Code, CodeEvent, Segment, SegmentBuild, SegmentReview
from .segment_matching import Piece, match_pieces, normalise
from .sources import SOURCES, SourceBundle, SourceText

MIN_WORDS = 5
MAX_WORDS = 80
PROGRESS_CHUNK = 200


def _redact(bundle: SourceBundle, texts: list[str]):
    from nlp.text.redaction import keep_values, redact_many

    names = [*bundle.known_names, *bundle.extra_redactions]
    results = redact_many(texts, use_ner=settings.EHL_REDACTION_NER, known_names=names)
    return keep_values(texts, results, bundle.redaction_exceptions)


def _pieces(item: SourceText) -> list[str]:
    from nlp.text.segmentation import segment_text

    mode = "turn" if item.whole_turn else "sentence"
    pieces = segment_text(item.text, mode=mode, min_words=MIN_WORDS, max_words=MAX_WORDS)
    return [piece.text for piece in pieces]


def content_key(raw: str) -> str:
    """A keyed hash of a piece's words before redaction: equal for the same words, and useless
    for guessing them without the site's secret key."""
    from django.utils.crypto import salted_hmac

    return salted_hmac("insights.segment.content", normalise(raw), algorithm="sha256").hexdigest()


def _progress(build: SegmentBuild | None, **fields) -> None:
    if build is not None:
        for name, value in fields.items():
            setattr(build, name, value)
        SegmentBuild.objects.filter(pk=build.pk).update(**fields, updated_at=timezone.now())


SOURCE_REMOVED_MESSAGE = (
    "The raw transcript was removed under the retention policy, so its segments cannot be "
    "rebuilt. The existing segments and their codes are kept as they are."
)


def segments_rebuild(source_type: str, source_id: str, build: SegmentBuild | None = None) -> int:
    """Replace the segments of one record; returns how many were created."""
    load, to_texts = SOURCES[source_type]
    bundle = to_texts(load(source_id))
    if bundle.source_removed:
        _progress(
            build,
            status=SegmentBuild.Status.FAILED,
            error=SOURCE_REMOVED_MESSAGE,
            finished_at=timezone.now(),
        )
        return 0
    # Split first, then redact each piece: spans then refer to the piece a reviewer sees.
    pieces = [
        (item, piece) for item in bundle.texts if item.text.strip() for piece in _pieces(item)
    ]
    _progress(build, status=SegmentBuild.Status.RUNNING, total=len(pieces), done=0)
    redacted = []
    for start in range(0, len(pieces), PROGRESS_CHUNK):
        chunk = [piece for _, piece in pieces[start : start + PROGRESS_CHUNK]]
        redacted.extend(_redact(bundle, chunk))
        _progress(build, done=len(redacted))

    now = timezone.now()
    rows = [
        Segment(
            source_type=source_type,
            source_id=source_id,
            source_part=item.part,
            position=position,
            stakeholder_group=item.stakeholder_group,
            place=item.place,
            focus_group=bundle.focus_group,
            said_on=item.said_on,
            round_number=item.round_number,
            person_key=item.person_key,
            speaker=item.speaker,
            consent=item.consent,
            text=result.text,
            content_key=content_key(raw),
            redactions=[
                {"start": span.start, "end": span.end, "kind": span.kind} for span in result.spans
            ],
            codable=item.codable,
            withdrawn_at=now if (bundle.withdrawn or item.withdrawn) else None,
        )
        for position, ((item, raw), result) in enumerate(zip(pieces, redacted, strict=True))
    ]
    with transaction.atomic():
        _lock_record(source_type, source_id)
        if source_type == Segment.SourceType.TRANSCRIPT:
            _log_redactions(source_id, redacted)
        _replace_segments(source_type, source_id, rows, bundle.cohorts)
        _progress(
            build,
            status=SegmentBuild.Status.DONE,
            segments_created=len(rows),
            finished_at=timezone.now(),
        )
    return len(rows)


def _lock_record(source_type: str, source_id: str) -> None:
    """Make concurrent rebuilds of one record take turns until the transaction ends.

    Two workers building the same record at once (a job delivered twice, or a re-queued build
    whose first worker was only slow) would both read "no segments yet" and both insert: the
    record's segments would be doubled. PostgreSQL runs writers side by side, so an advisory lock
    keyed on the record serialises them; the second then finds the first's segments and updates
    them in place. SQLite already runs one writing transaction at a time (BEGIN IMMEDIATE)."""
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(f"segments:{source_type}:{source_id}".encode(), digest_size=8)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)",
            [int.from_bytes(digest.digest(), "big", signed=True)],
        )


UPDATED_FIELDS = [
    "position",
    "source_part",
    "stakeholder_group",
    "place",
    "focus_group",
    "said_on",
    "round_number",
    "person_key",
    "speaker",
    "consent",
    "text",
    "content_key",
    "redactions",
    "codable",
    "withdrawn_at",
    "updated_at",
]

WORDS_CHANGED = "words-changed"
WORDS_CHANGED_REASON = "The words were edited after this was decided: check it still fits."


def _replace_segments(source_type, source_id, rows: list[Segment], cohorts) -> None:
    existing = list(Segment.objects.from_source(source_type, source_id).order_by("position"))
    match = match_pieces(
        [Piece(old.source_part, old.text, old.content_key) for old in existing],
        [Piece(row.source_part, row.text, row.content_key) for row in rows],
    )
    now = timezone.now()
    kept = []
    for i, j in [*match.same, *match.edited]:
        old, row = existing[i], rows[j]
        row.pk, row.created_at, row.updated_at = old.pk, old.created_at, now
        if old.withdrawn_at and row.withdrawn_at:
            row.withdrawn_at = old.withdrawn_at  # withdrawn stays withdrawn from when it was
        kept.append(row)
    created = [rows[j] for j in match.created]
    _reopen_codes([existing[i].pk for i, _ in match.edited], now)
    _remove([existing[i] for i in match.removed], source_type, source_id)
    Segment.objects.bulk_update(kept, UPDATED_FIELDS, batch_size=500)
    Segment.objects.bulk_create(created, batch_size=500)
    through = Segment.cohorts.through
    ids = [row.pk for row in [*kept, *created]]
    through.objects.filter(segment_id__in=ids).delete()
    through.objects.bulk_create(
        [through(segment_id=pk, cohort_id=cohort.pk) for pk in ids for cohort in cohorts],
        batch_size=1000,
    )


def _reopen_codes(segment_ids: list[int], now) -> int:
    """People's decisions on words that have since been edited go back to the review queue.

    The code stays on the segment (now holding the edited words) as a suggestion, with a
    history entry saying why, so a person confirms it or takes it off; nothing is decided for
    them. A reviewed segment is reviewed again, and a flagged quote is unflagged: what was
    flagged is no longer what it says."""
    if not segment_ids:
        return 0
    decided = list(
        Code.objects.filter(
            segment_id__in=segment_ids,
            status__in=[Code.Status.ACCEPTED, Code.Status.REJECTED],
        )
    )
    CodeEvent.objects.bulk_create(
        [
            CodeEvent(
                code=code,
                action=WORDS_CHANGED,
                from_status=code.status,
                to_status=Code.Status.SUGGESTED,
                actor_label="record rebuilt",
            )
            for code in decided
        ]
    )
    Code.objects.filter(pk__in=[code.pk for code in decided]).update(
        status=Code.Status.SUGGESTED,
        reason=WORDS_CHANGED_REASON,
        decided_by=None,
        decided_at=None,
        updated_at=now,
    )
    SegmentReview.objects.filter(segment_id__in=segment_ids).update(
        reviewed_at=None, reviewed_by=None, powerful_quote=False
    )
    return len(decided)


def _remove(segments: list[Segment], source_type: str, source_id: str) -> None:
    """Segments whose words are no longer in the record go, with their codes: there is nothing
    left for those codes to be about. How many people's codes went is kept in the audit trail."""
    if not segments:
        return
    from engagement.services.audit import audit_record

    ids = [segment.pk for segment in segments]
    decided = Code.objects.filter(
        segment_id__in=ids, status__in=[Code.Status.ACCEPTED, Code.Status.REJECTED]
    ).count()
    Segment.objects.filter(pk__in=ids).delete()
    if decided:
        audit_record(
            "segments.removed_on_rebuild",
            source_type=source_type,
            source_id=source_id,
            segments=len(ids),
            decided_codes=decided,
        )


def _log_redactions(transcript_id: str, results) -> None:
    """Keep what was redacted beside the transcript (not the segments), so a reviewer can see
    it and correct it."""
    from collections import Counter

    from engagement.models import Transcript

    found = Counter((span.kind, span.original) for result in results for span in result.spans)
    log = [
        {"kind": kind, "text": text, "count": count}
        for (kind, text), count in sorted(found.items())
    ]
    Transcript.objects.filter(public_id=transcript_id).update(redaction_log=log)


def segments_withdraw(source_type: str, source_id: str, person_key: str | None = None) -> int:
    """Take a record's segments (or one person's within it) out of analysis at once."""
    segments = Segment.objects.from_source(source_type, source_id).filter(withdrawn_at__isnull=True)
    if person_key is not None:
        segments = segments.filter(person_key=person_key)
    return segments.update(withdrawn_at=timezone.now())


def segments_assign_rounds() -> int:
    """Stamp every segment with the engagement round its day falls in, after the calendar of
    rounds has changed. Roundtable notes and transcripts keep their series' own round number."""
    from django.db.models import Case, PositiveSmallIntegerField, Value, When

    from engagement.models import EngagementRound, Transcript

    roundtable_transcripts = [
        str(key)
        for key in Transcript.objects.filter(roundtable_table__isnull=False).values_list(
            "public_id", flat=True
        )
    ]
    segments = Segment.objects.exclude(source_type=Segment.SourceType.ROUNDTABLE).exclude(
        source_type=Segment.SourceType.TRANSCRIPT, source_id__in=roundtable_transcripts
    )
    whens = [
        When(said_on__gte=r.starts_on, said_on__lte=r.ends_on, then=Value(r.number))
        for r in EngagementRound.objects.all()
    ]
    number = Case(*whens, default=None, output_field=PositiveSmallIntegerField()) if whens else None
    # updated_at moves too, so kept reports see that their round figures are out of date.
    return segments.update(round_number=number, updated_at=timezone.now())


def build_requested(source_type: str, source_id: str) -> SegmentBuild:
    """Record a build and queue it to run after the current transaction commits."""
    from ..tasks import build_segments

    build = SegmentBuild.objects.create(source_type=source_type, source_id=source_id)
    enqueue_on_commit(build_segments, build_id=build.pk)
    return build
