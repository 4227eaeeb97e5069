"""Factories for events tests (run them inside a tenant: `tenant_context` or `in_alpha`)."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from tenant_apps.events.models import Event, TicketType


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Meetup {n}")
    description = "A **friendly** evening of talks."
    venue_name = "Town Hall"
    address = "1 Main Street, Springfield"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(hours=3))
    timezone = "Europe/Paris"
    status = "published"
    capacity = 100
    currency = "EUR"


class TicketTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketType

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Ticket {n}")
    price = Decimal("0.00")
    quantity = 100
    max_per_order = 10
