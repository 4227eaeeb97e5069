"""Every URL pattern and every API operation, tried by identities that must get nothing.

Nothing here lists endpoints or expected answers by hand: the URL patterns are walked from the
tenant URLconf and the API operations read from the OpenAPI schema, so a new page or endpoint is
covered the day it is added. For each, on alpha's host:
- nobody gets a server error, whatever identity and method;
- beta's member session (its cookie replayed on alpha's host) gets exactly what an anonymous
  visitor gets: a session belongs to one site;
- beta's API token is refused (401) on every API operation;
- an operation that needs authentication refuses anonymous visitors;
- an operation whose DRF permission requires a role above member refuses a plain member;
- a page whose view demands a role (`role_required`, read from the decorator) sends anonymous
  visitors and beta's session to log in, and refuses a plain member when the role is above
  member.
"""

import pytest

from tenant_apps.members.models import Role
from tests.security.endpoints import (
    TENANT_ENDPOINTS,
    api_operations,
    outcome,
    required_page_role,
    required_role,
)

ROLE_PAGES = [e for e in TENANT_ENDPOINTS if required_page_role(e.callback)]


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


@pytest.mark.parametrize("endpoint", TENANT_ENDPOINTS, ids=str)
def test_every_page_refuses_other_tenants_and_never_fails(endpoint, identities):
    results = {name: client.get(endpoint.path) for name, client in identities.items()}
    for name, response in results.items():
        assert response.status_code < 500, f"{name} got {response.status_code} on {endpoint}"
    assert outcome(results["beta_session"]) == outcome(results["anonymous"]), (
        f"beta's session is not treated as anonymous on {endpoint}"
    )


@pytest.mark.parametrize("endpoint", ROLE_PAGES, ids=str)
def test_every_page_that_demands_a_role_refuses_those_below_it(endpoint, identities):
    role = required_page_role(endpoint.callback)

    def call(name):
        response = identities[name].get(endpoint.path)
        if response.status_code == 405:  # a POST-only action: the role check comes first
            response = identities[name].post(endpoint.path)
        return response

    for name in ("anonymous", "beta_session"):
        response = call(name)
        assert response.status_code == 302, f"{name} got {response.status_code} on {endpoint}"
        assert "/accounts/login/" in response["Location"], (name, endpoint)
    if role != Role.MEMBER:
        member = call("member")
        assert member.status_code == 403, f"a plain member got {member.status_code} on {endpoint}"


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
    assert {required_page_role(e.callback) for e in ROLE_PAGES} >= {Role.MEMBER, Role.ADMIN}


def test_the_tenant_admin_is_for_staff_of_that_site_only(alpha, identities):
    assert identities["anonymous"].get("/admin/").status_code == 302
    assert identities["beta_session"].get("/admin/").status_code == 302
    assert identities["member"].get("/admin/").status_code == 302  # not staff: sent to log in
    assert identities["owner"].get("/admin/").status_code == 200
