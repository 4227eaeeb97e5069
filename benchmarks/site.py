"""Settings of the server the HTTP benchmarks start (routing.py, scale.py): the test settings on
the benchmark's throwaway database, with one view that reads one row of the tenant's data.

BENCH_MODE=tenant: the platform's routing middleware finds the tenant from the Host header.
BENCH_MODE=fixed: the baseline, no tenancy at all: plain Django PostgreSQL backend whose
connection is fixed on one schema (BENCH_FIXED_SCHEMA) by its search_path option.
"""

import os

from config.settings.test import *  # noqa: F403

DATABASES["default"]["NAME"] = os.environ["BENCH_DATABASE"]  # noqa: F405
DATABASES["default"]["CONN_MAX_AGE"] = None  # persistent connections  # noqa: F405
ROOT_URLCONF = "benchmarks.site_urls"
PUBLIC_SCHEMA_URLCONF = "benchmarks.site_urls"
CACHES["default"]["KEY_PREFIX"] = f"bench-{os.environ['BENCH_DATABASE']}"  # noqa: F405
CACHES["platform"]["KEY_PREFIX"] = f"bench-platform-{os.environ['BENCH_DATABASE']}"  # noqa: F405
DEBUG = False
LOGGING["root"]["level"] = "ERROR"  # noqa: F405

if os.environ.get("BENCH_MODE") == "fixed":
    DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"  # noqa: F405
    DATABASES["default"]["OPTIONS"] = {  # noqa: F405
        "options": f"-c search_path={os.environ['BENCH_FIXED_SCHEMA']},public"
    }
    MIDDLEWARE = [
        "allauth.account.middleware.AccountMiddleware"
    ]  # allauth refuses to start without
else:
    MIDDLEWARE = [
        "tenants.middleware.TenantRoutingMiddleware",
        "allauth.account.middleware.AccountMiddleware",
    ]
# The readiness probe asks for /healthz, which the fixed-schema baseline does not serve.
LOGGING.setdefault("loggers", {})["django.request"] = {"level": "ERROR"}  # noqa: F405
if os.environ.get("BENCH_ROUTING_CHECK_MS"):
    TENANT_ROUTING_CHECK_INTERVAL_MS = int(os.environ["BENCH_ROUTING_CHECK_MS"])
