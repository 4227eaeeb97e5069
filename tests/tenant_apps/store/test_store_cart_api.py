"""The cart and checkout through the REST API: the same services, stock checks and error
bodies as the pages, an anonymous visitor's cart in the session and a member's in the database,
card checkouts answering Stripe's payment page, and beta seeing nothing of alpha's."""

from datetime import timedelta

import pytest
from django.utils import timezone
from store_factories import ADDRESS

from tenant_apps.store import services
from tenant_apps.store.models import CartLine, Order, OrderStatus, StockState, Variant
from tenants.context import tenant_context

API = "/api/v1/store"
JSON = "application/json"


def add(client, variant, quantity=1):
    return client.post(
        f"{API}/cart/lines/", {"variant": variant.pk, "quantity": quantity}, content_type=JSON
    )


def checkout(client, catalogue, **overrides):
    data = {**ADDRESS, "shipping_method": catalogue.standard.pk, "payment_method": "offline"}
    data.update(overrides)
    return client.post(f"{API}/checkout/", data, content_type=JSON)


def fields_of(response) -> dict:
    return response.json()["error"]["fields"]


def test_visitor_fills_changes_and_empties_a_session_cart(alpha, client_for, catalogue):
    client = client_for(alpha)
    assert client.get(f"{API}/cart/").json()["lines"] == []
    response = add(client, catalogue.tee_l, 2)
    assert response.status_code == 200, response.content
    body = add(client, catalogue.tee_l, 1).json()  # adds to what is there
    (line,) = body["lines"]
    assert line["variant"] == catalogue.tee_l.pk and line["quantity"] == 3
    assert line["unit_price"] == "22.50" and line["line_total"] == "67.50"
    assert body["subtotal"] == "67.50" and body["currency"] == "EUR" and body["count"] == 3
    add(client, catalogue.mug_variant)
    url = f"{API}/cart/lines/{catalogue.tee_l.pk}/"
    body = client.patch(url, {"quantity": 1}, content_type=JSON).json()
    assert {li["variant"]: li["quantity"] for li in body["lines"]} == {
        catalogue.tee_l.pk: 1,
        catalogue.mug_variant.pk: 1,
    }
    body = client.delete(url).json()
    assert [li["variant"] for li in body["lines"]] == [catalogue.mug_variant.pk]
    assert client.delete(f"{API}/cart/").json()["lines"] == []


def test_member_cart_lives_in_the_database(alpha, as_user, shopper, catalogue):
    client = as_user(shopper)
    assert add(client, catalogue.mug_variant, 2).status_code == 200
    with tenant_context(alpha):
        line = CartLine.objects.get(cart__user=shopper)
        assert (line.variant_id, line.quantity) == (catalogue.mug_variant.pk, 2)
    # The page shows the same cart: one implementation behind both.
    assert as_user(shopper).get("/store/cart/").context["cart"].count == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"variant": "x", "quantity": 1}, "variant"),
        ({"quantity": 1}, "variant"),
        ({"variant": 1, "quantity": 0}, "quantity"),
        ({"variant": 1, "quantity": 100}, "quantity"),
        ({"variant": 1, "quantity": "lots"}, "quantity"),
    ],
)
def test_bad_cart_input_is_a_400_naming_the_field(alpha, client_for, catalogue, payload, field):
    response = client_for(alpha).post(f"{API}/cart/lines/", payload, content_type=JSON)
    assert response.status_code == 400, response.content
    assert field in fields_of(response)


def test_cart_refuses_more_than_the_stock_and_options_not_for_sale(alpha, client_for, catalogue):
    client = client_for(alpha)
    response = add(client, catalogue.mug_variant, 6)  # 5 in stock
    assert response.status_code == 400
    assert fields_of(response)["quantity"] == ["Only 5 of Mug left."]
    add(client, catalogue.mug_variant, 4)
    response = add(client, catalogue.mug_variant, 2)  # 4 + 2 > 5
    assert response.status_code == 400 and "quantity" in fields_of(response)
    response = client.patch(
        f"{API}/cart/lines/{catalogue.mug_variant.pk}/", {"quantity": 9}, content_type=JSON
    )
    assert response.status_code == 400 and "quantity" in fields_of(response)
    with tenant_context(alpha):
        draft_variant = catalogue.draft.variants.get()
    response = add(client, draft_variant)
    assert response.status_code == 400 and "variant" in fields_of(response)
    assert client.get(f"{API}/cart/").json()["lines"][0]["quantity"] == 4


