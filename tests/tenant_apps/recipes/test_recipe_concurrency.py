"""Concurrent work on real connections: two stale edits of one recipe, two first ratings."""

import pytest

from tenant_apps.recipes import services
from tenant_apps.recipes.models import DietaryTag, Rating, Recipe
from tenants.context import tenant_context
from tests.conftest import run_in_threads


@pytest.fixture
def committed_recipe(django_db_setup, committed):
    """A recipe really committed in alpha (no test transaction), deleted afterwards."""
    from shared_apps.accounts.models import User
    from tenants.models import Organization

    alpha = Organization.objects.get(schema_name="alpha")
    with tenant_context(alpha):
        owner = User.objects.get(email="owner@alpha.test")
        recipe = services.create_recipe(
            author=owner, data={"title": "Race", "status": "published"}, ingredients_text="1 egg"
        )
    yield alpha, owner, recipe
    with tenant_context(alpha):
        Recipe.objects.filter(pk=recipe.pk).delete()
        assert DietaryTag.objects.filter(is_builtin=True).count() == 4


def test_two_edits_from_the_same_version_do_not_overwrite_each_other(committed_recipe):
    alpha, owner, recipe = committed_recipe

    def edit(title):
        def run():
            with tenant_context(alpha):
                return services.update_recipe(
                    recipe_id=recipe.pk, user=owner, data={"title": title}, expected_version=1
                ).title

        return run

    results = run_in_threads([edit("First"), edit("Second")])
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    winner = next(value for kind, value in results if kind == "ok")
    with tenant_context(alpha):
        fresh = Recipe.objects.get(pk=recipe.pk)
        assert fresh.title == winner and fresh.version == 2


def test_two_first_ratings_at_once_leave_one_rating(committed_recipe):
    alpha, owner, recipe = committed_recipe

    def rate(score):
        def run():
            with tenant_context(alpha):
                return services.rate_recipe(recipe_id=recipe.pk, user=owner, score=score).score

        return run

    results = run_in_threads([rate(2), rate(5)])
    assert [kind for kind, _ in results] == ["ok", "ok"], results
    with tenant_context(alpha):
        assert Rating.objects.filter(recipe_id=recipe.pk).count() == 1
