"""Fixtures of the fault tests; the helpers they use are in processes.py."""

import shutil
import tempfile
from pathlib import Path

import pytest

from tests.reliability.processes import RedisServer


@pytest.fixture(scope="session")
def own_redis():
    folder = Path(tempfile.mkdtemp(prefix="reliability-redis-"))
    server = RedisServer(folder)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def redis_back_on(own_redis):
    """Whatever a test does to our Redis, the next test finds it running."""
    yield own_redis
    if not own_redis.answers():
        own_redis.start()
