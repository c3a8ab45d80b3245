"""Background tasks of insights, one module per area. NLP work runs here, on the `nlp` queue,
never in a web request. The worker finds each task by its module path, so a new area only needs
its own module."""

from .segments import build_segments

__all__ = ["build_segments"]
