"""Journeys of the recipes and links apps, and an admin switching an app off, in a real browser.

The server thread reads committed data: every test removes what it made in alpha's schema
(and puts alpha's apps back) in a `finally`, with the database blocker lifted so that the
clean-up commits.
"""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, screenshot

LANDING = (
    b"<!doctype html><html lang=en><title>Spring menu</title>"
    b"<h1>Welcome to the spring menu</h1></html>"
)


class Landing(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(LANDING)

    def log_message(self, *args):
        pass


@pytest.fixture
def destination():
    """Another web site (on loopback: the tests never reach the internet) that short links
    point at; yields its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Landing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/spring-menu?from=e2e"
    server.shutdown()
    server.server_close()


@pytest.fixture
def alpha_db(django_db_blocker):
    """Run `function` with committed database access inside alpha (as its requests and tasks
    run: services that notify need the current organization, not only the schema)."""
    from tenants.context import tenant_context
    from tenants.models import Organization

    def run(function):
        with django_db_blocker.unblock():
            alpha = Organization.objects.get(schema_name="alpha")
            with tenant_context(alpha):
                return function()

    return run


@pytest.fixture
def alpha_account(alpha_db):
    """alpha_account(email, role) -> that email, a verified account of alpha with that role,
    committed (the server thread must see it) and removed after the test."""
    from shared_apps.accounts.models import User
    from shared_apps.accounts.services import create_account
    from tenant_apps.members.models import Member

    made = []

    def make(email, role):
        def create():
            user = create_account(email=email, password=PASSWORD, verified=True)
            Member.objects.create(user=user, role=role)

        alpha_db(create)
        made.append(email)
        return email

    yield make
    alpha_db(lambda: User.objects.filter(email__in=made).delete())


def log_in(page, url, email, next_path="/"):
    """Log in on alpha's site with the keyboard only: type, Tab, Tab (past "Forgot your
    password?"), Enter."""
    page.goto(url("alpha", f"/accounts/login/?next={next_path}"))
    page.get_by_label("Email").focus()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(url("alpha", next_path))


def nav(page):
    return page.get_by_role("navigation", name="Main")


# --- links ---------------------------------------------------------------------------------


def test_a_member_shortens_a_link_and_a_visitor_follows_it(
    page, browser, url, alpha_db, alpha_account, destination
):
    from tenant_apps.links import services
    from tenant_apps.links.models import ShortLink
    from tenant_apps.members.models import Role

    def clean():
        for link in ShortLink.objects.filter(code__iexact="spring-menu"):
            services.forget_link(link.code)
            link.delete()
        client = services._redis()
        client.delete(services.buffer_key(services.BUFFER_KEY))
        client.delete(services.buffer_key(services.PROCESSING_KEY))

    alpha_db(clean)
    email = alpha_account("e2e-linker@example.com", Role.MEMBER)
    try:
        log_in(page, url, email)
        nav(page).get_by_role("link", name="Links").click()
        page.get_by_role("heading", name="Short links", level=1).wait_for()
        assert_accessible(page)
        screenshot(page, "links", "1-list")

        page.get_by_role("link", name="New short link").first.click()
        # The destination field has the focus: the whole form is filled from the keyboard.
        expect(page.get_by_label("Destination URL")).to_be_focused()
        page.keyboard.type("javascript:alert(1)")
        page.keyboard.press("Tab")
        page.keyboard.type("spring-menu")
        page.keyboard.press("Enter")
        expect(page.get_by_text("Only http:// and https:// links are allowed.")).to_be_visible()
        assert_accessible(page)
        screenshot(page, "links", "2-refused-target")

        page.get_by_label("Destination URL").fill(destination)
        page.get_by_label("Title").fill("Spring menu")
        page.get_by_label("Title").press("Enter")
        page.get_by_role("heading", name="/spring-menu").wait_for()
        short_url = url("alpha", "/spring-menu")
        expect(page.get_by_text(f"Short link {short_url} created.")).to_be_visible()
        assert_accessible(page)
        screenshot(page, "links", "3-created")

        # A visitor (no session, on a phone) follows the short link to the other site.
        visitor = browser.new_context(viewport={"width": 390, "height": 844})
        try:
            visit = visitor.new_page()
            visit.goto(short_url)
            visit.get_by_role("heading", name="Welcome to the spring menu").wait_for()
            assert visit.url == destination
        finally:
            visitor.close()

        # The redirect only buffered the click; the batch task writes it.
        assert alpha_db(services.flush_click_buffer) == 1
        page.reload()
        expect(page.get_by_text("1 click in all · 1 unique visitor")).to_be_visible()
        assert_accessible(page)
        screenshot(page, "links", "4-clicked")
    finally:
        alpha_db(clean)


# --- recipes -------------------------------------------------------------------------------


def test_a_member_adds_a_recipe_scales_it_and_builds_a_shopping_list(
    page, url, alpha_db, alpha_account
):
    from tenant_apps.members.models import Role
    from tenant_apps.recipes.models import Recipe

    def clean():  # the cook's plan and lists go with the account
        Recipe.objects.filter(title="Browser pancakes").delete()

    alpha_db(clean)
    email = alpha_account("e2e-cook@example.com", Role.MEMBER)
    try:
        log_in(page, url, email)
        nav(page).get_by_role("link", name="Recipes").click()
        page.get_by_role("heading", name="Recipes", level=1).wait_for()
        assert_accessible(page)
        screenshot(page, "recipes", "1-index")

        page.get_by_role("link", name="New recipe").first.click()
        page.get_by_label("Title").fill("Browser pancakes")
        page.get_by_label("Servings").fill("4")
        page.get_by_label("Prep time (minutes)").fill("10")
        page.get_by_label("Cook time (minutes)").fill("15")
        page.get_by_label("Vegetarian").check()
        ingredients = page.get_by_role("textbox", name=re.compile("^Ingredients"))
        ingredients.fill("2 cups flour, sifted\n3 eggs\n1 1/2 cups milk\nsalt to taste")
        # htmx shows how each line is read while the cook types.
        preview = page.locator("#ingredient-preview")
        expect(preview.get_by_text("flour")).to_be_visible()
        expect(preview.get_by_text("sifted")).to_be_visible()
        page.get_by_label("Instructions").first.fill("Whisk everything together.")
        page.get_by_label("Instructions").nth(1).fill("Fry ladlefuls until golden.")
        page.get_by_label("Status").select_option("published")
        assert_accessible(page)
        screenshot(page, "recipes", "2-form")
        page.get_by_role("button", name="Save recipe").click()

        page.get_by_role("heading", name="Browser pancakes", level=1).wait_for()
        ingredient_list = page.locator("#ingredients")
        expect(ingredient_list).to_contain_text("3 eggs")
        assert_accessible(page)
        screenshot(page, "recipes", "3-detail")

        # Scale to 8 servings as written: htmx swaps the list in place.
        page.get_by_label("Units").select_option("original")
        servings = page.get_by_label("Servings")
        servings.fill("8")
        servings.press("Tab")  # a change event, as a keyboard user makes it
        expect(ingredient_list).to_contain_text("6 eggs")
        expect(ingredient_list).to_contain_text("4 cups flour")
        expect(ingredient_list).to_contain_text("3 cups milk")
        # ... and in metric.
        page.get_by_label("Units").select_option("metric")
        expect(ingredient_list).to_contain_text(re.compile(r"\d+ g flour|\d[\d.,]* (ml|l) "))
        assert "servings=8" in page.url
        assert_accessible(page)
        screenshot(page, "recipes", "4-scaled")

        # Plan it for dinner today for 2, then make a shopping list of the week.
        page.goto(url("alpha", "/recipes/plan/"))
        page.get_by_role("combobox", name=re.compile("^Recipe")).select_option(
            label="Browser pancakes"
        )
        page.get_by_role("combobox", name=re.compile("^Meal")).select_option("dinner")
        page.get_by_role("spinbutton", name=re.compile("^Servings")).fill("2")
        page.get_by_role("button", name="Add to plan").click()
        expect(
            page.locator("#planner").get_by_role("link", name="Browser pancakes")
        ).to_be_visible()
        assert_accessible(page)
        screenshot(page, "recipes", "5-plan")

        page.get_by_role("button", name="Make a shopping list").click()
        page.get_by_role("heading", name="Shopping list", level=1).wait_for()
        flour = page.get_by_role("button", name=re.compile("flour"))
        expect(flour).to_contain_text("1 cup")  # 2 cups for 4, planned for 2
        expect(page.get_by_role("button", name=re.compile("eggs"))).to_contain_text("1 1/2")
        # Grouped by aisle.
        expect(page.get_by_role("heading", name="Pantry")).to_be_visible()
        expect(page.get_by_role("heading", name="Dairy")).to_be_visible()
        flour.focus()
        page.keyboard.press("Enter")  # tick it off with the keyboard
        expect(page.get_by_role("button", name=re.compile("flour"))).to_have_attribute(
            "aria-pressed", "true"
        )
        assert_accessible(page)
        screenshot(page, "recipes", "6-shopping-list")
    finally:
        alpha_db(clean)


# --- an admin switches an app off -----------------------------------------------------------


def test_a_tenant_admin_switches_an_app_off_and_its_pages_disappear(
    page, url, alpha_db, alpha_account
):
    from tenant_apps.members.models import Role
    from tenants.lifecycle import set_organization_features
    from tenants.models import Organization

    def features():
        return list(Organization.objects.get(schema_name="alpha").features)

    def restore(saved):
        def run():
            organization = Organization.objects.get(schema_name="alpha")
            set_organization_features(organization=organization, features=saved)

        return run

    saved = alpha_db(features)
    assert "links" in saved, "alpha starts with the links app on"
    email = alpha_account("e2e-admin@example.com", Role.ADMIN)
    try:
        log_in(page, url, email, next_path="/console/features/")
        page.get_by_role("heading", name="Apps", level=1).wait_for()
        assert nav(page).get_by_role("link", name="Links").is_visible()
        assert_accessible(page)
        screenshot(page, "switch-off", "1-apps")

        links_box = page.get_by_role("checkbox", name="Links", exact=True)
        links_box.focus()
        page.keyboard.press("Space")
        expect(links_box).not_to_be_checked()
        page.get_by_role("button", name="Save").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_text("Apps saved.")).to_be_visible()
        expect(nav(page).get_by_role("link", name="Links")).to_have_count(0)
        expect(nav(page).get_by_role("link", name="Recipes")).to_be_visible()
        assert "links" not in alpha_db(features)
        assert_accessible(page)
        screenshot(page, "switch-off", "2-links-off")

        response = page.goto(url("alpha", "/links/"))
        assert response.status == 404
        page.get_by_role("heading", name="Page not found").wait_for()
        assert_accessible(page)
        screenshot(page, "switch-off", "3-links-page-gone")
        assert page.goto(url("alpha", "/api/v1/links/short-links/")).status == 404

        # Switching it back on brings the entry back.
        page.goto(url("alpha", "/console/features/"))
        page.get_by_role("checkbox", name="Links", exact=True).check()
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("Apps saved.")).to_be_visible()
        expect(nav(page).get_by_role("link", name="Links")).to_be_visible()
        assert page.goto(url("alpha", "/links/")).status == 200
    finally:
        alpha_db(restore(saved))
        assert alpha_db(features) == saved


