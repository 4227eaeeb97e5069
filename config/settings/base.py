"""Settings shared by every environment. Everything that varies comes from the environment."""

import dj_database_url

from config.settings.env import BASE_DIR, env, env_bool, env_int, env_list

SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789")
DEBUG = env_bool("DEBUG", False)
DATA_DIR = BASE_DIR / ".data"

# --- Tenancy -------------------------------------------------------------------------------
# The public site answers on the bare base domain and www.; every organization gets
# <slug>.<BASE_DOMAIN>. With the dev default, http://acme.localhost:8000 needs no DNS.
BASE_DOMAIN = (env("BASE_DOMAIN", "localhost") or "localhost").lower().rstrip(".")
PUBLIC_HOSTS = {BASE_DOMAIN, f"www.{BASE_DOMAIN}"}
SITE_SCHEME = env("SITE_SCHEME", "http")
SITE_PORT = env("SITE_PORT", "")  # appended to links between hosts in development (":8000")
PLATFORM_NAME = env("PLATFORM_NAME", "Commons")

# Routing is the allow-list of hosts: a request for a host that is neither public nor a known
# domain gets the "unknown site" 404 before any view runs (tenants.middleware).
ALLOWED_HOSTS = ["*"]

SHARED_APPS = [
    "daphne",  # runserver speaks ASGI (WebSockets) in development
    "tenants",  # before django_tenants, so that its migrate_schemas command takes precedence
    "django_tenants",
    "shared_apps.accounts",
    "shared_apps.signup",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "channels",
    "core",
    "shared_apps.billing",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.admin",
    "shared_apps.accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "tenant_apps.members",
    "tenant_apps.console",
    "tenant_apps.notifications",
    "tenant_apps.forum",
    "tenant_apps.tasks",
    "tenant_apps.store",
    "tenant_apps.recipes",
    "tenant_apps.events",
    "tenant_apps.links",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Organization"
TENANT_DOMAIN_MODEL = "tenants.Domain"
TENANT_LIMIT_SET_CALLS = True
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
# Signup takes a fully migrated template schema by cloning it (tenants.provisioning).
TENANT_TEMPLATE_SCHEMA = "_template"
# ...and before that, a spare schema made ahead of time, claimed by renaming it (a few ms).
# tenants.tasks.refill_spare_schemas keeps this many spares ready; 0 switches the pool off.
TENANT_SPARE_POOL_SIZE = env_int("TENANT_SPARE_POOL_SIZE", 3)
# migrate_schemas migrates the tenant schemas behind the code with this many worker processes,
# one database connection each (docs/performance.md: 2 is as fast as 4 on a 2-core machine).
TENANT_MIGRATION_PROCESSES = env_int("TENANT_MIGRATION_PROCESSES", 2)
# Each process trusts its host -> tenant map this long before asking the shared cache whether
# routing changed: a suspension or new domain made elsewhere is seen within this bound.
TENANT_ROUTING_CHECK_INTERVAL_MS = env_int("TENANT_ROUTING_CHECK_INTERVAL_MS", 500)

MIDDLEWARE = [
    "tenants.middleware.TenantRoutingMiddleware",
    "core.middleware.RejectNullCharactersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tenant_apps.console.middleware.SiteTimezoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "core.middleware.FeatureGateMiddleware",
    "core.middleware.ReadOnlyMiddleware",
    "core.middleware.ApplicationErrorMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
        },
    }
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# --- Database ------------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/platform")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
# django-tenants' backend, plus: no SET search_path when the schema did not change, and the
# "transaction" mode for PgBouncer's transaction pooling, where the schema is set with SET LOCAL
# inside every transaction instead of once per session (tenants/db/base.py).
DATABASES["default"]["ENGINE"] = "tenants.db"
TENANT_SEARCH_PATH_MODE = env("TENANT_SEARCH_PATH_MODE", "session")
if TENANT_SEARCH_PATH_MODE == "transaction":
    # Server-side cursors outlive a transaction; a transaction pooler cannot keep them.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ---------------------------------------------------------------------------------
# "default" prefixes every key with the current schema (tenants.cache.make_key), so one tenant
# can never read another's entries. "platform" is for the tenancy core's own keys (routing
# generation), which are deliberately global. "default" degrades instead of failing while Redis
# is down (core.cache.ResilientRedisCache: a miss on read, nothing stored, logged). "platform"
# stays plain RedisCache: routing must tell "Redis is down" (bypass the per-process maps) from
# "no generation yet", and its readers handle the error themselves (docs/reliability.md).
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    _cache_backend = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
    }
else:
    # No Redis (the embedded `make run`): a file cache still works across the web, worker and
    # beat processes, which the routing invalidation needs.
    _cache_backend = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
    }
