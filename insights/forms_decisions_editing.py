"""Forms for editing the appraisal's options and criteria, and for deleting a programme."""

from __future__ import annotations

from django import forms

from engagement.models import Cohort, Place

from .models import Criterion, Option, Theme
from .services.decision_editing import unique_key


class OptionForm(forms.ModelForm):
    """An intervention: what it is, for whom, where, what it costs, and the themes behind it."""

    cohorts = forms.ModelMultipleChoiceField(
        Cohort.objects.all(), widget=forms.CheckboxSelectMultiple, required=False
    )
    places = forms.ModelMultipleChoiceField(
        Place.objects.all(), widget=forms.CheckboxSelectMultiple, required=False
    )
    themes = forms.ModelMultipleChoiceField(
        Theme.objects.filter(status=Theme.Status.APPROVED).order_by("label"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Approved themes that support this option",
        help_text="People whose accepted codes are on these themes count as its stakeholder "
        "support.",
    )

    class Meta:
        model = Option
        fields = [
            "title",
            "pillar",
            "description",
            "cohorts",
            "places",
            "estimated_cost",
            "evidence",
            "themes",
        ]
        widgets = {
            "pillar": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.Textarea(attrs={"rows": 4}),
            "estimated_cost": forms.NumberInput(attrs={"class": "govuk-input--width-10"}),
        }
        error_messages = {
            "estimated_cost": {"invalid": "Enter the estimated cost in whole pounds, like 250000."}
        }

    def clean_estimated_cost(self):
        cost = self.cleaned_data["estimated_cost"]
        if cost is not None and cost < 0:
            raise forms.ValidationError("The estimated cost cannot be below zero.")
        return cost

    def save(self, commit=True):
        option = super().save(commit=False)
        if not option.key:
            option.key = unique_key(Option, option.title, "option")
        if commit:
            option.save()
            self.save_m2m()
        return option


class CriterionForm(forms.ModelForm):
    """A criterion's name, default weight, direction and description. Whether it is scored or
    computed is fixed when it is made (new criteria are scored by people)."""

    class Meta:
        model = Criterion
        fields = ["name", "default_weight", "direction", "description"]
        labels = {"default_weight": "Weight"}
        help_texts = {
            "default_weight": "How much it counts, relative to the other criteria (0 to 100). "
            "New appraisals start with this weight; existing ones keep their own.",
        }
        widgets = {
            "direction": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
            "default_weight": forms.NumberInput(
                attrs={"step": "0.1", "class": "govuk-input--width-4"}
            ),
        }

    def clean_default_weight(self):
        weight = self.cleaned_data["default_weight"]
        if weight is None or not 0 <= weight <= 100:
            raise forms.ValidationError("Enter a weight from 0 to 100.")
        return weight

    def save(self, commit=True):
        criterion = super().save(commit=False)
        if not criterion.key:
            criterion.key = unique_key(Criterion, criterion.name, "criterion")
            criterion.source = Criterion.Source.SCORED
            last = Criterion.objects.order_by("-sort_order").first()
            criterion.sort_order = (last.sort_order + 1) if last else 0
        if commit:
            criterion.save()
        return criterion


class DeleteProgrammeForm(forms.Form):
    """Deleting a programme that has been assessed takes its assessments with it: say so."""

    confirm = forms.BooleanField(
        label="Yes, delete this programme and its assessments",
        error_messages={"required": "Tick the box to confirm you want to delete it."},
    )
