"""Short links: creation, alias rules, redirects, click buffering and analytics."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from links_factories import flush, make_link

from tenant_apps.links import services
from tenant_apps.links.models import Click, ShortLink
from tenants.context import tenant_context

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)


def test_owner_creates_a_link_and_visitors_are_redirected_and_counted(
    alpha, alpha_owner, as_user, client_for
):
    client = as_user(alpha_owner)
    response = client.post(
        "/links/new/",
        {"target_url": "https://example.org/a?b=1", "alias": "spring", "redirect_type": 301,
         "tags": "promo, 2026"},
    )  # fmt: skip
    assert response.status_code == 302
    with tenant_context(alpha):
        link = ShortLink.objects.get(code="spring")
        assert sorted(t.name for t in link.tags.all()) == ["2026", "promo"]
    visitor = client_for(alpha)
    first = visitor.get("/spring", HTTP_USER_AGENT=CHROME, HTTP_REFERER="https://news.example/x")
    assert first.status_code == 301 and first["Location"] == "https://example.org/a?b=1"
    visitor.get("/spring", HTTP_USER_AGENT=CHROME)
    visitor.get("/SPRING/", HTTP_USER_AGENT=IPHONE, REMOTE_ADDR="203.0.113.9")
    with tenant_context(alpha):
        assert not Click.objects.exists()  # the redirect did not wait for bookkeeping
    assert flush(alpha) == 3
    with tenant_context(alpha):
        link.refresh_from_db()
        assert link.click_count == 3
        stats = services_stats(link)
        assert stats.total == 3 and stats.unique_visitors == 2
        assert dict(stats.referrers)["news.example"] == 1
        assert dict(stats.devices) == {"desktop": 2, "mobile": 1}
        assert {"Chrome", "Mobile Safari"} <= set(dict(stats.browsers))
        assert not Click.objects.filter(visitor__contains="203.0.113.9").exists()
    page = client.get(f"/links/{link.pk}/")
    assert page.status_code == 200 and b"<svg" in page.content and b"news.example" in page.content


def services_stats(link):
    from tenant_apps.links import selectors

    return selectors.click_stats(link=link)


def test_random_codes_use_the_unambiguous_alphabet(alpha, alpha_owner):
    link = make_link(alpha, alpha_owner)
    assert len(link.code) == 7 and not set(link.code) & set("0O1lI")


def test_a_random_code_collision_draws_a_new_code(alpha, alpha_owner, monkeypatch):
    """The operating system's randomness is the boundary here: it draws a taken code first."""
    make_link(alpha, alpha_owner, alias="Taken77")
    drawn = iter("taken77" + "Fresh22")
    monkeypatch.setattr("secrets.choice", lambda alphabet: next(drawn))
    assert make_link(alpha, alpha_owner).code == "Fresh22"


@pytest.mark.parametrize(
    "alias",
    ["links", "admin", "api", "accounts", "console", "billing", "recipes", "bad alias!"],
)
def test_alias_that_would_shadow_a_page_is_refused(alpha, alpha_owner, as_user, alias):
    response = as_user(alpha_owner).post(
        "/links/new/", {"target_url": "https://example.org/", "alias": alias, "redirect_type": 302}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["alias"]


def test_aliases_are_checked_against_the_site_urls_not_only_the_reserved_list(alpha):
    """Pages the reserved list forgot are refused too: the site's URLconf decides."""
    forgotten = services.site_prefixes() - {word.lower() for word in services.RESERVED_ALIASES}
    assert forgotten, "every page prefix is in the reserved list: nothing left to prove here"
    with tenant_context(alpha):
        assert services.alias_problem("robots-free") is None
        for page in forgotten:
            assert "already a page" in services.alias_problem(page), page


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(1)", "Only http"),
        ("data:text/html,hi", "Only http"),
        ("ftp://example.org/", "Only http"),
        ("https://alpha.example.test/links/", "cannot point at this site"),
        ("https://example.org/" + "a" * 2100, "at most 2048"),
    ],
)
def test_bad_targets_get_a_clear_field_error(alpha, alpha_owner, as_user, url, message):
    response = as_user(alpha_owner).post("/links/new/", {"target_url": url, "redirect_type": 302})
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors["target_url"])


def test_taken_alias_is_a_field_error(alpha, alpha_owner, as_user):
    make_link(alpha, alpha_owner, alias="promo")
    response = as_user(alpha_owner).post(
        "/links/new/",
        {"target_url": "https://example.org/", "alias": "PROMO", "redirect_type": 302},
    )
    assert response.context["form"].errors["alias"] == ["This alias is already taken."]


def test_disabled_expired_and_used_up_links_show_a_clear_page(alpha, alpha_owner, client_for):
    make_link(alpha, alpha_owner, alias="old", expires_at=timezone.now() - dt.timedelta(hours=1))
    once = make_link(alpha, alpha_owner, alias="once", max_clicks=1)
    off = make_link(alpha, alpha_owner, alias="off")
    with tenant_context(alpha):
        services.update_short_link(
            organization=alpha, user=alpha_owner, link=off, target_url=off.target_url,
            is_enabled=False,
        )  # fmt: skip
    visitor = client_for(alpha)
    assert b"expired" in visitor.get("/old").content
    assert visitor.get("/old").status_code == 410
    assert visitor.get("/once").status_code == 302
    used = visitor.get("/once")
    assert used.status_code == 410 and b"click limit" in used.content
    assert b"switched off" in visitor.get("/off").content
    assert visitor.get("/nothing-here").status_code == 404
    assert once.pk


