"""Events in a real browser: a visitor registers for a free event and the organizer checks the
ticket in at the door (typed code, htmx answer, double scan)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, screenshot

DOOR_EMAIL = "door-organizer@example.com"


@pytest.fixture
def browser_event(django_db_setup, django_db_blocker):
    """A published free event in alpha and a verified admin to run the door, committed (the
    server thread reads them) and removed afterwards."""
    from shared_apps.accounts.models import User
    from shared_apps.accounts.services import create_account
    from tenant_apps.events.models import Event, Order, TicketType
    from tenant_apps.members.models import Member, Role
    from tenants.context import schema_context

    with django_db_blocker.unblock(), schema_context("alpha"):
        user = create_account(email=DOOR_EMAIL, password=PASSWORD, verified=True)
        Member.objects.create(user=user, role=Role.ADMIN)
        start = timezone.now() + timedelta(days=7)
        event = Event.objects.create(
            title="Browser meetup",
            description="Talks and **pizza**.",
            venue_name="Community hall",
            address="3 Elm Street",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            timezone="Europe/Paris",
            status="published",
            capacity=30,
        )
        TicketType.objects.create(event=event, name="Free entry", quantity=30, max_per_order=4)
    yield event
    with django_db_blocker.unblock(), schema_context("alpha"):
        Order.objects.filter(event=event).delete()
        Event.objects.filter(pk=event.pk).delete()
        Member.objects.filter(user__email=DOOR_EMAIL).delete()
        User.objects.filter(email=DOOR_EMAIL).delete()
        assert not User.objects.filter(email=DOOR_EMAIL).exists()


def test_a_visitor_registers_for_a_free_event_and_is_checked_in(page, browser, url, browser_event):
    page.goto(url("alpha", "/events/"))
    page.get_by_role("link", name="Browser meetup").click()
    page.get_by_role("heading", name="Browser meetup").wait_for()
    assert_accessible(page)
    screenshot(page, "events", "1-event-page")

    page.get_by_label("How many Free entry").fill("1")
    page.get_by_label("Your name").fill("Vera Visitor")
    page.get_by_label("Email (your tickets are sent here)").fill("vera@example.com")
    page.get_by_role("button", name="Register").click()
    page.get_by_text("You are registered").wait_for()
    code = page.locator(".events-code").first.inner_text().strip()
    assert len(code) == 16
    assert page.get_by_role("img", name=f"QR code of ticket {code}").is_visible()
    assert_accessible(page)
    screenshot(page, "events", "2-ticket")

    organizer = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    door = organizer.new_page()
    door.set_default_timeout(15_000)
    try:
        door.goto(url("alpha", f"/accounts/login/?next=/events/{browser_event.pk}/check-in/"))
        door.get_by_label("Email").fill(DOOR_EMAIL)
        door.get_by_label("Password").fill(PASSWORD)
        door.get_by_role("button", name="Sign In").click()
        door.get_by_role("heading", name="Check-in").wait_for()
        assert_accessible(door)
        screenshot(door, "events", "3-check-in")

        door.get_by_label("Ticket code").fill(code.lower())
        door.get_by_role("button", name="Check in").click()
        door.get_by_text("✓ Valid").wait_for()
        assert door.get_by_text("Welcome, Vera Visitor.").is_visible()
        assert door.locator("#checkin-counts [data-checked-in]").inner_text() == "1"
        screenshot(door, "events", "4-valid")

        door.get_by_label("Ticket code").fill(code)  # the same ticket scanned again
        door.get_by_role("button", name="Check in").click()
        door.get_by_text("⚠ Already checked in").wait_for()
        assert_accessible(door)
        screenshot(door, "events", "5-already")

        door.get_by_label("Ticket code").fill("NOT-A-TICKET")
        door.get_by_role("button", name="Check in").click()
        door.get_by_text("✗ Invalid").wait_for()
    finally:
        organizer.close()
