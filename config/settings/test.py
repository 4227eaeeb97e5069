"""Tests run against real PostgreSQL (DATABASE_URL) and real Redis (REDIS_URL)."""

from config.settings.base import *  # noqa: F403
from config.settings.env import env

BASE_DOMAIN = "example.test"
PUBLIC_HOSTS = {BASE_DOMAIN, f"www.{BASE_DOMAIN}"}
SITE_PORT = ""
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = str(DATA_DIR / "test-media")  # noqa: F405

# Redis is required: the suite fails with a clear message when REDIS_URL is not set
# (tests/conftest.py), rather than silently testing something else.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    _redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    CACHES = {
        "default": {
            **_redis,
            "BACKEND": "core.cache.ResilientRedisCache",  # as in production (base.py)
            "KEY_FUNCTION": "tenants.cache.make_key",
            "KEY_PREFIX": "c",
        },
        "platform": {**_redis, "KEY_PREFIX": "platform"},
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
ACCOUNT_RATE_LIMITS = False
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405

# One Redis serves developers and CI alike: each test run gets its own key prefix and Celery
# queue, so runs never see each other's entries or steal each other's tasks.
import uuid  # noqa: E402

RUN_ID = uuid.uuid4().hex[:8]
CACHES["default"]["KEY_PREFIX"] = f"test-{RUN_ID}"
CACHES["platform"]["KEY_PREFIX"] = f"test-platform-{RUN_ID}"
CELERY_TASK_DEFAULT_QUEUE = f"test-{RUN_ID}"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Several test runs may share one PostgreSQL server (developers, helpers, CI): each run gets its
# own throwaway database, dropped at the end by pytest-django.
DATABASES["default"]["TEST"] = {"NAME": f"test_platform_{RUN_ID}"}  # noqa: F405
