import datetime

import fakes.s3_server as fake_s3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from shared_apps.accounts.models import User
from tenant_apps.console.models import AuditEntry
from tenant_apps.members.models import Role
from tenants import lifecycle
from tenants.context import tenant_context
from tenants.models import Domain, Organization
from tenants.storage import iter_tenant_files
from tests.conftest import PASSWORD, TenantClient

s3_server = fake_s3.s3_server
s3_storages = fake_s3.s3_storages


def schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", [name])
        return cursor.fetchone() is not None


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MEMBER])
def test_only_owners_reach_deletion(alpha, client_for, member_of, role):
    client = client_for(alpha)
    client.force_login(member_of(alpha, email=f"{role}@example.com", role=role))
    assert client.get("/console/delete/").status_code == 403
    assert client.post("/console/delete/", {"confirm_subdomain": "alpha"}).status_code == 403
    assert Organization.objects.get(pk=alpha.pk).status == "active"


def test_a_wrong_confirmation_is_a_form_error(alpha, client_for, owner_of):
    client = client_for(alpha)
    client.force_login(owner_of(alpha))
    assert client.get("/console/delete/").status_code == 200
    response = client.post("/console/delete/", {"confirm_subdomain": "beta"})
    assert response.status_code == 400 and b"Type alpha to confirm" in response.content
    assert Organization.objects.get(pk=alpha.pk).status == "active"


@pytest.fixture
def local_storages(settings, tmp_path):
    """Files, and the dumps of deleted organizations (the public schema's private folder)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tenants.storage.TenantFileSystemStorage"},
        "private": {"BACKEND": "tenants.storage.TenantPrivateFileSystemStorage"},
    }
    return tmp_path / "private" / "public" / "deletions"


def test_deletion_goes_offline_then_staff_restore_then_final_removal(
    committed, settings, local_storages
):
    from shared_apps.signup.services import sign_up_organization

    archive = local_storages
    settings.TENANT_DELETION_GRACE_DAYS = 14
    committed["subdomains"].add("delme")
    committed["emails"].add("owner@delme.test")
    sign_up_organization(
        name="Delete Me", subdomain="delme", owner_email="owner@delme.test", owner_password=PASSWORD
    )
    connection.set_schema_to_public()
    organization = Organization.objects.get(schema_name="delme")
    client = TenantClient(organization)
    with tenant_context(organization):
        owner = User.objects.get(email="owner@delme.test")
    client.force_login(owner)
    assert client.get("/").status_code == 200

    response = client.post("/console/delete/", {"confirm_subdomain": "delme"})
    assert response.status_code == 302 and "deleted=delme" in response["Location"]
    organization.refresh_from_db()
    assert organization.status == "deleting"
    assert TenantClient(organization).get("/").status_code == 404
    assert not schema_exists("delme")
    record = lifecycle.deletion_record("delme")
    assert (archive / "delme.dump").stat().st_size > 0
    purge_after = datetime.datetime.fromisoformat(record["purge_after"])
    assert purge_after - timezone.now() > datetime.timedelta(days=13)
    # Within the grace period nothing is purged.
    assert lifecycle.purge_expired_deletions() == []

    lifecycle.restore_organization(organization=organization)
    organization.refresh_from_db()
    assert organization.status == "active" and schema_exists("delme")
    with tenant_context(organization):
        assert User.objects.filter(email="owner@delme.test").exists()
        assert AuditEntry.objects.filter(action="organization.deletion_requested").exists()
    assert TenantClient(organization).get("/").status_code == 200
    assert not (archive / "delme.dump").exists()

    # Deleted again, and this time the grace period runs out.
    lifecycle.request_deletion(organization=organization, confirm_subdomain="delme")
    removed = lifecycle.purge_expired_deletions(now=timezone.now() + datetime.timedelta(days=15))
    assert removed == ["delme"]
    assert not Organization.objects.filter(schema_name="delme").exists()
    assert not Domain.objects.filter(domain="delme.example.test").exists()
    assert not schema_exists("delme")
    assert not list(archive.iterdir())


def test_restore_refuses_an_active_organization(alpha):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        lifecycle.restore_organization(organization=alpha)


def test_pg_dump_matches_the_server(db):
    folder = lifecycle.pg_bin_dir()
    assert lifecycle._major(str(folder / "pg_dump")) == lifecycle._server_major()


def test_staff_restore_by_command_and_beat_purges_schema_domains_and_files(
    committed, settings, local_storages, tmp_path
):
    from shared_apps.signup.services import sign_up_organization
    from tenant_apps.console.tasks import purge_expired_deletions

    committed["subdomains"].add("gone")
    committed["emails"].add("owner@gone.test")
    sign_up_organization(
        name="Gone Soon", subdomain="gone", owner_email="owner@gone.test", owner_password=PASSWORD
    )
    connection.set_schema_to_public()
    organization = Organization.objects.get(schema_name="gone")
    with tenant_context(organization):
        default_storage.save("forum/photo.jpg", ContentFile(b"photo"))
        storages["private"].save("tickets/ticket.pdf", ContentFile(b"%PDF-ticket"))

    lifecycle.request_deletion(organization=organization, confirm_subdomain="gone")
    assert purge_expired_deletions.apply().get() == []  # within the grace period
    call_command("restore_organization", subdomain="gone")
    organization.refresh_from_db()
    assert organization.status == "active" and schema_exists("gone")
    assert len(list(iter_tenant_files("gone"))) == 2  # the files waited with the dump

    settings.TENANT_DELETION_GRACE_DAYS = 0
    lifecycle.request_deletion(organization=organization, confirm_subdomain="gone")
    assert purge_expired_deletions.apply().get() == ["gone"]
    assert not Organization.objects.filter(schema_name="gone").exists()
    assert not Domain.objects.filter(domain__startswith="gone.").exists()
    assert not schema_exists("gone")
    assert list(iter_tenant_files("gone")) == []
    assert not (tmp_path / "media" / "gone").exists()
    assert not (tmp_path / "private" / "gone").exists()
    with pytest.raises(Exception, match="No organization"):
        call_command("restore_organization", subdomain="gone")


def test_deletion_keeps_its_dump_in_the_private_bucket_not_on_the_containers_disk(
    committed, settings, s3_storages
):
    """The container's disk is read-only and goes with the task: the dump must outlive both."""
    from shared_apps.signup.services import sign_up_organization

    committed["subdomains"].add("sthree")
    committed["emails"].add("owner@sthree.test")
    sign_up_organization(
        name="S Three", subdomain="sthree", owner_email="owner@sthree.test", owner_password=PASSWORD
    )
    connection.set_schema_to_public()
    organization = Organization.objects.get(schema_name="sthree")
    lifecycle.request_deletion(organization=organization, confirm_subdomain="sthree")
    listed = s3_storages.list_objects_v2(Bucket=s3_storages.private_bucket)
    sizes = {obj["Key"]: obj["Size"] for obj in listed.get("Contents", [])}
    assert set(sizes) == {
        "public/private/deletions/sthree.dump",
        "public/private/deletions/sthree.json",
    }
    assert sizes["public/private/deletions/sthree.dump"] > 0
    assert [record["schema"] for record in lifecycle.deletion_records()] == ["sthree"]

    lifecycle.restore_organization(organization=organization)
    assert schema_exists("sthree") and lifecycle.deletion_records() == []
    assert not s3_storages.list_objects_v2(Bucket=s3_storages.private_bucket).get("Contents")
