"""Forms for focus groups: finding one, signing up, and hosting one."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django import forms
from django.utils import timezone

from .models import AccessFeature, ConsentStatement, CostClaim, FocusGroup, Place, Registration


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class FocusGroupFilterForm(forms.Form):
    place = forms.ModelChoiceField(
        Place.objects.all(), required=False, empty_label="Anywhere", label="Place"
    )
    audience = forms.ChoiceField(
        choices=[("", "Anyone"), *FocusGroup.Audience.choices],
        required=False,
        label="Who it is for",
    )
    mode = forms.ChoiceField(
        choices=[("", "In person or online"), *FocusGroup.Mode.choices],
        required=False,
        label="In person or online",
    )
    access = forms.ModelMultipleChoiceField(
        AccessFeature.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Access features",
        to_field_name="key",
    )
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["place"]:
            queryset = queryset.filter(place=data["place"])
        if data["audience"]:
            queryset = queryset.filter(audience=data["audience"])
        if data["mode"]:
            queryset = queryset.filter(mode=data["mode"])
        for feature in data["access"]:
            queryset = queryset.filter(access_features=feature)
        if data["date_from"]:
            queryset = queryset.filter(starts_at__date__gte=data["date_from"])
        if data["date_to"]:
            queryset = queryset.filter(starts_at__date__lte=data["date_to"])
        return queryset


class SignUpForm(forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label="Email address",
        help_text="We send your confirmation and any changes here.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    phone = forms.CharField(
        label="Phone number (optional)",
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    contact_preference = forms.ChoiceField(
        label="How should the host contact you if they need to?",
        choices=Registration.ContactPreference.choices,
        initial=Registration.ContactPreference.EMAIL,
        widget=forms.RadioSelect,
    )
    organisation_name = forms.CharField(
        label="Your organisation (optional)", max_length=200, required=False
    )
    places = forms.IntegerField(
        label="How many people are coming?",
        min_value=1,
        max_value=10,
        initial=1,
        help_text="Include yourself. Employers and services can sign up to 10 people.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-2", "inputmode": "numeric"}),
    )
    attendee_names = forms.CharField(
        label="Names of the other people coming (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    access_needs = forms.CharField(
        label="Is there anything that would help you take part? (optional)",
        help_text="For example step-free access, a BSL interpreter, a quiet space, or help with "
        "travel or childcare costs.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent_take_part = forms.BooleanField(
        label="I agree to take part",
        error_messages={"required": "Tell us you agree to take part in the session"},
    )
    consent_record = forms.BooleanField(
        label="I agree to the session being recorded and transcribed (optional)", required=False
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    # A field people never see; bots that fill every field give themselves away.
    website = forms.CharField(required=False, widget=forms.HiddenInput, label="Leave empty")

    def __init__(self, *args, focus_group: FocusGroup, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.focus_group = focus_group
        self.fields["submission_key"].initial = uuid.uuid4()
        take_part = ConsentStatement.current(ConsentStatement.Purpose.TAKE_PART)
        record = ConsentStatement.current(ConsentStatement.Purpose.RECORD)
        self.fields["consent_take_part"].help_text = take_part.text
        self.fields["consent_record"].help_text = record.text
        if focus_group.audience == FocusGroup.Audience.RESIDENTS:
            # Residents sign up for themselves; group places are for employers and services.
            del (
                self.fields["places"],
                self.fields["attendee_names"],
                self.fields["organisation_name"],
            )
        if user is not None and user.is_authenticated:
            self.fields["email"].initial = user.email
            self.fields["email"].disabled = True
            self.fields["email"].help_text = "The email address of your account."
            self.fields["name"].initial = user.get_full_name()

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError("Leave this field empty.")
        return ""


class FocusGroupForm(forms.ModelForm):
    topics_text = forms.CharField(
        label="Discussion topics",
        help_text="One topic or question per line.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    class Meta:
        model = FocusGroup
        fields = [
            "audience",
            "title",
            "description",
            "place",
            "mode",
            "venue_name",
            "venue_address",
            "access_features",
            "cohorts",
            "joining_details",
            "starts_at",
            "ends_at",
            "capacity",
            "reserved_places",
            "signup_deadline",
            "facilitators",
        ]
        widgets = {
            "audience": forms.RadioSelect,
            "mode": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
            "venue_address": forms.Textarea(attrs={"rows": 3}),
            "joining_details": forms.Textarea(attrs={"rows": 3}),
            "access_features": forms.CheckboxSelectMultiple,
            "cohorts": forms.CheckboxSelectMultiple,
            "facilitators": forms.CheckboxSelectMultiple,
            "starts_at": DateTimeLocalInput(),
            "ends_at": DateTimeLocalInput(),
            "signup_deadline": DateTimeLocalInput(),
            "capacity": forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
            "reserved_places": forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        }
        labels = {"starts_at": "Starts", "ends_at": "Ends", "signup_deadline": "Sign-up closes"}
        help_texts = {"signup_deadline": "Leave empty to keep sign-up open until the start."}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitators"].queryset = organisation.members.order_by("first_name")
        self.fields["facilitators"].label_from_instance = lambda u: u.get_full_name() or u.email
        self.fields["facilitators"].required = False
        # Required for in-person sessions only (see clean), so never labelled optional.
        self.fields["venue_address"].required_when = True
        self.fields["venue_address"].help_text = "Needed for an in-person session."
        if self.instance.pk:
            self.fields["topics_text"].initial = "\n".join(self.instance.topics)
        else:
            start = (timezone.localtime() + timedelta(days=14)).replace(
                hour=10, minute=0, second=0, microsecond=0
            )
            self.fields["starts_at"].initial = start
            self.fields["ends_at"].initial = start + timedelta(hours=2)
            self.fields["capacity"].initial = 12

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The end must be after the start")
        deadline = data.get("signup_deadline")
        if deadline and starts and deadline > starts:
            self.add_error("signup_deadline", "Sign-up must close before the session starts")
        capacity, reserved = data.get("capacity"), data.get("reserved_places")
        if capacity is not None and reserved is not None and reserved > capacity:
            self.add_error("reserved_places", "Reserved places cannot be more than the capacity")
        if data.get("mode") == FocusGroup.Mode.IN_PERSON and not data.get("venue_address"):
            self.add_error("venue_address", "Enter the venue's address for an in-person session")
        return data

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["topics"] = [t.strip() for t in data.pop("topics_text", "").splitlines() if t.strip()]
        access = data.pop("access_features")
        facilitators = data.pop("facilitators")
        cohorts = data.pop("cohorts")
        return {
            "fields": data,
            "access_features": access,
            "facilitators": facilitators,
            "cohorts": cohorts,
        }


class CancelFocusGroupForm(forms.Form):
    reason = forms.CharField(
        label="Why is the session cancelled?",
        help_text="Everyone signed up receives this in an email.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "Say why the session is cancelled"},
    )


class MessageRegistrantsForm(forms.Form):
    AUDIENCES = {
        "confirmed": ("People with a confirmed place", [Registration.Status.CONFIRMED]),
        "waiting": (
            "People on the waiting list or with an offer",
            [Registration.Status.WAITLISTED, Registration.Status.OFFERED],
        ),
        "everyone": ("Everyone signed up", list(Registration.ACTIVE)),
    }
    audience = forms.ChoiceField(
        label="Who should get the message?",
        choices=[(k, v[0]) for k, v in AUDIENCES.items()],
        widget=forms.RadioSelect,
        initial="confirmed",
    )
    subject = forms.CharField(label="Subject", max_length=120)
    body = forms.CharField(
        label="Message", widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )

    def statuses(self):
        return self.AUDIENCES[self.cleaned_data["audience"]][1]


class CostClaimForm(forms.ModelForm):
    class Meta:
        model = CostClaim
        fields = ["category", "amount", "description", "receipt"]
        widgets = {
            "category": forms.RadioSelect,
            "amount": forms.NumberInput(attrs={"class": "govuk-input--width-5", "step": "0.01"}),
        }
        labels = {"amount": "Amount in pounds", "receipt": "Receipt (PDF, PNG or JPEG, up to 5 MB)"}


class ClaimDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("approve", "Approve"), ("reject", "Reject")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        help_text="Required when rejecting. The partner sees this.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("reason", "").strip():
            self.add_error("reason", "Give a reason for rejecting the claim")
        return data
