"""Seed Free, Pro and Business from entitlements.DEFAULT_PLANS. Stripe price ids are set in the
platform admin once the prices exist in the Stripe account."""

from django.db import migrations

SEED = {
    "free": {"name": "Free", "position": 0, "monthly": 0, "yearly": 0, "trial": 0, "fee": "5.00"},
    "pro": {
        "name": "Pro",
        "position": 1,
        "monthly": 1900,
        "yearly": 19000,
        "trial": 14,
        "fee": "2.00",
    },
    "business": {
        "name": "Business",
        "position": 2,
        "monthly": 7900,
        "yearly": 79000,
        "trial": 14,
        "fee": "0.50",
    },
}


def seed_plans(apps, schema_editor):
    from shared_apps.billing.entitlements import DEFAULT_PLANS

    Plan = apps.get_model("billing", "Plan")
    for key, values in SEED.items():
        defaults = DEFAULT_PLANS[key]
        Plan.objects.update_or_create(
            key=key,
            defaults={
                "name": values["name"],
                "position": values["position"],
                "monthly_price_cents": values["monthly"],
                "yearly_price_cents": values["yearly"],
                "trial_days": values["trial"],
                "platform_fee_percent": values["fee"],
                "apps": sorted(defaults["apps"]),
                **defaults["limits"],
            },
        )


def remove_plans(apps, schema_editor):
    apps.get_model("billing", "Plan").objects.filter(key__in=SEED).delete()


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(seed_plans, remove_plans)]
