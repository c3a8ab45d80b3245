"""URLs of the decision instruments (included by insights/urls.py, namespace "insights")."""

from django.urls import path

from .views.decisions import appraisal, benchmarking, common, equity, options, servicemap

urlpatterns: list = [
    path("decisions/", common.hub, name="decisions"),
    path("decisions/services/", servicemap.service_map, name="servicemap"),
    path("decisions/services/coverage/", servicemap.coverage, name="servicemap_coverage"),
    path("decisions/services/export/", servicemap.export, name="servicemap_export"),
    path("decisions/services/import/", servicemap.import_csv, name="servicemap_import"),
    path(
        "decisions/services/import/confirm/",
        servicemap.import_confirm,
        name="servicemap_import_confirm",
    ),
    path("decisions/services/add/", servicemap.programme_edit, name="programme_add"),
    path("decisions/services/<slug:key>/", servicemap.programme, name="programme"),
    path("decisions/services/<slug:key>/edit/", servicemap.programme_edit, name="programme_edit"),
    path(
        "decisions/services/<slug:key>/delete/",
        servicemap.programme_delete,
        name="programme_delete",
    ),
    path("decisions/benchmarking/", benchmarking.heatmap, name="benchmarking"),
    path("decisions/benchmarking/report/", benchmarking.report, name="benchmarking_report"),
    path(
        "decisions/benchmarking/<slug:key>/<slug:question>/",
        benchmarking.assessment_edit,
        name="assessment_edit",
    ),
    path("decisions/appraisals/", appraisal.appraisal_list, name="appraisals"),
    path("decisions/appraisals/add/", appraisal.appraisal_add, name="appraisal_add"),
    path("decisions/options/", options.option_list, name="options"),
    path("decisions/options/add/", options.option_edit, name="option_add"),
    path("decisions/options/<slug:key>/", options.option, name="option"),
    path("decisions/options/<slug:key>/edit/", options.option_edit, name="option_edit"),
    path("decisions/options/<slug:key>/delete/", options.option_delete, name="option_delete"),
    path("decisions/criteria/", options.criterion_list, name="criteria"),
    path("decisions/criteria/add/", options.criterion_edit, name="criterion_add"),
    path("decisions/criteria/<slug:key>/edit/", options.criterion_edit, name="criterion_edit"),
    path(
        "decisions/criteria/<slug:key>/delete/", options.criterion_delete, name="criterion_delete"
    ),
    path("decisions/appraisals/<int:pk>/", appraisal.appraisal, name="appraisal"),
    path(
        "decisions/appraisals/<int:pk>/weights/",
        appraisal.appraisal_weights,
        name="appraisal_weights",
    ),
    path(
        "decisions/appraisals/<int:pk>/score/<slug:option>/",
        appraisal.appraisal_score,
        name="appraisal_score",
    ),
    path(
        "decisions/appraisals/<int:pk>/versions/add/",
        appraisal.appraisal_freeze,
        name="appraisal_freeze",
    ),
    path(
        "decisions/appraisals/<int:pk>/versions/<int:number>/",
        appraisal.appraisal_version,
        name="appraisal_version",
    ),
    path(
        "decisions/appraisals/<int:pk>/report/", appraisal.appraisal_report, name="appraisal_report"
    ),
    path("decisions/equity/", equity.equity, name="equity"),
    path("decisions/equity/census/", equity.census_upload, name="equity_census_upload"),
    path("decisions/equity/extract/", equity.extract_upload, name="equity_extract_upload"),
]
