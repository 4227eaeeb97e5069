"""Settings for the processes the fault tests start (gunicorn, Celery workers).

The test settings (whose default cache, like production's, degrades instead of failing while
Redis is down), plus what only these tests need: the queue and visibility timeout the test
picks, and allauth's rate limits switched back on so that a login really goes through the
cache.
"""

from config.settings import base
from config.settings.env import env, env_int
from config.settings.test import *  # noqa: F403

# The test process and its workers must agree on the queue (config.settings.test picks a random
# one per process).
CELERY_TASK_DEFAULT_QUEUE = env("FAULTS_QUEUE", CELERY_TASK_DEFAULT_QUEUE)  # noqa: F405

# With the Redis transport an unacknowledged message goes back to its queue only after the
# visibility timeout; production keeps kombu's hour, the test needs seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("FAULTS_VISIBILITY_TIMEOUT", 3600),
    "unacked_restore_interval": env_int("FAULTS_RESTORE_INTERVAL", 10),
}

ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS
