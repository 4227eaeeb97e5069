"""Demo organizations for `make run`. Running it again reuses what exists."""

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction

from core.demo import run_demo_data
from shared_apps.accounts.services import find_account
from shared_apps.signup.services import sign_up_organization
from tenants.context import organization_url, tenant_context
from tenants.models import Organization
from tenants.services import delete_organization_now

DEMO_PASSWORD = "demo-pass-2026"
DEMO_ORGANIZATIONS = [
    ("Acme Climbing Club", "acme", "owner@acme.example"),
    ("Globex Makers", "globex", "owner@globex.example"),
]


class Command(BaseCommand):
    help = "Create the demo organizations acme and globex (idempotent) and print how to log in."

    def handle(self, *args, **options):
        for name, subdomain, email in DEMO_ORGANIZATIONS:
            organization = Organization.objects.filter(schema_name=subdomain).first()
            if organization is None:
                organization = sign_up_organization(
                    name=name, subdomain=subdomain, owner_email=email, owner_password=DEMO_PASSWORD
                ).organization
                try:
                    # Demo owners may log in with their password straight away.
                    EmailAddress.objects.filter(email=email).update(verified=True)
                    # tenant_context, not schema_context: the apps' seeders ask for the current
                    # organization (its features, plan, currency).
                    with tenant_context(organization), transaction.atomic():
                        EmailAddress.objects.filter(email=email).update(verified=True)
                        run_demo_data(organization=organization, owner=find_account(email))
                except BaseException:
                    # A demo site without its data would be reused as it is by the next run:
                    # remove it so that the next run makes it again, whole.
                    delete_organization_now(organization=organization)
                    raise
            self.stdout.write(
                f"  {organization.name}: {organization_url(organization)}  "
                f"owner {email} / {DEMO_PASSWORD}"
            )
