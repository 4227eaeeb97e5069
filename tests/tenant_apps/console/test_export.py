import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from shared_apps.accounts.models import User
from tenant_apps.console import export
from tenant_apps.console.branding import update_site_settings
from tenant_apps.console.models import AuditEntry, ExportJob, SiteSettings
from tenant_apps.members.models import Member, Role
from tenants.context import tenant_context
from tenants.models import Organization
from tenants.storage import private_storage
from tests.conftest import PASSWORD
from tests.tenant_apps.console.test_branding import png_bytes


@pytest.fixture
def owner_client(alpha, client_for, owner_of):
    client = client_for(alpha)
    client.force_login(owner_of(alpha))
    return client


def test_owner_builds_an_export_with_progress_and_downloads_it(alpha, owner_client, member_of):
    member_of(alpha, email="exported@example.com")
    response = owner_client.post("/console/export/")
    assert response.status_code == 302
    with tenant_context(alpha):
        job = ExportJob.objects.get()
    progress = owner_client.get(f"/console/export/{job.pk}/progress/")
    assert b'hx-trigger="every 2s"' in progress.content and b"<progress" in progress.content
    again = owner_client.post("/console/export/")
    assert again.status_code == 400 and b"already being built" in again.content
    with tenant_context(alpha):
        job = export.build_export(job_id=job.pk)
    assert job.status == "done" and job.progress == 100
    done = owner_client.get(f"/console/export/{job.pk}/progress/")
    assert b"hx-trigger" not in done.content and b"Download" in done.content
    download = owner_client.get(f"/console/export/{job.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["subdomain"] == "alpha" and "members" in manifest["apps"]
    users = json.loads(archive.read("data/accounts.json"))
    assert any(row["fields"].get("email") == "exported@example.com" for row in users)
    with tenant_context(alpha):
        private_storage().delete(job.file_name)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MODERATOR, Role.MEMBER])
def test_only_owners_export(alpha, client_for, member_of, role):
    client = client_for(alpha)
    client.force_login(member_of(alpha, email=f"{role}@example.com", role=role))
    assert client.get("/console/export/").status_code == 403
    assert client.post("/console/export/").status_code == 403
    assert client.get("/console/export/1/download/").status_code == 403
    assert client.get("/console/export/1/progress/").status_code == 403


def test_beta_cannot_download_alphas_export(alpha, beta, owner_client, client_for, owner_of):
    owner_client.post("/console/export/")
    with tenant_context(alpha):
        job = export.build_export(job_id=ExportJob.objects.get().pk)
    client = client_for(beta)
    client.force_login(owner_of(beta))
    assert client.get(f"/console/export/{job.pk}/download/").status_code == 404
    with tenant_context(alpha):
        private_storage().delete(job.file_name)


def test_a_bad_archive_is_refused_by_name(alpha):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        export.import_into(organization=alpha, archive_file=io.BytesIO(b"not a zip"))
    assert "archive" in error.value.message_dict


def test_export_then_import_into_a_new_organization_reproduces_the_data(committed):
    from shared_apps.accounts.services import create_account
    from shared_apps.signup.services import sign_up_organization
    from tenants.services import provision_organization

    committed["subdomains"].update({"exportsrc", "importdst"})
    committed["emails"].add("owner@exportsrc.test")
    sign_up_organization(
        name="Export Source",
        subdomain="exportsrc",
        owner_email="owner@exportsrc.test",
        owner_password=PASSWORD,
    )
    connection.set_schema_to_public()
    source = Organization.objects.get(schema_name="exportsrc")
    with tenant_context(source):
        owner = User.objects.get(email="owner@exportsrc.test")
        member = create_account(email="kept@example.com", password=PASSWORD, name="Kept")
        Member.objects.create(user=member, role=Role.MODERATOR)
        logo = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
        update_site_settings(
            acting_user=owner,
            logo=logo,
            site_name="Exported",
            tagline="t",
            accent_color="#0e7490",
            timezone="Europe/Paris",
            language="fr",
            currency="EUR",
        )
        job = ExportJob.objects.create(requested_by=owner)
        job = export.build_export(job_id=job.pk)
        assert job.status == "done"
        with private_storage().open(job.file_name) as handle:
            data = handle.read()
        expected_users = sorted(User.objects.values_list("email", "name", "password"))
        expected_audit = sorted(AuditEntry.objects.values_list("action", "actor_email"))
        logo_name = SiteSettings.objects.get().logo
        from django.core.files.storage import default_storage

        with default_storage.open(logo_name) as handle:
            logo_bytes = handle.read()

    target = provision_organization(name="Imported", subdomain="importdst", owner=None)
    counts = export.import_into(organization=target, archive_file=io.BytesIO(data))
    assert counts["files"] >= 1
    with tenant_context(target):
        assert sorted(User.objects.values_list("email", "name", "password")) == expected_users
        assert Member.objects.get(user__email="kept@example.com").role == Role.MODERATOR
        assert Member.objects.get(user__email="owner@exportsrc.test").role == Role.OWNER
        settings_row = SiteSettings.objects.get()
        assert (settings_row.site_name, settings_row.accent_color) == ("Exported", "#0e7490")
        assert sorted(AuditEntry.objects.values_list("action", "actor_email")) == expected_audit
        from django.core.files.storage import default_storage

        with default_storage.open(settings_row.logo) as handle:
            assert handle.read() == logo_bytes
        # Sequences continue after the imported ids.
        create_account(email="after-import@example.com", password=PASSWORD)
    from tenants.storage import delete_tenant_files

    delete_tenant_files("exportsrc")
    delete_tenant_files("importdst")
