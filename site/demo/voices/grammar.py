"""The phrase-bank grammar: alternatives in square brackets, slots in braces.

    [a|b|c]       one of the alternatives, chosen at random; an alternative may be empty, so
                  ``[really |]`` is an optional word. Alternatives nest.
    {slot}        a value from a slot vocabulary (values are templates themselves). Within one
                  sentence the same slot name always gets the same value; ``{slot#2}`` (any
                  suffix after ``#``) draws a second, independent value.

Templates are parsed once and cached; expansion takes a random generator and a resolver that
turns a slot name into the list of templates it may be filled with.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from random import Random


class GrammarError(ValueError):
    """A phrase-bank template that cannot be parsed or filled."""


@dataclass(frozen=True)
class Alt:
    options: tuple[tuple, ...]


@dataclass(frozen=True)
class Slot:
    name: str
    key: str


Node = str | Alt | Slot


def _parse_seq(text: str, i: int, depth: int) -> tuple[tuple[Node, ...], int, str]:
    """Parse from ``i`` up to an unmatched ``|`` or ``]`` (or the end); returns the sequence, the
    index of the stop character and the stop character itself ('' at the end)."""
    out: list[Node] = []
    buf: list[str] = []
    while i < len(text):
        ch = text[i]
        if ch == "[":
            if buf:
                out.append("".join(buf))
                buf = []
            options = []
            i += 1
            while True:
                seq, i, stop = _parse_seq(text, i, depth + 1)
                options.append(seq)
                if stop == "|":
                    i += 1
                    continue
                if stop == "]":
                    i += 1
                    break
                raise GrammarError(f"Unclosed '[' in template: {text!r}")
            out.append(Alt(tuple(options)))
        elif ch in "|]":
            if depth == 0:
                raise GrammarError(f"Stray {ch!r} outside brackets in template: {text!r}")
            break
        elif ch == "{":
            end = text.find("}", i)
            if end < 0:
                raise GrammarError(f"Unclosed '{{' in template: {text!r}")
            if buf:
                out.append("".join(buf))
                buf = []
            key = text[i + 1 : end].strip()
            if not re.fullmatch(r"[a-z_][a-z0-9_]*(#\w+)?", key):
                raise GrammarError(f"Bad slot name {{{key}}} in template: {text!r}")
            out.append(Slot(name=key.split("#", 1)[0], key=key))
            i = end + 1
        elif ch == "}":
            raise GrammarError(f"Stray '}}' in template: {text!r}")
        else:
            buf.append(ch)
            i += 1
    if buf:
        out.append("".join(buf))
    stop = text[i] if i < len(text) else ""
    return tuple(out), i, stop


@cache
def parse(text: str) -> tuple[Node, ...]:
    seq, _, _ = _parse_seq(text, 0, 0)
    return seq


def slots_in(text: str) -> set[str]:
    """The slot names a template refers to (at any depth)."""
    found: set[str] = set()

    def walk(seq: tuple[Node, ...]) -> None:
        for node in seq:
            if isinstance(node, Slot):
                found.add(node.name)
            elif isinstance(node, Alt):
                for option in node.options:
                    walk(option)

    walk(parse(text))
    return found


def literal_words(text: str) -> list[str]:
    """Every word written in a template, alternatives included (for frequency estimates)."""
    return re.findall(r"[a-z0-9]+(?:'[a-z0-9]+)*", re.sub(r"\{[^}]*\}", " ", text.lower()))


Resolver = Callable[[str], list[str]]


def expand(text: str, rng: Random, resolve: Resolver, memo: dict[str, str] | None = None) -> str:
    """Fill a template. ``memo`` keeps slot values consistent within one sentence."""
    memo = {} if memo is None else memo

    def walk(seq: tuple[Node, ...], depth: int) -> str:
        if depth > 12:
            raise GrammarError(f"Slots nest too deeply (a loop?) while filling {text!r}")
        out: list[str] = []
        for node in seq:
            if isinstance(node, str):
                out.append(node)
            elif isinstance(node, Alt):
                out.append(walk(node.options[rng.randrange(len(node.options))], depth))
            else:
                if node.key not in memo:
                    options = resolve(node.name)
                    if not options:
                        raise GrammarError(f"No values for slot {{{node.name}}} in {text!r}")
                    chosen = options[rng.randrange(len(options))]
                    memo[node.key] = walk(parse(chosen), depth + 1)
                out.append(memo[node.key])
        return "".join(out)

    return walk(parse(text), 0)


_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:?!])")
_DOUBLE_COMMA = re.compile(r",\s*,")
_COMMA_END = re.compile(r"[,;:]\s*([.?!])$")
# "a" before a vowel sound becomes "an"; words that start with a vowel letter but a consonant
# sound (a university, a one-off, a European) are left alone.
_ARTICLE = re.compile(r"\b([Aa]) (?=(?!(?i:uni|use|usu|one|eu|ur))[aeiouAEIOU])")
# ...and "an" before a consonant becomes "a" (h is left alone: an hour, an honest answer).
_ARTICLE_N = re.compile(
    r"\b([Aa])n (?=[bcdfgjklmnpqrstvwxyz]|[BCDFGJKLMNPQRSTVWXYZ][a-z]|(?i:uni|use|usu|eu|ur))"
)
# Acronyms go by their first letter's sound: an MRI, an SIA badge, a GP, a DBS check.
_ARTICLE_ACRONYM = re.compile(r"\b([Aa])n? (?=([A-Z])[A-Z0-9&]+\b)")


def tidy(text: str) -> str:
    """Collapse the spacing and punctuation that joining fragments leaves behind."""
    text = " ".join(text.split())
    if " ," in text or " ." in text or " ;" in text or " :" in text or " ?" in text or " !" in text:
        text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    if ",," in text or ", ," in text:
        text = _DOUBLE_COMMA.sub(",", text)
    if len(text) > 1 and text[-2] in ",;:":
        text = _COMMA_END.sub(r"\1", text)
    if "a " in text or "A " in text:
        text = _ARTICLE.sub(lambda m: m.group(1) + "n ", text)
    if "an " in text or "An " in text:
        text = _ARTICLE_N.sub(lambda m: m.group(1) + " ", text)
    if "a " in text or "A " in text or "an " in text:
        text = _ARTICLE_ACRONYM.sub(
            lambda m: m.group(1) + ("n " if m.group(2) in "AEFHILMNORSX" else " "), text
        )
    return text
