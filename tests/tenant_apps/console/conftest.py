import pytest


@pytest.fixture(autouse=True)
def _fresh_branding_cache(django_db_blocker):
    """Site settings are cached in Redis, which a rolled-back test does not roll back: forget
    them before and after each test so no other test sees this one's branding."""
    from django.core.cache import cache

    from tenant_apps.console.branding import CACHE_KEY
    from tenants.context import tenant_context
    from tenants.models import Organization

    def forget():
        for organization in Organization.objects.filter(schema_name__in=["alpha", "beta"]):
            with tenant_context(organization):
                cache.delete(CACHE_KEY)

    with django_db_blocker.unblock():
        forget()
    yield
    with django_db_blocker.unblock():
        forget()
