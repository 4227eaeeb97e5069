"""Members in the console: list, search, invitations, roles, deactivation, removal, the last-owner
rule (also under a race) and the join policy applied to signup."""

import re

import pytest
from django.core import mail
from django.db import connection

from shared_apps.accounts.models import User
from tenant_apps.console.models import AuditEntry
from tenant_apps.members import services
from tenant_apps.members.models import Invitation, JoinPolicy, Member, Role
from tenants.context import tenant_context
from tests.conftest import PASSWORD, run_in_threads


@pytest.fixture
def owner_client(alpha, client_for, owner_of):
    client = client_for(alpha)
    client.force_login(owner_of(alpha))
    return client


@pytest.fixture
def admin_client(alpha, client_for, member_of):
    client = client_for(alpha)
    client.force_login(member_of(alpha, email="admin@alpha.test", role=Role.ADMIN))
    return client


def invite(client, email="new@example.com", role="member", capture=None):
    return client.post("/console/members/", {"email": email, "role": role})


def test_members_page_lists_and_searches_members(alpha, owner_client, member_of):
    member_of(alpha, email="ada@example.com")
    member_of(alpha, email="grace@example.com")
    page = owner_client.get("/console/members/")
    assert page.status_code == 200
    assert b"ada@example.com" in page.content and b"grace@example.com" in page.content
    found = owner_client.get("/console/members/", {"q": "ada"})
    assert b"ada@example.com" in found.content and b"grace@example.com" not in found.content
    none = owner_client.get("/console/members/", {"q": "nobody-here"})
    assert b"No members match" in none.content


def test_members_page_query_count_does_not_grow_with_members(
    alpha, owner_client, member_of, django_assert_max_num_queries
):
    for index in range(15):
        member_of(alpha, email=f"m{index}@example.com")
    with django_assert_max_num_queries(20):
        assert owner_client.get("/console/members/").status_code == 200


@pytest.mark.parametrize("role", [Role.MEMBER, Role.MODERATOR])
@pytest.mark.parametrize(
    "path",
    [
        "/console/",
        "/console/members/",
        "/console/join-policy/",
        "/console/audit/",
        "/console/features/",
    ],
)
def test_members_and_moderators_are_refused_every_console_page(
    alpha, client_for, member_of, role, path
):
    client = client_for(alpha)
    client.force_login(member_of(alpha, email=f"{role}@example.com", role=role))
    assert client.get(path).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(alpha, client_for):
    response = client_for(alpha).get("/console/members/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "path", ["/console/members/2/role/", "/console/members/2/active/", "/console/members/2/remove/"]
)
def test_member_actions_are_refused_to_plain_members(alpha, client_for, member_of, path):
    client = client_for(alpha)
    client.force_login(member_of(alpha, role=Role.MEMBER))
    assert client.post(path, {"role": "owner", "is_active": "0"}).status_code == 403


def test_beta_sees_nothing_of_alphas_members(alpha, beta, client_for, owner_of, member_of):
    member_of(alpha, email="alpha-only@example.com")
    client = client_for(beta)
    client.force_login(owner_of(beta))
    page = client.get("/console/members/")
    assert page.status_code == 200 and b"alpha-only@example.com" not in page.content
    assert b"owner@alpha.test" not in page.content
    # Alpha's owner session means nothing on beta's host.
    alpha_client = client_for(alpha)
    alpha_client.force_login(owner_of(alpha))
    assert alpha_client.get("/console/members/", HTTP_HOST="beta.example.test").status_code in (
        302,
        403,
    )


