"""Background work of the tenancy core. These tasks run in the public schema."""

from config.celery import app
from tenants import provisioning


@app.task(name="tenants.tasks.refill_spare_schemas")
def refill_spare_schemas() -> int:
    """Top the pool of spare schemas up to TENANT_SPARE_POOL_SIZE. Safe to run twice at once."""
    return provisioning.refill_spare_schemas()
