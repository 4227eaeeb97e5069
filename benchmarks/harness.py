"""What every benchmark shares: Django set up against a throwaway database on the server named by
DATABASE_URL (made, migrated and dropped here, like the test suite's), and small statistics."""

import os
import re
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/platform")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    import django

    django.setup()


@contextmanager
def throwaway_database():
    """A freshly migrated database (public, template), dropped on the way out whatever happens."""
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases

    config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        yield
    finally:
        connections.close_all()
        teardown_databases(config, verbosity=0)


def median_ms(seconds: list[float]) -> float:
    return statistics.median(seconds) * 1000


def percentile_ms(seconds: list[float], fraction: float) -> float:
    ordered = sorted(seconds)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] * 1000


def load_average() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def psql_command() -> list[str]:
    """psql on the throwaway database, stopping at the first error."""
    from django.db import connection

    settings = connection.settings_dict
    return [
        "psql",
        "-q",
        "-X",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        settings["HOST"] or "127.0.0.1",
        "-p",
        str(settings["PORT"] or 5432),
        "-U",
        settings["USER"] or "postgres",
        "-d",
        settings["NAME"],
    ]


def copy_template(names: list[str], rewrite=None, sessions: int = 2) -> None:
    """Make one schema per name, a copy of the migrated template schema (data included).

    pg_dump of the template, with the schema name replaced, replayed by `sessions` psql
    sessions, one transaction per schema: many times faster than django-tenants' clone
    function, which introspects the template again for every copy. `rewrite(name, sql)` may
    change each copy further (per-tenant rows)."""
    from tenants.provisioning import template_schema

    template = template_schema()
    base = psql_command()
    started = time.perf_counter()
    dump = subprocess.run(
        ["pg_dump", *base[5:], "--schema", template, "--no-owner", "--no-privileges"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    # pg_dump qualifies every name with the schema (and sets search_path to '').
    pattern = re.compile(rf"(?<![\w.]){re.escape(template)}(?=[.;\s])")
    dumped = time.perf_counter()
    streams = [names[index::sessions] for index in range(sessions)]
    replays = [
        subprocess.Popen(base, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
        for part in streams
        if part
    ]

    def feed(replay, part):
        for name in part:
            sql = pattern.sub(name, dump)
            if rewrite is not None:
                sql = rewrite(name, sql)
            replay.stdin.write(f"BEGIN;\n{sql}\nCOMMIT;\n".encode())
        replay.stdin.close()

    feeders = [
        threading.Thread(target=feed, args=pair) for pair in zip(replays, streams, strict=False)
    ]
    for feeder in feeders:
        feeder.start()
    for feeder in feeders:
        feeder.join()
    if any(replay.wait() != 0 for replay in replays):
        raise SystemExit("replaying the template dump failed")
    print(
        f"  template dump: {len(dump) // 1024} KiB, ~{dump.count(';' + chr(10))} statements, "
        f"{dumped - started:.1f} s; replayed for {len(names)} schemas in "
        f"{time.perf_counter() - dumped:.1f} s"
    )
