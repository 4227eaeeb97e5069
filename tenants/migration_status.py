"""Which schemas are behind the code, decided for thousands of schemas in one query.

django-tenants' migrate_schemas opens every schema and builds Django's migration plan there,
which costs about a second per schema even when nothing is to be done. Here one statement asks
PostgreSQL, for every schema at once, how many of the code's migrations its django_migrations
table lacks (query_to_xml runs the per-schema count inside that one statement).
"""

from django.db import connection

from tenants.provisioning import expected_migrations

_MISSING_PER_SCHEMA = """
SELECT n.nspname,
       (xpath('/row/missing/text()', query_to_xml(format(
           'SELECT count(*) AS missing FROM unnest(%%L::text[], %%L::text[]) AS e(app, name) '
           'WHERE NOT EXISTS (SELECT 1 FROM %%I.django_migrations m '
           'WHERE m.app = e.app AND m.name = e.name)',
           %(apps)s, %(names)s, n.nspname), false, true, '')))[1]::text::int
FROM pg_namespace n
JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = 'django_migrations' AND c.relkind = 'r'
WHERE n.nspname = ANY(%(schemas)s)
"""


def schemas_behind(schemas: list[str]) -> set[str]:
    """The schemas among `schemas` that lack at least one migration of the code (one query).

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
    with connection.cursor() as cursor:
        cursor.execute(_MISSING_PER_SCHEMA, params)
        missing = dict(cursor.fetchall())
    return {schema for schema in schemas if missing.get(schema, 1) > 0}
