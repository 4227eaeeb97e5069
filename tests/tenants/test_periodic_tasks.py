"""Apps' periodic work reaches Celery beat, each entry naming a task that exists."""

from config.celery import app
from tenants.scheduler import ActiveTenantScheduler, periodic_task, registered_entries


def test_every_registered_periodic_task_is_a_known_celery_task():
    entries = registered_entries()
    assert "notifications-daily-digests" in entries
    assert "console-verify-pending-custom-domains" in entries
    assert entries["console-purge-expired-deletions"]["tenant_schemas"] == ["public"]
    app.loader.import_default_modules()
    for name, entry in entries.items():
        assert entry["task"] in app.tasks, f"{name}: no Celery task named {entry['task']}"


def test_beat_starts_with_the_settings_entries_and_the_apps_entries(tmp_path):
    from tenants import scheduler as module

    periodic_task("tests-every-minute", task="tenants.tasks.refill_spare_schemas", schedule=60.0)
    scheduler = ActiveTenantScheduler(app=app, schedule_filename=str(tmp_path / "beat"), lazy=True)
    try:
        scheduler.setup_schedule()
        # tenant-schemas-celery names each entry after where it runs.
        assert {
            "refill-spare-schemas@public",
            "console-purge-expired-deletions@public",
            "notifications-daily-digests@__all_tenants_only__",
            "tests-every-minute@__all_tenants_only__",
        } <= set(scheduler.schedule)
    finally:
        scheduler.close()
        module._registered.pop("tests-every-minute")
