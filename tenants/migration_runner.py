"""Migrating many tenant schemas: in parallel, one transaction per schema, with progress and a
report of the schemas that failed.

django-tenants runs Django's whole `migrate` command once per schema: system checks, a fresh
migration graph read from disk, the project state rebuilt from every applied migration, and
the output of each. Here each worker process builds the graph and the project state once per
distinct set of applied migrations (every schema behind the code usually lacks the same ones)
and reuses a copy of it for every schema, so a schema costs little more than its own DDL.

- Parallel: `processes` forked workers, each with one database connection: the run holds at
  most `processes` connections, whatever the number of schemas.
- All or nothing per schema: a schema's migrations run inside one transaction (PostgreSQL DDL
  is transactional), so a failure leaves that schema exactly as it was; the other schemas go on.
  A migration marked `atomic = False` (CREATE INDEX CONCURRENTLY...) cannot run this way and
  fails, leaving its schema unchanged.
- Stops cleanly: on SIGINT or SIGTERM no new schema is started, the ones in progress finish
  (or roll back if the process is killed), and the report lists what was not attempted.
"""

import multiprocessing
import signal
import sys
import threading
import time
from dataclasses import dataclass, field

from django.apps import apps as global_apps
from django.conf import settings
from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.signals import post_migrate, pre_migrate

DEFAULT_PROCESSES = 2
PROGRESS_EVERY_SECONDS = 2.0


def default_processes() -> int:
    return getattr(settings, "TENANT_MIGRATION_PROCESSES", DEFAULT_PROCESSES)


@dataclass
class MigrationReport:
    total: int
    migrated: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)  # nothing left to apply when reached
    failed: dict[str, str] = field(default_factory=dict)  # schema -> error
    not_attempted: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def stopped(self) -> bool:
        return bool(self.not_attempted)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.not_attempted


class _SchemaRecorder(MigrationRecorder):
    """Django's recorder, but "does django_migrations exist?" is asked of the connection's own
    schema by name: Django lists every table visible on the search path, which scans all of
    pg_class (150,000 relations with 1,000 tenants: tens of milliseconds a schema, growing with
    the number of tenants), and would find public's django_migrations for a new schema."""

    def has_table(self):
        if self._has_table:
            return True
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_catalog.pg_class c"
                " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = %s AND c.relname = %s AND c.relkind IN ('r', 'p')",
                [self.connection.schema_name, self.Migration._meta.db_table],
            )
            self._has_table = cursor.fetchone() is not None
        return self._has_table


class _SchemaMigrator:
    """Migrates one schema at a time on this process's connection, reusing the graph and the
    project state between schemas that have the same migrations applied."""

    def __init__(self, verbosity: int = 0, stdout=None) -> None:
        self.verbosity = verbosity
        self.stdout = stdout or sys.stdout
        self._prepared: dict[frozenset, tuple] = {}

    def _prepare(self, applied: frozenset) -> tuple:
        prepared = self._prepared.get(applied)
        if prepared is None:
            executor = MigrationExecutor(connection, progress_callback=self._progress)
            targets = executor.loader.graph.leaf_nodes()
            plan = executor.migration_plan(targets)
            state = executor._create_project_state(with_applied_migrations=True)
            state.apps  # noqa: B018  (render the models once; clones copy them)
            prepared = self._prepared[applied] = (executor, targets, plan, state)
        return prepared

    def _progress(self, action, migration=None, fake=False) -> None:
        if self.verbosity >= 2 and action == "apply_success":
            self.stdout.write(f"[{connection.schema_name}] applied {migration}\n")

    def migrate(self, schema: str) -> int:
        """Apply every migration `schema` lacks, in one transaction. Returns how many."""
        from django_tenants.signals import schema_migrated

        with transaction.atomic():
            connection.set_schema(schema)
            recorder = _SchemaRecorder(connection)
            recorder.ensure_schema()  # made in `schema`, the first on the search path
            applied = frozenset(recorder.applied_migrations())
            executor, targets, plan, state = self._prepare(applied)
            if not plan:
                return 0
            executor.loader.applied_migrations = dict.fromkeys(applied)
            executor.recorder = recorder  # records in this schema; its table is known to exist
            labels = {migration.app_label for migration, _backwards in plan}
            pre_state = state.clone()
            _emit(pre_migrate, labels, apps=pre_state.apps, plan=plan)
            post_state = executor.migrate(targets, plan=plan, state=pre_state)
            _emit(post_migrate, labels, apps=post_state.apps, plan=plan)
        schema_migrated.send(self.__class__, schema_name=schema)
        return len(plan)


def _emit(signal_, labels: set[str], **kwargs) -> None:
    """pre_migrate / post_migrate as `migrate` sends them, but only for the apps that had
    migrations to apply: Django sends them for every app, and the receivers of the others
    (ContentTypes, permissions: about 70 queries a schema) find everything already there."""
    for app_config in global_apps.get_app_configs():
        if app_config.models_module is None or app_config.label not in labels:
            continue
        signal_.send(
            sender=app_config,
            app_config=app_config,
            verbosity=0,
            interactive=False,
            using=connection.alias,
            **kwargs,
        )


