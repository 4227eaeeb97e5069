from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tenant_apps.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from celery.schedules import crontab

        from core.context_processors import register_site_context
        from tenant_apps.notifications import demo, selectors  # noqa: F401  (demo registers data)
        from tenants.scheduler import periodic_task

        periodic_task(
            "notifications-daily-digests",
            task="tenant_apps.notifications.tasks.send_daily_digests",
            schedule=crontab(minute=0, hour=7),
        )

        @register_site_context
        def unread_notifications(request, organization) -> dict:
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated:
                return {}
            return {"unread_notifications": selectors.unread_count(user=user)}
