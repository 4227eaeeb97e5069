"""Uploads are checked by what they contain, never by their name or the browser's content type.

    photo = validate_image(request.FILES["photo"], max_bytes=5 * 1024**2)
    default_storage.save(f"recipes/photos/{photo.name}", photo)

    ticket = validate_upload(upload, kinds={"pdf", "image"}, max_bytes=10 * 1024**2)

Both raise django.core.exceptions.ValidationError with a message meant for the person who
uploaded the file, and return a new ContentFile to store (images re-encoded: orientation
applied, EXIF location and other metadata beyond the basics dropped). On a tenant site both
also refuse a file that would take the site over its plan's storage (code "storage_limit");
`ensure_storage_available` is the same check raising PaymentRequired (402) for code that wants
the plan refusal itself."""

from __future__ import annotations

import io
import os
import warnings

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import PaymentRequired

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
EXTENSIONS = {
    "image": {"jpg", "jpeg", "png", "gif", "webp"},
    "pdf": {"pdf"},
    "text": {"txt", "md"},
    "csv": {"csv"},
    "zip": {"zip"},
}
KINDS = frozenset(EXTENSIONS)
KIND_LABELS = {"image": "an image", "pdf": "a PDF", "text": "a text file", "csv": "a CSV file"}
KIND_LABELS["zip"] = "a ZIP archive"
DEFAULT_EXTENSION = {"pdf": "pdf", "text": "txt", "csv": "csv", "zip": "zip"}


def _size_of(file) -> int:
    size = getattr(file, "size", None)
    if size is None:
        position = file.tell()
        file.seek(0, os.SEEK_END)
        size = file.tell()
        file.seek(position)
    return size


def _check_size(file, max_bytes: int) -> None:
    size = _size_of(file)
    if size == 0:
        raise ValidationError("The file is empty.", code="empty")
    if size > max_bytes:
        raise ValidationError(
            "The file is too large (%(size)s); the limit is %(limit)s.",
            code="file_too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
        )


# --- The plan's storage limit ------------------------------------------------------------------

_USED_KEY = "uploads:storage-used"  # the cache prefixes it with the tenant's schema
_USED_SECONDS = 60


def storage_used(organization) -> int:
    """Bytes the tenant stores (public and private files), recounted at most once a minute:
    listing a bucket on every upload would cost more than the upload."""
    from tenants.storage import iter_tenant_files

    used = cache.get(_USED_KEY)
    if used is None:
        used = sum(stored.size for stored in iter_tenant_files(organization.schema_name))
        cache.set(_USED_KEY, used, _USED_SECONDS)
    return used


def forget_storage_used() -> None:
    """Recount on the next check (after deleting files, or in tests)."""
    cache.delete(_USED_KEY)


def ensure_storage_available(*, adding: int, organization=None) -> None:
    """Refuse (PaymentRequired, 402, with the upgrade link) a file of `adding` bytes that would
    take the current tenant over its plan's storage. Files already over after a downgrade stay;
    only new ones are refused. No tenant (the public site): no limit."""
    from shared_apps.billing import entitlements
    from tenants.context import current_organization

    organization = organization or current_organization()
    if organization is None:
        return
    limit = entitlements.limit_for(organization, "storage_bytes")
    if limit is None:
        return
    used = storage_used(organization)
    if used + adding > limit:
        raise PaymentRequired(
            f"This site's storage is full: it uses {filesizeformat(used)} of the "
            f"{filesizeformat(limit)} its plan allows. Upgrade the plan or remove files.",
            extra={"resource": "storage_bytes", "limit": limit, "upgrade_url": "/billing/"},
        )


def _check_storage(file) -> None:
    try:
        ensure_storage_available(adding=_size_of(file))
    except PaymentRequired as refused:
        raise ValidationError(
            "%(message)s (%(upgrade_url)s)",
            code="storage_limit",
            params={"message": refused.message, "upgrade_url": refused.extra["upgrade_url"]},
        ) from None


def _read_all(file) -> bytes:
    file.seek(0)
    data = file.read()
    file.seek(0)
    return data


def _extension(name: str | None) -> str:
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def _stem(name: str | None) -> str:
    stem = os.path.splitext(os.path.basename((name or "").replace("\\", "/")))[0]
    return stem or "file"


