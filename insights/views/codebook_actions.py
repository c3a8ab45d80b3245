"""Changing the codebook: a programme lead adds, edits, renames and retires themes, and
approves, merges, splits or rejects candidates. Every action goes through the governance
services, which version it; a refusal comes back as a message on the form, nothing changed."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from ..forms_codebook import (
    ApproveForm,
    ConfirmForm,
    MergeForm,
    RenameForm,
    SplitForm,
    ThemeForm,
)
from ..models import Theme
from ..permissions import can_manage_codebook
from ..services.codebook import (
    CodebookError,
    theme_approve,
    theme_create,
    theme_edit,
    theme_reject,
    theme_rename,
    theme_retire,
)
from ..services.codebook_restructure import theme_merge, theme_split
from .codebook import allowed_if

FORM_TEMPLATE = "insights/codebook/form.html"
Status = Theme.Status


def _posted(request):
    """The posted data, or None for a GET: an empty POST still binds the form (and fails)."""
    return request.POST if request.method == "POST" else None


def _theme(key) -> Theme:
    return get_object_or_404(Theme.objects.select_related("parent", "nearest_theme"), key=key)


def _theme_url(theme: Theme) -> str:
    return reverse("insights:codebook_theme", args=[theme.key])


def _form_page(request, form, *, heading, submit, theme=None, intro="", warning="", **extra):
    back = _theme_url(theme) if theme else reverse("insights:codebook")
    return render(
        request,
        extra.pop("template", FORM_TEMPLATE),
        {
            "form": form,
            "heading": heading,
            "submit_label": submit,
            "theme": theme,
            "intro": intro,
            "warning": warning,
            "back_url": back,
            **extra,
        },
    )


def _not_allowed_now(request, theme: Theme, allowed: set[str], what: str):
    """An action on a theme in the wrong state: say so on the theme's page."""
    if theme.status in allowed:
        return None
    messages.error(request, f"“{theme.label}” is {theme.get_status_display().lower()}: {what}.")
    return redirect(_theme_url(theme))


@allowed_if(can_manage_codebook)
def theme_add(request):
    form = ThemeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            theme = theme_create(request.user, **form.cleaned_data)
        except CodebookError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"“{theme.label}” added to the codebook.")
            return redirect(_theme_url(theme))
    return _form_page(request, form, heading="Add a theme", submit="Add theme")


@allowed_if(can_manage_codebook)
def theme_edit_view(request, key):
    theme = _theme(key)
    refused = _not_allowed_now(
        request, theme, {Status.APPROVED, Status.CANDIDATE}, "it can no longer be edited"
    )
    if refused:
        return refused
    form = ThemeForm(_posted(request), theme=theme)
    if request.method == "POST" and form.is_valid():
        try:
            changed = theme_edit(request.user, theme, form.cleaned_data)
        except CodebookError as error:
            form.add_error(None, str(error))
        else:
            if changed:
                messages.success(request, f"“{theme.label}” saved as a new codebook version.")
            else:
                messages.info(request, "Nothing was changed.")
            return redirect(_theme_url(theme))
    return _form_page(request, form, heading=f"Edit “{theme.label}”", submit="Save", theme=theme)


@allowed_if(can_manage_codebook)
def theme_rename_view(request, key):
    theme = _theme(key)
    refused = _not_allowed_now(
        request, theme, {Status.APPROVED, Status.CANDIDATE}, "it can no longer be renamed"
    )
    if refused:
        return refused
    form = RenameForm(_posted(request), initial={"label": theme.label})
    if request.method == "POST" and form.is_valid():
        try:
            theme = theme_rename(request.user, theme, form.cleaned_data["label"])
        except CodebookError as error:
            form.add_error("label", str(error))
        else:
            messages.success(request, f"Renamed to “{theme.label}”.")
            return redirect(_theme_url(theme))
    return _form_page(
        request,
        form,
        heading=f"Rename “{theme.label}”",
        submit="Rename",
        theme=theme,
        intro="Codes, exports and reports keep pointing at the theme: only its name changes.",
    )


