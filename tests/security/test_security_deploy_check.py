"""`manage.py check --deploy` is clean with the production settings and the environment that
production gives them (terraform/main.tf's `environment` and the secrets of
terraform/modules/secrets), every value a dummy. Run as a subprocess: the settings module is read
once per process, and the test process runs on the test settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENVIRONMENT = {
    # terraform/main.tf, module "ecs" environment
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "BASE_DOMAIN": "commons.example.com",
    "AWS_STORAGE_BUCKET_NAME": "platform-media-dummy",
    "AWS_S3_REGION_NAME": "eu-west-1",
    "AWS_S3_CUSTOM_DOMAIN": "media.commons.example.com",
    "AWS_SES_REGION_NAME": "eu-west-1",
    "DEFAULT_FROM_EMAIL": "no-reply@commons.example.com",
    # terraform/modules/secrets, app_secret_arns
    "SECRET_KEY": secrets.token_urlsafe(50),
    "DATABASE_URL": "postgres://platform:dummy@db.invalid:5432/platform?sslmode=require",
    "REDIS_URL": "rediss://redis.invalid:6379/0",
    "STRIPE_SECRET_KEY": "sk_test_dummy",
    "STRIPE_WEBHOOK_SECRET": "whsec_dummy",
}


def check_deploy(**overrides) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        # The test run's own settings must not leak into the production check.
        # (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for their own server thread).
        if key
        not in {
            "DJANGO_SETTINGS_MODULE",
            "DATABASE_URL",
            "REDIS_URL",
            "SECRET_KEY",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    environment.update(PRODUCTION_ENVIRONMENT, **overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = check_deploy(SECRET_KEY="")
    assert result.returncode != 0
    assert "The environment variable SECRET_KEY must be set." in result.stderr
