import os

# config.settings.production refuses to import without a secret key; tests only read it.
os.environ.setdefault("SECRET_KEY", "only-for-reading-production-settings-in-tests-0123456789")
