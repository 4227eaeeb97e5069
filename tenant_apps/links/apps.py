from django.apps import AppConfig


class LinksConfig(AppConfig):
    name = "tenant_apps.links"
    label = "links"
    verbose_name = "Links"

    def ready(self) -> None:
        from tenant_apps.links import demo  # noqa: F401  (registers the demo data)
        from tenant_apps.notifications.registry import register_kind

        register_kind(
            "links.click_limit", "My short links reaching their click limit", default="each"
        )
