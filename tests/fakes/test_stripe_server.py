"""The fake Stripe server, driven by the real `stripe` library over HTTP."""

import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
import stripe

from .stripe_server import FakeStripe, parse_form, signed_webhook

WEBHOOK_SECRET = "whsec_test_fake_secret"


@pytest.fixture
def fake():
    with FakeStripe() as server:
        yield server
    assert server.server_errors == []


@pytest.fixture
def client(fake):
    return fake.client()


@pytest.fixture
def plan(client):
    product = client.v1.products.create({"name": "Team plan", "metadata": {"plan": "team"}})
    price = client.v1.prices.create(
        {
            "product": product.id,
            "currency": "usd",
            "unit_amount": 2900,
            "recurring": {"interval": "month"},
            "lookup_key": "team_monthly",
        }
    )
    return price


@pytest.fixture
def connected_account(client, fake):
    account = client.v1.accounts.create(
        {"type": "express", "capabilities": {"card_payments": {"requested": True}}}
    )
    fake.update_account(account.id, charges_enabled=True, details_submitted=True)
    return account


def subscription_session(client, price, **extra):
    return client.v1.checkout.sessions.create(
        {
            "mode": "subscription",
            "line_items": [{"price": price.id, "quantity": 1}],
            "success_url": "https://app.example.com/billing/done?session={CHECKOUT_SESSION_ID}",
            "cancel_url": "https://app.example.com/billing",
            "client_reference_id": "org_42",
            "metadata": {"organization": "42"},
            **extra,
        }
    )


def test_form_decoding_builds_nested_lists_and_hashes():
    params = parse_form(
        "line_items[0][price]=price_1&line_items[0][quantity]=2&line_items[1][price]=price_2"
        "&metadata[0]=zero&metadata[k]=v&expand[]=a&expand[]=b&empty="
    )

    assert params == {
        "line_items": [{"price": "price_1", "quantity": "2"}, {"price": "price_2"}],
        "metadata": {"0": "zero", "k": "v"},
        "expand": ["a", "b"],
        "empty": "",
    }


def test_customer_can_be_created_retrieved_updated_and_listed(client):
    created = client.v1.customers.create(
        {"email": "ada@example.com", "name": "Ada", "metadata": {"org": "1", "tier": "x"}}
    )

    assert created.id.startswith("cus_")
    assert created.object == "customer"
    assert created.livemode is False
    assert isinstance(created.created, int)
    updated = client.v1.customers.update(
        created.id, {"name": "Ada Lovelace", "metadata": {"tier": ""}}
    )
    assert updated.name == "Ada Lovelace"
    assert updated.metadata.to_dict() == {"org": "1"}
    assert client.v1.customers.retrieve(created.id).email == "ada@example.com"
    client.v1.customers.create({"email": "bob@example.com"})
    listed = client.v1.customers.list({"email": "ada@example.com"})
    assert [c.id for c in listed.data] == [created.id]


def test_list_pages_newest_first_and_auto_paging_walks_every_page(client):
    ids = [client.v1.customers.create({"name": f"c{i}"}).id for i in range(5)]

    first_page = client.v1.customers.list({"limit": 2})

    assert [c.id for c in first_page.data] == ids[::-1][:2]
    assert first_page.has_more is True
    assert [c.id for c in first_page.auto_paging_iter()] == ids[::-1]


def test_module_level_configuration_reaches_the_fake(fake):
    with fake.patch_stripe_module():
        assert stripe.api_base == fake.api_base
        customer = stripe.Customer.create(email="global@example.com")
        assert stripe.Customer.retrieve(customer.id).email == "global@example.com"
    assert stripe.api_base == "https://api.stripe.com"


def test_price_lookup_key_is_unique_unless_transferred(client, plan):
    with pytest.raises(stripe.InvalidRequestError, match="already uses that lookup key"):
        client.v1.prices.create(
            {
                "product": plan.product,
                "currency": "usd",
                "unit_amount": 1,
                "lookup_key": "team_monthly",
            }
        )

    moved = client.v1.prices.create(
        {
            "product": plan.product,
            "currency": "usd",
            "unit_amount": 3900,
            "recurring": {"interval": "month"},
            "lookup_key": "team_monthly",
            "transfer_lookup_key": True,
        }
    )
    found = client.v1.prices.list({"lookup_keys": ["team_monthly"], "expand": ["data.product"]})
    assert [p.id for p in found.data] == [moved.id]
    assert found.data[0].product.name == "Team plan"