@allowed_if(can_manage_codebook)
def theme_approve_view(request, key):
    theme = _theme(key)
    refused = _not_allowed_now(request, theme, {Status.CANDIDATE}, "only candidates are approved")
    if refused:
        return refused
    form = ApproveForm(_posted(request), theme=theme)
    if request.method == "POST" and form.is_valid():
        try:
            theme = theme_approve(request.user, theme, **form.cleaned_data)
        except CodebookError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"“{theme.label}” is approved: it can now be coded and reported."
            )
            return redirect(_theme_url(theme))
    return _form_page(
        request,
        form,
        heading=f"Approve “{theme.label}”",
        submit="Approve theme",
        theme=theme,
        intro="Once approved, the theme can be coded and appears in reports.",
    )


@allowed_if(can_manage_codebook)
def theme_merge_view(request, key):
    theme = _theme(key)
    refused = _not_allowed_now(
        request, theme, {Status.APPROVED, Status.CANDIDATE}, "it cannot be merged"
    )
    if refused:
        return refused
    form = MergeForm(_posted(request), theme=theme)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        try:
            theme_merge(request.user, theme, target)
        except CodebookError as error:
            form.add_error("target", str(error))
        else:
            messages.success(request, f"“{theme.label}” merged into “{target.label}”.")
            return redirect(_theme_url(target))
    return _form_page(
        request,
        form,
        heading=f"Merge “{theme.label}” into another theme",
        submit="Merge",
        theme=theme,
        intro="Every code on this theme moves to the theme you choose (where a segment has "
        "both, the codes become one), its sub-themes move with it, and this theme is retired.",
    )


@allowed_if(can_manage_codebook)
def theme_split_view(request, key):
    theme = _theme(key)
    refused = _not_allowed_now(
        request, theme, {Status.APPROVED, Status.CANDIDATE}, "it cannot be split"
    )
    if refused:
        return refused
    quotes = theme.representative_segments.in_analysis().order_by("pk")
    form = SplitForm(_posted(request), theme=theme, quotes=quotes)
    if request.method == "POST" and form.is_valid():
        try:
            created = theme_split(
                request.user, theme, form.parts(), approve=form.cleaned_data["approve"]
            )
        except CodebookError as error:
            form.add_error(None, str(error))
        else:
            names = " and ".join(f"“{t.label}”" for t in created)
            messages.success(request, f"“{theme.label}” split into {names}.")
            return redirect(_theme_url(created[0]))
    return _form_page(
        request,
        form,
        heading=f"Split “{theme.label}”",
        submit="Split theme",
        theme=theme,
        template="insights/codebook/split.html",
    )


def _confirm_action(request, key, *, allowed, refusal, action, heading, intro, done, submit):
    theme = _theme(key)
    refused = _not_allowed_now(request, theme, allowed, refusal)
    if refused:
        return refused
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            action(request.user, theme)
        except CodebookError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done.format(label=theme.label))
            return redirect(_theme_url(theme))
    return _form_page(
        request,
        form,
        heading=heading.format(label=theme.label),
        submit=submit,
        theme=theme,
        intro=intro,
        button_class="govuk-button--warning",
    )


@allowed_if(can_manage_codebook)
def theme_reject_view(request, key):
    return _confirm_action(
        request,
        key,
        allowed={Status.CANDIDATE},
        refusal="only candidates are rejected",
        action=theme_reject,
        heading="Reject “{label}”",
        intro="The candidate is retired and never reaches a report. Its quotes stay where they "
        "are.",
        done="“{label}” rejected.",
        submit="Reject candidate",
    )


@allowed_if(can_manage_codebook)
def theme_retire_view(request, key):
    return _confirm_action(
        request,
        key,
        allowed={Status.APPROVED},
        refusal="only approved themes are retired",
        action=theme_retire,
        heading="Retire “{label}”",
        intro="Reports stop showing the theme and it can no longer be coded. Its codes are kept "
        "with their history.",
        done="“{label}” retired.",
        submit="Retire theme",
    )
