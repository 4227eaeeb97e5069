from fractions import Fraction as F

import pytest

from tenant_apps.recipes.ingredients import ParsedIngredient, parse_ingredient, parse_quantity

# (line, quantity, quantity_max, unit, food, note) — lines as printed in real recipes:
# Toll House cookies, NYT, BBC Good Food, Serious Eats, AllRecipes and food blogs.
TABLE = [
    # integers, fractions, mixed numbers, decimals
    ("2 1/4 cups all-purpose flour", F(9, 4), None, "cup", "all-purpose flour", ""),
    ("1 teaspoon baking soda", 1, None, "tsp", "baking soda", ""),
    ("1 tsp. salt", 1, None, "tsp", "salt", ""),
    ("1 cup (2 sticks) butter, softened", 1, None, "cup", "butter", "2 sticks, softened"),
    ("3/4 cup granulated sugar", F(3, 4), None, "cup", "granulated sugar", ""),
    ("3/4 cup packed brown sugar", F(3, 4), None, "cup", "packed brown sugar", ""),
    ("1 teaspoon vanilla extract", 1, None, "tsp", "vanilla extract", ""),
    ("2 large eggs", 2, None, None, "large eggs", ""),
    (
        "2 cups (12-oz. pkg.) Semi-Sweet Chocolate Morsels",
        2, None, "cup", "Semi-Sweet Chocolate Morsels", "12-oz. pkg.",
    ),
    ("1 cup chopped nuts", 1, None, "cup", "chopped nuts", ""),
    ("1.5 cups whole milk", F(3, 2), None, "cup", "whole milk", ""),
    (".5 cup heavy cream", F(1, 2), None, "cup", "heavy cream", ""),
    ("0.25 tsp cayenne pepper", F(1, 4), None, "tsp", "cayenne pepper", ""),
    ("1,5 kg floury potatoes", F(3, 2), None, "kg", "floury potatoes", ""),
    ("1 1/2 teaspoons kosher salt", F(3, 2), None, "tsp", "kosher salt", ""),
    # unicode fractions
    ("½ cup milk", F(1, 2), None, "cup", "milk", ""),
    ("1½ cups water", F(3, 2), None, "cup", "water", ""),
    ("1 ½ cups water", F(3, 2), None, "cup", "water", ""),
    ("¾ tsp ground cumin", F(3, 4), None, "tsp", "ground cumin", ""),
    ("2⅓ cups bread flour", F(7, 3), None, "cup", "bread flour", ""),
    ("1\u20442 teaspoon fine sea salt", F(1, 2), None, "tsp", "fine sea salt", ""),
    # ranges
    ("2-3 cloves garlic, minced", 2, 3, "clove", "garlic", "minced"),
    ("2 to 3 tablespoons olive oil", 2, 3, "tbsp", "olive oil", ""),
    ("1 1/2-2 lbs boneless chicken thighs", F(3, 2), 2, "lb", "boneless chicken thighs", ""),
    ("1\u20132 tbsp maple syrup", 1, 2, "tbsp", "maple syrup", ""),
    ("1 or 2 red chillies, deseeded", 1, 2, None, "red chillies", "deseeded"),
    ("3 - 4 cups chicken stock", 3, 4, "cup", "chicken stock", ""),
    ("½-¾ cup sugar", F(1, 2), F(3, 4), "cup", "sugar", ""),
    # container sizes
    ("1 (14 oz) can tomatoes", 1, None, "can", "tomatoes", "14 oz"),
    ("1 (14.5-ounce) can diced tomatoes", 1, None, "can", "diced tomatoes", "14.5-ounce"),
    ("2 x 400g cans chopped tomatoes", 2, None, "can", "chopped tomatoes", "400 g"),
    ("2 \u00d7 400g tins chickpeas, drained", 2, None, "can", "chickpeas", "400 g, drained"),
    (
        "2 15-ounce cans black beans, rinsed and drained",
        2, None, "can", "black beans", "15 ounce, rinsed and drained",
    ),
    (
        "1 (8-ounce) package cream cheese, softened",
        1, None, "package", "cream cheese", "8-ounce, softened",
    ),
    ("4 x 150g salmon fillets", 4, None, None, "salmon fillets", "150 g"),
    ("1 (16 oz.) package spaghetti", 1, None, "package", "spaghetti", "16 oz."),
    # units: abbreviations, plurals, case-sensitive T / t
    ("1 T sugar", 1, None, "tbsp", "sugar", ""),
    ("1 t vanilla extract", 1, None, "tsp", "vanilla extract", ""),
    ("2 Tbsp. unsalted butter", 2, None, "tbsp", "unsalted butter", ""),
    ("2 TBSP soy sauce", 2, None, "tbsp", "soy sauce", ""),
    ("2 c flour", 2, None, "cup", "flour", ""),
    ("200g plain flour", 200, None, "g", "plain flour", ""),
    ("500 g strong white bread flour", 500, None, "g", "strong white bread flour", ""),
    ("1 kg beef chuck", 1, None, "kg", "beef chuck", ""),
    ("250ml double cream", 250, None, "ml", "double cream", ""),
    ("1 l vegetable stock", 1, None, "l", "vegetable stock", ""),
    ("1 litre whole milk", 1, None, "l", "whole milk", ""),
    ("8 oz cremini mushrooms, sliced", 8, None, "oz", "cremini mushrooms", "sliced"),
    ("1 lb. ground beef", 1, None, "lb", "ground beef", ""),
    ("2 lbs russet potatoes", 2, None, "lb", "russet potatoes", ""),
    ("1 pound spaghetti", 1, None, "lb", "spaghetti", ""),
    ("8 fl oz milk", 8, None, "fl oz", "milk", ""),
    ("4 fl. oz. dry white wine", 4, None, "fl oz", "dry white wine", ""),
    ("1 pint cherry tomatoes, halved", 1, None, "pint", "cherry tomatoes", "halved"),
    ("1 quart chicken broth", 1, None, "quart", "chicken broth", ""),
    ("1 gallon water", 1, None, "gallon", "water", ""),
    ("3 cloves garlic", 3, None, "clove", "garlic", ""),
    ("4 slices bacon, chopped", 4, None, "slice", "bacon", "chopped"),
    ("1 stick butter, melted", 1, None, "stick", "butter", "melted"),
    ("1 bunch cilantro, leaves and tender stems", 1, None, "bunch", "cilantro",
     "leaves and tender stems"),
    ("2 sprigs fresh rosemary", 2, None, "sprig", "fresh rosemary", ""),
    ("1 dash Worcestershire sauce", 1, None, "dash", "Worcestershire sauce", ""),
    ("1 package active dry yeast", 1, None, "package", "active dry yeast", ""),
    ("2 cups of flour", 2, None, "cup", "flour", ""),
    ("1 heaping tablespoon cocoa powder", 1, None, "tbsp", "cocoa powder", "heaping"),
    ("1 small bunch cilantro", 1, None, "bunch", "cilantro", "small"),
    # a / an / number words
    ("a pinch of salt", 1, None, "pinch", "salt", ""),
    ("Pinch of saffron threads", 1, None, "pinch", "saffron threads", ""),
    ("an onion, finely chopped", 1, None, None, "onion", "finely chopped"),
    ("A handful of basil leaves", 1, None, "handful", "basil leaves", ""),
    ("one egg, beaten", 1, None, None, "egg", "beaten"),
    ("half a lemon, juiced", F(1, 2), None, None, "lemon", "juiced"),
    ("a few sprigs thyme", None, None, None, "a few sprigs thyme", ""),
    # notes: comma, parentheses, to taste / as needed
    ("salt to taste", None, None, None, "salt", "to taste"),
    ("Salt and freshly ground black pepper, to taste", None, None, None,
     "Salt and freshly ground black pepper", "to taste"),
    ("Kosher salt and black pepper as needed", None, None, None,
     "Kosher salt and black pepper", "as needed"),
    ("Olive oil, for frying", None, None, None, "Olive oil", "for frying"),
    ("Fresh parsley, chopped (optional)", None, None, None, "Fresh parsley", "chopped, optional"),
    ("1 cup chicken broth (or vegetable broth)", 1, None, "cup", "chicken broth",
     "or vegetable broth"),
    ("1 cup (240 ml) buttermilk", 1, None, "cup", "buttermilk", "240 ml"),
    ("2 cups all-purpose flour, plus more for dusting", 2, None, "cup", "all-purpose flour",
     "plus more for dusting"),
    ("1/4 tsp red pepper flakes (optional)", F(1, 4), None, "tsp", "red pepper flakes",
     "optional"),
    ("Juice of 1 lemon", None, None, None, "Juice of 1 lemon", ""),
    ("about 2 cups baby spinach", 2, None, "cup", "baby spinach", "about"),
    ("1 tsp sugar, or to taste", 1, None, "tsp", "sugar", "or to taste"),
    ("Freshly grated Parmesan, to serve", None, None, None, "Freshly grated Parmesan", "to serve"),
    # bullets and whitespace
    ("• 1 tbsp olive oil", 1, None, "tbsp", "olive oil", ""),
    ("▢ 2 tablespoons soy sauce", 2, None, "tbsp", "soy sauce", ""),
    ("- 3 eggs", 3, None, None, "eggs", ""),
    ("* 1 cup rice", 1, None, "cup", "rice", ""),
    ("  3   cups    low-sodium   broth  ", 3, None, "cup", "low-sodium broth", ""),
    ("1\u00a0cup\u00a0sugar", 1, None, "cup", "sugar", ""),
    # things that must not be taken for units or quantities
    ("1 orange", 1, None, None, "orange", ""),
    ("2 tomatoes, diced", 2, None, None, "tomatoes", "diced"),
    ("1 large onion, diced", 1, None, None, "large onion", "diced"),
    ("6 cups toasted bread cubes", 6, None, "cup", "toasted bread cubes", ""),
    ("Whole cloves", None, None, None, "Whole cloves", ""),
    ("Cooking spray", None, None, None, "Cooking spray", ""),
]  # fmt: skip


