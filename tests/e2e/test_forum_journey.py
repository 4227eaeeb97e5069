"""Browser journey: a member reads a forum thread while another member replies in a second
browser; the reply appears on the first page without a reload (WebSocket, the shared live
client, the Redis channel layer). Screenshots go to artifacts/e2e/forum/.

The shared `live_platform` server speaks WSGI only, so this journey serves the real ASGI
application (HTTP and /ws/live/) with daphne on loopback."""

import time
import uuid

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection, connections
from django.utils.module_loading import import_string

from tenants.context import tenant_context
from tests.e2e.conftest import VIEWPORTS, assert_accessible, screenshot


def _application():
    from config.asgi import application

    return application


@pytest.fixture
def asgi_server(django_db_setup, django_db_blocker, settings):
    """The ASGI application under daphne (as channels' live server test case runs it), in a
    forked process that inherits the test database and a channel-layer prefix of its own."""
    from daphne.testing import DaphneProcess

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [settings.REDIS_URL], "prefix": f"e2e-{uuid.uuid4().hex[:8]}"},
        }
    }
    with django_db_blocker.unblock():
        connections.close_all()  # the child must not share the parent's database sockets
        server = DaphneProcess("127.0.0.1", _application)
        server.start()
        assert server.ready.wait(20), "daphne did not start"
        port = server.port.value
        previous_port = settings.SITE_PORT
        settings.SITE_PORT = f":{port}"
        try:
            yield port
        finally:
            settings.SITE_PORT = previous_port
            server.terminate()
            server.join(10)
            connections.close_all()


@pytest.fixture
def forum_world(django_db_setup, django_db_blocker):
    """Two committed members of alpha with sessions, a category and a thread; all removed."""
    from allauth.account.models import EmailAddress

    from shared_apps.accounts.models import User
    from shared_apps.accounts.services import create_account
    from tenant_apps.console.models import AuditEntry
    from tenant_apps.forum import services
    from tenant_apps.forum.models import Category, Post, Profile, Thread
    from tenant_apps.members.models import Member
    from tenant_apps.notifications.models import Notification
    from tenants.models import Organization

    with django_db_blocker.unblock():
        alpha = Organization.objects.get(schema_name="alpha")
        sessions, users = {}, []
        with tenant_context(alpha):
            owner = User.objects.get(email="owner@alpha.test")
            for email, name in (
                ("e2e-reader@example.com", "Rita Reader"),
                ("e2e-writer@example.com", "Will Writer"),
            ):
                user = create_account(email=email, password=None, verified=True)
                user.name = name
                user.save(update_fields=["name"])
                Member.objects.create(user=user)
                store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
                store[SESSION_KEY] = str(user.pk)
                store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
                store[HASH_SESSION_KEY] = user.get_session_auth_hash()
                store.save()
                sessions[email] = store.session_key
                users.append(user)
            category = services.create_category(
                acting_user=owner, name=f"E2E {uuid.uuid4().hex[:6]}"
            )
            thread = services.create_thread(
                author=users[0],
                category=category,
                title="Live thread",
                body="Anyone riding on **Saturday**?",
                tags=["meetup"],
            )
        connection.set_schema_to_public()
    yield {"thread": thread, "sessions": sessions, "reader": users[0], "writer": users[1]}
    with django_db_blocker.unblock(), tenant_context(alpha):
        Post.objects.filter(thread__category=category).delete()
        Thread.objects.filter(category=category).delete()
        Category.objects.filter(pk=category.pk).delete()
        AuditEntry.objects.filter(action__startswith="forum.").delete()
        for user in users:
            Notification.objects.filter(recipient=user).delete()
            Profile.objects.filter(user=user).delete()
            EmailAddress.objects.filter(user=user).delete()
            import_string(f"{settings.SESSION_ENGINE}.SessionStore")(sessions[user.email]).delete()
            user.delete()
        connection.set_schema_to_public()


def _context(browser, session_key, *, bypass_csp=False):
    # bypass_csp lets axe-core be injected for the accessibility checks.
    context = browser.new_context(viewport=VIEWPORTS["desktop"], bypass_csp=bypass_csp)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session_key,
                "domain": f"alpha.{settings.BASE_DOMAIN}",
                "path": "/",
            }
        ]
    )
    return context


def test_a_reply_appears_live_on_another_members_open_thread(browser, asgi_server, forum_world):
    base = f"http://alpha.{settings.BASE_DOMAIN}:{asgi_server}"
    thread = forum_world["thread"]
    reading = _context(browser, forum_world["sessions"]["e2e-reader@example.com"])
    writing = _context(browser, forum_world["sessions"]["e2e-writer@example.com"])
    try:
        reader = reading.new_page()
        reader.set_default_timeout(15_000)
        reader.goto(f"{base}/forum/t/{thread.pk}/")
        reader.get_by_role("heading", name="Live thread").wait_for()
        reader.get_by_text("Anyone riding on").wait_for()
        # Give the live client a moment to open its socket and subscribe before replying.
        time.sleep(1.5)
        screenshot(reader, "forum", "1-thread-before")

        writer = writing.new_page()
        writer.set_default_timeout(15_000)
        writer.goto(f"{base}/forum/t/{thread.pk}/")
        writer.get_by_label("Your reply").fill("Count me in, @rita_reader! 🚲")
        screenshot(writer, "forum", "2-writing-a-reply")
        writer.get_by_role("button", name="Post reply").click()
        writer.get_by_text("Count me in").first.wait_for()

        # No reload on the reader's page: the reply arrives through the WebSocket.
        reader.get_by_text("Count me in").wait_for(timeout=10_000)
        assert reader.locator("article.forum-post").count() == 2
        screenshot(reader, "forum", "3-reply-arrived-live")
    finally:
        reading.close()
        writing.close()


def test_main_forum_pages_have_no_serious_accessibility_violations(
    browser, asgi_server, forum_world
):
    base = f"http://alpha.{settings.BASE_DOMAIN}:{asgi_server}"
    thread = forum_world["thread"]
    context = _context(browser, forum_world["sessions"]["e2e-reader@example.com"], bypass_csp=True)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        for path in (
            "/forum/",
            f"/forum/t/{thread.pk}/",
            "/forum/search/?q=riding",
            "/forum/tags/",
        ):
            response = page.goto(f"{base}{path}")
            assert response.status == 200, path
            assert_accessible(page)
    finally:
        context.close()
