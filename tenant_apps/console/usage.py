"""The usage page's numbers: members, storage and items per app against the plan's limits, and
30 days of activity drawn as a server-rendered SVG bar chart (no script, CSP-safe)."""

from datetime import timedelta

from django.apps import apps as django_apps
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from shared_apps.accounts.models import User
from shared_apps.billing.entitlements import limit_for
from tenant_apps.console.models import AuditEntry
from tenants.models import Feature
from tenants.storage import iter_tenant_files


def _count(model_label: str):
    return lambda: django_apps.get_model(model_label)._default_manager.count()


def _events_this_month() -> int:
    from tenant_apps.events.services import events_this_month

    return events_this_month()


# The apps whose plan limit meters one thing: their row shows that thing, counted the way the
# app counts it when it refuses a new one, so the bar fills up exactly when creation stops.
METERED = {
    "store": ("Products", "products", _count("store.Product")),
    "links": ("Short links", "short_links", _count("links.ShortLink")),
    "events": ("Events this month", "events_per_month", _events_this_month),
}


def _row(label: str, used: int, limit: int | None, *, is_bytes: bool = False) -> dict:
    percent = None if not limit else min(100, round(used * 100 / limit))
    return {"label": label, "used": used, "limit": limit, "percent": percent, "is_bytes": is_bytes}


def app_item_counts() -> dict[str, int]:
    """Rows stored by each of the six apps (all their models), whether switched on or not."""
    counts = {}
    for feature in Feature:
        try:
            config = django_apps.get_app_config(feature.value)
        except LookupError:
            continue
        counts[feature.value] = sum(model._default_manager.count() for model in config.get_models())
    return counts


def usage_rows(organization) -> list[dict]:
    rows = [
        _row(
            "Members",
            User.objects.filter(is_active=True).count(),
            limit_for(organization, "members"),
        ),
        _row(
            "Storage",
            sum(file.size for file in iter_tenant_files(organization.schema_name)),
            limit_for(organization, "storage_bytes"),
            is_bytes=True,
        ),
    ]
    labels = dict(Feature.choices)
    for key, count in app_item_counts().items():
        if key in METERED:
            label, limit_key, measure = METERED[key]
            rows.append(_row(label, measure(), limit_for(organization, limit_key)))
        else:
            rows.append(_row(f"{labels[key]} items", count, None))
    return rows


def activity_chart(days: int = 30) -> dict:
    """Admin actions and new members per day over the last `days` days, as SVG bar geometry."""
    today = timezone.localdate()
    start = today - timedelta(days=days - 1)
    since = timezone.now() - timedelta(days=days + 1)
    per_day = {start + timedelta(days=i): 0 for i in range(days)}
    for queryset, field in (
        (AuditEntry.objects.filter(created_at__gte=since), "created_at"),
        (User.objects.filter(date_joined__gte=since), "date_joined"),
    ):
        for row in queryset.annotate(day=TruncDate(field)).values("day").annotate(n=Count("pk")):
            if row["day"] in per_day:
                per_day[row["day"]] += row["n"]
    peak = max(per_day.values()) or 1
    width, height, gap = 20, 120, 4
    bars = []
    for index, (day, count) in enumerate(per_day.items()):
        bar_height = round(count * (height - 20) / peak)
        bars.append(
            {
                "x": index * (width + gap),
                "y": height - bar_height,
                "width": width,
                "height": bar_height,
                "day": day,
                "count": count,
            }
        )
    return {
        "bars": bars,
        "total": sum(per_day.values()),
        "view_width": days * (width + gap),
        "view_height": height,
        "start": start,
        "end": today,
    }
