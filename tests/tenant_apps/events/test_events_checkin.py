"""Ticket codes and QR codes, and check-in at the door: valid, already checked in, invalid;
who may check people in; live counts."""

import io

import pytest
from PIL import Image
from pyzbar.pyzbar import decode

from tenant_apps.events import documents, services
from tenant_apps.events.models import CODE_ALPHABET, CODE_LENGTH, Ticket


@pytest.fixture
def ticket(free_event, alpha):
    ticket_type = free_event.ticket_types.get()
    placed = services.place_order(
        organization=alpha,
        event=free_event,
        items={ticket_type.pk: 1},
        email="jo@example.com",
        name="Jo Visitor",
    )
    return placed.order.tickets.get()


def test_ticket_codes_are_long_random_and_unambiguous(ticket):
    assert len(ticket.code) == CODE_LENGTH
    assert set(ticket.code) <= set(CODE_ALPHABET)
    assert not set("0O1IL") & set(ticket.code)


def test_qr_code_decodes_back_to_the_ticket_code_with_zbar(ticket):
    image = Image.open(io.BytesIO(documents.qr_png(ticket.code)))
    decoded = decode(image)
    assert [symbol.data.decode() for symbol in decoded] == [ticket.code]
    assert decoded[0].type == "QRCODE"


def test_the_pdf_ticket_names_the_event_attendee_and_code(ticket, alpha):
    import base64
    import re
    import zlib

    pdf = documents.ticket_pdf(ticket, site_name=alpha.name)
    assert pdf.startswith(b"%PDF")
    text = b""
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:  # reportlab writes page contents as ASCII85 + Flate
            text += zlib.decompress(base64.a85decode(stream.strip().removesuffix(b"~>")))
        except (ValueError, zlib.error):
            continue
    assert ticket.code.encode() in text
    assert b"Jo Visitor" in text and b"Python meetup" in text
    assert b"/Subtype /Image" in pdf or b"/Image" in pdf  # the QR code


def test_qr_svg_is_served_from_the_order_link(alpha, client_for, ticket):
    response = client_for(alpha).get(
        f"/events/orders/{ticket.order.token}/tickets/{ticket.code}/qr.svg"
    )
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert (
        client_for(alpha).get(f"/events/orders/x/tickets/{ticket.code}/qr.svg").status_code == 404
    )


def test_check_in_says_valid_then_already_with_when_then_invalid(free_event, ticket, door):
    first = services.check_in(acting_user=door, event=free_event, code=ticket.code)
    assert first.result == "valid" and "Jo Visitor" in first.message
    second = services.check_in(acting_user=door, event=free_event, code=ticket.code.lower())
    assert second.result == "already"
    assert second.checked_in_at == Ticket.objects.get().checked_in_at
    unknown = services.check_in(acting_user=door, event=free_event, code="ZZZZZZZZZZZZZZZZ")
    assert unknown.result == "invalid"


def test_codes_typed_with_spaces_or_scanned_as_a_url_are_understood(free_event, ticket, door):
    spaced = " ".join([ticket.code[:4], ticket.code[4:8], ticket.code[8:]])
    assert services.check_in(acting_user=door, event=free_event, code=spaced).result == "valid"
    Ticket.objects.update(checked_in_at=None)
    url = f"https://alpha.example.test/t/{ticket.code}/"
    assert services.check_in(acting_user=door, event=free_event, code=url).result == "valid"


def test_a_ticket_of_another_event_or_a_cancelled_one_is_invalid(
    free_event, ticket, door, organizer, in_alpha
):
    from events_factories import EventFactory

    other = EventFactory()
    assert services.check_in(acting_user=door, event=other, code=ticket.code).result == "invalid"
    services.cancel_ticket(acting_user=organizer, ticket=ticket, notify=False)
    cancelled = services.check_in(acting_user=door, event=free_event, code=ticket.code)
    assert cancelled.result == "invalid" and "cancelled" in cancelled.message


def test_check_in_publishes_a_live_count_event(
    free_event, ticket, door, live_events, django_capture_on_commit_callbacks
):
    counts = live_events(f"tenant.alpha.events.checkin.{free_event.pk}")
    other_tenant = live_events(f"tenant.beta.events.checkin.{free_event.pk}")
    with django_capture_on_commit_callbacks(execute=True):
        services.check_in(acting_user=door, event=free_event, code=ticket.code)
        services.check_in(acting_user=door, event=free_event, code=ticket.code)
    # A double scan changes nothing, so only the first one publishes.
    [message] = counts()
    assert message["topic"] == f"events.checkin.{free_event.pk}"
    assert message["event"]["type"] == "events.checkin"
    assert other_tenant(timeout=0.2) == []


def test_check_in_page_answers_htmx_scans_with_a_result_fragment(
    alpha, as_user, door, free_event, ticket
):
    client = as_user(door)
    page = client.get(f"/events/{free_event.pk}/check-in/").content.decode()
    assert f'data-live-topic="events.checkin.{free_event.pk}"' in page and "0 / " not in page
    response = client.post(
        f"/events/{free_event.pk}/check-in/", {"code": ticket.code}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200 and "✓ Valid" in body and "<html" not in body
    assert 'hx-swap-oob="true"' in body and "1</span> / <span data-total>1" in body
    again = client.post(
        f"/events/{free_event.pk}/check-in/", {"code": ticket.code}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Already checked in" in again
    invalid = client.post(
        f"/events/{free_event.pk}/check-in/", {"code": "NOPE"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "✗ Invalid" in invalid
    empty = client.post(f"/events/{free_event.pk}/check-in/", {"code": ""}, HTTP_HX_REQUEST="true")
    assert empty.status_code == 400 and "required" in empty.content.decode()
    counts = client.get(f"/events/{free_event.pk}/check-in/counts/").content.decode()
    assert "1</span> / <span data-total>1" in counts


def test_plain_members_and_visitors_cannot_check_in(
    alpha, as_user, attendee, client_for, free_event, ticket
):
    assert as_user(attendee).get(f"/events/{free_event.pk}/check-in/").status_code == 403
    refused = as_user(attendee).post(f"/events/{free_event.pk}/check-in/", {"code": ticket.code})
    assert refused.status_code == 403
    assert (
        client_for(alpha)
        .post(f"/events/{free_event.pk}/check-in/", {"code": ticket.code})
        .status_code
        == 302
    )
    assert Ticket.objects.get().checked_in_at is None


def test_live_topic_is_for_door_staff_only(alpha, attendee, door, free_event, in_alpha):
    from django.contrib.auth.models import AnonymousUser

    from tenant_apps.events.handlers import can_follow_checkin

    assert can_follow_checkin(door, str(free_event.pk))
    assert not can_follow_checkin(attendee, str(free_event.pk))
    assert not can_follow_checkin(AnonymousUser(), str(free_event.pk))
    assert not can_follow_checkin(door, "999999")
    assert not can_follow_checkin(door, "abc")


def test_beta_cannot_check_in_alphas_tickets(alpha, beta, client_for, owner_of, free_event, ticket):
    client = client_for(beta)
    client.force_login(owner_of(beta))
    assert (
        client.post(f"/events/{free_event.pk}/check-in/", {"code": ticket.code}).status_code == 404
    )
    assert Ticket.objects.get().checked_in_at is None
