"""Reads of the recipes app: visible recipes with filters, one recipe scaled and converted,
the week plan, shopping lists and JSON-LD export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from fractions import Fraction

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Avg, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet

from tenant_apps.members.models import Role
from tenant_apps.members.selectors import has_role
from tenant_apps.recipes import units
from tenant_apps.recipes.jsonld import NormalizedRecipe, to_jsonld
from tenant_apps.recipes.models import (
    Collection,
    Favourite,
    Ingredient,
    MealPlanEntry,
    Rating,
    Recipe,
    ShoppingItem,
    ShoppingList,
)
from tenant_apps.recipes.services import get_settings

SORTS = {
    "newest": ("-created_at",),
    "title": ("title",),
    "rating": (F("rating_avg").desc(nulls_last=True), "-rating_count"),
    "quickest": (F("total_minutes").asc(nulls_last=True), "title"),
    "relevance": ("-rank", "-created_at"),
}


def visible_recipes(user) -> QuerySet[Recipe]:
    """Published recipes, plus the user's own drafts (every draft for moderators)."""
    queryset = Recipe.objects.all()
    if user is None or not user.is_authenticated:
        return queryset.filter(status=Recipe.Status.PUBLISHED)
    if has_role(user, Role.MODERATOR):
        return queryset
    return queryset.filter(Q(status=Recipe.Status.PUBLISHED) | Q(author=user))


def _with_ratings(queryset: QuerySet[Recipe]) -> QuerySet[Recipe]:
    return queryset.annotate(
        rating_avg=Avg("ratings__score"), rating_count=Count("ratings", distinct=True)
    )


def _food_filter(food: str):
    return Exists(Ingredient.objects.filter(recipe=OuterRef("pk"), food__icontains=food))


@dataclass
class RecipeFilters:
    q: str = ""
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    cuisine: str = ""
    course: str = ""
    diet: tuple[str, ...] = ()
    max_minutes: int | None = None
    min_rating: int | None = None
    sort: str = ""
    author_id: int | None = None
    favourites_of: object | None = None
    collection_id: int | None = None
    status: str = ""


def _without_nul(filters: RecipeFilters) -> RecipeFilters:
    # PostgreSQL text cannot hold NUL, so no row matches one, and psycopg refuses to send it.
    def clean(value):
        if isinstance(value, str):
            return value.replace("\x00", "")
        if isinstance(value, tuple):
            return tuple(clean(item) for item in value)
        return value

    return replace(filters, **{f.name: clean(getattr(filters, f.name)) for f in fields(filters)})


def search_recipes(*, user, filters: RecipeFilters) -> QuerySet[Recipe]:
    """Visible recipes matching every filter, sorted; with rating average and count."""
    filters = _without_nul(filters)
    queryset = visible_recipes(user)
    if filters.q:
        query = SearchQuery(filters.q, search_type="websearch", config="english")
        queryset = queryset.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query)
        )
    for food in filters.include:
        queryset = queryset.filter(_food_filter(food))
    for food in filters.exclude:
        queryset = queryset.exclude(_food_filter(food))
    if filters.cuisine:
        queryset = queryset.filter(cuisine__iexact=filters.cuisine)
    if filters.course:
        queryset = queryset.filter(course=filters.course)
    for slug in filters.diet:
        queryset = queryset.filter(tags__slug=slug)
    if filters.max_minutes is not None:
        queryset = queryset.filter(total_minutes__lte=filters.max_minutes)
    if filters.author_id:
        queryset = queryset.filter(author_id=filters.author_id)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.favourites_of is not None:
        queryset = queryset.filter(favourites__user=filters.favourites_of)
    if filters.collection_id:
        queryset = queryset.filter(collections__pk=filters.collection_id)
    queryset = _with_ratings(queryset)
    if filters.min_rating:
        queryset = queryset.filter(rating_avg__gte=filters.min_rating)
    sort = filters.sort or ("relevance" if filters.q else "newest")
    if sort == "relevance" and not filters.q:
        sort = "newest"
    return (
        queryset.select_related("author")
        .prefetch_related("tags")
        .order_by(*SORTS.get(sort, SORTS["newest"]), "-pk")
    )


def cuisines() -> list[str]:
    return list(
        Recipe.objects.filter(status=Recipe.Status.PUBLISHED)
        .exclude(cuisine="")
        .values_list("cuisine", flat=True)
        .distinct()
        .order_by("cuisine")
    )


def recipe_for(*, user, recipe_id: int) -> Recipe | None:
    """One visible recipe with everything its page shows, or None."""
    return (
        _with_ratings(visible_recipes(user))
        .select_related("author")
        .prefetch_related("tags", "ingredients", "steps", "photos")
        .filter(pk=recipe_id)
        .first()
    )


@dataclass
class IngredientLine:
    quantity: str
    unit: str
    food: str
    note: str