CACHES = {
    "default": {**_cache_backend, "KEY_FUNCTION": "tenants.cache.make_key", "KEY_PREFIX": "c"},
    "platform": {**_cache_backend, "KEY_PREFIX": "platform"},
}
if REDIS_URL:
    CACHES["default"]["BACKEND"] = "core.cache.ResilientRedisCache"
else:
    CACHES["platform"]["LOCATION"] = str(DATA_DIR / "cache-platform")

# --- Accounts ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "shared_apps.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/h/ip",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = PLATFORM_NAME

# Host-only cookies: no Domain attribute, so a session of one host is never sent to another.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LOGIN_HANDOFF_MAX_AGE = 120  # seconds a signup login token stays valid


# --- Email ---------------------------------------------------------------------------------
# Django 6.1's MAILERS (EMAIL_* settings are deprecated). Console in development, locmem in
# tests (Django's test runner swaps it), SMTP in production (EMAIL_BACKEND to change).
def mailers_for(backend: str) -> dict:
    options = {}
    if backend.endswith("smtp.EmailBackend"):
        options = {
            "host": env("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 587),
            "username": env("EMAIL_HOST_USER", ""),
            "password": env("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
        }
    return {"default": {"BACKEND": backend, "OPTIONS": options}}


MAILERS = mailers_for(env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", f"{PLATFORM_NAME} <no-reply@{BASE_DOMAIN}>")

# --- Static and media ----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", str(DATA_DIR / "media"))
# Serve local media from Django (each host only its own tenant's folder); off where S3 serves it.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
STORAGES = {
    "default": {"BACKEND": "tenants.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Internationalisation ------------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Security ------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF, "https:", "http:"],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tenant_apps.members.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", "60/min"),
        "user": env("API_THROTTLE_USER", "600/min"),
        "subdomain_check": "60/min",
    },
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "core.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{PLATFORM_NAME} API",
    "DESCRIPTION": "The REST API of a community site. Authenticate with a session or with "
    "`Authorization: Token <key>` (create tokens under Settings → API tokens).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema_without_uri_format",
    ],
    # Several apps have a "status" field; name the choice sets that would otherwise get hashes.
    "ENUM_NAME_OVERRIDES": {
        "StoreOrderStatusEnum": "tenant_apps.store.models.OrderStatus",
        "PublicationStatusEnum": "tenant_apps.store.models.ProductStatus",  # recipes' too
    },
}

# --- Background work -----------------------------------------------------------------------
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    # No Redis: kombu's filesystem transport needs no server and still runs a real worker.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(DATA_DIR / "celery" / "queue"),
        "data_folder_out": str(DATA_DIR / "celery" / "queue"),
        "processed_folder": str(DATA_DIR / "celery" / "processed"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{DATA_DIR / 'celery' / 'results'}"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "tenants.scheduler.ActiveTenantScheduler"
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# Entries without "tenant_schemas" run once per active tenant, in that tenant's schema. Apps add
# their own with tenants.scheduler.periodic_task from their AppConfig.ready().
CELERY_BEAT_SCHEDULE: dict = {
    "refill-spare-schemas": {
        "task": "tenants.tasks.refill_spare_schemas",
        "schedule": 60.0,
        "tenant_schemas": ["public"],  # once, in the public schema (tenants.scheduler)
    },
    "purge-expired-login-handoffs": {
        "task": "shared_apps.accounts.tasks.purge_expired_login_handoffs",
        "schedule": 3600.0,
    },
}

# --- Logging -------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"tenant": {"()": "tenants.logging.TenantContextFilter"}},
    "formatters": {
        "tenant": {"format": "%(asctime)s %(levelname)s [%(tenant)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["tenant"],
            "formatter": "tenant",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}

PLATFORM_FEATURES = env_list("PLATFORM_FEATURES", [])

# Store: how long a card checkout holds its items while the customer is on Stripe's payment page.
# The Checkout Session expires after this many minutes (Stripe accepts 30 to 1440) and its
# `checkout.session.expired` webhook gives the stock back; the store's own sweep releases it a
# few minutes later should that webhook be lost (tenant_apps/store/services.py).
STORE_RESERVATION_MINUTES = env_int("STORE_RESERVATION_MINUTES", 30)

# Forms render with the design system's field markup (templates/forms/).
FORM_RENDERER = "core.forms.FormRenderer"

# Settings of one concern each, kept beside the code that reads them.
from config.settings.billing import *  # noqa: E402, F403
from config.settings.realtime import *  # noqa: E402, F403
from config.settings.storage import *  # noqa: E402, F403
