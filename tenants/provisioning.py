"""Making the schema of a new organization, fast.

First choice: a spare schema from the pool (SpareSchema rows), made ahead of time and kept
fully migrated, which signup takes by renaming it: a few milliseconds. The pool is refilled in
the background by tenants.tasks.refill_spare_schemas (TENANT_SPARE_POOL_SIZE spares).

Fall-back: a template schema (settings.TENANT_TEMPLATE_SCHEMA) is kept fully migrated; a new
organization's schema is a copy of it made with django-tenants' clone function, which takes
well under a second where running every migration takes several. The template is used only
while its applied migrations match the code; otherwise a new schema falls back to running the
migrations itself. Everything here runs inside the caller's transaction: PostgreSQL DDL is
transactional, so a failed signup leaves no schema behind.
"""

import functools
import logging
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_context, schema_exists

from tenants.models import Organization, SpareSchema

logger = logging.getLogger(__name__)

# Functions that fill a new tenant schema (its owner account, default rows). Tenant apps
# register them (tenants knows no app); each runs in the new schema, inside the signup's
# transaction, with the keyword arguments that provision_organization was given.
_initializers: list[Callable[..., None]] = []

TEMPLATE_LOCK_ID = 7_340_001  # pg_advisory_lock key: one process (re)builds the template at a time
POOL_LOCK_ID = 7_340_002  # pg_advisory_lock key: one process refills the spare pool at a time
SPARE_PREFIX = "_spare_"


def tenant_initializer(function: Callable[..., None]) -> Callable[..., None]:
    """Decorator: run `function(organization=..., **initial_data)` in every new tenant schema."""
    _initializers.append(function)
    return function


def run_initializers(organization: Organization, initial_data: dict) -> None:
    with schema_context(organization.schema_name):
        for initializer in _initializers:
            initializer(organization=organization, **initial_data)


def template_schema() -> str:
    return settings.TENANT_TEMPLATE_SCHEMA


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


@functools.cache
def expected_migrations() -> frozenset[tuple[str, str]]:
    """Every migration the code has: what a fully migrated tenant schema has recorded."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.disk_migrations)


def applied_migrations(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f"{quote(schema)}.django_migrations"])
        if cursor.fetchone()[0] is None:
            return set()
        # The schema is an identifier, quoted by the backend; it cannot be a query parameter.
        cursor.execute(f"SELECT app, name FROM {quote(schema)}.django_migrations")  # noqa: S608
        return set(cursor.fetchall())


def schema_is_current(schema: str) -> bool:
    return expected_migrations() <= applied_migrations(schema)


def migrate_schema(schema: str, verbosity: int = 0) -> None:
    call_command(
        "migrate_schemas",
        schema_name=schema,
        interactive=False,
        verbosity=verbosity,
        skip_template=True,
    )


def _ensure_clone_function() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_proc WHERE proname = 'clone_schema'")
        if cursor.fetchone() is None:
            CloneSchema()._create_clone_schema_function()


def ensure_template(verbosity: int = 0) -> bool:
    """Create or migrate the template schema so that clones are current. True if it changed."""
    template = template_schema()
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [TEMPLATE_LOCK_ID])
    try:
        with transaction.atomic():
            _ensure_clone_function()
        if schema_exists(template) and schema_is_current(template):
            return False
        with transaction.atomic():
            if not schema_exists(template):
                with connection.cursor() as cursor:
                    cursor.execute(f"CREATE SCHEMA {quote(template)}")
        migrate_schema(template, verbosity=verbosity)
        logger.info("Template schema %s is migrated", template)
        return True
    finally:
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [TEMPLATE_LOCK_ID])


def _build_schema(schema: str) -> str:
    """Create `schema` fully migrated by cloning the template, or by migrating if it is stale."""
    connection.set_schema_to_public()
    template = template_schema()
    if schema_exists(template) and schema_is_current(template):
        _ensure_clone_function()
        with connection.cursor() as cursor:
            cursor.execute("SELECT clone_schema(%s, %s, 'DATA')", [template, schema])
        return "clone"
    logger.warning("Template schema %s is missing or stale; migrating %s instead", template, schema)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {quote(schema)}")
    migrate_schema(schema)
    connection.set_schema_to_public()
    return "migrate"


def claim_spare_schema(schema: str) -> bool:
    """Rename a current spare schema to `schema`. False if the pool has none to give.

    Runs in the caller's transaction: the spare's row stays locked (other signups skip it) until
    the caller commits, and a rollback gives the spare back to the pool, name and all. A spare
    whose applied migrations do not match the code is dropped, never claimed.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("claim_spare_schema must run inside a transaction")
    connection.set_schema_to_public()
    while True:
        spare = SpareSchema.objects.select_for_update(skip_locked=True).first()
        if spare is None:
            return False
        if schema_exists(spare.schema_name) and schema_is_current(spare.schema_name):
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER SCHEMA {quote(spare.schema_name)} RENAME TO {quote(schema)}")
            spare.delete()
            return True
        logger.warning("Spare schema %s is stale or missing; dropping it", spare.schema_name)
        drop_schema(spare.schema_name)
        spare.delete()


def create_schema(schema: str) -> str:
    """Create `schema` fully migrated. Returns how: "pool", "clone" or "migrate".

    Must be called inside a transaction (the caller's), so that a failure rolls it back.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("create_schema must run inside a transaction")
    if claim_spare_schema(schema):
        return "pool"
    return _build_schema(schema)


def spare_pool_size() -> int:
    return getattr(settings, "TENANT_SPARE_POOL_SIZE", 0)


def refill_spare_schemas(size: int | None = None) -> int:
    """Drop stale spares and make new ones until the pool holds `size` (default: the setting).

    Returns how many spares were made. Only one process refills at a time (an advisory lock);
    another one finding the lock taken returns 0 at once. Each spare is made in its own
    transaction, so a signup can claim the first while the next is being made.
    """
    size = spare_pool_size() if size is None else size
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [POOL_LOCK_ID])
        if not cursor.fetchone()[0]:
            return 0
    made = 0
    try:
        with transaction.atomic():
            for spare in SpareSchema.objects.select_for_update(skip_locked=True):
                if not (schema_exists(spare.schema_name) and schema_is_current(spare.schema_name)):
                    logger.info("Dropping stale spare schema %s", spare.schema_name)
                    drop_schema(spare.schema_name)
                    spare.delete()
        while SpareSchema.objects.count() < size:
            name = SPARE_PREFIX + secrets.token_hex(6)
            with transaction.atomic():
                _build_schema(name)
                SpareSchema.objects.create(schema_name=name)
            made += 1
    finally:
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [POOL_LOCK_ID])
    if made:
        logger.info("Made %d spare schema(s)", made)
    return made


def migrate_spare_schemas(verbosity: int = 0) -> list[str]:
    """Migrate every spare that is behind the code (run by migrate_schemas). Returns their names."""
    connection.set_schema_to_public()
    migrated = []
    for schema in SpareSchema.objects.values_list("schema_name", flat=True):
        # Locked while it is migrated, so that no signup claims it half-way (signups skip it).
        with transaction.atomic():
            spare = SpareSchema.objects.select_for_update(skip_locked=True).filter(
                schema_name=schema
            )
            if not spare.exists() or not schema_exists(schema) or schema_is_current(schema):
                continue
            migrate_schema(schema, verbosity=verbosity)
            connection.set_schema_to_public()
            migrated.append(schema)
    return migrated


def drop_schema(schema: str) -> None:
    if schema in ("public", "information_schema") or schema.startswith("pg_"):
        raise ValueError(f"refusing to drop {schema}")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {quote(schema)} CASCADE")
