"""Reminders, the daily summary email, and the private iCalendar feed."""

import datetime as dt

from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from tasks_factories import make_task

from tenant_apps.notifications.models import Notification
from tenant_apps.notifications.services import set_preferences
from tenant_apps.tasks import services, tasks
from tenant_apps.tasks.models import DailySummary
from tenants.context import tenant_context


def test_due_soon_and_overdue_reminders_go_once_to_assignees(
    alpha, project, worker, colleague, django_capture_on_commit_callbacks
):
    now = timezone.now()
    soon = make_task(
        alpha,
        worker,
        project,
        title="Soon",
        due_at=now + dt.timedelta(hours=3),
        assignee_ids=[colleague.pk],
    )
    late = make_task(
        alpha,
        worker,
        project,
        title="Late",
        due_at=now - dt.timedelta(hours=3),
        assignee_ids=[colleague.pk, worker.pk],
    )
    make_task(
        alpha,
        worker,
        project,
        title="Far",
        due_at=now + dt.timedelta(days=5),
        assignee_ids=[colleague.pk],
    )
    make_task(alpha, worker, project, title="Nobody", due_at=now + dt.timedelta(hours=1))
    with tenant_context(alpha):
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.send_reminders() == 2
        assert tasks.send_reminders() == 0  # never twice
        kinds = sorted(
            Notification.objects.filter(recipient=colleague)
            .exclude(kind="tasks.assigned")
            .values_list("kind", "target_id")
        )
        assert kinds == [("tasks.due_soon", str(soon.pk)), ("tasks.overdue", str(late.pk))]
        assert Notification.objects.filter(recipient=worker, kind="tasks.overdue").count() == 1
        # A new due time is a new reminder.
        services.update_task(user=worker, task=soon, due_at=now + dt.timedelta(hours=5))
        assert services.send_reminders() == 1


def test_reminders_follow_the_users_preferences(alpha, project, worker, colleague):
    with tenant_context(alpha):
        set_preferences(user=colleague, deliveries={"tasks.due_soon": "muted"})
    make_task(
        alpha,
        worker,
        project,
        title="Soon",
        due_at=timezone.now() + dt.timedelta(hours=1),
        assignee_ids=[colleague.pk],
    )
    with tenant_context(alpha):
        services.send_reminders()
        assert not Notification.objects.filter(recipient=colleague, kind="tasks.due_soon").exists()


def test_daily_summary_is_sent_once_a_day_with_text_and_html(
    alpha, project, worker, colleague, django_capture_on_commit_callbacks
):
    now = timezone.now()
    make_task(
        alpha,
        worker,
        project,
        title="Due today-ish",
        due_at=now + dt.timedelta(minutes=5),
        assignee_ids=[colleague.pk],
    )
    make_task(
        alpha,
        worker,
        project,
        title="Overdue one",
        due_at=now - dt.timedelta(days=1),
        assignee_ids=[colleague.pk],
    )
    with tenant_context(alpha):
        services.update_settings(
            acting_user=_admin(alpha),
            members_may_create_projects=True,
            due_soon_hours=24,
            summary_hour=0,
        )
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert services.send_daily_summaries() == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert services.send_daily_summaries() == 0
        assert DailySummary.objects.filter(user=colleague).count() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [colleague.email] and "Overdue one" in message.body
    assert "Overdue one" in message.alternatives[0][0] and message.extra_headers["List-Unsubscribe"]


def test_daily_summary_respects_switching_it_off(alpha, project, worker, colleague):
    make_task(
        alpha,
        worker,
        project,
        title="x",
        due_at=timezone.now() + dt.timedelta(hours=1),
        assignee_ids=[colleague.pk],
    )
    with tenant_context(alpha):
        set_preferences(user=colleague, deliveries={"tasks.daily_summary": "off"})
        services.update_settings(
            acting_user=_admin(alpha),
            members_may_create_projects=True,
            due_soon_hours=24,
            summary_hour=0,
        )
        assert services.send_daily_summaries() == 0


def _admin(alpha):
    from shared_apps.accounts.models import User

    return User.objects.get(email="owner@alpha.test")


def test_calendar_feed_lists_my_due_tasks_and_can_be_revoked(
    alpha, beta, project, worker, colleague, as_user, client_for
):
    due = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
    mine = make_task(alpha, worker, project, title="Ship it", due_at=due, assignee_ids=[worker.pk])
    make_task(alpha, worker, project, title="Not mine", due_at=due, assignee_ids=[colleague.pk])
    make_task(alpha, worker, project, title="No date", assignee_ids=[worker.pk])
    client = as_user(worker)
    page = client.post("/tasks/calendar-feed/")
    url = page.context["feed_url"]
    assert url.startswith("http://alpha.example.test/tasks/calendar-feed/")
    path = url.removeprefix("http://alpha.example.test")
    anon = client_for(alpha)
    response = anon.get(path)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert [str(e["summary"]) for e in events] == [f"#{mine.number} Ship it"]
    assert events[0].decoded("dtstart") == due
    assert client_for(beta).get(path).status_code == 404  # another site: no such calendar
    client.post("/tasks/calendar-feed/", {"revoke": "1"})
    assert anon.get(path).status_code == 404
    assert anon.get("/tasks/calendar-feed/forged.ics").status_code == 404


def test_beat_runs_the_task_board_work_once_per_tenant():
    from config.celery import app
    from tenants.scheduler import registered_entries

    for key in ("tasks-reminders", "tasks-recurrence", "tasks-daily-summary"):
        entry = registered_entries()[key]
        assert "tenant_schemas" not in entry  # tenants.scheduler: once per active tenant
        assert entry["task"] in app.tasks


def test_celery_tasks_run_in_the_site_time_zone(alpha, project, worker):
    from tenant_apps.console.models import SiteSettings

    with tenant_context(alpha):
        SiteSettings.objects.update_or_create(pk=1, defaults={"timezone": "Asia/Tokyo"})
        from django.core.cache import cache

        cache.delete("console:site-settings")
        tasks.create_due_occurrences()
        assert timezone.get_current_timezone_name() == "Asia/Tokyo"
        timezone.deactivate()
