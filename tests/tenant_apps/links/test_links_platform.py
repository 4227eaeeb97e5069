"""What the links app owes the platform: notifications through the shared app, the plan gating
the app (redirects included), navigation, Django admin, demo data and the OpenAPI schema."""

import pytest
from django.core import mail
from links_factories import flush, make_link

from tenant_apps.links.models import Bookmark, Click, ShortLink
from tenant_apps.notifications.models import Notification
from tenants.context import tenant_context


def test_creator_is_notified_once_when_the_click_limit_is_reached(
    alpha, linker, client_for, django_capture_on_commit_callbacks
):
    link = make_link(alpha, linker, alias="three", max_clicks=3)
    visitor = client_for(alpha)
    for _ in range(2):
        assert visitor.get("/three").status_code == 302
    flush(alpha)
    with tenant_context(alpha):
        assert not Notification.objects.exists()  # two of three: nothing to say yet
    assert visitor.get("/three").status_code == 302
    assert visitor.get("/three").status_code == 410  # used up
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        flush(alpha)
    with tenant_context(alpha):
        notification = Notification.objects.get()
        assert notification.recipient_id == linker.pk
        assert notification.kind == "links.click_limit"
        assert notification.url == f"/links/{link.pk}/"
        # A batch replayed after a crash writes nothing and says nothing again.
        from tenant_apps.links import services

        click = Click.objects.filter(link=link).first()
        services.record_clicks(
            events=[
                {
                    "id": click.event_id,
                    "link": link.pk,
                    "at": click.clicked_at.timestamp(),
                    "visitor": click.visitor,
                }
            ]
        )
        assert Notification.objects.count() == 1
    [email] = mail.outbox
    assert email.to == [linker.email] and "/three" in email.subject


def test_links_without_a_limit_notify_nobody(alpha, linker, client_for):
    make_link(alpha, linker, alias="open")
    client_for(alpha).get("/open")
    flush(alpha)
    with tenant_context(alpha):
        assert not Notification.objects.exists()


def test_a_plan_without_links_hides_pages_api_and_redirects(alpha, alpha_owner, as_user, on_plan):
    make_link(alpha, alpha_owner, alias="planned")
    on_plan(alpha, apps=["forum", "tasks", "store", "recipes", "events"])
    client = as_user(alpha_owner)
    assert client.get("/links/").status_code == 404
    assert client.get("/api/v1/links/short-links/").status_code == 404
    assert client.get("/planned").status_code == 404


def test_navigation_links_to_the_app(alpha, linker, as_user):
    assert b'href="/links/"' in as_user(linker).get("/").content


def test_admin_pages_render_for_tenant_staff(alpha, alpha_owner, as_user):
    from shared_apps.accounts.models import User

    link = make_link(alpha, alpha_owner, alias="staff")
    with tenant_context(alpha):
        User.objects.filter(pk=alpha_owner.pk).update(is_staff=True, is_superuser=True)
        alpha_owner.refresh_from_db()
    client = as_user(alpha_owner)
    for model in ["shortlink", "click", "bookmark", "tag", "linksettings"]:
        assert client.get(f"/admin/links/{model}/").status_code == 200, model
    assert client.get(f"/admin/links/shortlink/{link.pk}/change/").status_code == 200


def test_demo_data_shows_every_feature(alpha, alpha_owner, django_capture_on_commit_callbacks):
    from tenant_apps.links.demo import seed

    with tenant_context(alpha):
        seed(organization=alpha, owner=alpha_owner)
        links = ShortLink.objects.all()
        assert links.filter(is_custom_alias=True).exists()
        assert links.filter(is_custom_alias=False).exists()
        assert links.filter(redirect_type=301).exists() and links.filter(redirect_type=302).exists()
        assert links.exclude(password="").exists() and links.filter(expires_at__isnull=False)
        assert links.filter(is_enabled=False).exists() and links.filter(tags__isnull=False)
        used_up = links.get(max_clicks__isnull=False)
        assert used_up.click_count == used_up.max_clicks
        assert Click.objects.exclude(referrer_host="").exists()
        assert Click.objects.values("device").distinct().count() >= 2
        assert Notification.objects.filter(kind="links.click_limit").exists()
        bookmarks = Bookmark.objects.all()
        assert bookmarks.filter(is_shared=True) and bookmarks.filter(is_shared=False)
        assert bookmarks.filter(is_unread=True) and bookmarks.filter(is_archived=True)
        seed(organization=alpha, owner=alpha_owner)  # a second run adds nothing
        assert ShortLink.objects.count() == links.count()


@pytest.fixture
def schema(alpha, client_for):
    response = client_for(alpha).get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def test_the_openapi_schema_documents_the_links_api(schema):
    paths = schema["paths"]
    for path in [
        "/api/v1/links/short-links/",
        "/api/v1/links/short-links/{id}/",
        "/api/v1/links/short-links/{id}/stats/",
        "/api/v1/links/bookmarks/",
        "/api/v1/links/bookmarks/{id}/",
        "/api/v1/links/bookmarks/bulk-tags/",
    ]:
        assert path in paths, path
    names = {p["name"] for p in paths["/api/v1/links/bookmarks/"]["get"]["parameters"]}
    assert {"q", "tag", "state", "scope", "page", "page_size"} <= names
    names = {p["name"] for p in paths["/api/v1/links/short-links/"]["get"]["parameters"]}
    assert {"q", "tag", "page"} <= names
    create = paths["/api/v1/links/short-links/"]["post"]
    assert "application/json" in create["requestBody"]["content"] and "201" in create["responses"]
    body = schema["components"]["schemas"]["ShortLink"]["properties"]
    assert {"target_url", "code", "short_url", "max_clicks", "redirect_type"} <= set(body)


def test_analytics_break_clicks_down_by_os_device_and_day(alpha, linker, as_user):
    import datetime as dt

    from django.utils import timezone
    from links_factories import ClickFactory, ShortLinkFactory

    from tenant_apps.links import selectors

    with tenant_context(alpha):
        link = ShortLinkFactory(created_by=linker)
        ClickFactory.create_batch(3, link=link, os="Android", device="mobile", visitor="same")
        ClickFactory(link=link, clicked_at=timezone.now() - dt.timedelta(days=40))
        stats = selectors.click_stats(link=link, days=30)
    assert stats.total == 4 and stats.unique_visitors == 2
    assert dict(stats.systems) == {"Android": 3, "Linux": 1}
    assert dict(stats.devices) == {"mobile": 3, "desktop": 1}
    assert sum(count for _, count in stats.days) == 3  # the 40-day-old click is off the chart
    page = as_user(linker).get("/links/analytics/")
    assert b"Android" in page.content and b"<strong>4</strong> clicks in all" in page.content
