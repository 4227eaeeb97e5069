import pytest

from tenant_apps.console.audit import log_action
from tenant_apps.console.models import AuditEntry
from tenant_apps.members.models import Role
from tenants.context import tenant_context
from tenants.models import Organization


@pytest.fixture
def owner_client(alpha, client_for, owner_of):
    client = client_for(alpha)
    client.force_login(owner_of(alpha))
    return client


def test_switching_an_app_off_hides_it_and_switching_it_on_brings_it_back(alpha, owner_client):
    assert owner_client.get("/recipes/").status_code == 200
    keep = [key for key in alpha.features if key != "recipes"]
    response = owner_client.post("/console/features/", {"features": keep})
    assert response.status_code == 302
    assert "recipes" not in Organization.objects.get(pk=alpha.pk).features
    assert owner_client.get("/recipes/").status_code == 404
    assert owner_client.get("/api/v1/recipes/").status_code == 404
    home = owner_client.get("/")
    assert b'href="/recipes/"' not in home.content
    with tenant_context(alpha):
        entry = AuditEntry.objects.get(action="features.changed")
        assert "recipes" in entry.before["features"] and "recipes" not in entry.after["features"]
    assert (
        owner_client.post("/console/features/", {"features": [*keep, "recipes"]}).status_code == 302
    )
    assert owner_client.get("/recipes/").status_code == 200


def test_an_app_outside_the_plan_cannot_be_switched_on(alpha, owner_client, on_plan):
    owner_client.post("/console/features/", {"features": ["forum"]})
    on_plan(alpha, apps=["forum", "tasks", "recipes", "events", "links"])
    response = owner_client.post("/console/features/", {"features": ["forum", "store"]})
    assert response.status_code == 400
    assert b"Your plan does not include: store" in response.content
    assert Organization.objects.get(pk=alpha.pk).features == ["forum"]


def test_an_unknown_app_is_a_400_naming_it(alpha, owner_client):
    response = owner_client.post("/console/features/", {"features": ["forum", "casino"]})
    assert response.status_code == 400 and b"Unknown app: casino" in response.content


def test_beta_features_are_untouched_by_alpha(alpha, beta, owner_client):
    owner_client.post("/console/features/", {"features": ["forum"]})
    assert Organization.objects.get(pk=beta.pk).features == beta.features


def test_admin_reaches_the_features_page_and_a_member_does_not(alpha, client_for, member_of):
    admin = client_for(alpha)
    admin.force_login(member_of(alpha, email="a@example.com", role=Role.ADMIN))
    assert admin.get("/console/features/").status_code == 200
    member = client_for(alpha)
    member.force_login(member_of(alpha, email="m@example.com", role=Role.MEMBER))
    assert member.post("/console/features/", {"features": []}).status_code == 403


def test_audit_log_lists_entries_with_filters(alpha, owner_client, owner_of):
    owner = owner_of(alpha)
    with tenant_context(alpha):
        log_action(
            acting_user=owner,
            action="forum.thread_locked",
            target="Welcome",
            before={"locked": False},
            after={"locked": True},
        )
        log_action(acting_user=None, action="member.role_changed", target="x")
    page = owner_client.get("/console/audit/")
    assert page.status_code == 200
    assert b"forum.thread_locked" in page.content and b"member.role_changed" in page.content
    filtered = owner_client.get("/console/audit/", {"action": "forum"})
    assert (
        b"forum.thread_locked" in filtered.content
        and b"member.role_changed" not in filtered.content
    )
    by_actor = owner_client.get("/console/audit/", {"actor": "nobody@"})
    assert b"Nothing recorded yet" in by_actor.content
    bad = owner_client.get("/console/audit/", {"since": "yesterday-ish"})
    assert bad.status_code == 400 and b"Enter a valid date" in bad.content


def test_audit_log_cannot_be_changed_from_the_site(alpha, owner_client, owner_of):
    with tenant_context(alpha):
        entry = log_action(acting_user=owner_of(alpha), action="x.y", target="t")
    assert owner_client.post("/console/audit/", {"action": "z"}).status_code == 405
    assert owner_client.get(f"/admin/console/auditentry/{entry.pk}/delete/").status_code in (
        403,
        302,
    )
    assert owner_client.post(
        f"/admin/console/auditentry/{entry.pk}/change/", {"action": "z"}
    ).status_code in (403, 302)
    with tenant_context(alpha):
        assert AuditEntry.objects.get(pk=entry.pk).action == "x.y"


def test_beta_sees_nothing_of_alphas_audit_log(alpha, beta, client_for, owner_of):
    with tenant_context(alpha):
        log_action(acting_user=owner_of(alpha), action="alpha.secret", target="t")
    client = client_for(beta)
    client.force_login(owner_of(beta))
    assert b"alpha.secret" not in client.get("/console/audit/").content


def test_audit_list_query_count(alpha, owner_client, owner_of, django_assert_max_num_queries):
    with tenant_context(alpha):
        for index in range(20):
            log_action(acting_user=owner_of(alpha), action=f"a.{index}", target="t")
    with django_assert_max_num_queries(15):
        assert owner_client.get("/console/audit/").status_code == 200
