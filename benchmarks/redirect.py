"""Throughput of a short-link redirect (/<code>) against a trivial view (/links/ping/) on the
same server, and a check that every redirect was counted as a click.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/platform REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python benchmarks/redirect.py [--duration 10]

gunicorn (2 sync workers, the full tenant middleware stack, persistent database connections) on
loopback, a keep-alive load generator (2 processes x 4 threads), a short warm-up, then each
path for a bounded time. Prints both throughputs and their ratio (target: at least 80 %), then
flushes the Redis click buffer the way the Celery task does and compares the link's click count
with the number of redirects answered. Runs on a throwaway database; exits 1 on a miss.

This file is also the server's settings module (DJANGO_SETTINGS_MODULE=redirect): the test
settings with a cache key prefix and Celery queue shared by the server and this script.
"""

import os

if os.environ.get("DJANGO_SETTINGS_MODULE") == "redirect":
    from config.settings.test import *  # noqa: F403

    _key = os.environ["BENCH_REDIRECT_KEY"]
    CACHES["default"]["KEY_PREFIX"] = f"bench-redirect-{_key}"  # noqa: F405
    CACHES["platform"]["KEY_PREFIX"] = f"bench-redirect-platform-{_key}"  # noqa: F405
    CELERY_TASK_DEFAULT_QUEUE = f"bench-redirect-{_key}"
    if os.environ.get("BENCH_DATABASE"):
        DATABASES["default"]["NAME"] = os.environ["BENCH_DATABASE"]  # noqa: F405
        DATABASES["default"]["CONN_MAX_AGE"] = None  # noqa: F405
    DEBUG = False
    LOGGING["root"]["level"] = "ERROR"  # noqa: F405


ROUNDS = 4


def _client_process(port, host, path, expected_status, duration, threads, queue):
    import http.client
    import threading
    import time

    ok, wrong = [0], [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def run():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        good = bad = 0
        while time.monotonic() < stop_at:
            try:
                conn.request("GET", path, headers={"Host": host, "User-Agent": "bench/1.0"})
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            if response.status == expected_status:
                good += 1
            else:
                bad += 1
        with lock:
            ok[0] += good
            wrong[0] += bad

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    queue.put((ok[0], wrong[0]))


def hammer(port, host, path, expected_status, duration, processes=2, threads=4):
    """Keep-alive GETs of `path` for `duration` seconds: (answered as expected, other)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    procs = [
        context.Process(
            target=_client_process,
            args=(port, host, path, expected_status, duration, threads, queue),
        )
        for _ in range(processes)
    ]
    for proc in procs:
        proc.start()
    good = bad = 0
    for _ in procs:
        mine, wrong = queue.get(timeout=duration + 60)
        good += mine
        bad += wrong
    for proc in procs:
        proc.join()
    return good, bad


def warm_up(port, host, path, expected_status, requests=20):
    """Sequential requests until the path answers; returns how many answered as expected."""
    import http.client

    good = 0
    for _ in range(requests):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("GET", path, headers={"Host": host, "User-Agent": "bench/1.0"})
        response = conn.getresponse()
        response.read()
        conn.close()
        good += response.status == expected_status
    return good


def start_server(database):
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "PYTHONPATH": f"{root}:{root / 'benchmarks'}",
        "DJANGO_SETTINGS_MODULE": "redirect",
        "BENCH_DATABASE": database,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "2", "--preload",
         "--bind", f"127.0.0.1:{port}", "--log-level", "error", "--graceful-timeout", "5"],
        env=env, cwd=root,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.1)


def main() -> int:
    import argparse
    import signal
    import subprocess
    import sys
    import uuid

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0)
    args = parser.parse_args()
    os.environ["BENCH_REDIRECT_KEY"] = uuid.uuid4().hex[:8]
    os.environ["DJANGO_SETTINGS_MODULE"] = "redirect"
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from harness import setup_django, throwaway_database

    setup_django()
    from django.db import connection

    from shared_apps.accounts.models import User
    from tenant_apps.links import services
    from tenants.context import tenant_context
    from tenants.services import primary_host_for, provision_organization

    with throwaway_database():
        organization = provision_organization(name="Bench", subdomain="bench")
        host = primary_host_for("bench")
        with tenant_context(organization):
            owner = User.objects.create(email="owner@bench.test")
            from tenant_apps.members.models import Member, Role

            Member.objects.create(user=owner, role=Role.OWNER)
            link = services.create_short_link(
                organization=organization, user=owner, target_url="https://example.org/", alias="go"
            )
        database = connection.settings_dict["NAME"]
        connection.close()
        process, port = start_server(database)
        try:
            # Warm-up: the first requests of a worker import and compile lazily; then a short
            # concurrent run so both workers have served both paths.
            sent = warm_up(port, host, "/go", 302) + hammer(port, host, "/go", 302, 2)[0]
            warm_up(port, host, "/links/ping/", 200)
            hammer(port, host, "/links/ping/", 200, 2)
            # Alternate the two in rounds so that noise from other work on the machine falls on
            # both alike.
            trivial = trivial_errors = redirects = redirect_errors = 0
            for _ in range(ROUNDS):
                good, bad = hammer(port, host, "/links/ping/", 200, args.duration / ROUNDS)
                trivial, trivial_errors = trivial + good, trivial_errors + bad
                good, bad = hammer(port, host, "/go", 302, args.duration / ROUNDS)
                redirects, redirect_errors = redirects + good, redirect_errors + bad
            sent += redirects
        finally:
            # gunicorn's graceful stop waits for open keep-alive connections; on a loaded
            # machine that can outlast any patience, and the figures are already in hand.
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)
        trivial_rps, redirect_rps = trivial / args.duration, redirects / args.duration
        ratio = redirect_rps / trivial_rps if trivial_rps else 0.0
        print(f"trivial view /links/ping/  {trivial_rps:8.0f} req/s   errors {trivial_errors}")
        print(f"redirect /go               {redirect_rps:8.0f} req/s   errors {redirect_errors}")
        print(f"ratio                      {ratio:8.1%}   (target >= 80%)")
        with tenant_context(organization):
            flushed = services.flush_click_buffer()
            link.refresh_from_db()
            clicks = link.click_count
            client = services._redis()
            from django.conf import settings

            client.delete(settings.CELERY_TASK_DEFAULT_QUEUE)
        print(f"clicks counted             {clicks:8d}   redirects answered {sent}   "
              f"(flushed {flushed} at the end)")  # fmt: skip
        matches = clicks == sent
        print("click count matches" if matches else "CLICK COUNT MISMATCH")
        return 0 if matches and ratio >= 0.8 else 1


if __name__ == "__main__":
    raise SystemExit(main())
