"""Demo data for the `make run` demo sites: recipes showing every feature of the app."""

import datetime as dt
import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from core.demo import demo_data
from tenant_apps.recipes import services
from tenant_apps.recipes.models import DietaryTag, Meal

RECIPES = [
    {
        "data": {
            "title": "Weeknight chickpea curry",
            "description": "Pantry staples, one pan, dinner in half an hour.",
            "servings": 4,
            "prep_minutes": 10,
            "cook_minutes": 20,
            "cuisine": "Indian",
            "course": "main",
            "notes": "Even better the next day.",
        },
        "ingredients": (
            "2 tbsp olive oil\n1 onion, chopped\n3 cloves garlic, minced\n"
            "1 tbsp curry powder\n1 (14 oz) can tomatoes\n2 cans chickpeas, drained\n"
            "1 cup coconut milk\nsalt to taste\n1 handful fresh cilantro"
        ),
        "steps": [
            ("Soften the onion in the oil over medium heat.", 8),
            ("Add garlic and curry powder; stir for a minute until fragrant.", 1),
            ("Add tomatoes, chickpeas and coconut milk; simmer.", 15),
            ("Season and scatter with cilantro.", None),
        ],
        "tags": ["vegan", "gluten-free", "dairy-free"],
        "colour": (214, 140, 42),
    },
    {
        "data": {
            "title": "Buttermilk pancakes",
            "description": "Fluffy American-style pancakes.",
            "servings": 4,
            "prep_minutes": 10,
            "cook_minutes": 15,
            "cuisine": "American",
            "course": "breakfast",
        },
        "ingredients": (
            "2 cups all-purpose flour\n2 tbsp sugar\n2 tsp baking powder\n1/2 tsp salt\n"
            "2 eggs\n2 cups buttermilk\n4 tbsp butter, melted"
        ),
        "steps": [
            ("Whisk the dry ingredients together.", None),
            ("Beat eggs, buttermilk and butter; fold into the flour. Rest the batter.", 5),
            ("Fry ladlefuls in a hot pan until bubbles form, then flip.", 3),
        ],
        "tags": ["vegetarian"],
        "colour": (236, 196, 120),
    },
    {
        "data": {
            "title": "Tomato and basil soup",
            "description": "Bright, quick, freezes well.",
            "servings": 2,
            "prep_minutes": 5,
            "cook_minutes": 25,
            "cuisine": "Italian",
            "course": "starter",
        },
        "ingredients": (
            "1 tbsp olive oil\n1 onion, chopped\n1 (14 oz) can tomatoes\n"
            "500 ml vegetable stock\n1 handful fresh basil\nsalt and pepper to taste"
        ),
        "steps": [
            ("Soften the onion in the oil.", 5),
            ("Add tomatoes and stock and simmer.", 20),
            ("Blend with the basil and season.", None),
        ],
        "tags": ["vegan", "gluten-free", "low-fodmap-friendly"],
        "colour": (200, 40, 30),
    },
]

IMPORTED = {
    "@context": "https://schema.org",
    "@type": "Recipe",
    "name": "Lemon drizzle cake",
    "description": "A classic British tray bake.",
    "recipeYield": "12 slices",
    "prepTime": "PT15M",
    "cookTime": "PT45M",
    "recipeCuisine": "British",
    "recipeCategory": "Baking",
    "keywords": "vegetarian, cake",
    "recipeIngredient": [
        "225 g unsalted butter, softened",
        "225 g caster sugar",
        "4 eggs",
        "275 g self-raising flour",
        "2 lemons, zested",
        "85 g granulated sugar",
    ],
    "recipeInstructions": [
        {"@type": "HowToStep", "text": "Beat butter and sugar, then the eggs one by one."},
        {"@type": "HowToStep", "text": "Fold in flour and zest; bake at 180C for 45 minutes."},
        {"@type": "HowToStep", "text": "Drizzle with lemon juice and sugar while warm."},
    ],
    "url": "https://example.com/lemon-drizzle",
}


def _photo(colour) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


@demo_data
def seed(*, organization, owner) -> None:
    from shared_apps.accounts.services import create_account
    from tenant_apps.members.models import Member, Role

    if not DietaryTag.objects.filter(slug="low-fodmap-friendly").exists():
        services.create_dietary_tag(user=owner, name="Low FODMAP friendly")
    cook = create_account(
        email=f"cook@{organization.schema_name}.example", password=None, verified=True
    )
    cook.name = "Sam Cook"
    cook.save(update_fields=["name"])
    Member.objects.get_or_create(user=cook, defaults={"role": Role.MEMBER})

    recipes = []
    for index, spec in enumerate(RECIPES):
        author = owner if index % 2 == 0 else cook
        recipes.append(
            services.create_recipe(
                author=author,
                data={**spec["data"], "status": "published"},
                ingredients_text=spec["ingredients"],
                steps=[services.StepInput(text=t, timer_minutes=m) for t, m in spec["steps"]],
                tags=list(DietaryTag.objects.filter(slug__in=spec["tags"])),
                image=_photo(spec["colour"]),
                photos=[_photo(tuple(max(c - 40, 0) for c in spec["colour"]))],
            )
        )
    imported = services.import_recipe(user=owner, text=json.dumps(IMPORTED))
    recipes.append(imported)  # stays a draft: the owner still has to check it over
    services.create_recipe(
        author=cook,
        data={"title": "Grandma's secret stew (draft)", "servings": 6},
        ingredients_text="1 kg beef chuck, cubed\n3 carrots\n2 onions\n500 ml beef stock",
        steps=[
            services.StepInput(text="Brown the beef, add the rest and braise.", timer_minutes=150)
        ],
    )

    curry, pancakes, soup = recipes[:3]
    services.rate_recipe(recipe_id=curry.pk, user=owner, score=5)
    services.rate_recipe(recipe_id=curry.pk, user=cook, score=4)
    services.rate_recipe(recipe_id=pancakes.pk, user=owner, score=4)
    services.add_comment(recipe_id=curry.pk, user=cook, body="Added spinach at the end. Great!")
    services.add_comment(recipe_id=pancakes.pk, user=owner, body="Kids loved these.")
    services.set_favourite(recipe_id=curry.pk, user=owner, is_favourite=True)
    services.set_favourite(recipe_id=soup.pk, user=owner, is_favourite=True)
    weeknight = services.create_collection(user=owner, name="Weeknight dinners")
    for recipe in (curry, soup):
        services.set_in_collection(
            user=owner, collection_id=weeknight.pk, recipe_id=recipe.pk, is_in=True
        )

    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    plan = [
        (0, Meal.DINNER, curry, 4),
        (1, Meal.BREAKFAST, pancakes, 2),
        (2, Meal.LUNCH, soup, 2),
        (3, Meal.DINNER, curry, 6),
        (5, Meal.BREAKFAST, pancakes, 6),
    ]
    for offset, meal, recipe, servings in plan:
        services.plan_meal(
            user=owner,
            date=monday + dt.timedelta(days=offset),
            meal=meal,
            recipe_id=recipe.pk,
            servings=servings,
        )
    shopping = services.create_shopping_list(
        user=owner, start=monday, end=monday + dt.timedelta(days=6)
    )
    first = shopping.items.first()
    if first is not None:
        services.set_item_checked(user=owner, item_id=first.pk, is_checked=True)
