"""Paid tickets through Stripe Checkout on the tenant's connected account (the real stripe
library against tests/fakes/stripe_server.py), seat holds and their release, pay at the door,
and refunds when the organizer cancels."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone
from events_factories import EventFactory, TicketTypeFactory

from tenant_apps.events import services
from tenant_apps.events.models import EventSettings, Order, Ticket
from tenant_apps.members.models import Role
from tenants.context import tenant_context
from tests.stripe_support import connect_account, deliver, fake_stripe


@pytest.fixture
def stripe_fake(settings):
    with fake_stripe(settings) as fake:
        yield fake


@pytest.fixture
def connect(stripe_fake, client_for, member_of, public_client):
    """connect(org) -> the org's connected account id, able to take payments."""

    def run(organization):
        admin = client_for(organization)
        admin.force_login(
            member_of(organization, email=f"payer@{organization.schema_name}.test", role=Role.ADMIN)
        )
        return connect_account(
            stripe_fake, organization, admin_client=admin, public_client=public_client
        )

    return run


@pytest.fixture
def paid_event(alpha):
    with tenant_context(alpha):
        event = EventFactory(title="Workshop", capacity=10)
        ticket_type = TicketTypeFactory(
            event=event, name="Seat", price=Decimal("25.50"), quantity=10
        )
    return event, ticket_type


def _buy(alpha, event, ticket_type, quantity=2, **extra):
    with tenant_context(alpha), TestCase.captureOnCommitCallbacks(execute=True):
        return services.place_order(
            organization=alpha,
            event=event,
            items={ticket_type.pk: quantity},
            email="payer@example.com",
            name="Pat Payer",
            **extra,
        )


def test_paid_registration_holds_seats_and_opens_stripe_checkout_on_the_connected_account(
    alpha, stripe_fake, connect, paid_event
):
    account_id = connect(alpha)
    event, ticket_type = paid_event
    placed = _buy(alpha, event, ticket_type)
    assert placed.checkout_url.startswith("https://checkout.stripe.com/")
    session = stripe_fake.all("checkout.session")[0]
    assert stripe_fake.account_of(session["id"]) == account_id
    assert session["amount_total"] == 5100  # 2 x 25.50 EUR in cents, exact
    assert session["currency"] == "eur"
    assert session["metadata"]["events_order_id"] == str(placed.order.pk)
    with tenant_context(alpha):
        order = Order.objects.get()
        assert order.status == "pending" and order.stripe_session_id == session["id"]
        event.refresh_from_db()
        ticket_type.refresh_from_db()
        assert (event.held, event.sold, ticket_type.held) == (2, 0, 2)
        assert not Ticket.objects.exists()


def test_the_paid_webhook_confirms_the_order_once_and_emails_the_tickets(
    alpha, stripe_fake, connect, paid_event, public_client
):
    connect(alpha)
    event, ticket_type = paid_event
    placed = _buy(alpha, event, ticket_type)
    events = stripe_fake.complete_checkout(placed.order.stripe_session_id)
    deliver(public_client, events)
    deliver(public_client, [e for e in events if e["type"] == "checkout.session.completed"])
    with tenant_context(alpha):
        order = Order.objects.get()
        assert order.status == "confirmed" and order.paid_at is not None
        assert order.stripe_payment_intent.startswith("pi_")
        assert order.tickets.count() == 2
        event.refresh_from_db()
        assert (event.held, event.sold) == (0, 2)
    confirmations = [m for m in mail.outbox if "Your tickets" in m.subject]
    assert len(confirmations) == 1
    assert len(confirmations[0].attachments) == 2


def test_a_lapsed_hold_is_released_by_its_task_and_the_seats_go_back_on_sale(
    alpha, stripe_fake, connect, paid_event
):
    connect(alpha)
    event, ticket_type = paid_event
    placed = _buy(alpha, event, ticket_type, quantity=3)
    from tenant_apps.events.tasks import release_hold, release_lapsed_holds

    with tenant_context(alpha):
        assert release_hold.apply(args=[placed.order.pk]).get() is False  # not lapsed yet
        Order.objects.update(hold_expires_at=timezone.now() - timedelta(seconds=1))
        with TestCase.captureOnCommitCallbacks(execute=True):
            assert release_lapsed_holds.apply().get() == 1
        assert release_hold.apply(args=[placed.order.pk]).get() is False  # idempotent
        event.refresh_from_db()
        ticket_type.refresh_from_db()
        assert (event.held, ticket_type.held, event.sold) == (0, 0, 0)
        assert Order.objects.get().status == "expired"