def test_subscription_checkout_completes_into_an_active_subscription_with_a_paid_invoice(
    client, fake, plan
):
    session = subscription_session(client, plan)
    assert session.id.startswith("cs_test_")
    assert session.status == "open"
    assert session.url.startswith("https://checkout.stripe.com/")
    assert session.amount_total == 2900

    events = fake.complete_checkout(session.id, email="owner@example.com")

    types = [e["type"] for e in events]
    assert "customer.created" in types
    assert "customer.subscription.created" in types
    assert "invoice.paid" in types
    assert types[-1] == "checkout.session.completed"
    completed = events[-1]["data"]["object"]
    assert completed["client_reference_id"] == "org_42"
    assert completed["metadata"] == {"organization": "42"}
    assert completed["payment_status"] == "paid"
    session = client.v1.checkout.sessions.retrieve(
        session.id, {"expand": ["subscription", "line_items"]}
    )
    assert session.status == "complete"
    assert session.line_items.data[0].price.id == plan.id
    subscription = session.subscription
    assert subscription.id.startswith("sub_")
    assert subscription.status == "active"
    assert subscription.customer == session.customer
    assert subscription.cancel_at_period_end is False
    item = subscription["items"].data[0]
    assert item.price.id == plan.id
    assert item.current_period_end > time.time() + 27 * 86400
    assert client.v1.customers.retrieve(session.customer).email == "owner@example.com"


def test_invoices_are_listed_by_customer_and_by_subscription(client, fake, plan):
    session = subscription_session(client, plan)
    fake.complete_checkout(session.id)
    session = client.v1.checkout.sessions.retrieve(session.id)

    by_subscription = client.v1.invoices.list({"subscription": session.subscription})
    by_customer = client.v1.invoices.list({"customer": session.customer})

    assert [i.id for i in by_subscription.data] == [i.id for i in by_customer.data]
    [invoice] = by_subscription.data
    assert invoice.id.startswith("in_")
    assert invoice.status == "paid"
    assert invoice.amount_paid == 2900
    assert invoice.billing_reason == "subscription_create"
    assert invoice.parent.subscription_details.subscription == session.subscription
    retrieved = client.v1.invoices.retrieve(invoice.id, {"expand": ["payments"]})
    intent_id = retrieved.payments.data[0].payment.payment_intent
    assert client.v1.payment_intents.retrieve(intent_id).status == "succeeded"


def test_trial_checkout_needs_no_payment_and_warns_before_the_trial_ends(client, fake, plan):
    session = subscription_session(client, plan, subscription_data={"trial_period_days": 14})

    events = fake.complete_checkout(session.id)

    assert events[-1]["data"]["object"]["payment_status"] == "no_payment_required"
    subscription_id = events[-1]["data"]["object"]["subscription"]
    subscription = client.v1.subscriptions.retrieve(subscription_id)
    assert subscription.status == "trialing"
    assert subscription.trial_end == subscription["items"].data[0].current_period_end
    [warning] = fake.send_trial_will_end(subscription_id)
    assert warning["type"] == "customer.subscription.trial_will_end"


def test_failed_renewal_makes_the_subscription_past_due_until_the_invoice_is_paid(
    client, fake, plan
):
    session = subscription_session(client, plan)
    fake.complete_checkout(session.id)
    subscription_id = client.v1.checkout.sessions.retrieve(session.id).subscription

    failed = fake.fail_invoice_payment(subscription_id)

    failure = next(e for e in failed if e["type"] == "invoice.payment_failed")
    invoice = failure["data"]["object"]
    assert invoice["status"] == "open"
    assert invoice["attempt_count"] == 1
    updated = next(e for e in failed if e["type"] == "customer.subscription.updated")
    assert updated["data"]["previous_attributes"]["status"] == "active"
    assert client.v1.subscriptions.retrieve(subscription_id).status == "past_due"
    paid = fake.pay_invoice(invoice["id"])
    assert {e["type"] for e in paid} >= {"invoice.paid", "customer.subscription.updated"}
    assert client.v1.subscriptions.retrieve(subscription_id).status == "active"
    assert len(client.v1.invoices.list({"subscription": subscription_id}).data) == 2


