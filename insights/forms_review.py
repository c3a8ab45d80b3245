"""Forms of the review area: decisions in the review queue, double-coding samples and a
coder's independent coding. Every action is a plain HTML form, so nothing needs JavaScript."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from engagement.models import User

from .models import Code, Segment, Theme
from .services.double_coding import MIN_SEGMENTS
from .services.review import theme_choices

ACTIONS = [
    ("accept", "Accept"),
    ("reject", "Reject"),
    ("add", "Add a code"),
    ("change", "Change the theme"),
    ("quote", "Flag as a powerful quote"),
    ("unquote", "Remove the powerful quote flag"),
    ("done", "Done"),
    ("skip", "Skip"),
]
NEEDS_CODE = {"accept", "reject", "change"}
NEEDS_THEME = {"add", "change"}


class ReviewActionForm(forms.Form):
    """One decision on the segment under review. `code` names one of its codes; `theme` is the
    theme to add or to change a code to."""

    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)
    code = forms.IntegerField(required=False, widget=forms.HiddenInput)
    theme = forms.TypedChoiceField(label="Theme", coerce=int, required=False, empty_value=None)

    def __init__(self, *args, segment: Segment, **kwargs):
        super().__init__(*args, **kwargs)
        self.segment = segment
        self.fields["theme"].choices = [("", "Choose a theme"), *theme_choices()]

    @staticmethod
    def auto_id_for(data) -> str:
        """Ids that match the field the page rendered for this action, so the error summary
        links to it (each code has its own "change" select)."""
        action = data.get("action")
        if action == "change":
            return f"change-{data.get('code', '')}-%s"
        return "add-%s" if action == "add" else "id_%s"

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action in NEEDS_CODE:
            code = (
                Code.objects.filter(pk=data.get("code"), segment=self.segment)
                .select_related("theme")
                .first()
                if data.get("code")
                else None
            )
            if code is None:
                raise forms.ValidationError("That code is no longer on this segment.")
            data["code_obj"] = code
        if action in NEEDS_THEME:
            if not data.get("theme"):
                verb = "add" if action == "add" else "change the code to"
                self.add_error("theme", f"Choose a theme to {verb}")
                return data
            theme = Theme.objects.filter(pk=data["theme"], status=Theme.Status.APPROVED).first()
            if theme is None:
                self.add_error("theme", "Choose an approved theme")
                return data
            data["theme_obj"] = theme
        return data


def coders():
    """People who may code segments (associates and leads), for choosing double coders."""
    perm = Q(
        groups__permissions__codename="code_segments",
        groups__permissions__content_type__app_label="insights",
    )
    return User.objects.filter(perm, is_active=True).distinct().order_by("first_name", "email")


class CoderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.email


class SampleForm(forms.Form):
    STRATA = [
        ("", "No: a simple random sample"),
        ("stakeholder_group", "By stakeholder group"),
        ("source_type", "By source"),
        ("place", "By Place"),
    ]

    name = forms.CharField(label="Name of the sample", max_length=120)
    coder_a = CoderChoiceField(label="First coder", queryset=User.objects.none())
    coder_b = CoderChoiceField(label="Second coder", queryset=User.objects.none())
    size = forms.IntegerField(
        label="Number of segments",
        min_value=1,
        max_value=500,
        initial=50,
        help_text=f"Agreement is judged on {MIN_SEGMENTS} or more; a smaller sample can be "
        "coded, but its figures say “too few to judge”.",
    )
    stratify_by = forms.ChoiceField(
        label="Keep the mix of the evidence?",
        choices=STRATA,
        required=False,
        widget=forms.RadioSelect,
        help_text="A stratified sample takes segments from each group in proportion to its size.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("coder_a", "coder_b"):
            self.fields[name].queryset = coders()
            self.fields[name].empty_label = "Choose a person"

    def clean(self):
        data = super().clean()
        if data.get("coder_a") and data.get("coder_a") == data.get("coder_b"):
            self.add_error("coder_b", "Choose two different people")
        return data


class SampleCodingForm(forms.Form):
    """One coder's themes for one segment, or an explicit "none of these"."""

    themes = forms.ModelMultipleChoiceField(
        label="Themes",
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    none = forms.BooleanField(label="None of these themes applies", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.filter(status=Theme.Status.APPROVED)

    def clean(self):
        data = super().clean()
        themes, none = data.get("themes"), data.get("none")
        if themes and none:
            self.add_error("none", "Either tick themes or say none applies, not both")
        elif not themes and not none and "themes" not in self.errors:
            self.add_error("themes", "Tick the themes that apply, or say none applies")
        return data
