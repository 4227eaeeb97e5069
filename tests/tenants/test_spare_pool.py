"""The pool of spare schemas: signup claims one by renaming it, a refill tops the pool up, a
stale spare is never claimed, a failed signup gives its spare back, spares are no tenants."""

import pytest
from django.db import connection, transaction
from django.test import override_settings

from tenants import provisioning
from tenants.context import tenant_context
from tenants.models import Organization, SpareSchema
from tenants.services import provision_organization


def schemas_named(prefix: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s)", [prefix])
        return {row[0] for row in cursor.fetchall()}


def test_refill_makes_current_spares_up_to_the_pool_size(db):
    assert provisioning.refill_spare_schemas(size=2) == 2
    spares = set(SpareSchema.objects.values_list("schema_name", flat=True))
    assert len(spares) == 2
    assert spares == schemas_named(provisioning.SPARE_PREFIX)
    assert all(provisioning.schema_is_current(spare) for spare in spares)
    assert provisioning.refill_spare_schemas(size=2) == 0


def test_the_refill_task_uses_the_pool_size_setting(db):
    from tenants.tasks import refill_spare_schemas

    with override_settings(TENANT_SPARE_POOL_SIZE=1):
        assert refill_spare_schemas() == 1
    assert SpareSchema.objects.count() == 1


def test_signup_claims_a_spare_by_renaming_it(db):
    provisioning.refill_spare_schemas(size=1)
    spare = SpareSchema.objects.get().schema_name
    organization = provision_organization(name="Pool Co", subdomain="pool-co")
    assert organization.provisioned_by == "pool"
    assert not SpareSchema.objects.exists()
    assert schemas_named("pool-co") == {"pool-co"}
    assert spare not in schemas_named(provisioning.SPARE_PREFIX)
    assert provisioning.schema_is_current("pool-co")
    with tenant_context(organization):
        from shared_apps.accounts.models import User

        assert User.objects.create(email="first@pool.test").pk
        assert list(User.objects.values_list("email", flat=True)) == ["first@pool.test"]


def test_an_empty_pool_falls_back_to_cloning(db):
    assert provision_organization(name="No Pool", subdomain="no-pool").provisioned_by == "clone"


def test_a_failed_signup_gives_its_spare_back(db):
    provisioning.refill_spare_schemas(size=1)
    spare = SpareSchema.objects.get().schema_name
    with pytest.raises(RuntimeError), transaction.atomic():
        assert provisioning.create_schema("doomed") == "pool"
        raise RuntimeError("signup failed after the schema was made")
    assert SpareSchema.objects.get().schema_name == spare
    assert schemas_named(spare) == {spare}
    assert not schemas_named("doomed")


def test_a_stale_spare_is_never_claimed(db):
    provisioning.refill_spare_schemas(size=1)
    spare = SpareSchema.objects.get().schema_name
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{spare}".django_migrations WHERE app = %s',
            ["members"],
        )
    organization = provision_organization(name="Stale Co", subdomain="stale-co")
    assert organization.provisioned_by == "clone"
    assert not SpareSchema.objects.exists()
    assert not schemas_named(spare)


def test_migrate_schemas_brings_spares_up_to_date(db):
    provisioning.refill_spare_schemas(size=1)
    spare = SpareSchema.objects.get().schema_name
    assert provisioning.migrate_spare_schemas() == []
    # A spare made before every migration existed: here, one with none applied yet.
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA "{spare}" CASCADE')
        cursor.execute(f'CREATE SCHEMA "{spare}"')
    assert not provisioning.schema_is_current(spare)
    assert provisioning.migrate_spare_schemas() == [spare]
    assert provisioning.schema_is_current(spare)


def test_spares_are_never_organizations(db):
    provisioning.refill_spare_schemas(size=2)
    assert not Organization.objects.filter(schema_name__startswith="_").exists()
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        SpareSchema.objects.create(schema_name="alpha")


def test_beat_sends_the_refill_once_in_the_public_schema(db, settings):
    from tenants.scheduler import ActiveTenantScheduler

    entry = settings.CELERY_BEAT_SCHEDULE["refill-spare-schemas"]
    assert entry["tenant_schemas"] == ["public"]
    scheduler = ActiveTenantScheduler.__new__(ActiveTenantScheduler)
    converted = scheduler._tenant_aware_beat_schedule_to_dict({"refill": entry})
    assert list(converted) == ["refill@public"]
