from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "tenant_apps.console"
    label = "console"
    verbose_name = "Admin console"

    def ready(self) -> None:
        from core.context_processors import register_site_context
        from tenant_apps.console.branding import branding_context

        register_site_context(branding_context)
