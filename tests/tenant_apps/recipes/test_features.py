import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from recipe_helpers import form_data, make_recipe, png_upload

from tenant_apps.recipes import services
from tenant_apps.recipes.models import (
    Collection,
    Comment,
    DietaryTag,
    Favourite,
    MealPlanEntry,
    Rating,
    Recipe,
    ShoppingItem,
    ShoppingList,
)
from tenants.context import tenant_context

DATA = Path(__file__).parent / "data"


# --- search and filters --------------------------------------------------------------------


@pytest.fixture
def cookbook(alpha, cook, other_cook):
    with tenant_context(alpha):
        vegan = DietaryTag.objects.get(slug="vegan")
    curry = make_recipe(
        alpha,
        cook,
        title="Chickpea curry",
        cuisine="Indian",
        course="main",
        prep_minutes=10,
        cook_minutes=20,
        ingredients="2 cans chickpeas\n1 onion\n1 cup coconut milk",
        tags=[vegan],
    )
    lasagne = make_recipe(
        alpha,
        cook,
        title="Beef lasagne",
        cuisine="Italian",
        course="main",
        prep_minutes=30,
        cook_minutes=60,
        ingredients="500 g minced beef\n1 onion\n12 lasagne sheets",
    )
    salad = make_recipe(
        alpha,
        cook,
        title="Greek salad",
        cuisine="Greek",
        course="side",
        prep_minutes=10,
        cook_minutes=0,
        ingredients="2 tomatoes\n1 cucumber\n200 g feta cheese",
    )
    with tenant_context(alpha):
        services.rate_recipe(recipe_id=lasagne.pk, user=cook, score=5)
        services.rate_recipe(recipe_id=salad.pk, user=cook, score=3)
        services.rate_recipe(recipe_id=salad.pk, user=other_cook, score=2)
    return {"curry": curry, "lasagne": lasagne, "salad": salad}


def titles(client, query):
    response = client.get(f"/api/v1/recipes/recipes/?{query}")
    assert response.status_code == 200, response.content
    return [r["title"] for r in response.json()["results"]]


def test_full_text_search_finds_title_and_ingredients(alpha, cookbook, client_for):
    anon = client_for(alpha)
    assert titles(anon, "q=curry") == ["Chickpea curry"]
    assert titles(anon, "q=chickpeas") == ["Chickpea curry"]  # stemmed, from the ingredients
    assert titles(anon, "q=feta") == ["Greek salad"]
    page = anon.get("/recipes/?q=lasagne")
    assert b"Beef lasagne" in page.content and b"Greek salad" not in page.content


def test_search_vector_follows_edits(alpha, cookbook, cook, client_for):
    with tenant_context(alpha):
        services.update_recipe(
            recipe_id=cookbook["salad"].pk,
            user=cook,
            data={},
            ingredients_text="2 tomatoes\n100 g halloumi",
        )
    assert titles(client_for(alpha), "q=halloumi") == ["Greek salad"]
    assert titles(client_for(alpha), "q=feta") == []


def test_ingredient_include_and_exclude_filters(alpha, cookbook, client_for):
    anon = client_for(alpha)
    assert set(titles(anon, "include=onion")) == {"Chickpea curry", "Beef lasagne"}
    assert titles(anon, "include=onion,beef") == ["Beef lasagne"]
    assert set(titles(anon, "exclude=beef")) == {"Chickpea curry", "Greek salad"}
    assert titles(anon, "include=onion&exclude=beef") == ["Chickpea curry"]


def test_cuisine_course_diet_time_and_rating_filters(alpha, cookbook, client_for):
    anon = client_for(alpha)
    assert titles(anon, "cuisine=italian") == ["Beef lasagne"]
    assert titles(anon, "course=side") == ["Greek salad"]
    assert titles(anon, "diet=vegan") == ["Chickpea curry"]
    assert set(titles(anon, "max_minutes=30")) == {"Chickpea curry", "Greek salad"}
    assert titles(anon, "min_rating=4") == ["Beef lasagne"]
    page = anon.get("/recipes/?diet=vegan&max_minutes=30")
    assert b"Chickpea curry" in page.content and b"Beef lasagne" not in page.content


