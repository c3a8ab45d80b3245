"""Discovery runs: the worker turns topics in segments into candidate themes with quotes and
nearest themes, reproducibly; too few segments and failures are told plainly; only leads start
runs and only people who code segments see them."""

import pytest

from insights.models import DiscoveryRun, Segment, Theme
from insights.services.discovery import discovery_requested, readable_label

from .codebook_support import make_segments, make_theme

pytestmark = pytest.mark.django_db

TOPICS = {
    "transport": [
        "The bus only comes once an hour so I cannot get to work",
        "Bus fares are too expensive for the journey to the job",
        "No bus runs to the industrial estate early in the morning",
        "The last bus leaves before my shift ends at night",
        "Without a car the bus journey takes two hours each way",
    ],
    "childcare": [
        "Childcare costs more than I would earn working part time",
        "Nursery fees make working pointless for me and my family",
        "I cannot find childcare that covers evening shifts",
        "The nursery closes before my shift finishes so I had to leave",
        "Childcare for my two kids is too expensive to manage",
    ],
    "pain": [
        "My back pain stops me standing for a whole shift",
        "Arthritis in my knees makes warehouse work impossible now",
        "Chronic pain means I cannot lift boxes any more at work",
        "My shoulder injury never healed properly after the accident",
        "Back pain flares up when I sit at a desk all day long",
    ],
}
ENDINGS = ["today", "again", "now", "still"]


def _texts():
    return [
        f"{sentences[i % 5]} really {ENDINGS[i % 4]}"
        for sentences in TOPICS.values()
        for i in range(20)
    ]


def _run(lead, segment_filter=None, django_capture_on_commit_callbacks=None, seed=42):
    with django_capture_on_commit_callbacks(execute=True):
        run = discovery_requested(lead, segment_filter or {}, seed=seed)
    run.refresh_from_db()
    return run


def _candidates(run):
    return list(
        Theme.objects.filter(discovery_run=run)
        .prefetch_related("representative_segments")
        .order_by("key")
    )


@pytest.mark.slow
def test_a_run_proposes_candidates_with_quotes_and_nearest_themes_reproducibly(
    lead, reference_data, django_capture_on_commit_callbacks
):
    segments = make_segments(_texts())
    # Out of the analysis: withdrawn, a facilitator's turn, and another group than the filter's.
    make_segments(
        ["The bus was late again and again and again today"] * 3,
        withdrawn_at=segments[0].created_at,
    )
    make_segments(["Thanks everyone, shall we talk about buses next"] * 3, codable=False)
    make_segments(["Employers never answer my emails about the bus"] * 3, group="employer")

    run = _run(lead, {"stakeholder_group": "resident"}, django_capture_on_commit_callbacks)

    assert run.status == DiscoveryRun.Status.DONE and run.error == ""
    assert run.segments_used == 60 and run.total == 61 and run.done == 61 and run.percent == 100
    assert run.codebook_version.number == 1 and run.finished_at
    candidates = _candidates(run)
    assert len(candidates) >= 2
    ours = {s.pk for s in segments}
    for theme in candidates:
        assert theme.status == Theme.Status.CANDIDATE and theme.origin == Theme.Origin.DISCOVERED
        assert theme.key_terms and theme.size >= 5 and theme.label[0].isupper()
        quotes = list(theme.representative_segments.all())
        assert 1 <= len(quotes) <= 3 and {q.pk for q in quotes} <= ours
        assert theme.nearest_theme.status == Theme.Status.APPROVED
        assert 0 < theme.nearest_similarity <= 1
        assert theme.definition == ""  # a person writes it when approving
    assert sum(t.size for t in candidates) + run.outliers == 60
    # Candidates never enter the approved codebook by themselves.
    assert not Theme.objects.filter(
        origin=Theme.Origin.DISCOVERED, status=Theme.Status.APPROVED
    ).exists()

    again = _run(lead, {"stakeholder_group": "resident"}, django_capture_on_commit_callbacks)
    assert again.outliers == run.outliers

    def shape(themes):
        return sorted(
            (
                t.label,
                t.size,
                tuple(t.key_terms),
                tuple(s.pk for s in t.representative_segments.all()),
            )
            for t in themes
        )

    assert shape(_candidates(again)) == shape(candidates)


def test_too_few_segments_fail_the_run_with_a_plain_message(
    lead, django_capture_on_commit_callbacks
):
    make_segments(_texts()[:4])
    run = _run(lead, {}, django_capture_on_commit_callbacks)
    assert run.status == DiscoveryRun.Status.FAILED and run.finished
    assert run.error.startswith("Only 4 segments matched this filter; discovery needs at least 10")
    assert not Theme.objects.filter(discovery_run=run).exists()


def test_a_failure_is_recorded_without_the_text_that_caused_it(
    lead, monkeypatch, django_capture_on_commit_callbacks
):
    make_segments(_texts()[:12])

    def broken(texts, *args, **kwargs):
        raise ValueError(f"could not cluster {texts[0]}")

    monkeypatch.setattr("nlp.discovery.discover", broken)
    run = _run(lead, {}, django_capture_on_commit_callbacks)
    assert run.status == DiscoveryRun.Status.FAILED
    assert "ValueError" in run.error and "bus" not in run.error.lower()
    assert not Theme.objects.filter(discovery_run=run).exists()


