"""The Celery app. Through tenant-schemas-celery, a task runs in the schema of the tenant that
queued it: the schema travels in the message headers and the worker switches to it."""

import os
from pathlib import Path

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = CeleryApp("platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

if app.conf.broker_url == "filesystem://":
    # kombu's filesystem transport (no Redis) and the file result backend need their folders.
    options = app.conf.broker_transport_options
    folders = [options["data_folder_in"], options["processed_folder"]]
    folders.append(app.conf.result_backend.removeprefix("file://"))
    for folder in folders:
        Path(folder).mkdir(parents=True, exist_ok=True)
