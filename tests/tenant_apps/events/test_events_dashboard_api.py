"""The organizer's dashboard, attendee list and CSV export, and the REST API."""

import csv
import io
from decimal import Decimal

import pytest
from events_factories import EventFactory, TicketTypeFactory
from rest_framework.test import APIClient

from tenant_apps.events import services
from tenant_apps.events.models import Event, EventSettings, Order, Ticket
from tenant_apps.members.models import Role
from tenants.context import tenant_context
from tests.conftest import host_of


@pytest.fixture
def busy_event(alpha, in_alpha, organizer):
    EventSettings.objects.update_or_create(pk=1, defaults={"allow_offline_payment": True})
    event = EventFactory(title="Big conference", capacity=100)
    free = TicketTypeFactory(event=event, name="Community", quantity=60)
    paid = TicketTypeFactory(event=event, name="Supporter", price=Decimal("30.00"), quantity=40)
    for index in range(6):
        services.place_order(
            organization=alpha,
            event=event,
            items={free.pk: 1},
            email=f"guest{index}@example.com",
            name=f"Guest {index}",
        )
    services.place_order(
        organization=alpha,
        event=event,
        items={paid.pk: 2},
        email="=cmd@example.com",
        name="=HYPERLINK(1)",
        pay_offline=True,
    )
    for ticket in Ticket.objects.filter(ticket_type=free)[:3]:
        services.check_in(acting_user=organizer, event=event, code=ticket.code)
    return event


def test_dashboard_shows_sales_per_type_chart_and_check_in_progress(
    alpha, as_user, organizer, busy_event
):
    page = as_user(organizer).get(f"/events/{busy_event.pk}/dashboard/").content.decode()
    assert "Community" in page and "Supporter" in page
    assert "60.00 EUR" in page  # 2 x 30.00 pay-at-the-door, confirmed
    assert "<svg" in page and "8 tickets issued" in page
    assert "3</span> / <span data-total>8" in page
    assert "1 to pay at the door" in page


def test_dashboard_and_attendees_are_for_admins_only(
    alpha, as_user, attendee, door, client_for, busy_event
):
    for user in (attendee, door):
        assert as_user(user).get(f"/events/{busy_event.pk}/dashboard/").status_code == 403
        assert as_user(user).get(f"/events/{busy_event.pk}/attendees/").status_code == 403
        assert as_user(user).get(f"/events/{busy_event.pk}/attendees.csv").status_code == 403
    assert client_for(alpha).get(f"/events/{busy_event.pk}/attendees.csv").status_code == 302


