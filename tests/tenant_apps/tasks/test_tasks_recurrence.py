"""Repeating tasks: rules, validation, next occurrence on completion or when its date comes."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from tasks_factories import columns, make_task

from tenant_apps.tasks import recurrence, services
from tenant_apps.tasks.models import Task
from tenants.context import tenant_context

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def aware(*args):
    return dt.datetime(*args, tzinfo=PARIS)


def test_rules_for_each_kind():
    assert recurrence.build_rule(kind="daily") == "FREQ=DAILY"
    assert recurrence.build_rule(kind="weekly", weekdays=["FR", "MO"]) == "FREQ=WEEKLY;BYDAY=MO,FR"
    assert recurrence.build_rule(kind="monthly") == "FREQ=MONTHLY"
    assert recurrence.build_rule(kind="custom", custom="rrule:freq=weekly;interval=2;byday=fr") == (
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"
    )


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("", "Enter a rule"),
        ("FREQ=HOURLY", "at most daily"),
        ("BYDAY=MO", "needs a FREQ"),
        ("FREQ=WEEKLY;BYDAY=XX", "not a valid RRULE"),
        ("DTSTART:20240101T000000\nFREQ=DAILY", "only the RRULE"),
    ],
)
def test_bad_custom_rules_are_refused_with_a_clear_message(rule, message):
    with pytest.raises(ValidationError) as error:
        recurrence.build_rule(kind="custom", custom=rule)
    assert message in error.value.message_dict["rule"][0]


def test_weekly_needs_a_day():
    with pytest.raises(ValidationError) as error:
        recurrence.build_rule(kind="weekly", weekdays=[])
    assert "weekdays" in error.value.message_dict


def test_occurrences_keep_local_time_across_daylight_saving():
    with timezone.override(PARIS):
        start = aware(2026, 3, 27, 9, 0)  # Friday before the clocks change
        following = recurrence.next_after(rule="FREQ=WEEKLY;BYDAY=FR", starts_at=start, after=start)
    assert following.astimezone(PARIS).hour == 9
    utc = dt.UTC
    assert following.astimezone(utc) - start.astimezone(utc) == dt.timedelta(days=7, hours=-1)


def test_completing_a_repeating_task_makes_the_next_one_once(alpha, project, worker, colleague):
    due = (timezone.now() + dt.timedelta(hours=2)).replace(microsecond=0)
    task = make_task(
        alpha, worker, project, title="Invoice", due_at=due, assignee_ids=[colleague.pk]
    )
    with tenant_context(alpha):
        task.checklist.create(text="send", is_done=True)
        series = services.set_recurrence(
            user=worker,
            task=task,
            kind="weekly",
            weekdays=[recurrence.WEEKDAY_CODES[due.weekday()]],
        )
        services.complete_task(user=worker, task=task)
        following = Task.objects.get(series=series, completed_at__isnull=True)
        assert following.due_at == due + dt.timedelta(days=7)
        assert list(following.assignees.all()) == [colleague]
        assert [(i.text, i.is_done) for i in following.checklist.all()] == [("send", False)]
        assert following.column == columns(alpha, project)[0]
        # Reopening and completing again does not make a second copy for the same date.
        services.reopen_task(user=worker, task=task)
        services.complete_task(user=worker, task=task)
        assert Task.objects.filter(series=series).count() == 2


def test_the_scheduler_makes_the_occurrence_when_its_date_comes(alpha, project, worker):
    # Noon two days ago, so that the dates do not depend on the hour the test runs at
    # (now minus 49 hours is three dates back between midnight and 1 am).
    noon = dt.datetime.combine(timezone.localdate(), dt.time(12), timezone.get_current_timezone())
    due = noon - dt.timedelta(days=2)
    task = make_task(alpha, worker, project, title="Water plants", due_at=due)
    with tenant_context(alpha):
        series = services.set_recurrence(user=worker, task=task, kind="daily")
        assert services.create_due_occurrences() == 1
        assert services.create_due_occurrences() == 1  # today's comes after yesterday's
        assert services.create_due_occurrences() == 0  # tomorrow's date has not come
        dates = sorted(series.tasks.values_list("occurrence_date", flat=True))
        assert len(dates) == len(set(dates)) == 3


def test_recurrence_page_validates_and_needs_a_due_date(alpha, project, worker, outsider, as_user):
    task = make_task(alpha, worker, project, title="No date")
    client = as_user(worker)
    response = client.post(f"/tasks/t/{task.pk}/repeat/", {"kind": "daily"})
    assert response.status_code == 400
    assert "due date first" in response.context["recurrence_form"].errors["kind"][0]
    dated = make_task(alpha, worker, project, title="Dated", due_at=timezone.now())
    response = client.post(f"/tasks/t/{dated.pk}/repeat/", {"kind": "custom", "rule": "FREQ=NOPE"})
    assert response.status_code == 400
    assert response.context["recurrence_form"].errors["rule"]
    ok = client.post(
        f"/tasks/t/{dated.pk}/repeat/", {"kind": "custom", "rule": "FREQ=MONTHLY;BYDAY=1MO"}
    )
    assert ok.status_code == 302
    assert (
        as_user(outsider).post(f"/tasks/t/{dated.pk}/repeat/", {"kind": "daily"}).status_code == 403
    )
