"""Card payments through Stripe Checkout on alpha's connected account (the fake Stripe with
the real stripe library): paid, expired and refunded sessions move orders and stock, each
webhook applied once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from store_factories import ADDRESS, checkout_data

from shared_apps.billing import payments
from tenant_apps.store import services
from tenant_apps.store.models import Order, OrderStatus, Refund, StockState, Variant
from tenants.context import tenant_context
from tests.stripe_support import deliver


def card_checkout(client, catalogue, quantity=2):
    client.post("/store/cart/add/", {"variant": catalogue.mug_variant.pk, "quantity": quantity})
    return client.post("/store/checkout/", checkout_data(catalogue, payment_method="card"))


def test_card_checkout_opens_stripe_on_the_connected_account(
    alpha, client_for, catalogue, stripe_connected
):
    response = card_checkout(client_for(alpha), catalogue)
    assert response.status_code == 302
    (session,) = stripe_connected.all("checkout.session")
    assert response["Location"] == session["url"]
    with tenant_context(alpha):
        order = Order.objects.get()
    assert order.stripe_session_id == session["id"]
    assert session["amount_total"] == 2090  # 2 x 8.00 + 4.90 shipping
    assert session["client_reference_id"] == f"store-order-{order.number}"
    assert stripe_connected.account_of(session["id"]) is not None
    with tenant_context(alpha):
        assert Variant.objects.get(pk=catalogue.mug_variant.pk).stock == 3  # reserved


def test_completed_session_marks_the_order_paid_once(
    alpha, client_for, catalogue, stripe_connected, public_client
):
    card_checkout(client_for(alpha), catalogue)
    (session,) = stripe_connected.all("checkout.session")
    events = stripe_connected.complete_checkout(session["id"])
    deliver(public_client, events)
    completed = [e for e in events if e["type"] == "checkout.session.completed"]
    deliver(public_client, completed)  # a replay changes nothing
    with tenant_context(alpha):
        order = Order.objects.get()
        assert order.status == OrderStatus.PAID and order.stock_state == StockState.SOLD
        assert order.stripe_payment_intent == stripe_connected.get(session["id"])["payment_intent"]
        assert order.events.filter(status=OrderStatus.PAID).count() == 1
        assert Variant.objects.get(pk=catalogue.mug_variant.pk).stock == 3
    assert [m.subject for m in mail.outbox if "confirmed" in m.subject] == [
        f"Order #{order.number} confirmed"
    ]


def test_expired_session_releases_the_stock_once(
    alpha, client_for, catalogue, stripe_connected, public_client
):
    card_checkout(client_for(alpha), catalogue)
    (session,) = stripe_connected.all("checkout.session")
    events = stripe_connected.expire_checkout(session["id"])
    deliver(public_client, events)
    deliver(public_client, events)
    with tenant_context(alpha):
        order = Order.objects.get()
        assert order.status == OrderStatus.CANCELLED
        assert order.stock_state == StockState.RELEASED
        assert Variant.objects.get(pk=catalogue.mug_variant.pk).stock == 5


def test_admin_refunds_partially_then_fully_through_stripe(
    alpha, client_for, catalogue, stripe_connected, public_client, as_user, shop_admin
):
    card_checkout(client_for(alpha), catalogue)
    (session,) = stripe_connected.all("checkout.session")
    deliver(public_client, stripe_connected.complete_checkout(session["id"]))
    with tenant_context(alpha):
        order = Order.objects.get()
    client = as_user(shop_admin)
    url = f"/store/manage/orders/{order.pk}/refund/"
    response = client.post(url, {"amount": "5.00", "reason": "Chipped"})
    assert response.status_code == 302
    response = client.post(url, {"amount": "100"})
    assert response.status_code == 400 and "amount" in response.context["refund_form"].errors
    # Stripe's charge.refunded events for our own refund change nothing more.
    deliver(public_client, stripe_connected.events_of_type("charge.refunded"))
    with tenant_context(alpha):
        order.refresh_from_db()
        assert order.refunded_amount == Decimal("5.00")
        assert order.status == OrderStatus.PARTIALLY_REFUNDED
    assert client.post(url, {"amount": ""}).status_code == 302  # the rest
    deliver(public_client, stripe_connected.events_of_type("charge.refunded"))
    with tenant_context(alpha):
        order.refresh_from_db()
        assert order.refunded_amount == Decimal("20.90")
        assert order.status == OrderStatus.REFUNDED
        assert Refund.objects.filter(order=order).count() == 2
    refunds = stripe_connected.all("refund")
    assert sorted(r["amount"] for r in refunds) == [500, 1590]


def test_refund_made_in_the_stripe_dashboard_is_recorded(
    alpha, client_for, catalogue, stripe_connected, public_client
):
    from tests.stripe_support import API_KEY

    card_checkout(client_for(alpha), catalogue)
    (session,) = stripe_connected.all("checkout.session")
    deliver(public_client, stripe_connected.complete_checkout(session["id"]))
    account = stripe_connected.account_of(session["id"])
    intent = stripe_connected.get(session["id"])["payment_intent"]
    stripe_connected.client(API_KEY).v1.refunds.create(
        params={"payment_intent": intent, "amount": 300}, options={"stripe_account": account}
    )
    deliver(public_client, stripe_connected.events_of_type("charge.refunded"))
    deliver(public_client, stripe_connected.events_of_type("charge.refunded"))
    with tenant_context(alpha):
        order = Order.objects.get()
        assert order.refunded_amount == Decimal("3.00")
        assert order.refunds.count() == 1


def test_stripe_refusing_the_session_cancels_the_order(
    alpha, client_for, catalogue, stripe_connected, settings
):
    # Stripe cannot be reached once the account is connected: the real library fails to connect.
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    client = client_for(alpha)
    response = card_checkout(client, catalogue)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "could not be opened" in page
    with tenant_context(alpha):
        assert Order.objects.get().status == OrderStatus.CANCELLED
        assert Variant.objects.get(pk=catalogue.mug_variant.pk).stock == 5


def test_late_payment_after_release_takes_stock_again(
    alpha, client_for, catalogue, stripe_connected, public_client
):
    card_checkout(client_for(alpha), catalogue)
    (session,) = stripe_connected.all("checkout.session")
    with tenant_context(alpha):
        order = Order.objects.get()
        services.expire_order(order_id=order.pk, reason="Swept")
        assert Variant.objects.get(pk=catalogue.mug_variant.pk).stock == 5
    deliver(public_client, stripe_connected.complete_checkout(session["id"]))
    with tenant_context(alpha):
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID and order.stock_state == StockState.SOLD
        assert Variant.objects.get(pk=catalogue.mug_variant.pk).stock == 3


def test_webhook_for_alpha_never_touches_beta(
    alpha, beta, client_for, catalogue, stripe_connected, public_client
):
    with tenant_context(beta):
        assert not Order.objects.exists()
    card_checkout(client_for(alpha), catalogue)
    (session,) = stripe_connected.all("checkout.session")
    deliver(public_client, stripe_connected.complete_checkout(session["id"]))
    with tenant_context(beta):
        assert not Order.objects.exists()


def test_order_page_waits_for_payment_confirmation(alpha, client_for, catalogue, stripe_connected):
    client = client_for(alpha)
    card_checkout(client, catalogue)
    with tenant_context(alpha):
        order = Order.objects.get()
    page = client.get(f"/store/orders/{order.access_token}/?paid=1").content.decode()
    assert "Waiting for the payment to be confirmed" in page
    assert ADDRESS["full_name"] in page


def test_back_from_stripe_without_paying_can_pay_again(
    alpha, client_for, catalogue, stripe_connected
):
    client = client_for(alpha)
    first = card_checkout(client, catalogue)["Location"]
    with tenant_context(alpha):
        order = Order.objects.get()
    page = client.get(f"/store/orders/{order.access_token}/").content.decode()
    assert "Pay now" in page and "Waiting for the payment" not in page
    again = client.post(f"/store/orders/{order.access_token}/pay/")
    assert again.status_code == 302 and again["Location"] == first
    assert len(stripe_connected.all("checkout.session")) == 1
    # A paid or cancelled order cannot be paid again.
    with tenant_context(alpha):
        services.expire_order(order_id=order.pk, reason="test")
    response = client.post(f"/store/orders/{order.access_token}/pay/")
    assert response["Location"] == f"/store/orders/{order.access_token}/"


def test_checkout_session_expiry_is_checked_and_sent_to_stripe(alpha, stripe_connected):
    def session(expires_at, reference):
        return payments.create_checkout_session(
            organization=alpha,
            line_items=[payments.LineItem(name="Mug", unit_amount=800)],
            currency="eur",
            success_url="https://alpha.example.test/done/",
            cancel_url="https://alpha.example.test/cart/",
            reference=reference,
            expires_at=expires_at,
        )

    now = timezone.now()
    for bad in (now.replace(tzinfo=None), now - timedelta(minutes=1), now + timedelta(hours=25)):
        with pytest.raises(ValidationError) as refused:
            session(bad, "bad")
        assert "expires_at" in refused.value.message_dict
    # Within the day but under Stripe's 30 minutes: Stripe's refusal names the field too.
    with pytest.raises(ValidationError) as refused:
        session(now + timedelta(minutes=10), "short")
    assert "expires_at" in refused.value.message_dict
    wanted = int((now + timedelta(hours=2)).timestamp())
    opened = session(now + timedelta(hours=2), "fine")
    assert stripe_connected.get(opened.id)["expires_at"] == wanted
    sent = [r for r in stripe_connected.requests if r["path"] == "/v1/checkout/sessions"]
    assert str(sent[-1]["params"]["expires_at"]) == str(wanted)
