"""Wagtail page types of the public site."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from engagement.models import FocusGroup

from .blocks import ContentStreamBlock


class HomePage(Page):
    """The front door: what the programme is and how to take part."""

    lead = models.CharField(
        max_length=300, blank=True, help_text="One or two sentences under the main heading."
    )
    body = StreamField(ContentStreamBlock(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("lead"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("lead"), index.SearchField("body")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = (
            self.get_children().live().public().filter(show_in_menus=True).specific()
        )
        context["upcoming_sessions"] = (
            FocusGroup.objects.published()
            .upcoming()
            .select_related("place")
            .order_by("starts_at")[:6]
        )
        return context


class ContentPage(Page):
    """A page of plain-English information, e.g. how we use your information."""

    lead = models.CharField(max_length=300, blank=True)
    body = StreamField(ContentStreamBlock(), blank=True, use_json_field=True)
    show_in_footer = models.BooleanField(
        default=False, help_text="List this page in the footer, e.g. privacy or accessibility."
    )

    content_panels = [*Page.content_panels, FieldPanel("lead"), FieldPanel("body")]
    promote_panels = [*Page.promote_panels, FieldPanel("show_in_footer")]
    search_fields = [*Page.search_fields, index.SearchField("lead"), index.SearchField("body")]
    parent_page_types = ["pages.HomePage", "pages.ContentPage"]


# Page types defined in their own modules, imported so Wagtail registers them.
from .reports import ThemeReportIndexPage, ThemeReportPage  # noqa: E402,F401
from .surveys import SurveyFormField, SurveyPage  # noqa: E402,F401
