"""Notifications stored per recipient in the tenant's schema, and each user's delivery choices."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from tenant_apps.notifications.registry import DELIVERY_CHOICES


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=80)
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=2000, blank=True)
    url = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    delivery = models.CharField(max_length=10, choices=DELIVERY_CHOICES)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notif_unread"
            ),
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_recent"),
            models.Index(
                fields=["delivery"],
                condition=Q(delivery="digest", emailed_at__isnull=True),
                name="notif_digest_pending",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(delivery__in=["each", "digest", "off", "muted"]),
                name="notif_delivery_valid",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="notif_title_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_id}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Preference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=80)
    delivery = models.CharField(max_length=10, choices=DELIVERY_CHOICES)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notif_pref_one_per_kind"),
            models.CheckConstraint(
                condition=Q(delivery__in=["each", "digest", "off", "muted"]),
                name="notif_pref_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.delivery}"
