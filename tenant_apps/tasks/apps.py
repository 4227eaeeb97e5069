from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "tenant_apps.tasks"
    label = "tasks"
    verbose_name = "Tasks"

    def ready(self) -> None:
        from tenant_apps.notifications.registry import register_kind, register_topic
        from tenant_apps.tasks import demo  # noqa: F401  (registers the demo data)
        from tenants.scheduler import periodic_task

        # Per tenant: reminders every 10 minutes; repeating tasks and the daily summary hourly
        # (each sends once per local day, after the site's summary hour).
        periodic_task(
            "tasks-reminders", task="tenant_apps.tasks.tasks.send_reminders", schedule=600.0
        )
        periodic_task(
            "tasks-recurrence",
            task="tenant_apps.tasks.tasks.create_due_occurrences",
            schedule=3600.0,
        )
        periodic_task(
            "tasks-daily-summary",
            task="tenant_apps.tasks.tasks.send_daily_summaries",
            schedule=3600.0,
        )

        register_kind("tasks.assigned", "Tasks assigned to me", default="each")
        register_kind("tasks.comment", "Comments on tasks I watch", default="each")
        register_kind("tasks.due_soon", "Tasks due soon", default="each")
        register_kind("tasks.overdue", "Overdue tasks", default="each")
        register_kind("tasks.daily_summary", "Daily summary of my tasks", default="each")
        register_topic("tasks.board", can_follow_board)


def can_follow_board(user, project_id: str, *rest: str) -> bool:
    """Live board events go to users who may see the project."""
    from tenant_apps.tasks import selectors

    if rest or not project_id.isdigit():
        return False
    return selectors.project_for(user=user, project_id=int(project_id)) is not None
