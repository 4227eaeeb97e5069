"""The tenant admin console's own data: the audit log."""

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One admin action: who did what to which object, with the state before and after.
    Written only by `tenant_apps.console.audit.log_action`; never edited from the site."""

    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_email = models.EmailField(blank=True, help_text="Kept if the user is removed.")
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_email} {self.action}"


class SiteSettings(models.Model):
    """The site's branding and locale. One row per site (pk=1), read through
    `tenant_apps.console.branding.site_settings()` (cached)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    site_name = models.CharField(max_length=100, blank=True)
    tagline = models.CharField(max_length=200, blank=True)
    logo = models.CharField(max_length=255, blank=True, help_text="Storage name of the logo.")
    accent_color = models.CharField(max_length=7, blank=True)
    timezone = models.CharField(max_length=64, default="UTC")
    language = models.CharField(max_length=16, default="en")
    currency = models.CharField(max_length=3, default="EUR")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "site settings"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="site_settings_singleton"),
            models.CheckConstraint(
                condition=models.Q(accent_color="")
                | models.Q(accent_color__regex=r"^#[0-9a-f]{6}$"),
                name="site_settings_accent_hex",
            ),
        ]

    def __str__(self) -> str:
        return self.site_name or "Site settings"


class CustomDomain(models.Model):
    """A domain the site's admins want to use. It is routed (a tenants.models.Domain row) only
    once a DNS TXT record proves they control it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for DNS"
        VERIFIED = "verified", "Verified"

    domain = models.CharField(max_length=253, unique=True)
    token = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "verified"]), name="custom_domain_status"
            )
        ]

    def __str__(self) -> str:
        return self.domain


class ExportJob(models.Model):
    """A full export being built (or built) by `tenant_apps.console.tasks.build_export`."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Building"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="export_progress_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return f"Export {self.pk} ({self.status})"
