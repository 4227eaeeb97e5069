"""Demo data for the `make run` demo sites: a few notifications so the bell and page show."""

from core.demo import demo_data
from tenant_apps.notifications import registry, services

WELCOME = registry.register_kind("notifications.welcome", "Welcome and tips", default="off")


@demo_data
def seed(*, organization, owner) -> None:
    services.notify(
        recipients=[owner],
        kind=WELCOME.key,
        title=f"Welcome to {organization.name}",
        body="Notifications from the forum, tasks, events and the other apps appear here. "
        "Choose which ones also reach you by email under Preferences.",
        url="/notifications/preferences/",
        email=False,
    )
    services.notify(
        recipients=[owner],
        kind=WELCOME.key,
        title="Tip: the bell updates live",
        body="Keep a page open: new notifications raise the count without a reload.",
        email=False,
    )
