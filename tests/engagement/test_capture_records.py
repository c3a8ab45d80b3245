"""Transcripts, conversation logs, employer engagement and roundtables: captured through their
forms, scoped to the right people, and turned into segments with provenance."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from engagement.models import (
    ConversationLog,
    EmployerEngagement,
    RoundtableNote,
    Transcript,
)
from engagement.roles import Role
from insights.models import Segment
from tests.factories import (
    FocusGroupFactory,
    OrganisationFactory,
    PlaceFactory,
    UserFactory,
    make_consents,
    make_roundtable,
    partner_of,
)

pytestmark = pytest.mark.django_db

TEAMS_VTT = (
    "WEBVTT\n\n"
    "00:00:01.000 --> 00:00:05.000\n"
    "<v Sam Host>Thanks for coming. What gets in the way of work for you?</v>\n\n"
    "00:00:06.000 --> 00:00:15.000\n"
    "<v Priya Patel>My back pain means I cannot stand for a whole shift. "
    "My manager Dave Brown never offered any adjustments at all.</v>\n\n"
    "00:00:16.000 --> 00:00:25.000\n"
    "<v Tom Evans>Like Priya said, the bus only runs once an hour and I cannot drive, "
    "so most jobs are out of reach for me.</v>\n"
)


@pytest.fixture
def session(organisation, consents):
    return FocusGroupFactory(organisation=organisation, status="completed")


def _upload(client, session, content=TEAMS_VTT, name="meeting.vtt", **extra):
    data = {
        "title": "Session recording",
        "file": SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content),
        "facilitators": "Sam Host",
        **extra,
    }
    return client.post(f"/work/transcripts/upload/session/{session.public_id}/", data)


def test_a_partner_uploads_a_teams_transcript_that_becomes_pseudonymised_segments(
    client, session, organisation, django_capture_on_commit_callbacks
):
    client.force_login(partner_of(organisation))
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, session)
    transcript = Transcript.objects.get()
    assert response.status_code == 302 and str(transcript.public_id) in response.url
    assert transcript.format == "vtt" and len(transcript.turns) == 3
    assert set(transcript.speakers) == {"Facilitator 1", "Participant 1", "Participant 2"}
    assert all("Priya" not in turn["speaker"] for turn in transcript.turns)
    assert not transcript.original  # no consent to keep the recording

    segments = list(Segment.objects.from_source("transcript", transcript.public_id))
    facilitator = [s for s in segments if s.speaker == "Facilitator 1"]
    assert facilitator and not any(s.codable for s in facilitator)
    analysed = " ".join(s.text for s in Segment.objects.in_analysis())
    assert "back pain" in analysed and "the bus only runs" in analysed
    assert "Priya" not in analysed
    assert {s.place_id for s in segments} == {session.place_id}
    transcript.refresh_from_db()
    assert any(item["kind"] == "NAME" for item in transcript.redaction_log)

    page = client.get(f"/work/transcripts/{transcript.public_id}/").content.decode()
    assert "Participant 1" in page and "segments ready for analysis" in page


def test_a_reviewer_corrects_redactions_and_the_segments_are_rebuilt(
    client, session, organisation, django_capture_on_commit_callbacks
):
    client.force_login(partner_of(organisation))
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, session)
    transcript = Transcript.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/work/transcripts/{transcript.public_id}/",
            {"corrections": "1", "add": "warehouse\nonce an hour"},
        )
    analysed = " ".join(s.text for s in Segment.objects.in_analysis())
    assert "once an hour" not in analysed and "warehouse" not in analysed
    assert "[NAME]" in analysed


def test_making_a_speaker_a_facilitator_takes_their_words_out_of_coding(
    client, session, organisation, django_capture_on_commit_callbacks
):
    client.force_login(partner_of(organisation))
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, session)
    transcript = Transcript.objects.get()
    speakers = list(transcript.speakers)
    data = {"speakers": "1"}
    for i, pseudonym in enumerate(speakers):
        data[f"s{i}_role"] = "facilitator" if pseudonym == "Participant 2" else "participant"
        data[f"s{i}_group"] = ""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/work/transcripts/{transcript.public_id}/", data)
    analysed = " ".join(s.text for s in Segment.objects.in_analysis())
    assert "the bus only runs" not in analysed and "back pain" in analysed


def test_a_malformed_transcript_is_refused_naming_the_cue_and_nothing_is_stored(
    client, session, organisation
):
    client.force_login(partner_of(organisation))
    broken = "WEBVTT\n\n00:00:xx.000 --> 00:00:05.000\n<v A>Hello</v>\n"
    html = _upload(client, session, content=broken).content.decode()
    assert "govuk-error-summary" in html
    assert "00:00:xx" in html or "line" in html.lower()
    assert Transcript.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.4 not a transcript", "notes.pdf", "Upload a .txt, .docx, .vtt or .srt file"),
        (b"", "empty.txt", "The submitted file is empty"),
        (b"PK\x03\x04broken zip", "meeting.docx", "not a valid zip"),
    ],
)
def test_unsupported_or_broken_files_get_a_clear_message(
    client, session, organisation, content, name, message
):
    client.force_login(partner_of(organisation))
    html = _upload(client, session, content=content, name=name).content.decode()
    assert message in html
    assert Transcript.objects.count() == 0


def test_an_oversized_transcript_is_refused(client, session, organisation, settings):
    settings.EHL_TRANSCRIPT_MAX_BYTES = 1000
    client.force_login(partner_of(organisation))
    html = _upload(client, session, content="Sam: " + "word " * 400).content.decode()
    assert "limit" in html and Transcript.objects.count() == 0


def test_another_organisations_partner_cannot_upload_or_see_a_transcript(
    client, session, organisation, other_organisation, django_capture_on_commit_callbacks
):
    client.force_login(partner_of(organisation))
    _upload(client, session)
    transcript = Transcript.objects.get()
    client.force_login(partner_of(other_organisation))
    assert _upload(client, session).status_code == 404
    assert client.get(f"/work/transcripts/{transcript.public_id}/").status_code == 404


def test_an_associate_logs_a_conversation_and_withdrawal_takes_it_out_of_analysis(
    client, associate, consents, django_capture_on_commit_callbacks
):
    client.force_login(associate)
    place = PlaceFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/work/conversations/new/",
            {
                "held_on": "2026-05-02",
                "place": place.pk,
                "stakeholder_group": "resident",
                "conditions": ["mental-health", "other"],
                "condition_other": "Fibromyalgia",
                "onset": "work",
                "effect_on_work": "I had to give up my job at the care home because of the "
                "anxiety and the long shifts.",
                "what_would_help": "A manager who understood, and hours that fit around my "
                "appointments.",
                "consent_given": "on",
            },
        )
    log = ConversationLog.objects.get()
    assert response.status_code == 302
    assert log.associate == associate and log.consent.purpose == "conversation"
    segments = Segment.objects.from_source("conversation", log.public_id)
    assert segments.count() >= 2
    assert {s.source_part for s in segments} == {"effect_on_work", "what_would_help"}

    other = UserFactory(roles=[Role.ASSOCIATE])
    client.force_login(other)
    assert client.get(f"/work/conversations/{log.public_id}/").status_code == 404

    client.force_login(associate)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/work/conversations/{log.public_id}/withdraw/")
    assert not Segment.objects.in_analysis().exists()


def test_a_conversation_with_nothing_said_is_refused_and_keeps_what_was_typed(
    client, associate, consents
):
    client.force_login(associate)
    html = client.post(
        "/work/conversations/new/",
        {
            "held_on": "2026-05-02",
            "place": PlaceFactory().pk,
            "stakeholder_group": "resident",
            "follow_up_notes": "Ring back next week",
            "consent_given": "on",
        },
    ).content.decode()
    assert "Write down at least one thing the person said" in html
    assert "Ring back next week" in html
    assert ConversationLog.objects.count() == 0


def test_employer_engagement_records_offers_and_refuses_more_booked_than_offered(
    client, associate, django_capture_on_commit_callbacks
):
    employer = OrganisationFactory(kind="employer")
    client.force_login(associate)
    data = {
        "employer": employer.pk,
        "held_on": "2026-06-01",
        "mhfa_places_offered": 4,
        "mhfa_places_booked": 6,
        "commitments": ["eap"],
        "notes": "They want to support staff with long-term conditions to stay in work.",
    }
    html = client.post("/work/employers/engagement/new/", data).content.decode()
    assert "Places booked cannot be more than places offered" in html
    data["mhfa_places_booked"] = 3
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/work/employers/engagement/new/", data)
    engagement = EmployerEngagement.objects.get()
    assert engagement.commitment_labels() == ["Employee Assistance Programme"]
    assert Segment.objects.filter(source_type="employer", stakeholder_group="employer").exists()


def test_roundtable_notes_are_entered_per_table_and_become_segments_with_their_round(
    client, lead, django_capture_on_commit_callbacks
):
    table = make_roundtable()
    questions = list(table.event.series.questions.all())
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/work/roundtables/tables/{table.public_id}/",
            {
                f"q{questions[0].pk}_text": "Referral routes between GPs and employment support "
                "are missing in most places.",
                f"q{questions[0].pk}_horizon": "short",
                f"q{questions[0].pk}_help": "extensive",
                f"q{questions[0].pk}_group": "health",
                f"q{questions[1].pk}_text": "",
            },
        )
    assert response.status_code == 302
    note = RoundtableNote.objects.get()
    assert note.horizon == "short" and note.help_level == "extensive"
    segment = Segment.objects.get(source_type="roundtable")
    assert segment.round_number == 1 and segment.stakeholder_group == "health"

    html = client.get(f"/work/roundtables/{table.event.series.public_id}/compare/").content
    assert b"Referral routes" in html and b"1 short term" in html


def test_an_empty_set_of_notes_is_refused(client, lead):
    table = make_roundtable()
    client.force_login(lead)
    html = client.post(f"/work/roundtables/tables/{table.public_id}/", {}).content.decode()
    assert "Type a note for at least one question" in html


def test_partners_cannot_run_roundtables_or_log_conversations(client, organisation):
    client.force_login(partner_of(organisation))
    assert client.get("/work/roundtables/").status_code == 403
    assert client.get("/work/conversations/").status_code == 403


@pytest.fixture
def consents(db):
    make_consents()
    return datetime.date.today()
