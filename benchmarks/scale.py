"""Throughput of tenant pages spread over 1, 100 and 1,000 tenants on the same server: the
per-request cost must not grow with the number of tenants. Also the memory of each worker
process after it has served every tenant.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/platform .venv/bin/python \
        benchmarks/scale.py [--tenants 1000] [--duration 60] [--rounds 6]

One gunicorn server (2 sync workers, persistent connections, the platform's routing), the
page of benchmarks/routing.py (one row of the tenant's accounts_user, whose email names the
tenant: every response is checked to be its own tenant's). The tenants are copies of the
template (harness.copy_template) with their organization and domain rows. After a warm-up that
visits every tenant on both workers, the load generator alternates between the host sets
(first tenant only; 100 tenants; all), `rounds` times, `duration` seconds per set in all.
Runs on a throwaway database.

The warm-up is part of the method, not a way around a cost: the figure promised is the steady
cost of a request, and a server that has been up for a while has seen its tenants (routes in
its map, their tables in its database connection's catalog caches). Each worker's first
request to a tenant costs one query more (the host lookup) and PostgreSQL's first read of the
tenant's tables; that cold pass is timed and printed separately.
"""

import argparse
import statistics
import time

from harness import copy_template, load_average, setup_django, throwaway_database
from load import Server, load
from routing import compare, report


def make_tenants(count: int) -> list[str]:
    """`count` tenants (schema, organization, domain); returns their hosts."""
    from shared_apps.accounts.models import User
    from tenants.context import schema_context
    from tenants.models import Domain, Organization
    from tenants.provisioning import template_schema
    from tenants.services import primary_host_for

    # Copied into every tenant with "_template" replaced by the tenant's schema name.
    with schema_context(template_schema()):
        User.objects.create(email=f"first@{template_schema()}.test")
    names = [f"scale{index:05d}" for index in range(count)]
    copy_template(names)
    organizations = Organization.objects.bulk_create(
        [Organization(name=name, schema_name=name) for name in names], batch_size=1000
    )
    Domain.objects.bulk_create(
        [
            Domain(domain=primary_host_for(org.schema_name), tenant=org, is_primary=True)
            for org in organizations
        ],
        batch_size=1000,
    )
    return [primary_host_for(name) for name in names]


def expected_body(host: str) -> bytes:
    return f"first@{host.split('.')[0]}.test".encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load per set")
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    with throwaway_database():
        print(f"load average at start: {load_average()}")
        hosts = make_tenants(args.tenants)
        database = connection.settings_dict["NAME"]
        connection.close()
        sizes = sorted({1, min(100, args.tenants), args.tenants})
        host_sets = {f"{size} tenants": hosts[:size] for size in sizes}
        with Server(database, "tenant") as server:
            # Every worker sees every tenant before anything is timed (a few visits each).
            started = time.monotonic()
            warm_latencies, _ = load(server.port, hosts, duration=5 + 0.02 * len(hosts))
            warm_seconds = time.monotonic() - started
            figures, ratios = compare(
                dict.fromkeys(host_sets, server),
                host_sets,
                args.duration,
                args.rounds,
                warmup=0,
                expected=expected_body,
            )
            memory = server.worker_rss_mb()
        print(f"load average at end: {load_average()}")
    baseline = next(iter(host_sets))
    print(
        f"warm-up over all {args.tenants} tenants (every route cold at first): "
        f"{len(warm_latencies) / warm_seconds:.0f} req/s over {warm_seconds:.0f} s"
    )
    for label in host_sets:
        report(f"pages over {label}", figures[label])
    for label, per_round in ratios.items():
        ratio = figures[label]["rps"] / figures[baseline]["rps"]
        spread = ", ".join(f"{r:.0%}" for r in per_round)
        print(
            f"{label} / {baseline}: {ratio:.1%} (target >= 90%); per round: {spread} "
            f"(median {statistics.median(per_round):.0%})"
        )
    print(
        f"worker memory after serving all {args.tenants} tenants: "
        + ", ".join(f"{size:.0f} MB" for size in memory)
    )


if __name__ == "__main__":
    main()