def test_guest_checks_out_offline_and_the_stock_is_reserved(alpha, client_for, catalogue):
    client = client_for(alpha)
    add(client, catalogue.mug_variant, 2)
    response = checkout(client, catalogue, discount_code="ten")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["payment_url"] is None
    order = body["order"]
    assert order["status"] == "pending" and order["payment_method"] == "offline"
    # 2 x 8.00 = 16.00, minus 10 % = 14.40, plus 4.90 shipping.
    assert order["subtotal"] == "16.00" and order["discount_amount"] == "1.60"
    assert order["total"] == "19.30"
    with tenant_context(alpha):
        saved = Order.objects.get()
        assert body["order_url"].endswith(f"/store/orders/{saved.access_token}/")
        assert saved.stock_state == StockState.RESERVED and saved.user is None
        assert Variant.objects.get(pk=catalogue.mug_variant.pk).stock == 3
    assert client.get(body["order_url"]).status_code == 200
    assert client.get(f"{API}/cart/").json()["lines"] == []


def test_member_checks_out_and_reads_the_order_others_cannot(
    alpha, as_user, shopper, member_of, catalogue
):
    client = as_user(shopper)
    add(client, catalogue.tee_m)
    response = checkout(client, catalogue)
    assert response.status_code == 201, response.content
    order_id = response.json()["order"]["id"]
    assert [o["id"] for o in client.get(f"{API}/orders/").json()["results"]] == [order_id]
    assert client.get(f"{API}/orders/{order_id}/").json()["lines"][0]["product_title"] == (
        "Club Tee"
    )
    other = as_user(member_of(alpha, email="other@example.com"))
    assert other.get(f"{API}/orders/").json()["results"] == []
    assert other.get(f"{API}/orders/{order_id}/").status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"country": "Germany"}, "country"),
        ({"full_name": ""}, "full_name"),
        ({"payment_method": "bitcoin"}, "payment_method"),
        ({"shipping_method": 999999}, "shipping_method"),
        ({"discount_code": "NOPE"}, "discount_code"),
        ({"payment_method": "card"}, "payment_method"),  # no Stripe account connected
        ({"note": "x" * 1001}, "note"),
    ],
)
def test_bad_checkout_input_is_a_400_naming_the_field_and_reserves_nothing(
    alpha, client_for, catalogue, overrides, field
):
    client = client_for(alpha)
    add(client, catalogue.mug_variant, 2)
    response = checkout(client, catalogue, **overrides)
    assert response.status_code == 400, response.content
    assert field in fields_of(response)
    with tenant_context(alpha):
        assert not Order.objects.exists()
        assert Variant.objects.get(pk=catalogue.mug_variant.pk).stock == 5
    assert len(client.get(f"{API}/cart/").json()["lines"]) == 1  # the cart is kept


def test_checkout_of_an_empty_cart_names_the_cart(alpha, client_for, catalogue):
    response = checkout(client_for(alpha), catalogue)
    assert response.status_code == 400 and "cart" in fields_of(response)


def test_items_sold_meanwhile_are_not_oversold(alpha, client_for, catalogue, shop_admin):
    client = client_for(alpha)
    add(client, catalogue.mug_variant, 3)
    with tenant_context(alpha):  # someone else buys the mugs first
        services.place_order(
            user=None, quantities={catalogue.mug_variant.pk: 5}, address=ADDRESS,
            shipping_method_id=catalogue.standard.pk, payment_method="offline",
        )  # fmt: skip
    response = checkout(client, catalogue)
    assert response.status_code == 400 and "cart" in fields_of(response)
    with tenant_context(alpha):
        assert Order.objects.count() == 1
        assert Variant.objects.get(pk=catalogue.mug_variant.pk).stock == 0


