"""Cooking units: families, exact conversions, sensible display and shopping-list sums.

Pure Python (no Django). Quantities are :class:`fractions.Fraction` throughout so that
scaling and converting never accumulates floating point error; only :func:`humanize`
rounds, and only for display.

Unit keys are the canonical keys produced by :mod:`tenant_apps.recipes.ingredients`:
``tsp``, ``tbsp``, ``cup``, ``fl oz``, ``pint``, ``quart``, ``gallon``, ``ml``, ``cl``,
``dl``, ``l`` (volume); ``mg``, ``g``, ``kg``, ``oz``, ``lb`` (mass); and count units such
as ``clove`` or ``can``. ``None`` means "no unit" (``2 eggs``) and belongs to the count
family.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Literal

VOLUME = "volume"
MASS = "mass"
COUNT = "count"

US = "us"
METRIC = "metric"

UnitSystem = Literal["us", "metric"]
Number = Fraction | int | Decimal | float | str

# Exact definitions: 1 US fluid ounce is 29.5735295625 ml, 1 avoirdupois ounce is
# 28.349523125 g (both exact by international agreement, 1959).
_FL_OZ_ML = Fraction("29.5735295625")
_OZ_G = Fraction("28.349523125")

#: Size of one unit in the family's base unit (ml for volume, g for mass).
VOLUME_UNITS: dict[str, Fraction] = {
    "ml": Fraction(1),
    "cl": Fraction(10),
    "dl": Fraction(100),
    "l": Fraction(1000),
    "tsp": _FL_OZ_ML / 6,
    "tbsp": _FL_OZ_ML / 2,
    "fl oz": _FL_OZ_ML,
    "cup": _FL_OZ_ML * 8,
    "pint": _FL_OZ_ML * 16,
    "quart": _FL_OZ_ML * 32,
    "gallon": _FL_OZ_ML * 128,
}
MASS_UNITS: dict[str, Fraction] = {
    "mg": Fraction(1, 1000),
    "g": Fraction(1),
    "kg": Fraction(1000),
    "oz": _OZ_G,
    "lb": _OZ_G * 16,
}
#: Units that are counted, never converted into one another.
COUNT_UNITS: frozenset[str] = frozenset(
    {
        "pinch",
        "dash",
        "handful",
        "clove",
        "can",
        "jar",
        "bottle",
        "package",
        "bag",
        "box",
        "slice",
        "stick",
        "bunch",
        "sprig",
        "head",
        "stalk",
        "piece",
        "fillet",
        "sheet",
        "knob",
        "envelope",
    }
)
#: Count units that make no sense in fractions: shown rounded *up* to a whole number.
WHOLE_COUNT_UNITS: frozenset[str] = frozenset(
    {
        "pinch",
        "dash",
        "handful",
        "clove",
        "can",
        "jar",
        "bottle",
        "package",
        "bag",
        "box",
        "bunch",
        "sprig",
        "head",
        "envelope",
    }
)
_METRIC_UNITS = frozenset({"ml", "cl", "dl", "l", "mg", "g", "kg"})

#: Display names: (singular, plural).
_UNIT_NAMES: dict[str, tuple[str, str]] = {
    "cup": ("cup", "cups"),
    "pint": ("pint", "pints"),
    "quart": ("quart", "quarts"),
    "gallon": ("gallon", "gallons"),
    "pinch": ("pinch", "pinches"),
    "dash": ("dash", "dashes"),
    "handful": ("handful", "handfuls"),
    "clove": ("clove", "cloves"),
    "can": ("can", "cans"),
    "jar": ("jar", "jars"),
    "bottle": ("bottle", "bottles"),
    "package": ("package", "packages"),
    "bag": ("bag", "bags"),
    "box": ("box", "boxes"),
    "slice": ("slice", "slices"),
    "stick": ("stick", "sticks"),
    "bunch": ("bunch", "bunches"),
    "sprig": ("sprig", "sprigs"),
    "head": ("head", "heads"),
    "stalk": ("stalk", "stalks"),
    "piece": ("piece", "pieces"),
    "fillet": ("fillet", "fillets"),
    "sheet": ("sheet", "sheets"),
    "knob": ("knob", "knobs"),
    "envelope": ("envelope", "envelopes"),
}


class IncompatibleUnitsError(ValueError):
    """Raised when converting between units of different families (or count units)."""


def unit_family(unit: str | None) -> str:
    """Return ``"volume"``, ``"mass"`` or ``"count"`` for a canonical unit key.

    ``None`` (no unit) and every unknown key count as ``"count"``.
    """
    if unit in VOLUME_UNITS:
        return VOLUME
    if unit in MASS_UNITS:
        return MASS
    return COUNT


def unit_system(unit: str | None) -> str:
    """Return ``"metric"`` or ``"us"`` for volume/mass units and ``"count"`` otherwise."""
    family = unit_family(unit)
    if family == COUNT:
        return COUNT
    return METRIC if unit in _METRIC_UNITS else US


def to_fraction(value: Number) -> Fraction:
    """Turn a number into an exact Fraction; floats go through their shortest repr.

    ``0.1`` becomes ``1/10`` (not the binary approximation).
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        return Fraction(repr(value))
    return Fraction(value)


