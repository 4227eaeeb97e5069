"""Platform staff: bring a deleted organization back during its grace period."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants import lifecycle
from tenants.models import Organization


class Command(BaseCommand):
    help = "Restore an organization its owner deleted, from the dump kept for the grace period."

    def add_arguments(self, parser):
        parser.add_argument("--subdomain", required=True)

    def handle(self, *args, subdomain, **options):
        organization = Organization.objects.filter(schema_name=subdomain).first()
        if organization is None:
            raise CommandError(f"No organization {subdomain!r} (already removed for good?).")
        try:
            lifecycle.restore_organization(organization=organization)
        except (ValidationError, RuntimeError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored {subdomain}: it is {organization.status} again.")
