"""The main journeys, as a person would take them, in a real browser."""

from django.conf import settings

from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, link_in_last_email, screenshot


def test_an_organization_signs_up_and_lands_logged_in_on_its_subdomain(page, url, committed):
    committed["subdomains"].add("browser-co")
    committed["emails"].add("founder@browser-co.example")

    page.goto(url(None, "/"))
    assert_accessible(page)
    screenshot(page, "signup", "1-landing")
    page.get_by_role("link", name="Start your site — free").click()

    page.get_by_label("Organization name").fill("Browser Co")
    page.get_by_label("Subdomain").fill("www")
    page.get_by_text("That subdomain is reserved").wait_for()  # live check with htmx
    page.get_by_label("Subdomain").fill("browser-co")
    page.get_by_text(f"browser-co.{settings.BASE_DOMAIN} is available").wait_for()
    page.get_by_label("Your email").fill("founder@browser-co.example")
    page.get_by_label("Password").fill(PASSWORD)
    assert_accessible(page)
    screenshot(page, "signup", "2-form")
    page.get_by_role("button", name="Create my site").click()

    page.get_by_text("Welcome! You are logged in.").wait_for()
    assert page.url == url("browser-co", "/")
    assert page.get_by_role("heading", name="Browser Co").is_visible()
    assert_accessible(page)
    screenshot(page, "signup", "3-new-site")


def test_a_visitor_joins_a_tenant_site_using_only_the_keyboard(page, url, django_db_blocker):
    # No `alpha`/`db` fixture here: the server thread commits the new account, so the clean-up
    # must commit too (inside the test's transaction it would be rolled back).
    from shared_apps.accounts.models import User
    from tenants.context import schema_context

    email = "keyboard-visitor@example.com"
    try:
        page.goto(url("alpha", "/"))
        assert_accessible(page)
        page.get_by_role("link", name="Join Alpha Club").focus()
        page.keyboard.press("Enter")
        page.get_by_label("Email").wait_for()
        page.get_by_label("Email").focus()
        page.keyboard.type(email)
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        assert_accessible(page)
        screenshot(page, "join", "1-signup")
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="Verify Your Email Address").wait_for()
        screenshot(page, "join", "2-verify")

        page.goto(
            link_in_last_email(r"http://alpha\.example\.test[^\s]*/accounts/confirm-email/\S+")
        )
        page.get_by_role("button", name="Confirm").focus()
        page.keyboard.press("Enter")
        page.get_by_text(email.split("@")[0]).first.wait_for()
        assert_accessible(page)
        screenshot(page, "join", "3-member")
    finally:
        with django_db_blocker.unblock(), schema_context("alpha"):
            User.objects.filter(email=email).delete()
            assert not User.objects.filter(email=email).exists()


def test_error_pages_are_clear_and_accessible(page, url):
    page.goto(url("nobody-here", "/"))
    assert page.get_by_role(
        "heading", name=f"There is no site at nobody-here.{settings.BASE_DOMAIN}"
    ).is_visible()
    assert_accessible(page)
    screenshot(page, "errors", "unknown-host")
    response = page.goto(url("alpha", "/no/such/page/"))
    assert response.status == 404
    assert page.get_by_role("heading", name="Page not found").is_visible()
    assert_accessible(page)
    screenshot(page, "errors", "404")
