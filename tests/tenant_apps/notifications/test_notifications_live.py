"""WebSockets against the real ASGI application and the Redis channel layer. The consumer reads
the database from other threads, so the data here really commits (the `committed` fixture) and
is removed afterwards."""

import uuid

import pytest
from asgiref.sync import SyncToAsync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection, connections
from django.utils.module_loading import import_string

from tenant_apps.notifications import services
from tenant_apps.notifications.realtime import publish
from tenants.context import tenant_context

pytestmark = pytest.mark.asyncio


@pytest.fixture
def redis_layer(settings):
    """The real Redis layer, with a prefix of its own so parallel test runs never meet."""
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [settings.REDIS_URL], "prefix": f"test-{uuid.uuid4().hex[:8]}"},
        }
    }


class World:
    def __init__(self):
        from tenants.models import Organization

        self.alpha = Organization.objects.get(schema_name="alpha")
        self.beta = Organization.objects.get(schema_name="beta")
        self.users = []

    def user_with_session(self, organization, email):
        from shared_apps.accounts.services import create_account
        from tenant_apps.members.models import Member

        with tenant_context(organization):
            user = create_account(email=email, password="Sturdy-Passphrase-42", verified=True)
            Member.objects.create(user=user)
            store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store.save()
        self.users.append((organization, user, store.session_key))
        return user, store.session_key

    def clean(self):
        from allauth.account.models import EmailAddress

        for organization, user, session_key in self.users:
            with tenant_context(organization):
                import_string(f"{settings.SESSION_ENGINE}.SessionStore")(session_key).delete()
                EmailAddress.objects.filter(user=user).delete()
                user.delete()
        connection.set_schema_to_public()
        # The consumers' database work ran in asgiref's one sync thread: close its connection,
        # or the test database could not be dropped at the end of the run.
        SyncToAsync.single_thread_executor.submit(connections.close_all).result()


@pytest.fixture
def world(django_db_setup, committed, redis_layer):
    world = World()
    yield world
    world.clean()


def socket(organization=None, *, host=None, session_key=None, origin=None):
    from config.asgi import application

    host = host or f"{organization.schema_name}.{settings.BASE_DOMAIN}"
    headers = [(b"host", host.encode()), (b"origin", (origin or f"http://{host}").encode())]
    if session_key:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={session_key}".encode()))
    return WebsocketCommunicator(application, "/ws/live/", headers=headers)


async def subscribe(communicator, topic):
    await communicator.send_json_to({"action": "subscribe", "topic": topic})
    return await communicator.receive_json_from(timeout=5)


@database_sync_to_async
def notify_in(organization, **kwargs):
    with tenant_context(organization):
        services.notify(kind="tests.reply", title="Live", email=False, **kwargs)
    connection.set_schema_to_public()


@database_sync_to_async
def publish_in(organization, parts, event):
    with tenant_context(organization):
        publish(parts, event)
    connection.set_schema_to_public()


async def test_unknown_host_is_refused(world):
    communicator = socket(host="nobody.example.test")
    connected, _code = await communicator.connect()
    assert not connected


async def test_public_host_is_refused(world):
    communicator = socket(host=settings.BASE_DOMAIN)
    connected, _code = await communicator.connect()
    assert not connected


async def test_page_of_another_site_cannot_open_a_socket_with_this_sites_cookie(world):
    _user, session_key = await database_sync_to_async(world.user_with_session)(
        world.alpha, "live-origin@example.com"
    )
    communicator = socket(world.alpha, session_key=session_key, origin="http://beta.example.test")
    connected, _code = await communicator.connect()
    assert not connected


async def test_suspended_organization_is_refused(world):
    from tenants.models import Organization
    from tenants.routing import router

    @database_sync_to_async
    def set_status(status):
        Organization.objects.filter(pk=world.beta.pk).update(status=status)
        router.clear()

    await set_status(Organization.Status.SUSPENDED)
    try:
        connected, _code = await socket(world.beta).connect()
        assert not connected
    finally:
        await set_status(Organization.Status.ACTIVE)


