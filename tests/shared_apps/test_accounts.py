import re

from django.core import mail
from django.test import Client

from tests.conftest import PASSWORD


def login(client, email, password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_session_cookies_are_host_only(alpha, client_for, member_of):
    member_of(alpha, email="pat@alpha.test")
    client = client_for(alpha)
    response = login(client, "pat@alpha.test")
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["domain"] == ""  # no Domain attribute: the browser sends it to this host only
    assert cookie["httponly"]


def test_a_session_of_one_host_never_authenticates_on_another(alpha, beta, client_for, member_of):
    member_of(alpha, email="pat@alpha.test")
    member_of(beta, email="pat@alpha.test")  # same person, separate account on beta
    on_alpha = client_for(alpha)
    login(on_alpha, "pat@alpha.test")
    assert on_alpha.get("/api/v1/me/").status_code == 200

    stolen = client_for(beta)
    stolen.cookies["sessionid"] = on_alpha.cookies["sessionid"].value
    assert stolen.get("/api/v1/me/").status_code in (401, 403)
    public = Client(HTTP_HOST="example.test")
    public.cookies["sessionid"] = on_alpha.cookies["sessionid"].value
    assert public.get("/accounts/email/").status_code == 302  # sent to log in


def test_tenant_users_exist_only_in_their_own_schema(alpha, beta, client_for, member_of):
    member_of(alpha, email="only-alpha@example.com")
    response = login(client_for(beta), "only-alpha@example.com")
    assert response.status_code == 200  # the form again, with an error
    assert response.context["form"].errors


def test_visitor_joins_a_tenant_site_and_verifies_email(alpha, client_for):
    client = client_for(alpha)
    response = client.post(
        "/accounts/signup/",
        {"email": "newbie@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["newbie@example.com"]
    link = re.search(r"http://alpha\.example\.test(/accounts/confirm-email/[^\s]+)", message.body)
    assert link, message.body
    confirm = client.post(link.group(1))
    assert confirm.status_code == 302
    me = client.get("/api/v1/me/").json()
    assert me["email"] == "newbie@example.com" and me["role"] == "member"


def test_public_site_has_no_account_signup_only_organization_signup(db, public_client):
    response = public_client.get("/accounts/signup/")
    assert b"Sign Up Closed" in response.content or response.status_code in (302, 403, 404)


def test_password_reset_email_links_to_the_same_host(alpha, client_for, member_of):
    member_of(alpha, email="forgetful@example.com")
    response = client_for(alpha).post(
        "/accounts/password/reset/", {"email": "forgetful@example.com"}
    )
    assert response.status_code == 302
    assert "http://alpha.example.test/accounts/password/reset/key/" in mail.outbox[0].body


def test_two_factor_setup_page_is_available_to_members(alpha, client_for, member_of):
    member_of(alpha, email="secure@example.com")
    client = client_for(alpha)
    login(client, "secure@example.com")
    asks_again = client.get("/accounts/2fa/totp/activate/")
    assert asks_again.status_code == 302  # allauth confirms the password before 2FA changes
    assert asks_again["Location"].startswith("/accounts/reauthenticate/")
    client.post(asks_again["Location"], {"password": PASSWORD})
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 200
    assert b"otpauth" in response.content or b"authenticator" in response.content.lower()


def test_tenant_admin_shows_only_tenant_models_and_public_admin_shows_organizations(
    alpha, client_for, owner_of, db
):
    client = client_for(alpha)
    client.force_login(owner_of(alpha))
    tenant_admin = client.get("/admin/")
    assert tenant_admin.status_code == 200
    assert b"Organizations" not in tenant_admin.content
    assert client.get("/admin/tenants/organization/").status_code == 404

    from shared_apps.accounts.models import User

    staff = User.objects.create_superuser(email="staff@platform.test", password=PASSWORD)
    public = Client(HTTP_HOST="example.test")
    public.force_login(staff)
    page = public.get("/admin/tenants/organization/")
    assert page.status_code == 200
    assert b"Alpha Club" in page.content and b"Beta Guild" in page.content


def test_deleting_a_tenant_user_never_touches_public_rows_with_the_same_id(alpha, beta):
    """User ids of a tenant schema and of the public schema are unrelated: removing a site's
    member whose id equals a public owner's id must neither be blocked by nor affect that
    owner's organization."""
    from shared_apps.accounts.models import User
    from tenants.context import tenant_context
    from tenants.models import Organization

    public_owner_id = beta.owner_id
    with tenant_context(alpha):
        clash = User.objects.filter(pk=public_owner_id).first() or User.objects.create(
            pk=public_owner_id, email="same-id@example.com"
        )
        clash.delete()
        assert not User.objects.filter(pk=public_owner_id).exists()
    assert Organization.objects.get(pk=beta.pk).owner_id == public_owner_id
    assert User.objects.filter(pk=public_owner_id).exists()


def test_public_accounts_cannot_be_deleted_from_the_platform_admin(db, public_client):
    from shared_apps.accounts.models import User

    staff = User.objects.create_superuser(email="staff2@platform.test", password=PASSWORD)
    public_client.force_login(staff)
    owner = User.objects.get(email="owner@alpha.test")
    response = public_client.get(f"/admin/accounts/user/{owner.pk}/delete/")
    assert response.status_code == 403
