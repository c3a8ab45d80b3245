"""Uploading transcripts, checking speakers and redactions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ..forms_capture import (
    RawAccessForm,
    RedactionCorrectionForm,
    SpeakersForm,
    TranscriptUploadForm,
)
from ..models import RoundtableTable
from ..permissions import (
    can_record_roundtables,
    can_use_work_area,
    conversations_for,
    transcripts_for,
)
from ..services.audit import audit_record
from ..services.capture import (
    CaptureError,
    transcript_redactions_correct,
    transcript_speakers_update,
    transcript_upload,
)
from ..services.transcript_access import (
    raw_access_end,
    raw_access_grant,
    raw_access_until,
    redacted_turns,
)
from .partner_focus_groups import managed_focus_group


def _attach_target(request, kind: str, public_id) -> dict:
    if kind == "session":
        return {"focus_group": managed_focus_group(request, public_id)}
    if kind == "table":
        if not can_record_roundtables(request.user):
            raise PermissionDenied
        return {"roundtable_table": get_object_or_404(RoundtableTable, public_id=public_id)}
    if kind == "conversation":
        if not can_use_work_area(request.user):
            raise PermissionDenied
        log = conversations_for(request.user).filter(public_id=public_id).first()
        if log is None:
            raise Http404
        return {"conversation": log}
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def transcript_upload_view(request, kind, public_id):
    target = _attach_target(request, kind, public_id)
    (attached,) = target.values()
    form = TranscriptUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            transcript = transcript_upload(
                actor=request.user,
                data=upload.read(),
                filename=upload.name,
                title=form.cleaned_data["title"],
                facilitators=form.cleaned_data["facilitators"],
                keep_original=form.cleaned_data["keep_original"],
                **target,
            )
        except CaptureError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                f"Transcript read: {len(transcript.turns)} turns from "
                f"{len(transcript.speakers)} speakers. Check the speakers below.",
            )
            return redirect("engagement:transcript_detail", transcript.public_id)
    return render(
        request, "engagement/transcripts/upload.html", {"form": form, "attached": attached}
    )


def _visible_transcript(request, public_id):
    if not can_use_work_area(request.user):
        raise PermissionDenied
    transcript = transcripts_for(request.user).filter(public_id=public_id).first()
    if transcript is None:
        raise Http404
    return transcript


@login_required
@require_http_methods(["GET", "POST"])
def transcript_detail(request, public_id):
    """Redacted turns for everyone who may see the transcript; the words as spoken only to
    someone who has said why they need them, for a limited time (`transcript_access`)."""
    from insights.selectors import segment_builds_for

    transcript = _visible_transcript(request, public_id)
    raw_until = raw_access_until(request, transcript)
    speakers_form = SpeakersForm(
        request.POST if "speakers" in request.POST else None, speakers=transcript.speakers
    )
    correction_form = RedactionCorrectionForm(
        request.POST if "corrections" in request.POST else None,
        redaction_log=transcript.redaction_log,
        show_redacted=raw_until is not None,
    )
    raw_form = RawAccessForm(request.POST if "raw_access" in request.POST else None)
    if request.method == "POST" and transcript.original_deleted_at is not None:
        # Retention removed the raw turns: a rebuild from nothing would delete the segments.
        messages.error(
            request,
            "The raw transcript was removed under the retention policy, so speakers and "
            "redactions can no longer be changed. Nothing was saved.",
        )
        return redirect("engagement:transcript_detail", transcript.public_id)
    if request.method == "POST":
        if "raw_access" in request.POST and raw_form.is_valid():
            until = raw_access_grant(request, transcript, raw_form.cleaned_data["reason"])
            messages.success(
                request,
                f"You can see the text as it was said until "
                f"{timezone.localtime(until):%H:%M}. Your reason is in the audit log.",
            )
            return redirect("engagement:transcript_detail", transcript.public_id)
        if "raw_access_end" in request.POST:
            raw_access_end(request, transcript)
            messages.success(request, "The transcript is redacted again.")
            return redirect("engagement:transcript_detail", transcript.public_id)
        if "speakers" in request.POST and speakers_form.is_valid():
            transcript_speakers_update(
                transcript=transcript, actor=request.user, roles=speakers_form.changes()
            )
            messages.success(request, "Speakers updated. The segments are being rebuilt.")
            return redirect("engagement:transcript_detail", transcript.public_id)
        if "corrections" in request.POST and correction_form.is_valid():
            transcript_redactions_correct(
                transcript=transcript,
                actor=request.user,
                add=correction_form.cleaned_data["add"],
                keep=correction_form.cleaned_data["keep"],
            )
            messages.success(request, "Corrections saved. The segments are being rebuilt.")
            return redirect("engagement:transcript_detail", transcript.public_id)
    audit_record(
        "transcript.viewed",
        actor=request.user,
        target=transcript,
        organisation=transcript.organisation,
        raw=raw_until is not None,
    )
    return render(
        request,
        "engagement/transcripts/detail.html",
        {
            "transcript": transcript,
            "turns": transcript.turns if raw_until else redacted_turns(transcript),
            "raw_until": raw_until,
            "raw_form": raw_form,
            "speakers_form": speakers_form,
            "correction_form": correction_form,
            "build": segment_builds_for("transcript", transcript.public_id).first(),
        },
    )


@login_required
def transcript_original(request, public_id):
    transcript = _visible_transcript(request, public_id)
    if not transcript.original:
        raise Http404
    if raw_access_until(request, transcript) is None:
        # The original holds the speakers' real names: the same reason and time limit apply.
        messages.error(request, "Say why you need the text as it was said to download it.")
        return redirect("engagement:transcript_detail", transcript.public_id)
    audit_record(
        "transcript.original_downloaded",
        actor=request.user,
        target=transcript,
        organisation=transcript.organisation,
    )
    return FileResponse(
        transcript.original.open("rb"),
        as_attachment=True,
        filename=transcript.original_name,
        # The type its content parsed as at upload, not one guessed from the sender's file name.
        content_type=ORIGINAL_CONTENT_TYPES.get(transcript.format, "application/octet-stream"),
    )


ORIGINAL_CONTENT_TYPES = {
    "txt": "text/plain; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "srt": "application/x-subrip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
