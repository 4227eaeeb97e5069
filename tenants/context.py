"""The one place app code gets at the current tenant or switches schema. Apps never build
schema names, search paths, cache keys or file paths by hand."""

from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from tenants.models import Organization

__all__ = [
    "current_organization",
    "current_schema",
    "is_public_schema",
    "organization_url",
    "public_schema",
    "schema_context",
    "tenant_context",
]


def current_schema() -> str:
    return connection.schema_name


def is_public_schema() -> bool:
    return connection.schema_name == get_public_schema_name()


def current_organization() -> Organization | None:
    """The organization whose schema the connection points at, or None on the public schema."""
    tenant = getattr(connection, "tenant", None)
    return tenant if isinstance(tenant, Organization) else None


@contextmanager
def public_schema():
    with schema_context(get_public_schema_name()):
        yield


def organization_url(organization: Organization, path: str = "/") -> str:
    """Absolute URL of a page on the organization's primary host."""
    host = f"{organization.schema_name}.{settings.BASE_DOMAIN}"
    return f"{settings.SITE_SCHEME}://{host}{settings.SITE_PORT}{path}"
