"""File storage whose every path starts with the current tenant's schema.

Two storages, each in a local and an S3 flavour (config/settings/storage.py picks):

- STORAGES["default"]: public media (images), served by a plain or CDN URL.
- STORAGES["private"]: tickets, exports, attachments; reachable only through `private_url()`,
  which hands out a short-lived presigned (S3) or signed (local) URL.

The schema is read from `django.db.connection.schema_name` at each call, so one storage object
serves every tenant. Names are always relative to the tenant's folder; names that climb out of
it (".."), absolute names, and names that start with another tenant's schema are refused.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core import signing
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection

PRIVATE_URL_SALT = "tenants.storage.private-url"
DEFAULT_PRIVATE_URL_EXPIRES = 300  # seconds
# Private files of an S3 deployment sharing one bucket live under <schema>/private/; the public
# storage refuses that folder so that a public URL can never name a private file.
PRIVATE_FOLDER = "private"
# Top-level folders apps use on purpose: a tenant whose subdomain happens to be one of these
# must not make them unusable for everyone else.
APP_FOLDERS = frozenset(
    {"forum", "tasks", "store", "recipes", "events", "links", "members", "notifications"}
    | {"console", "exports", "attachments", "tickets", "uploads", "thumbnails", "logos"}
    | {"deletions"}  # the platform's schema dumps of deleted organizations (tenants.lifecycle)
)
_SCHEMA = re.compile(r"^[a-z0-9_][a-z0-9_-]{0,62}$")


def _check_schema(schema: str) -> str:
    if not isinstance(schema, str) or not _SCHEMA.match(schema):
        raise SuspiciousFileOperation(f"{schema!r} is not a tenant schema name.")
    return schema


def _is_other_tenants_schema(segment: str) -> bool:
    from django_tenants.utils import get_tenant_model

    if segment in APP_FOLDERS or not _SCHEMA.match(segment):
        return False
    if segment == connection.schema_name:
        return True  # a full key ("<schema>/...") handed back as a name
    return get_tenant_model().objects.filter(schema_name=segment).exists()


class TenantPathMixin:
    """Name checks shared by every tenant storage. `reserved_folders` are first segments this
    storage refuses (the public storage refuses the private folder)."""

    reserved_folders: frozenset[str] = frozenset()

    def check_name(self, name: str, *, query: bool = True) -> str:
        if not isinstance(name, str) or not name.strip():
            raise SuspiciousFileOperation("A file name is required.")
        if "\x00" in name:
            raise SuspiciousFileOperation("File names cannot contain NUL characters.")
        unified = name.replace("\\", "/")
        if unified.startswith("/") or re.match(r"^[A-Za-z]:", unified):
            raise SuspiciousFileOperation(f"Absolute file names are refused: {name!r}.")
        segments = [s for s in unified.split("/") if s not in ("", ".")]
        if ".." in segments:
            raise SuspiciousFileOperation(f"File names cannot climb out of the folder: {name!r}.")
        if not segments:
            raise SuspiciousFileOperation("A file name is required.")
        if segments[0] in self.reserved_folders:
            raise SuspiciousFileOperation(f"The folder {segments[0]!r} is not usable here.")
        if query and len(segments) > 1 and _is_other_tenants_schema(segments[0]):
            raise SuspiciousFileOperation(
                f"File names are relative to the site's own folder: {name!r} names a site."
            )
        return name

    # Every entry point that reads, writes or removes a file checks the name first. url() and
    # size() skip the database lookup: they are called on list pages.
    def _open(self, name, mode="rb"):
        return super()._open(self.check_name(name), mode)

    def _save(self, name, content):
        return super()._save(self.check_name(name), content)

    def delete(self, name):
        return super().delete(self.check_name(name))

    def exists(self, name):
        return super().exists(self.check_name(name))

    def listdir(self, path):
        if path not in ("", "/", "."):
            self.check_name(path)
        return super().listdir(path)

    def size(self, name):
        return super().size(self.check_name(name, query=False))


@dataclass(frozen=True)
class TenantFile:
    """One stored file of a tenant, for exports: `storage` is the STORAGES alias ("default" or
    "private"), `name` is relative to the tenant's folder (what the app stored)."""

    storage: str
    name: str
    size: int
    opener: Callable[[], IO[bytes]]

    def open(self) -> IO[bytes]:
        return self.opener()


# --- Local files -----------------------------------------------------------------------------


