# syntax=docker/dockerfile:1.7
# One image for every process of the platform; deploy/entrypoint.sh picks the role:
#   docker run IMAGE web|asgi|worker|beat|migrate|manage ...

ARG PYTHON_VERSION=3.13
ARG UV_VERSION=0.13.8
# pg_dump/pg_restore of the server's major (organization deletion dumps the tenant's schema, and
# a newer or older pg_dump refuses or writes what the server cannot read back): the same major
# as terraform's db_engine_version and docker-compose.yml's postgres image.
ARG POSTGRES_MAJOR=18

FROM ghcr.io/astral-sh/uv:${UV_VERSION} AS uv

# --- build: the locked dependencies into /app/.venv, then the static files ---------------------
FROM python:${PYTHON_VERSION}-slim AS build

COPY --from=uv /uv /uvx /bin/

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3 \
    UV_PROJECT_ENVIRONMENT=/app/.venv

WORKDIR /app

# Dependencies first: this layer is reused until pyproject.toml or uv.lock change.
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=uv.lock,target=uv.lock \
    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \
    uv sync --frozen --no-dev --no-install-project

COPY . /app
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev

# Static files are part of the image (whitenoise serves them). The settings need these
# variables to import; none of the values below is used at run time, and the key is build-only.
RUN DJANGO_SETTINGS_MODULE=config.settings.production \
    SECRET_KEY=build-only-not-a-secret \
    DATABASE_URL=postgres://build:build@localhost:5432/build \
    REDIS_URL=redis://localhost:6379/0 \
    BASE_DOMAIN=build.invalid \
    /app/.venv/bin/python manage.py collectstatic --noinput

# --- runtime: the slim image, the virtualenv, the code, and a user without privileges ----------
FROM python:${PYTHON_VERSION}-slim AS runtime

ENV PATH=/app/.venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    PORT=8000

# PostgreSQL's client tools from its own apt repository (Debian's lag a major behind).
ARG POSTGRES_MAJOR
RUN apt-get update \
    && apt-get install --yes --no-install-recommends ca-certificates curl \
    && install --directory /usr/share/postgresql-common/pgdg \
    && curl --fail --silent --show-error --location \
        --output /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
        https://www.postgresql.org/media/keys/ACCC4CF8.asc \
    && . /etc/os-release \
    && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt ${VERSION_CODENAME}-pgdg main" \
        > /etc/apt/sources.list.d/pgdg.list \
    && apt-get update \
    && apt-get install --yes --no-install-recommends "postgresql-client-${POSTGRES_MAJOR}" \
    && apt-get purge --yes --auto-remove curl \
    && rm -rf /var/lib/apt/lists/*

# /srv/media is for running without S3 (docker-compose.yml mounts a volume there).
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app \
    && install --directory --owner app --group app /srv/media

WORKDIR /app
COPY --from=build --chown=root:root /app /app

USER app:app

EXPOSE 8000

ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["web"]
