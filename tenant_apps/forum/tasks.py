"""Background work of the forum. Queued inside a tenant, each task runs in that tenant's schema."""

from config.celery import app
from tenant_apps.forum import services


@app.task(name="forum.recount")
def recount_forum() -> dict:
    """Rebuild every counter (replies, scores, post counts, reputation) from the rows.
    Idempotent: running it twice gives the same numbers."""
    return services.recount_forum()
