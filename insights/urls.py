from django.urls import path

from .views import codebook

app_name = "insights"

urlpatterns = [
    path("codebook/", codebook.codebook, name="codebook"),
    path("core-questions/", codebook.core_questions, name="core_questions"),
]
