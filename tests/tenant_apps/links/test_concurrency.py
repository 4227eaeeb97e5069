"""Concurrent work on real connections: the same alias asked for twice at once."""

import pytest

from tenant_apps.links import services
from tenant_apps.links.models import ShortLink
from tenants.context import tenant_context
from tests.conftest import run_in_threads


@pytest.fixture
def committed_alpha(django_db_setup, committed):
    """alpha and its owner, with every link made during the test really committed and
    deleted afterwards."""
    from django.db import connection

    from shared_apps.accounts.models import User
    from tenants.models import Organization

    # Inside a test transaction the clean-up below would be rolled back and the links leak
    # into every later test of alpha.
    assert not connection.in_atomic_block, "this fixture must run outside a test transaction"
    alpha = Organization.objects.get(schema_name="alpha")
    with tenant_context(alpha):
        owner = User.objects.get(email="owner@alpha.test")
        client = services._redis()
        for name in (services.BUFFER_KEY, services.PROCESSING_KEY):
            client.delete(services.buffer_key(name))
    services._local_links.clear()
    yield alpha, owner
    with tenant_context(alpha):
        for link in ShortLink.objects.all():
            services.forget_link(link.code)
        ShortLink.objects.all().delete()


def test_the_same_alias_asked_for_twice_at_once_makes_one_link(committed_alpha):
    alpha, owner = committed_alpha

    def create(target):
        def run():
            with tenant_context(alpha):
                return services.create_short_link(
                    organization=alpha, user=owner, target_url=target, alias="race"
                ).code

        return run

    results = run_in_threads([create("https://a.example/"), create("https://b.example/")])
    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    with tenant_context(alpha):
        assert ShortLink.objects.filter(code__iexact="race").count() == 1
