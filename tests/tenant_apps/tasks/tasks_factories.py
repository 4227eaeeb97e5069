"""Factories for task board tests: plain functions that go through the services."""

from tenant_apps.tasks import services
from tenants.context import tenant_context


def make_project(organization, user, *, name="Project", members=(), **fields):
    with tenant_context(organization):
        return services.create_project(
            user=user, name=name, member_ids=[m.pk for m in members], **fields
        )


def make_task(organization, user, project, *, title="A task", **fields):
    with tenant_context(organization):
        return services.create_task(user=user, project=project, title=title, **fields)


def columns(organization, project):
    with tenant_context(organization):
        return list(project.columns.order_by("position"))


def board_titles(organization, project):
    """{column name: [task titles in order]}"""
    with tenant_context(organization):
        return {
            column.name: list(column.tasks.order_by("rank").values_list("title", flat=True))
            for column in project.columns.order_by("position")
        }
