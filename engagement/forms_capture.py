"""Forms for recording evidence: short, phone-friendly, with plain-English errors."""

from __future__ import annotations

from django import forms

from .models import (
    ConversationLog,
    EmployerEngagement,
    FocusGroup,
    HealthCondition,
    Organisation,
    Place,
    RoundtableEvent,
    RoundtableNote,
    RoundtableTable,
    StakeholderGroup,
    User,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class RoundtableSeriesForm(forms.Form):
    title = forms.CharField(max_length=160)
    purpose = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    questions = forms.CharField(
        label="Key questions",
        help_text="One per line. Every table discusses these in every round.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter at least one key question"},
    )

    def clean_questions(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["questions"].splitlines()]
        questions = [line for line in lines if line]
        if not questions:
            raise forms.ValidationError("Enter at least one key question")
        if any(len(q) > 300 for q in questions):
            raise forms.ValidationError("Keep each question under 300 characters")
        return questions


class RoundtableEventForm(forms.ModelForm):
    class Meta:
        model = RoundtableEvent
        fields = ["round_number", "held_on", "place", "venue"]
        widgets = {"held_on": DATE_INPUT}
        labels = {"held_on": "Date"}

    def __init__(self, *args, series, **kwargs):
        super().__init__(*args, **kwargs)
        self.series = series
        self.fields["place"].queryset = Place.objects.order_by("name")

    def clean_round_number(self):
        number = self.cleaned_data["round_number"]
        if self.series.events.filter(round_number=number).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"Round {number} already has an event in this series")
        return number


