import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tenant_apps.console.models import AuditEntry, SiteSettings
from tenant_apps.members.models import Role
from tenants.context import tenant_context

VALID = {
    "site_name": "Alpha Makers",
    "tagline": "We make things",
    "accent_color": "#0e7490",
    "timezone": "Europe/Paris",
    "language": "fr",
    "currency": "EUR",
}


def png_bytes(size=(16, 16)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#0e7490").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def owner_client(alpha, client_for, owner_of):
    client = client_for(alpha)
    client.force_login(owner_of(alpha))
    return client


def test_branding_applies_across_the_site(alpha, owner_client, client_for):
    logo = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
    response = owner_client.post("/console/branding/", {**VALID, "logo": logo})
    assert response.status_code == 302, response.content
    visitor = client_for(alpha)
    home = visitor.get("/")
    html = home.content.decode()
    assert "Alpha Makers" in html and '<html lang="fr">' in html
    branding = home.context["branding"]
    css = visitor.get(branding["stylesheet_url"])
    assert css.status_code == 200 and css["Content-Type"].startswith("text/css")
    assert b":root{--accent:#0e7490}" in css.content
    assert "max-age=31536000" in css["Cache-Control"]
    served = visitor.get(branding["logo_url"])
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(served.content)) as stored:
        assert stored.format == "PNG" and stored.size == (16, 16)
    with tenant_context(alpha):
        assert (
            AuditEntry.objects.get(action="branding.changed").after["site_name"] == "Alpha Makers"
        )


def test_a_logo_is_checked_by_content_not_by_name(alpha, owner_client):
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = owner_client.post("/console/branding/", {**VALID, "logo": fake})
    assert (
        response.status_code == 400 and b"Upload a PNG, JPEG, GIF or WebP image" in response.content
    )
    with tenant_context(alpha):
        assert not SiteSettings.objects.exists()


def test_a_too_large_logo_is_refused(alpha, owner_client, settings):
    settings.CONSOLE_LOGO_MAX_BYTES = 100
    big = SimpleUploadedFile(
        "logo.png", png_bytes((64, 64)) + b"\0" * 200, content_type="image/png"
    )
    response = owner_client.post("/console/branding/", {**VALID, "logo": big})
    assert response.status_code == 400 and b"too large" in response.content


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("accent_color", "red", b"Use a colour like"),
        ("accent_color", "#fefefe", b"too light"),
        ("timezone", "Mars/Olympus", b"Choose a time zone"),
        ("language", "tlh", b"Select a valid choice"),
        ("currency", "XBT", b"Select a valid choice"),
    ],
)
def test_bad_branding_input_is_a_form_error(alpha, owner_client, field, value, message):
    response = owner_client.post("/console/branding/", {**VALID, field: value})
    assert response.status_code == 400 and message in response.content


def test_no_accent_no_stylesheet(alpha, client_for):
    home = client_for(alpha).get("/")
    assert home.context["branding"]["stylesheet_url"] == ""
    assert home.context["branding"]["site_name"] == "Alpha Club"


def test_beta_keeps_its_own_branding(alpha, beta, owner_client, client_for):
    owner_client.post("/console/branding/", VALID)
    home = client_for(beta).get("/")
    assert b"Alpha Makers" not in home.content
    assert home.context["branding"]["stylesheet_url"] == ""


def test_members_cannot_change_branding(alpha, client_for, member_of):
    client = client_for(alpha)
    client.force_login(member_of(alpha, role=Role.MODERATOR))
    assert client.get("/console/branding/").status_code == 403
    assert client.post("/console/branding/", VALID).status_code == 403


def test_a_logos_gps_position_is_stripped_and_its_orientation_applied(alpha, owner_client):
    """A phone photo used as logo must not publish where it was taken."""
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° to display
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}  # GPS
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "#0e7490").save(buffer, "JPEG", exif=exif)
    assert b"Exif" in buffer.getvalue()
    logo = SimpleUploadedFile("me.jpg", buffer.getvalue(), content_type="image/jpeg")
    assert owner_client.post("/console/branding/", {**VALID, "logo": logo}).status_code == 302
    served = owner_client.get(owner_client.get("/").context["branding"]["logo_url"])
    assert served["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(served.content)) as stored:
        assert stored.size == (20, 40)  # turned upright
        assert not stored.getexif().get_ifd(0x8825)
        assert 0x0112 not in stored.getexif()
