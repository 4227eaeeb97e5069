"""Behind PgBouncer in transaction pooling mode, with a pool smaller than the number of clients
(so consecutive transactions of one client land on different server connections), every
request and every read runs in its own tenant's schema: the search path is set inside each
transaction (TENANT_SEARCH_PATH_MODE = "transaction"), never left on a session."""

import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

from tests.conftest import host_of

sys.path.insert(0, str(Path(settings.BASE_DIR) / "scripts"))
from services import ensure_debian_packages

PGBOUNCER = "/usr/sbin/pgbouncer"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def pgbouncer(django_db_setup, django_db_blocker):
    """A PgBouncer on a free loopback port, transaction pooling, two server connections."""
    ensure_debian_packages("pgbouncer", binaries={"pgbouncer": PGBOUNCER})
    with django_db_blocker.unblock():
        database = connections["default"].settings_dict["NAME"]
    folder = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    shutil.chown(folder, user="postgres")
    port = free_port()
    (folder / "users.txt").write_text('"postgres" ""\n')
    (folder / "pgbouncer.ini").write_text(
        f"[databases]\n{database} = host=127.0.0.1 port=5432 dbname={database}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder / 'users.txt'}\n"
        "pool_mode = transaction\ndefault_pool_size = 2\nmax_client_conn = 50\n"
        f"logfile = {folder / 'pgbouncer.log'}\nuser = postgres\n"
    )
    process = subprocess.Popen([PGBOUNCER, str(folder / "pgbouncer.ini")])
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError((folder / "pgbouncer.log").read_text()) from None
                time.sleep(0.05)
        yield {"HOST": "127.0.0.1", "PORT": port}
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def test_concurrent_tenants_through_pgbouncer_each_see_their_own_data(
    pgbouncer, django_db_blocker, settings
):
    from shared_apps.accounts.models import User
    from tenants.context import tenant_context
    from tenants.db.base import DatabaseWrapper
    from tenants.models import Organization

    settings.TENANT_SEARCH_PATH_MODE = "transaction"
    with django_db_blocker.unblock():
        organizations = list(Organization.objects.filter(schema_name__in=["alpha", "beta"]))
    assert len(organizations) == 2
    through_pgbouncer = {
        **connections["default"].settings_dict,
        **pgbouncer,
        "CONN_MAX_AGE": 600,
        "DISABLE_SERVER_SIDE_CURSORS": True,
    }
    failures: list[str] = []
    rounds = 40

    def client_thread(index: int) -> None:
        connections["default"] = DatabaseWrapper(dict(through_pgbouncer), "default")
        with django_db_blocker.unblock():
            try:
                for round_number in range(rounds):
                    organization = organizations[(index + round_number) % len(organizations)]
                    name = organization.schema_name
                    response = Client(HTTP_HOST=host_of(organization)).get("/")
                    if organization.name.encode() not in response.content:
                        failures.append(f"thread {index}: page of {name} shows another site")
                    with tenant_context(organization):
                        emails = list(User.objects.values_list("email", flat=True))
                        with connections["default"].cursor() as cursor:
                            cursor.execute("SELECT current_schema()")
                            schema = cursor.fetchone()[0]
                    if emails != [f"owner@{name}.test"] or schema != name:
                        failures.append(f"thread {index}: {name} saw {emails} in {schema}")
            except Exception as error:  # reported below with the isolation failures
                failures.append(f"thread {index}: {error!r}")
            finally:
                connections.close_all()

    threads = [threading.Thread(target=client_thread, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
