"""Reference data and organisations in the Wagtail editor, for leads and administrators."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import AccessFeature, Cohort, EngagementRound, Organisation, Place, SubRegion


class PlaceViewSet(SnippetViewSet):
    model = Place
    icon = "site"
    list_display = ["name", "ons_code", "sub_region"]
    list_filter = ["sub_region"]
    search_fields = ["name"]


class SubRegionViewSet(SnippetViewSet):
    model = SubRegion
    icon = "globe"
    menu_label = "Sub-regions"
    list_display = ["name", "key"]


class CohortViewSet(SnippetViewSet):
    model = Cohort
    icon = "group"
    list_display = ["name", "key"]
    search_fields = ["name"]


class AccessFeatureViewSet(SnippetViewSet):
    model = AccessFeature
    icon = "tick-inverse"
    list_display = ["name", "key"]


class EngagementRoundViewSet(SnippetViewSet):
    model = EngagementRound
    icon = "date"
    menu_label = "Engagement rounds"
    list_display = ["number", "name", "starts_on", "ends_on"]


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "home"
    list_display = ["name", "kind", "place", "is_active"]
    list_filter = ["kind", "place", "is_active"]
    search_fields = ["name"]


class ReferenceDataGroup(SnippetViewSetGroup):
    menu_label = "Reference data"
    menu_icon = "list-ul"
    menu_order = 200
    items = (
        PlaceViewSet,
        SubRegionViewSet,
        CohortViewSet,
        AccessFeatureViewSet,
        EngagementRoundViewSet,
        OrganisationViewSet,
    )


register_snippet(ReferenceDataGroup)
