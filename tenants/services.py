"""Every change of state of organizations and their domains."""

import logging
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tenants import provisioning
from tenants.models import Domain, Organization, all_features
from tenants.validators import normalize_subdomain, validate_subdomain

logger = logging.getLogger(__name__)

SUBDOMAIN_TAKEN = "That subdomain is already taken. Please choose another."


def primary_host_for(subdomain: str) -> str:
    return f"{subdomain}.{settings.BASE_DOMAIN}"


def provision_organization(
    *,
    name: str,
    subdomain: str,
    owner=None,
    features: list[str] | None = None,
    initial_data: dict | None = None,
) -> Organization:
    """Create an organization with its schema, primary domain and initial rows, all or nothing.

    Runs in one transaction (PostgreSQL DDL is transactional): if any step fails, neither the
    row, the schema nor the domain remains. Two calls racing for one subdomain: the second
    blocks on the unique index until the first commits, then gets a ValidationError.
    """
    subdomain = normalize_subdomain(subdomain)
    try:
        validate_subdomain(subdomain)
    except ValidationError as error:
        raise ValidationError({"subdomain": error.messages}) from None
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ["Give the organization a name."]})
    started = time.perf_counter()
    with transaction.atomic():
        organization = Organization(
            name=name,
            schema_name=subdomain,
            owner=owner,
            features=all_features() if features is None else features,
        )
        try:
            with transaction.atomic():
                organization.save()
        except (IntegrityError, ValidationError):
            raise ValidationError({"subdomain": [SUBDOMAIN_TAKEN]}) from None
        how = provisioning.create_schema(subdomain)
        Domain.objects.create(
            domain=primary_host_for(subdomain), tenant=organization, is_primary=True
        )
        provisioning.run_initializers(organization, initial_data or {})
    logger.info(
        "Provisioned %s by %s in %.0f ms", subdomain, how, (time.perf_counter() - started) * 1000
    )
    organization.provisioned_by = how
    return organization


def set_organization_status(*, organization: Organization, status: str) -> Organization:
    """Suspend, reactivate or mark for deletion. Routing picks the change up at once."""
    if status not in Organization.Status.values:
        raise ValidationError({"status": [f"Unknown status {status!r}."]})
    organization.status = status
    organization.save(update_fields=["status"])
    return organization


def delete_organization_now(*, organization: Organization) -> None:
    """Remove an organization, its domains and its schema immediately and for good."""
    with transaction.atomic():
        schema = organization.schema_name
        Domain.objects.filter(tenant=organization).delete()
        Organization.objects.filter(pk=organization.pk).delete()
        provisioning.drop_schema(schema)
