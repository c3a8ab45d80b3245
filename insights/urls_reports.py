"""URLs of the workbench's reports area (included by insights/urls.py)."""

from django.urls import path

from .views import reports

urlpatterns: list = [
    path("reports/", reports.report, name="report"),
    path("reports/segments/", reports.report_segments, name="report_segments"),
    path("reports/publish/", reports.report_publish, name="report_publish"),
    path("reports/export/<str:fmt>/", reports.report_export, name="report_export"),
]
