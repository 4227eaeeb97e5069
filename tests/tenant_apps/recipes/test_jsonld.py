import json
from pathlib import Path

import pytest

from tenant_apps.recipes.jsonld import (
    NormalizedRecipe,
    StepSection,
    extract_recipes,
    format_iso_duration,
    normalize_recipe,
    parse_iso_duration,
    to_jsonld,
)

DATA = Path(__file__).parent / "data"
FIXTURES = [
    "allrecipes_lasagna.html",
    "bbcgoodfood_chilli.html",
    "nytcooking_pasta.html",
    "seriouseats_pancakes.html",
    "wprm_blog_curry.html",
    "pasted_bread.json",
]


def _recipe(name: str) -> NormalizedRecipe:
    recipes = extract_recipes((DATA / name).read_text(encoding="utf-8"))
    assert len(recipes) == 1
    return normalize_recipe(recipes[0])


def test_allrecipes_list_with_type_list_and_image_object():
    recipe = _recipe("allrecipes_lasagna.html")

    assert recipe.title == "World's Best Lasagna"
    assert recipe.description.endswith("It's been Allrecipes' #1 recipe for years.")
    assert recipe.author == "John Chandler"
    assert recipe.servings == 12
    assert (recipe.prep_minutes, recipe.cook_minutes, recipe.total_minutes) == (30, 150, 195)
    assert recipe.cuisine == ("Italian",)
    assert recipe.course == ("Dinner", "Main Course")
    assert recipe.images == (
        "https://www.allrecipes.com/thmb/WN3G8nRl2YjwWPcPIX3kIXIIVk4=/1500x0/filters:no_upscale()"
        ":max_bytes(150000):strip_icc()/23600-worlds-best-lasagna-DDMFS-4x3-"
        "2b2e41a5d4f84c0e8dc0f5c3e4bd1a35.jpg",
    )
    assert len(recipe.ingredients) == 19
    assert recipe.ingredients[4] == "1 (28 ounce) can crushed tomatoes"
    assert len(recipe.steps) == 5
    assert recipe.steps[3] == "Preheat the oven to 375 degrees F (190 degrees C)."
    assert recipe.source_url == "https://www.allrecipes.com/recipe/23600/worlds-best-lasagna/"


def test_bbc_good_food_html_in_steps_and_entities_are_cleaned():
    recipe = _recipe("bbcgoodfood_chilli.html")

    assert recipe.title == "Easy chilli con carne"
    assert recipe.description == (
        "Save this easy chilli con carne recipe for a fuss-free midweek meal. "
        "It's freezable so you can batch cook & save some for later."
    )
    assert recipe.servings == 4
    assert recipe.yield_text == "4"
    assert (recipe.prep_minutes, recipe.cook_minutes, recipe.total_minutes) == (10, 60, 70)
    assert recipe.keywords[:3] == ("Budget", "chilli con carne", "Cupboard")
    assert recipe.course == ("Dinner", "Main course")
    assert recipe.steps[0].startswith("Prepare your vegetables Chop 1 large onion")
    assert "<" not in "".join(recipe.steps)
    assert recipe.steps[2].endswith("until the onion is soft, squidgy and slightly translucent.")
    assert (
        recipe.steps[3] == "Leave to simmer for 10 minutes before serving with soured cream & rice."
    )
    assert recipe.ingredients[0] == "1 large onion"
    assert recipe.author == "Good Food team"


def test_nyt_cooking_image_objects_and_comma_separated_categories():
    recipe = _recipe("nytcooking_pasta.html")

    assert recipe.servings == 4
    assert recipe.yield_text == "4 servings"
    assert (recipe.prep_minutes, recipe.cook_minutes, recipe.total_minutes) == (None, None, 30)
    assert len(recipe.images) == 2
    assert recipe.images[0].endswith("mc-burst-tomato-pasta-superJumbo.jpg")
    assert recipe.course == ("dinner", "easy", "quick", "weeknight", "pastas", "main course")
    assert recipe.keywords == ("cherry tomato", "garlic", "spaghetti", "summer")
    assert recipe.description.endswith("boil pasta. It\u2019s a summer staple.")
    assert recipe.ingredients[2] == "\u2153 cup extra-virgin olive oil"
    assert recipe.author == "Melissa Clark"
    assert len(recipe.steps) == 4


def test_serious_eats_yield_list_keyword_list_and_page_url():
    recipe = _recipe("seriouseats_pancakes.html")

    assert recipe.title == "Light and Fluffy Buttermilk Pancakes"
    assert recipe.servings == 4
    assert recipe.yield_text == "4 servings"
    assert recipe.keywords == ("pancakes", "buttermilk", "brunch")
    assert recipe.author == "J. Kenji López-Alt"
    assert len(recipe.images) == 2
    assert recipe.source_url == "https://www.seriouseats.com/light-and-fluffy-pancakes-recipe"
    assert recipe.ingredients[-1] == "Butter or oil for cooking"


