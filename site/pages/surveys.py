"""Survey pages: programme leads compose the questions in Wagtail's form builder; residents answer
them with a versioned consent statement, optionally anonymously, with optional 'about you'
questions that are stored apart from the answers."""

from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, models, transaction
from django.shortcuts import render
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractForm, AbstractFormField
from wagtail.fields import RichTextField

from engagement.evidence import announce_captured
from engagement.models import (
    ConsentStatement,
    Place,
    StakeholderGroup,
    SurveyDemographics,
    SurveyResponse,
)
from engagement.ratelimit import rate_limited

MAX_ANSWER_CHARS = 5000
SUBMISSIONS_PER_HOUR = 30
ANALYSABLE_TYPES = {"singleline", "multiline"}


class SurveyFormField(AbstractFormField):
    page = ParentalKey("SurveyPage", on_delete=models.CASCADE, related_name="form_fields")
    analyse = models.BooleanField(
        default=False,
        help_text="Turn answers into segments for theme analysis (free-text questions only).",
    )

    panels = [*AbstractFormField.panels, FieldPanel("analyse")]


def _choice_field(label, choices, **kwargs):
    return forms.ChoiceField(
        label=label,
        choices=[("", "Prefer not to say"), *choices],
        required=False,
        widget=forms.RadioSelect,
        **kwargs,
    )


