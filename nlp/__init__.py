"""Theme coding engine: deductive coding from a codebook, supervised suggestion, topic discovery,
agreement metrics and sentiment for short free-text segments.

A plain library: it never imports Django or the project's apps, and importing it (or its light
modules such as ``nlp.metrics``, ``nlp.codebook`` and ``nlp.coding``) loads no torch, spaCy model,
sentence-transformers or BERTopic. Those load inside the functions that need them.
"""

from nlp.types import LabelledData, Suggestion

__all__ = ["LabelledData", "Suggestion"]
__version__ = "0.1.0"
