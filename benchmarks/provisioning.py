"""Signup-to-ready time of a new organization: from the spare pool, by cloning, by migrating.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/platform .venv/bin/python \
        benchmarks/provisioning.py [--rounds 15] [--migrate-rounds 5]

Runs on a throwaway database. Each figure is the median time of provision_organization (the
organization row, its schema, its domain and its initial rows, one transaction); the pool is
refilled between rounds, outside the timing, as the background task does.
"""

import argparse
import time

from harness import median_ms, setup_django, throwaway_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--migrate-rounds", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    with throwaway_database():
        run(args.rounds, args.migrate_rounds)


def timed_signup(subdomain: str, expected: str) -> float:
    from tenants.services import provision_organization

    started = time.perf_counter()
    organization = provision_organization(name=subdomain, subdomain=subdomain)
    elapsed = time.perf_counter() - started
    assert organization.provisioned_by == expected, organization.provisioned_by
    return elapsed


def run(rounds: int, migrate_rounds: int) -> None:
    import logging

    from tenants import provisioning

    logging.getLogger("tenants.provisioning").setLevel(logging.ERROR)  # the fall-back warns
    timings: dict[str, list[float]] = {"pool": [], "clone": [], "migrate": []}
    for index in range(rounds):
        provisioning.refill_spare_schemas(size=1)
        timings["pool"].append(timed_signup(f"pool-{index}", "pool"))
    for index in range(rounds):
        timings["clone"].append(timed_signup(f"clone-{index}", "clone"))
    provisioning.drop_schema(provisioning.template_schema())
    for index in range(migrate_rounds):
        timings["migrate"].append(timed_signup(f"migrate-{index}", "migrate"))
    provisioning.ensure_template()

    pool, clone, migrate = (median_ms(timings[how]) for how in ("pool", "clone", "migrate"))
    print(f"pool    median {pool:8.1f} ms  ({rounds} signups)")
    print(f"clone   median {clone:8.1f} ms  ({rounds} signups)")
    print(f"migrate median {migrate:8.1f} ms  ({migrate_rounds} signups)")
    print(
        f"pool is {clone / pool:.1f}x faster than clone, {migrate / pool:.1f}x faster than migrate"
    )
    met = pool < 100 and migrate / pool >= 20
    print(f"target (<100 ms, >=20x migrate): {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
