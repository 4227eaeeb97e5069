"""`make run`'s demo organizations: every app's demo data loads, and a second run reuses them."""

from io import StringIO

from django.core.management import call_command
from django.test import Client

from shared_apps.accounts.services import find_account
from shared_apps.signup.management.commands.seed_demo import DEMO_ORGANIZATIONS, DEMO_PASSWORD
from tenants.context import tenant_context
from tenants.models import Organization


def test_seed_demo_makes_both_demo_sites_with_data_and_a_second_run_reuses_them(committed):
    committed["subdomains"].update(subdomain for _, subdomain, _ in DEMO_ORGANIZATIONS)
    committed["emails"].update(email for _, _, email in DEMO_ORGANIZATIONS)

    out = StringIO()
    call_command("seed_demo", stdout=out)
    first_ids = set(
        Organization.objects.filter(schema_name__in=["acme", "globex"]).values_list("pk", flat=True)
    )
    assert len(first_ids) == 2
    assert f"owner owner@acme.example / {DEMO_PASSWORD}" in out.getvalue()

    call_command("seed_demo", stdout=StringIO())
    assert (
        set(
            Organization.objects.filter(schema_name__in=["acme", "globex"]).values_list(
                "pk", flat=True
            )
        )
        == first_ids
    )

    acme = Organization.objects.get(schema_name="acme")
    with tenant_context(acme):
        owner = find_account("owner@acme.example")
        assert owner.check_password(DEMO_PASSWORD)
    client = Client(HTTP_HOST="acme.example.test")
    with tenant_context(acme):
        client.force_login(owner)
    home = client.get("/")
    assert home.status_code == 200
    assert b"Acme Climbing Club" in home.content
    # Each app that has demo data shows it: its page answers and is not the empty state.
    for path in ("/recipes/", "/links/"):
        response = client.get(path)
        assert response.status_code == 200, path
