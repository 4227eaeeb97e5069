"""The owner's billing page, offline mode, roles, downgrades and tenant isolation."""

import pytest
from django.core.exceptions import ValidationError

from core.errors import PaymentRequired
from shared_apps.billing import entitlements, services
from shared_apps.billing.models import BillingAccount, Plan
from tenant_apps.members.models import Member, Role
from tenants.context import tenant_context


def test_seeded_plans_match_the_default_limits(db):
    plans = {plan.key: plan for plan in Plan.objects.all()}
    assert list(plans) == ["free", "pro", "business"]
    assert plans["free"].limits() == entitlements.DEFAULT_PLANS["free"]["limits"]
    assert plans["business"].members is None
    assert plans["free"].is_free and not plans["pro"].is_free


def test_new_organization_is_on_free(alpha):
    assert entitlements.plan_key(alpha) == "free"
    assert entitlements.limit_for(alpha, "products") == 10
    assert not entitlements.is_read_only(alpha)


def test_owner_sees_offline_mode_clearly_labelled(alpha, owner_client):
    response = owner_client(alpha).get("/billing/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Offline mode" in page
    assert "Current plan: Free" in page
    assert "No invoices yet" in page


def test_offline_switch_changes_plan_without_payment(alpha, owner_client):
    client = owner_client(alpha)
    response = client.post("/billing/choose/", {"plan": "pro", "interval": "yearly"})
    assert response.status_code == 302
    alpha.refresh_from_db()
    assert alpha.plan == "pro"
    account = BillingAccount.objects.get(organization=alpha)
    assert account.is_offline and account.interval == "yearly"
    assert entitlements.limit_for(alpha, "products") == 500
    assert "Current plan: Pro" in client.get("/billing/").content.decode()


def test_unknown_plan_is_a_form_error(alpha, owner_client):
    response = owner_client(alpha).post(
        "/billing/choose/", {"plan": "platinum", "interval": "monthly"}
    )
    assert response.status_code == 400
    assert "platinum is not one of the available choices" in response.content.decode()
    assert entitlements.plan_key(alpha) == "free"


def test_bad_interval_is_a_form_error(alpha, owner_client):
    response = owner_client(alpha).post("/billing/choose/", {"plan": "pro", "interval": "weekly"})
    assert response.status_code == 400
    assert "Billing period" in response.content.decode()


def test_service_refuses_bad_input_with_field_errors(alpha):
    with pytest.raises(ValidationError) as error:
        services.switch_plan_offline(organization=alpha, plan_key="nope", interval="monthly")
    assert "plan" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.switch_plan_offline(organization=alpha, plan_key="pro", interval="daily")
    assert "interval" in error.value.message_dict


@pytest.mark.parametrize("role", [Role.MEMBER, Role.MODERATOR, Role.ADMIN])
def test_only_the_owner_may_see_or_change_the_plan(alpha, client_for, member_of, role):
    client = client_for(alpha)
    client.force_login(member_of(alpha, email=f"{role}@example.com", role=role))
    assert client.get("/billing/").status_code == 403
    assert (
        client.post("/billing/choose/", {"plan": "pro", "interval": "monthly"}).status_code == 403
    )
    assert client.post("/billing/portal/").status_code == 403
    assert entitlements.plan_key(alpha) == "free"


def test_members_below_admin_cannot_open_payments_setup(alpha, client_for, member_of):
    client = client_for(alpha)
    client.force_login(member_of(alpha, role=Role.MEMBER))
    assert client.get("/billing/payments/").status_code == 403
    assert client.post("/billing/payments/connect/").status_code == 403


def test_admin_sees_payments_setup(alpha, client_for, member_of):
    client = client_for(alpha)
    client.force_login(member_of(alpha, email="admin@example.com", role=Role.ADMIN))
    response = client.get("/billing/payments/")
    assert response.status_code == 200
    assert "card payments are not available" in response.content.decode()


def test_anonymous_visitor_is_sent_to_log_in(alpha, client_for):
    response = client_for(alpha).get("/billing/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_downgrade_keeps_content_and_blocks_creation_over_the_limit(alpha, owner_client, member_of):
    client = owner_client(alpha)
    client.post("/billing/choose/", {"plan": "pro", "interval": "monthly"})
    for number in range(3):
        member_of(alpha, email=f"m{number}@example.com")
    Plan.objects.filter(key="free").update(members=2)
    entitlements.invalidate(alpha)

    response = client.post("/billing/choose/", {"plan": "free", "interval": "monthly"})
    assert response.status_code == 302
    with tenant_context(alpha):
        count = Member.objects.count()
    assert count >= 3  # nothing deleted
    with pytest.raises(PaymentRequired) as refused:
        entitlements.ensure_can_add(alpha, "members", current=count)
    assert refused.value.status_code == 402
    assert refused.value.extra["upgrade_url"] == "/billing/"
    entitlements.ensure_can_add(alpha, "products", current=9)
    with pytest.raises(PaymentRequired):
        entitlements.ensure_can_add(alpha, "products", current=10)


def test_beta_sees_nothing_of_alphas_billing(alpha, beta, owner_client):
    owner_client(alpha).post("/billing/choose/", {"plan": "business", "interval": "monthly"})
    assert entitlements.plan_key(alpha) == "business"
    assert entitlements.plan_key(beta) == "free"
    page = owner_client(beta).get("/billing/").content.decode()
    assert "Current plan: Free" in page
    assert "Alpha" not in page
    assert "Business</span>" not in page  # alpha's current-plan badge is not beta's


def test_entitlements_are_cached_no_query_per_request(alpha, django_assert_num_queries):
    entitlements.is_read_only(alpha)
    with django_assert_num_queries(0):
        entitlements.is_read_only(alpha)
        entitlements.feature_allowed(alpha, "forum")
        entitlements.limit_for(alpha, "products")


def test_members_read_the_plans_entitlements_over_the_api(alpha, client_for, member_of):
    client = client_for(alpha)
    client.force_login(member_of(alpha))
    body = client.get("/api/v1/billing/entitlements/").json()
    assert body["plan"] == "free"
    assert body["limits"]["products"] == 10
    assert body["read_only"] is False and body["payments_enabled"] is False


def test_entitlements_api_refuses_anonymous_and_other_tenants(alpha, beta, client_for, owner_of):
    assert client_for(alpha).get("/api/v1/billing/entitlements/").status_code in (401, 403)
    services.switch_plan_offline(organization=alpha, plan_key="pro", interval="monthly")
    client = client_for(beta)
    client.force_login(owner_of(beta))
    assert client.get("/api/v1/billing/entitlements/").json()["plan"] == "free"


def test_a_feature_outside_the_plan_is_refused_with_an_upgrade_link(alpha):
    with pytest.raises(PaymentRequired) as refused:
        entitlements.ensure_feature(alpha, "nonexistent")
    assert refused.value.extra == {"feature": "nonexistent", "upgrade_url": "/billing/"}


def test_billing_page_query_count_stays_small(alpha, owner_client, django_assert_max_num_queries):
    client = owner_client(alpha)
    client.post("/billing/choose/", {"plan": "pro", "interval": "monthly"})
    client.get("/billing/")
    with django_assert_max_num_queries(20):
        assert client.get("/billing/").status_code == 200
