"""Two admins editing the same product: the later save from an older version is refused (a
form error keeping the admin's input on the page, a 409 in the API) instead of silently
overwriting the other's changes."""

from decimal import Decimal

from tenant_apps.store.models import Product
from tenants.context import tenant_context

API = "/api/v1/store"
JSON = "application/json"


def edit_form(product, **changes):
    data = {
        "title": product.title, "slug": product.slug, "description": product.description,
        "price": str(product.price), "sku": product.sku, "status": product.status,
        "version": product.version,
    }  # fmt: skip
    data.update(changes)
    return data


def test_second_admin_saving_an_old_version_gets_a_form_error_and_keeps_their_input(
    alpha, as_user, shop_admin, alpha_owner, catalogue
):
    with tenant_context(alpha):
        mug = Product.objects.get(pk=catalogue.mug.pk)
    url = f"/store/manage/products/{mug.pk}/"
    first, second = as_user(shop_admin), as_user(alpha_owner)
    opened = first.get(url).context["form"]["version"].value()
    assert opened == mug.version == 1
    assert first.post(url, edit_form(mug, price="9.00")).status_code == 302
    response = second.post(url, edit_form(mug, title="Big mug"))
    assert response.status_code == 409
    form = response.context["form"]
    assert "Someone else saved this product" in " ".join(form.non_field_errors())
    assert form["title"].value() == "Big mug"  # their input is still there
    assert int(form["version"].value()) == 2  # saving again is now a deliberate overwrite
    with tenant_context(alpha):
        mug.refresh_from_db()
        assert (mug.title, mug.price, mug.version) == ("Mug", Decimal("9.00"), 2)
    assert second.post(url, edit_form(mug, title="Big mug", version=2)).status_code == 302
    with tenant_context(alpha):
        mug.refresh_from_db()
        assert (mug.title, mug.price, mug.version) == ("Big mug", Decimal("9.00"), 3)


def test_edit_page_without_a_version_is_a_field_error(alpha, as_user, shop_admin, catalogue):
    with tenant_context(alpha):
        mug = Product.objects.get(pk=catalogue.mug.pk)
    data = edit_form(mug, title="Changed")
    del data["version"]
    response = as_user(shop_admin).post(f"/store/manage/products/{mug.pk}/", data)
    assert response.status_code == 400 and "version" in response.context["form"].errors
    with tenant_context(alpha):
        assert Product.objects.get(pk=mug.pk).title == "Mug"


def test_api_patch_with_a_stale_version_is_a_409_and_changes_nothing(
    alpha, as_user, shop_admin, catalogue
):
    client = as_user(shop_admin)
    url = f"{API}/manage/products/{catalogue.mug.pk}/"
    read = client.get(url).json()
    assert read["version"] == 1
    response = client.patch(url, {"price": "7.00", "version": 1}, content_type=JSON)
    assert response.status_code == 200 and response.json()["version"] == 2
    response = client.patch(url, {"title": "Stale", "version": 1}, content_type=JSON)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "stale_version" and error["current_version"] == 2
    with tenant_context(alpha):
        mug = Product.objects.get(pk=catalogue.mug.pk)
        assert (mug.title, mug.price) == ("Mug", Decimal("7.00"))
    response = client.patch(url, {"version": "two"}, content_type=JSON)
    assert response.status_code == 400 and "version" in response.json()["error"]["fields"]


def test_api_patch_without_a_version_keeps_fields_it_does_not_name(
    alpha, as_user, shop_admin, catalogue
):
    """A PATCH names the fields it changes; the others stay as last saved, not as read."""
    client = as_user(shop_admin)
    url = f"{API}/manage/products/{catalogue.mug.pk}/"
    client.patch(url, {"title": "Blue mug"}, content_type=JSON)
    body = client.patch(url, {"price": "6.00"}, content_type=JSON).json()
    assert (body["title"], body["price"], body["version"]) == ("Blue mug", "6.00", 3)


def test_beta_cannot_edit_alphas_product_whatever_the_version(
    alpha, beta, as_user, owner_of, catalogue
):
    client = as_user(owner_of(beta), beta)
    response = client.patch(
        f"{API}/manage/products/{catalogue.mug.pk}/", {"title": "Hacked", "version": 1},
        content_type=JSON,
    )  # fmt: skip
    assert response.status_code == 404
    assert client.post(f"/store/manage/products/{catalogue.mug.pk}/", {}).status_code == 404
    with tenant_context(alpha):
        assert Product.objects.get(pk=catalogue.mug.pk).title == "Mug"
