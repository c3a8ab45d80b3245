"""Deductive coding from a codebook with a fake embedder (no model)."""

from nlp.codebook import Codebook, Theme
from nlp.coding import CodebookCoder, CodingPolicy

CODEBOOK = Codebook(
    [
        Theme(
            key="waiting",
            label="Waiting",
            definition="waiting hours queue delay",
            examples=("long wait in the queue",),
        ),
        Theme(key="food", label="Food", definition="food meal tea menu", key_phrases=("tea",)),
        Theme(key="staff", label="Staff", definition="nurse kind friendly helpful"),
    ]
)


def test_similarity_suggestions_name_the_nearest_text(fake_embedder):
    coder = CodebookCoder(CODEBOOK, embedder=fake_embedder, use_rules=False)
    (first,) = coder.suggest(["long wait in the queue today"])[:1]
    assert first[0].theme_key == "waiting"
    assert first[0].source == "similarity"
    assert "long wait in the queue" in first[0].reason


def test_rules_come_first_and_code_keeps_top_theme(fake_embedder):
    coder = CodebookCoder(CODEBOOK, embedder=fake_embedder, policy=CodingPolicy(top_k=2))
    suggestions = coder.suggest(["the tea was cold and the nurse kind"])[0]
    assert suggestions[0].source == "rule"
    assert suggestions[0].theme_key == "food"
    coded = coder.code(["the tea was cold", "queue delay hours", "nurse kind friendly"])
    assert coded[0][0] == "food"
    assert coded[1][0] == "waiting"
    assert coded[2][0] == "staff"
    assert all(1 <= len(row) <= 2 for row in coded)


def test_rules_only_coding_needs_no_embedder():
    coder = CodebookCoder(CODEBOOK, use_similarity=False)
    assert coder.code(["more tea please", "nothing"]) == [["food"], []]
