from tenant_apps.console.audit import log_action
from tenant_apps.members.models import Role
from tenants.context import tenant_context


def test_usage_page_shows_members_storage_and_a_30_day_chart(
    alpha, client_for, owner_of, member_of
):
    member_of(alpha, email="one@example.com")
    with tenant_context(alpha):
        log_action(acting_user=owner_of(alpha), action="x.done", target="t")
    client = client_for(alpha)
    client.force_login(owner_of(alpha))
    response = client.get("/console/usage/")
    assert response.status_code == 200
    rows = {row["label"]: row for row in response.context["rows"]}
    assert rows["Members"]["used"] == 2 and rows["Members"]["limit"] == 25
    assert "Storage" in rows and "Recipes items" in rows
    chart = response.context["chart"]
    assert len(chart["bars"]) == 30 and chart["total"] >= 2
    assert b"<svg" in response.content and b"<rect" in response.content
    assert b"style=" not in response.content.split(b"<svg")[1].split(b"</svg>")[0]


def test_beta_usage_does_not_count_alpha(alpha, beta, client_for, owner_of, member_of):
    member_of(alpha, email="a1@example.com")
    member_of(alpha, email="a2@example.com")
    client = client_for(beta)
    client.force_login(owner_of(beta))
    rows = {row["label"]: row for row in client.get("/console/usage/").context["rows"]}
    assert rows["Members"]["used"] == 1


def test_members_cannot_see_usage(alpha, client_for, member_of):
    client = client_for(alpha)
    client.force_login(member_of(alpha, role=Role.MEMBER))
    assert client.get("/console/usage/").status_code == 403