def test_wordpress_wprm_graph_with_sections_and_author_reference():
    recipe = _recipe("wprm_blog_curry.html")

    assert recipe.title == "Easy Chickpea Curry"
    assert recipe.author == "Priya Sharma"
    assert recipe.description == (
        "A creamy, cozy chickpea curry made with pantry staples & ready in 30 minutes. "
        "It's naturally vegan and gluten-free!"
    )
    assert recipe.servings == 4
    assert recipe.yield_text == "4 servings"
    assert recipe.cuisine == ("Indian",)
    assert recipe.course == ("Main Course",)
    assert recipe.keywords == ("chickpea curry", "easy curry", "vegan curry")
    assert len(recipe.images) == 4
    assert recipe.source_url == "https://littlekitchennotes.example/easy-chickpea-curry/"
    assert [section.name for section in recipe.step_sections] == ["Make the curry base", "Simmer"]
    assert len(recipe.steps) == 4
    assert recipe.steps == tuple(s for sec in recipe.step_sections for s in sec.steps)
    assert recipe.steps[0].endswith("cook for 5 minutes until soft & translucent.")


def test_pasted_json_with_text_ingredients_and_html_list_instructions():
    recipe = _recipe("pasted_bread.json")

    assert recipe.author == "Jim Lahey"
    assert recipe.servings == 1
    assert recipe.yield_text == "1 loaf"
    assert recipe.total_minutes == 60  # prep + cook when the site gives no total
    assert recipe.ingredients == (
        "3 cups all-purpose flour",
        "1 1/4 teaspoons salt",
        "1/4 teaspoon instant yeast",
        "1 1/2 cups water",
    )
    assert recipe.steps == (
        "In a large bowl combine flour, yeast and salt.",
        "Add water and stir until blended; dough will be shaggy.",
        "Cover and let rest 12 to 18 hours at room temperature.",
    )
    assert recipe.images == ("https://example.org/images/no-knead-bread.jpg",)


@pytest.mark.parametrize("name", FIXTURES)
def test_round_trip_through_jsonld_export(name):
    recipe = _recipe(name)

    exported = to_jsonld(recipe)

    assert normalize_recipe(exported) == recipe
    assert normalize_recipe(json.loads(json.dumps(exported))) == recipe


@pytest.mark.parametrize("name", FIXTURES)
def test_exported_html_script_is_found_again(name):
    recipe = _recipe(name)
    page = (
        '<html><head><script type="application/ld+json">'
        + json.dumps(to_jsonld(recipe))
        + "</script></head></html>"
    )

    assert [normalize_recipe(r) for r in extract_recipes(page)] == [recipe]


def test_export_is_valid_schema_org_recipe():
    recipe = _recipe("wprm_blog_curry.html")

    data = to_jsonld(recipe)

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Recipe"
    assert data["name"] == "Easy Chickpea Curry"
    assert data["recipeYield"] == ["4", "4 servings"]
    assert data["prepTime"] == "PT10M"
    assert data["totalTime"] == "PT30M"
    assert data["author"] == {"@type": "Person", "name": "Priya Sharma"}
    assert data["keywords"] == "chickpea curry, easy curry, vegan curry"
    assert data["recipeInstructions"][0]["@type"] == "HowToSection"
    assert data["recipeInstructions"][0]["itemListElement"][0]["@type"] == "HowToStep"
    assert "nutrition" not in data


def test_export_of_plain_steps_uses_how_to_steps_and_leaves_out_empty_fields():
    recipe = NormalizedRecipe(title="Toast", steps=("Toast the bread.", "Butter it."))

    assert to_jsonld(recipe) == {
        "@context": "https://schema.org",
        "@type": "Recipe",
        "name": "Toast",
        "recipeInstructions": [
            {"@type": "HowToStep", "text": "Toast the bread."},
            {"@type": "HowToStep", "text": "Butter it."},
        ],
    }


def test_extract_finds_recipes_in_graph_nested_main_entity_and_ignores_others():
    page = """
    <script type="application/ld+json">{"@type": "WebSite", "name": "x"}</script>
    <script type="application/ld+json">{"@graph": [{"@type": "WebPage",
        "mainEntity": {"@type": "http://schema.org/Recipe", "name": "A"}},
        {"@type": ["Recipe", "HowTo"], "name": "B"}]}</script>
    <script type="application/ld+json">this is not json</script>
    <script type="text/javascript">var r = {"@type": "Recipe", "name": "C"};</script>
    <script type="application/ld+json">
    <!--
    [{"@type": "Recipe", "name": "D\tE"}]
    -->
    </script>
    """

    names = [r["name"] for r in extract_recipes(page)]

    assert names == ["A", "B", "D\tE"]


