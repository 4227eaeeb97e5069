"""Parse free-text ingredient lines ("1 1/2 cups flour, sifted") into structured parts.

Pure Python (no Django). The parser is rule based and forgiving: whatever it cannot
place as quantity, unit or note stays in ``food``, so nothing the cook wrote is lost
(``original`` keeps the line verbatim too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

__all__ = ["UNIT_ALIASES", "ParsedIngredient", "parse_ingredient", "parse_quantity"]


@dataclass(frozen=True, slots=True)
class ParsedIngredient:
    """One ingredient line taken apart.

    ``quantity`` is ``None`` when the line gives none ("salt to taste"); for a range
    ("2-3 cloves") ``quantity`` is the low end and ``quantity_max`` the high end.
    ``unit`` is a canonical key from :mod:`tenant_apps.recipes.units` or ``None``.
    """

    quantity: Fraction | None
    quantity_max: Fraction | None
    unit: str | None
    food: str
    note: str
    original: str


# Canonical unit -> spellings (matched case-insensitively, trailing "." ignored).
_UNIT_SPELLINGS: dict[str, tuple[str, ...]] = {
    "cup": ("cup", "cups", "c", "cp"),
    "tbsp": ("tablespoon", "tablespoons", "tbsp", "tbsps", "tbs", "tbl", "tbls", "tblsp"),
    "tsp": ("teaspoon", "teaspoons", "tsp", "tsps", "tspn"),
    "fl oz": ("fl oz", "fl. oz", "fl.oz", "floz", "fluid ounce", "fluid ounces", "fl ounce"),
    "pint": ("pint", "pints", "pt", "pts"),
    "quart": ("quart", "quarts", "qt", "qts"),
    "gallon": ("gallon", "gallons", "gal", "gals"),
    "ml": ("ml", "mls", "millilitre", "millilitres", "milliliter", "milliliters"),
    "cl": ("cl", "centilitre", "centilitres", "centiliter", "centiliters"),
    "dl": ("dl", "decilitre", "decilitres", "deciliter", "deciliters"),
    "l": ("l", "litre", "litres", "liter", "liters", "ltr"),
    "mg": ("mg", "milligram", "milligrams", "milligramme", "milligrammes"),
    "g": ("g", "gr", "gram", "grams", "gramme", "grammes", "grm"),
    "kg": ("kg", "kgs", "kilogram", "kilograms", "kilo", "kilos", "kilogramme"),
    "oz": ("oz", "ozs", "ounce", "ounces"),
    "lb": ("lb", "lbs", "pound", "pounds"),
    "pinch": ("pinch", "pinches"),
    "dash": ("dash", "dashes"),
    "handful": ("handful", "handfuls"),
    "clove": ("clove", "cloves"),
    "can": ("can", "cans", "tin", "tins"),
    "jar": ("jar", "jars"),
    "bottle": ("bottle", "bottles"),
    "package": ("package", "packages", "pkg", "pkgs", "packet", "packets", "pack", "packs"),
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
#: Lower-cased spelling -> canonical unit key.
UNIT_ALIASES: dict[str, str] = {
    spelling: unit for unit, spellings in _UNIT_SPELLINGS.items() for spelling in spellings
}
# Single letters whose case carries the meaning (the classic T vs t).
_CASED_UNITS = {"T": "tbsp", "t": "tsp", "C": "cup", "c": "cup", "L": "l", "l": "l"}

# Units that only make sense as a container a size can be given for ("2 x 400g cans").
_CONTAINERS = frozenset({"can", "jar", "bottle", "package", "bag", "box", "envelope"})
# A bare unit without a number means "one" ("pinch of salt").
_IMPLICIT_ONE = frozenset({"pinch", "dash", "handful", "knob"})

_VULGAR = {
    "½": "1/2", "⅓": "1/3", "⅔": "2/3", "¼": "1/4", "¾": "3/4", "⅕": "1/5",
    "⅖": "2/5", "⅗": "3/5", "⅘": "4/5", "⅙": "1/6", "⅚": "5/6", "⅐": "1/7",
    "⅛": "1/8", "⅜": "3/8", "⅝": "5/8", "⅞": "7/8", "⅑": "1/9", "⅒": "1/10",
}  # fmt: skip
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "half": Fraction(1, 2), "dozen": 12,
}  # fmt: skip

# En and em dashes are normalised to "-" before bullets are stripped.
_BULLETS = "-*•·‣◦▪▫■□▢☐✓✔+>"
_NUM = r"(?:\d+\s+\d+/\d+|\d+/\d+|\d+(?:[.,]\d+)?|\.\d+)"
_NUM_RE = re.compile(rf"(?P<num>{_NUM})(?![\d/])")
_WORD_NUM_RE = re.compile(
    r"(?P<num>" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
# "a few sprigs", "a couple of", "a little": vague amounts are not "one".
_VAGUE_RE = re.compile(r"an?\s+(?:few|couple|little|bit|splash|drizzle|good|generous)\b", re.I)
_RANGE_SEP_RE = re.compile(r"\s*(?:-|to|or)\s*", re.IGNORECASE)
_SIZE_RE = re.compile(
    rf"(?P<size>{_NUM}\s*-?\s*(?:fl\.?\s*oz|ounces?|oz|grams?|g|kg|ml|l|lbs?|pounds?|inch(?:es)?|in|cm)\.?)"
    r"(?![a-z])",
    re.IGNORECASE,
)
_TIMES_RE = re.compile(r"\s*x\s*", re.IGNORECASE)
_QUALIFIER_RE = re.compile(
    r"(?P<q>about|approximately|approx\.?|roughly|around|generous|scant|heaping|heaped|"
    r"level|rounded|good|large|small|medium|big)\s+",
    re.IGNORECASE,
)
_LEADING_QUALIFIER_RE = re.compile(
    r"(?P<q>about|approximately|approx\.?|roughly|around|up to)\s+", re.IGNORECASE
)
_TAIL_NOTE_RE = re.compile(
    r"\s*[,;]?\s*\b(?P<note>(?:or\s+)?(?:more\s+|less\s+)?to taste|as needed|as required|if needed|"
    r"optional|for serving|for garnish|for garnishing|for dusting|for frying|for greasing|"
    r"to serve|to garnish)\s*\.?$",
    re.IGNORECASE,
)
_UNIT_TOKEN_RE = re.compile(r"(?P<unit>fl\.?\s*oz\.?|fluid\s+ounces?|fl\s+ounces?|[a-z]+\.?)", re.I)


def _normalize(line: str) -> str:
    text = line.replace("\u00a0", " ").replace("\u2009", " ").replace("\u202f", " ")
    text = text.replace("\u2044", "/").replace("\u2215", "/").replace("\u00d7", "x")
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2012", "-")
    for char, frac in _VULGAR.items():
        text = text.replace(char, f" {frac} ")
    text = re.sub(r"\s+", " ", text).strip()
    # "1 -1/2" / "1 1/2 -2" -> tidy spaces around range dashes between numbers.
    text = re.sub(r"(?<=\d)\s*-\s*(?=[\d.])", "-", text)
    return text.lstrip(_BULLETS + " ").strip()


def parse_quantity(text: str) -> Fraction:
    """Parse one number: ``"2"``, ``"1.5"``, ``"1,5"``, ``"3/4"``, ``"2 1/2"``, ``"½"``.

    Raises ``ValueError`` when the text is not a number (or divides by zero).
    """
    text = _normalize(text)
    match = re.fullmatch(rf"\s*({_NUM})\s*", text)
    if not match:
        word = text.strip().lower()
        if word in _NUMBER_WORDS:
            return Fraction(_NUMBER_WORDS[word])
        raise ValueError(f"not a quantity: {text!r}")
    value = match.group(1).replace(",", ".")
    if " " in value:
        whole, frac = value.split()
        return Fraction(int(whole)) + Fraction(frac)
    if "/" in value:
        _, den = value.split("/")
        if int(den) == 0:
            raise ValueError(f"not a quantity: {text!r}")
    return Fraction(value)


def _split_notes(text: str) -> tuple[str, list[str]]:
    """Take parenthesised parts and the part after the first top-level comma out."""
    notes: list[str] = []
    out: list[str] = []
    depth = 0
    current: list[str] = []
    comma_note: str | None = None
    for index, char in enumerate(text):
        if char in "([":
            if depth == 0:
                current = []
            else:
                current.append(char)
            depth += 1
        elif char in ")]" and depth:
            depth -= 1
            if depth == 0:
                notes.append("".join(current).strip())
            else:
                current.append(char)
        elif depth:
            current.append(char)
        elif char == "," and not (
            index and text[index - 1].isdigit() and text[index + 1 : index + 2].isdigit()
        ):
            rest, rest_notes = _split_notes(text[index + 1 :])
            comma_note = ", ".join(part for part in [rest.strip(" ,"), *rest_notes] if part)
            break
        else:
            out.append(char)
    if depth:  # unbalanced "(": keep what followed it as a note rather than lose it
        notes.append("".join(current).strip())
    if comma_note:
        notes.append(comma_note)
    return re.sub(r"\s+", " ", "".join(out)).strip(), [n for n in notes if n]


def _match_unit(text: str) -> tuple[str | None, str]:
    """Return (canonical unit, rest of text) if ``text`` starts with a unit word."""
    match = _UNIT_TOKEN_RE.match(text)
    if not match:
        return None, text
    token = match.group("unit")
    end = match.end()
    if end < len(text) and text[end].isalnum():
        return None, text
    rest = text[end:].lstrip()
    bare = token.rstrip(".")
    if bare in _CASED_UNITS:
        return _CASED_UNITS[bare], rest
    key = re.sub(r"\s+", " ", bare.lower())
    if key.replace(".", "").replace(" ", "") == "floz":
        return "fl oz", rest
    unit = UNIT_ALIASES.get(key)
    if unit is None:
        return None, text
    return unit, rest


def _take_number(text: str) -> tuple[Fraction | None, str]:
    match = _NUM_RE.match(text)
    if match:
        try:
            return parse_quantity(match.group("num")), text[match.end() :]
        except (ValueError, ZeroDivisionError):
            return None, text
    match = _WORD_NUM_RE.match(text)
    if match and _VAGUE_RE.match(text):
        return None, text
    if match and (match.end() == len(text) or text[match.end()] == " "):
        word = match.group("num").lower()
        rest = text[match.end() :].lstrip()
        if word == "half" and rest.lower().startswith(("a ", "an ")):
            rest = rest.split(" ", 1)[1]
        return Fraction(_NUMBER_WORDS[word]), rest
    return None, text


def _take_quantity(text: str) -> tuple[Fraction | None, Fraction | None, str]:
    low, rest = _take_number(text)
    if low is None:
        return None, None, text
    sep = _RANGE_SEP_RE.match(rest)
    if sep and sep.end() < len(rest):
        high, after = _take_number(rest[sep.end() :])
        # "1 or 2" is a range, "1 orange" is not: only accept digits or number words.
        if high is not None and high > low:
            return low, high, after
    return low, None, rest


def parse_ingredient(line: str) -> ParsedIngredient:
    """Parse one ingredient line.

    Understands integers, decimals (``1.5`` and ``1,5``), fractions and mixed numbers
    (``2 1/2``), unicode fractions (``½``, ``1½``), ranges (``2-3``, ``2 to 3``,
    ``1 or 2``), number words and ``a``/``an`` as one, units with plurals and
    abbreviations (``T`` is a tablespoon, ``t`` a teaspoon), container sizes
    (``1 (14 oz) can``, ``2 x 400g tins``, ``2 15-ounce cans``), notes after a comma or in
    parentheses, and trailing "to taste", "as needed", "optional", "for serving" and the
    like. Leading bullets and extra whitespace are ignored. Never raises for text input.
    """
    original = line
    text = _normalize(line)
    leading: list[str] = []
    qualifier = _LEADING_QUALIFIER_RE.match(text)
    if qualifier and _NUM_RE.match(text[qualifier.end() :]):
        leading.append(qualifier.group("q").lower())
        text = text[qualifier.end() :]

    text, notes = _split_notes(text)

    tail_notes: list[str] = []
    while True:
        tail = _TAIL_NOTE_RE.search(text)
        if not tail or tail.start() == 0:  # a bare "to taste" stays as the food
            break
        tail_notes.insert(0, tail.group("note").lower())
        text = text[: tail.start()].rstrip(" ,;")

    quantity, quantity_max, rest = _take_quantity(text)
    unit: str | None = None
    size_notes: list[str] = []

    if quantity is not None:
        rest = rest.lstrip()
        times = _TIMES_RE.match(rest)
        if times:
            size = _SIZE_RE.match(rest[times.end() :])
            if size:
                size_notes.append(_tidy_size(size.group("size")))
                rest = rest[times.end() + size.end() :].lstrip()
        else:
            size = _SIZE_RE.match(rest)
            if size:
                container, _ = _match_unit(rest[size.end() :].lstrip())
                if container in _CONTAINERS:
                    size_notes.append(_tidy_size(size.group("size")))
                    rest = rest[size.end() :].lstrip()
        unit, after_unit = _match_unit(rest)
        if unit is None:
            adjective = _QUALIFIER_RE.match(rest)
            if adjective:
                unit, after_adjective = _match_unit(rest[adjective.end() :])
                if unit is not None:
                    leading.append(adjective.group("q").lower())
                    after_unit = after_adjective
        if unit is not None:
            rest = after_unit
    else:
        first_unit, after_unit = _match_unit(text)
        if first_unit is not None and after_unit:
            starts_with_of = after_unit.lower().startswith("of ")
            if first_unit in _IMPLICIT_ONE or starts_with_of:
                quantity, unit, rest = Fraction(1), first_unit, after_unit

    if rest.lower().startswith("of "):
        rest = rest[3:]
    food = rest.strip(" ,;:-").strip()

    all_notes = [*leading, *size_notes, *notes, *tail_notes]
    return ParsedIngredient(
        quantity=quantity,
        quantity_max=quantity_max,
        unit=unit,
        food=food,
        note=", ".join(all_notes),
        original=original,
    )


def _tidy_size(size: str) -> str:
    """``"400g"`` -> ``"400 g"``, ``"15-ounce"`` -> ``"15 ounce"``."""
    match = re.match(rf"({_NUM})\s*-?\s*(.*)", size.strip())
    if not match:
        return size.strip()
    return f"{match.group(1)} {match.group(2).rstrip('.')}"
