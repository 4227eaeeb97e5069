"""Organization subscriptions through the real stripe library, a fake Stripe and the webhook."""

import json

import pytest
from django.core import mail

from shared_apps.billing import entitlements
from shared_apps.billing.models import BillingAccount, Plan, StripeEvent
from tests.fakes.stripe_server import signed_webhook
from tests.stripe_support import WEBHOOK_URL, deliver


def _requests_to(fake, path_prefix):
    return [r for r in fake.requests if r["path"].startswith(path_prefix)]


def test_first_subscription_goes_through_checkout_with_one_customer(
    alpha, stripe_fake, owner_client
):
    client = owner_client(alpha)
    response = client.post("/billing/choose/", {"plan": "pro", "interval": "yearly"})
    assert response.status_code == 302
    session = stripe_fake.all("checkout.session")[0]
    assert response["Location"] == session["url"]
    assert session["mode"] == "subscription"
    pro = Plan.objects.get(key="pro")
    created = next(
        r for r in _requests_to(stripe_fake, "/v1/checkout/sessions") if r["method"] == "POST"
    )
    assert created["params"]["line_items"][0]["price"] == pro.stripe_price_yearly
    # A second try reuses the organization's one customer.
    client.post("/billing/choose/", {"plan": "pro", "interval": "yearly"})
    customers = stripe_fake.all("customer")
    assert len(customers) == 1
    assert customers[0]["metadata"] == {"organization_id": str(alpha.pk)}
    assert customers[0]["email"] == "owner@alpha.test"
    account = BillingAccount.objects.get(organization=alpha)
    assert account.stripe_customer_id == customers[0]["id"]
    assert "Offline mode" not in client.get("/billing/").content.decode()


def test_checkout_completed_activates_the_plan_and_lists_the_invoice(
    alpha, stripe_fake, subscribe, owner_client
):
    subscription_id = subscribe(alpha, "pro", "yearly")
    account = BillingAccount.objects.get(organization=alpha)
    assert account.stripe_subscription_id == subscription_id
    assert account.status == "active"
    assert account.plan.key == "pro" and account.interval == "yearly"
    assert account.current_period_end is not None
    alpha.refresh_from_db()
    assert alpha.plan == "pro"
    assert entitlements.limit_for(alpha, "products") == 500
    assert StripeEvent.objects.count() >= 5
    assert not StripeEvent.objects.filter(processed_at__isnull=True).exists()
    page = owner_client(alpha).get("/billing/").content.decode()
    invoice = stripe_fake.all("invoice")[0]
    assert invoice["hosted_invoice_url"] in page
    assert "Manage card, plan and cancellation" in page


def test_changing_an_existing_subscription_opens_the_customer_portal(
    alpha, stripe_fake, subscribe, owner_client
):
    subscribe(alpha)
    response = owner_client(alpha).post(
        "/billing/choose/", {"plan": "business", "interval": "monthly"}
    )
    assert response.status_code == 302
    portal = stripe_fake.all("billing_portal.session")[0]
    assert response["Location"] == portal["url"]
    assert len(stripe_fake.all("checkout.session")) == 1
    response = owner_client(alpha).post("/billing/portal/")
    assert response.status_code == 302


def test_plan_change_in_the_portal_arrives_as_subscription_updated(
    alpha, stripe_fake, subscribe, public_client
):
    subscription_id = subscribe(alpha)
    business = Plan.objects.get(key="business")
    client = stripe_fake.client(stripe_fake.required_api_key)
    subscription = client.v1.subscriptions.retrieve(subscription_id)
    client.v1.subscriptions.update(
        subscription_id,
        params={
            "items": [
                {"id": subscription["items"].data[0].id, "price": business.stripe_price_monthly}
            ]
        },
    )
    deliver(public_client, stripe_fake.events_of_type("customer.subscription.updated")[-1:])
    assert entitlements.plan_key(alpha) == "business"


