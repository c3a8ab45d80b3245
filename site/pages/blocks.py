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


class ContentStreamBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(max_length=120, icon="title", template="pages/blocks/heading.html")
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul", "h3"],
        template="pages/blocks/rich_text.html",
    )
    inset = InsetTextBlock()
    details = DetailsBlock()
    call_to_action = CallToActionBlock()
