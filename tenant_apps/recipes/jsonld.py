"""Import and export schema.org ``Recipe`` JSON-LD.

Pure Python (no Django). :func:`extract_recipes` finds Recipe objects in a pasted web
page or pasted JSON, :func:`normalize_recipe` turns one into a :class:`NormalizedRecipe`
whatever shape the publishing site chose, and :func:`to_jsonld` writes one back out as
valid schema.org JSON-LD. Nutrition, ratings and videos are ignored.
"""

from __future__ import annotations

import contextlib
import html
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag

__all__ = [
    "NormalizedRecipe",
    "StepSection",
    "extract_recipes",
    "format_iso_duration",
    "normalize_recipe",
    "parse_iso_duration",
    "to_jsonld",
]


@dataclass(frozen=True, slots=True)
class StepSection:
    """A named group of steps (schema.org ``HowToSection``)."""

    name: str
    steps: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NormalizedRecipe:
    """A recipe as plain text fields, however the source site shaped its JSON-LD.

    ``steps`` always holds every step in order; ``step_sections`` additionally keeps the
    section names when the source grouped its steps (and is empty otherwise).
    ``servings`` is the first whole number of the yield, ``yield_text`` the most
    descriptive yield the source gave ("4 servings", "1 loaf").
    """

    title: str
    description: str = ""
    servings: int | None = None
    yield_text: str = ""
    prep_minutes: int | None = None
    cook_minutes: int | None = None
    total_minutes: int | None = None
    cuisine: tuple[str, ...] = ()
    course: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    images: tuple[str, ...] = ()
    ingredients: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    step_sections: tuple[StepSection, ...] = field(default=())
    source_url: str = ""
    author: str = ""


# --- finding Recipe objects -------------------------------------------------------------


class _LdJsonCollector(HTMLParser):
    """Collect the text of every ``<script type="application/ld+json">``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "script":
            return
        kind = (dict(attrs).get("type") or "").split(";")[0].strip().lower()
        if kind == "application/ld+json":
            self._current = []

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.blocks.append("".join(self._current))
            self._current = None


def _load_json(text: str) -> Any:
    text = text.strip()
    # Some CMSs wrap the JSON in comments or CDATA markers for ancient browsers.
    text = re.sub(r"^(?://\s*)?(?:<!--|<!\[CDATA\[)", "", text).strip()
    text = re.sub(r"(?://\s*)?(?:-->|\]\]>)$", "", text).strip()
    # strict=False: real sites put raw newlines and tabs inside strings.
    return json.loads(text, strict=False)


def _types(node: dict[str, Any]) -> set[str]:
    raw = node.get("@type", ())
    values = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    names = set()
    for value in values:
        if isinstance(value, str):
            names.add(value.rsplit("/", 1)[-1].rsplit(":", 1)[-1])
    return names


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every dict in the tree, outermost first (not descending into Recipes)."""
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict):
        yield node
        if "Recipe" in _types(node):
            return
        for value in node.values():
            if isinstance(value, (dict, list)):
                yield from _walk(value)


def _index_ids(documents: list[Any]) -> dict[str, dict[str, Any]]:
    index: dict[str, dict[str, Any]] = {}
    for document in documents:
        for node in _walk(document):
            node_id = node.get("@id")
            if isinstance(node_id, str) and len(node) > 1:
                index.setdefault(node_id, node)
    return index


def _resolve(node: Any, index: dict[str, dict[str, Any]], seen: frozenset[str]) -> Any:
    """Inline ``{"@id": ...}`` references (Yoast-style graphs), guarding against cycles."""
    if isinstance(node, list):
        return [_resolve(item, index, seen) for item in node]
    if not isinstance(node, dict):
        return node
    node_id = node.get("@id")
    if set(node) == {"@id"} and isinstance(node_id, str) and node_id in index:
        if node_id in seen:
            return node
        return _resolve(index[node_id], index, seen | {node_id})
    if isinstance(node_id, str):
        seen = seen | {node_id}
    return {key: _resolve(value, index, seen) for key, value in node.items()}


def extract_recipes(text: str) -> list[dict[str, Any]]:
    """Find every schema.org Recipe object in pasted HTML or pasted JSON(-LD).

    HTML is scanned for all ``<script type="application/ld+json">`` blocks; recipes are
    found at the top level, in lists, inside ``@graph`` arrays and nested in other
    objects (``mainEntity``), with ``@type`` given as a string or a list. ``@id``
    references to other nodes of the page (author, image) are inlined. Blocks that are
    not valid JSON are skipped; the result is empty when nothing is found.
    """
    documents: list[Any] = []
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        with contextlib.suppress(ValueError):
            documents.append(_load_json(stripped))
    if not documents:
        collector = _LdJsonCollector()
        collector.feed(text)
        collector.close()
        for block in collector.blocks:
            try:
                documents.append(_load_json(block))
            except ValueError:
                continue

    index = _index_ids(documents)
    recipes: list[dict[str, Any]] = []
    for document in documents:
        for node in _walk(document):
            if "Recipe" in _types(node):
                own_id = node.get("@id")
                seen = frozenset({own_id}) if isinstance(own_id, str) else frozenset()
                recipes.append(_resolve(node, index, seen))
    return recipes


