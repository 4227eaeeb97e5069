"""Background work of the links app. Queued inside a tenant request or tenant_context, a task
runs in that tenant's schema."""

from config.celery import app
from tenant_apps.links import services


@app.task
def flush_clicks() -> int:
    """Write the tenant's buffered clicks in batches. Safe to run twice or concurrently: a
    lock serialises runs and already-written clicks are skipped."""
    return services.flush_click_buffer()


@app.task
def flush_clicks_all_tenants() -> int:
    """For the beat schedule: queue a flush in every organization's schema."""
    from tenants.context import tenant_context
    from tenants.models import Organization

    queued = 0
    for organization in Organization.objects.exclude(schema_name="public"):
        with tenant_context(organization):
            flush_clicks.delay()
        queued += 1
    return queued
