"""Uploads are judged by their content: type, size, pixels; images come back clean."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.uploads import validate_image, validate_upload

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def image_bytes(size=(40, 20), image_format="JPEG", exif=None, mode="RGB") -> bytes:
    buffer = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    Image.new(mode, size, "red" if mode == "RGB" else 1).save(buffer, image_format, **options)
    return buffer.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def exif_with_gps_and_rotation():
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # the camera was turned: show rotated 90° clockwise
    exif[0x010F] = "Camera maker"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2], gps[3], gps[4] = "N", (52.0, 22.0, 1.5), "E", (4.0, 53.0, 2.0)
    return exif


def test_a_valid_photo_comes_back_reencoded_with_its_real_extension():
    cleaned = validate_image(upload("holiday.jpeg", image_bytes()), max_bytes=10**6)
    assert cleaned.name == "holiday.jpg"
    with Image.open(cleaned) as image:
        assert image.format == "JPEG" and image.size == (40, 20)


def test_exif_location_is_stripped_and_orientation_applied():
    original = image_bytes(size=(40, 20), exif=exif_with_gps_and_rotation())
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(GPS_IFD)  # the fixture really carries a location
    cleaned = validate_image(upload("phone.jpg", original), max_bytes=10**6)
    with Image.open(cleaned) as image:
        exif = image.getexif()
        assert GPS_IFD not in exif and not exif.get_ifd(GPS_IFD)
        assert ORIENTATION not in exif
        assert image.size == (20, 40)  # turned upright: width and height swapped
    cleaned.seek(0)
    assert b"Camera maker" not in cleaned.read()  # no EXIF at all is written back


def test_png_and_webp_are_accepted_and_keep_their_format():
    for image_format, extension in (("PNG", "png"), ("WEBP", "webp"), ("GIF", "gif")):
        cleaned = validate_image(upload("x.bin", image_bytes(image_format=image_format)))
        assert cleaned.name == f"x.{extension}"


def test_a_file_that_is_not_an_image_is_refused_whatever_its_name():
    fake = upload("cat.png", b"<html><script>alert(1)</script></html>", "image/png")
    with pytest.raises(ValidationError) as refused:
        validate_image(fake, max_bytes=10**6)
    assert refused.value.code == "not_an_image"
    assert "not an image" in refused.value.messages[0]


def test_a_truncated_image_is_refused():
    data = image_bytes(size=(400, 400), image_format="PNG")
    with pytest.raises(ValidationError) as refused:
        validate_image(upload("half.png", data[: len(data) // 2]))
    assert refused.value.code == "not_an_image"


def test_a_too_large_file_is_refused_before_decoding():
    with pytest.raises(ValidationError) as refused:
        validate_image(upload("big.jpg", image_bytes()), max_bytes=100)
    assert refused.value.code == "file_too_large"
    assert "too large" in refused.value.messages[0] and "100" in refused.value.messages[0]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as refused:
        validate_upload(upload("empty.pdf", b""), kinds={"pdf"})
    assert refused.value.code == "empty"


def test_a_decompression_bomb_is_refused():
    # 20000 x 20000 pixels (400 megapixels) in a 50 kB PNG: Pillow's own guard fires.
    bomb = image_bytes(size=(20000, 20000), image_format="PNG", mode="1")
    assert len(bomb) < 100_000
    with pytest.raises(ValidationError) as refused:
        validate_image(upload("bomb.png", bomb), max_bytes=10**6)
    assert refused.value.code == "image_too_large"


def test_an_image_over_the_pixel_limit_is_refused():
    with pytest.raises(ValidationError) as refused:
        validate_image(
            upload("wide.png", image_bytes(size=(200, 200), image_format="PNG")), max_pixels=10_000
        )
    assert refused.value.code == "image_too_large"
    assert "40,000" in refused.value.messages[0]


def test_validate_upload_accepts_the_kinds_asked_for():
    pdf = validate_upload(upload("ticket.PDF", b"%PDF-1.7\n..."), kinds={"pdf"}, max_bytes=10**6)
    assert pdf.name == "ticket.pdf" and pdf.read().startswith(b"%PDF-")
    photo = validate_upload(upload("p.jpg", image_bytes()), kinds={"image", "pdf"})
    assert photo.name == "p.jpg"
    csv = validate_upload(upload("list.csv", b"name,qty\nflour,2\n"), kinds={"csv"})
    assert csv.name == "list.csv"


def test_validate_upload_refuses_a_type_not_asked_for():
    with pytest.raises(ValidationError) as refused:
        validate_upload(upload("archive.zip", b"PK\x03\x04rest"), kinds={"image", "pdf"})
    assert refused.value.code == "unsupported_type"
    assert refused.value.messages == [
        "This type of file is not accepted here; upload an image or a PDF."
    ]
    with pytest.raises(ValidationError):
        validate_upload(upload("program.exe", b"MZ\x90\x00\x03\x00\x00\x00"), kinds={"pdf"})


def test_validate_upload_refuses_a_fake_extension():
    with pytest.raises(ValidationError) as refused:
        validate_upload(upload("photo.jpg", b"%PDF-1.4 not a photo"), kinds={"image", "pdf"})
    assert refused.value.code == "extension_mismatch"
    assert refused.value.messages == ["The file is named .jpg but its content is a PDF."]
    with pytest.raises(ValidationError) as refused:
        validate_upload(upload("invoice.pdf", image_bytes()), kinds={"image", "pdf"})
    assert refused.value.code == "extension_mismatch"


def test_validate_upload_refuses_a_too_large_file():
    with pytest.raises(ValidationError) as refused:
        validate_upload(upload("t.pdf", b"%PDF-" + b"0" * 2000), kinds={"pdf"}, max_bytes=1000)
    assert refused.value.code == "file_too_large"


def test_validate_upload_rejects_unknown_kinds_as_a_programming_error():
    with pytest.raises(ValueError):
        validate_upload(upload("t.pdf", b"%PDF-"), kinds={"spreadsheet"})
