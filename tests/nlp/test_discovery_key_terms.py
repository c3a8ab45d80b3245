"""Key terms of discovered topics never include contraction fragments ("im", "ive", "dont")."""

from nlp.discovery import CONTRACTION_STOP_WORDS, key_term_text, key_term_vectorizer

TEXTS = [
    "I'm worried about the bus, I’m late for every shift",
    "Im worried about the bus and I dont drive",
    "I've lost shifts because the bus doesn't come, I can't get there",
    "Ive told my manager the bus is late, they're not bothered",
    "My ill health means the bus is hard, people's patience runs out",
    "We're stuck: the bus never comes and it's cold waiting",
]


def test_contractions_are_taken_out_before_terms_are_counted():
    assert key_term_text("I’m sure they don't know").split() == ["sure", "they", "know"]
    assert "people" in key_term_text("people's patience") and "'s" not in key_term_text("Jo's")


def test_no_contraction_fragment_is_ever_a_key_term():
    vectorizer = key_term_vectorizer(len(TEXTS))
    vectorizer.fit(TEXTS)
    words = {word for term in vectorizer.get_feature_names_out() for word in term.split()}
    assert "bus" in words and "late" in words
    assert "ill" in words and "health" in words  # "ill health" is a real term, not "I'll"
    fragments = {"im", "ive", "dont", "doesn", "doesnt", "don", "ve", "re", "cant", "t", "s", "m"}
    assert not words & fragments, words & fragments
    assert {"im", "ive", "dont"} <= CONTRACTION_STOP_WORDS
