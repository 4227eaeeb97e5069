"""The iCalendar (RFC 5545) feed of a user's due tasks, for calendar apps to subscribe to."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

EVENT_LENGTH = dt.timedelta(minutes=30)


def calendar_for(*, user, tasks, host: str, base_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Task board//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Tasks of {user.display_name}")
    calendar.add("refresh-interval;value=duration", "PT1H")
    now = timezone.now()
    for task in tasks:
        event = Event()
        event.add("uid", f"task-{task.pk}@{host}")
        event.add("summary", f"#{task.number} {task.title}")
        event.add("dtstart", task.due_at)
        event.add("dtend", task.due_at + EVENT_LENGTH)
        event.add("dtstamp", now)
        event.add("last-modified", task.updated_at)
        event.add("url", base_url + reverse("tasks:task", args=[task.pk]))
        event.add("categories", [task.project.name])
        description = f"{task.project.name} · {task.column.name}"
        if task.description:
            description += "\n\n" + task.description[:2000]
        event.add("description", description)
        calendar.add_component(event)
    return calendar.to_ical()
