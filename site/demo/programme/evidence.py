"""The demo programme's evidence, captured the way people capture it: survey answers through the
survey form, conversation logs and employer records through the associates' services, roundtable
notes per table, and transcripts uploaded as files. Each record is announced as usual, so its
segments are built by the worker's pipeline (redaction, pseudonyms, segmentation)."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from engagement.models import (
    Cohort,
    ConsentStatement,
    ConversationLog,
    EmployerEngagement,
    EngagementRound,
    FocusGroup,
    Organisation,
    Place,
    RoundtableSeries,
    RoundtableTable,
    SurveyDemographics,
    SurveyResponse,
    Transcript,
    User,
)
from engagement.services.capture import (
    NoteEntry,
    conversation_log_save,
    employer_engagement_save,
    roundtable_notes_add,
    roundtable_series_create,
    transcript_upload,
)
from engagement.services.reference import LoadReport
from pages.models import HomePage
from pages.surveys import SurveyFormField, SurveyPage

from .records import (
    ConversationPlan,
    ProgrammePlan,
    RoundtableEventPlan,
    SurveyResponsePlan,
    TranscriptPlan,
    joined,
)


@transaction.atomic
def load_rounds(config: dict, today) -> LoadReport:
    report = LoadReport()
    for spec in config["rounds"]:
        exists = EngagementRound.objects.filter(number=spec["number"]).exists()
        report.count("engagement rounds", not exists)
        if not exists:
            EngagementRound.objects.create(
                number=spec["number"],
                name=spec["name"],
                starts_on=today + timedelta(days=spec["starts"]),
                ends_on=today + timedelta(days=spec["ends"]),
                description=spec["description"],
            )
    return report


# --- Surveys -------------------------------------------------------------------------------------
def survey_page(spec: dict) -> SurveyPage:
    page = SurveyPage.objects.filter(slug=spec["slug"]).first()
    if page is not None:
        return page
    home = HomePage.objects.first()
    page = SurveyPage(
        title=spec["title"],
        slug=spec["slug"],
        intro=spec["intro"],
        thank_you_text=spec["thank_you"],
        stakeholder_group=spec.get("stakeholder_group", "resident"),
        ask_demographics=spec.get("demographics", True),
        show_in_menus=spec.get("stakeholder_group", "resident") == "resident",
    )
    home.add_child(instance=page)
    for order, question in enumerate(spec["questions"], start=1):
        SurveyFormField.objects.create(
            page=page,
            sort_order=order,
            label=question["label"],
            field_type=question.get("type", "multiline"),
            required=question.get("required", False),
            choices=question.get("choices", ""),
            analyse="kind" in question,
        )
    page.save_revision().publish()
    return page


@transaction.atomic
def load_surveys(config: dict, plan: ProgrammePlan) -> LoadReport:
    report = LoadReport()
    places = {place.key: place for place in Place.objects.all()}
    for key, spec in config["surveys"].items():
        page = survey_page(spec)
        if SurveyResponse.objects.filter(page=page).exists():
            report.count("surveys answered", False)
            continue
        report.count("surveys answered", True)
        responses = [r for r in plan.surveys if r.survey == key]
        fields = list(page.get_form_fields())
        analysed = [f for f in fields if f.analyse]
        radio = next((f for f in fields if f.field_type == "radio"), None)
        for response in responses:
            _answer(page, response, analysed, radio, places)
    return report


def _answer(page, response: SurveyResponsePlan, analysed, radio, places) -> None:
    """Fill in and send the survey form, then date the response to when it was given."""
    data = {"ehl_consent": "on", "ehl_submission_key": str(response.key)}
    for field, answer in zip(analysed, response.answers, strict=True):
        data[field.clean_name] = joined(answer)
    if radio is not None and response.paid_work:
        data[radio.clean_name] = response.paid_work
    if response.email:
        data["ehl_email"] = response.email
    else:
        data["ehl_anonymous"] = "on"
    demographics = response.demographics
    if demographics:
        data.update(
            {
                "ehl_age_band": demographics["age_band"],
                "ehl_sex": demographics["sex"],
                "ehl_ethnicity": demographics["ethnicity"],
                "ehl_disability": demographics["disability"],
                "ehl_employment": demographics["employment"],
            }
        )
        if demographics["place"]:
            data["ehl_place"] = str(places[demographics["place"]].pk)
    form = page.get_form(data, page=page, user=AnonymousUser())
    if not form.is_valid():
        raise ValueError(f"The demo survey answer was refused: {form.errors.as_json()}")
    latest = SurveyDemographics.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    saved = page.process_form_submission(form, AnonymousUser())
    moment = timezone.make_aware(datetime.combine(response.day, time(12, 0)))
    # Employers answer for the Place they work in; the survey asks them no 'about you' questions.
    SurveyResponse.objects.filter(pk=saved.pk).update(
        submit_time=moment,
        place=saved.place or places[response.place],
    )
    SurveyDemographics.objects.filter(pk__gt=latest).update(month=response.day.replace(day=1))


# --- Conversations and employers -----------------------------------------------------------------
def _demo_associates() -> list[User]:
    return list(User.objects.filter(conversation_logs__isnull=False).distinct())


@transaction.atomic
def load_conversations(plan: ProgrammePlan) -> LoadReport:
    report = LoadReport()
    emails = {log.associate for log in plan.conversations}
    associates = {user.email: user for user in User.objects.filter(email__in=emails)}
    if ConversationLog.objects.filter(associate__in=associates.values()).exists():
        report.count("conversation logs", False)
        return report
    places = {place.key: place for place in Place.objects.all()}
    cohorts = {cohort.key: cohort for cohort in Cohort.objects.all()}
    consent = ConsentStatement.current(ConsentStatement.Purpose.CONVERSATION)
    for spec in plan.conversations:
        _log(spec, associates[spec.associate], places, cohorts, consent)
        report.count("conversation logs", True)
    return report


def _log(spec: ConversationPlan, associate, places, cohorts, consent) -> ConversationLog:
    log = ConversationLog(
        held_on=spec.day,
        place=places[spec.place],
        stakeholder_group=spec.stakeholder_group,
        conditions=spec.conditions,
        onset=spec.onset,
        follow_up_needed=spec.follow_up,
        follow_up_notes="Send details of the local IPS service." if spec.follow_up else "",
        consent=consent,
        **{name: joined(parts) for name, parts in spec.fields.items()},
    )
    return conversation_log_save(
        log=log, actor=associate, cohorts=[cohorts[key] for key in spec.cohorts]
    )


@transaction.atomic
def load_employer_engagement(plan: ProgrammePlan) -> LoadReport:
    report = LoadReport()
    keys = {engagement.employer for engagement in plan.employers}
    employers = {org.slug: org for org in Organisation.objects.filter(slug__in=keys)}
    if EmployerEngagement.objects.filter(employer__in=employers.values()).exists():
        report.count("employer engagement records", False)
        return report
    associate = User.objects.get(email="associate@example.org")
    places = {place.key: place for place in Place.objects.all()}
    for spec in plan.employers:
        employer_engagement_save(
            engagement=EmployerEngagement(
                employer=employers[spec.employer],
                held_on=spec.day,
                place=places[spec.place],
                mhfa_places_offered=spec.mhfa_offered,
                mhfa_places_booked=spec.mhfa_booked,
                commitments=spec.commitments,
                notes=joined(spec.notes),
            ),
            actor=associate,
        )
        report.count("employer engagement records", True)
    return report


# --- Roundtables ---------------------------------------------------------------------------------
@transaction.atomic
def load_roundtables(config: dict, events: list[RoundtableEventPlan], *, lead) -> LoadReport:
    report = LoadReport()
    spec = config["roundtables"]
    exists = RoundtableSeries.objects.filter(title=spec["title"]).exists()
    report.count("roundtable series", not exists)
    if exists:
        return report
    series = roundtable_series_create(
        actor=lead, title=spec["title"], purpose=spec["purpose"], questions=spec["questions"]
    )
    questions = list(series.questions.all())
    places = {place.key: place for place in Place.objects.all()}
    for event_plan in events:
        event = series.events.create(
            round_number=event_plan.round_number,
            held_on=event_plan.day,
            place=places[event_plan.place],
            venue=event_plan.venue,
        )
        for table_plan in event_plan.tables:
            table = event.tables.create(
                name=table_plan.name, facilitator=lead, participants=table_plan.participants
            )
            if table_plan.notes:
                roundtable_notes_add(
                    table=table,
                    actor=lead,
                    entries=[
                        NoteEntry(
                            question_id=questions[note.question].pk,
                            text=note.said.text,
                            horizon=note.horizon,
                            help_level=note.help_level,
                            stakeholder_group=note.group,
                        )
                        for note in table_plan.notes
                    ],
                )
    return report


# --- Transcripts ---------------------------------------------------------------------------------
@transaction.atomic
def load_transcripts(config: dict, plan: ProgrammePlan) -> LoadReport:
    report = LoadReport()
    for number, spec in enumerate(plan.transcripts):
        exists = Transcript.objects.filter(title=spec.title).exists()
        report.count("transcripts", not exists)
        if exists:
            continue
        target = _attachment(config, spec, plan)
        uploader = _uploader(target)
        data = render_transcript(spec, start=timedelta(seconds=4 + number))
        transcript_upload(
            actor=uploader,
            data=data,
            filename=f"demo-recording-{number + 1}.{spec.format}",
            title=spec.title,
            facilitators=spec.facilitators,
            keep_original=False,
            **target,
        )
    return report


def _attachment(config: dict, spec: TranscriptPlan, plan: ProgrammePlan) -> dict:
    if spec.attach == "focus-group":
        session = next(
            p
            for p in plan.focus_groups
            if p.round_number == spec.round_number
            and p.place == spec.place
            and p.audience == spec.audience
            and not p.cancelled_reason
        )
        return {"focus_group": FocusGroup.objects.get(title=session.title)}
    if spec.attach == "roundtable":
        table = RoundtableTable.objects.get(
            event__series__title=config["roundtables"]["title"],
            event__round_number=spec.round_number,
            name=spec.table,
        )
        return {"roundtable_table": table}
    log = (
        ConversationLog.objects.filter(
            stakeholder_group="resident", associate__in=_demo_associates()
        )
        .order_by("held_on", "pk")
        .first()
    )
    return {"conversation": log}


def _uploader(target: dict):
    if "focus_group" in target:
        organisation = target["focus_group"].organisation
        return User.objects.filter(memberships__organisation=organisation).order_by("pk").first()
    if "conversation" in target:
        return target["conversation"].associate
    return User.objects.get(email="lead@example.org")


def _stamp(seconds: float, comma: bool = False) -> str:
    whole = int(seconds)
    millis = round((seconds - whole) * 1000)
    text = f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}.{millis:03d}"
    return text.replace(".", ",") if comma else text


def _timed_turns(spec: TranscriptPlan, start: timedelta):
    clock = start.total_seconds()
    for turn in spec.turns:
        text = joined(turn.parts)
        length = max(2.0, len(text.split()) / 2.6)
        yield turn.speaker, text, clock, clock + length
        clock += length + 1.5


def render_transcript(spec: TranscriptPlan, *, start: timedelta) -> bytes:
    """The transcript as the file a facilitator would upload: a Teams/Zoom caption export
    (.vtt, .srt), a Word document or typed notes."""
    turns = list(_timed_turns(spec, start))
    if spec.format == "vtt":
        cues = [f"{_stamp(a)} --> {_stamp(b)}\n<v {who}>{text}</v>" for who, text, a, b in turns]
        return ("WEBVTT\n\n" + "\n\n".join(cues) + "\n").encode()
    if spec.format == "srt":
        cues = [
            f"{n}\n{_stamp(a, True)} --> {_stamp(b, True)}\n{who}: {text}"
            for n, (who, text, a, b) in enumerate(turns, start=1)
        ]
        return ("\n\n".join(cues) + "\n").encode()
    if spec.format == "txt":
        return "\n".join(f"{who}: {text}" for who, text, _, _ in turns).encode() + b"\n"
    if spec.format == "docx":
        import docx

        document = docx.Document()
        for who, text, a, _ in turns:
            minutes, seconds = divmod(int(a), 60)
            document.add_paragraph(f"{who}   {minutes}:{seconds:02d}")
            document.add_paragraph(text)
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()
    raise ValueError(f"Unknown transcript format {spec.format!r}")
