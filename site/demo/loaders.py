"""Loading the fictional demo content. Every loader is idempotent: rows are matched on a stable
key (slug, email, name) and left alone when present."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from engagement.models import AccessFeature, FocusGroup, Membership, Organisation, Place, User
from engagement.roles import Role, assign_roles
from engagement.services.focus_groups import focus_group_create, focus_group_publish
from engagement.services.reference import LoadReport, read_yaml
from pages.models import ContentPage, HomePage

CONTENT_DIR = Path(__file__).resolve().parent / "content"
DEMO_PASSWORD = "ehl-demo-password"  # noqa: S105 - documented demo accounts, never in production

_BLOCK_SHAPES = {"heading", "paragraph", "inset", "details", "call_to_action"}


def _stream(body: list[dict]) -> list[tuple[str, object]]:
    blocks = []
    for item in body:
        ((kind, value),) = item.items()
        if kind not in _BLOCK_SHAPES:
            raise ValueError(f"Unknown content block {kind!r} in pages.yaml")
        blocks.append((kind, value))
    return blocks


@transaction.atomic
def load_pages(directory: Path = CONTENT_DIR) -> LoadReport:
    report = LoadReport()
    data = read_yaml(directory / "pages.yaml")
    home = HomePage.objects.first()
    if home is None:
        raise RuntimeError("The home page is missing: run `python manage.py migrate` first.")
    if not home.body:
        home.body = _stream(data["home"]["body"])
        home.save_revision().publish()
    for row in data["pages"]:
        exists = Page.objects.child_of(home).filter(slug=row["slug"]).exists()
        report.count("pages", not exists)
        if exists:
            continue
        page = ContentPage(
            title=row["title"],
            slug=row["slug"],
            lead=row.get("lead", ""),
            show_in_menus=row.get("show_in_menus", False),
            show_in_footer=row.get("show_in_footer", False),
            body=_stream(row["body"]),
        )
        home.add_child(instance=page)
        page.save_revision().publish()
    return report


@transaction.atomic
def load_organisations(directory: Path = CONTENT_DIR) -> LoadReport:
    report = LoadReport()
    places = {place.key: place for place in Place.objects.all()}
    for row in read_yaml(directory / "organisations.yaml")["organisations"]:
        _, created = Organisation.objects.get_or_create(
            slug=row["key"],
            defaults={
                "name": row["name"],
                "kind": row["kind"],
                "place": places.get(row.get("place")),
                "website": row.get("website", ""),
            },
        )
        report.count("organisations", created)
    return report


_ROLE_BY_KEY = {
    "resident": Role.RESIDENT,
    "partner": Role.PARTNER,
    "associate": Role.ASSOCIATE,
    "lead": Role.LEAD,
    "admin": Role.ADMIN,
}


@transaction.atomic
def load_people(directory: Path = CONTENT_DIR, password: str = DEMO_PASSWORD) -> LoadReport:
    from allauth.account.models import EmailAddress

    report = LoadReport()
    organisations = {org.slug: org for org in Organisation.objects.all()}
    for row in read_yaml(directory / "people.yaml")["people"]:
        email = row["email"].lower()
        user = User.objects.filter(email=email).first()
        report.count("people", user is None)
        if user is not None:
            continue
        user = User.objects.create_user(
            email=email,
            password=password,
            first_name=row.get("first_name", ""),
            last_name=row.get("last_name", ""),
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        assign_roles(user, [_ROLE_BY_KEY[row["role"]]])
        organisation = organisations.get(row.get("organisation") or "")
        if organisation is not None:
            Membership.objects.create(
                user=user,
                organisation=organisation,
                level=Membership.Level.MANAGER
                if row["role"] == "partner" and not organisation.memberships.exists()
                else Membership.Level.MEMBER,
            )
    return report


@transaction.atomic
def load_sessions(directory: Path = CONTENT_DIR, today=None) -> LoadReport:
    """Create and publish the demo focus groups, dated relative to `today` so the demo always
    has upcoming sessions. The first partner of the host organisation is recorded as creator."""
    report = LoadReport()
    today = today or timezone.localdate()
    places = {place.key: place for place in Place.objects.all()}
    features = {feature.key: feature for feature in AccessFeature.objects.all()}
    for row in read_yaml(directory / "sessions.yaml")["sessions"]:
        organisation = Organisation.objects.get(slug=row["host"])
        exists = FocusGroup.objects.filter(organisation=organisation, title=row["title"]).exists()
        report.count("sessions", not exists)
        if exists:
            continue
        hour, minute = (int(part) for part in row["start_time"].split(":"))
        day = today + timedelta(days=row["starts_in_days"])
        starts_at = timezone.make_aware(datetime.combine(day, time(hour, minute)))
        host = User.objects.filter(memberships__organisation=organisation).order_by("pk").first()
        focus_group = focus_group_create(
            organisation=organisation,
            actor=host,
            access_features=[features[key] for key in row.get("access_features", [])],
            facilitators=[host] if host else [],
            audience=row["audience"],
            title=row["title"],
            description=row["description"],
            topics=row.get("topics", []),
            place=places[row["place"]],
            mode=row["mode"],
            venue_name=row.get("venue_name", ""),
            venue_address=row.get("venue_address", ""),
            joining_details=row.get("joining_details", ""),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=row["duration_minutes"]),
            capacity=row["capacity"],
            reserved_places=row.get("reserved_places", 0),
            signup_deadline=starts_at - timedelta(days=1),
        )
        focus_group_publish(focus_group=focus_group, actor=host)
    return report


@transaction.atomic
def load_evidence(directory: Path = CONTENT_DIR, today=None) -> LoadReport:
    """A demo survey page, a roundtable round with notes and one conversation, so the capture
    pages and the segment stream have something in them. Segments are built by the worker."""
    from engagement.models import (
        ConsentStatement,
        ConversationLog,
        RoundtableEvent,
        RoundtableSeries,
    )
    from engagement.services.capture import (
        NoteEntry,
        conversation_log_save,
        roundtable_notes_add,
        roundtable_series_create,
        transcript_upload,
    )
    from pages.surveys import SurveyFormField, SurveyPage

    report = LoadReport()
    today = today or timezone.localdate()
    data = read_yaml(directory / "evidence.yaml")
    lead = User.objects.filter(email="lead@example.org").first()
    associate = User.objects.filter(email="associate@example.org").first()

    survey = data["survey"]
    home = HomePage.objects.first()
    exists = SurveyPage.objects.filter(slug=survey["slug"]).exists()
    report.count("surveys", not exists)
    if not exists:
        page = SurveyPage(
            title=survey["title"],
            slug=survey["slug"],
            intro=survey["intro"],
            thank_you_text=survey["thank_you"],
            show_in_menus=True,
        )
        home.add_child(instance=page)
        for order, question in enumerate(survey["questions"], start=1):
            SurveyFormField.objects.create(
                page=page,
                sort_order=order,
                label=question["label"],
                field_type=question["type"],
                required=question.get("required", False),
                choices=question.get("choices", ""),
                analyse=question.get("analyse", False),
            )
        page.save_revision().publish()

    roundtable = data["roundtable"]
    exists = RoundtableSeries.objects.filter(title=roundtable["title"]).exists()
    report.count("roundtable series", not exists)
    if not exists:
        series = roundtable_series_create(
            actor=lead,
            title=roundtable["title"],
            purpose=roundtable["purpose"],
            questions=roundtable["questions"],
        )
        questions = list(series.questions.all())
        places = {place.key: place for place in Place.objects.all()}
        for round_ in roundtable["rounds"]:
            event = RoundtableEvent.objects.create(
                series=series,
                round_number=round_["round"],
                held_on=today - timedelta(days=30 * round_["months_ago"]),
                place=places[round_["place"]],
            )
            for spec in round_["tables"]:
                table = event.tables.create(
                    name=spec["name"], facilitator=lead, participants=spec["participants"]
                )
                roundtable_notes_add(
                    table=table,
                    actor=lead,
                    entries=[
                        NoteEntry(
                            question_id=questions[note["question"] - 1].pk,
                            text=note["text"],
                            horizon=note.get("horizon", ""),
                            help_level=note.get("help", ""),
                            stakeholder_group=note.get("group", ""),
                        )
                        for note in spec["notes"]
                    ],
                )

    conversation = data["conversation"]
    exists = associate is not None and ConversationLog.objects.filter(associate=associate).exists()
    report.count("conversations", not exists and associate is not None)
    if associate is not None and not exists:
        conversation_log_save(
            log=ConversationLog(
                held_on=today - timedelta(days=10),
                place=Place.objects.get(key=conversation["place"]),
                stakeholder_group=conversation["stakeholder_group"],
                conditions=conversation["conditions"],
                onset=conversation["onset"],
                effect_on_work=conversation["effect_on_work"],
                effect_on_home=conversation["effect_on_home"],
                what_would_help=conversation["what_would_help"],
                consent=ConsentStatement.current(ConsentStatement.Purpose.CONVERSATION),
            ),
            actor=associate,
        )

    past = data["past_session"]
    organisation = Organisation.objects.get(slug=past["host"])
    session = FocusGroup.objects.filter(organisation=organisation, title=past["title"]).first()
    if session is None:
        starts_at = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
        starts_at -= timedelta(days=past["days_ago"])
        session = FocusGroup.objects.create(
            organisation=organisation,
            audience=past["audience"],
            title=past["title"],
            description=past["description"],
            place=Place.objects.get(key=past["place"]),
            venue_name=past["venue_name"],
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            capacity=12,
            status=FocusGroup.Status.COMPLETED,
        )
    host = User.objects.filter(memberships__organisation=organisation).order_by("pk").first()
    for spec in data["transcripts"]:
        exists = session.transcripts.filter(title=spec["title"]).exists()
        report.count("transcripts", not exists)
        if not exists:
            transcript_upload(
                actor=host,
                data=spec["content"].encode(),
                filename=spec["filename"],
                title=spec["title"],
                facilitators=spec["facilitators"],
                keep_original=False,
                focus_group=session,
            )
    return report


def load_coding_run() -> LoadReport:
    """Queue one coding run over the demo evidence, so the review queue has suggestions.

    The demo's segments are built here rather than waiting for the worker (building again
    later changes nothing); the worker then codes them with the codebook's rules and
    similarity to theme definitions."""
    from insights.models import CodingRun, SegmentBuild
    from insights.services.coding import CodingError, coding_run_start
    from insights.services.segments import segments_rebuild

    report = LoadReport()
    if CodingRun.objects.exists():
        report.count("coding runs", False)
        return report
    pending = SegmentBuild.objects.filter(status=SegmentBuild.Status.QUEUED)
    for source in pending.values("source_type", "source_id").distinct():
        segments_rebuild(source["source_type"], source["source_id"])
    lead = User.objects.filter(email="lead@example.org").first()
    try:
        coding_run_start(user=lead, segment_filter={})
    except CodingError:  # no segments yet (their builds are still to come): nothing to code
        return report
    report.count("coding runs", True)
    return report
