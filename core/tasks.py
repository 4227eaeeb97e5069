"""Background work of the core: thumbnails. Queued in a tenant's context, a task runs in that
tenant's schema, so default_storage resolves to that tenant's files."""

from config.celery import app


@app.task(name="core.make_thumbnails")
def make_thumbnails(name: str) -> list[str]:
    """Make the missing thumbnails of the current tenant's image `name`; safe to run twice."""
    from core.thumbnails import make_thumbnails_now

    return make_thumbnails_now(name)
