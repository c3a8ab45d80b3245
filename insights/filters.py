"""Which segments a report, a coding run or a discovery run covers.

One filter, spelled the same in a report's query string, a run's stored `segment_filter` and a
published snapshot, so a figure can always be traced back to the segments behind it."""

from __future__ import annotations

from datetime import date

from django import forms

from engagement.models import Cohort, FocusGroup, Place
from engagement.models.stakeholders import StakeholderGroup

from .models import Segment


class SegmentFilterForm(forms.Form):
    stakeholder_group = forms.ChoiceField(
        label="Stakeholder group",
        choices=[("", "All groups"), *StakeholderGroup.choices],
        required=False,
    )
    place = forms.ModelChoiceField(
        label="Place",
        queryset=Place.objects.order_by("name"),
        to_field_name="key",
        empty_label="All Places",
        required=False,
    )
    cohort = forms.ModelChoiceField(
        label="Cohort",
        queryset=Cohort.objects.order_by("name"),
        to_field_name="key",
        empty_label="All cohorts",
        required=False,
    )
    source_type = forms.ChoiceField(
        label="Source",
        choices=[("", "All sources"), *Segment.SourceType.choices],
        required=False,
    )
    round_number = forms.IntegerField(label="Round", min_value=1, required=False)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    session = forms.ModelChoiceField(
        label="Session",
        queryset=FocusGroup.objects.order_by("-starts_at"),
        to_field_name="public_id",
        empty_label="All sessions",
        required=False,
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be on or after the start date")
        return data

    def as_filter(self) -> dict:
        """The cleaned filter as plain JSON-able values (empty ones left out)."""
        data = self.cleaned_data if self.is_valid() else {}
        out: dict = {}
        for name, value in data.items():
            if value in (None, ""):
                continue
            if isinstance(value, Place | Cohort):
                value = value.key
            elif isinstance(value, FocusGroup):
                value = str(value.public_id)
            elif isinstance(value, date):
                value = value.isoformat()
            out[name] = value
        return out


def apply_filter(segments, segment_filter: dict | None):
    """Narrow a Segment queryset by a stored filter (see `SegmentFilterForm.as_filter`)."""
    f = segment_filter or {}
    if f.get("stakeholder_group"):
        segments = segments.filter(stakeholder_group=f["stakeholder_group"])
    if f.get("place"):
        segments = segments.filter(place__key=f["place"])
    if f.get("cohort"):
        segments = segments.filter(cohorts__key=f["cohort"])
    if f.get("source_type"):
        segments = segments.filter(source_type=f["source_type"])
    if f.get("round_number"):
        segments = segments.filter(round_number=f["round_number"])
    if f.get("date_from"):
        segments = segments.filter(said_on__gte=f["date_from"])
    if f.get("date_to"):
        segments = segments.filter(said_on__lte=f["date_to"])
    if f.get("session"):
        segments = segments.filter(focus_group__public_id=f["session"])
    return segments


def describe_filter(segment_filter: dict | None) -> str:
    """A plain-English account of a filter, for report headings and exports."""
    f = segment_filter or {}
    parts = []
    if f.get("stakeholder_group"):
        parts.append(StakeholderGroup(f["stakeholder_group"]).label)
    if f.get("place"):
        place = Place.objects.filter(key=f["place"]).first()
        parts.append(place.name if place else f["place"])
    if f.get("cohort"):
        cohort = Cohort.objects.filter(key=f["cohort"]).first()
        parts.append(cohort.name if cohort else f["cohort"])
    if f.get("source_type"):
        parts.append(Segment.SourceType(f["source_type"]).label)
    if f.get("round_number"):
        parts.append(f"round {f['round_number']}")
    if f.get("date_from") or f.get("date_to"):
        parts.append(f"{f.get('date_from', 'the start')} to {f.get('date_to', 'now')}")
    if f.get("session"):
        group = FocusGroup.objects.filter(public_id=f["session"]).first()
        parts.append(f"session “{group.title}”" if group else "one session")
    return ", ".join(parts) if parts else "All evidence"
