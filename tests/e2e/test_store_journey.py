"""The shop, as a customer takes it in a real browser: browse and filter, a product page,
add to the cart (htmx), check out as a guest paying offline; then the admin ships the order."""

import re
from decimal import Decimal

import pytest

from tests.e2e.conftest import assert_accessible, screenshot


@pytest.fixture
def shop(committed):
    """A published product with two variants and a shipping method, committed in alpha."""
    from shared_apps.accounts.models import User
    from tenant_apps.store import services
    from tenant_apps.store.models import Order, Product, ShippingMethod
    from tenants.context import tenant_context
    from tenants.models import Organization

    alpha = Organization.objects.get(schema_name="alpha")
    with tenant_context(alpha):
        owner = User.objects.get(email="owner@alpha.test")
        product = services.create_product(
            acting_user=owner, organization=alpha, title="Browser Tee", price=Decimal("19.00"),
            description="A **comfortable** tee.", status="published", stock=5, sku="BT",
        )  # fmt: skip
        services.update_variant(acting_user=owner, variant=product.variants.get(), name="M")
        services.add_variant(acting_user=owner, product=product, name="L", stock=2)
        services.create_product(
            acting_user=owner, organization=alpha, title="Browser Mug", price=Decimal("7.50"),
            status="published", stock=3,
        )  # fmt: skip
        shipping = services.save_shipping_method(
            acting_user=owner, name="Standard post", price=Decimal("4.00")
        )
    yield alpha
    with tenant_context(alpha):
        Order.objects.all().delete()
        Product.objects.filter(title__startswith="Browser ").delete()
        ShippingMethod.objects.filter(pk=shipping.pk).delete()
        from tenant_apps.notifications.models import Notification

        Notification.objects.filter(kind__startswith="store.").delete()


def test_a_guest_buys_a_tee_and_the_admin_ships_it(page, url, shop):
    from django.conf import settings

    from shared_apps.accounts.models import User
    from tenants.context import tenant_context
    from tests.conftest import TenantClient

    page.goto(url("alpha", "/store/"))
    page.get_by_role("heading", name="Shop").wait_for()
    assert_accessible(page)
    screenshot(page, "store", "1-catalogue")

    page.get_by_label("Search").fill("mug")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**q=mug**")  # htmx swapped the grid and kept the filter in the address
    page.get_by_role("link", name="Browser Tee").wait_for(state="detached")
    assert page.get_by_role("link", name="Browser Mug").is_visible()
    page.get_by_label("Search").fill("")
    page.get_by_role("button", name="Apply").click()
    page.get_by_role("link", name="Browser Tee").first.click()

    page.get_by_role("heading", name="Browser Tee").wait_for()
    assert page.locator("strong", has_text="comfortable").is_visible()
    page.get_by_label("L · €19.00 · 2 in stock").check()
    page.get_by_label("Quantity").fill("3")
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_text("Only 2 of Browser Tee - L left.").wait_for()  # checked against stock
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_text("Added to your cart (2 items)").wait_for()
    assert_accessible(page)
    screenshot(page, "store", "2-product")

    page.get_by_role("link", name="Go to the cart").click()
    page.get_by_role("heading", name="Your cart").wait_for()
    assert page.get_by_text("€38.00").first.is_visible()
    assert_accessible(page)
    screenshot(page, "store", "3-cart")
    page.get_by_role("link", name="Check out").click()

    page.get_by_role("heading", name="Checkout").wait_for()
    page.get_by_label("Email").fill("browser-guest@example.com")
    page.get_by_label("Full name").fill("Bea Browser")
    page.get_by_label(re.compile(r"^Address:?$")).fill("2 Window Road")
    page.get_by_label("City").fill("Lyon")
    page.get_by_label("Postal code").fill("69001")
    page.get_by_label("Country").fill("FR")
    page.get_by_label("Pay offline (bank transfer or in person)").check()
    page.locator("#order-summary").get_by_text("€42.00").wait_for()  # 38 + 4 shipping
    assert_accessible(page)
    screenshot(page, "store", "4-checkout")
    page.get_by_role("button", name="Place order").click()

    page.get_by_role("heading", name="Order #").wait_for()
    assert page.get_by_text("Your items are reserved until").is_visible()
    assert_accessible(page)
    screenshot(page, "store", "5-order")
    order_url = page.url

    # The admin (signed in on alpha) ships it with a tracking number.
    admin = TenantClient(shop)
    with tenant_context(shop):
        admin.force_login(User.objects.get(email="owner@alpha.test"))
    cookie = admin.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie,
          "domain": f"alpha.{settings.BASE_DOMAIN}", "path": "/"}]
    )  # fmt: skip
    page.goto(url("alpha", "/store/manage/orders/"))
    page.get_by_role("heading", name="Orders").wait_for()
    screenshot(page, "store", "6-admin-orders")
    page.get_by_role("link", name="#").first.click()
    page.get_by_label("Status").select_option("paid")
    page.get_by_role("button", name="Update order").click()
    page.get_by_text("Order updated.").wait_for()
    page.get_by_label("Status").select_option("shipped")
    page.get_by_label("Tracking number").fill("BR123")
    page.get_by_role("button", name="Update order").click()
    page.get_by_text("tracking BR123").wait_for()
    assert_accessible(page)
    screenshot(page, "store", "7-admin-order")

    page.goto(order_url)
    page.get_by_text("Shipped").first.wait_for()
    assert page.get_by_text("BR123").first.is_visible()
