"""Every change of state in the recipes app. Each function runs in one transaction and raises
ValidationError (naming the field) for bad input and ApplicationError for refusals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from core.errors import Conflict
from core.errors import PermissionDenied as Refused
from core.thumbnails import delete_thumbnails, request_thumbnails
from tenant_apps.members.models import Role
from tenant_apps.members.selectors import has_role
from tenant_apps.notifications.services import notify
from tenant_apps.recipes import units
from tenant_apps.recipes.ingredients import parse_ingredient
from tenant_apps.recipes.jsonld import extract_recipes, normalize_recipe
from tenant_apps.recipes.models import (
    Collection,
    Comment,
    Course,
    DietaryTag,
    Favourite,
    Ingredient,
    Meal,
    MealPlanEntry,
    Publishers,
    Rating,
    Recipe,
    RecipePhoto,
    RecipeSettings,
    ShoppingItem,
    ShoppingList,
    Step,
)

MAX_INGREDIENTS = 100
MAX_STEPS = 60
MAX_PLAN_DAYS = 31
MAX_IMPORT_CHARS = 2_000_000
MAX_PHOTOS = 12


@dataclass
class StepInput:
    text: str
    timer_minutes: int | None = None
    image: object | None = None  # an uploaded file, already validated
    keep_image_from: int | None = None  # id of the existing step whose image stays
    remove_image: bool = False


# --- permissions ------------------------------------------------------------------------


def get_settings() -> RecipeSettings:
    settings_row, _ = RecipeSettings.objects.get_or_create(id=1)
    return settings_row


def can_edit(*, user, recipe: Recipe) -> bool:
    if not user or not user.is_authenticated:
        return False
    return recipe.author_id == user.pk or has_role(user, Role.MODERATOR)


def can_publish(*, user) -> bool:
    if not has_role(user, Role.MEMBER):
        return False
    if get_settings().who_may_publish == Publishers.MODERATORS:
        return has_role(user, Role.MODERATOR)
    return True


def _ensure_member(user) -> None:
    if not has_role(user, Role.MEMBER):
        raise Refused("Only members of this site can do that.")


def _ensure_can_edit(user, recipe: Recipe) -> None:
    if not can_edit(user=user, recipe=recipe):
        raise Refused("Only the author or a moderator can change this recipe.")


# --- ingredients --------------------------------------------------------------------------


def _decimal(value: Fraction | None) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.0001"))


def parse_ingredient_lines(text: str) -> list[dict]:
    """Parse free text (one ingredient a line) into structured rows; blank lines are skipped."""
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if len(line) > 500:
            raise ValidationError(
                {"ingredients": [f"“{line[:40]}…” is longer than 500 characters."]}
            )
        parsed = parse_ingredient(line)
        rows.append(
            {
                "quantity": _decimal(parsed.quantity),
                "quantity_max": _decimal(parsed.quantity_max),
                "unit": parsed.unit or "",
                "food": (parsed.food or line)[:200],
                "note": parsed.note[:300],
                "original": line,
            }
        )
    if len(rows) > MAX_INGREDIENTS:
        raise ValidationError(
            {"ingredients": [f"A recipe can have at most {MAX_INGREDIENTS} ingredients."]}
        )
    return rows


def _clean_structured(rows: list[dict]) -> list[dict]:
    cleaned = []
    for index, row in enumerate(rows):
        food = (row.get("food") or "").strip()
        if not food:
            raise ValidationError({"ingredients": [f"Line {index + 1} needs a food."]})
        quantity = row.get("quantity")
        if quantity is not None and Decimal(quantity) < 0:
            raise ValidationError({"ingredients": [f"Line {index + 1}: quantity is negative."]})
        cleaned.append(
            {
                "quantity": quantity,
                "quantity_max": row.get("quantity_max"),
                "unit": (row.get("unit") or "")[:20],
                "food": food[:200],
                "note": (row.get("note") or "")[:300],
                "original": (row.get("original") or "")[:500],
            }
        )
    if len(cleaned) > MAX_INGREDIENTS:
        raise ValidationError(
            {"ingredients": [f"A recipe can have at most {MAX_INGREDIENTS} ingredients."]}
        )
    return cleaned


@transaction.atomic
def refresh_search_index(*, recipe_id: int) -> None:
    """Recompute one recipe's full-text vector (after an edit made outside these services,
    such as in the Django admin). Safe to run any number of times."""
    recipe = Recipe.objects.filter(pk=recipe_id).first()
    if recipe is not None:
        _refresh_search(recipe)


def _refresh_search(recipe: Recipe) -> None:
    """Keep the full-text vector current: title weighs most, then ingredients and cuisine."""
    foods = " ".join(recipe.ingredients.values_list("food", flat=True))
    Recipe.objects.filter(pk=recipe.pk).update(ingredient_text=foods)
    Recipe.objects.filter(pk=recipe.pk).update(
        search_vector=SearchVector("title", weight="A", config="english")
        + SearchVector("ingredient_text", weight="B", config="english")
        + SearchVector("cuisine", weight="B", config="english")
        + SearchVector("description", weight="C", config="english")
        + SearchVector("notes", weight="D", config="english")
    )


# --- recipes ------------------------------------------------------------------------------


def _validate_fields(data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    title = (data.get("title") or "").strip()
    if not title:
        errors["title"] = ["Give the recipe a title."]
    elif len(title) > 200:
        errors["title"] = ["Keep the title under 200 characters."]
    servings = data.get("servings") or 4
    if not isinstance(servings, int) or not 1 <= servings <= 500:
        errors["servings"] = ["Servings must be a whole number from 1 to 500."]
    for name in ("prep_minutes", "cook_minutes"):
        value = data.get(name)
        if value is not None and (not isinstance(value, int) or not 0 <= value <= 10_000):
            errors[name] = ["Enter minutes from 0 to 10000."]
    course = data.get("course") or ""
    if course and course not in Course.values:
        errors["course"] = ["Choose a course from the list."]
    status = data.get("status") or Recipe.Status.DRAFT
    if status not in Recipe.Status.values:
        errors["status"] = ["Status is draft or published."]
    if errors:
        raise ValidationError(errors)
    data = dict(data, title=title, servings=servings, course=course, status=status)
    return data


_FIELDS = (
    "title",
    "description",
    "servings",
    "prep_minutes",
    "cook_minutes",
    "cuisine",
    "course",
    "notes",
    "source_url",
)


def _apply(recipe: Recipe, data: dict, *, user) -> None:
    for name in _FIELDS:
        if name in data:
            value = data[name]
            setattr(recipe, name, value if value is not None or "minutes" in name else "")
    recipe.cuisine = (recipe.cuisine or "").strip()[:60]
    if recipe.prep_minutes is not None or recipe.cook_minutes is not None:
        recipe.total_minutes = (recipe.prep_minutes or 0) + (recipe.cook_minutes or 0)
    else:
        recipe.total_minutes = None
    status = data.get("status", recipe.status)
    if status == Recipe.Status.PUBLISHED and recipe.status != Recipe.Status.PUBLISHED:
        if not can_publish(user=user):
            raise ValidationError({"status": ["Only moderators and admins may publish here."]})
        recipe.published_at = timezone.now()
    recipe.status = status


def _delete_files_after_commit(names: list[str]) -> None:
    """The images (and their thumbnails) go once the rows that used them are gone for good."""
    if not names:
        return

    def delete() -> None:
        for name in names:
            default_storage.delete(name)
            delete_thumbnails(name)

    transaction.on_commit(delete)


def _save_steps(recipe: Recipe, steps: list[StepInput]) -> None:
    if len(steps) > MAX_STEPS:
        raise ValidationError({"steps": [f"A recipe can have at most {MAX_STEPS} steps."]})
    old = {step.pk: step for step in recipe.steps.all()}
    kept_images = set()
    recipe.steps.all().delete()
    for position, item in enumerate(steps):
        text = (item.text or "").strip()
        if not text:
            continue
        if item.timer_minutes is not None and not 0 < item.timer_minutes <= 7 * 24 * 60:
            raise ValidationError({"steps": [f"Step {position + 1}: timer out of range."]})
        step = Step(recipe=recipe, position=position, text=text, timer_minutes=item.timer_minutes)
        if item.image:
            step.image.save(item.image.name, item.image, save=False)
            request_thumbnails(step.image.name)
        elif item.keep_image_from in old and not item.remove_image:
            step.image = old[item.keep_image_from].image.name
            kept_images.add(step.image)
        step.save()
    # Delete replaced step images once the new rows are committed.
    orphans = [s.image.name for s in old.values() if s.image and s.image.name not in kept_images]
    _delete_files_after_commit(orphans)


def _add_photos(recipe: Recipe, photos: list) -> None:
    if not photos:
        return
    if recipe.photos.count() + len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": [f"A recipe can have at most {MAX_PHOTOS} photos."]})
    for upload in photos:
        photo = RecipePhoto(recipe=recipe)
        photo.image.save(upload.name, upload, save=False)
        photo.save()
        request_thumbnails(photo.image.name)


def _remove_photos(recipe: Recipe, photo_ids: list[int]) -> None:
    photos = list(recipe.photos.filter(pk__in=photo_ids or []))
    names = [photo.image.name for photo in photos]
    RecipePhoto.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
    _delete_files_after_commit(names)


def _save_ingredients(recipe: Recipe, rows: list[dict]) -> None:
    recipe.ingredients.all().delete()
    Ingredient.objects.bulk_create(
        Ingredient(recipe=recipe, position=position, **row) for position, row in enumerate(rows)
    )


@transaction.atomic
def create_recipe(
    *,
    author,
    data: dict,
    ingredients_text: str | None = None,
    ingredients: list[dict] | None = None,
    steps: list[StepInput] | None = None,
    tags: list[DietaryTag] | None = None,
    image=None,
    photos: list | None = None,
) -> Recipe:
    """Create a recipe (a draft unless data["status"] is published and the author may
    publish). Ingredients come as free text (parsed) or as structured rows."""
    _ensure_member(author)
    data = _validate_fields(data)
    rows = (
        _clean_structured(ingredients)
        if ingredients is not None
        else parse_ingredient_lines(ingredients_text or "")
    )
    recipe = Recipe(author=author)
    _apply(recipe, data, user=author)
    if image:
        recipe.image.save(image.name, image, save=False)
        request_thumbnails(recipe.image.name)
    recipe.save()
    if tags:
        recipe.tags.set(tags)
    _save_ingredients(recipe, rows)
    _save_steps(recipe, steps or [])
    _add_photos(recipe, photos or [])
    _refresh_search(recipe)
    recipe.refresh_from_db()
    return recipe


@transaction.atomic
def update_recipe(
    *,
    recipe_id: int,
    user,
    data: dict,
    expected_version: int | None = None,
    ingredients_text: str | None = None,
    ingredients: list[dict] | None = None,
    steps: list[StepInput] | None = None,
    tags: list[DietaryTag] | None = None,
    image=None,
    remove_image: bool = False,
    photos: list | None = None,
    remove_photo_ids: list[int] | None = None,
) -> Recipe:
    """Change a recipe. Refused unless the user wrote it or is a moderator; refused with a
    Conflict when someone saved it after `expected_version` was read."""
    recipe = Recipe.objects.select_for_update().get(pk=recipe_id)
    _ensure_can_edit(user, recipe)
    if expected_version is not None and expected_version != recipe.version:
        raise Conflict(
            "Someone else saved this recipe after you opened it. Reload to see their changes.",
            code="edit_conflict",
        )
    merged = {name: getattr(recipe, name) for name in _FIELDS}
    merged["status"] = recipe.status
    merged.update(data)
    data = _validate_fields(merged)
    _apply(recipe, data, user=user)
    old_image = recipe.image.name if recipe.image else ""
    if image:
        recipe.image.save(image.name, image, save=False)
    elif remove_image:
        recipe.image = ""
    recipe.version = F("version") + 1
    recipe.save()
    if image:
        request_thumbnails(recipe.image.name)
    if old_image and old_image != (recipe.image.name if recipe.image else ""):
        _delete_files_after_commit([old_image])
    if tags is not None:
        recipe.tags.set(tags)
    if ingredients is not None:
        _save_ingredients(recipe, _clean_structured(ingredients))
    elif ingredients_text is not None:
        _save_ingredients(recipe, parse_ingredient_lines(ingredients_text))
    if steps is not None:
        _save_steps(recipe, steps)
    _remove_photos(recipe, remove_photo_ids or [])
    _add_photos(recipe, photos or [])
    _refresh_search(recipe)
    recipe.refresh_from_db()
    return recipe


@transaction.atomic
def delete_recipe(*, recipe_id: int, user) -> None:
    """Delete a recipe and its images (the files go once the deletion commits)."""
    recipe = Recipe.objects.select_for_update().get(pk=recipe_id)
    _ensure_can_edit(user, recipe)
    files = [recipe.image.name] if recipe.image else []
    files += [s.image.name for s in recipe.steps.all() if s.image]
    files += [p.image.name for p in recipe.photos.all()]
    recipe.delete()
    _delete_files_after_commit(files)


# --- dietary tags and settings ------------------------------------------------------------


@transaction.atomic
def create_dietary_tag(*, user, name: str) -> DietaryTag:
    """A site-defined dietary tag (admins only); names are unique ignoring case."""
    if not has_role(user, Role.ADMIN):
        raise Refused("Only admins can add dietary tags.")
    name = (name or "").strip()
    slug = slugify(name)[:60]
    if not name or not slug or len(name) > 50:
        raise ValidationError({"name": ["Enter a name of up to 50 letters."]})
    if DietaryTag.objects.filter(slug=slug).exists():
        raise ValidationError({"name": ["That tag already exists."]})
    return DietaryTag.objects.create(name=name, slug=slug)


@transaction.atomic
def delete_dietary_tag(*, user, tag_id: int) -> None:
    if not has_role(user, Role.ADMIN):
        raise Refused("Only admins can remove dietary tags.")
    deleted, _ = DietaryTag.objects.filter(pk=tag_id, is_builtin=False).delete()
    if not deleted:
        raise ValidationError({"tag": ["Built-in tags cannot be removed."]})


@transaction.atomic
def update_settings(
    *, user, default_unit_system: str, who_may_publish: str, allow_comments: bool
) -> RecipeSettings:
    if not has_role(user, Role.ADMIN):
        raise Refused("Only admins can change the recipe settings.")
    if default_unit_system not in (units.METRIC, units.US):
        raise ValidationError({"default_unit_system": ["Choose metric or US."]})
    if who_may_publish not in Publishers.values:
        raise ValidationError({"who_may_publish": ["Choose who may publish."]})
    row = RecipeSettings.objects.select_for_update().get_or_create(id=1)[0]
    row.default_unit_system = default_unit_system
    row.who_may_publish = who_may_publish
    row.allow_comments = allow_comments
    row.save()
    return row


# --- ratings, comments, favourites, collections ------------------------------------------


def _readable(recipe_id: int, user) -> Recipe:
    recipe = Recipe.objects.filter(pk=recipe_id).first()
    if recipe is None or not (recipe.is_published or can_edit(user=user, recipe=recipe)):
        raise ValidationError({"recipe": ["That recipe does not exist."]})
    return recipe


@transaction.atomic
def rate_recipe(*, recipe_id: int, user, score: int) -> Rating:
    """One rating per member, changeable: a second call replaces the first."""
    _ensure_member(user)
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError({"score": ["Rate from 1 to 5 stars."]})
    recipe = _readable(recipe_id, user)
    try:
        with transaction.atomic():
            rating, _ = Rating.objects.update_or_create(
                recipe=recipe, user=user, defaults={"score": score}
            )
    except IntegrityError:
        # A double click raced us to the first rating: the row exists now, so update it.
        rating = Rating.objects.select_for_update().get(recipe=recipe, user=user)
        rating.score = score
        rating.save(update_fields=["score", "updated_at"])
    return rating


@transaction.atomic
def add_comment(*, recipe_id: int, user, body: str) -> Comment:
    """A member's comment on a readable recipe; its author is notified."""
    _ensure_member(user)
    if not get_settings().allow_comments:
        raise Refused("Comments are switched off on this site.")
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": ["Write something first."]})
    if len(body) > 5000:
        raise ValidationError({"body": ["Keep comments under 5000 characters."]})
    recipe = _readable(recipe_id, user)
    comment = Comment.objects.create(recipe=recipe, author=user, body=body)
    if recipe.author_id is not None:
        # The author hears of it (never of their own comment: notify skips the actor).
        notify(
            recipients=[recipe.author],
            kind="recipes.comment",
            title=f"{user.display_name} commented on “{recipe.title}”",
            body=body[:300],
            url=reverse("recipes:detail", args=[recipe.pk]) + "#comments",
            actor=user,
            target=comment,
        )
    return comment


