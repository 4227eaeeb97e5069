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
    """Whatever a test does to our Redis, the next test finds it running; each starts with it
    empty (own_redis is shared by the session: the process races leave their cache keys)."""
    if own_redis.answers():
        own_redis.client().flushall()
    yield own_redis
    if not own_redis.answers():
        own_redis.start()
