"""The page tree every install needs: a root, the home page and the default site.

Migration 0002 builds it on a fresh database; `ensure_home_page` rebuilds it where a database
was emptied without migrations running again (the browser tests' flushed database)."""

from django.conf import settings
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

HOME_TITLE = "Economies for Healthier Lives"
HOME_LEAD = (
    "Tell us what helps and what gets in the way of finding and keeping work when you live "
    "with a health condition. What you say shapes the support on offer in Cheshire and Merseyside."
)


def ensure_home_page():
    from .models import HomePage

    home = HomePage.objects.first()
    if home is None:
        code = get_supported_content_language_variant(settings.LANGUAGE_CODE)
        locale, _ = Locale.objects.get_or_create(language_code=code)
        root = Page.get_first_root_node() or Page.add_root(
            instance=Page(title="Root", slug="root", locale=locale)
        )
        home = root.add_child(
            instance=HomePage(title=HOME_TITLE, slug="home", lead=HOME_LEAD, locale=locale)
        )
    if not Site.objects.filter(is_default_site=True, root_page=home).exists():
        Site.objects.filter(is_default_site=True).delete()
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    return home
