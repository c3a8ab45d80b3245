from .codebook import Theme
from .questions import CoreQuestion
from .segments import Segment, SegmentBuild

__all__ = ["CoreQuestion", "Segment", "SegmentBuild", "Theme"]
