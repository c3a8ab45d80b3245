"""Matching a rebuilt record's pieces to its segments by their words (pure Python)."""

from hypothesis import given
from hypothesis import strategies as st

from insights.services.segment_matching import Piece, match_pieces, normalise

WORDS = st.sampled_from(
    [
        "bus",
        "shift",
        "manager",
        "back",
        "pain",
        "anxiety",
        "nursery",
        "train",
        "job",
        "centre",
        "hours",
        "wages",
        "late",
        "early",
    ]
)
SENTENCES = st.lists(WORDS, min_size=5, max_size=12).map(lambda w: " ".join(w).capitalize() + ".")
DISTINCT = st.lists(SENTENCES, min_size=1, max_size=8, unique_by=normalise)


def _pieces(texts, part="notes"):
    return [Piece(part, text, f"key:{normalise(text)}") for text in texts]


@given(DISTINCT, st.randoms())
def test_reordered_pieces_each_keep_their_own_segment(texts, rng):
    shuffled = texts[:]
    rng.shuffle(shuffled)
    match = match_pieces(_pieces(texts), _pieces(shuffled))
    assert not match.edited and not match.created and not match.removed
    assert all(texts[i] == shuffled[j] for i, j in match.same)


@given(DISTINCT, SENTENCES)
def test_a_prepended_sentence_is_new_and_moves_no_code(texts, extra):
    if normalise(extra) in {normalise(t) for t in texts}:
        return
    match = match_pieces(_pieces(texts), _pieces([extra, *texts]))
    assert match.created == [0]
    assert sorted(match.same) == [(i, i + 1) for i in range(len(texts))]
    assert not match.edited and not match.removed


@given(DISTINCT, st.data())
def test_a_deleted_sentence_takes_only_its_own_segment(texts, data):
    gone = data.draw(st.integers(0, len(texts) - 1))
    rest = texts[:gone] + texts[gone + 1 :]
    match = match_pieces(_pieces(texts), _pieces(rest))
    assert match.removed == [gone]
    assert all(texts[i] == rest[j] for i, j in match.same)
    assert not match.edited and not match.created


@given(DISTINCT, DISTINCT)
def test_words_are_never_taken_for_the_same_unless_they_are(old, new):
    match = match_pieces(_pieces(old), _pieces(new))
    assert all(normalise(old[i]) == normalise(new[j]) for i, j in match.same)
    paired_old = [i for i, _ in match.same + match.edited] + match.removed
    paired_new = [j for _, j in match.same + match.edited] + match.created
    assert sorted(paired_old) == list(range(len(old)))
    assert sorted(paired_new) == list(range(len(new)))


def test_an_edited_sentence_is_paired_with_its_old_words_as_edited():
    old = _pieces(["My manager never asked how I was getting on.", "The buses stop at six."])
    new = _pieces(["My line manager never once asked how I was.", "The buses stop at six."])
    match = match_pieces(old, new)
    assert match.same == [(1, 1)] and match.edited == [(0, 0)]


def test_only_pieces_of_the_same_part_are_paired_as_edited():
    old = [Piece("effect_on_work", "I lost my job at the warehouse after the operation.")]
    new = [Piece("what_would_help", "A job at the warehouse with lighter duties would help.")]
    match = match_pieces(old, new)
    assert match.removed == [0] and match.created == [0] and not match.edited


def test_segments_built_before_content_keys_match_on_their_redacted_words():
    old = [Piece("notes", "Call me on [PHONE], the bus is late.", "")]
    new = [Piece("notes", "call me on [PHONE]  the bus is late", "abc")]
    assert match_pieces(old, new).same == [(0, 0)]


def test_repeated_sentences_pair_in_reading_order():
    texts = [
        "I could not get there on the bus.",
        "Something else was said here.",
        "I could not get there on the bus.",
    ]
    match = match_pieces(_pieces(texts), _pieces(texts))
    assert match.same == [(0, 0), (1, 1), (2, 2)]
