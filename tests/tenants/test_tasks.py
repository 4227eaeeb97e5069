"""A task runs in the schema of the tenant that queued it, in a real Celery worker."""

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app
from tenants.context import tenant_context


@app.task(name="tests.emails_seen_by_task")
def emails_seen_by_task():
    from django.db import connection

    from shared_apps.accounts.models import User

    return {
        "schema": connection.schema_name,
        "emails": sorted(User.objects.values_list("email", flat=True)),
    }


@pytest.fixture(scope="module")
def worker(django_db_blocker):
    # Tasks that earlier tests queued with no worker running (emails, sweeps of rows long rolled
    # back) would be run first, against data that is gone: start from this run's empty queue.
    app.control.purge()
    with (
        django_db_blocker.unblock(),
        start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
    ):
        yield


def test_a_task_queued_by_a_tenant_sees_only_that_tenants_data(django_db_blocker, worker):
    from tenants.models import Organization

    with django_db_blocker.unblock():
        alpha = Organization.objects.get(schema_name="alpha")
        beta = Organization.objects.get(schema_name="beta")
        with tenant_context(alpha):
            from_alpha = emails_seen_by_task.delay()
        with tenant_context(beta):
            from_beta = emails_seen_by_task.delay()
        alpha_result = from_alpha.get(timeout=30)
        beta_result = from_beta.get(timeout=30)

    assert alpha_result == {"schema": "alpha", "emails": ["owner@alpha.test"]}
    assert beta_result == {"schema": "beta", "emails": ["owner@beta.test"]}


def test_beat_schedules_per_tenant_tasks_for_active_organizations_only(db, alpha, beta):
    from tenants.models import Organization
    from tenants.scheduler import ActiveTenantScheduler

    Organization.objects.filter(pk=beta.pk).update(status="suspended")
    schemas = set(ActiveTenantScheduler.get_queryset().values_list("schema_name", flat=True))
    assert "alpha" in schemas and "beta" not in schemas
