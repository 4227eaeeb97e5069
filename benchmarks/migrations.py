"""migrate_schemas over many tenant schemas when nothing is to be done: the platform's command
(one query decides that every schema is current) against django-tenants' own, on the same
schemas.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/platform .venv/bin/python \
        benchmarks/migrations.py [--tenants 1000]

Tenants are made by cloning the template (about 0.7 s each on the reference machine, so 1,000
take minutes); everything lives in a throwaway database, dropped at the end.
"""

import argparse
import time

from harness import setup_django, throwaway_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=1000)
    args = parser.parse_args()
    setup_django()
    with throwaway_database():
        run(args.tenants)


def timed(command, **options) -> float:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command(command, interactive=False, verbosity=0, **options)
    return time.perf_counter() - started


def run(count: int) -> None:
    from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

    from tenants.services import provision_organization

    started = time.perf_counter()
    for index in range(count):
        provision_organization(name=f"t{index}", subdomain=f"tenant{index}")
    print(f"made {count} tenants in {time.perf_counter() - started:.1f} s")
    ours = timed("migrate_schemas")
    theirs = timed(MigrateSchemasCommand())
    print(f"nothing to do, platform migrate_schemas:     {ours:8.1f} s")
    print(f"nothing to do, django-tenants migrate_schemas: {theirs:6.1f} s")
    print(f"platform is {theirs / ours:.1f}x faster (target: under 10 s on 1,000 tenants)")


if __name__ == "__main__":
    main()
