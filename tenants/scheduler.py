"""Celery beat: entries without "tenant_schemas" run once per active organization; entries with
"tenant_schemas": ["public"] run once, in the public schema.

Apps declare their periodic work with `periodic_task(...)` from their AppConfig.ready(), so that
the tenancy core and the settings need not know them; the scheduler adds those entries to
CELERY_BEAT_SCHEDULE when beat starts.
"""

from django_tenants.utils import get_public_schema_name, schema_context
from tenant_schemas_celery.scheduler import TenantAwarePersistentScheduler

from tenants.models import Organization

_registered: dict[str, dict] = {}


def periodic_task(name: str, *, task: str, schedule, public: bool = False) -> None:
    """Run the Celery task named `task` every `schedule` (seconds, a timedelta or a celery
    crontab): in every active organization's schema, or once in the public schema when
    `public`. The task must be idempotent (beat may send it twice around a restart)."""
    entry = {"task": task, "schedule": schedule}
    if public:
        entry["tenant_schemas"] = [get_public_schema_name()]
    _registered[name] = entry


def registered_entries() -> dict[str, dict]:
    return {name: dict(entry) for name, entry in _registered.items()}


class ActiveTenantScheduler(TenantAwarePersistentScheduler):
    @classmethod
    def get_queryset(cls):
        return Organization.objects.filter(status=Organization.Status.ACTIVE)

    def setup_schedule(self):
        # Settings entries win over an app's entry of the same name: operators can retune one.
        self.app.conf.beat_schedule = {**registered_entries(), **self.app.conf.beat_schedule}
        super().setup_schedule()

    def apply_entry(self, entry, producer=None):
        # tenant-schemas-celery only sends an entry to schemas that have an organization row,
        # and the public schema has none here: send public entries directly.
        headers = entry.options.setdefault("headers", {})
        if headers.get("_schema_name") == get_public_schema_name():
            with schema_context(get_public_schema_name()):
                return self.apply_async(entry, producer=producer, advance=False)
        return super().apply_entry(entry, producer=producer)
