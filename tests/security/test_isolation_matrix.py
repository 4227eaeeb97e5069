"""Every URL pattern and every API operation, tried by identities that must get nothing.

Nothing here lists endpoints or expected answers by hand: the URL patterns are walked from the
tenant URLconf and the API operations read from the OpenAPI schema, so a new page or endpoint is
covered the day it is added. For each, on alpha's host:
- nobody gets a server error, whatever identity and method;
- beta's member session (its cookie replayed on alpha's host) gets exactly what an anonymous
  visitor gets: a session belongs to one site;
- beta's API token is refused (401) on every API operation;
- an operation that needs authentication refuses anonymous visitors;
- an operation whose DRF permission requires a role above member refuses a plain member.
"""

import re
import uuid
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from tenant_apps.members.models import Role

SAMPLE = {
    "int": "1",
    "str": "sample",
    "slug": "sample",
    "path": "sample/1",
    "uuid": str(uuid.UUID(int=1)),
}
# Django's admin has its own permission model (staff flag) and is checked separately below.
SKIPPED_NAMESPACES = {"admin"}


@dataclass(frozen=True)
class Endpoint:
    path: str
    name: str
    namespace: str
    callback: object

    def __str__(self):
        return self.path


def _route_text(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return re.sub(
            r"<(?:(\w+):)?(\w+)>", lambda m: SAMPLE.get(m.group(1) or "str", "sample"), str(pattern)
        )
    if isinstance(pattern, RegexPattern):
        text = pattern.regex.pattern.lstrip("^").rstrip("$").replace("\\Z", "")
        text = re.sub(r"\(\?P<\w+>[^)]*\)", "sample", text)
        return text.replace("\\", "")
    return str(pattern)


def walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            if inner in SKIPPED_NAMESPACES:
                continue
            yield from walk(entry.url_patterns, prefix + _route_text(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield Endpoint(
                "/" + prefix + _route_text(entry.pattern),
                entry.name or "",
                namespace,
                entry.callback,
            )


TENANT_ENDPOINTS = sorted(set(walk(get_resolver("config.urls_tenant").url_patterns)), key=str)


@pytest.fixture
def identities(alpha, beta, client_for, owner_of, member_of):
    """Clients on alpha's host: anonymous, alpha member, alpha owner, and beta's identities."""
    from tenant_apps.members.services import create_api_token
    from tenants.context import tenant_context

    anonymous = client_for(alpha)
    member = client_for(alpha)
    member.force_login(member_of(alpha, email="plain@alpha.test", role=Role.MEMBER))
    owner = client_for(alpha)
    owner.force_login(owner_of(alpha))

    on_beta = client_for(beta)
    on_beta.force_login(owner_of(beta))
    beta_session = client_for(alpha)
    beta_session.cookies["sessionid"] = on_beta.cookies["sessionid"].value
    with tenant_context(beta):
        beta_key = create_api_token(user=owner_of(beta), name="matrix").key
    beta_token = client_for(alpha, HTTP_AUTHORIZATION=f"Token {beta_key}")
    return {
        "anonymous": anonymous,
        "member": member,
        "owner": owner,
        "beta_session": beta_session,
        "beta_token": beta_token,
    }


def outcome(response) -> tuple:
    """What a visitor can tell from a response: status, and where a redirect goes."""
    return response.status_code, response.get("Location", "")


@pytest.mark.parametrize("endpoint", TENANT_ENDPOINTS, ids=str)
def test_every_page_refuses_other_tenants_and_never_fails(endpoint, identities):
    results = {name: client.get(endpoint.path) for name, client in identities.items()}
    for name, response in results.items():
        assert response.status_code < 500, f"{name} got {response.status_code} on {endpoint}"
    assert outcome(results["beta_session"]) == outcome(results["anonymous"]), (
        f"beta's session is not treated as anonymous on {endpoint}"
    )


def api_operations():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator(urlconf="config.urls_tenant").get_schema(request=None, public=True)
    operations = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            needs_auth = {} not in operation.get("security", [{}])
            concrete = re.sub(r"\{[^}]+\}", "1", path)
            operations.append(
                pytest.param(method, concrete, needs_auth, id=f"{method.upper()} {path}")
            )
    return operations


def required_role(path: str) -> str | None:
    from django.urls import resolve

    match = resolve(path, urlconf="config.urls_tenant")
    view_class = getattr(match.func, "cls", None)
    roles = [
        getattr(permission, "at_least", None)
        for permission in getattr(view_class, "permission_classes", [])
    ]
    roles = [role for role in roles if role]
    return roles[0] if roles else None


@pytest.mark.parametrize(("method", "path", "needs_auth"), api_operations())
def test_every_api_operation_refuses_other_tenants_and_never_fails(
    method, path, needs_auth, identities
):
    def call(name):
        client = identities[name]
        return getattr(client, method)(
            path, data={} if method != "get" else None, content_type="application/json"
        )

    results = {name: call(name) for name in identities}
    for name, response in results.items():
        assert response.status_code < 500, f"{name} got {response.status_code} on {method} {path}"
        if response.status_code >= 400 and response["Content-Type"].startswith("application/json"):
            assert set(response.json()["error"]) >= {"code", "message", "fields"}
    assert results["beta_token"].status_code == 401, "beta's API token worked on alpha"
    assert outcome(results["beta_session"]) == outcome(results["anonymous"])
    if needs_auth:
        assert results["anonymous"].status_code in (401, 403)
    role = required_role(path)
    if role in (Role.ADMIN, Role.OWNER):
        assert results["member"].status_code == 403, f"a plain member reached {method} {path}"


def test_the_matrix_sees_the_platforms_endpoints():
    paths = {endpoint.path for endpoint in TENANT_ENDPOINTS}
    assert "/" in paths and "/api/v1/me/" in paths and "/settings/api-tokens/" in paths
    assert len(api_operations()) >= 4


def test_the_tenant_admin_is_for_staff_of_that_site_only(alpha, identities):
    assert identities["anonymous"].get("/admin/").status_code == 302
    assert identities["beta_session"].get("/admin/").status_code == 302
    assert identities["member"].get("/admin/").status_code == 302  # not staff: sent to log in
    assert identities["owner"].get("/admin/").status_code == 200
