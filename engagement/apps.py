from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = "Engagement"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401 - connects audit receivers
        from .roles import sync_role_groups

        post_migrate.connect(sync_role_groups, dispatch_uid="engagement.sync_role_groups")
