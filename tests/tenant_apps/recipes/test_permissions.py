"""Who may do what: anonymous visitors read published recipes; members write their own;
moderators and admins edit any; another tenant sees and changes nothing."""

from recipe_helpers import form_data, make_recipe

from tenant_apps.members.models import Role
from tenant_apps.recipes import services
from tenant_apps.recipes.models import Publishers, Recipe
from tenants.context import tenant_context


def test_anonymous_visitor_reads_published_recipes_but_not_drafts(alpha, cook, client_for):
    published = make_recipe(alpha, cook, title="Public pie")
    draft = make_recipe(alpha, cook, title="Secret stew", status="draft")
    anon = client_for(alpha)
    listing = anon.get("/recipes/")
    assert b"Public pie" in listing.content and b"Secret stew" not in listing.content
    assert anon.get(f"/recipes/{published.pk}/").status_code == 200
    assert anon.get(f"/recipes/{draft.pk}/").status_code == 404
    api = anon.get("/api/v1/recipes/recipes/").json()
    assert [r["title"] for r in api["results"]] == ["Public pie"]
    assert anon.get(f"/api/v1/recipes/recipes/{draft.pk}/").status_code == 404


def test_anonymous_visitor_cannot_create(alpha, client_for):
    anon = client_for(alpha)
    assert anon.get("/recipes/new/").status_code == 302
    response = anon.post(
        "/api/v1/recipes/recipes/", {"title": "x"}, content_type="application/json"
    )
    assert response.status_code in (401, 403)


def test_member_cannot_edit_someone_elses_recipe(alpha, cook, other_cook, as_user):
    recipe = make_recipe(alpha, cook)
    client = as_user(other_cook)
    assert client.get(f"/recipes/{recipe.pk}/edit/").status_code == 403
    assert client.post(f"/recipes/{recipe.pk}/delete/").status_code == 403
    response = client.patch(
        f"/api/v1/recipes/recipes/{recipe.pk}/",
        {"title": "Mine now"},
        content_type="application/json",
    )
    assert response.status_code == 403
    with tenant_context(alpha):
        assert Recipe.objects.get(pk=recipe.pk).title == "Pancakes"


def test_member_cannot_see_someone_elses_draft(alpha, cook, other_cook, as_user):
    draft = make_recipe(alpha, cook, status="draft")
    assert as_user(other_cook).get(f"/recipes/{draft.pk}/").status_code == 404


def test_moderator_edits_any_recipe_and_sees_drafts(alpha, cook, moderator, as_user):
    draft = make_recipe(alpha, cook, status="draft")
    client = as_user(moderator)
    assert client.get(f"/recipes/{draft.pk}/").status_code == 200
    response = client.post(
        f"/recipes/{draft.pk}/edit/", form_data(title="Fixed title", version="1")
    )
    assert response.status_code == 302
    with tenant_context(alpha):
        assert Recipe.objects.get(pk=draft.pk).title == "Fixed title"


def test_admin_deletes_any_recipe(alpha, cook, alpha_owner, as_user):
    recipe = make_recipe(alpha, cook)
    assert as_user(alpha_owner).post(f"/recipes/{recipe.pk}/delete/").status_code == 302
    with tenant_context(alpha):
        assert not Recipe.objects.filter(pk=recipe.pk).exists()


def test_only_moderators_publish_when_the_site_says_so(alpha, cook, alpha_owner, as_user):
    with tenant_context(alpha):
        services.update_settings(
            user=alpha_owner,
            default_unit_system="metric",
            who_may_publish=Publishers.MODERATORS,
            allow_comments=True,
        )
    response = as_user(cook).post("/recipes/new/", form_data(status="published"))
    assert response.status_code == 200
    assert "Only moderators and admins may publish here." in response.content.decode()
    draft = as_user(cook).post("/recipes/new/", form_data(status="draft"))
    assert draft.status_code == 302


def test_other_tenant_sees_and_changes_nothing(alpha, beta, cook, member_of, client_for):
    recipe = make_recipe(alpha, cook, title="Alpha only")
    beta_user = member_of(beta, email="b@example.com", role=Role.ADMIN)
    client = client_for(beta)
    client.force_login(beta_user)
    assert b"Alpha only" not in client.get("/recipes/").content
    assert client.get(f"/recipes/{recipe.pk}/").status_code == 404
    assert client.get("/api/v1/recipes/recipes/").json()["count"] == 0
    assert client.post(f"/recipes/{recipe.pk}/rate/", {"score": "1"}).status_code == 404
    assert client.post(f"/recipes/{recipe.pk}/delete/").status_code == 404
    assert (
        client.patch(
            f"/api/v1/recipes/recipes/{recipe.pk}/", {"title": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    with tenant_context(alpha):
        assert Recipe.objects.get(pk=recipe.pk).title == "Alpha only"


def test_settings_page_is_for_admins(alpha, cook, alpha_owner, as_user):
    assert as_user(cook).get("/recipes/settings/").status_code == 403
    client = as_user(alpha_owner)
    assert client.get("/recipes/settings/").status_code == 200
    response = client.post(
        "/recipes/settings/",
        {
            "action": "settings",
            "default_unit_system": "us",
            "who_may_publish": "members",
            "allow_comments": "on",
        },
    )
    assert response.status_code == 302
    with tenant_context(alpha):
        assert services.get_settings().default_unit_system == "us"
    bad = client.post(
        "/recipes/settings/",
        {"action": "settings", "default_unit_system": "imperial", "who_may_publish": "members"},
    )
    assert bad.status_code == 200 and b"field--invalid" in bad.content


def test_admin_adds_a_dietary_tag_and_members_cannot(alpha, cook, alpha_owner, as_user):
    client = as_user(alpha_owner)
    assert (
        client.post("/recipes/settings/", {"action": "add_tag", "name": "Halal"}).status_code == 302
    )
    duplicate = client.post("/recipes/settings/", {"action": "add_tag", "name": "halal"})
    assert b"already exists" in duplicate.content
    api = as_user(cook).post(
        "/api/v1/recipes/tags/", {"name": "Keto"}, content_type="application/json"
    )
    assert api.status_code == 403
    tags = as_user(cook).get("/api/v1/recipes/tags/").json()
    assert {"vegetarian", "vegan", "gluten-free", "dairy-free", "halal"} <= {
        t["slug"] for t in tags
    }
