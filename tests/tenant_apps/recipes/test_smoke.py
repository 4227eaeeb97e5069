"""Every page renders for the people who may see it, the admin included, and the app answers
404 when the site switches it off."""

import datetime as dt

import pytest
from recipe_helpers import make_recipe

from tenant_apps.recipes import services
from tenants.context import tenant_context


@pytest.fixture
def filled(alpha, alpha_owner, cook):
    recipe = make_recipe(alpha, cook)
    with tenant_context(alpha):
        services.plan_meal(
            user=alpha_owner, date=dt.date(2026, 11, 23), meal="dinner", recipe_id=recipe.pk
        )
        shopping = services.create_shopping_list(
            user=alpha_owner, start=dt.date(2026, 11, 23), end=dt.date(2026, 11, 23)
        )
        collection = services.create_collection(user=alpha_owner, name="Faves")
        services.add_comment(recipe_id=recipe.pk, user=alpha_owner, body="Yum")
    return {"recipe": recipe, "shopping": shopping, "collection": collection}


def test_every_page_renders_for_the_owner(alpha, alpha_owner, as_user, filled):
    client = as_user(alpha_owner)
    recipe = filled["recipe"]
    for url in [
        "/recipes/",
        "/recipes/?favourites=1",
        "/recipes/?mine=1",
        "/recipes/new/",
        "/recipes/import/",
        "/recipes/settings/",
        f"/recipes/{recipe.pk}/",
        f"/recipes/{recipe.pk}/edit/",
        f"/recipes/{recipe.pk}/print/",
        f"/recipes/{recipe.pk}/recipe.jsonld",
        "/recipes/collections/",
        f"/recipes/collections/{filled['collection'].pk}/",
        "/recipes/plan/",
        "/recipes/shopping/",
        f"/recipes/shopping/{filled['shopping'].pk}/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b'style="' not in response.content, url  # the CSP forbids inline styles


def test_admin_pages_render(alpha, alpha_owner, as_user, filled):
    from shared_apps.accounts.models import User

    with tenant_context(alpha):
        User.objects.filter(pk=alpha_owner.pk).update(is_staff=True, is_superuser=True)
        alpha_owner.refresh_from_db()
    client = as_user(alpha_owner)
    for model in [
        "recipe",
        "dietarytag",
        "comment",
        "rating",
        "collection",
        "mealplanentry",
        "shoppinglist",
        "recipesettings",
    ]:
        assert client.get(f"/admin/recipes/{model}/").status_code == 200, model
    assert client.get(f"/admin/recipes/recipe/{filled['recipe'].pk}/change/").status_code == 200


def test_empty_states_tell_a_new_site_what_to_do(alpha, alpha_owner, as_user, client_for):
    owner = as_user(alpha_owner)
    assert b"No recipes yet" in owner.get("/recipes/").content
    assert b"No recipes to plan yet" in owner.get("/recipes/plan/").content
    assert b"No shopping lists yet" in owner.get("/recipes/shopping/").content
    assert b"No collections yet" in owner.get("/recipes/collections/").content
    assert b"Log in or join" in client_for(alpha).get("/recipes/").content


def test_switched_off_app_answers_404(alpha, cook, client_for):
    recipe = make_recipe(alpha, cook)
    alpha.features = [f for f in alpha.features if f != "recipes"]
    alpha.save(update_fields=["features"])
    from tenants.routing import router

    router.clear()
    anon = client_for(alpha)
    assert anon.get("/recipes/").status_code == 404
    assert anon.get(f"/api/v1/recipes/recipes/{recipe.pk}/").status_code == 404


def test_nav_links_to_recipes(alpha, client_for):
    assert b'href="/recipes/"' in client_for(alpha).get("/recipes/").content


def test_admin_edits_keep_search_current_and_reindex_task_is_idempotent(
    alpha, alpha_owner, as_user, cook, client_for
):
    from shared_apps.accounts.models import User
    from tenant_apps.recipes.models import Recipe
    from tenant_apps.recipes.tasks import reindex_recipes

    recipe = make_recipe(alpha, cook, title="Plain toast")
    with tenant_context(alpha):
        User.objects.filter(pk=alpha_owner.pk).update(is_staff=True, is_superuser=True)
    client = as_user(alpha_owner)
    change = client.get(f"/admin/recipes/recipe/{recipe.pk}/change/")
    form = change.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "image"}
    data.update(
        title="Garlic toast",
        author=str(cook.pk),
        tags=[],
        **{
            f"{prefix}-{key}": value
            for prefix in ("ingredients", "steps", "photos")
            for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
        },
    )
    data["ingredients-INITIAL_FORMS"] = "0"
    with tenant_context(alpha):
        Recipe.objects.get(pk=recipe.pk).ingredients.all().delete()
        Recipe.objects.get(pk=recipe.pk).steps.all().delete()
    response = client.post(f"/admin/recipes/recipe/{recipe.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    titles = [
        r["title"]
        for r in client_for(alpha).get("/api/v1/recipes/recipes/?q=garlic").json()["results"]
    ]
    assert titles == ["Garlic toast"]
    with tenant_context(alpha):
        Recipe.objects.filter(pk=recipe.pk).update(search_vector=None)
        assert reindex_recipes() == 1
        assert reindex_recipes([recipe.pk]) == 1
        assert Recipe.objects.get(pk=recipe.pk).search_vector
