from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from engagement import urls as engagement_urls
from engagement.views import account as account_views
from insights import urls as insights_urls

from . import views

work_patterns = ([path("", views.dashboard, name="dashboard")], "work")

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/profile/", account_views.overview, name="account_overview"),
    path("accounts/delete/", account_views.delete, name="account_delete"),
    path(
        "accounts/survey-answers/<uuid:public_id>/withdraw/",
        account_views.survey_withdraw,
        name="account_survey_withdraw",
    ),
    path("accounts/", include("allauth.urls")),
    path("sessions/", include("engagement.urls_public")),
    path("work/", include(work_patterns)),
    path("work/", include(engagement_urls)),
    path("work/", include(insights_urls)),
]

if settings.DEBUG:  # pragma: no cover - development convenience for Wagtail images
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns.append(path("", include(wagtail_urls)))