@pytest.mark.parametrize(
    "terms, label",
    [
        (["bus", "really", "really bus", "journey", "shift"], "Really bus, journey and shift"),
        (["childcare", "childcare costs", "nursery"], "Childcare costs and nursery"),
        (["pain"], "Pain"),
        ([], "Discovered topic 3"),
    ],
)
def test_labels_read_like_names(terms, label):
    assert readable_label(terms, "Discovered topic 3") == label


# --- Pages ------------------------------------------------------------------------------------


def _fake_discovery(monkeypatch, nearest_key="transport"):
    """A stand-in engine: two topics, so page tests need not wait for the real one."""
    from nlp.discovery import CandidateTheme, DiscoveryResult

    def fake(texts, embeddings, *, seed=42, **kwargs):
        half = len(texts) // 2
        themes = [
            CandidateTheme(0, "bus, fares", ["bus", "fares"], half, [texts[0], texts[1]]),
            CandidateTheme(1, "nursery", ["nursery"], len(texts) - half, [texts[half]]),
        ]
        themes[0].nearest_codebook_themes = [(nearest_key, 0.61)]
        return DiscoveryResult(themes, [0] * half + [1] * (len(texts) - half), 0)

    monkeypatch.setattr("nlp.discovery.discover", fake)


@pytest.fixture
def place(db):
    from tests.factories import PlaceFactory

    return PlaceFactory()


def test_a_lead_starts_a_run_over_a_filter_and_sees_its_candidates(
    client, lead, place, monkeypatch, django_capture_on_commit_callbacks
):
    _fake_discovery(monkeypatch)
    make_theme("Transport")
    in_place = make_segments(_texts()[:12], place=place)
    make_segments(_texts()[12:30])  # no Place: outside the filter
    client.force_login(lead)
    page = client.get("/work/codebook/discovery/")
    assert page.status_code == 200 and b"Start discovery" in page.content

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/work/codebook/discovery/start/", {"place": place.key})
    run = DiscoveryRun.objects.get()
    assert response.status_code == 302 and response.url == f"/work/codebook/discovery/{run.pk}/"
    assert run.segment_filter == {"place": place.key} and run.started_by == lead
    assert run.segments_used == 12

    page = client.get(response.url).content.decode()
    assert "Bus and fares" in page and "Nursery" in page
    assert in_place[0].text in page and "Transport (similarity 0.61)" in page
    assert "run-progress.mjs" not in page  # finished: nothing left to poll
    bus = Theme.objects.get(label="Bus and fares")
    assert bus.nearest_theme.key == "transport"
    assert f"/work/codebook/themes/{bus.key}/approve/" in page


def test_starting_with_too_few_segments_says_so_and_starts_nothing(client, lead, place):
    make_segments(_texts()[:3], place=place)
    client.force_login(lead)
    response = client.post("/work/codebook/discovery/start/", {"place": place.key})
    assert response.status_code == 200
    assert "Only 3 segments match this filter" in response.content.decode()
    assert not DiscoveryRun.objects.exists()


def test_bad_filter_values_are_reported_not_crashed_on(client, lead):
    client.force_login(lead)
    response = client.post(
        "/work/codebook/discovery/start/", {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert response.status_code == 200
    assert "The end date must be on or after the start date" in response.content.decode()
    assert not DiscoveryRun.objects.exists()


def test_a_running_run_shows_progress_and_polls_from_a_script_file(client, associate, lead):
    run = DiscoveryRun.objects.create(
        status=DiscoveryRun.Status.RUNNING, done=30, total=61, started_by=lead
    )
    client.force_login(associate)
    page = client.get(f"/work/codebook/discovery/{run.pk}/").content.decode()
    assert 'role="status"' in page and 'data-run-finished="false"' in page
    assert "49% done" in page and "reading 30 of 60 segments" in page
    assert '<script type="module" src="/static/js/run-progress.mjs"></script>' in page
    assert "<script>" not in page  # no inline script: the CSP forbids them
    # An associate watches, but only a lead starts runs.
    assert "Start discovery" not in client.get("/work/codebook/discovery/").content.decode()


@pytest.mark.parametrize("who", ["anonymous", "resident", "partner", "admin_user"])
def test_discovery_pages_are_for_people_who_code(client, who, request, lead):
    run = DiscoveryRun.objects.create(started_by=lead)
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    for url in ("/work/codebook/discovery/", f"/work/codebook/discovery/{run.pk}/"):
        response = client.get(url)
        assert response.status_code == (302 if who == "anonymous" else 403)


def test_an_associate_cannot_start_a_run(client, associate):
    make_segments(_texts()[:12])
    client.force_login(associate)
    assert client.post("/work/codebook/discovery/start/", {}).status_code == 403
    assert not DiscoveryRun.objects.exists()


def test_starting_a_run_needs_a_csrf_token(lead):
    from django.test import Client

    make_segments(_texts()[:12])
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)
    assert client.post("/work/codebook/discovery/start/", {}).status_code == 403
    assert not DiscoveryRun.objects.exists()


def test_withdrawn_quotes_are_not_shown(
    client, lead, monkeypatch, django_capture_on_commit_callbacks
):
    _fake_discovery(monkeypatch, nearest_key="missing")
    segments = make_segments(_texts()[:12])
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/work/codebook/discovery/start/", {})
    run = DiscoveryRun.objects.get()
    Segment.objects.filter(pk=segments[0].pk).update(withdrawn_at=segments[0].created_at)
    page = client.get(f"/work/codebook/discovery/{run.pk}/").content.decode()
    assert segments[1].text in page and segments[0].text not in page
    assert Theme.objects.get(label="Bus and fares").nearest_theme is None