class RoundtableTableForm(forms.ModelForm):
    class Meta:
        model = RoundtableTable
        fields = ["name", "facilitator"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = (
            User.objects.filter(groups__isnull=False).distinct().order_by("first_name")
        )
        self.fields["facilitator"].label_from_instance = lambda u: u.get_full_name() or u.email
        for key, label in StakeholderGroup.choices:
            self.fields[f"n_{key}"] = forms.IntegerField(
                label=f"{label} participants",
                min_value=0,
                max_value=50,
                required=False,
                initial=self.instance.participants.get(key, 0),
                widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
            )

    def save(self, commit=True):
        table = super().save(commit=False)
        table.participants = {
            key: self.cleaned_data.get(f"n_{key}") or 0 for key, _ in StakeholderGroup.choices
        }
        if commit:
            table.save()
        return table


class TableNotesForm(forms.Form):
    """One box per key question, with how far off and for whom the idea is."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            prefix = f"q{question.pk}"
            self.fields[f"{prefix}_text"] = forms.CharField(
                label=question.text,
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"{prefix}_horizon"] = forms.ChoiceField(
                label="Time horizon",
                choices=[("", "Not said"), *RoundtableNote.Horizon.choices],
                required=False,
            )
            self.fields[f"{prefix}_help"] = forms.ChoiceField(
                label="Level of help",
                choices=[("", "Not said"), *RoundtableNote.HelpLevel.choices],
                required=False,
            )
            self.fields[f"{prefix}_group"] = forms.ChoiceField(
                label="Whose point",
                choices=[("", "The table as a whole"), *StakeholderGroup.choices],
                required=False,
            )

    def rows(self):
        for question in self.questions:
            prefix = f"q{question.pk}"
            yield (
                question,
                self[f"{prefix}_text"],
                self[f"{prefix}_horizon"],
                self[f"{prefix}_help"],
                self[f"{prefix}_group"],
            )

    def clean(self):
        data = super().clean()
        if not any((data.get(f"q{q.pk}_text") or "").strip() for q in self.questions):
            raise forms.ValidationError("Type a note for at least one question")
        return data


class ConversationLogForm(forms.ModelForm):
    conditions = forms.MultipleChoiceField(
        label="Health condition(s)",
        choices=HealthCondition.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent_given = forms.BooleanField(
        label="The person agreed to this conversation being noted down",
        error_messages={"required": "Record only conversations the person agreed to"},
    )

    class Meta:
        model = ConversationLog
        fields = [
            "held_on",
            "place",
            "stakeholder_group",
            "cohorts",
            "conditions",
            "condition_other",
            "onset",
            "onset_notes",
            "effect_on_work",
            "effect_on_home",
            "what_would_help",
            "follow_up_needed",
            "follow_up_notes",
        ]
        widgets = {
            "held_on": DATE_INPUT,
            "onset": forms.RadioSelect,
            "cohorts": forms.CheckboxSelectMultiple,
            **{
                name: forms.Textarea(attrs={"rows": 4})
                for name in (*ConversationLog.TEXT_FIELDS, "follow_up_notes")
            },
        }
        labels = {
            "held_on": "Date of the conversation",
            "stakeholder_group": "Who it was with",
            "cohorts": "Groups they belong to (optional)",
        }
        help_texts = {
            "effect_on_work": "In their words where you can. Leave out names and contact details.",
            "follow_up_notes": "Kept with the log only; never analysed.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = Place.objects.order_by("name")
        self.fields["onset"].choices = [c for c in self.fields["onset"].choices if c[0]]
        # Each of these may be left empty, but not all of them (see clean): none is "optional".
        for name in ConversationLog.TEXT_FIELDS:
            self.fields[name].required_when = True
        self.fields["what_would_help"].help_text = (
            "Write down at least one of what they said about how it began, working life, home "
            "life or what would help."
        )
        self.fields["condition_other"].required_when = True
        self.fields["condition_other"].help_text = "Needed when you tick Other."
        if self.instance.pk:
            self.fields["consent_given"].initial = True

    def clean(self):
        data = super().clean()
        texts = [data.get(name, "") for name in ConversationLog.TEXT_FIELDS]
        if not any((t or "").strip() for t in texts):
            raise forms.ValidationError(
                "Write down at least one thing the person said (working life, home life or "
                "what would help)"
            )
        if "other" in (data.get("conditions") or []) and not data.get("condition_other"):
            self.add_error("condition_other", "Say what the other condition is")
        return data


class EmployerEngagementForm(forms.ModelForm):
    commitments = forms.MultipleChoiceField(
        label="Commitments taken up",
        choices=EmployerEngagement.Commitment.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = EmployerEngagement
        fields = [
            "employer",
            "held_on",
            "place",
            "mhfa_places_offered",
            "mhfa_places_booked",
            "commitments",
            "notes",
        ]
        widgets = {"held_on": DATE_INPUT, "notes": forms.Textarea(attrs={"rows": 5})}
        labels = {"held_on": "Date"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.EMPLOYER
        ).order_by("name")
        self.fields["place"].queryset = Place.objects.order_by("name")

    def clean(self):
        data = super().clean()
        offered, booked = data.get("mhfa_places_offered") or 0, data.get("mhfa_places_booked") or 0
        if booked > offered:
            self.add_error("mhfa_places_booked", "Places booked cannot be more than places offered")
        return data


class TranscriptUploadForm(forms.Form):
    title = forms.CharField(max_length=160)
    file = forms.FileField(
        label="Transcript file",
        help_text="A .txt, .docx, .vtt or .srt file of up to 5 MB. Teams and Zoom exports work.",
        error_messages={"required": "Choose a transcript file to upload"},
    )
    facilitators = forms.CharField(
        label="Facilitators' names as they appear in the file",
        help_text="One per line. Their words are kept for context but not analysed.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    keep_original = forms.BooleanField(
        label="Everyone recorded agreed to recording, so keep the original file",
        help_text="Otherwise only the pseudonymised text is kept.",
        required=False,
    )

    def clean_file(self):
        """Refuse an oversized file from its size, before it is read into memory; its type is
        decided from its content when it is parsed."""
        from django.conf import settings

        from .uploads import check_size, form_check

        upload = self.cleaned_data["file"]
        form_check(check_size, upload, settings.EHL_TRANSCRIPT_MAX_BYTES, "transcript")
        return upload

    def clean_facilitators(self) -> list[str]:
        return [n.strip() for n in self.cleaned_data["facilitators"].splitlines() if n.strip()]


class SpeakersForm(forms.Form):
    """Roles and stakeholder groups of a transcript's pseudonymous speakers."""

    def __init__(self, *args, speakers: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.pseudonyms = list(speakers)
        for index, (pseudonym, info) in enumerate(speakers.items()):
            self.fields[f"s{index}_role"] = forms.ChoiceField(
                label=f"{pseudonym}: role",
                choices=[("participant", "Participant (analysed)"), ("facilitator", "Facilitator")],
                initial=info.get("role", "participant"),
            )
            self.fields[f"s{index}_group"] = forms.ChoiceField(
                label=f"{pseudonym}: stakeholder group",
                choices=[("", "As the session"), *StakeholderGroup.choices],
                initial=info.get("stakeholder_group", ""),
                required=False,
            )

    def changes(self) -> dict[str, dict]:
        return {
            pseudonym: {
                "role": self.cleaned_data[f"s{i}_role"],
                "stakeholder_group": self.cleaned_data[f"s{i}_group"],
            }
            for i, pseudonym in enumerate(self.pseudonyms)
        }


class RedactionCorrectionForm(forms.Form):
    keep = forms.MultipleChoiceField(
        label="Wrongly redacted: put these back",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    add = forms.CharField(
        label="Also redact",
        help_text="Names or details that were missed, one per line.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, redaction_log: list[dict], show_redacted: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_redacted:
            # Choosing what to put back means reading what was redacted: raw access only.
            del self.fields["keep"]
            return
        self.fields["keep"].choices = [
            (item["text"], f"{item['text']} ({item['kind'].lower().replace('_', ' ')})")
            for item in redaction_log
        ]

    def clean(self):
        data = super().clean()
        data["add"] = [
            line.strip() for line in (data.get("add") or "").splitlines() if line.strip()
        ]
        data.setdefault("keep", [])
        if not data["add"] and not data["keep"]:
            if "keep" in self.fields:
                raise forms.ValidationError(
                    "Choose something to put back or type something to redact"
                )
            raise forms.ValidationError("Type something to redact")
        return data


class RawAccessForm(forms.Form):
    """Why someone needs a transcript's words as spoken; kept in the audit trail."""

    reason = forms.CharField(
        label="Why do you need the text as it was said?",
        help_text="For example: to check a redaction, or to answer a data-rights request. "
        "Do not write anyone's name or contact details. This is kept in the audit log.",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Say why you need the text as it was said",
            "max_length": "Keep the reason under 300 characters",
        },
    )

    def clean_reason(self):
        reason = " ".join(self.cleaned_data["reason"].split())
        if len(reason) < 10:
            raise forms.ValidationError("Say in a few words why you need the text as it was said")
        return reason


def attachable_focus_groups(user):
    from .permissions import focus_groups_for, hostable_organisations

    return (
        focus_groups_for(user)
        .filter(organisation__in=hostable_organisations(user))
        .exclude(status=FocusGroup.Status.DRAFT)
    )
