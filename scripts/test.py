"""`make test`: the whole suite against real PostgreSQL and Redis.

PostgreSQL from DATABASE_URL, else the embedded one; Redis from REDIS_URL, else the machine's,
else a private redis-server. pytest-django creates a throwaway test database (test_<name>) and
drops it at the end, so the suite leaves no databases or schemas behind.
"""

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from services import ROOT, database_url, ensure_test_packages, redis_url_for_tests


def main(argv: list[str]) -> int:
    ensure_test_packages()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url("platform"),
        "REDIS_URL": redis_url_for_tests(),
        "PYTHONUNBUFFERED": "1",
    }
    print(
        f"Testing with PostgreSQL at {env['DATABASE_URL']} and Redis at {env['REDIS_URL']}",
        flush=True,
    )
    command = [str(ROOT / ".venv" / "bin" / "python"), "-m", "pytest", *argv]
    return subprocess.run(command, env=env, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
