"""The learned model: trained from people's decisions on demand or after enough new reviews,
stored in private storage, and used (or silent) in coding runs."""

import pytest
from django.core.files.storage import storages

from insights.models import Code, CodeEvent, CodingRun, SuggesterModel
from insights.services import training
from insights.services.coding import coding_run_start
from insights.services.review import code_accept, code_reject
from insights.services.training import (
    MIN_TRAINING_SEGMENTS,
    TrainingError,
    latest_model,
    load_suggester,
    retrain_if_due,
    retrain_request,
    training_examples,
    training_readiness,
)

from .review_support import make_codebook, make_segments, person_codes, theme_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def themes(db):
    return make_codebook()


def test_too_few_coded_segments_says_how_many_more_are_needed(themes, lead):
    person_codes(make_segments(37), themes, lead)
    readiness = training_readiness()
    assert readiness.segments == 37
    assert not readiness.ready
    assert readiness.more_needed == MIN_TRAINING_SEGMENTS - 37
    with pytest.raises(TrainingError) as error:
        retrain_request(user=lead)
    assert str(error.value).startswith(
        f"The learned model needs at least {MIN_TRAINING_SEGMENTS} segments that people have "
        f"coded. 37 are coded so far, so {MIN_TRAINING_SEGMENTS - 37} more are needed."
    )
    assert not SuggesterModel.objects.exists()


def test_one_theme_is_not_enough_to_learn_from(themes, lead):
    segments = [s for s in make_segments(330) if theme_of(s.text) == "transport"]
    person_codes(segments, themes, lead)
    readiness = training_readiness()
    assert readiness.segments == 110 and not readiness.ready
    assert "at least 2 themes with 2 or more accepted codes each; 1 theme has" in (
        readiness.message
    )


def test_rejections_are_negatives_and_rare_themes_are_left_out(themes, lead):
    a, b, c = make_segments(3)
    person_codes([a, b], themes, lead)
    Code.objects.create(
        segment=c,
        theme=themes["transport"],
        origin=Code.Origin.SIMILARITY,
        status=Code.Status.REJECTED,
        decided_by=lead,
    )
    ids, texts, labels = training_examples()
    assert ids == [a.pk, b.pk, c.pk]
    assert texts[0] == a.text
    # a and b each carry a theme seen only once, so no theme has the two examples needed.
    assert labels == [[], [], []]


def test_a_lead_retrains_and_the_model_is_stored_with_its_figures(
    themes, lead, django_capture_on_commit_callbacks
):
    person_codes(make_segments(120), themes, lead)
    with django_capture_on_commit_callbacks(execute=True):
        requested = retrain_request(user=lead)
    model = SuggesterModel.objects.get()
    assert model.pk == requested.pk
    assert model.version == 1 and model.trained_by == lead
    assert model.metrics["status"] == "ready"
    assert model.n_train == 120
    assert model.labels == ["anxiety", "childcare", "transport"]
    assert 0 <= model.metrics["micro_f1"] <= 1 and 0 <= model.metrics["macro_f1"] <= 1
    assert model.metrics["method"] == "3-fold cross-validation"
    assert model.metrics["embedder"] == "hashing"
    assert storages["private"].exists(model.artefact.name)
    assert latest_model() == model
    suggester = load_suggester(model)
    assert suggester.predict(["The bus never comes on a Sunday."]) == [["transport"]]


def test_a_training_job_delivered_twice_trains_once(
    themes, lead, monkeypatch, django_capture_on_commit_callbacks
):
    from insights.tasks.coding import train_suggester

    person_codes(make_segments(120), themes, lead)
    with django_capture_on_commit_callbacks(execute=True):
        model = retrain_request(user=lead)
    model.refresh_from_db()
    stored = model.artefact.name

    def must_not_train(*args, **kwargs):
        raise AssertionError("trained a second time")

    monkeypatch.setattr(training, "train_model", must_not_train)
    assert train_suggester.call(model_id=model.pk) == 120
    model.refresh_from_db()
    assert model.artefact.name == stored and model.metrics["status"] == "ready"


