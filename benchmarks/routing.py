"""Throughput of a tenant page (one row read from the tenant's schema) routed by the platform,
against the same view served with no tenancy at all (the schema fixed in settings).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/platform .venv/bin/python \
        benchmarks/routing.py [--duration 10]

gunicorn (2 sync workers, persistent database connections) on loopback, a keep-alive load
generator (2 processes x 4 threads) for a bounded time after a short warm-up; throughputs,
their ratio and p50/p99 latencies are printed. Runs on a throwaway database.
"""

import argparse

from harness import percentile_ms, setup_django, throwaway_database
from load import Server, load


def make_tenant(subdomain: str) -> str:
    """An organization with one account; returns its host."""
    from shared_apps.accounts.models import User
    from tenants.context import tenant_context
    from tenants.services import primary_host_for, provision_organization

    organization = provision_organization(name=subdomain, subdomain=subdomain)
    with tenant_context(organization):
        User.objects.create(email=f"first@{subdomain}.test")
    return primary_host_for(subdomain)


def measure(database, mode, hosts, duration, fixed_schema=""):
    with Server(database, mode, fixed_schema=fixed_schema) as server:
        load(server.port, hosts, duration=2)  # warm-up: connections, routes, code paths
        latencies, errors = load(server.port, hosts, duration=duration)
        memory = server.worker_rss_mb()
    if not latencies:
        raise SystemExit(f"no request of the {mode} server succeeded ({errors} errors)")
    return {
        "rps": len(latencies) / duration,
        "p50": percentile_ms(latencies, 0.50),
        "p99": percentile_ms(latencies, 0.99),
        "errors": errors,
        "memory": memory,
    }


def report(label, figures):
    print(
        f"{label:<28} {figures['rps']:8.0f} req/s   p50 {figures['p50']:6.2f} ms   "
        f"p99 {figures['p99']:6.2f} ms   errors {figures['errors']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    with throwaway_database():
        host = make_tenant("bench")
        database = connection.settings_dict["NAME"]
        connection.close()
        fixed = measure(database, "fixed", [host], args.duration, fixed_schema="bench")
        routed = measure(database, "tenant", [host], args.duration)
    report("schema fixed in settings", fixed)
    report("routed by host (platform)", routed)
    ratio = routed["rps"] / fixed["rps"]
    print(f"ratio routed/fixed: {ratio:.1%} (target >= 90%)")


if __name__ == "__main__":
    main()
