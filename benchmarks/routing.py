"""Throughput of a tenant page (one row read from the tenant's schema) routed by the platform,
against the same view served with no tenancy at all (the schema fixed in settings).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/platform .venv/bin/python \
        benchmarks/routing.py [--duration 20] [--rounds 4] [--per-request-check]

Two gunicorn servers (2 sync workers each, persistent database connections) on loopback, one
per mode, both started and warmed up first; then a keep-alive load generator (2 processes x 4
threads) alternates between them, `rounds` times, for `duration` seconds per mode in all. The
alternation spreads the machine's changing load evenly over both modes. Throughputs, their
ratio (with the spread of the per-round ratios) and p50/p99 latencies are printed, with the load
average. Runs on a throwaway database.
"""

import argparse
from contextlib import ExitStack

from harness import load_average, percentile_ms, setup_django, throwaway_database
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


def compare(servers, hosts, duration, rounds, warmup=5.0, expected=None):
    """Alternate the load between modes; returns per-mode summaries and, for each mode but the
    first (the baseline), its per-round ratios to the baseline.

    `servers` and `hosts` are keyed by mode (several modes may share one server)."""
    modes = list(servers)
    for mode in modes:  # connections, routes, code paths of every worker
        if warmup:
            load(servers[mode].port, hosts[mode], duration=warmup)
    collected = {mode: ([], 0) for mode in modes}
    ratios = {mode: [] for mode in modes[1:]}
    slice_seconds = duration / rounds
    for _ in range(rounds):
        counts = {}
        for mode in modes:
            latencies, errors = load(
                servers[mode].port, hosts[mode], duration=slice_seconds, expected=expected
            )
            counts[mode] = len(latencies)
            collected[mode] = (collected[mode][0] + latencies, collected[mode][1] + errors)
        for mode in modes[1:]:
            ratios[mode].append(counts[mode] / max(counts[modes[0]], 1))
    figures = {mode: summary(*collected[mode], duration) for mode in modes}
    return figures, ratios


def report(label, figures):
    print(
        f"{label:<30} {figures['rps']:8.0f} req/s   p50 {figures['p50']:6.2f} ms   "
        f"p99 {figures['p99']:7.2f} ms   errors {figures['errors']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load per mode")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument(
        "--per-request-check",
        action="store_true",
        help="also a routed server that reads the routing generation from Redis on every "
        "request (TENANT_ROUTING_CHECK_INTERVAL_MS=0, the behaviour before the interval)",
    )
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    with throwaway_database():
        host = make_tenant("bench")
        database = connection.settings_dict["NAME"]
        connection.close()
        print(f"load average before: {load_average()}")
        with ExitStack() as stack:
            servers = {
                "fixed": stack.enter_context(Server(database, "fixed", fixed_schema="bench")),
                "routed": stack.enter_context(Server(database, "tenant")),
            }
            if args.per_request_check:
                servers["routed, check every request"] = stack.enter_context(
                    Server(database, "tenant", env={"BENCH_ROUTING_CHECK_MS": "0"})
                )
            figures, ratios = compare(
                servers, {mode: [host] for mode in servers}, args.duration, args.rounds
            )
            memory = {mode: server.worker_rss_mb() for mode, server in servers.items()}
        print(f"load average after:  {load_average()}")
    report("schema fixed in settings", figures["fixed"])
    report("routed by host (platform)", figures["routed"])
    if args.per_request_check:
        report("routed, Redis read per request", figures["routed, check every request"])
    for mode, per_round in ratios.items():
        ratio = figures[mode]["rps"] / figures["fixed"]["rps"]
        spread = ", ".join(f"{r:.0%}" for r in per_round)
        target = " (target >= 90%)" if mode == "routed" else ""
        print(f"ratio {mode}/fixed: {ratio:.1%}{target}; per round: {spread}")
    for mode, sizes in memory.items():
        print(f"worker memory ({mode}): " + ", ".join(f"{size:.0f} MB" for size in sizes))


if __name__ == "__main__":
    main()