def convert(quantity: Number, from_unit: str, to_unit: str) -> Fraction:
    """Convert exactly between two units of the same family.

    Count units convert only to themselves. Raises :class:`IncompatibleUnitsError`
    otherwise (e.g. cups to grams: that needs a density, which we do not guess).
    """
    qty = to_fraction(quantity)
    if from_unit == to_unit:
        return qty
    for table in (VOLUME_UNITS, MASS_UNITS):
        if from_unit in table and to_unit in table:
            return qty * table[from_unit] / table[to_unit]
    raise IncompatibleUnitsError(f"cannot convert {from_unit!r} to {to_unit!r}")


def _base(quantity: Fraction, unit: str) -> Fraction:
    table = VOLUME_UNITS if unit in VOLUME_UNITS else MASS_UNITS
    return quantity * table[unit]


def to_metric(quantity: Number, unit: str | None) -> tuple[Fraction, str | None]:
    """Express a quantity in the most readable metric unit of its family.

    Volume becomes ml below one litre and l from one litre; mass becomes g below one
    kilogram and kg from one kilogram. Count units (and ``None``) come back unchanged.
    Exact: ``to_metric(1000, "ml") == (Fraction(1), "l")``.
    """
    qty = to_fraction(quantity)
    family = unit_family(unit)
    if family == COUNT or unit is None:
        return qty, unit
    base = _base(qty, unit)
    if family == VOLUME:
        return (base / 1000, "l") if base >= 1000 else (base, "ml")
    return (base / 1000, "kg") if base >= 1000 else (base, "g")


def _is_nice_cup(cups: Fraction) -> bool:
    # Cup measures come in eighths and thirds.
    return (cups * 8).denominator == 1 or (cups * 3).denominator == 1


def to_us(quantity: Number, unit: str | None) -> tuple[Fraction, str | None]:
    """Express a quantity in the most readable US customary unit of its family.

    Volume: tsp below 1 tbsp, tbsp below 1/4 cup (and for whole tablespoons that are
    no neat cup measure, e.g. 5 tbsp), cups below a gallon, then gallons. Mass: oz below
    1 lb, then lb. ``to_us(3, "tsp") == (1, "tbsp")``; ``to_us(Fraction(1, 4), "cup")``
    stays in cups. Count units (and ``None``) come back unchanged.
    """
    qty = to_fraction(quantity)
    family = unit_family(unit)
    if family == COUNT or unit is None:
        return qty, unit
    base = _base(qty, unit)
    if family == MASS:
        lb = base / MASS_UNITS["lb"]
        return (lb, "lb") if lb >= 1 else (base / MASS_UNITS["oz"], "oz")
    cups = base / VOLUME_UNITS["cup"]
    tbsp = base / VOLUME_UNITS["tbsp"]
    if cups >= 16:
        return base / VOLUME_UNITS["gallon"], "gallon"
    if cups >= Fraction(1, 4):
        if cups < 1 and tbsp.denominator == 1 and not _is_nice_cup(cups):
            return tbsp, "tbsp"
        return cups, "cup"
    if tbsp >= 1:
        return tbsp, "tbsp"
    return base / VOLUME_UNITS["tsp"], "tsp"


