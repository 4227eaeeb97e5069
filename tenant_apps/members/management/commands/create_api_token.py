from django.core.management.base import BaseCommand, CommandError

from shared_apps.accounts.services import find_account
from tenant_apps.members import services
from tenants.context import tenant_context
from tenants.models import Organization


class Command(BaseCommand):
    help = "Print a new API token for a user of one organization's site."

    def add_arguments(self, parser):
        parser.add_argument("--subdomain", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="command line")

    def handle(self, *args, subdomain, email, name, **options):
        organization = Organization.objects.filter(schema_name=subdomain.lower()).first()
        if organization is None or organization.schema_name == "public":
            raise CommandError(f"No organization with the subdomain {subdomain!r}.")
        with tenant_context(organization):
            user = find_account(email)
            if user is None:
                raise CommandError(f"{email} is not a user of {subdomain}.")
            issued = services.create_api_token(user=user, name=name)
        self.stdout.write(issued.key)
