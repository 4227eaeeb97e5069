"""The live bell in a real browser: Debian's chromium (as in tests/e2e) against the ASGI
application served by daphne on loopback, with the Redis channel layer. Proves live.js
connects under the site's CSP, subscribes, and swaps the bell when notify() runs."""

import socket as sockets
import threading
import uuid
from pathlib import Path

import pytest
from asgiref.sync import SyncToAsync
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection, connections
from django.utils.module_loading import import_string

from tenants.context import tenant_context

CHROMIUM = "/usr/bin/chromium"


def _free_port() -> int:
    with sockets.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def asgi_server(django_db_setup, committed, settings):
    """Daphne (the server `make run` uses) in a thread. Each request's and socket's database
    work runs in short-lived threads, so connections are not kept (CONN_MAX_AGE 0): otherwise
    they would outlive the test and keep the test database from being dropped."""
    from daphne.server import Server
    from twisted.internet import reactor

    from config.asgi import application

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [settings.REDIS_URL], "prefix": f"test-{uuid.uuid4().hex[:8]}"},
        }
    }
    previous_max_age = connections.settings["default"]["CONN_MAX_AGE"]
    connections.settings["default"]["CONN_MAX_AGE"] = 0
    port = _free_port()
    ready = threading.Event()
    server = Server(
        application,
        endpoints=[f"tcp:port={port}:interface=127.0.0.1"],
        signal_handlers=False,
        verbosity=0,
        ready_callable=ready.set,
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    assert ready.wait(15), "daphne did not start"
    try:
        yield port
    finally:
        reactor.callFromThread(reactor.stop)
        thread.join(10)
        connections.settings["default"]["CONN_MAX_AGE"] = previous_max_age
        SyncToAsync.single_thread_executor.submit(connections.close_all).result()


@pytest.fixture
def alpha_user_session(django_db_setup, committed):
    from allauth.account.models import EmailAddress

    from shared_apps.accounts.services import create_account
    from tenant_apps.members.models import Member
    from tenants.models import Organization

    alpha = Organization.objects.get(schema_name="alpha")
    session_store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    with tenant_context(alpha):
        user = create_account(email="browser-bell@example.com", password="Sturdy-Pass-42")
        Member.objects.create(user=user)
        store = session_store()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
    connection.set_schema_to_public()
    yield alpha, user, store.session_key
    with tenant_context(alpha):
        session_store(store.session_key).delete()
        EmailAddress.objects.filter(user=user).delete()
        user.delete()
    connection.set_schema_to_public()


def _in_thread(function):
    """Run Django code outside Playwright's event loop thread, on its own connection."""
    errors = []

    def run():
        try:
            function()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    if errors:
        raise errors[0]


def test_bell_updates_live_in_the_browser(asgi_server, alpha_user_session):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package.")
    from playwright.sync_api import expect, sync_playwright

    from tenant_apps.notifications import services

    alpha, user, session_key = alpha_user_session
    host = f"alpha.{settings.BASE_DOMAIN}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                f"--host-resolver-rules=MAP *.{settings.BASE_DOMAIN} 127.0.0.1",
            ],
        )
        try:
            context = browser.new_context()
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": session_key,
                        "domain": host,
                        "path": "/",
                    }
                ]
            )
            page = context.new_page()
            page.set_default_timeout(15_000)
            csp_errors = []
            page.on(
                "console",
                lambda m: csp_errors.append(m.text) if "Content Security" in m.text else None,
            )
            with page.expect_websocket() as socket_info:
                page.goto(f"http://{host}:{asgi_server}/notifications/")
            websocket = socket_info.value
            websocket.wait_for_event(
                "framereceived", predicate=lambda frame: '"subscribed"' in str(frame)
            )
            expect(page.locator("#notification-bell .badge")).to_have_count(0)

            def send():
                with tenant_context(alpha):
                    services.notify(
                        recipients=[user],
                        kind="tests.reply",
                        title="Live in the browser",
                        email=False,
                    )

            _in_thread(send)
            expect(page.locator("#notification-bell .badge")).to_have_text("1")
            expect(page.locator("#notification-list")).to_contain_text("Live in the browser")
            assert csp_errors == []
        finally:
            browser.close()
