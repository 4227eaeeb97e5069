"""The task the worker-kill test runs: idempotent, keyed by an id, writing in its tenant's schema.

Each run records an attempt (so the test can see the task was really delivered twice), then
applies its effect at most once per delivery id: the insert is guarded by the primary key, so a
redelivered message finds the effect already there and does nothing. A first attempt can be told
to wait after its effect (committed, not yet acknowledged): the test kills the worker there.
"""

import time

from django.db import connection, transaction

from config.celery import app

EFFECT_TABLE = "reliability_effect"
ATTEMPT_TABLE = "reliability_attempt"


def create_tables() -> None:
    """In the connection's current schema (the caller picks it with schema_context)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {EFFECT_TABLE} "
            "(delivery_id text PRIMARY KEY, schema_seen text NOT NULL, amount integer NOT NULL)"
        )
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {ATTEMPT_TABLE} "
            "(id serial PRIMARY KEY, delivery_id text NOT NULL, worker_pid integer NOT NULL)"
        )


def drop_tables() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {EFFECT_TABLE}, {ATTEMPT_TABLE}")


@app.task(name="tests.reliability.credit_once")
def credit_once(delivery_id: str, amount: int, hang_on_first_attempt: float = 0) -> str:
    import os

    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ATTEMPT_TABLE} (delivery_id, worker_pid) VALUES (%s, %s)",
            [delivery_id, os.getpid()],
        )
        cursor.execute(
            f"SELECT count(*) FROM {ATTEMPT_TABLE} WHERE delivery_id = %s",
            [delivery_id],
        )
        attempts = cursor.fetchone()[0]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {EFFECT_TABLE} (delivery_id, schema_seen, amount) "
            "VALUES (%s, %s, %s) ON CONFLICT (delivery_id) DO NOTHING",
            [delivery_id, connection.schema_name, amount],
        )
    if attempts == 1 and hang_on_first_attempt:
        # The effect is committed but the message is not acknowledged yet (acks_late): the
        # worst moment for a worker to die.
        time.sleep(hang_on_first_attempt)
    return connection.schema_name