def validate_image(file, *, max_bytes: int | None = None, max_pixels: int | None = None):
    """Decode `file` as a JPEG, PNG, GIF or WebP image and return it re-encoded as a ContentFile
    named "<stem>.<real extension>": EXIF orientation applied, GPS data and other metadata
    dropped. Refuses non-images, files over `max_bytes`, images over `max_pixels` (decompression
    bombs), images that do not decode completely, and files over the plan's storage."""
    max_bytes = max_bytes or settings.IMAGE_MAX_BYTES
    _check_size(file, max_bytes)
    _check_storage(file)
    return _image(file, max_bytes=max_bytes, max_pixels=max_pixels)


def _image(file, *, max_bytes: int, max_pixels: int | None):
    max_pixels = max_pixels or settings.IMAGE_MAX_PIXELS
    data = _read_all(file)
    not_an_image = ValidationError(
        "This file is not an image we can read (JPEG, PNG, GIF or WebP).", code="not_an_image"
    )
    too_many_pixels = ValidationError(
        "The image is too large (%(pixels)s pixels); the limit is %(limit)s pixels.",
        code="image_too_large",
        params={"pixels": "?", "limit": f"{max_pixels:,}"},
    )
    try:
        with warnings.catch_warnings():
            # Pillow warns above MAX_IMAGE_PIXELS and raises at twice that; our own limit below
            # is the one that counts, so both become a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in IMAGE_FORMATS:
                raise not_an_image
            frames = getattr(image, "n_frames", 1)
            pixels = image.width * image.height * frames
            if pixels > max_pixels:
                too_many_pixels.params["pixels"] = f"{pixels:,}"
                raise too_many_pixels
            image.load()
            return _reencode(image, name=getattr(file, "name", None))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_many_pixels from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise not_an_image from error


def _reencode(image: Image.Image, *, name: str | None) -> ContentFile:
    image_format = image.format
    animated = getattr(image, "is_animated", False)
    if not animated:
        # Rotates the pixels as the EXIF orientation says, so no orientation tag is needed.
        image = ImageOps.exif_transpose(image)
    # No EXIF, XMP or comments are written back: they carry GPS positions, camera serial
    # numbers and the like. The colour profile is kept so that colours do not shift.
    options: dict = {}
    if image.info.get("icc_profile") and image_format in ("JPEG", "PNG", "WEBP"):
        options["icc_profile"] = image.info["icc_profile"]
    if image_format == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        options.update(quality=90, optimize=True)
    elif image_format == "GIF" and animated:
        options.update(save_all=True, loop=image.info.get("loop", 0))
    elif image_format == "WEBP":
        options.update(quality=90, save_all=animated)
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return ContentFile(buffer.getvalue(), name=f"{_stem(name)}.{IMAGE_FORMATS[image_format]}")


def _detect_kind(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if data[:8] == b"\x89PNG\r\n\x1a\n" or data[:3] == b"\xff\xd8\xff":
        return "image"
    if data[:6] in (b"GIF87a", b"GIF89a") or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return "image"
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text"


def validate_upload(file, *, kinds=frozenset({"image", "pdf"}), max_bytes: int | None = None):
    """Check `file` is one of `kinds` ("image", "pdf", "text", "csv", "zip") by its content and
    that its name's extension agrees; return a ContentFile to store (images re-encoded as by
    validate_image). Refuses other content, names that claim another type, and files over
    `max_bytes` or the plan's storage."""
    unknown = set(kinds) - KINDS
    if unknown or not kinds:
        raise ValueError(f"Unknown upload kinds: {sorted(unknown)}; use some of {sorted(KINDS)}.")
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    _check_size(file, max_bytes)
    _check_storage(file)
    data = _read_all(file)
    name = getattr(file, "name", None)
    allowed = " or ".join(KIND_LABELS[k] for k in sorted(kinds))
    detected = _detect_kind(data)
    if detected == "text" and "csv" in kinds and _extension(name) == "csv":
        detected = "csv"
    if detected is None or detected not in kinds:
        raise ValidationError(
            "This type of file is not accepted here; upload %(allowed)s.",
            code="unsupported_type",
            params={"allowed": allowed},
        )
    extension = _extension(name)
    if extension and extension not in EXTENSIONS[detected]:
        raise ValidationError(
            "The file is named .%(extension)s but its content is %(kind)s.",
            code="extension_mismatch",
            params={"extension": extension, "kind": KIND_LABELS[detected]},
        )
    if detected == "image":
        return _image(file, max_bytes=max_bytes, max_pixels=None)
    extension = extension or DEFAULT_EXTENSION[detected]
    return ContentFile(data, name=f"{_stem(name)}.{extension}")
