import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tenants.models import Domain, Organization
from tenants.routing import GENERATION_KEY, HostRouter, bump_generation
from tenants.services import set_organization_status


def test_public_host_and_www_get_the_public_site(db):
    for host in (settings.BASE_DOMAIN, f"www.{settings.BASE_DOMAIN}"):
        response = Client(HTTP_HOST=host).get("/")
        assert response.status_code == 200
        assert b"Your community, on its own site" in response.content


def test_tenant_host_gets_its_own_site(alpha, client_for):
    response = client_for(alpha).get("/")
    assert response.status_code == 200
    assert b"Alpha Club" in response.content
    assert b"Beta Guild" not in response.content


@pytest.mark.parametrize(
    "host", ["nobody.example.test", "evil.com", "example.test.evil.com", "123.45.67.8"]
)
def test_unknown_host_gets_a_clear_404_never_the_public_site(db, host):
    response = Client(HTTP_HOST=host).get("/")
    assert response.status_code == 404
    assert b"There is no site at" in response.content
    assert b"Your community, on its own site" not in response.content


def test_host_with_port_and_uppercase_is_routed(alpha):
    response = Client(HTTP_HOST=f"ALPHA.{settings.BASE_DOMAIN}:8000").get("/")
    assert response.status_code == 200
    assert b"Alpha Club" in response.content


def test_suspended_organization_shows_a_suspended_page(
    alpha, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        set_organization_status(organization=alpha, status=Organization.Status.SUSPENDED)
    response = client_for(alpha).get("/")
    assert response.status_code == 403
    assert b"Alpha Club is suspended" in response.content
    assert client_for(alpha).get("/api/v1/me/").status_code == 403


def test_organization_being_deleted_is_offline(
    alpha, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        set_organization_status(organization=alpha, status=Organization.Status.DELETING)
    assert client_for(alpha).get("/").status_code == 404


def test_health_check_answers_on_any_host_without_the_database(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client(HTTP_HOST="10.0.0.1").get("/healthz")
    assert response.content == b"ok"


def test_a_warm_tenant_page_costs_no_query_to_find_its_tenant(alpha, client_for):
    client = client_for(alpha)
    client.get("/")  # warm the routing cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    statements = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in statements if "tenants_" in s], statements
    assert sum(s.startswith("SET search_path") for s in statements) <= 1, statements
    # The anonymous home page needs nothing but the schema switch.
    assert len(statements) <= 1, statements


def test_a_logged_in_tenant_page_has_a_fixed_small_query_count(alpha, client_for, owner_of):
    client = client_for(alpha)
    client.force_login(owner_of(alpha))
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    statements = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in statements if "tenants_" in s], statements
    # search_path, session, user, member role (the header's unread count is cached per user)
    assert len(statements) <= 4, statements


def test_routing_cache_is_invalidated_across_processes_by_the_generation(alpha):
    """Two routers stand for two processes: a change published by one reaches the other."""
    other_process = HostRouter(check_interval=0)  # reads the generation on every request
    host = f"alpha.{settings.BASE_DOMAIN}"
    assert other_process.resolve(host).status == "active"

    Organization.objects.filter(pk=alpha.pk).update(status="suspended")
    assert other_process.resolve(host).status == "active"  # still cached
    bump_generation()
    assert other_process.resolve(host).status == "suspended"


def test_another_process_sees_a_change_within_the_check_interval_and_not_before(alpha):
    interval = 0.3
    other_process = HostRouter(check_interval=interval)
    host = f"alpha.{settings.BASE_DOMAIN}"
    assert other_process.resolve(host).status == "active"
    seen_at = time.monotonic()

    Organization.objects.filter(pk=alpha.pk).update(status="suspended")
    bump_generation()
    # Within the interval the process trusts its map without asking the shared cache ...
    assert other_process.resolve(host).status == "active"
    assert time.monotonic() - seen_at < interval, "the machine was too slow to show the bound"
    # ... and once it has passed, the change is seen.
    time.sleep(interval - (time.monotonic() - seen_at) + 0.05)
    assert other_process.resolve(host).status == "suspended"


def test_the_process_that_makes_a_change_sees_it_at_once(
    alpha, client_for, django_capture_on_commit_callbacks, settings
):
    settings.TENANT_ROUTING_CHECK_INTERVAL_MS = 60_000  # the shared generation is never re-read
    assert client_for(alpha).get("/").status_code == 200  # alpha is now in this process's map
    with django_capture_on_commit_callbacks(execute=True):
        set_organization_status(organization=alpha, status=Organization.Status.SUSPENDED)
    assert client_for(alpha).get("/").status_code == 403


class CountingCache:
    """The platform cache, counting the round trips the router makes to it."""

    def __init__(self):
        from django.core.cache import caches

        self.inner = caches["platform"]
        self.calls = 0

    def get(self, *args, **kwargs):
        self.calls += 1
        return self.inner.get(*args, **kwargs)

    def add(self, *args, **kwargs):
        self.calls += 1
        return self.inner.add(*args, **kwargs)


def test_warm_requests_within_the_interval_make_no_round_trip_to_the_shared_cache(alpha):
    counting = CountingCache()
    warm = HostRouter(cache=counting, check_interval=60)
    host = f"alpha.{settings.BASE_DOMAIN}"
    warm.resolve(host)
    calls_after_first = counting.calls
    for _ in range(100):
        assert warm.resolve(host).pk == alpha.pk
    assert counting.calls == calls_after_first


def test_a_lost_generation_key_still_invalidates_other_processes(alpha):
    """A Redis restart or eviction loses the key: a process holding the old generation must not
    keep its map as if nothing had changed."""
    from django.core.cache import caches

    other_process = HostRouter(check_interval=0)
    host = f"alpha.{settings.BASE_DOMAIN}"
    bump_generation()
    assert other_process.resolve(host).status == "active"
    Organization.objects.filter(pk=alpha.pk).update(status="suspended")
    caches["platform"].delete(GENERATION_KEY)
    assert other_process.resolve(host).status == "suspended"


def test_saving_a_domain_publishes_a_routing_change_after_commit(
    alpha, django_capture_on_commit_callbacks
):
    from django.core.cache import caches

    before = caches["platform"].get(GENERATION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        Domain.objects.create(domain="community.alpha.example", tenant=alpha, is_primary=False)
    assert caches["platform"].get(GENERATION_KEY) != before
    response = Client(HTTP_HOST="community.alpha.example").get("/")
    assert response.status_code == 200
    assert b"Alpha Club" in response.content


def test_unknown_hosts_are_cached_too_but_bounded(db):
    small = HostRouter(max_hosts=3)
    for index in range(10):
        assert small.resolve(f"nobody{index}.example.test") is None
    assert len(small._hosts) == 3


def test_router_falls_back_to_the_database_when_the_cache_is_down(alpha):
    from django.core.cache.backends.redis import RedisCache

    unreachable = RedisCache("redis://127.0.0.1:1/0", {})
    fresh = HostRouter(cache=unreachable)
    assert fresh.resolve(f"alpha.{settings.BASE_DOMAIN}").pk == alpha.pk
    assert fresh.resolve("nobody.example.test") is None