# --- cleaning text ----------------------------------------------------------------------


class _TextExtractor(HTMLParser):
    """Text of an HTML fragment; block elements and ``<br>`` become line breaks."""

    _BLOCKS = frozenset({"p", "div", "li", "br", "ol", "ul", "h1", "h2", "h3", "h4", "tr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _html_lines(value: str) -> list[str]:
    """Unescape entities (also double-escaped ones), strip tags, one entry per block."""
    text = value
    for _ in range(3):
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    if "<" in text:
        extractor = _TextExtractor()
        extractor.feed(text)
        extractor.close()
        text = "".join(extractor.parts)
    lines = (re.sub(r"\s+", " ", line).strip() for line in text.split("\n"))
    return [line for line in lines if line]


def _clean(value: Any) -> str:
    """One line of plain text from a JSON-LD text value."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    return " ".join(_html_lines(str(value)))


def _texts(value: Any, *, split_commas: bool = False) -> tuple[str, ...]:
    """A tuple of clean strings from a string, a list, or comma-separated text."""
    raw = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in raw:
        if isinstance(item, dict):
            item = item.get("name") or item.get("text")
        text = _clean(item)
        parts = text.split(",") if split_commas else [text]
        for part in parts:
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return tuple(out)


# --- fields -----------------------------------------------------------------------------

_DURATION_RE = re.compile(
    r"^P(?:(?P<days>\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:[.,]\d+)?)H)?(?:(?P<minutes>\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?$",
    re.IGNORECASE,
)


def parse_iso_duration(value: Any) -> int | None:
    """Minutes in an ISO 8601 duration (``"PT1H30M"`` -> 90, ``"P0DT2H"`` -> 120).

    Seconds round to the nearest minute. Returns ``None`` for anything else (including
    empty and malformed values such as ``"PT"`` or ``"30 mins"``).
    """
    if not isinstance(value, str):
        return None
    match = _DURATION_RE.match(value.strip())
    if not match or not any(match.groupdict().values()):
        return None
    parts = {k: float((v or "0").replace(",", ".")) for k, v in match.groupdict().items()}
    minutes = parts["days"] * 1440 + parts["hours"] * 60 + parts["minutes"]
    return math.floor(minutes + parts["seconds"] / 60 + 0.5)  # half a minute rounds up


def format_iso_duration(minutes: int) -> str:
    """ISO 8601 duration for whole minutes: 90 -> ``"PT1H30M"``, 60 -> ``"PT1H"``."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"PT{hours}H{rest}M"
    if hours:
        return f"PT{hours}H"
    return f"PT{rest}M"


def _yield(value: Any) -> tuple[int | None, str]:
    values = value if isinstance(value, list) else [value]
    texts = [_clean(v) for v in values if isinstance(v, (str, int, float))]
    texts = [t for t in texts if t]
    servings = None
    for text in texts:
        match = re.search(r"\d+", text)
        if match:
            servings = int(match.group())
            break
    # The most descriptive form: "4 servings" rather than "4".
    best = max(texts, key=lambda t: (not t.isdigit(), len(t)), default="")
    return servings, best


def _images(value: Any) -> tuple[str, ...]:
    found: list[str] = []

    def visit(item: Any) -> None:
        if isinstance(item, str):
            url = item.strip()
            if url and url not in found:
                found.append(url)
        elif isinstance(item, list):
            for sub in item:
                visit(sub)
        elif isinstance(item, dict):
            visit(item.get("url") or item.get("contentUrl") or item.get("@id") or "")

    visit(value)
    return tuple(found)


def _author(value: Any) -> str:
    values = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in values:
        name = _clean(item.get("name")) if isinstance(item, dict) else _clean(item)
        if name and name not in names:
            names.append(name)
    return ", ".join(names)


def _source_url(obj: dict[str, Any]) -> str:
    url = obj.get("url")
    if isinstance(url, str) and url.strip():
        return url.strip()
    page = obj.get("mainEntityOfPage")
    if isinstance(page, dict):
        page = page.get("url") or page.get("@id")
    for candidate in (page, obj.get("@id")):
        if isinstance(candidate, str) and candidate.startswith(("http://", "https://")):
            return urldefrag(candidate.strip())[0]
    return ""


def _step_texts(node: Any) -> list[str]:
    """Steps from a string, a list, a HowToStep, or anything holding itemListElement."""
    if isinstance(node, str):
        return _html_lines(node)
    if isinstance(node, list):
        return [step for item in node for step in _step_texts(item)]
    if isinstance(node, dict):
        if "itemListElement" in node and "text" not in node:
            return _step_texts(node["itemListElement"])
        text = _clean(node.get("text")) or _clean(node.get("name"))
        return [text] if text else []
    return []


def _instructions(value: Any) -> tuple[tuple[str, ...], tuple[StepSection, ...]]:
    items = value if isinstance(value, list) else [value]
    steps: list[str] = []
    sections: list[StepSection] = []
    has_sections = any(isinstance(i, dict) and "HowToSection" in _types(i) for i in items)
    loose: list[str] = []
    for item in items:
        if isinstance(item, dict) and "HowToSection" in _types(item):
            if loose:
                sections.append(StepSection(name="", steps=tuple(loose)))
                loose = []
            section_steps = _step_texts(item.get("itemListElement", []))
            sections.append(StepSection(name=_clean(item.get("name")), steps=tuple(section_steps)))
            steps.extend(section_steps)
        else:
            item_steps = _step_texts(item)
            steps.extend(item_steps)
            loose.extend(item_steps)
    if has_sections and loose:
        sections.append(StepSection(name="", steps=tuple(loose)))
    return tuple(steps), tuple(sections) if has_sections else ()


def normalize_recipe(obj: dict[str, Any]) -> NormalizedRecipe:
    """Turn one schema.org Recipe object into a :class:`NormalizedRecipe`.

    Handles the shapes real sites publish: ``recipeYield`` as a number, a string
    ("Serves 4") or a list (``["4", "4 servings"]``); ISO 8601 times (the total is
    prep + cook when the site gives no total); images as a URL, a list or
    ``ImageObject``\\s; ``recipeInstructions`` as text, a list of strings, ``HowToStep``\\s
    or ``HowToSection``\\s; keywords, cuisine and category as lists or comma-separated
    text; author as text, a ``Person`` or a list. HTML entities are unescaped and tags
    stripped from every text.
    """
    servings, yield_text = _yield(obj.get("recipeYield", obj.get("yield")))
    prep = parse_iso_duration(obj.get("prepTime"))
    cook = parse_iso_duration(obj.get("cookTime"))
    total = parse_iso_duration(obj.get("totalTime"))
    if total is None and prep is not None and cook is not None:
        total = prep + cook
    raw_ingredients = obj.get("recipeIngredient", obj.get("ingredients", []))
    if isinstance(raw_ingredients, str):
        ingredients = tuple(_html_lines(raw_ingredients))
    else:
        ingredients = tuple(
            text for item in (raw_ingredients or []) if (text := _clean(item)) != ""
        )
    steps, sections = _instructions(obj.get("recipeInstructions", []))
    return NormalizedRecipe(
        title=_clean(obj.get("name") or obj.get("headline")),
        description=_clean(obj.get("description")),
        servings=servings,
        yield_text=yield_text,
        prep_minutes=prep,
        cook_minutes=cook,
        total_minutes=total,
        cuisine=_texts(obj.get("recipeCuisine"), split_commas=True),
        course=_texts(obj.get("recipeCategory"), split_commas=True),
        keywords=_texts(obj.get("keywords"), split_commas=True),
        images=_images(obj.get("image")),
        ingredients=ingredients,
        steps=steps,
        step_sections=sections,
        source_url=_source_url(obj),
        author=_author(obj.get("author")),
    )


# --- export -----------------------------------------------------------------------------


def _one_or_many(values: tuple[str, ...]) -> str | list[str]:
    return values[0] if len(values) == 1 else list(values)


def to_jsonld(recipe: NormalizedRecipe) -> dict[str, Any]:
    """Export a recipe as a schema.org ``Recipe`` JSON-LD object (a JSON-ready dict).

    Empty fields are left out. ``normalize_recipe(to_jsonld(r)) == r`` for any recipe
    :func:`normalize_recipe` produced.
    """
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Recipe",
        "name": recipe.title,
    }
    if recipe.description:
        data["description"] = recipe.description
    if recipe.author:
        data["author"] = {"@type": "Person", "name": recipe.author}
    if recipe.images:
        data["image"] = list(recipe.images)
    if recipe.source_url:
        data["url"] = recipe.source_url
    yields = [str(recipe.servings)] if recipe.servings is not None else []
    if recipe.yield_text and recipe.yield_text not in yields:
        yields.append(recipe.yield_text)
    if yields:
        data["recipeYield"] = yields[0] if len(yields) == 1 else yields
    for key, minutes in (
        ("prepTime", recipe.prep_minutes),
        ("cookTime", recipe.cook_minutes),
        ("totalTime", recipe.total_minutes),
    ):
        if minutes is not None:
            data[key] = format_iso_duration(minutes)
    if recipe.cuisine:
        data["recipeCuisine"] = _one_or_many(recipe.cuisine)
    if recipe.course:
        data["recipeCategory"] = _one_or_many(recipe.course)
    if recipe.keywords:
        data["keywords"] = ", ".join(recipe.keywords)
    if recipe.ingredients:
        data["recipeIngredient"] = list(recipe.ingredients)

    def how_to_steps(steps: tuple[str, ...]) -> list[dict[str, str]]:
        return [{"@type": "HowToStep", "text": step} for step in steps]

    if recipe.step_sections:
        data["recipeInstructions"] = [
            {
                "@type": "HowToSection",
                "name": section.name,
                "itemListElement": how_to_steps(section.steps),
            }
            for section in recipe.step_sections
        ]
    elif recipe.steps:
        data["recipeInstructions"] = how_to_steps(recipe.steps)
    return data
