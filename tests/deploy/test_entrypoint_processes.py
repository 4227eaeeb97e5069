"""The image's entry commands, run here as plain processes with production settings against
the test database (Docker does not run on these machines). Each role must really start and do
its job: migrate finishes, web and asgi answer, the worker runs a tenant's task, beat ticks."""

import os
import select
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

# The processes read the committed test database (public schema and the two organizations).
pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "deploy" / "entrypoint.sh"


def database_url() -> str:
    db = connection.settings_dict
    host = db["HOST"] or ""
    if host.startswith("/"):
        return f"postgres://{db['USER']}@/{db['NAME']}?host={host}"
    return f"postgres://{db['USER']}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="module")
def production_env(tmp_path_factory, django_db_setup):
    static_root = tmp_path_factory.mktemp("static")
    env = {
        **os.environ,
        "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "entrypoint-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "BASE_DOMAIN": settings.BASE_DOMAIN,
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(static_root),
        "WEB_CONCURRENCY": "1",
    }
    # The image collects static files at build time; production settings need the manifest.
    subprocess.run(
        [str(ENTRYPOINT), "manage", "collectstatic", "--noinput", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(
    url: str, host: str, process: subprocess.Popen, timeout: float = 30
) -> tuple[int, bytes]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"process exited with {process.returncode}: {process.stdout.read()}"
            )
        try:
            request = urllib.request.Request(url, headers={"Host": host})
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, response.read()
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {timeout} s")


def start(role: str, env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(ENTRYPOINT), role, *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop(process: subprocess.Popen) -> str:
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output


def test_migrate_role_runs_migrate_schemas_to_completion(production_env):
    result = subprocess.run(
        [str(ENTRYPOINT), "migrate"],
        env=production_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No migrations to apply" in result.stdout


@pytest.mark.parametrize("role", ["web", "asgi"])
def test_web_and_asgi_roles_serve_the_health_check_and_tenant_pages(production_env, role):
    port = free_port()
    process = start(role, {**production_env, "PORT": str(port)})
    try:
        status, body = wait_for_http(f"http://127.0.0.1:{port}/healthz", "10.0.0.1", process)
        assert (status, body) == (200, b"ok")
        status, body = wait_for_http(
            f"http://127.0.0.1:{port}/", f"alpha.{settings.BASE_DOMAIN}", process
        )
        assert status == 200 and b"Alpha Club" in body
    finally:
        stop(process)


def test_worker_role_runs_a_task_in_the_tenant_schema_that_queued_it(production_env):
    from config.celery import app
    from tenants.context import schema_context

    queue = app.conf.task_default_queue  # this test run's own queue
    process = start("worker", production_env, "-Q", queue, "--concurrency", "1", "--pool", "solo")
    try:
        with schema_context("alpha"):
            result = app.send_task(
                "shared_apps.accounts.tasks.purge_expired_login_handoffs", queue=queue
            )
        assert isinstance(result.get(timeout=60), int)
    finally:
        output = stop(process)
    assert "purge_expired_login_handoffs" in output and "succeeded" in output, output


def read_until(process: subprocess.Popen, text: str, timeout: float = 60) -> str:
    """The process's output up to `text` (or all of it, at the deadline or when the process
    ends). Waiting for the line, not a fixed time, keeps a busy machine from failing the test.
    Reads the raw pipe: readline() would keep lines in Python's buffer, where select() cannot
    see them."""
    descriptor = process.stdout.fileno()
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([descriptor], [], [], 0.5)
        if not ready:
            continue
        chunk = os.read(descriptor, 65536)
        if not chunk:
            break
        chunks.append(chunk)
        if text in b"".join(chunks).decode(errors="replace"):
            break
    return b"".join(chunks).decode(errors="replace")


def test_beat_role_starts_the_tenant_aware_scheduler(production_env, tmp_path):
    process = start("beat", production_env, "--schedule", str(tmp_path / "schedule"))
    output = read_until(process, "beat: Starting")
    assert process.poll() is None, output + process.stdout.read()
    output += stop(process)
    assert "beat: Starting" in output, output
    assert "ActiveTenantScheduler" in output, output


def test_an_unknown_role_is_refused_without_starting_anything():
    result = subprocess.run([str(ENTRYPOINT), "nonsense"], capture_output=True, text=True)
    assert result.returncode == 64
    assert "unknown role" in result.stderr
    assert sys.executable  # the suite's own interpreter is untouched
