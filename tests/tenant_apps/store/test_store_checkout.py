"""Cart (session for visitors, database for members, merged at login, checked against stock)
and checkout (address, shipping, tax, discount codes, exact totals, pay offline)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone
from store_factories import ADDRESS, checkout_data

from tenant_apps.store import services
from tenant_apps.store.models import (
    CartLine,
    DiscountCode,
    Order,
    OrderStatus,
    StockState,
    Variant,
)
from tenants.context import tenant_context


def session_cart(client, organization) -> dict:
    """The visitor's session cart as stored (sessions live in the tenant's schema)."""
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    with tenant_context(organization):
        session = store(client.cookies[settings.SESSION_COOKIE_NAME].value)
        return session.get(services.SESSION_CART_KEY)


def add(client, variant, quantity=1, **extra):
    return client.post("/store/cart/add/", {"variant": variant.pk, "quantity": quantity}, **extra)


def test_visitor_cart_lives_in_the_session(alpha, client_for, catalogue):
    client = client_for(alpha)
    assert add(client, catalogue.mug_variant, 2).status_code == 302
    assert add(client, catalogue.tee_l, 1).status_code == 302
    page = client.get("/store/cart/").content.decode()
    assert "Mug" in page and "€16.00" in page and "€38.50" in page
    assert session_cart(client, alpha) == {
        str(catalogue.mug_variant.pk): 2,
        str(catalogue.tee_l.pk): 1,
    }
    with tenant_context(alpha):
        assert not CartLine.objects.exists()


def test_member_cart_lives_in_the_database(alpha, as_user, shopper, catalogue):
    client = as_user(shopper)
    add(client, catalogue.mug_variant, 3)
    with tenant_context(alpha):
        assert CartLine.objects.get(cart__user=shopper).quantity == 3


def test_quantities_beyond_stock_are_refused(alpha, client_for, catalogue):
    client = client_for(alpha)
    response = add(client, catalogue.mug_variant, 6, HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and "Only 5" in response.content.decode()
    add(client, catalogue.mug_variant, 4)
    response = add(client, catalogue.mug_variant, 2, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    url = f"/store/cart/{catalogue.mug_variant.pk}/"
    assert client.post(url, {"quantity": "9"}, HTTP_HX_REQUEST="true").status_code == 400
    assert client.post(url, {"quantity": "abc"}, HTTP_HX_REQUEST="true").status_code == 400
    assert client.post(url, {"quantity": "0"}, HTTP_HX_REQUEST="true").status_code == 200
    assert session_cart(client, alpha) == {}


def test_drafts_and_unknown_variants_cannot_be_added(alpha, client_for, catalogue):
    client = client_for(alpha)
    with tenant_context(alpha):
        draft_variant = catalogue.draft.variants.first()
    assert add(client, draft_variant, HTTP_HX_REQUEST="true").status_code == 400
    response = client.post("/store/cart/add/", {"variant": "999999", "quantity": "1"},
                           HTTP_HX_REQUEST="true")  # fmt: skip
    assert response.status_code == 400


def test_session_cart_is_merged_at_login_within_stock(alpha, client_for, shopper, catalogue):
    from tests.conftest import PASSWORD

    with tenant_context(alpha):
        services.set_cart_quantity(
            user=shopper, session=None, variant_id=catalogue.mug_variant.pk, quantity=3
        )
    client = client_for(alpha)
    add(client, catalogue.mug_variant, 4)
    add(client, catalogue.tee_l, 1)
    response = client.post("/accounts/login/", {"login": shopper.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    with tenant_context(alpha):
        lines = dict(
            CartLine.objects.filter(cart__user=shopper).values_list("variant_id", "quantity")
        )
    assert lines == {catalogue.mug_variant.pk: 5, catalogue.tee_l.pk: 1}  # 3 + 4 capped at 5
    assert session_cart(client, alpha) is None


def test_cart_flags_lines_whose_stock_fell(alpha, client_for, catalogue, shop_admin):
    client = client_for(alpha)
    add(client, catalogue.mug_variant, 4)
    with tenant_context(alpha):
        services.set_stock(acting_user=shop_admin, variant_id=catalogue.mug_variant.pk, stock=2)
    page = client.get("/store/cart/").content.decode()
    assert "Only 2 left" in page


def test_guest_checks_out_paying_offline_with_exact_totals(
    alpha, client_for, catalogue, shop_admin
):
    with tenant_context(alpha):
        services.update_settings(acting_user=shop_admin, tax_rate=Decimal("19"))
    client = client_for(alpha)
    add(client, catalogue.tee_l, 1)  # 22.50
    add(client, catalogue.mug_variant, 2)  # 16.00
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/store/checkout/", checkout_data(catalogue, discount_code="ten"))
    assert response.status_code == 302, response.content.decode()[:3000]
    with tenant_context(alpha):
        order = Order.objects.get()
        # 38.50 - 3.85 (10 %) + 4.90 shipping = 39.55; tax 19 % = 7.5145 -> 7.51
        assert order.subtotal == Decimal("38.50")
        assert order.discount_amount == Decimal("3.85")
        assert order.shipping_amount == Decimal("4.90")
        assert order.tax_amount == Decimal("7.51")
        assert order.total == Decimal("47.06")
        assert order.status == OrderStatus.PENDING and order.stock_state == StockState.RESERVED
        assert order.user is None and order.email == ADDRESS["email"]
        assert Variant.objects.get(pk=catalogue.mug_variant.pk).stock == 3
        assert DiscountCode.objects.get(pk=catalogue.percent.pk).times_used == 1
        assert order.events.get().message == "Order placed."
    assert response["Location"] == f"/store/orders/{order.access_token}/"
    page = client.get(response["Location"]).content.decode()
    assert "€47.06" in page and f"Order #{order.number}" in page
    assert session_cart(client, alpha) == {}
    (email,) = [m for m in mail.outbox if m.to == [ADDRESS["email"]]]
    assert f"order #{order.number}" in email.subject
    assert email.alternatives and "€47.06" in email.alternatives[0][0] and "€47.06" in email.body


def test_summary_recomputes_with_shipping_and_code(alpha, client_for, catalogue):
    client = client_for(alpha)
    add(client, catalogue.mug_variant, 1)
    body = client.get(
        f"/store/checkout/summary/?shipping_method={catalogue.express.pk}&discount_code=TEN"
    ).content.decode()
    assert "Express" in body and "\u2212€0.80" in body and "€19.20" in body
    body = client.get("/store/checkout/summary/?discount_code=NOPE").content.decode()
    assert "not valid" in body


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"country": "Germany"}, "country"),
        ({"full_name": ""}, "full_name"),
        ({"shipping_method": "999999"}, "shipping_method"),
        ({"discount_code": "NOPE"}, "discount_code"),
        ({"discount_code": "FIVE"}, "discount_code"),  # minimum order 30
        ({"payment_method": "card"}, "payment_method"),  # no Stripe account connected
    ],
)
def test_bad_checkout_input_names_the_field(alpha, client_for, catalogue, overrides, field):
    client = client_for(alpha)
    add(client, catalogue.mug_variant, 1)
    response = client.post("/store/checkout/", checkout_data(catalogue, **overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors, response.context["form"].errors
    with tenant_context(alpha):
        assert not Order.objects.exists()
        assert Variant.objects.get(pk=catalogue.mug_variant.pk).stock == 5


def test_checkout_without_a_connected_account_says_why(alpha, client_for, catalogue):
    client = client_for(alpha)
    add(client, catalogue.mug_variant, 1)
    page = client.get("/store/checkout/").content.decode()
    assert "not connected a Stripe account" in page or "not available on this platform" in page
    assert "Pay offline" in page


def test_no_payment_option_means_no_checkout(alpha, client_for, catalogue, shop_admin):
    with tenant_context(alpha):
        services.update_settings(acting_user=shop_admin, allow_offline_payment=False)
    client = client_for(alpha)
    add(client, catalogue.mug_variant, 1)
    assert "cannot take orders right now" in client.get("/store/checkout/").content.decode()


def test_empty_cart_cannot_check_out(alpha, client_for, catalogue):
    response = client_for(alpha).post("/store/checkout/", checkout_data(catalogue))
    assert response.status_code == 400


def test_stock_sold_meanwhile_fails_the_whole_order(alpha, catalogue, in_alpha):
    with pytest.raises(ValidationError) as error:
        services.place_order(
            user=None,
            quantities={catalogue.mug_variant.pk: 2, catalogue.tee_l.pk: 5},
            address=ADDRESS,
            shipping_method_id=catalogue.standard.pk,
            payment_method="offline",
        )
    assert "only 4 left" in str(error.value.message_dict["cart"])
    assert Variant.objects.get(pk=catalogue.mug_variant.pk).stock == 5  # rolled back


def test_discount_rules_expiry_limit_and_minimum(alpha, catalogue, shop_admin, in_alpha):
    def order(code, quantity=4):
        return services.place_order(
            user=None, quantities={catalogue.mug_variant.pk: quantity}, address=ADDRESS,
            shipping_method_id=catalogue.standard.pk, payment_method="offline",
            discount_code=code,
        )  # fmt: skip

    first = order("five")  # 32.00 >= 30
    assert first.discount_amount == Decimal("5.00")
    services.set_stock(acting_user=shop_admin, variant_id=catalogue.mug_variant.pk, stock=20)
    order("FIVE")
    with pytest.raises(ValidationError, match="used up"):
        order("FIVE")  # usage limit 2
    DiscountCode.objects.filter(pk=catalogue.percent.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(ValidationError, match="expired"):
        order("TEN")
    # A pending order that expires gives its use back.
    services.expire_order(order_id=first.pk, reason="test")
    assert DiscountCode.objects.get(pk=catalogue.fixed.pk).times_used == 1


def test_fixed_discount_never_exceeds_the_goods(alpha, catalogue, shop_admin, in_alpha):
    big = services.save_discount_code(
        acting_user=shop_admin, code="BIG", kind="fixed", value=Decimal("500")
    )
    totals = services.compute_totals(
        subtotal=Decimal("8.00"), currency="EUR", shipping=catalogue.standard, discount=big,
        tax_rate=Decimal("0"),
    )  # fmt: skip
    assert totals.discount == Decimal("8.00") and totals.total == Decimal("4.90")


def test_yen_totals_are_whole_numbers(alpha, in_alpha):
    from tenant_apps.store import money

    assert money.quantize(Decimal("100.5"), "JPY") == Decimal("101")
    assert money.to_minor(Decimal("100"), "JPY") == 100
    assert money.to_minor(Decimal("12.34"), "EUR") == 1234
    with pytest.raises(ValidationError):
        money.check_price(Decimal("1.5"), "JPY")


def test_bad_discount_code_definitions_are_refused(alpha, as_user, shop_admin, catalogue):
    client = as_user(shop_admin)
    for data, field in (
        ({"code": "X", "kind": "percent", "value": "150"}, "value"),
        ({"code": "ten", "kind": "percent", "value": "5"}, "code"),
        ({"code": "bad code!", "kind": "fixed", "value": "5"}, "code"),
    ):
        response = client.post("/store/manage/discounts/", {**data, "is_active": "on"})
        assert response.status_code == 400
        assert field in response.context["form"].errors


def test_member_checkout_is_in_their_history(alpha, as_user, shopper, catalogue, client_for):
    client = as_user(shopper)
    add(client, catalogue.mug_variant, 1)
    response = client.post("/store/checkout/", checkout_data(catalogue, email=shopper.email))
    assert response.status_code == 302
    page = client.get("/store/orders/").content.decode()
    with tenant_context(alpha):
        order = Order.objects.get()
    assert f"#{order.number}" in page
    # Another member's history does not show it.
    other = as_user(client_for and _other_member(alpha))
    assert f"#{order.number}" not in other.get("/store/orders/").content.decode()


def _other_member(alpha):
    from shared_apps.accounts.services import create_account
    from tenant_apps.members.models import Member

    with tenant_context(alpha):
        user = create_account(email="other@example.com", password="x-Sturdy-42", verified=True)
        Member.objects.create(user=user)
    return user


def test_order_history_needs_login_and_has_an_empty_state(alpha, client_for, as_user, shopper):
    assert client_for(alpha).get("/store/orders/").status_code == 302
    assert "No orders yet" in as_user(shopper).get("/store/orders/").content.decode()


def test_order_history_query_count(
    alpha, as_user, shopper, catalogue, django_assert_max_num_queries
):
    with tenant_context(alpha):
        for _ in range(5):
            services.place_order(
                user=shopper, quantities={catalogue.mug_variant.pk: 1}, address=ADDRESS,
                shipping_method_id=catalogue.standard.pk, payment_method="offline",
            )  # fmt: skip
    client = as_user(shopper)
    client.get("/store/orders/")
    with django_assert_max_num_queries(12):
        page = client.get("/store/orders/").content.decode()
    assert page.count("/store/orders/") >= 5


def test_beta_cannot_see_alphas_order_or_cart(alpha, beta, client_for, catalogue):
    with tenant_context(alpha):
        order = services.place_order(
            user=None, quantities={catalogue.mug_variant.pk: 1}, address=ADDRESS,
            shipping_method_id=catalogue.standard.pk, payment_method="offline",
        )  # fmt: skip
    assert client_for(alpha).get(f"/store/orders/{order.access_token}/").status_code == 200
    assert client_for(beta).get(f"/store/orders/{order.access_token}/").status_code == 404
    response = client_for(beta).post(
        "/store/cart/add/", {"variant": catalogue.mug_variant.pk, "quantity": 1},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert response.status_code == 400
