"""Real processes for the fault tests: a private redis-server that a test may stop and start,
the platform's own processes started as the image starts them (deploy/entrypoint.sh) with the
fault settings (tests/reliability/settings_faults.py), and a small HTTP client. Nothing here
touches the shared Redis or PostgreSQL servers."""

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "deploy" / "entrypoint.sh"
PASSWORD = "Sturdy-Passphrase-42"  # the owners' password in tests/conftest.py


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def committed_database_url() -> str:
    """The committed test database of this run, as a URL the platform's processes accept."""
    db = connection.settings_dict
    host = db["HOST"] or ""
    if host.startswith("/"):
        return f"postgres://{db['USER']}@/{db['NAME']}?host={host}"
    return f"postgres://{db['USER']}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


class RedisServer:
    """A redis-server of our own, on a free port, without persistence: stop() and start() are
    a real outage and a real (empty) comeback."""

    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed: the Redis fault tests need their own one")
        self.binary = binary
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.answers():
                return
            time.sleep(0.05)
        pytest.fail(f"our redis-server on port {self.port} did not answer within 10 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None
        assert not self.answers(), "our redis-server still answers after being stopped"

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def client(self):
        import redis

        return redis.Redis.from_url(self.url)


def process_env(*, database_url: str, redis_url: str, **extra: str) -> dict:
    return {
        **os.environ,
        "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "tests.reliability.settings_faults",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "WEB_CONCURRENCY": "1",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def start(role: str, env: dict, *args: str) -> subprocess.Popen:
    """One platform process, as the image starts it (deploy/entrypoint.sh ROLE ...)."""
    return subprocess.Popen(
        [str(ENTRYPOINT), role, *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def stop(process: subprocess.Popen, *, kill: bool = False) -> str:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
    return output or ""


class Browser:
    """Plain HTTP to one host of a server started by a test, with its own cookies."""

    def __init__(self, port: int, host: str, headers: dict | None = None) -> None:
        import http.cookiejar

        self.base = f"http://127.0.0.1:{port}"
        self.host = host
        self.headers = headers or {}
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, dict]:
        import urllib.parse

        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(
            self.base + path,
            data=body,
            headers={"Host": self.host, "Referer": f"http://{self.host}{path}", **self.headers},
        )
        try:
            with self.opener.open(request, timeout=15) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)

    def wait_until_serving(self, process: subprocess.Popen, timeout: float = 40) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"server exited with {process.returncode}: {stop(process)}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"server did not answer within {timeout} s: {stop(process)}")

    def login_form_token(self) -> str:
        """Opens allauth's login form (CSRF cookie set) and returns the form's CSRF token."""
        import re

        status, page, _ = self.request("/accounts/login/")
        assert status == 200, page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page
        return token.group(1)

    def log_in(self, email: str, password: str, token: str | None = None) -> tuple[int, str, dict]:
        """allauth's login form, as a browser fills it (CSRF cookie and token included)."""
        return self.request(
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": token or self.login_form_token(),
                "login": email,
                "password": password,
            },
        )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the tests look at redirects themselves
