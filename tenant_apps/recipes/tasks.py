"""Background work of the recipes app. Queued inside a tenant request or tenant_context, a task
runs in that tenant's schema."""

from config.celery import app
from tenant_apps.recipes import services
from tenant_apps.recipes.models import Recipe


@app.task
def reindex_recipes(recipe_ids: list[int] | None = None) -> int:
    """Rebuild the full-text search vectors (all recipes, or the given ids). Idempotent: the
    vector is recomputed from the rows, so running it twice changes nothing more."""
    ids = recipe_ids or list(Recipe.objects.values_list("pk", flat=True))
    for recipe_id in ids:
        services.refresh_search_index(recipe_id=recipe_id)
    return len(ids)