def _as_fraction(value: int | F | None) -> F | None:
    return None if value is None else F(value)


@pytest.mark.parametrize(
    ("line", "quantity", "quantity_max", "unit", "food", "note"),
    TABLE,
    ids=[ascii(row[0]) for row in TABLE],
)
def test_parse_ingredient_table(line, quantity, quantity_max, unit, food, note):
    parsed = parse_ingredient(line)

    assert parsed == ParsedIngredient(
        quantity=_as_fraction(quantity),
        quantity_max=_as_fraction(quantity_max),
        unit=unit,
        food=food,
        note=note,
        original=line,
    )


def test_table_has_at_least_sixty_real_lines():
    assert len(TABLE) >= 60


def test_quantities_are_exact_fractions():
    parsed = parse_ingredient("0.1 cup water")

    assert parsed.quantity == F(1, 10)
    assert isinstance(parsed.quantity, F)


def test_parsed_ingredient_is_immutable():
    parsed = parse_ingredient("1 cup flour")

    with pytest.raises(AttributeError):
        parsed.food = "sugar"


def test_original_keeps_the_line_verbatim():
    line = "  • 1½ cups   water  "

    assert parse_ingredient(line).original == line


@pytest.mark.parametrize("line", ["", "   ", "•", "()", ",", "1/0 cup", "(unclosed note"])
def test_odd_input_never_raises(line):
    parsed = parse_ingredient(line)

    assert parsed.original == line


def test_unclosed_parenthesis_keeps_text_as_note():
    parsed = parse_ingredient("1 cup milk (whole or 2%")

    assert (parsed.quantity, parsed.unit, parsed.food, parsed.note) == (
        1,
        "cup",
        "milk",
        "whole or 2%",
    )


def test_descending_range_is_not_a_range():
    parsed = parse_ingredient("3-2 cups flour")

    assert parsed.quantity == 3
    assert parsed.quantity_max is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2", F(2)),
        ("1.5", F(3, 2)),
        ("1,5", F(3, 2)),
        ("3/4", F(3, 4)),
        ("2 1/2", F(5, 2)),
        ("½", F(1, 2)),
        ("1½", F(3, 2)),
        ("one", F(1)),
        ("a", F(1)),
    ],
)
def test_parse_quantity(text, expected):
    assert parse_quantity(text) == expected


@pytest.mark.parametrize("text", ["", "cup", "1/0", "1 2", "two and a half"])
def test_parse_quantity_rejects_non_numbers(text):
    with pytest.raises(ValueError):
        parse_quantity(text)
