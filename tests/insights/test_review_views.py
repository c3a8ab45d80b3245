"""The review queue, code history, coding runs and model pages over HTTP: who may reach them,
plain-form actions, CSRF, clear errors and a bounded number of queries."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from engagement.roles import Role
from insights.models import Code, CodingRun, SegmentReview, SuggesterModel
from tests.factories import UserFactory, partner_of

from .review_support import TEXTS, make_codebook, make_segment, make_segments, suggest

pytestmark = pytest.mark.django_db


@pytest.fixture
def themes(db):
    return make_codebook()


@pytest.fixture
def waiting(themes):
    """A segment with two suggestions and a neighbour, waiting for review."""
    segment = make_segment(TEXTS["transport"][0], source_id="rec", position=1)
    make_segment("What gets in the way?", source_id="rec", position=0, codable=False)
    suggest(segment, themes["transport"], 0.7, origin="rule", reason="matched 'bus'")
    suggest(segment, themes["anxiety"], 0.2)
    return segment


def urls(segment, code):
    return [
        reverse("insights:review_queue"),
        reverse("insights:review_segment", args=[segment.pk]),
        reverse("insights:code_history", args=[code.pk]),
        reverse("insights:coding_runs"),
        reverse("insights:coding_run", args=[CodingRun.objects.get_or_create(total=1)[0].pk]),
        reverse("insights:suggester_models"),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, waiting):
    for url in urls(waiting, waiting.codes.first()):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.ADMIN])
def test_residents_and_administrators_are_refused(client, waiting, role):
    client.force_login(UserFactory(roles=[role]))
    for url in urls(waiting, waiting.codes.first()):
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("insights:review_segment", args=[waiting.pk]),
        {"action": "accept", "code": waiting.codes.first().pk},
    )
    assert response.status_code == 403


def test_partners_never_see_segments(client, waiting, organisation):
    client.force_login(partner_of(organisation))
    for url in urls(waiting, waiting.codes.first()):
        response = client.get(url)
        assert response.status_code == 403, url
        assert TEXTS["transport"][0] not in response.content.decode()


@pytest.mark.parametrize("fixture", ["associate", "lead"])
def test_associates_and_leads_review(client, waiting, fixture, request):
    client.force_login(request.getfixturevalue(fixture))
    response = client.get(reverse("insights:review_queue"))
    assert response.status_code == 302
    assert response.url == reverse("insights:review_segment", args=[waiting.pk])
    page = client.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert TEXTS["transport"][0] in html
    assert "matched &#x27;bus&#x27;" in html and "70%" in html
    assert "What gets in the way?" in html  # the facilitator's question, for context
    assert 'src="/static/js/review.js"' in html and "<script>" not in html
    for url in urls(waiting, waiting.codes.first())[2:]:
        assert client.get(url).status_code == 200, url


def test_accepting_with_a_plain_form_redirects_back_to_the_segment(client, associate, waiting):
    code = waiting.codes.get(theme__key="transport")
    client.force_login(associate)
    url = reverse("insights:review_segment", args=[waiting.pk])
    response = client.post(url, {"action": "accept", "code": code.pk})
    assert response.status_code == 302 and response.url == url + "#codes"
    code.refresh_from_db()
    assert code.status == Code.Status.ACCEPTED and code.decided_by == associate
    page = client.get(url).content.decode()
    assert "Accepted Transport." in page and "Decided codes" in page


def test_posts_need_a_csrf_token(waiting, associate):
    client = Client(enforce_csrf_checks=True)
    client.force_login(associate)
    code = waiting.codes.first()
    response = client.post(
        reverse("insights:review_segment", args=[waiting.pk]),
        {"action": "accept", "code": code.pk},
    )
    assert response.status_code == 403
    code.refresh_from_db()
    assert code.status == Code.Status.SUGGESTED


def test_adding_without_a_theme_explains_and_changes_nothing(client, associate, waiting):
    client.force_login(associate)
    response = client.post(
        reverse("insights:review_segment", args=[waiting.pk]), {"action": "add", "theme": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and 'href="#add-theme"' in html
    assert "Choose a theme to add" in html
    assert waiting.codes.count() == 2


def test_adding_changing_and_flagging_with_forms(client, associate, waiting, themes):
    client.force_login(associate)
    url = reverse("insights:review_segment", args=[waiting.pk])
    client.post(url, {"action": "add", "theme": themes["childcare"].pk})
    added = waiting.codes.get(theme=themes["childcare"])
    assert added.origin == "person" and added.status == "accepted"

    transport = waiting.codes.get(theme__key="transport")
    response = client.post(
        url, {"action": "change", "code": transport.pk, "theme": transport.theme_id}
    )
    assert "Choose a different theme" in response.content.decode()
    client.post(url, {"action": "change", "code": transport.pk, "theme": themes["anxiety"].pk})
    transport.refresh_from_db()
    assert transport.status == "rejected"
    assert waiting.codes.get(theme=themes["anxiety"]).status == "accepted"

    client.post(url, {"action": "quote"})
    assert SegmentReview.objects.get(segment=waiting).powerful_quote
    assert "Powerful quote" in client.get(url).content.decode()


def test_a_code_of_another_segment_cannot_be_decided_here(client, associate, waiting, themes):
    other = suggest(make_segment("other"), themes["transport"])
    client.force_login(associate)
    response = client.post(
        reverse("insights:review_segment", args=[waiting.pk]),
        {"action": "accept", "code": other.pk},
    )
    assert "That code is no longer on this segment." in response.content.decode()
    other.refresh_from_db()
    assert other.status == "suggested"


def test_done_and_skip_move_on_through_the_queue(client, associate, waiting, themes):
    second = make_segment("second")
    suggest(second, themes["childcare"], 0.9)
    client.force_login(associate)
    queue = reverse("insights:review_queue")
    response = client.post(
        reverse("insights:review_segment", args=[waiting.pk]), {"action": "skip"}
    )
    assert response.url == queue
    assert client.get(queue).url == reverse("insights:review_segment", args=[second.pk])

    client.post(reverse("insights:review_segment", args=[second.pk]), {"action": "done"})
    assert SegmentReview.objects.get(segment=second).reviewed_by == associate
    empty = client.get(queue)
    assert empty.status_code == 200
    assert "Nothing is waiting for review" in empty.content.decode()
    assert "You skipped 1 segment" in empty.content.decode()
    client.post(queue)  # show skipped segments again
    assert client.get(queue).url == reverse("insights:review_segment", args=[waiting.pk])


def test_the_queue_keeps_a_theme_filter(client, associate, waiting, themes):
    other = make_segment("other")
    suggest(other, themes["childcare"], 0.1)
    client.force_login(associate)
    theme = themes["transport"].pk
    response = client.get(reverse("insights:review_queue"), {"theme": theme})
    assert response.url == reverse("insights:review_segment", args=[waiting.pk]) + f"?theme={theme}"
    posted = client.post(response.url, {"action": "skip"})
    assert posted.url == reverse("insights:review_queue") + f"?theme={theme}"


def test_withdrawn_segments_are_not_found(client, associate, waiting):
    waiting.withdrawn_at = timezone.now()
    waiting.save()
    client.force_login(associate)
    assert client.get(reverse("insights:review_segment", args=[waiting.pk])).status_code == 404
    code = waiting.codes.first()
    assert client.get(reverse("insights:code_history", args=[code.pk])).status_code == 404
    assert client.get(reverse("insights:review_queue")).status_code == 200


def test_the_history_page_lists_every_decision(client, associate, lead, waiting):
    from insights.services.review import code_accept, code_reject

    code = waiting.codes.get(theme__key="anxiety")
    code_accept(code, user=associate)
    code_reject(code, user=lead)
    client.force_login(associate)
    page = client.get(reverse("insights:code_history", args=[code.pk])).content.decode()
    html = page.split("What happened", 1)[1]
    assert html.index("Accepted") < html.index("Rejected")
    assert str(associate) in html and str(lead) in html
    assert "suggested → accepted" in html and "accepted → rejected" in html


def test_the_review_page_needs_the_same_number_of_queries_however_much_there_is(
    client, associate, themes
):
    small = make_segment("small", source_id="s", position=0)
    suggest(small, themes["transport"], 0.1)
    big = make_segment("big", source_id="b", position=2)
    for position in (0, 1, 3, 4):
        make_segment(f"neighbour {position}", source_id="b", position=position)
    for i, key in enumerate(["transport", "childcare", "anxiety"]):
        suggest(big, themes[key], 0.2 + i / 10)
    client.force_login(associate)
    client.get(reverse("insights:review_segment", args=[small.pk]))  # warm the session

    def count(segment):
        with CaptureQueriesContext(connection) as queries:
            assert (
                client.get(reverse("insights:review_segment", args=[segment.pk])).status_code == 200
            )
        return len(queries)

    assert count(big) == count(small) <= 20


def test_an_associate_starts_a_coding_run_and_follows_it(
    client, associate, themes, django_capture_on_commit_callbacks
):
    make_segments(3, stakeholder_group="employer")
    client.force_login(associate)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("insights:coding_runs"), {"stakeholder_group": "employer"})
    run = CodingRun.objects.get()
    assert response.url == reverse("insights:coding_run", args=[run.pk])
    assert run.segment_filter == {"stakeholder_group": "employer"} and run.started_by == associate
    html = client.get(response.url).content.decode()
    assert "Finished" in html and "Employer" in html and "Review the suggestions" in html
    assert "data-review-poll" not in html
    assert "Employer" in client.get(reverse("insights:coding_runs")).content.decode()


def test_a_coding_run_with_a_bad_filter_or_nothing_to_code_explains(client, associate, themes):
    client.force_login(associate)
    response = client.post(
        reverse("insights:coding_runs"), {"date_from": "2026-05-01", "date_to": "2026-04-01"}
    )
    assert "The end date must be on or after the start date" in response.content.decode()
    response = client.post(reverse("insights:coding_runs"), {})
    assert "No segments to code match this filter" in response.content.decode()
    assert not CodingRun.objects.exists()


def test_a_running_run_page_refreshes_itself(client, associate):
    run = CodingRun.objects.create(status=CodingRun.Status.RUNNING, done=3, total=10)
    client.force_login(associate)
    html = client.get(reverse("insights:coding_run", args=[run.pk])).content.decode()
    assert "data-review-poll" in html and "3 of 10 segments (30%)" in html


def test_only_leads_retrain_and_too_few_codes_are_explained(client, associate, lead, themes):
    url = reverse("insights:suggester_models")
    client.force_login(associate)
    assert "Retrain now" not in client.get(url).content.decode()
    assert client.post(url).status_code == 403
    client.force_login(lead)
    assert "Retrain now" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "100 more are needed" in response.content.decode()
    assert not SuggesterModel.objects.exists()


def test_a_lead_retrains_from_the_page(client, lead, themes, django_capture_on_commit_callbacks):
    from .review_support import theme_of

    for segment in make_segments(105):
        Code.objects.create(
            segment=segment,
            theme=themes[theme_of(segment.text)],
            origin="person",
            status="accepted",
            coder=lead,
        )
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("insights:suggester_models"), follow=True)
    html = response.content.decode()
    assert "Training version 1 of the learned model" in html
    model = SuggesterModel.objects.get()
    assert model.metrics["status"] == "ready"
    html = client.get(reverse("insights:suggester_models")).content.decode()
    assert "In use" in html and "105" in html
