"""Signing an organization up: its public owner account, its site, and the login handoff."""

from dataclasses import dataclass

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from shared_apps.accounts import services as accounts
from tenants.context import organization_url, schema_context
from tenants.models import Organization
from tenants.services import provision_organization


@dataclass(frozen=True)
class Signup:
    organization: Organization
    login_url: str  # one-time link that lands the owner logged in on the new site


def sign_up_organization(
    *,
    name: str,
    subdomain: str,
    owner_email: str,
    owner_password: str,
    features: list[str] | None = None,
) -> Signup:
    """Create the organization, its site and owner, all or nothing.

    The owner gets (or, with the right password, reuses) a public account and an owner account
    in the new site's schema with the same password. Returns a one-time login link for the site.
    """
    owner_email = (owner_email or "").strip().lower()
    if not owner_email:
        raise ValidationError({"owner_email": ["Enter your email address."]})
    with transaction.atomic():
        owner = accounts.find_account(owner_email)
        if owner is None:
            try:
                password_validation.validate_password(owner_password)
            except ValidationError as error:
                raise ValidationError({"owner_password": error.messages}) from None
            owner = accounts.create_account(email=owner_email, password=owner_password)
        elif not owner.check_password(owner_password):
            raise ValidationError(
                {
                    "owner_password": [
                        "An account with this email already exists. Enter its password to add "
                        "another organization to it."
                    ]
                }
            )
        organization = provision_organization(
            name=name,
            subdomain=subdomain,
            owner=owner,
            features=features,
            initial_data={
                "owner_email": owner.email,
                "owner_password_hash": owner.password,
                "owner_name": owner.name,
            },
        )
        with schema_context(organization.schema_name):
            site_owner = accounts.find_account(owner.email)
            token = accounts.create_login_handoff(user=site_owner)
    path = reverse("login_handoff", urlconf="config.urls_tenant")
    return Signup(
        organization=organization, login_url=organization_url(organization, f"{path}?token={token}")
    )
