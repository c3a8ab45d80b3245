"""Erasure and retention reach the trained models (issue #18.2): the subject-access export names
the models that learned from a person's words; once erased, those words are in no file under
private storage; model files written before training texts were left out are rewritten without
them. One training (and the one erasure asks for) keeps this quick."""

import io
import json
import pickle

import joblib
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse

from engagement.models import AuditEvent
from engagement.services.privacy_retention import retention_enforce
from insights.models import Segment, SuggesterModel
from insights.services.training import latest_model, retrain_request
from nlp.supervised import SupervisedSuggester
from tests.insights.review_support import make_codebook, make_segments, theme_of
from tests.insights.test_coding_training import person_codes

from .support import code_segments_of, survey_answer

pytestmark = pytest.mark.django_db

# One word nobody else uses, so finding it anywhere means the person's words are still there.
MARKER = "zebracrossingtrouble"
ANSWER = f"The {MARKER} by the depot means the bus never stops near my street at all."


def _walk(storage, directory=""):
    dirs, files = storage.listdir(directory)
    for name in files:
        yield f"{directory}/{name}" if directory else name
    for sub in dirs:
        yield from _walk(storage, f"{directory}/{sub}" if directory else sub)


def _files_holding(word: str) -> list[str]:
    """Every file in private storage whose bytes, or whose unpickled model, contain ``word``."""
    storage, found = storages["private"], []
    for name in _walk(storage):
        with storage.open(name, "rb") as handle:
            content = handle.read()
        if name.endswith(".joblib"):
            content += pickle.dumps(joblib.load(io.BytesIO(content)))
        if word.encode() in content:
            found.append(name)
    return found


@pytest.fixture
def trained(survey, lead, django_capture_on_commit_callbacks):
    """A model trained on 120 coded segments and a guest's coded survey answer."""
    themes = make_codebook()
    person_codes(make_segments(120), themes, lead)
    response = survey_answer(survey, contact_email="alex@example.org", text=ANSWER)
    code_segments_of(response, themes["transport"], quote=False)
    with django_capture_on_commit_callbacks(execute=True):
        retrain_request(user=lead)
    return {"response": response, "model": SuggesterModel.objects.get()}


def test_an_erased_persons_words_are_in_no_file_and_the_model_is_trained_again(
    client, lead, trained, django_capture_on_commit_callbacks
):
    first = trained["model"]
    assert first.metrics["status"] == "ready"
    # The scan can find the words: the model's vocabulary learned them.
    assert _files_holding(MARKER) == [first.artefact.name]
    guest_segments = Segment.objects.from_source("survey", trained["response"].public_id)
    assert set(first.trained_on.all()) >= set(guest_segments)

    # The subject-access export names the model that learned from the person's words.
    client.force_login(lead)
    export = client.post(
        reverse("engagement:privacy_export"), {"email": "alex@example.org", "format": "json"}
    )
    used = [name for segment in json.loads(export.content)["segments"]
            for name in segment["used_to_train"]]  # fmt: skip
    assert used and all(name.startswith("learned model v1, trained ") for name in used)

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            reverse("engagement:privacy_erase"), {"email": "alex@example.org", "confirm": "on"}
        )
    assert done.status_code == 302

    assert _files_holding(MARKER) == []
    first.refresh_from_db()
    assert not first.artefact and first.metrics["status"] == "removed"
    assert "erase" in first.metrics["error"]
    second = latest_model()
    assert second is not None and second.version == 2
    assert not set(second.trained_on.all()) & set(guest_segments)
    assert second.n_train == 120
    assert AuditEvent.objects.get(action="models.removed_after_erasure").detail == {"versions": [1]}
    html = client.get(reverse("insights:suggester_models")).content.decode()
    assert "Removed because it learned from words a person asked to erase" in html


def test_a_model_that_was_training_when_its_words_were_erased_goes_too(
    survey, lead, monkeypatch, django_capture_on_commit_callbacks
):
    from insights.services import training

    themes = make_codebook()
    person_codes(make_segments(120), themes, lead)
    response = survey_answer(survey, contact_email="alex@example.org", text=ANSWER)
    code_segments_of(response, themes["transport"], quote=False)
    validate, erased = training.cross_validate, []

    def erase_midway(*args, **kwargs):
        # The person's words are erased after the texts were read, before the model is stored.
        if not erased:
            erased.append(True)
            Segment.objects.from_source("survey", response.public_id).update(
                text="", withdrawn_at="2026-12-01T00:00Z"
            )
        return validate(*args, **kwargs)

    monkeypatch.setattr(training, "cross_validate", erase_midway)
    with django_capture_on_commit_callbacks(execute=True):
        retrain_request(user=lead)

    first, second = SuggesterModel.objects.order_by("version")
    assert first.metrics["status"] == "removed" and not first.artefact
    assert second.metrics["status"] == "ready" and second.n_train == 120
    assert _files_holding(MARKER) == []


def test_retention_rewrites_model_files_that_still_hold_their_training_texts(lead):
    texts = [segment.text for segment in make_segments(60)] + [ANSWER]
    labels = [[theme_of(t)] for t in texts[:-1]] + [["transport"]]
    suggester = SupervisedSuggester(use_embeddings=False).fit(texts, labels)
    buffer = io.BytesIO()
    joblib.dump(suggester, buffer)  # as model files were written before: texts and all
    name = storages["private"].save("models/suggester-v1.joblib", ContentFile(buffer.getvalue()))
    model = SuggesterModel.objects.create(
        version=1, artefact=name, holds_texts=True, metrics={"status": "ready"}
    )
    assert _files_holding(ANSWER) == [name]

    assert retention_enforce(dry_run=True)["model_artefacts_with_texts"] == 1
    assert _files_holding(ANSWER) == [name]
    assert retention_enforce()["model_artefacts_with_texts"] == 1

    model.refresh_from_db()
    assert not model.holds_texts and _files_holding(ANSWER) == []
    with storages["private"].open(model.artefact.name, "rb") as handle:
        rewritten = joblib.load(handle)
    assert rewritten.predict(["The bus never comes on a Sunday."]) == [["transport"]]
    assert retention_enforce()["model_artefacts_with_texts"] == 0