async def test_anonymous_visitor_follows_public_topics_only(world):
    communicator = socket(world.alpha)
    connected, _code = await communicator.connect()
    assert connected
    assert (await subscribe(communicator, "tests.room.open"))["type"] == "subscribed"
    assert (await subscribe(communicator, "tests.room.members"))["type"] == "error"
    assert (await subscribe(communicator, "user"))["type"] == "error"
    assert (await subscribe(communicator, "user.1"))["type"] == "error"
    assert (await subscribe(communicator, "nothing.registered"))["type"] == "error"
    assert (await subscribe(communicator, "tests.room.bad name!"))["type"] == "error"
    await communicator.send_json_to({"action": "dance"})
    assert (await communicator.receive_json_from(timeout=5))["type"] == "error"
    await communicator.disconnect()


async def test_bell_count_updates_when_notify_runs(world):
    user, session_key = await database_sync_to_async(world.user_with_session)(
        world.alpha, "live-bell@example.com"
    )
    communicator = socket(world.alpha, session_key=session_key)
    connected, _code = await communicator.connect()
    assert connected
    assert (await subscribe(communicator, "tests.room.members"))["type"] == "subscribed"
    assert (await subscribe(communicator, "user"))["type"] == "subscribed"
    await notify_in(world.alpha, recipients=[user])
    message = await communicator.receive_json_from(timeout=5)
    assert message == {
        "type": "event",
        "topic": "user",
        "event": {"type": "notifications.unread", "unread": 1},
    }
    await communicator.disconnect()


async def test_a_connection_never_receives_another_tenants_events(world):
    alpha_user, alpha_session = await database_sync_to_async(world.user_with_session)(
        world.alpha, "live-alpha@example.com"
    )
    beta_user, beta_session = await database_sync_to_async(world.user_with_session)(
        world.beta, "live-beta@example.com"
    )
    on_alpha = socket(world.alpha, session_key=alpha_session)
    on_beta = socket(world.beta, session_key=beta_session)
    assert (await on_alpha.connect())[0] and (await on_beta.connect())[0]
    for communicator in (on_alpha, on_beta):
        assert (await subscribe(communicator, "tests.room.open"))["type"] == "subscribed"
        assert (await subscribe(communicator, "user"))["type"] == "subscribed"

    # The same topic name in alpha reaches alpha's socket only.
    await publish_in(world.alpha, ("tests", "room", "open"), {"type": "hello", "n": 1})
    assert (await on_alpha.receive_json_from(timeout=5))["event"] == {"type": "hello", "n": 1}
    assert await on_beta.receive_nothing(timeout=0.5)

    # A bell event for alpha's user, even one whose id also exists in beta, stays in alpha.
    await notify_in(world.alpha, recipients=[alpha_user])
    assert (await on_alpha.receive_json_from(timeout=5))["topic"] == "user"
    assert await on_beta.receive_nothing(timeout=0.5)

    # And the other way round.
    await notify_in(world.beta, recipients=[beta_user])
    assert (await on_beta.receive_json_from(timeout=5))["topic"] == "user"
    assert await on_alpha.receive_nothing(timeout=0.5)
    await on_alpha.disconnect()
    await on_beta.disconnect()


async def test_unsubscribed_topic_stops_events(world):
    communicator = socket(world.alpha)
    assert (await communicator.connect())[0]
    await subscribe(communicator, "tests.room.open")
    await communicator.send_json_to({"action": "unsubscribe", "topic": "tests.room.open"})
    assert (await communicator.receive_json_from(timeout=5))["type"] == "unsubscribed"
    await publish_in(world.alpha, ("tests", "room", "open"), {"type": "hello"})
    assert await communicator.receive_nothing(timeout=0.5)
    await communicator.disconnect()
