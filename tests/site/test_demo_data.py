"""The demo content a newcomer sees after `make run`: loaded completely, and safely re-loadable."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.utils import timezone

from demo.loaders import DEMO_PASSWORD
from engagement.models import FocusGroup, Organisation, RoundtableNote, User
from engagement.roles import Role
from insights.models import CoreQuestion, Segment, Theme


@pytest.mark.django_db
def test_demo_data_loads_a_living_site_and_reloading_changes_nothing(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_data", verbosity=0)
    counts = (
        Organisation.objects.count(),
        User.objects.count(),
        FocusGroup.objects.count(),
        Theme.objects.count(),
    )
    segments = Segment.objects.count()
    call_command("load_demo_data", verbosity=0)
    assert Segment.objects.count() == segments
    assert counts == (
        Organisation.objects.count(),
        User.objects.count(),
        FocusGroup.objects.count(),
        Theme.objects.count(),
    )

    assert CoreQuestion.objects.count() == 7
    assert Theme.objects.filter(parent__isnull=True).count() >= 8
    assert Theme.objects.filter(parent__isnull=False).count() >= 35
    # Most themes say which of the seven questions they inform: that is how evidence reaches
    # benchmarking.
    assert Theme.objects.filter(core_questions__isnull=False).distinct().count() >= 30

    upcoming = FocusGroup.objects.filter(
        status=FocusGroup.Status.PUBLISHED, starts_at__gt=timezone.now()
    )
    assert upcoming.count() == 5
    assert {group.audience for group in upcoming} == {"residents", "employers", "services"}

    lead = authenticate(email="lead@example.org", password=DEMO_PASSWORD)
    assert lead is not None and lead.groups.filter(name=Role.LEAD.label).exists()

    # The capture examples: a survey page, roundtable notes and a conversation, all analysed.
    assert client.get("/work-and-health-survey/").status_code == 200
    assert RoundtableNote.objects.count() == 4
    assert {s.source_type for s in Segment.objects.all()} == {
        "roundtable",
        "conversation",
        "transcript",
    }
    transcript_text = " ".join(
        s.text for s in Segment.objects.in_analysis().filter(source_type="transcript")
    )
    assert "social prescriber" in transcript_text and "Kit" not in transcript_text
    assert Segment.objects.filter(source_type="roundtable", round_number=1).count() >= 4

    response = client.get("/sessions/")
    assert response.status_code == 200
    assert "Back to work after time off sick" in response.content.decode()