def scale(quantity: Number | None, factor: Number) -> Fraction | None:
    """Multiply a quantity by a factor exactly; ``None`` (e.g. "to taste") stays ``None``.

    Raises ``ValueError`` for a negative factor.
    """
    fac = to_fraction(factor)
    if fac < 0:
        raise ValueError("the scaling factor must not be negative")
    if quantity is None:
        return None
    return to_fraction(quantity) * fac


def _format_fraction(value: Fraction) -> str:
    whole, rest = divmod(value.numerator, value.denominator)
    if rest == 0:
        return str(whole)
    frac = f"{rest}/{value.denominator}"
    return f"{whole} {frac}" if whole else frac


def _nearest(value: Fraction, steps: Iterable[int]) -> Fraction:
    """Closest multiple of 1/step over the given steps; earlier steps win ties."""
    best: Fraction | None = None
    for step in steps:
        candidate = Fraction(round(value * step), step)
        if best is None or abs(candidate - value) < abs(best - value):
            best = candidate
    assert best is not None
    return best


def _round_half_up(value: Fraction, step: Fraction) -> Fraction:
    return Fraction(math.floor(value / step + Fraction(1, 2))) * step


def _format_decimal(value: Fraction) -> str:
    text = f"{Decimal(value.numerator) / Decimal(value.denominator):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def humanize(quantity: Number | None, unit_system: str, unit: str | None = None) -> str:
    """Format a quantity for people, rounding only for display.

    * ``"us"``: nearest 1/8 (or 1/3, which cup measures also come in) as a mixed
      number: ``Fraction(3, 2)`` -> ``"1 1/2"``, ``0.33`` -> ``"1/3"``.
    * ``"metric"``: two significant digits below 100, nearest 5 (scaled by magnitude)
      from 100: ``473.176`` -> ``"475"``, ``1.5`` -> ``"1.5"``, ``14.79`` -> ``"15"``.
    * ``"count"`` (or any count ``unit``): nearest 1/4 (``"1 1/2"`` eggs), except units
      you cannot split (clove, can, pinch, ...) which round *up* to a whole number.

    When ``unit`` is a count unit it decides the rounding whatever ``unit_system`` says.
    A positive quantity never shows as ``"0"``; ``None`` shows as ``""``.
    """
    if quantity is None:
        return ""
    qty = to_fraction(quantity)
    if qty < 0:
        raise ValueError("quantities cannot be negative")
    if qty == 0:
        return "0"
    if unit is not None and unit_family(unit) == COUNT:
        unit_system = COUNT
    if unit_system == COUNT:
        if unit in WHOLE_COUNT_UNITS:
            return str(math.ceil(qty))
        rounded = _nearest(qty, (4,))
        return _format_fraction(rounded or Fraction(1, 4))
    if unit_system == US:
        rounded = _nearest(qty, (8, 3))
        return _format_fraction(rounded or Fraction(1, 8))
    if unit_system == METRIC:
        magnitude = math.floor(math.log10(qty))
        if magnitude >= 2:
            step = Fraction(5) * Fraction(10) ** (magnitude - 2)
        else:
            step = Fraction(10) ** (magnitude - 1)
        return _format_decimal(_round_half_up(qty, step) or step)
    raise ValueError(f"unknown unit system: {unit_system!r}")


def unit_label(unit: str | None, quantity: Number | None = None) -> str:
    """Display name of a unit, plural when the quantity is more than one.

    Abbreviations (tsp, g, fl oz, ...) never take a plural.
    """
    if unit is None:
        return ""
    names = _UNIT_NAMES.get(unit)
    if names is None:
        return unit
    plural = quantity is not None and to_fraction(quantity) > 1
    return names[1] if plural else names[0]


def format_quantity(quantity: Number | None, unit: str | None) -> str:
    """``humanize`` plus the unit label, in the unit's own system: ``"1 1/2 cups"``."""
    system = unit_system(unit)
    number = humanize(quantity, system, unit)
    label = unit_label(unit, quantity)
    return " ".join(part for part in (number, label) if part)


