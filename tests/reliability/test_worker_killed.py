"""A Celery worker killed (SIGKILL) in the middle of a task: the message was not acknowledged
(CELERY_TASK_ACKS_LATE), so after the broker's visibility timeout it goes back to the queue, a
new worker runs the task again, and the task's idempotency makes its effect happen once."""

import time
import uuid

import pytest
from django.db import connection

from tests.reliability import tasks
from tests.reliability.processes import committed_database_url, process_env, start, stop

pytestmark = pytest.mark.slow

VISIBILITY_TIMEOUT = 3  # seconds; production keeps kombu's hour (docs/reliability.md)


def rows(organization, sql: str, params=()) -> list[tuple]:
    from tenants.context import tenant_context

    with tenant_context(organization), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def wait_for(condition, *, what: str, timeout: float, processes=()) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        for process in processes:
            if process.poll() is not None:
                raise AssertionError(f"a worker exited while waiting for {what}: {stop(process)}")
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture
def tenant_tables(django_db_setup, django_db_blocker):
    from tenants.context import tenant_context
    from tenants.models import Organization

    with django_db_blocker.unblock():
        organizations = {
            org.schema_name: org
            for org in Organization.objects.filter(schema_name__in=["alpha", "beta"])
        }
        for organization in organizations.values():
            with tenant_context(organization):
                tasks.create_tables()
        try:
            yield organizations
        finally:
            for organization in organizations.values():
                with tenant_context(organization):
                    tasks.drop_tables()
            connection.set_schema_to_public()


def test_a_task_whose_worker_is_killed_midway_is_redelivered_and_takes_effect_once(
    tenant_tables, own_redis, django_db_blocker
):
    from config.celery import app
    from tenants.context import tenant_context

    alpha, beta = tenant_tables["alpha"], tenant_tables["beta"]
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    env = process_env(
        database_url=committed_database_url(),
        redis_url=own_redis.url,
        FAULTS_QUEUE=queue,
        FAULTS_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        FAULTS_RESTORE_INTERVAL="1",
    )
    worker_args = (
        "-Q",
        queue,
        "--pool",
        "solo",
        "-I",
        "tests.reliability.tasks",
        "-n",
        f"{queue}-%i@%h",
    )
    delivery_id = uuid.uuid4().hex
    attempts_sql = (
        f"SELECT worker_pid FROM {tasks.ATTEMPT_TABLE} WHERE delivery_id = %s ORDER BY id"
    )
    effects_sql = f"SELECT delivery_id, schema_seen, amount FROM {tasks.EFFECT_TABLE}"

    with django_db_blocker.unblock():
        first = start("worker", env, *worker_args)
        second = None
        try:
            # Queued inside the tenant, as app code does: the schema travels in the message.
            with tenant_context(alpha), app.connection_for_write(own_redis.url) as broker:
                tasks.credit_once.apply_async(
                    args=[delivery_id, 5, 120], queue=queue, connection=broker
                )
            wait_for(
                lambda: len(rows(alpha, attempts_sql, [delivery_id])) == 1,
                what="the first worker to start the task",
                timeout=40,
                processes=[first],
            )
            # The attempt row is committed a moment before the effect: wait for the effect too,
            # then the worker is in its hang, the message not yet acknowledged: kill it now.
            wait_for(
                lambda: rows(alpha, effects_sql) == [(delivery_id, "alpha", 5)],
                what="the first worker to commit the task's effect",
                timeout=20,
                processes=[first],
            )
            assert len(rows(alpha, attempts_sql, [delivery_id])) == 1
            first_output = stop(first, kill=True)
            assert first.returncode == -9, first_output
            assert "succeeded" not in first_output, first_output
            assert own_redis.client().hlen("unacked") == 1  # held for redelivery

            second = start("worker", env, *worker_args)
            wait_for(
                lambda: len(rows(alpha, attempts_sql, [delivery_id])) == 2,
                what="the task to be redelivered to a new worker",
                timeout=40,
                processes=[second],
            )
            wait_for(
                lambda: own_redis.client().hlen("unacked") == 0,
                what="the redelivered task to be acknowledged",
                timeout=20,
                processes=[second],
            )
        finally:
            second_output = stop(second) if second else ""
            stop(first, kill=True)

        pids = [pid for (pid,) in rows(alpha, attempts_sql, [delivery_id])]
        assert len(pids) == 2 and pids[0] != pids[1], pids  # two deliveries, two workers
        assert rows(alpha, effects_sql) == [(delivery_id, "alpha", 5)]  # one effect
        assert "tests.reliability.credit_once" in second_output
        assert "succeeded" in second_output, second_output
        # It ran in the schema that queued it and nowhere else.
        assert rows(beta, effects_sql) == []
        assert rows(beta, f"SELECT count(*) FROM {tasks.ATTEMPT_TABLE}") == [(0,)]
        # And nothing is left to be delivered a third time.
        assert own_redis.client().llen(queue) == 0
