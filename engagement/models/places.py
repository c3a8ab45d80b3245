"""Geography and population reference data. Regions that copy the approach edit these rows;
nothing regional is hard-coded."""

from django.db import models
from wagtail.search import index

from .base import TimeStampedModel


class SubRegion(TimeStampedModel):
    """A grouping of Places, e.g. Liverpool City Region."""

    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "sub-region"

    def __str__(self) -> str:
        return self.name


class Place(index.Indexed, TimeStampedModel):
    """A local authority area (a 'Place' in NHS Cheshire and Merseyside terms)."""

    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120, unique=True)
    ons_code = models.CharField(
        "ONS code",
        max_length=9,
        unique=True,
        help_text="The ONS local authority district code, e.g. E08000012.",
    )
    sub_region = models.ForeignKey(SubRegion, on_delete=models.PROTECT, related_name="places")

    search_fields = [index.SearchField("name"), index.FilterField("ons_code")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Cohort(TimeStampedModel):
    """A group of people that services target, e.g. care leavers or over-50s."""

    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=160, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AccessFeature(TimeStampedModel):
    """Something a venue or online session offers so that people can take part, e.g. a hearing
    loop. Sessions list them and people filter by them."""

    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
