"""Read-side queries of insights used by other apps' views."""

from .models import Segment, SegmentBuild


def segment_builds_for(source_type: str, source_id):
    return SegmentBuild.objects.filter(source_type=source_type, source_id=str(source_id))


def segments_for_source(source_type: str, source_id):
    return Segment.objects.from_source(source_type, source_id).select_related("place")
