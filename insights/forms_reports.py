"""Forms of the theme reports area: which figure's segments to list, and publishing a snapshot.

The report's own filter is `insights.filters.SegmentFilterForm`, the one way segments are
filtered anywhere."""

from __future__ import annotations

import re

from django import forms
from django.apps import apps

from .services.report_figures import NO_ROUND

QUARTER = re.compile(r"^\d{4}-Q[1-4]$")


class FigureForm(forms.Form):
    """Which figure of a report a list of segments stands behind (read from the query string
    beside the report's filter)."""

    theme = forms.SlugField(max_length=80, required=False)
    round = forms.CharField(max_length=8, required=False)
    quarter = forms.CharField(max_length=7, required=False)
    with_theme = forms.SlugField(max_length=80, required=False)

    def clean_round(self):
        value = self.cleaned_data["round"]
        if value and value != NO_ROUND and not (value.isdigit() and int(value) > 0):
            raise forms.ValidationError("Choose a round by its number")
        return value or None

    def clean_quarter(self):
        value = self.cleaned_data["quarter"]
        if value and not QUARTER.match(value):
            raise forms.ValidationError("Write the quarter as year and quarter, like 2026-Q1")
        return value or None

    def clean_with_theme(self):
        return self.cleaned_data["with_theme"] or None


def publish_parents():
    """Pages a snapshot may be published under: the site's home page and any published index
    of theme reports. The page types live in the site's `pages` app, looked up by name so
    that insights does not import the site shell."""
    from wagtail.models import Page

    home = apps.get_model("pages", "HomePage")
    index = apps.get_model("pages", "ThemeReportIndexPage")
    return Page.objects.type(home, index).live().order_by("path")


class PublishReportForm(forms.Form):
    title = forms.CharField(
        label="Title of the published report",
        max_length=200,
        help_text="Partners see this, for example “What residents in Knowsley told us, round 1”.",
        error_messages={"required": "Enter a title for the published report"},
    )
    summary = forms.CharField(
        label="Introduction (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A few sentences for partners about what this report shows. Do not include "
        "anything that could identify a person.",
    )
    parent = forms.ModelChoiceField(
        label="Where to publish it",
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where to publish the report"},
    )
    include_quotes = forms.BooleanField(
        label="Include quotes",
        required=False,
        help_text="Redacted quotes from people whose consent stands, for themes raised by "
        "enough people to show. Leave unticked to publish figures only.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = publish_parents()
        self.fields["parent"].queryset = parents
        # Most sites have one place to publish: start with the first chosen.
        self.fields["parent"].initial = parents.first()
        self.fields["parent"].label_from_instance = lambda page: (
            f"{page.title} (home page)" if page.depth <= 2 else page.title
        )
