"""The store's REST API: same permissions as the pages, field-named 400s, pagination and
filters, and nothing of alpha for beta."""

from decimal import Decimal

import pytest
from store_factories import ADDRESS

from tenant_apps.store import services
from tenant_apps.store.models import Order, OrderStatus, Product, Variant
from tenants.context import tenant_context

API = "/api/v1/store"


def test_anyone_reads_the_published_catalogue(alpha, client_for, catalogue):
    response = client_for(alpha).get(f"{API}/products/")
    assert response.status_code == 200
    body = response.json()
    titles = [p["title"] for p in body["results"]]
    assert set(titles) == {"Club Tee", "Mug"}
    tee = next(p for p in body["results"] if p["title"] == "Club Tee")
    assert tee["currency"] == "EUR" and tee["price"] == "20.00"
    assert {v["name"]: v["unit_price"] for v in tee["variants"]} == {"M": "20.00", "L": "22.50"}
    assert client_for(alpha).get(f"{API}/products/club-tee/").status_code == 200
    assert client_for(alpha).get(f"{API}/products/secret-hoodie/").status_code == 404


def test_catalogue_filters_and_bad_filters(alpha, client_for, catalogue):
    client = client_for(alpha)
    body = client.get(f"{API}/products/?max_price=10&sort=price").json()
    assert [p["title"] for p in body["results"]] == ["Mug"]
    response = client.get(f"{API}/products/?min_price=abc")
    assert response.status_code == 400
    assert "min_price" in response.json()["error"]["fields"]
    response = client.get(f"{API}/products/?sort=cheapest")
    assert response.status_code == 400 and "sort" in response.json()["error"]["fields"]


def test_list_is_paginated_with_bounded_queries(
    alpha, client_for, catalogue, django_assert_max_num_queries
):
    client = client_for(alpha)
    client.get(f"{API}/products/")
    with django_assert_max_num_queries(12):
        body = client.get(f"{API}/products/?page_size=1").json()
    assert body["count"] == 2 and len(body["results"]) == 1


def test_admin_creates_and_edits_products(alpha, as_user, shop_admin, catalogue):
    client = as_user(shop_admin)
    response = client.post(
        f"{API}/manage/products/",
        {"title": "Cap", "price": "15.00", "status": "published", "stock": 4,
         "categories": [catalogue.shirts.pk]},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    cap = response.json()
    assert cap["slug"] == "cap" and cap["variants"][0]["stock"] == 4
    response = client.patch(
        f"{API}/manage/products/{cap['id']}/", {"price": "12.50"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["price"] == "12.50"
    drafts = client.get(f"{API}/manage/products/").json()
    assert "Secret hoodie" in [p["title"] for p in drafts["results"]]
    assert client.delete(f"{API}/manage/products/{cap['id']}/").status_code == 204


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "", "price": "1"}, "title"),
        ({"title": "X", "price": "-1"}, "price"),
        ({"title": "X", "price": "1.999"}, "price"),
        ({"title": "X", "price": "1", "sku": "MUG"}, "sku"),
        ({"title": "X", "price": "1", "stock": -2}, "stock"),
    ],
)
def test_bad_product_input_is_a_400_naming_the_field(
    alpha, as_user, shop_admin, catalogue, payload, field
):
    response = as_user(shop_admin).post(
        f"{API}/manage/products/", payload, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]


def test_stock_action_refuses_a_stale_value_with_409(alpha, as_user, shop_admin, catalogue):
    client = as_user(shop_admin)
    url = f"{API}/manage/variants/{catalogue.mug_variant.pk}/stock/"
    response = client.post(url, {"stock": 9, "expected": 5}, content_type="application/json")
    assert response.status_code == 200 and response.json()["stock"] == 9
    response = client.post(url, {"stock": 1, "expected": 5}, content_type="application/json")
    assert response.status_code == 409
    response = client.post(url, {"stock": -1}, content_type="application/json")
    assert response.status_code == 400 and "stock" in response.json()["error"]["fields"]


def test_members_cannot_use_management_endpoints(alpha, as_user, shopper, moderator, catalogue):
    for user in (shopper, moderator):
        client = as_user(user)
        assert client.get(f"{API}/manage/products/").status_code == 403
        assert client.get(f"{API}/manage/orders/").status_code == 403
        response = client.post(
            f"{API}/manage/products/", {"title": "X", "price": "1"},
            content_type="application/json",
        )  # fmt: skip
        assert response.status_code == 403
    with tenant_context(alpha):
        assert not Product.objects.filter(title="X").exists()


