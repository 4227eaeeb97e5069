"""What apps plug into notifications: the kinds of notification they send and the live topics a
page may subscribe to. Apps fill these registries from their AppConfig.ready()."""

import re
from collections.abc import Callable
from dataclasses import dataclass

# "off" stops the emails of a kind (the bell still shows it); "muted" hides it everywhere.
DELIVERY_CHOICES = (
    ("each", "Email each one"),
    ("digest", "Daily digest email"),
    ("off", "No email, in the site only"),
    ("muted", "Nothing at all"),
)
DELIVERIES = {value for value, _ in DELIVERY_CHOICES}
_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_TOPIC_PREFIX = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    default: str


@dataclass(frozen=True)
class Topic:
    prefix: str
    can_subscribe: Callable  # (user, *args: str) -> bool, called in the tenant's schema


_kinds: dict[str, Kind] = {}
_topics: dict[str, Topic] = {}


def register_kind(key: str, label: str, default: str = "each") -> Kind:
    """Declare a notification kind ("forum.reply"). `default` is the delivery a user gets until
    they choose: "each" (email right away), "digest" (daily email), "off" (in-site only) or
    "muted" (not even in-site)."""
    if not _KEY.match(key):
        raise ValueError(f"Notification kind {key!r} must look like 'app.event'")
    if default not in DELIVERIES:
        raise ValueError(f"Default delivery must be one of {sorted(DELIVERIES)}")
    kind = Kind(key=key, label=label, default=default)
    _kinds[key] = kind
    return kind


def get_kind(key: str) -> Kind | None:
    return _kinds.get(key)


def all_kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda kind: kind.key)


def register_topic(prefix: str, can_subscribe: Callable) -> Topic:
    """Declare a live topic family. A page subscribes to "<prefix>.<arg>..." (for example
    "forum.thread.42"); `can_subscribe(user, "42")` runs in the tenant's schema on subscribe and
    says whether this user (possibly anonymous) may receive its events."""
    if not _TOPIC_PREFIX.match(prefix) or prefix.startswith("user"):
        raise ValueError(f"Topic prefix {prefix!r} is not allowed")
    topic = Topic(prefix=prefix, can_subscribe=can_subscribe)
    _topics[prefix] = topic
    return topic


def find_topic(name: str) -> tuple[Topic, tuple[str, ...]] | None:
    """The registered topic a name belongs to (longest prefix first) and its arguments."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        topic = _topics.get(".".join(parts[:cut]))
        if topic is not None:
            return topic, tuple(parts[cut:])
    return None