def test_invitation_link_lets_the_invitee_sign_up_with_the_role(
    alpha, owner_client, client_for, django_capture_on_commit_callbacks
):
    with tenant_context(alpha):
        services.set_join_policy(
            acting_user=User.objects.get(email="owner@alpha.test"),
            mode=JoinPolicy.Mode.INVITATION,
            allowed_domains=[],
        )
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(owner_client, email="Invitee@Example.com", role="moderator")
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["invitee@example.com"]
    link = re.search(
        r"http://alpha\.example\.test(/members/invitations/[^\s]+/)", mail.outbox[-1].body
    )
    assert link, mail.outbox[-1].body

    visitor = client_for(alpha)
    # Invitation only: without the link, signup is closed.
    closed = visitor.post(
        "/accounts/signup/",
        {"email": "invitee@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert closed.status_code == 200 and b"closed" in closed.content.lower()
    assert visitor.get(link.group(1)).status_code == 302
    wrong = visitor.post(
        "/accounts/signup/",
        {"email": "someone-else@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert wrong.status_code == 200 and b"invitation only" in wrong.content
    with django_capture_on_commit_callbacks(execute=True):
        joined = visitor.post(
            "/accounts/signup/",
            {"email": "invitee@example.com", "password1": PASSWORD, "password2": PASSWORD},
        )
    assert joined.status_code == 302
    with tenant_context(alpha):
        user = User.objects.get(email="invitee@example.com")
        assert user.member.role == Role.MODERATOR
        invitation = Invitation.objects.get(email="invitee@example.com")
        assert invitation.accepted_at is not None
        assert AuditEntry.objects.filter(action="invitation.accepted").exists()
    # The link is used up.
    assert client_for(alpha).get(link.group(1)).status_code == 400


def test_resend_replaces_the_link_and_revoke_kills_it(
    alpha, owner_client, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(owner_client, email="twice@example.com")
    with tenant_context(alpha):
        invitation = Invitation.objects.get(email="twice@example.com")
        first = services.invitation_token(invitation)
    with django_capture_on_commit_callbacks(execute=True):
        assert owner_client.post(f"/console/invitations/{invitation.pk}/resend/").status_code == 302
    assert len([m for m in mail.outbox if m.to == ["twice@example.com"]]) == 2
    with tenant_context(alpha):
        invitation.refresh_from_db()
        second = services.invitation_token(invitation)
        assert services.invitation_for_token(first) is None
        assert services.invitation_for_token(second) == invitation
    assert owner_client.post(f"/console/invitations/{invitation.pk}/revoke/").status_code == 302
    with tenant_context(alpha):
        assert services.invitation_for_token(second) is None
    assert client_for(alpha).get(f"/members/invitations/{second}/").status_code == 400
    # Revoking twice names the problem instead of failing.
    again = owner_client.post(f"/console/invitations/{invitation.pk}/revoke/")
    assert again.status_code == 400 and b"No pending invitation" in again.content


def test_invitation_links_expire(alpha, owner_client, settings):
    invite(owner_client, email="late@example.com")
    with tenant_context(alpha):
        token = services.invitation_token(Invitation.objects.get(email="late@example.com"))
        settings.MEMBER_INVITATION_MAX_AGE_DAYS = -1
        assert services.invitation_for_token(token) is None
    assert services.invitation_for_token("forged:token") is None


def test_inviting_with_a_bad_email_or_twice_is_a_form_error(alpha, owner_client, member_of):
    bad = invite(owner_client, email="not-an-email")
    assert bad.status_code == 400 and b"valid email" in bad.content
    invite(owner_client, email="dup@example.com")
    dup = invite(owner_client, email="dup@example.com")
    assert dup.status_code == 400 and b"pending invitation" in dup.content
    member_of(alpha, email="already@example.com")
    existing = invite(owner_client, email="already@example.com")
    assert existing.status_code == 400 and b"already a member" in existing.content


def test_admins_cannot_invite_owners_or_touch_owners(alpha, admin_client, owner_of):
    refused = invite(admin_client, email="boss@example.com", role="owner")
    assert refused.status_code == 400 and b"Only an owner" in refused.content
    owner = owner_of(alpha)
    demote = admin_client.post(f"/console/members/{owner.pk}/role/", {"role": "member"})
    assert demote.status_code == 403
    with tenant_context(alpha):
        assert Member.objects.get(pk=owner.pk).role == Role.OWNER


def test_owner_changes_a_role_and_it_is_audited(alpha, owner_client, member_of):
    user = member_of(alpha, email="promote@example.com")
    response = owner_client.post(f"/console/members/{user.pk}/role/", {"role": "admin"})
    assert response.status_code == 302
    with tenant_context(alpha):
        assert Member.objects.get(pk=user.pk).role == Role.ADMIN
        entry = AuditEntry.objects.get(action="member.role_changed")
        assert entry.actor_email == "owner@alpha.test"
        assert entry.before == {"role": "member"} and entry.after == {"role": "admin"}
    bad = owner_client.post(f"/console/members/{user.pk}/role/", {"role": "emperor"})
    assert bad.status_code == 400 and b"role" in bad.content
    missing = owner_client.post("/console/members/999999/role/", {"role": "admin"})
    assert missing.status_code == 400 and b"No such member" in missing.content


def test_the_last_owner_cannot_be_demoted_deactivated_or_removed(alpha, owner_client, owner_of):
    owner = owner_of(alpha)
    for path, data in (
        (f"/console/members/{owner.pk}/role/", {"role": "admin"}),
        (f"/console/members/{owner.pk}/active/", {"is_active": "0"}),
        (f"/console/members/{owner.pk}/remove/", {}),
    ):
        response = owner_client.post(path, data)
        assert response.status_code == 409, path
        assert b"at least one active owner" in response.content
    with tenant_context(alpha):
        assert Member.objects.get(pk=owner.pk).role == Role.OWNER
        assert User.objects.get(pk=owner.pk).is_active


def test_deactivated_member_cannot_log_in_and_can_be_reactivated(
    alpha, owner_client, member_of, client_for
):
    user = member_of(alpha, email="pause@example.com")
    assert (
        owner_client.post(f"/console/members/{user.pk}/active/", {"is_active": "0"}).status_code
        == 302
    )
    login = client_for(alpha).post(
        "/accounts/login/", {"login": "pause@example.com", "password": PASSWORD}
    )
    assert login.status_code != 302 or "inactive" in login["Location"]
    assert (
        owner_client.post(f"/console/members/{user.pk}/active/", {"is_active": "1"}).status_code
        == 302
    )
    with tenant_context(alpha):
        assert User.objects.get(pk=user.pk).is_active
    bad = owner_client.post(f"/console/members/{user.pk}/active/", {"is_active": "maybe"})
    assert bad.status_code == 400 and b"is_active" in bad.content


def test_owner_removes_a_member(alpha, owner_client, member_of):
    user = member_of(alpha, email="bye@example.com")
    assert owner_client.post(f"/console/members/{user.pk}/remove/").status_code == 302
    with tenant_context(alpha):
        assert not User.objects.filter(pk=user.pk).exists()
        assert AuditEntry.objects.get(action="member.removed").before["email"] == "bye@example.com"


def test_two_owners_demoting_each_other_at_once_leave_one_owner(committed, django_db_blocker):
    from shared_apps.signup.services import sign_up_organization
    from tenants.models import Organization

    committed["subdomains"].add("raceclub")
    committed["emails"].add("owner@raceclub.test")
    sign_up_organization(
        name="Race Club",
        subdomain="raceclub",
        owner_email="owner@raceclub.test",
        owner_password=PASSWORD,
    )
    connection.set_schema_to_public()
    organization = Organization.objects.get(schema_name="raceclub")
    with tenant_context(organization):
        first = User.objects.get(email="owner@raceclub.test")
        from shared_apps.accounts.services import create_account

        second = create_account(email="second@raceclub.test", password=PASSWORD)
        Member.objects.create(user=second, role=Role.OWNER)

    def demote(actor, target):
        def run():
            with tenant_context(organization):
                return services.change_member_role(
                    acting_user=actor, user_id=target.pk, role=Role.ADMIN
                )

        return run

    results = run_in_threads([demote(first, second), demote(second, first)])
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    with tenant_context(organization):
        assert Member.objects.filter(role=Role.OWNER).count() == 1


def test_email_domain_policy_limits_signup(alpha, owner_client, client_for):
    response = owner_client.post(
        "/console/join-policy/",
        {"mode": "domains", "allowed_domains": "example.org, @Corp.example"},
    )
    assert response.status_code == 302
    with tenant_context(alpha):
        assert JoinPolicy.objects.get().allowed_domains == ["corp.example", "example.org"]
    visitor = client_for(alpha)
    refused = visitor.post(
        "/accounts/signup/",
        {"email": "x@elsewhere.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert (
        refused.status_code == 200
        and b"Only addresses at corp.example, example.org" in refused.content
    )
    accepted = visitor.post(
        "/accounts/signup/",
        {"email": "x@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert accepted.status_code == 302


def test_join_policy_bad_input_names_the_field(alpha, owner_client):
    empty = owner_client.post("/console/join-policy/", {"mode": "domains", "allowed_domains": ""})
    assert empty.status_code == 400 and b"at least one email domain" in empty.content
    junk = owner_client.post(
        "/console/join-policy/", {"mode": "domains", "allowed_domains": "not a_domain"}
    )
    assert junk.status_code == 400 and b"is not a domain name" in junk.content
    mode = owner_client.post("/console/join-policy/", {"mode": "whatever"})
    assert mode.status_code == 400


def test_open_policy_is_the_default(alpha, client_for):
    response = client_for(alpha).post(
        "/accounts/signup/",
        {"email": "walkin@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