def test_attendee_search_and_htmx_fragment(alpha, as_user, organizer, busy_event):
    client = as_user(organizer)
    page = client.get(f"/events/{busy_event.pk}/attendees/?q=guest3").content.decode()
    assert "Guest 3" in page and "Guest 4" not in page
    fragment = client.get(
        f"/events/{busy_event.pk}/attendees/?state=checked_in", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in fragment and fragment.count("badge--success") == 3
    nobody = client.get(f"/events/{busy_event.pk}/attendees/?q=zzz").content.decode()
    assert "Nobody matches" in nobody


def test_attendee_list_query_count_is_flat(
    alpha, as_user, organizer, busy_event, django_assert_max_num_queries
):
    client = as_user(organizer)
    client.get(f"/events/{busy_event.pk}/attendees/")
    with django_assert_max_num_queries(12):
        response = client.get(f"/events/{busy_event.pk}/attendees/")
    assert response.content.decode().count("<code>") == 8


def test_csv_export_lists_every_attendee_and_defuses_formulas(
    alpha, as_user, organizer, busy_event
):
    response = as_user(organizer).get(f"/events/{busy_event.pk}/attendees.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 8
    supporter = [row for row in rows if row["ticket type"] == "Supporter"]
    assert supporter[0]["name"] == "'=HYPERLINK(1)" and supporter[0]["paid"] == "no"
    assert sum(1 for row in rows if row["checked in at"]) == 3
    filtered = as_user(organizer).get(f"/events/{busy_event.pk}/attendees.csv?q=guest1")
    assert len(list(csv.DictReader(io.StringIO(filtered.content.decode())))) == 1


# -- API -----------------------------------------------------------------------------------


def _api(organization, user=None):
    client = APIClient(HTTP_HOST=host_of(organization))
    if user is not None:
        with tenant_context(organization):
            client.force_authenticate(user)
    return client


def test_api_lists_published_events_to_anyone_paginated(alpha, in_alpha):
    EventFactory(title="Public one")
    EventFactory(title="Draft one", status="draft")
    body = _api(alpha).get("/api/v1/events/events/").json()
    assert [e["title"] for e in body["results"]] == ["Public one"]
    assert body["results"][0]["display_status"] == "published"
    assert body["count"] == 1
    bad = _api(alpha).get("/api/v1/events/events/?from=yesterday")
    assert bad.status_code == 400 and "from" in bad.json()["error"]["fields"]


def test_api_admin_creates_an_event_and_a_ticket_type(alpha, organizer):
    client = _api(alpha, organizer)
    created = client.post(
        "/api/v1/events/events/",
        {
            "title": "API event",
            "venue_name": "Hall",
            "starts_at": "2031-05-01T18:00:00+02:00",
            "ends_at": "2031-05-01T21:00:00+02:00",
            "timezone": "Europe/Berlin",
            "capacity": 30,
            "status": "published",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    event_id = created.json()["id"]
    ticket_type = client.post(
        "/api/v1/events/ticket-types/",
        {"event": event_id, "name": "Standard", "price": "0.00", "quantity": 30},
        format="json",
    )
    assert ticket_type.status_code == 201, ticket_type.json()
    registered = _api(alpha).post(
        f"/api/v1/events/events/{event_id}/register/",
        {
            "email": "api@example.com",
            "name": "Api Buyer",
            "items": [{"ticket_type": ticket_type.json()["id"], "quantity": 2}],
        },
        format="json",
    )
    assert registered.status_code == 201, registered.json()
    body = registered.json()
    assert body["checkout_url"] is None and len(body["order"]["tickets"]) == 2
    stats = client.get(f"/api/v1/events/events/{event_id}/stats/").json()
    assert stats["tickets"] == 2 and len(stats["per_day"]) == 30


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"ends_at": "2031-05-01T17:00:00+02:00"}, "ends_at"),
        ({"capacity": 0}, "capacity"),
        ({"timezone": "Nowhere/City"}, "timezone"),
        ({"title": ""}, "title"),
        ({"online_url": "ftp://files.example/", "venue_name": ""}, "online_url"),
    ],
)
def test_api_bad_event_input_is_a_400_naming_the_field(alpha, organizer, payload, field):
    data = {
        "title": "X",
        "venue_name": "Hall",
        "starts_at": "2031-05-01T18:00:00+02:00",
        "ends_at": "2031-05-01T21:00:00+02:00",
        "timezone": "Europe/Berlin",
        "capacity": 30,
    }
    data.update(payload)
    response = _api(alpha, organizer).post("/api/v1/events/events/", data, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_api_register_bad_input_names_the_field(alpha, free_event):
    client = _api(alpha)
    no_items = client.post(
        f"/api/v1/events/events/{free_event.pk}/register/",
        {"email": "a@example.com", "name": "A", "items": []},
        format="json",
    )
    assert no_items.status_code == 400
    assert any(name.startswith("items") for name in no_items.json()["error"]["fields"])
    other_type = client.post(
        f"/api/v1/events/events/{free_event.pk}/register/",
        {"email": "a@example.com", "name": "A", "items": [{"ticket_type": 999999, "quantity": 1}]},
        format="json",
    )
    assert other_type.status_code == 400 and "items" in other_type.json()["error"]["fields"]


def test_api_roles_members_cannot_organize_and_see_only_their_orders(
    alpha, attendee, door, free_event
):
    ticket_type = free_event.ticket_types.get()
    services.place_order(
        organization=alpha,
        event=free_event,
        items={ticket_type.pk: 1},
        email="x@example.com",
        name="Someone else",
    )
    services.place_order(
        organization=alpha,
        event=free_event,
        items={ticket_type.pk: 1},
        email=attendee.email,
        name="Me",
        user=attendee,
    )
    member = _api(alpha, attendee)
    assert member.post("/api/v1/events/events/", {"title": "x"}, format="json").status_code == 403
    assert member.get("/api/v1/events/ticket-types/").status_code == 403
    orders = member.get("/api/v1/events/orders/").json()["results"]
    assert [o["name"] for o in orders] == ["Me"]
    tickets = member.get("/api/v1/events/tickets/").json()["results"]
    assert len(tickets) == 1
    code = Ticket.objects.exclude(order__user=attendee).get().code
    assert (
        member.post(f"/api/v1/events/events/{free_event.pk}/check-in/", {"code": code}).status_code
        == 403
    )
    checked = _api(alpha, door).post(
        f"/api/v1/events/events/{free_event.pk}/check-in/", {"code": code}, format="json"
    )
    assert checked.status_code == 200 and checked.json()["result"] == "valid"
    again = _api(alpha, door).post(
        f"/api/v1/events/events/{free_event.pk}/check-in/", {"code": code}, format="json"
    )
    assert again.json()["result"] == "already" and again.json()["checked_in_at"]
    assert _api(alpha).get("/api/v1/events/orders/").status_code in (401, 403)


def test_api_beta_sees_and_changes_nothing_of_alpha(alpha, beta, owner_of, free_event):
    with tenant_context(beta):
        beta_owner = owner_of(beta)
    client = _api(beta, beta_owner)
    assert client.get("/api/v1/events/events/").json()["results"] == []
    assert client.get(f"/api/v1/events/events/{free_event.pk}/").status_code == 404
    assert client.post(f"/api/v1/events/events/{free_event.pk}/cancel/").status_code == 404
    with tenant_context(alpha):
        assert Event.objects.get(pk=free_event.pk).status == "published"
        assert not Order.objects.exists()


def test_api_admin_cancels_one_ticket(alpha, organizer, free_event, member_of):
    ticket_type = free_event.ticket_types.get()
    placed = services.place_order(
        organization=alpha,
        event=free_event,
        items={ticket_type.pk: 1},
        email="x@example.com",
        name="X",
    )
    ticket = placed.order.tickets.get()
    response = _api(alpha, organizer).post(f"/api/v1/events/tickets/{ticket.pk}/cancel/")
    assert response.status_code == 200 and response.json()["refunded"] == "0"
    ticket.refresh_from_db()
    assert ticket.status == "cancelled"
    moderator = member_of(alpha, email="mod2@example.com", role=Role.MODERATOR)
    refused = _api(alpha, moderator).post(f"/api/v1/events/tickets/{ticket.pk}/cancel/")
    assert refused.status_code == 403