# --- every main page of recipes, links and the console passes axe ---------------------------

MAIN_PAGES = [
    "/recipes/",
    "/recipes/new/",
    "/recipes/import/",
    "/recipes/collections/",
    "/recipes/plan/",
    "/recipes/shopping/",
    "/recipes/settings/",
    "/links/",
    "/links/new/",
    "/links/analytics/",
    "/links/bookmarks/",
    "/links/bookmarks/new/",
    "/links/bookmarks/import/",
    "/links/tags/",
    "/links/settings/",
    "/console/",
    "/console/members/",
    "/console/join-policy/",
    "/console/features/",
    "/console/branding/",
    "/console/domains/",
    "/console/usage/",
    "/console/audit/",
]


def test_main_pages_of_recipes_links_and_console_are_accessible(page, url, alpha_db, alpha_account):
    from django.utils import timezone

    from shared_apps.accounts.models import User
    from tenant_apps.links import services as links
    from tenant_apps.links.models import Bookmark, ShortLink
    from tenant_apps.members.models import Role
    from tenant_apps.recipes import services as recipes
    from tenant_apps.recipes.models import Recipe
    from tenants.models import Organization

    email = alpha_account("e2e-axe-admin@example.com", Role.ADMIN)

    def seed():
        admin = User.objects.get(email=email)
        alpha = Organization.objects.get(schema_name="alpha")
        recipe = recipes.create_recipe(
            author=admin,
            data={"title": "Axe soup", "servings": 2, "cuisine": "French", "status": "published"},
            ingredients_text="1 onion\n500 ml stock\nsalt to taste",
            steps=[recipes.StepInput(text="Simmer.", timer_minutes=20)],
        )
        recipes.add_comment(recipe_id=recipe.pk, user=admin, body="Lovely.")
        recipes.plan_meal(user=admin, date=timezone.localdate(), meal="dinner", recipe_id=recipe.pk)
        shopping = recipes.create_shopping_list(
            user=admin, start=timezone.localdate(), end=timezone.localdate()
        )
        link = links.create_short_link(
            organization=alpha, user=admin, target_url="https://example.org/", alias="axe-link",
            title="Axe", tags=["tools"],
        )  # fmt: skip
        locked = links.create_short_link(
            organization=alpha, user=admin, target_url="https://example.org/x", alias="axe-locked",
            password="open sesame",
        )  # fmt: skip
        links.save_bookmark(user=admin, url="https://example.org/read", title="Read", tags=["a"])
        return recipe.pk, shopping.pk, link.pk, locked.code

    def clean():
        Recipe.objects.filter(title="Axe soup").delete()
        for link in ShortLink.objects.filter(code__in=["axe-link", "axe-locked"]):
            links.forget_link(link.code)
            link.delete()
        Bookmark.objects.filter(owner__email=email).delete()

    alpha_db(clean)
    try:
        recipe_id, list_id, link_id, locked_code = alpha_db(seed)
        log_in(page, url, email)
        pages = [
            *MAIN_PAGES,
            f"/recipes/{recipe_id}/",
            f"/recipes/{recipe_id}/print/",
            f"/recipes/{recipe_id}/edit/",
            f"/recipes/shopping/{list_id}/",
            f"/links/{link_id}/",
            f"/links/{link_id}/edit/",
            f"/{locked_code}",
        ]
        failures = []
        for path in pages:
            response = page.goto(url("alpha", path))
            assert response.status == 200, path
            try:
                assert_accessible(page)
            except AssertionError as error:
                failures.append(f"{path}: {error}")
        assert not failures, "\n".join(failures)
        screenshot(page, "links", "5-password")
    finally:
        alpha_db(clean)
