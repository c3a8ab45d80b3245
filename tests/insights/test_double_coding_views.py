"""Double coding over HTTP: who may make samples, who may code them, and that each coder works
without seeing the other's themes or the machine's suggestions."""

import pytest
from django.urls import reverse

from engagement.roles import Role
from insights.models import DoubleCodingSample, SampleCoding
from insights.services.double_coding import sample_code, sample_create
from tests.factories import UserFactory, partner_of

from .review_support import make_codebook, make_segments, suggest

pytestmark = pytest.mark.django_db


@pytest.fixture
def themes(db):
    return make_codebook()


@pytest.fixture
def coder_a(db):
    return UserFactory(roles=[Role.ASSOCIATE])


@pytest.fixture
def coder_b(db):
    return UserFactory(roles=[Role.ASSOCIATE])


@pytest.fixture
def sample(themes, coder_a, coder_b, lead):
    make_segments(4)
    return sample_create(
        name="Pilot",
        coder_a=coder_a,
        coder_b=coder_b,
        size=4,
        segment_filter={},
        created_by=lead,
        seed=2,
    )


def all_urls(sample):
    segment = sample.segments.first()
    return {
        "list": reverse("insights:double_coding_list"),
        "create": reverse("insights:double_coding_create"),
        "results": reverse("insights:double_coding_results", args=[sample.pk]),
        "next": reverse("insights:double_coding_code", args=[sample.pk]),
        "segment": reverse("insights:double_coding_segment", args=[sample.pk, segment.pk]),
    }


def test_anonymous_visitors_are_sent_to_sign_in(client, sample):
    for url in all_urls(sample).values():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_residents_partners_and_administrators_are_refused(client, sample, organisation):
    for user in (
        UserFactory(roles=[Role.RESIDENT]),
        partner_of(organisation),
        UserFactory(roles=[Role.ADMIN]),
    ):
        client.force_login(user)
        for url in all_urls(sample).values():
            assert client.get(url).status_code == 403, (user, url)


def test_coders_code_but_do_not_make_samples_or_see_results(client, sample, coder_a):
    urls = all_urls(sample)
    client.force_login(coder_a)
    assert client.get(urls["list"]).status_code == 200
    assert "Pilot" in client.get(urls["list"]).content.decode()
    assert client.get(urls["next"]).status_code == 302
    assert client.get(urls["segment"]).status_code == 200
    assert client.get(urls["create"]).status_code == 403
    assert client.get(urls["results"]).status_code == 403


def test_other_associates_and_leads_cannot_code_someone_elses_sample(client, sample, lead):
    urls = all_urls(sample)
    other = UserFactory(roles=[Role.ASSOCIATE])
    client.force_login(other)
    assert "Pilot" not in client.get(urls["list"]).content.decode()
    for name in ("next", "segment"):
        assert client.get(urls[name]).status_code == 403
    client.force_login(lead)
    assert client.get(urls["results"]).status_code == 200
    assert client.get(urls["create"]).status_code == 200
    for name in ("next", "segment"):
        assert client.get(urls[name]).status_code == 403
    response = client.post(urls["segment"], {"none": "on"})
    assert response.status_code == 403
    assert not SampleCoding.objects.exists()


def test_a_coder_sees_neither_the_other_coder_nor_the_machine(
    client, sample, coder_a, coder_b, themes
):
    segment = sample.segments.order_by("pk").first()
    suggest(segment, themes["childcare"], 0.8, reason="matched 'nursery school'")
    sample_code(sample, coder=coder_a, segment=segment, themes=[themes["transport"]])
    client.force_login(coder_b)
    url = reverse("insights:double_coding_segment", args=[sample.pk, segment.pk])
    html = client.get(url).content.decode()
    assert segment.text in html
    assert "nursery school" not in html and "80%" not in html
    assert " checked" not in html
    client.force_login(coder_a)
    html = client.get(url).content.decode()
    assert f'value="{themes["transport"].pk}" checked' in html


