import pytest

from tenant_apps.members.models import Role
from tenants.context import tenant_context


@pytest.fixture
def alpha_owner(alpha, owner_of):
    return owner_of(alpha)


@pytest.fixture
def poster(alpha, member_of):
    return member_of(alpha, email="poster@example.com")


@pytest.fixture
def reader(alpha, member_of):
    return member_of(alpha, email="reader@example.com")


@pytest.fixture
def moderator(alpha, member_of):
    return member_of(alpha, email="mod@example.com", role=Role.MODERATOR)


@pytest.fixture
def admin_user(alpha, member_of):
    return member_of(alpha, email="admin@example.com", role=Role.ADMIN)


@pytest.fixture
def as_user(alpha, client_for):
    """as_user(user) -> a client on alpha logged in as that user."""

    def make(user, organization=None):
        client = client_for(organization or alpha)
        client.force_login(user)
        return client

    return make


@pytest.fixture
def in_alpha(alpha):
    with tenant_context(alpha):
        yield


@pytest.fixture
def general(alpha, alpha_owner):
    from forum_factories import make_category

    return make_category(alpha, alpha_owner, name="General")


@pytest.fixture(autouse=True)
def _fresh_forum_settings(django_db_setup, django_db_blocker):
    """The settings row is cached; a rolled-back test must not leave its cached copy behind.
    (Not tied to the `db` fixture, so that tests using `committed` really commit.)"""
    from django.core.cache import cache
    from django.db import connection

    from tenant_apps.forum.services import SETTINGS_CACHE_KEY
    from tenants.models import Organization

    def clear():
        with django_db_blocker.unblock():
            for org in Organization.objects.filter(schema_name__in=["alpha", "beta"]):
                with tenant_context(org):
                    cache.delete(SETTINGS_CACHE_KEY)
            connection.set_schema_to_public()

    clear()
    yield
    clear()
