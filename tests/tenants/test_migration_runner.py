"""The parallel migration runner behind migrate_schemas: schemas migrated by worker processes,
each in one transaction, so a schema whose migration fails is left exactly as it was while
the others are migrated, and the command exits non-zero naming it.

The workers are other processes with their own connections: the schemas and organizations
here are committed (no test transaction) and removed at the end."""

import os
import signal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tenants.migration_runner import migrate_tenant_schemas
from tenants.provisioning import drop_schema, schema_is_current


def tables_in(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def empty_schemas(django_db_setup, django_db_blocker):
    """Makes committed empty schemas (and organizations for them); removes them afterwards."""
    from tenants.models import Organization

    made: list[str] = []

    def make(*names: str, organizations: bool = False) -> list[str]:
        with connection.cursor() as cursor:
            for name in names:
                cursor.execute(f'CREATE SCHEMA "{name}"')
                made.append(name)
                if organizations:
                    Organization.objects.create(name=name, schema_name=name)
        return list(names)

    with django_db_blocker.unblock():
        yield make
        connection.set_schema_to_public()
        Organization.objects.filter(schema_name__in=made).delete()
        for name in made:
            drop_schema(name)


def break_schema(schema: str) -> str:
    """A table in the way of a late tenant migration: that migration fails in `schema`."""
    table = apps.get_model("console", "ExportJob")._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE TABLE "{schema}"."{table}" (x int)')
    return table


def test_workers_migrate_every_schema_and_one_failure_leaves_its_schema_unchanged(
    empty_schemas,
):
    ok_one, ok_two, broken = empty_schemas("mr-ok-one", "mr-ok-two", "mr-broken")
    table = break_schema(broken)
    out = StringIO()

    report = migrate_tenant_schemas(
        [ok_one, broken, ok_two], processes=2, stdout=out, progress_every=0
    )

    assert sorted(report.migrated) == [ok_one, ok_two]
    assert list(report.failed) == [broken]
    assert "already exists" in report.failed[broken]
    assert schema_is_current(ok_one) and schema_is_current(ok_two)
    # Every migration applied before the failing one was rolled back with it.
    assert tables_in(broken) == {table}
    assert "3/3 schemas, 1 failed" in out.getvalue()
    assert not report.not_attempted


def test_migrate_schemas_names_the_failed_schema_and_exits_non_zero(empty_schemas):
    ok, broken = empty_schemas("mr-cmd-ok", "mr-cmd-broken", organizations=True)
    break_schema(broken)
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError, match="1 schemas failed \\(mr-cmd-broken\\)"):
        call_command("migrate_schemas", interactive=False, processes=2, stdout=out, stderr=err)

    assert "migrating 2." in out.getvalue()
    assert "Schema mr-cmd-broken failed and was left unchanged" in err.getvalue()
    assert schema_is_current(ok)


class InterruptOnFirstProgress(StringIO):
    """Output that sends this process SIGINT (Ctrl-C) once the first schema is done."""

    sent = False

    def write(self, text):
        if "/" in text and not self.sent:
            self.sent = True
            os.kill(os.getpid(), signal.SIGINT)
        return super().write(text)


def test_ctrl_c_starts_no_new_schema_and_reports_the_ones_not_attempted(empty_schemas):
    schemas = empty_schemas("mr-stop-one", "mr-stop-two", "mr-stop-three", "mr-stop-four")
    out = InterruptOnFirstProgress()

    report = migrate_tenant_schemas(schemas, processes=1, stdout=out, progress_every=0)

    assert "Stopping: finishing the schemas in progress" in out.getvalue()
    assert report.migrated and report.not_attempted and not report.failed
    assert len(report.migrated) + len(report.not_attempted) == len(schemas)
    for schema in report.migrated:
        assert schema_is_current(schema)
    for schema in report.not_attempted:
        assert tables_in(schema) == set()
