"""Media storage: local per-tenant folders by default, S3 when AWS_STORAGE_BUCKET_NAME is set.

Imported at the end of base.py, so STORAGES here replaces base.py's. See docs/media.md."""

from config.settings.env import BASE_DIR, env, env_int

AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", "")
# Private files (tickets, exports, attachments); the media bucket when unset.
AWS_PRIVATE_STORAGE_BUCKET_NAME = env("AWS_PRIVATE_STORAGE_BUCKET_NAME", "")
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", "us-east-1")
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL")  # tests: moto's server on loopback
AWS_S3_CUSTOM_DOMAIN = env("AWS_S3_CUSTOM_DOMAIN")  # CloudFront, public media only
AWS_S3_SIGNATURE_VERSION = "s3v4"
AWS_S3_FILE_OVERWRITE = False
AWS_DEFAULT_ACL = None  # the bucket policy decides, not per-object ACLs
AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "max-age=86400"}

# Local private files live outside MEDIA_ROOT, so /media/ can never serve them.
PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / ".data" / "private-media"))

# Upload limits apps pass to core.uploads (each use may choose smaller ones).
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024**2)
IMAGE_MAX_BYTES = env_int("IMAGE_MAX_BYTES", 10 * 1024**2)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)

if AWS_STORAGE_BUCKET_NAME:
    _media = {"BACKEND": "tenants.storage.TenantS3Storage"}
    _private = {"BACKEND": "tenants.storage.TenantPrivateS3Storage"}
else:
    _media = {"BACKEND": "tenants.storage.TenantFileSystemStorage"}
    _private = {"BACKEND": "tenants.storage.TenantPrivateFileSystemStorage"}

STORAGES = {
    "default": _media,
    "private": _private,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
