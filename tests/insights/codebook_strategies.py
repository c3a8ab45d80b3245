"""Hypothesis strategies for codebooks as import/export rows: a tree of themes (top level and
sub-themes) with the kinds of text people really type, in the order exports write them."""

from __future__ import annotations

from hypothesis import strategies as st

from insights.models import Theme
from insights.services.codebook import clean_label, clean_text
from insights.services.codebook_io import ThemeRow

# Any printable character, including quotes, commas, apostrophes, "=", "<", "&" and non-Latin
# scripts; no control characters or surrogates (the importer drops those by design).
_chars = st.characters(
    blacklist_categories=("Cs", "Cc", "Cn", "Co"), blacklist_characters="|"
) | st.sampled_from(list("=+-@'\"<>&,;\n "))

_text = st.text(_chars, max_size=60).map(clean_text)
_label = st.text(_chars, min_size=1, max_size=40).map(clean_label).filter(bool)
_item = st.text(_chars, min_size=1, max_size=20).map(clean_label).filter(bool)
_items = st.lists(_item, max_size=4, unique=True).map(tuple)
_numbers = st.lists(st.integers(1, 7), max_size=3, unique=True).map(lambda n: tuple(sorted(n)))


@st.composite
def codebook_rows(draw, max_top: int = 4, max_children: int = 3) -> list[ThemeRow]:
    keys = draw(
        st.lists(
            st.from_regex(r"[a-z0-9][a-z0-9_-]{0,15}", fullmatch=True),
            min_size=1,
            max_size=max_top * (max_children + 1),
            unique=True,
        )
    )
    rows: list[ThemeRow] = []
    pool = iter(keys)

    def row(key, parent):
        return ThemeRow(
            key=key,
            label=draw(_label),
            parent=parent,
            kind=draw(st.sampled_from(Theme.Kind.values)),
            status=draw(st.sampled_from(Theme.Status.values)),
            definition=draw(_text),
            include=draw(_text),
            exclude=draw(_text),
            key_phrases=draw(_items),
            examples=draw(_items),
            core_questions=draw(_numbers),
        )

    for key in pool:
        rows.append(row(key, ""))
        for _ in range(draw(st.integers(0, max_children))):
            child = next(pool, None)
            if child is None:
                break
            rows.append(row(child, key))
    return rows
