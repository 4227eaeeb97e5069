"""Platform staff manage plans in the public admin; an app's API refuses over a limit with 402
and a JSON body naming the upgrade."""

import json

import pytest
from django.test import Client

from shared_apps.accounts.models import User
from shared_apps.billing import entitlements
from shared_apps.billing.models import Plan
from tests.conftest import PASSWORD


@pytest.fixture
def staff_client(db):
    staff = User.objects.create_superuser(email="staff@platform.test", password=PASSWORD)
    client = Client(HTTP_HOST="example.test")
    client.force_login(staff)
    return client


def _plan_form(plan: Plan, **changes) -> dict:
    data = {
        "name": plan.name,
        "key": plan.key,
        "position": plan.position,
        "monthly_price_cents": plan.monthly_price_cents,
        "stripe_price_monthly": plan.stripe_price_monthly,
        "yearly_price_cents": plan.yearly_price_cents,
        "stripe_price_yearly": plan.stripe_price_yearly,
        "trial_days": plan.trial_days,
        "apps": json.dumps(plan.apps),
        "platform_fee_percent": str(plan.platform_fee_percent),
        **{
            field: "" if getattr(plan, field) is None else getattr(plan, field)
            for field in Plan.LIMIT_FIELDS
        },
    }
    if plan.is_public:
        data["is_public"] = "on"
    data.update(changes)
    return data


def test_staff_edit_a_plans_limits_and_organizations_feel_it_at_once(alpha, staff_client):
    free = Plan.objects.get(key="free")
    assert entitlements.limit_for(alpha, "products") == 10  # cached now
    page = staff_client.get(f"/admin/billing/plan/{free.pk}/change/")
    assert page.status_code == 200
    for label in ("Monthly price cents", "Stripe price yearly", "Trial days", "Platform fee"):
        assert label.lower() in page.content.decode().lower()
    response = staff_client.post(
        f"/admin/billing/plan/{free.pk}/change/",
        _plan_form(free, products=42, trial_days=7, platform_fee_percent="3.50"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    free.refresh_from_db()
    assert free.products == 42 and free.trial_days == 7
    assert entitlements.limit_for(alpha, "products") == 42  # the cache was dropped


def test_a_bad_fee_is_refused_in_the_admin(alpha, staff_client):
    free = Plan.objects.get(key="free")
    response = staff_client.post(
        f"/admin/billing/plan/{free.pk}/change/", _plan_form(free, platform_fee_percent="150")
    )
    assert response.status_code == 200  # the form again, with the error
    free.refresh_from_db()
    assert free.platform_fee_percent <= 100


def test_tenant_owners_cannot_reach_the_plans(alpha, client_for, owner_of):
    client = client_for(alpha)
    client.force_login(owner_of(alpha))
    assert client.get("/admin/billing/plan/").status_code == 404


def test_an_apis_refusal_over_a_limit_is_402_json_with_the_upgrade_link(
    alpha, client_for, owner_of
):
    Plan.objects.filter(key="free").update(short_links=0)
    entitlements.invalidate(alpha)
    try:
        client = client_for(alpha)
        client.force_login(owner_of(alpha))
        response = client.post(
            "/api/v1/links/short-links/",
            json.dumps({"target_url": "https://example.org/"}),
            content_type="application/json",
        )
    finally:
        entitlements.invalidate(alpha)
    assert response.status_code == 402, response.content
    error = response.json()["error"]
    assert error["code"] == "plan_limit"
    assert error["upgrade_url"] == "/billing/" and error["limit"] == 0
    assert "Upgrade" in error["message"]
