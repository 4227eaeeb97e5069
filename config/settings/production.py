from config.settings.base import *  # noqa: F403
from config.settings.env import env, env_bool, env_int

DEBUG = False
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
SECRET_KEY = env("SECRET_KEY", required=True)
SITE_SCHEME = "https"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MAILERS = mailers_for(env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"))  # noqa: F405