class TenantFileSystemStorage(TenantPathMixin, FileSystemStorage):
    """Files of schema "acme" live under MEDIA_ROOT/acme/ and are served from /media/acme/.

    A name saved by one tenant resolves inside another tenant's own folder (where it does not
    exist); names that climb out of the folder ("../") are refused.
    """

    reserved_folders = frozenset({PRIVATE_FOLDER})

    @property
    def location(self) -> str:
        return os.path.abspath(os.path.join(self.base_location, connection.schema_name))

    @property
    def base_url(self) -> str:
        root = self._value_or_setting(self._base_url, settings.MEDIA_URL)
        return f"{root.rstrip('/')}/{connection.schema_name}/"

    def url(self, name):
        return super().url(self.check_name(name, query=False))

    def path(self, name):
        return super().path(self.check_name(name, query=False))

    def tenant_root(self, schema: str) -> str:
        return os.path.join(os.path.abspath(self.base_location), _check_schema(schema))

    def iter_schema_files(self, schema: str, alias: str) -> Iterator[TenantFile]:
        root = self.tenant_root(schema)
        for folder, _dirs, files in os.walk(root):
            for filename in sorted(files):
                full = os.path.join(folder, filename)
                name = os.path.relpath(full, root).replace(os.sep, "/")
                yield TenantFile(
                    storage=alias,
                    name=name,
                    size=os.path.getsize(full),
                    opener=lambda full=full: open(full, "rb"),  # noqa: SIM115
                )

    def delete_schema_files(self, schema: str) -> int:
        root = self.tenant_root(schema)
        count = sum(len(files) for _folder, _dirs, files in os.walk(root))
        shutil.rmtree(root, ignore_errors=True)
        return count


class TenantPrivateFileSystemStorage(TenantFileSystemStorage):
    """Private files of schema "acme" under PRIVATE_MEDIA_ROOT/acme/ (never under MEDIA_ROOT, so
    /media/ cannot serve them). url() is a signed, expiring link to `private_file`."""

    reserved_folders = frozenset()

    @property
    def base_location(self) -> str:
        return (
            self._location
            or getattr(settings, "PRIVATE_MEDIA_ROOT", "")
            or f"{str(settings.MEDIA_ROOT).rstrip('/')}-private"
        )

    def url(self, name, expire: int | None = None):
        from django.urls import NoReverseMatch, reverse

        self.check_name(name, query=False)
        expires = DEFAULT_PRIVATE_URL_EXPIRES if expire is None else int(expire)
        token = signing.dumps(
            {"s": connection.schema_name, "n": name, "e": int(time.time()) + expires},
            salt=PRIVATE_URL_SALT,
            compress=True,
        )
        try:
            return reverse("private_media", kwargs={"token": token})
        except NoReverseMatch as error:
            raise ImproperlyConfigured(
                "Local private files need SERVE_MEDIA on (tenants.storage.media_urlpatterns)."
            ) from error


# --- S3 --------------------------------------------------------------------------------------

try:
    from storages.backends.s3 import S3Storage
    from storages.utils import setting
except ImportError:  # pragma: no cover - django-storages is a locked dependency
    S3Storage = None


