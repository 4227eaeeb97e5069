from decimal import Decimal
from fractions import Fraction as F

import pytest

from tenant_apps.recipes.units import (
    AISLES,
    IncompatibleUnitsError,
    add_quantities,
    aisle_for,
    convert,
    format_quantity,
    humanize,
    scale,
    to_metric,
    to_us,
    unit_family,
    unit_label,
    unit_system,
)


@pytest.mark.parametrize(
    ("unit", "family"),
    [
        ("cup", "volume"),
        ("tsp", "volume"),
        ("fl oz", "volume"),
        ("l", "volume"),
        ("g", "mass"),
        ("lb", "mass"),
        ("oz", "mass"),
        ("clove", "count"),
        ("pinch", "count"),
        (None, "count"),
        ("unheard-of", "count"),
    ],
)
def test_unit_family(unit, family):
    assert unit_family(unit) == family


def test_unit_system_tells_metric_from_us():
    assert unit_system("ml") == "metric"
    assert unit_system("cup") == "us"
    assert unit_system("can") == "count"


@pytest.mark.parametrize(
    ("quantity", "from_unit", "to_unit", "expected"),
    [
        (3, "tsp", "tbsp", F(1)),
        (16, "tbsp", "cup", F(1)),
        (2, "cup", "pint", F(1)),
        (4, "quart", "gallon", F(1)),
        (1, "cup", "ml", F("236.5882365")),
        (1, "fl oz", "ml", F("29.5735295625")),
        (1, "l", "ml", F(1000)),
        (1, "lb", "g", F("453.59237")),
        (16, "oz", "lb", F(1)),
        (1, "kg", "g", F(1000)),
        (500, "mg", "g", F(1, 2)),
        (2, "clove", "clove", F(2)),
    ],
)
def test_convert_is_exact(quantity, from_unit, to_unit, expected):
    assert convert(quantity, from_unit, to_unit) == expected


def test_convert_round_trip_loses_nothing():
    assert convert(convert(F(1, 3), "cup", "ml"), "ml", "cup") == F(1, 3)


@pytest.mark.parametrize(
    ("from_unit", "to_unit"), [("cup", "g"), ("g", "ml"), ("clove", "can"), ("can", "ml")]
)
def test_convert_refuses_other_families(from_unit, to_unit):
    with pytest.raises(IncompatibleUnitsError):
        convert(1, from_unit, to_unit)


@pytest.mark.parametrize(
    ("quantity", "unit", "expected"),
    [
        (1000, "ml", (F(1), "l")),
        (999, "ml", (F(999), "ml")),
        (1, "cup", (F("236.5882365"), "ml")),
        (4, "cup", (F("946.352946"), "ml")),
        (5, "cup", (F("1.1829411825"), "l")),
        (1, "lb", (F("453.59237"), "g")),
        (3, "lb", (F("1.36077711"), "kg")),
        (1500, "g", (F(3, 2), "kg")),
        (2, "clove", (F(2), "clove")),
        (2, None, (F(2), None)),
    ],
)
def test_to_metric_picks_readable_unit(quantity, unit, expected):
    assert to_metric(quantity, unit) == expected


@pytest.mark.parametrize(
    ("quantity", "unit", "expected"),
    [
        (3, "tsp", (F(1), "tbsp")),
        (2, "tsp", (F(2), "tsp")),
        (F(1, 4), "cup", (F(1, 4), "cup")),
        (F(1, 3), "cup", (F(1, 3), "cup")),
        (4, "tbsp", (F(1, 4), "cup")),
        (5, "tbsp", (F(5), "tbsp")),
        (8, "tbsp", (F(1, 2), "cup")),
        (2, "pint", (F(4), "cup")),
        (16, "cup", (F(1), "gallon")),
        (F("236.5882365"), "ml", (F(1), "cup")),
        (F("4.92892159375"), "ml", (F(1), "tsp")),
        (F("453.59237"), "g", (F(1), "lb")),
        (F("28.349523125"), "g", (F(1), "oz")),
        (24, "oz", (F(3, 2), "lb")),
        (1, "can", (F(1), "can")),
    ],
)
def test_to_us_picks_readable_unit(quantity, unit, expected):
    assert to_us(quantity, unit) == expected


def test_scale_is_exact_and_keeps_unquantified():
    assert scale(F(3, 4), 2) == F(3, 2)
    assert scale(F(1, 3), F(3, 2)) == F(1, 2)
    assert scale(1, 0.1) == F(1, 10)
    assert scale(2, "1.5") == F(3)
    assert scale(2, Decimal("0.5")) == F(1)
    assert scale(None, 3) is None


def test_scale_refuses_negative_factor():
    with pytest.raises(ValueError):
        scale(1, -2)


