"""No event is ever oversold: many buyers at once on real, committed connections."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from tenant_apps.events import services
from tenant_apps.events.models import Event, Order, Ticket, TicketType, WaitlistEntry
from tenants.context import tenant_context
from tests.conftest import run_in_threads


@pytest.fixture
def committed_alpha(django_db_setup, committed):
    from tenants.models import Organization

    alpha = Organization.objects.get(schema_name="alpha")
    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # emails are not the point here; nothing runs them
    yield alpha
    app.conf.task_always_eager = eager
    with tenant_context(alpha):
        WaitlistEntry.objects.all().delete()
        Ticket.objects.all().delete()
        Order.objects.all().delete()
        TicketType.objects.all().delete()
        Event.objects.all().delete()


def _make_event(alpha, *, capacity, quantity, price="0"):
    from events_factories import EventFactory, TicketTypeFactory

    with tenant_context(alpha):
        event = EventFactory(capacity=capacity)
        ticket_type = TicketTypeFactory(event=event, quantity=quantity, price=price)
    return event, ticket_type


def _buy(alpha, event, ticket_type, index, quantity=1):
    with tenant_context(alpha):
        try:
            services.place_order(
                organization=alpha,
                event=event,
                items={ticket_type.pk: quantity},
                email=f"buyer{index}@example.com",
                name=f"Buyer {index}",
            )
            return "ok"
        except ValidationError:
            return "sold out"


def test_200_concurrent_purchases_for_50_seats_make_exactly_50_tickets(committed_alpha):
    """200 purchases race for 50 seats. PostgreSQL here allows ~100 connections shared with
    other test runs, so a bounded pool of 40 threads (each its own connection) makes the 200
    purchases, all started at once."""
    alpha = committed_alpha
    event, ticket_type = _make_event(alpha, capacity=50, quantity=200)

    def run(index):
        try:
            return _buy(alpha, event, ticket_type, index)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=40) as pool:
        results = list(pool.map(run, range(200)))
    assert results.count("ok") == 50
    assert results.count("sold out") == 150
    with tenant_context(alpha):
        assert Ticket.objects.filter(event=event).count() == 50
        event.refresh_from_db()
        ticket_type.refresh_from_db()
        assert (event.sold, event.held, ticket_type.sold) == (50, 0, 50)
        assert len(set(Ticket.objects.values_list("code", flat=True))) == 50


def test_a_ticket_type_quantity_is_respected_under_a_race(committed_alpha):
    alpha = committed_alpha
    event, ticket_type = _make_event(alpha, capacity=100, quantity=5)
    results = run_in_threads([lambda i=i: _buy(alpha, event, ticket_type, i, 2) for i in range(6)])
    assert [value for _, value in results].count("ok") == 2  # 2 x 2 seats; a third would be 6
    with tenant_context(alpha):
        assert Ticket.objects.filter(event=event).count() == 4


def test_two_scans_of_one_ticket_at_once_check_it_in_once(committed_alpha):
    alpha = committed_alpha
    event, ticket_type = _make_event(alpha, capacity=10, quantity=10)
    _buy(alpha, event, ticket_type, 1)
    with tenant_context(alpha):
        code = Ticket.objects.get(event=event).code

    def scan():
        with tenant_context(alpha):
            return services.check_in(acting_user=None, event=event, code=code).result

    results = run_in_threads([scan, scan, scan, scan])
    assert sorted(value for _, value in results) == ["already", "already", "already", "valid"]