def test_card_checkout_answers_the_payment_page_and_reserves_for_the_window(
    alpha, client_for, catalogue, stripe_connected, settings
):
    settings.STORE_RESERVATION_MINUTES = 45
    client = client_for(alpha)
    add(client, catalogue.mug_variant, 2)
    before = timezone.now()
    response = checkout(client, catalogue, payment_method="card")
    assert response.status_code == 201, response.content
    (session,) = stripe_connected.all("checkout.session")
    body = response.json()
    assert body["payment_url"] == session["url"]
    assert body["order"]["payment_method"] == "card"
    # Stripe's session ends when the reservation window does; the store keeps the stock a few
    # minutes more, for the expiry webhook to be what gives it back.
    expires = session["expires_at"]
    assert before.timestamp() + 45 * 60 - 5 <= expires <= timezone.now().timestamp() + 45 * 60
    with tenant_context(alpha):
        order = Order.objects.get()
        assert order.stripe_session_id == session["id"]
        grace = services.WEBHOOK_GRACE.total_seconds()
        assert abs(order.reserved_until.timestamp() - (expires + grace)) < 1


def test_beta_has_its_own_cart_and_cannot_buy_alphas_products(
    alpha, beta, client_for, as_user, owner_of, catalogue
):
    alpha_client = client_for(alpha)
    add(alpha_client, catalogue.mug_variant, 2)
    beta_client = as_user(owner_of(beta), beta)
    assert beta_client.get(f"{API}/cart/").json()["lines"] == []
    response = add(beta_client, catalogue.mug_variant)
    assert response.status_code == 400 and "variant" in fields_of(response)
    response = checkout(beta_client, catalogue)
    assert response.status_code == 400
    assert beta_client.get(f"{API}/orders/").json()["results"] == []
    with tenant_context(alpha):
        assert not Order.objects.exists()
        assert Variant.objects.get(pk=catalogue.mug_variant.pk).stock == 5


def test_lapsed_card_reservation_is_released_by_the_sweep_after_the_window(
    alpha, client_for, catalogue, stripe_connected
):
    client = client_for(alpha)
    add(client, catalogue.mug_variant, 2)
    assert checkout(client, catalogue, payment_method="card").status_code == 201
    with tenant_context(alpha):
        order = Order.objects.get()
        window = timedelta(minutes=30)
        # At the end of the session's window the expiry webhook has not had its grace yet.
        assert services.release_lapsed_reservations(now=order.created_at + window) == 0
        # A lost expiry webhook: the sweep gives the stock back once the grace is over too.
        later = order.created_at + window + services.WEBHOOK_GRACE + timedelta(seconds=5)
        assert services.release_lapsed_reservations(now=later) == 1
        order.refresh_from_db()
        assert order.status == OrderStatus.CANCELLED
        assert Variant.objects.get(pk=catalogue.mug_variant.pk).stock == 5


def test_stripe_unreachable_at_checkout_is_a_502_and_gives_the_stock_back(
    alpha, client_for, catalogue, stripe_connected, settings
):
    client = client_for(alpha)
    add(client, catalogue.mug_variant, 2)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    response = checkout(client, catalogue, payment_method="card")
    assert response.status_code == 502, response.content
    error = response.json()["error"]
    assert "cancelled" in error["message"]
    with tenant_context(alpha):
        order = Order.objects.get()
        assert error["order"] == order.number
        assert order.status == OrderStatus.CANCELLED
        assert Variant.objects.get(pk=catalogue.mug_variant.pk).stock == 5


def test_the_openapi_schema_documents_cart_checkout_and_versions(alpha, client_for):
    response = client_for(alpha).get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    paths, components = schema["paths"], schema["components"]["schemas"]
    assert set(paths[f"{API}/cart/"]) >= {"get", "delete"}
    assert "post" in paths[f"{API}/cart/lines/"]
    assert set(paths[f"{API}/cart/lines/{{variant_id}}/"]) >= {"patch", "delete"}
    checkout_op = paths[f"{API}/checkout/"]["post"]
    assert {"201", "400", "502"} <= set(checkout_op["responses"])
    assert checkout_op["responses"]["502"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ApiError"
    }
    assert checkout_op["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/StoreCheckoutResult"
    }
    patch = paths[f"{API}/manage/products/{{id}}/"]["patch"]
    assert "409" in patch["responses"]
    expected = {"StoreCart", "StoreCartAddRequest", "StoreCheckoutRequest", "ApiError"}
    assert expected <= set(components)
    assert "version" in components["Product"]["properties"]
