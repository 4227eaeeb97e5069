import logging

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tenants.context import tenant_context


def test_one_tenant_cannot_read_anothers_cache_entries(alpha, beta):
    with tenant_context(alpha):
        cache.set("greeting", "alpha's secret")
        assert cache.get("greeting") == "alpha's secret"
    with tenant_context(beta):
        assert cache.get("greeting") is None
        cache.set("greeting", "beta's own")
    with tenant_context(alpha):
        assert cache.get("greeting") == "alpha's secret"
        cache.delete("greeting")
    with tenant_context(beta):
        cache.delete("greeting")


def test_file_paths_carry_the_schema_and_other_tenants_cannot_reach_them(
    alpha, beta, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    default_storage.__dict__.pop("base_location", None)
    with tenant_context(alpha):
        name = default_storage.save("docs/plan.txt", ContentFile(b"alpha plan"))
        assert default_storage.path(name).startswith(str(tmp_path / "alpha"))
        assert default_storage.url(name).startswith("/media/alpha/")
        assert default_storage.open(name).read() == b"alpha plan"
    with tenant_context(beta):
        assert not default_storage.exists(name)
        with pytest.raises(FileNotFoundError):
            default_storage.open(name)
        with pytest.raises(Exception):
            default_storage.path("../alpha/" + name)
    default_storage.__dict__.pop("base_location", None)


def test_log_records_carry_the_tenant(alpha, caplog):
    from tenants.logging import TenantContextFilter

    logger = logging.getLogger("tests.isolation")
    logger.addFilter(TenantContextFilter())
    try:
        with caplog.at_level(logging.INFO, logger="tests.isolation"), tenant_context(alpha):
            logger.info("hello")
        with caplog.at_level(logging.INFO, logger="tests.isolation"):
            logger.info("from public")
    finally:
        logger.filters.clear()
    assert [r.tenant for r in caplog.records] == ["alpha", "public"]


def test_media_is_served_only_from_the_requesting_tenants_folder(
    alpha, beta, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "alpha").mkdir()
    (tmp_path / "alpha" / "a.txt").write_text("alpha file")
    assert client_for(alpha).get("/media/alpha/a.txt").status_code == 200
    assert client_for(beta).get("/media/alpha/a.txt").status_code == 404
    assert client_for(beta).get("/media/beta/../alpha/a.txt").status_code in (400, 404)


def test_file_names_that_guess_another_tenants_folder_are_refused(alpha, beta, settings, tmp_path):
    from django.core.exceptions import SuspiciousFileOperation

    settings.MEDIA_ROOT = str(tmp_path)
    default_storage.__dict__.pop("base_location", None)
    with tenant_context(alpha):
        name = default_storage.save("docs/plan.txt", ContentFile(b"alpha plan"))
    with tenant_context(beta):
        for guess in (f"../alpha/{name}", f"/alpha/{name}", f"alpha/{name}", f"..\\alpha\\{name}"):
            with pytest.raises(SuspiciousFileOperation):
                default_storage.open(guess)
            with pytest.raises(SuspiciousFileOperation):
                default_storage.save(guess, ContentFile(b"overwrite attempt"))
        with pytest.raises(SuspiciousFileOperation):
            default_storage.save("private/ticket.pdf", ContentFile(b"%PDF-"))
        # Names are relative to beta's folder: a folder named like an app is fine.
        assert default_storage.save("recipes/x.txt", ContentFile(b"b")) == "recipes/x.txt"
    with tenant_context(alpha):
        assert default_storage.open(name).read() == b"alpha plan"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alpha", "beta"]
    default_storage.__dict__.pop("base_location", None)
