import pytest
from fakes.dns_server import FakeDnsServer

from tenant_apps.console import tasks
from tenant_apps.console.models import AuditEntry, CustomDomain
from tenant_apps.members.models import Role
from tenants.context import tenant_context
from tenants.models import Domain
from tenants.routing import router


@pytest.fixture
def dns_server(settings):
    with FakeDnsServer() as server:
        settings.CUSTOM_DOMAIN_RESOLVER_NAMESERVERS = [server.address]
        settings.CUSTOM_DOMAIN_RESOLVER_TIMEOUT = 2.0
        yield server


@pytest.fixture
def pro_alpha(alpha):
    """Alpha on the Pro plan (one custom domain), as billing's offline mode records it."""
    from shared_apps.billing import entitlements
    from shared_apps.billing.models import Plan
    from shared_apps.billing.services import account_for

    account = account_for(alpha)
    account.plan = Plan.objects.get(key="pro")
    account.is_offline = True
    account.status = "active"
    account.save()
    entitlements.invalidate(alpha)
    router.clear()
    yield alpha
    entitlements.invalidate(alpha)


@pytest.fixture
def owner_client(pro_alpha, client_for, owner_of):
    client = client_for(pro_alpha)
    client.force_login(owner_of(pro_alpha))
    return client


def test_a_domain_goes_live_once_its_txt_record_is_found(
    pro_alpha, owner_client, dns_server, client_for, django_capture_on_commit_callbacks
):
    response = owner_client.post("/console/domains/", {"domain": "Shop.Example.org"})
    assert response.status_code == 302
    with tenant_context(pro_alpha):
        custom = CustomDomain.objects.get()
    assert custom.domain == "shop.example.org" and custom.status == "pending"
    page = owner_client.get("/console/domains/")
    assert f"platform-verify={custom.token}".encode() in page.content
    assert b"_platform-verify.shop.example.org" in page.content

    # Not there yet: the task records why and routes nothing.
    with tenant_context(pro_alpha):
        assert tasks.verify_custom_domain(custom.pk) == "pending"
        custom.refresh_from_db()
        assert "not found" in custom.last_error
    assert "_platform-verify.shop.example.org" in dns_server.queries
    assert not Domain.objects.filter(domain="shop.example.org").exists()
    assert client_for(pro_alpha).get("/", HTTP_HOST="shop.example.org").status_code == 404
    dns_server.txt["_platform-verify.shop.example.org"] = ["something-else"]
    with tenant_context(pro_alpha):
        assert tasks.verify_custom_domain(custom.pk) == "pending"

    dns_server.txt["_platform-verify.shop.example.org"] = [f"platform-verify={custom.token}"]
    with django_capture_on_commit_callbacks(execute=True), tenant_context(pro_alpha):
        assert tasks.verify_custom_domain(custom.pk) == "verified"
        assert tasks.verify_custom_domain(custom.pk) == "verified"  # idempotent
    assert Domain.objects.get(domain="shop.example.org").tenant_id == pro_alpha.pk
    home = client_for(pro_alpha).get("/", HTTP_HOST="shop.example.org")
    assert home.status_code == 200 and home.context["organization"].pk == pro_alpha.pk
    with tenant_context(pro_alpha):
        assert AuditEntry.objects.filter(action="domain.verified").exists()

    # Primary, then removal: routing follows at once.
    assert owner_client.post(f"/console/domains/{custom.pk}/primary/").status_code == 302
    assert Domain.objects.get(domain="shop.example.org").is_primary
    assert not Domain.objects.get(domain="alpha.example.test").is_primary
    with django_capture_on_commit_callbacks(execute=True):
        assert owner_client.post(f"/console/domains/{custom.pk}/remove/").status_code == 302
    assert not Domain.objects.filter(domain="shop.example.org").exists()
    assert Domain.objects.get(domain="alpha.example.test").is_primary
    assert client_for(pro_alpha).get("/", HTTP_HOST="shop.example.org").status_code == 404