def test_password_protected_link_asks_for_the_password(alpha, alpha_owner, client_for):
    make_link(alpha, alpha_owner, alias="secret", password="hunter22")
    visitor = client_for(alpha)
    assert b"protected" in visitor.get("/secret").content
    wrong = visitor.post("/secret", {"password": "nope"})
    assert wrong.status_code == 403 and b"not right" in wrong.content
    right = visitor.post("/secret", {"password": "hunter22"})
    assert right.status_code == 302 and right["Location"] == "https://example.org/page"


def test_editing_a_link_changes_the_redirect_at_once(alpha, alpha_owner, as_user, client_for):
    link = make_link(alpha, alpha_owner, alias="moving")
    assert client_for(alpha).get("/moving")["Location"] == "https://example.org/page"
    response = as_user(alpha_owner).post(
        f"/links/{link.pk}/edit/",
        {"target_url": "https://example.org/new", "redirect_type": 302, "is_enabled": "on"},
    )
    assert response.status_code == 302
    assert client_for(alpha).get("/moving")["Location"] == "https://example.org/new"


def test_clicks_left_in_processing_by_a_killed_worker_are_written_once(alpha, alpha_owner):
    link = make_link(alpha, alpha_owner, alias="crash")
    with tenant_context(alpha):
        for _ in range(3):
            services.buffer_click(
                link_id=link.pk, ip="198.51.100.1", user_agent=CHROME, referrer=""
            )
        client = services._redis()
        buffer = services.buffer_key(services.BUFFER_KEY)
        processing = services.buffer_key(services.PROCESSING_KEY)
        # A worker moved two clicks and wrote one of them, then died before clearing the list.
        moved = [client.lmove(buffer, processing, "LEFT", "RIGHT") for _ in range(2)]
        services.record_clicks(events=[json.loads(moved[0])])
        assert services.flush_click_buffer() == 2
        assert services.flush_click_buffer() == 0
        link.refresh_from_db()
        assert link.click_count == 3 == Click.objects.filter(link=link).count()
        assert services.buffered_click_count() == 0


def test_first_click_into_an_empty_buffer_schedules_a_flush(alpha, alpha_owner, settings):
    """One flush message on the real broker for a burst of clicks, due 5 s later and carrying
    the tenant's schema (no worker consumes this run's queue during the test)."""
    import json

    from config.celery import app

    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    link = make_link(alpha, alpha_owner, alias="sched")
    with app.connection_for_write() as connection:
        broker = connection.default_channel.client
        broker.delete(queue)
        try:
            with tenant_context(alpha):
                for _ in range(3):
                    services.buffer_click(link_id=link.pk, ip="1.2.3.4", user_agent="", referrer="")
            messages = [json.loads(raw) for raw in broker.lrange(queue, 0, -1)]
        finally:
            broker.delete(queue)
    task = "tenant_apps.links.tasks.flush_clicks"
    [flush] = [m for m in messages if m["headers"]["task"] == task]
    assert flush["headers"]["eta"] is not None
    assert flush["headers"]["_schema_name"] == "alpha"


def test_qr_codes_come_as_png_and_svg(alpha, alpha_owner, as_user):
    link = make_link(alpha, alpha_owner, alias="qr")
    client = as_user(alpha_owner)
    png = client.get(f"/links/{link.pk}/qr.png")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    svg = client.get(f"/links/{link.pk}/qr.svg?download=1")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert "qr.svg" in svg["Content-Disposition"]
    assert client.get(f"/links/{link.pk}/qr.gif").status_code == 404


def test_clicks_export_as_csv(alpha, alpha_owner, as_user, client_for):
    link = make_link(alpha, alpha_owner, alias="csv")
    client_for(alpha).get("/csv", HTTP_USER_AGENT=CHROME)
    flush(alpha)
    response = as_user(alpha_owner).get(f"/links/{link.pk}/clicks.csv")
    body = response.content.decode()
    lines = body.strip().splitlines()
    assert lines[0].startswith("link,clicked_at,visitor") and lines[1].startswith("csv,")
    overall = as_user(alpha_owner).get("/links/analytics/clicks.csv")
    assert len(overall.content.decode().strip().splitlines()) == 2


def test_plan_limit_refuses_a_new_link(alpha, alpha_owner, as_user, on_plan):
    on_plan(alpha, short_links=1)
    make_link(alpha, alpha_owner)
    response = as_user(alpha_owner).post(
        "/links/new/", {"target_url": "https://example.org/2", "redirect_type": 302}
    )
    assert response.status_code == 200
    assert "plan allows 1" in str(response.context["form"].non_field_errors())


def test_link_list_query_count_stays_flat(
    alpha, alpha_owner, as_user, django_assert_max_num_queries
):
    for index in range(12):
        make_link(alpha, alpha_owner, alias=f"bulk{index}", tags=["a", "b"])
    client = as_user(alpha_owner)
    client.get("/links/")
    with django_assert_max_num_queries(12):
        response = client.get("/links/")
    assert response.status_code == 200 and b"/bulk11" in response.content


def test_empty_state_tells_a_new_tenant_what_to_do(alpha, alpha_owner, as_user):
    body = as_user(alpha_owner).get("/links/").content
    assert b"No short links yet" in body and b"Create your first short link" in body
    assert b"No bookmarks yet" in as_user(alpha_owner).get("/links/bookmarks/").content
    analytics = as_user(alpha_owner).get("/links/analytics/")
    assert analytics.status_code == 200 and b"<svg" in analytics.content
