"""Thumbnails are made by the Celery task, in the tenant's own storage, once."""

import io
import time
import uuid

import fakes.s3_server as fake_s3
import pytest
from celery.contrib.testing.worker import start_worker
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from config.celery import app
from core.tasks import make_thumbnails
from core.thumbnails import SIZES, delete_thumbnails, thumbnail_name, thumbnail_url
from tenants.context import tenant_context

# Fixtures of the fake S3 (tests/fakes/s3_server.py), used by name below.
s3_server = fake_s3.s3_server
s3_storages = fake_s3.s3_storages


@pytest.fixture(scope="module")
def worker(django_db_blocker):
    # Tasks that earlier tests queued with no worker running (emails, sweeps of rows long rolled
    # back) would be run first, against data that is gone: start from this run's empty queue.
    app.control.purge()
    with (
        django_db_blocker.unblock(),
        start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
    ):
        yield


def photo(size=(1600, 900), orientation=None) -> ContentFile:
    buffer = io.BytesIO()
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    Image.new("RGB", size, "green").save(buffer, "JPEG", exif=exif)
    return ContentFile(buffer.getvalue())


def unique(name):
    return f"recipes/photos/{uuid.uuid4().hex[:8]}-{name}"


def sizes_of(names):
    result = {}
    for name in names:
        with default_storage.open(name) as handle, Image.open(handle) as image:
            result[name.split("/")[1]] = (image.format, image.size)
    return result


def test_the_task_makes_every_size_in_the_tenants_own_storage(alpha, s3_storages, worker):
    with tenant_context(alpha):
        name = default_storage.save(unique("cake.jpg"), photo((1600, 900)))
        made = make_thumbnails.delay(name).get(timeout=60)
        assert made == [thumbnail_name(name, size) for size in SIZES]
        assert sizes_of(made) == {
            "small": ("WEBP", (160, 90)),
            "medium": ("WEBP", (480, 270)),
            "large": ("WEBP", (1200, 675)),
        }
    keys = {key for key in fake_s3_keys(s3_storages) if key.startswith("alpha/thumbnails/")}
    assert len(keys) == 3


def test_the_task_is_idempotent(alpha, s3_storages, worker):
    with tenant_context(alpha):
        name = default_storage.save(unique("pie.jpg"), photo())
        first = make_thumbnails.delay(name).get(timeout=60)
        before = fake_s3_keys(s3_storages)
        second = make_thumbnails.delay(name).get(timeout=60)
    assert first == second
    assert fake_s3_keys(s3_storages) == before  # nothing saved twice under another name


def test_thumbnails_follow_the_photos_orientation(alpha, s3_storages, worker):
    with tenant_context(alpha):
        name = default_storage.save(unique("turned.jpg"), photo((1600, 900), orientation=6))
        made = make_thumbnails.delay(name).get(timeout=60)
        assert sizes_of(made)["small"] == ("WEBP", (90, 160))


def test_thumbnail_url_answers_the_original_until_the_task_has_run(alpha, s3_storages, worker):
    with tenant_context(alpha):
        name = default_storage.save(unique("bread.jpg"), photo())
        assert thumbnail_url(name, "medium") == default_storage.url(name)  # task queued
        deadline = time.monotonic() + 60
        # Wait for every size: the task must be finished before the test's bucket goes away.
        while not all(default_storage.exists(thumbnail_name(name, size)) for size in SIZES):
            assert time.monotonic() < deadline, "the thumbnail task never ran"
            time.sleep(0.2)
        assert thumbnail_url(name, "medium") == default_storage.url(thumbnail_name(name, "medium"))
        delete_thumbnails(name)
        assert not default_storage.exists(thumbnail_name(name, "small"))


def test_another_tenant_has_no_thumbnails_of_alphas_photo(alpha, beta, s3_storages, worker):
    with tenant_context(alpha):
        name = default_storage.save(unique("secret.jpg"), photo())
        make_thumbnails.delay(name).get(timeout=60)
    with tenant_context(beta):
        assert not default_storage.exists(thumbnail_name(name, "small"))
        with pytest.raises(FileNotFoundError):
            make_thumbnails.apply(args=[name]).get()


def test_an_unknown_size_or_a_bad_name_is_refused(alpha, s3_storages):
    with pytest.raises(ValueError):
        thumbnail_name("a.jpg", "huge")
    with pytest.raises(ValueError):
        thumbnail_url("", "huge")
    assert thumbnail_url("", "small") == ""  # a blank ImageField
    with tenant_context(alpha), pytest.raises(SuspiciousFileOperation):
        thumbnail_url("../beta/a.jpg", "small")


def fake_s3_keys(client):
    response = client.list_objects_v2(Bucket=client.media_bucket)
    return sorted(obj["Key"] for obj in response.get("Contents", []))
