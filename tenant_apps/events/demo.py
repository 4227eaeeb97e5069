"""Demo data for the `make run` demo sites (filled in below)."""

from core.demo import demo_data


@demo_data
def seed(*, organization, owner):
    from tenant_apps.events.demo_data import seed_events

    seed_events(organization=organization, owner=owner)