@transaction.atomic
def delete_comment(*, comment_id: int, user) -> None:
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None:
        raise ValidationError({"comment": ["That comment does not exist."]})
    if comment.author_id != user.pk and not has_role(user, Role.MODERATOR):
        raise Refused("Only the writer or a moderator can delete this comment.")
    comment.delete()


@transaction.atomic
def set_favourite(*, recipe_id: int, user, is_favourite: bool) -> bool:
    """Mark or unmark a favourite; idempotent either way. Returns the new state."""
    _ensure_member(user)
    recipe = _readable(recipe_id, user)
    if is_favourite:
        try:
            with transaction.atomic():
                Favourite.objects.get_or_create(recipe=recipe, user=user)
        except IntegrityError:
            pass  # a concurrent click already made it
    else:
        Favourite.objects.filter(recipe=recipe, user=user).delete()
    return is_favourite


@transaction.atomic
def create_collection(*, user, name: str) -> Collection:
    _ensure_member(user)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": ["Enter a name of up to 100 characters."]})
    if Collection.objects.filter(owner=user, name__iexact=name).exists():
        raise ValidationError({"name": ["You already have a collection with that name."]})
    return Collection.objects.create(owner=user, name=name)


@transaction.atomic
def delete_collection(*, user, collection_id: int) -> None:
    deleted, _ = Collection.objects.filter(pk=collection_id, owner=user).delete()
    if not deleted:
        raise ValidationError({"collection": ["That collection does not exist."]})


