import pytest

from tenant_apps.members.models import Role
from tenants.context import tenant_context


@pytest.fixture
def alpha_owner(alpha, owner_of):
    return owner_of(alpha)


@pytest.fixture
def linker(alpha, member_of):
    return member_of(alpha, email="linker@example.com")


@pytest.fixture
def other_linker(alpha, member_of):
    return member_of(alpha, email="other-linker@example.com")


@pytest.fixture
def link_moderator(alpha, member_of):
    return member_of(alpha, email="link-mod@example.com", role=Role.MODERATOR)


@pytest.fixture
def as_user(alpha, client_for):
    """as_user(user) -> a client on alpha logged in as that user."""

    def make(user, organization=None):
        client = client_for(organization or alpha)
        client.force_login(user)
        return client

    return make


@pytest.fixture(autouse=True)
def _clean_link_cache(django_db_setup, django_db_blocker):
    """Redirect data and click buffers live in Redis under each schema's keys, and redirect
    data in process memory for a few seconds; start clean.

    Reads the organizations with the blocker lifted instead of asking for `alpha`/`beta`: those
    pull in `db`, which would wrap every test here (the committed race tests included) in a
    rolled-back transaction, so their clean-up would be rolled back and leak rows."""
    from django.core.cache import cache

    from tenant_apps.links import services as link_services
    from tenants.models import Organization

    link_services._local_links.clear()
    link_services._local_salts.clear()

    with django_db_blocker.unblock():
        organizations = list(Organization.objects.filter(schema_name__in=["alpha", "beta"]))
    for organization in organizations:
        with tenant_context(organization):
            from tenant_apps.links import services

            client = services._redis()
            keys = client.keys(cache.make_key("links:*"))
            if keys:
                client.delete(*keys)
    yield
