"""The seven core questions in the Wagtail editor, for programme leads.

Themes are not edited here: every codebook change goes through the workbench
(insights/services/codebook.py), which records it and makes a new codebook version."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import CoreQuestion


class CoreQuestionViewSet(SnippetViewSet):
    model = CoreQuestion
    icon = "help"
    list_display = ["number", "short_title"]


register_snippet(CoreQuestionViewSet)