def test_sorting(alpha, cookbook, client_for):
    anon = client_for(alpha)
    assert titles(anon, "sort=title") == ["Beef lasagne", "Chickpea curry", "Greek salad"]
    assert titles(anon, "sort=rating")[:2] == ["Beef lasagne", "Greek salad"]
    assert titles(anon, "sort=quickest")[-1] == "Beef lasagne"


def test_bad_filter_gets_a_400_naming_the_field(alpha, client_for):
    anon = client_for(alpha)
    response = anon.get("/api/v1/recipes/recipes/?min_rating=9")
    assert response.status_code == 400
    assert "min_rating" in response.json()["error"]["fields"]
    assert "sort" in anon.get("/api/v1/recipes/recipes/?sort=bogus").json()["error"]["fields"]
    # the page ignores bad filters instead of failing
    assert anon.get("/recipes/?min_rating=9&max_minutes=abc&sort=bogus").status_code == 200


def test_recipe_list_page_query_count(alpha, cook, client_for, django_assert_max_num_queries):
    for index in range(12):
        make_recipe(alpha, cook, title=f"Dish {index}")
    anon = client_for(alpha)
    with django_assert_max_num_queries(14):
        response = anon.get("/recipes/")
    assert response.status_code == 200 and b"Dish 11" in response.content
    with django_assert_max_num_queries(14):
        assert anon.get("/api/v1/recipes/recipes/").json()["count"] == 12


# --- editing -------------------------------------------------------------------------------