@transaction.atomic
def set_in_collection(*, user, collection_id: int, recipe_id: int, is_in: bool) -> Collection:
    """Put a recipe in (or take it out of) one of the user's own collections."""
    collection = Collection.objects.filter(pk=collection_id, owner=user).first()
    if collection is None:
        raise ValidationError({"collection": ["That collection does not exist."]})
    recipe = _readable(recipe_id, user)
    if is_in:
        collection.recipes.add(recipe)
    else:
        collection.recipes.remove(recipe)
    return collection


# --- meal planner and shopping lists --------------------------------------------------------


@transaction.atomic
def plan_meal(
    *, user, date: dt.date, meal: str, recipe_id: int, servings: int | None = None
) -> MealPlanEntry:
    """Put a recipe on a day and meal of the user's own plan."""
    _ensure_member(user)
    if meal not in Meal.values:
        raise ValidationError({"meal": ["Choose breakfast, lunch, dinner or snack."]})
    if not isinstance(date, dt.date):
        raise ValidationError({"date": ["Enter a valid date."]})
    recipe = _readable(recipe_id, user)
    servings = servings or recipe.servings
    if not 1 <= servings <= 500:
        raise ValidationError({"servings": ["Servings must be from 1 to 500."]})
    return MealPlanEntry.objects.create(
        user=user, date=date, meal=meal, recipe=recipe, servings=servings
    )


