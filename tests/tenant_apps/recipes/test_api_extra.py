from django.core.files.uploadedfile import SimpleUploadedFile
from recipe_helpers import make_recipe, png_upload

from tenant_apps.recipes.models import Recipe
from tenants.context import tenant_context


def test_api_sets_and_removes_the_cover_photo(alpha, cook, other_cook, as_user):
    recipe = make_recipe(alpha, cook)
    client = as_user(cook)
    response = client.post(f"/api/v1/recipes/recipes/{recipe.pk}/image/", {"image": png_upload()})
    assert response.status_code == 200, response.content
    assert response.json()["image"].startswith("http://alpha.") or response.json()[
        "image"
    ].startswith("/media/alpha/")
    bad = client.post(
        f"/api/v1/recipes/recipes/{recipe.pk}/image/",
        {"image": SimpleUploadedFile("x.png", b"not an image", content_type="image/png")},
    )
    assert bad.status_code == 400 and "image" in bad.json()["error"]["fields"]
    refused = as_user(other_cook).post(
        f"/api/v1/recipes/recipes/{recipe.pk}/image/", {"image": png_upload()}
    )
    assert refused.status_code == 403
    assert client.delete(f"/api/v1/recipes/recipes/{recipe.pk}/image/").json()["image"] is None
    with tenant_context(alpha):
        assert not Recipe.objects.get(pk=recipe.pk).image
