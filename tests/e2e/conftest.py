"""Browser tests: Playwright driving Debian's chromium (installed by `make test`, never a
downloaded browser) against the platform served by a real HTTP server thread on loopback.

The server reads committed data only, so these tests do not run in a rolled-back transaction;
what they create is removed by the `committed` fixture or by the test itself. Screenshots of
every journey (desktop and phone) go to artifacts/e2e/.
"""

import os
import re
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.db import connections

# Playwright's sync API runs an event loop in the test's thread; the test's own database calls
# (fixtures, clean-up) are still plain synchronous code, as Django's docs advise for browsers.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "e2e"
CHROMIUM = "/usr/bin/chromium"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class ServerThread(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.ready = threading.Event()

    def run(self):
        self.httpd = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
        self.httpd.daemon_threads = True
        self.httpd.set_app(WSGIHandler())
        self.port = self.httpd.server_address[1]
        self.ready.set()
        self.httpd.serve_forever(poll_interval=0.1)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def live_platform(django_db_setup, django_db_blocker):
    """The platform on http://<host>.example.test:<port>/, hosts mapped to loopback."""
    with django_db_blocker.unblock():
        server = ServerThread()
        server.start()
        server.ready.wait(10)
        previous_port = settings.SITE_PORT
        settings.SITE_PORT = f":{server.port}"  # links between hosts carry the port
        try:
            yield server
        finally:
            settings.SITE_PORT = previous_port
            server.stop()
            connections.close_all()


@pytest.fixture(scope="module")
def browser():
    # Module scope, not session: the sync API keeps an asyncio loop running in this thread for
    # as long as Playwright is open, and later tests that run their own loop (the WebSocket
    # tests' async_to_sync, asyncio.run) would find it and fail.
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--host-resolver-rules=MAP {settings.BASE_DOMAIN} 127.0.0.1, "
                f"MAP *.{settings.BASE_DOMAIN} 127.0.0.1",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # bypass_csp lets axe-core be injected for the accessibility checks; the pages' own CSP is
    # tested separately.
    context = browser.new_context(viewport=VIEWPORTS["desktop"], bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def url(live_platform):
    """url("alpha", "/path") -> http://alpha.example.test:<port>/path; url(None, ...) is public."""

    def make(subdomain: str | None, path: str = "/") -> str:
        host = settings.BASE_DOMAIN if subdomain is None else f"{subdomain}.{settings.BASE_DOMAIN}"
        return f"http://{host}:{live_platform.port}{path}"

    return make


def screenshot(page, journey: str, step: str) -> None:
    """Save the page at desktop and phone sizes under artifacts/e2e/<journey>/."""
    folder = SCREENSHOTS / journey
    folder.mkdir(parents=True, exist_ok=True)
    for name, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        page.screenshot(path=str(folder / f"{step}-{name}.png"), full_page=True)
    page.set_viewport_size(VIEWPORTS["desktop"])


def assert_accessible(page) -> None:
    """No serious or critical axe-core violations on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in bad
    )


def link_in_last_email(pattern: str) -> str:
    from django.core import mail

    assert mail.outbox, "no email was sent"
    match = re.search(pattern, mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0)
