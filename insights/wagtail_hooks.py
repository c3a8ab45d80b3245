"""The codebook and core questions in the Wagtail editor, for programme leads."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import CoreQuestion, Theme


class CoreQuestionViewSet(SnippetViewSet):
    model = CoreQuestion
    icon = "help"
    list_display = ["number", "short_title"]


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    list_display = ["label", "parent", "kind", "status", "origin"]
    list_filter = ["kind", "status", "origin"]
    search_fields = ["label", "definition"]


class CodebookGroup(SnippetViewSetGroup):
    menu_label = "Codebook"
    menu_icon = "tag"
    menu_order = 210
    items = (ThemeViewSet, CoreQuestionViewSet)


register_snippet(CodebookGroup)