@transaction.atomic
def remove_planned_meal(*, user, entry_id: int) -> None:
    deleted, _ = MealPlanEntry.objects.filter(pk=entry_id, user=user).delete()
    if not deleted:
        raise ValidationError({"entry": ["That meal is not on your plan."]})


def _food_key(food: str) -> str:
    key = " ".join(food.lower().split())
    return key[:-1] if key.endswith("s") and not key.endswith("ss") and len(key) > 3 else key


@transaction.atomic
def create_shopping_list(*, user, start: dt.date, end: dt.date) -> ShoppingList:
    """Add up the ingredients of every meal planned from start to end (inclusive), scaled to
    each meal's servings. The same food is summed across recipes with unit conversion
    (volumes together, masses together, each count unit apart) and filed under its aisle."""
    _ensure_member(user)
    if end < start:
        raise ValidationError({"end": ["The end date must not be before the start."]})
    if (end - start).days + 1 > MAX_PLAN_DAYS:
        raise ValidationError({"end": [f"Choose at most {MAX_PLAN_DAYS} days."]})
    entries = list(
        MealPlanEntry.objects.filter(user=user, date__range=(start, end))
        .select_related("recipe")
        .prefetch_related("recipe__ingredients")
    )
    if not entries:
        raise ValidationError({"start": ["Nothing is planned in those days."]})
    foods: dict[str, tuple[str, list]] = {}
    for entry in entries:
        factor = Fraction(entry.servings, entry.recipe.servings)
        for ingredient in entry.recipe.ingredients.all():
            quantity = (
                None
                if ingredient.quantity is None
                else units.to_fraction(ingredient.quantity) * factor
            )
            key = _food_key(ingredient.food)
            foods.setdefault(key, (ingredient.food, []))[1].append(
                (quantity, ingredient.unit or None)
            )
    shopping_list = ShoppingList.objects.create(owner=user, start=start, end=end)
    rows = []
    for food, quantities in foods.values():
        for total, unit in units.add_quantities(quantities):
            rows.append((units.aisle_for(food), food.lower(), food, total, unit))
    rows.sort(key=lambda row: (units.AISLES.index(row[0]), row[1]))
    ShoppingItem.objects.bulk_create(
        ShoppingItem(
            shopping_list=shopping_list,
            food=food[:200],
            quantity=_decimal(total),
            unit=unit or "",
            aisle=aisle,
            position=position,
        )
        for position, (aisle, _, food, total, unit) in enumerate(rows)
    )
    return shopping_list


