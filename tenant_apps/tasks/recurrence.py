"""Recurrence rules (RFC 5545 RRULE) and their occurrences, in the site's time zone: a task
due every Monday at 09:00 stays at 09:00 local time across daylight-saving changes."""

import datetime as dt
import re

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.utils import timezone

WEEKDAYS = [
    ("MO", "Mon"),
    ("TU", "Tue"),
    ("WE", "Wed"),
    ("TH", "Thu"),
    ("FR", "Fri"),
    ("SA", "Sat"),
    ("SU", "Sun"),
]
WEEKDAY_CODES = [code for code, _ in WEEKDAYS]
_ALLOWED_FREQ = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}


def build_rule(*, kind: str, weekdays: list[str] | None = None, custom: str = "") -> str:
    """The RRULE text for a kind of recurrence. Raises ValidationError naming the field."""
    if kind == "daily":
        return "FREQ=DAILY"
    if kind == "weekly":
        days = [day for day in WEEKDAY_CODES if day in (weekdays or [])]
        if not days:
            raise ValidationError({"weekdays": ["Choose at least one day of the week."]})
        return f"FREQ=WEEKLY;BYDAY={','.join(days)}"
    if kind == "monthly":
        return "FREQ=MONTHLY"
    if kind == "custom":
        return validate_custom_rule(custom)
    raise ValidationError({"kind": ["Choose daily, weekly, monthly or a custom rule."]})


def validate_custom_rule(text: str) -> str:
    rule = (text or "").strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[6:].strip()
    if not rule:
        raise ValidationError({"rule": ["Enter a rule such as FREQ=WEEKLY;INTERVAL=2;BYDAY=FR."]})
    if len(rule) > 500:
        raise ValidationError({"rule": ["The rule is longer than 500 characters."]})
    if re.search(r"DTSTART|\n|\r", rule, re.IGNORECASE):
        raise ValidationError(
            {"rule": ["Give only the RRULE part; the start is the task's due date."]}
        )
    freq = re.search(r"(?:^|;)FREQ=([A-Z]+)", rule.upper())
    if not freq:
        raise ValidationError({"rule": ["The rule needs a FREQ, e.g. FREQ=MONTHLY."]})
    if freq.group(1) not in _ALLOWED_FREQ:
        raise ValidationError(
            {"rule": ["Tasks repeat at most daily: use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY."]}
        )
    try:
        parsed = rrulestr(rule, dtstart=dt.datetime(2000, 1, 1, 9, 0))
        parsed.after(dt.datetime(2000, 1, 1, 9, 0))
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise ValidationError({"rule": [f"This is not a valid RRULE: {error}"]}) from error
    return rule.upper()


def next_after(*, rule: str, starts_at: dt.datetime, after: dt.datetime) -> dt.datetime | None:
    """The first occurrence strictly after `after` (aware), or None when the rule has ended.
    Wall-clock times in the current (site) time zone."""
    zone = timezone.get_current_timezone()
    start = timezone.localtime(starts_at, zone).replace(tzinfo=None)
    local_after = timezone.localtime(after, zone).replace(tzinfo=None)
    occurrence = rrulestr(rule, dtstart=start).after(local_after, inc=False)
    if occurrence is None:
        return None
    return timezone.make_aware(occurrence, zone)


def local_date(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date()


def describe(rule: str) -> str:
    """A short human description of common rules."""
    parts = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    freq, interval = parts.get("FREQ", ""), parts.get("INTERVAL", "1")
    every = "" if interval == "1" else f"{interval} "
    unit = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}.get(freq)
    if unit is None:
        return rule
    text = f"Every {every}{unit}{'s' if every else ''}"
    if "BYDAY" in parts:
        names = dict(WEEKDAYS)
        text += " on " + ", ".join(names.get(day[-2:], day) for day in parts["BYDAY"].split(","))
    if len(parts) > (2 if "BYDAY" in parts else 1) + ("INTERVAL" in parts):
        text += f" ({rule})"
    return text
