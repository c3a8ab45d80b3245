from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Website pages"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete
        from wagtail.models import Page
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from ehl.navigation import public_navigation_changed

        # The public menu and footer are cached; any change to the page tree refreshes them.
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(public_navigation_changed, dispatch_uid=f"nav_{id(signal)}")
        post_delete.connect(public_navigation_changed, sender=Page, dispatch_uid="nav_page_delete")
