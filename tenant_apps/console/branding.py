"""Branding: the site's settings, validated and saved by `update_site_settings`, and given to
every tenant page as the `branding` context (base.html reads it)."""

import io
import uuid
import zoneinfo

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from PIL import Image

from core.uploads import validate_image
from tenant_apps.console.audit import log_action
from tenant_apps.console.models import SiteSettings

CACHE_KEY = "console:site-settings"
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("fr", "Français"),
    ("it", "Italiano"),
    ("nl", "Nederlands"),
    ("pl", "Polski"),
    ("pt", "Português"),
    ("sv", "Svenska"),
    ("da", "Dansk"),
    ("fi", "Suomi"),
    ("nb", "Norsk bokmål"),
    ("ja", "日本語"),
]
CURRENCIES = [
    "EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF",
    "CAD", "AUD", "NZD", "JPY", "CNY", "INR", "BRL", "MXN", "ZAR", "SGD",
]  # fmt: skip
# Accents too close to white leave primary buttons without a visible edge (docs/design.md).
MAX_ACCENT_LUMINANCE = 0.85


def logo_max_bytes() -> int:
    return int(getattr(settings, "CONSOLE_LOGO_MAX_BYTES", 1024 * 1024))


def site_settings() -> SiteSettings:
    cached = cache.get(CACHE_KEY)
    if cached is None:
        cached = SiteSettings.objects.filter(pk=1).first() or SiteSettings(pk=1)
        cache.set(CACHE_KEY, cached, 3600)
    return cached


def _luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def clean_accent(value: str) -> str:
    value = (value or "").strip().lower()
    if not value:
        return ""
    if len(value) != 7 or value[0] != "#" or any(c not in "0123456789abcdef" for c in value[1:]):
        raise ValidationError({"accent_color": ["Use a colour like #0e7490."]})
    if _luminance(value) > MAX_ACCENT_LUMINANCE:
        raise ValidationError(
            {"accent_color": ["This colour is too light to see on a white page."]}
        )
    return value


def clean_logo(upload) -> tuple[bytes, str]:
    """The logo's bytes and extension, checked by content (not by name or declared type) and
    re-encoded by core.uploads: orientation applied, EXIF (GPS position and all) dropped."""
    if upload.size > logo_max_bytes():
        raise ValidationError(
            {"logo": [f"The logo is too large; the limit is {logo_max_bytes() // 1024} KB."]}
        )
    try:
        image = validate_image(upload, max_bytes=logo_max_bytes(), max_pixels=4096 * 4096)
    except ValidationError as error:
        if error.code == "storage_limit":
            raise ValidationError({"logo": error.messages}) from None
        if error.code == "image_too_large":
            raise ValidationError(
                {"logo": ["Use an image of at most 4096 by 4096 pixels."]}
            ) from None
        raise ValidationError({"logo": ["Upload a PNG, JPEG, GIF or WebP image."]}) from None
    data = image.read()
    with Image.open(io.BytesIO(data)) as decoded:
        if decoded.width > 4096 or decoded.height > 4096:
            raise ValidationError({"logo": ["Use an image of at most 4096 by 4096 pixels."]})
    return data, image.name.rsplit(".", 1)[-1]


def update_site_settings(
    *, acting_user, logo=None, remove_logo: bool = False, **values
) -> SiteSettings:
    """Validate and save the branding; `logo` is an uploaded file (checked by content and size)."""
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for field, limit in (("site_name", 100), ("tagline", 200)):
        text = (values.get(field) or "").strip()
        if len(text) > limit:
            errors[field] = [f"Use at most {limit} characters."]
        cleaned[field] = text
    try:
        cleaned["accent_color"] = clean_accent(values.get("accent_color", ""))
    except ValidationError as error:
        errors.update(error.message_dict)
    tz = values.get("timezone") or "UTC"
    if tz not in zoneinfo.available_timezones():
        errors["timezone"] = ["Choose a time zone from the list, e.g. Europe/Paris."]
    cleaned["timezone"] = tz
    language = values.get("language") or "en"
    if language not in dict(LANGUAGES):
        errors["language"] = ["Choose a language from the list."]
    cleaned["language"] = language
    currency = (values.get("currency") or "EUR").upper()
    if currency not in CURRENCIES:
        errors["currency"] = ["Choose a currency from the list."]
    cleaned["currency"] = currency
    logo_data = None
    if logo is not None:
        try:
            logo_data = clean_logo(logo)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = SiteSettings.objects.select_for_update().filter(pk=1).first() or SiteSettings(
            pk=1
        )
        before = {f: getattr(current, f) for f in (*cleaned, "logo")}
        old_logo = current.logo
        for field, value in cleaned.items():
            setattr(current, field, value)
        if logo_data is not None:
            data, extension = logo_data
            current.logo = default_storage.save(
                f"console/logo-{uuid.uuid4().hex}.{extension}", ContentFile(data)
            )
        elif remove_logo:
            current.logo = ""
        current.save()
        after = {f: getattr(current, f) for f in (*cleaned, "logo")}
        if before != after:
            log_action(
                acting_user=acting_user,
                action="branding.changed",
                target="site settings",
                before=before,
                after=after,
            )
        transaction.on_commit(lambda: cache.delete(CACHE_KEY))
        if old_logo and old_logo != current.logo:
            transaction.on_commit(lambda: default_storage.delete(old_logo))
    cache.delete(CACHE_KEY)
    return current


def branding_context(request, organization) -> dict:
    current = site_settings()
    version = int(current.updated_at.timestamp()) if current.updated_at else 0
    return {
        "branding": {
            "site_name": current.site_name or organization.name,
            "tagline": current.tagline,
            "logo_url": reverse("console:logo", args=[version]) if current.logo else "",
            "stylesheet_url": reverse("console:branding_css", args=[version])
            if current.accent_color
            else "",
            "language": current.language,
            "timezone": current.timezone,
            "currency": current.currency,
        }
    }
