"""migrate_schemas over many tenant schemas, the platform's command against django-tenants' own
executor on the same schemas: with nothing to do, and with one new migration (a column and an
index) to apply everywhere.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/platform .venv/bin/python \
        benchmarks/migrations.py [--tenants 1000] [--sample 20] [--processes 2 [3 4 ...]]

The N tenant schemas are copies of the migrated template made by one SQL script (pg_dump of the
template, renamed per tenant, run by psql), with their organization rows, so that 1,000 take a
minute or two instead of the 12 to 25 minutes that cloning them one by one takes here.
django-tenants' standard executor costs about a second per schema here: it is timed on `sample`
of the schemas and its time for N is that, scaled (printed as such). Everything lives in a
throwaway database, dropped at the end. The figures are printed with the load average.

With several process counts the new migration is timed once for each: between two runs it is
undone in every schema by SQL (column dropped, its django_migrations row deleted).
"""

import argparse
import os
import time

from harness import copy_template, load_average, setup_django, throwaway_database

V2_MIGRATIONS = {"bench_notes": "benchmarks.migration_app.migrations"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=20, help="schemas timed with django-tenants")
    parser.add_argument(
        "--processes", type=int, nargs="+", default=[2], help="platform worker processes"
    )
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.migration_site"
    setup_django()
    with throwaway_database():
        run(args.tenants, min(args.sample, args.tenants), args.processes)


def make_tenants(count: int) -> list[str]:
    """`count` organizations whose schemas are copies of the template (harness.copy_template)."""
    from django.db import connection

    from tenants.models import Organization
    from tenants.provisioning import template_schema

    with connection.cursor() as cursor:  # a few rows for the new index to cover
        cursor.execute(
            f'INSERT INTO "{template_schema()}".bench_notes_note (title, created_at) '
            "SELECT 'note ' || i, now() FROM generate_series(1, 100) AS i"
        )
    names = [f"tenant{index:05d}" for index in range(count)]
    copy_template(names)
    Organization.objects.bulk_create(
        [Organization(name=name, schema_name=name) for name in names], batch_size=1000
    )
    return names


def django_tenants_options() -> dict:
    """The options django-tenants' migrate_schemas hands its executor, as from the command line."""
    from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

    command = MigrateSchemasCommand()
    parser = command.create_parser("manage.py", "migrate_schemas")
    options = vars(parser.parse_args(["--noinput", "--verbosity", "0"]))
    options.pop("executor", None)
    options["skip_checks"] = True  # the command checks once, not per schema
    return options


def time_django_tenants(schemas: list[str]) -> float:
    """django-tenants' standard executor (its default) over `schemas`."""
    from django.db import connection
    from django_tenants.migration_executors import get_executor

    executor = get_executor(codename="standard")((), django_tenants_options())
    started = time.perf_counter()
    executor.run_migrations(tenants=list(schemas))
    seconds = time.perf_counter() - started
    connection.set_schema_to_public()
    return seconds


def time_platform(processes: int) -> float:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    started = time.perf_counter()
    call_command("migrate_schemas", interactive=False, verbosity=1, processes=processes, stdout=out)
    seconds = time.perf_counter() - started
    lines = [line for line in out.getvalue().splitlines() if "schemas" in line]
    for line in lines[-2:]:
        print(f"    | {line.strip()}")
    return seconds


def undo_new_migration(schemas: list[str]) -> None:
    """Every schema back to before 0002_note_label, by one SQL script (column, record); one
    transaction per statement, not one for all (thousands of locks)."""
    import subprocess

    from harness import psql_command

    sql = "".join(
        f'ALTER TABLE "{name}".bench_notes_note DROP COLUMN label;'
        f' DELETE FROM "{name}".django_migrations'
        " WHERE app = 'bench_notes' AND name = '0002_note_label';\n"
        for name in schemas
    )
    subprocess.run(psql_command(), input=sql.encode(), check=True)


def check_all_current(schemas: list[str]) -> None:
    from tenants.migration_status import schemas_behind

    behind = schemas_behind(schemas)
    if behind:
        raise SystemExit(f"{len(behind)} schemas are still behind, e.g. {sorted(behind)[:3]}")


def run(count: int, sample: int, process_counts: list[int]) -> None:
    from django.test.utils import override_settings

    from tenants.provisioning import expected_migrations, template_schema

    print(f"load average at start: {load_average()}")
    started = time.perf_counter()
    schemas = make_tenants(count)
    print(f"made {count} tenant schemas in {time.perf_counter() - started:.1f} s (one SQL script)")
    sample_schemas = schemas[:: max(1, count // sample)][:sample]
    scale = count / len(sample_schemas)

    print(f"\nnothing to do ({count} schemas current), load average {load_average()}")
    ours_idle = time_platform(process_counts[0])
    theirs_idle = time_django_tenants(sample_schemas) * scale
    print(f"  platform migrate_schemas:          {ours_idle:8.1f} s")
    print(
        f"  django-tenants (standard executor): {theirs_idle:7.1f} s "
        f"(timed on {len(sample_schemas)} schemas, x{scale:.0f})"
    )
    print(f"  platform is {theirs_idle / ours_idle:.0f}x faster (target: under 10 s)")

    with override_settings(MIGRATION_MODULES=V2_MIGRATIONS):
        expected_migrations.cache_clear()
        print(f"\none new migration (column + index), load average {load_average()}")
        theirs_one = time_django_tenants(sample_schemas)
        per_schema_theirs = theirs_one / len(sample_schemas)
        migrated = count - len(sample_schemas)
        print(
            f"  django-tenants (standard executor): {per_schema_theirs * 1000:.0f} ms a schema "
            f"(~{per_schema_theirs * count:.0f} s for {count}; timed on "
            f"{len(sample_schemas)} schemas)"
        )
        for index, processes in enumerate(process_counts):
            if index:
                undo_new_migration([*schemas, template_schema()])
                migrated = count
                print(f"  (undone in all {count} schemas), load average {load_average()}")
            ours_one = time_platform(processes)
            check_all_current(schemas)
            per_schema_ours = ours_one / migrated
            print(
                f"  platform migrate_schemas, {processes} processes: {ours_one:8.1f} s for "
                f"{migrated} schemas, {per_schema_ours * 1000:.0f} ms a schema "
                f"(~{per_schema_ours * count:.0f} s for {count}; target: under 120 s), "
                f"load average {load_average()}"
            )
            print(f"  platform is {per_schema_theirs / per_schema_ours:.0f}x faster per schema")
    expected_migrations.cache_clear()
    print(f"\nload average at end: {load_average()}")


if __name__ == "__main__":
    main()
