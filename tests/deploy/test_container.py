"""The image, the Compose stack and the entrypoint agree on how each process starts."""

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "Dockerfile"
COMPOSE = REPO / "docker-compose.yml"
ENTRYPOINT = REPO / "deploy" / "entrypoint.sh"
DOCKERIGNORE = REPO / ".dockerignore"

ROLE_COMMANDS = {
    "web": "gunicorn config.wsgi:application",
    "asgi": "uvicorn config.asgi:application",
    "worker": "celery -A config worker -l info",
    "beat": "celery -A config beat -l info",
    "migrate": "python manage.py migrate_schemas",
}


def _instructions() -> list[tuple[str, str]]:
    """Dockerfile instructions as (KEYWORD, arguments), continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, arguments = line.partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def _stages() -> list[tuple[str, list[tuple[str, str]]]]:
    stages: list[tuple[str, list[tuple[str, str]]]] = []
    for keyword, arguments in _instructions():
        if keyword == "FROM":
            stages.append((arguments, []))
        elif stages:
            stages[-1][1].append((keyword, arguments))
    return stages


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def _entrypoint(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(ENTRYPOINT), *args],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": os.environ["PATH"], **env},
    )


# --- Dockerfile ---------------------------------------------------------------------------------


def test_dockerfile_is_multi_stage_with_a_slim_runtime():
    stages = _stages()
    assert len(stages) >= 2
    names = [source.split(" AS ")[-1].strip() for source, _ in stages]
    assert "build" in names
    runtime_source, _ = stages[-1]
    assert runtime_source.startswith("python:${PYTHON_VERSION}-slim AS runtime")
    assert any(
        keyword == "ARG" and arguments == "PYTHON_VERSION=3.13"
        for keyword, arguments in _instructions()
    )


def test_build_stage_installs_the_locked_dependencies_with_uv():
    build = dict(_stages())
    build_steps = next(steps for source, steps in build.items() if source.endswith(" AS build"))
    runs = [arguments for keyword, arguments in build_steps if keyword == "RUN"]
    assert any("uv sync --frozen --no-dev" in run for run in runs)
    env = " ".join(arguments for keyword, arguments in build_steps if keyword == "ENV")
    assert "UV_PROJECT_ENVIRONMENT=/app/.venv" in env


def test_static_files_are_collected_at_build_time_with_a_build_only_key():
    runs = [arguments for keyword, arguments in _instructions() if keyword == "RUN"]
    collect = [run for run in runs if "collectstatic --noinput" in run]
    assert len(collect) == 1
    assert "SECRET_KEY=build-only" in collect[0]
    # The build key never reaches the runtime image's environment.
    runtime_env = [arguments for keyword, arguments in _stages()[-1][1] if keyword == "ENV"]
    assert not any("SECRET_KEY" in env for env in runtime_env)


def test_runtime_runs_as_a_non_root_user_and_exposes_8000():
    runtime = _stages()[-1][1]
    users = [arguments for keyword, arguments in runtime if keyword == "USER"]
    assert users, "runtime stage sets no USER"
    assert users[-1].split(":")[0] not in ("root", "0")
    assert ("EXPOSE", "8000") in runtime
    assert ("ENTRYPOINT", '["/app/deploy/entrypoint.sh"]') in runtime
    copies = [arguments for keyword, arguments in runtime if keyword == "COPY"]
    assert any("--from=build" in copy for copy in copies)


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image():
    ignored = {
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for entry in (".git", ".venv", ".tools", ".data", ".env", "terraform", "*.tfstate"):
        assert entry in ignored
    # The build needs these, so they must not be ignored.
    for needed in ("pyproject.toml", "uv.lock", "deploy"):
        assert needed not in ignored


# --- docker-compose.yml -------------------------------------------------------------------------


def test_compose_runs_the_full_stack():
    services = _compose()["services"]
    assert {"db", "redis", "migrate", "web", "asgi", "worker", "beat"} <= set(services)
    assert services["db"]["image"] == "postgres:18"
    assert services["redis"]["image"].startswith("redis:7")


@pytest.mark.parametrize("role", ["migrate", "web", "asgi", "worker", "beat"])
def test_compose_app_services_use_the_image_and_their_entrypoint_role(role):
    service = _compose()["services"][role]
    assert service["build"] == "."
    assert service["command"] == [role]
    environment = service["environment"]
    assert environment["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    for variable in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "BASE_DOMAIN"):
        assert environment[variable]
    assert service["depends_on"]["db"]["condition"] == "service_healthy"
    assert service["depends_on"]["redis"]["condition"] == "service_healthy"


def test_migrate_runs_once_before_the_long_running_services():
    services = _compose()["services"]
    assert services["migrate"]["restart"] == "no"
    for role in ("web", "asgi", "worker", "beat"):
        condition = services[role]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully"


@pytest.mark.parametrize("service", ["db", "redis", "web", "asgi", "worker", "beat"])
def test_compose_services_have_healthchecks(service):
    healthcheck = _compose()["services"][service]["healthcheck"]
    assert healthcheck["test"][0] in ("CMD", "CMD-SHELL")
    assert healthcheck["interval"]


def test_web_and_asgi_healthchecks_hit_healthz():
    services = _compose()["services"]
    for role in ("web", "asgi"):
        assert "http://127.0.0.1:8000/healthz" in " ".join(services[role]["healthcheck"]["test"])


# --- deploy/entrypoint.sh -----------------------------------------------------------------------


def test_entrypoint_is_valid_bash_and_executable():
    result = subprocess.run(["bash", "-n", str(ENTRYPOINT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert os.access(ENTRYPOINT, os.X_OK)
    assert ENTRYPOINT.read_text().startswith("#!/usr/bin/env bash\n")


@pytest.mark.parametrize(("role", "command"), ROLE_COMMANDS.items())
def test_entrypoint_maps_each_role_to_its_command(role, command):
    result = _entrypoint("--print", role)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(command)


def test_web_and_asgi_listen_on_port_from_the_environment():
    web = _entrypoint("--print", "web", PORT="9000", WEB_CONCURRENCY="5").stdout
    assert "--bind 0.0.0.0:9000" in web
    assert "--workers 5" in web
    asgi = _entrypoint("--print", "asgi").stdout
    assert "--port 8000" in asgi
    assert "--proxy-headers" in asgi


def test_beat_keeps_its_schedule_in_tmp():
    assert "--schedule /tmp/celerybeat-schedule" in _entrypoint("--print", "beat").stdout


def test_extra_arguments_are_passed_on():
    result = _entrypoint(
        "--print",
        "manage",
        "create_organization",
        "--name",
        "Acme",
        "--subdomain",
        "acme",
    )
    assert result.stdout.strip() == (
        "python manage.py create_organization --name Acme --subdomain acme"
    )
    migrate = _entrypoint("--print", "migrate", "--schema", "acme").stdout.strip()
    assert migrate == "python manage.py migrate_schemas --noinput --schema acme"


def test_unknown_or_missing_role_is_refused():
    for args in (("--print", "shell"), ("--print",), ()):
        result = _entrypoint(*args)
        assert result.returncode == 64
        assert "usage:" in result.stderr


def test_runtime_has_the_pg_dump_of_the_servers_major_for_tenant_deletion():
    """Deleting an organization dumps its schema with pg_dump (tenants.lifecycle); the slim
    Python image has none, so deletion failed in production."""
    instructions = _instructions()
    major = next(
        arguments.split("=", 1)[1]
        for keyword, arguments in instructions
        if keyword == "ARG" and arguments.startswith("POSTGRES_MAJOR=")
    )
    runtime = _stages()[-1][1]
    runs = " ".join(arguments for keyword, arguments in runtime if keyword == "RUN")
    assert "postgresql-client-${POSTGRES_MAJOR}" in runs
    assert "apt.postgresql.org" in runs and "rm -rf /var/lib/apt/lists" in runs
    assert ("ARG", "POSTGRES_MAJOR") in runtime
    assert _compose()["services"]["db"]["image"] == f"postgres:{major}"
    variables = (REPO / "terraform" / "variables.tf").read_text()
    engine = re.search(r'variable "db_engine_version" \{.*?default\s*=\s*"(\d+)', variables, re.S)
    assert engine and engine.group(1) == major
