"""Uploads stop at the plan's storage: a file that would take the site over is refused with the
way to upgrade; what is stored already stays."""

import io

import fakes.s3_server as fake_s3
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.errors import PaymentRequired
from core.uploads import (
    ensure_storage_available,
    forget_storage_used,
    storage_used,
    validate_image,
    validate_upload,
)
from shared_apps.billing import entitlements
from shared_apps.billing.models import Plan
from tenants.context import tenant_context

s3_server = fake_s3.s3_server
s3_storages = fake_s3.s3_storages


def png(size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def storage_limit(alpha, beta):
    """storage_limit(n): the Free plan (alpha's and beta's) allows n bytes."""

    def forget():
        for organization in (alpha, beta):
            entitlements.invalidate(organization)
            with tenant_context(organization):
                forget_storage_used()

    def set_limit(limit):
        Plan.objects.filter(key="free").update(storage_bytes=limit)
        forget()

    forget()
    yield set_limit
    forget()


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


def test_an_upload_over_the_plans_storage_is_refused(alpha, local_storages, storage_limit):
    storage_limit(1000)
    with tenant_context(alpha):
        default_storage.save("forum/old.bin", ContentFile(b"x" * 900))
        storages["private"].save("tickets/t.pdf", ContentFile(b"%PDF-" + b"y" * 50))
        assert storage_used(alpha) == 955
        with pytest.raises(ValidationError) as refused:
            validate_upload(SimpleUploadedFile("a.txt", b"z" * 100), kinds={"text"})
        assert refused.value.code == "storage_limit"
        assert "Upgrade the plan" in refused.value.messages[0]
        assert "/billing/" in refused.value.messages[0]
        with pytest.raises(ValidationError) as refused:
            validate_image(SimpleUploadedFile("p.png", png()))
        assert refused.value.code == "storage_limit"
        with pytest.raises(PaymentRequired) as payment:
            ensure_storage_available(adding=100)
        assert payment.value.status_code == 402
        assert payment.value.extra["upgrade_url"] == "/billing/"
        # Room for a small file is still there; what is stored stays readable.
        assert validate_upload(SimpleUploadedFile("b.txt", b"ok"), kinds={"text"})
        assert default_storage.open("forum/old.bin").read() == b"x" * 900


def test_files_over_the_limit_after_a_downgrade_stay(alpha, local_storages, storage_limit):
    with tenant_context(alpha):
        default_storage.save("forum/big.bin", ContentFile(b"x" * 5000))
        storage_limit(100)
        assert default_storage.exists("forum/big.bin")
        with pytest.raises(PaymentRequired):
            ensure_storage_available(adding=1)


def test_an_unlimited_plan_has_no_storage_limit(alpha, local_storages, storage_limit):
    storage_limit(None)
    with tenant_context(alpha):
        ensure_storage_available(adding=10**15)


def test_the_public_site_has_no_storage_limit(db, storage_limit):
    storage_limit(1)
    ensure_storage_available(adding=10**6)  # no tenant: nothing to count against


def test_beta_is_not_counted_against_alphas_files(alpha, beta, local_storages, storage_limit):
    storage_limit(1000)
    with tenant_context(alpha):
        default_storage.save("forum/full.bin", ContentFile(b"x" * 999))
    with tenant_context(beta):
        assert storage_used(beta) == 0
        validate_upload(SimpleUploadedFile("b.txt", b"z" * 500), kinds={"text"})


def test_s3_storage_is_counted_from_the_tenants_own_keys(alpha, beta, s3_storages, storage_limit):
    storage_limit(1000)
    with tenant_context(beta):
        default_storage.save("forum/beta.bin", ContentFile(b"b" * 900))
    with tenant_context(alpha):
        default_storage.save("forum/alpha.bin", ContentFile(b"a" * 600))
        assert storage_used(alpha) == 600
        with pytest.raises(PaymentRequired):
            ensure_storage_available(adding=500)
