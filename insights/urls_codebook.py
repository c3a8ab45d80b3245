"""URLs of the workbench's codebook area (included by insights/urls.py)."""

from django.urls import path

from .views import codebook, codebook_actions, codebook_discovery, codebook_transfer

urlpatterns: list = [
    path("codebook/history/", codebook.history, name="codebook_history"),
    path("codebook/versions/<int:number>/", codebook.version_detail, name="codebook_version"),
    path("codebook/themes/add/", codebook_actions.theme_add, name="codebook_theme_add"),
    path("codebook/themes/<slug:key>/", codebook.theme_detail, name="codebook_theme"),
    path(
        "codebook/themes/<slug:key>/edit/",
        codebook_actions.theme_edit_view,
        name="codebook_theme_edit",
    ),
    path(
        "codebook/themes/<slug:key>/rename/",
        codebook_actions.theme_rename_view,
        name="codebook_theme_rename",
    ),
    path(
        "codebook/themes/<slug:key>/approve/",
        codebook_actions.theme_approve_view,
        name="codebook_theme_approve",
    ),
    path(
        "codebook/themes/<slug:key>/merge/",
        codebook_actions.theme_merge_view,
        name="codebook_theme_merge",
    ),
    path(
        "codebook/themes/<slug:key>/split/",
        codebook_actions.theme_split_view,
        name="codebook_theme_split",
    ),
    path(
        "codebook/themes/<slug:key>/reject/",
        codebook_actions.theme_reject_view,
        name="codebook_theme_reject",
    ),
    path(
        "codebook/themes/<slug:key>/retire/",
        codebook_actions.theme_retire_view,
        name="codebook_theme_retire",
    ),
    path("codebook/export.csv", codebook_transfer.export_codebook_csv, name="codebook_export_csv"),
    path("codebook/export.qdc", codebook_transfer.export_codebook_qdc, name="codebook_export_qdc"),
    path("codebook/import/", codebook_transfer.import_codebook, name="codebook_import"),
    path(
        "codebook/import/confirm/",
        codebook_transfer.import_codebook_confirm,
        name="codebook_import_confirm",
    ),
    path("codebook/discovery/", codebook_discovery.discovery_list, name="discovery_list"),
    path("codebook/discovery/start/", codebook_discovery.discovery_start, name="discovery_start"),
    path("codebook/discovery/<int:pk>/", codebook_discovery.discovery_run, name="discovery_run"),
]
