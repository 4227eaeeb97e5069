"""Redis stopped: pages still serve (the default cache degrades, routing reads the database),
queuing a task fails loudly instead of losing it, and everything recovers when Redis is back.
Each test uses its own redis-server (conftest.own_redis), never the shared one."""

import logging
import uuid

import pytest
from django.conf import settings
from django.db import connection
from kombu.exceptions import OperationalError

from core.cache import CacheUnavailable, ResilientRedisCache
from tests.reliability.processes import (
    PASSWORD,
    Browser,
    committed_database_url,
    free_port,
    process_env,
    start,
    stop,
)

pytestmark = pytest.mark.slow


def make_cache(url: str) -> ResilientRedisCache:
    return ResilientRedisCache(url, {"KEY_FUNCTION": "tenants.cache.make_key", "KEY_PREFIX": "c"})


def test_the_cache_answers_as_empty_while_redis_is_down_and_recovers_with_tenant_keys(
    redis_back_on, caplog
):
    from tenants.context import schema_context

    redis = redis_back_on
    cache = make_cache(redis.url)
    with schema_context("alpha"):
        assert cache.set("greeting", "hello") is True
        assert cache.get("greeting") == "hello"
    assert redis.client().keys("*") == [b"alpha:c:1:greeting"]  # the tenant prefix stays

    redis.stop()
    with schema_context("alpha"), caplog.at_level(logging.ERROR, logger="core.cache"):
        assert cache.get("greeting", "fallback") == "fallback"
        assert cache.get_many(["greeting"]) == {}
        assert cache.has_key("greeting") is False
        assert cache.set("greeting", "again") is False
        # add fails open: allauth takes a lock with add and answers 429 when it fails.
        assert cache.add("lock", True) is True
        assert cache.delete("greeting") is False
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert cache.get_or_set("computed", 42) == 42
        with pytest.raises(
            CacheUnavailable, match="cannot increment 'hits': the cache server is unreachable"
        ):
            cache.incr("hits")
    assert "Cache unavailable" in caplog.text

    redis.start()  # an empty Redis: the same cache object reconnects by itself
    with schema_context("beta"):
        assert cache.get("greeting") is None
        assert cache.set("greeting", "back") is True
        assert cache.add("hits", 1) is True
        assert cache.incr("hits") == 2
    assert sorted(redis.client().keys("*")) == [b"beta:c:1:greeting", b"beta:c:1:hits"]


def test_an_error_that_is_not_an_outage_still_raises(redis_back_on):
    cache = make_cache(redis_back_on.url)
    cache.set("word", "not a number")
    with pytest.raises(Exception, match="not an integer"):
        cache.incr("word")


@pytest.fixture
def verified_member(django_db_setup, django_db_blocker):
    """A member of alpha who can log in (verified email), committed for the web server to see."""
    from shared_apps.accounts.models import User
    from shared_apps.accounts.services import create_account
    from tenant_apps.members.models import Member
    from tenants.context import schema_context

    email = f"faults-{uuid.uuid4().hex[:8]}@example.com"
    with django_db_blocker.unblock():
        with schema_context("alpha"):
            user = create_account(email=email, password=PASSWORD, verified=True)
            Member.objects.create(user=user)
        try:
            yield email
        finally:
            with schema_context("alpha"):
                User.objects.filter(email=email).delete()


def is_logged_in(page: str) -> bool:
    return 'class="account-menu"' in page and 'href="/accounts/login/"' not in page


def test_pages_and_login_serve_while_redis_is_down_and_the_cache_fills_again_after(
    django_db_blocker, redis_back_on, verified_member
):
    redis = redis_back_on
    port = free_port()
    with django_db_blocker.unblock():
        env = process_env(
            database_url=committed_database_url(), redis_url=redis.url, PORT=str(port)
        )
    server = start("web", env)
    host = f"alpha.{settings.BASE_DOMAIN}"
    try:
        visitor = Browser(port, host)
        visitor.wait_until_serving(server)
        status, page, _ = visitor.request("/")
        assert status == 200 and "Alpha Club" in page

        redis.stop()
        status, page, _ = visitor.request("/")
        assert status == 200 and "Alpha Club" in page and not is_logged_in(page), page
        # A wrong password: allauth's rate limit goes through the cache, and the form answers.
        status, page, _ = visitor.log_in(verified_member, "wrong-password")
        assert status == 200 and "not correct" in page, page
        status, _, headers = visitor.log_in(verified_member, PASSWORD)
        assert status == 302 and "/accounts/" not in headers["Location"], headers
        for _ in range(2):  # sessions live in the tenant's schema, not in Redis
            status, page, _ = visitor.request("/")
            assert status == 200 and is_logged_in(page), page

        redis.start()
        other = Browser(port, host)
        status, page, _ = other.log_in(verified_member, "wrong-password")
        assert status == 200 and "not correct" in page, page
        # The rate limit is counted in Redis again, under the tenant's prefix.
        keys = [key.decode() for key in redis.client().keys("*")]
        assert any(key.startswith("alpha:") and "login_failed" in key for key in keys), keys
        status, page, _ = visitor.request("/")
        assert status == 200 and is_logged_in(page), page
    finally:
        output = stop(server)
    assert output.count("Booting worker") == 1, output  # the same server all along
    assert "Cache unavailable" in output, output  # logged, not silent


def test_queuing_a_task_while_redis_is_down_fails_loudly_and_works_once_it_is_back(
    redis_back_on,
):
    from config.celery import app
    from tenants.context import schema_context
    from tests.reliability.tasks import credit_once

    redis = redis_back_on
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    redis.stop()
    with (
        schema_context("alpha"),
        app.connection_for_write(redis.url) as broker,
        pytest.raises(OperationalError, match=r"Connection refused|Error 111"),
    ):
        credit_once.apply_async(args=["lost?", 1], queue=queue, connection=broker)

    redis.start()
    with schema_context("alpha"), app.connection_for_write(redis.url) as broker:
        credit_once.apply_async(args=["queued", 1], queue=queue, connection=broker)
    # Exactly the message sent while Redis was up: nothing was buffered and replayed, and the
    # one that failed was refused to its caller, not dropped behind its back.
    assert redis.client().llen(queue) == 1
    assert connection.schema_name == "public"
