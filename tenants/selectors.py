from tenants.models import Organization
from tenants.validators import normalize_subdomain, validate_subdomain


def subdomain_is_taken(subdomain: str) -> bool:
    return Organization.objects.filter(schema_name__iexact=subdomain).exists()


def subdomain_problem(raw: str) -> str | None:
    """The message explaining why `raw` cannot be used, or None if it is free."""
    from django.core.exceptions import ValidationError

    from tenants.services import SUBDOMAIN_TAKEN

    subdomain = normalize_subdomain(raw)
    try:
        validate_subdomain(subdomain)
    except ValidationError as error:
        return error.messages[0]
    if subdomain_is_taken(subdomain):
        return SUBDOMAIN_TAKEN
    return None


def active_organizations():
    return Organization.objects.filter(status=Organization.Status.ACTIVE).exclude(
        schema_name="public"
    )
