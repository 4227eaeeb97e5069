"""Events and registration through the pages: listing, event pages, organizing, free
registration with emailed PDF tickets, and who may do what."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from events_factories import EventFactory, TicketTypeFactory
from PIL import Image

from tenant_apps.events import services
from tenant_apps.events.models import Event, EventSettings, Order, Ticket
from tenants.context import tenant_context


def _future(days=10, hour=19):
    local = (timezone.now() + timedelta(days=days)).strftime("%Y-%m-%d")
    return f"{local}T{hour:02d}:00"


def _event_form(**overrides):
    data = {
        "title": "Autumn conference",
        "description": "Talks about **Django**.",
        "venue_name": "Town Hall",
        "address": "1 Main Street",
        "online_url": "",
        "starts_at": _future(hour=9),
        "ends_at": _future(hour=17),
        "timezone": "Europe/Paris",
        "capacity": "120",
        "status": "published",
    }
    data.update(overrides)
    return data


def _png_upload(name="cover.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 32), "teal").save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = name
    return buffer


# -- listing -------------------------------------------------------------------------------


def test_empty_listing_tells_an_organizer_what_to_do(alpha, as_user, organizer, client_for):
    page = as_user(organizer).get("/events/").content.decode()
    assert "No upcoming events" in page and "Create your first event" in page
    anonymous = client_for(alpha).get("/events/").content.decode()
    assert "No upcoming events" in anonymous and "Create your first event" not in anonymous


def test_listing_shows_published_upcoming_events_to_visitors_only(alpha, client_for, in_alpha):
    EventFactory(title="Published talk")
    EventFactory(title="Secret draft", status="draft")
    EventFactory(
        title="Old party",
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3, hours=-2),
    )
    page = client_for(alpha).get("/events/").content.decode()
    assert "Published talk" in page
    assert "Secret draft" not in page and "Old party" not in page
    past = client_for(alpha).get("/events/?when=past").content.decode()
    assert "Old party" in past and "Past" in past


def test_listing_filters_by_text_mode_and_dates(alpha, client_for, in_alpha):
    EventFactory(title="Pottery evening", starts_at=timezone.now() + timedelta(days=3))
    EventFactory(title="Webinar on taxes", address="", venue_name="", online_url="https://x.test/")
    EventFactory(title="Far future gala", starts_at=timezone.now() + timedelta(days=200))
    client = client_for(alpha)
    assert "Pottery" in client.get("/events/?q=pottery").content.decode()
    assert "Webinar" not in client.get("/events/?q=pottery").content.decode()
    online = client.get("/events/?mode=online").content.decode()
    assert "Webinar" in online and "Pottery" not in online
    soon = (timezone.now() + timedelta(days=30)).date().isoformat()
    dated = client.get(f"/events/?to={soon}").content.decode()
    assert "Pottery" in dated and "Far future gala" not in dated
    assert client.get("/events/?from=not-a-date&when=bogus").status_code == 200
    assert "No events match" in client.get("/events/?q=nothing-like-this").content.decode()


def test_listing_query_count_does_not_grow_with_events(
    alpha, client_for, in_alpha, django_assert_max_num_queries
):
    for index in range(12):
        event = EventFactory(title=f"Event {index}")
        TicketTypeFactory(event=event, price=Decimal("5.00"))
    client = client_for(alpha)
    client.get("/events/")  # warm caches (entitlements, branding)
    with django_assert_max_num_queries(12):
        response = client.get("/events/")
    assert response.content.decode().count("card__title") == 12


# -- organizing ----------------------------------------------------------------------------


def test_admin_creates_an_event_with_a_cover_in_its_time_zone(alpha, as_user, organizer):
    client = as_user(organizer)
    data = _event_form()
    data["cover"] = _png_upload()
    response = client.post("/events/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    with tenant_context(alpha):
        event = Event.objects.get(title="Autumn conference")
        assert event.timezone == "Europe/Paris"
        local = event.starts_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Paris"))
        assert local.hour == 9
        assert event.cover.startswith("events/covers/")
        assert event.currency == "EUR"
    assert response["Location"] == f"/events/{event.pk}/ticket-types/new/"
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert "<strong>Django</strong>" in page and "Europe/Paris" in page


@pytest.mark.parametrize(
    ("overrides", "field_text"),
    [
        ({"title": ""}, "This field is required"),
        ({"ends_at": _future(hour=8)}, "must end after it starts"),
        ({"address": "", "venue_name": "", "online_url": ""}, "or an online link"),
        ({"online_url": "javascript:alert(1)"}, "Enter a valid URL"),
        ({"capacity": "0"}, "greater than or equal to 1"),
        ({"timezone": "Mars/Olympus"}, "Select a valid choice"),
    ],
)
def test_bad_event_input_gets_a_field_error(alpha, as_user, organizer, overrides, field_text):
    response = as_user(organizer).post("/events/new/", _event_form(**overrides))
    assert response.status_code == 200
    assert field_text in response.content.decode()
    with tenant_context(alpha):
        assert not Event.objects.exists()


def test_a_fake_image_cover_is_refused(alpha, as_user, organizer):
    data = _event_form()
    fake = io.BytesIO(b"%PDF-1.4 not an image")
    fake.name = "cover.png"
    data["cover"] = fake
    response = as_user(organizer).post("/events/new/", data)
    assert response.status_code == 200
    with tenant_context(alpha):
        assert not Event.objects.exists()


def test_members_and_moderators_cannot_organize(alpha, as_user, attendee, door, client_for):
    for user in (attendee, door):
        client = as_user(user)
        assert client.get("/events/new/").status_code == 403
        assert client.post("/events/new/", _event_form()).status_code == 403
    assert client_for(alpha).get("/events/new/").status_code == 302  # to log in
    with tenant_context(alpha):
        assert not Event.objects.exists()


def test_plan_limit_on_events_per_month(alpha, as_user, organizer, in_alpha):
    for _ in range(3):  # the Free plan allows 3 a month
        EventFactory()
    response = as_user(organizer).post("/events/new/", _event_form())
    assert response.status_code == 200
    assert "limit" in response.content.decode().lower() or "plan" in response.content.decode()
    assert Event.objects.count() == 3


def test_admin_adds_ticket_types_and_bad_prices_are_refused(alpha, as_user, organizer, in_alpha):
    event = EventFactory(capacity=40)
    client = as_user(organizer)
    base = {"name": "Standard", "price": "0", "quantity": "40", "max_per_order": "4"}
    assert client.post(f"/events/{event.pk}/ticket-types/new/", base).status_code == 302
    again = client.post(f"/events/{event.pk}/ticket-types/new/", base)
    assert "already has a ticket type of that name" in again.content.decode()
    paid = client.post(
        f"/events/{event.pk}/ticket-types/new/", {**base, "name": "VIP", "price": "10.00"}
    )
    assert "orders can be free or paid offline" in paid.content.decode()
    negative = client.post(
        f"/events/{event.pk}/ticket-types/new/", {**base, "name": "Neg", "price": "-1"}
    )
    assert negative.status_code == 200 and "greater than or equal to 0" in negative.content.decode()
    assert list(event.ticket_types.values_list("name", flat=True)) == ["Standard"]


def test_draft_events_are_hidden_from_visitors_and_members(
    alpha, client_for, as_user, attendee, organizer, in_alpha
):
    draft = EventFactory(status="draft")
    assert client_for(alpha).get(f"/events/{draft.pk}/").status_code == 404
    assert as_user(attendee).get(f"/events/{draft.pk}/").status_code == 404
    assert as_user(organizer).get(f"/events/{draft.pk}/").status_code == 200


# -- registration --------------------------------------------------------------------------


def _register(client, event, ticket_type, quantity=1, **extra):
    data = {"name": "Jo Visitor", "email": "jo@example.com", f"qty_{ticket_type.pk}": quantity}
    data.update(extra)
    return client.post(f"/events/{event.pk}/register/", data)


def test_a_visitor_registers_for_a_free_event_and_gets_pdf_tickets_by_email(
    alpha, client_for, free_event, django_capture_on_commit_callbacks
):
    ticket_type = free_event.ticket_types.get()
    client = client_for(alpha)
    assert "Register" in client.get(f"/events/{free_event.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _register(client, free_event, ticket_type, quantity=2)
    assert response.status_code == 302
    order = Order.objects.get()
    assert response["Location"] == f"/events/orders/{order.token}/"
    assert order.status == "confirmed" and order.payment_method == "free"
    tickets = list(order.tickets.all())
    assert len(tickets) == 2 and len({t.code for t in tickets}) == 2
    free_event.refresh_from_db()
    assert free_event.sold == 2

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jo@example.com"]
    assert "Python meetup" in message.subject
    assert tickets[0].code in message.body
    html = message.alternatives[0]
    assert html[1] == "text/html" and tickets[0].code in html[0]
    pdfs = [a for a in message.attachments if a[2] == "application/pdf"]
    assert len(pdfs) == 2 and all(content.startswith(b"%PDF") for _, content, _ in pdfs)

    page = client.get(response["Location"]).content.decode()
    assert tickets[0].code in page and "Download PDF" in page


def test_ticket_pdf_is_private_and_served_through_a_signed_link(
    alpha, client_for, free_event, django_capture_on_commit_callbacks
):
    ticket_type = free_event.ticket_types.get()
    client = client_for(alpha)
    with django_capture_on_commit_callbacks(execute=True):
        _register(client, free_event, ticket_type)
    ticket = Ticket.objects.select_related("order").get()
    response = client.get(f"/events/orders/{ticket.order.token}/tickets/{ticket.code}/pdf/")
    assert response.status_code == 302
    assert response["Location"].startswith("/private-media/")
    download = client.get(response["Location"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # Guessing: the code alone, or another order's token, finds nothing.
    assert client.get(f"/events/orders/wrong-token/tickets/{ticket.code}/pdf/").status_code == 404


def test_registration_bad_input_names_the_problem(alpha, client_for, free_event):
    ticket_type = free_event.ticket_types.get()
    client = client_for(alpha)
    bad_email = _register(client, free_event, ticket_type, email="not-an-email")
    assert bad_email.status_code == 400 and "valid email" in bad_email.content.decode()
    none = _register(client, free_event, ticket_type, quantity=0)
    assert "Choose at least one ticket" in none.content.decode()
    too_many = _register(client, free_event, ticket_type, quantity=11)
    assert too_many.status_code == 400
    assert not Order.objects.exists()


def test_per_order_limit_and_capacity_are_enforced_by_the_service(free_event, alpha):
    ticket_type = free_event.ticket_types.get()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.place_order(
            organization=alpha,
            event=free_event,
            items={ticket_type.pk: 11},
            email="a@example.com",
            name="A",
        )
    assert "per order" in str(error.value)
    Event.objects.filter(pk=free_event.pk).update(capacity=3)
    free_event.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.place_order(
            organization=alpha,
            event=free_event,
            items={ticket_type.pk: 4},
            email="a@example.com",
            name="A",
        )
    assert "seats left" in str(error.value)


def test_sales_window_is_respected(free_event, alpha):
    ticket_type = free_event.ticket_types.get()
    ticket_type.sales_start = timezone.now() + timedelta(days=1)
    ticket_type.save()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.place_order(
            organization=alpha,
            event=free_event,
            items={ticket_type.pk: 1},
            email="a@example.com",
            name="A",
        )
    assert "not on sale" in str(error.value)


def test_members_see_their_tickets(alpha, as_user, attendee, free_event):
    ticket_type = free_event.ticket_types.get()
    client = as_user(attendee)
    assert "No tickets yet" in client.get("/events/my-tickets/").content.decode()
    _register(client, free_event, ticket_type, email=attendee.email)
    page = client.get("/events/my-tickets/").content.decode()
    assert "Python meetup" in page
    assert Order.objects.get().user == attendee


def test_require_login_setting_turns_anonymous_registration_away(
    alpha, client_for, free_event, as_user, attendee
):
    EventSettings.objects.update_or_create(pk=1, defaults={"require_login": True})
    ticket_type = free_event.ticket_types.get()
    anonymous = client_for(alpha)
    assert "Log in to register" in anonymous.get(f"/events/{free_event.pk}/").content.decode()
    refused = _register(anonymous, free_event, ticket_type)
    assert refused.status_code == 400 and "sign in to register" in refused.content.decode()
    assert _register(as_user(attendee), free_event, ticket_type).status_code == 302


def test_event_settings_page_is_for_admins(alpha, as_user, organizer, attendee, door):
    assert as_user(attendee).get("/events/settings/").status_code == 403
    assert as_user(door).get("/events/settings/").status_code == 403
    client = as_user(organizer)
    assert "orders can be free or paid offline" in client.get("/events/settings/").content.decode()
    bad = client.post("/events/settings/", {"hold_minutes": "0", "waitlist_offer_hours": "24"})
    assert bad.status_code == 200 and "hold_minutes" in bad.content.decode()
    ok = client.post(
        "/events/settings/",
        {"hold_minutes": "20", "waitlist_offer_hours": "12", "allow_offline_payment": "on"},
    )
    assert ok.status_code == 302
    with tenant_context(alpha):
        row = EventSettings.objects.get()
        assert (row.hold_minutes, row.waitlist_offer_hours, row.allow_offline_payment) == (
            20,
            12,
            True,
        )


def test_beta_sees_nothing_of_alpha(alpha, beta, client_for, owner_of, free_event):
    ticket_type = free_event.ticket_types.get()
    services.place_order(
        organization=alpha,
        event=free_event,
        items={ticket_type.pk: 1},
        email="a@example.com",
        name="A",
    )
    order = Order.objects.get()
    beta_client = client_for(beta)
    beta_client.force_login(owner_of(beta))
    assert "Python meetup" not in beta_client.get("/events/").content.decode()
    assert beta_client.get(f"/events/{free_event.pk}/").status_code == 404
    assert beta_client.get(f"/events/orders/{order.token}/").status_code == 404
    assert beta_client.get(f"/events/{free_event.pk}/dashboard/").status_code == 404
    # beta's session replayed on alpha's host is an anonymous visitor there.
    replay = client_for(alpha)
    replay.cookies["sessionid"] = beta_client.cookies["sessionid"].value
    assert replay.get(f"/events/{free_event.pk}/dashboard/").status_code == 302


def test_a_stale_edit_does_not_overwrite_a_newer_one(alpha, as_user, organizer, in_alpha):
    event = EventFactory(title="Original")
    client = as_user(organizer)
    page = client.get(f"/events/{event.pk}/edit/").content.decode()
    import re

    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    data = _event_form(title="First edit", version=version)
    assert client.post(f"/events/{event.pk}/edit/", data).status_code == 302
    stale = client.post(f"/events/{event.pk}/edit/", {**data, "title": "Second, stale"})
    assert stale.status_code == 200 and "Someone else changed this event" in stale.content.decode()
    event.refresh_from_db()
    assert event.title == "First edit"


def test_the_database_itself_refuses_an_oversold_event_or_type(free_event):
    """Even a path that forgot the lock cannot oversell: CHECK constraints on both counters."""
    from django.db import IntegrityError, transaction
    from django.db.models import F

    from tenant_apps.events.models import TicketType

    ticket_type = free_event.ticket_types.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=free_event.pk).update(sold=F("capacity"), held=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        TicketType.objects.filter(pk=ticket_type.pk).update(held=F("quantity") + 1)