def add_quantities(
    items: Iterable[tuple[Number | None, str | None]],
) -> list[tuple[Fraction | None, str | None]]:
    """Sum quantities for a shopping list, one entry per compatible group.

    Volumes add up together, masses together, and each count unit (``None`` included)
    separately, because cups and grams need a density and cloves are not cans. Each
    group's total is expressed in a readable unit of the system its inputs used
    (:func:`to_us` or :func:`to_metric`; metric when systems are mixed). Quantities of
    ``None`` ("to taste") are ignored when the group has a real quantity, and give a
    ``(None, unit)`` entry otherwise. Groups keep the order of their first item.
    """
    groups: dict[tuple[str, str | None], list[tuple[Fraction | None, str | None]]] = {}
    for quantity, unit in items:
        family = unit_family(unit)
        key = (family, None if family != COUNT else unit)
        qty = None if quantity is None else to_fraction(quantity)
        groups.setdefault(key, []).append((qty, unit))

    result: list[tuple[Fraction | None, str | None]] = []
    for (family, count_unit), members in groups.items():
        known = [(q, u) for q, u in members if q is not None]
        if not known:
            result.append((None, members[0][1]))
            continue
        if family == COUNT:
            result.append((sum((q for q, _ in known), Fraction(0)), count_unit))
            continue
        total = sum((_base(q, u) for q, u in known), Fraction(0))
        base_unit = "ml" if family == VOLUME else "g"
        systems = {unit_system(u) for _, u in known}
        if systems == {US}:
            result.append(to_us(total, base_unit))
        else:
            result.append(to_metric(total, base_unit))
    return result


# --- aisles ---------------------------------------------------------------------------

PRODUCE = "produce"
DAIRY = "dairy"
MEAT_FISH = "meat & fish"
BAKERY = "bakery"
PANTRY = "pantry"
SPICES = "spices"
FROZEN = "frozen"
DRINKS = "drinks"
OTHER = "other"

AISLES: tuple[str, ...] = (PRODUCE, DAIRY, MEAT_FISH, BAKERY, PANTRY, SPICES, FROZEN, DRINKS, OTHER)

_FRESH_HERBS = frozenset(
    {"basil", "parsley", "cilantro", "coriander", "dill", "mint", "oregano", "rosemary",
     "sage", "tarragon", "thyme", "chive", "bay leaf", "marjoram"}
)  # fmt: skip

