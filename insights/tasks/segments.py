"""Turning capture records into segments, in the background."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="nlp")
def build_segments(*, build_id: int) -> int:
    """Redact and split one capture record into segments, recording progress on the build.

    Claims the build first, so a copy of this job delivered twice does nothing (see runs.py)."""
    from ..models import SegmentBuild
    from ..services.segments import segments_rebuild
    from .runs import DATABASE_LOST, claim, is_connection_lost, mark_failed

    if not claim(SegmentBuild, build_id):
        return 0
    build = SegmentBuild.objects.get(pk=build_id)
    try:
        return segments_rebuild(build.source_type, build.source_id, build=build)
    except Exception as error:
        # The message names the failure without quoting any of the text being processed.
        message = DATABASE_LOST if is_connection_lost(error) else type(error).__name__
        mark_failed(SegmentBuild, build_id, message)
        raise
