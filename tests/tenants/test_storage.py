"""The tenant storages: S3 (real boto3 and django-storages against moto's server on loopback)
and local files, public and private, with deletion and export of a tenant's files."""

import time
import urllib.error
import urllib.request

import fakes.s3_server as fake_s3
import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages

from tenants.context import tenant_context
from tenants.storage import delete_tenant_files, iter_tenant_files, private_url

# Fixtures of the fake S3 (tests/fakes/s3_server.py), used by name below.
s3_server = fake_s3.s3_server
s3_storages = fake_s3.s3_storages


def keys_in(client, bucket):
    response = client.list_objects_v2(Bucket=bucket)
    return sorted(obj["Key"] for obj in response.get("Contents", []))


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


# --- S3 --------------------------------------------------------------------------------------


def test_s3_keys_start_with_the_tenants_schema(alpha, beta, s3_storages):
    with tenant_context(alpha):
        alpha_name = default_storage.save("recipes/photos/cake.jpg", ContentFile(b"alpha cake"))
    with tenant_context(beta):
        beta_name = default_storage.save("recipes/photos/cake.jpg", ContentFile(b"beta cake"))
    assert alpha_name == beta_name == "recipes/photos/cake.jpg"
    assert keys_in(s3_storages, s3_storages.media_bucket) == [
        "alpha/recipes/photos/cake.jpg",
        "beta/recipes/photos/cake.jpg",
    ]
    with tenant_context(alpha):
        assert default_storage.open(alpha_name).read() == b"alpha cake"
    with tenant_context(beta):
        assert default_storage.open(beta_name).read() == b"beta cake"


def test_s3_public_media_has_a_plain_url_that_serves_the_file(alpha, s3_storages):
    with tenant_context(alpha):
        name = default_storage.save("logos/logo.png", ContentFile(b"logo bytes"))
        url = default_storage.url(name)
    assert "/alpha/logos/logo.png" in url
    assert "Signature" not in url and "X-Amz" not in url
    assert fetch(url) == (200, b"logo bytes")


def test_s3_public_media_uses_the_cdn_domain_when_set(alpha, s3_storages, settings):
    settings.AWS_S3_CUSTOM_DOMAIN = "cdn.example.test"
    settings.STORAGES = {**settings.STORAGES}  # storages re-read their settings
    with tenant_context(alpha):
        assert (
            default_storage.url("logos/logo.png") == "https://cdn.example.test/alpha/logos/logo.png"
        )
        # Private files never go through the CDN: they stay presigned on the bucket.
        assert "cdn.example.test" not in private_url("exports/data.zip")


def test_s3_listing_is_confined_to_the_tenant(alpha, beta, s3_storages):
    with tenant_context(alpha):
        default_storage.save("docs/alpha.txt", ContentFile(b"a"))
        default_storage.save("alpha-only.txt", ContentFile(b"a"))
    with tenant_context(beta):
        default_storage.save("docs/beta.txt", ContentFile(b"b"))
        assert default_storage.listdir("") == (["docs"], [])
        assert default_storage.listdir("docs") == ([], ["beta.txt"])
    with tenant_context(alpha):
        assert default_storage.listdir("") == (["docs"], ["alpha-only.txt"])
        assert default_storage.listdir("docs") == ([], ["alpha.txt"])


def test_s3_cross_tenant_key_guesses_are_refused(alpha, beta, s3_storages):
    with tenant_context(alpha):
        default_storage.save("docs/plan.txt", ContentFile(b"alpha plan"))
    with tenant_context(beta):
        # The same name resolves inside beta's own prefix, where it does not exist.
        assert not default_storage.exists("docs/plan.txt")
        for guess in ("../alpha/docs/plan.txt", "/alpha/docs/plan.txt", "alpha/docs/plan.txt"):
            with pytest.raises(SuspiciousFileOperation):
                default_storage.open(guess)
            with pytest.raises(SuspiciousFileOperation):
                default_storage.save(guess, ContentFile(b"overwrite attempt"))
            with pytest.raises(SuspiciousFileOperation):
                default_storage.delete(guess)
        with pytest.raises(SuspiciousFileOperation):
            default_storage.listdir("../alpha")
    with tenant_context(alpha):
        assert default_storage.open("docs/plan.txt").read() == b"alpha plan"
    assert keys_in(s3_storages, s3_storages.media_bucket) == ["alpha/docs/plan.txt"]


