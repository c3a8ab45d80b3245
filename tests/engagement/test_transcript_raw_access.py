"""A transcript's turns are redacted for everyone who may see it; the words as spoken only for
someone who says why, for 30 minutes, with the reason in the audit trail."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from engagement.models import AuditEvent, Transcript
from engagement.services.transcript_access import RAW_ACCESS_MINUTES
from tests.factories import FocusGroupFactory, partner_of

pytestmark = pytest.mark.django_db

PHONE = "07700 900123"
SAID = f"Ring me on {PHONE} if Priya Patel can't make it, or email sam@example.org."


@pytest.fixture
def transcript(organisation, consents):
    session = FocusGroupFactory(organisation=organisation, status="completed")
    transcript = Transcript.objects.create(
        focus_group=session,
        title="Recording",
        format="txt",
        original_name="t.txt",
        keep_original=True,
        turns=[
            {"index": 0, "speaker": "Participant 1", "start": None, "end": None, "text": SAID},
            {"index": 1, "speaker": "Participant 2", "start": None, "end": None, "text": "Yes."},
        ],
        speakers={"Participant 1": {"role": "participant"}, "Participant 2": {}},
        redaction_names=["Priya Patel"],
        redaction_log=[
            {"kind": "PHONE", "text": PHONE, "count": 1},
            {"kind": "NAME", "text": "Priya Patel", "count": 1},
        ],
    )
    transcript.original.save("t.txt", ContentFile(f"Priya Patel: {SAID}".encode()), save=True)
    return transcript


def _url(transcript, suffix=""):
    return reverse(f"engagement:transcript_{suffix or 'detail'}", args=[transcript.public_id])


def _turns_table(html: str) -> str:
    return html[html.index('id="turns-caption"') :]


def test_a_partner_sees_the_turns_and_the_redaction_list_redacted(client, organisation, transcript):
    client.force_login(partner_of(organisation))
    html = client.get(_url(transcript)).content.decode()
    assert PHONE not in html and "Priya" not in html and "sam@example.org" not in html
    turns = _turns_table(html)
    assert "Ring me on [PHONE]" in turns and "[NAME]" in turns and "[EMAIL]" in turns
    assert "Yes." in turns
    # Nothing of the original can be fetched without a reason either.
    assert _url(transcript, "original") not in html
    response = client.get(_url(transcript, "original"))
    assert response.status_code == 302 and response.url == _url(transcript)
    assert not AuditEvent.objects.filter(action="transcript.original_downloaded").exists()


def test_reviewers_corrections_apply_to_the_page_as_to_the_segments(
    client, organisation, transcript
):
    transcript.redaction_additions = ["make it"]
    transcript.redaction_exceptions = ["Priya Patel"]
    transcript.save()
    client.force_login(partner_of(organisation))
    turns = _turns_table(client.get(_url(transcript)).content.decode())
    assert "Priya Patel" in turns and "make it" not in turns and PHONE not in turns


def test_a_reason_opens_the_raw_text_for_thirty_minutes_and_is_audited(
    client, organisation, transcript, monkeypatch
):
    partner = partner_of(organisation)
    client.force_login(partner)
    response = client.post(_url(transcript), {"raw_access": "1", "reason": ""})
    assert "Say why you need the text as it was said" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert not AuditEvent.objects.filter(action="transcript.raw_access_granted").exists()

    reason = f"Checking a missed redaction, call back on {PHONE}"
    response = client.post(_url(transcript), {"raw_access": "1", "reason": reason})
    assert response.status_code == 302
    grant = AuditEvent.objects.get(action="transcript.raw_access_granted")
    assert grant.actor == partner and grant.target_id == str(transcript.pk)
    assert grant.organisation == organisation and grant.detail["minutes"] == RAW_ACCESS_MINUTES
    # The reason is kept, but never the contact details someone typed into it.
    assert grant.detail["reason"].startswith("Checking a missed redaction")
    assert PHONE not in str(grant.detail)

    html = client.get(_url(transcript)).content.decode()
    assert PHONE in _turns_table(html) and "Priya Patel" in html
    assert "You are seeing the text as it was said" in html
    viewed = AuditEvent.objects.filter(action="transcript.viewed").first()
    assert viewed.detail == {"raw": True}
    assert client.get(_url(transcript, "original")).status_code == 200
    assert AuditEvent.objects.filter(action="transcript.original_downloaded").exists()

    later = timezone.now() + datetime.timedelta(minutes=RAW_ACCESS_MINUTES + 1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    html = client.get(_url(transcript)).content.decode()
    assert PHONE not in html and "[PHONE]" in _turns_table(html)
    assert client.get(_url(transcript, "original")).status_code == 302
    assert AuditEvent.objects.filter(action="transcript.viewed").first().detail == {"raw": False}


def test_raw_access_is_for_one_person_and_one_transcript_and_can_end_early(
    client, organisation, transcript
):
    client.force_login(partner_of(organisation))
    client.post(_url(transcript), {"raw_access": "1", "reason": "Checking a missed redaction"})
    other = Transcript.objects.create(
        focus_group=transcript.focus_group,
        title="Second",
        format="txt",
        original_name="u.txt",
        turns=[{"index": 0, "speaker": "Participant 1", "text": SAID}],
    )
    assert PHONE not in client.get(_url(other)).content.decode()

    colleague = partner_of(organisation)
    client.force_login(colleague)
    assert PHONE not in client.get(_url(transcript)).content.decode()

    client.post(_url(transcript), {"raw_access": "1", "reason": "Answering a data request"})
    assert PHONE in client.get(_url(transcript)).content.decode()
    client.post(_url(transcript), {"raw_access_end": "1"})
    assert PHONE not in client.get(_url(transcript)).content.decode()
    assert AuditEvent.objects.filter(action="transcript.raw_access_ended").count() == 1


def test_people_who_cannot_see_the_transcript_cannot_open_its_raw_text(
    client, transcript, other_organisation
):
    client.force_login(partner_of(other_organisation))
    response = client.post(_url(transcript), {"raw_access": "1", "reason": "Just curious, ok"})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="transcript.raw_access_granted").exists()


def test_without_raw_access_only_additions_can_be_corrected(client, organisation, transcript):
    client.force_login(partner_of(organisation))
    html = client.get(_url(transcript)).content.decode()
    assert "Wrongly redacted: put these back" not in html
    response = client.post(_url(transcript), {"corrections": "1", "keep": ["Priya Patel"]})
    assert "Type something to redact" in response.content.decode()
    transcript.refresh_from_db()
    assert transcript.redaction_exceptions == []
