"""Organizations (tenants) and the hosts that route to them. Lives in the public schema."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django_tenants.models import DomainMixin, TenantMixin


class Feature(models.TextChoices):
    """The apps an organization can switch on. The apps themselves live in tenant_apps/."""

    FORUM = "forum", "Forum"
    TASKS = "tasks", "Tasks"
    STORE = "store", "Store"
    RECIPES = "recipes", "Recipes"
    EVENTS = "events", "Events"
    LINKS = "links", "Links"


def all_features() -> list[str]:
    return [feature.value for feature in Feature]


class Organization(TenantMixin):
    """One customer of the platform, with its own PostgreSQL schema named after its subdomain."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        DELETING = "deleting", "Being deleted"

    name = models.CharField(max_length=100)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # DO_NOTHING, not PROTECT: Django's deletion collector would otherwise look for
    # organizations owned by *any* user being deleted, including users of a tenant schema
    # (whose ids mean nothing here; the table is visible through the search path). The
    # database's foreign key still refuses to delete a public account that owns one.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        related_name="owned_organizations",
        null=True,
        blank=True,
        help_text="The public account that signed the organization up.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    features = models.JSONField(
        default=all_features,
        blank=True,
        help_text="Keys of the apps switched on: " + ", ".join(f.value for f in Feature),
    )
    plan = models.CharField(max_length=32, default="free")

    # Schemas are made by tenants.provisioning (pool, clone or migrate), never on save().
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["active", "suspended", "deleting"]),
                name="organization_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(schema_name__regex=r"^([a-z0-9]+(-[a-z0-9]+)*|public)$"),
                name="organization_schema_name_is_slug",
            ),
            models.UniqueConstraint(
                Lower("schema_name"), name="organization_schema_name_ci_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def subdomain(self) -> str:
        return self.schema_name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def has_feature(self, key: str) -> bool:
        return key in (self.features or [])


class Domain(DomainMixin):
    """A host name that routes to an organization: its subdomain, or a custom domain."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant"],
                condition=Q(is_primary=True),
                name="domain_one_primary_per_tenant",
            ),
            models.CheckConstraint(condition=Q(domain=Lower("domain")), name="domain_is_lowercase"),
        ]

    def __str__(self) -> str:
        return self.domain


class SpareSchema(models.Model):
    """A fully migrated, empty tenant schema waiting to be claimed by a signup.

    Its name starts with "_spare_", which no organization's schema can (the schema name of an
    organization is a slug), so a spare is never mistaken for a tenant. Signup renames it to the
    new organization's subdomain; tenants.provisioning keeps the pool filled.
    """

    schema_name = models.CharField(max_length=63, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(schema_name__regex=r"^_spare_[a-z0-9]+$"),
                name="spare_schema_name_is_reserved",
            ),
        ]

    def __str__(self) -> str:
        return self.schema_name
