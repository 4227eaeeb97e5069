"""The waiting list of a sold-out event, reminders 24 hours before the start, and calendars."""

from datetime import timedelta

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone
from events_factories import EventFactory, TicketTypeFactory

from tenant_apps.events import services, tasks
from tenant_apps.events.models import Event, Order, WaitlistEntry


@pytest.fixture
def full_event(in_alpha, alpha):
    event = EventFactory(title="Tiny dinner", capacity=1)
    seat = TicketTypeFactory(event=event, name="Seat", quantity=1)
    services.place_order(
        organization=alpha, event=event, items={seat.pk: 1}, email="first@example.com", name="First"
    )
    event.refresh_from_db()
    seat.refresh_from_db()
    return event, seat


def _join(event, seat, email):
    return services.join_waitlist(event=event, ticket_type=seat, email=email, name=email[:5])


def test_a_sold_out_event_offers_the_waiting_list(alpha, client_for, full_event):
    event, seat = full_event
    page = client_for(alpha).get(f"/events/{event.pk}/").content.decode()
    assert "Sold out" in page and "Join the waiting list" in page
    response = client_for(alpha).post(
        f"/events/{event.pk}/waitlist/",
        {"ticket_type": seat.pk, "name": "Wanda", "email": "wanda@example.com"},
    )
    assert response.status_code == 302
    again = client_for(alpha).post(
        f"/events/{event.pk}/waitlist/",
        {"ticket_type": seat.pk, "name": "Wanda", "email": "WANDA@example.com"},
    )
    assert again.status_code == 400 and "already on the waiting list" in again.content.decode()
    assert WaitlistEntry.objects.count() == 1


def test_joining_while_seats_are_left_is_refused(in_alpha, free_event):
    seat = free_event.ticket_types.get()
    with pytest.raises(ValidationError) as error:
        _join(free_event, seat, "early@example.com")
    assert "ticket_type" in error.value.message_dict


def test_a_freed_seat_is_offered_to_the_next_then_to_the_one_after(full_event, organizer):
    event, seat = full_event
    wanda = _join(event, seat, "wanda@example.com")
    xavier = _join(event, seat, "xavier@example.com")
    ticket = event.tickets.get()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.cancel_ticket(acting_user=organizer, ticket=ticket)
    wanda.refresh_from_db()
    xavier.refresh_from_db()
    assert wanda.status == "offered" and xavier.status == "waiting"
    event.refresh_from_db()
    assert (event.sold, event.held, event.seats_left) == (0, 1, 0)  # the seat is kept for Wanda
    offer = [m for m in mail.outbox if "A seat is free" in m.subject]
    assert offer and offer[0].to == ["wanda@example.com"]
    assert f"/events/waitlist/{wanda.token}/" in offer[0].body

    # Wanda does not answer in time: the task gives the seat to Xavier.
    WaitlistEntry.objects.filter(pk=wanda.pk).update(offer_expires_at=timezone.now())
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert tasks.expire_offer_task.apply(args=[wanda.pk]).get() is True
    wanda.refresh_from_db()
    xavier.refresh_from_db()
    assert wanda.status == "expired" and xavier.status == "offered"
    event.refresh_from_db()
    assert event.held == 1


def test_claiming_an_offer_issues_the_ticket(alpha, client_for, full_event, organizer):
    event, seat = full_event
    wanda = _join(event, seat, "wanda@example.com")
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.cancel_ticket(acting_user=organizer, ticket=event.tickets.get())
    client = client_for(alpha)
    assert "Take the seat" in client.get(f"/events/waitlist/{wanda.token}/").content.decode()
    response = client.post(f"/events/waitlist/{wanda.token}/")
    assert response.status_code == 302
    wanda.refresh_from_db()
    assert wanda.status == "claimed"
    order = Order.objects.get(email="wanda@example.com")
    assert order.status == "confirmed" and order.tickets.count() == 1
    event.refresh_from_db()
    assert (event.sold, event.held) == (1, 0)
    closed = client.post(f"/events/waitlist/{wanda.token}/")
    assert closed.status_code == 400 and "no longer open" in closed.content.decode()
    assert client.get("/events/waitlist/not-a-token/").status_code == 404


# -- reminders -----------------------------------------------------------------------------


