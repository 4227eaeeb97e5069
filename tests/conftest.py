"""Fixtures for the whole suite: two organizations made by the real signup path, and clients
that talk to each host. Tests run in a transaction that is rolled back; work that must commit
(races, Celery workers) uses the `committed` fixture, which cleans up after itself."""

import os
import threading

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client

if not os.environ.get("REDIS_URL"):
    raise pytest.UsageError(
        "REDIS_URL is not set: the suite needs a real Redis. Run it with `make test`, which finds "
        "or starts one, or set REDIS_URL=redis://127.0.0.1:6379/0."
    )

PASSWORD = "Sturdy-Passphrase-42"


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker):
    """The test database, migrated (public and template schemas), with two organizations.

    Always made, whichever tests are selected: every part of this suite (browser tests and
    process tests included) reads these organizations, and pytest-django alone would only make
    the database when a selected test asks for the `db` fixture."""
    from django.test.utils import setup_databases, teardown_databases

    from shared_apps.signup.services import sign_up_organization

    with django_db_blocker.unblock():
        db_config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        for name, subdomain in (("Alpha Club", "alpha"), ("Beta Guild", "beta")):
            sign_up_organization(
                name=name,
                subdomain=subdomain,
                owner_email=f"owner@{subdomain}.test",
                owner_password=PASSWORD,
            )
        connection.set_schema_to_public()
    yield
    with django_db_blocker.unblock():
        # Connections opened by threads that outlive their tests (the ASGI consumers' thread
        # pool, server threads) would keep the throwaway database from being dropped.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        connections.close_all()
        teardown_databases(db_config, verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_routing_and_schema():
    """Each test starts on the public schema with an empty routing cache (a rolled-back test
    cannot publish its invalidations)."""
    from tenants.routing import router

    router.clear()
    connection.set_schema_to_public()
    yield
    router.clear()
    connection.set_schema_to_public()


@pytest.fixture
def alpha(db):
    from tenants.models import Organization

    return Organization.objects.get(schema_name="alpha")


@pytest.fixture
def beta(db):
    from tenants.models import Organization

    return Organization.objects.get(schema_name="beta")


def host_of(organization) -> str:
    return f"{organization.schema_name}.{settings.BASE_DOMAIN}"


@pytest.fixture
def public_client():
    return Client(HTTP_HOST=settings.BASE_DOMAIN)


class TenantClient(Client):
    """A test client for one organization's host. Logging in writes the session (and last
    login) in that organization's schema, as a real login on that host does."""

    def __init__(self, organization, **defaults):
        super().__init__(HTTP_HOST=host_of(organization), **defaults)
        self.organization = organization

    def force_login(self, user, backend=None):
        from tenants.context import tenant_context

        with tenant_context(self.organization):
            super().force_login(user, backend)

    def request(self, **request):
        # The middleware leaves the connection on this tenant's schema after the response (as
        # in production, where the next request resets it); a test's own code after the
        # request must not silently run there.
        previous = connection.tenant
        try:
            return super().request(**request)
        finally:
            connection.set_tenant(previous)


@pytest.fixture
def client_for():
    """client_for(org) -> a test client whose requests go to that organization's host."""

    def make(organization, **extra):
        return TenantClient(organization, **extra)

    return make


@pytest.fixture
def owner_of():
    """owner_of(org) -> the owner account inside that organization's schema."""
    from shared_apps.accounts.models import User
    from tenants.context import tenant_context

    def get(organization):
        with tenant_context(organization):
            return User.objects.get(email=f"owner@{organization.schema_name}.test")

    return get


@pytest.fixture
def member_of():
    """member_of(org, email=..., role=...) -> a new user of that site with that role."""
    from shared_apps.accounts.services import create_account
    from tenant_apps.members.models import Member, Role
    from tenants.context import tenant_context

    def make(organization, email="member@example.com", role=Role.MEMBER, verified=True):
        with tenant_context(organization):
            user = create_account(email=email, password=PASSWORD, verified=verified)
            Member.objects.create(user=user, role=role)
        return user

    return make


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """For tests whose work must really commit (races, workers). Yields a helper that records
    organizations and public emails to remove afterwards; everything is cleaned up."""
    from shared_apps.accounts.models import User
    from tenants.models import Organization
    from tenants.services import delete_organization_now

    created = {"subdomains": set(), "emails": set()}
    if connection.in_atomic_block:
        # The test (or an autouse fixture) also asked for `db`: its transaction would roll the
        # cleanup back while the threads' rows stay committed, leaking into later tests.
        raise pytest.UsageError(
            "`committed` cannot be combined with the `db` fixture (directly or through "
            "fixtures such as `alpha`): fetch organizations with django_db_blocker instead."
        )
    with django_db_blocker.unblock():
        yield created
        connection.set_schema_to_public()
        for organization in Organization.objects.filter(schema_name__in=created["subdomains"]):
            delete_organization_now(organization=organization)
        from tenants.provisioning import drop_schema

        for subdomain in created["subdomains"]:
            drop_schema(subdomain)
        # Deleting through the ORM would cascade to tenant-only tables (members), which do not
        # exist in the public schema; remove the public rows directly.
        from allauth.account.models import EmailAddress

        users = User.objects.filter(email__in=created["emails"])
        EmailAddress.objects.filter(user__in=users)._raw_delete(EmailAddress.objects.db)
        users._raw_delete(User.objects.db)


def run_in_threads(functions):
    """Run each function in its own thread (own database connection), starting together."""
    barrier = threading.Barrier(len(functions))
    results: list = [None] * len(functions)

    def runner(index, function):
        try:
            barrier.wait()
            results[index] = ("ok", function())
        except BaseException as error:  # the test inspects what each side got
            results[index] = ("error", error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def on_plan(db):
    """on_plan(org, apps=[...], short_links=1, ...) puts the organization on a real plan made for
    the test (chosen in offline mode, no Stripe needed): entitlements then come from it, as in
    production, instead of from patched functions."""
    from shared_apps.billing import entitlements
    from shared_apps.billing.models import BillingAccount, Plan

    changed = []

    def put(organization, *, apps=None, **limits):
        all_apps = ["forum", "tasks", "store", "recipes", "events", "links"]
        plan = Plan.objects.create(
            key=f"test-{len(changed)}-{organization.schema_name}",
            name="Test plan",
            apps=all_apps if apps is None else list(apps),
            **limits,
        )
        BillingAccount.objects.update_or_create(
            organization=organization,
            defaults={"plan": plan, "is_offline": True, "status": "active"},
        )
        entitlements.invalidate(organization)
        changed.append(organization)
        return plan

    yield put
    for organization in changed:  # the rows roll back; the cached state must go too
        entitlements.invalidate(organization)


@pytest.fixture
def live_events(settings):
    """listen = live_events(); received = listen(group); ... received() -> the messages the real
    Redis channel layer delivered to that group so far (a prefix of this test's own, so that no
    other test's events are seen). For services that publish live events. The listening side
    runs on one event loop of its own (channels_redis binds a receiving channel to its loop)."""
    import asyncio
    import uuid

    from channels.layers import get_channel_layer

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [settings.REDIS_URL], "prefix": f"test-{uuid.uuid4().hex[:8]}"},
        }
    }
    layer = get_channel_layer()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    def run(coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result(timeout=30)

    subscriptions = []

    def listen(group: str):
        channel = run(layer.new_channel())
        run(layer.group_add(group, channel))
        subscriptions.append((group, channel))

        async def drain(timeout: float) -> list[dict]:
            messages = []
            while True:
                try:
                    messages.append(await asyncio.wait_for(layer.receive(channel), timeout))
                except TimeoutError:
                    return messages

        def received(timeout: float = 0.5) -> list[dict]:
            return run(drain(timeout))

        return received

    yield listen
    for group, channel in subscriptions:
        run(layer.group_discard(group, channel))
    run(layer.flush())
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=5)
    loop.close()
