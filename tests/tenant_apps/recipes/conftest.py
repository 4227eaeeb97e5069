import pytest

from tenant_apps.members.models import Role
from tenants.context import tenant_context


@pytest.fixture
def alpha_owner(alpha, owner_of):
    return owner_of(alpha)


@pytest.fixture
def cook(alpha, member_of):
    return member_of(alpha, email="cook@example.com")


@pytest.fixture
def other_cook(alpha, member_of):
    return member_of(alpha, email="other@example.com")


@pytest.fixture
def moderator(alpha, member_of):
    return member_of(alpha, email="mod@example.com", role=Role.MODERATOR)


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