def test_reminders_go_out_once_24_hours_before_the_start(alpha, in_alpha):
    soon = EventFactory(title="Tomorrow's talk", starts_at=timezone.now() + timedelta(hours=20))
    later = EventFactory(title="Next month", starts_at=timezone.now() + timedelta(days=30))
    for event in (soon, later):
        ticket_type = TicketTypeFactory(event=event)
        services.place_order(
            organization=alpha,
            event=event,
            items={ticket_type.pk: 1},
            email="jo@example.com",
            name="Jo",
        )
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert tasks.send_reminders.apply().get() == 1
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert tasks.send_reminders.apply().get() == 0  # never twice
    reminders = [m for m in mail.outbox if m.subject.endswith("Tomorrow: Tomorrow's talk")]
    assert len(reminders) == 1 and reminders[0].alternatives[0][1] == "text/html"
    assert Order.objects.get(event=soon).reminder_sent_at is not None
    assert Order.objects.get(event=later).reminder_sent_at is None


def test_cancelled_events_and_cancelled_orders_get_no_reminder(alpha, organizer, in_alpha):
    event = EventFactory(starts_at=timezone.now() + timedelta(hours=5))
    ticket_type = TicketTypeFactory(event=event)
    placed = services.place_order(
        organization=alpha, event=event, items={ticket_type.pk: 1}, email="a@example.com", name="A"
    )
    services.cancel_order(acting_user=organizer, order=placed.order)
    assert services.send_reminders() == 0


# -- calendar ------------------------------------------------------------------------------


def test_event_ics_is_valid_icalendar_in_the_events_time_zone(alpha, client_for, free_event):
    response = client_for(alpha).get(f"/events/{free_event.pk}/event.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Python meetup"
    start = vevent.decoded("DTSTART")
    assert start == free_event.starts_at.replace(microsecond=0)
    assert str(start.tzinfo) == "Europe/Paris"
    assert calendar.walk("VTIMEZONE")
    assert "Town Hall" in str(vevent["LOCATION"])
    assert str(vevent["URL"]).endswith(f"/events/{free_event.pk}/")


def test_the_feed_lists_published_events_only(alpha, beta, client_for, in_alpha):
    EventFactory(title="Open day")
    EventFactory(title="Hidden draft", status="draft")
    EventFactory(title="Called off", status="cancelled")
    calendar = icalendar.Calendar.from_ical(client_for(alpha).get("/events/calendar.ics").content)
    summaries = {str(e["SUMMARY"]): str(e["STATUS"]) for e in calendar.walk("VEVENT")}
    assert summaries == {"Open day": "CONFIRMED", "Called off": "CANCELLED"}
    beta_feed = icalendar.Calendar.from_ical(client_for(beta).get("/events/calendar.ics").content)
    assert beta_feed.walk("VEVENT") == []


def test_a_draft_has_no_ics(alpha, client_for, in_alpha):
    draft = EventFactory(status="draft")
    assert client_for(alpha).get(f"/events/{draft.pk}/event.ics").status_code == 404
    assert Event.objects.count() == 1


def test_beat_runs_reminders_and_hold_release_once_per_tenant():
    from config.celery import app
    from tenants.scheduler import registered_entries

    for name, task in (
        ("events-send-reminders", "tenant_apps.events.tasks.send_reminders"),
        ("events-release-lapsed-holds", "tenant_apps.events.tasks.release_lapsed_holds"),
    ):
        entry = registered_entries()[name]
        assert entry["task"] == task and task in app.tasks
        assert "tenant_schemas" not in entry  # tenants.scheduler: once per active tenant


def test_demo_data_shows_every_feature(alpha, owner_of, in_alpha):
    from tenant_apps.events import demo
    from tenant_apps.events.models import Ticket

    demo.seed(organization=alpha, owner=owner_of(alpha))
    statuses = {event.display_status for event in Event.objects.all()}
    assert statuses >= {"published", "draft", "past"}
    assert Ticket.objects.filter(checked_in_at__isnull=False).exists()
    assert Order.objects.filter(payment_method="offline").exists()
    assert WaitlistEntry.objects.exists()
    demo.seed(organization=alpha, owner=owner_of(alpha))  # a second run adds nothing
    assert Event.objects.count() == 5


def test_more_capacity_serves_the_waiting_list(full_event, organizer):
    event, seat = full_event
    wanda = _join(event, seat, "wanda@example.com")
    services.update_ticket_type(acting_user=organizer, ticket_type=seat, quantity=2)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.update_event(acting_user=organizer, event=event, capacity=2)
    wanda.refresh_from_db()
    assert wanda.status == "offered"


def test_members_get_an_in_site_notification_of_their_registration(alpha, attendee, free_event):
    from tenant_apps.notifications.models import Notification

    ticket_type = free_event.ticket_types.get()
    placed = services.place_order(
        organization=alpha,
        event=free_event,
        items={ticket_type.pk: 1},
        email=attendee.email,
        name="Me",
        user=attendee,
    )
    (bell,) = Notification.objects.filter(recipient=attendee, kind="events.registration")
    assert "Python meetup" in bell.title and bell.url == f"/events/orders/{placed.order.token}/"