# --- worker processes -------------------------------------------------------------------------

_worker: dict = {}


def _worker_init(stop, verbosity: int) -> None:
    # The parent decides when to stop (it sets `stop`); a worker finishes the schema it is on.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _worker["stop"] = stop
    _worker["migrator"] = _SchemaMigrator(verbosity=verbosity)


def _worker_migrate(schema: str) -> tuple[str, str, str]:
    """(schema, "migrated" | "current" | "failed" | "skipped", error)."""
    if _worker["stop"].is_set():
        return schema, "skipped", ""
    try:
        applied = _worker["migrator"].migrate(schema)
    except Exception as error:  # reported by the parent, schema rolled back
        connection.close()  # a broken connection must not carry on to the next schema
        return schema, "failed", f"{type(error).__name__}: {error}".strip()
    finally:
        connection.set_schema_to_public()
    return schema, ("migrated" if applied else "current"), ""


class _Progress:
    def __init__(self, total: int, stdout, every: float) -> None:
        self.total, self.stdout, self.every = total, stdout, every
        self.started = self.last = time.monotonic()

    def update(self, report: MigrationReport, final: bool = False) -> None:
        now = time.monotonic()
        if self.stdout is None or (not final and now - self.last < self.every):
            return
        self.last = now
        done = len(report.migrated) + len(report.current) + len(report.failed)
        elapsed = max(now - self.started, 1e-9)
        rate = done / elapsed
        left = (self.total - done) / rate if rate else float("inf")
        failed = f", {len(report.failed)} failed" if report.failed else ""
        eta = "" if final else f", about {left:.0f} s left"
        self.stdout.write(
            f"  {done}/{self.total} schemas{failed}, {rate:.1f}/s, {elapsed:.0f} s{eta}\n"
        )
        self.stdout.flush()


def migrate_tenant_schemas(
    schemas: list[str],
    *,
    processes: int | None = None,
    verbosity: int = 1,
    stdout=None,
    progress_every: float = PROGRESS_EVERY_SECONDS,
) -> MigrationReport:
    """Migrate `schemas` with `processes` worker processes (default TENANT_MIGRATION_PROCESSES),
    each schema in its own transaction. Never raises for a schema's failure: see the report.

    Inside a transaction (a caller's atomic block, a test) the schemas are migrated in this
    process, one savepoint each: worker processes could not see what the transaction made."""
    processes = max(1, min(processes or default_processes(), len(schemas) or 1))
    report = MigrationReport(total=len(schemas))
    progress = _Progress(len(schemas), stdout if verbosity >= 1 else None, progress_every)
    started = time.monotonic()
    if not schemas:
        return report
    in_process = connection.in_atomic_block or len(schemas) == 1
    context = multiprocessing.get_context("fork")
    stop = threading.Event() if in_process else context.Event()

    def request_stop(signum, frame):
        if stop.is_set():
            raise KeyboardInterrupt  # a second signal: stop now, in-flight work rolls back
        stop.set()
        if stdout is not None:
            stdout.write("Stopping: finishing the schemas in progress, starting no new one.\n")

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    pool = None
    try:
        if in_process:
            migrator = _SchemaMigrator(verbosity=verbosity)
            results = (_migrate_here(migrator, schema, stop) for schema in schemas)
        else:
            # Workers open their own connections; a socket inherited from this process would
            # be shared by two.
            connections.close_all()
            pool = context.Pool(processes, initializer=_worker_init, initargs=(stop, verbosity))
            results = pool.imap_unordered(_worker_migrate, schemas)
        for schema, outcome, error in results:
            if outcome == "migrated":
                report.migrated.append(schema)
            elif outcome == "current":
                report.current.append(schema)
            elif outcome == "failed":
                report.failed[schema] = error
            else:
                report.not_attempted.append(schema)
            progress.update(report)
        if pool is not None:
            pool.close()
    except KeyboardInterrupt:
        if pool is not None:
            pool.terminate()  # a killed worker's open transaction is rolled back by PostgreSQL
        seen = set(report.migrated) | set(report.current) | set(report.failed)
        report.not_attempted = [s for s in schemas if s not in seen]
    except BaseException:
        if pool is not None:
            pool.terminate()
        raise
    finally:
        if pool is not None:
            pool.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    report.seconds = time.monotonic() - started
    progress.update(report, final=True)
    return report


def _migrate_here(migrator: _SchemaMigrator, schema: str, stop) -> tuple[str, str, str]:
    if stop.is_set():
        return schema, "skipped", ""
    try:
        applied = migrator.migrate(schema)
    except Exception as error:  # rolled back to the schema's savepoint
        return schema, "failed", f"{type(error).__name__}: {error}".strip()
    finally:
        connection.set_schema_to_public()
    return schema, ("migrated" if applied else "current"), ""


def migrate_schema_in_process(schema: str, verbosity: int = 0) -> int:
    """Migrate one schema on this process's connection, in one transaction (nested in the
    caller's, if any, as a savepoint). Returns how many migrations were applied."""
    try:
        return _SchemaMigrator(verbosity=verbosity).migrate(schema)
    finally:
        connection.set_schema_to_public()
