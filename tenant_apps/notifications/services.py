"""Every change of state in notifications: sending, reading, preferences, digests."""

import logging
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.errors import ApplicationError
from tenant_apps.notifications import emails, registry, selectors
from tenant_apps.notifications.models import Notification, Preference
from tenant_apps.notifications.realtime import publish, user_parts
from tenant_apps.notifications.tokens import read_unsubscribe_token
from tenants.context import current_organization, tenant_context

logger = logging.getLogger(__name__)

DIGEST_KIND = "digest"  # the unsubscribe "kind" of digest emails: switches every digest kind off


def _target_of(target) -> tuple[str, str]:
    if target is None:
        return "", ""
    meta = getattr(target, "_meta", None)
    if meta is None or getattr(target, "pk", None) is None:
        raise ValidationError({"target": ["The target must be a saved model instance."]})
    return meta.label_lower, str(target.pk)


def _publish_unread(user_ids) -> None:
    user_ids = list(user_ids)
    organization = current_organization()

    def forget_cached_counts() -> None:
        # The cache key carries the schema current when it is made: make it in this tenant's.
        with tenant_context(organization):
            cache.delete_many([selectors.unread_cache_key(user_id) for user_id in user_ids])

    # Now, for reads later in this transaction, and after commit, for a count that a reader in
    # another transaction may have cached from the rows as they were before this one committed.
    forget_cached_counts()
    transaction.on_commit(forget_cached_counts)
    for user_id, count in selectors.unread_counts(user_ids=user_ids).items():
        publish(user_parts(user_id), {"type": "notifications.unread", "unread": count})


def _send_each_now(notification_ids: list[int]) -> None:
    """After commit: email the notifications whose users chose "each". Claiming a row (setting
    emailed_at where it is still empty) before sending means no email goes out twice."""
    for notification in Notification.objects.filter(pk__in=notification_ids).select_related(
        "recipient"
    ):
        claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed or not notification.recipient.email:
            continue
        try:
            emails.send_notification_email(notification)
        except Exception:
            logger.exception("Could not email notification %s", notification.pk)


@transaction.atomic
def notify(
    *,
    recipients: Iterable,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    actor=None,
    target=None,
    email: bool = True,
) -> list[Notification]:
    """Notify each recipient (users of this tenant) once. The actor is never notified of their
    own action; inactive users and users who muted the kind get nothing. Stored now; emails
    (per each user's preference, unless `email=False`) and live bell updates go out after the
    transaction commits. Returns the stored notifications."""
    if current_organization() is None:
        raise ApplicationError("Notifications are sent inside a tenant (tenant_context).")
    registered = registry.get_kind(kind)
    if registered is None:
        raise ValidationError({"kind": [f"Unknown notification kind {kind!r}; register it first."]})
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": ["A notification needs a title."]})
    if len(title) > 200:
        title = title[:199] + "…"
    if len(body) > 2000:
        body = body[:1999] + "…"
    if len(url) > 500:
        raise ValidationError({"url": ["The link is longer than 500 characters."]})
    target_type, target_id = _target_of(target)

    users = {}
    for user in recipients:
        if user is None or not getattr(user, "is_active", False):
            continue
        if actor is not None and user.pk == actor.pk:
            continue
        users[user.pk] = user
    if not users:
        return []
    deliveries = selectors.deliveries_for(user_ids=list(users), kind=registered)
    rows = [
        Notification(
            recipient=user,
            kind=kind,
            title=title,
            body=body,
            url=url,
            actor=actor,
            target_type=target_type,
            target_id=target_id,
            delivery=deliveries[user_id] if email else "off",
        )
        for user_id, user in users.items()
        if deliveries[user_id] != "muted"
    ]
    created = Notification.objects.bulk_create(rows)
    each_ids = [row.pk for row in created if row.delivery == "each"]
    if each_ids:
        organization = current_organization()

        def email_after_commit() -> None:
            with tenant_context(organization):
                _send_each_now(each_ids)

        transaction.on_commit(email_after_commit)
    _publish_unread([row.recipient_id for row in created])
    return created


@transaction.atomic
def mark_read(*, user, notification_id: int) -> int:
    """Mark one of the user's notifications read. Returns the user's unread count."""
    updated = Notification.objects.filter(
        pk=notification_id, recipient=user, read_at__isnull=True
    ).update(read_at=timezone.now())
    if not updated and not Notification.objects.filter(pk=notification_id, recipient=user).exists():
        raise ValidationError({"notification": ["No such notification."]})
    _publish_unread([user.pk])
    return selectors.unread_count(user=user)


@transaction.atomic
def mark_all_read(*, user) -> int:
    """Mark every notification of the user read. Returns how many changed."""
    updated = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    _publish_unread([user.pk])
    return updated


@transaction.atomic
def set_preferences(*, user, deliveries: dict[str, str]) -> None:
    """Store the user's delivery for each given kind ("each", "digest", "off", "muted")."""
    errors = {}
    for kind, delivery in deliveries.items():
        if registry.get_kind(kind) is None:
            errors[kind] = ["Unknown notification kind."]
        elif delivery not in registry.DELIVERIES:
            errors[kind] = [f"Choose one of: {', '.join(sorted(registry.DELIVERIES))}."]
    if errors:
        raise ValidationError(errors)
    for kind, delivery in deliveries.items():
        Preference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})


@transaction.atomic
def unsubscribe(*, token: str) -> tuple:
    """Stop the emails a signed token names (one kind, or every digest kind). Works without
    login, only on the tenant that issued the token. Returns (user, kind labels)."""
    data = read_unsubscribe_token(token)
    if data is None:
        raise ValidationError({"token": ["This unsubscribe link is invalid or has expired."]})
    user_id, kind = data
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise ValidationError({"token": ["This unsubscribe link is invalid or has expired."]})
    if kind == DIGEST_KIND:
        chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
        kinds = [k for k in registry.all_kinds() if chosen.get(k.key, k.default) == "digest"]
    else:
        registered = registry.get_kind(kind)
        kinds = [registered] if registered else []
    for item in kinds:
        Preference.objects.update_or_create(user=user, kind=item.key, defaults={"delivery": "off"})
    # Pending digest items of those kinds will not be sent either.
    Notification.objects.filter(
        recipient=user, kind__in=[k.key for k in kinds], emailed_at__isnull=True
    ).exclude(delivery="off").update(delivery="off")
    return user, [k.label for k in kinds]


def send_digest(*, user_id: int) -> int:
    """Email one user the digest items not yet sent, in one transaction that claims them first:
    run twice (or by two workers at once), no item goes out twice. Returns how many were sent."""
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(recipient_id=user_id, delivery="digest", emailed_at__isnull=True)
            .select_related("recipient")
            .order_by("created_at", "pk")
        )
        if not pending:
            return 0
        Notification.objects.filter(pk__in=[item.pk for item in pending]).update(
            emailed_at=timezone.now()
        )
        unread = [item for item in pending if item.read_at is None]
        user = pending[0].recipient
        if unread and user.is_active and user.email:
            organization = current_organization()

            def email_after_commit() -> None:
                with tenant_context(organization):
                    emails.send_digest_email(user=user, notifications=unread)

            transaction.on_commit(email_after_commit)
        return len(unread)


def send_daily_digests() -> int:
    """Send every user of this tenant their digest. Returns the number of emails sent."""
    user_ids = (
        Notification.objects.filter(delivery="digest", emailed_at__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    for user_id in list(user_ids):
        try:
            if send_digest(user_id=user_id):
                sent += 1
        except Exception:
            logger.exception("Could not send the digest of user %s", user_id)
    return sent
