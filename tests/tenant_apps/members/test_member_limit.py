"""The plan's member limit: inviting, signing up, accepting and reactivating are refused over
it (402, with the way to upgrade), members already over it after a downgrade stay."""

import pytest
from django.core import mail

from core.errors import PaymentRequired
from shared_apps.accounts.models import User
from shared_apps.billing import entitlements
from shared_apps.billing.models import Plan
from tenant_apps.members import services
from tenant_apps.members.models import Invitation, Member, Role
from tenants.context import tenant_context
from tests.conftest import PASSWORD


@pytest.fixture
def member_limit(alpha, beta):
    """member_limit(n): the Free plan (alpha's and beta's) allows n members."""

    def forget():
        entitlements.invalidate(alpha)
        entitlements.invalidate(beta)

    def set_limit(limit):
        Plan.objects.filter(key="free").update(members=limit)
        forget()

    forget()
    yield set_limit
    forget()


@pytest.fixture
def owner_client(alpha, client_for, owner_of):
    client = client_for(alpha)
    client.force_login(owner_of(alpha))
    return client


def _invite(client, email):
    return client.post("/console/members/", {"email": email, "role": "member"})


def test_invitations_stop_at_the_plans_member_limit(alpha, owner_client, member_limit):
    member_limit(2)  # the owner and one more
    assert _invite(owner_client, "first@example.com").status_code == 302
    refused = _invite(owner_client, "second@example.com")
    assert refused.status_code == 402
    page = refused.content.decode()
    assert "Your plan allows 2 members" in page
    assert 'href="/billing/"' in page and "Upgrade the plan" in page
    with tenant_context(alpha):
        assert list(Invitation.objects.values_list("email", flat=True)) == ["first@example.com"]


def test_admins_are_told_an_owner_can_upgrade(alpha, client_for, member_of, member_limit):
    admin = member_of(alpha, email="admin@alpha.test", role=Role.ADMIN)
    member_limit(2)
    client = client_for(alpha)
    client.force_login(admin)
    refused = _invite(client, "third@example.com")
    assert refused.status_code == 402
    assert b"An owner can upgrade it" in refused.content


def test_open_signup_is_refused_once_the_site_is_full(alpha, client_for, member_limit):
    member_limit(1)
    response = client_for(alpha).post(
        "/accounts/signup/",
        {"email": "walkin@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    assert b"as many members as its plan allows" in response.content
    with tenant_context(alpha):
        assert not User.objects.filter(email="walkin@example.com").exists()


def test_accepting_an_invitation_over_the_limit_is_refused(alpha, owner_of, member_limit):
    with tenant_context(alpha):
        invitation = services.invite_member(acting_user=owner_of(alpha), email="late@example.com")
        token = services.invitation_token(invitation)
        member_limit(1)  # a downgrade after the invitation went out
        late = User.objects.create_user(email="late@example.com", password=PASSWORD)
        with pytest.raises(PaymentRequired):
            services.accept_invitation(user=late, token=token)
        assert not Member.objects.filter(user=late).exists()


def test_reactivating_over_the_limit_is_refused(alpha, owner_client, member_of, member_limit):
    gone = member_of(alpha, email="gone@example.com")
    assert owner_client.post(f"/console/members/{gone.pk}/active/", {"is_active": "0"}).status_code
    member_limit(1)
    refused = owner_client.post(f"/console/members/{gone.pk}/active/", {"is_active": "1"})
    assert refused.status_code == 402
    with tenant_context(alpha):
        assert not User.objects.get(pk=gone.pk).is_active


def test_members_over_the_limit_after_a_downgrade_stay(
    alpha, owner_client, member_of, member_limit
):
    for number in range(3):
        member_of(alpha, email=f"m{number}@example.com")
    member_limit(2)
    page = owner_client.get("/console/members/")
    assert page.status_code == 200
    for number in range(3):
        assert f"m{number}@example.com".encode() in page.content
    with tenant_context(alpha):
        assert services.active_member_count() == 4


def test_beta_is_not_limited_by_alphas_members(alpha, beta, owner_of, member_of, member_limit):
    member_of(alpha, email="a1@example.com")
    member_limit(2)
    with tenant_context(beta):
        mail.outbox.clear()
        services.invite_member(acting_user=owner_of(beta), email="b1@example.com")
        assert Invitation.objects.count() == 1
