"""Template context for the shared layout: which work-area navigation a person sees."""

from .roles import Role, user_roles


def work_area(request):
    roles = user_roles(getattr(request, "user", None))
    return {
        "user_roles": roles,
        "is_staff_role": bool(roles - {Role.RESIDENT}),
        "Role": Role,
    }
