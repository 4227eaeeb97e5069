"""django-tenants' migrate_schemas, which skips the tenant schemas that are already current,
migrates the others in parallel worker processes, one transaction per schema
(tenants/migration_runner.py), and also keeps the template and the spare schemas current."""

import time

from django.core.management.base import CommandError
from django_tenants.management.commands.migrate_schemas import (
    GET_EXECUTOR_FUNCTION,
)
from django_tenants.management.commands.migrate_schemas import (
    MigrateSchemasCommand as BaseMigrateSchemasCommand,
)
from django_tenants.utils import get_public_schema_name, has_multi_type_tenants

from tenants.models import Organization


class Command(BaseMigrateSchemasCommand):
    stealth_options = ("skip_template",)

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--processes",
            type=int,
            default=None,
            help="Worker processes (one database connection each) migrating tenant schemas; "
            "default TENANT_MIGRATION_PROCESSES (2).",
        )

    def handle(self, *args, **options):
        every_tenant = not options.get("schema_name") and not options.get("app_label")
        # Options that look at more than "is anything unapplied?" keep django-tenants' path.
        special = ("check_unapplied", "plan", "prune", "fake", "fake_initial", "run_syncdb")
        failure = None
        if not every_tenant or has_multi_type_tenants() or any(options.get(o) for o in special):
            super().handle(*args, **options)
        else:
            try:
                self._migrate_public_and_tenants_behind(*args, **options)
            except CommandError as error:  # some tenant schemas failed: still do the template
                failure = error
        migrating_every_tenant = self.sync_tenant and not options.get("schema_name")
        if migrating_every_tenant and not options.get("skip_template"):
            from tenants.provisioning import ensure_template, migrate_spare_schemas

            verbosity = options.get("verbosity", 1)
            if ensure_template(verbosity=verbosity):
                self.stdout.write("Template schema migrated.")
            spares = migrate_spare_schemas(verbosity=verbosity)
            if spares:
                self.stdout.write(f"Spare schemas migrated: {len(spares)}.")
        if failure is not None:
            raise failure

    def _migrate_public_and_tenants_behind(self, *args, **options):
        """As django-tenants does, but tenant schemas whose recorded migrations already match
        the code are left alone, decided by one query over all of them."""
        from tenants.migration_status import schemas_behind

        super(BaseMigrateSchemasCommand, self).handle(*args, **options)  # SyncCommon: options
        public = get_public_schema_name()
        executor = GET_EXECUTOR_FUNCTION(codename=self.executor)(self.args, self.options)
        if self.sync_public:
            executor.run_migrations(tenants=[public])
        if not self.sync_tenant:
            return
        started = time.monotonic()
        schemas = list(
            Organization.objects.exclude(schema_name=public)
            .order_by("schema_name")
            .values_list("schema_name", flat=True)
        )
        behind = schemas_behind(schemas)
        to_migrate = [schema for schema in schemas if schema in behind]
        if options.get("verbosity", 1) >= 1:
            self.stdout.write(
                f"{len(schemas) - len(to_migrate)} of {len(schemas)} tenant schemas are current "
                f"(checked in {time.monotonic() - started:.2f} s); migrating {len(to_migrate)}."
            )
        if to_migrate:
            self._run_in_parallel(to_migrate, options)

    def _run_in_parallel(self, schemas, options):
        from tenants.migration_runner import migrate_tenant_schemas

        verbosity = options.get("verbosity", 1)
        report = migrate_tenant_schemas(
            schemas, processes=options.get("processes"), verbosity=verbosity, stdout=self.stdout
        )
        if verbosity >= 1:
            self.stdout.write(
                f"Migrated {len(report.migrated)} tenant schemas in {report.seconds:.1f} s"
                f" ({len(report.current)} already current, {len(report.failed)} failed,"
                f" {len(report.not_attempted)} not attempted)."
            )
        for schema, error in sorted(report.failed.items()):
            self.stderr.write(f"Schema {schema} failed and was left unchanged: {error}")
        if report.not_attempted:
            self.stderr.write(
                f"Stopped before {len(report.not_attempted)} schemas: "
                + ", ".join(sorted(report.not_attempted)[:20])
                + (" ..." if len(report.not_attempted) > 20 else "")
            )
        if not report.ok:
            failed = ", ".join(sorted(report.failed))
            raise CommandError(
                f"migrate_schemas did not finish: {len(report.failed)} schemas failed"
                + (f" ({failed})" if failed else "")
                + (f", {len(report.not_attempted)} not attempted" if report.not_attempted else "")
            )
