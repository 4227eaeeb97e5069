"""Settings of benchmarks/migrations.py: the test settings plus one benchmark-only tenant app,
whose migrations are first those of migrations_v1 (what the tenants were made with), then
those of migrations (one more: the deploy being timed), switched with override_settings."""

from config.settings.test import *  # noqa: F403

TENANT_APPS = [*TENANT_APPS, "benchmarks.migration_app"]  # noqa: F405
INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks.migration_app"]  # noqa: F405
MIGRATION_MODULES = {"bench_notes": "benchmarks.migration_app.migrations_v1"}
TENANT_SPARE_POOL_SIZE = 0
LOGGING["root"]["level"] = "ERROR"  # noqa: F405
