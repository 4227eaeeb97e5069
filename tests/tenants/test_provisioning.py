import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from tenants import provisioning
from tenants.context import tenant_context
from tenants.models import Organization
from tenants.services import provision_organization


def test_new_schemas_are_cloned_from_a_current_template(db):
    organization = provision_organization(name="Clone Co", subdomain="clone-co")
    assert organization.provisioned_by == "clone"
    assert provisioning.schema_is_current("clone-co")
    with tenant_context(organization):
        from django.contrib.contenttypes.models import ContentType

        assert ContentType.objects.filter(app_label="members", model="member").exists()


def test_a_stale_template_is_not_cloned_migrations_run_instead(db):
    with connection.cursor() as cursor:
        cursor.execute('DELETE FROM "_template".django_migrations WHERE app = %s', ["members"])
    assert not provisioning.schema_is_current("_template")
    organization = provision_organization(name="Fresh Co", subdomain="fresh-co")
    assert organization.provisioned_by == "migrate"
    assert provisioning.schema_is_current("fresh-co")


def test_a_missing_template_falls_back_to_migrations(db):
    provisioning.drop_schema("_template")
    organization = provision_organization(name="Slow Co", subdomain="slow-co")
    assert organization.provisioned_by == "migrate"


def test_template_schema_is_never_an_organization(db):
    assert not Organization.objects.filter(schema_name__startswith="_").exists()


def test_provisioning_refuses_bad_names_before_touching_the_database(db):
    with pytest.raises(ValidationError) as error:
        provision_organization(name="", subdomain="fine-name")
    assert "name" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        provision_organization(name="X", subdomain="_template")
    assert "subdomain" in error.value.message_dict


def test_create_organization_command(db, capsys):
    call_command(
        "create_organization",
        name="Cmd Co",
        subdomain="cmd-co",
        owner_email="boss@cmd.example",
        owner_password="Sturdy-Passphrase-42",
    )
    assert "Created Cmd Co (cmd-co)" in capsys.readouterr().out
    assert Organization.objects.filter(schema_name="cmd-co").exists()


def test_create_organization_command_explains_refusals(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="subdomain: That subdomain is already taken"):
        call_command(
            "create_organization",
            name="Dup",
            subdomain="alpha",
            owner_email="boss@dup.example",
            owner_password="Sturdy-Passphrase-42",
        )
