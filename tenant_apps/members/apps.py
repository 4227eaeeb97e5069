from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "tenant_apps.members"
    label = "members"
    verbose_name = "Members"

    def ready(self) -> None:
        from tenant_apps.members import join, provisioning, signals  # noqa: F401
