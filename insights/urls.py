from django.urls import path

from . import urls_codebook, urls_decisions, urls_reports, urls_review
from .views import codebook, segments

app_name = "insights"

urlpatterns = [
    path("codebook/", codebook.codebook, name="codebook"),
    path("core-questions/", codebook.core_questions, name="core_questions"),
    path("segments/", segments.segment_list, name="segment_list"),
    *urls_codebook.urlpatterns,
    *urls_review.urlpatterns,
    *urls_reports.urlpatterns,
    *urls_decisions.urlpatterns,
]
