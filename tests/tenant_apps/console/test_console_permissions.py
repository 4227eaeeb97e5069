"""Every console page, found from the URLconf so a new page cannot be forgotten: members and
moderators are refused all of them, admins the owner-only ones (export and deletion), and
anonymous visitors are sent to log in. Branding's stylesheet and logo are public on purpose."""

import pytest
from django.urls import URLPattern

from tenant_apps.console import urls as console_urls
from tenant_apps.members.models import Role

PUBLIC = {"branding_css", "logo"}
OWNERS_ONLY = {"export", "export_progress", "export_download", "delete"}
ARGUMENTS = {"user_id": 1, "invitation_id": 1, "domain_id": 1, "job_id": 1, "version": 1}


def console_pages() -> list[tuple[str, str]]:
    pages = []
    for pattern in console_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name in PUBLIC:
            continue
        path = "/console/" + str(pattern.pattern)
        for name, value in ARGUMENTS.items():
            path = path.replace(f"<int:{name}>", str(value))
        assert "<" not in path, f"give {path} an argument in ARGUMENTS"
        pages.append((pattern.name, path))
    return pages


PAGES = console_pages()


@pytest.mark.parametrize("role", [Role.MEMBER, Role.MODERATOR])
@pytest.mark.parametrize(("name", "path"), PAGES, ids=[name for name, _ in PAGES])
def test_members_and_moderators_are_refused_every_console_page(
    alpha, client_for, member_of, role, name, path
):
    client = client_for(alpha)
    client.force_login(member_of(alpha, email=f"{role}@example.com", role=role))
    assert client.get(path).status_code in (403, 405)
    assert client.post(path, {}).status_code == 403


@pytest.mark.parametrize(
    ("name", "path"),
    [page for page in PAGES if page[0] in OWNERS_ONLY],
    ids=sorted(OWNERS_ONLY, key=[n for n, _ in PAGES].index),
)
def test_admins_are_refused_what_only_owners_do(alpha, client_for, member_of, name, path):
    client = client_for(alpha)
    client.force_login(member_of(alpha, email="admin@example.com", role=Role.ADMIN))
    assert client.get(path).status_code == 403
    assert client.post(path, {"confirm_subdomain": "alpha"}).status_code == 403


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[name for name, _ in PAGES])
def test_anonymous_visitors_are_sent_to_log_in(alpha, client_for, name, path):
    response = client_for(alpha).get(path)
    assert response.status_code in (302, 405)
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"]


def test_every_owner_only_page_is_in_the_urlconf():
    assert {name for name, _ in PAGES} >= OWNERS_ONLY
