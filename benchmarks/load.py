"""A bounded HTTP load generator and the gunicorn server the HTTP benchmarks run against."""

import http.client
import multiprocessing
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with `workers` sync workers on loopback, serving benchmarks.site."""

    def __init__(
        self, database: str, mode: str, fixed_schema: str = "", workers: int = 2, env=None
    ):
        self.port = free_port()
        env = {
            **os.environ,
            **(env or {}),
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "benchmarks.site",
            "BENCH_DATABASE": database,
            "BENCH_MODE": mode,
            "BENCH_FIXED_SCHEMA": fixed_schema,
        }
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                f"--workers={workers}",
                f"--bind=127.0.0.1:{self.port}",
                "--log-level=warning",
                "config.wsgi",
            ],
            env=env,
            cwd=ROOT,
        )

    def __enter__(self):
        # The master listens long before its workers have imported Django (tens of seconds on a
        # loaded machine): ready means an HTTP answer, whatever its status.
        started = time.monotonic()
        deadline = started + 120
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                conn.close()
                self.boot_seconds = time.monotonic() - started
                return self
            except (OSError, http.client.HTTPException):
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.__exit__(None, None, None)
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker process (children of the gunicorn master)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        sizes = []
        for pid in children.read_text().split():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def __exit__(self, *exc_info):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _client_process(port, hosts, duration, threads, expected, queue):
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def run(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, wrong, index = [], 0, offset
        while time.monotonic() < stop_at:
            host = hosts[index % len(hosts)]
            index += 1
            started = time.perf_counter()
            try:
                conn.request("GET", "/", headers={"Host": host})
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                wrong += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            mine.append(time.perf_counter() - started)
            if response.status != 200 or (expected and body != expected(host)):
                wrong += 1
        with lock:
            latencies.extend(mine)
            errors[0] += wrong

    workers = [threading.Thread(target=run, args=(i * 7919,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    queue.put((latencies, errors[0]))


def load(port, hosts, duration=10.0, processes=2, threads=4, expected=None):
    """Keep-alive GETs of / over `hosts` for `duration` seconds. Returns (latencies, errors)."""
    queue = multiprocessing.get_context("fork").Queue()
    procs = [
        multiprocessing.get_context("fork").Process(
            target=_client_process,
            args=(port, hosts, duration, threads, expected, queue),
        )
        for _ in range(processes)
    ]
    for proc in procs:
        proc.start()
    latencies, errors = [], 0
    for _ in procs:
        mine, wrong = queue.get(timeout=duration + 60)
        latencies.extend(mine)
        errors += wrong
    for proc in procs:
        proc.join()
    return latencies, errors
