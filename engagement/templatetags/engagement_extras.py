"""Small template helpers for engagement pages."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def one_line(text):
    """A multi-line address on one line: "1 Example Street, Liverpool"."""
    return ", ".join(line.strip() for line in str(text or "").splitlines() if line.strip())