def test_bad_input_gets_field_errors(alpha, cook, as_user):
    client = as_user(cook)
    response = client.post("/recipes/new/", form_data(title="", servings="0"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "title" in errors and "servings" in errors
    api = client.post(
        "/api/v1/recipes/recipes/", {"title": "X", "servings": 0}, content_type="application/json"
    )
    assert api.status_code == 400 and "servings" in api.json()["error"]["fields"]
    too_many = client.post(
        "/api/v1/recipes/recipes/",
        {"title": "X", "ingredients_text": "\n".join(["1 egg"] * 101)},
        content_type="application/json",
    )
    assert too_many.status_code == 400 and "ingredients" in too_many.json()["error"]["fields"]


def test_fake_image_is_refused_and_real_one_stored_under_the_tenant(alpha, cook, as_user):
    client = as_user(cook)
    fake = SimpleUploadedFile("evil.png", b"<?php echo 1; ?>", content_type="image/png")
    response = client.post("/recipes/new/", {**form_data(), "image": fake})
    assert response.status_code == 200 and "image" in response.context["form"].errors
    response = client.post(
        "/recipes/new/",
        {**form_data(title="With photo"), "image": png_upload(), "steps-0-image": png_upload()},
    )
    assert response.status_code == 302
    with tenant_context(alpha):
        recipe = Recipe.objects.get(title="With photo")
        assert recipe.image.name.startswith("recipes/images/") and recipe.image.name.endswith(
            ".png"
        )
        assert default_storage.exists(recipe.image.name)
        assert recipe.image.url.startswith("/media/alpha/")
        assert recipe.steps.get().image.name.startswith("recipes/steps/")


def test_edit_keeps_step_images_and_refuses_a_stale_form(alpha, cook, as_user):
    client = as_user(cook)
    client.post("/recipes/new/", {**form_data(title="Stew"), "steps-0-image": png_upload()})
    with tenant_context(alpha):
        recipe = Recipe.objects.get(title="Stew")
        step = recipe.steps.get()
    edit = {
        **form_data(title="Stew v2", version=str(recipe.version)),
        "steps-INITIAL_FORMS": "1",
        "steps-0-step_id": str(step.pk),
        "steps-0-timer_minutes": "90",
    }
    assert client.post(f"/recipes/{recipe.pk}/edit/", edit).status_code == 302
    with tenant_context(alpha):
        recipe.refresh_from_db()
        new_step = recipe.steps.get()
        assert recipe.version == 2 and new_step.image.name == step.image.name
        assert new_step.timer_minutes == 90
    stale = client.post(
        f"/recipes/{recipe.pk}/edit/", {**edit, "title": "Lost edit", "version": "1"}
    )
    assert stale.status_code == 200
    assert "Someone else saved this recipe" in stale.content.decode()
    api = client.patch(
        f"/api/v1/recipes/recipes/{recipe.pk}/",
        {"title": "Lost", "version": 1},
        content_type="application/json",
    )
    assert api.status_code == 409


def test_edit_form_shows_ingredients_as_editable_text(alpha, cook, as_user):
    recipe = make_recipe(
        alpha, cook, ingredients="2 1/2 cups flour, sifted\n1 (14 oz) can tomatoes"
    )
    page = as_user(cook).get(f"/recipes/{recipe.pk}/edit/")
    assert "2 1/2 cups flour, sifted" in page.content.decode()
    with tenant_context(alpha):
        flour = recipe.ingredients.first()
        assert (flour.quantity, flour.unit, flour.food, flour.note) == (
            2.5,
            "cup",
            "flour",
            "sifted",
        )


def test_api_creates_with_structured_ingredients(alpha, cook, as_user):
    response = as_user(cook).post(
        "/api/v1/recipes/recipes/",
        {
            "title": "Omelette",
            "servings": 1,
            "status": "published",
            "tags": ["vegetarian"],
            "ingredients": [
                {"quantity": "3", "food": "eggs"},
                {"food": "salt", "note": "to taste"},
            ],
            "steps": [{"text": "Beat and fry.", "timer_minutes": 3}],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["tags"] == ["vegetarian"] and body["steps"][0]["timer_minutes"] == 3
    scaled = as_user(cook).get(f"/api/v1/recipes/recipes/{body['id']}/?servings=2").json()["scaled"]
    assert scaled["ingredients"][0]["quantity"] == "6"


def test_scaling_converts_units_both_ways(alpha, cook, client_for):
    recipe = make_recipe(
        alpha, cook, servings=4, ingredients="1 cup milk\n500 g flour\n3 cloves garlic"
    )
    anon = client_for(alpha)
    us = anon.get(f"/api/v1/recipes/recipes/{recipe.pk}/?servings=8&units=us").json()["scaled"]
    assert [(i["quantity"], i["unit"]) for i in us["ingredients"]] == [
        ("2", "cups"),
        ("2 1/4", "lb"),
        ("6", "cloves"),
    ]
    metric = anon.get(f"/api/v1/recipes/recipes/{recipe.pk}/?servings=2&units=metric").json()[
        "scaled"
    ]
    assert [(i["quantity"], i["unit"]) for i in metric["ingredients"]][:2] == [
        ("120", "ml"),
        ("250", "g"),
    ]


# --- ratings, comments, favourites, collections -------------------------------------------


def test_rating_is_one_per_member_and_changeable(alpha, cook, other_cook, as_user):
    recipe = make_recipe(alpha, cook)
    client = as_user(other_cook)
    assert client.post(f"/recipes/{recipe.pk}/rate/", {"score": "2"}).status_code == 302
    response = client.post(
        f"/api/v1/recipes/recipes/{recipe.pk}/rate/", {"score": 4}, content_type="application/json"
    )
    assert response.json() == {"score": 4, "rating_average": 4.0, "rating_count": 1}
    as_user(cook).post(f"/recipes/{recipe.pk}/rate/", {"score": "5"}, HTTP_HX_REQUEST="true")
    with tenant_context(alpha):
        assert Rating.objects.filter(recipe=recipe).count() == 2
    page = client.get(f"/recipes/{recipe.pk}/")
    assert "★ 4.5" in page.content.decode()
    bad = client.post(
        f"/api/v1/recipes/recipes/{recipe.pk}/rate/", {"score": 6}, content_type="application/json"
    )
    assert bad.status_code == 400 and "score" in bad.json()["error"]["fields"]


def test_anonymous_visitor_cannot_rate_or_comment(alpha, cook, client_for):
    recipe = make_recipe(alpha, cook)
    anon = client_for(alpha)
    assert anon.post(f"/recipes/{recipe.pk}/rate/", {"score": "5"}).status_code == 302
    assert anon.post(f"/recipes/{recipe.pk}/comments/", {"body": "hi"}).status_code == 302
    with tenant_context(alpha):
        assert not Rating.objects.exists() and not Comment.objects.exists()


def test_comments_and_their_deletion(alpha, cook, other_cook, moderator, as_user):
    recipe = make_recipe(alpha, cook)
    client = as_user(other_cook)
    client.post(f"/recipes/{recipe.pk}/comments/", {"body": "Needs more garlic."})
    assert client.post(f"/recipes/{recipe.pk}/comments/", {"body": "   "}).status_code == 302
    with tenant_context(alpha):
        comment = Comment.objects.get()
    assert b"Needs more garlic." in client.get(f"/recipes/{recipe.pk}/").content
    assert (
        as_user(cook).post(f"/recipes/{recipe.pk}/comments/{comment.pk}/delete/").status_code == 403
    )
    assert (
        as_user(moderator).post(f"/recipes/{recipe.pk}/comments/{comment.pk}/delete/").status_code
        == 302
    )
    api = client.post(
        f"/api/v1/recipes/recipes/{recipe.pk}/comments/",
        {"body": ""},
        content_type="application/json",
    )
    assert api.status_code == 400 and "body" in api.json()["error"]["fields"]


def test_favourites_and_collections(alpha, cook, other_cook, as_user):
    recipe = make_recipe(alpha, cook, title="Keeper")
    client = as_user(other_cook)
    response = client.post(
        f"/recipes/{recipe.pk}/favourite/", {"is_favourite": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and b"Favourite" in response.content
    client.post(f"/recipes/{recipe.pk}/favourite/", {"is_favourite": "1"})  # idempotent
    assert b"Keeper" in client.get("/recipes/?favourites=1").content
    assert b"Keeper" not in as_user(cook).get("/recipes/?favourites=1").content
    client.post("/recipes/collections/", {"name": "Sunday"})
    duplicate = client.post("/recipes/collections/", {"name": "sunday"})
    assert b"already have a collection" in duplicate.content
    with tenant_context(alpha):
        collection = Collection.objects.get(name="Sunday")
        assert Favourite.objects.count() == 1
    client.post(f"/recipes/{recipe.pk}/collect/", {"collection": collection.pk, "is_in": "1"})
    assert b"Keeper" in client.get(f"/recipes/collections/{collection.pk}/").content
    # another member cannot see or use this collection
    assert as_user(cook).get(f"/recipes/collections/{collection.pk}/").status_code == 404
    as_user(cook).post(
        f"/recipes/{recipe.pk}/collect/", {"collection": collection.pk, "is_in": "0"}
    )
    with tenant_context(alpha):
        assert list(collection.recipes.all()) == [recipe]


# --- meal planner and shopping list --------------------------------------------------------


def test_meal_planner_week_view_with_htmx(alpha, cook, as_user):
    recipe = make_recipe(alpha, cook, title="Curry night")
    client = as_user(cook)
    monday = dt.date(2026, 11, 23)
    page = client.get("/recipes/plan/?week=2026-11-25")
    assert page.status_code == 200 and b"23 Nov" in page.content
    response = client.post(
        "/recipes/plan/add/",
        {"date": "2026-11-25", "meal": "dinner", "recipe": recipe.pk, "servings": "2"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="planner",
    )
    assert response.status_code == 200 and b"Curry night" in response.content
    assert b"<html" not in response.content
    bad = client.post(
        "/recipes/plan/add/",
        {"date": "2026-11-25", "meal": "brunch", "recipe": recipe.pk},
        HTTP_HX_REQUEST="true",
    )
    assert bad.status_code == 400 and b"field--invalid" in bad.content
    with tenant_context(alpha):
        entry = MealPlanEntry.objects.get()
        assert entry.date == monday + dt.timedelta(days=2) and entry.servings == 2
    client.post(f"/recipes/plan/{entry.pk}/remove/", {"week": "2026-11-23"}, HTTP_HX_REQUEST="true")
    with tenant_context(alpha):
        assert not MealPlanEntry.objects.exists()


def test_planner_is_personal_and_for_members(alpha, cook, other_cook, as_user, client_for):
    recipe = make_recipe(alpha, cook)
    with tenant_context(alpha):
        entry = services.plan_meal(
            user=cook, date=dt.date(2026, 11, 24), meal="lunch", recipe_id=recipe.pk
        )
    assert client_for(alpha).get("/recipes/plan/").status_code == 302
    assert as_user(other_cook).post(f"/recipes/plan/{entry.pk}/remove/").status_code == 404
    assert as_user(other_cook).get("/api/v1/recipes/meal-plan/").json()["count"] == 0


def test_shopping_list_sums_the_same_food_with_unit_conversion_by_aisle(alpha, cook, as_user):
    soup = make_recipe(
        alpha,
        cook,
        title="Soup",
        servings=2,
        ingredients="1 cup milk\n2 onions\n100 g butter\nsalt to taste",
    )
    cake = make_recipe(
        alpha, cook, title="Cake", servings=4, ingredients="4 tbsp milk\n1 lb butter\n2 cups flour"
    )
    with tenant_context(alpha):
        services.plan_meal(
            user=cook, date=dt.date(2026, 11, 23), meal="dinner", recipe_id=soup.pk, servings=4
        )
        services.plan_meal(user=cook, date=dt.date(2026, 11, 24), meal="snack", recipe_id=cake.pk)
        services.plan_meal(user=cook, date=dt.date(2026, 12, 10), meal="snack", recipe_id=cake.pk)
    client = as_user(cook)
    response = client.post("/recipes/shopping/", {"start": "2026-11-23", "end": "2026-11-29"})
    assert response.status_code == 302
    with tenant_context(alpha):
        shopping = ShoppingList.objects.get()
        items = {item.food.lower(): item for item in shopping.items.all()}
        assert (
            items["milk"].unit == "cup" and float(items["milk"].quantity) == 2.25
        )  # 2 cups + 4 tbsp
        assert items["butter"].unit == "g" and round(float(items["butter"].quantity)) == 654
        assert float(items["onions"].quantity) == 4
        aisles = [item.aisle for item in shopping.items.all()]
        assert aisles == sorted(
            aisles,
            key=[
                "produce",
                "dairy",
                "meat & fish",
                "bakery",
                "pantry",
                "spices",
                "frozen",
                "drinks",
                "other",
            ].index,
        )
    page = client.get(f"/recipes/shopping/{shopping.pk}/")
    assert b"Dairy" in page.content and b"2 1/4 cups" in page.content
    item = items["milk"]
    toggled = client.post(
        f"/recipes/shopping/{shopping.pk}/items/{item.pk}/",
        {"is_checked": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert toggled.status_code == 200 and b"shopping-item--checked" in toggled.content
    with tenant_context(alpha):
        assert ShoppingItem.objects.get(pk=item.pk).is_checked


def test_shopping_list_bad_ranges_and_other_members(alpha, cook, other_cook, as_user):
    client = as_user(cook)
    response = client.post("/recipes/shopping/", {"start": "2026-11-29", "end": "2026-11-23"})
    assert response.status_code == 200 and "end" in response.context["form"].errors
    empty = client.post("/recipes/shopping/", {"start": "2026-11-23", "end": "2026-11-24"})
    assert "Nothing is planned" in empty.content.decode()
    api = client.post(
        "/api/v1/recipes/shopping-lists/",
        {"start": "2026-01-01", "end": "2026-05-01"},
        content_type="application/json",
    )
    assert api.status_code == 400 and "end" in api.json()["error"]["fields"]
    recipe = make_recipe(alpha, cook)
    with tenant_context(alpha):
        services.plan_meal(
            user=cook, date=dt.date(2026, 11, 23), meal="dinner", recipe_id=recipe.pk
        )
        shopping = services.create_shopping_list(
            user=cook, start=dt.date(2026, 11, 23), end=dt.date(2026, 11, 23)
        )
    assert as_user(other_cook).get(f"/recipes/shopping/{shopping.pk}/").status_code == 404


def test_shopping_list_pages_query_count(alpha, cook, as_user, django_assert_max_num_queries):
    recipe = make_recipe(alpha, cook, ingredients="\n".join(f"1 cup food{i}" for i in range(20)))
    with tenant_context(alpha):
        for day in range(5):
            services.plan_meal(
                user=cook, date=dt.date(2026, 11, 23 + day), meal="dinner", recipe_id=recipe.pk
            )
        shopping = services.create_shopping_list(
            user=cook, start=dt.date(2026, 11, 23), end=dt.date(2026, 11, 29)
        )
    client = as_user(cook)
    with django_assert_max_num_queries(12):
        assert client.get(f"/recipes/shopping/{shopping.pk}/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/recipes/plan/?week=2026-11-23").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/recipes/shopping/").status_code == 200


# --- import and export ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "title_part"),
    [
        ("allrecipes_lasagna.html", "Lasagna"),
        ("bbcgoodfood_chilli.html", "chilli"),
        ("nytcooking_pasta.html", ""),
        ("seriouseats_pancakes.html", "Pancakes"),
        ("wprm_blog_curry.html", "Curry"),
        ("pasted_bread.json", ""),
    ],
)
def test_import_real_world_pages(alpha, cook, as_user, filename, title_part):
    text = (DATA / filename).read_text()
    response = as_user(cook).post("/recipes/import/", {"text": text})
    assert response.status_code == 302, response.content[:2000]
    with tenant_context(alpha):
        recipe = Recipe.objects.get()
        assert recipe.status == "draft" and recipe.author == cook
        assert title_part.lower() in recipe.title.lower()
        assert recipe.ingredients.count() >= 3 and recipe.steps.count() >= 1
        assert all(i.food for i in recipe.ingredients.all())


def test_import_bad_input_and_round_trip_export(alpha, cook, as_user):
    client = as_user(cook)
    bad = client.post("/recipes/import/", {"text": "<html><body>No recipe here</body></html>"})
    assert bad.status_code == 200 and "No schema.org Recipe" in bad.content.decode()
    api_bad = client.post(
        "/api/v1/recipes/recipes/import/", {"text": "{}"}, content_type="application/json"
    )
    assert api_bad.status_code == 400 and "text" in api_bad.json()["error"]["fields"]
    recipe = make_recipe(
        alpha, cook, title="Round trip", ingredients="2 1/2 cups flour, sifted\n3 eggs"
    )
    exported = client.get(f"/api/v1/recipes/recipes/{recipe.pk}/jsonld/").json()
    again = client.post(
        "/api/v1/recipes/recipes/import/",
        {"text": json.dumps(exported)},
        content_type="application/json",
    )
    assert again.status_code == 201
    body = again.json()
    assert body["title"] == "Round trip" and body["status"] == "draft"
    assert [i["food"] for i in body["ingredients"]] == ["flour", "eggs"]


def test_import_is_for_members(alpha, client_for):
    assert client_for(alpha).post("/recipes/import/", {"text": "{}"}).status_code == 302


# --- demo data -----------------------------------------------------------------------------


def test_demo_data_shows_every_feature(alpha, alpha_owner):
    from tenant_apps.recipes.demo import seed

    with tenant_context(alpha):
        seed(organization=alpha, owner=alpha_owner)
        assert Recipe.objects.filter(status="published").count() == 3
        assert Recipe.objects.filter(status="draft").count() == 2
        assert DietaryTag.objects.filter(is_builtin=False).exists()
        assert Rating.objects.exists() and Comment.objects.exists() and Favourite.objects.exists()
        assert Collection.objects.get().recipes.count() == 2
        assert MealPlanEntry.objects.count() == 5
        assert ShoppingItem.objects.filter(is_checked=True).exists()
        assert Recipe.objects.exclude(image="").count() == 3


def test_services_refuse_bad_quantities(alpha, cook):
    with tenant_context(alpha), pytest.raises(ValidationError) as error:
        services.create_recipe(
            author=cook, data={"title": "X"}, ingredients=[{"food": "", "quantity": 1}]
        )
    assert "ingredients" in error.value.message_dict


def test_recipe_photo_gallery_add_and_remove(alpha, cook, other_cook, as_user):
    client = as_user(cook)
    response = client.post(
        "/recipes/new/",
        {**form_data(title="Gallery"), "photos": [png_upload("a.png"), png_upload("b.png")]},
    )
    assert response.status_code == 302
    with tenant_context(alpha):
        recipe = Recipe.objects.get(title="Gallery")
        photos = list(recipe.photos.all())
        assert len(photos) == 2 and all(default_storage.exists(p.image.name) for p in photos)
    page = client.get(f"/recipes/{recipe.pk}/")
    assert page.content.count(b"recipe-gallery__item") == 2
    edit = {
        **form_data(title="Gallery", version=str(recipe.version)),
        "remove_photo": [str(photos[0].pk)],
    }
    assert client.post(f"/recipes/{recipe.pk}/edit/", edit).status_code == 302
    with tenant_context(alpha):
        assert list(recipe.photos.all()) == [photos[1]]
    bad = client.post(
        "/recipes/new/",
        {
            **form_data(title="Bad"),
            "photos": [SimpleUploadedFile("x.jpg", b"nope", content_type="image/jpeg")],
        },
    )
    assert bad.status_code == 200 and "photos" in bad.context["form"].errors
    exported = client.get(f"/recipes/{recipe.pk}/recipe.jsonld").json()
    assert exported["image"][0].startswith("http://alpha.")


def test_ingredient_parse_preview(alpha, cook, as_user, client_for):
    client = as_user(cook)
    response = client.post(
        "/recipes/parse/",
        {"ingredients": "2 1/2 cups flour, sifted\n2-3 cloves garlic\nsalt to taste"},
        HTTP_HX_REQUEST="true",
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "2 1/2" in text and "sifted" in text and "2\N{EN DASH}3" in text
    too_long = client.post("/recipes/parse/", {"ingredients": "x" * 600})
    assert "longer than 500" in too_long.content.decode()
    assert client_for(alpha).post("/recipes/parse/", {"ingredients": "1 egg"}).status_code == 302


def test_steps_are_reordered_and_deleted_in_the_form(alpha, cook, as_user):
    recipe = make_recipe(
        alpha,
        cook,
        steps=[services.StepInput(text=t) for t in ("Chop.", "Fry.", "Serve.")],
    )
    with tenant_context(alpha):
        ids = [s.pk for s in recipe.steps.all()]
    data = {
        **form_data(title="Pancakes", version=str(recipe.version)),
        "steps-TOTAL_FORMS": "3",
        "steps-INITIAL_FORMS": "3",
    }
    for index, (step_id, text, order) in enumerate(
        zip(ids, ("Chop.", "Fry.", "Serve."), ("2", "1", "3"), strict=True)
    ):
        data.update(
            {
                f"steps-{index}-step_id": str(step_id),
                f"steps-{index}-text": text,
                f"steps-{index}-ORDER": order,
            }
        )
    data["steps-2-DELETE"] = "on"
    response = as_user(cook).post(f"/recipes/{recipe.pk}/edit/", data)
    assert response.status_code == 302
    with tenant_context(alpha):
        assert [s.text for s in recipe.steps.all()] == ["Fry.", "Chop."]


def test_import_drops_absurd_times_and_clamps_servings(alpha, cook):
    page = json.dumps(
        {
            "@type": "Recipe",
            "name": "Odd site",
            "prepTime": "PT99999H",
            "cookTime": "PT20M",
            "recipeYield": "10000",
            "recipeIngredient": ["1 egg"],
            "recipeInstructions": "Boil it.",
        }
    )
    with tenant_context(alpha):
        recipe = services.import_recipe(user=cook, text=page)
        assert (recipe.prep_minutes, recipe.cook_minutes, recipe.servings) == (None, 20, 4)


def test_items_added_by_hand_are_parsed_and_filed_by_aisle(alpha, cook, other_cook, as_user):
    recipe = make_recipe(alpha, cook)
    with tenant_context(alpha):
        services.plan_meal(
            user=cook, date=dt.date(2026, 11, 23), meal="dinner", recipe_id=recipe.pk
        )
        shopping = services.create_shopping_list(
            user=cook, start=dt.date(2026, 11, 23), end=dt.date(2026, 11, 23)
        )
    client = as_user(cook)
    assert (
        client.post(f"/recipes/shopping/{shopping.pk}/items/", {"text": "2 l milk"}).status_code
        == 302
    )
    with tenant_context(alpha):
        milk = shopping.items.get(food="milk")
        assert (float(milk.quantity), milk.unit, milk.aisle) == (2.0, "l", "dairy")
    client.post(f"/recipes/shopping/{shopping.pk}/items/", {"text": ""})
    with tenant_context(alpha):
        assert shopping.items.filter(food="").count() == 0
    assert (
        as_user(other_cook)
        .post(f"/recipes/shopping/{shopping.pk}/items/", {"text": "beer"})
        .status_code
        == 404
    )
