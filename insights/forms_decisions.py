"""Forms for the decision instruments: service map, benchmarking, appraisal, equity audit."""

from __future__ import annotations

from django import forms

from engagement.models import Cohort, Place

from .models import (
    Assessment,
    BestPracticeEvidence,
    CensusReference,
    ClientExtract,
    Option,
    Programme,
    Theme,
)
from .services.appraisal import SCALE_MAX
from .services.benchmarking import area_choices, clean_documents, documents_text
from .services.decision_editing import unique_key
from .services.equity import DIMENSIONS

MAX_UPLOAD = 5 * 1024 * 1024


class ServiceFilterForm(forms.Form):
    sector = forms.ChoiceField(
        label="Lead sector", required=False, choices=[("", "Any"), *Programme.Sector.choices]
    )
    level = forms.ChoiceField(
        label="Commissioning level",
        required=False,
        choices=[("", "Any"), *Programme.Level.choices],
    )


class ProgrammeForm(forms.ModelForm):
    places = forms.ModelMultipleChoiceField(
        Place.objects.all(), widget=forms.CheckboxSelectMultiple, required=False
    )
    cohorts = forms.ModelMultipleChoiceField(
        Cohort.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Target cohorts",
    )
    url = forms.URLField(label="Link", required=False, assume_scheme="https")

    class Meta:
        model = Programme
        fields = [
            "name",
            "provider_name",
            "description",
            "places",
            "commissioning_level",
            "lead_sector",
            "funding_stream",
            "cohorts",
            "eligibility",
            "referral_routes",
            "starts_on",
            "ends_on",
            "url",
        ]
        widgets = {
            "commissioning_level": forms.RadioSelect,
            "lead_sector": forms.RadioSelect,
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "eligibility": forms.Textarea(attrs={"rows": 3}),
            "referral_routes": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The end date must be on or after the start date.")
        return data

    def save(self, commit=True):
        programme = super().save(commit=False)
        if not programme.key:
            programme.key = unique_key(Programme, programme.name, "programme")
        if commit:
            programme.save()
            self.save_m2m()
        return programme


class CsvUploadForm(forms.Form):
    file = forms.FileField(label="CSV file")

    def clean_file(self):
        """Size first, then content: any name is accepted if the file is UTF-8 text."""
        from engagement.uploads import check_text_upload, form_check

        upload = self.cleaned_data["file"]
        form_check(check_text_upload, upload, max_bytes=MAX_UPLOAD, what="file")
        return upload


class AreaForm(forms.Form):
    area = forms.ChoiceField(label="Place or sub-region", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = area_choices()


class AssessmentForm(forms.ModelForm):
    themes = forms.ModelMultipleChoiceField(
        Theme.objects.filter(status=Theme.Status.APPROVED),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Approved themes as evidence",
    )
    best_practice = forms.ModelMultipleChoiceField(
        BestPracticeEvidence.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Best-practice evidence",
    )
    quote_ids = forms.CharField(
        label="Quotes (segment numbers)",
        required=False,
        help_text="Numbers of segments to quote, separated by commas.",
    )
    documents_text = forms.CharField(
        label="Documents",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line: title | https://link",
    )

    class Meta:
        model = Assessment
        fields = ["rating", "narrative", "themes", "best_practice"]
        widgets = {"rating": forms.RadioSelect, "narrative": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["documents_text"].initial = documents_text(self.instance.documents)
            self.fields["quote_ids"].initial = ", ".join(
                str(pk) for pk in self.instance.quotes.values_list("pk", flat=True)
            )

    def clean_documents_text(self):
        documents, problems = clean_documents(self.cleaned_data["documents_text"])
        if problems:
            raise forms.ValidationError(problems)
        return documents

    def clean_quote_ids(self):
        from .models import Segment

        raw = [p.strip() for p in self.cleaned_data["quote_ids"].split(",") if p.strip()]
        if any(not p.isdigit() for p in raw):
            raise forms.ValidationError("Segment numbers are whole numbers separated by commas.")
        ids = {int(p) for p in raw}
        found = set(Segment.objects.in_analysis().filter(pk__in=ids).values_list("pk", flat=True))
        if ids - found:
            unknown = ", ".join(str(i) for i in sorted(ids - found))
            raise forms.ValidationError(f"No segment in analysis has the number {unknown}.")
        return sorted(found)


class AppraisalForm(forms.Form):
    title = forms.CharField(max_length=200)
    purpose = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    options = forms.ModelMultipleChoiceField(
        Option.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label="Options to appraise",
        error_messages={"required": "Choose at least two options to compare."},
    )

    def clean_options(self):
        options = self.cleaned_data["options"]
        if len(options) < 2:
            raise forms.ValidationError("Choose at least two options to compare.")
        return options


class WeightsForm(forms.Form):
    """One number field per criterion; at least one weight above zero."""

    def __init__(self, *args, weights=(), **kwargs):
        super().__init__(*args, **kwargs)
        for row in weights:
            self.fields[f"w{row.criterion.pk}"] = forms.FloatField(
                label=f"{row.criterion.name} ({row.criterion.get_direction_display().lower()})",
                min_value=0,
                max_value=100,
                initial=row.weight,
                widget=forms.NumberInput(attrs={"step": "0.1", "class": "govuk-input--width-4"}),
            )

    def clean(self):
        data = super().clean()
        if not self.errors and not any(v for v in data.values()):
            raise forms.ValidationError("At least one criterion needs a weight above zero.")
        return data

    def weights(self) -> dict[int, float]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


class ScoresForm(forms.Form):
    """One option's scores on every scored criterion, each with a rationale."""

    def __init__(self, *args, criteria=(), existing=None, **kwargs):
        super().__init__(*args, **kwargs)
        existing = existing or {}
        choices = [("", "Not scored")] + [(str(i), str(i)) for i in range(SCALE_MAX + 1)]
        for criterion in criteria:
            row = existing.get(criterion.key)
            self.fields[f"s{criterion.pk}"] = forms.TypedChoiceField(
                label=f"{criterion.name}: score (0 to {SCALE_MAX})",
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=str(row.score) if row else "",
                help_text=criterion.description,
            )
            self.fields[f"r{criterion.pk}"] = forms.CharField(
                label=f"{criterion.name}: why this score",
                required=False,
                initial=row.rationale if row else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"t{criterion.pk}"] = forms.ModelMultipleChoiceField(
                Theme.objects.filter(status=Theme.Status.APPROVED).order_by("label"),
                label=f"{criterion.name}: approved themes as evidence",
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=[t.pk for t in row.evidence_themes.all()] if row else [],
            )
            self.fields[f"u{criterion.pk}"] = forms.URLField(
                label=f"{criterion.name}: link to evidence (optional)",
                required=False,
                assume_scheme="https",
                initial=row.evidence_url if row else "",
                help_text="A report, evaluation or web page, starting https://",
            )
        self.criteria = list(criteria)

    def rows(self):
        """Per criterion: its score, reason, evidence themes and evidence link, for the page."""
        return [
            {
                "criterion": c,
                "score": self[f"s{c.pk}"],
                "rationale": self[f"r{c.pk}"],
                "themes": self[f"t{c.pk}"],
                "url": self[f"u{c.pk}"],
            }
            for c in self.criteria
        ]

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if name[0] not in "rtu" or not value or data.get(f"s{name[1:]}") is not None:
                continue
            what = "reason you wrote" if name[0] == "r" else "evidence you linked"
            if f"s{name[1:]}" not in self.errors:
                self.add_error(f"s{name[1:]}", f"Give a score for the {what}.")
        return data


class FreezeForm(forms.Form):
    note = forms.CharField(label="What changed (optional)", max_length=240, required=False)


class CensusUploadForm(CsvUploadForm):
    name = forms.CharField(max_length=200, label="Name", help_text="e.g. Census 2021 by Place")
    source = forms.CharField(max_length=200, required=False)
    field_order = ["name", "source", "file"]


class ExtractUploadForm(CsvUploadForm):
    name = forms.CharField(max_length=200, label="Service or extract name")
    field_order = ["name", "file"]


class EquityForm(forms.Form):
    reference = forms.ModelChoiceField(
        CensusReference.objects.all(), label="Reference population", empty_label=None
    )
    source = forms.ChoiceField(label="Compare")
    dimension = forms.ChoiceField(
        choices=[(k, v[0]) for k, v in DIMENSIONS.items()], label="Compare by"
    )
    place = forms.ChoiceField(label="Place", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("participants", "People who took part")] + [
            (f"extract:{e.pk}", f"Clients of {e.name}") for e in ClientExtract.objects.all()
        ]
        self.fields["place"].choices = [("", "All Places")] + [
            (p.key, p.name) for p in Place.objects.all()
        ]
