"""Navigation for the shared layout: public menu and footer from Wagtail pages, and the
work-area menu for each staff role."""

from django.core.cache import cache
from django.urls import reverse
from wagtail.models import Site

from engagement.permissions import (
    can_log_conversations,
    can_record_roundtables,
    can_view_audit_log,
    can_view_survey_results,
)
from engagement.roles import Role, user_roles
from engagement.services.privacy import can_handle_privacy_requests
from insights.permissions import (
    can_review_codes,
    can_view_decisions,
    can_view_reports,
    can_view_segments,
)

PUBLIC_CACHE_KEY = "navigation:public:{site}"


def _public_links(site) -> tuple[list, list]:
    """(menu, footer) as (title, url) pairs; cached per site until a page changes."""
    key = PUBLIC_CACHE_KEY.format(site=site.pk)
    links = cache.get(key)
    if links is None:
        root = site.root_page
        menu = [("Home", root.url), ("Find a session", reverse("focus_groups:list"))]
        menu += [(page.title, page.url) for page in root.get_children().live().public().in_menu()]
        footer = [
            (page.title, page.url)
            for page in root.get_descendants()
            .live()
            .public()
            .filter(contentpage__show_in_footer=True)
        ]
        links = (menu, footer)
        cache.set(key, links, timeout=3600)
    return links


def public_navigation_changed(**kwargs) -> None:
    """Receiver: a page was published, unpublished, moved or deleted."""
    cache.delete_many(
        [PUBLIC_CACHE_KEY.format(site=pk) for pk in Site.objects.values_list("pk", flat=True)]
    )


def _public_items(request):
    site = Site.find_for_request(request)
    if site is None:
        return [], []
    menu, footer = _public_links(site)
    home = menu[0][1]
    return (
        [
            {
                "title": title,
                "url": url,
                "active": request.path == url if url == home else request.path.startswith(url),
            }
            for title, url in menu
        ],
        [{"title": title, "url": url} for title, url in footer],
    )


def _published_reports_url() -> str | None:
    """Where partners find the theme reports leads have published (Wagtail pages)."""
    from django.apps import apps

    index = apps.get_model("pages", "ThemeReportIndexPage").objects.live().first()
    return index.url if index else None


def _work_groups(request) -> list[tuple[str, list[tuple[str, str]]]]:
    """The work-area menu as (heading, [(title, url)]) groups, following the programme's own
    flow: listening to people, understanding what they said, deciding, and running the site.
    Each person sees only the entries their roles allow; empty groups are left out."""
    user = request.user
    roles = user_roles(user)
    listen = [
        ("Focus groups", reverse("engagement:focus_group_dashboard")),
        ("Cost claims", reverse("engagement:claim_list")),
    ]
    if can_record_roundtables(user):
        listen.append(("Roundtables", reverse("engagement:roundtable_list")))
    if can_log_conversations(user):
        listen.append(("Conversations", reverse("engagement:conversation_list")))
    if can_view_survey_results(user):
        listen.append(("Surveys", reverse("engagement:survey_list")))

    understand = []
    if can_view_segments(user):
        understand.append(("Segments", reverse("insights:segment_list")))
    if can_review_codes(user):
        understand.append(("Review queue", reverse("insights:review_queue")))
        understand.append(("Coding runs", reverse("insights:coding_runs")))
        understand.append(("Double coding", reverse("insights:double_coding_list")))
    understand.append(("Codebook", reverse("insights:codebook")))

    decide = []
    if can_view_reports(user):
        decide.append(("Theme reports", reverse("insights:report")))
    reports_index = _published_reports_url()
    if reports_index:
        decide.append(("Published reports", reports_index))
    if can_view_decisions(user):
        decide.append(("Decisions", reverse("insights:decisions")))
    decide.append(("Core questions", reverse("insights:core_questions")))

    run = []
    if roles & {Role.LEAD, Role.ADMIN}:
        run.append(("Organisations", reverse("engagement:organisation_list")))
    elif Role.PARTNER in roles:
        run.append(("Your organisation", reverse("engagement:organisation_list")))
    run.append(("Places and cohorts", reverse("engagement:reference")))
    if can_handle_privacy_requests(user):
        run.append(("Data requests", reverse("engagement:privacy_requests")))
    if can_view_audit_log(user):
        run.append(("Audit log", reverse("engagement:audit_log")))
    if user.has_perm("wagtailadmin.access_admin"):
        run.append(("Site editor", reverse("wagtailadmin_home")))

    groups = [("Listen", listen), ("Understand", understand), ("Decide", decide), ("Run", run)]
    return [(heading, items) for heading, items in groups if items]


def _work_items(request):
    """The dashboard link and the grouped menu, each link marked when it is the current page."""
    roles = user_roles(request.user)
    if not roles - {Role.RESIDENT}:
        return {}
    dashboard = reverse("work:dashboard")

    def link(title, url):
        active = request.path == url or (url != dashboard and request.path.startswith(url))
        return {"title": title, "url": url, "active": active}

    return {
        "dashboard": link("Dashboard", dashboard),
        "groups": [
            {"heading": heading, "items": [link(title, url) for title, url in items]}
            for heading, items in _work_groups(request)
        ],
    }


def navigation(request):
    menu, footer = _public_items(request)
    return {
        "public_navigation": menu,
        "footer_links": footer,
        "work_navigation": _work_items(request) if request.user.is_authenticated else {},
    }
