"""Turning capture records into segments, in the background."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="nlp")
def build_segments(*, build_id: int) -> int:
    """Redact and split one capture record into segments, recording progress on the build."""
    from ..models import SegmentBuild
    from ..services.segments import segments_rebuild

    build = SegmentBuild.objects.get(pk=build_id)
    try:
        return segments_rebuild(build.source_type, build.source_id, build=build)
    except Exception as error:
        # The message names the failure without quoting any of the text being processed.
        SegmentBuild.objects.filter(pk=build_id).update(
            status=SegmentBuild.Status.FAILED, error=type(error).__name__
        )
        raise
