"""Who may do what (see docs/apps/links.md), the API, and tenant isolation."""

from links_factories import flush, make_bookmark, make_link

from tenant_apps.links.models import ShortLink
from tenant_apps.members.models import Role
from tenants.context import tenant_context


def test_anonymous_visitor_follows_links_but_sees_no_pages(alpha, alpha_owner, client_for):
    link = make_link(alpha, alpha_owner, alias="open")
    anon = client_for(alpha)
    assert anon.get("/open").status_code == 302
    for url in ("/links/", "/links/bookmarks/", f"/links/{link.pk}/", "/links/analytics/"):
        response = anon.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert anon.get("/api/v1/links/short-links/").status_code in (401, 403)


def test_member_manages_own_links_but_not_others(alpha, linker, other_linker, as_user):
    mine = make_link(alpha, linker, alias="mine")
    theirs = make_link(alpha, other_linker, alias="theirs")
    client = as_user(linker)
    assert client.get(f"/links/{theirs.pk}/").status_code == 200  # members see every link
    assert client.get(f"/links/{theirs.pk}/edit/").status_code == 403
    assert client.post(f"/links/{theirs.pk}/delete/").status_code == 403
    api = client.patch(
        f"/api/v1/links/short-links/{theirs.pk}/", {"title": "x"}, content_type="application/json"
    )
    assert api.status_code == 403
    assert client.delete(f"/api/v1/links/short-links/{theirs.pk}/").status_code == 403
    assert client.post(f"/links/{mine.pk}/delete/").status_code == 302


