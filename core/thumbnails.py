"""Thumbnails of public images in the sizes pages use, made in the background.

    {{ recipe.image.name|... }}  ->  thumbnail_url(recipe.image.name, "medium")

A thumbnail is a WebP fitting a square box (SIZES), stored beside the tenant's media under
"thumbnails/<size>/<name>.webp". Until the task has made it, thumbnail_url() answers with the
original's URL and queues the task once; make_thumbnails is idempotent."""

from __future__ import annotations

import io
import warnings

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image, ImageOps

# Size name -> longest side in pixels: small for lists and avatars, medium for cards, large for
# a page's main picture.
SIZES = {"small": 160, "medium": 480, "large": 1200}
_READY_SECONDS = 24 * 3600


def thumbnail_name(name: str, size: str) -> str:
    if size not in SIZES:
        raise ValueError(f"Unknown thumbnail size {size!r}; use one of {sorted(SIZES)}.")
    return f"thumbnails/{size}/{name}.webp"


def _ready_key(name: str) -> str:
    return f"thumbnails:ready:{name}"


def thumbnail_url(name: str, size: str) -> str:
    """URL of the `size` thumbnail of the current tenant's image `name`; the original's URL
    (and the task queued) while the thumbnail does not exist yet; "" for no image (a blank
    ImageField), so templates can test it."""
    if not name:
        thumbnail_name("", size)  # an unknown size is still a programming error
        return ""
    thumb = thumbnail_name(name, size)
    if cache.get(_ready_key(name)):
        return default_storage.url(thumb)
    if default_storage.exists(thumb):
        cache.set(_ready_key(name), True, _READY_SECONDS)
        return default_storage.url(thumb)
    request_thumbnails(name, now=True)
    return default_storage.url(name)


def request_thumbnails(name: str, *, now: bool = False) -> None:
    """Queue make_thumbnails for `name` (after the current transaction commits, unless `now`);
    queued at most once a minute per image."""
    from core.tasks import make_thumbnails

    def queue():
        if cache.add(f"thumbnails:queued:{name}", True, 60):
            make_thumbnails.delay(name)

    if now:
        queue()
    else:
        transaction.on_commit(queue)


def make_thumbnails_now(name: str) -> list[str]:
    """Make every missing thumbnail of `name` in the current tenant's storage; returns the
    thumbnail names (existing ones are left as they are)."""
    names = []
    missing = [size for size in SIZES if not default_storage.exists(thumbnail_name(name, size))]
    if missing:
        with default_storage.open(name) as original, warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(original) as image:
                image = ImageOps.exif_transpose(image)
                if image.mode not in ("RGB", "RGBA"):
                    image = image.convert("RGBA" if "transparency" in image.info else "RGB")
                for size in missing:
                    copy = image.copy()
                    copy.thumbnail((SIZES[size], SIZES[size]))
                    buffer = io.BytesIO()
                    copy.save(buffer, format="WEBP", quality=82)
                    thumb = thumbnail_name(name, size)
                    if not default_storage.exists(thumb):  # a concurrent run may have won
                        default_storage.save(thumb, ContentFile(buffer.getvalue()))
    for size in SIZES:
        names.append(thumbnail_name(name, size))
    cache.set(_ready_key(name), True, _READY_SECONDS)
    return names


def delete_thumbnails(name: str) -> None:
    """Remove the thumbnails of `name` (call when the original is deleted)."""
    for size in SIZES:
        default_storage.delete(thumbnail_name(name, size))
    cache.delete(_ready_key(name))
