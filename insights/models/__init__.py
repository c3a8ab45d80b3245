from .codebook import Theme
from .questions import CoreQuestion

__all__ = ["CoreQuestion", "Theme"]
