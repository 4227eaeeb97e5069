"""Reads of notifications and preferences."""

from django.db.models import Count, Q, QuerySet

from tenant_apps.notifications import registry
from tenant_apps.notifications.models import Notification, Preference


def notifications_for(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    queryset = Notification.objects.filter(recipient=user).select_related("actor")
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset


def unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def unread_counts(*, user_ids) -> dict[int, int]:
    rows = (
        Notification.objects.filter(recipient_id__in=list(user_ids))
        .values("recipient_id")
        .annotate(unread=Count("pk", filter=Q(read_at__isnull=True)))
    )
    counts = {user_id: 0 for user_id in user_ids}
    counts.update({row["recipient_id"]: row["unread"] for row in rows})
    return counts


def deliveries_for(*, user_ids, kind: registry.Kind) -> dict[int, str]:
    """Each user's delivery for one kind: their choice, or the kind's default."""
    chosen = dict(
        Preference.objects.filter(user_id__in=list(user_ids), kind=kind.key).values_list(
            "user_id", "delivery"
        )
    )
    return {user_id: chosen.get(user_id, kind.default) for user_id in user_ids}


def preferences_of(*, user) -> list[dict]:
    """Every registered kind with this user's delivery for it."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return [
        {
            "kind": kind.key,
            "label": kind.label,
            "delivery": chosen.get(kind.key, kind.default),
            "default": kind.default,
        }
        for kind in registry.all_kinds()
    ]