def test_s3_saving_a_taken_name_never_overwrites(alpha, s3_storages):
    with tenant_context(alpha):
        first = default_storage.save("docs/plan.txt", ContentFile(b"first"))
        second = default_storage.save("docs/plan.txt", ContentFile(b"second"))
        assert first != second
        assert default_storage.open(first).read() == b"first"


def test_s3_public_storage_refuses_the_private_folder(alpha, s3_storages):
    with tenant_context(alpha), pytest.raises(SuspiciousFileOperation):
        default_storage.save("private/exports/data.zip", ContentFile(b"x"))


def test_s3_private_files_get_presigned_urls_that_expire(alpha, s3_storages):
    private = storages["private"]
    with tenant_context(alpha):
        name = private.save("tickets/ticket-1.pdf", ContentFile(b"%PDF-1.4 ticket"))
        url = private_url(name, expires=2)
    assert keys_in(s3_storages, s3_storages.private_bucket) == [
        "alpha/private/tickets/ticket-1.pdf"
    ]
    assert "X-Amz-Signature" in url and "X-Amz-Expires=2" in url
    assert fetch(url) == (200, b"%PDF-1.4 ticket")
    time.sleep(3.1)
    with pytest.raises(urllib.error.HTTPError) as refused:
        fetch(url)
    assert refused.value.code == 403
    assert b"Request has expired" in refused.value.read()


def test_s3_presigned_url_edited_to_another_tenants_key_is_refused(alpha, beta, s3_storages):
    with tenant_context(alpha):
        storages["private"].save("exports/data.zip", ContentFile(b"alpha export"))
    with tenant_context(beta):
        storages["private"].save("exports/data.zip", ContentFile(b"beta export"))
        url = private_url("exports/data.zip", expires=60)
    assert fetch(url) == (200, b"beta export")
    guess = url.replace("/beta/private/", "/alpha/private/")
    assert guess != url
    with pytest.raises(urllib.error.HTTPError) as refused:
        fetch(guess)
    assert refused.value.code == 403
    assert b"SignatureDoesNotMatch" in refused.value.read()


def test_s3_private_file_without_a_signature_is_refused(alpha, s3_storages):
    with tenant_context(alpha):
        storages["private"].save("exports/data.zip", ContentFile(b"zip"))
        url = private_url("exports/data.zip")
    bare = url.split("?")[0]
    assert bare.endswith("/alpha/private/exports/data.zip")
    # The private bucket has no public policy: the object URL without a signature is no way in.
    with pytest.raises(urllib.error.HTTPError) as refused:
        fetch(bare)
    assert refused.value.code == 403


def test_private_url_refuses_a_silly_lifetime(alpha, s3_storages):
    with tenant_context(alpha), pytest.raises(ValueError):
        private_url("exports/data.zip", expires=0)


def test_s3_tenant_files_are_exported_and_deleted_with_the_tenant(alpha, beta, s3_storages):
    with tenant_context(alpha):
        default_storage.save("recipes/photos/cake.jpg", ContentFile(b"cake"))
        storages["private"].save("exports/2026.zip", ContentFile(b"export"))
    with tenant_context(beta):
        default_storage.save("recipes/photos/pie.jpg", ContentFile(b"pie"))

    exported = {(f.storage, f.name): f.open().read() for f in iter_tenant_files("alpha")}
    assert exported == {
        ("default", "recipes/photos/cake.jpg"): b"cake",
        ("private", "exports/2026.zip"): b"export",
    }
    assert delete_tenant_files("alpha") == 2
    assert keys_in(s3_storages, s3_storages.media_bucket) == ["beta/recipes/photos/pie.jpg"]
    assert keys_in(s3_storages, s3_storages.private_bucket) == []
    assert list(iter_tenant_files("alpha")) == []


