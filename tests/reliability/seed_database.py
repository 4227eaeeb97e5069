"""Prepares an empty database for the database-restart test, in one process (each Django start
costs seconds on a loaded machine): migrate_schemas, one organization made by the operator
command, and an API token for its owner, printed as `TOKEN=<key>`.

    DATABASE_URL=... python -m tests.reliability.seed_database
"""

import io
import os

import django

OWNER_EMAIL = "owner@gamma.test"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.reliability.settings_faults")
    django.setup()
    from django.core.management import call_command

    call_command("migrate_schemas", interactive=False, verbosity=0)
    call_command(
        "create_organization",
        name="Gamma Works",
        subdomain="gamma",
        owner_email=OWNER_EMAIL,
        owner_password="Sturdy-Passphrase-42",
        stdout=io.StringIO(),
    )
    token = io.StringIO()
    call_command("create_api_token", subdomain="gamma", email=OWNER_EMAIL, stdout=token)
    print(f"TOKEN={token.getvalue().strip()}")


if __name__ == "__main__":
    main()
