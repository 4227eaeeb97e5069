"""What one tenant's requests leave behind stays that tenant's: cache entries, uploaded files and
search results, checked through real pages and the API.

The primitives have their own tests: cache keys and local files in
tests/tenants/test_isolation_primitives.py, S3 keys and presigned URLs in
tests/tenants/test_storage.py, Celery tasks running in the queuing tenant's schema in
tests/tenants/test_tasks.py, WebSocket groups in
tests/tenant_apps/notifications/test_notifications_live.py.
"""

import io
import json

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tenant_apps.members.models import Role
from tests.security.endpoints import TENANT_ENDPOINTS


@pytest.fixture
def owners(alpha, beta, client_for, owner_of):
    clients = {}
    for organization in (alpha, beta):
        client = client_for(organization)
        client.force_login(owner_of(organization))
        clients[organization.schema_name] = client
    return clients


def post_json(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json")


def run_keys() -> set[str]:
    """Every key of this test run's default cache in Redis, whatever schema wrote it."""
    redis = cache._cache.get_client(write=False)
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    return {key.decode() for key in redis.scan_iter(match=f"*:{prefix}:*", count=1000)}


def test_every_cache_entry_written_for_a_tenants_pages_is_under_its_schema(alpha, owners):
    """Whatever an app caches while serving alpha (branding, entitlements, anything added
    later), the key starts with alpha's schema, so beta's requests can never read it."""
    pages = [e.path for e in TENANT_ENDPOINTS if "1" not in e.path and "sample" not in e.path]
    # Entries cached by earlier tests would not be written again: start from an empty cache.
    redis = cache._cache.get_client(write=True)
    for key in run_keys():
        redis.delete(key)
    before = run_keys()
    for path in pages:
        assert owners["alpha"].get(path).status_code < 500, path
    written = run_keys() - before
    assert written, "the pages cached nothing: the test saw no entry to check"
    assert {key.split(":", 1)[0] for key in written} == {"alpha"}, sorted(written)


def test_search_results_come_from_the_searching_tenant_only(alpha, beta, owners, member_of):
    for schema, client in owners.items():
        created = post_json(
            client,
            "/api/v1/recipes/recipes/",
            {
                "title": f"Saffron {schema}",
                "servings": 2,
                "ingredients_text": "1 pinch saffron",
                "status": "published",
            },
        )
        assert created.status_code == 201, created.content
        link = {"target_url": f"https://{schema}.example.org/", "title": f"saffron {schema}"}
        assert post_json(client, "/api/v1/links/short-links/", link).status_code == 201
        mark = {
            "url": f"https://{schema}.example.org/",
            "title": f"saffron {schema}",
            "is_shared": True,
        }
        assert post_json(client, "/api/v1/links/bookmarks/", mark).status_code == 201
    member_of(alpha, email="saffron-alpha@example.org", role=Role.MEMBER)
    member_of(beta, email="saffron-beta@example.org", role=Role.MEMBER)

    for schema, other in (("alpha", "beta"), ("beta", "alpha")):
        client = owners[schema]
        api = client.get("/api/v1/recipes/recipes/", {"q": "saffron"}).json()["results"]
        assert [r["title"] for r in api] == [f"Saffron {schema}"]
        links = client.get("/api/v1/links/short-links/", {"q": "saffron"}).json()["results"]
        assert [link["title"] for link in links] == [f"saffron {schema}"]
        marks = client.get("/api/v1/links/bookmarks/", {"q": "saffron", "scope": "shared"})
        assert [m["title"] for m in marks.json()["results"]] == [f"saffron {schema}"]
        for path, needle in (
            ("/recipes/?q=saffron", "Saffron"),
            ("/links/?q=saffron", "saffron"),
            ("/links/bookmarks/?q=saffron&scope=shared", "saffron"),
            ("/console/members/?q=saffron", "saffron-"),
        ):
            html = client.get(path).content.decode()
            assert f"{needle}{'' if needle.endswith('-') else ' '}{schema}" in html, path
            assert f"{needle}{'' if needle.endswith('-') else ' '}{other}" not in html, path


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 100, 50)).save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def test_a_file_uploaded_on_one_site_is_not_served_by_another(alpha, beta, owners, client_for):
    created = post_json(
        owners["alpha"],
        "/api/v1/recipes/recipes/",
        {"title": "Photo", "servings": 1, "status": "published"},
    ).json()
    upload = owners["alpha"].post(
        f"/api/v1/recipes/recipes/{created['id']}/image/", {"image": png()}
    )
    assert upload.status_code == 200, upload.content
    url = upload.json()["image"]
    path = url.split("example.test", 1)[-1]
    assert path.startswith("/media/alpha/"), path
    assert client_for(alpha).get(path).status_code == 200
    assert client_for(beta).get(path).status_code == 404
    guessed = path.replace("/media/alpha/", "/media/beta/../alpha/")
    assert client_for(beta).get(guessed).status_code in (400, 404)