def scaled_ingredients(
    recipe: Recipe, *, servings: int, unit_system: str | None
) -> list[IngredientLine]:
    """The ingredients for `servings`, in the chosen system ("metric", "us" or None to keep
    the recipe's own units), rounded for people."""
    factor = Fraction(servings, recipe.servings)
    lines = []
    for ingredient in recipe.ingredients.all():
        unit = ingredient.unit or None
        if ingredient.quantity is None:
            lines.append(
                IngredientLine("", units.unit_label(unit), ingredient.food, ingredient.note)
            )
            continue
        quantity = units.to_fraction(ingredient.quantity) * factor
        high = (
            units.to_fraction(ingredient.quantity_max) * factor
            if ingredient.quantity_max is not None
            else None
        )
        target_unit = unit
        if unit_system == units.METRIC:
            quantity, target_unit = units.to_metric(quantity, unit)
        elif unit_system == units.US:
            quantity, target_unit = units.to_us(quantity, unit)
        if high is not None and target_unit != unit:
            high = units.convert(high, unit, target_unit)
        system = units.unit_system(target_unit)
        text = units.humanize(quantity, system, target_unit)
        if high is not None and high > quantity:
            text = f"{text}\N{EN DASH}{units.humanize(high, system, target_unit)}"
        lines.append(
            IngredientLine(
                text,
                units.unit_label(target_unit, high or quantity),
                ingredient.food,
                ingredient.note,
            )
        )
    return lines


def member_state(*, user, recipe: Recipe) -> dict:
    """What the user has done with this recipe: their rating, favourite and collections."""
    if not user or not user.is_authenticated:
        return {"my_rating": None, "is_favourite": False, "collections": []}
    rating = Rating.objects.filter(recipe=recipe, user=user).values_list("score", flat=True)
    collections = list(
        Collection.objects.filter(owner=user).annotate(
            has_recipe=Exists(
                Collection.recipes.through.objects.filter(
                    collection_id=OuterRef("pk"), recipe_id=recipe.pk
                )
            )
        )
    )
    return {
        "my_rating": rating.first(),
        "is_favourite": Favourite.objects.filter(recipe=recipe, user=user).exists(),
        "collections": collections,
    }


def comments_of(recipe: Recipe):
    return recipe.comments.select_related("author").order_by("created_at")


def collections_of(user) -> QuerySet[Collection]:
    return Collection.objects.filter(owner=user).annotate(recipe_count=Count("recipes"))


def week_of(day: dt.date) -> list[dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return [monday + dt.timedelta(days=offset) for offset in range(7)]


def plan_between(*, user, start: dt.date, end: dt.date) -> QuerySet[MealPlanEntry]:
    return (
        MealPlanEntry.objects.filter(user=user, date__range=(start, end))
        .select_related("recipe")
        .order_by("date", "meal", "pk")
    )


def shopping_lists_of(user) -> QuerySet[ShoppingList]:
    return ShoppingList.objects.filter(owner=user).annotate(
        item_count=Count("items"), checked_count=Count("items", filter=Q(items__is_checked=True))
    )


def shopping_list_for(*, user, list_id: int) -> ShoppingList | None:
    return (
        ShoppingList.objects.filter(owner=user, pk=list_id)
        .prefetch_related(Prefetch("items", queryset=ShoppingItem.objects.order_by("position")))
        .first()
    )


def default_unit_system() -> str:
    return get_settings().default_unit_system


def to_normalized(recipe: Recipe, *, image_base: str = "") -> NormalizedRecipe:
    lines = []
    for ingredient in recipe.ingredients.all():
        if ingredient.original:
            lines.append(ingredient.original)
        else:
            quantity = units.format_quantity(ingredient.quantity, ingredient.unit or None)
            lines.append(" ".join(p for p in (quantity, ingredient.food) if p))
    return NormalizedRecipe(
        title=recipe.title,
        description=recipe.description,
        servings=recipe.servings,
        yield_text=f"{recipe.servings} servings",
        prep_minutes=recipe.prep_minutes,
        cook_minutes=recipe.cook_minutes,
        total_minutes=recipe.total_minutes,
        cuisine=(recipe.cuisine,) if recipe.cuisine else (),
        course=(recipe.get_course_display(),) if recipe.course else (),
        keywords=tuple(tag.name for tag in recipe.tags.all()),
        images=tuple(
            image_base + image.url
            for image in [recipe.image, *(photo.image for photo in recipe.photos.all())]
            if image
        ),
        ingredients=tuple(lines),
        steps=tuple(step.text for step in recipe.steps.all()),
        source_url=recipe.source_url,
        author=(recipe.author.display_name if recipe.author else ""),
    )


def recipe_jsonld(recipe: Recipe, *, image_base: str = "") -> dict:
    """The recipe as schema.org Recipe JSON-LD."""
    return to_jsonld(to_normalized(recipe, image_base=image_base))