def test_a_training_under_way_is_not_started_twice(themes, lead):
    person_codes(make_segments(120), themes, lead)
    first = retrain_request(user=lead)  # not committed: still "training"
    assert retrain_request(user=lead) == first
    assert SuggesterModel.objects.count() == 1
    assert latest_model() is None


def test_a_failed_training_says_so(themes, lead, monkeypatch, django_capture_on_commit_callbacks):
    person_codes(make_segments(120), themes, lead)

    def broken(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(training, "cross_validate", broken)
    with django_capture_on_commit_callbacks(execute=True):
        retrain_request(user=lead)
    model = SuggesterModel.objects.get()
    assert model.metrics == {"status": "failed", "error": "Training stopped: MemoryError."}
    assert latest_model() is None


def test_enough_new_reviews_retrain_automatically(
    themes, lead, settings, django_capture_on_commit_callbacks
):
    settings.EHL_RETRAIN_AFTER_REVIEWS = 5
    segments = make_segments(125)
    person_codes(segments[:120], themes, lead)
    # Codes entered directly carry no review events: nothing is due yet.
    assert retrain_if_due() is None
    waiting = [
        Code.objects.create(
            segment=s, theme=themes[theme_of(s.text)], origin="similarity", status="suggested"
        )
        for s in segments[120:]
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for code in waiting[:4]:
            code_accept(code, user=lead)
    assert not SuggesterModel.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        code_reject(waiting[4], user=lead)
    model = SuggesterModel.objects.get()
    assert model.metrics["status"] == "ready" and model.n_train == 125
    assert model.trained_by is None
    # The count starts again from the new model.
    assert training.reviews_since_last_model() == 0


def test_coding_runs_use_the_learned_model_and_name_its_version(
    themes, lead, django_capture_on_commit_callbacks
):
    person_codes(make_segments(120), themes, lead)
    with django_capture_on_commit_callbacks(execute=True):
        retrain_request(user=lead)
    new = make_segments(6)
    with django_capture_on_commit_callbacks(execute=True):
        run = coding_run_start(user=lead, segment_filter={})
    run.refresh_from_db()
    assert run.status == CodingRun.Status.DONE
    assert run.suggester == latest_model()
    by_model = Code.objects.filter(segment__in=new, origin=Code.Origin.MODEL)
    assert by_model.exists()
    for code in by_model:
        assert (code.model_name, code.model_version) == ("supervised", "v1")
        assert code.made_by == "supervised v1"
        assert "learned model: p=" in code.reason
        assert code.theme.key == theme_of(code.segment.text)
        assert CodeEvent.objects.get(code=code).actor_label == "supervised v1"


def test_the_model_stays_silent_when_unsure(themes, lead, monkeypatch):
    from insights.services.coding import RunCoder

    person_codes(make_segments(120), themes, lead)
    model = training.train_model(training._start_training(lead))

    class Run:
        codebook_version_id = None
        suggester = model

    coder = RunCoder(Run())
    coder.suggester.config = type(coder.suggester.config)(confidence=1.01)
    proposals = coder.propose(["The bus never comes on a Sunday."])
    assert all(p.origin != Code.Origin.MODEL for p in proposals[0].values())


def test_a_training_that_never_finished_does_not_block_the_next(themes, lead):
    from datetime import timedelta

    from django.utils import timezone

    person_codes(make_segments(120), themes, lead)
    stuck = SuggesterModel.objects.create(version=1, metrics={"status": "training"})
    SuggesterModel.objects.filter(pk=stuck.pk).update(
        created_at=timezone.now() - timedelta(hours=3)
    )
    fresh = retrain_request(user=lead)
    assert fresh.version == 2
    stuck.refresh_from_db()
    assert stuck.metrics == {"status": "failed", "error": "Training did not finish."}
