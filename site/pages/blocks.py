"""StreamField blocks for content pages, each rendered with GOV.UK Frontend styles."""

from wagtail import blocks


class InsetTextBlock(blocks.StructBlock):
    text = blocks.TextBlock()

    class Meta:
        icon = "pick"
        template = "pages/blocks/inset.html"


class DetailsBlock(blocks.StructBlock):
    summary = blocks.CharBlock(max_length=120)
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "arrow-down"
        template = "pages/blocks/details.html"


class CallToActionBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=80)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.CharBlock(required=False, help_text="Used when no page is chosen, e.g. /sessions/")

    class Meta:
        icon = "link"
        template = "pages/blocks/call_to_action.html"


class WaysToTakePartBlock(blocks.StaticBlock):
    """The sessions people can sign up for now and the surveys open to answer, read afresh on
    every visit, so a "Take part" page always leads somewhere."""

    SESSIONS_SHOWN = 6

    def get_context(self, value, parent_context=None):
        from engagement.models import FocusGroup

        from .surveys import SurveyPage

        context = super().get_context(value, parent_context=parent_context)
        context["sessions"] = (
            FocusGroup.objects.published()
            .upcoming()
            .select_related("place")
            .order_by("starts_at")[: self.SESSIONS_SHOWN]
        )
        context["surveys"] = SurveyPage.objects.live().public().order_by("title")
        return context

    class Meta:
        icon = "list-ul"
        label = "Sessions and surveys open now"
        admin_text = "Lists the upcoming sessions and the open surveys, with links to take part."
        template = "pages/blocks/ways_to_take_part.html"


class ContentStreamBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(max_length=120, icon="title", template="pages/blocks/heading.html")
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul", "h3"],
        template="pages/blocks/rich_text.html",
    )
    inset = InsetTextBlock()
    details = DetailsBlock()
    call_to_action = CallToActionBlock()
    ways_to_take_part = WaysToTakePartBlock()
