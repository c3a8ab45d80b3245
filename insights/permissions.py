"""Who may see and do what in insights."""

from engagement.roles import is_staff_role


def can_view_codebook(user) -> bool:
    return is_staff_role(user)


def can_manage_codebook(user) -> bool:
    return user.is_authenticated and user.has_perm("insights.manage_codebook")


def can_view_segments(user) -> bool:
    """Segments are redacted but still people's words: only those who code them see them."""
    return is_staff_role(user) and user.has_perm("insights.code_segments")
