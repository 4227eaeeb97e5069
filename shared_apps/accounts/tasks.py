from config.celery import app
from shared_apps.accounts import services


@app.task
def purge_expired_login_handoffs() -> int:
    """Runs in each tenant's schema (beat); idempotent."""
    return services.purge_expired_login_handoffs()
