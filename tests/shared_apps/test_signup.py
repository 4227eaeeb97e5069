from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from shared_apps.accounts.models import User
from tenant_apps.members.models import Member, Role
from tenants.context import tenant_context
from tenants.models import Domain, Organization
from tenants.provisioning import _initializers, tenant_initializer
from tests.conftest import PASSWORD, run_in_threads


def schema_exists(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cursor.fetchone() is not None


def signup_data(**overrides):
    data = {
        "name": "Test Co",
        "subdomain": "testco",
        "owner_email": "founder@testco.example",
        "owner_password": PASSWORD,
    }
    data.update(overrides)
    return data


def test_landing_page_explains_the_product(public_client):
    response = public_client.get("/")
    assert response.status_code == 200
    assert b"Your community, on its own site" in response.content
    assert b"/signup/" in response.content


def test_signup_creates_everything_and_lands_owner_logged_in(db, public_client):
    response = public_client.post("/signup/", signup_data())

    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.hostname == f"testco.{settings.BASE_DOMAIN}"
    organization = Organization.objects.get(schema_name="testco")
    assert organization.name == "Test Co"
    assert organization.owner.email == "founder@testco.example"
    assert Domain.objects.get(tenant=organization).domain == f"testco.{settings.BASE_DOMAIN}"
    assert schema_exists("testco")
    with tenant_context(organization):
        owner = User.objects.get(email="founder@testco.example")
        assert Member.objects.get(user=owner).role == Role.OWNER
        assert owner.check_password(PASSWORD)

    site = Client(HTTP_HOST=target.hostname)
    landed = site.get(f"{target.path}?{target.query}", follow=True)
    assert landed.status_code == 200
    assert landed.context["user"].email == "founder@testco.example"
    assert site.get("/api/v1/me/").json()["role"] == "owner"


def test_login_link_works_once(db, public_client):
    response = public_client.post("/signup/", signup_data())
    target = urlsplit(response["Location"])
    first, second = Client(HTTP_HOST=target.hostname), Client(HTTP_HOST=target.hostname)
    assert first.get(f"{target.path}?{target.query}").status_code == 302
    replay = second.get(f"{target.path}?{target.query}")
    assert replay.status_code == 400
    assert b"expired" in replay.content
    assert second.get("/api/v1/me/").status_code in (401, 403)


def test_login_link_of_one_site_does_not_work_on_another(db, public_client, beta):
    response = public_client.post("/signup/", signup_data())
    target = urlsplit(response["Location"])
    other = Client(HTTP_HOST=f"beta.{settings.BASE_DOMAIN}")
    assert other.get(f"{target.path}?{target.query}").status_code == 400


def test_a_tampered_login_link_is_refused(db, public_client):
    response = public_client.post("/signup/", signup_data())
    target = urlsplit(response["Location"])
    site = Client(HTTP_HOST=target.hostname)
    assert site.get(f"{target.path}?{target.query[:-2]}xx").status_code == 400


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("subdomain", "ab", "Use at least 3 characters."),
        ("subdomain", "www", "That subdomain is reserved. Please choose another."),
        ("subdomain", "alpha", "That subdomain is already taken. Please choose another."),
        ("subdomain", "bad_name", "Use only lowercase letters, digits and hyphens."),
        ("owner_email", "not-an-email", "Enter a valid email address."),
        (
            "owner_password",
            "short",
            "This password is too short. It must contain at least 8 characters.",
        ),
        ("name", "", "This field is required."),
    ],
)
def test_signup_form_explains_each_bad_input_and_creates_nothing(
    db, public_client, field, value, message
):
    before = Organization.objects.count(), User.objects.count()
    response = public_client.post("/signup/", signup_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert (Organization.objects.count(), User.objects.count()) == before


def test_uppercase_subdomain_is_lowered(db, public_client):
    response = public_client.post("/signup/", signup_data(subdomain="TestCo"))
    assert response.status_code == 302
    assert Organization.objects.filter(schema_name="testco").exists()


def test_an_existing_public_account_needs_its_password(db, public_client):
    public_client.post("/signup/", signup_data())
    response = public_client.post(
        "/signup/", signup_data(subdomain="second", owner_password="Wrong-Passphrase-1")
    )
    assert response.status_code == 200
    assert "already exists" in response.context["form"].errors["owner_password"][0]
    ok = public_client.post("/signup/", signup_data(subdomain="second"))
    assert ok.status_code == 302
    assert Organization.objects.get(schema_name="second").owner.email == "founder@testco.example"


def test_htmx_signup_redirects_the_browser_to_the_new_host(db, public_client):
    response = public_client.post("/signup/", signup_data(), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert urlsplit(response["HX-Redirect"]).hostname == f"testco.{settings.BASE_DOMAIN}"


def test_live_availability_check(db, public_client, alpha):
    taken = public_client.get("/signup/check-subdomain/", {"subdomain": "Alpha"})
    assert b"already taken" in taken.content
    free = public_client.get("/signup/check-subdomain/", {"subdomain": "fresh-name"})
    assert f"fresh-name.{settings.BASE_DOMAIN} is available".encode() in free.content
    api = public_client.get("/api/v1/subdomains/check/", {"subdomain": "x"})
    assert api.json() == {
        "subdomain": "x",
        "host": f"x.{settings.BASE_DOMAIN}",
        "available": False,
        "message": "Use at least 3 characters.",
    }


def test_a_failure_at_any_step_leaves_nothing_behind(db, public_client):
    @tenant_initializer
    def explode(**kwargs):
        raise RuntimeError("disk full")

    try:
        with pytest.raises(RuntimeError):
            public_client.post("/signup/", signup_data())
    finally:
        _initializers.remove(explode)
    assert not Organization.objects.filter(schema_name="testco").exists()
    assert not Domain.objects.filter(domain__startswith="testco.").exists()
    assert not User.objects.filter(email="founder@testco.example").exists()
    assert not schema_exists("testco")


def test_two_signups_racing_for_one_subdomain_make_one_organization(committed):
    from django.core.exceptions import ValidationError

    from shared_apps.signup.services import sign_up_organization

    committed["subdomains"].add("racing")
    committed["emails"].update({"one@race.example", "two@race.example"})

    def attempt(email):
        return lambda: sign_up_organization(
            name="Race", subdomain="racing", owner_email=email, owner_password=PASSWORD
        )

    results = run_in_threads([attempt("one@race.example"), attempt("two@race.example")])

    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, ValidationError)
    assert error.message_dict == {
        "subdomain": ["That subdomain is already taken. Please choose another."]
    }
    winner = next(value for kind, value in results if kind == "ok").organization
    assert Organization.objects.filter(schema_name="racing").count() == 1
    assert Domain.objects.filter(tenant__schema_name="racing").count() == 1
    loser_email = ({"one@race.example", "two@race.example"} - {winner.owner.email}).pop()
    assert not User.objects.filter(email=loser_email).exists()