def test_cancel_at_period_end_then_renewal_deletes_the_subscription(client, fake, plan):
    session = subscription_session(client, plan)
    fake.complete_checkout(session.id)
    subscription_id = client.v1.checkout.sessions.retrieve(session.id).subscription

    updated = client.v1.subscriptions.update(subscription_id, {"cancel_at_period_end": True})

    assert updated.cancel_at_period_end is True
    assert updated.cancel_at == updated["items"].data[0].current_period_end
    assert fake.events[-1]["type"] == "customer.subscription.updated"
    [deleted] = fake.renew_subscription(subscription_id)
    assert deleted["type"] == "customer.subscription.deleted"
    assert client.v1.subscriptions.retrieve(subscription_id).status == "canceled"
    assert client.v1.subscriptions.list({"customer": updated.customer}).data == []


def test_subscription_can_change_plan_and_be_canceled_now(client, fake, plan):
    bigger = client.v1.prices.create(
        {
            "product": plan.product,
            "currency": "usd",
            "unit_amount": 9900,
            "recurring": {"interval": "month"},
        }
    )
    session = subscription_session(client, plan)
    fake.complete_checkout(session.id)
    subscription = client.v1.subscriptions.retrieve(
        client.v1.checkout.sessions.retrieve(session.id).subscription
    )

    changed = client.v1.subscriptions.update(
        subscription.id,
        {
            "items": [{"id": subscription["items"].data[0].id, "price": bigger.id}],
            "proration_behavior": "none",
        },
    )
    canceled = client.v1.subscriptions.cancel(subscription.id)

    assert changed["items"].data[0].price.id == bigger.id
    assert canceled.status == "canceled"
    assert fake.events[-1]["type"] == "customer.subscription.deleted"


def test_payment_checkout_completes_into_a_succeeded_payment_intent(client, fake):
    session = client.v1.checkout.sessions.create(
        {
            "mode": "payment",
            "line_items": [
                {
                    "price_data": {
                        "currency": "eur",
                        "unit_amount": 1250,
                        "product_data": {"name": "Cookbook"},
                    },
                    "quantity": 2,
                }
            ],
            "success_url": "https://shop.example.com/ok",
        }
    )
    assert session.payment_intent is None
    assert session.amount_total == 2500

    events = fake.complete_checkout(session.id)

    assert [e["type"] for e in events] == [
        "payment_intent.succeeded",
        "charge.succeeded",
        "checkout.session.completed",
    ]
    intent = client.v1.payment_intents.retrieve(events[-1]["data"]["object"]["payment_intent"])
    assert intent.id.startswith("pi_")
    assert intent.status == "succeeded"
    assert intent.amount_received == 2500
    assert intent.currency == "eur"


def test_checkout_session_expires_through_the_api_and_the_control(client, fake, plan):
    first = subscription_session(client, plan)
    second = subscription_session(client, plan)

    expired = client.v1.checkout.sessions.expire(first.id)
    [event] = fake.expire_checkout(second.id)

    assert expired.status == "expired"
    assert event["type"] == "checkout.session.expired"
    with pytest.raises(stripe.InvalidRequestError, match="can be expired"):
        client.v1.checkout.sessions.expire(first.id)
    listed = client.v1.checkout.sessions.list({"status": "expired"})
    assert {s.id for s in listed.data} == {first.id, second.id}


def test_checkout_session_refuses_an_expiry_beyond_24_hours(client, plan):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        subscription_session(client, plan, expires_at=int(time.time()) + 25 * 3600)

    assert caught.value.param == "expires_at"


def test_billing_portal_session_is_created_for_a_customer(client):
    customer = client.v1.customers.create({"email": "ada@example.com"})

    portal = client.v1.billing_portal.sessions.create(
        {"customer": customer.id, "return_url": "https://app.example.com/billing"}
    )

    assert portal.id.startswith("bps_")
    assert portal.object == "billing_portal.session"
    assert portal.customer == customer.id
    assert portal.url.startswith("https://billing.stripe.com/")


def test_connected_account_onboards_through_an_account_link(client, fake):
    account = client.v1.accounts.create(
        {
            "type": "express",
            "country": "US",
            "email": "shop@example.com",
            "capabilities": {
                "card_payments": {"requested": True},
                "transfers": {"requested": True},
            },
            "metadata": {"organization": "7"},
        }
    )
    assert account.id.startswith("acct_")
    assert account.charges_enabled is False
    assert account.requirements.currently_due

    link = client.v1.account_links.create(
        {
            "account": account.id,
            "refresh_url": "https://app.example.com/connect/refresh",
            "return_url": "https://app.example.com/connect/done",
            "type": "account_onboarding",
        }
    )
    [event] = fake.update_account(account.id, charges_enabled=True, details_submitted=True)

    assert link.object == "account_link"
    assert link.url.startswith("https://connect.stripe.com/")
    assert link.expires_at > link.created
    assert event["type"] == "account.updated"
    assert event["account"] == account.id
    assert event["data"]["previous_attributes"]["charges_enabled"] is False
    refreshed = client.v1.accounts.retrieve(account.id)
    assert refreshed.charges_enabled is True
    assert refreshed.requirements.currently_due == []
    assert client.v1.accounts.update(
        account.id, {"metadata": {"plan": "pro"}}
    ).metadata.to_dict() == {
        "organization": "7",
        "plan": "pro",
    }


