"""Platform staff: create a new organization from a console export zip."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenant_apps.console.export import import_into
from tenants.services import provision_organization


class Command(BaseCommand):
    help = "Create a new organization (no owner of its own) and load a console export zip into it."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--name", required=True)
        parser.add_argument("--subdomain", required=True)

    def handle(self, *args, archive, name, subdomain, **options):
        try:
            organization = provision_organization(name=name, subdomain=subdomain, owner=None)
            with open(archive, "rb") as handle:
                counts = import_into(organization=organization, archive_file=handle)
        except (ValidationError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Imported into {organization.schema_name}: {counts}")
