"""Plans, billing accounts and received Stripe events in the platform admin (public host)."""

from django.contrib import admin
from django.db import transaction

from shared_apps.billing import entitlements
from shared_apps.billing.models import BillingAccount, Plan, StripeEvent
from tenants.admin import platform_admin


@admin.register(Plan, site=platform_admin)
class PlanAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "key",
        "position",
        "is_public",
        "monthly_price_cents",
        "yearly_price_cents",
        "trial_days",
        "platform_fee_percent",
    ]
    list_editable = ["position", "is_public"]
    fieldsets = [
        (None, {"fields": ["name", "key", "position", "is_public"]}),
        (
            "Prices",
            {
                "fields": [
                    "monthly_price_cents",
                    "stripe_price_monthly",
                    "yearly_price_cents",
                    "stripe_price_yearly",
                    "trial_days",
                ]
            },
        ),
        ("Apps and limits (empty = unlimited)", {"fields": ["apps", *Plan.LIMIT_FIELDS]}),
        ("Connect", {"fields": ["platform_fee_percent"]}),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Every organization's cached entitlements may come from this plan, including those
        # without a billing account (on Free from signup).
        transaction.on_commit(entitlements.invalidate_all)
        entitlements.invalidate_all()


@admin.register(BillingAccount, site=platform_admin)
class BillingAccountAdmin(admin.ModelAdmin):
    list_display = ["organization", "plan", "status", "interval", "is_offline", "past_due_since"]
    list_filter = ["status", "plan", "is_offline"]
    search_fields = [
        "organization__name",
        "organization__schema_name",
        "stripe_customer_id",
        "stripe_subscription_id",
        "connect_account_id",
    ]
    list_select_related = ["organization", "plan"]
    readonly_fields = [
        "organization",
        "stripe_customer_id",
        "stripe_subscription_id",
        "status",
        "trial_end",
        "current_period_end",
        "cancel_at_period_end",
        "connect_account_id",
        "connect_charges_enabled",
        "connect_details_submitted",
        "connect_payouts_enabled",
        "updated_at",
    ]

    def get_readonly_fields(self, request, obj=None):
        # Staff may add an account to grant a plan by hand (plan + "offline"), never edit what
        # Stripe owns.
        fields = list(super().get_readonly_fields(request, obj))
        return fields if obj is not None else [f for f in fields if f != "organization"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        type(obj.organization).objects.filter(pk=obj.organization_id).update(
            plan=obj.plan.key
            if obj.plan and (obj.is_offline or obj.status in ("trialing", "active", "past_due"))
            else "free"
        )
        entitlements.invalidate(obj.organization)


@admin.register(StripeEvent, site=platform_admin)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "type", "account", "received_at", "processed_at"]
    list_filter = ["type"]
    search_fields = ["event_id", "account"]
    readonly_fields = [
        "event_id",
        "type",
        "account",
        "payload",
        "received_at",
        "processed_at",
        "error",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
