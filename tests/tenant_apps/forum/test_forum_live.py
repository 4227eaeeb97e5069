"""Live replies over the real ASGI app and Redis channel layer: an open thread page gets the new
reply's event; a socket of another tenant subscribed to the same thread number never does."""

import uuid

import pytest
from asgiref.sync import SyncToAsync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection, connections
from django.utils.module_loading import import_string

from tenants.context import tenant_context

pytestmark = pytest.mark.asyncio


@pytest.fixture
def redis_layer(settings):
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
        self.categories = []

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

    def thread(self, organization, author, *, visibility="public"):
        from shared_apps.accounts.models import User
        from tenant_apps.forum import services

        with tenant_context(organization):
            owner = User.objects.get(email=f"owner@{organization.schema_name}.test")
            category = services.create_category(
                acting_user=owner, name=f"Live {uuid.uuid4().hex[:6]}", visibility=visibility
            )
            self.categories.append((organization, category))
            return services.create_thread(author=author, category=category, title="Live", body="Go")

    def reply(self, organization, author, thread):
        from tenant_apps.forum import services

        with tenant_context(organization):
            post = services.create_reply(author=author, thread=thread, body="Live reply")
        connection.set_schema_to_public()
        return post

    def clean(self):
        from allauth.account.models import EmailAddress

        from tenant_apps.console.models import AuditEntry
        from tenant_apps.forum.models import Category, Post, Profile, Thread
        from tenant_apps.notifications.models import Notification

        for organization, category in self.categories:
            with tenant_context(organization):
                Post.objects.filter(thread__category=category).delete()
                Thread.objects.filter(category=category).delete()
                Category.objects.filter(pk=category.pk).delete()
                AuditEntry.objects.filter(action__startswith="forum.").delete()
        for organization, user, session_key in self.users:
            with tenant_context(organization):
                import_string(f"{settings.SESSION_ENGINE}.SessionStore")(session_key).delete()
                Notification.objects.filter(recipient=user).delete()
                Profile.objects.filter(user=user).delete()
                EmailAddress.objects.filter(user=user).delete()
                user.delete()
        connection.set_schema_to_public()
        SyncToAsync.single_thread_executor.submit(connections.close_all).result()


@pytest.fixture
def world(django_db_setup, committed, redis_layer):
    world = World()
    yield world
    world.clean()


def socket(organization, *, session_key=None):
    from config.asgi import application

    host = f"{organization.schema_name}.{settings.BASE_DOMAIN}"
    headers = [(b"host", host.encode()), (b"origin", f"http://{host}".encode())]
    if session_key:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={session_key}".encode()))
    return WebsocketCommunicator(application, "/ws/live/", headers=headers)


async def subscribe(communicator, topic):
    await communicator.send_json_to({"action": "subscribe", "topic": topic})
    return await communicator.receive_json_from(timeout=5)


async def test_a_new_reply_reaches_the_open_thread_page_and_never_another_tenant(world):
    make = database_sync_to_async
    author, _ = await make(world.user_with_session)(world.alpha, "live-author@example.com")
    _reader, reader_session = await make(world.user_with_session)(
        world.alpha, "live-reader@example.com"
    )
    beta_user, beta_session = await make(world.user_with_session)(
        world.beta, "live-beta@example.com"
    )
    thread = await make(world.thread)(world.alpha, author)
    # A thread with the same number in beta, so that the beta socket's topic is valid there.
    beta_thread = await make(world.thread)(world.beta, beta_user)
    while beta_thread.pk < thread.pk:
        beta_thread = await make(world.thread)(world.beta, beta_user)

    on_alpha = socket(world.alpha, session_key=reader_session)
    anonymous = socket(world.alpha)
    on_beta = socket(world.beta, session_key=beta_session)
    for communicator in (on_alpha, anonymous, on_beta):
        assert (await communicator.connect())[0]
    topic = f"forum.thread.{thread.pk}"
    assert (await subscribe(on_alpha, topic))["type"] == "subscribed"
    assert (await subscribe(anonymous, topic))["type"] == "subscribed"  # a public category
    beta_answer = await subscribe(on_beta, topic)
    assert beta_answer["type"] in ("subscribed", "error")

    post = await make(world.reply)(world.alpha, author, thread)
    message = await on_alpha.receive_json_from(timeout=5)
    assert message == {
        "type": "event",
        "topic": topic,
        "event": {"type": "forum.reply", "post_id": post.pk},
    }
    assert (await anonymous.receive_json_from(timeout=5))["event"]["post_id"] == post.pk
    assert await on_beta.receive_nothing(timeout=0.5)
    for communicator in (on_alpha, anonymous, on_beta):
        await communicator.disconnect()


async def test_anonymous_visitor_cannot_follow_a_members_only_thread(world):
    make = database_sync_to_async
    author, _ = await make(world.user_with_session)(world.alpha, "live-private@example.com")
    thread = await make(world.thread)(world.alpha, author, visibility="members")
    anonymous = socket(world.alpha)
    assert (await anonymous.connect())[0]
    assert (await subscribe(anonymous, f"forum.thread.{thread.pk}"))["type"] == "error"
    assert (await subscribe(anonymous, "forum.thread.not-a-number"))["type"] == "error"
    await anonymous.disconnect()
