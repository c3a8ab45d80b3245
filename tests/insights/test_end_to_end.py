"""From an uploaded transcript to an approved theme in a theme report.

A partner uploads a session's transcript; the worker turns it into pseudonymised segments; a
person accepts codes for an approved theme; the theme appears in the report, hidden while fewer
than five people said it and counted once five have. A candidate theme a machine proposed never
appears, however many codes it has."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from engagement.models import Transcript
from insights.models import Code, Segment, Theme
from insights.services.reports import theme_report
from tests.factories import FocusGroupFactory, partner_of

pytestmark = pytest.mark.django_db

PARTICIPANTS = ["Aisha Khan", "Ben Hughes", "Carol Price", "Dev Shah", "Ella Moore", "Femi Ade"]


def _vtt() -> str:
    cues = ["WEBVTT", ""]
    lines = [("Sam Host", "Thanks for coming along today. What makes getting to work hard?")]
    lines += [
        (name, f"The buses where I live stop at seven so I cannot get to shifts, says {i}.")
        for i, name in enumerate(PARTICIPANTS)
    ]
    for i, (speaker, text) in enumerate(lines):
        cues += [
            f"00:00:{i * 5:02d}.000 --> 00:00:{i * 5 + 4:02d}.000",
            f"<v {speaker}>{text}</v>",
            "",
        ]
    return "\n".join(cues)


@pytest.fixture
def uploaded(client, organisation, consents, reference_data, django_capture_on_commit_callbacks):
    """The partner's upload, built into segments by the (immediate) task queue."""
    session = FocusGroupFactory(organisation=organisation, status="completed")
    client.force_login(partner_of(organisation))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("engagement:transcript_upload", args=["session", session.public_id]),
            {
                "title": "Session recording",
                "file": SimpleUploadedFile("meeting.vtt", _vtt().encode()),
                "facilitators": "Sam Host",
            },
        )
    assert response.status_code == 302
    client.logout()
    transcript = Transcript.objects.get()
    return list(
        Segment.objects.in_analysis()
        .from_source("transcript", transcript.public_id)
        .order_by("position")
    )


def _accept(segments, theme, person):
    for segment in segments:
        Code.objects.create(
            segment=segment,
            theme=theme,
            origin=Code.Origin.PERSON,
            status=Code.Status.ACCEPTED,
            coder=person,
            decided_by=person,
        )


def _row(report, key):
    return next((t for t in report["themes"] if t["key"] == key), None)


def test_an_uploaded_transcript_becomes_evidence_for_an_approved_theme_in_a_report(
    client, uploaded, associate, lead
):
    # The facilitator's turn is kept out; each participant is one person, by pseudonym only.
    assert len(uploaded) == len(PARTICIPANTS)
    assert len({s.person_key for s in uploaded}) == len(PARTICIPANTS)
    assert not any(name.split()[0] in s.text for s in uploaded for name in PARTICIPANTS)

    transport = Theme.objects.get(key="transport", status=Theme.Status.APPROVED)
    proposed = Theme.objects.create(
        key="buses-after-dark",
        label="Buses after dark",
        kind=Theme.Kind.BARRIER,
        definition="Proposed by discovery.",
        status=Theme.Status.CANDIDATE,
        origin=Theme.Origin.DISCOVERED,
    )
    _accept(uploaded, proposed, associate)  # even accepted codes do not make it evidence

    # Four people: the theme is there, but the count is hidden.
    _accept(uploaded[:4], transport, associate)
    report = theme_report({})
    assert _row(report, "transport")["people"]["text"] == "fewer than 5"
    assert _row(report, "buses-after-dark") is None
    client.force_login(lead)
    html = client.get(reverse("insights:report")).content.decode()
    assert "Transport" in html and "fewer than 5" in html
    assert "Buses after dark" not in html

    # A fifth person says it: now it is counted, with its parent theme rolled up.
    _accept(uploaded[4:5], transport, associate)
    report = theme_report({})
    row = _row(report, "transport")
    assert row["people"]["value"] == 5 and row["segments"]["value"] == 5
    parent = _row(report, row["parent"])
    assert parent["people"]["value"] == 5
    assert row["quotes"] and all("person" not in quote for quote in row["quotes"])
    assert _row(report, "buses-after-dark") is None
    html = client.get(reverse("insights:report")).content.decode()
    assert "Buses after dark" not in html
    segments_url = reverse("insights:report_segments") + "?theme=transport"
    assert f'href="{segments_url}"' in html
    listed = client.get(segments_url).content.decode()
    assert "5 segments" in listed
