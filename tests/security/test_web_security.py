"""Web security promises that a quick request can check."""

import pytest
from django.test import Client, override_settings

from tests.conftest import PASSWORD


def test_pages_carry_a_strict_content_security_policy(alpha, client_for, public_client):
    for response in (client_for(alpha).get("/"), public_client.get("/signup/")):
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'self'" in policy  # scripts from our own origin only
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_no_page_has_an_inline_script_or_style(alpha, client_for, public_client):
    import re

    pages = [public_client.get(path) for path in ("/", "/signup/", "/accounts/login/")]
    pages += [
        client_for(alpha).get(path) for path in ("/", "/accounts/login/", "/accounts/signup/")
    ]
    for response in pages:
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), response.request["PATH_INFO"]
        assert " style=" not in html and "<style" not in html


def test_forms_refuse_posts_without_the_csrf_token(alpha):
    client = Client(HTTP_HOST="alpha.example.test", enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": "owner@alpha.test", "password": PASSWORD})
    assert response.status_code == 403
    public = Client(HTTP_HOST="example.test", enforce_csrf_checks=True)
    assert public.post("/signup/", {"name": "X"}).status_code == 403


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "3/m/ip"})
def test_repeated_failed_logins_are_rate_limited(alpha, client_for):
    client = client_for(alpha)
    attempts = [
        client.post("/accounts/login/", {"login": "owner@alpha.test", "password": "wrong"})
        for _ in range(5)
    ]
    assert all(b"Too many failed login attempts" not in r.content for r in attempts[:3])
    assert all(b"Too many failed login attempts" in r.content for r in attempts[3:])
    # Even the right password is refused until the limit lapses.
    right = client.post("/accounts/login/", {"login": "owner@alpha.test", "password": PASSWORD})
    assert b"Too many failed login attempts" in right.content


def test_production_cookies_are_secure_and_host_only():
    from config.settings import production

    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.SESSION_COOKIE_HTTPONLY
    assert production.SESSION_COOKIE_DOMAIN is None and production.CSRF_COOKIE_DOMAIN is None
    assert production.SECURE_HSTS_SECONDS >= 31536000
    assert production.DEBUG is False


@pytest.mark.parametrize(
    "host", ["alpha.example.test\r\nX-Injected: 1", "alpha.example.test/../beta", "", "[::1]"]
)
def test_malformed_host_headers_never_reach_a_tenant(db, host):
    response = Client(HTTP_HOST=host).get("/")
    assert response.status_code in (400, 404)