def test_direct_charge_on_a_connected_account_carries_the_application_fee(
    client, fake, connected_account
):
    on_account = {"stripe_account": connected_account.id}
    session = client.v1.checkout.sessions.create(
        {
            "mode": "payment",
            "line_items": [
                {
                    "price_data": {
                        "currency": "usd",
                        "unit_amount": 5000,
                        "product_data": {"name": "Ticket"},
                    },
                    "quantity": 1,
                }
            ],
            "payment_intent_data": {"application_fee_amount": 250, "metadata": {"order": "9"}},
            "success_url": "https://shop.example.com/ok",
        },
        on_account,
    )

    events = fake.complete_checkout(session.id)

    assert all(e["account"] == connected_account.id for e in events)
    intent_id = events[-1]["data"]["object"]["payment_intent"]
    intent = client.v1.payment_intents.retrieve(intent_id, options=on_account)
    assert intent.application_fee_amount == 250
    assert intent.metadata.to_dict() == {"order": "9"}
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.payment_intents.retrieve(intent_id)
    assert caught.value.code == "resource_missing"


def test_application_fee_needs_a_connected_account_or_a_destination(client):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.checkout.sessions.create(
            {
                "mode": "payment",
                "line_items": [
                    {
                        "price_data": {
                            "currency": "usd",
                            "unit_amount": 500,
                            "product_data": {"name": "X"},
                        },
                        "quantity": 1,
                    }
                ],
                "payment_intent_data": {"application_fee_amount": 50},
            }
        )

    assert caught.value.param == "payment_intent_data[application_fee_amount]"


def test_objects_of_a_connected_account_are_invisible_to_the_platform_and_other_accounts(
    client, connected_account
):
    other = client.v1.accounts.create({"type": "standard"})
    customer = client.v1.customers.create(
        {"email": "a@example.com"}, {"stripe_account": connected_account.id}
    )

    with pytest.raises(stripe.InvalidRequestError):
        client.v1.customers.retrieve(customer.id)
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.customers.retrieve(customer.id, options={"stripe_account": other.id})
    assert client.v1.customers.list().data == []


def test_unknown_connected_account_is_refused(client):
    with pytest.raises(stripe.PermissionError):
        client.v1.customers.list(options={"stripe_account": "acct_doesnotexist"})


def paid_payment_intent(client, fake, amount, options=None):
    session = client.v1.checkout.sessions.create(
        {
            "mode": "payment",
            "line_items": [
                {
                    "price_data": {
                        "currency": "usd",
                        "unit_amount": amount,
                        "product_data": {"name": "Item"},
                    },
                    "quantity": 1,
                }
            ],
        },
        options,
    )
    fake.complete_checkout(session.id)
    return client.v1.checkout.sessions.retrieve(session.id, options=options).payment_intent


def test_partial_refunds_add_up_and_a_refund_beyond_the_rest_is_refused(client, fake):
    intent_id = paid_payment_intent(client, fake, 3000)

    first = client.v1.refunds.create({"payment_intent": intent_id, "amount": 1000})
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.refunds.create({"payment_intent": intent_id, "amount": 2500})
    second = client.v1.refunds.create({"payment_intent": intent_id})

    assert first.id.startswith("re_")
    assert first.status == "succeeded"
    assert caught.value.param == "amount"
    assert "greater than unrefunded amount" in caught.value.user_message
    assert second.amount == 2000
    listed = client.v1.refunds.list({"payment_intent": intent_id})
    assert sorted(r.amount for r in listed.data) == [1000, 2000]
    charge = fake.events_of_type("charge.refunded")[-1]["data"]["object"]
    assert charge["refunded"] is True
    assert charge["amount_refunded"] == 3000
    assert len(fake.events_of_type("refund.created")) == 2


