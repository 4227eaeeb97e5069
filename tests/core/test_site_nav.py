"""The tenant navigation lists the apps a visitor can actually open."""

from shared_apps.billing import entitlements
from shared_apps.billing.models import BillingAccount, Plan


def put_on_plan_without(organization, app_key):
    """A real plan that lacks one app, chosen in offline mode (no Stripe needed)."""
    apps = [
        key for key in ("forum", "tasks", "store", "recipes", "events", "links") if key != app_key
    ]
    plan = Plan.objects.create(key=f"no-{app_key}", name=f"Without {app_key}", apps=apps)
    BillingAccount.objects.update_or_create(
        organization=organization, defaults={"plan": plan, "is_offline": True, "status": "active"}
    )
    entitlements.invalidate(organization)


def test_an_app_outside_the_plan_has_no_nav_entry_and_answers_404(alpha, client_for, owner_of):
    client = client_for(alpha)
    client.force_login(owner_of(alpha))
    assert b'href="/recipes/"' in client.get("/").content
    put_on_plan_without(alpha, "recipes")
    try:
        page = client.get("/").content
        assert b'href="/recipes/"' not in page
        assert b'href="/links/"' in page
        assert client.get("/recipes/").status_code == 404
    finally:
        entitlements.invalidate(alpha)
