from django.urls import path

from .views import codebook, segments

app_name = "insights"

urlpatterns = [
    path("codebook/", codebook.codebook, name="codebook"),
    path("core-questions/", codebook.core_questions, name="core_questions"),
    path("segments/", segments.segment_list, name="segment_list"),
]
