"""factory_boy factories for the recipes app. Create rows inside `tenant_context(org)`."""

import datetime as dt

import factory

from tenant_apps.recipes.models import (
    Collection,
    Comment,
    DietaryTag,
    Ingredient,
    MealPlanEntry,
    Rating,
    Recipe,
    Step,
)


class RecipeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recipe

    title = factory.Sequence(lambda n: f"Recipe {n}")
    description = "A good one."
    servings = 4
    prep_minutes = 10
    cook_minutes = 20
    total_minutes = 30
    status = Recipe.Status.PUBLISHED


class IngredientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ingredient

    recipe = factory.SubFactory(RecipeFactory)
    position = factory.Sequence(lambda n: n)
    quantity = 1
    unit = "cup"
    food = "flour"


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Step

    recipe = factory.SubFactory(RecipeFactory)
    position = factory.Sequence(lambda n: n)
    text = "Mix everything."


class DietaryTagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DietaryTag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Diet {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    recipe = factory.SubFactory(RecipeFactory)
    score = 4


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    recipe = factory.SubFactory(RecipeFactory)
    body = "Lovely."


class CollectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collection

    name = factory.Sequence(lambda n: f"Collection {n}")


class MealPlanEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MealPlanEntry

    date = factory.LazyFunction(dt.date.today)
    meal = "dinner"
    recipe = factory.SubFactory(RecipeFactory)
    servings = 4