if S3Storage is not None:

    class TenantS3StorageBase(TenantPathMixin, S3Storage):
        file_overwrite = False

        @property
        def location(self) -> str:
            return self.key_prefix_for(connection.schema_name)

        def key_prefix_for(self, schema: str) -> str:
            return _check_schema(schema)

        def url(self, name, parameters=None, expire=None, http_method=None):
            self.check_name(name, query=False)
            return super().url(name, parameters, expire, http_method)

        def _schema_objects(self, schema: str):
            prefix = f"{self.key_prefix_for(schema)}/"
            skip = tuple(f"{prefix}{folder}/" for folder in self.reserved_folders)
            for obj in self.bucket.objects.filter(Prefix=prefix):
                if skip and obj.key.startswith(skip):
                    continue  # the private folder, when both storages share one bucket
                yield prefix, obj

        def iter_schema_files(self, schema: str, alias: str) -> Iterator[TenantFile]:
            for prefix, obj in self._schema_objects(schema):
                yield TenantFile(
                    storage=alias,
                    name=obj.key[len(prefix) :],
                    size=obj.size,
                    opener=lambda key=obj.key: self.bucket.Object(key).get()["Body"],
                )

        def delete_schema_files(self, schema: str) -> int:
            keys = [obj.key for _prefix, obj in self._schema_objects(schema)]
            for start in range(0, len(keys), 1000):  # DeleteObjects takes up to 1000 keys
                batch = keys[start : start + 1000]
                self.bucket.delete_objects(
                    Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True}
                )
            return len(keys)

    class TenantS3Storage(TenantS3StorageBase):
        """Public media: keys "<schema>/<name>", plain URLs (or AWS_S3_CUSTOM_DOMAIN's)."""

        querystring_auth = False
        reserved_folders = frozenset({PRIVATE_FOLDER})

    class TenantPrivateS3Storage(TenantS3StorageBase):
        """Private files: keys "<schema>/private/<name>" in AWS_PRIVATE_STORAGE_BUCKET_NAME (or
        the media bucket), reachable only by presigned URLs that expire; never via the CDN."""

        querystring_auth = True
        custom_domain = None
        default_acl = "private"

        def get_default_settings(self):
            defaults = super().get_default_settings()
            defaults["bucket_name"] = (
                setting("AWS_PRIVATE_STORAGE_BUCKET_NAME") or defaults["bucket_name"]
            )
            defaults["querystring_expire"] = DEFAULT_PRIVATE_URL_EXPIRES
            return defaults

        def key_prefix_for(self, schema: str) -> str:
            return f"{_check_schema(schema)}/{PRIVATE_FOLDER}"


# --- Doors for apps and the tenancy core -----------------------------------------------------


def private_storage():
    return storages["private"]


def private_url(name: str, *, expires: int = DEFAULT_PRIVATE_URL_EXPIRES) -> str:
    """A URL to the current tenant's private file `name`, valid for `expires` seconds.

    Call it only after the permission check (the URL itself is the permission while it lasts).
    S3: a presigned GET; local: a signed link to this site's `private_file` view.
    """
    if not 1 <= int(expires) <= 7 * 24 * 3600:
        raise ValueError("expires must be between 1 second and 7 days.")
    return private_storage().url(name, expire=int(expires))


def _tenant_storages() -> Iterator[tuple[str, object]]:
    for alias in ("default", "private"):
        if alias in settings.STORAGES:
            storage = storages[alias]
            if hasattr(storage, "iter_schema_files"):
                yield alias, storage


def iter_tenant_files(schema: str) -> Iterator[TenantFile]:
    """Every stored file of the tenant `schema`, public and private, for its export."""
    _check_schema(schema)
    for alias, storage in _tenant_storages():
        yield from storage.iter_schema_files(schema, alias)


def delete_tenant_files(schema: str) -> int:
    """Remove every stored file of the tenant `schema` (public and private); returns how many."""
    _check_schema(schema)
    return sum(storage.delete_schema_files(schema) for _alias, storage in _tenant_storages())


def media_urlpatterns():
    """Local-storage deployments: serve the current tenant's media folder at /media/ on its own
    host, so a tenant's URL can never reach another tenant's folder; and private files through
    signed, expiring links checked against the tenant of the host."""
    from django.http import FileResponse, Http404
    from django.urls import path, re_path
    from django.views.static import serve as serve_view

    def serve_tenant_media(request, path):
        return serve_view(
            request, path, document_root=f"{settings.MEDIA_ROOT}/{connection.schema_name}"
        )

    def serve_prefixed(request, schema, path):
        if schema != connection.schema_name:
            raise Http404
        return serve_tenant_media(request, path)

    def private_file(request, token):
        try:
            claim = signing.loads(token, salt=PRIVATE_URL_SALT)
        except signing.BadSignature as error:
            raise Http404("This link is not valid.") from error
        if claim.get("s") != connection.schema_name:
            raise Http404("This link is not valid on this site.")
        if int(claim.get("e", 0)) < time.time():
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("This link has expired.")
        storage = private_storage()
        try:
            handle = storage.open(claim["n"])
        except (FileNotFoundError, SuspiciousFileOperation) as error:
            raise Http404("This file does not exist.") from error
        response = FileResponse(handle, as_attachment=True, filename=os.path.basename(claim["n"]))
        response["Cache-Control"] = "private, no-store"
        return response

    return [
        path("private-media/<str:token>/", private_file, name="private_media"),
        re_path(r"^media/(?P<schema>[^/]+)/(?P<path>.*)$", serve_prefixed),
    ]
