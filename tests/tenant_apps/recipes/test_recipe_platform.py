"""What the recipes app owes the platform: notifications through the shared app, the plan
gating the app, and an OpenAPI schema that documents its API."""

import pytest
from django.core import mail
from recipe_helpers import make_recipe

from tenant_apps.notifications.models import Notification
from tenants.context import tenant_context


def test_a_comment_notifies_the_recipe_author_by_bell_and_email(
    alpha, cook, other_cook, as_user, django_capture_on_commit_callbacks
):
    recipe = make_recipe(alpha, cook, title="Garlic soup")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(other_cook).post(
            f"/recipes/{recipe.pk}/comments/", {"body": "Needs more garlic."}
        )
    assert response.status_code == 302
    with tenant_context(alpha):
        notification = Notification.objects.get()
    assert notification.recipient_id == cook.pk and notification.kind == "recipes.comment"
    assert "Garlic soup" in notification.title and notification.body == "Needs more garlic."
    assert notification.url == f"/recipes/{recipe.pk}/#comments"
    [email] = mail.outbox
    assert email.to == [cook.email] and "Garlic soup" in email.subject
    assert email.alternatives and email.alternatives[0][1] == "text/html"  # text and HTML parts


def test_the_author_is_not_notified_of_their_own_comment(alpha, cook, as_user):
    recipe = make_recipe(alpha, cook)
    as_user(cook).post(f"/recipes/{recipe.pk}/comments/", {"body": "Tip: use butter."})
    with tenant_context(alpha):
        assert not Notification.objects.exists()


def test_a_refused_comment_notifies_nobody(alpha, cook, other_cook, as_user):
    recipe = make_recipe(alpha, cook)
    as_user(other_cook).post(f"/recipes/{recipe.pk}/comments/", {"body": "   "})
    with tenant_context(alpha):
        assert not Notification.objects.exists()


def test_a_plan_without_recipes_hides_pages_and_api(alpha, cook, client_for, on_plan):
    recipe = make_recipe(alpha, cook)
    on_plan(alpha, apps=["forum", "tasks", "store", "events", "links"])
    anon = client_for(alpha)
    assert anon.get("/recipes/").status_code == 404
    assert anon.get(f"/recipes/{recipe.pk}/").status_code == 404
    assert anon.get("/api/v1/recipes/recipes/").status_code == 404


@pytest.fixture
def schema(alpha, client_for):
    response = client_for(alpha).get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def test_the_openapi_schema_documents_the_recipes_api(schema):
    paths = schema["paths"]
    for path in [
        "/api/v1/recipes/recipes/",
        "/api/v1/recipes/recipes/{id}/",
        "/api/v1/recipes/recipes/{id}/rate/",
        "/api/v1/recipes/recipes/{id}/comments/",
        "/api/v1/recipes/recipes/{id}/jsonld/",
        "/api/v1/recipes/recipes/import/",
        "/api/v1/recipes/tags/",
        "/api/v1/recipes/collections/",
        "/api/v1/recipes/meal-plan/",
        "/api/v1/recipes/shopping-lists/",
        "/api/v1/recipes/shopping-lists/{id}/check/",
    ]:
        assert path in paths, path
    listing = paths["/api/v1/recipes/recipes/"]["get"]
    names = {parameter["name"] for parameter in listing["parameters"]}
    assert {"q", "include", "exclude", "cuisine", "course", "diet", "max_minutes"} <= names
    assert {"min_rating", "sort", "page", "page_size"} <= names
    create = paths["/api/v1/recipes/recipes/"]["post"]
    assert "application/json" in create["requestBody"]["content"]
    assert "201" in create["responses"]
    body = schema["components"]["schemas"]["RecipeDetail"]["properties"]
    assert {"title", "ingredients", "steps", "version", "scaled"} <= set(body)