def test_moderator_manages_every_link(alpha, linker, link_moderator, as_user):
    link = make_link(alpha, linker, alias="modme")
    response = as_user(link_moderator).patch(
        f"/api/v1/links/short-links/{link.pk}/", {"is_enabled": False},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200 and response.json()["is_enabled"] is False


def test_admin_can_stop_members_creating_links(alpha, alpha_owner, linker, as_user, member_of):
    admin = member_of(alpha, email="links-admin@example.com", role=Role.ADMIN)
    assert as_user(linker).get("/links/settings/").status_code == 403
    response = as_user(admin).post(
        "/links/settings/", {"default_redirect_type": 301, "members_may_create_links": ""}
    )
    assert response.status_code == 302
    assert as_user(linker).get("/links/new/").status_code == 403
    api = as_user(linker).post(
        "/api/v1/links/short-links/", {"target_url": "https://example.org/"},
        content_type="application/json",
    )  # fmt: skip
    assert api.status_code == 403
    link = make_link(alpha, alpha_owner)
    assert link.redirect_type == 301  # the new default
    bad = as_user(admin).post("/links/settings/", {"default_redirect_type": 307})
    assert bad.status_code == 200 and bad.context["form"].errors["default_redirect_type"]


def test_api_creates_lists_and_reports_stats(alpha, linker, as_user, client_for):
    client = as_user(linker)
    created = client.post(
        "/api/v1/links/short-links/",
        {"target_url": "https://example.org/api", "alias": "via-api", "tags": ["x", "y"],
         "password": "pw-123", "max_clicks": 5},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["short_url"] == "http://alpha.example.test/via-api"
    assert body["has_password"] is True and "password" not in body
    listing = client.get("/api/v1/links/short-links/?tag=x").json()
    assert [item["code"] for item in listing["results"]] == ["via-api"]
    client_for(alpha).post("/via-api", {"password": "pw-123"})
    flush(alpha)
    stats = client.get(f"/api/v1/links/short-links/{body['id']}/stats/?days=7").json()
    assert stats["total"] == 1 and len(stats["days"]) == 7
    assert client.get(f"/api/v1/links/short-links/{body['id']}/stats/?days=0").status_code == 400


def test_api_bad_input_is_a_400_naming_the_field(alpha, linker, as_user):
    client = as_user(linker)
    for payload, field in [
        ({"target_url": "javascript:alert(1)"}, "target_url"),
        ({"target_url": "https://example.org/", "alias": "admin"}, "alias"),
        ({"target_url": "https://example.org/", "max_clicks": 0}, "max_clicks"),
        ({"target_url": "https://example.org/", "redirect_type": 307}, "redirect_type"),
    ]:
        response = client.post(
            "/api/v1/links/short-links/", payload, content_type="application/json"
        )
        assert response.status_code == 400, payload
        assert field in response.json()["error"]["fields"], response.json()
    bookmark = client.post(
        "/api/v1/links/bookmarks/", {"url": "data:x"}, content_type="application/json"
    )
    assert bookmark.status_code == 400 and "url" in bookmark.json()["error"]["fields"]
    bulk = client.post(
        "/api/v1/links/bookmarks/bulk-tags/", {"ids": "x"}, content_type="application/json"
    )
    assert bulk.status_code == 400 and "ids" in bulk.json()["error"]["fields"]


def test_api_saves_a_bookmark_in_one_call_and_bulk_tags(alpha, linker, as_user):
    client = as_user(linker)
    response = client.post(
        "/api/v1/links/bookmarks/",
        {"url": "https://example.org/one-click", "title": "One click", "tags": ["later"]},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["tags"] == ["later"]
    bookmark_id = response.json()["id"]
    bulk = client.post(
        "/api/v1/links/bookmarks/bulk-tags/",
        {"ids": [bookmark_id], "add": ["new"], "remove": ["later"]},
        content_type="application/json",
    )  # fmt: skip
    assert bulk.json() == {"updated": 1}
    assert client.get(f"/api/v1/links/bookmarks/{bookmark_id}/").json()["tags"] == ["new"]


def test_beta_sees_and_changes_nothing_of_alpha(
    alpha, beta, alpha_owner, owner_of, linker, client_for, as_user
):
    link = make_link(alpha, alpha_owner, alias="alpha-only")
    bookmark = make_bookmark(alpha, linker, title="Alpha bookmark", is_shared=True)
    beta_owner = owner_of(beta)
    beta_client = client_for(beta)
    beta_client.force_login(beta_owner)
    assert client_for(beta).get("/alpha-only").status_code == 404
    assert beta_client.get(f"/links/{link.pk}/").status_code == 404
    assert beta_client.get(f"/links/{link.pk}/qr.png").status_code == 404
    assert b"alpha-only" not in beta_client.get("/links/").content
    assert beta_client.get("/api/v1/links/short-links/").json()["results"] == []
    assert beta_client.get("/api/v1/links/bookmarks/?scope=shared").json()["results"] == []
    assert beta_client.delete(f"/api/v1/links/short-links/{link.pk}/").status_code == 404
    assert beta_client.get(f"/links/bookmarks/{bookmark.pk}/edit/").status_code == 404
    # alpha's user cannot use its session on beta's site
    assert as_user(alpha_owner, beta).get("/links/").status_code in (302, 403)
    # beta may reuse alpha's alias: codes are per site
    make_link(beta, beta_owner, alias="alpha-only", target_url="https://beta.example.org/")
    assert client_for(alpha).get("/alpha-only")["Location"] == "https://example.org/page"
    assert client_for(beta).get("/alpha-only")["Location"] == "https://beta.example.org/"
    with tenant_context(alpha):
        assert ShortLink.objects.count() == 1


def test_switched_off_app_stops_redirects_and_pages(
    alpha, alpha_owner, client_for, as_user, django_capture_on_commit_callbacks
):
    from tenant_apps.console.services import set_features

    make_link(alpha, alpha_owner, alias="gated")
    assert client_for(alpha).get("/gated").status_code == 302
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
        set_features(
            acting_user=alpha_owner,
            organization=alpha,
            features=[key for key in alpha.features if key != "links"],
        )
    assert client_for(alpha).get("/gated").status_code == 404
    assert as_user(alpha_owner).get("/links/").status_code == 404
    assert as_user(alpha_owner).get("/api/v1/links/short-links/").status_code == 404
