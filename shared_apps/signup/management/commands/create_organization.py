from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from shared_apps.signup.services import sign_up_organization


class Command(BaseCommand):
    help = "Create an organization with its site and owner, as signup does."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--subdomain", required=True)
        parser.add_argument("--owner-email", required=True)
        parser.add_argument("--owner-password", required=True)

    def handle(self, *args, name, subdomain, owner_email, owner_password, **options):
        try:
            result = sign_up_organization(
                name=name,
                subdomain=subdomain,
                owner_email=owner_email,
                owner_password=owner_password,
            )
        except ValidationError as error:
            lines = [f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items()]
            raise CommandError("\n".join(lines)) from None
        org = result.organization
        self.stdout.write(
            self.style.SUCCESS(f"Created {org.name} ({org.schema_name}) by {org.provisioned_by}.")
        )