def test_trial_is_granted_and_its_end_emails_the_owner(
    alpha, stripe_fake, subscribe, public_client
):
    Plan.objects.filter(key="pro").update(trial_days=14)
    subscription_id = subscribe(alpha)
    account = BillingAccount.objects.get(organization=alpha)
    assert account.status == "trialing" and account.trial_end is not None
    assert entitlements.plan_key(alpha) == "pro"
    mail.outbox.clear()
    deliver(public_client, stripe_fake.send_trial_will_end(subscription_id))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["owner@alpha.test"]
    assert "trial" in mail.outbox[0].subject
    assert mail.outbox[0].alternatives[0][1] == "text/html"


def test_a_bad_or_missing_signature_is_refused_and_changes_nothing(
    alpha, stripe_fake, public_client, owner_client
):
    owner_client(alpha).post("/billing/choose/", {"plan": "pro", "interval": "monthly"})
    events = stripe_fake.complete_checkout(stripe_fake.all("checkout.session")[0]["id"])
    body, _ = signed_webhook(events[-1], "whsec_someone_else")
    _, signature = signed_webhook(events[-1], "whsec_someone_else")
    response = public_client.post(
        WEBHOOK_URL, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )
    assert response.status_code == 400
    response = public_client.post(WEBHOOK_URL, body, content_type="application/json")
    assert response.status_code == 400
    # A body altered after signing.
    good_body, good_signature = signed_webhook(events[-1], "whsec_platform_test")
    tampered = good_body.replace(b'"complete"', b'"open"')
    response = public_client.post(
        WEBHOOK_URL, tampered, content_type="application/json", HTTP_STRIPE_SIGNATURE=good_signature
    )
    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0
    assert entitlements.plan_key(alpha) == "free"


