"""The skip decision of migrate_schemas: which schemas are behind the code, in one query."""

from django.db import connection

from tenants.migration_status import schemas_behind


def test_current_schemas_are_skipped_and_the_decision_takes_two_queries_on_one_connection(
    alpha, beta, django_assert_num_queries
):
    # One catalog query, then one counting statement per CHUNK (500) schemas: the cost does not
    # grow with the number of schemas until the 501st, and no schema gets a connection of its own.
    with django_assert_num_queries(2):
        assert schemas_behind(["alpha", "beta", "_template"]) == set()


def test_a_schema_missing_a_migration_or_its_table_is_behind(alpha, beta):
    with connection.cursor() as cursor:
        cursor.execute('DELETE FROM "beta".django_migrations WHERE app = %s', ["members"])
        cursor.execute('CREATE SCHEMA "empty-one"')
    assert schemas_behind(["alpha", "beta", "empty-one", "no-such-schema"]) == {
        "beta",
        "empty-one",
        "no-such-schema",
    }


def test_migrate_schemas_migrates_only_the_schemas_behind(alpha, beta):
    from io import StringIO

    from django.core.management import call_command

    from tenants.models import Organization
    from tenants.provisioning import schema_is_current

    Organization.objects.create(name="Lagging", schema_name="lag-co")
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "lag-co"')
    out = StringIO()
    call_command("migrate_schemas", interactive=False, verbosity=1, stdout=out)
    assert "2 of 3 tenant schemas are current" in out.getvalue()
    assert "migrating 1." in out.getvalue()
    assert schema_is_current("lag-co")