def test_the_check_now_button_verifies(pro_alpha, owner_client, dns_server):
    owner_client.post("/console/domains/", {"domain": "club.example.net"})
    with tenant_context(pro_alpha):
        custom = CustomDomain.objects.get()
    dns_server.txt["_platform-verify.club.example.net"] = [f"platform-verify={custom.token}"]
    assert owner_client.post(f"/console/domains/{custom.pk}/verify/").status_code == 302
    assert Domain.objects.filter(domain="club.example.net", tenant=pro_alpha).exists()


def test_an_unreachable_nameserver_is_recorded_not_raised(pro_alpha, owner_client, settings):
    settings.CUSTOM_DOMAIN_RESOLVER_NAMESERVERS = ["127.0.0.1:9"]
    settings.CUSTOM_DOMAIN_RESOLVER_TIMEOUT = 0.5
    owner_client.post("/console/domains/", {"domain": "down.example.net"})
    with tenant_context(pro_alpha):
        custom = CustomDomain.objects.get()
        assert tasks.verify_pending_custom_domains() == 1
        custom.refresh_from_db()
    assert custom.status == "pending" and "DNS lookup failed" in custom.last_error


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("not a domain", b"Enter a domain name"),
        ("localhost", b"Enter a domain name"),
        ("10.0.0.1", b"not an IP address"),
        ("evil.example.test", b"cannot be custom domains"),
        ("beta.example.test", b"cannot be custom domains"),
    ],
)
def test_bad_domains_are_refused_with_a_message(pro_alpha, owner_client, value, message):
    response = owner_client.post("/console/domains/", {"domain": value})
    assert response.status_code == 400 and message in response.content


def test_the_plan_limits_custom_domains(alpha, client_for, owner_of):
    client = client_for(alpha)  # free plan: no custom domains
    client.force_login(owner_of(alpha))
    response = client.post("/console/domains/", {"domain": "shop.example.org"})
    assert response.status_code == 402 and b"Your plan allows 0 custom domains" in response.content


def test_a_domain_used_by_another_site_is_refused(pro_alpha, beta, owner_client):
    Domain.objects.create(domain="taken.example.org", tenant=beta, is_primary=False)
    response = owner_client.post("/console/domains/", {"domain": "taken.example.org"})
    assert response.status_code == 400 and b"already in use" in response.content


def test_unverified_domain_cannot_be_primary(pro_alpha, owner_client):
    owner_client.post("/console/domains/", {"domain": "shop.example.org"})
    with tenant_context(pro_alpha):
        custom = CustomDomain.objects.get()
    response = owner_client.post(f"/console/domains/{custom.pk}/primary/")
    assert response.status_code == 400 and b"Verify the domain" in response.content
    missing = owner_client.post("/console/domains/99999/remove/")
    assert missing.status_code == 400 and b"No such domain" in missing.content


def test_beta_sees_nothing_of_alphas_domains(pro_alpha, beta, owner_client, client_for, owner_of):
    owner_client.post("/console/domains/", {"domain": "alpha-shop.example.org"})
    with tenant_context(pro_alpha):
        custom = CustomDomain.objects.get()
    client = client_for(beta)
    client.force_login(owner_of(beta))
    assert b"alpha-shop" not in client.get("/console/domains/").content
    assert client.post(f"/console/domains/{custom.pk}/remove/").status_code == 400
    with tenant_context(pro_alpha):
        assert CustomDomain.objects.filter(pk=custom.pk).exists()


def test_members_cannot_manage_domains(pro_alpha, client_for, member_of):
    client = client_for(pro_alpha)
    client.force_login(member_of(pro_alpha, role=Role.MODERATOR))
    assert client.get("/console/domains/").status_code == 403
    assert client.post("/console/domains/", {"domain": "x.example.org"}).status_code == 403
