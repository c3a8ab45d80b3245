from django.urls import path

from .views import public_focus_groups as views

app_name = "focus_groups"

urlpatterns = [
    path("", views.focus_group_list, name="list"),
    path("<uuid:public_id>/", views.focus_group_detail, name="detail"),
    path("<uuid:public_id>/calendar.ics", views.focus_group_calendar, name="calendar"),
    path("<uuid:public_id>/sign-up/", views.focus_group_signup, name="signup"),
    path("r/<str:token>/", views.registration_manage, name="manage"),
    path(
        "r/<str:token>/confirm/<str:code>/", views.registration_confirm_email, name="confirm_email"
    ),
]
