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


def test_metered_apps_show_what_their_plan_limit_counts(alpha, beta, client_for, owner_of, on_plan):
    """Store, links and events rows count products, short links and this month's events (what
    creation is refused on), not every row the app stores; beta counts none of alpha's."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.tenant_apps.events.events_factories import EventFactory
    from tests.tenant_apps.links.links_factories import ShortLinkFactory
    from tests.tenant_apps.store.store_factories import make_product

    on_plan(alpha, products=10, short_links=50, events_per_month=3)
    owner = owner_of(alpha)
    with tenant_context(alpha):
        make_product(owner, alpha, title="Mug")
        make_product(owner, alpha, title="Cap")
        ShortLinkFactory()
        EventFactory()
        old = EventFactory()
        type(old).objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    client = client_for(alpha)
    client.force_login(owner)
    rows = {row["label"]: row for row in client.get("/console/usage/").context["rows"]}
    assert (rows["Products"]["used"], rows["Products"]["limit"]) == (2, 10)
    assert rows["Products"]["percent"] == 20
    assert (rows["Short links"]["used"], rows["Short links"]["limit"]) == (1, 50)
    assert (rows["Events this month"]["used"], rows["Events this month"]["limit"]) == (1, 3)
    assert "Store items" not in rows and rows["Forum items"]["limit"] is None

    other = client_for(beta)
    other.force_login(owner_of(beta))
    beta_rows = {row["label"]: row for row in other.get("/console/usage/").context["rows"]}
    assert beta_rows["Products"]["used"] == 0 and beta_rows["Short links"]["used"] == 0
    assert beta_rows["Events this month"]["used"] == 0