def test_anonymous_visitors_cannot_read_orders(alpha, client_for):
    assert client_for(alpha).get(f"{API}/orders/").status_code in (401, 403)
    assert client_for(alpha).get(f"{API}/manage/sales/").status_code in (401, 403)


def test_members_read_only_their_own_orders(alpha, as_user, shopper, catalogue, member_of):
    other = member_of(alpha, email="other@example.com")
    with tenant_context(alpha):
        mine = services.place_order(
            user=shopper, quantities={catalogue.mug_variant.pk: 1}, address=ADDRESS,
            shipping_method_id=catalogue.standard.pk, payment_method="offline",
        )  # fmt: skip
        theirs = services.place_order(
            user=other, quantities={catalogue.mug_variant.pk: 1}, address=ADDRESS,
            shipping_method_id=catalogue.standard.pk, payment_method="offline",
        )  # fmt: skip
    client = as_user(shopper)
    numbers = [o["number"] for o in client.get(f"{API}/orders/").json()["results"]]
    assert numbers == [mine.number]
    assert client.get(f"{API}/orders/{theirs.pk}/").status_code == 404


def test_admin_moves_an_order_and_refunds_it(alpha, as_user, shop_admin, catalogue):
    with tenant_context(alpha):
        order = services.place_order(
            user=None, quantities={catalogue.mug_variant.pk: 2}, address=ADDRESS,
            shipping_method_id=catalogue.standard.pk, payment_method="offline",
        )  # fmt: skip
    client = as_user(shop_admin)
    url = f"{API}/manage/orders/{order.pk}"

    def post(path, data):
        return client.post(f"{url}/{path}/", data, content_type="application/json")

    assert post("status", {"status": "shipped"}).status_code == 400  # pending cannot ship
    assert post("status", {"status": "paid"}).json()["status"] == "paid"
    response = post("status", {"status": "shipped"})
    assert response.status_code == 400 and "tracking_number" in response.json()["error"]["fields"]
    body = post("status", {"status": "shipped", "tracking_number": "TRK1", "carrier": "DHL"}).json()
    assert body["status"] == "shipped" and body["tracking_number"] == "TRK1"
    assert post("refund", {"amount": "1.00"}).json()["refunded_amount"] == "1.00"
    response = post("refund", {"amount": "999"})
    assert response.status_code == 400 and "amount" in response.json()["error"]["fields"]
    assert post("status", {"status": "bogus"}).status_code == 400


def test_sales_and_settings_endpoints(alpha, as_user, shop_admin, catalogue):
    client = as_user(shop_admin)
    body = client.get(f"{API}/manage/sales/?days=7").json()
    assert len(body["days"]) == 7 and body["currency"] == "EUR"
    assert client.get(f"{API}/manage/sales/?days=0").status_code == 400
    response = client.patch(
        f"{API}/manage/settings/", {"tax_rate": "7.5"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["tax_rate"] == "7.50"
    response = client.patch(
        f"{API}/manage/settings/", {"tax_rate": "150"}, content_type="application/json"
    )
    assert response.status_code == 400 and "tax_rate" in response.json()["error"]["fields"]


def test_beta_sees_nothing_of_alpha(alpha, beta, client_for, as_user, owner_of, catalogue):
    assert client_for(beta).get(f"{API}/products/").json()["count"] == 0
    beta_owner = as_user(owner_of(beta), beta)
    assert beta_owner.get(f"{API}/manage/variants/{catalogue.mug_variant.pk}/").status_code == 404
    response = beta_owner.post(
        f"{API}/manage/variants/{catalogue.mug_variant.pk}/stock/", {"stock": 0},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 404
    with tenant_context(alpha):
        assert Variant.objects.get(pk=catalogue.mug_variant.pk).stock == 5
        assert not Order.objects.exists()


def test_discount_codes_api_names_bad_fields(alpha, as_user, shop_admin, catalogue):
    client = as_user(shop_admin)
    response = client.post(
        f"{API}/manage/discount-codes/", {"code": "TEN", "kind": "fixed", "value": "3"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400 and "code" in response.json()["error"]["fields"]
    response = client.post(
        f"{API}/manage/discount-codes/", {"code": "SUMMER", "kind": "percent", "value": "15"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201
    assert response.json()["value"] == "15.00"
    assert OrderStatus.PAID == "paid" and Decimal("1")  # enums are plain strings in the API
