"""Fictional voices for the demo programme: what residents, employers, services and roundtable
note-takers say about health and work in Cheshire and Merseyside.

    from demo.voices import Voices, VOICES, EMERGENT_TOPICS

    v = Voices(seed=0)
    v.sentence(theme="transport", voice="resident", place="st-helens", round_number=1)
    v.answer(themes=["transport", "caring-responsibilities"], voice="resident",
             place="st-helens", round_number=2, cohort="carers")
    v.aside(voice="resident", place="wirral")
    v.question(voice="facilitator", topic="barriers")
    v.backchannel()

The phrasing lives in YAML phrase banks under ``site/demo/content/voices/``; this package is pure
Python and PyYAML (no Django), so it can be used and tested on its own. Every text is fictional.
"""

from .banks import (
    COHORTS,
    EMERGENT_TOPICS,
    PLACES,
    QUESTION_TOPICS,
    ROUND_SENSITIVE,
    THEMES,
    VOICES,
)
from .generator import Voices, VoicesExhausted
from .likeness import read_alike

__all__ = [
    "COHORTS",
    "EMERGENT_TOPICS",
    "PLACES",
    "QUESTION_TOPICS",
    "ROUND_SENSITIVE",
    "THEMES",
    "VOICES",
    "Voices",
    "VoicesExhausted",
    "read_alike",
]