@transaction.atomic
def add_shopping_item(*, user, list_id: int, text: str) -> ShoppingItem:
    """Add something by hand ("2 l milk", "kitchen roll"); it is parsed and filed by aisle."""
    shopping_list = ShoppingList.objects.select_for_update().filter(pk=list_id, owner=user).first()
    if shopping_list is None:
        raise ValidationError({"shopping_list": ["That list does not exist."]})
    text = (text or "").strip()
    if not text or len(text) > 200:
        raise ValidationError({"text": ["Enter an item of up to 200 characters."]})
    if shopping_list.items.count() >= 500:
        raise ValidationError({"text": ["A shopping list holds at most 500 items."]})
    parsed = parse_ingredient(text)
    food = (parsed.food or text)[:200]
    last = shopping_list.items.order_by("-position").values_list("position", flat=True).first()
    return ShoppingItem.objects.create(
        shopping_list=shopping_list,
        food=food,
        quantity=_decimal(parsed.quantity),
        unit=parsed.unit or "",
        aisle=units.aisle_for(food),
        position=(last or 0) + 1,
    )


@transaction.atomic
def set_item_checked(*, user, item_id: int, is_checked: bool) -> ShoppingItem:
    item = (
        ShoppingItem.objects.select_for_update()
        .filter(pk=item_id, shopping_list__owner=user)
        .first()
    )
    if item is None:
        raise ValidationError({"item": ["That item is not on your list."]})
    item.is_checked = is_checked
    item.save(update_fields=["is_checked"])
    return item


