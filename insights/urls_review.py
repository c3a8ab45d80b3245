"""URLs of the workbench's review area (included by insights/urls.py): coding runs, the learned
model, the review queue and double coding."""

from django.urls import path

from .views import double_coding, review

urlpatterns: list = [
    path("review/", review.review_queue, name="review_queue"),
    path("review/segments/<int:segment_id>/", review.review_segment, name="review_segment"),
    path("review/codes/<int:code_id>/history/", review.code_history, name="code_history"),
    path("coding/runs/", review.coding_runs, name="coding_runs"),
    path("coding/runs/<int:run_id>/", review.coding_run, name="coding_run"),
    path("coding/model/", review.suggester_models, name="suggester_models"),
    path("double-coding/", double_coding.sample_list, name="double_coding_list"),
    path("double-coding/new/", double_coding.sample_create, name="double_coding_create"),
    path(
        "double-coding/<int:sample_id>/", double_coding.sample_results, name="double_coding_results"
    ),
    path(
        "double-coding/<int:sample_id>/code/", double_coding.sample_next, name="double_coding_code"
    ),
    path(
        "double-coding/<int:sample_id>/code/<int:segment_id>/",
        double_coding.sample_segment,
        name="double_coding_segment",
    ),
]
