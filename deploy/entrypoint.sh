#!/usr/bin/env bash
# Starts one process of the platform. The first argument picks the role, so that one image
# serves the web, ASGI, worker, beat and migrate containers (Compose and ECS alike).
#
#   entrypoint.sh [--print] ROLE [EXTRA ARGS...]
#
# --print writes the command it would run and exits: the tests read it, and so can a person.
set -euo pipefail

usage() {
  cat >&2 <<'USAGE'
usage: entrypoint.sh [--print] ROLE [ARGS...]
roles:
  web       gunicorn config.wsgi:application (HTTP)
  asgi      uvicorn config.asgi:application (WebSockets)
  worker    celery -A config worker -l info
  beat      celery -A config beat -l info (run exactly one)
  migrate   python manage.py migrate_schemas (public schema, then every tenant schema)
  manage    python manage.py ARGS... (one-off commands, e.g. create_organization)
USAGE
}

print_only=false
if [[ "${1:-}" == "--print" ]]; then
  print_only=true
  shift
fi

if [[ $# -lt 1 ]]; then
  usage
  exit 64
fi

role="$1"
shift

port="${PORT:-8000}"
# Gunicorn and uvicorn each fork this many processes; ECS sizes it per task.
web_concurrency="${WEB_CONCURRENCY:-2}"

case "$role" in
  web)
    # The ALB terminates TLS and sets X-Forwarded-*; the container is only reachable from it.
    # --worker-tmp-dir keeps heartbeats off the read-only root file system.
    cmd=(gunicorn config.wsgi:application
      --bind "0.0.0.0:${port}"
      --workers "${web_concurrency}"
      --worker-tmp-dir /dev/shm
      --forwarded-allow-ips "*"
      --access-logfile -
      --error-logfile -)
    ;;
  asgi)
    cmd=(uvicorn config.asgi:application
      --host 0.0.0.0
      --port "${port}"
      --workers "${web_concurrency}"
      --proxy-headers
      --forwarded-allow-ips "*")
    ;;
  worker)
    cmd=(celery -A config worker -l info)
    ;;
  beat)
    # The schedule file goes to /tmp, the one writable place in the container.
    cmd=(celery -A config beat -l info --schedule /tmp/celerybeat-schedule)
    ;;
  migrate)
    cmd=(python manage.py migrate_schemas --noinput)
    ;;
  manage)
    cmd=(python manage.py)
    ;;
  -h | --help | help)
    usage
    exit 0
    ;;
  *)
    echo "entrypoint.sh: unknown role '${role}'" >&2
    usage
    exit 64
    ;;
esac

cmd+=("$@")

if [[ "$print_only" == true ]]; then
  printf '%s\n' "${cmd[*]}"
  exit 0
fi

exec "${cmd[@]}"
