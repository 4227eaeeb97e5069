"""Kinds and a live topic registered the way an app does it, for these tests only."""

import pytest

from tenant_apps.notifications import registry
from tenant_apps.notifications.models import Notification
from tenants.context import tenant_context

registry.register_kind("tests.reply", "Replies in tests", default="each")
registry.register_kind("tests.summary", "Summaries in tests", default="digest")


def _can_follow_room(user, name: str) -> bool:
    # "open" is public; "members" needs a signed-in user
    return name == "open" or (name == "members" and user.is_authenticated)


registry.register_topic("tests.room", _can_follow_room)


@pytest.fixture
def notify_in():
    """notify_in(org, **kwargs) -> the notifications stored by services.notify in that tenant."""
    from tenant_apps.notifications import services

    def send(organization, **kwargs):
        kwargs.setdefault("kind", "tests.reply")
        kwargs.setdefault("title", "Someone replied")
        with tenant_context(organization):
            return services.notify(**kwargs)

    return send


@pytest.fixture
def count_in():
    def count(organization, **filters):
        with tenant_context(organization):
            return Notification.objects.filter(**filters).count()

    return count
