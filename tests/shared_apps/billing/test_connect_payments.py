"""Stripe Connect: onboarding, direct charges with the platform fee, refunds, and connected-
account events handled in the owning tenant's schema only."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from shared_apps.billing import payments
from shared_apps.billing.models import BillingAccount, StripeEvent
from tenant_apps.members.models import Role
from tests.stripe_support import connect_account, deliver


@pytest.fixture
def admin_client(client_for, member_of):
    def make(organization):
        client = client_for(organization)
        client.force_login(
            member_of(organization, email=f"admin@{organization.schema_name}.test", role=Role.ADMIN)
        )
        return client

    return make


@pytest.fixture
def connect(stripe_fake, admin_client, public_client):
    """connect(org) -> the org's connected account id, onboarded and able to take payments."""

    def run(organization, *, charges_enabled=True):
        return connect_account(
            stripe_fake,
            organization,
            admin_client=admin_client(organization),
            public_client=public_client,
            charges_enabled=charges_enabled,
        )

    return run


@pytest.fixture
def recorded_handler():
    """A handler for connected checkout completions that records where it ran."""
    calls = []

    def handler(event):
        calls.append((connection.schema_name, event["data"]["object"]["id"]))

    for event_type in ("checkout.session.completed", "charge.refunded"):
        payments.on_connected_event(event_type)(handler)
    yield calls
    for event_type in ("checkout.session.completed", "charge.refunded"):
        payments._handlers[event_type].remove(handler)


def _session(organization, **overrides):
    params = {
        "organization": organization,
        "line_items": [payments.LineItem(name="Ticket", unit_amount=2500, quantity=2)],
        "currency": "eur",
        "success_url": "https://alpha.example.test/store/done/",
        "cancel_url": "https://alpha.example.test/store/cart/",
        "metadata": {"order_id": "42"},
    }
    params.update(overrides)
    return payments.create_checkout_session(**params)


def test_admin_connects_a_stripe_account_through_an_account_link(
    alpha, stripe_fake, admin_client, public_client
):
    client = admin_client(alpha)
    page = client.get("/billing/payments/").content.decode()
    assert "No Stripe account connected" in page
    response = client.post("/billing/payments/connect/")
    assert response.status_code == 302
    assert response["Location"].startswith("https://connect.stripe.com/setup/")
    account = BillingAccount.objects.get(organization=alpha)
    assert stripe_fake.get(account.connect_account_id)["metadata"] == {
        "organization_id": str(alpha.pk)
    }
    assert not payments.payments_enabled(alpha)
    assert "not ready to take payments" in payments.not_set_up_reason(alpha)

    deliver(
        public_client,
        stripe_fake.update_account(
            account.connect_account_id, charges_enabled=True, details_submitted=True
        ),
    )
    account.refresh_from_db()
    assert account.connect_charges_enabled and account.connect_details_submitted
    assert payments.payments_enabled(alpha)
    assert "can take card payments" in client.get("/billing/payments/").content.decode()
    # Resuming onboarding reuses the same account.
    client.post("/billing/payments/connect/")
    assert len(stripe_fake.all("account")) == 1


def test_without_a_connected_account_payments_say_why(alpha, stripe_fake):
    assert not payments.payments_enabled(alpha)
    assert "not connected a Stripe account" in payments.not_set_up_reason(alpha)
    with pytest.raises(payments.PaymentsNotSetUp) as refused:
        _session(alpha)
    assert refused.value.code == "payments_not_set_up"
    assert not stripe_fake.all("checkout.session")


def test_offline_platform_has_no_card_payments(alpha, settings):
    settings.STRIPE_SECRET_KEY = ""
    assert "not available on this platform" in payments.not_set_up_reason(alpha)
    with pytest.raises(payments.PaymentsNotSetUp):
        _session(alpha)


