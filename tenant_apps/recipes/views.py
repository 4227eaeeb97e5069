"""Pages of the recipes app. Views parse input, call one service or selector and render."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.errors import ApplicationError, Conflict
from tenant_apps.members.models import Role
from tenant_apps.members.permissions import member_required, role_required
from tenant_apps.members.selectors import has_role
from tenant_apps.recipes import selectors, services, units
from tenant_apps.recipes.forms import (
    CollectionForm,
    CommentForm,
    DietaryTagForm,
    ImportForm,
    PlanForm,
    RatingForm,
    RecipeForm,
    SettingsForm,
    ShoppingItemForm,
    ShoppingRangeForm,
    StepFormSet,
)
from tenant_apps.recipes.models import Course, DietaryTag, Meal, Recipe

PAGE_SIZE = 24


def _form_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _refused(error: ApplicationError):
    if error.status_code == 403:
        raise PermissionDenied(error.message)
    raise error


def _int(value, default=None, *, low=None, high=None):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    if (low is not None and number < low) or (high is not None and number > high):
        return default
    return number


def _filters_from(request) -> selectors.RecipeFilters:
    get = request.GET

    def words(name):
        parts = get.get(name, "").split(",")
        return tuple(part.strip()[:60] for part in parts if part.strip())[:10]

    return selectors.RecipeFilters(
        q=get.get("q", "").strip()[:200],
        include=words("include"),
        exclude=words("exclude"),
        cuisine=get.get("cuisine", "").strip()[:60],
        course=get.get("course", "") if get.get("course") in Course.values else "",
        diet=tuple(get.getlist("diet"))[:10],
        max_minutes=_int(get.get("max_minutes"), low=1, high=10_000),
        min_rating=_int(get.get("min_rating"), low=1, high=5),
        sort=get.get("sort", "") if get.get("sort") in selectors.SORTS else "",
        favourites_of=request.user
        if get.get("favourites") and request.user.is_authenticated
        else None,
        author_id=request.user.pk if get.get("mine") and request.user.is_authenticated else None,
    )


def index(request):
    filters = _filters_from(request)
    recipes = selectors.search_recipes(user=request.user, filters=filters)
    page = Paginator(recipes, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "courses": Course.choices,
        "cuisines": selectors.cuisines(),
        "diets": DietaryTag.objects.all(),
        "sorts": [
            ("newest", "Newest"),
            ("rating", "Best rated"),
            ("quickest", "Quickest"),
            ("title", "A\N{EN DASH}Z"),
            ("relevance", "Best match"),
        ],
        "is_filtered": any(
            key in request.GET
            for key in (
                "q",
                "include",
                "exclude",
                "cuisine",
                "course",
                "diet",
                "max_minutes",
                "min_rating",
                "favourites",
                "mine",
            )
        ),
        "can_create": has_role(request.user, Role.MEMBER)
        if request.user.is_authenticated
        else False,
    }
    template = (
        "recipes/index.html#results" if request.htmx.target == "results" else "recipes/index.html"
    )
    return render(request, template, context)


def _recipe_or_404(request, recipe_id: int) -> Recipe:
    recipe = selectors.recipe_for(user=request.user, recipe_id=recipe_id)
    if recipe is None:
        raise Http404("No such recipe.")
    return recipe


def _display(request, recipe: Recipe) -> dict:
    servings = _int(request.GET.get("servings"), recipe.servings, low=1, high=500)
    unit_system = request.GET.get("units")
    if unit_system not in (units.METRIC, units.US, "original"):
        unit_system = selectors.default_unit_system()
    return {
        "servings": servings,
        "unit_system": unit_system,
        "lines": selectors.scaled_ingredients(
            recipe,
            servings=servings,
            unit_system=None if unit_system == "original" else unit_system,
        ),
    }


def detail(request, recipe_id: int):
    recipe = _recipe_or_404(request, recipe_id)
    context = {"recipe": recipe, **_display(request, recipe)}
    if request.htmx.target == "ingredients":
        return render(request, "recipes/detail.html#ingredients", context)
    context.update(
        selectors.member_state(user=request.user, recipe=recipe),
        comments=selectors.comments_of(recipe),
        can_edit=services.can_edit(user=request.user, recipe=recipe),
        is_member=request.user.is_authenticated and has_role(request.user, Role.MEMBER),
        settings=services.get_settings(),
        comment_form=CommentForm(),
        stars=range(1, 6),
    )
    return render(request, "recipes/detail.html", context)


def print_view(request, recipe_id: int):
    recipe = _recipe_or_404(request, recipe_id)
    return render(request, "recipes/print.html", {"recipe": recipe, **_display(request, recipe)})


def export_jsonld(request, recipe_id: int):
    recipe = _recipe_or_404(request, recipe_id)
    data = selectors.recipe_jsonld(recipe, image_base=request.build_absolute_uri("/")[:-1])
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Type"] = "application/ld+json; charset=utf-8"
    response["Content-Disposition"] = f'attachment; filename="recipe-{recipe.pk}.jsonld"'
    return response


def _step_inputs(formset) -> list[services.StepInput]:
    steps = []
    # ordered_forms puts the steps in the order of their Position numbers (blank ones last)
    # and leaves out the deleted ones.
    for form in formset.ordered_forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or not (data.get("text") or "").strip():
            continue
        steps.append(
            services.StepInput(
                text=data["text"],
                timer_minutes=data.get("timer_minutes"),
                image=data.get("image"),
                keep_image_from=data.get("step_id"),
                remove_image=data.get("remove_image", False),
            )
        )
    return steps


def _recipe_data(form) -> dict:
    data = form.cleaned_data
    return {
        name: data.get(name)
        for name in (
            "title",
            "description",
            "servings",
            "prep_minutes",
            "cook_minutes",
            "cuisine",
            "course",
            "notes",
            "source_url",
            "status",
        )
    }


@member_required
def create(request):
    form = RecipeForm(request.POST or None, request.FILES or None)
    formset = StepFormSet(request.POST or None, request.FILES or None, prefix="steps")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            recipe = services.create_recipe(
                author=request.user,
                data=_recipe_data(form),
                ingredients_text=form.cleaned_data["ingredients"],
                steps=_step_inputs(formset),
                tags=list(form.cleaned_data["tags"]),
                image=form.cleaned_data.get("image"),
                photos=form.cleaned_data.get("photos"),
            )
        except ValidationError as error:
            _form_errors(form, error)
        except ApplicationError as error:
            _refused(error)
        else:
            messages.success(request, f"“{recipe.title}” saved.")
            return redirect("recipes:detail", recipe_id=recipe.pk)
    return render(
        request,
        "recipes/form.html",
        {"form": form, "formset": formset, "can_publish": services.can_publish(user=request.user)},
    )


@member_required
def edit(request, recipe_id: int):
    recipe = _recipe_or_404(request, recipe_id)
    if not services.can_edit(user=request.user, recipe=recipe):
        raise PermissionDenied("Only the author or a moderator can edit this recipe.")
    initial = {
        **{
            name: getattr(recipe, name)
            for name in (
                "title",
                "description",
                "servings",
                "prep_minutes",
                "cook_minutes",
                "cuisine",
                "course",
                "notes",
                "source_url",
                "status",
                "version",
            )
        },
        "tags": list(recipe.tags.all()),
        "ingredients": services.ingredient_lines(recipe),
    }
    steps_initial = [
        {
            "step_id": step.pk,
            "text": step.text,
            "timer_minutes": step.timer_minutes,
            "ORDER": position,
        }
        for position, step in enumerate(recipe.steps.all(), start=1)
    ]
    form = RecipeForm(request.POST or None, request.FILES or None, initial=initial)
    formset = StepFormSet(
        request.POST or None, request.FILES or None, prefix="steps", initial=steps_initial
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            recipe = services.update_recipe(
                recipe_id=recipe.pk,
                user=request.user,
                data=_recipe_data(form),
                expected_version=form.cleaned_data.get("version"),
                ingredients_text=form.cleaned_data["ingredients"],
                steps=_step_inputs(formset),
                tags=list(form.cleaned_data["tags"]),
                image=form.cleaned_data.get("image"),
                remove_image=form.cleaned_data.get("remove_image", False),
                photos=form.cleaned_data.get("photos"),
                remove_photo_ids=[
                    int(v) for v in request.POST.getlist("remove_photo") if v.isdigit()
                ],
            )
        except ValidationError as error:
            _form_errors(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
        except ApplicationError as error:
            _refused(error)
        else:
            messages.success(request, "Recipe saved.")
            return redirect("recipes:detail", recipe_id=recipe.pk)
    step_images = {step.pk: step.image for step in recipe.steps.all() if step.image}
    return render(
        request,
        "recipes/form.html",
        {
            "form": form,
            "formset": formset,
            "recipe": recipe,
            "step_images": step_images,
            "photos": recipe.photos.all(),
            "can_publish": services.can_publish(user=request.user) or recipe.is_published,
        },
    )


@member_required
@require_POST
def delete(request, recipe_id: int):
    recipe = _recipe_or_404(request, recipe_id)
    try:
        services.delete_recipe(recipe_id=recipe.pk, user=request.user)
    except ApplicationError as error:
        _refused(error)
    messages.success(request, f"“{recipe.title}” deleted.")
    return redirect("recipes:index")


@member_required
@require_POST
def parse_preview(request):
    """How the ingredient text will be understood, shown under the box as the cook types."""
    try:
        rows = services.parse_ingredient_lines(request.POST.get("ingredients", "")[:50_000])
    except ValidationError as error:
        return render(request, "recipes/_parse_preview.html", {"error": " ".join(error.messages)})
    for row in rows:
        quantity = units.humanize(
            row["quantity"], units.unit_system(row["unit"] or None), row["unit"] or None
        )
        if row["quantity_max"] is not None:
            high = units.humanize(
                row["quantity_max"], units.unit_system(row["unit"] or None), row["unit"] or None
            )
            quantity = f"{quantity}\N{EN DASH}{high}"
        row["display_quantity"] = quantity
    return render(request, "recipes/_parse_preview.html", {"rows": rows})


@member_required
def import_recipe(request):
    form = ImportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recipe = services.import_recipe(user=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Imported as a draft. Check it over, then publish it.")
            return redirect("recipes:edit", recipe_id=recipe.pk)
    return render(request, "recipes/import.html", {"form": form})


@member_required
@require_POST
def rate(request, recipe_id: int):
    form = RatingForm(request.POST)
    recipe = _recipe_or_404(request, recipe_id)
    if form.is_valid():
        try:
            services.rate_recipe(
                recipe_id=recipe.pk, user=request.user, score=form.cleaned_data["score"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if request.htmx:
                recipe = _recipe_or_404(request, recipe_id)
                return render(
                    request,
                    "recipes/detail.html#rating",
                    {
                        "recipe": recipe,
                        "my_rating": form.cleaned_data["score"],
                        "stars": range(1, 6),
                        "is_member": True,
                    },
                )
            messages.success(request, "Thanks for rating.")
    else:
        messages.error(request, "Choose from 1 to 5 stars.")
        if request.htmx:
            return HttpResponse("Choose from 1 to 5 stars.", status=400)
    return redirect("recipes:detail", recipe_id=recipe.pk)


@member_required
@require_POST
def comment(request, recipe_id: int):
    recipe = _recipe_or_404(request, recipe_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(
                recipe_id=recipe.pk, user=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except ApplicationError as error:
            _refused(error)
        else:
            messages.success(request, "Comment posted.")
    else:
        messages.error(request, "Write a comment of up to 5000 characters.")
    return redirect(reverse("recipes:detail", args=[recipe.pk]) + "#comments")


@member_required
@require_POST
def delete_comment(request, recipe_id: int, comment_id: int):
    try:
        services.delete_comment(comment_id=comment_id, user=request.user)
    except ValidationError:
        raise Http404("No such comment.") from None
    except ApplicationError as error:
        _refused(error)
    messages.success(request, "Comment deleted.")
    return redirect(reverse("recipes:detail", args=[recipe_id]) + "#comments")


@member_required
@require_POST
def favourite(request, recipe_id: int):
    recipe = _recipe_or_404(request, recipe_id)
    is_favourite = request.POST.get("is_favourite") == "1"
    services.set_favourite(recipe_id=recipe.pk, user=request.user, is_favourite=is_favourite)
    if request.htmx:
        return render(
            request,
            "recipes/detail.html#favourite",
            {"recipe": recipe, "is_favourite": is_favourite},
        )
    return redirect("recipes:detail", recipe_id=recipe.pk)


@member_required
@require_POST
def collect(request, recipe_id: int):
    recipe = _recipe_or_404(request, recipe_id)
    collection_id = _int(request.POST.get("collection"))
    try:
        collection = services.set_in_collection(
            user=request.user,
            collection_id=collection_id or 0,
            recipe_id=recipe.pk,
            is_in=request.POST.get("is_in") == "1",
        )
    except ValidationError:
        messages.error(request, "Choose one of your collections.")
    else:
        messages.success(request, f"Collection “{collection.name}” updated.")
    return redirect("recipes:detail", recipe_id=recipe.pk)


@member_required
def collections(request):
    form = CollectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            collection = services.create_collection(
                user=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Collection “{collection.name}” created.")
            return redirect("recipes:collections")
    return render(
        request,
        "recipes/collections.html",
        {"form": form, "collections": selectors.collections_of(request.user)},
    )


@member_required
def collection_detail(request, collection_id: int):
    collection = selectors.collections_of(request.user).filter(pk=collection_id).first()
    if collection is None:
        raise Http404("No such collection.")
    recipes = selectors.search_recipes(
        user=request.user, filters=selectors.RecipeFilters(collection_id=collection.pk)
    )
    return render(
        request, "recipes/collection.html", {"collection": collection, "recipes": recipes}
    )


@member_required
@require_POST
def delete_collection(request, collection_id: int):
    try:
        services.delete_collection(user=request.user, collection_id=collection_id)
    except ValidationError:
        raise Http404("No such collection.") from None
    messages.success(request, "Collection deleted.")
    return redirect("recipes:collections")


def _week_context(request, day: dt.date, form=None) -> dict:
    days = selectors.week_of(day)
    entries = list(selectors.plan_between(user=request.user, start=days[0], end=days[-1]))
    grid = [
        {
            "date": date,
            "is_today": date == timezone.localdate(),
            "meals": [
                {
                    "key": key,
                    "label": label,
                    "entries": [e for e in entries if e.date == date and e.meal == key],
                }
                for key, label in Meal.choices
            ],
        }
        for date in days
    ]
    choices = (
        selectors.visible_recipes(request.user).order_by("title").values_list("pk", "title")[:500]
    )
    return {
        "grid": grid,
        "week_start": days[0],
        "week_end": days[-1],
        "previous_week": days[0] - dt.timedelta(days=7),
        "next_week": days[0] + dt.timedelta(days=7),
        "form": form
        or PlanForm(
            initial={
                "date": max(days[0], timezone.localdate())
                if days[-1] >= timezone.localdate()
                else days[0],
                "meal": Meal.DINNER,
            },
            recipe_choices=choices,
        ),
        "has_recipes": bool(choices),
        "range_form": ShoppingRangeForm(initial={"start": days[0], "end": days[-1]}),
    }


def _week_param(value) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return timezone.localdate()


@member_required
def planner(request):
    day = _week_param(request.GET.get("week"))
    context = _week_context(request, day)
    if request.htmx.target == "planner":
        return render(request, "recipes/planner.html#week", context)
    return render(request, "recipes/planner.html", context)


@member_required
@require_POST
def plan_add(request):
    choices = (
        selectors.visible_recipes(request.user).order_by("title").values_list("pk", "title")[:500]
    )
    form = PlanForm(request.POST, recipe_choices=choices)
    day = _week_param(request.POST.get("date"))
    status = 200
    if form.is_valid():
        try:
            services.plan_meal(
                user=request.user,
                date=form.cleaned_data["date"],
                meal=form.cleaned_data["meal"],
                recipe_id=form.cleaned_data["recipe"],
                servings=form.cleaned_data.get("servings"),
            )
        except ValidationError as error:
            _form_errors(form, error)
            status = 400
        else:
            form = None
    else:
        status = 400
    if not request.htmx:
        if form is not None:
            messages.error(
                request,
                "Could not add that meal: "
                + "; ".join(f"{name}: {' '.join(errs)}" for name, errs in form.errors.items()),
            )
        return redirect(reverse("recipes:planner") + f"?week={day.isoformat()}")
    context = _week_context(request, day, form=form)
    return render(request, "recipes/planner.html#week", context, status=status)


@member_required
@require_POST
def plan_remove(request, entry_id: int):
    day = _week_param(request.POST.get("week"))
    try:
        services.remove_planned_meal(user=request.user, entry_id=entry_id)
    except ValidationError:
        raise Http404("That meal is not on your plan.") from None
    if request.htmx:
        return render(request, "recipes/planner.html#week", _week_context(request, day))
    return redirect(reverse("recipes:planner") + f"?week={day.isoformat()}")


@member_required
def shopping_lists(request):
    form = ShoppingRangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            shopping_list = services.create_shopping_list(
                user=request.user, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return redirect("recipes:shopping_list", list_id=shopping_list.pk)
    return render(
        request,
        "recipes/shopping_lists.html",
        {"form": form, "lists": selectors.shopping_lists_of(request.user)},
    )


def _aisles(shopping_list) -> list[dict]:
    groups: dict[str, list] = {aisle: [] for aisle in units.AISLES}
    for item in shopping_list.items.all():
        item.display = units.format_quantity(item.quantity, item.unit or None)
        groups.setdefault(item.aisle, []).append(item)
    return [{"name": name, "items": items} for name, items in groups.items() if items]


@member_required
def shopping_list(request, list_id: int):
    found = selectors.shopping_list_for(user=request.user, list_id=list_id)
    if found is None:
        raise Http404("No such shopping list.")
    return render(
        request,
        "recipes/shopping_list.html",
        {"list": found, "aisles": _aisles(found), "item_form": ShoppingItemForm()},
    )


@member_required
@require_POST
def add_item(request, list_id: int):
    form = ShoppingItemForm(request.POST)
    if form.is_valid():
        try:
            item = services.add_shopping_item(
                user=request.user, list_id=list_id, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            if "shopping_list" in error.message_dict:
                raise Http404("No such shopping list.") from None
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Added {item.food} under {item.aisle}.")
    else:
        messages.error(request, "Enter an item of up to 200 characters.")
    return redirect("recipes:shopping_list", list_id=list_id)


@member_required
@require_POST
def toggle_item(request, list_id: int, item_id: int):
    try:
        item = services.set_item_checked(
            user=request.user, item_id=item_id, is_checked=request.POST.get("is_checked") == "1"
        )
    except ValidationError:
        raise Http404("No such item.") from None
    if request.htmx:
        item.display = units.format_quantity(item.quantity, item.unit or None)
        return render(
            request, "recipes/shopping_list.html#item", {"item": item, "list": item.shopping_list}
        )
    return redirect("recipes:shopping_list", list_id=list_id)


@member_required
@require_POST
def delete_shopping_list(request, list_id: int):
    try:
        services.delete_shopping_list(user=request.user, list_id=list_id)
    except ValidationError:
        raise Http404("No such shopping list.") from None
    messages.success(request, "Shopping list deleted.")
    return redirect("recipes:shopping_lists")


@role_required(Role.ADMIN)
def settings_page(request):
    current = services.get_settings()
    form = SettingsForm(
        request.POST if request.POST.get("action") == "settings" else None,
        initial={
            "default_unit_system": current.default_unit_system,
            "who_may_publish": current.who_may_publish,
            "allow_comments": current.allow_comments,
        },
    )
    tag_form = DietaryTagForm(request.POST if request.POST.get("action") == "add_tag" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "settings" and form.is_valid():
            services.update_settings(user=request.user, **form.cleaned_data)
            messages.success(request, "Recipe settings saved.")
            return redirect("recipes:settings")
        if action == "add_tag" and tag_form.is_valid():
            try:
                tag = services.create_dietary_tag(
                    user=request.user, name=tag_form.cleaned_data["name"]
                )
            except ValidationError as error:
                _form_errors(tag_form, error)
            else:
                messages.success(request, f"Tag “{tag.name}” added.")
                return redirect("recipes:settings")
        if action == "delete_tag":
            try:
                services.delete_dietary_tag(
                    user=request.user, tag_id=_int(request.POST.get("tag"), 0)
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, "Tag removed.")
            return redirect("recipes:settings")
    return render(
        request,
        "recipes/settings.html",
        {"form": form, "tag_form": tag_form, "tags": DietaryTag.objects.all()},
    )
