import pytest
from django.core.management import call_command

from tenant_apps.members.models import ApiToken, Role
from tenants.context import tenant_context


@pytest.fixture
def alpha_owner_client(alpha, client_for, owner_of):
    client = client_for(alpha)
    client.force_login(owner_of(alpha))
    return client


def test_member_creates_a_token_on_the_settings_page_and_it_authenticates(
    alpha, alpha_owner_client, client_for
):
    response = alpha_owner_client.post("/settings/api-tokens/", {"name": "backup script"})
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key and key.encode() in response.content
    with tenant_context(alpha):
        token = ApiToken.objects.get(name="backup script")
        assert token.key_hash != key and key not in token.key_hash

    api = client_for(alpha, HTTP_AUTHORIZATION=f"Token {key}")
    me = api.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["email"] == "owner@alpha.test"
    assert me.json()["role"] == Role.OWNER


def test_a_revoked_token_stops_working(alpha, alpha_owner_client, client_for):
    created = alpha_owner_client.post(
        "/api/v1/tokens/", {"name": "ci"}, content_type="application/json"
    )
    assert created.status_code == 201
    key, token_id = created.json()["key"], created.json()["token"]["id"]
    api = client_for(alpha, HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/me/").status_code == 200
    assert alpha_owner_client.post(f"/settings/api-tokens/{token_id}/revoke/").status_code == 302
    refused = api.get("/api/v1/me/")
    assert refused.status_code == 401
    assert refused.json()["error"]["message"] == "Invalid or revoked token."


def test_a_token_of_one_tenant_does_not_work_on_another(
    alpha, beta, alpha_owner_client, client_for
):
    key = alpha_owner_client.post(
        "/api/v1/tokens/", {"name": "x"}, content_type="application/json"
    ).json()["key"]
    on_beta = client_for(beta, HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/me/")
    assert on_beta.status_code == 401
    on_public = client_for(alpha, HTTP_AUTHORIZATION=f"Token {key}")
    on_public.defaults["HTTP_HOST"] = "example.test"
    assert on_public.get("/api/v1/subdomains/check/", {"subdomain": "abc"}).status_code == 401


def test_bad_input_gets_a_400_naming_the_field(alpha_owner_client):
    response = alpha_owner_client.post(
        "/api/v1/tokens/", {"name": ""}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == "invalid"
    assert "name" in body["error"]["fields"]
    too_long = alpha_owner_client.post(
        "/api/v1/tokens/", {"name": "x" * 101}, content_type="application/json"
    )
    assert too_long.status_code == 400 and "name" in too_long.json()["error"]["fields"]
    malformed = alpha_owner_client.post(
        "/api/v1/tokens/", "{not json", content_type="application/json"
    )
    assert malformed.status_code == 400
    assert malformed.json()["error"]["code"] == "parse_error"


def test_members_list_only_their_own_tokens(alpha, alpha_owner_client, client_for, member_of):
    alpha_owner_client.post("/api/v1/tokens/", {"name": "owner's"}, content_type="application/json")
    member = member_of(alpha, email="someone@alpha.test")
    client = client_for(alpha)
    client.force_login(member)
    listing = client.get("/api/v1/tokens/").json()
    assert listing["count"] == 0 and listing["results"] == []


def test_anonymous_api_requests_are_refused_with_the_error_shape(alpha, client_for):
    response = client_for(alpha).get("/api/v1/tokens/")
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "not_authenticated"


def test_the_openapi_schema_and_docs_are_served_on_both_hosts(alpha, client_for, public_client):
    schema = client_for(alpha).get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/me/" in paths and "/api/v1/tokens/" in paths
    assert "/api/v1/subdomains/check/" not in paths
    public_schema = public_client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/subdomains/check/" in public_schema["paths"]
    assert "/api/v1/me/" not in public_schema["paths"]
    docs = client_for(alpha).get("/api/v1/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


def test_create_api_token_command_prints_a_working_token(alpha, client_for, capsys):
    call_command("create_api_token", subdomain="alpha", email="owner@alpha.test")
    key = capsys.readouterr().out.strip()
    assert (
        client_for(alpha, HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/me/").status_code == 200
    )


def test_create_api_token_command_refuses_unknown_users(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a user of alpha"):
        call_command("create_api_token", subdomain="alpha", email="owner@beta.test")
    with pytest.raises(CommandError, match="No organization"):
        call_command("create_api_token", subdomain="nobody", email="x@y.z")
