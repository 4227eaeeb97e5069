"""Recipe photos go through the platform's image check (core.uploads): the EXIF location a phone
writes is dropped, the orientation is applied to the pixels, and a photo that would take the site
over its plan's storage is a form error (page) or a 400 naming the field (API)."""

import io

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from recipe_helpers import form_data, make_recipe

from core.uploads import forget_storage_used
from tenant_apps.recipes.models import Recipe
from tenants.context import tenant_context

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def phone_photo() -> bytes:
    """A 40x20 JPEG taken with the phone turned (orientation 6) at a known place."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2], gps[3], gps[4] = "N", (52.0, 22.0, 1.5), "E", (4.0, 53.0, 2.0)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "orange").save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def stored(name: str) -> Image.Image:
    with default_storage.open(name) as file:
        image = Image.open(io.BytesIO(file.read()))
        image.load()
        return image


def test_a_recipe_photo_loses_its_location_and_keeps_its_orientation(alpha, cook, as_user):
    response = as_user(cook).post(
        "/recipes/new/",
        {
            **form_data(title="Paella"),
            "image": SimpleUploadedFile("beach.jpg", phone_photo(), content_type="image/jpeg"),
        },
    )
    assert response.status_code == 302, response.content[:500]
    with tenant_context(alpha):
        image = stored(Recipe.objects.get(title="Paella").image.name)
    assert image.size == (20, 40)  # rotated as the camera said, no orientation tag needed
    exif = image.getexif()
    assert not exif.get_ifd(GPS_IFD) and ORIENTATION not in exif


def test_the_api_cover_photo_loses_its_location_too(alpha, cook, as_user):
    recipe = make_recipe(alpha, cook, title="Tortilla")
    response = as_user(cook).post(
        f"/api/v1/recipes/recipes/{recipe.pk}/image/",
        {"image": SimpleUploadedFile("t.jpg", phone_photo(), content_type="image/jpeg")},
    )
    assert response.status_code == 200, response.content[:500]
    with tenant_context(alpha):
        image = stored(Recipe.objects.get(pk=recipe.pk).image.name)
    assert not image.getexif().get_ifd(GPS_IFD)


def test_a_photo_over_the_plans_storage_is_refused_and_nothing_is_saved(
    alpha, beta, cook, as_user, on_plan
):
    on_plan(alpha, storage_bytes=100)
    for organization in (alpha, beta):
        with tenant_context(organization):
            forget_storage_used()
    client = as_user(cook)
    page = client.post(
        "/recipes/new/",
        {
            **form_data(title="Too big"),
            "image": SimpleUploadedFile("big.jpg", phone_photo(), content_type="image/jpeg"),
        },
    )
    assert page.status_code == 200
    assert "storage is full" in " ".join(page.context["form"].errors["image"])
    recipe = make_recipe(alpha, cook, title="Existing")
    api = client.post(
        f"/api/v1/recipes/recipes/{recipe.pk}/image/",
        {"image": SimpleUploadedFile("t.jpg", phone_photo(), content_type="image/jpeg")},
    )
    assert api.status_code == 400 and "image" in api.json()["error"]["fields"]
    with tenant_context(alpha):
        assert not Recipe.objects.filter(title="Too big").exists()
        assert not Recipe.objects.get(pk=recipe.pk).image
        forget_storage_used()
    # Beta's plan is untouched: the same photo is fine there.
    with tenant_context(beta):
        assert not Recipe.objects.exists()


def test_pages_show_thumbnails_and_deleting_the_recipe_removes_them(
    alpha, beta, cook, as_user, django_capture_on_commit_callbacks
):
    from core.thumbnails import make_thumbnails_now, thumbnail_name
    from tenant_apps.recipes import services

    client = as_user(cook)
    client.post(
        "/recipes/new/",
        {
            **form_data(title="Gazpacho"),
            "image": SimpleUploadedFile("g.jpg", phone_photo(), content_type="image/jpeg"),
        },
    )
    with tenant_context(alpha):
        recipe = Recipe.objects.get(title="Gazpacho")
        name = recipe.image.name
        thumbnails = make_thumbnails_now(name)  # what the queued task does
    assert thumbnails == [thumbnail_name(name, size) for size in ("small", "medium", "large")]
    detail = client.get(f"/recipes/{recipe.pk}/").content.decode()
    assert f"/media/alpha/{thumbnail_name(name, 'large')}" in detail
    listing = client.get("/recipes/").content.decode()
    assert f"/media/alpha/{thumbnail_name(name, 'medium')}" in listing
    with tenant_context(beta):
        assert not default_storage.exists(thumbnail_name(name, "small"))
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
        services.delete_recipe(recipe_id=recipe.pk, user=cook)
    with tenant_context(alpha):
        assert not default_storage.exists(name)
        assert not any(default_storage.exists(thumb) for thumb in thumbnails)
