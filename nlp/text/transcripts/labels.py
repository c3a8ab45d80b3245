"""Finding who is speaking: WebVTT voice tags, "Name: text" prefixes, and markup removal.

A colon prefix is ambiguous ("Note: the bus was late"), so prefixes are collected across the
whole file first and only accepted as speaker names by ``choose_speaker_labels``.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable

from nlp.text.transcripts.model import Cue

_VOICE = re.compile(r"<v(?:\.[\w.-]+)*(?:[ \t]+([^>]*))?>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^>]*>|<\d[\d:.]*>|\{\\[^}]*\}")
_PREFIX = re.compile(r"^\s*(?:-\s*|>>\s*)?(?P<name>[^:\n]{1,60}?)\s*:\s+(?P<text>\S.*)$", re.S)
_NAME_WORD = re.compile(r"[^\W_][\w'’.\-]*|\([\w ]+\)|@\w+", re.UNICODE)
_BAD_CHARS = set('?!;,"<>[]{}/\\|=+*#%&')

# Lead words that introduce a clause rather than name a person: "Note: ...", "So: ...".
_NOT_NAMES = {
    "note", "notes", "question", "answer", "so", "well", "yes", "no", "and", "but", "i", "we",
    "the", "an", "it", "this", "that", "what", "why", "how", "example", "e.g", "ps", "re",
    "tip", "warning", "update", "time", "date", "subject", "fyi", "http", "https", "www",
    "mailto", "important", "summary", "action", "actions", "agenda", "edit", "ok", "okay",
}  # fmt: skip


def strip_markup(text: str) -> str:
    """Cue text without WebVTT/SRT markup (<i>, <c.x>, inline timestamps, {\\an8}) and with
    entities such as &amp; decoded."""
    return html.unescape(_TAG.sub("", text))


def split_voices(text: str) -> list[tuple[str | None, str]]:
    """Split cue text on WebVTT voice tags: ``<v Jane Smith>Hello</v>`` gives
    ``[("Jane Smith", "Hello")]``. Text before the first tag has speaker ``None``."""
    pieces: list[tuple[str | None, str]] = []
    position = 0
    speaker: str | None = None
    for match in _VOICE.finditer(text):
        pieces.append((speaker, text[position : match.start()]))
        name = " ".join(html.unescape(match.group(1) or "").split())
        speaker = name or None
        position = match.end()
    pieces.append((speaker, text[position:]))
    return [(who, strip_markup(said)) for who, said in pieces if strip_markup(said).strip()]


def has_voice_tag(text: str) -> bool:
    """Whether the text carries a WebVTT ``<v ...>`` voice tag."""
    return _VOICE.search(text) is not None


def split_prefix(text: str) -> tuple[str, str] | None:
    """``("Jane Smith", "hello")`` for "Jane Smith: hello" when the label could be a name;
    ``None`` otherwise. Only the first line is looked at, and only its rest is returned.
    Whether the label *is* a speaker is decided per file."""
    match = _PREFIX.match(text.partition("\n")[0])
    if not match:
        return None
    name = " ".join(match.group("name").split())
    if not is_name_like(name):
        return None
    return name, match.group("text").strip()


def apply_speaker_labels(candidates: list[tuple[Cue, str, str]], total: int) -> None:
    """Move accepted prefix labels from each candidate cue's text into its speaker.

    Each candidate is (cue, label, text after the label on the cue's first line); the cue's
    text may have grown since, so only the prefix is cut off.
    """
    accepted = choose_speaker_labels((label for _, label, _ in candidates), total)
    for cue, label, rest in candidates:
        if label in accepted:
            first_line_end = cue.text.find("\n")
            first_line_end = len(cue.text) if first_line_end < 0 else first_line_end
            tail = cue.text[first_line_end:]
            cue.speaker, cue.text = label, rest + tail


def is_name_like(label: str) -> bool:
    """Whether a label could be a speaker's display name: one to five name-shaped words,
    starting with a letter, with no sentence punctuation."""
    if not label or len(label) > 50 or not label[0].isalpha():
        return False
    if any(ch in _BAD_CHARS for ch in label):
        return False
    words = label.split()
    if not 1 <= len(words) <= 5 or words[0].lower().rstrip(".") in _NOT_NAMES:
        return False
    return all(_NAME_WORD.fullmatch(word) for word in words)


def is_strong_name(label: str) -> bool:
    """Title-cased or all-caps labels ("Jane Smith", "SPEAKER 1") look like names on sight."""
    return all(word[0].isupper() or word[0].isdigit() or word[0] in "(@" for word in label.split())


def choose_speaker_labels(candidates: Iterable[str], total: int) -> set[str]:
    """Which of the prefix labels found in one file (of ``total`` cues or paragraphs) to treat
    as speaker names.

    A label is accepted when it starts two or more lines, or is a title-cased name of two or
    more words. Single title-cased words ("Jane") are accepted once some other label has been,
    or when such labels start at least half the file, because then the file is evidently
    written as "Name: text".
    """
    counts = Counter(candidates)
    accepted = {
        label
        for label, count in counts.items()
        if count >= 2 or (is_strong_name(label) and len(label.split()) >= 2)
    }
    strong = sum(count for label, count in counts.items() if is_strong_name(label))
    if accepted or (strong >= 2 and strong * 2 >= total):
        accepted |= {label for label in counts if is_strong_name(label)}
    return accepted
