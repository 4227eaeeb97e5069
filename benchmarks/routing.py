"""Throughput of a tenant page (one row read from the tenant's schema) routed by the platform,
against the same view served with no tenancy at all (the schema fixed in settings).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/platform .venv/bin/python \
        benchmarks/routing.py [--duration 20] [--rounds 4]

Two gunicorn servers (2 sync workers each, persistent database connections) on loopback, one
per mode, both started and warmed up first; then a keep-alive load generator (2 processes x 4
threads) alternates between them, `rounds` times, for `duration` seconds per mode in all. The
alternation spreads the machine's changing load evenly over both modes. Throughputs, their
ratio (with the spread of the per-round ratios) and p50/p99 latencies are printed, with the load
average. Runs on a throwaway database.
"""

import argparse
import os

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


def summary(latencies: list[float], errors: int, seconds: float) -> dict:
    if not latencies:
        raise SystemExit(f"no request succeeded ({errors} errors)")
    return {
        "rps": len(latencies) / seconds,
        "p50": percentile_ms(latencies, 0.50),
        "p99": percentile_ms(latencies, 0.99),
        "errors": errors,
    }


def compare(servers: dict, hosts: dict, duration: float, rounds: int, warmup: float = 5.0):
    """Alternate the load between the servers; returns per-mode summaries and per-round ratios.

    `servers` and `hosts` are keyed by mode; the first mode is the baseline."""
    modes = list(servers)
    for mode in modes:  # connections, routes, code paths of every worker
        load(servers[mode].port, hosts[mode], duration=warmup)
    collected = {mode: ([], 0) for mode in modes}
    ratios = []
    slice_seconds = duration / rounds
    for _ in range(rounds):
        counts = {}
        for mode in modes:
            latencies, errors = load(servers[mode].port, hosts[mode], duration=slice_seconds)
            counts[mode] = len(latencies)
            collected[mode] = (collected[mode][0] + latencies, collected[mode][1] + errors)
        ratios.append(counts[modes[1]] / max(counts[modes[0]], 1))
    figures = {mode: summary(*collected[mode], duration) for mode in modes}
    return figures, ratios


def report(label, figures):
    print(
        f"{label:<30} {figures['rps']:8.0f} req/s   p50 {figures['p50']:6.2f} ms   "
        f"p99 {figures['p99']:7.2f} ms   errors {figures['errors']}"
    )


def load_average() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load per mode")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    with throwaway_database():
        host = make_tenant("bench")
        database = connection.settings_dict["NAME"]
        connection.close()
        print(f"load average before: {load_average()}")
        with (
            Server(database, "fixed", fixed_schema="bench") as fixed_server,
            Server(database, "tenant") as routed_server,
        ):
            servers = {"fixed": fixed_server, "routed": routed_server}
            figures, ratios = compare(
                servers, {"fixed": [host], "routed": [host]}, args.duration, args.rounds
            )
            memory = {mode: server.worker_rss_mb() for mode, server in servers.items()}
        print(f"load average after:  {load_average()}")
    report("schema fixed in settings", figures["fixed"])
    report("routed by host (platform)", figures["routed"])
    ratio = figures["routed"]["rps"] / figures["fixed"]["rps"]
    spread = ", ".join(f"{r:.0%}" for r in ratios)
    print(f"ratio routed/fixed: {ratio:.1%} (target >= 90%); per round: {spread}")
    for mode, sizes in memory.items():
        print(f"worker memory ({mode}): " + ", ".join(f"{size:.0f} MB" for size in sizes))


if __name__ == "__main__":
    main()