def test_s3_export_of_the_media_bucket_skips_the_private_folder_when_buckets_are_shared(
    alpha, s3_storages, settings
):
    settings.AWS_PRIVATE_STORAGE_BUCKET_NAME = ""
    settings.STORAGES = {**settings.STORAGES}
    with tenant_context(alpha):
        default_storage.save("a.txt", ContentFile(b"public"))
        storages["private"].save("b.txt", ContentFile(b"private"))
    assert keys_in(s3_storages, s3_storages.media_bucket) == ["alpha/a.txt", "alpha/private/b.txt"]
    assert sorted((f.storage, f.name) for f in iter_tenant_files("alpha")) == [
        ("default", "a.txt"),
        ("private", "b.txt"),
    ]
    assert delete_tenant_files("alpha") == 2
    assert keys_in(s3_storages, s3_storages.media_bucket) == []


def test_tenant_file_helpers_refuse_a_bad_schema(s3_storages):
    for schema in ("", "../alpha", "alpha/private", "/"):
        with pytest.raises(SuspiciousFileOperation):
            delete_tenant_files(schema)
        with pytest.raises(SuspiciousFileOperation):
            list(iter_tenant_files(schema))


# --- Local files -----------------------------------------------------------------------------


@pytest.fixture
def local_storages(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tenants.storage.TenantFileSystemStorage"},
        "private": {"BACKEND": "tenants.storage.TenantPrivateFileSystemStorage"},
    }
    return tmp_path


def test_local_private_files_live_outside_the_media_folder(alpha, local_storages):
    with tenant_context(alpha):
        name = storages["private"].save("tickets/t.pdf", ContentFile(b"%PDF-1.4"))
    assert (local_storages / "private" / "alpha" / "tickets" / "t.pdf").exists()
    assert not (local_storages / "media" / "alpha" / "tickets").exists()
    assert name == "tickets/t.pdf"


def test_local_private_url_serves_the_file_to_its_own_site_until_it_expires(
    alpha, beta, client_for, local_storages
):
    with tenant_context(alpha):
        storages["private"].save("tickets/t.pdf", ContentFile(b"%PDF-1.4 alpha ticket"))
        url = private_url("tickets/t.pdf", expires=2)
        short = private_url("tickets/t.pdf", expires=1)
    assert url.startswith("/private-media/")
    response = client_for(alpha).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 alpha ticket"
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    # Another site's host refuses the link, even while it is valid.
    assert client_for(beta).get(url).status_code == 404
    time.sleep(2.1)
    assert client_for(alpha).get(short).status_code == 403


def test_local_private_url_with_a_forged_token_is_refused(alpha, client_for, local_storages):
    with tenant_context(alpha):
        storages["private"].save("tickets/t.pdf", ContentFile(b"%PDF-1.4"))
        url = private_url("tickets/t.pdf")
    token = url.split("/")[2]
    forged = f"/private-media/{token[:-2]}xx/"
    assert client_for(alpha).get(forged).status_code == 404
    assert client_for(alpha).get("/private-media/not-a-token/").status_code == 404


def test_local_private_files_are_not_reachable_through_media(alpha, client_for, local_storages):
    with tenant_context(alpha):
        storages["private"].save("tickets/t.pdf", ContentFile(b"%PDF-1.4"))
    client = client_for(alpha)
    assert client.get("/media/alpha/tickets/t.pdf").status_code == 404
    assert client.get("/media/alpha/../../private/alpha/tickets/t.pdf").status_code in (400, 404)


def test_local_tenant_files_are_exported_and_deleted_with_the_tenant(alpha, beta, local_storages):
    with tenant_context(alpha):
        default_storage.save("recipes/photos/cake.jpg", ContentFile(b"cake"))
        storages["private"].save("exports/2026.zip", ContentFile(b"export"))
    with tenant_context(beta):
        default_storage.save("recipes/photos/pie.jpg", ContentFile(b"pie"))

    exported = {(f.storage, f.name): f.open().read() for f in iter_tenant_files("alpha")}
    assert exported == {
        ("default", "recipes/photos/cake.jpg"): b"cake",
        ("private", "exports/2026.zip"): b"export",
    }
    assert delete_tenant_files("alpha") == 2
    assert list(iter_tenant_files("alpha")) == []
    assert (local_storages / "media" / "beta" / "recipes" / "photos" / "pie.jpg").exists()
