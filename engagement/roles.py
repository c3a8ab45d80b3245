"""Roles are permission groups. Each role's permission set is declared here and synchronised
into Django groups after every migration, so a role means the same thing on every install.

A person's role comes from their group membership; what they can see is narrowed further by
object-level checks in each app's permissions module (a partner sees only their organisation's
records)."""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps as global_apps
from django.db import models


class Role(models.TextChoices):
    RESIDENT = "resident", "Resident"
    PARTNER = "partner", "VCFSE partner"
    ASSOCIATE = "associate", "EHL associate"
    LEAD = "lead", "Programme lead"
    ADMIN = "admin", "Administrator"


STAFF_ROLES = frozenset({Role.PARTNER, Role.ASSOCIATE, Role.LEAD, Role.ADMIN})

_REFERENCE_MODELS = (
    "engagement.place",
    "engagement.subregion",
    "engagement.cohort",
    "engagement.accessfeature",
    "engagement.engagementround",
    "insights.corequestion",
)


def _crud(model: str) -> list[str]:
    app_label, model_name = model.split(".")
    return [f"{app_label}.{action}_{model_name}" for action in ("add", "change", "delete", "view")]


ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.RESIDENT: [],
    Role.PARTNER: [
        "engagement.host_sessions",
        "engagement.view_organisation",
    ],
    Role.ASSOCIATE: [
        "engagement.view_organisation",
        "engagement.view_place",
        "engagement.view_cohort",
        "insights.view_corequestion",
        "insights.view_theme",
        "insights.code_segments",
        "engagement.record_roundtables",
        "engagement.log_conversations",
    ],
    Role.LEAD: [
        "wagtailadmin.access_admin",
        "engagement.view_organisation",
        "engagement.view_all_organisations",
        "engagement.add_organisation",
        "engagement.change_organisation",
        "insights.code_segments",
        "insights.manage_codebook",
        "insights.view_reports",
        "engagement.decide_claims",
        "engagement.view_survey_results",
        "engagement.record_roundtables",
        "engagement.log_conversations",
        *[perm for model in _REFERENCE_MODELS for perm in _crud(model)],
        # Themes change only through the codebook workbench, which versions every change.
        "insights.view_theme",
    ],
    Role.ADMIN: [
        "wagtailadmin.access_admin",
        "engagement.view_organisation",
        "engagement.view_all_organisations",
        "engagement.view_auditevent",
        "insights.view_reports",
        *_crud("engagement.organisation"),
        *_crud("engagement.membership"),
        *_crud("engagement.user"),
        *_crud("auth.group"),
        *[perm for model in _REFERENCE_MODELS for perm in _crud(model)],
        # Themes change only through the codebook workbench, which versions every change.
        "insights.view_theme",
        "wagtailcore.add_page",
        "wagtailcore.change_page",
        "wagtailcore.publish_page",
    ],
}


# Page permissions on the whole page tree (Wagtail grants these per page, not per model). The
# administrator edits the site's pages; surveys and published reports are pages too.
ROLE_PAGE_PERMISSIONS: dict[Role, list[str]] = {
    Role.ADMIN: ["add", "change", "publish", "delete", "lock", "unlock", "bulk_delete"],
}


def group_name(role: Role) -> str:
    return str(role.label)


def _last_app_with_models(apps) -> str:
    return [config.label for config in apps.get_app_configs() if config.models_module][-1]


def sync_role_groups(sender=None, apps=global_apps, using: str = "default", **kwargs) -> None:
    """Create one group per role holding exactly that role's permissions.

    Connected to post_migrate: it waits for the last app's signal, when every app's permissions
    exist. Permissions not installed (an app switched off) are skipped rather than fatal."""
    if sender is not None and sender.label != _last_app_with_models(global_apps):
        return
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    for config in global_apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)

    for role, perm_names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=group_name(role))
        wanted = []
        for name in perm_names:
            app_label, codename = name.split(".")
            perm = (
                Permission.objects.using(using)
                .filter(content_type__app_label=app_label, codename=codename)
                .first()
            )
            if perm is not None:
                wanted.append(perm)
        group.permissions.set(wanted)
    _sync_page_permissions(using)


def _sync_page_permissions(using: str) -> None:
    """Give each role its permissions on the root of the page tree, so they reach every page."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission, Page

    root = Page.get_first_root_node()
    if root is None:  # the page tree is built by a later migration
        return
    for role, types in ROLE_PAGE_PERMISSIONS.items():
        group = Group.objects.using(using).get(name=group_name(role))
        for permission in Permission.objects.using(using).filter(
            content_type__app_label="wagtailcore", codename__in=[f"{t}_page" for t in types]
        ):
            GroupPagePermission.objects.using(using).get_or_create(
                group=group, page=root, permission=permission
            )


def user_roles(user) -> set[Role]:
    """The roles a signed-in user holds (empty for anonymous visitors)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_ehl_roles", None)
    if cached is not None:
        return cached
    by_name = {group_name(role): role for role in Role}
    roles = {
        by_name[name] for name in user.groups.values_list("name", flat=True) if name in by_name
    }
    if user.is_superuser:
        roles.add(Role.ADMIN)
    user._ehl_roles = roles
    return roles


def has_role(user, *roles: Role) -> bool:
    return bool(user_roles(user) & set(roles))


def is_staff_role(user) -> bool:
    return bool(user_roles(user) & STAFF_ROLES)


def assign_roles(user, roles: Iterable[Role]) -> None:
    """Give a user exactly these roles (used by set-up commands and the admin forms)."""
    from django.contrib.auth.models import Group

    groups = [Group.objects.get_or_create(name=group_name(role))[0] for role in roles]
    user.groups.set(groups)
    user.__dict__.pop("_ehl_roles", None)