def test_payment_after_the_hold_lapsed_takes_the_seats_again_when_free(
    alpha, stripe_fake, connect, paid_event, public_client
):
    connect(alpha)
    event, ticket_type = paid_event
    placed = _buy(alpha, event, ticket_type)
    with tenant_context(alpha):
        Order.objects.update(hold_expires_at=timezone.now() - timedelta(seconds=1))
        services.expire_order(order_id=placed.order.pk)
    deliver(public_client, stripe_fake.complete_checkout(placed.order.stripe_session_id))
    with tenant_context(alpha):
        order = Order.objects.get()
        assert order.status == "confirmed" and order.tickets.count() == 2
        event.refresh_from_db()
        assert (event.sold, event.held) == (2, 0)


def test_payment_after_the_seats_were_given_away_is_refunded(
    alpha, stripe_fake, connect, public_client
):
    connect(alpha)
    with tenant_context(alpha):
        event = EventFactory(capacity=2)
        paid = TicketTypeFactory(event=event, price=Decimal("10.00"), quantity=2)
        free = TicketTypeFactory(event=event, price=Decimal("0"), quantity=2)
    placed = _buy(alpha, event, paid, quantity=2)
    with tenant_context(alpha):
        Order.objects.update(hold_expires_at=timezone.now() - timedelta(seconds=1))
        services.expire_order(order_id=placed.order.pk)
    _buy(alpha, event, free, quantity=2)  # someone else takes both seats
    deliver(public_client, stripe_fake.complete_checkout(placed.order.stripe_session_id))
    with tenant_context(alpha):
        late = Order.objects.get(pk=placed.order.pk)
        assert late.status == "cancelled" and late.refunded_amount == Decimal("20.00")
        event.refresh_from_db()
        assert event.sold == 2  # never oversold
    assert len(stripe_fake.all("refund")) == 1
    assert any("refunded" in m.subject for m in mail.outbox)


def test_an_expired_checkout_session_releases_the_hold(
    alpha, stripe_fake, connect, paid_event, public_client
):
    connect(alpha)
    event, ticket_type = paid_event
    placed = _buy(alpha, event, ticket_type)
    deliver(public_client, stripe_fake.expire_checkout(placed.order.stripe_session_id))
    with tenant_context(alpha):
        assert Order.objects.get().status == "expired"
        event.refresh_from_db()
        assert event.held == 0


def test_another_apps_checkout_is_ignored(alpha, stripe_fake, connect, public_client, paid_event):
    from shared_apps.billing import payments

    connect(alpha)
    session = payments.create_checkout_session(
        organization=alpha,
        line_items=[payments.LineItem(name="Mug", unit_amount=900)],
        currency="eur",
        success_url="https://x.test/",
        cancel_url="https://x.test/",
        metadata={"order_id": "1"},
    )
    deliver(public_client, stripe_fake.complete_checkout(session.id))
    with tenant_context(alpha):
        assert not Order.objects.exists()


def test_without_a_connected_account_paid_registration_says_why(
    alpha, stripe_fake, paid_event, client_for
):
    event, ticket_type = paid_event
    client = client_for(alpha)
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert "not connected a Stripe account" in page
    response = client.post(
        f"/events/{event.pk}/register/",
        {"name": "Pat", "email": "pat@example.com", f"qty_{ticket_type.pk}": 1},
    )
    assert response.status_code == 400
    assert "not connected a Stripe account" in response.content.decode()
    with tenant_context(alpha):
        assert not Order.objects.exists()
        event.refresh_from_db()
        assert event.held == 0


def test_pay_at_the_door_when_allowed_confirms_and_the_organizer_marks_it_paid(
    alpha, paid_event, client_for, member_of
):
    event, ticket_type = paid_event
    with tenant_context(alpha):
        EventSettings.objects.update_or_create(pk=1, defaults={"allow_offline_payment": True})
    client = client_for(alpha)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            f"/events/{event.pk}/register/",
            {
                "name": "Pat",
                "email": "pat@example.com",
                f"qty_{ticket_type.pk}": 1,
                "pay_offline": "on",
            },
        )
    assert response.status_code == 302
    with tenant_context(alpha):
        order = Order.objects.get()
        assert (order.status, order.payment_method, order.paid_at) == ("confirmed", "offline", None)
    assert "pay 25.50 EUR at the door" in mail.outbox[0].body
    admin = client_for(alpha)
    admin.force_login(member_of(alpha, email="boss@example.com", role=Role.ADMIN))
    assert admin.post(f"/events/{event.pk}/orders/{order.pk}/paid/").status_code == 302
    with tenant_context(alpha):
        assert Order.objects.get().paid_at is not None