@pytest.mark.parametrize(
    ("quantity", "system", "unit", "expected"),
    [
        (F(3, 2), "us", None, "1 1/2"),
        (F(1, 2), "us", None, "1/2"),
        (2, "us", None, "2"),
        (F(9, 8), "us", None, "1 1/8"),
        (F(1, 3), "us", None, "1/3"),
        (0.33, "us", None, "1/3"),
        (F(2, 3), "us", None, "2/3"),
        (1.49, "us", None, "1 1/2"),
        (0.01, "us", None, "1/8"),
        (F(473176, 1000), "metric", None, "475"),
        (F(3, 2), "metric", None, "1.5"),
        (F("14.79"), "metric", None, "15"),
        (F("236.5882365"), "metric", None, "235"),
        (F("28.349523125"), "metric", None, "28"),
        (F("1.1829411825"), "metric", None, "1.2"),
        (F(1000), "metric", None, "1000"),
        (F("4731"), "metric", None, "4750"),
        (F("0.05"), "metric", None, "0.05"),
        (F(3, 2), "count", None, "1 1/2"),
        (F(13, 10), "count", None, "1 1/4"),
        (F(1, 10), "count", None, "1/4"),
        (F(3, 2), "us", "clove", "2"),
        (F(11, 10), "count", "clove", "2"),
        (F(1, 2), "count", "can", "1"),
        (F(1, 2), "count", "stick", "1/2"),
        (0, "us", None, "0"),
        (None, "us", None, ""),
    ],
)
def test_humanize(quantity, system, unit, expected):
    assert humanize(quantity, system, unit) == expected


def test_humanize_refuses_unknown_system_and_negative_quantities():
    with pytest.raises(ValueError):
        humanize(1, "imperial-ish")
    with pytest.raises(ValueError):
        humanize(-1, "us")


@pytest.mark.parametrize(
    ("quantity", "unit", "expected"),
    [
        (F(3, 2), "cup", "1 1/2 cups"),
        (1, "cup", "1 cup"),
        (2, "tbsp", "2 tbsp"),
        (F(473176, 1000), "ml", "475 ml"),
        (2, "clove", "2 cloves"),
        (3, None, "3"),
        (None, None, ""),
    ],
)
def test_format_quantity(quantity, unit, expected):
    assert format_quantity(quantity, unit) == expected


def test_unit_label_does_not_pluralise_abbreviations():
    assert unit_label("tsp", 3) == "tsp"
    assert unit_label("box", 2) == "boxes"
    assert unit_label(None, 2) == ""


def test_add_quantities_sums_us_volumes_in_a_us_unit():
    assert add_quantities([(1, "cup"), (2, "tbsp")]) == [(F(9, 8), "cup")]
    assert add_quantities([(3, "tsp"), (3, "tsp")]) == [(F(2), "tbsp")]


def test_add_quantities_sums_metric_masses_in_a_metric_unit():
    assert add_quantities([(600, "g"), (F(1, 2), "kg")]) == [(F(11, 10), "kg")]


def test_add_quantities_mixed_systems_end_in_metric():
    assert add_quantities([(1, "cup"), (200, "ml")]) == [(F("436.5882365"), "ml")]


def test_add_quantities_keeps_incompatible_families_apart_in_first_seen_order():
    result = add_quantities(
        [(2, "clove"), (1, "cup"), (100, "g"), (1, "clove"), (2, None), (1, "can"), (1, None)]
    )

    assert result == [
        (F(3), "clove"),
        (F(1), "cup"),
        (F(100), "g"),
        (F(3), None),
        (F(1), "can"),
    ]


def test_add_quantities_ignores_to_taste_next_to_real_quantity():
    assert add_quantities([(None, "tsp"), (1, "tsp")]) == [(F(1), "tsp")]
    assert add_quantities([(None, None), (None, None)]) == [(None, None)]


def test_add_quantities_of_nothing_is_empty():
    assert add_quantities([]) == []


@pytest.mark.parametrize(
    ("food", "aisle"),
    [
        ("red bell peppers", "produce"),
        ("garlic", "produce"),
        ("tomatoes", "produce"),
        ("fresh basil", "produce"),
        ("cherry tomatoes", "produce"),
        ("lemon juice", "produce"),
        ("unsalted butter", "dairy"),
        ("large eggs", "dairy"),
        ("cream cheese", "dairy"),
        ("Parmesan", "dairy"),
        ("boneless, skinless chicken thighs", "meat & fish"),
        ("ground beef", "meat & fish"),
        ("salmon fillets", "meat & fish"),
        ("baguette", "bakery"),
        ("flour tortillas", "bakery"),
        ("all-purpose flour", "pantry"),
        ("chicken stock", "pantry"),
        ("extra-virgin olive oil", "pantry"),
        ("peanut butter", "pantry"),
        ("black beans", "pantry"),
        ("sun-dried tomatoes", "pantry"),
        ("canned tuna", "pantry"),
        ("garlic powder", "spices"),
        ("salt and pepper", "spices"),
        ("red pepper flakes", "spices"),
        ("dried oregano", "spices"),
        ("bay leaves", "spices"),
        ("cumin seeds", "spices"),
        ("frozen peas", "frozen"),
        ("vanilla ice cream", "frozen"),
        ("dry white wine", "drinks"),
        ("water", "other"),
        ("unobtainium", "other"),
        ("", "other"),
    ],
)
def test_aisle_for(food, aisle):
    assert aisle_for(food) == aisle


def test_every_aisle_is_listed():
    assert set(AISLES) == {
        "produce",
        "dairy",
        "meat & fish",
        "bakery",
        "pantry",
        "spices",
        "frozen",
        "drinks",
        "other",
    }
