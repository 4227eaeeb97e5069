"""Reads of notifications and preferences."""

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet

from tenant_apps.notifications import registry
from tenant_apps.notifications.models import Notification, Preference


def notifications_for(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    queryset = Notification.objects.filter(recipient=user).select_related("actor")
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset


# Every tenant page shows the bell's count: it is cached per user (the cache key carries the
# schema) so that a page costs no query for it. Every change of read state goes through
# services._publish_unread, which drops the entry after commit; the short lifetime bounds the
# staleness a reader racing with a writer (or a write rolled back after its own read) could
# leave, and the live socket pushes exact counts.
UNREAD_CACHE_SECONDS = 60


def unread_cache_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    key = unread_cache_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


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
