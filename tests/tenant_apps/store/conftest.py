"""Fixtures of the store tests: users of alpha by role, logged-in clients, a catalogue made
through the services, and a fake Stripe with a connected account."""

import pytest

from tenant_apps.members.models import Role
from tenants.context import tenant_context


@pytest.fixture(autouse=True)
def _fresh_entitlements_and_eager_tasks(django_db_setup, django_db_blocker):
    """Entitlements are cached in Redis (a rolled-back test cannot undo them) and Celery
    tasks (emails, webhook handling) run in-process."""
    from config.celery import app
    from shared_apps.billing import entitlements
    from tenants.models import Organization

    def forget():
        for organization in Organization.objects.all():
            entitlements.invalidate(organization)

    with django_db_blocker.unblock():
        forget()
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager
    with django_db_blocker.unblock():
        forget()


@pytest.fixture
def alpha_owner(alpha, owner_of):
    return owner_of(alpha)


@pytest.fixture
def shop_admin(alpha, member_of):
    return member_of(alpha, email="admin@alpha.test", role=Role.ADMIN)


@pytest.fixture
def shopper(alpha, member_of):
    return member_of(alpha, email="shopper@example.com")


@pytest.fixture
def moderator(alpha, member_of):
    return member_of(alpha, email="mod@example.com", role=Role.MODERATOR)


@pytest.fixture
def as_user(alpha, client_for):
    """as_user(user, organization=alpha) -> a client on that site logged in as the user."""

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
def catalogue(alpha, shop_admin):
    """A published T-shirt with two variants, a mug (stock 5), a draft, shipping and codes."""
    from store_factories import make_catalogue

    with tenant_context(alpha):
        return make_catalogue(admin=shop_admin, organization=alpha)


@pytest.fixture
def stripe_connected(settings, alpha, client_for, member_of, public_client):
    """A fake Stripe; alpha has a connected account able to take payments. Yields the fake."""
    from tests.stripe_support import connect_account, fake_stripe

    with fake_stripe(settings) as fake:
        admin = client_for(alpha)
        admin.force_login(member_of(alpha, email="payments@alpha.test", role=Role.ADMIN))
        connect_account(fake, alpha, admin_client=admin, public_client=public_client)
        yield fake
