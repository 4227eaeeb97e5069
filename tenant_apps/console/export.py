"""Full export of a site (JSON per app plus media files, in a zip kept in private storage) and
import of such a zip into a new organization."""

import io
import json
import uuid
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from core.errors import ApplicationError
from tenant_apps.console import exporters
from tenant_apps.console.audit import log_action
from tenant_apps.console.models import ExportJob
from tenant_apps.members.models import Role
from tenants.context import current_organization, tenant_context
from tenants.storage import iter_tenant_files, private_storage

EXPORT_FOLDER = "console/exports/"
FORMAT_VERSION = 1


def request_export(*, acting_user) -> ExportJob:
    """Owners only. Queues the build; at most one export is being built at a time."""
    if getattr(getattr(acting_user, "member", None), "role", None) != Role.OWNER:
        raise ApplicationError("Only owners can export the site.", status_code=403)
    with transaction.atomic():
        busy = ExportJob.objects.select_for_update().filter(
            status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING]
        )
        if busy.exists():
            raise ValidationError({"export": ["An export is already being built."]})
        job = ExportJob.objects.create(requested_by=acting_user)
        log_action(acting_user=acting_user, action="export.requested", target=job)
        from tenant_apps.console.tasks import build_export

        transaction.on_commit(lambda: build_export.delay(job.pk))
    return job


def _set_progress(job_id: int, **fields) -> None:
    ExportJob.objects.filter(pk=job_id).update(**fields)


def build_export(*, job_id: int) -> ExportJob | None:
    """Write the zip. Idempotent: a finished job is left alone; a re-run rebuilds a new file."""
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is None or job.status == ExportJob.Status.DONE:
        return job
    organization = current_organization()
    _set_progress(job_id, status=ExportJob.Status.RUNNING, progress=1, error="")
    try:
        buffer = io.BytesIO()
        all_exporters = exporters.exporters()
        files = [f for f in iter_tenant_files(organization.schema_name) if not _is_export(f)]
        steps = len(all_exporters) + len(files) or 1
        done = 0
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            manifest = {
                "format": FORMAT_VERSION,
                "organization": organization.name,
                "subdomain": organization.schema_name,
                "exported_at": timezone.now().isoformat(),
                "apps": [e.key for e in all_exporters],
                "files": [],
            }
            for exporter in all_exporters:
                archive.writestr(f"data/{exporter.key}.json", json.dumps(exporter.dump(), indent=1))
                done += 1
                _set_progress(job_id, progress=min(95, max(1, done * 95 // steps)))
            for stored in files:
                with stored.open() as handle:
                    archive.writestr(f"media/{stored.storage}/{stored.name}", handle.read())
                manifest["files"].append({"storage": stored.storage, "name": stored.name})
                done += 1
                _set_progress(job_id, progress=min(95, done * 95 // steps))
            archive.writestr("manifest.json", json.dumps(manifest, indent=1))
        name = private_storage().save(
            f"{EXPORT_FOLDER}{organization.schema_name}-{uuid.uuid4().hex}.zip",
            ContentFile(buffer.getvalue()),
        )
    except Exception as error:
        _set_progress(job_id, status=ExportJob.Status.FAILED, error=str(error)[:200])
        raise
    _set_progress(
        job_id,
        status=ExportJob.Status.DONE,
        progress=100,
        file_name=name,
        size=len(buffer.getvalue()),
        finished_at=timezone.now(),
    )
    return ExportJob.objects.get(pk=job_id)


def _is_export(stored) -> bool:
    return stored.storage == "private" and stored.name.startswith(EXPORT_FOLDER)


def import_into(*, organization, archive_file) -> dict:
    """Load an export zip into `organization` (a new, empty one: e.g. provisioned without an
    owner). Rows keep their ids; files go back to the same storage and name."""
    try:
        archive = zipfile.ZipFile(archive_file)
        manifest = json.loads(archive.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise ValidationError(
            {"archive": ["This is not an export zip of this platform."]}
        ) from None
    if manifest.get("format") != FORMAT_VERSION:
        raise ValidationError({"archive": ["This export was made by another version."]})
    counts = {}
    with tenant_context(organization):
        by_key = {e.key: e for e in exporters.exporters()}
        with transaction.atomic():
            for key in manifest["apps"]:
                if key not in by_key:
                    raise ValidationError({"archive": [f"The app {key} is not installed here."]})
                rows = json.loads(archive.read(f"data/{key}.json"))
                by_key[key].load(rows)
                counts[key] = len(rows)
            exporters.reset_sequences()
        for entry in manifest["files"]:
            storage = storages[entry["storage"]]
            data = archive.read(f"media/{entry['storage']}/{entry['name']}")
            if storage.exists(entry["name"]):
                storage.delete(entry["name"])
            storage.save(entry["name"], ContentFile(data))
        counts["files"] = len(manifest["files"])
    return counts
