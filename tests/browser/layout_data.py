"""The data the layout test builds: every page of the work area with realistic, long content
(seven rated questions per programme, long theme and programme names, an appraisal, notes,
survey answers and the Wagtail pages), so tables are as wide as a real programme makes them."""

from __future__ import annotations

import uuid

from django.test import Client

from tests.insights.reports_data import make_theme, people_say

LONG_THEME = (
    "Difficulty agreeing reasonable adjustments with a line manager after returning from "
    "long-term sickness absence"
)
LONG_PROGRAMME = (
    "Community Health and Employment Navigators Partnership for People Over Fifty "
    "(Cheshire West, Chester and Warrington pilot)"
)


# --- The data set -------------------------------------------------------------------------------
def _assess_every_programme(questions, lead):
    """Every programme on the service map (the reference programmes of several Places and one
    with a long name) rated against every core question."""
    from engagement.models import Place
    from insights.models import Assessment, Programme
    from insights.services.decision_editing import record_revision

    ratings = [rating.value for rating in Assessment.Rating]
    long_one = Programme.objects.create(
        key="layout-long-programme",
        name=LONG_PROGRAMME,
        provider_name="Cheshire West and Chester Council with a consortium of VCFSE partners",
        commissioning_level="local",
        lead_sector="local-authority",
    )
    long_one.places.set(Place.objects.filter(programmes__isnull=False).distinct()[:3])
    Assessment.objects.bulk_create(
        Assessment(
            programme=programme,
            question=question,
            rating=ratings[(i + j) % len(ratings)],
            narrative="What the programme showed us about this question, in a few sentences.",
            assessed_by=lead,
        )
        for i, programme in enumerate(Programme.objects.order_by("key"))
        for j, question in enumerate(questions)
    )
    # Saved versions, for the programme pages' history tables.
    for assessment in Assessment.objects.filter(programme__key="access-test-programme"):
        record_revision(assessment, lead)


def _theme_report_evidence():
    """Approved themes (one with a long label) with accepted codes from enough people to be
    shown, in two rounds and from three groups, so the theme report has figures and tables."""
    health = make_theme("layout-health", label="Health conditions and managing symptoms at work")
    long_one = make_theme("layout-adjustments", label=LONG_THEME, parent=health)
    transport = make_theme("layout-transport", label="Transport and the cost of getting there")
    childcare = make_theme("layout-childcare", label="Childcare")
    people_say(long_one, 8, round_number=1)
    people_say(transport, 6, start=10, round_number=1, stakeholder_group="employer")
    people_say(transport, 7, start=20, round_number=2)
    people_say(childcare, 9, start=30, round_number=2, stakeholder_group="service")
    people_say(health, 3, start=40, round_number=2)
    return [health, long_one, transport, childcare]


def _appraisal(lead, themes):
    """Five of the reference options scored against every scored criterion, and a version."""
    from insights.models import Criterion, Option
    from insights.services.appraisal_data import create_appraisal, freeze_version, record_score

    options = list(Option.objects.exclude(key="access-test-option").order_by("key")[:5])
    appraisal = create_appraisal(lead, "Redesign of in-work support, 2026 to 2029", "", options)
    for i, option in enumerate(options):
        for j, criterion in enumerate(Criterion.objects.filter(source=Criterion.Source.SCORED)):
            record_score(
                appraisal,
                option,
                criterion,
                lead,
                (i + j) % 6,
                rationale="What the evidence and the roundtables told us.",
                themes=themes[:2],
            )
    return appraisal, freeze_version(appraisal, lead, "First full set of scores"), options[0]


def _roundtable_notes(table, lead):
    from engagement.services.capture import NoteEntry, roundtable_notes_add

    roundtable_notes_add(
        table=table,
        actor=lead,
        entries=[
            NoteEntry(
                question_id=question.pk,
                text="Employers do not know where to turn when someone's condition fluctuates; "
                "a single named contact in the council would help them keep people in work.",
                horizon="short",
                help_level="both",
                stakeholder_group="employer",
            )
            for question in table.event.series.questions.all()
        ],
    )


def _survey_answers(survey, resident):
    """Two answers through the public form (as tests/engagement/test_capture_surveys.py sends
    them), one from the signed-in resident."""
    for user in (resident, None):
        client = Client()
        if user:
            client.force_login(user)
        client.post(
            survey.url,
            {
                "what_would_help_you_find_or_stay_in_work": "Flexible hours and a manager who "
                "understands would help most.",
                "are_you_in_work_now": "No",
                "ehl_consent": "on",
                "ehl_submission_key": str(uuid.uuid4()),
            },
        )
    return resident.survey_responses.get()


def _wagtail_pages(home, lead):
    """A content page with every block, a report index and a published theme report."""
    from pages.models import ContentPage
    from pages.reports import ThemeReportIndexPage, ThemeReportPage

    content = ContentPage(
        title="How we use the information you give us when you take part",
        slug="how-we-use-your-information",
        lead="What we keep, why, for how long, and who can see it.",
        show_in_footer=True,
        body=[
            ("heading", "What we keep"),
            (
                "paragraph",
                "<p>We keep what you tell us, with names and contact details taken out. Read more "
                "at https://www.example.org/a-very-long-address-that-should-wrap-rather-than-push"
                "-the-page-sideways-on-a-small-phone-screen</p>",
            ),
            ("inset", {"text": "You can stop us using your answers at any time."}),
            ("details", {"summary": "Who can see it", "text": "<p>Only the programme team.</p>"}),
            ("call_to_action", {"text": "Find a session", "page": None, "url": "/sessions/"}),
        ],
    )
    home.add_child(instance=content)
    content.save_revision().publish()
    index = home.add_child(instance=ThemeReportIndexPage(title="Published reports", slug="r"))
    index.save_revision().publish()
    ThemeReportPage.publish_from_report(
        parent=index,
        title="What people told us in the first two rounds of conversations",
        segment_filter={},
        include_quotes=True,
        user=lead,
        summary="Themes heard most often, by round and by group.",
    )


def _with_authenticator_app(user):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    RecoveryCodes.activate(user)
    return user
