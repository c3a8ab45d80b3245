from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Set-up commands: reference data and the fictional demo content."""

    name = "demo"
    verbose_name = "Set-up and demo content"
