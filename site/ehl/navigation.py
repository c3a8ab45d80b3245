"""Navigation for the shared layout: public menu and footer from Wagtail pages, and the
work-area menu for each staff role."""

from django.urls import reverse
from wagtail.models import Site

from engagement.permissions import (
    can_log_conversations,
    can_record_roundtables,
    can_view_audit_log,
    can_view_survey_results,
)
from engagement.roles import Role, user_roles
from insights.permissions import can_view_segments


def _public_items(request):
    site = Site.find_for_request(request)
    if site is None:
        return [], []
    root = site.root_page
    sessions_url = reverse("focus_groups:list")
    menu = [
        {"title": "Home", "url": root.url, "active": request.path == root.url},
        {
            "title": "Find a session",
            "url": sessions_url,
            "active": request.path.startswith(sessions_url),
        },
    ]
    for page in root.get_children().live().public().in_menu():
        menu.append(
            {"title": page.title, "url": page.url, "active": request.path.startswith(page.url)}
        )
    footer = [
        {"title": page.title, "url": page.url}
        for page in root.get_descendants().live().public().filter(contentpage__show_in_footer=True)
    ]
    return menu, footer


def _work_items(request):
    roles = user_roles(request.user)
    if not roles - {Role.RESIDENT}:
        return []
    items = [
        ("Dashboard", reverse("work:dashboard")),
        ("Focus groups", reverse("engagement:focus_group_dashboard")),
        ("Cost claims", reverse("engagement:claim_list")),
    ]
    if roles & {Role.LEAD, Role.ADMIN}:
        items.append(("Organisations", reverse("engagement:organisation_list")))
    elif Role.PARTNER in roles:
        items.append(("Your organisation", reverse("engagement:organisation_list")))
    if can_record_roundtables(request.user):
        items.append(("Roundtables", reverse("engagement:roundtable_list")))
    if can_log_conversations(request.user):
        items.append(("Conversations", reverse("engagement:conversation_list")))
    if can_view_survey_results(request.user):
        items.append(("Surveys", reverse("engagement:survey_list")))
    if can_view_segments(request.user):
        items.append(("Segments", reverse("insights:segment_list")))
    items.append(("Codebook", reverse("insights:codebook")))
    items.append(("Core questions", reverse("insights:core_questions")))
    items.append(("Places and cohorts", reverse("engagement:reference")))
    if can_view_audit_log(request.user):
        items.append(("Audit log", reverse("engagement:audit_log")))
    if request.user.has_perm("wagtailadmin.access_admin"):
        items.append(("Site editor", reverse("wagtailadmin_home")))
    return [
        {
            "title": title,
            "url": url,
            "active": request.path == url
            or (url != reverse("work:dashboard") and request.path.startswith(url)),
        }
        for title, url in items
    ]


def navigation(request):
    menu, footer = _public_items(request)
    return {
        "public_navigation": menu,
        "footer_links": footer,
        "work_navigation": _work_items(request) if request.user.is_authenticated else [],
    }
