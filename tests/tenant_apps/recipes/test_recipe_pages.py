import datetime as dt

from tenant_apps.recipes import services
from tenant_apps.recipes.models import Recipe
from tenants.context import tenant_context


def _make(alpha, user, **data):
    with tenant_context(alpha):
        return services.create_recipe(
            author=user,
            data={"title": "Pancakes", "servings": 4, "status": "published", **data},
            ingredients_text="2 cups flour\n2 eggs\n1 1/2 cups milk\nsalt to taste",
            steps=[
                services.StepInput(text="Whisk.", timer_minutes=5),
                services.StepInput(text="Fry."),
            ],
        )


def test_member_creates_a_recipe_through_the_form(alpha, cook, as_user):
    client = as_user(cook)
    response = client.post(
        "/recipes/new/",
        {
            "title": "Tomato soup",
            "servings": "2",
            "prep_minutes": "5",
            "cook_minutes": "25",
            "ingredients": "1 (14 oz) can tomatoes\n2 1/2 cups stock\nsalt to taste",
            "status": "published",
            "steps-TOTAL_FORMS": "2",
            "steps-INITIAL_FORMS": "0",
            "steps-0-text": "Simmer everything.",
            "steps-0-timer_minutes": "20",
            "steps-1-text": "",
        },
    )
    assert response.status_code == 302, response.content
    with tenant_context(alpha):
        recipe = Recipe.objects.get(title="Tomato soup")
        assert recipe.total_minutes == 30
        foods = [i.food for i in recipe.ingredients.all()]
        assert foods[1] == "stock" and recipe.ingredients.all()[1].unit == "cup"
        assert recipe.steps.get().timer_minutes == 20
    page = client.get(f"/recipes/{recipe.pk}/")
    assert page.status_code == 200
    assert b"Simmer everything." in page.content


def test_detail_scales_and_converts(alpha, cook, client_for):
    recipe = _make(alpha, cook)
    page = client_for(alpha).get(f"/recipes/{recipe.pk}/?servings=8&units=us")
    assert page.status_code == 200
    text = page.content.decode()
    assert "4</strong>" in text or "4 cups" in text
    metric = client_for(alpha).get(
        f"/recipes/{recipe.pk}/?servings=2&units=metric",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="ingredients",
    )
    assert metric.status_code == 200
    assert b"240 ml" in metric.content or b"235 ml" in metric.content
    assert b"<html" not in metric.content


def test_index_lists_and_print_and_export(alpha, cook, client_for):
    recipe = _make(alpha, cook)
    anon = client_for(alpha)
    assert b"Pancakes" in anon.get("/recipes/").content
    assert anon.get(f"/recipes/{recipe.pk}/print/").status_code == 200
    data = anon.get(f"/recipes/{recipe.pk}/recipe.jsonld").json()
    assert data["@type"] == "Recipe" and data["name"] == "Pancakes"
    assert "2 cups flour" in data["recipeIngredient"]
    assert dt.date.today()