@transaction.atomic
def delete_shopping_list(*, user, list_id: int) -> None:
    deleted, _ = ShoppingList.objects.filter(pk=list_id, owner=user).delete()
    if not deleted:
        raise ValidationError({"shopping_list": ["That list does not exist."]})


# --- import -------------------------------------------------------------------------------


def import_recipe(*, user, text: str) -> Recipe:
    """Create a draft from a pasted web page or JSON-LD holding a schema.org Recipe. Images
    stay at the source (nothing is fetched); the source link is kept."""
    _ensure_member(user)
    text = text or ""
    if not text.strip():
        raise ValidationError({"text": ["Paste a recipe page's HTML or its JSON-LD."]})
    if len(text) > MAX_IMPORT_CHARS:
        raise ValidationError({"text": ["That is too long to be one recipe page (max 2 MB)."]})
    found = extract_recipes(text)
    if not found:
        raise ValidationError({"text": ["No schema.org Recipe found in what you pasted."]})
    normalized = normalize_recipe(found[0])
    if not normalized.title:
        raise ValidationError({"text": ["The recipe found has no name."]})
    course = ""
    for candidate in normalized.course:
        for value, label in Course.choices:
            if candidate.lower() in (value, label.lower()) or candidate.lower().rstrip("s") in (
                value,
                label.lower(),
            ):
                course = value
                break
        if course:
            break
    tag_slugs = {slugify(keyword) for keyword in normalized.keywords}
    tags = list(DietaryTag.objects.filter(slug__in=tag_slugs))
    notes = ""
    if normalized.author:
        notes = f"By {normalized.author}."
    source = normalized.source_url if normalized.source_url.startswith("http") else ""

    def minutes(value: int | None) -> int | None:
        # Sites publish odd durations ("PT99999H"); an unusable one is dropped, not fatal.
        return value if value is not None and 0 <= value <= 10_000 else None

    data = {
        "title": normalized.title[:200],
        "description": normalized.description[:20_000],
        "servings": normalized.servings
        if normalized.servings and normalized.servings <= 500
        else 4,
        "prep_minutes": minutes(normalized.prep_minutes),
        "cook_minutes": minutes(
            normalized.cook_minutes
            if normalized.cook_minutes is not None
            else (
                normalized.total_minutes - (normalized.prep_minutes or 0)
                if normalized.total_minutes
                and normalized.total_minutes >= (normalized.prep_minutes or 0)
                else None
            )
        ),
        "cuisine": ", ".join(normalized.cuisine)[:60],
        "course": course,
        "notes": notes,
        "source_url": source[:500],
        "status": Recipe.Status.DRAFT,
    }
    return create_recipe(
        author=user,
        data=data,
        ingredients_text="\n".join(normalized.ingredients[:MAX_INGREDIENTS]),
        steps=[StepInput(text=step[:5000]) for step in normalized.steps[:MAX_STEPS]],
        tags=tags,
    )


def ingredient_lines(recipe: Recipe) -> str:
    """The ingredients as editable free text, one a line (the original wording if kept)."""
    lines = []
    for ingredient in recipe.ingredients.all():
        if ingredient.original:
            lines.append(ingredient.original)
        else:
            quantity = units.format_quantity(ingredient.quantity, ingredient.unit or None)
            note = f", {ingredient.note}" if ingredient.note else ""
            lines.append(" ".join(p for p in (quantity, ingredient.food) if p) + note)
    return "\n".join(lines)
