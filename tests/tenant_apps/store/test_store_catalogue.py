"""Catalogue: products with variants, images and categories; the public pages with search,
filters and sorting; admins manage products; plan limits."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from store_factories import make_product, png

from core.errors import PaymentRequired, PermissionDenied
from tenant_apps.store import services
from tenant_apps.store.models import Product, ProductImage, Variant
from tenants.context import tenant_context


def test_anonymous_visitor_sees_published_products_not_drafts(alpha, client_for, catalogue):
    page = client_for(alpha).get("/store/").content.decode()
    assert "Club Tee" in page and "Mug" in page
    assert "Secret hoodie" not in page
    assert client_for(alpha).get("/store/p/secret-hoodie/").status_code == 404


def test_product_page_renders_markdown_variants_and_prices(alpha, client_for, catalogue):
    page = client_for(alpha).get("/store/p/club-tee/").content.decode()
    assert "<strong>Soft</strong>" in page
    assert "M · €20.00" in page and "L · €22.50" in page
    assert "TEE-L" in page


def test_admin_sees_a_draft_with_a_warning(alpha, as_user, shop_admin, catalogue):
    page = as_user(shop_admin).get("/store/p/secret-hoodie/").content.decode()
    assert "This product is a draft" in page


def test_category_page_lists_only_its_products(alpha, client_for, catalogue):
    page = client_for(alpha).get("/store/c/t-shirts/").content.decode()
    assert "Club Tee" in page and "Mug" not in page
    assert client_for(alpha).get("/store/c/nothing/").status_code == 404


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("q=mug", ["Mug"], ["Club Tee"]),
        ("q=TEE-L", ["Club Tee"], ["Mug"]),
        ("min_price=10", ["Club Tee"], ["Mug"]),
        ("max_price=10", ["Mug"], ["Club Tee"]),
        ("category=t-shirts", ["Club Tee"], ["Mug"]),
    ],
)
def test_search_and_filters(alpha, client_for, catalogue, query, shown, hidden):
    page = client_for(alpha).get(f"/store/?{query}").content.decode()
    for title in shown:
        assert title in page
    for title in hidden:
        assert f">{title}<" not in page


def test_in_stock_filter_hides_sold_out_products(alpha, client_for, catalogue, shop_admin):
    with tenant_context(alpha):
        services.set_stock(acting_user=shop_admin, variant_id=catalogue.mug_variant.pk, stock=0)
    page = client_for(alpha).get("/store/?in_stock=on").content.decode()
    assert ">Mug<" not in page and "Club Tee" in page
    assert "Sold out" in client_for(alpha).get("/store/").content.decode()


def test_sorting_by_price(alpha, client_for, catalogue):
    page = client_for(alpha).get("/store/?sort=price").content.decode()
    assert page.index(">Mug<") < page.index(">Club Tee<")
    page = client_for(alpha).get("/store/?sort=-price").content.decode()
    assert page.index(">Club Tee<") < page.index(">Mug<")


def test_bad_filter_gets_a_400_naming_it(alpha, client_for, catalogue):
    response = client_for(alpha).get("/store/?min_price=abc")
    assert response.status_code == 400
    assert "Enter a number" in response.content.decode()
    response = client_for(alpha).get("/store/?min_price=20&max_price=5")
    assert response.status_code == 400


def test_htmx_filter_returns_the_grid_only(alpha, client_for, catalogue):
    response = client_for(alpha).get("/store/?q=mug", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Mug" in body and "<html" not in body


def test_empty_shop_tells_admin_what_to_do(alpha, as_user, shop_admin, client_for):
    assert "Add your first product" in as_user(shop_admin).get("/store/manage/").content.decode()
    assert "Add a product" in as_user(shop_admin).get("/store/").content.decode()
    assert "Come back soon" in client_for(alpha).get("/store/").content.decode()


def test_catalogue_list_makes_a_bounded_number_of_queries(
    alpha, client_for, catalogue, shop_admin, django_assert_max_num_queries
):
    with tenant_context(alpha):
        for n in range(6):
            product = make_product(shop_admin, alpha, title=f"Extra {n}", stock=2)
            services.add_image(acting_user=shop_admin, product=product, upload=png())
    client = client_for(alpha)
    client.get("/store/")
    with django_assert_max_num_queries(14):
        response = client.get("/store/")
    assert response.content.decode().count("store-card") >= 8


def test_admin_creates_a_product_through_the_page(alpha, as_user, shop_admin, catalogue):
    client = as_user(shop_admin)
    response = client.post(
        "/store/manage/products/new/",
        {"title": "Cap", "price": "15.50", "status": "published", "stock": "7",
         "categories": [catalogue.shirts.pk], "description": "", "sku": "CAP"},
    )  # fmt: skip
    assert response.status_code == 302
    with tenant_context(alpha):
        cap = Product.objects.get(slug="cap")
        assert cap.price == Decimal("15.50")
        assert cap.variants.get().stock == 7
        assert list(cap.categories.all()) == [catalogue.shirts]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "", "price": "1"}, "title"),
        ({"title": "X", "price": "-1"}, "price"),
        ({"title": "X", "price": "1.005"}, "price"),
        ({"title": "X", "price": "1", "sku": "mug"}, "sku"),
        ({"title": "X", "price": "1", "slug": "club-tee"}, "slug"),
    ],
)
def test_bad_product_input_names_the_field(alpha, as_user, shop_admin, catalogue, data, field):
    payload = {"status": "draft", "stock": "0", "description": "", "sku": "", **data}
    response = as_user(shop_admin).post("/store/manage/products/new/", payload)
    assert response.status_code == 400
    assert field in response.context["form"].errors


def test_service_refuses_prices_finer_than_the_currency(alpha, shop_admin, in_alpha):
    with pytest.raises(ValidationError) as error:
        make_product(shop_admin, alpha, price="1.999")
    assert "price" in error.value.message_dict


def test_members_and_moderators_cannot_manage_the_catalogue(
    alpha, as_user, shopper, moderator, catalogue
):
    for user in (shopper, moderator):
        client = as_user(user)
        assert client.get("/store/manage/").status_code == 403
        assert client.post("/store/manage/products/new/", {"title": "X"}).status_code == 403
        response = client.post(f"/store/manage/products/{catalogue.mug.pk}/delete/")
        assert response.status_code == 403
    with tenant_context(alpha), pytest.raises(PermissionDenied):
        make_product(shopper, alpha)


def test_anonymous_visitor_is_sent_to_log_in_for_management(alpha, client_for, catalogue):
    response = client_for(alpha).get("/store/manage/products/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_plan_limit_on_products_is_enforced(alpha, shop_admin, in_alpha):
    for n in range(10):  # the Free plan allows 10
        make_product(shop_admin, alpha, title=f"P{n}")
    with pytest.raises(PaymentRequired):
        make_product(shop_admin, alpha, title="One too many")
    assert Product.objects.count() == 10


def test_variants_have_their_own_price_sku_and_stock(alpha, catalogue, shop_admin, in_alpha):
    assert catalogue.tee_l.unit_price == Decimal("22.50")
    assert Variant.objects.get(pk=catalogue.tee_m.pk).unit_price == Decimal("20.00")
    with pytest.raises(ValidationError) as error:
        services.add_variant(acting_user=shop_admin, product=catalogue.tee, name="l", sku="")
    assert "name" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.add_variant(acting_user=shop_admin, product=catalogue.tee, name="XL", sku="MUG")
    assert "sku" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.delete_variant(acting_user=shop_admin, variant=catalogue.mug_variant)


def test_images_are_ordered_with_one_main(alpha, catalogue, shop_admin, in_alpha):
    first = services.add_image(acting_user=shop_admin, product=catalogue.mug, upload=png())
    second = services.add_image(acting_user=shop_admin, product=catalogue.mug, upload=png("b.png"))
    assert first.is_main and not second.is_main
    services.set_main_image(acting_user=shop_admin, image=second)
    assert list(catalogue.mug.images.values_list("pk", flat=True)) == [second.pk, first.pk]
    services.move_image(acting_user=shop_admin, image=second, direction="up")
    services.delete_image(acting_user=shop_admin, image=second)
    assert ProductImage.objects.get(pk=first.pk).is_main


def test_an_upload_that_is_not_an_image_is_refused(alpha, as_user, shop_admin, catalogue):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.png", b"not an image at all", content_type="image/png")
    response = as_user(shop_admin).post(
        f"/store/manage/products/{catalogue.mug.pk}/images/", {"image": fake}, follow=True
    )
    assert "image" in response.content.decode().lower()
    with tenant_context(alpha):
        assert not ProductImage.objects.filter(product=catalogue.mug).exists()


def test_stock_edit_refuses_a_stale_value(alpha, as_user, shop_admin, catalogue):
    client = as_user(shop_admin)
    url = f"/store/manage/variants/{catalogue.mug_variant.pk}/stock/"
    response = client.post(url, {"stock": "9", "expected": "5"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    response = client.post(url, {"stock": "1", "expected": "5"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and "changed to 9" in response.content.decode()
    response = client.post(url, {"stock": "-1", "expected": "9"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    with tenant_context(alpha):
        assert Variant.objects.get(pk=catalogue.mug_variant.pk).stock == 9


def test_beta_sees_nothing_of_alphas_catalogue(beta, client_for, catalogue, as_user, owner_of):
    client = client_for(beta)
    assert "Club Tee" not in client.get("/store/").content.decode()
    assert client.get("/store/p/club-tee/").status_code == 404
    beta_owner = as_user(owner_of(beta), beta)
    assert beta_owner.get(f"/store/manage/products/{catalogue.mug.pk}/").status_code == 404