def test_full_refund_on_a_connected_account_emits_account_scoped_events(
    client, fake, connected_account
):
    on_account = {"stripe_account": connected_account.id}
    intent_id = paid_payment_intent(client, fake, 1500, on_account)

    refund = client.v1.refunds.create({"payment_intent": intent_id}, on_account)

    assert refund.amount == 1500
    refunded = fake.events_of_type("charge.refunded")[-1]
    assert refunded["account"] == connected_account.id
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.refunds.create({"payment_intent": intent_id}, on_account)
    assert caught.value.code == "charge_already_refunded"


def test_unknown_id_raises_invalid_request_error_with_resource_missing(client):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.subscriptions.retrieve("sub_doesnotexist")

    assert caught.value.http_status == 404
    assert caught.value.code == "resource_missing"
    assert caught.value.param == "id"
    assert "No such subscription: 'sub_doesnotexist'" in caught.value.user_message


def test_missing_required_param_names_the_param(client):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.checkout.sessions.create({"line_items": [{"price": "price_x", "quantity": 1}]})

    assert caught.value.http_status == 400
    assert caught.value.code == "parameter_missing"
    assert caught.value.param == "mode"


def test_unknown_param_is_refused_like_stripe_does(client):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.customers.create({"emial": "typo@example.com"})

    assert caught.value.param == "emial"


def test_request_without_test_key_is_unauthorized(fake):
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{fake.api_base}/v1/customers", timeout=5)
    assert caught.value.code == 401
    assert "API key" in json.loads(caught.value.read())["error"]["message"]

    with pytest.raises(stripe.AuthenticationError):
        fake.client(api_key="sk_live_real_key").v1.customers.list()


def test_same_idempotency_key_replays_the_first_response(client, fake):
    options = {"idempotency_key": "signup-42"}

    first = client.v1.customers.create({"email": "once@example.com"}, options)
    second = client.v1.customers.create({"email": "once@example.com"}, options)

    assert first.id == second.id
    assert len(fake.all("customer")) == 1
    with pytest.raises(stripe.IdempotencyError):
        client.v1.customers.create({"email": "other@example.com"}, options)


def test_signed_webhook_verifies_with_the_library(fake, client, plan):
    session = subscription_session(client, plan)
    event = fake.complete_checkout(session.id)[-1]

    body, header = signed_webhook(event, WEBHOOK_SECRET)
    verified = stripe.Webhook.construct_event(body, header, WEBHOOK_SECRET)

    assert verified.type == "checkout.session.completed"
    assert verified.data.object.id == session.id
    assert json.loads(body) == event


def test_tampered_or_wrongly_signed_webhook_is_rejected(fake):
    event = fake.update_account(
        fake.client().v1.accounts.create({"type": "standard"}).id, details_submitted=True
    )[0]
    body, header = signed_webhook(event, WEBHOOK_SECRET)

    tampered = body.replace(b'"account.updated"', b'"account.application.deauthorized"')
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(tampered, header, WEBHOOK_SECRET)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body, header, "whsec_someone_else")
    stale_body, stale_header = signed_webhook(
        event, WEBHOOK_SECRET, timestamp=int(time.time()) - 3600
    )
    with pytest.raises(stripe.SignatureVerificationError, match="tolerance"):
        stripe.Webhook.construct_event(stale_body, stale_header, WEBHOOK_SECRET)


def test_events_can_be_fetched_back_from_the_api(client, fake, connected_account):
    [event] = fake.update_account(connected_account.id, payouts_enabled=True)

    fetched = client.v1.events.retrieve(
        event["id"], options={"stripe_account": connected_account.id}
    )

    assert fetched.type == "account.updated"
    assert fetched.account == connected_account.id


def test_checkout_refuses_a_customer_from_another_account(client, connected_account):
    platform_customer = client.v1.customers.create({"email": "p@example.com"})
    price = client.v1.prices.create(
        {"currency": "usd", "unit_amount": 100, "product_data": {"name": "Thing"}},
        {"stripe_account": connected_account.id},
    )

    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.checkout.sessions.create(
            {
                "mode": "payment",
                "customer": platform_customer.id,
                "line_items": [{"price": price.id, "quantity": 1}],
            },
            {"stripe_account": connected_account.id},
        )

    assert caught.value.http_status == 400
    assert caught.value.param == "customer"


def test_concurrent_requests_each_get_their_own_object(fake):
    def create(i):
        return fake.client().v1.customers.create({"name": f"n{i}"}).id

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(create, range(24)))

    assert len(set(ids)) == 24
    assert len(fake.all("customer")) == 24
