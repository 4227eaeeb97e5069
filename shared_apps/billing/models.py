"""Plans, each organization's billing state, and every Stripe event received. Public schema."""

import decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from tenants.models import Organization


class Plan(models.Model):
    """A plan organizations subscribe to, managed in the platform admin. A limit left empty
    means unlimited."""

    key = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the billing page.")
    is_public = models.BooleanField(default=True, help_text="Offered on the billing page.")
    monthly_price_cents = models.PositiveIntegerField(default=0, help_text="Shown to customers.")
    yearly_price_cents = models.PositiveIntegerField(default=0, help_text="Shown to customers.")
    stripe_price_monthly = models.CharField(max_length=255, blank=True)
    stripe_price_yearly = models.CharField(max_length=255, blank=True)
    trial_days = models.PositiveSmallIntegerField(default=0)
    apps = models.JSONField(default=list, blank=True, help_text="Keys of the apps included.")
    members = models.PositiveIntegerField(null=True, blank=True)
    products = models.PositiveIntegerField(null=True, blank=True)
    events_per_month = models.PositiveIntegerField(null=True, blank=True)
    short_links = models.PositiveIntegerField(null=True, blank=True)
    storage_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    custom_domains = models.PositiveIntegerField(null=True, blank=True)
    platform_fee_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Share of tenants' own sales kept by the platform.",
    )

    LIMIT_FIELDS = (
        "members",
        "products",
        "events_per_month",
        "short_links",
        "storage_bytes",
        "custom_domains",
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(platform_fee_percent__gte=0) & Q(platform_fee_percent__lte=100),
                name="plan_fee_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_free(self) -> bool:
        return not (self.stripe_price_monthly or self.stripe_price_yearly) and not (
            self.monthly_price_cents or self.yearly_price_cents
        )

    @property
    def monthly_price(self) -> decimal.Decimal:
        return decimal.Decimal(self.monthly_price_cents) / 100

    @property
    def yearly_price(self) -> decimal.Decimal:
        return decimal.Decimal(self.yearly_price_cents) / 100

    def price_for(self, interval: str) -> str:
        return self.stripe_price_yearly if interval == "yearly" else self.stripe_price_monthly

    def limits(self) -> dict:
        return {field: getattr(self, field) for field in self.LIMIT_FIELDS}


class SubscriptionStatus(models.TextChoices):
    NONE = "none", "No subscription"
    TRIALING = "trialing", "Trial"
    ACTIVE = "active", "Active"
    PAST_DUE = "past_due", "Past due"
    UNPAID = "unpaid", "Unpaid"
    INCOMPLETE = "incomplete", "Incomplete"
    INCOMPLETE_EXPIRED = "incomplete_expired", "Incomplete (expired)"
    PAUSED = "paused", "Paused"
    CANCELED = "canceled", "Cancelled"


class BillingAccount(models.Model):
    """One organization's billing: its Stripe customer, subscription and connected account.
    Made on demand; an organization without one is on Free."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, primary_key=True, related_name="billing"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, null=True, blank=True)
    interval = models.CharField(
        max_length=8, choices=[("monthly", "Monthly"), ("yearly", "Yearly")], default="monthly"
    )
    status = models.CharField(
        max_length=20, choices=SubscriptionStatus.choices, default=SubscriptionStatus.NONE
    )
    is_offline = models.BooleanField(
        default=False, help_text="Plan chosen in offline mode, without payment."
    )
    stripe_customer_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    stripe_subscription_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    trial_end = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    past_due_since = models.DateTimeField(null=True, blank=True)
    # Stripe Connect: the tenant's own account, for its customers' payments.
    connect_account_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    connect_charges_enabled = models.BooleanField(default=False)
    connect_details_submitted = models.BooleanField(default=False)
    connect_payouts_enabled = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(interval__in=["monthly", "yearly"]), name="billing_interval_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in SubscriptionStatus]),
                name="billing_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Billing of {self.organization}"


class StripeEvent(models.Model):
    """Every Stripe event received, once: the unique id makes a replay a no-op."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    account = models.CharField(max_length=255, blank=True, help_text="Connected account, if any.")
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["type", "-received_at"])]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
