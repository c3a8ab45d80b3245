"""Template tags that render Django form fields as GOV.UK Frontend components, with the error
summary and error messages that make forms accessible."""

from django import forms, template
from django.db.models.fields import BLANK_CHOICE_DASH

register = template.Library()


def _widget_kind(field: forms.BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"


_INPUT_CLASSES = {
    "input": "govuk-input",
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "file": "govuk-file-upload",
    "checkbox": "govuk-checkboxes__input",
}


@register.inclusion_tag("forms/govuk_field.html")
def govuk_field(field: forms.BoundField, label_size: str = "", hint: str = ""):
    kind = _widget_kind(field)
    css = _INPUT_CLASSES.get(kind)
    attrs = {}
    if css:
        attrs["class"] = css + (f" {css}--error" if field.errors else "")
    described_by = []
    if field.help_text or hint:
        described_by.append(f"{field.auto_id}-hint")
    if field.errors:
        described_by.append(f"{field.auto_id}-error")
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    widget_html = field.as_widget(attrs=attrs) if kind not in {"radios", "checkboxes"} else ""
    return {
        "field": field,
        "kind": kind,
        "widget_html": widget_html,
        "hint": hint or field.help_text,
        "label_size": label_size,
        "choices": _choices(field) if kind in {"radios", "checkboxes"} else [],
    }


def _choices(field: forms.BoundField) -> list:
    """A form's radios or checkboxes, without Django's blank "---------" choice: a model field
    without a default adds it, and as a radio it reads as an answer. A blank choice with a real
    label ("Prefer not to say") stays."""
    return [choice for choice in field.subwidgets if choice.choice_label != BLANK_CHOICE_DASH[0][1]]


@register.inclusion_tag("forms/govuk_error_summary.html")
def govuk_error_summary(*forms_to_check):
    """One error summary for one or more forms, linking each message to its field."""
    errors = []
    for form in forms_to_check:
        if form is None or not form.is_bound or not form.errors:
            continue
        for message in form.non_field_errors():
            errors.append({"href": "#main-content", "message": message})
        for bound in form:
            for message in bound.errors:
                target = bound.auto_id
                if _widget_kind(bound) in {"radios", "checkboxes"}:
                    target = f"{bound.auto_id}_0"
                errors.append({"href": f"#{target}", "message": message})
    return {"errors": errors}


@register.inclusion_tag("forms/govuk_fields.html")
def govuk_fields(form):
    return {"form": form}