class SurveyPage(AbstractForm):
    """A survey residents can answer, with or without an account."""

    intro = RichTextField(blank=True)
    thank_you_text = RichTextField(blank=True)
    stakeholder_group = models.CharField(
        max_length=24, choices=StakeholderGroup.choices, default=StakeholderGroup.RESIDENT
    )
    place = models.ForeignKey(
        Place,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Leave empty for a survey that covers every Place.",
    )
    allow_anonymous = models.BooleanField(
        default=True, help_text="Let people answer without an account or contact details."
    )
    ask_demographics = models.BooleanField(
        default=True, help_text="Ask optional 'about you' questions for the equity audit."
    )

    content_panels = [
        *AbstractForm.content_panels,
        FieldPanel("intro"),
        InlinePanel("form_fields", label="Questions"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("stakeholder_group"), FieldPanel("place")]),
                FieldRowPanel([FieldPanel("allow_anonymous"), FieldPanel("ask_demographics")]),
            ],
            heading="Who answers",
        ),
    ]
    parent_page_types = ["pages.HomePage", "pages.ContentPage"]
    subpage_types: list[str] = []

    def get_submission_class(self):
        return SurveyResponse

    # --- The form ---------------------------------------------------------------------------
    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        for field in form.fields.values():
            if isinstance(field, forms.CharField):
                field.max_length = MAX_ANSWER_CHARS
                field.validators.append(
                    MaxLengthValidator(
                        MAX_ANSWER_CHARS,
                        f"Keep your answer under {MAX_ANSWER_CHARS:,} characters",
                    )
                )
        consent = ConsentStatement.current(ConsentStatement.Purpose.SURVEY)
        form.fields["ehl_consent"] = forms.BooleanField(
            label="I agree",
            help_text=consent.text,
            error_messages={"required": "Tell us you agree to your answers being used"},
        )
        user = kwargs.get("user")
        if self.allow_anonymous:
            form.fields["ehl_anonymous"] = forms.BooleanField(
                label="Answer anonymously: do not link my answers to me",
                required=False,
                initial=not (user and user.is_authenticated),
            )
        if not (user and user.is_authenticated):
            form.fields["ehl_email"] = forms.EmailField(
                label="Email address (optional)",
                required=False,
                help_text="Only if you would like us to contact you about your answers. "
                "Leave empty to stay anonymous.",
                error_messages={"invalid": "Enter an email address like name@example.com"},
            )
        if self.ask_demographics:
            Demo = SurveyDemographics
            form.fields["ehl_age_band"] = _choice_field("Age", Demo.AgeBand.choices)
            form.fields["ehl_sex"] = _choice_field("Sex", Demo.Sex.choices)
            form.fields["ehl_ethnicity"] = _choice_field("Ethnic group", Demo.Ethnicity.choices)
            form.fields["ehl_disability"] = _choice_field(
                "Do you have a disability or long-term health condition?",
                [("yes", "Yes"), ("no", "No")],
            )
            form.fields["ehl_place"] = forms.ModelChoiceField(
                label="Where do you live?",
                queryset=Place.objects.order_by("name"),
                required=False,
                empty_label="Prefer not to say",
            )
            form.fields["ehl_employment"] = _choice_field(
                "Which best describes you now?", Demo.Employment.choices
            )
        form.fields["ehl_submission_key"] = forms.UUIDField(
            widget=forms.HiddenInput, required=False, initial=uuid.uuid4
        )
        # People never see this field; bots that fill in every field give themselves away.
        form.fields["website"] = forms.CharField(
            required=False, widget=forms.HiddenInput, label="Leave empty"
        )
        return form

    @staticmethod
    def question_names(form) -> list[str]:
        return [name for name in form.fields if not name.startswith("ehl_") and name != "website"]

    @staticmethod
    def extra_names(form) -> list[str]:
        return [name for name in form.fields if name.startswith("ehl_")]

    # --- Submission -------------------------------------------------------------------------
    def serve(self, request, *args, **kwargs):
        if request.method == "POST":
            form = self.get_form(request.POST, page=self, user=request.user)
            status = 200
            if rate_limited(request, "survey", limit=SUBMISSIONS_PER_HOUR, window_seconds=3600):
                form.is_valid()
                form.add_error(
                    None,
                    "We have received a lot of answers from this connection. "
                    "Wait an hour and try again; your answers are still in the form.",
                )
                # 429 tells clients and monitoring what happened; the page still carries the
                # form with every answer, so nothing typed is lost.
                status = 429
            elif form.data.get("website"):
                # Looks like a bot: say thank you and store nothing.
                return self.render_landing_page(request, None, *args, **kwargs)
            elif form.is_valid():
                response = self.process_form_submission(form, request.user)
                return self.render_landing_page(request, response, *args, **kwargs)
            context = self.get_context(request)
            context["form"] = form
            return render(request, self.get_template(request), context, status=status)
        return super().serve(request, *args, **kwargs)

    def process_form_submission(self, form, user=None):
        data = form.cleaned_data
        # Linked to the account only when signed in and not asking to stay anonymous. A guest
        # who leaves an email asks to be contacted: it is kept (for that and for their data
        # rights), though the answers are linked to no account.
        linked = bool(user and user.is_authenticated) and not data.get("ehl_anonymous")
        email = "" if linked else (data.get("ehl_email") or "").strip()
        anonymous = not linked and not email
        fields = {field.clean_name: field for field in self.get_form_fields()}
        answers = {name: data.get(name) for name in self.question_names(form)}
        analysed = {
            name: {"label": fields[name].label, "text": str(value).strip()}
            for name, value in answers.items()
            if name in fields
            and fields[name].analyse
            and fields[name].field_type in ANALYSABLE_TYPES
            and str(value or "").strip()
        }
        try:
            with transaction.atomic():
                response = SurveyResponse.objects.create(
                    page=self,
                    form_data=answers,
                    user=user if linked else None,
                    anonymous=anonymous,
                    contact_email=email,
                    consent=ConsentStatement.current(ConsentStatement.Purpose.SURVEY),
                    stakeholder_group=self.stakeholder_group,
                    # A survey for one Place answers for that Place; otherwise the Place the
                    # respondent says they live in (nine areas: too coarse to identify anyone).
                    place=self.place or data.get("ehl_place"),
                    analysed_answers=analysed,
                    submission_key=data.get("ehl_submission_key"),
                )
                if self.ask_demographics:
                    self._store_demographics(data)
        except IntegrityError:
            # The same form sent twice (a double click): keep the first.
            return SurveyResponse.objects.get(submission_key=data["ehl_submission_key"])
        announce_captured(response)
        return response

    def _store_demographics(self, data) -> None:
        values = {
            "age_band": data.get("ehl_age_band") or "",
            "sex": data.get("ehl_sex") or "",
            "ethnicity": data.get("ehl_ethnicity") or "",
            "disability": {"yes": True, "no": False}.get(data.get("ehl_disability") or ""),
            "place": data.get("ehl_place"),
            "employment_status": data.get("ehl_employment") or "",
        }
        if any(value not in ("", None) for value in values.values()):
            SurveyDemographics.objects.create(
                page=self, month=timezone.localdate().replace(day=1), **values
            )

    def render_landing_page(self, request, form_submission=None, *args, **kwargs):
        context = self.get_context(request)
        context["form_submission"] = form_submission
        context["contact_email"] = settings.EHL_CONTACT_EMAIL
        return render(request, self.get_landing_page_template(request), context)
