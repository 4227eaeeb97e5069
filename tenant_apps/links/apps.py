from django.apps import AppConfig


class LinksConfig(AppConfig):
    name = "tenant_apps.links"
    label = "links"
    verbose_name = "Links"

    def ready(self) -> None:
        from tenant_apps.links import demo  # noqa: F401  (registers the demo data)
        from tenant_apps.notifications.registry import register_kind
        from tenants.scheduler import periodic_task

        # A click buffered in Redis is flushed a few seconds after it by the redirect itself;
        # this catches a flush lost with a restarted worker.
        periodic_task(
            "links-flush-clicks", task="tenant_apps.links.tasks.flush_clicks", schedule=120.0
        )
        register_kind(
            "links.click_limit", "My short links reaching their click limit", default="each"
        )