def test_checkout_is_a_direct_charge_with_the_plans_fee(alpha, stripe_fake, connect):
    account_id = connect(alpha)
    session = _session(alpha, reference="order-42")
    assert stripe_fake.account_of(session.id) == account_id
    assert session.amount_total == 5000
    assert session.application_fee_amount == 250  # Free plan: 5 % platform fee
    request = [r for r in stripe_fake.requests if r["path"] == "/v1/checkout/sessions"][-1]
    assert request["account"] == account_id
    assert request["params"]["payment_intent_data"]["application_fee_amount"] == "250"
    # The same reference does not make a second session.
    again = _session(alpha, reference="order-42")
    assert again.id == session.id
    assert len(stripe_fake.all("checkout.session")) == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"line_items": []}, "line_items"),
        ({"line_items": [payments.LineItem(name="Free", unit_amount=0)]}, "line_items"),
        ({"line_items": [payments.LineItem(name="X", unit_amount=100, quantity=0)]}, "line_items"),
        ({"currency": "euro"}, "currency"),
    ],
)
def test_bad_checkout_input_names_the_field(alpha, stripe_fake, connect, overrides, field):
    connect(alpha)
    with pytest.raises(ValidationError) as error:
        _session(alpha, **overrides)
    assert field in error.value.message_dict


def test_connected_event_runs_in_the_owning_tenant_and_no_other(
    alpha, beta, stripe_fake, connect, public_client, recorded_handler
):
    connect(alpha)
    connect(beta)
    session = _session(alpha)
    events = stripe_fake.complete_checkout(session.id)
    deliver(public_client, events)
    assert recorded_handler == [("alpha", session.id)]
    stored = StripeEvent.objects.get(type="checkout.session.completed")
    assert stored.account == BillingAccount.objects.get(organization=alpha).connect_account_id
    assert connection.schema_name == "public"


def test_refunds_full_and_partial_reach_the_handler(
    alpha, stripe_fake, connect, public_client, recorded_handler
):
    connect(alpha)
    session = _session(alpha)
    deliver(public_client, stripe_fake.complete_checkout(session.id))
    intent_id = stripe_fake.get(session.id)["payment_intent"]

    partial = payments.refund(organization=alpha, payment_intent_id=intent_id, amount=1000)
    assert partial.amount == 1000 and partial.status == "succeeded"
    with pytest.raises(ValidationError) as error:
        payments.refund(organization=alpha, payment_intent_id=intent_id, amount=999_999)
    assert "amount" in error.value.message_dict
    with pytest.raises(ValidationError):
        payments.refund(organization=alpha, payment_intent_id=intent_id, amount=-5)
    rest = payments.refund(organization=alpha, payment_intent_id=intent_id)
    assert rest.amount == 4000
    deliver(public_client, stripe_fake.events_of_type("charge.refunded"))
    assert [schema for schema, _ in recorded_handler] == ["alpha", "alpha", "alpha"]


def test_beta_cannot_refund_alphas_payment(alpha, beta, stripe_fake, connect, public_client):
    connect(alpha)
    connect(beta)
    session = _session(alpha)
    deliver(public_client, stripe_fake.complete_checkout(session.id))
    intent_id = stripe_fake.get(session.id)["payment_intent"]
    with pytest.raises((ValidationError, payments.PaymentFailed)):
        payments.refund(organization=beta, payment_intent_id=intent_id)
    assert not stripe_fake.all("refund")


def test_unknown_handler_event_type_is_refused():
    with pytest.raises(ValueError):
        payments.on_connected_event("invoice.paid")


def test_a_failing_handler_is_recorded_and_the_event_stays_unprocessed(
    alpha, stripe_fake, connect, public_client
):
    connect(alpha)

    def broken(event):
        raise RuntimeError("store is down")

    payments.on_connected_event("checkout.session.completed")(broken)
    try:
        session = _session(alpha)
        deliver(public_client, stripe_fake.complete_checkout(session.id))
    finally:
        payments._handlers["checkout.session.completed"].remove(broken)
    stored = StripeEvent.objects.get(type="checkout.session.completed")
    assert stored.processed_at is None
    assert "store is down" in stored.error
