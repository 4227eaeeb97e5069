from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "tenant_apps.console"
    label = "console"
    verbose_name = "Admin console"

    def ready(self) -> None:
        from core.context_processors import register_site_context
        from tenant_apps.console.branding import branding_context
        from tenants.scheduler import periodic_task

        register_site_context(branding_context)
        # The custom-domains page promises a check every few minutes.
        periodic_task(
            "console-verify-pending-custom-domains",
            task="tenant_apps.console.tasks.verify_pending_custom_domains",
            schedule=300.0,
        )
        # Organizations whose deletion grace period has ended are removed for good.
        periodic_task(
            "console-purge-expired-deletions",
            task="tenant_apps.console.tasks.purge_expired_deletions",
            schedule=3600.0,
            public=True,
        )
