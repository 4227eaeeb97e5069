"""Background work of notifications. Beat runs the digest once per active tenant, in its schema."""

from config.celery import app
from tenant_apps.notifications import services


@app.task
def send_daily_digests() -> int:
    """Email each user the digest items not yet sent. Idempotent: items are claimed before the
    email goes out, so a second run (or a retry) sends nothing already sent."""
    return services.send_daily_digests()