_AISLE_WORDS: dict[str, tuple[str, ...]] = {
    PRODUCE: (
        "apple",
        "apricot",
        "arugula",
        "asparagus",
        "avocado",
        "banana",
        "bean sprout",
        "beet",
        "bell pepper",
        "berry",
        "blackberry",
        "blueberry",
        "bok choy",
        "broccoli",
        "brussels sprout",
        "cabbage",
        "carrot",
        "cauliflower",
        "celery",
        "chard",
        "cherry",
        "chile",
        "chili pepper",
        "corn on the cob",
        "cucumber",
        "eggplant",
        "aubergine",
        "fennel",
        "garlic",
        "ginger",
        "grape",
        "grapefruit",
        "green bean",
        "green onion",
        "herb",
        "jalapeno",
        "jalapeño",
        "kale",
        "leek",
        "lemon",
        "lettuce",
        "lime",
        "mango",
        "melon",
        "mushroom",
        "nectarine",
        "onion",
        "orange",
        "pea pod",
        "peach",
        "pear",
        "bell pepper",
        "red pepper",
        "green pepper",
        "yellow pepper",
        "sweet pepper",
        "pineapple",
        "plum",
        "potato",
        "pumpkin",
        "radish",
        "raspberry",
        "romaine",
        "scallion",
        "shallot",
        "snow pea",
        "spinach",
        "squash",
        "strawberry",
        "sweet potato",
        "tomato",
        "zucchini",
        "courgette",
        "lemongrass",
        "watercress",
        "rhubarb",
        "kiwi",
        "fig",
        "cherry tomato",
        "salad",
        "sprout",
        *sorted(_FRESH_HERBS),
    ),
    DAIRY: (
        "butter",
        "buttermilk",
        "cheddar",
        "cheese",
        "cream",
        "creme fraiche",
        "crème fraîche",
        "egg",
        "feta",
        "ghee",
        "gruyere",
        "gruyère",
        "half-and-half",
        "half and half",
        "heavy cream",
        "kefir",
        "margarine",
        "mascarpone",
        "milk",
        "mozzarella",
        "parmesan",
        "parmigiano-reggiano",
        "pecorino",
        "ricotta",
        "sour cream",
        "whipping cream",
        "yogurt",
        "yoghurt",
        "paneer",
        "brie",
        "goat cheese",
        "cream cheese",
        "cottage cheese",
        "tofu",
    ),
    MEAT_FISH: (
        "anchovy",
        "bacon",
        "beef",
        "breast",
        "brisket",
        "chicken",
        "chorizo",
        "clam",
        "cod",
        "crab",
        "drumstick",
        "duck",
        "fish",
        "ground beef",
        "ground pork",
        "haddock",
        "halibut",
        "ham",
        "lamb",
        "lobster",
        "mince",
        "mussel",
        "pancetta",
        "pork",
        "prawn",
        "prosciutto",
        "salmon",
        "sausage",
        "scallop",
        "shrimp",
        "steak",
        "thigh",
        "tilapia",
        "trout",
        "tuna steak",
        "turkey",
        "veal",
        "venison",
        "wing",
        "oyster",
        "squid",
        "sea bass",
        "pork chop",
        "short rib",
        "meatball",
    ),
    BAKERY: (
        "bagel",
        "baguette",
        "bread",
        "brioche",
        "bun",
        "ciabatta",
        "croissant",
        "english muffin",
        "flatbread",
        "focaccia",
        "naan",
        "pita",
        "roll",
        "sourdough",
        "tortilla",
        "pie crust",
        "breadcrumb",
        "panko",
    ),
    PANTRY: (
        "baking powder",
        "baking soda",
        "bicarbonate of soda",
        "barley",
        "bean",
        "broth",
        "brown sugar",
        "bouillon",
        "caper",
        "chickpea",
        "chocolate",
        "chocolate chip",
        "cocoa",
        "coconut milk",
        "cornmeal",
        "cornstarch",
        "cornflour",
        "couscous",
        "cracker",
        "dijon",
        "extract",
        "fish sauce",
        "flour",
        "gelatin",
        "honey",
        "hot sauce",
        "jam",
        "ketchup",
        "lentil",
        "maple syrup",
        "mayonnaise",
        "mayo",
        "molasses",
        "mustard",
        "noodle",
        "nut",
        "almond",
        "walnut",
        "pecan",
        "cashew",
        "peanut",
        "peanut butter",
        "oat",
        "oil",
        "olive",
        "olive oil",
        "pasta",
        "spaghetti",
        "penne",
        "macaroni",
        "lasagna",
        "polenta",
        "quinoa",
        "raisin",
        "rice",
        "salsa",
        "sesame seed",
        "soy sauce",
        "stock",
        "sugar",
        "syrup",
        "tahini",
        "tomato paste",
        "tomato sauce",
        "crushed tomato",
        "diced tomato",
        "chopped tomato",
        "canned tomato",
        "tuna",
        "vanilla",
        "vinegar",
        "worcestershire sauce",
        "yeast",
        "cornflake",
        "cereal",
        "seed",
        "powdered sugar",
        "icing sugar",
        "condensed milk",
        "evaporated milk",
        "sriracha",
        "miso",
        "passata",
        "dried fruit",
        "coconut",
        "date",
        "apricot jam",
        "marinara",
        "pesto",
    ),
    SPICES: (
        "allspice",
        "black pepper",
        "cardamom",
        "cayenne",
        "chili flake",
        "chili powder",
        "chilli flake",
        "chilli powder",
        "cinnamon",
        "clove",
        "cumin",
        "curry powder",
        "garam masala",
        "garlic powder",
        "ground ginger",
        "nutmeg",
        "onion powder",
        "paprika",
        "smoked paprika",
        "peppercorn",
        "red pepper flake",
        "saffron",
        "salt",
        "kosher salt",
        "sea salt",
        "seasoning",
        "spice",
        "star anise",
        "turmeric",
        "italian seasoning",
        "bay leaf",
        "dried oregano",
        "dried thyme",
        "dried basil",
        "herbes de provence",
        "five spice",
        "za'atar",
        "sumac",
        "ground coriander",
        "coriander seed",
        "fennel seed",
        "mustard seed",
        "whole clove",
        "ground clove",
        "pepper flake",
        "white pepper",
        "pepper",
        "cumin seed",
        "red pepper flake",
    ),
    FROZEN: (
        "frozen",
        "ice cream",
        "frozen pea",
        "frozen corn",
        "frozen spinach",
        "puff pastry",
        "phyllo",
        "filo",
        "ice",
    ),
    DRINKS: (
        "beer",
        "wine",
        "red wine",
        "white wine",
        "juice",
        "soda",
        "sparkling water",
        "coffee",
        "espresso",
        "tea",
        "rum",
        "vodka",
        "whiskey",
        "whisky",
        "brandy",
        "gin",
        "tequila",
        "cider",
        "club soda",
        "tonic",
        "lemonade",
        "sherry",
        "port",
        "mirin",
        "sake",
        "bourbon",
    ),
}

