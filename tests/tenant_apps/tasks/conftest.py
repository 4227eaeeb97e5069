import pytest

from tenant_apps.members.models import Role


@pytest.fixture(autouse=True)
def _fresh_task_settings():
    """Settings are cached under each schema's keys; the database rolls back, the cache not.
    (No database access here: concurrency tests run outside the test transaction.)"""
    from django.core.cache import cache
    from django.db import connection
    from django_tenants.utils import schema_context

    def clear():
        previous = connection.schema_name
        for schema in ("alpha", "beta"):
            with schema_context(schema):
                cache.delete("tasks:settings")
                cache.delete("console:site-settings")
        connection.set_schema(previous)

    clear()
    yield
    clear()


@pytest.fixture
def alpha_owner(alpha, owner_of):
    return owner_of(alpha)


@pytest.fixture
def worker(alpha, member_of):
    return member_of(alpha, email="worker@example.com")


@pytest.fixture
def colleague(alpha, member_of):
    return member_of(alpha, email="colleague@example.com")


@pytest.fixture
def outsider(alpha, member_of):
    return member_of(alpha, email="outsider@example.com")


@pytest.fixture
def site_admin(alpha, member_of):
    return member_of(alpha, email="tasks-admin@example.com", role=Role.ADMIN)


@pytest.fixture
def as_user(alpha, client_for):
    def make(user, organization=None):
        client = client_for(organization or alpha)
        client.force_login(user)
        return client

    return make


@pytest.fixture
def project(alpha, worker, colleague):
    from tasks_factories import make_project

    return make_project(alpha, worker, name="Website", members=[colleague])