def test_cancelling_one_paid_attendee_refunds_that_ticket_and_emails_them(
    alpha, stripe_fake, connect, paid_event, public_client, client_for, member_of
):
    connect(alpha)
    event, ticket_type = paid_event
    placed = _buy(alpha, event, ticket_type)
    deliver(public_client, stripe_fake.complete_checkout(placed.order.stripe_session_id))
    with tenant_context(alpha):
        ticket = Ticket.objects.first()
    admin = client_for(alpha)
    admin.force_login(member_of(alpha, email="boss@example.com", role=Role.ADMIN))
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = admin.post(f"/events/{event.pk}/tickets/{ticket.pk}/cancel/")
    assert response.status_code == 302
    refunds = stripe_fake.all("refund")
    assert len(refunds) == 1 and refunds[0]["amount"] == 2550
    with tenant_context(alpha):
        ticket.refresh_from_db()
        assert ticket.status == "cancelled" and ticket.refunded
        order = Order.objects.get()
        assert order.refunded_amount == Decimal("25.50") and order.status == "confirmed"
        event.refresh_from_db()
        assert event.sold == 1
    assert any("was cancelled" in m.subject and "25.50" in m.body for m in mail.outbox)
    # Cancelling again refunds nothing more.
    admin.post(f"/events/{event.pk}/tickets/{ticket.pk}/cancel/")
    assert len(stripe_fake.all("refund")) == 1


def test_cancelling_the_whole_event_refunds_every_order_and_emails_everyone(
    alpha, stripe_fake, connect, paid_event, public_client, client_for, member_of
):
    connect(alpha)
    event, ticket_type = paid_event
    first = _buy(alpha, event, ticket_type, quantity=2)
    second = _buy(alpha, event, ticket_type, quantity=1)
    for placed in (first, second):
        deliver(public_client, stripe_fake.complete_checkout(placed.order.stripe_session_id))
    pending = _buy(alpha, event, ticket_type, quantity=1)  # never paid
    mail.outbox.clear()
    admin = client_for(alpha)
    admin.force_login(member_of(alpha, email="boss@example.com", role=Role.ADMIN))
    assert "3 valid tickets" in admin.get(f"/events/{event.pk}/cancel/").content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert admin.post(f"/events/{event.pk}/cancel/").status_code == 302
    amounts = sorted(refund["amount"] for refund in stripe_fake.all("refund"))
    assert amounts == [2550, 5100]
    with tenant_context(alpha):
        event.refresh_from_db()
        assert event.status == "cancelled" and (event.sold, event.held) == (0, 0)
        assert set(Ticket.objects.values_list("status", flat=True)) == {"cancelled"}
        assert Order.objects.get(pk=pending.order.pk).status == "expired"
    cancelled = [m for m in mail.outbox if m.subject.endswith("Cancelled: Workshop")]
    assert len(cancelled) == 3  # two paid orders and the pending one
    assert "has been cancelled" in cancelled[0].body
    assert cancelled[0].alternatives[0][1] == "text/html"


def test_a_member_cannot_cancel_tickets(alpha, paid_event, client_for, member_of, in_alpha):
    event, ticket_type = paid_event
    EventSettings.objects.update_or_create(pk=1, defaults={"allow_offline_payment": True})
    placed = services.place_order(
        organization=alpha,
        event=event,
        items={ticket_type.pk: 1},
        email="p@example.com",
        name="P",
        pay_offline=True,
    )
    ticket = placed.order.tickets.get()
    client = client_for(alpha)
    client.force_login(member_of(alpha, email="plain@example.com"))
    assert client.post(f"/events/{event.pk}/tickets/{ticket.pk}/cancel/").status_code == 403
    assert client.post(f"/events/{event.pk}/cancel/").status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == "valid"


def test_a_payment_arriving_after_the_event_was_cancelled_is_refunded(
    alpha, stripe_fake, connect, paid_event, public_client, organizer
):
    connect(alpha)
    event, ticket_type = paid_event
    placed = _buy(alpha, event, ticket_type)
    with tenant_context(alpha), TestCase.captureOnCommitCallbacks(execute=True):
        services.cancel_event(acting_user=organizer, event=event)
    deliver(public_client, stripe_fake.complete_checkout(placed.order.stripe_session_id))
    with tenant_context(alpha):
        order = Order.objects.get()
        assert order.status == "cancelled" and order.refunded_amount == order.total
        assert not Ticket.objects.exists()
        event.refresh_from_db()
        assert (event.sold, event.held) == (0, 0)
    assert len(stripe_fake.all("refund")) == 1
