"""The one WebSocket endpoint, /ws/live/. A page subscribes to named topics; each subscription
is checked against the topic's registered permission, and every group carries the tenant.

The tenant comes from the Host header through the same routing as HTTP (unknown, public and
suspended hosts are refused), and the user from the session cookie, looked up inside the
tenant's schema (sessions live there), all in one synchronous step so the schema is set before
the session and user are read."""

import logging
from types import SimpleNamespace
from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import parse_cookie
from django.utils.module_loading import import_string

from tenant_apps.notifications import registry
from tenant_apps.notifications.realtime import group_name, user_parts
from tenants.context import tenant_context
from tenants.models import Organization
from tenants.routing import is_public_host, normalize_host, router

logger = logging.getLogger(__name__)

MAX_SUBSCRIPTIONS = 50
MAX_TOPIC_LENGTH = 80
REFUSED = 4403  # close code sent when the host or origin is not acceptable


def _header(scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def _resolve_tenant(host: str) -> Organization | None:
    """The same decision TenantRoutingMiddleware makes for HTTP, for a socket's host."""
    connection.set_schema_to_public()
    if not host or is_public_host(host):
        return None
    organization = router.resolve(host)
    if organization is None or organization.status != Organization.Status.ACTIVE:
        return None
    return organization


@database_sync_to_async
def authenticate(*, host: str, session_key: str | None):
    """(organization, user) for a socket, or (None, None) for a refused host."""
    try:
        organization = _resolve_tenant(host)
        if organization is None:
            return None, None
        if not session_key:
            return organization, AnonymousUser()
        session_store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
        with tenant_context(organization):
            user = get_user(SimpleNamespace(session=session_store(session_key)))
            if user.is_authenticated:
                user.pk  # noqa: B018  (loaded now, inside the schema)
        return organization, user
    finally:
        connection.set_schema_to_public()


@database_sync_to_async
def may_subscribe(*, organization, user, topic: str) -> bool:
    found = registry.find_topic(topic)
    if found is None:
        return False
    entry, args = found
    try:
        with tenant_context(organization):
            return bool(entry.can_subscribe(user, *args))
    except Exception:
        logger.exception("Permission check of live topic %s failed", topic)
        return False
    finally:
        connection.set_schema_to_public()


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Protocol, JSON both ways:
    client -> {"action": "subscribe" | "unsubscribe", "topic": "forum.thread.12" | "user"}
    server -> {"type": "subscribed" | "unsubscribed", "topic"} |
              {"type": "error", "topic", "message"} | {"type": "event", "topic", "event"}"""

    async def connect(self):
        self.organization = None
        self.user = AnonymousUser()
        self.groups_by_topic: dict[str, str] = {}
        host = normalize_host(_header(self.scope, b"host"))
        origin = _header(self.scope, b"origin")
        # A page of another site (another tenant is "same-site") must not open a socket that
        # carries this host's session cookie.
        if origin and normalize_host(urlsplit(origin).netloc) != host:
            await self.close(code=REFUSED)
            return
        cookies = parse_cookie(_header(self.scope, b"cookie"))
        organization, user = await authenticate(
            host=host, session_key=cookies.get(settings.SESSION_COOKIE_NAME)
        )
        if organization is None:
            await self.close(code=REFUSED)
            return
        self.organization, self.user = organization, user
        await self.accept()

    async def disconnect(self, code):
        for group in getattr(self, "groups_by_topic", {}).values():
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict):
            await self.send_json({"type": "error", "topic": None, "message": "Send a JSON object."})
            return
        action, topic = content.get("action"), content.get("topic")
        if action not in ("subscribe", "unsubscribe") or not isinstance(topic, str):
            await self.send_json(
                {"type": "error", "topic": None, "message": "Expected an action and a topic."}
            )
            return
        if action == "unsubscribe":
            group = self.groups_by_topic.pop(topic, None)
            if group:
                await self.channel_layer.group_discard(group, self.channel_name)
            await self.send_json({"type": "unsubscribed", "topic": topic})
            return
        await self.subscribe(topic)

    async def refuse(self, topic: str, message: str):
        await self.send_json({"type": "error", "topic": topic, "message": message})

    async def subscribe(self, topic: str):
        if topic in self.groups_by_topic:
            await self.send_json({"type": "subscribed", "topic": topic})
            return
        if len(self.groups_by_topic) >= MAX_SUBSCRIPTIONS:
            await self.refuse(topic, "Too many subscriptions on one connection.")
            return
        if topic == "user":
            if not self.user.is_authenticated:
                await self.refuse(topic, "Log in to receive your notifications.")
                return
            parts = user_parts(self.user.pk)
        else:
            if len(topic) > MAX_TOPIC_LENGTH:
                await self.refuse(topic, "Topic name too long.")
                return
            parts = tuple(topic.split("."))
            try:
                group_name(*parts, schema_name=self.organization.schema_name)
            except ValueError:
                await self.refuse(topic, "Invalid topic name.")
                return
            if parts[0] == "user" or not await may_subscribe(
                organization=self.organization, user=self.user, topic=topic
            ):
                await self.refuse(topic, "You may not follow this topic.")
                return
        group = group_name(*parts, schema_name=self.organization.schema_name)
        await self.channel_layer.group_add(group, self.channel_name)
        self.groups_by_topic[topic] = group
        await self.send_json({"type": "subscribed", "topic": topic})

    async def live_event(self, message):
        topic = message.get("topic", "")
        if self.user.is_authenticated and topic == ".".join(user_parts(self.user.pk)):
            topic = "user"
        if topic not in self.groups_by_topic:
            return
        await self.send_json({"type": "event", "topic": topic, "event": message.get("event", {})})
