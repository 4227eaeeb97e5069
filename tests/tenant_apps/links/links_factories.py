"""Factories for links tests: plain functions that go through the services."""

from tenant_apps.links import services
from tenants.context import tenant_context


def make_link(organization, user, **fields):
    fields.setdefault("target_url", "https://example.org/page")
    with tenant_context(organization):
        return services.create_short_link(organization=organization, user=user, **fields)


def make_bookmark(organization, user, **fields):
    fields.setdefault("url", "https://example.org/article")
    with tenant_context(organization):
        return services.save_bookmark(user=user, **fields)


def flush(organization):
    with tenant_context(organization):
        return services.flush_click_buffer()
