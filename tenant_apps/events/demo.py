"""Demo data for the `make run` demo sites: upcoming free and paid events with registrations,
check-ins, a sold-out event with a waiting list, a past event and a draft."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from core.demo import demo_data
from tenant_apps.events import services
from tenant_apps.events.models import Event, EventSettings

PEOPLE = [
    ("Ada Lovelace", "ada@example.com"),
    ("Grace Hopper", "grace@example.com"),
    ("Alan Turing", "alan@example.com"),
    ("Katherine Johnson", "katherine@example.com"),
    ("Linus Torvalds", "linus@example.com"),
    ("Margaret Hamilton", "margaret@example.com"),
]


def _event(organization, owner, *, days, hours=3, **values):
    start = (timezone.now() + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    values.setdefault("timezone", services.site_timezone())
    values.setdefault("status", "published")
    return services.create_event(
        organization=organization,
        acting_user=owner,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        **values,
    )


@demo_data
def seed(*, organization, owner):
    if Event.objects.exists():
        return
    EventSettings.objects.update_or_create(pk=1, defaults={"allow_offline_payment": True})
    # A past event and a draft "made last month", so this month's three (the Free plan's
    # events_per_month) remain for the upcoming ones below.
    _event(
        organization,
        owner,
        days=60,
        title="Summer party (draft)",
        capacity=150,
        venue_name="Riverside park",
        status="draft",
        description="Ideas welcome.",
    )
    past = _event(
        organization,
        owner,
        days=2,
        title="Spring clean-up day",
        capacity=30,
        venue_name="Town square",
        description="Thanks to everyone who came!",
    )
    past_type = services.create_ticket_type(
        acting_user=owner, event=past, name="Volunteer", quantity=30
    )
    services.place_order(
        organization=organization,
        event=past,
        items={past_type.pk: 3},
        email="linus@example.com",
        name="Linus Torvalds",
    )
    # Move it into the past now that people registered (registration needs a future start).
    Event.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - timedelta(days=20),
        ends_at=timezone.now() - timedelta(days=20, hours=-4),
    )
    Event.objects.update(created_at=timezone.now() - timedelta(days=40))

    meetup = _event(
        organization,
        owner,
        days=1,
        title="Monthly community meetup",
        capacity=80,
        venue_name="The Old Library",
        address="12 Market Square",
        description="Lightning talks, pizza and **good company**.\n\n- 18:30 doors\n- 19:00 talks",
    )
    general = services.create_ticket_type(
        acting_user=owner, event=meetup, name="General admission", quantity=70
    )
    services.create_ticket_type(
        acting_user=owner, event=meetup, name="Speaker", quantity=10, max_per_order=1
    )
    for index, (name, email) in enumerate(PEOPLE):
        services.place_order(
            organization=organization,
            event=meetup,
            items={general.pk: 1 + index % 2},
            email=email,
            name=name,
        )
    for ticket in meetup.tickets.all()[:4]:
        services.check_in(acting_user=owner, event=meetup, code=ticket.code)

    workshop = _event(
        organization,
        owner,
        days=14,
        hours=6,
        title="Hands-on workshop: Django in a day",
        capacity=20,
        venue_name="Co-working loft",
        address="4 River Road",
        online_url="https://meet.example.com/django-day",
        description="Bring a laptop. Lunch included. Paid at the door or by card.",
    )
    early = services.create_ticket_type(
        acting_user=owner,
        event=workshop,
        name="Early bird",
        price=Decimal("49.00"),
        quantity=5,
        sales_end=timezone.now() + timedelta(days=7),
        max_per_order=2,
    )
    services.create_ticket_type(
        acting_user=owner, event=workshop, name="Regular", price=Decimal("79.00"), quantity=15
    )
    services.place_order(
        organization=organization,
        event=workshop,
        items={early.pk: 2},
        email="ada@example.com",
        name="Ada Lovelace",
        pay_offline=True,
    )

    tiny = _event(
        organization,
        owner,
        days=5,
        title="Chef's table (sold out)",
        capacity=2,
        venue_name="Kitchen",
        address="7 Baker Street",
        description="Eight courses, two seats.",
    )
    seat = services.create_ticket_type(acting_user=owner, event=tiny, name="Seat", quantity=2)
    services.place_order(
        organization=organization,
        event=tiny,
        items={seat.pk: 2},
        email="grace@example.com",
        name="Grace Hopper",
    )
    tiny.refresh_from_db()
    seat.refresh_from_db()
    services.join_waitlist(
        event=tiny, ticket_type=seat, email="alan@example.com", name="Alan Turing"
    )
