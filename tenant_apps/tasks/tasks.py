"""Background work of the task board. Beat runs each entry once per active tenant, in its
schema (tenants.scheduler); every task is idempotent and can run twice."""

from config.celery import app
from tenant_apps.tasks import access, services


@app.task
def send_reminders() -> int:
    """Due-soon and overdue notifications to assignees; each sent at most once."""
    access.activate_site_timezone()
    return services.send_reminders()


@app.task
def create_due_occurrences() -> int:
    """Make the next occurrence of repeating tasks whose date has come; never twice."""
    access.activate_site_timezone()
    return services.create_due_occurrences()


@app.task
def send_daily_summaries() -> int:
    """The daily summary email, once per user and local day, after the summary hour."""
    access.activate_site_timezone()
    return services.send_daily_summaries()
