"""Codebook loading and key-phrase rules."""

import pytest

from nlp.codebook import Codebook, Theme, codebook_from_csv, codebook_from_dict, codebook_from_yaml
from nlp.data import DataError
from nlp.rules import PhraseRules, normalise_token

from .conftest import REPO_ROOT

YAML_SHAPE = {
    "codebook": {
        "name": "Test",
        "version": "2.1",
        "themes": [
            {
                "key": "health",
                "label": "Health",
                "kind": "barrier",
                "definition": "Health gets in the way.",
                "children": [
                    {
                        "key": "mental-health",
                        "label": "Mental health",
                        "definition": "Anxiety or depression limits work.",
                        "include": "Panic attacks.",
                        "key_phrases": ["anxiety", "panic attack", "low mood"],
                        "examples": ["My anxiety got worse."],
                    },
                    {"key": "pain", "label": "Pain", "key_phrases": ["back pain"]},
                ],
            },
            {"key": "transport", "label": "Transport", "key_phrases": ["bus", "lift"]},
        ],
    }
}


def test_codebook_from_dict_flattens_children_with_parents():
    cb = codebook_from_dict(YAML_SHAPE)
    assert cb.version == "2.1"
    assert cb.keys == ["health", "mental-health", "pain", "transport"]
    assert cb["mental-health"].parent == "health"
    assert cb["mental-health"].key_phrases == ("anxiety", "panic attack", "low mood")
    assert cb["mental-health"].examples == ("My anxiety got worse.",)
    assert [t.key for t in cb.leaves()] == ["mental-health", "pain", "transport"]
    assert "Panic attacks" in cb["mental-health"].description()


def test_codebook_from_dict_rejects_bad_shapes():
    with pytest.raises(DataError):
        codebook_from_dict({"codebook": {"themes": "nope"}})
    with pytest.raises(DataError):
        codebook_from_dict({"themes": [{"key": "a"}, {"key": "a"}]})


def test_project_codebook_yaml_loads():
    cb = codebook_from_yaml(REPO_ROOT / "insights" / "reference_data" / "codebook.yaml")
    assert len(cb.leaves()) > 10
    assert all(t.label for t in cb.themes)


def test_codebook_from_csv_maps_columns_and_skips_reference_rows(tmp_path):
    path = tmp_path / "defs.csv"
    path.write_text(
        "framework,name,description\n"
        "v1,Staff attitude,\"Staff described as 'friendly', 'rude'. NB: see 'Waiting' rather than "
        "here for 'delays'.\"\n"
        "v1,Waiting,Time spent waiting.\n"
        "v1,Waiting,A duplicate row.\n"
        "v2 (reference only),Parking,Car parks.\n"
        "v1,Other,\n",
        encoding="utf-8",
    )
    cb = codebook_from_csv(path, label_column="name")
    assert cb.keys == ["Staff attitude", "Waiting", "Other"]
    assert cb["Staff attitude"].key_phrases == ("friendly", "rude")
    assert cb["Waiting"].definition == "Time spent waiting."
    with pytest.raises(DataError, match="no column 'label_x'"):
        codebook_from_csv(path, label_column="label_x")


def test_codebook_from_csv_without_definition_column(tmp_path):
    path = tmp_path / "defs.csv"
    path.write_text("label,notes\nA,x\n", encoding="utf-8")
    with pytest.raises(DataError, match="definition"):
        codebook_from_csv(path)


@pytest.mark.parametrize(
    ("word", "norm"),
    [
        ("waiting", "wait"),
        ("waited", "wait"),
        ("Waits", "wait"),
        ("stopped", "stop"),
        ("staffing", "staff"),
        ("ladies", "lady"),
        ("worried", "worry"),
        ("bus", "bus"),
        ("ring", "ring"),
    ],
)
def test_normalise_token(word, norm):
    assert normalise_token(word) == norm


def test_rules_match_inflected_phrases_and_give_reasons():
    cb = codebook_from_dict(YAML_SHAPE)
    rules = PhraseRules(cb.leaves())
    hits = rules.match("Panic attacks and BACK PAINS, then no lifts")
    assert [(h.theme_key, h.phrase) for h in hits] == [
        ("mental-health", "panic attack"),
        ("pain", "back pain"),
        ("transport", "lift"),
    ]
    suggestions = rules.suggest_many(["my anxiety, my low moods", "nothing here"])
    assert suggestions[1] == []
    (only,) = suggestions[0]
    assert only.theme_key == "mental-health"
    assert only.source == "rule"
    assert "'anxiety'" in only.reason and "'low moods'" in only.reason


def test_rules_with_no_phrases_match_nothing():
    rules = PhraseRules(Codebook([Theme(key="a", label="A")]).themes)
    assert rules.match("anything at all") == []