# Later aisles in this list override earlier ones for the same phrase ("bay leaf" is a
# spice even though fresh herbs are produce).
_AISLE_INDEX: dict[str, str] = {}
for _aisle in (PRODUCE, DAIRY, MEAT_FISH, BAKERY, PANTRY, DRINKS, SPICES, FROZEN):
    for _phrase in _AISLE_WORDS[_aisle]:
        _AISLE_INDEX[_phrase.replace("-", " ")] = _aisle
# Words that describe a different product than the noun they modify.
_PHRASE_OVERRIDES: dict[str, str] = {
    "lemon juice": PRODUCE,
    "lime juice": PRODUCE,
    "orange juice": DRINKS,
    "coconut milk": PANTRY,
    "almond milk": DAIRY,
    "oat milk": DAIRY,
    "tuna": PANTRY,
    "chicken stock": PANTRY,
    "chicken broth": PANTRY,
    "beef stock": PANTRY,
    "beef broth": PANTRY,
    "vegetable stock": PANTRY,
    "vegetable broth": PANTRY,
    "cream of tartar": PANTRY,
    "garlic clove": PRODUCE,
    "cherry tomato": PRODUCE,
    "sun-dried tomato": PANTRY,
    "sun dried tomato": PANTRY,
    "wine vinegar": PANTRY,
    "red wine vinegar": PANTRY,
    "white wine vinegar": PANTRY,
    "rice vinegar": PANTRY,
    "cider vinegar": PANTRY,
    "apple cider vinegar": PANTRY,
    "coconut cream": PANTRY,
    "ice cube": FROZEN,
    "water": OTHER,
    "peppercorn": SPICES,
}
_AISLE_INDEX.update({k.replace("-", " "): v for k, v in _PHRASE_OVERRIDES.items()})
_MAX_PHRASE = max(len(p.split()) for p in _AISLE_INDEX)
_WORD_RE = re.compile(r"[a-zà-ÿ'\-]+")


def _singulars(word: str) -> list[str]:
    forms = [word]
    if word.endswith("ies") and len(word) > 4:
        forms.append(word[:-3] + "y")
    if word.endswith("ves") and len(word) > 4:
        forms.append(word[:-3] + "f")
    if word.endswith("es") and len(word) > 3:
        forms.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss") and len(word) > 2:
        forms.append(word[:-1])
    return forms


def _lookup(words: list[str]) -> str | None:
    *head, last = words
    for form in _singulars(last):
        phrase = " ".join([*head, form])
        if phrase in _AISLE_INDEX:
            return _AISLE_INDEX[phrase]
    return None


def aisle_for(food: str) -> str:
    """Return the supermarket aisle for a food name, ``"other"`` when unknown.

    Longer phrases win over single words and later words over earlier ones, since the
    head noun in English comes last: "chicken stock" is pantry, "garlic powder" spices,
    "red bell peppers" produce. Anything "frozen" is frozen, and dried herbs are spices.
    """
    words = _WORD_RE.findall(food.lower().replace("-", " "))
    if not words:
        return OTHER
    if "frozen" in words:
        return FROZEN
    for size in range(min(_MAX_PHRASE, len(words)), 0, -1):
        for start in range(len(words) - size, -1, -1):
            aisle = _lookup(words[start : start + size])
            if aisle is None:
                continue
            if aisle == PRODUCE and "dried" in words:
                chunk = " ".join(words[start : start + size])
                if any(chunk.startswith(herb) for herb in _FRESH_HERBS):
                    return SPICES
            return aisle
    return OTHER
