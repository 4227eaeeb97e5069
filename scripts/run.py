"""`make run`: migrate, create the demo organizations, then serve the platform with a Celery
worker and beat beside the web server until Ctrl-C."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from services import ROOT, database_url

PYTHON = str(ROOT / ".venv" / "bin" / "python")
PORT = os.environ.get("PORT", "8000")


def main() -> int:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.dev"),
        "DATABASE_URL": database_url("platform"),
        "SITE_PORT": f":{PORT}",
        "PYTHONUNBUFFERED": "1",
    }
    manage = [PYTHON, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate_schemas", "--noinput", "-v", "0"], env=env, check=True)
    subprocess.run([*manage, "seed_demo"], env=env, check=True)

    processes = {
        "web": [*manage, "runserver", f"0.0.0.0:{PORT}"],
        "worker": [
            PYTHON,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-l",
            "info",
            "--concurrency",
            "2",
        ],
        "beat": [PYTHON, "-m", "celery", "-A", "config", "beat", "-l", "info"],
    }
    running = {name: subprocess.Popen(cmd, env=env, cwd=ROOT) for name, cmd in processes.items()}
    print(
        f"\nPublic site: http://localhost:{PORT}   Demo sites: http://acme.localhost:{PORT}  "
        f"http://globex.localhost:{PORT}   (Ctrl-C stops everything)\n",
        flush=True,
    )

    def stop(*_):
        for process in running.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in running.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()

    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
    try:
        while True:
            for name, process in running.items():
                if process.poll() is not None:
                    print(f"{name} exited with {process.returncode}; stopping.", file=sys.stderr)
                    stop()
                    return process.returncode or 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        stop()
        return 0


if __name__ == "__main__":
    sys.exit(main())
