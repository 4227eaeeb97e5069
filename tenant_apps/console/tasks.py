"""Background work of the console. Tasks take ids and run in the schema of the tenant that queued
them (tenant-schemas-celery)."""

from config.celery import app
from tenant_apps.console import domains


@app.task
def verify_custom_domain(domain_id: int) -> str:
    """Check one domain's DNS TXT proof; routes it once it matches. Safe to run twice."""
    custom = domains.verify_custom_domain(domain_id=domain_id)
    return "gone" if custom is None else custom.status


@app.task
def verify_pending_custom_domains() -> int:
    """Periodic (per tenant, from the beat schedule): re-check every pending domain."""
    ids = domains.pending_domain_ids()
    for domain_id in ids:
        domains.verify_custom_domain(domain_id=domain_id)
    return len(ids)


@app.task
def build_export(job_id: int) -> str:
    """Build a full export zip, recording progress on the job for the page to show."""
    from tenant_apps.console import export

    job = export.build_export(job_id=job_id)
    return "gone" if job is None else job.status


@app.task
def purge_expired_deletions() -> list[str]:
    """Periodic, once in the public schema (beat entry with "tenant_schemas": ["public"]):
    remove for good every deleted organization whose grace period has ended. Safe to run twice:
    a purged organization's record is gone."""
    from tenants import lifecycle

    return lifecycle.purge_expired_deletions()
