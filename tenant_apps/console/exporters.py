"""The export registry: which data a full export holds, app by app, and how an import puts it
back. Every installed tenant app is exported by default (all its models through Django's JSON
serializer, primary keys kept, so relations survive). An app with data that must not travel
as-is (caches, secrets) registers its own exporter:

    from tenant_apps.console.exporters import register_exporter

    register_exporter("forum", dump=my_dump, load=my_load)   # dump() -> list, load(list) -> None
    register_exporter("forum", skip=True)                     # leave the app out

from its AppConfig.ready()."""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps as django_apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection

# Tables that are not the tenant's data: sessions, content types and permissions (recreated by
# migrations), and the console's own export jobs and domain proofs (domains belong to a host).
SKIPPED_MODELS = {
    "sessions.session",
    "contenttypes.contenttype",
    "auth.permission",
    "admin.logentry",
    "console.exportjob",
    "console.customdomain",
}


@dataclass
class Exporter:
    key: str
    dump: Callable[[], list]
    load: Callable[[list], None]


_registry: dict[str, Exporter | None] = {}


def register_exporter(key: str, *, dump=None, load=None, skip: bool = False) -> None:
    _registry[key] = None if skip else Exporter(key=key, dump=dump, load=load)


def _models_of(label: str):
    config = django_apps.get_app_config(label)
    return [m for m in config.get_models() if m._meta.label_lower not in SKIPPED_MODELS]


def _generic(label: str) -> Exporter:
    def dump() -> list:
        rows: list = []
        for model in _models_of(label):
            rows.extend(
                json.loads(serializers.serialize("json", model._default_manager.order_by("pk")))
            )
        return rows

    def load(rows: list) -> None:
        for item in serializers.deserialize("json", json.dumps(rows)):
            item.save()

    return Exporter(key=label, dump=dump, load=load)


def tenant_app_labels() -> list[str]:
    labels = []
    for dotted in settings.TENANT_APPS:
        for config in django_apps.get_app_configs():
            if config.name == dotted and _models_of(config.label):
                labels.append(config.label)
    return labels


def exporters() -> list[Exporter]:
    found = []
    for label in tenant_app_labels():
        if label in _registry:
            if _registry[label] is not None:
                found.append(_registry[label])
        else:
            found.append(_generic(label))
    for key, exporter in _registry.items():
        if exporter is not None and key not in {e.key for e in found}:
            found.append(exporter)
    return found


def reset_sequences() -> None:
    """After loading rows with their own ids, let new rows continue after the largest one."""
    models = [m for label in tenant_app_labels() for m in _models_of(label)]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