def test_extract_survives_reference_cycles():
    text = json.dumps(
        {
            "@graph": [
                {"@type": "Article", "@id": "#a", "isPartOf": {"@id": "#r"}},
                {"@type": "Recipe", "@id": "#r", "name": "R", "isPartOf": {"@id": "#a"}},
            ]
        }
    )

    [recipe] = extract_recipes(text)

    assert recipe["isPartOf"]["@type"] == "Article"
    assert recipe["isPartOf"]["isPartOf"] == {"@id": "#r"}


@pytest.mark.parametrize("text", ["", "<html></html>", "{not json", "[]", '{"@type": "Thing"}'])
def test_extract_returns_empty_list_when_no_recipe(text):
    assert extract_recipes(text) == []


@pytest.mark.parametrize(
    ("value", "servings", "text"),
    [
        (4, 4, "4"),
        ("4", 4, "4"),
        ("Serves 4", 4, "Serves 4"),
        (["4", "4 servings"], 4, "4 servings"),
        (["6"], 6, "6"),
        ("4-6 servings", 4, "4-6 servings"),
        ("Makes 24 cookies", 24, "Makes 24 cookies"),
        ("a big pot", None, "a big pot"),
        (None, None, ""),
    ],
)
def test_recipe_yield_forms(value, servings, text):
    recipe = normalize_recipe({"@type": "Recipe", "name": "x", "recipeYield": value})

    assert (recipe.servings, recipe.yield_text) == (servings, text)


@pytest.mark.parametrize(
    ("value", "minutes"),
    [
        ("PT1H30M", 90),
        ("PT90M", 90),
        ("P0DT1H30M", 90),
        ("PT1H30M0S", 90),
        ("PT20M30S", 21),
        ("P1D", 1440),
        ("pt45m", 45),
        ("PT0S", 0),
        ("PT", None),
        ("30 minutes", None),
        ("", None),
        (None, None),
        (30, None),
    ],
)
def test_parse_iso_duration(value, minutes):
    assert parse_iso_duration(value) == minutes


@pytest.mark.parametrize(("minutes", "text"), [(90, "PT1H30M"), (60, "PT1H"), (45, "PT45M")])
def test_format_iso_duration(minutes, text):
    assert format_iso_duration(minutes) == text
    assert parse_iso_duration(text) == minutes


def test_instructions_as_single_text_and_list_of_strings():
    as_text = normalize_recipe(
        {"@type": "Recipe", "name": "x", "recipeInstructions": "Mix.\nBake &amp; cool."}
    )
    as_list = normalize_recipe(
        {"@type": "Recipe", "name": "x", "recipeInstructions": ["Mix.", "", "<p>Bake.</p>"]}
    )

    assert as_text.steps == ("Mix.", "Bake & cool.")
    assert as_list.steps == ("Mix.", "Bake.")


def test_steps_outside_sections_are_kept_in_an_unnamed_section():
    recipe = normalize_recipe(
        {
            "@type": "Recipe",
            "name": "x",
            "recipeInstructions": [
                {"@type": "HowToStep", "text": "Prep."},
                {
                    "@type": "HowToSection",
                    "name": "Cook",
                    "itemListElement": [{"@type": "HowToStep", "name": "Fry."}],
                },
            ],
        }
    )

    assert recipe.steps == ("Prep.", "Fry.")
    assert recipe.step_sections == (
        StepSection(name="", steps=("Prep.",)),
        StepSection(name="Cook", steps=("Fry.",)),
    )
    assert normalize_recipe(to_jsonld(recipe)) == recipe


def test_authors_images_and_double_escaped_entities():
    recipe = normalize_recipe(
        {
            "@type": "Recipe",
            "name": "Mac &amp;amp; Cheese",
            "author": [{"@type": "Person", "name": "Ann"}, "Bob", {"@type": "Organization"}],
            "image": [{"@type": "ImageObject", "url": "https://a/1.jpg"}, "https://a/1.jpg"],
            "recipeCuisine": "Italian, American",
            "nutrition": {"calories": "1"},
        }
    )

    assert recipe.title == "Mac & Cheese"
    assert recipe.author == "Ann, Bob"
    assert recipe.images == ("https://a/1.jpg",)
    assert recipe.cuisine == ("Italian", "American")
