"""Live updates over WebSockets. Every group name carries the tenant, and only `group_name`
builds them, so no event of one tenant can reach a socket of another.

Apps call `publish(("forum", "thread", thread.pk), {"type": "forum.reply", ...})` from a
service; the event goes out after the transaction commits, to pages subscribed to the topic
"forum.thread.<pk>" (see registry.register_topic)."""

import logging
import re

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction
from django_tenants.utils import get_public_schema_name

logger = logging.getLogger(__name__)

_PART = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_GROUP_LENGTH = 99  # Channels refuses group names of 100 characters or more


def group_name(*parts, schema_name: str | None = None) -> str:
    """The channel-layer group of a topic inside the current tenant (or the given schema).

    Refuses the public schema and parts that are not plain words, so a topic can never be made
    to look like one of another tenant's."""
    schema = schema_name if schema_name is not None else connection.schema_name
    if not schema or schema == get_public_schema_name():
        raise ValueError("Live topics exist only inside a tenant")
    texts = [str(part) for part in parts]
    if not texts or not all(_PART.match(text) for text in texts):
        raise ValueError(f"Invalid live topic parts: {parts!r}")
    name = ".".join(["tenant", schema, *texts])
    if len(name) > MAX_GROUP_LENGTH:
        raise ValueError("Live topic name too long")
    return name


def topic_parts(topic: str) -> tuple[str, ...]:
    return tuple(topic.split("."))


def user_parts(user_id: int) -> tuple[str, ...]:
    """The private topic of one user (their bell)."""
    return ("user", str(user_id))


def publish(group_parts, event: dict) -> None:
    """Send `event` (a JSON-serialisable dict) to every socket subscribed to the topic, after
    the current transaction commits (immediately outside one)."""
    group = group_name(*group_parts)
    topic = ".".join(str(part) for part in group_parts)
    message = {"type": "live.event", "topic": topic, "event": dict(event)}

    def send() -> None:
        try:
            async_to_sync(get_channel_layer().group_send)(group, message)
        except Exception:
            # Live updates are a convenience: a channel-layer outage must not fail the change
            # that already committed. Pages still show it on the next load.
            logger.exception("Could not publish a live event to %s", group)

    transaction.on_commit(send)
