"""Celery beat: entries without "tenant_schemas" run once per active organization; entries with
"tenant_schemas": ["public"] run once, in the public schema."""

from django_tenants.utils import get_public_schema_name, schema_context
from tenant_schemas_celery.scheduler import TenantAwarePersistentScheduler

from tenants.models import Organization


class ActiveTenantScheduler(TenantAwarePersistentScheduler):
    @classmethod
    def get_queryset(cls):
        return Organization.objects.filter(status=Organization.Status.ACTIVE)

    def apply_entry(self, entry, producer=None):
        # tenant-schemas-celery only sends an entry to schemas that have an organization row,
        # and the public schema has none here: send public entries directly.
        headers = entry.options.setdefault("headers", {})
        if headers.get("_schema_name") == get_public_schema_name():
            with schema_context(get_public_schema_name()):
                return self.apply_async(entry, producer=producer, advance=False)
        return super().apply_entry(entry, producer=producer)
