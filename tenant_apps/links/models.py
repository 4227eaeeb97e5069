"""Short links, their clicks, and bookmarks. Tables live in every tenant schema."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


class RedirectType(models.IntegerChoices):
    PERMANENT = 301, "Permanent (301)"
    TEMPORARY = 302, "Temporary (302)"


class LinkSettings(models.Model):
    """The site's link settings: one row per tenant (id is always 1)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    default_redirect_type = models.PositiveSmallIntegerField(
        choices=RedirectType.choices, default=RedirectType.TEMPORARY
    )
    members_may_create_links = models.BooleanField(default=True)

    class Meta:
        verbose_name = "link settings"
        verbose_name_plural = "link settings"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="link_settings_single")]

    def __str__(self) -> str:
        return "Link settings"


class Tag(models.Model):
    name = models.CharField(max_length=50)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="links_tag_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class ShortLink(models.Model):
    code = models.CharField(max_length=64)
    is_custom_alias = models.BooleanField(default=False)
    target_url = models.URLField(max_length=2048)
    title = models.CharField(max_length=200, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="short_links")
    expires_at = models.DateTimeField(null=True, blank=True)
    max_clicks = models.PositiveIntegerField(null=True, blank=True)
    password = models.CharField(max_length=128, blank=True)  # a Django password hash
    redirect_type = models.PositiveSmallIntegerField(
        choices=RedirectType.choices, default=RedirectType.TEMPORARY
    )
    is_enabled = models.BooleanField(default=True)
    click_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(Lower("code"), name="links_shortlink_code_ci_unique"),
            models.CheckConstraint(
                condition=Q(max_clicks__isnull=True) | Q(max_clicks__gte=1),
                name="links_shortlink_max_clicks_positive",
            ),
            models.CheckConstraint(
                condition=Q(redirect_type__in=[301, 302]), name="links_shortlink_redirect_type"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def has_password(self) -> bool:
        return bool(self.password)


class Click(models.Model):
    """One visit of a short link. No raw IP address is stored: `visitor` is a salted hash
    whose salt changes every day, so visitors are unique per day and cannot be traced back."""

    link = models.ForeignKey(ShortLink, on_delete=models.CASCADE, related_name="clicks")
    clicked_at = models.DateTimeField(db_index=True)
    visitor = models.CharField(max_length=64)
    referrer_host = models.CharField(max_length=253, blank=True)
    browser = models.CharField(max_length=64, blank=True)
    os = models.CharField(max_length=64, blank=True)
    device = models.CharField(max_length=16, blank=True)
    event_id = models.CharField(max_length=32, unique=True)  # makes a re-flushed batch a no-op

    class Meta:
        ordering = ["-clicked_at"]
        indexes = [models.Index(fields=["link", "clicked_at"])]

    def __str__(self) -> str:
        return f"{self.link_id} at {self.clicked_at:%Y-%m-%d %H:%M}"


class Bookmark(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="link_bookmarks"
    )
    url = models.URLField(max_length=2048)
    title = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True, max_length=5000)
    notes = models.TextField(blank=True, max_length=10000)
    tags = models.ManyToManyField(Tag, blank=True, related_name="bookmarks")
    folder = models.CharField(max_length=500, blank=True)  # "Toolbar / Recipes", from imports
    is_unread = models.BooleanField(default=False)
    is_archived = models.BooleanField(default=False)
    is_shared = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "url"], name="links_bookmark_owner_url_unique")
        ]

    def __str__(self) -> str:
        return self.title or self.url