def test_an_old_delivery_is_refused(alpha, stripe_fake, public_client):
    event = {"id": "evt_old", "object": "event", "type": "invoice.paid", "data": {"object": {}}}
    body, signature = signed_webhook(event, "whsec_platform_test", timestamp=1_000_000_000)
    response = public_client.post(
        WEBHOOK_URL, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_a_replayed_event_is_acknowledged_and_ignored(
    alpha, stripe_fake, public_client, owner_client
):
    owner_client(alpha).post("/billing/choose/", {"plan": "pro", "interval": "monthly"})
    events = stripe_fake.complete_checkout(stripe_fake.all("checkout.session")[0]["id"])
    completed = events[-1]
    assert completed["type"] == "checkout.session.completed"
    deliver(public_client, [completed])
    fetches = len(_requests_to(stripe_fake, "/v1/subscriptions/"))
    responses = deliver(public_client, [completed])
    assert responses[0].content == b"already received"
    assert StripeEvent.objects.filter(event_id=completed["id"]).count() == 1
    assert len(_requests_to(stripe_fake, "/v1/subscriptions/")) == fetches


def test_events_out_of_order_end_in_stripes_current_state(
    alpha, stripe_fake, public_client, owner_client
):
    owner_client(alpha).post("/billing/choose/", {"plan": "pro", "interval": "monthly"})
    checkout_events = stripe_fake.complete_checkout(stripe_fake.all("checkout.session")[0]["id"])
    subscription_id = stripe_fake.all("subscription")[0]["id"]
    failure_events = stripe_fake.fail_invoice_payment(subscription_id)
    # The later "past due" update arrives first, the older "created" (status active) after it.
    deliver(public_client, failure_events)
    deliver(public_client, list(reversed(checkout_events)))
    account = BillingAccount.objects.get(organization=alpha)
    assert account.status == "past_due"
    assert account.past_due_since is not None
    created = next(e for e in checkout_events if e["type"] == "customer.subscription.created")
    assert created["data"]["object"]["status"] == "active"


def test_payment_failure_turns_the_site_read_only_and_payment_restores_it(
    alpha, stripe_fake, subscribe, public_client, owner_client, settings
):
    settings.BILLING_GRACE_DAYS = 0
    subscription_id = subscribe(alpha)
    client = owner_client(alpha)
    mail.outbox.clear()

    deliver(public_client, stripe_fake.fail_invoice_payment(subscription_id))
    assert entitlements.is_read_only(alpha)
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["owner@alpha.test"] and "Payment failed" in email.subject
    assert "/billing/" in email.body and email.alternatives[0][1] == "text/html"

    home = client.get("/")
    assert "read-only until its subscription is paid" in home.content.decode()
    refused = client.post("/settings/api-tokens/", {"name": "deploy"})
    assert refused.status_code == 402
    api_refused = client.post(
        "/api/v1/tokens/", json.dumps({"name": "deploy"}), content_type="application/json"
    )
    assert api_refused.status_code == 402
    assert api_refused.json()["error"]["code"] == "read_only"
    # The billing page stays usable, to pay.
    assert client.get("/billing/").status_code == 200
    assert client.post("/billing/portal/").status_code == 302

    invoice_id = stripe_fake.get(subscription_id)["latest_invoice"]
    deliver(public_client, stripe_fake.pay_invoice(invoice_id))
    assert not entitlements.is_read_only(alpha)
    assert BillingAccount.objects.get(organization=alpha).status == "active"
    assert client.post("/settings/api-tokens/", {"name": "deploy"}).status_code in (200, 302)


def test_past_due_within_the_grace_period_stays_writable(
    alpha, stripe_fake, subscribe, public_client, settings
):
    settings.BILLING_GRACE_DAYS = 7
    subscription_id = subscribe(alpha)
    deliver(public_client, stripe_fake.fail_invoice_payment(subscription_id))
    assert BillingAccount.objects.get(organization=alpha).status == "past_due"
    assert entitlements.plan_key(alpha) == "pro"
    assert not entitlements.is_read_only(alpha)
    assert entitlements.grace_ends_at(alpha) is not None


def test_cancelled_subscription_falls_back_to_free_and_deletes_nothing(
    alpha, stripe_fake, subscribe, public_client
):
    subscription_id = subscribe(alpha, "business")
    assert entitlements.limit_for(alpha, "members") is None
    client = stripe_fake.client(stripe_fake.required_api_key)
    client.v1.subscriptions.cancel(subscription_id)
    deliver(public_client, stripe_fake.events_of_type("customer.subscription.deleted"))
    account = BillingAccount.objects.get(organization=alpha)
    assert account.status == "canceled"
    assert account.stripe_customer_id  # the customer stays, for a later subscription
    alpha.refresh_from_db()
    assert alpha.plan == "free"
    assert entitlements.limit_for(alpha, "members") == 25
    assert not entitlements.is_read_only(alpha)


def test_beta_is_untouched_by_alphas_subscription_events(
    alpha, beta, stripe_fake, subscribe, public_client, owner_client, settings
):
    settings.BILLING_GRACE_DAYS = 0
    subscription_id = subscribe(alpha)
    deliver(public_client, stripe_fake.fail_invoice_payment(subscription_id))
    assert entitlements.is_read_only(alpha)
    assert not entitlements.is_read_only(beta)
    assert entitlements.plan_key(beta) == "free"
    assert not BillingAccount.objects.filter(organization=beta).exists()
    page = owner_client(beta).get("/billing/").content.decode()
    invoice = stripe_fake.all("invoice")[0]
    assert invoice["id"] not in page and (invoice["number"] or "") not in page


@pytest.mark.parametrize("event_type", ["invoice.paid", "customer.subscription.updated"])
def test_events_for_unknown_subscriptions_are_stored_and_ignored(
    alpha, stripe_fake, public_client, event_type
):
    event = {
        "id": f"evt_unknown_{event_type}",
        "object": "event",
        "type": event_type,
        "data": {"object": {"object": "subscription", "id": "sub_missing", "customer": "cus_x"}},
    }
    deliver(public_client, [event])
    stored = StripeEvent.objects.get(event_id=event["id"])
    assert stored.processed_at is not None
    assert not BillingAccount.objects.exists()
