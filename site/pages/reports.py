"""Published theme reports: snapshots of a report's suppressed figures for partners.

A programme lead publishes a report from the workbench; the page stores what the report showed
at that moment (counts already suppressed, no segment ids, no person keys, quotes only if the
lead chose to include them) and renders it from the stored snapshot, so it never changes when
the data do. `snapshot_refresh` rebuilds it on purpose (for example after someone withdraws
consent), and drops the old revisions so that withdrawn words do not linger in the history.

Snapshots are for people who work on the programme (partners, associates, leads and
administrators), never for residents or the public."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django_tasks import task
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from engagement import suppression
from engagement.background import enqueue_on_commit
from insights.permissions import can_view_published_reports
from insights.receivers import segments_withdrawn
from insights.services import report_charts
from insights.services.reports import snapshot_payload, theme_report


class StaffOnlyPageMixin:
    """Serve the page only to people who work on the programme: anyone else signs in first or
    is refused, and nothing is cached on the way."""

    def serve(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_view_published_reports(request.user):
            raise PermissionDenied
        response = super().serve(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response


class ThemeReportIndexPage(StaffOnlyPageMixin, Page):
    """Where published theme reports are listed for partners."""

    intro = models.CharField(max_length=300, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["pages.HomePage", "pages.ContentPage"]
    subpage_types = ["pages.ThemeReportPage"]

    class Meta:
        verbose_name = "theme report index"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["reports"] = (
            ThemeReportPage.objects.child_of(self).live().order_by("-snapshot_taken_at")
        )
        return context


class ThemeReportPage(StaffOnlyPageMixin, Page):
    """A theme report as it stood when a programme lead published it."""

    summary = models.TextField(blank=True, help_text="What this report shows, for partners.")
    snapshot = models.JSONField(default=dict, editable=False)
    segment_filter = models.JSONField(default=dict, blank=True, editable=False)
    filter_description = models.CharField(max_length=400, blank=True, editable=False)
    codebook_version = models.CharField(max_length=40, blank=True, editable=False)
    include_quotes = models.BooleanField(default=False, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    snapshot_taken_at = models.DateTimeField(null=True, blank=True, editable=False)

    content_panels = [*Page.content_panels, FieldPanel("summary")]
    promote_panels: list = []
    parent_page_types = ["pages.HomePage", "pages.ThemeReportIndexPage"]
    subpage_types: list[str] = []
    # Only the workbench's publish action makes these (it is what takes the snapshot).
    is_creatable = False

    class Meta:
        verbose_name = "published theme report"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        report = stored_report(self.snapshot)
        context["report"] = report
        context["charts"] = report_charts.charts_for(report)
        return context

    @classmethod
    def publish_from_report(
        cls,
        *,
        parent: Page,
        title: str,
        segment_filter: dict,
        include_quotes: bool,
        user,
        summary: str = "",
    ) -> ThemeReportPage:
        """Take a snapshot of the report for this filter and publish it under ``parent``."""
        page = cls(title=title, summary=summary, published_by=user, live=False)
        page.segment_filter = dict(segment_filter or {})
        page.include_quotes = include_quotes
        _take_snapshot(page)
        with transaction.atomic():
            parent.specific.add_child(instance=page)
            # Who may publish a report is decided by insights.permissions (a programme lead),
            # not by the site editor's page permissions, which leads need not hold.
            page.save_revision(user=user).publish(user=user, skip_permission_checks=True)
        return page


def _take_snapshot(page: ThemeReportPage) -> None:
    payload = theme_report(page.segment_filter, quotes=page.include_quotes, fresh=True)
    page.snapshot = snapshot_payload(payload, include_quotes=page.include_quotes)
    page.filter_description = payload["filter_text"][:400]
    page.codebook_version = payload["codebook_version"]
    page.snapshot_taken_at = timezone.now()


def snapshot_refresh(page: ThemeReportPage, user=None) -> ThemeReportPage:
    """Rebuild a published snapshot from today's data (same filter, same choice about quotes)
    and publish it, deleting earlier revisions: used when consent is withdrawn, so that the
    withdrawn words leave the page and its history."""
    page = ThemeReportPage.objects.get(pk=page.pk)
    _take_snapshot(page)
    with transaction.atomic():
        revision = page.save_revision(user=user)
        revision.publish(user=user, skip_permission_checks=True)
        page.revisions.exclude(pk=revision.pk).delete()
    return page


def snapshots_affected_by_withdrawal():
    """Live published reports that may still show words or people that have since left
    analysis: any segment withdrawn after the snapshot was taken falls inside its filter."""
    from insights.filters import apply_filter
    from insights.models import Segment

    affected = []
    for page in ThemeReportPage.objects.live().exclude(snapshot_taken_at__isnull=True):
        later = Segment.objects.filter(withdrawn_at__gte=page.snapshot_taken_at)
        if apply_filter(later, page.segment_filter).exists():
            affected.append(page)
    return affected


@task(queue_name="default")
def refresh_withdrawn_snapshots() -> int:
    """Rebuild every published snapshot touched by a withdrawal or an erasure (one run covers
    every withdrawal since: it compares the snapshot's time with the segments' withdrawal)."""
    from engagement.services.audit import audit_record

    pages = snapshots_affected_by_withdrawal()
    for page in pages:
        snapshot_refresh(page)
        audit_record("report.snapshot_refreshed", target=page, reason="consent-withdrawn")
    return len(pages)


@receiver(segments_withdrawn, dispatch_uid="pages_refresh_withdrawn_snapshots")
def _segments_withdrawn(sender, **kwargs) -> None:
    enqueue_on_commit(refresh_withdrawn_snapshots)


def stored_report(snapshot: dict) -> dict:
    """A stored snapshot made ready to render, with every figure checked once more on the way
    out: whatever was stored, a count in the small range is never shown, and nothing stored
    can carry a link to segments."""
    report = dict(snapshot or {})
    report.setdefault("themes", [])
    report.setdefault("rounds", {"periods": [], "rows": []})
    report.setdefault("quarters", {"periods": [], "rows": []})
    report.setdefault("pairs", {"rows": [], "hidden": 0, "more": 0})
    report.setdefault("sentiment", {"available": False, "note": ""})
    report.setdefault("threshold", suppression.threshold())
    report["people_total"] = suppression.cell_from_json(report.get("people_total") or {})
    report["segments_total"] = suppression.cell_from_json(
        {
            **(report.get("segments_total") or {}),
            "status": suppression.hidden_with(report["people_total"]["status"]),
        }
    )
    for theme in report["themes"]:
        people = suppression.cell_from_json(theme.get("people") or {})
        theme["people"] = people
        theme["segments"] = suppression.cell_from_json(
            {
                **(theme.get("segments") or {}),
                "status": suppression.hidden_with(people["status"]),
            }
        )
        if people["status"] != suppression.SHOWN:
            theme["share"], theme["quotes"] = None, []
    for kind in ("rounds", "quarters"):
        for period in report[kind]["periods"]:
            period["people"] = suppression.cell_from_json(period.get("people") or {})
        for row in report[kind]["rows"]:
            for entry in row["cells"]:
                entry["people"] = suppression.cell_from_json(entry.get("people") or {})
                if entry["people"]["status"] != suppression.SHOWN:
                    entry["share"] = None
    report["pairs"]["rows"] = [
        {**pair, "people": suppression.cell_from_json(pair.get("people") or {})}
        for pair in report["pairs"]["rows"]
    ]
    report["pairs"]["rows"] = [
        pair for pair in report["pairs"]["rows"] if pair["people"]["status"] == suppression.SHOWN
    ]
    return report