def test_coding_a_sample_segment_by_segment(client, sample, coder_a, themes):
    client.force_login(coder_a)
    segments = list(sample.segments.order_by("pk"))
    next_url = reverse("insights:double_coding_code", args=[sample.pk])
    first = client.get(next_url)
    assert first.url == reverse("insights:double_coding_segment", args=[sample.pk, segments[0].pk])

    # Nothing ticked: the coder is asked to tick themes or say none applies.
    response = client.post(first.url, {})
    html = response.content.decode()
    assert "Tick the themes that apply, or say none applies" in html
    assert 'href="#id_themes_0"' in html and 'id="id_themes_0"' in html
    response = client.post(first.url, {"themes": [themes["transport"].pk], "none": "on"})
    assert "not both" in response.content.decode()

    response = client.post(first.url, {"themes": [themes["transport"].pk, themes["anxiety"].pk]})
    assert response.url == next_url
    coding = SampleCoding.objects.get(coder=coder_a, segment=segments[0])
    assert set(coding.themes.values_list("key", flat=True)) == {"transport", "anxiety"}
    for segment in segments[1:]:
        client.post(
            reverse("insights:double_coding_segment", args=[sample.pk, segment.pk]),
            {"none": "on"},
        )
    finished = client.get(next_url)
    assert finished.status_code == 200
    assert "You have coded every segment" in finished.content.decode()


def test_a_lead_makes_a_sample_with_a_form(client, lead, coder_a, coder_b, themes):
    make_segments(6, stakeholder_group="employer")
    make_segments(3, stakeholder_group="resident")
    client.force_login(lead)
    url = reverse("insights:double_coding_create")
    form = {
        "name": "Employers",
        "coder_a": coder_a.pk,
        "coder_b": coder_a.pk,
        "size": 10,
        "stakeholder_group": "employer",
    }
    html = client.post(url, form).content.decode()
    assert "Choose two different people" in html
    # The form's hint says what a small sample gets, since it is accepted.
    assert "Agreement is judged on 30 or more" in html
    form["coder_b"] = coder_b.pk
    html = client.post(url, form).content.decode()
    assert "Only 6 segments match this filter: choose 6 or fewer." in html
    assert 'href="#id_size"' in html
    form["size"] = 5
    response = client.post(url, form)
    sample = DoubleCodingSample.objects.get()
    assert response.url == reverse("insights:double_coding_results", args=[sample.pk])
    assert sample.segments.count() == 5
    assert set(sample.segments.values_list("stakeholder_group", flat=True)) == {"employer"}
    html = client.get(response.url).content.decode()
    assert "too small to judge" in html and "Too few to judge" in html


def test_partners_are_not_offered_as_coders(client, lead, organisation):
    partner = partner_of(organisation, first_name="Pat", last_name="Partner")
    client.force_login(lead)
    html = client.get(reverse("insights:double_coding_create")).content.decode()
    assert "Pat Partner" not in html and f'value="{partner.pk}"' not in html


def test_the_results_page_shows_kappa_alpha_and_the_machines_f1(client, lead, themes):
    from insights.models import Code

    a, b = UserFactory(roles=[Role.ASSOCIATE]), UserFactory(roles=[Role.ASSOCIATE])
    make_segments(30)
    sample = sample_create(
        name="Full", coder_a=a, coder_b=b, size=30, segment_filter={}, created_by=lead, seed=1
    )
    for i, segment in enumerate(sample.segments.order_by("pk")):
        chosen = [themes["transport"]] if i < 10 else []
        sample_code(sample, coder=a, segment=segment, themes=chosen)
        sample_code(sample, coder=b, segment=segment, themes=chosen)
        Code.objects.create(
            segment=segment,
            theme=themes["transport"],
            origin="rule",
            status="accepted" if i < 10 else "rejected",
            decided_by=lead,
        )
    client.force_login(lead)
    html = client.get(reverse("insights:double_coding_results", args=[sample.pk])).content.decode()
    assert "1.00 (almost perfect)" in html
    assert "too small to judge" not in html
    assert "micro-averaged F1 0.50 (95% confidence interval" in html
    assert "macro-averaged F1 0.50" in html
