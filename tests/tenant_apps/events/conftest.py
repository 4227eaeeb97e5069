import pytest

from tenant_apps.members.models import Role
from tenants.context import tenant_context


@pytest.fixture(autouse=True)
def _eager_tasks_and_fresh_entitlements(django_db_setup, django_db_blocker):
    """Tasks queued on commit run in-process; entitlements are cached in Redis, which a
    rolled-back test cannot undo. (No `db` here: committed tests must stay outside the test
    transaction.)"""
    from config.celery import app
    from shared_apps.billing import entitlements
    from tenants.models import Organization

    def forget():
        with django_db_blocker.unblock():
            for organization in Organization.objects.all():
                entitlements.invalidate(organization)

    forget()
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager
    forget()


@pytest.fixture
def alpha_owner(alpha, owner_of):
    return owner_of(alpha)


@pytest.fixture
def organizer(alpha, member_of):
    return member_of(alpha, email="organizer@example.com", role=Role.ADMIN)


@pytest.fixture
def door(alpha, member_of):
    return member_of(alpha, email="door@example.com", role=Role.MODERATOR)


@pytest.fixture
def attendee(alpha, member_of):
    return member_of(alpha, email="attendee@example.com")


@pytest.fixture
def as_user(alpha, client_for):
    """as_user(user) -> a client on alpha logged in as that user."""

    def make(user, organization=None):
        client = client_for(organization or alpha)
        client.force_login(user)
        return client

    return make


@pytest.fixture
def in_alpha(alpha):
    with tenant_context(alpha):
        yield


@pytest.fixture
def free_event(in_alpha):
    from events_factories import EventFactory, TicketTypeFactory

    event = EventFactory(title="Python meetup", capacity=50)
    TicketTypeFactory(event=event, name="General admission", quantity=50)
    return event
